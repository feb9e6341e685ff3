import Catalog
import EventLog
import Foundation

/// The school's credentials: each login's password hash and second factor.
///
/// A side table of the school's environment (`side.credentials`), outside the
/// log: the log records that a login was issued, activated, its password
/// changed or reset, a second factor enrolled or removed — never the hash or
/// the secret. So no export, bundle or audit copy of the log carries anything
/// an attacker could test passwords against; a backup (a copy of the whole
/// environment) does carry it, as it must to restore the school.
///
/// Keys are `<login> 0x00 <kind>`; values are small JSON documents.
public struct CredentialTable: Sendable {
    public static let name = "credentials"
    let table: SideTable

    public init(log: EventLog) throws {
        table = try log.sideTable(Self.name)
    }

    // MARK: What a login's credential is

    public struct Password: Codable, Sendable, Hashable {
        /// `pbkdf2-sha256$<rounds>$<salt>$<hash>` (see `PasswordHasher`).
        public var hash: String
        /// A temporary password (a slip's, or after a reset): it only leads to
        /// setting one's own, which replaces it; it expires after 30 days.
        public var temporary: Bool
        /// When it was set, microseconds since the Unix epoch.
        public var setAt: Int64

        public init(hash: String, temporary: Bool, setAt: Timestamp) {
            self.hash = hash
            self.temporary = temporary
            self.setAt = setAt.microseconds
        }

        /// A temporary password is good for this long after it was issued.
        public static let temporaryValidity: Int64 = 30 * 86_400 * 1_000_000

        public func expired(at now: Timestamp) -> Bool {
            temporary && now.microseconds - setAt > Self.temporaryValidity
        }
    }

    /// An authenticator app's shared secret (TOTP, RFC 6238), the last time step
    /// a code was accepted for (a code is good once), and the hashes of the
    /// one-time recovery codes not used yet.
    public struct SecondFactor: Codable, Sendable, Hashable {
        public var secret: String
        public var lastStep: Int64
        public var recoveryCodeHashes: [String]

        public init(secret: String, lastStep: Int64 = 0, recoveryCodeHashes: [String]) {
            self.secret = secret
            self.lastStep = lastStep
            self.recoveryCodeHashes = recoveryCodeHashes
        }
    }

    // MARK: Reading

    public func password(of login: String, in log: EventLog) throws -> Password? {
        try decode(Password.self, try log.value(in: table, key: Self.key(login, .password)))
    }

    public func secondFactor(of login: String, in log: EventLog) throws -> SecondFactor? {
        try decode(SecondFactor.self, try log.value(in: table, key: Self.key(login, .secondFactor)))
    }

    /// What a password is to a login's credential.
    public enum PasswordCheck: Sendable, Hashable {
        case matches(Password)
        /// The right temporary password, too late: a new one must be issued.
        case expired
        /// Wrong, or no such login (the two take as long and say the same).
        case wrong
    }

    /// Checks a password; slow on purpose (PBKDF2): call it off the threads
    /// that answer requests. For a login without a password the check runs
    /// against a decoy hash, so that it takes as long as for a real one.
    public func check(login: String, password: String, in log: EventLog, at now: Timestamp,
                      decoy: String = PasswordHasher.decoy) throws -> PasswordCheck {
        guard let stored = try self.password(of: login, in: log) else {
            _ = PasswordHasher.verify(password, against: decoy)
            return .wrong
        }
        guard PasswordHasher.verify(password, against: stored.hash) else { return .wrong }
        return stored.expired(at: now) ? .expired : .matches(stored)
    }

    /// Every login with a password on record.
    public func logins(in log: EventLog) throws -> [String] {
        try log.entries(in: table).compactMap { entry in
            guard entry.key.last == Kind.password.rawValue, entry.key.count >= 2 else { return nil }
            return String(decoding: entry.key.dropLast(2), as: UTF8.self)
        }
    }

    // MARK: Writing

    /// The side writes that make a credential change.
    func writes(for change: CredentialChange) -> [SideWrite] {
        switch change {
        case .password(let login, let password):
            return [SideWrite(table, key: Self.key(login, .password), value: encode(password))]
        case .secondFactor(let login, let factor):
            return [SideWrite(table, key: Self.key(login, .secondFactor), value: factor.map(encode))]
        }
    }

    /// Writes credential changes that no event goes with (a hash upgraded to the
    /// current rounds, a used recovery code, the last TOTP step).
    public func write(_ changes: [CredentialChange], to log: EventLog) async throws {
        try await log.write(changes.flatMap(writes(for:)))
    }

    // MARK: Encoding

    enum Kind: UInt8 {
        case password = 0x70       // "p"
        case secondFactor = 0x74   // "t"
    }

    static func key(_ login: String, _ kind: Kind) -> [UInt8] {
        Array(login.utf8) + [0, kind.rawValue]
    }

    private func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding these plain structs cannot fail.
        return Array(try! encoder.encode(value))
    }

    private func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]?) throws -> T? {
        guard let bytes else { return nil }
        return try JSONDecoder().decode(type, from: Data(bytes))
    }
}

/// A change of a login's credentials, decided by a command with the events
/// that record that it happened.
public enum CredentialChange: Sendable, Hashable {
    case password(login: String, CredentialTable.Password)
    /// nil removes the second factor.
    case secondFactor(login: String, CredentialTable.SecondFactor?)
}

extension CredentialTable {
    /// Marks a table whose store's early hashes were moved out of the log.
    static let legacyMovedKey: [UInt8] = [0] + Array("legacy-hashes-moved".utf8)

    /// Stores made before credentials left the log keep password hashes in the
    /// payloads of their login events: moves the latest of each login into the
    /// table (once per store; a login that already has an entry keeps it).
    /// The events themselves cannot change — the log is hash-chained — so such
    /// a store's exports still carry those old hashes (docs/auditors.md).
    /// Returns how many hashes were moved.
    @discardableResult
    public func moveLegacyHashes(of logins: some Sequence<String>, in log: EventLog) async throws -> Int {
        guard try log.value(in: table, key: Self.legacyMovedKey) == nil else { return 0 }
        var writes: [SideWrite] = []
        for login in logins where try password(of: login, in: log) == nil {
            var latest: Password?
            for event in try log.stream(Streams.login(login)) {
                switch try event.decoded() {
                case .loginIssued(let e) where !e.passwordHash.isEmpty:
                    latest = Password(hash: e.passwordHash, temporary: true, setAt: event.recordedAt)
                case .passwordReset(let e) where !e.passwordHash.isEmpty:
                    latest = Password(hash: e.passwordHash, temporary: true, setAt: event.recordedAt)
                case .passwordChanged(let e) where !e.passwordHash.isEmpty:
                    latest = Password(hash: e.passwordHash, temporary: false, setAt: event.recordedAt)
                default:
                    break
                }
            }
            if let latest { writes += self.writes(for: .password(login: login, latest)) }
        }
        let moved = writes.count
        writes.append(SideWrite(table, key: Self.legacyMovedKey, value: [1]))
        try await log.write(writes)
        return moved
    }
}
