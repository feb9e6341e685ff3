import Catalog
import EventLog
import Foundation
@testable import Records

/// A small school set up through the commands, as a coordinator would: the
/// year 2024/25 with terms and holidays, two fifth grades and a ninth, an
/// English group, four teachers, six students, their guardians and a timetable.
struct SchoolFixture {
    let directory: String
    let log: EventLog
    let recorder: Recorder

    static let coordinator = Actor(userID: "T0001", role: .coordinator)
    static let director = Actor(userID: "T0002", role: .administration)
    static let math = Actor(userID: "T0003", role: .teacher)          // class teacher of 5А
    static let russian = Actor(userID: "T0004", role: .teacher)
    static let english = Actor(userID: "T0005", role: .teacher)       // class teacher of 5Б
    static let system = Actor(userID: "setup", role: .system)

    static func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }
    static func at(_ iso: String, _ hour: Int = 10) -> Timestamp { Timestamp(date(iso), hour: hour) }

    static func name(_ last: String, _ first: String, _ middle: String = "") -> PersonName {
        var n = PersonName()
        n.last = last
        n.first = first
        n.middle = middle
        return n
    }

    /// A valid SNILS from nine digits (the check number computed as the rules expect).
    static func snils(_ nine: Int) -> String {
        let digits = String(format: "%09d", nine).compactMap { $0.wholeNumberValue }
        var sum = 0
        for i in 0..<9 { sum += digits[i] * (9 - i) }
        var check = sum % 101
        if check == 100 { check = 0 }
        let d = digits.map(String.init).joined()
        return "\(d.prefix(3))-\(d.dropFirst(3).prefix(3))-\(d.dropFirst(6)) \(String(format: "%02d", check))"
    }

    init() async throws {
        directory = NSTemporaryDirectory() + "letopis-records-\(UUID().uuidString)"
        log = try EventLog.create(at: directory, school: "s1")
        recorder = try Recorder(log: log, clock: { SchoolFixture.at("2024-08-20") })
        try await setUp()
    }

    func cleanup() {
        log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every stored byte of the log, to show that a refusal changed nothing.
    func snapshot() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try log.scanStored { _, value in
            out.append(Array(value))
            return true
        }
        return out
    }

    @discardableResult
    func run(_ command: any Command, as actor: Actor, at time: Timestamp? = nil) async throws -> AppendResult {
        try await recorder.execute(command, as: actor, at: time)
    }

    /// Runs a command that must break `rule`, and checks the log did not change.
    func expectRefusal(_ rule: Rule, _ command: any Command, as actor: Actor, at time: Timestamp? = nil) async throws -> RuleViolation {
        let before = try snapshot()
        do {
            try await recorder.execute(command, as: actor, at: time)
        } catch let violation as RuleViolation {
            guard violation.rule == rule else {
                throw FixtureFailure("expected rule \(rule.rawValue), got \(violation)")
            }
            guard try snapshot() == before else { throw FixtureFailure("the log changed after a refusal") }
            return violation
        }
        throw FixtureFailure("expected rule \(rule.rawValue), but the command was recorded")
    }

    private func setUp() async throws {
        let c = SchoolFixture.coordinator
        let s = SchoolFixture.system
        let d = SchoolFixture.date
        var school = SchoolRegistered()
        school.schoolID = "s1"
        school.shortName = "МБОУ СОШ № 1"
        school.fullName = "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»"
        school.district = "Лунинский район"
        school.directorName = "Петрова Анна Ивановна"
        try await run(RegisterSchool(school, on: d("2024-08-20")), as: s)
        try await run(HireStaff(name: SchoolFixture.name("Сидорова", "Ольга", "Петровна"), position: "заместитель директора",
                                hiredOn: d("2010-09-01"), roles: [.coordinator]), as: s)
        try await run(HireStaff(name: SchoolFixture.name("Петрова", "Анна", "Ивановна"), position: "директор",
                                hiredOn: d("2005-09-01"), roles: [.administration]), as: c)
        try await run(HireStaff(name: SchoolFixture.name("Кузнецов", "Игорь", "Васильевич"), position: "учитель математики",
                                hiredOn: d("2015-09-01")), as: c)
        try await run(HireStaff(name: SchoolFixture.name("Морозова", "Елена", "Андреевна"), position: "учитель русского языка",
                                hiredOn: d("2012-09-01")), as: c)
        try await run(HireStaff(name: SchoolFixture.name("Смирнова", "Дарья", "Олеговна"), position: "учитель английского языка",
                                hiredOn: d("2019-09-01")), as: c)

        var year = AcademicYearDefined()
        year.year = 2024
        year.startsOn = "2024-09-02"
        year.endsOn = "2025-05-26"
        for (name, from, to, grades) in [("осенние каникулы", "2024-10-26", "2024-11-03", []),
                                         ("зимние каникулы", "2024-12-29", "2025-01-08", []),
                                         ("дополнительные каникулы", "2025-02-15", "2025-02-23", [1]),
                                         ("весенние каникулы", "2025-03-29", "2025-04-06", [])] as [(String, String, String, [Int32])] {
            var h = AcademicYearDefined.Holiday()
            h.name = name
            h.startsOn = from
            h.endsOn = to
            h.grades = grades
            year.holidays.append(h)
        }
        try await run(DefineAcademicYear(year), as: c)
        var next = AcademicYearDefined()
        next.year = 2025
        next.startsOn = "2025-09-01"
        next.endsOn = "2026-05-26"
        try await run(DefineAcademicYear(next), as: c)
        var periods = ReportingPeriodsDefined()
        periods.year = 2024
        periods.scheme = "четверти"
        periods.kind = .terms
        periods.grades = Array(1...11)
        for (id, name, from, to) in [("2024-T1", "1 четверть", "2024-09-02", "2024-10-25"),
                                     ("2024-T2", "2 четверть", "2024-11-04", "2024-12-28"),
                                     ("2024-T3", "3 четверть", "2025-01-09", "2025-03-28"),
                                     ("2024-T4", "4 четверть", "2025-04-07", "2025-05-26")] {
            var p = ReportingPeriodsDefined.Period()
            p.periodID = id
            p.name = name
            p.startsOn = from
            p.endsOn = to
            periods.periods.append(p)
        }
        try await run(DefineReportingPeriods(periods), as: c)
        for (id, name) in [("math", "Математика"), ("rus", "Русский язык"), ("eng", "Английский язык")] {
            var subject = SubjectDefined()
            subject.subjectID = id
            subject.name = name
            subject.shortName = String(name.prefix(4))
            try await run(DefineReference(subject, on: d("2024-08-20")), as: c)
        }
        for (id, name, weight) in [("answer", "Ответ на уроке", 1), ("test", "Контрольная работа", 3)] {
            var workType = WorkTypeDefined()
            workType.workTypeID = id
            workType.name = name
            workType.weight = Int32(weight)
            try await run(DefineReference(workType, on: d("2024-08-20")), as: c)
        }
        for (code, name, absence, illness, excused, late) in [("Н", "отсутствовал", true, false, false, false),
                                                              ("Б", "болел", true, true, true, false),
                                                              ("УП", "уважительная причина", true, false, true, false),
                                                              ("ОП", "опоздал", false, false, false, true)] {
            var attendance = AttendanceCodeDefined()
            attendance.code = code
            attendance.name = name
            attendance.isAbsence = absence
            attendance.isIllness = illness
            attendance.isExcused = excused
            attendance.isLate = late
            try await run(DefineReference(attendance, on: d("2024-08-20")), as: c)
        }
        try await run(CreateClass(year: 2024, grade: 5, letter: "А", classTeacherID: "T0003", on: d("2024-08-25")), as: c)
        try await run(CreateClass(year: 2024, grade: 5, letter: "Б", classTeacherID: "T0005", on: d("2024-08-25")), as: c)
        try await run(CreateClass(year: 2024, grade: 9, letter: "А", classTeacherID: "T0004", on: d("2024-08-25")), as: c)
        try await run(CreateGroup(classID: "2024-5А", name: "англ-1", subjectID: "eng", on: d("2024-08-25")), as: c)

        let students: [(String, String, String, Int, String)] = [
            ("Андреев", "Борис", "Ильич", 1001, "2024-5А"),      // S0001
            ("Белова", "Вера", "Сергеевна", 1002, "2024-5А"),   // S0002
            ("Волков", "Глеб", "Петрович", 1003, "2024-5А"),    // S0003
            ("Громова", "Дина", "Олеговна", 1004, "2024-5Б"),   // S0004
            ("Егоров", "Жан", "Маркович", 1005, "2024-9А"),     // S0005
            ("Зайцева", "Ирина", "Львовна", 1006, "2024-9А"),   // S0006
        ]
        for (last, first, middle, number, classID) in students {
            try await run(EnrollStudent(name: SchoolFixture.name(last, first, middle), sex: first.hasSuffix("а") ? .female : .male,
                                        bornOn: d(classID.contains("9") ? "2009-05-01" : "2013-05-01"),
                                        snils: SchoolFixture.snils(number), classID: classID, on: d("2024-09-01"),
                                        orderNumber: "12-у"), as: c)
        }
        for (i, last) in ["Андреева", "Белов", "Волкова", "Громов", "Егорова", "Зайцев"].enumerated() {
            try await run(RegisterGuardian(name: SchoolFixture.name(last, "Родитель"), email: "p\(i + 1)@example.ru",
                                           on: d("2024-09-01")), as: c)
            try await run(LinkGuardian(guardianID: "P000\(i + 1)", studentID: "S000\(i + 1)", relation: .mother,
                                       on: d("2024-09-01")), as: c)
        }
        for student in ["S0001", "S0002"] {
            try await run(ChangeGroupMembership(groupID: "2024-5А/англ-1", studentID: student, joins: true, on: d("2024-09-02")), as: c)
        }
        // 5А: Monday 1 math (T0003), 2 rus (T0004), 3 eng group (T0005); 5Б: Monday 1 rus.
        let entries: [(String, Int, String, String, String)] = [
            ("tt1", 1, "2024-5А", "math", "T0003"), ("tt2", 2, "2024-5А", "rus", "T0004"),
            ("tt3", 3, "2024-5А/англ-1", "eng", "T0005"), ("tt4", 1, "2024-5Б", "rus", "T0004"),
            ("tt5", 2, "2024-9А", "math", "T0003"),
        ]
        for weekday in 1...5 {
            for (id, slot, unit, subject, teacher) in entries {
                var entry = TimetableEntryAdded()
                entry.entryID = "\(id)-\(weekday)"
                entry.year = 2024
                entry.weekday = Int32(weekday)
                entry.slot = Int32(slot)
                entry.unitID = unit
                entry.subjectID = subject
                entry.teacherID = teacher
                entry.validFrom = "2024-09-02"
                try await run(AddTimetableEntry(entry), as: c)
            }
        }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
