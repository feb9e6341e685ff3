import EventLog
import Foundation
import ProgramRunner
import Testing

/// Every kind of bad input the program has been fed, in one table, through the
/// built program: each is refused with status 2 (1 where what is found is a
/// finding about a document, or a store that is not one), with a message naming
/// the line, the record or the value, and leaves every log as it was — the
/// export of the school's store, and of the district's, byte for byte.
@Suite(.serialized) struct BadInputTableTests {
    struct Case: CustomStringConvertible {
        var name: String
        var arguments: [String]
        /// The store the command works on: the school's, or the district's.
        var district = false
        /// The command names no store (it reads only the files it is given).
        var storeless = false
        var status: Int32 = 2
        /// What standard error (or output, for findings) must say.
        var says: [String]
        /// Run before the command, and undone after it (a store's file edited by hand).
        var before: (() throws -> Void)?
        var after: (() throws -> Void)?

        var description: String { name }
    }

    let cli = CommandLineTests()
    let directory = NSTemporaryDirectory() + "letopis-bad-input-\(UUID().uuidString)"
    var school: String { directory + "/school" }
    var district: String { directory + "/district" }

    /// Writes `data` to a file of the table's directory and returns its path.
    func file(_ name: String, _ data: Data) throws -> String {
        let path = directory + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Data(text.utf8)) }

    /// The first Monday a week or more after today: a school day ahead of its day.
    static func mondayAhead() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Moscow")!
        var day = calendar.date(byAdding: .day, value: 7, to: Date())!
        while calendar.component(.weekday, from: day) != 2 { day = calendar.date(byAdding: .day, value: 1, to: day)! }
        let c = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%02d.%02d.%04d", c.day!, c.month!, c.year!)
    }

    /// A bundle with its header's JSON changed by `edit`, the trailing SHA-256 made
    /// to fit again (as anyone who edits a file in transit can).
    func rewriteBundle(_ path: String, to newPath: String, _ edit: (String) -> String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let magic = 18
        let length = bytes[magic..<(magic + 4)].reduce(0) { $0 << 8 | Int($1) }
        let header = String(decoding: bytes[(magic + 4)..<(magic + 4 + length)], as: UTF8.self)
        let edited = Array(edit(header).utf8)
        #expect(edited != Array(header.utf8), "the edit changed nothing")
        let n = UInt32(edited.count)
        var body = Array(bytes[..<magic]) + [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + edited
        body += bytes[(magic + 4 + length)..<(bytes.count - 32)]
        body += body.withUnsafeBytes { sha256($0) }.bytes
        try Data(body).write(to: URL(fileURLWithPath: newPath))
        return newPath
    }

    func run(_ arguments: [String], store: String) throws -> ProgramRun {
        try ProgramRunner.run(ProgramRunner.letopis, arguments + ["--store", store], environment: SmallDemo.environment)
    }

    @Test func everyBadInputIsRefusedByNameAndChangesNothing() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try cli.exampleSchool(school)
        let c = ["--as", "T0001"], teacher = ["--as", "T0003"]
        let lesson = ["--class", "5А", "--date", "07.09.2026", "--slot", "1"]
        #expect(try run(["lesson"] + teacher + ["--subject", "math", "--topic", "Числа"] + lesson, store: school).status == 0)
        // The bells: a lesson outside the timetable takes one of their slots.
        let bells = (1...6).map { "--bell=\($0):\(7 + $0):00-\(7 + $0):45" }
        let rang = try run(["reference", "bells", "--name", "основное"] + bells + c, store: school)
        #expect(rang.status == 0, "\(rang.err)")

        // The district: the school's public key registered, the school's first bundle.
        #expect(try run(["district", "init"], store: district).status == 0)
        let key = try run(["key", "export"], store: school)
        #expect(key.status == 0, "\(key.err)")
        let publicKey = try file("s1.pub", key.out)
        #expect(try run(["district", "register-school", "--school", "s1", "--public-key", publicKey], store: district).status == 0)
        let bundle = directory + "/s1-1.bundle"
        #expect(try run(["bundle", "--out", bundle], store: school).status == 0)
        let imported = try run(["district", "import", bundle], store: district)
        #expect(imported.status == 0, "\(imported.err)")

        // A proof of event 1 whose root is 62 hex digits and «é» (64 bytes of UTF-8).
        let proofMade = try run(["proof", "inclusion", "--seq", "1"], store: school)
        #expect(proofMade.status == 0, "\(proofMade.err)")
        let crafted = String(repeating: "ab", count: 31) + "é"
        #expect(crafted.utf8.count == 64)
        let rootPattern = try Regex(#""root"\s*:\s*"[0-9a-f]{64}""#)
        let craftedProof = proofMade.out.replacing(rootPattern, with: "\"root\":\"\(crafted)\"", maxReplacements: 1)

        // Registers: the example students with errors, as saved in other ways.
        let examples = CommandLineTests.examples
        let withErrors = try String(contentsOfFile: examples + "/students-with-errors.csv", encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "")
        let studentsHeader = String(withErrors.prefix { $0 != "\r\n" && $0 != "\n" })
        let validRow = "Зайцева;Анна;Олеговна;ж;14.03.2015;;5А;01.09.2026;45-Б;"
        var utf16 = Data()
        for unit in withErrors.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let manifest = school + "/letopis-store"
        let manifestText = try String(contentsOfFile: manifest, encoding: .utf8)
        func editManifest(format: String) -> () throws -> Void {
            { try manifestText.replacingOccurrences(of: "letopis-store 1", with: "letopis-store \(format)")
                .write(toFile: manifest, atomically: true, encoding: .utf8) }
        }
        let restoreManifest = { try manifestText.write(toFile: manifest, atomically: true, encoding: .utf8) }

        let ahead = Self.mondayAhead()
        let aheadISO = ahead.split(separator: ".").reversed().joined(separator: "-")
        let future = ["--class", "5А", "--date", ahead, "--slot", "1"]
        let cases: [Case] = [
            // Entries ahead of their day.
            Case(name: "a lesson in the future", arguments: ["lesson"] + teacher + ["--subject", "math", "--topic", "x"] + future,
                 says: ["in-the-future", ahead]),
            Case(name: "a roll in the future", arguments: ["attend"] + teacher + ["--absent", "S0002"] + future,
                 says: ["2026-5А/\(aheadISO)/1"]),
            Case(name: "a grade in the future",
                 arguments: ["grade"] + teacher + ["--student", "S0001", "--value", "5", "--work-type", "answer"] + future,
                 says: ["2026-5А/\(aheadISO)/1"]),
            Case(name: "an impossible date", arguments: ["topic"] + teacher + ["--text", "x", "--class", "5А", "--date", "31.02.2026",
                                                                               "--slot", "1"],
                 says: ["31.02.2026"]),

            // Registers.
            Case(name: "a quote left open", arguments: ["import", "students", try file("open-quote.csv",
                 "\(studentsHeader)\n\(validRow)\n\"Зуев;Иван;Петрович;м;02.11.2015;;5А;01.09.2026;45-Б;\n"
                 + "Зуева;Мария;Петровна;ж;02.11.2015;;5А;01.09.2026;45-Б;\n")] + c,
                 says: ["строка 3", "кавычка"]),
            Case(name: "the staff register loaded again", arguments: ["import", "staff", examples + "/staff.csv"] + c,
                 says: ["строка 2"]),
            Case(name: "a cell over the limit", arguments: ["import", "students", try file("long-cell.csv",
                 "\(studentsHeader)\n\(validRow)\(String(repeating: "ж", count: 2_001))\n")] + c,
                 says: ["строка 2", "2000"]),
            Case(name: "UTF-16 without its byte order mark", arguments: ["import", "students", try file("utf16.csv", utf16)] + c,
                 says: ["строка 7, столбец «СНИЛС»: ученик с этим СНИЛС уже зачислен"]),
            Case(name: "a title with a comma above the header", arguments: ["import", "students", try file("title.csv",
                 "Список учащихся, 2026/27 учебный год, МБОУ СОШ № 1\n" + withErrors)] + c,
                 says: ["строка 8, столбец «СНИЛС»: ученик с этим СНИЛС уже зачислен"]),
            Case(name: "control characters in a register's name", arguments: ["import", "staff", try file("escape.csv",
                 "Фамилия;Имя;Отчество;Должность;Дата приёма;E-mail;СНИЛС;Роли\n"
                 + "Зайцев\u{1B}[2J;Олег;Иванович;учитель;26.08.2024;;;учитель\n")] + c,
                 says: ["строка 2, столбец «Фамилия»: невидимый управляющий символ U+001B"]),
            Case(name: "a staff code with Arabic-Indic digits", arguments: ["import", "staff", try file("codes.csv",
                 "Код;Фамилия;Имя;Должность;Дата приёма;СНИЛС\nT٠٠٢٠;Зайцев;Олег;учитель;26.08.2024;\n"
                 + "T½;Зуев;Иван;учитель;26.08.2024;\n")] + c,
                 says: ["строка 2, столбец «Код»", "строка 3, столбец «Код»"]),

            // Names typed on the command line.
            Case(name: "ESC in a name", arguments: ["staff", "hire", "--name", "Зайцев\u{1B}[2J Олег Иванович", "--position", "учитель",
                                                    "--hired", "01.09.2026", "--roles", "teacher"] + c,
                 says: ["Зайцев"]),
            Case(name: "a right-to-left override in a name",
                 arguments: ["staff", "hire", "--name", "Зайцев\u{202E} Олег Иванович", "--position", "учитель",
                             "--hired", "01.09.2026", "--roles", "teacher"] + c,
                 says: ["Зайцев"]),

            // Numbers beyond what their records hold.
            Case(name: "--edit-window 2^32", arguments: ["init", "--school", "s2", "--name", "x", "--coordinator", "Иванов Иван Иванович",
                                                         "--edit-window", "4294967296"],
                 says: ["4294967296", "--edit-window"]),
            Case(name: "lesson --slot 2^31",
                 arguments: ["lesson"] + teacher + ["--subject", "math", "--class", "5А", "--date", "07.09.2026", "--slot", "2147483648"],
                 says: ["2147483648", "--slot"]),
            Case(name: "timetable add --slot 2^31",
                 arguments: ["timetable", "add", "--class", "5А", "--weekday", "пн", "--slot", "2147483648", "--subject", "math",
                             "--teacher", "T0003"] + c,
                 says: ["2147483648", "--slot"]),
            Case(name: "year define --year 2^31",
                 arguments: ["year", "define", "--year", "2147483648", "--from", "01.09.2027", "--to", "31.05.2028"] + c,
                 says: ["2147483648", "--year"]),
            Case(name: "period define --year 10^11",
                 arguments: ["period", "define", "--year", "99999999999", "--period", "X:1 четверть:01.09.2027:24.10.2027"] + c,
                 says: ["99999999999", "--year"]),
            Case(name: "reference work-type --weight 10^11",
                 arguments: ["reference", "work-type", "--id", "p", "--name", "Проект", "--weight", "99999999999"] + c,
                 says: ["99999999999", "--weight"]),
            Case(name: "class create --year 2^31",
                 arguments: ["class", "create", "6Б", "--year", "2147483648", "--teacher", "T0003"] + c,
                 says: ["2147483648", "--year"]),
            Case(name: "a substitute at slot 0",
                 arguments: ["lesson"] + teacher + ["--subject", "math", "--class", "5А", "--date", "07.09.2026", "--slot", "0",
                                                    "--substitute"],
                 says: ["2026-5А/2026-09-07/0", "расписании звонков"]),
            Case(name: "a substitute at slot 99",
                 arguments: ["lesson"] + teacher + ["--subject", "math", "--class", "5А", "--date", "07.09.2026", "--slot", "99",
                                                    "--substitute"],
                 says: ["2026-5А/2026-09-07/99", "расписании звонков"]),
            Case(name: "--as-of that is no point", arguments: ["journal", "--class", "5А", "--subject", "math", "--as-of", "2026-13-45"],
                 says: ["2026-13-45", "--as-of"]),

            // Proofs and keys.
            Case(name: "a proof's root of 62 hex digits and «é»", arguments: ["verify-proof", try file("proof.json", craftedProof)],
                 storeless: true, status: 1, says: ["not 64 hex digits", crafted]),
            Case(name: "a public key of 62 hex digits and «é»",
                 arguments: ["verify-proof", try file("proof-ok.json", proofMade.out), "--public-key", crafted], storeless: true,
                 says: [crafted, "not an Ed25519 public key"]),

            // Bundles edited in transit: the district's findings about a file (status 1, as for any refused bundle).
            Case(name: "a bundle naming events up to 2^64 - 1", arguments: ["district", "import", try rewriteBundle(bundle,
                 to: directory + "/s1-huge.bundle") { $0.replacing(try! Regex(#""to":[0-9]+"#), with: "\"to\":18446744073709551615") }],
                 district: true, status: 1, says: ["s1-huge.bundle", "18446744073709551615"]),
            Case(name: "a bundle with its number edited", arguments: ["district", "import", try rewriteBundle(bundle,
                 to: directory + "/s1-renumbered.bundle") { $0.replacing(try! Regex(#""number":[0-9]+"#), with: "\"number\":7") }],
                 district: true, status: 1, says: ["s1-renumbered.bundle", "signature"]),

            // A store whose manifest names no format this program reads.
            Case(name: "a manifest of format 0", arguments: ["verify"], status: 1, says: [school, "letopis-store"],
                 before: editManifest(format: "0"), after: restoreManifest),
            Case(name: "a manifest of format -1", arguments: ["verify"], status: 1, says: [school, "letopis-store"],
                 before: editManifest(format: "-1"), after: restoreManifest),
        ]

        // The school's log as exported, and the district's store byte for byte (it has no export).
        func exports() throws -> [String] {
            let export = try run(["export"], store: school)
            #expect(export.status == 0, "export of \(school): \(export.err)")
            let held = try Data(contentsOf: URL(fileURLWithPath: district + "/district/data.mdb"))
            return [export.out, held.withUnsafeBytes { sha256($0) }.hex]
        }
        let before = try exports()
        #expect(before[0].contains("\"type\":\"LessonHeld\""))
        for test in cases {
            try test.before?()
            let ran = test.storeless
                ? try ProgramRunner.run(ProgramRunner.letopis, test.arguments, environment: SmallDemo.environment)
                : try run(test.arguments, store: test.district ? district : school)
            try test.after?()
            let said = ran.err + ran.out
            #expect(ran.status == test.status, "\(test): status \(ran.status), expected \(test.status): \(said)")
            for words in test.says {
                #expect(said.contains(words), "\(test): does not say «\(words)»: \(said)")
            }
            #expect(!said.contains("Fatal error") && !said.contains("Stack dump"), "\(test) crashed: \(said)")
            #expect(try exports() == before, "\(test) changed a log")
        }
        #expect(!FileManager.default.fileExists(atPath: school + "/schools/s2"), "the refused init left its school behind")
    }
}
