import Foundation
import Printing
import Testing

/// Sheets of login slips, read back with poppler-utils: eight to an A4 page,
/// each with the school, the person, the class, the login, the temporary
/// password, where to sign in and what to do first.
@Suite struct SlipSheetTests {
    static func slip(_ n: Int) -> LoginSlip {
        LoginSlip(school: "МБОУ СОШ № 1", name: "Ученикова Мария \(n)", kind: "ученик", className: "5А", login: "uchenikova.m\(n)",
                  password: "Pw\(n)kHmP3qR", signInAt: "https://journal.school1.example.ru/sign-in", issuedOn: "3 декабря 2026",
                  issuedBy: "T0003 Кузнецов И. В.")
    }

    static let directory: String = {
        let path = NSTemporaryDirectory() + "letopis-slips-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: SlipSheetTests.directory) }
        return path
    }()

    static func temporaryPDF(_ name: String) -> String { directory + "/\(name)-\(UUID().uuidString).pdf" }

    @Test func seventeenSlipsTakeThreePagesOfEightWithEverythingOnEach() throws {
        let slips = (1...17).map(Self.slip)
        let pdf = Self.temporaryPDF("slips")
        let report = try SlipSheet.write(slips, title: "Логины и временные пароли, 5А", to: pdf)
        #expect(report.pages == 3 && report.slips == 17)
        #expect(report.overflows.isEmpty, "slips whose text runs past their cell: \(report.overflows)")
        #expect(try PrintFixture.pageCount(pdf) == 3)
        let permissions = try FileManager.default.attributesOfItem(atPath: pdf)[.posixPermissions] as? Int
        #expect(permissions == 0o600, "a file of passwords is its owner's only")
        for (page, count) in [(1, 8), (2, 8), (3, 1)] {
            let text = try PrintFixture.text(pdf, page: page).collapsed
            #expect(text.components(separatedBy: "Временный пароль:").count - 1 == count, "page \(page): \(text)")
        }
        let first = try PrintFixture.text(pdf, page: 1).collapsed
        for part in ["МБОУ СОШ № 1 — электронный журнал и дневник «Летопись»", "Приглашение для: Ученикова Мария 1 (ученик)",
                     "Класс: 5А", "Логин: uchenikova.m1", "Временный пароль: Pw1kHmP3qR",
                     "Где войти: https://journal.school1.example.ru/sign-in",
                     "При первом входе задайте свой пароль. Никому не сообщайте пароль.",
                     "Временный пароль действует 30 дней", "Выдано 3 декабря 2026, T0003 Кузнецов И. В."] {
            #expect(first.contains(part), "«\(part)» is not on the slip: \(first)")
        }
        #expect(!first.contains("uchenikova.m9"), "the ninth slip is on the second page")
        let last = try PrintFixture.text(pdf, page: 3).collapsed
        #expect(last.contains("Логин: uchenikova.m17"))
        let info = try PrintFixture.run("pdfinfo", [pdf]).out
        #expect(info.contains("Логины и временные пароли, 5А") && info.contains("Letopis"), "\(info)")
        #expect(info.contains("595.28 x 841.89") || info.contains("595 x 842"), "not A4 portrait: \(info)")
    }

    @Test func aLongNameWrapsWithinItsSlipAndOneSlipIsOnePage() throws {
        var slip = Self.slip(1)
        slip.name = "Константинопольская-Водопьянова Антонина-Александра Вячеславовна"
        slip.className = ""
        let (data, report) = try SlipSheet.pdf([slip], title: "Логин")
        #expect(data.starts(with: Data("%PDF".utf8)))
        #expect(report.pages == 1 && report.overflows.isEmpty)
        let pdf = Self.temporaryPDF("one-slip")
        try data.write(to: URL(fileURLWithPath: pdf))
        let text = try PrintFixture.text(pdf).collapsed
        #expect(text.contains("Вячеславовна (ученик)") && !text.contains("Класс:"), "\(text)")
    }

    @Test func theTextSlipSaysTheSame() {
        let text = Self.slip(2).text
        for line in ["Класс:             5А", "Логин:             uchenikova.m2", "Временный пароль:  Pw2kHmP3qR",
                     "Где войти:         https://journal.school1.example.ru/sign-in"] {
            #expect(text.contains(line), "\(text)")
        }
    }
}
