import Foundation
import Hummingbird
import ServiceLifecycle

/// The server-side session store: hummingbird-auth's `SessionStorage` keeps
/// its sessions here, and the server asks it for a person's sessions (to list
/// them, end one, or end them all when a login is blocked).
///
/// In memory: a restart of the server signs everyone out, and nothing of a
/// session is ever written to disk.
actor SessionStore: PersistDriver {
    private struct Entry {
        var value: any Sendable
        var expires: Date?
        /// school/login, for sessions of people.
        var owner: String?
    }

    private var entries: [String: Entry] = [:]
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    static func owner(school: String, login: String) -> String { "\(school)/\(login)" }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        purge(key)
        guard entries[key] == nil else { throw PersistError.duplicate }
        try await set(key: key, value: value, expires: expires)
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let owner = (value as? SignedInSession).map { Self.owner(school: $0.school, login: $0.login) }
        let kept = entries[key]?.expires
        entries[key] = Entry(value: value, expires: expires.map { now().addingTimeInterval(Self.seconds($0)) } ?? kept, owner: owner)
    }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        purge(key)
        guard let entry = entries[key] else { return nil }
        guard let object = entry.value as? Object else { throw PersistError.invalidConversion }
        return object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        purge(key)
        guard let entry = entries[key] else { return nil }
        guard let object = entry.value as? Object else { throw PersistError.invalidConversion }
        return (object, entry.expires.map { .milliseconds(Int64($0.timeIntervalSince(now()) * 1000)) })
    }

    func remove(key: String) async throws {
        entries[key] = nil
    }

    /// The live sessions of one login, with their keys.
    func sessions(school: String, login: String) -> [(key: String, session: SignedInSession)] {
        let owner = Self.owner(school: school, login: login)
        return entries.compactMap { key, entry in
            guard entry.owner == owner, !expired(entry), let session = entry.value as? SignedInSession else { return nil }
            return (key, session)
        }.sorted { $0.session.signedInAt > $1.session.signedInAt }
    }

    /// Ends every session of a login (blocked, consent withdrawn, password changed elsewhere).
    @discardableResult
    func endAll(school: String, login: String, except kept: String? = nil) -> Int {
        let owner = Self.owner(school: school, login: login)
        let ended = entries.filter { $0.value.owner == owner && $0.key != kept }.map(\.key)
        for key in ended { entries[key] = nil }
        return ended.count
    }

    var count: Int { entries.values.filter { !expired($0) }.count }

    /// Drops expired sessions every minute, until the server shuts down
    /// (gracefully, as on SIGTERM: a service that waited for cancellation alone
    /// would keep the server from ever stopping).
    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                await self.dropExpired()
            }
        }
    }

    private func dropExpired() {
        entries = entries.filter { !expired($0.value) }
    }

    private func expired(_ entry: Entry) -> Bool { entry.expires.map { $0 <= now() } ?? false }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func purge(_ key: String) {
        if let entry = entries[key], expired(entry) { entries[key] = nil }
    }
}
