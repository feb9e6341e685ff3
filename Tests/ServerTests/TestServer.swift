import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import Server
import Testing

/// A server on a copy of the template, driven through HummingbirdTesting's
/// router client, with the template's people signed in (each through the
/// slip's temporary password and the forced new one).
struct TestServer: Sendable {
    let client: any TestClientProtocol
    let template: Template
    let campus: Campus
    let store: TemporaryStore
    let configuration: ServerConfiguration
    /// A browser per person, carrying its cookie and anti-forgery token.
    let visitors: [Who: Visitor]

    var log: EventLog { campus.schools[Template.school]!.log }
    var served: ServedSchool { campus.schools[Template.school]!}
    func visitor(_ who: Who) -> Visitor { visitors[who]! }

    /// The standard test configuration: today is the template's Monday, quick hashes, the test origin allowed.
    static func configuration(store: String) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.storePath = store
        configuration.today = Template.monday
        configuration.passwordRounds = Template.rounds
        configuration.hashingThreads = 1
        configuration.allowedOrigins = [Template.origin]
        return configuration
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "letopis.server.test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` against a server on a fresh copy of the template (or on
    /// `store`, kept afterwards), configured by `configure`, with `signIn`'s
    /// people signed in.
    static func run<Value: Sendable>(
        store given: TemporaryStore? = nil, signIn: [Who] = Who.people,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> Value
    ) async throws -> Value {
        let template = try await Template.shared()
        let store = try given ?? template.copy()
        defer { if given == nil { store.remove() } }
        var configuration = configuration(store: store.path)
        configure(&configuration)
        let app = try await LetopisServer.build(configuration: configuration, logger: quietLogger)
        // The server's own schools (its log is open once per process: LMDB allows no second handle here).
        guard let campus = app.services.lazy.compactMap({ ($0 as? SchoolsClosing)?.campus }).first else {
            throw PickFailure("the application has no SchoolsClosing service")
        }
        let settings = configuration
        return try await app.test(.router) { client in
            var visitors: [Who: Visitor] = [.anonymous: Visitor(.anonymous, sample: nil)]
            for who in Who.people { visitors[who] = Visitor(who, sample: template.sample(who)) }
            let server = TestServer(client: client, template: template, campus: campus, store: store, configuration: settings,
                                    visitors: visitors)
            for who in signIn { try await server.activate(who) }
            return try await body(server)
        }
    }

    // MARK: Requests

    /// Sends a request as `visitor` (its cookie and token), with the test origin;
    /// `origin` and `token` replace them (nil: none sent).
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, as visitor: Visitor? = nil, body: Data? = nil,
              origin: String?? = .some(Template.origin), token: String?? = .none, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if body != nil { headers[.contentType] = "application/json" }
        if let origin = origin ?? nil { headers[.origin] = origin }
        if let visitor {
            if let cookie = visitor.cookie { headers[.cookie] = "\(visitor.cookieName)=\(cookie)" }
            let csrf: String? = switch token {
            case .none: visitor.csrfToken
            case .some(let given): given
            }
            if let csrf, method != .get { headers[ForgeryGuard.tokenHeader] = csrf }
        } else if case .some(let given?) = token {
            headers[ForgeryGuard.tokenHeader] = given
        }
        let response = try await client.execute(uri: path, method: method, headers: headers,
                                                body: body.map { ByteBuffer(bytes: $0) })
        let reply = Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        visitor?.take(reply)
        return reply
    }

    func get(_ path: String, as visitor: Visitor?) async throws -> Reply { try await send(.get, path, as: visitor) }

    func post(_ path: String, _ json: [String: any Sendable], as visitor: Visitor?) async throws -> Reply {
        try await send(.post, path, as: visitor, body: Self.encode(json))
    }

    static func encode(_ json: Any) -> Data {
        try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    }

    // MARK: Signing in

    /// Signs `visitor` in with a login and password; keeps the session's cookie and token.
    @discardableResult
    func signIn(_ visitor: Visitor, login: String, password: String, headers: HTTPFields = [:]) async throws -> Reply {
        try await send(.post, "/api/v1/sign-in", as: visitor, body: Self.encode(["login": login, "password": password]),
                       headers: headers)
    }

    /// The first sign-in: the slip's temporary password, then the person's own.
    func activate(_ who: Who, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let visitor = visitor(who), sample = template.sample(who)
        let first = try await signIn(visitor, login: sample.login, password: sample.temporaryPassword)
        try #require(first.status == .ok && first.json["stage"] as? String == "change-password",
                     "\(who): \(first.status) \(first.text)", sourceLocation: sourceLocation)
        let changed = try await post("/api/v1/password", ["newPassword": sample.password], as: visitor)
        try #require(changed.status == .created && changed.json["stage"] as? String == "signed-in",
                     "\(who): \(changed.status) \(changed.text)", sourceLocation: sourceLocation)
    }

    /// Signs `who` in again with the own password (a new session).
    @discardableResult
    func signInAgain(_ who: Who, as visitor: Visitor? = nil) async throws -> Reply {
        try await signIn(visitor ?? self.visitor(who), login: template.login(who), password: template.sample(who).password)
    }

    // MARK: The log

    /// Every stored byte of every event, to show that a refusal changed nothing.
    func snapshot() throws -> [Data] {
        var out: [Data] = []
        try log.scanStored { _, bytes in
            out.append(Data(bytes))
            return true
        }
        return out
    }

    /// The events recorded after `head`.
    func events(after head: UInt64) throws -> [RecordedEvent] { try log.events(from: head + 1) }
}

/// A browser of one person: the session cookie the server set and the anti-forgery token it gave.
final class Visitor: @unchecked Sendable {
    let who: Who
    let sample: Sample?
    var cookieName = "letopis"
    private let lock = NSLock()
    private var _cookie: String?
    private var _token: String?
    /// Every `Set-Cookie` the server sent this browser.
    private(set) var setCookies: [String] = []

    init(_ who: Who, sample: Sample?) {
        self.who = who
        self.sample = sample
    }

    var cookie: String? {
        get { lock.withLock { _cookie } }
        set { lock.withLock { _cookie = newValue } }
    }
    var csrfToken: String? {
        get { lock.withLock { _token } }
        set { lock.withLock { _token = newValue } }
    }

    /// What a browser keeps of an answer: the cookie (dropped when it expired), and a new token.
    func take(_ reply: Reply) {
        lock.withLock {
            for line in reply.headers[values: .setCookie] {
                setCookies.append(line)
                let parts = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                guard let pair = parts.first, let eq = pair.firstIndex(of: "=") else { continue }
                cookieName = String(pair[..<eq])
                let value = String(pair[pair.index(after: eq)...])
                let expired = parts.contains { part in
                    guard part.lowercased().hasPrefix("expires="), let date = Reply.cookieDate(String(part.dropFirst(8))) else { return false }
                    return date <= Date()
                }
                _cookie = expired ? nil : value
            }
            if let token = reply.json["csrfToken"] as? String { _token = token }
        }
    }

    /// A copy of this browser's session (another tab, or a stolen cookie).
    func copy() -> Visitor {
        let twin = Visitor(who, sample: sample)
        twin.cookieName = cookieName
        twin.cookie = cookie
        twin.csrfToken = csrfToken
        return twin
    }
}

/// An answer: status, headers, body, and its JSON.
struct Reply: Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
    var rule: String? { error["rule"] as? String }
    var message: String? { error["message"] as? String }
    var description: String { "\(status.code) \(text.prefix(400))" }

    static func cookieDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = Data(buffer.readableBytesView)
    }
}

extension TestServer {
    /// Enrols an authenticator as `who`'s second factor through the API; returns the app and the recovery codes.
    @discardableResult
    func enrolSecondFactor(_ who: Who, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (authenticator: Authenticator, recoveryCodes: [String])
    {
        let started = try await send(.post, "/api/v1/second-factor/enrolment", as: visitor(who))
        try #require(started.status == .ok, "\(who): \(started)", sourceLocation: sourceLocation)
        let authenticator = Authenticator(base32: started.json["secret"] as? String ?? "")
        let confirmed = try await post("/api/v1/second-factor/enrolment/confirmation", ["code": authenticator.code()], as: visitor(who))
        try #require(confirmed.status == .created, "\(who): \(confirmed)", sourceLocation: sourceLocation)
        return (authenticator, confirmed.json["recoveryCodes"] as? [String] ?? [])
    }
}
