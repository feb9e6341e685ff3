import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import Records
import Synchronization

/// The context of every request: the session (hummingbird-auth's), the person
/// it belongs to once `SessionGate` has checked it, and where the request came from.
struct AppRequestContext: AuthRequestContext, SessionRequestContext, RemoteAddressRequestContext, RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Person?
    let sessions: SessionContext<SignedInSession>
    let remoteAddress: SocketAddress?
    /// Set by `SessionGate`: the session's storage key, when the request has a live session.
    var sessionKey: String?
    /// Who the request turned out to be, for the request's log line (written
    /// by `SessionGate`, read by `RequestLog`, which wraps it).
    let note = RequestNote()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        sessions = .init()
        remoteAddress = source.channel.remoteAddress
        sessionKey = nil
    }

    /// Bodies are small JSON documents (a roll of 40 students is a few kilobytes).
    var maxUploadSize: Int { 256 * 1024 }
}

/// What the inner middleware learns of a request that the outer one logs.
final class RequestNote: Sendable {
    private let person = Mutex<String?>(nil)
    var who: String? {
        get { person.withLock { $0 } }
        set { person.withLock { $0 = newValue } }
    }
}

/// The signed-in person a request acts for, as checked at this request.
struct Person: Sendable {
    let school: ServedSchool
    let session: SignedInSession
    let sessionKey: String
    /// The person's roles today, read from the registers at this request.
    let viewer: Viewer

    var personID: String { session.personID }
    var login: String { session.login }
}

/// A context that reaches the request's session.
protocol SessionHolding {
    var sessions: SessionContext<SignedInSession> { get }
}

/// Routes for a person who has finished signing in.
struct SignedInContext: ChildRequestContext, SessionHolding {
    var coreContext: CoreRequestContextStorage
    let person: Person
    let sessions: SessionContext<SignedInSession>

    init(context: AppRequestContext) throws {
        coreContext = context.coreContext
        sessions = context.sessions
        guard let person = context.identity else { throw APIError.signInRequired }
        guard person.session.stage == .signedIn else { throw APIError.signInUnfinished(person.session.stage) }
        self.person = person
    }

    var maxUploadSize: Int { 256 * 1024 }
}

/// Routes of a sign-in still under way (a new password, a second factor), and
/// of a finished one.
struct SigningInContext: ChildRequestContext, SessionHolding {
    var coreContext: CoreRequestContextStorage
    let person: Person
    let sessions: SessionContext<SignedInSession>

    init(context: AppRequestContext) throws {
        coreContext = context.coreContext
        sessions = context.sessions
        guard let person = context.identity else { throw APIError.signInRequired }
        self.person = person
    }

    var maxUploadSize: Int { 256 * 1024 }
}
