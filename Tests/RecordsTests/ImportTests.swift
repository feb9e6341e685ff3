import Catalog
import EventLog
import Foundation
@testable import Records
import Testing

/// Register import: encodings, delimiters, quoting, and a file with planted
/// errors refused whole with each error listed.
@Suite struct ImportTests {
    typealias F = SchoolFixture
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/examples")

    func example(_ name: String) throws -> Data {
        try Data(contentsOf: ImportTests.examples.appendingPathComponent(name))
    }

    @discardableResult
    func load(_ register: Register, _ data: Data, into recorder: Recorder, on date: String = "2024-08-26") async throws -> ImportOutcome {
        try await RegisterImporter.run(register, data: data, recorder: recorder, as: F.coordinator, on: F.date(date))
    }

    func rejection(_ register: Register, _ data: Data, into f: F) async throws -> [ImportIssue] {
        try await rejection(register, data, recorder: f.recorder, log: f.log)
    }

    func rejection(_ register: Register, _ data: Data, recorder: Recorder, log: EventLog) async throws -> [ImportIssue] {
        let before = try ExampleSchool.snapshot(log)
        do {
            try await load(register, data, into: recorder)
        } catch let rejected as ImportRejected {
            #expect(try ExampleSchool.snapshot(log) == before, "a rejected file changed the log")
            return rejected.issues
        }
        Issue.record("the file was imported")
        return []
    }

    // MARK: the example files

    @Test func exampleFilesLoadInBothEncodings() async throws {
        let f = try await ExampleSchool()
        defer { f.cleanup() }
        let staff = try await load(.staff, example("staff.csv"), into: f.recorder, on: "2026-08-26")
        #expect(staff.encoding == .utf8WithBOM && staff.delimiter == ";")
        #expect(staff.created == ["T0002", "T0003", "T0004", "T0005", "T0006", "T0007"])
        var state = await f.recorder.state
        #expect(state.staff["T0006"]?.roles == [RoleGrant(role: .teacher, classID: ""), RoleGrant(role: .administration, classID: "")])
        #expect(state.staff["T0007"]?.roles == [RoleGrant(role: .teacher, classID: "")])
        #expect(state.staff["T0005"]?.hiredOn == F.date("2019-09-01"))

        let classes = try await load(.classes, example("classes.csv"), into: f.recorder, on: "2026-08-26")
        #expect(classes.encoding == .windows1251 && classes.delimiter == ",")
        #expect(classes.created == ["2026-1А", "2026-5А", "2026-5Б", "2026-9А"])
        state = await f.recorder.state
        #expect(state.classes["2026-1А"]?.classTeacherID == "T0007")
        #expect(state.classes["2026-5Б"]?.classTeacherID == "T0005")
        #expect(state.classes["2026-9А"]?.classTeacherID == "T0004")

        let students = try await load(.students, example("students.csv"), into: f.recorder, on: "2026-08-26")
        #expect(students.encoding == .windows1251 && students.delimiter == ";")
        #expect(students.created.count == 8)
        state = await f.recorder.state
        let zaytseva = try #require(state.students.values.first { $0.name.last == "Зайцева" })
        #expect(zaytseva.placements.first?.span.from == F.date("2026-09-07"))
        let alyona = try #require(state.students.values.first { $0.name.first == "Алёна" })
        #expect(alyona.currentClassID == "2026-5Б" && alyona.sex == .female)

        let guardians = try await load(.guardians, example("guardians.csv"), into: f.recorder, on: "2026-08-26")
        #expect(guardians.encoding == .utf8)
        #expect(guardians.created.count == 7)   // eight rows, one mother of two
        state = await f.recorder.state
        #expect(state.guardians["P0001"]?.name.full == "Андреева Наталья Викторовна")
        #expect(state.guardians["P0001"]?.children == ["S0001": .mother, "S0007": .mother])
        #expect(state.guardians["P0005"]?.children == ["S0005": .otherLegalRepresentative])
    }

    @Test func plantedErrorsAreEachListedAndNothingIsRecorded() async throws {
        let f = try await ExampleSchool()
        defer { f.cleanup() }
        for (register, name) in [(Register.staff, "staff.csv"), (.classes, "classes.csv"), (.students, "students.csv")] {
            try await load(register, example(name), into: f.recorder, on: "2026-08-26")
        }
        let issues = try await rejection(.students, example("students-with-errors.csv"), recorder: f.recorder, log: f.log)
        let listed = issues.map { "\($0.line)|\($0.column ?? "")|\($0.reason)" }
        let andreev = "S0001"
        #expect(listed == [
            "3|Дата рождения|«31.02.2015» — не дата; пишите дд.мм.гггг, например 01.09.2024",
            "4|Пол|«X» — пол пишут «м» или «ж»",
            "5|СНИЛС|неверное контрольное число СНИЛС; сверьте с документом",
            "6|Класс|нет класса 7В (есть: 1А, 5А, 5Б, 9А)",
            "7|СНИЛС|ученик с этим СНИЛС уже зачислен: \(andreev) Андреев Борис Ильич, класс 2026-5А",
            "8|Фамилия|не заполнено",
            "9|Дата рождения|на дату зачисления 01.09.2026 ученику было бы 2 года; проверьте дату рождения",
            "10|СНИЛС|СНИЛС 200-300-409 57 уже есть в строке 2",
        ])
        #expect(issues.compactMap(\.rule) == [.invalidInput, .alreadyEnrolled, .invalidInput])
        let report = ImportRejected(register: .students, issues: issues).report
        #expect(report.contains("строка 7, столбец «СНИЛС»: ученик с этим СНИЛС уже зачислен"))
        #expect(report.hasPrefix("Реестр «ученики» не загружен, ничего не записано. Ошибок: 8 (строк с ошибками: 8)"))
    }

    // MARK: encodings, delimiters, quoting

    static let students = """
        Фамилия;Имя;Отчество;Пол;Дата рождения;СНИЛС;Класс;Дата зачисления;Номер приказа
        Ёлкин;Семён;Ильич;м;01.02.2013;\(F.snils(5001));5А;02.09.2024;13-у
        Щукина;Алёна;;ж;2013-03-04;\(F.snils(5002));5Б;02.09.2024;13-у

        """

    func imported(_ data: Data) async throws -> (ImportOutcome, [Student]) {
        let f = try await F()
        defer { f.cleanup() }
        let outcome = try await load(.students, data, into: f.recorder)
        let state = await f.recorder.state
        return (outcome, outcome.created.map { state.students[$0]! })
    }

    @Test func utf8AndWindows1251ReadAlike() async throws {
        let text = ImportTests.students
        let (utf8, a) = try await imported(Data(text.utf8))
        let (bom, b) = try await imported(Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)))
        let (cp1251, c) = try await imported(try #require(text.data(using: .windowsCP1251)))
        #expect([utf8.encoding, bom.encoding, cp1251.encoding] == [.utf8, .utf8WithBOM, .windows1251])
        #expect(a.map(\.name.full) == ["Ёлкин Семён Ильич", "Щукина Алёна"])
        #expect(a == b && b.map(\.name) == c.map(\.name) && c.map(\.currentClassID) == ["2024-5А", "2024-5Б"])
        #expect(a[1].bornOn == F.date("2013-03-04"))
    }

    @Test func commaDelimiterAndQuotedFields() async throws {
        // Commas, a quoted order number holding «;», a doubled quote and a line break.
        let text = """
            фамилия , ИМЯ,отчество,пол,Дата  рождения,снилс,КЛАСС,дата зачисления,"Номер приказа"\r
            Ёлкин,Семён,Ильич,м,01.02.2013,\(F.snils(5001)),5 «а»,02.09.2024,"13-у; от 30.08.2024"\r
            "Щукина","Алёна","",ж,04.03.2013,\(F.snils(5002)),5Б,02.09.2024,"13-у ""доп."",\r
            лист 2"\r
            Юрьев,Ян,,m,04.03.2013,\(F.snils(5003)),2024-9А,02.09.2024,14-у\r

            """
        let f = try await F()
        defer { f.cleanup() }
        let outcome = try await load(.students, Data(text.utf8), into: f.recorder)
        #expect(outcome.delimiter == ",")
        let state = await f.recorder.state
        let events = try f.log.events(from: 1).compactMap { try? $0.decoded() }
        let orders = events.compactMap { if case .studentEnrolled(let e) = $0 { e.orderNumber } else { nil } }
        #expect(orders.suffix(3) == ["13-у; от 30.08.2024", "13-у \"доп.\",\r\nлист 2", "14-у"])
        #expect(outcome.created.map { state.students[$0]!.currentClassID } == ["2024-5А", "2024-5Б", "2024-9А"])

        // The line break inside the quotes moves the following lines on: a bad
        // class on the fourth record is reported on line 5.
        let bad = text.replacingOccurrences(of: "2024-9А", with: "9Я")
        let fresh = try await F()
        defer { fresh.cleanup() }
        let issues = try await rejection(.students, Data(bad.utf8), into: fresh)
        #expect(issues.map(\.line) == [5] && issues.map(\.column) == ["КЛАСС"], "\(issues)")
    }

    @Test func aQuoteLeftOpenIsAnErrorAtItsLineNotRowsLost() async throws {
        func issue(_ text: String) -> ImportIssue? {
            do { _ = try RegisterFile(data: Data(text.utf8)); return nil } catch { return error }
        }
        let header = "Фамилия;Имя;Отчество;Пол;Дата рождения;СНИЛС;Класс;Дата зачисления;Прибыл из\n"
        let rows = (1...7).map { "Ученик\($0);Имя;;м;01.02.2013;;5А;02.09.2024;" }
        // Row 3 opens a quote in «Прибыл из» and never closes it.
        let open = header + "Первый;Имя;;м;01.02.2013;;5А;02.09.2024;\n" + "Второй;Имя;;м;01.02.2013;;5А;02.09.2024;\"Школа № 5\n"
            + rows.joined(separator: "\n") + "\n"
        let atEnd = try #require(issue(open))
        #expect(atEnd.line == 3 && atEnd.reason.contains("не закрыта до конца файла"), "\(atEnd)")
        // Closed, but only after seven rows of the register went inside the cell.
        let late = try #require(issue(open.replacingOccurrences(of: "Ученик7;Имя", with: "Ученик7\";Имя")))
        #expect(late.line == 3 && late.reason.contains("захватила строки 3–"), "\(late)")
        // An address over two lines, and a doubled quote, are fine.
        let fine = header + "Первый;Имя;;м;01.02.2013;;5А;02.09.2024;\"г. Краснореченск,\nул. Мира, 5\"\n"
            + "Второй;Имя;;м;01.02.2013;;5А;02.09.2024;\"Гимназия \"\"Эрудит\"\"\"\n"
        let file = try RegisterFile(data: Data(fine.utf8))
        #expect(file.records.map(\.line) == [1, 2, 4], "\(file.records)")
        #expect(file.records.last?.cells.last == "Гимназия \"Эрудит\"")
        // A cell beyond any register's measure: its line and column, not a failed event.
        let essay = "Фамилия;Имя;Пол;Дата рождения;СНИЛС;Класс;Дата зачисления;Номер приказа;Прибыл из\n"
            + "Первый;Имя;м;01.02.2013;\(F.snils(5101));5А;02.09.2024;12-у;" + String(repeating: "Школа № 5. ", count: 12_000) + "\n"
        let long = try await F()
        defer { long.cleanup() }
        let tooLong = try await rejection(.students, Data(essay.utf8), into: long)
        #expect(tooLong.map { "\($0.line)|\($0.column ?? "")" } == ["2|Прибыл из"] && tooLong[0].reason.contains("допустимо не больше 2000"),
                "\(tooLong)")
        // Through the importer: refused whole, at the line, nothing recorded.
        let f = try await F()
        defer { f.cleanup() }
        let issues = try await rejection(.students, Data(open.utf8), into: f)
        #expect(issues.map(\.line) == [3], "\(issues)")
    }

    @Test func aRegisterLoadedAgainCreatesNoOneTwice() async throws {
        let f = try await F()
        defer { f.cleanup() }
        func listed(_ issues: [ImportIssue]) -> [String] { issues.map { "\($0.line)|\($0.column ?? "")|\($0.reason)" } }
        // Staff without SNILS: the same name in the same position is the same person, in the file or in the register.
        let staff = "Фамилия;Имя;Отчество;Должность;Дата приёма\nЗайцева;Анна;Олеговна;учитель музыки;26.08.2024\n"
        try await load(.staff, Data(staff.utf8), into: f.recorder)
        let id = try #require(await f.recorder.state.staff.values.first { $0.name.last == "Зайцева" }?.id)
        #expect(listed(try await rejection(.staff, Data(staff.utf8), into: f)) == [
            "2||уже есть в реестре: \(id) Зайцева Анна Олеговна, та же должность; если это другой человек, укажите СНИЛС",
        ])
        let twice = "Фамилия;Имя;Должность;Дата приёма\nЗуев;Олег;учитель;26.08.2024\nЗуев;Олег;учитель;26.08.2024\n"
        #expect(listed(try await rejection(.staff, Data(twice.utf8), into: f)) == [
            "3|Фамилия|Зуев Олег, учитель — уже в строке 2; если это другой человек, укажите СНИЛС",
        ])
        // A guardian with neither SNILS nor phone nor e-mail: the child's parent of the same name is that parent.
        let guardians = "Фамилия;Имя;Ученик;Кем приходится\nБелова;Нина;S0002;мать\n"
        try await load(.guardians, Data(guardians.utf8), into: f.recorder)
        let count = await f.recorder.state.guardians.count
        let again = try await rejection(.guardians, Data(guardians.utf8), into: f)
        #expect(again.map(\.line) == [2] && again[0].reason.contains("уже есть родитель") && again[0].reason.contains("с теми же ФИО"), "\(again)")
        #expect(await f.recorder.state.guardians.count == count)
    }

    @Test func titleRowsHeaderVariantsAndMissingColumns() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let text = """
            Список классов МБОУ СОШ № 1;;
            ;;
            КЛАСС;Учебный год;Кл. руководитель;Примечание
            7Б;2024/2025;Кузнецов И. В.;новый
            """
        let outcome = try await load(.classes, Data(text.utf8), into: f.recorder)
        #expect(outcome.created == ["2024-7Б"] && outcome.ignoredColumns == ["Примечание"])
        #expect(await f.recorder.state.classes["2024-7Б"]?.classTeacherID == "T0003")
        // A title with a comma in its words does not make the comma the delimiter: the header row decides.
        let titled = "Список классов, утверждённый приказом № 45-у\nКласс;Учебный год;Классный руководитель\n7В;2024/2025;\n"
        let titledFile = try RegisterFile(data: Data(titled.utf8))
        #expect(titledFile.delimiter == ";" && titledFile.records[1].cells == ["Класс", "Учебный год", "Классный руководитель"])
        // «Текст Юникод» saved without its byte order mark: UTF-16 all the same, either byte order.
        let unicode = "Класс;Учебный год\n7Г;2024/2025\n"
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian] {
            let file = try RegisterFile(data: try #require(unicode.data(using: encoding)))
            #expect(file.encoding == .utf16 && file.records.map(\.cells) == [["Класс", "Учебный год"], ["7Г", "2024/2025"]], "\(encoding)")
        }
        let missing = try await rejection(.students, Data("Фамилия;Имя;Класс\nИванов;Иван;5А\n".utf8), into: f)
        #expect(missing.map(\.column) == ["Пол", "Дата рождения", "СНИЛС", "Дата зачисления", "Номер приказа"])
        #expect(missing.allSatisfy { $0.line == 1 })
    }

    @Test func guardiansOfSeveralChildrenAndRefusedLinks() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let text = """
            Фамилия;Имя;Отчество;Телефон;E-mail;СНИЛС;Ученик;Кем приходится
            Новикова;Ирина;;+7 900 1;;\(F.snils(7001));S0001;Мать
            Новикова;Ирина;;+7 900 1;;\(F.snils(7001));\(F.snils(1002));мать
            Новиков;Пётр;;;p@example.ru;;S0003;опекун
            """
        let outcome = try await load(.guardians, Data(text.utf8), into: f.recorder)
        #expect(outcome.created == ["P0007", "P0008"])
        let state = await f.recorder.state
        #expect(state.guardians["P0007"]?.children == ["S0001": .mother, "S0002": .mother])
        #expect(state.guardians["P0008"]?.children == ["S0003": .otherLegalRepresentative])
        // The same file again: every guardian is already registered.
        let again = try await rejection(.guardians, Data(text.utf8), into: f)
        #expect(again.map(\.line) == [2, 3, 4])
        #expect(again[0].column == "СНИЛС" && again[0].reason.contains("P0007"))
        #expect(again[1].column == nil && again[1].reason == "родитель не записан из-за ошибки в строке 2")
        #expect(again[2].rule == .duplicateRecord && again[2].reason.contains("P0008"))
        // With the guardian's code, a row only links.
        let linking = "Код;Фамилия;Имя;Ученик;Кем приходится\nP0008;Новиков;Пётр;S0004;отец\n"
        try await load(.guardians, Data(linking.utf8), into: f.recorder)
        #expect(await f.recorder.state.guardians["P0008"]?.children["S0004"] == .father)
    }

    /// The rules' refusals are told apart by the row's own values, so the
    /// report names the right column whatever words the rule's detail uses.
    @Test func refusalsPointAtTheColumnTheyAreAbout() async throws {
        let f = try await F()
        defer { f.cleanup() }
        func listed(_ issues: [ImportIssue]) -> [String] { issues.map { "\($0.line)|\($0.column ?? "")|\($0.reason)" } }

        // Staff: a SNILS already on the staff, a SNILS too short, a code taken.
        let staff = "Код;Фамилия;Имя;Должность;Дата приёма;СНИЛС\n;Орлова;Мария;учитель;26.08.2024;\(F.snils(9001))\n"
        try await load(.staff, Data(staff.utf8), into: f.recorder)
        let staffAgain = staff + ";Орлов;Пётр;учитель;26.08.2024;123-456\nT0002;Попов;Ян;учитель;26.08.2024;\n"
        #expect(listed(try await rejection(.staff, Data(staffAgain.utf8), into: f)) == [
            "2|СНИЛС|сотрудник с этим СНИЛС уже есть: T0006 Орлова Мария",
            "3|СНИЛС|в СНИЛС должно быть 11 цифр; пишите 123-456-789 01",
            "4|Код|код T0002 уже занят",
        ])
        // Codes are written with 0–9.
        let oddCodes = "Код;Фамилия;Имя;Должность;Дата приёма;СНИЛС\nT٠٠٢٠;Зайцев;Олег;учитель;26.08.2024;\nT½;Зуев;Иван;учитель;26.08.2024;\n"
        #expect(listed(try await rejection(.staff, Data(oddCodes.utf8), into: f)) == [
            "2|Код|«T٠٠٢٠» — не код; коды здесь вида T0001, или оставьте пустым, и код присвоится сам",
            "3|Код|«T½» — не код; коды здесь вида T0001, или оставьте пустым, и код присвоится сам",
        ])

        // Classes: a year not defined.
        let classes = try await rejection(.classes, Data("Класс;Год\n7В;2030\n".utf8), into: f)
        #expect(classes.map(\.column) == ["Год"] && classes[0].reason.hasPrefix("учебный год 2030/2031 не задан"), "\(classes)")

        // Guardians: a link already there, the same person on two rows (once
        // with SNILS, once without), and a SNILS with a wrong check number.
        let guardians = """
            Код;Фамилия;Имя;Телефон;СНИЛС;Ученик;Кем приходится
            P0001;Андреева;Родитель;;;S0001;мать
            ;Новикова;Ирина;+7 900 1;\(F.snils(7001));S0002;мать
            ;Новикова;Ирина;+7 900 1;;S0003;мать
            ;Орлов;Пётр;;123-456-789 00;S0004;отец
            """
        #expect(listed(try await rejection(.guardians, Data(guardians.utf8), into: f)) == [
            "2|Ученик|P0001 уже связан с учеником S0001",
            "4||Новикова Ирина уже есть в реестре (P0007, те же ФИО и телефон или e-mail); "
                + "укажите его код в столбце «Код», чтобы только связать с учеником",
            "5|СНИЛС|неверное контрольное число СНИЛС; сверьте с документом",
        ])
    }

    @Test func fieldsAsSchoolsWriteThem() {
        #expect(FieldParsing.date("01.09.2024") == F.date("2024-09-01"))
        #expect(FieldParsing.date("1.9.2024 0:00:00") == F.date("2024-09-01"))
        #expect(FieldParsing.date("45536") == F.date("2024-09-01"))
        #expect(FieldParsing.date("01.09.24") == nil && FieldParsing.date("31.02.2024") == nil)
        #expect(FieldParsing.className("5 «а»")! == (5, "А") && FieldParsing.className("10B")! == (10, "В"))
        #expect(FieldParsing.className("12А") == nil && FieldParsing.className("5") == nil)
        // Digits are 0–9: not every character Unicode counts as a number (Arabic-Indic digits, fractions).
        #expect(FieldParsing.className("٥А") == nil && FieldParsing.className("½А") == nil)
        #expect(Character("7").isASCIIDigit && !Character("٠").isASCIIDigit && !Character("½").isASCIIDigit && !Character("①").isASCIIDigit)
        #expect(snilsProblem("112-233-445 95") == nil && snilsProblem("١١٢-٢٣٣-٤٤٥ ٩٥") != nil)
        #expect(FieldParsing.academicYear("2024/25") == 2024 && FieldParsing.academicYear("2024-2026") == nil)
        #expect(FieldParsing.roles("Учитель; Администрация").roles == [.teacher, .administration])
        #expect(Column("Дата приёма").matches(" дата  ПРИЕМА* ") && Column("E-mail").matches("Е-mail"))
        #expect(StudentRegister.age(21) == "21 год" && StudentRegister.age(12) == "12 лет" && StudentRegister.age(3) == "3 года")
    }
}

/// The school of the example files: registered, its coordinator T0001 hired
/// (as `letopis init` does) and the year 2026/27 defined.
struct ExampleSchool {
    let directory: String
    let log: EventLog
    let recorder: Recorder

    init() async throws {
        directory = NSTemporaryDirectory() + "letopis-import-\(UUID().uuidString)"
        log = try EventLog.create(at: directory, school: "s1")
        recorder = try Recorder(log: log, clock: { SchoolFixture.at("2026-08-25") })
        var school = SchoolRegistered()
        school.schoolID = "s1"
        school.shortName = "МБОУ СОШ № 1"
        try await recorder.execute([
            Submission(RegisterSchool(school, on: SchoolFixture.date("2026-08-25")), as: SchoolFixture.system),
            Submission(HireStaff(name: SchoolFixture.name("Сидорова", "Ольга", "Петровна"), position: "администратор системы",
                                 hiredOn: SchoolFixture.date("2026-08-25"), roles: [.coordinator]), as: SchoolFixture.system),
        ])
        var year = AcademicYearDefined()
        year.year = 2026
        year.startsOn = "2026-09-01"
        year.endsOn = "2027-05-31"
        try await recorder.execute(DefineAcademicYear(year), as: SchoolFixture.coordinator)
    }

    func cleanup() {
        log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func snapshot(_ log: EventLog) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try log.scanStored { _, value in
            out.append(Array(value))
            return true
        }
        return out
    }
}
