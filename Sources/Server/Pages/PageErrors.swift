import Foundation
import HTTPTypes
import Hummingbird
import Records

/// Refusals and errors of the pages, as pages: what `ErrorMiddleware` made of
/// them (the same status, rule and Russian message as the API's JSON) shown in
/// HTML, with what to do and a way back. Someone not signed in is sent to the
/// sign-in page, a sign-in under way to its next step. The API's answers stay JSON.
struct PageErrors: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer
    let campus: Campus
    let configuration: ServerConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError where Self.isPage(request) {
            return page(for: error, request: request, context: context)
        }
    }

    /// The pages' paths; and anything else a browser asks for as a page (not the API's, nor /health and /metrics).
    static func isPage(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/health" || path == "/metrics" { return false }
        if pagePaths.contains(path) || pagePrefixes.contains(where: { path.hasPrefix($0) }) { return true }
        return request.headers[.accept]?.contains("text/html") ?? false
    }

    static let pagePaths: Set<String> = ["/", "/sign-in", "/password", "/second-factor", "/second-factor/enrolment",
                                         "/second-factor/enrolment/confirmation", "/sign-out", "/sessions", "/sessions/end",
                                         "/diary", "/diary/acknowledgement", "/school"]
    static let pagePrefixes = ["/teacher/", "/diary/", "/audit/", "/class", "/school/", "/static/"]

    func page(for error: APIError, request: Request, context: Context) -> Response {
        switch error.rule {
        case "sign-in-required":
            return seeOther("/sign-in")
        case "sign-in-unfinished":
            switch error.stage {
            case .changePassword: return seeOther("/password")
            case .secondFactor: return seeOther("/second-factor")
            case .signedIn: return seeOther("/sign-in")
            case .enrolSecondFactor: return seeOther("/second-factor/enrolment")
            case nil: break
            }
        default:
            break
        }
        let model = ErrorPage(error, back: back(request))
        var headers = HTTPFields()
        if let retry = error.headers[.retryAfter] { headers[.retryAfter] = retry }
        return renderer.render("error", title: model.heading, frame: frame(context), page: model, status: error.status, headers: headers)
    }

    /// The frame of the person whose request it was. This middleware runs
    /// outside the session's, so it reads the session the request ended with
    /// (none when `SessionGate` ended it, or it was signed out).
    private func frame(_ context: Context) -> Frame {
        if let person = context.identity { return .person(person) }
        guard let session = context.sessions.session else { return .visitor(csrf: nil) }
        let today = configuration.today(at: configuration.clock())
        guard let school = campus.school(session.school),
              let viewer = school.recorder.withState({ $0.viewer(session.personID, on: today) }) else {
            return .visitor(csrf: session.csrfToken)
        }
        return .frame(of: session, viewer: viewer, in: school)
    }

    /// The page a refused form came from, when it was one of the journal's own.
    private func back(_ request: Request) -> String {
        guard request.method == .post, let referer = request.headers[.referer], let url = URLComponents(string: referer),
              let host = url.host, let authority = request.head.authority,
              authority == host + (url.port.map { ":\($0)" } ?? "") else { return "/" }
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        let query = url.percentEncodedQuery.map { "?" + $0 } ?? ""
        return path + query
    }
}

/// What the error page shows.
struct ErrorPage {
    let heading: String
    /// An answer that is not a rule's refusal says only this.
    let message: String?
    /// For a refusal by the rules: the record, what is wrong, the rule and what to do.
    let record: String?
    let detail: String?
    let rule: String?
    let summary: String?
    let remedy: String?
    let failures: [String]
    let hasFailures: Bool
    let back: String

    init(_ error: APIError, back: String) {
        self.back = back
        let violation = error.violation
        heading = switch error.status.code {
        case 400: "Запрос не разобран"
        case 401: "Вход не выполнен"
        case 403 where error.rule == "forgery": "Запрос отклонён"
        case 403 where violation != nil: "Нет права на эту запись"
        case 403: "Доступ запрещён"
        case 404: "Не найдено"
        case 413: "Слишком большой запрос"
        case 422: "Запись не принята"
        case 429: "Слишком много попыток"
        case 503: "Сервер занят"
        default: "Ошибка"
        }
        message = violation == nil ? error.message : nil
        record = violation?.record
        // The template ends the sentence.
        detail = violation.map { $0.detail.hasSuffix(".") ? String($0.detail.dropLast()) : $0.detail }
        rule = violation?.rule.rawValue
        summary = violation?.rule.russianSummary
        remedy = violation?.remedy
        failures = error.failures.count > 1 ? error.failures.map { "№ \($0.index + 1): \($0.violation.description)" } : []
        hasFailures = !failures.isEmpty
    }
}
