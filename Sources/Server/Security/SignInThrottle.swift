import Foundation

/// How sign-in attempts are slowed down (OWASP ASVS 5.0 §6.3): by delays that
/// grow with failures, per login and per address — never a lock a stranger
/// could set off to keep someone out. docs/api.md lists the figures.
public struct ThrottlePolicy: Sendable {
    /// Failures of one login allowed without a delay.
    public var freeFailuresPerLogin = 5
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
        var lastFailure: ContinuousClock.Instant
        /// Recent failures, oldest first: a login's of the last hour, an address's of its window.
        var recent: [ContinuousClock.Instant] = []
    }

    private let policy: ThrottlePolicy
    private let clock = ContinuousClock()
    private var logins: [String: Record] = [:]
    private var addresses: [String: Record] = [:]
    /// Bounds the memory a flood of made-up logins can take.
    private let capacity = 200_000

    init(policy: ThrottlePolicy) {
        self.policy = policy
    }

    /// How long the caller must still wait before trying `login` from `address`; zero when it may try now.
    func wait(login: String, address: String) -> Duration {
        let now = clock.now
        var wait = Duration.zero
        if let record = logins[login] {
            wait = max(wait, remaining(record, free: policy.freeFailuresPerLogin, cap: policy.maximumLoginDelay, now: now))
            let hourAgo = now - .seconds(3600)
            let recent = record.recent.filter { $0 > hourAgo }
            if recent.count >= policy.failuresPerLoginPerHour, let oldest = recent.first {
                wait = max(wait, oldest + .seconds(3600) - now)
            }
        }
        if var record = addresses[address] {
            let windowStart = now - policy.addressWindow
            record.consecutive = record.recent.filter { $0 > windowStart }.count
            wait = max(wait, remaining(record, free: policy.freeFailuresPerAddress, cap: policy.maximumAddressDelay, now: now))
        }
        return wait
    }

    func failed(login: String, address: String) {
        let now = clock.now
        if logins.count >= capacity || addresses.count >= capacity { forgetOldest() }
        var record = logins[login] ?? Record(lastFailure: now)
        record.consecutive += 1
        record.lastFailure = now
        let hourAgo = now - .seconds(3600)
        record.recent = record.recent.filter { $0 > hourAgo } + [now]
        logins[login] = record
        var byAddress = addresses[address] ?? Record(lastFailure: now)
        let windowStart = now - policy.addressWindow
        byAddress.recent = byAddress.recent.filter { $0 > windowStart }.suffix(200) + [now]
        byAddress.lastFailure = now
        addresses[address] = byAddress
    }

    /// A right password clears the login's delays (not the address's: see `ThrottlePolicy`).
    func succeeded(login: String, address: String) {
        logins[login] = nil
    }

    /// The delay after `record`'s failures: none for the first `free`, then 1 s,
    /// 2 s, 4 s… up to `cap`, counted from the last failure.
    private func remaining(_ record: Record, free: Int, cap: Duration, now: ContinuousClock.Instant) -> Duration {
        guard record.consecutive >= free else { return .zero }
        let exponent = min(record.consecutive - free, 20)
        let delay = min(Duration.seconds(1 << exponent), cap)
        let elapsed = now - record.lastFailure
        return elapsed >= delay ? .zero : delay - elapsed
    }

    private func forgetOldest() {
        let hourAgo = clock.now - .seconds(3600)
        logins = logins.filter { $0.value.lastFailure > hourAgo }
        addresses = addresses.filter { $0.value.lastFailure > hourAgo }
    }
}
