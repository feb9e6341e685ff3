import Foundation
import HTTPTypes
import NIOCore
import ProgramRunner
@testable import Server
import Testing

/// The school office's pages: the reports with downloads byte for byte as the
/// built `letopis report` writes them (live and as of a moment), periods
/// closed and reopened (a reason wanted, nothing recorded when refused, the
/// reason shown escaped), register import from an upload (a bad line shown
/// and nothing recorded; the auditor refused), the anti-forgery token.
@Suite struct SchoolPagesTests {
    /// Runs the built program on the test's store and returns the file it wrote.
    static func cli(_ arguments: [String], store: String) throws -> Data {
        let out = NSTemporaryDirectory() + "letopis-office-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try ProgramRunner.run(ProgramRunner.letopis, arguments + ["--store", store, "--out", out])
        try #require(run.status == 0, "letopis \(arguments.joined(separator: " ")): \(run.err)")
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    static func expectDownload(_ reply: Reply, csv: Bool, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == .ok, "\(what): \(reply)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == (csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"),
                "\(what): \(reply.headers[.contentType] ?? "none")", sourceLocation: sourceLocation)
        let disposition = reply.headers[.contentDisposition] ?? ""
        #expect(disposition.hasPrefix("attachment; filename*=UTF-8''") && disposition.hasSuffix(csv ? ".csv" : ".json"),
                "\(what): \(disposition)", sourceLocation: sourceLocation)
    }

    @Test func theReportsAreReadablePagesAndTheirDownloadsAreTheCommandLinesBytes() async throws {
        try await TestServer.run(signIn: [.administration, .auditor, .teacher]) { t in
            let admin = t.visitor(.administration), auditor = t.visitor(.auditor)
            let store = t.store.path
            let cases: [(page: String, cli: [String], shows: String)] = [
                ("/school/reports/rollout?date=2024-09-20", ["report", "rollout", "--date", "2024-09-20"], "Отчёт о введении"),
                ("/school/reports/contingent?date=2024-09-20&from=2024-09-01&to=2024-09-22",
                 ["report", "contingent", "--date", "2024-09-20", "--from", "2024-09-01", "--to", "2024-09-22"], "Контингент на 20.09.2024"),
                ("/school/reports/activity?from=2024-09-02&to=2024-09-22", ["report", "activity", "--from", "2024-09-02", "--to", "2024-09-22"],
                 "Активность пользователей с 02.09.2024 по 22.09.2024"),
                // The academic report's "today" is the moment's day on both doors: the same bytes.
                ("/school/reports/academic?class=\(esc(t.template.classID))&period=\(esc(t.template.period))&asOf=2030-01-01T00:00",
                 ["report", "academic", "--class", t.template.classID, "--period", t.template.period, "--as-of", "2030-01-01T00:00"],
                 "Отчёт об успеваемости"),
                // As of a moment on both doors: the shared replay.
                ("/school/reports/rollout?date=2024-09-20&asOf=2024-09-20T12:00",
                 ["report", "rollout", "--date", "2024-09-20", "--as-of", "2024-09-20T12:00"], "Показано, как было в журнале"),
            ]
            for (path, arguments, shows) in cases {
                for who in [admin, auditor] {
                    let page = try await t.page(path, as: who)
                    #expect(page.status == .ok, "\(path): \(page)")
                    expectPageHeaders(page, path)
                    #expect(page.text.contains(shows), "\(path) shows «\(shows)»")
                    #expect(page.text.contains(#"<div class="scroll">"#) && page.text.contains("<table>"), "\(path): a table that scrolls on a phone")
                    #expect(page.text.contains("format=csv") && page.text.contains("format=json"), "\(path): the downloads")
                }
                for format in ["csv", "json"] {
                    let reply = try await t.page(path + "&format=\(format)", as: auditor)
                    Self.expectDownload(reply, csv: format == "csv", "\(path) as \(format)")
                    let expected = try Self.cli(arguments + ["--format", format], store: store)
                    #expect(reply.body == expected, "\(path) as \(format): not the bytes of letopis \(arguments.joined(separator: " "))")
                }
            }
            // The anomalies, as `letopis audit anomalies --format json`.
            let anomalies = try await t.page("/school/anomalies", as: auditor)
            #expect(anomalies.status == .ok, "\(anomalies)")
            expectPageHeaders(anomalies, "the anomalies")
            #expect(anomalies.text.contains("Аномалии журнала") && anomalies.text.contains("Пороги:"), "\(anomalies)")
            let json = try await t.page("/school/anomalies?format=json", as: admin)
            Self.expectDownload(json, csv: false, "the anomalies as JSON")
            #expect(json.body == (try Self.cli(["audit", "anomalies", "--format", "json"], store: store)), "the anomalies' JSON")

            // The registers and the index, and the nav link to them.
            for path in ["/school", "/school/staff", "/school/students?class=\(esc(t.template.classID))", "/school/periods", "/school/import"] {
                let page = try await t.page(path, as: auditor)
                #expect(page.status == .ok, "\(path): \(page)")
                expectPageHeaders(page, path)
                #expect(page.text.contains(#"<a href="/school""#), "\(path): the nav link «Школа»")
            }
            let students = try await t.page("/school/students?class=\(esc(t.template.classID))", as: admin)
            let childName = t.served.recorder.withState { $0.students[t.template.child]!.name.last }
            #expect(students.text.contains(t.template.child) && students.text.contains(childName), "the class's students")
            // Others: the page of a record that does not exist; no nav link.
            let teacherPage = try await t.page("/school/reports/rollout", as: t.visitor(.teacher))
            #expect(teacherPage.status == .notFound && teacherPage.text.contains("Такой записи нет."))
            let day = try await t.page("/teacher/day", as: t.visitor(.teacher))
            #expect(!day.text.contains(#"href="/school""#), "a teacher has no «Школа»")
            // A moment that is not one: a clear refusal.
            let wrong = try await t.page("/school/reports/rollout?asOf=вчера", as: auditor)
            #expect(wrong.status == .badRequest && wrong.text.contains("не момент времени"), "\(wrong)")
        }
    }

    @Test func periodsCloseAndReopenWithAReasonAndRefusalsRecordNothing() async throws {
        try await TestServer.run(signIn: [.administration, .coordinator, .auditor]) { t in
            let admin = t.visitor(.administration), period = t.template.period
            let list = try await t.page("/school/periods", as: admin)
            #expect(list.status == .ok && list.text.contains(period) && list.text.contains("Закрыть период"), "\(list)")
            let auditorList = try await t.page("/school/periods", as: t.visitor(.auditor))
            #expect(!auditorList.text.contains("Закрыть период") && auditorList.text.contains("Только для просмотра"))

            // Without the anti-forgery token: refused, nothing recorded.
            var before = try t.snapshot()
            let forged = try await t.submit("/school/periods/close", [("period", period)], as: admin, csrf: .some(nil))
            #expect(forged.status == .forbidden, "\(forged)")
            #expect(try t.snapshot() == before)
            // The auditor and the coordinator: the rules refuse, nothing recorded.
            for who in [Who.auditor, .coordinator] {
                let page = try await t.page("/school/periods", as: t.visitor(who))
                #expect(page.status == .ok)
                let refused = try await t.submit("/school/periods/close", [("period", period)], as: t.visitor(who))
                #expect(refused.status == .forbidden && refused.text.contains("role-required"), "\(who): \(refused)")
                expectPageHeaders(refused, "refused as \(who)")
                #expect(try t.snapshot() == before)
            }

            let closed = try await t.submit("/school/periods/close", [("period", period)], as: admin)
            #expect(closed.status == .seeOther && closed.location == "/school/periods?saved=closed", "\(closed)")
            let after = try await t.page("/school/periods?saved=closed", as: admin)
            #expect(after.text.contains("Период закрыт.") && after.text.contains("Открыть период") && after.text.contains("Причина открытия"))

            // Reopening without a reason: the rule's message, nothing recorded.
            before = try t.snapshot()
            let noReason = try await t.submit("/school/periods/reopen", [("period", period), ("reason", "  ")], as: admin)
            #expect(noReason.status == .unprocessableContent, "\(noReason)")
            expectPageHeaders(noReason, "reopened without a reason")
            #expect(noReason.text.contains("reason-required") && noReason.text.contains("не указана причина"), "\(noReason)")
            #expect(try t.snapshot() == before)

            let typed = "<script>alert(1)</script> исправление итоговых"
            let reopened = try await t.submit("/school/periods/reopen", [("period", period), ("reason", typed)], as: admin)
            #expect(reopened.status == .seeOther, "\(reopened)")
            #expect(try t.snapshot().count == before.count + 1)
            let history = try await t.page("/school/periods", as: t.visitor(.auditor))
            expectPageHeaders(history, "the periods' history")
            #expect(history.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; исправление итоговых"), "the reason shown as text")
            #expect(!history.text.contains("<script>alert(1)"))
        }
    }

    @Test func asOfAMomentTheReportShowsTheLogAsItStoodThen() async throws {
        try await TestServer.run(signIn: [.administration, .auditor]) { t in
            let period = t.template.period
            let closed = try await t.submit("/school/periods/close", [("period", period)], as: t.visitor(.administration))
            #expect(closed.status == .seeOther, "\(closed)")
            let path = "/school/reports/academic?class=\(esc(t.template.classID))&period=\(esc(period))"
            // Before the server recorded anything (its day is the template's Monday; the template was made the day before).
            let moment = "&asOf=2024-09-22T23:00"
            let now = try await t.page(path + "&format=json", as: t.visitor(.auditor))
            let then = try await t.page(path + moment + "&format=json", as: t.visitor(.auditor))
            #expect(now.text.contains(#""closed" : true"#), "today: the period closed")
            #expect(then.text.contains(#""closed" : false"#), "then: the period open")
            let page = try await t.page(path + moment, as: t.visitor(.auditor))
            #expect(page.status == .ok, "\(page)")
            #expect(page.text.contains("Показано, как было в журнале на 22.09.2024 23:00") && page.text.contains("После этого записано ещё событий: "),
                    "the banner says which moment: \(page.text)")
            let today = try await t.page(path, as: t.visitor(.auditor))
            #expect(!today.text.contains("Показано, как было в журнале"))
            // The anomalies as of the moment too.
            let anomalies = try await t.page("/school/anomalies?asOf=2024-09-22T23:00", as: t.visitor(.auditor))
            #expect(anomalies.status == .ok && anomalies.text.contains("Показано, как было в журнале"), "\(anomalies)")
        }
    }

    // MARK: Register import

    static let header = "Фамилия;Имя;Отчество;Должность;Дата приёма;E-mail;СНИЛС;Роли"
    static let goodLine = "Летописцева;Анна;Ивановна;учитель истории;01.09.2024;letopistseva@school.example.ru;112-233-401 83;учитель"
    static let badLine = "Сидоров;Пётр;Петрович;учитель;<script>alert(1)</script>;sidorov@school.example.ru;;учитель"

    /// POSTs the import form as a browser does: `multipart/form-data` with the file's part.
    static func upload(_ t: TestServer, _ csv: String, register: String = "staff", as visitor: Visitor, csrf: Bool = true) async throws -> Reply {
        let boundary = "----letopis\(UUID().uuidString)"
        var body = ""
        if csrf, let token = visitor.csrfToken {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"register\"\r\n\r\n\(register)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"сотрудники.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        body += csv + "\r\n--\(boundary)--\r\n"
        var headers: HTTPFields = [.accept: "text/html", .contentType: "multipart/form-data; boundary=\(boundary)", .origin: Template.origin]
        if let cookie = visitor.cookie { headers[.cookie] = "\(visitor.cookieName)=\(cookie)" }
        let response = try await t.client.execute(uri: "/school/import", method: .post, headers: headers, body: ByteBuffer(string: body))
        return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    @Test func aRegisterUploadIsRecordedWholeOrShowsEachBadLineAndRecordsNothing() async throws {
        try await TestServer.run(signIn: [.coordinator, .auditor]) { t in
            let coordinator = t.visitor(.coordinator), auditor = t.visitor(.auditor)
            let form = try await t.page("/school/import", as: coordinator)
            #expect(form.status == .ok && form.text.contains(#"enctype="multipart/form-data""#), "\(form)")
            expectPageHeaders(form, "the import form")
            _ = try await t.page("/school/import", as: auditor)
            let before = try t.snapshot()

            // A bad line: each shown with its place and reason; nothing recorded, not even the good line.
            let bad = try await Self.upload(t, [Self.header, Self.goodLine, Self.badLine].joined(separator: "\r\n"), as: coordinator)
            #expect(bad.status == .unprocessableContent, "\(bad)")
            expectPageHeaders(bad, "a refused register")
            #expect(bad.text.contains("не загружен, ничего не записано") && bad.text.contains("строка 3"), "\(bad.text)")
            #expect(!bad.text.contains("<script>alert(1)"), "what the file said is shown as text")
            #expect(try t.snapshot() == before)

            // Without the anti-forgery token; by the auditor: refused, nothing recorded.
            let good = [Self.header, Self.goodLine].joined(separator: "\r\n")
            let forged = try await Self.upload(t, good, as: coordinator, csrf: false)
            #expect(forged.status == .forbidden, "\(forged)")
            let byAuditor = try await Self.upload(t, good, as: auditor)
            #expect(byAuditor.status == .forbidden && byAuditor.text.contains("role-required"), "\(byAuditor)")
            #expect(try t.snapshot() == before)

            // A good file: recorded, and the summary.
            let loaded = try await Self.upload(t, good, as: coordinator)
            #expect(loaded.status == .seeOther, "\(loaded)")
            let location = try #require(loaded.location)
            #expect(location.hasPrefix("/school/import?loaded=staff&rows=1&created=1"), "\(location)")
            #expect(try t.snapshot().count > before.count)
            let summary = try await t.page(location, as: coordinator)
            #expect(summary.text.contains("Реестр «сотрудники» загружен: строк 1, новых записей 1"), "\(summary.text)")
            let staff = try await t.page("/school/staff", as: auditor)
            #expect(staff.text.contains("Летописцева Анна Ивановна"), "the new member of staff in the register")
        }
    }
}
