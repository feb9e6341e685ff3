import Foundation
import HTTPTypes
import Testing

/// Cross-site request forgery: a state change must come from the journal's own
/// origin (or one allowed) and carry the session's anti-forgery token; else 403
/// `forgery`, and nothing is recorded.
@Suite struct ForgeryTests {
    @Test func aChangeWithoutTheOriginOrTheTokenIsRefusedAndWithBothAccepted() async throws {
        try await TestServer.run(signIn: [.parent, .teacher]) { server in
            let parent = server.visitor(.parent)
            let child = server.template.child
            let path = "/api/v1/students/\(child)/diary/acknowledgement"
            let body = TestServer.encode(["week": Template.monday.iso])
            let token = try #require(parent.csrfToken)
            let attempts: [(String, String??, String??, HTTPFields)] = [
                ("no Origin", .some(nil), .some(token), [:]),
                ("a foreign Origin", .some("https://evil.example"), .some(token), [:]),
                ("a foreign Referer and no Origin", .some(nil), .some(token), [.referer: "https://evil.example/journal"]),
                ("the origin's look-alike", .some("https://journal.test.evil.example"), .some(token), [:]),
                ("no token", .some(Template.origin), .some(nil), [:]),
                ("a wrong token", .some(Template.origin), .some(String(token.reversed())), [:]),
                ("another session's token", .some(Template.origin), .some(server.visitor(.teacher).csrfToken), [:]),
            ]
            let before = try server.snapshot()
            for (what, origin, sent, headers) in attempts {
                let reply = try await server.send(.post, path, as: parent, body: body, origin: origin, token: sent, headers: headers)
                #expect(reply.status == .forbidden && reply.rule == "forgery", "\(what): \(reply)")
                #expect(reply.message?.contains("Запрос отклонён") == true)
            }
            // Ending a session and signing out are changes too.
            let handle = try await server.get("/api/v1/sessions", as: parent)
            let current = (handle.json["sessions"] as? [[String: Any]])?.first?["handle"] as? String ?? ""
            #expect(try await server.send(.delete, "/api/v1/sessions/\(current)", as: parent, token: .some(nil)).rule == "forgery")
            #expect(try await server.send(.post, "/api/v1/sign-out", as: parent, origin: .some(nil)).rule == "forgery")
            // Signing in without a session: the origin still counts.
            let signIn = try await server.send(.post, "/api/v1/sign-in", body: TestServer.encode(["login": "x", "password": "y"]),
                                               origin: .some("https://evil.example"))
            #expect(signIn.status == .forbidden && signIn.rule == "forgery", "\(signIn)")
            #expect(try server.snapshot() == before, "a refused change recorded something")
            #expect(try await server.get("/api/v1/me", as: parent).status == .ok, "a refusal ended the session")

            // With both, from the allowed origin, and from the server's own (its Referer will do).
            let accepted = try await server.send(.post, path, as: parent, body: body)
            #expect(accepted.status == .created, "\(accepted)")
            let week = TestServer.encode(["week": Template.monday.adding(days: 7).iso])
            let own = try await server.send(.post, path, as: parent, body: week, origin: .some(nil),
                                            headers: [.referer: "http://localhost/diary"])
            #expect(own.status == .created, "\(own)")
        }
    }
}
