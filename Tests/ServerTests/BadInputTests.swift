import Catalog
import EventLog
import Foundation
import HTTPTypes
@testable import Records
import Testing
@testable import Server

/// What a client may send wrong: unreadable bodies (400, in Russian), records
/// that do not exist (404), commands the rules refuse (422, or 403 for the role
/// rules, with exactly the message the command line prints), bodies too large
/// (413) — each leaving the log as it was, and nothing answered 500.
@Suite struct BadInputTests {
    @Test func aRefusalCarriesTheRulesOwnMessageAndRule() async throws {
        try await TestServer.run(signIn: [.teacher, .substitute, .coordinator]) { server in
            let t = server.template
            let teacher = Actor(userID: t.personID(.teacher), role: .teacher)
            let substitute = Actor(userID: t.personID(.substitute), role: .teacher)
            let coordinator = Actor(userID: t.personID(.coordinator), role: .coordinator)
            let lessonDate = CivilDate(iso: String(t.heldLesson.split(separator: "/")[1]))!
            let grade: (String, String, String) -> [String: any Sendable] = { lesson, student, value in
                ["lesson": lesson, "student": student, "value": value, "workType": t.workType]
            }
            let cases: [(Who, String, [String: any Sendable], [any Command], Actor)] = [
                (.teacher, "/api/v1/grades", grade(t.heldLesson, t.child, "7"),
                 [RecordGrade(lessonID: t.heldLesson, studentID: t.child, value: "7", workTypeID: t.workType)], teacher),
                (.teacher, "/api/v1/grades", grade(t.heldLesson, t.otherChild, "5"),
                 [RecordGrade(lessonID: t.heldLesson, studentID: t.otherChild, value: "5", workTypeID: t.workType)], teacher),
                (.teacher, "/api/v1/grades", grade(t.substituteLesson, t.child, "5"),
                 [RecordGrade(lessonID: t.substituteLesson, studentID: t.child, value: "5", workTypeID: t.workType)], teacher),
                (.teacher, "/api/v1/lesson/homework", ["lesson": t.heldLesson, "text": "§ 6", "dueOn": lessonDate.adding(days: -1).iso],
                 [AssignHomework(lessonID: t.heldLesson, text: "§ 6", dueOn: lessonDate.adding(days: -1))], teacher),
                (.teacher, "/api/v1/lesson/topic", ["lesson": t.heldLesson, "topic": "Другая тема"],
                 [RecordTopic(lessonID: t.heldLesson, topic: "Другая тема")], teacher),
                (.teacher, "/api/v1/lesson/attendance", ["lesson": t.heldLesson, "absences": [String: String]()],
                 [TakeAttendance(lessonID: t.heldLesson, marks: [:])], teacher),
                (.substitute, "/api/v1/lesson/attendance", ["lesson": t.substituteLesson, "absences": [t.child: "Х"]],
                 [TakeAttendance(lessonID: t.substituteLesson, marks: [t.child: "Х"])], substitute),
                (.teacher, "/api/v1/finals", ["student": t.child, "subject": t.subject, "period": t.period, "value": "отл"],
                 [SetFinalGrade(studentID: t.child, subjectID: t.subject, periodID: t.period, value: "отл")], teacher),
                (.coordinator, "/api/v1/logins", ["person": t.classmate],
                 [IssueLogin(personID: t.classmate, channel: .slip, passwordHash: "pbkdf2-sha256$1$AA==$AA==", on: Template.monday)],
                 coordinator),
                (.coordinator, "/api/v1/periods/\(t.period)/close", [:],
                 [ChangePeriodState(periodID: t.period, close: true, on: Template.monday)], coordinator),
                (.coordinator, "/api/v1/periods/2099-T9/close", [:],
                 [ChangePeriodState(periodID: "2099-T9", close: true, on: Template.monday)], coordinator),
                // A column of two marks in the substitute's lesson: refused whole, for the same reason each.
                (.teacher, "/api/v1/grades", ["batch": [grade(t.substituteLesson, t.child, "5"), grade(t.substituteLesson, t.classmate, "4")]],
                 [RecordGrade(lessonID: t.substituteLesson, studentID: t.child, value: "5", workTypeID: t.workType),
                  RecordGrade(lessonID: t.substituteLesson, studentID: t.classmate, value: "4", workTypeID: t.workType)], teacher),
            ]
            let before = try server.snapshot()
            for (who, path, body, commands, actor) in cases {
                let failures = try server.served.recorder.check(commands.map { Submission($0, as: actor) })
                try #require(failures.count == commands.count, "\(path): the rules accept \(commands)")
                let payload = body["batch"].map { TestServer.encode($0) } ?? TestServer.encode(body)
                let reply = try await server.send(.post, path, as: server.visitor(who), body: payload)
                let (message, rules) = commands.count == 1
                    ? (failures[0].violation.description, [failures[0].violation.rule])
                    : (BatchRejected(failures: failures).description, failures.map(\.violation.rule))
                let forbidden = rules.allSatisfy { [.roleRequired, .ownClassOnly, .notLessonTeacher].contains($0) }
                #expect(reply.status == (forbidden ? .forbidden : .unprocessableContent), "\(path): \(reply)")
                #expect(reply.rule == rules[0].rawValue, "\(path): \(reply)")
                #expect(reply.message == message, "\(path): the API says «\(reply.message ?? "")», the rules «\(message)»")
            }
            #expect(try server.snapshot() == before, "a refused command recorded something")
        }
    }

    @Test func recordsThatDoNotExistAre404AllAlike() async throws {
        try await TestServer.run(signIn: [.teacher, .parent, .coordinator]) { server in
            let before = try server.snapshot()
            let asks: [(Who, HTTPRequest.Method, String, [String: any Sendable]?)] = [
                (.teacher, .get, "/api/v1/lesson?id=\(esc(server.template.classID))/2024-09-23/9", nil),
                (.teacher, .get, "/api/v1/lesson?id=nonsense", nil),
                (.teacher, .post, "/api/v1/lesson/topic", ["lesson": "\(server.template.classID)/2024-09-23/9", "topic": "Тема"]),
                (.teacher, .post, "/api/v1/grades/M999999/correction", ["value": "4", "reason": "ошибка"]),
                (.teacher, .get, "/api/v1/journal?unit=2099-9Я&subject=\(server.template.subject)", nil),
                (.parent, .get, "/api/v1/students/S9999/diary", nil),
                (.parent, .get, "/api/v1/students/S9999/finals", nil),
                (.parent, .delete, "/api/v1/sessions/ffffffffffffffff", nil),
                (.coordinator, .get, "/api/v1/classes/\(esc("2099-9Я"))/people", nil),
                (.coordinator, .post, "/api/v1/logins/nobody.xx/block", ["reason": "проверка"]),
                (.coordinator, .post, "/api/v1/logins", ["person": "S9999"]),
                (.coordinator, .get, "/api/v1/no-such-route", nil),
                (.anonymous, .get, "/no/such/page", nil),
            ]
            var bodies: Set<Data> = []
            for (who, method, path, body) in asks {
                let reply = try await server.send(method, path, as: server.visitor(who), body: body.map { TestServer.encode($0) })
                #expect(reply.status == .notFound && reply.rule == "not-found", "\(method) \(path): \(reply)")
                bodies.insert(reply.body)
            }
            #expect(bodies.count == 1, "404s differ: \(bodies.map { String(decoding: $0, as: UTF8.self) })")
            #expect(try server.snapshot() == before)
        }
    }

    @Test func unreadableBodiesAre400InRussianAndNothingIsEver500() async throws {
        try await TestServer.run(signIn: [.teacher, .parent, .administration]) { server in
            let t = server.template
            let lesson: [String: any Sendable] = ["unit": t.classID, "date": Template.monday.iso, "slot": t.mondaySlot,
                                                  "subject": t.subject, "topic": "Тема"]
            func with(_ key: String, _ value: any Sendable) -> Data {
                var copy = lesson
                copy[key] = value
                return TestServer.encode(copy)
            }
            let raw: [(Who, HTTPRequest.Method, String, Data?, Int)] = [
                (.teacher, .post, "/api/v1/grades", Data("{not json".utf8), 400),
                (.teacher, .post, "/api/v1/grades", Data("[]".utf8), 400),
                (.teacher, .post, "/api/v1/grades", Data("null".utf8), 400),
                (.teacher, .post, "/api/v1/lesson/topic", Data(#"{"lesson": 5, "topic": "x"}"#.utf8), 400),
                (.teacher, .post, "/api/v1/lesson/topic", Data(#"{"topic": "x"}"#.utf8), 400),
                (.teacher, .post, "/api/v1/lesson/topic", Data(#"{"lesson": null, "topic": "x"}"#.utf8), 400),
                (.teacher, .post, "/api/v1/lesson/topic", nil, 400),
                (.teacher, .post, "/api/v1/lessons", with("slot", "первый"), 400),
                (.teacher, .post, "/api/v1/lessons", with("slot", 1e30), 400),
                (.teacher, .post, "/api/v1/lessons", with("date", "2024-02-30"), 400),
                (.teacher, .post, "/api/v1/lessons", with("date", "вчера"), 400),
                (.teacher, .post, "/api/v1/lessons", with("slot", -3), 422),
                (.teacher, .post, "/api/v1/lessons", with("date", "1900-01-01"), 422),
                (.teacher, .post, "/api/v1/lesson/attendance", Data(#"{"lesson": "x", "absences": ["S0001"]}"#.utf8), 400),
                (.teacher, .get, "/api/v1/day?date=2024-99-99", nil, 400),
                (.teacher, .get, "/api/v1/journal", nil, 400),
                (.teacher, .get, "/api/v1/journal?unit=\(esc(t.classID))&subject=\(t.subject)&period=%FF%FE", nil, 404),
                (.parent, .get, "/api/v1/students/\(t.child)/diary?week=abc", nil, 400),
                (.parent, .get, "/api/v1/students/..%2F..%2Fetc/diary", nil, 404),
                (.parent, .post, "/api/v1/students/\(t.child)/diary/acknowledgement", Data(#"{"week": 20240916}"#.utf8), 400),
                (.administration, .post, "/api/v1/second-factor/policy", Data(#"{"roles": ["wizard"]}"#.utf8), 400),
                (.administration, .post, "/api/v1/second-factor/policy", Data(#"{"roles": "teacher"}"#.utf8), 400),
                (.administration, .post, "/api/v1/second-factor/policy", Data(#"{"roles": ["parent"]}"#.utf8), 422),
                (.anonymous, .post, "/api/v1/sign-in", Data("[]".utf8), 400),
                (.anonymous, .post, "/api/v1/sign-in", Data(#"{"login": 1, "password": 2}"#.utf8), 400),
                (.anonymous, .post, "/api/v1/sign-in",
                 TestServer.encode(["login": String(repeating: "я", count: 50_000), "password": String(repeating: "п", count: 50_000)]), 401),
                (.teacher, .put, "/api/v1/grades", Data("{}".utf8), 404),
            ]
            let before = try server.snapshot()
            for (who, method, path, body, status) in raw {
                let reply = try await server.send(method, path, as: server.visitor(who), body: body)
                #expect(reply.status.code == status, "\(method) \(path) \(String(decoding: body ?? Data(), as: UTF8.self).prefix(80)): \(reply)")
                if status == 400 {
                    #expect(reply.rule == "invalid-input" && reply.message?.contains(where: { ("а"..."я").contains($0) }) == true,
                            "not said in Russian: \(reply)")
                }
            }
            #expect(try server.snapshot() == before, "an unreadable request recorded something")
            // Tomorrow's lesson (the server's today is the template's Monday): refused by the rule, as on the command line.
            let ahead = try await server.post("/api/v1/lessons", ["unit": t.classID, "date": Template.monday.adding(days: 1).iso,
                                                                  "slot": t.mondaySlot, "subject": t.subject, "topic": "Тема"],
                                              as: server.visitor(.teacher))
            #expect(ahead.status == .unprocessableContent && ahead.rule == "in-the-future", "\(ahead)")
            #expect(try server.snapshot() == before)
            // In a batch, the element and the field at fault are named.
            let batch = TestServer.encode([["lesson": t.mondayLesson, "student": t.child, "value": "5", "workType": "answer"],
                                           ["lesson": t.mondayLesson, "student": t.child, "value": 5, "workType": "answer"]])
            let element = try await server.send(.post, "/api/v1/grades", as: server.visitor(.teacher), body: batch)
            #expect(element.status == .badRequest && element.message?.contains("«1.value»") == true, "\(element)")

            // A topic within the request's limit but beyond what one event holds: the client's to shorten, and nothing recorded.
            let huge = try await server.send(.post, "/api/v1/lesson/topic", as: server.visitor(.teacher),
                                             body: TestServer.encode(["lesson": t.mondayLesson, "topic": String(repeating: "Тема ", count: 20_000)]))
            #expect(huge.status == .contentTooLarge && huge.rule == "too-large", "\(huge)")
            #expect(try server.snapshot() == before)
            // The rules' state took nothing of it: the lesson is entered as if it never happened.
            let fine = try await server.post("/api/v1/lesson/topic", ["lesson": t.mondayLesson, "topic": "Тема"], as: server.visitor(.teacher))
            #expect(fine.status == .created, "\(fine)")
            let entered = try await server.get("/api/v1/lesson?id=\(esc(t.mondayLesson))", as: server.visitor(.teacher))
            #expect(entered.json["topic"] as? String == "Тема" && entered.json["held"] as? Bool == true, "\(entered)")
        }
    }

    @Test func aBodyTooLargeIs413AndRecordsNothing() async throws {
        try await TestServer.run(signIn: [.teacher]) { server in
            let big = Data(("{\"lesson\": \"" + String(repeating: "x", count: 300_000) + "\", \"topic\": \"x\"}").utf8)
            let before = try server.snapshot()
            for path in ["/api/v1/lesson/topic", "/api/v1/grades", "/api/v1/sign-in"] {
                let reply = try await server.send(.post, path, as: server.visitor(.teacher), body: big)
                #expect(reply.status == .contentTooLarge && reply.rule == "too-large", "\(path): \(reply)")
            }
            #expect(try server.snapshot() == before)
        }
    }
}
