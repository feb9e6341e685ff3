import Foundation
import Hummingbird
import HummingbirdAuth
import Records

/// The pages of signing in: the sign-in form, the forced new password after a
/// temporary one (and a change later), the second factor's code, signing out,
/// and «Мои сеансы». Each form calls `SignInController`'s own code, so the
/// throttle, the decoy check, the password policy and what is recorded are the API's.
struct SignInPages {
    let signIn: SignInController
    let campus: Campus
    let renderer: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("/sign-in", use: signInForm)
        router.post("/sign-in", use: signInPost)
        router.get("/static/{file}", use: asset)
        router.group(context: SigningInContext.self)
            .get("/password", use: passwordForm)
            .post("/password", use: passwordPost)
            .get("/second-factor", use: secondFactorForm)
            .post("/second-factor", use: secondFactorPost)
            .post("/sign-out", use: signOut)
            .get("/second-factor/enrolment", use: enrolmentPage)
            .post("/second-factor/enrolment", use: enrolmentStart)
            .post("/second-factor/enrolment/confirmation", use: enrolmentConfirmation)
        router.group(context: SignedInContext.self)
            .get("/sessions", use: sessionsPage)
            .post("/sessions/end", use: endSession)
    }

    /// Signed out: the sign-in page; signing in: its next step; signed in: the person's start page.
    func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.identity else { return seeOther("/sign-in") }
        return seeOther(next(after: person.session.stage, person: person))
    }

    private func next(after stage: SignedInSession.Stage, person: Person) -> String {
        switch stage {
        case .changePassword: "/password"
        case .secondFactor: "/second-factor"
        case .enrolSecondFactor: "/second-factor/enrolment"
        case .signedIn: Frame.home(of: person)
        }
    }

    /// The stylesheet and the journal's script.
    func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let name = context.parameters.get("file"), let asset = renderer.assets[name] else {
            throw APIError(.notFound, rule: "not-found", "Такого файла нет.")
        }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable"],
                        body: .init(byteBuffer: asset.bytes))
    }

    // MARK: Signing in

    struct SignInForm {
        struct School {
            let id: String
            let selected: Bool
        }
        let login: String
        let error: String?
        let askSchool: Bool
        let schools: [School]
    }

    func signInForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        signInPage(context: context, login: "", school: nil, error: nil)
    }

    private func signInPage(context: AppRequestContext, login: String, school: String?, error: APIError?) -> Response {
        let ids = campus.schools.keys.sorted()
        let form = SignInForm(login: login, error: error?.message, askSchool: ids.count > 1,
                              schools: ids.map { .init(id: $0, selected: $0 == school) })
        var headers = HTTPFields()
        if let retry = error?.headers[.retryAfter] { headers[.retryAfter] = retry }
        return renderer.render("sign-in", title: "Вход", frame: .visitor(csrf: context.sessions.session?.csrfToken), page: form,
                               status: error?.status ?? .ok, headers: headers)
    }

    func signInPost(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        let login = form["login"] ?? ""
        let school = form.text("school")
        do {
            let done = try await signIn.signInWithPassword(school: school, login: login, password: form["password"] ?? "", request: request,
                                               context: context)
            switch done.session.stage {
            case .changePassword: return seeOther("/password")
            case .secondFactor: return seeOther("/second-factor")
            case .enrolSecondFactor: return seeOther("/second-factor/enrolment")
            case .signedIn: return seeOther("/")
            }
        } catch let error as APIError where ["sign-in-failed", "sign-in-throttled", "temporary-password-expired", "busy"].contains(error.rule) {
            // The form again, with what went wrong: the same words for an unknown login and a wrong password.
            return signInPage(context: context, login: login, school: school, error: error)
        }
    }

    // MARK: A new password

    struct PasswordForm {
        let first: Bool
        let error: String?
        let remedy: String?
    }

    func passwordForm(_ request: Request, context: SigningInContext) async throws -> Response {
        try passwordPage(context: context, error: nil)
    }

    private func passwordPage(context: SigningInContext, error: APIError?) throws -> Response {
        let stage = context.person.session.stage
        guard stage == .changePassword || stage == .signedIn else { throw APIError.signInUnfinished(stage) }
        let first = stage == .changePassword
        var message = error?.message
        if let violation = error?.violation { message = violation.detail.prefix(1).uppercased() + violation.detail.dropFirst() + "." }
        let form = PasswordForm(first: first, error: message, remedy: error?.violation?.remedy)
        var frame = Frame.person(context.person, current: "/password")
        if first { frame.signedIn = false }
        return renderer.render("password", title: first ? "Ваш пароль" : "Смена пароля", frame: frame, page: form,
                               status: error?.status ?? .ok)
    }

    func passwordPost(_ request: Request, context: SigningInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        let new = form["new"] ?? ""
        guard new == form["repeat"] ?? "" else {
            return try passwordPage(context: context, error: APIError(.unprocessableContent, rule: Rule.invalidInput.rawValue,
                                                                      "Пароли в двух полях не совпадают: введите один и тот же пароль дважды."))
        }
        do {
            let (_, session) = try await signIn.setPassword(current: form["current"], new: new, request: request, context: context)
            return seeOther(session.stage == .signedIn && context.person.session.stage == .signedIn ? "/sessions?saved=password"
                                                                                                     : next(after: session.stage, person: context.person))
        } catch let violation as RuleViolation where violation.rule == .passwordPolicy {
            return try passwordPage(context: context, error: APIError(violation))
        } catch let error as APIError where error.rule == "password-wrong" {
            return try passwordPage(context: context, error: error)
        }
    }

    // MARK: The second factor

    struct CodeForm {
        let error: String?
    }

    func secondFactorForm(_ request: Request, context: SigningInContext) async throws -> Response {
        try codePage(context: context, error: nil)
    }

    private func codePage(context: SigningInContext, error: APIError?) throws -> Response {
        // No code is asked of a sign-in at another step: on to that step.
        guard context.person.session.stage == .secondFactor else { return seeOther("/") }
        var frame = Frame.person(context.person)
        frame.signedIn = false
        return renderer.render("second-factor", title: "Код входа", frame: frame, page: CodeForm(error: error?.message),
                               status: error?.status ?? .ok)
    }

    func secondFactorPost(_ request: Request, context: SigningInContext) async throws -> Response {
        guard context.person.session.stage == .secondFactor else { return seeOther("/") }
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        do {
            _ = try await signIn.checkSecondFactor(code: form.text("code"), recoveryCode: form.text("recovery"), request: request, context: context)
            return seeOther("/")
        } catch let error as APIError where error.rule == "second-factor-failed" {
            return try codePage(context: context, error: error)
        }
    }

    func signOut(_ request: Request, context: SigningInContext) async throws -> Response {
        signIn.endThisSession(context: context)
        return seeOther("/sign-in")
    }

    // MARK: Enrolling an authenticator

    struct EnrolmentPage {
        /// The school requires it before anything else opens.
        let required: Bool
        /// The key to type into the app (in groups of four), once started.
        let key: String?
        let url: String?
        let error: String?
    }

    struct RecoveryPage {
        let codes: [String]
    }

    private func enrolmentFrame(_ person: Person) -> Frame {
        Frame.person(person, current: "/second-factor/enrolment")
    }

    private func enrolling(_ context: SigningInContext) -> Bool {
        [.signedIn, .enrolSecondFactor].contains(context.person.session.stage)
    }

    func enrolmentPage(_ request: Request, context: SigningInContext) async throws -> Response {
        guard enrolling(context) else { return seeOther("/") }
        let page = EnrolmentPage(required: context.person.session.stage == .enrolSecondFactor, key: nil, url: nil, error: nil)
        return renderer.render("enrolment", title: "Приложение-аутентификатор", frame: enrolmentFrame(context.person), page: page)
    }

    /// A new key (staff only, as in the API), shown with the form for its first code.
    func enrolmentStart(_ request: Request, context: SigningInContext) async throws -> Response {
        guard enrolling(context) else { return seeOther("/") }
        return keyPage(try signIn.beginEnrolment(context: context), context: context, error: nil)
    }

    private func keyPage(_ answer: SignInController.EnrolmentAnswer, context: SigningInContext, error: APIError?) -> Response {
        let grouped = stride(from: 0, to: answer.secret.count, by: 4).map { start in
            String(answer.secret.dropFirst(start).prefix(4))
        }.joined(separator: " ")
        let page = EnrolmentPage(required: context.person.session.stage == .enrolSecondFactor, key: grouped, url: answer.otpauthURL,
                                 error: error?.message)
        return renderer.render("enrolment", title: "Приложение-аутентификатор", frame: enrolmentFrame(context.person), page: page,
                               status: error?.status ?? .ok)
    }

    /// The app's first code: the enrolment recorded, the recovery codes shown once.
    func enrolmentConfirmation(_ request: Request, context: SigningInContext) async throws -> Response {
        guard enrolling(context) else { return seeOther("/") }
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        do {
            let done = try await signIn.finishEnrolment(code: form.text("code"), context: context)
            var frame = enrolmentFrame(context.person)
            frame.signedIn = true
            frame.csrf = done.csrfToken
            return renderer.render("recovery", title: "Резервные коды", frame: frame, page: RecoveryPage(codes: done.recoveryCodes))
        } catch let error as APIError where error.rule == "second-factor-failed" {
            guard let secret = context.sessions.session?.pendingSecret else { throw error }
            return keyPage(SignInController.enrolmentAnswer(secret: secret, person: context.person), context: context, error: error)
        }
    }

    // MARK: «Мои сеансы»

    struct SessionsPage {
        struct Line {
            let handle: String
            let current: Bool
            let signedInAt: String
            let lastSeen: String
            let address: String
            let userAgent: String
        }
        let sessions: [Line]
        let others: Bool
        /// Staff may enrol an authenticator app.
        let staff: Bool
    }

    func sessionsPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let lines = await signIn.ownSessions(of: context.person).map { line in
            SessionsPage.Line(handle: line.handle, current: line.current, signedInAt: PageDates.moscow(line.signedInAt),
                              lastSeen: PageDates.moscow(line.lastSeen), address: line.address,
                              userAgent: line.userAgent.isEmpty ? "неизвестно" : line.userAgent)
        }
        var frame = Frame.person(context.person, current: "/sessions")
        switch try query(request, "saved") {
        case "ended"?: frame.notice = "Сеанс завершён."
        case "password"?: frame.notice = "Пароль изменён. Другие сеансы завершены."
        default: break
        }
        return renderer.render("sessions", title: "Мои сеансы", frame: frame,
                               page: SessionsPage(sessions: lines, others: lines.contains { !$0.current },
                                                  staff: !context.person.viewer.roles.isDisjoint(with: Frame.staffRoles)))
    }

    func endSession(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        let handle = form.text("handle") ?? ""
        let current = SignedInSession.handle(ofKey: context.person.sessionKey) == handle
        try await signIn.endOwnSession(handle: handle, context: context)
        return seeOther(current ? "/sign-in" : "/sessions?saved=ended")
    }
}
