import Foundation
import ProgramRunner
import Testing

/// The `letopis` program as a coordinator and teachers use it, run as a
/// subprocess on a store of its own: init, the example registers, a day's
/// entries, a refusal that changes nothing, and verification.
@Suite(.serialized) struct CommandLineTests {
    static let binary = ProgramRunner.letopis

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/examples").path

    /// Runs letopis with `arguments` against `store`.
    @discardableResult
    func letopis(_ arguments: [String], store: String) throws -> ProgramRun {
        try ProgramRunner.run(Self.binary, arguments, environment: ["LETOPIS_STORE": store, "LETOPIS_USER": nil])
    }

    /// Runs a command that must succeed, and returns its output.
    @discardableResult
    func ok(_ arguments: [String], store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let run = try letopis(arguments, store: store)
        #expect(run.status == 0, "letopis \(arguments.joined(separator: " ")): \(run.err)", sourceLocation: sourceLocation)
        return run.out
    }

    /// The example school: a coordinator, the year 2026/27, the standard reference
    /// books, the example registers, and Monday's first lesson of 5А (math, T0003).
    func exampleSchool(_ store: String) throws {
        let created = try ok(["init", "--school", "s1", "--name", "МБОУ СОШ № 1", "--coordinator", "Сидорова Ольга Петровна",
                              "--district", "Лунинский район"], store: store)
        #expect(created.contains("Координатор: T0001 Сидорова Ольга Петровна"))
        let c = ["--as", "T0001"]
        try ok(["year", "define", "--year", "2026", "--from", "01.09.2026", "--to", "31.05.2027",
                "--holiday", "осенние каникулы:26.10.2026:03.11.2026"] + c, store: store)
        try ok(["reference", "standard"] + c, store: store)
        for register in ["staff", "classes", "students", "guardians"] {
            let loaded = try ok(["import", register, "\(Self.examples)/\(register).csv"] + c, store: store)
            #expect(loaded.contains("загружен"), "\(loaded)")
        }
        try ok(["timetable", "add", "--class", "5А", "--weekday", "пн", "--slot", "1", "--subject", "math",
                "--teacher", "Кузнецов Игорь Васильевич", "--from", "01.09.2026"] + c, store: store)
    }

    @Test func aSchoolFromInitToVerify() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "missing \(Self.binary)")
        let store = NSTemporaryDirectory() + "letopis-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: store) }
        try exampleSchool(store)
        let again = try letopis(["init", "--school", "s1", "--name", "x", "--coordinator", "Иванов Иван"], store: store)
        #expect(again.status == 1 && again.err.contains("already has the school s1"))
        let c = ["--as", "T0001"]

        // A Monday's lesson by its teacher T0003: topic, roll, a grade; the
        // administration's T0002 corrects the grade (the lesson is past any edit window).
        let lesson = ["--class", "5А", "--date", "07.09.2026", "--slot", "1"]
        let held = try ok(["lesson", "--as", "T0003", "--subject", "math", "--topic", "Натуральные числа"] + lesson, store: store)
        #expect(held.contains("Урок 2026-5А/2026-09-07/1 записан"))
        let roll = try ok(["attend", "--as", "T0003", "--absent", "S0002:Б", "--absent", "S0003"] + lesson, store: store)
        #expect(roll.contains("S0002 Белова В. С. — Б; S0003 Волков Г. П. — Н"))
        let graded = try ok(["grade", "--as", "T0003", "--student", "S0001", "--value", "5", "--work-type", "answer"] + lesson,
                            store: store)
        #expect(graded.contains("Оценка M000001 записана: 5 (ответ на уроке), S0001 Андреев Б. И."))
        let corrected = try ok(["correct", "--as", "T0002", "--grade", "M000001", "--value", "4", "--reason", "ошибка при вводе"],
                               store: store)
        #expect(corrected.contains("Оценка M000001 исправлена: 5 → 4"))

        // Refusals exit 2, name the rule, and leave the log byte for byte as it was.
        let before = try ok(["export"], store: store)
        let notHis = try letopis(["grade", "--as", "T0004", "--student", "S0001", "--value", "3", "--work-type", "answer"] + lesson,
                                 store: store)
        #expect(notHis.status == 2 && notHis.err.contains("правило not-lesson-teacher"), "\(notHis.err)")
        let noConsent = try letopis(["login", "issue", "--person", "P0002"] + c, store: store)
        #expect(noConsent.status == 2 && noConsent.err.contains("правило consent-required"), "\(noConsent.err)")
        let badFile = try letopis(["import", "students", "\(Self.examples)/students-with-errors.csv"] + c, store: store)
        #expect(badFile.status == 2)
        #expect(badFile.err.contains("строка 7, столбец «СНИЛС»: ученик с этим СНИЛС уже зачислен: S0001 Андреев Борис Ильич"))
        #expect(badFile.err.split(separator: "\n").filter { $0.hasPrefix("строка ") }.count == 8)
        #expect(try ok(["export"], store: store) == before)

        // With a consent, the login is issued on a slip.
        try ok(["consent", "give", "--person", "P0002", "--document", "С-2"] + c, store: store)
        let slip = try ok(["login", "issue", "--person", "P0002"] + c, store: store)
        #expect(slip.contains("Логин:             belov.sp") && slip.contains("Временный пароль:  "))

        // The parent activates the login with the slip's temporary password, once.
        let temporary = try #require(slip.split(separator: "\n").first { $0.contains("Временный пароль:") }?
            .split(separator: " ").last.map(String.init))
        let weak = try letopis(["login", "activate", "belov.sp", "--password", temporary, "--new-password", "password1"], store: store)
        #expect(weak.status == 2 && weak.err.contains("правило password-policy"), "\(weak.err)")
        let wrong = try letopis(["login", "activate", "belov.sp", "--password", "не тот", "--new-password", "синий трактор"],
                                store: store)
        #expect(wrong.status == 1 && wrong.err.contains("does not match"), "\(wrong.err)")
        let activated = try ok(["login", "activate", "belov.sp", "--password", temporary, "--new-password", "синий трактор"],
                               store: store)
        #expect(activated.contains("Логин belov.sp активирован"))
        let twice = try letopis(["login", "activate", "belov.sp", "--password", temporary, "--new-password", "синий трактор 2"],
                                store: store)
        #expect(twice.status == 1, "a temporary password is good once")
        // The log says that, and nothing of the passwords.
        let exported = try ok(["export"], store: store)
        #expect(!exported.contains(temporary) && !exported.contains("pbkdf2"))
        #expect(exported.contains("\"type\":\"LoginActivated\"") && exported.contains("\"type\":\"PasswordChanged\""))

        let verified = try ok(["verify"], store: store)
        #expect(verified.contains("school s1: intact"))

        // Rebuilding every school's views leaves the views as they were.
        let report = try ok(["report", "rollout", "--format", "json"], store: store)
        let all = try ok(["rebuild", "--all-schools", "--jobs", "2"], store: store)
        #expect(all.contains("s1: ") && all.contains("rebuilt the views of 1 school, "), "\(all)")
        #expect(try ok(["report", "rollout", "--format", "json"], store: store) == report)
        let both = try letopis(["rebuild", "--all-schools", "--school", "s1"], store: store)
        #expect(both.status != 0 && both.err.contains("--all-schools and --school exclude each other"), "\(both.err)")
    }

    /// Several teachers' commands at once, each its own process on the same store:
    /// every one is decided against the others' records and none is lost.
    @Test func numbersBeyondWhatTheirRecordHoldsAreRefusedNotACrash() throws {
        let store = NSTemporaryDirectory() + "letopis-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: store) }
        // init refused before anything is made: the same command, corrected, then works.
        let initArgs = ["init", "--school", "s1", "--name", "x", "--coordinator", "Иванов Иван Иванович"]
        for bad in ["4294967296", "-1", "99"] {
            let refused = try letopis(initArgs + ["--edit-window", bad], store: store)
            #expect(refused.status == 2, "--edit-window \(bad): \(refused.status) \(refused.err)")
            #expect(!FileManager.default.fileExists(atPath: store + "/schools/s1"), "--edit-window \(bad) left the school behind")
        }
        try exampleSchool(store)
        let c = ["--as", "T0001"]
        let before = try ok(["export"], store: store)
        let cases: [[String]] = [
            ["lesson", "--as", "T0003", "--subject", "math", "--topic", "x", "--class", "5А", "--date", "07.09.2026", "--slot", "2147483648"],
            ["topic", "--as", "T0003", "--text", "x", "--class", "5А", "--date", "07.09.2026", "--slot", "4294967297"],
            ["timetable", "add", "--class", "5А", "--weekday", "пн", "--slot", "2147483648", "--subject", "math", "--teacher", "T0003"] + c,
            ["year", "define", "--year", "2147483648", "--from", "01.09.2027", "--to", "31.05.2028"] + c,
            ["period", "define", "--year", "99999999999", "--period", "X:1 четверть:01.09.2027:24.10.2027"] + c,
            ["reference", "work-type", "--id", "p", "--name", "Проект", "--weight", "99999999999"] + c,
            ["class", "create", "6Б", "--year", "2147483648", "--teacher", "T0003"] + c,
        ]
        for arguments in cases {
            let run = try letopis(arguments, store: store)
            #expect(run.status == 2 && run.err.contains("is invalid for"), "\(arguments.joined(separator: " ")): \(run.status) \(run.err)")
        }
        #expect(try ok(["export"], store: store) == before)
    }

    @Test func commandsAtOnceFromSeveralProcessesAreAllRecorded() async throws {
        let store = NSTemporaryDirectory() + "letopis-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: store) }
        try exampleSchool(store)
        let lesson = ["--class", "5А", "--date", "07.09.2026", "--slot", "1"]
        try ok(["lesson", "--as", "T0003", "--subject", "math", "--topic", "Натуральные числа"] + lesson, store: store)
        let students = ["S0001", "S0002", "S0003", "S0001", "S0002", "S0003"]
        let runs = try await withThrowingTaskGroup(of: ProgramRun.self) { group in
            for (i, student) in students.enumerated() {
                group.addTask {
                    try letopis(["grade", "--as", "T0003", "--student", student, "--value", "\(2 + i % 4)",
                                 "--work-type", "answer"] + lesson, store: store)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for run in runs { #expect(run.status == 0, "\(run.err)") }
        let journal = try ok(["export"], store: store)
        #expect(journal.components(separatedBy: "\"type\":\"GradeRecorded\"").count - 1 == students.count)
        #expect(try ok(["verify"], store: store).contains("intact"))
    }

    @Test func everyEntryCommandExplainsItselfWithAnExample() throws {
        let commands = [
            ["init"], ["import"], ["year", "define"], ["year", "transition"], ["period", "define"], ["period", "close"],
            ["period", "reopen"], ["reference", "standard"], ["reference", "subject"], ["reference", "work-type"],
            ["reference", "attendance-code"], ["reference", "bells"], ["staff", "hire"], ["staff", "grant"], ["staff", "revoke"],
            ["staff", "dismiss"], ["class", "create"], ["group", "create"], ["group", "add"], ["group", "remove"],
            ["student", "enrol"], ["student", "arrive"], ["student", "move"], ["student", "leave"], ["student", "graduate"],
            ["guardian", "register"], ["guardian", "link"], ["timetable", "add"], ["timetable", "end"], ["lesson", "hold"],
            ["lesson", "void"], ["topic"], ["homework"], ["attend"], ["grade"], ["correct"], ["final"], ["consent", "give"],
            ["consent", "refuse"], ["consent", "withdraw"], ["application"], ["login", "issue"], ["login", "activate"],
            ["login", "block"], ["login", "unblock"], ["login", "reset"], ["backup"],
        ]
        for command in commands {
            let help = try letopis(command + ["--help"], store: "/nonexistent")
            #expect(help.status == 0 && help.out.contains("letopis \(command.joined(separator: " "))"),
                    "\(command): \(help.err)")
            #expect(help.out.contains("Example"), "\(command) has no example")
        }
    }
}
