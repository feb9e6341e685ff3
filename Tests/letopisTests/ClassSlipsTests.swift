import Foundation
import ProgramRunner
import Testing

/// `letopis login issue --class`: every missing login of a class at once, as
/// a sheet of slips in a PDF, through the built program on the example
/// school. All or nothing: a refusal names each person and leaves the log and
/// the disk as they were; a second run issues nothing twice.
@Suite(.serialized) struct ClassSlipsTests {
    let cli = CommandLineTests()

    /// The PDF's text in drawing order, runs of white space as one space.
    func pdfText(_ path: String) throws -> String {
        try ProgramRunner.run("pdftotext", ["-raw", path, "-"]).out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    func pages(_ path: String) throws -> Int? {
        let info = try ProgramRunner.run("pdfinfo", [path]).out
        return info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
    }

    @Test func aClassTeacherIssuesTheWholeClassOnOneSheetOnceAndOnlyWithConsents() throws {
        let directory = NSTemporaryDirectory() + "letopis-class-slips-\(UUID().uuidString)"
        let store = directory + "/store"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try cli.exampleSchool(store)
        let coordinator = ["--as", "T0001"]
        // Кузнецов И. В., T0003: the class teacher of 5А (S0001–S0003; parents P0001–P0003).
        let classTeacher = ["--as", "T0003"]
        let pdf = directory + "/5А.pdf"
        let before = try cli.ok(["export"], store: store)

        // No consent on record: every student is refused, by name, and nothing is recorded or written.
        let none = try cli.letopis(["login", "issue", "--class", "5А", "--students", "--pdf", pdf] + classTeacher, store: store)
        #expect(none.status == 2, "\(none.out)\(none.err)")
        #expect(none.err.contains("3 команды из пакета нарушают правила; ничего не записано"), "\(none.err)")
        for student in ["S0001 Андреев Борис Ильич", "S0002 Белова Вера Сергеевна", "S0003 Волков Глеб Петрович"] {
            #expect(none.err.contains("логин для \(student): согласие на обработку персональных данных не записано"), "\(none.err)")
        }
        #expect(none.err.contains("правило consent-required"))
        #expect(try cli.ok(["export"], store: store) == before, "a refusal changed the log")
        #expect(!FileManager.default.fileExists(atPath: pdf), "a refusal wrote a PDF")

        // Consents for all but one parent: the batch is refused for that parent alone, and again nothing is recorded.
        for person in ["S0001", "S0002", "S0003", "P0001", "P0003"] {
            try cli.ok(["consent", "give", "--person", person, "--document", "ПДн-\(person)"] + coordinator, store: store)
        }
        let consented = try cli.ok(["export"], store: store)
        let oneParent = try cli.letopis(["login", "issue", "--class", "5А", "--all", "--pdf", pdf] + classTeacher, store: store)
        #expect(oneParent.status == 2, "\(oneParent.out)\(oneParent.err)")
        #expect(oneParent.err.contains("логин для P0002 Белов Сергей Павлович: согласие на обработку персональных данных не записано"),
                "\(oneParent.err)")
        #expect(oneParent.err.contains("Сначала запишите подписанное согласие"))
        #expect(!oneParent.err.contains("S0001") && !oneParent.err.contains("P0001"), "only the refused are named: \(oneParent.err)")
        #expect(try cli.ok(["export"], store: store) == consented)
        #expect(!FileManager.default.fileExists(atPath: pdf))

        // Asked to, the batch leaves out whoever has no consent in force, and lists them.
        let some = directory + "/5А-some.pdf"
        let consentedOnly = try cli.ok(["login", "issue", "--class", "5А", "--parents", "--only-with-consent", "--pdf", some] + classTeacher,
                                       store: store)
        #expect(consentedOnly.contains("Выдано логинов: 2 (5А, родители)"), "\(consentedOnly)")
        #expect(consentedOnly.contains("Без согласия на обработку персональных данных, пропущены: 1\n  P0002 Белов Сергей Павлович"),
                "\(consentedOnly)")
        #expect(try pdfText(some).components(separatedBy: "Временный пароль:").count - 1 == 2)
        let onlyTwo = try cli.ok(["export"], store: store)
        #expect(onlyTwo.components(separatedBy: "\"type\":\"LoginIssued\"").count - 1 == 2)
        let nobodyElse = try cli.ok(["login", "issue", "--class", "5А", "--parents", "--only-with-consent", "--pdf", some] + classTeacher,
                                    store: store)
        #expect(nobodyElse.contains("Новых логинов нет: 5А, родители — у кого нет логина, у тех нет согласия."), "\(nobodyElse)")
        #expect(try cli.ok(["export"], store: store) == onlyTwo)

        // A class teacher of another class (T0004, 9А) is refused in 5А.
        let other = try cli.letopis(["login", "issue", "--class", "5А", "--students", "--pdf", pdf, "--as", "T0004"], store: store)
        #expect(other.status == 2 && other.err.contains("правило own-class-only"), "\(other.err)")
        #expect(try cli.ok(["export"], store: store) == onlyTwo)

        // With every consent: six slips (each student, then their parents) on one page.
        try cli.ok(["consent", "give", "--person", "P0002", "--document", "ПДн-P0002"] + coordinator, store: store)
        let issued = try cli.ok(["login", "issue", "--class", "5А", "--all", "--pdf", pdf,
                                 "--sign-in-at", "https://journal.school1.example.ru"] + classTeacher, store: store)
        #expect(issued.contains("Выдано логинов: 4 (5А, ученики и родители); листки — в \(pdf), страниц: 1."), "\(issued)")
        #expect(issued.contains("Уже есть логин, пропущены: 2"), "\(issued)")
        #expect(issued.contains("S0001 Андреев Б. И. — andreyev.bi"), "\(issued)")
        #expect(try pages(pdf) == 1)
        let text = try pdfText(pdf)
        #expect(text.components(separatedBy: "Временный пароль:").count - 1 == 4, "\(text)")
        for part in ["МБОУ СОШ № 1 — электронный журнал и дневник «Летопись»", "Приглашение для: Андреев Борис Ильич (ученик)",
                     "Приглашение для: Белов Сергей Павлович (родитель / законный представитель)", "Класс: 5А", "Логин: andreyev.bi",
                     "Где войти: https://journal.school1.example.ru", "При первом входе задайте свой пароль.",
                     "T0003 Кузнецов И. В."] {
            #expect(text.contains(part), "«\(part)» is not on the sheet: \(text)")
        }
        // Andreeva's children are in 1А and 5А.
        #expect(try pdfText(some).contains("Приглашение для: Андреева Наталья Викторовна (родитель / законный представитель) Класс: 1А, 5А"), "\(text)")
        let permissions = try FileManager.default.attributesOfItem(atPath: pdf)[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        // The passwords are on the sheet only: not on the screen, not in the log; the sheet's password opens the login.
        let password = try #require(text.range(of: #"Логин: andreyev\.bi Временный пароль: ([A-Za-z0-9]{10})"#, options: .regularExpression)
            .map { String(text[$0].suffix(10)) })
        #expect(!issued.contains(password))
        let exported = try cli.ok(["export"], store: store)
        #expect(!exported.contains(password))
        #expect(exported.components(separatedBy: "\"type\":\"LoginIssued\"").count - 1 == 6)
        let activated = try cli.ok(["login", "activate", "andreyev.bi", "--password", password, "--new-password", "синий трактор"],
                                   store: store)
        #expect(activated.contains("Логин andreyev.bi активирован"))

        // Again: nothing to issue, all six listed as having a login, nothing recorded, no sheet written.
        let head = try cli.ok(["export"], store: store)
        let again = directory + "/again.pdf"
        let rerun = try cli.ok(["login", "issue", "--class", "5А", "--all", "--pdf", again] + classTeacher, store: store)
        #expect(rerun.contains("Новых логинов нет: 5А, ученики и родители — у всех уже есть логин."), "\(rerun)")
        #expect(rerun.contains("Уже есть логин, пропущены: 6") && rerun.contains("P0002 Белов Сергей Павлович — belov.sp"), "\(rerun)")
        #expect(try cli.ok(["export"], store: store) == head)
        #expect(!FileManager.default.fileExists(atPath: again))
    }

    @Test func theHelpShowsTheClassExample() throws {
        let help = try ProgramRunner.run(ProgramRunner.letopis, ["login", "issue", "--help"])
        #expect(help.out.contains("letopis login issue --as T0003 --class 5А --students --pdf 5А-ученики.pdf"), "\(help.out)")
        #expect(help.out.contains("--students") && help.out.contains("--parents") && help.out.contains("--all"))
        #expect(help.out.contains("all or nothing"))
    }
}
