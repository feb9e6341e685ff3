import Catalog
import Crypto
import EventLog
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdOTP
import Records
import SchoolService

/// Signing in with the logins the school issues: the slip's temporary password
/// and the forced change at the first sign-in (which records the activation),
/// a second factor for staff, signing out, and a person's own sessions.
///
/// A wrong password and an unknown login get the same status, body and about
/// the same time (the check runs against a decoy hash); both count against the
/// throttle by what was typed.
struct SignInController {
    let campus: Campus
    let sessions: SessionStore
    let throttle: SignInThrottle
    let passwords: PasswordWork
    let telemetry: Telemetry
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/sign-in", use: signIn)
        router.group("/api/v1", context: SigningInContext.self)
            .post("/sign-in/second-factor", use: secondFactor)
            .post("/password", use: changePassword)
            .post("/sign-out", use: signOut)
            .get("/me", use: me)
            .post("/second-factor/enrolment", use: startEnrolment)
            .post("/second-factor/enrolment/confirmation", use: confirmEnrolment)
        router.group("/api/v1", context: SignedInContext.self)
            .get("/sessions", use: listSessions)
            .delete("/sessions/{handle}", use: endSession)
            .post("/second-factor/removal", use: removeOwnSecondFactor)
    }

    // MARK: Signing in

    struct SignInRequest: Decodable {
        var school: String?
        var login: String
        var password: String
    }

    func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decodeBody(SignInRequest.self, request, context)
        let done = try await signInWithPassword(school: body.school, login: body.login, password: body.password, request: request, context: context)
        return try json(SignInAnswer(stage: done.session.stage.rawValue, csrfToken: done.session.csrfToken, person: done.person))
    }

    /// What a sign-in with a password (or a second factor) led to: the session, at
    /// the stage it reached, and who signed in.
    struct SignedIn {
        var session: SignedInSession
        var person: PersonDescription
    }

    /// Signing in with a password, for the API and the sign-in page alike: the
    /// throttle, the decoy check of an unknown login, the rules' say on the login,
    /// `SignedIn` recorded when nothing else is asked, a new session.
    func signInWithPassword(school named: String?, login typed: String, password: String, request: Request,
                context: AppRequestContext) async throws -> SignedIn {
        let login = typed.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let address = clientAddress(request, context, behindProxy: configuration.behindProxy)
        let school = campus.school(named)
        // Counted by the school it resolves to: naming it or not is the same login.
        let throttleKey = Self.throttleKey(school: school?.id ?? named ?? "", login: login)
        try await waitTurn(login: throttleKey, address: address)
        guard let school, let credentials = school.school.credentials,
              !login.isEmpty, login.utf8.count <= 100, !password.isEmpty, password.utf8.count <= 1024 else {
            // Still as slow as a real check: the answer's time says nothing either.
            let decoy = passwords.decoy
            _ = try await passwords.run { PasswordHasher.verify(password, against: decoy) }
            try await failed(login: throttleKey, address: address, context: context)
        }
        let now = configuration.clock()
        let decoy = passwords.decoy
        let check = try await passwords.run { try credentials.check(login: login, password: password, in: school.log, at: now, decoy: decoy) }
        let stored: CredentialTable.Password
        switch check {
        case .wrong:
            try await failed(login: throttleKey, address: address, context: context)
        case .expired:
            await throttle.succeeded(login: throttleKey, address: address)
            throw APIError(.forbidden, rule: "temporary-password-expired",
                           "Срок временного пароля истёк. Попросите классного руководителя или координатора выдать новый.")
        case .matches(let found):
            stored = found
        }
        try school.freshen()
        guard let account = school.recorder.withState({ $0.logins[login] }) else {
            try await failed(login: throttleKey, address: address, context: context)
        }
        let owner = Actor(userID: account.personID, role: account.role)
        let today = configuration.today(at: now)
        // The rules say whether the login may be used now (blocked, consent withdrawn).
        let trial = UseLogin(login: login, step: account.activated ? .signIn(.totp) : .activate, on: today)
        if let refusal = try school.recorder.check([Submission(trial, as: owner)]).first {
            throw APIError(refusal.violation)
        }
        let stage: SignedInSession.Stage
        if stored.temporary {
            stage = .changePassword
        } else if account.secondFactor {
            stage = .secondFactor
        } else if school.recorder.withState({ $0.requiresSecondFactor(account) }) {
            stage = .enrolSecondFactor
        } else {
            _ = try await school.record([UseLogin(login: login, step: .signIn(.none), on: today)], as: owner)
            telemetry.signIns.increment()
            stage = .signedIn
        }
        // The password alone does not forgive the wrong second-factor codes before it.
        if stage != .secondFactor { await throttle.succeeded(login: throttleKey, address: address) }
        if !stored.temporary && passwords.needsRehash(stored.hash) { upgrade(login: login, password: password, in: school, at: now) }
        // A new session (a new id) at every sign-in; the one the request came with ends.
        if let old = context.sessionKey { try await sessions.remove(key: old) }
        let session = SignedInSession(
            school: school.id, login: login, personID: account.personID, stage: stage, signedInAt: configuration.realTime(), lastSeen: configuration.realTime(),
            csrfToken: Self.randomToken(), address: address,
            userAgent: String((request.headers[.userAgent] ?? "").prefix(200)), pendingSecret: nil)
        context.sessions.createSession(session, expiresIn: configuration.idleTimeout)
        context.logger.notice("signed in", metadata: ["school": "\(school.id)", "login": "\(login)", "stage": "\(stage.rawValue)"])
        return SignedIn(session: session, person: describe(account.personID, in: school, on: today))
    }

    private func failed(login: String, address: String, context: AppRequestContext) async throws -> Never {
        await throttle.failed(login: login, address: address)
        telemetry.signInFailures.increment()
        context.logger.notice("sign-in failed", metadata: ["login": "\(login)", "address": "\(address)"])
        throw APIError.signInFailed
    }

    /// A hash made with fewer rounds than today's standard is made again from
    /// the password its owner just typed (no event: nothing about the record changed).
    private func upgrade(login: String, password: String, in school: ServedSchool, at now: Timestamp) {
        guard let credentials = school.school.credentials else { return }
        let passwords = self.passwords
        Task {
            let hash = try await passwords.hash(password)
            let current = try credentials.password(of: login, in: school.log)
            guard let current, passwords.needsRehash(current.hash) else { return }
            var upgraded = current
            upgraded.hash = hash
            try await credentials.write([.password(login: login, upgraded)], to: school.log)
        }
    }

    struct SignInAnswer: Encodable {
        var stage: String
        var csrfToken: String
        var person: PersonDescription
    }

    // MARK: The second factor at sign-in

    struct CodeRequest: Decodable {
        var code: String?
        var recoveryCode: String?
    }

    func secondFactor(_ request: Request, context: SigningInContext) async throws -> Response {
        let person = context.person
        guard person.session.stage == .secondFactor else { throw APIError.signInUnfinished(person.session.stage) }
        let body = try await decodeBody(CodeRequest.self, request, context)
        let done = try await checkSecondFactor(code: body.code, recoveryCode: body.recoveryCode, request: request, context: context)
        return try json(SignInAnswer(stage: done.session.stage.rawValue, csrfToken: done.session.csrfToken, person: done.person))
    }

    /// The authenticator's code (or a recovery code) after the password, for the
    /// API and the page alike: throttled like the password, each code good once.
    func checkSecondFactor(code: String?, recoveryCode: String?, request: Request, context: SigningInContext) async throws -> SignedIn {
        let person = context.person
        guard person.session.stage == .secondFactor else { throw APIError.signInUnfinished(person.session.stage) }
        let address = clientAddress(request, context, behindProxy: configuration.behindProxy)
        let throttleKey = Self.throttleKey(school: person.school.id, login: person.login)
        try await waitTurn(login: throttleKey, address: address)
        guard let credentials = person.school.school.credentials,
              var factor = try credentials.secondFactor(of: person.login, in: person.school.log) else {
            throw APIError.signInUnfinished(.signedIn)
        }
        let now = configuration.clock()
        let use: SecondFactorUse
        // The authenticator app keeps real time, whatever day the server is told it is.
        if let code, let step = Self.acceptedStep(code, secret: factor.secret, after: factor.lastStep, at: Timestamp.now()) {
            factor.lastStep = step
            use = .totp
        } else if let typed = recoveryCode, let index = factor.recoveryCodeHashes.firstIndex(of: Self.recoveryHash(typed)) {
            factor.recoveryCodeHashes.remove(at: index)
            use = .recoveryCode
        } else {
            await throttle.failed(login: throttleKey, address: address)
            telemetry.signInFailures.increment()
            throw APIError(.unauthorized, rule: "second-factor-failed", "Код не подошёл. Введите текущий код из приложения.")
        }
        await throttle.succeeded(login: throttleKey, address: address)
        // A code is good once; a recovery code too.
        try await credentials.write([.secondFactor(login: person.login, factor)], to: person.school.log)
        let today = configuration.today(at: now)
        _ = try await person.school.record([UseLogin(login: person.login, step: .signIn(use), on: today)], as: try actor(person))
        telemetry.signIns.increment()
        let session = try await promote(context: context, to: .signedIn)
        return SignedIn(session: session, person: describe(person.personID, in: person.school, on: today))
    }

    /// The time step a code belongs to — this one, or the one before or after,
    /// for a clock a little off — if it is later than the last one accepted.
    static func acceptedStep(_ code: String, secret: String, after last: Int64, at now: Timestamp) -> Int64? {
        let digits = code.filter(\.isNumber)
        guard digits.count == 6, let value = Int(digits) else { return nil }
        let totp = TOTP(secret: secret)
        let seconds = Double(now.microseconds) / 1e6
        for offset in [-1, 0, 1] {
            let step = Int64(seconds / 30) + Int64(offset)
            guard step > last else { continue }
            if totp.compute(date: Date(timeIntervalSince1970: Double(step) * 30 + 1)) == value { return step }
        }
        return nil
    }

    static func recoveryHash(_ code: String) -> String {
        let normalized = code.uppercased().filter { $0.isLetter || $0.isNumber }
        return "sha256$" + SHA256.hash(data: Array(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: A new password

    struct PasswordRequest: Decodable {
        /// The current password; not asked at the first sign-in, where the temporary one was just typed.
        var currentPassword: String?
        var newPassword: String
    }

    func changePassword(_ request: Request, context: SigningInContext) async throws -> Response {
        let stage = context.person.session.stage
        guard stage == .changePassword || stage == .signedIn else { throw APIError.signInUnfinished(stage) }
        let body = try await decodeBody(PasswordRequest.self, request, context)
        let (result, session) = try await setPassword(current: body.currentPassword, new: body.newPassword, request: request,
                                                         context: context)
        return try json(Recorded(sequences: result.sequences, stage: session.stage.rawValue, csrfToken: session.csrfToken),
                        status: .created)
    }

    /// A new password, for the API and the page alike: the forced one after a
    /// temporary password (which records the activation and, when nothing else
    /// is asked, the sign-in), or a change that asks for the current one.
    func setPassword(current currentPassword: String?, new newPassword: String, request: Request,
                        context: SigningInContext) async throws -> (AppendResult, SignedInSession) {
        let person = context.person
        let stage = person.session.stage
        guard stage == .changePassword || stage == .signedIn else { throw APIError.signInUnfinished(stage) }
        let school = person.school
        guard let credentials = school.school.credentials else { throw APIError.notFound }
        let now = configuration.clock()
        if stage == .signedIn {
            // Guessing the current password from a stolen session is throttled like signing in.
            let address = clientAddress(request, context, behindProxy: configuration.behindProxy)
            let throttleKey = Self.throttleKey(school: school.id, login: person.login)
            try await waitTurn(login: throttleKey, address: address)
            let current = currentPassword ?? ""
            let decoy = passwords.decoy
            let check = try await passwords.run {
                try credentials.check(login: person.login, password: current, in: school.log, at: now, decoy: decoy)
            }
            guard case .matches = check else {
                await throttle.failed(login: throttleKey, address: address)
                telemetry.signInFailures.increment()
                throw APIError(.forbidden, rule: "password-wrong", "Текущий пароль введён неверно.")
            }
        }
        try PasswordPolicy.check(newPassword, login: person.login)
        let hash = try await passwords.hash(newPassword)
        guard let account = school.recorder.withState({ $0.logins[person.login] }) else { throw APIError.notFound }
        let today = configuration.today(at: now)
        var commands: [any Command] = []
        if !account.activated { commands.append(UseLogin(login: person.login, step: .activate, on: today)) }
        commands.append(UseLogin(login: person.login, step: .changePassword(hash: hash), on: today))
        var next = SignedInSession.Stage.signedIn
        if stage == .changePassword {
            if account.secondFactor {
                next = .secondFactor
            } else if school.recorder.withState({ $0.requiresSecondFactor(account) }) {
                next = .enrolSecondFactor
            } else {
                commands.append(UseLogin(login: person.login, step: .signIn(.none), on: today))
            }
        }
        let result = try await school.record(commands, as: try actor(person))
        if next == .signedIn && stage == .changePassword { telemetry.signIns.increment() }
        // Every other session of this login ends: whoever else had the old password is out.
        await sessions.endAll(school: school.id, login: person.login, except: person.sessionKey)
        let session = try await promote(context: context, to: next)
        context.logger.notice("password changed", metadata: ["login": "\(person.login)"])
        return (result, session)
    }

    // MARK: Signing out, "me", sessions

    func signOut(_ request: Request, context: SigningInContext) async throws -> Response {
        endThisSession(context: context)
        return Response(status: .noContent)
    }

    /// Ends the request's session on the server (the cookie goes with it).
    func endThisSession(context: SigningInContext) {
        context.sessions.clearSession()
        context.logger.notice("signed out", metadata: ["login": "\(context.person.login)"])
    }

    struct MeAnswer: Encodable {
        var stage: String
        var csrfToken: String
        var person: PersonDescription
        var secondFactor: Bool
        var secondFactorRequired: Bool
    }

    func me(_ request: Request, context: SigningInContext) async throws -> Response {
        let person = context.person
        let account = person.school.recorder.withState { $0.logins[person.login] }
        return try json(MeAnswer(stage: person.session.stage.rawValue, csrfToken: person.session.csrfToken,
                                 person: describe(person.personID, in: person.school, on: configuration.today(at: configuration.clock())), secondFactor: account?.secondFactor ?? false,
                                 secondFactorRequired: account.map { a in person.school.recorder.withState { $0.requiresSecondFactor(a) } } ?? false))
    }

    struct SessionLine: Encodable {
        var handle: String
        var current: Bool
        var signedInAt: Date
        var lastSeen: Date
        var address: String
        var userAgent: String
    }

    func listSessions(_ request: Request, context: SignedInContext) async throws -> Response {
        try json(["sessions": await ownSessions(of: context.person)])
    }

    /// The live sessions of the person's login, the newest first.
    func ownSessions(of person: Person) async -> [SessionLine] {
        await sessions.sessions(school: person.school.id, login: person.login).map { key, session in
            SessionLine(handle: SignedInSession.handle(ofKey: key), current: key == person.sessionKey, signedInAt: session.signedInAt,
                        lastSeen: session.lastSeen, address: session.address, userAgent: session.userAgent)
        }
    }

    func endSession(_ request: Request, context: SignedInContext) async throws -> Response {
        try await endOwnSession(handle: try pathParameter(context, "handle"), context: context)
        return Response(status: .noContent)
    }

    /// Ends one of the person's own sessions, by its handle (404 for any other).
    func endOwnSession(handle: String, context: SignedInContext) async throws {
        let person = context.person
        let own = await sessions.sessions(school: person.school.id, login: person.login)
        guard let (key, _) = own.first(where: { SignedInSession.handle(ofKey: $0.key) == handle }) else { throw APIError.notFound }
        if key == person.sessionKey {
            context.sessions.clearSession()
        } else {
            try await sessions.remove(key: key)
        }
        context.logger.notice("session ended by its owner", metadata: ["login": "\(person.login)"])
    }

    // MARK: Enrolling a second factor

    struct EnrolmentAnswer: Encodable {
        /// To type into the app (base32).
        var secret: String
        /// For a QR code.
        var otpauthURL: String
    }

    func startEnrolment(_ request: Request, context: SigningInContext) async throws -> Response {
        try json(beginEnrolment(context: context))
    }

    /// A new authenticator's key, kept in the session until its first code
    /// confirms it (the API and the page alike): staff only.
    func beginEnrolment(context: SigningInContext) throws -> EnrolmentAnswer {
        let person = context.person
        guard person.session.stage == .signedIn || person.session.stage == .enrolSecondFactor else {
            throw APIError.signInUnfinished(person.session.stage)
        }
        guard person.viewer.roles.isDisjoint(with: [.parent, .student]) else {
            throw APIError(.forbidden, rule: Rule.roleRequired.rawValue, "Второй фактор подключают сотрудники школы.")
        }
        let secret = Self.randomSecret()
        context.sessions.withLockedSession { $0?.pendingSecret = secret }
        return Self.enrolmentAnswer(secret: secret, person: person)
    }

    /// The key as the app is given it: in base32, as the otpauth URL carries it.
    static func enrolmentAnswer(secret: String, person: Person) -> EnrolmentAnswer {
        let url = TOTP(secret: secret).createAuthenticatorURL(label: "\(person.school.id):\(person.login)", issuer: "Летопись")
        let base32 = URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        return EnrolmentAnswer(secret: base32, otpauthURL: url)
    }

    struct EnrolmentConfirmation: Encodable {
        var sequences: [UInt64]
        var stage: String
        /// The session's new anti-forgery token.
        var csrfToken: String
        /// Shown once: each lets its owner in once without the app.
        var recoveryCodes: [String]
    }

    func confirmEnrolment(_ request: Request, context: SigningInContext) async throws -> Response {
        guard context.sessions.session?.pendingSecret != nil else {
            throw APIError.invalid("Сначала начните подключение приложения-аутентификатора.")
        }
        let body = try await decodeBody(CodeRequest.self, request, context)
        return try json(try await finishEnrolment(code: body.code, context: context), status: .created)
    }

    /// The authenticator's first code confirms the key the session holds: the
    /// enrolment recorded (and, at a sign-in that asked for it, the sign-in).
    func finishEnrolment(code: String?, context: SigningInContext) async throws -> EnrolmentConfirmation {
        let person = context.person
        guard let secret = context.sessions.session?.pendingSecret else {
            throw APIError.invalid("Сначала начните подключение приложения-аутентификатора.")
        }
        let now = configuration.clock()
        guard let code, let step = Self.acceptedStep(code, secret: secret, after: 0, at: Timestamp.now()) else {
            throw APIError(.unprocessableContent, rule: "second-factor-failed", "Код не подошёл. Введите текущий код из приложения.")
        }
        let codes = (0..<10).map { _ in Self.randomRecoveryCode() }
        let today = configuration.today(at: now)
        var commands: [any Command] = [EnrolSecondFactor(login: person.login, secret: secret,
                                                         recoveryCodeHashes: codes.map(Self.recoveryHash), on: today)]
        let finishing = person.session.stage == .enrolSecondFactor
        if finishing { commands.append(UseLogin(login: person.login, step: .signIn(.totp), on: today)) }
        let result = try await person.school.record(commands, as: try actor(person))
        // The code that confirmed the enrolment is used.
        if let credentials = person.school.school.credentials, var factor = try credentials.secondFactor(of: person.login, in: person.school.log) {
            factor.lastStep = step
            try await credentials.write([.secondFactor(login: person.login, factor)], to: person.school.log)
        }
        context.sessions.withLockedSession { $0?.pendingSecret = nil }
        if finishing { telemetry.signIns.increment() }
        let session = try await promote(context: context, to: .signedIn)
        return EnrolmentConfirmation(sequences: result.sequences, stage: session.stage.rawValue, csrfToken: session.csrfToken,
                                     recoveryCodes: codes)
    }

    struct RemovalRequest: Decodable {
        var password: String
    }

    func removeOwnSecondFactor(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let body = try await decodeBody(RemovalRequest.self, request, context)
        guard let credentials = person.school.school.credentials else { throw APIError.notFound }
        let now = configuration.clock()
        let address = clientAddress(request, context, behindProxy: configuration.behindProxy)
        let throttleKey = Self.throttleKey(school: person.school.id, login: person.login)
        try await waitTurn(login: throttleKey, address: address)
        let typed = body.password
        let decoy = passwords.decoy
        let check = try await passwords.run {
            try credentials.check(login: person.login, password: typed, in: person.school.log, at: now, decoy: decoy)
        }
        guard case .matches = check else {
            await throttle.failed(login: throttleKey, address: address)
            telemetry.signInFailures.increment()
            throw APIError(.forbidden, rule: "password-wrong", "Пароль введён неверно.")
        }
        let result = try await person.school.record([RemoveSecondFactor(login: person.login, reason: "", on: configuration.today(at: now))],
                                                    as: try actor(person))
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    // MARK: Helpers

    static func throttleKey(school: String, login: String) -> String { "\(school)/\(login)" }

    /// Throws 429 when the throttle says this login or address must wait.
    private func waitTurn(login: String, address: String) async throws {
        let wait = await throttle.wait(login: login, address: address)
        if wait > .zero {
            telemetry.throttled.increment()
            throw APIError.throttled(wait)
        }
    }

    /// The person acting on their own login: in the login's role.
    private func actor(_ person: Person) throws -> Actor {
        guard let account = person.school.recorder.withState({ $0.logins[person.login] }) else { throw APIError.notFound }
        return Actor(userID: account.personID, role: account.role)
    }

    /// Moves the session to `stage`, with a new anti-forgery token.
    private func promote(context: some SessionHolding, to stage: SignedInSession.Stage) async throws -> SignedInSession {
        guard var session = context.sessions.session else { throw APIError.signInRequired }
        session.stage = stage
        session.csrfToken = Self.randomToken()
        _ = context.sessions.updateSession(session)
        return session
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// 32 characters (the authenticator's shared key is their bytes: 160 bits and more).
    static func randomSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijkmnpqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// `XXXX-XXXX-XX`: ten characters without look-alikes.
    static func randomRecoveryCode() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let chars = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<10])
    }
}
