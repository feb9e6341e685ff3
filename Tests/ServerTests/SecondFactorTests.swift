import Catalog
import EventLog
import Foundation
import Records
import Testing
@testable import Server

/// A second factor (an authenticator app, TOTP) for staff: enrolment, the
/// sign-in that asks for it, codes good once, recovery codes good once, the
/// school's policy that makes it required; the secret never reaches the log.
@Suite struct SecondFactorTests {
    @Test func aTeacherEnrolsAndThenSignsInWithCodesAndRecoveryCodesEachGoodOnce() async throws {
        try await TestServer.run(signIn: [.teacher]) { server in
            let teacher = server.visitor(.teacher), sample = server.template.sample(.teacher)
            let head = try server.log.head()
            let started = try await server.send(.post, "/api/v1/second-factor/enrolment", as: teacher)
            #expect(started.status == .ok, "\(started)")
            let base32 = try #require(started.json["secret"] as? String)
            let url = try #require(started.json["otpauthURL"] as? String)
            #expect(url.hasPrefix("otpauth://totp/") && url.contains("secret=\(base32)"), "\(url)")
            let app = Authenticator(base32: base32)
            #expect(app.secret.utf8.count >= 20, "a key of \(app.secret.utf8.count) bytes")
            let wrong = try await server.post("/api/v1/second-factor/enrolment/confirmation", ["code": app.code(at: Date() - 600)], as: teacher)
            #expect(wrong.status == .unprocessableContent && wrong.rule == "second-factor-failed", "\(wrong)")
            #expect(try server.log.head() == head)
            let confirming = app.code()
            let confirmed = try await server.post("/api/v1/second-factor/enrolment/confirmation", ["code": confirming], as: teacher)
            #expect(confirmed.status == .created, "\(confirmed)")
            let recovery = try #require(confirmed.json["recoveryCodes"] as? [String])
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            #expect(try server.events(after: head).map(\.type) == ["SecondFactorEnrolled"])

            // Signing in now asks for a code; until then nothing else opens.
            func signIn() async throws -> Visitor {
                let browser = Visitor(.teacher, sample: sample)
                let first = try await server.signIn(browser, login: sample.login, password: sample.password)
                #expect(first.status == .ok && first.json["stage"] as? String == "second-factor", "\(first)")
                let early = try await server.get("/api/v1/day", as: browser)
                #expect(early.status == .forbidden && early.rule == "sign-in-unfinished", "\(early)")
                return browser
            }
            let phone = try await signIn()
            let before = try server.snapshot()
            let bad = try await server.post("/api/v1/sign-in/second-factor", ["code": app.code(at: Date() - 600)], as: phone)
            #expect(bad.status == .unauthorized && bad.rule == "second-factor-failed", "\(bad)")
            // The code that confirmed the enrolment is spent; the app's next one (a clock a little ahead) is not.
            let spent = try await server.post("/api/v1/sign-in/second-factor", ["code": confirming], as: phone)
            #expect(spent.status == .unauthorized, "the confirming code worked again: \(spent)")
            #expect(try server.snapshot() == before)
            let next = app.code(at: Date() + 30)
            let good = try await server.post("/api/v1/sign-in/second-factor", ["code": next], as: phone)
            #expect(good.status == .ok && good.json["stage"] as? String == "signed-in", "\(good)")
            #expect(try await server.get("/api/v1/day", as: phone).status == .ok)
            #expect(try server.events(after: UInt64(before.count)).map(\.type) == ["SignedIn"])

            // The same code again, in another browser: refused.
            let tablet = try await signIn()
            let replay = try await server.post("/api/v1/sign-in/second-factor", ["code": next], as: tablet)
            #expect(replay.status == .unauthorized, "a code worked twice: \(replay)")
            // A recovery code, once.
            let rescued = try await server.post("/api/v1/sign-in/second-factor", ["recoveryCode": recovery[3].lowercased()], as: tablet)
            #expect(rescued.status == .ok, "\(rescued)")
            let laptop = try await signIn()
            let reused = try await server.post("/api/v1/sign-in/second-factor", ["recoveryCode": recovery[3]], as: laptop)
            #expect(reused.status == .unauthorized, "a recovery code worked twice: \(reused)")
            #expect(try await server.post("/api/v1/sign-in/second-factor", ["recoveryCode": recovery[4]], as: laptop).status == .ok)

            // Neither the key nor the recovery codes (nor their hashes) are in the log.
            let factor = try #require(try server.served.school.credentials?.secondFactor(of: sample.login, in: server.log))
            #expect(factor.secret == app.secret)
            var secrets = [app.secret, base32] + recovery + factor.recoveryCodeHashes
            secrets += recovery.map { $0.replacingOccurrences(of: "-", with: "") }
            let log = try server.snapshot()
            for secret in secrets.map({ Data($0.utf8) }) {
                #expect(!log.contains { $0.range(of: secret) != nil }, "the log carries a second-factor secret")
            }
        }
    }

    @Test func theRightPasswordDoesNotForgiveWrongCodes() async throws {
        let time = ManualTime()
        try await TestServer.run(signIn: [.teacher], configure: { $0.realTime = time.now }) { server in
            let teacher = server.visitor(.teacher), sample = server.template.sample(.teacher)
            let started = try await server.send(.post, "/api/v1/second-factor/enrolment", as: teacher)
            let app = Authenticator(base32: try #require(started.json["secret"] as? String))
            let confirmed = try await server.post("/api/v1/second-factor/enrolment/confirmation", ["code": app.code()], as: teacher)
            #expect(confirmed.status == .created, "\(confirmed)")
            // Whoever has the password guesses codes, signing in afresh before each guess.
            for guess in 1...5 {
                let browser = Visitor(.teacher, sample: sample)
                let first = try await server.signIn(browser, login: sample.login, password: sample.password)
                #expect(first.status == .ok && first.json["stage"] as? String == "second-factor", "guess \(guess): \(first)")
                let wrong = try await server.post("/api/v1/sign-in/second-factor", ["code": app.code(at: Date() - 600)], as: browser)
                #expect(wrong.status == .unauthorized, "guess \(guess): \(wrong)")
            }
            let held = try await server.signIn(Visitor(.teacher, sample: sample), login: sample.login, password: sample.password)
            #expect(held.status == .tooManyRequests && held.rule == "sign-in-throttled", "\(held)")
        }
    }

    @Test func theSchoolsPolicyMakesStaffInThoseRolesEnrolBeforeTheyAreIn() async throws {
        try await TestServer.run(signIn: [.administration]) { server in
            let policy = try await server.post("/api/v1/second-factor/policy", ["roles": ["teacher"]], as: server.visitor(.administration))
            #expect(policy.status == .created, "\(policy)")

            // A teacher's first sign-in: the slip, the new password, then the authenticator.
            let sample = server.template.sample(.otherTeacher)
            let browser = server.visitor(.otherTeacher)
            let first = try await server.signIn(browser, login: sample.login, password: sample.temporaryPassword)
            #expect(first.json["stage"] as? String == "change-password", "\(first)")
            let changed = try await server.post("/api/v1/password", ["newPassword": sample.password], as: browser)
            #expect(changed.status == .created && changed.json["stage"] as? String == "enrol-second-factor", "\(changed)")
            let head = try server.log.head()
            let blocked = try await server.get("/api/v1/day", as: browser)
            #expect(blocked.status == .forbidden && blocked.rule == "sign-in-unfinished", "\(blocked)")
            let me = try await server.get("/api/v1/me", as: browser)
            #expect(me.json["secondFactorRequired"] as? Bool == true && me.json["stage"] as? String == "enrol-second-factor", "\(me)")
            try await server.enrolSecondFactor(.otherTeacher)
            #expect(try server.events(after: head).map(\.type) == ["SecondFactorEnrolled", "SignedIn"])
            #expect(try await server.get("/api/v1/day", as: browser).status == .ok)

            // A parent is not asked for one; nor is the administration, which the policy does not name.
            try await server.activate(.parent)
            #expect(try await server.get("/api/v1/children", as: server.visitor(.parent)).status == .ok)
            let director = try await server.signInAgain(.administration)
            #expect(director.json["stage"] as? String == "signed-in", "\(director)")
            // And a parent cannot enrol one.
            let parentTry = try await server.send(.post, "/api/v1/second-factor/enrolment", as: server.visitor(.parent))
            #expect(parentTry.status == .forbidden && parentTry.rule == "role-required", "\(parentTry)")
        }
    }
}
