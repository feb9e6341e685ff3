import EventLog
import Records
import Foundation

/// How `letopis serve` runs: where, which store, and the security settings a
/// school's administrator may change.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (printed at start).
    public var port = 8080
    public var storePath = "letopis-store"
    /// Sessions end after this long without a request…
    public var idleTimeout: Duration = .seconds(30 * 60)
    /// …and this long after sign-in, whatever happens.
    public var absoluteTimeout: Duration = .seconds(12 * 3600)
    /// Served over TLS, directly or by a proxy in front: cookies are `Secure` and
    /// `__Host-` prefixed, and responses carry HSTS.
    public var secure = false
    /// PEM files to serve HTTPS with, directly (no proxy in front).
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// A proxy in front sets `X-Forwarded-For`: the client's address is its first
    /// entry (only trust it when a proxy really is in front).
    public var behindProxy = false
    /// Origins, besides the one the request's Host names, that may send state changes.
    public var allowedOrigins: Set<String> = []
    /// A bearer token that may read `/metrics` (a Prometheus scraper), besides
    /// signed-in administration and coordinators.
    public var metricsToken: String?
    /// Where the class teacher's pages write login letters (`.eml`, for the
    /// school's mail program); nil: logins are issued on slips only.
    public var outbox: String?
    /// Serve as if today were this date (the time of day stays real): for a
    /// demonstration or a trial on a school year that is not the current one.
    /// The shift is fixed when this is set, so the served days go on from it as
    /// real days do (never back to the same date at midnight).
    public var today: CivilDate? {
        didSet {
            shift = today.map {
                Int64($0.daysSinceEpoch - ServerClock.moscowDay(of: Timestamp.now()).daysSinceEpoch) * 86_400 * 1_000_000
            } ?? 0
        }
    }
    private var shift: Int64 = 0
    /// Real time, whatever `today` says, which sessions (since the sign-in, since
    /// the last request) and the sign-in throttle are kept by; a test may move it by hand.
    public var realTime: @Sendable () -> Date = { Date() }
    /// Threads that hash passwords (PBKDF2, about 0.3 s each), apart from the ones
    /// that answer requests; and how many sign-ins may wait for one.
    public var hashingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    public var hashingQueue = 64
    /// Keep rendered diary weeks and journal grids until the school records
    /// something (`PageCache`); off: every page is rendered at every request,
    /// which is how the benchmark times a render.
    public var pageCache = true
    /// PBKDF2 rounds of the passwords the server hashes (OWASP's 600,000 unless a
    /// test wants quicker ones); a stored hash with fewer is made again at sign-in.
    public var passwordRounds = PasswordHasher.standardRounds
    /// The throttle of sign-in attempts (docs/api.md, "Sign-in").
    public var throttle = ThrottlePolicy()

    public init() {}

    /// The clock the server records with: real time, moved back or forward by
    /// whole days when `today` is set.
    public var clock: @Sendable () -> Timestamp {
        let shift = shift
        return { Timestamp(microseconds: Timestamp.now().microseconds + shift) }
    }
}

extension ServerConfiguration {
    /// The school's day at `time`: in Moscow, where the dates of the records are kept.
    func today(at time: Timestamp) -> CivilDate { ServerClock.moscowDay(of: time) }
}

/// Dates as a Russian school sees them: the day in Moscow time.
public enum ServerClock {
    public static func moscowDay(of time: Timestamp) -> CivilDate { time.adding(seconds: 3 * 3600).civilDate }
}
