import Crypto
import Foundation

/// What the server keeps of a session (never in a cookie: the cookie holds only
/// the session's random id, 256 bits, made new at every sign-in).
struct SignedInSession: Codable, Sendable, Hashable {
    /// How far the sign-in has gone: a session that still has a step to take
    /// reaches only that step's routes.
    enum Stage: String, Codable, Sendable {
        /// The slip's (or a reset's) temporary password was right: a new one must be set.
        case changePassword = "change-password"
        /// The password was right; the authenticator's code (or a recovery code) is next.
        case secondFactor = "second-factor"
        /// The school requires a second factor the person has not enrolled yet.
        case enrolSecondFactor = "enrol-second-factor"
        case signedIn = "signed-in"
    }

    var school: String
    var login: String
    var personID: String
    var stage: Stage
    var signedInAt: Date
    var lastSeen: Date
    /// The anti-forgery token every state change of this session must carry.
    var csrfToken: String
    var address: String
    var userAgent: String
    /// The secret of an authenticator being enrolled, until its first code confirms it.
    var pendingSecret: String?

    /// A short public handle of the session, for "my sessions" (never the id itself).
    static func handle(ofKey key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
