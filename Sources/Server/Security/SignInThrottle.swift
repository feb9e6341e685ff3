import Foundation

/// How sign-in attempts are slowed down (OWASP ASVS 5.0 §6.3): by delays that
/// grow with failures, per login and per address — never a lock a stranger
/// could set off to keep someone out. docs/api.md lists the figures.
public struct ThrottlePolicy: Sendable {
    /// Failures of one login allowed without a delay.
    public var freeFailuresPerLogin = 5
    /// The first delay, after the free failures; each further failure doubles it.
    public var firstDelay: Duration = .seconds(1)
    /// After them, the wait doubles from 1 s up to this.
    public var maximumLoginDelay: Duration = .seconds(36)
    /// And no more than this many failures of one login within an hour.
    public var failuresPerLoginPerHour = 100
    /// Failures from one address (across logins) within `addressWindow` allowed
    /// without a delay…
    public var freeFailuresPerAddress = 20
    public var addressWindow: Duration = .seconds(15 * 60)
    /// …after which its wait doubles from 1 s up to this. A right password does
    /// not clear an address's failures (one valid account must not reset them):
    /// they leave the window as it moves on.
    public var maximumAddressDelay: Duration = .seconds(60)

    public init() {}
}

/// Counts failed sign-ins and says how long the next attempt must wait.
///
/// Unknown logins are counted exactly like real ones (the key is what was
/// typed), so the throttle's answers say nothing about which logins exist.
actor SignInThrottle {
    private struct Record {
        /// Failures since the last success.
        var consecutive = 0
        var lastFailure: Date
        /// Recent failures, oldest first: a login's of the last hour, an address's of its window.
        var recent: [Date] = []
    }

    private let policy: ThrottlePolicy
    private let now: @Sendable () -> Date
    private var logins: [String: Record] = [:]
    private var addresses: [String: Record] = [:]
    /// Bounds the memory a flood of made-up logins can take.
    private let capacity = 200_000

    init(policy: ThrottlePolicy, now: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.now = now
    }

    /// How long the caller must still wait before trying `login` from `address`; zero when it may try now.
    func wait(login: String, address: String) -> Duration {
        let now = self.now()
        var wait = Duration.zero
        if let record = logins[login] {
            wait = max(wait, remaining(record, free: policy.freeFailuresPerLogin, cap: policy.maximumLoginDelay, now: now))
            let hourAgo = now.addingTimeInterval(-3600)
            let recent = record.recent.filter { $0 > hourAgo }
            if recent.count >= policy.failuresPerLoginPerHour, let oldest = recent.first {
                wait = max(wait, Self.duration(oldest.addingTimeInterval(3600).timeIntervalSince(now)))
            }
        }
        if var record = addresses[address] {
            let windowStart = now.addingTimeInterval(-Self.seconds(policy.addressWindow))
            record.consecutive = record.recent.filter { $0 > windowStart }.count
            wait = max(wait, remaining(record, free: policy.freeFailuresPerAddress, cap: policy.maximumAddressDelay, now: now))
        }
        return wait
    }

    func failed(login: String, address: String) {
        let now = self.now()
        if logins.count >= capacity || addresses.count >= capacity { forgetOldest() }
        var record = logins[login] ?? Record(lastFailure: now)
        record.consecutive += 1
        record.lastFailure = now
        let hourAgo = now.addingTimeInterval(-3600)
        record.recent = record.recent.filter { $0 > hourAgo } + [now]
        logins[login] = record
        var byAddress = addresses[address] ?? Record(lastFailure: now)
        let windowStart = now.addingTimeInterval(-Self.seconds(policy.addressWindow))
        byAddress.recent = byAddress.recent.filter { $0 > windowStart }.suffix(200) + [now]
        byAddress.lastFailure = now
        addresses[address] = byAddress
    }

    /// A right password clears the login's delays (not the address's: see `ThrottlePolicy`).
    func succeeded(login: String, address: String) {
        logins[login] = nil
    }

    /// The delay after `record`'s failures: none for the first `free`, then
    /// `firstDelay` (1 s), twice that, four times… up to `cap`, counted from the last failure.
    private func remaining(_ record: Record, free: Int, cap: Duration, now: Date) -> Duration {
        guard record.consecutive >= free else { return .zero }
        let exponent = min(record.consecutive - free, 20)
        let delay = min(policy.firstDelay * (1 << exponent), cap)
        let elapsed = Self.duration(now.timeIntervalSince(record.lastFailure))
        return elapsed >= delay ? .zero : delay - elapsed
    }

    private func forgetOldest() {
        let hourAgo = now().addingTimeInterval(-3600)
        logins = logins.filter { $0.value.lastFailure > hourAgo }
        addresses = addresses.filter { $0.value.lastFailure > hourAgo }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func duration(_ interval: TimeInterval) -> Duration { .milliseconds(Int64((interval * 1000).rounded(.up))) }
}
