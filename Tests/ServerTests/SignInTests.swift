import Catalog
import EventLog
import Foundation
import HTTPTypes
import Records
import Testing
@testable import Server

/// Signing in with the logins the school issues: the slip's temporary password
/// and the forced change (the activation the log records, without a hash),
/// the same answer for a wrong password and an unknown login, the password
/// policy, an expired slip, a new session id each time, the cookie.
@Suite struct SignInTests {
    @Test func aSlipActivatesTheLoginAndTheLogShowsItWithoutAnyHash() async throws {
        try await TestServer.run(signIn: []) { server in
            // The auditor's login was issued for the tests: never used.
            let sample = server.template.sample(.auditor)
            let browser = server.visitor(.auditor)
            let head = try server.log.head()
            let first = try await server.signIn(browser, login: sample.login, password: sample.temporaryPassword)
            #expect(first.status == .ok && first.json["stage"] as? String == "change-password", "\(first)")
            #expect((first.json["csrfToken"] as? String)?.isEmpty == false)
            #expect(try server.log.head() == head, "a sign-in that is not finished records nothing")
            // Until the new password is set, nothing else opens.
            let early = try await server.get("/api/v1/day", as: browser)
            #expect(early.status == .forbidden && early.rule == "sign-in-unfinished", "\(early)")

            let changed = try await server.post("/api/v1/password", ["newPassword": sample.password], as: browser)
            #expect(changed.status == .created && changed.json["stage"] as? String == "signed-in", "\(changed)")
            let recorded = try server.events(after: head)
            #expect(recorded.map(\.type) == ["LoginActivated", "PasswordChanged", "SignedIn"], "\(recorded.map(\.type))")
            #expect(recorded.allSatisfy { $0.actor.userID == sample.personID })
            #expect((changed.json["sequences"] as? [Int])?.map(UInt64.init) == recorded.map(\.sequence))
            #expect(try await server.get("/api/v1/day", as: browser).status == .ok)

            // The slip's password is good once.
            let again = try await server.signIn(server.visitor(.anonymous).copy(), login: sample.login, password: sample.temporaryPassword)
            #expect(again.status == .unauthorized && again.rule == "sign-in-failed", "\(again)")

            // No hash, salt or derived key, old or new, nor the passwords themselves, in any stored event.
            let table = try #require(server.served.school.credentials)
            let stored = try #require(try table.password(of: sample.login, in: server.log))
            #expect(!stored.temporary && stored.hash.hasPrefix("pbkdf2-sha256$\(Template.rounds)$"))
            var secrets = [Data(sample.password.utf8), Data(sample.temporaryPassword.utf8), Data(stored.hash.utf8), Data("pbkdf2".utf8)]
            for part in stored.hash.split(separator: "$").dropFirst(2) {
                secrets.append(Data(part.utf8))
                secrets.append(try #require(Data(base64Encoded: String(part))))
            }
            let log = try server.snapshot()
            for secret in secrets {
                #expect(!log.contains { $0.range(of: secret) != nil }, "a stored event carries a credential")
            }
        }
    }

    @Test func aWrongPasswordAndAnUnknownLoginGetTheSameAnswerInAboutTheSameTime() async throws {
        try await TestServer.run(signIn: [.teacher], configure: { configuration in
            // Rounds enough for the hash to dominate an answer's time; no throttle in the way of the measurement.
            configuration.passwordRounds = 50_000
            configuration.throttle.freeFailuresPerLogin = 1_000
            configuration.throttle.freeFailuresPerAddress = 1_000
        }) { server in
            // The teacher's own password was hashed by this server, at its rounds.
            let login = server.template.login(.teacher)
            let stored = try #require(try server.served.school.credentials?.password(of: login, in: server.log))
            #expect(stored.hash.hasPrefix("pbkdf2-sha256$50000$"))
            var wrong: [Duration] = [], unknown: [Duration] = []
            var bodies: Set<Data> = []
            let clock = ContinuousClock()
            for attempt in 0..<7 {
                for (user, times) in [(login, 0), ("nobody.\(attempt)", 1)] {
                    let started = clock.now
                    let reply = try await server.signIn(server.visitor(.anonymous).copy(), login: user, password: "Неверный-пароль-\(attempt)")
                    let took = clock.now - started
                    #expect(reply.status == .unauthorized && reply.rule == "sign-in-failed", "\(reply)")
                    bodies.insert(reply.body)
                    if times == 0 { wrong.append(took) } else { unknown.append(took) }
                }
            }
            #expect(bodies.count == 1, "the answers differ: \(bodies.map { String(decoding: $0, as: UTF8.self) })")
            let (a, b) = (median(wrong), median(unknown))
            let ratio = a / b
            #expect(ratio > 1.0 / 3 && ratio < 3, "a wrong password takes \(a), an unknown login \(b)")
        }
    }

    @Test func thePasswordPolicyRefusesShortAndCommonPasswordsAsTheRulesSay() async throws {
        try await TestServer.run(signIn: [.parent]) { server in
            let sample = server.template.sample(.parent)
            let before = try server.snapshot()
            for bad in ["Ёж-12", "password1", "qwerty123", sample.login] {
                let reply = try await server.post("/api/v1/password", ["currentPassword": sample.password, "newPassword": bad],
                                                  as: server.visitor(.parent))
                var expected: RuleViolation?
                do { try PasswordPolicy.check(bad, login: sample.login) } catch let violation as RuleViolation { expected = violation } catch {}
                #expect(expected != nil, "\(bad) should break the policy")
                #expect(reply.status == .unprocessableContent && reply.rule == "password-policy", "\(bad): \(reply)")
                #expect(reply.message == expected?.description, "\(bad): \(reply)")
            }
            #expect(try server.snapshot() == before)
            // And a long phrase, without any rule of composition, is fine.
            let fine = try await server.post("/api/v1/password", ["currentPassword": sample.password,
                                                                  "newPassword": "в лесу родилась ёлочка"], as: server.visitor(.parent))
            #expect(fine.status == .created, "\(fine)")
        }
    }

    @Test func aTemporaryPasswordExpiresAfterThirtyDays() async throws {
        let template = try await Template.shared()
        let store = try template.copy()
        defer { store.remove() }
        // Forty days after the slips were printed, on the same store.
        try await TestServer.run(store: store, signIn: [], configure: { $0.today = Template.monday.adding(days: 40) }) { server in
            let sample = server.template.sample(.teacher)
            let before = try server.snapshot()
            let expired = try await server.signIn(server.visitor(.teacher), login: sample.login, password: sample.temporaryPassword)
            #expect(expired.status == .forbidden && expired.rule == "temporary-password-expired", "\(expired)")
            #expect(server.visitor(.teacher).cookie == nil, "no session for an expired slip")
            // A wrong password says nothing about the slip.
            let wrong = try await server.signIn(server.visitor(.anonymous).copy(), login: sample.login, password: "Неверный-пароль")
            #expect(wrong.status == .unauthorized && wrong.rule == "sign-in-failed")
            #expect(try server.snapshot() == before)
        }
        // Within the thirty days the same slip works.
        try await TestServer.run(store: store, signIn: [.teacher]) { _ in }
    }

    @Test func everySignInMakesANewSessionAndTheOldOneEnds() async throws {
        try await TestServer.run(signIn: [.student]) { server in
            let browser = server.visitor(.student)
            var ids: [String] = []
            for _ in 0..<3 {
                let old = browser.copy()
                let reply = try await server.signInAgain(.student)
                #expect(reply.status == .ok, "\(reply)")
                let id = try #require(browser.cookie)
                #expect(id != old.cookie)
                // 256 random bits, in base64.
                #expect(Data(base64Encoded: id)?.count == 32, "\(id)")
                ids.append(id)
                let stale = try await server.get("/api/v1/me", as: old)
                #expect(stale.status == .unauthorized, "the session the sign-in came with still works: \(stale)")
                #expect(try await server.get("/api/v1/me", as: browser).status == .ok)
            }
            #expect(Set(ids).count == 3)
        }
    }

    @Test(arguments: [false, true])
    func theSessionCookieIsHttpOnlyAndSameSiteAndOverTLSSecureAndHostBound(_ secure: Bool) async throws {
        try await TestServer.run(signIn: [.parent], configure: { $0.secure = secure }) { server in
            let line = try #require(server.visitor(.parent).setCookies.last)
            let attributes = Set(line.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(line.hasPrefix(secure ? "__Host-letopis=" : "letopis="), "\(line)")
            #expect(attributes.contains("httponly") && attributes.contains("samesite=lax") && attributes.contains("path=/"), "\(line)")
            #expect(attributes.contains("secure") == secure, "\(line)")
            #expect(!attributes.contains { $0.hasPrefix("domain=") }, "\(line)")
            let answer = try await server.get("/api/v1/me", as: server.visitor(.parent))
            #expect(answer.status == .ok)
            #expect((answer.headers[.strictTransportSecurity] != nil) == secure)
            #expect(answer.headers[.xContentTypeOptions] == "nosniff")
            let policy = answer.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("object-src 'none'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
        }
    }
}

func median(_ values: [Duration]) -> Double {
    let sorted = values.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }.sorted()
    return sorted[sorted.count / 2]
}
