import Catalog
import EventLog
import Foundation
import HTTPTypes
import ProgramRunner
@testable import Records
@testable import Server
import Testing

/// The class teacher's pages: the class with consents, applications and
/// logins; a login issued as a one-slip PDF; the whole class's missing logins
/// as one PDF of slips; refusals shown with the rule's words and recording
/// nothing; the summary sheet of finals.
@Suite struct ClassPagesTests {
    static let script = "<script>alert(1)</script>"

    /// A parent of the newcomer named with a script, registered without a consent; their id.
    static func registerScriptParent(on server: TestServer) async throws -> String {
        let t = server.template
        let coordinator = server.served.recorder.withState { $0.actor(t.personID(.coordinator), preferring: [.coordinator]) }
        let on = Template.monday
        _ = try await server.served.record([RegisterGuardian(name: PersonName(last: script, first: "Ольга", middle: "Ивановна"),
                                                         phone: "+7 900 000-00-99", guardianID: "P9001", on: on)], as: coordinator)
        _ = try await server.served.record([LinkGuardian(guardianID: "P9001", studentID: t.newcomer, relation: .mother, on: on)],
                                       as: coordinator)
        return "P9001"
    }

    /// The PDF's text, in drawing order, runs of white space as one space.
    static func text(ofPDF data: Data) throws -> String {
        let path = NSTemporaryDirectory() + "letopis-class-page-\(UUID().uuidString).pdf"
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ProgramRunner.run("pdftotext", ["-raw", path, "-"]).out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func expectPDF(_ reply: Reply, named prefix: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == .ok, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.headers[.contentType] == "application/pdf", sourceLocation: sourceLocation)
        let disposition = reply.headers[.contentDisposition] ?? ""
        #expect(disposition.hasPrefix("attachment;") && disposition.contains("filename*=UTF-8''\(prefix.addingPercentEncoding(withAllowedCharacters: ClassPages.attrChars)!)"),
                "\(disposition)", sourceLocation: sourceLocation)
        #expect(reply.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        #expect(reply.body.starts(with: Data("%PDF".utf8)), sourceLocation: sourceLocation)
        expectPageHeaders(reply, "a PDF of slips", sourceLocation: sourceLocation)
    }

    @Test func theClassTeacherSeesTheStudentsParentsConsentsAndLoginsEscaped() async throws {
        try await TestServer.run(signIn: [.classTeacher, .teacher, .auditor]) { server in
            let t = server.template
            _ = try await Self.registerScriptParent(on: server)
            let browser = server.visitor(.classTeacher)
            let page = try await server.page("/class", as: browser)
            #expect(page.status == .ok, "\(page)")
            expectPageHeaders(page, "the class")
            let (newcomer, classmate, child) = server.served.recorder.withState { state in
                (state.students[t.newcomer]!.name.full, state.students[t.classmate]!.name.full, state.students[t.child]!.name.full)
            }
            for part in ["<h1>Класс 5А</h1>", newcomer, classmate, child, t.classmateLogin, "не выдан", "Согласие: <span class=\"ok\">дано",
                         #"<a href="/class" aria-current="page">Мой класс</a>"#, #"action="/class/logins""#, #"action="/class/login""#,
                         "Сводная ведомость"] {
                #expect(page.text.contains(part), "«\(part)» is not on the class's page")
            }
            // The name typed with a script shows as text; the parent without a consent says so.
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Ольга Ивановна"))
            #expect(!page.text.contains(Self.script))
            #expect(page.text.contains("мать; заявление: нет"))
            #expect(page.text.contains(#"Согласие: <span class="missing">нет</span>"#))

            #expect(page.text.range(of: #"Согласие: <span class="ok">дано \d\d\.\d\d\.\d{4}</span>"#, options: .regularExpression) != nil,
                    "a consent shows the day it was given")

            // The summary sheet of finals, with a final the administration set.
            let administration = server.served.recorder.withState { $0.actor(t.personID(.administration), preferring: [.administration]) }
            _ = try await server.served.record([SetFinalGrade(studentID: t.child, subjectID: t.subject, periodID: t.period, value: "5")],
                                               as: administration)
            let (subject, period) = server.served.recorder.withState { state in (state.subjects[t.subject]!.name, state.periods[t.period]!.name) }
            let summary = try await server.page("/class/summary", as: browser)
            #expect(summary.status == .ok && summary.text.contains("Сводная ведомость: 5А"), "\(summary)")
            #expect(summary.text.contains(#"<th scope="colgroup" colspan="#) && summary.text.contains(">\(subject)</th>"), "\(summary.text)")
            #expect(summary.text.contains("<th scope=\"col\">\(period)</th>"))
            #expect(summary.text.range(of: "<th scope=\"row\">\(child)</th>(<td>[^<]*</td>)*<td>5</td>", options: .regularExpression) != nil,
                    "\(summary.text)")
            expectPageHeaders(summary, "the summary sheet")

            // An auditor reads any class, without the forms; a teacher has none.
            let auditor = try await server.page("/class?id=\(urlEncoded(t.classID))", as: server.visitor(.auditor))
            #expect(auditor.status == .ok && auditor.text.contains(newcomer), "\(auditor)")
            #expect(!auditor.text.contains(#"action="/class/login"#) && auditor.text.contains("здесь они только видны"))
            let chooser = try await server.page("/class", as: server.visitor(.auditor))
            #expect(chooser.status == .ok && chooser.text.contains(#"href="/class?id=\#(urlEncoded(t.classID))""#), "\(chooser)")
            #expect(try await server.page("/class", as: server.visitor(.teacher)).status == .notFound)
        }
    }

    @Test func oneLoginIsASlipToDownloadAndRefusalsRecordNothing() async throws {
        try await TestServer.run(signIn: [.classTeacher]) { server in
            let t = server.template
            let parent = try await Self.registerScriptParent(on: server)
            let browser = server.visitor(.classTeacher)
            _ = try await server.page("/class", as: browser)
            let before = try server.snapshot()

            // Without the anti-forgery field: refused, nothing recorded.
            let forged = try await server.submit("/class/login", [("class", t.classID), ("person", t.newcomer), ("channel", "slip")],
                                                 as: browser, csrf: .some(nil))
            #expect(forged.status == .forbidden, "\(forged)")
            #expect(try server.snapshot() == before)

            // A parent without a consent: the rule's words, nothing recorded.
            let refused = try await server.submit("/class/login", [("class", t.classID), ("person", parent), ("channel", "slip")],
                                                  as: browser)
            #expect(refused.status == .unprocessableContent, "\(refused)")
            #expect(refused.text.contains("согласие на обработку персональных данных не записано"), "\(refused.text)")
            #expect(refused.text.contains("Сначала запишите подписанное согласие.") && refused.text.contains("consent-required"))
            #expect(refused.text.contains("&lt;script&gt;") && !refused.text.contains(Self.script))
            expectPageHeaders(refused, "a refused login")
            #expect(try server.snapshot() == before)

            // The newcomer: a one-slip PDF; the log says a login was issued, and holds no password.
            let slip = try await server.submit("/class/login", [("class", t.classID), ("person", t.newcomer), ("channel", "slip")],
                                               as: browser)
            let login = try #require(server.served.recorder.withState { $0.loginByPerson[t.newcomer] })
            Self.expectPDF(slip, named: "логин-\(login)-")
            let text = try Self.text(ofPDF: slip.body)
            #expect(text.contains("Логин: \(login)") && text.contains("Класс: 5А") && text.contains("Где войти: http"), "\(text)")
            let password = try #require(text.range(of: #"Временный пароль: [A-Za-z0-9]{10}"#, options: .regularExpression)
                .map { String(text[$0].suffix(10)) })
            let after = try server.snapshot()
            #expect(after.count == before.count + 1)
            let recorded = after.reduce(Data(), +)
            #expect(recorded.range(of: Data(password.utf8)) == nil, "the password is in the log")

            // The slip's password opens the login.
            let owner = Visitor(.anonymous, sample: nil)
            let signIn = try await server.submit("/sign-in", [("login", login), ("password", password)], as: owner)
            #expect(signIn.status == .seeOther && signIn.location == "/password", "\(signIn)")

            // The page says the login is issued now, and offers no second one.
            let page = try await server.page("/class", as: browser)
            #expect(page.text.contains("<span class=\"code\">\(login)</span> — <span class=\"\">выдан</span>"), "\(page.text)")
            let again = try await server.submit("/class/login", [("class", t.classID), ("person", t.newcomer), ("channel", "slip")],
                                                as: browser)
            #expect(again.status == .unprocessableContent && again.text.contains("duplicate-record"), "\(again)")
        }
    }

    @Test func theWholeClassAtOnceIsOnePDFAllOrNothingAndNothingTwice() async throws {
        try await TestServer.run(signIn: [.classTeacher]) { server in
            let t = server.template
            let browser = server.visitor(.classTeacher)
            _ = try await server.page("/class", as: browser)
            let parent = try await Self.registerScriptParent(on: server)
            // Every student of the class with a consent; the script-named parent still without one.
            let coordinator = server.served.recorder.withState { $0.actor(t.personID(.coordinator), preferring: [.coordinator]) }
            let (unconsented, missing) = server.served.recorder.withState { state in
                let members = state.members(of: t.classID, on: Template.monday)
                return (members.filter { state.consents[$0]?.isGiven != true }, members.filter { state.loginByPerson[$0] == nil })
            }
            for student in unconsented {
                _ = try await server.served.record([RecordConsent(personID: student, documentRef: "ПДн-\(student)", on: Template.monday)],
                                               as: coordinator)
            }
            #expect(missing.count >= 1)

            // The parents: refused for the parent without a consent, named; nothing recorded.
            let before = try server.snapshot()
            let parents = try await server.submit("/class/logins", [("class", t.classID), ("audience", "parents")], as: browser)
            #expect(parents.status == .unprocessableContent, "\(parents)")
            #expect(parents.text.contains("логин для \(parent) &lt;script&gt;"), "\(parents.text)")
            #expect(parents.text.contains("согласие на обработку персональных данных не записано"))
            #expect(try server.snapshot() == before)

            // Asked to leave out whoever has no consent: the others' slips (or, if none, the page says so).
            let consentedParents = server.served.recorder.withState { state in
                Set(state.members(of: t.classID, on: Template.monday).flatMap { state.students[$0]!.guardians })
                    .filter { state.loginByPerson[$0] == nil && state.consents[$0]?.isGiven == true }
            }
            let some = try await server.submit("/class/logins", [("class", t.classID), ("audience", "parents"), ("onlyWithConsent", "1")],
                                               as: browser)
            if consentedParents.isEmpty {
                #expect(some.status == .seeOther && some.location?.hasSuffix("&saved=none-consent") == true, "\(some)")
            } else {
                Self.expectPDF(some, named: "логины-5А-")
                let slips = try Self.text(ofPDF: some.body)
                #expect(slips.components(separatedBy: "Временный пароль:").count - 1 == consentedParents.count)
                #expect(!slips.contains("Ольга Ивановна"), "a parent without a consent got a slip")
            }
            #expect(try server.snapshot().count == before.count + consentedParents.count)
            #expect(server.served.recorder.withState { $0.loginByPerson[parent] } == nil)
            let beforeStudents = try server.snapshot()

            // The students: one PDF with a slip for each who had no login.
            let students = try await server.submit("/class/logins", [("class", t.classID), ("audience", "students")], as: browser)
            Self.expectPDF(students, named: "логины-5А-")
            let text = try Self.text(ofPDF: students.body)
            #expect(text.components(separatedBy: "Временный пароль:").count - 1 == missing.count, "\(text)")
            let names = server.served.recorder.withState { state in missing.map { state.students[$0]!.name.full } }
            for name in names { #expect(text.contains("Приглашение для: \(name) (ученик)"), "\(name)") }
            #expect(try server.snapshot().count == beforeStudents.count + missing.count)

            // Again: nothing to issue, the page says so, nothing recorded.
            let head = try server.snapshot()
            let again = try await server.submit("/class/logins", [("class", t.classID), ("audience", "students")], as: browser)
            #expect(again.status == .seeOther && again.location == "/class?id=\(urlEncoded(t.classID))&saved=none", "\(again)")
            #expect(try server.snapshot() == head)
            let page = try await server.page(again.location!, as: browser)
            #expect(page.text.contains("Новых логинов нет"))
        }
    }
    @Test func aLoginByLetterGoesToTheOutboxWhenTheServerHasOne() async throws {
        let outbox = NSTemporaryDirectory() + "letopis-outbox-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outbox) }
        try await TestServer.run(signIn: [.classTeacher], configure: { $0.outbox = outbox }) { server in
            let t = server.template
            let coordinator = server.served.recorder.withState { $0.actor(t.personID(.coordinator), preferring: [.coordinator]) }
            let on = Template.monday
            _ = try await server.served.record([
                RegisterGuardian(name: PersonName(last: "Почтова", first: "Анна", middle: "Петровна"), email: "pochtova@example.ru",
                                 guardianID: "P9002", on: on),
                LinkGuardian(guardianID: "P9002", studentID: t.newcomer, relation: .mother, on: on),
                RecordConsent(personID: "P9002", documentRef: "ПДн-P9002", on: on),
            ], as: coordinator)
            let browser = server.visitor(.classTeacher)
            let page = try await server.page("/class", as: browser)
            #expect(page.text.contains(#"<input type="hidden" name="person" value="P9002">"#)
                && page.text.contains("Выдать логин письмом"), "\(page.text)")
            let before = try server.snapshot()
            let sent = try await server.submit("/class/login", [("class", t.classID), ("person", "P9002"), ("channel", "email")], as: browser)
            #expect(sent.status == .seeOther && sent.location == "/class?id=\(urlEncoded(t.classID))&saved=email", "\(sent)")
            #expect(try server.snapshot().count == before.count + 1)
            let login = try #require(server.served.recorder.withState { $0.loginByPerson["P9002"] })
            let letter = try String(contentsOfFile: outbox + "/\(login)-\(on.iso).eml", encoding: .utf8)
            #expect(letter.contains("To: pochtova@example.ru\r\n") && letter.contains("Subject: =?UTF-8?B?"), "\(letter)")
            #expect(letter.contains("Приглашение для: Почтова Анна Петровна") && letter.contains("Логин:             \(login)"))
            #expect(letter.contains("Временный пароль:  "))
            let shown = try await server.page(sent.location!, as: browser)
            #expect(shown.text.contains("письмо с временным паролем отправлено"))
        }
    }
}
