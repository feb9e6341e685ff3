import Foundation
import HTTPTypes
import Testing

/// Failed sign-ins slow down what comes next — per login (known or not, the
/// same) and per address — by delays, never by a lock that a stranger could
/// set off for someone else.
@Suite struct ThrottleTests {
    static let forwarded = HTTPField.Name("X-Forwarded-For")!

    @Test func afterFiveFailuresALoginWaitsEvenWithTheRightPasswordThenWorksAndStartsAfresh() async throws {
        // Time moved by hand: the delays are exact, whatever the machine's load.
        let time = ManualTime()
        try await TestServer.run(signIn: [.teacher], configure: { $0.realTime = time.now }) { server in
            let sample = server.template.sample(.teacher)
            for attempt in 1...5 {
                let wrong = try await server.signIn(Visitor(.teacher, sample: nil), login: sample.login, password: "Неверный-\(attempt)")
                #expect(wrong.status == .unauthorized, "attempt \(attempt): \(wrong)")
            }
            let before = try server.snapshot()
            let held = try await server.signIn(Visitor(.teacher, sample: nil), login: sample.login, password: sample.password)
            #expect(held.status == .tooManyRequests && held.rule == "sign-in-throttled", "\(held)")
            let wait = try #require(held.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait == 1, "Retry-After: \(wait)")
            #expect(try server.snapshot() == before, "a throttled attempt recorded something")
            time.advance(seconds: 0.5)
            let still = try await server.signIn(Visitor(.teacher, sample: nil), login: sample.login, password: sample.password)
            #expect(still.status == .tooManyRequests, "half a second later: \(still)")

            time.advance(seconds: 0.6)
            let through = try await server.signIn(Visitor(.teacher, sample: nil), login: sample.login, password: sample.password)
            #expect(through.status == .ok, "\(through)")
            // The right password cleared the login's failures: the next mistake is not held up.
            let mistake = try await server.signIn(Visitor(.teacher, sample: nil), login: sample.login, password: "Неверный-6")
            #expect(mistake.status == .unauthorized, "\(mistake)")
        }
    }

    @Test func anUnknownLoginIsThrottledExactlyLikeAKnownOne() async throws {
        let time = ManualTime()
        try await TestServer.run(signIn: [], configure: { $0.realTime = time.now }) { server in
            var answers: [[Data]] = []
            var waits: [String?] = []
            for login in [server.template.login(.parent), "ivanov.ii77"] {
                var bodies: [Data] = []
                for attempt in 1...6 {
                    let reply = try await server.signIn(Visitor(.parent, sample: nil), login: login, password: "Неверный-\(attempt)")
                    #expect(reply.status == (attempt <= 5 ? .unauthorized : .tooManyRequests), "\(login) #\(attempt): \(reply)")
                    bodies.append(reply.body)
                    if attempt == 6 { waits.append(reply.headers[.retryAfter]) }
                }
                answers.append(bodies)
            }
            #expect(answers[0] == answers[1], "a known and an unknown login are answered differently")
            #expect(waits[0] == waits[1] && waits[0] != nil)
        }
    }

    @Test func oneAddressGuessingManyLoginsWaitsAndNoOneElseDoes() async throws {
        // Time stands still: on a loaded machine the twenty guesses may take longer than the wait they earn.
        let time = ManualTime()
        try await TestServer.run(signIn: [], configure: { $0.behindProxy = true; $0.realTime = time.now }) { server in
            let guesser: HTTPFields = [Self.forwarded: "203.0.113.7"]
            let teacher = server.template.sample(.teacher), parent = server.template.sample(.parent)
            // One failure each on twenty logins (known and made up): no login reaches its own delay.
            let logins = Who.people.map { server.template.login($0) } + (1...10).map { "guess\($0).xx" }
            for login in logins {
                let reply = try await server.signIn(Visitor(.anonymous, sample: nil), login: login, password: "Лето2024", headers: guesser)
                #expect(reply.status == .unauthorized, "\(login): \(reply)")
            }
            // The address now waits, whatever it tries — even a right password.
            let held = try await server.signIn(Visitor(.teacher, sample: nil), login: teacher.login, password: teacher.temporaryPassword,
                                               headers: guesser)
            #expect(held.status == .tooManyRequests && held.headers[.retryAfter] != nil, "\(held)")
            // Everyone else signs in from their own address at once, the teacher too.
            let family: HTTPFields = [Self.forwarded: "198.51.100.9"]
            let other = try await server.signIn(Visitor(.parent, sample: nil), login: parent.login, password: parent.temporaryPassword,
                                                headers: family)
            #expect(other.status == .ok && other.json["stage"] as? String == "change-password", "\(other)")
            let school: HTTPFields = [Self.forwarded: "192.0.2.44, 10.0.0.1"]
            let own = try await server.signIn(Visitor(.teacher, sample: nil), login: teacher.login, password: teacher.temporaryPassword,
                                              headers: school)
            #expect(own.status == .ok, "\(own)")
        }
    }
}
