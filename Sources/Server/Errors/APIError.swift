import EventLog
import Foundation
import Hummingbird
import NIOCore
import Projections
import Records

/// An answer that is not a success, as JSON: `{"error": {"status", "rule",
/// "message", …}}`. A refusal by the rules carries the same Russian message
/// and rule name the command line prints.
struct APIError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    /// The rule broken (`period-closed`), or what went wrong (`sign-in-failed`).
    var rule: String
    /// In Russian, for the person.
    var message: String
    var violation: RuleViolation?
    var failures: [(index: Int, violation: RuleViolation)] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, rule: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.rule = rule
        self.message = message
        self.headers = headers
    }

    /// The rules that say the person may not do something (403), rather than that it is wrong (422).
    static let authorizationRules: Set<Rule> = [.roleRequired, .ownClassOnly, .notLessonTeacher]

    /// A refusal by the rules: 403 when the person may not do it, 422 otherwise.
    init(_ violation: RuleViolation) {
        self.init(Self.authorizationRules.contains(violation.rule) ? .forbidden : .unprocessableContent, rule: violation.rule.rawValue,
                  violation.description)
        self.violation = violation
    }

    /// A batch refused whole: 403 when every refusal is one of authorization, 422 otherwise.
    init(_ rejected: BatchRejected) {
        let first = rejected.failures.first?.violation
        let forbidden = !rejected.failures.isEmpty && rejected.failures.allSatisfy { Self.authorizationRules.contains($0.violation.rule) }
        self.init(forbidden ? .forbidden : .unprocessableContent, rule: first?.rule.rawValue ?? Rule.invalidInput.rawValue,
                  rejected.description)
        violation = first
        failures = rejected.failures
    }

    // MARK: The answers every route shares

    /// Wrong login or password — and an unknown login: the same status, body and (roughly) time.
    static let signInFailed = APIError(.unauthorized, rule: "sign-in-failed", "Неверный логин или пароль.")
    static let signInRequired = APIError(.unauthorized, rule: "sign-in-required", "Войдите в электронный журнал.")
    static func signInUnfinished(_ stage: SignedInSession.Stage) -> APIError {
        let next = switch stage {
        case .changePassword: "задайте свой пароль"
        case .secondFactor: "введите код из приложения-аутентификатора"
        case .enrolSecondFactor: "подключите приложение-аутентификатор"
        case .signedIn: "войдите заново"
        }
        var error = APIError(.forbidden, rule: "sign-in-unfinished", "Вход не завершён: \(next).")
        error.stage = stage
        return error
    }
    /// A record the person may not see is answered exactly as one that does not exist.
    static let notFound = APIError(.notFound, rule: "not-found", "Такой записи нет.")
    /// The same answer as `notFound`, for a record that exists but is not the
    /// person's to see; `why` goes only to the server's log.
    static func hidden(_ why: String) -> APIError {
        var error = notFound
        error.refusal = why
        return error
    }
    static let forgery = APIError(.forbidden, rule: "forgery",
                                  "Запрос отклонён: он пришёл не со страницы журнала или без ключа сеанса. Обновите страницу и повторите.")
    static func throttled(_ wait: Duration) -> APIError {
        let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
        return APIError(.tooManyRequests, rule: "sign-in-throttled",
                        "Слишком много неудачных попыток входа. Повторите через \(seconds) с.",
                        headers: [.retryAfter: String(seconds)])
    }
    static let busy = APIError(.serviceUnavailable, rule: "busy", "Сервер сейчас занят входом других пользователей. Повторите через минуту.",
                               headers: [.retryAfter: "30"])
    static func invalid(_ message: String) -> APIError { APIError(.badRequest, rule: Rule.invalidInput.rawValue, message) }

    var stage: SignedInSession.Stage?
    /// Why an authorization was refused, for the server's log (never sent).
    var refusal: String?

    /// Whether this answer refuses the person something they asked for.
    var isRefusedAuthorization: Bool {
        refusal != nil || rule == "forgery" || Self.authorizationRules.map(\.rawValue).contains(rule)
    }

    // MARK: HTTPResponseError

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(
            status: status.code, rule: rule, message: message, record: violation?.record, detail: violation?.detail,
            remedy: violation?.remedy, summary: violation?.rule.russianSummary, stage: stage?.rawValue,
            failures: failures.isEmpty ? nil : failures.map { .init(index: $0.index, rule: $0.violation.rule.rawValue,
                                                                     message: $0.violation.description) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}

/// Turns every error a route throws into an `APIError` answer: the rules'
/// refusals, unknown records, unreadable bodies. Nothing a client sends ends in
/// a 500; what does is logged and answered without internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let violation as RuleViolation {
            var refused = APIError(violation)
            if refused.isRefusedAuthorization { refused.refusal = violation.description }
            throw refused
        } catch let rejected as BatchRejected {
            throw APIError(rejected)
        } catch is ViewError {
            throw APIError.notFound
        } catch is PasswordWork.Busy {
            throw APIError.busy
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, rule: "too-large", "Запрос слишком велик.")
        } catch EventLogError.oversizedEvent {
            // A text that fits the request but not one event of the log (a topic of 100 KB): the client's to shorten.
            throw APIError(.contentTooLarge, rule: "too-large", "Запись слишком велика: сократите текст и повторите.")
        } catch let error as DecodingError {
            throw APIError.invalid("Тело запроса не того вида: \(Self.describe(error)).")
        } catch let error as HTTPError {
            switch error.status {
            case .contentTooLarge: throw APIError(.contentTooLarge, rule: "too-large", "Запрос слишком велик.")
            case .notFound: throw APIError.notFound
            case .badRequest: throw APIError.invalid("Запрос не разобран.")
            default: throw APIError(error.status, rule: "http", error.body ?? error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, rule: "internal", "Внутренняя ошибка сервера. Запись не изменена; повторите позже.")
        }
    }

    /// Which field and what is wrong with it, without Swift's internals.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "документ" : "поле «\(keys.joined(separator: "."))»"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let keys = context.codingPath.map(\.stringValue) + [key.stringValue]
            return "нет поля «\(keys.joined(separator: "."))»"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) не того типа"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "это не JSON" : "\(path(context)) заполнено неверно"
        @unknown default:
            return "неверный вид"
        }
    }
}

/// The JSON of an error answer.
struct ErrorBody: Encodable {
    struct Failure: Encodable {
        var index: Int
        var rule: String
        var message: String
    }
    struct Detail: Encodable {
        var status: Int
        var rule: String
        var message: String
        var record: String?
        var detail: String?
        var remedy: String?
        var summary: String?
        var stage: String?
        var failures: [Failure]?
    }
    var error: Detail
}
