import EventLog
import Foundation
import Hummingbird
import ProgramRunner
import Synchronization
import Testing

/// Sessions end on the server: at sign-out, when the person ends one of their
/// own, when the login is blocked (through the API or by the command line
/// beside the server) or the consent withdrawn, after the idle and the
/// absolute timeouts.
@Suite struct SessionTests {
    @Test func signingOutEndsTheSessionOnTheServer() async throws {
        try await TestServer.run(signIn: [.parent]) { server in
            let browser = server.visitor(.parent)
            let stolen = browser.copy()
            let out = try await server.send(.post, "/api/v1/sign-out", as: browser)
            #expect(out.status == .noContent, "\(out)")
            #expect(browser.cookie == nil, "the browser was not told to drop the cookie")
            let replay = try await server.get("/api/v1/me", as: stolen)
            #expect(replay.status == .unauthorized && replay.rule == "sign-in-required", "\(replay)")
        }
    }

    @Test func aPersonListsTheirSessionsAndEndsOne() async throws {
        try await TestServer.run(signIn: [.parent, .otherParent]) { server in
            let phone = server.visitor(.parent)
            let laptop = Visitor(.parent, sample: server.template.sample(.parent))
            #expect(try await server.signInAgain(.parent, as: laptop).status == .ok)
            let list = try await server.get("/api/v1/sessions", as: phone)
            let sessions = try #require(list.json["sessions"] as? [[String: Any]])
            #expect(sessions.count == 2, "\(list)")
            #expect(sessions.filter { $0["current"] as? Bool == true }.count == 1)
            // The handle is not the session id.
            let handles = sessions.compactMap { $0["handle"] as? String }
            #expect(!handles.contains(phone.cookie ?? "") && !handles.contains(laptop.cookie ?? ""))
            let other = try #require(sessions.first { $0["current"] as? Bool == false }?["handle"] as? String)
            // Someone else cannot end it: the same 404 as a session that does not exist.
            let foreign = try await server.send(.delete, "/api/v1/sessions/\(other)", as: server.visitor(.otherParent))
            let none = try await server.send(.delete, "/api/v1/sessions/0123456789abcdef", as: server.visitor(.otherParent))
            #expect(foreign.status == .notFound && foreign.body == none.body, "\(foreign)")
            #expect(try await server.get("/api/v1/me", as: laptop).status == .ok)

            let ended = try await server.send(.delete, "/api/v1/sessions/\(other)", as: phone)
            #expect(ended.status == .noContent, "\(ended)")
            #expect(try await server.get("/api/v1/me", as: laptop).status == .unauthorized)
            #expect(try await server.get("/api/v1/me", as: phone).status == .ok)
            let after = try await server.get("/api/v1/sessions", as: phone)
            #expect((after.json["sessions"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func aLoginBlockedThroughTheAPIIsOutAtOnceAndCannotSignIn() async throws {
        try await TestServer.run(signIn: [.coordinator, .parent]) { server in
            let login = server.template.login(.parent)
            #expect(try await server.get("/api/v1/children", as: server.visitor(.parent)).status == .ok)
            let blocked = try await server.post("/api/v1/logins/\(login)/block", ["reason": "заявление родителя"],
                                                as: server.visitor(.coordinator))
            #expect(blocked.status == .created, "\(blocked)")
            let next = try await server.get("/api/v1/children", as: server.visitor(.parent))
            #expect(next.status == .unauthorized, "\(next)")
            // The right password no longer signs in, and nothing is recorded for trying.
            let before = try server.snapshot()
            let again = try await server.signIn(Visitor(.parent, sample: nil), login: login, password: server.template.sample(.parent).password)
            #expect(again.status == .unprocessableContent && again.rule == "login-state", "\(again)")
            #expect(try server.snapshot() == before)
        }
    }

    /// The command line records beside the running server (another process
    /// writing the same log); the server holds to it at the session's next request.
    @Test func aLoginBlockedOrAConsentWithdrawnByTheCommandLineEndsTheSessions() async throws {
        try await TestServer.run(signIn: [.student, .parent, .teacher]) { server in
            let store = server.store.path
            let student = server.template.sample(.student)
            #expect(try await server.get("/api/v1/students/\(student.personID)/diary", as: server.visitor(.parent)).status == .ok)
            let block = try ProgramRunner.run(ProgramRunner.letopis, ["login", "block", student.login, "--reason", "утерян телефон",
                                                                      "--as", server.template.personID(.coordinator), "--store", store],
                                              environment: ["LETOPIS_STORE": nil, "LETOPIS_USER": nil])
            #expect(block.status == 0, "\(block.err)")
            let next = try await server.get("/api/v1/me", as: server.visitor(.student))
            #expect(next.status == .unauthorized, "\(next)")

            // The parent's consent withdrawn: the parent is out, and the blocks are in the log.
            let parent = server.template.sample(.parent)
            let withdraw = try ProgramRunner.run(ProgramRunner.letopis, ["consent", "withdraw", "--person", parent.personID,
                                                                         "--document", "ПДн-отзыв-1", "--reason", "заявление родителя",
                                                                         "--as", server.template.personID(.coordinator), "--store", store],
                                                 environment: ["LETOPIS_STORE": nil, "LETOPIS_USER": nil])
            #expect(withdraw.status == 0, "\(withdraw.err)")
            let out = try await server.get("/api/v1/children", as: server.visitor(.parent))
            #expect(out.status == .unauthorized, "\(out)")
            let login = try await server.signIn(Visitor(.parent, sample: nil), login: parent.login, password: parent.password)
            #expect(login.status == .unprocessableContent, "\(login)")
            // Someone else's session is untouched.
            #expect(try await server.get("/api/v1/me", as: server.visitor(.teacher)).status == .ok)
        }
    }

    @Test func aSessionEndsAfterTheIdleTimeoutAndUseKeepsItOpen() async throws {
        // The server's session time is moved by hand: the test does not depend on the machine's speed.
        let time = ManualTime()
        try await TestServer.run(signIn: [.parent], configure: { $0.realTime = time.now }) { server in
            let browser = server.visitor(.parent)
            // In use every 20 minutes for 2 hours (four times the 30-minute idle timeout): still open.
            for step in 1...6 {
                time.advance(minutes: 20)
                let reply = try await server.get("/api/v1/children", as: browser)
                #expect(reply.status == .ok, "in use \(step * 20) minutes after signing in: \(reply)")
            }
            // Then left alone for 29 minutes: open; for 31 more: ended on the server.
            time.advance(minutes: 29)
            #expect(try await server.get("/api/v1/children", as: browser).status == .ok)
            time.advance(minutes: 31)
            let idle = try await server.get("/api/v1/children", as: browser)
            #expect(idle.status == .unauthorized, "\(idle)")
            time.advance(minutes: -60)
            #expect(try await server.get("/api/v1/children", as: browser).status == .unauthorized, "an ended session stays ended")
        }
    }

    @Test func aSessionEndsAfterTheAbsoluteTimeoutHoweverBusy() async throws {
        let time = ManualTime()
        try await TestServer.run(signIn: [.parent], configure: { $0.realTime = time.now }) { server in
            let browser = server.visitor(.parent)
            // Busy every 10 minutes: open until 12 hours after the sign-in, ended right after.
            for _ in 1...71 {
                time.advance(minutes: 10)
                let reply = try await server.get("/api/v1/children", as: browser)
                #expect(reply.status == .ok, "\(reply)")
                if reply.status != .ok { return }
            }
            time.advance(minutes: 9)
            #expect(try await server.get("/api/v1/children", as: browser).status == .ok, "11 h 59 min after the sign-in")
            time.advance(minutes: 2)
            let late = try await server.get("/api/v1/children", as: browser)
            #expect(late.status == .unauthorized, "12 h 1 min after the sign-in: \(late)")
        }
    }
}

/// A clock moved by hand, for the server's session time.
final class ManualTime: Sendable {
    private let current = Mutex(Date())

    var now: @Sendable () -> Date { { self.current.withLock { $0 } } }

    func advance(minutes: Int) { advance(seconds: Double(minutes) * 60) }

    func advance(seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
