import Catalog
import EventLog
import Foundation
import Hummingbird
import HummingbirdAuth
import Records

/// Checks the session at every request, after `SessionMiddleware` loaded it:
/// the absolute timeout, that the login may still be used (not blocked, the
/// consent in force, the member of staff not gone), and who the person is
/// today. A session that fails is ended on the server at once. The idle
/// timeout is the store's expiry, moved on as the person works.
struct SessionGate: RouterMiddleware {
    typealias Context = AppRequestContext
    let campus: Campus
    let sessions: SessionStore
    let configuration: ServerConfiguration
    let cookieName: String
    let keyPrefix: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let session = context.sessions.session, let id = Self.cookie(cookieName, in: request) {
            let key = keyPrefix + id
            if let person = try await check(session, key: key, context: context) {
                context.identity = person
                context.sessionKey = key
                context.note.who = "\(person.school.id)/\(person.personID)"
            } else {
                context.sessions.clearSession()
            }
        }
        return try await next(request, context)
    }

    /// The session cookie's value, read straight from the header (the session
    /// middleware parsed every cookie already; once is enough per request).
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard trimmed.hasPrefix(name), trimmed.dropFirst(name.count).first == "=" else { continue }
                return String(trimmed.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    private func check(_ session: SignedInSession, key: String, context: Context) async throws -> Person? {
        let now = configuration.realTime()
        guard now.timeIntervalSince(session.signedInAt) < Double(configuration.absoluteTimeout.components.seconds),
              let school = campus.school(session.school) else {
            context.logger.info("session ended: past its absolute timeout", metadata: ["login": "\(session.login)"])
            return nil
        }
        try school.freshen()
        let today = configuration.today(at: configuration.clock())
        // One look at the state: may the login still be used, and who is its owner today.
        let checked: Result<Viewer, Refusal> = school.recorder.withState { state in
            guard let account = state.logins[session.login], account.personID == session.personID else { return .failure("no such login") }
            if account.blocked { return .failure("the login is blocked") }
            if account.personKind != .staff, state.consents[account.personID]?.isGiven != true { return .failure("no consent in force") }
            guard let viewer = state.viewer(account.personID, on: today) else { return .failure("no longer a member of the school") }
            return .success(viewer)
        }
        let viewer: Viewer
        switch checked {
        case .success(let found):
            viewer = found
        case .failure(let refusal):
            let ended = await sessions.endAll(school: session.school, login: session.login)
            context.logger.notice("sessions ended", metadata: ["login": "\(session.login)", "why": "\(refusal.why)", "count": "\(ended)"])
            return nil
        }
        // The idle timeout moves on with use; once a minute is close enough, and
        // spares rewriting the session (and its cookie) at every request — sooner
        // for an idle timeout of a few minutes, which a minute's wait would outlast.
        let refreshAfter = min(60, Double(configuration.idleTimeout.components.seconds) / 4)
        if now.timeIntervalSince(session.lastSeen) > refreshAfter {
            context.sessions.withLockedSession { data in
                data?.lastSeen = now
                data?.expiresIn = configuration.idleTimeout
            }
        }
        return Person(school: school, session: session, sessionKey: key, viewer: viewer)
    }
}

/// Why a session may not go on.
private struct Refusal: Error, ExpressibleByStringLiteral {
    let why: String
    init(stringLiteral why: String) { self.why = why }
}
