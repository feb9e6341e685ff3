import Audit
import Crypto
import EventLog
import Foundation
import LMDB

/// The district's store: a Letopis store of kind `district` whose one LMDB
/// environment (`STORE/district/`) holds every imported school's events side by
/// side with what the district knows of each school (docs/district.md):
///
/// - `district.schools`: school id → `RegisteredSchool` (JSON): its public key
/// - `district.heads`: school id → `SchoolHead` (JSON): what is held of its log
/// - `district.events`: school id ‖ 0x00 ‖ sequence (u64 big-endian) → the stored event, byte for byte
/// - `district.bundles`: school id ‖ 0x00 ‖ bundle number (u64 big-endian) → `ImportedBundle` (JSON)
///
/// `@unchecked Sendable`: the handles are immutable after `init`, and LMDB
/// serializes writers itself (the environment is opened with `MDB_NOTLS`).
public final class DistrictStore: @unchecked Sendable {
    public let store: Store
    let environment: Environment
    let schools: Database
    let heads: Database
    let events: Database
    let bundles: Database

    static let tableNames = ["district.schools", "district.heads", "district.events", "district.bundles"]

    var environmentPath: String { store.path + "/district" }

    /// Makes a new district store in `path` (a new or empty directory).
    public static func create(at path: String) throws -> DistrictStore {
        let store = try Store.create(at: path, kind: .district)
        try FileManager.default.createDirectory(atPath: path + "/district", withIntermediateDirectories: true)
        return try DistrictStore(store: store, create: true)
    }

    public static func open(at path: String, readOnly: Bool = false) throws -> DistrictStore {
        let store = try Store.open(at: path)
        guard store.kind == .district else {
            throw DistrictError("\(path) is a \(store.kind.rawValue) store, not a district store (letopis district init makes one)")
        }
        return try DistrictStore(store: store, create: false, readOnly: readOnly)
    }

    private init(store: Store, create: Bool, readOnly: Bool = false) throws {
        self.store = store
        var options = Environment.Options()
        options.create = create
        options.readOnly = readOnly
        environment = try Environment(path: store.path + "/district", options: options)
        let make = create
        (schools, heads, events, bundles) = (
            try environment.database(Self.tableNames[0], create: make),
            try environment.database(Self.tableNames[1], create: make),
            try environment.database(Self.tableNames[2], create: make),
            try environment.database(Self.tableNames[3], create: make))
    }

    public func close() { environment.close() }

    // MARK: Schools

    /// Registers a school with its public key, got from the school by a trusted channel.
    public func register(school: String, publicKey: SchoolPublicKey, at time: Timestamp = .now()) throws {
        try Store.validate(schoolID: school)
        let row = RegisteredSchool(school: school, publicKey: Data(publicKey.rawRepresentation).base64EncodedString(), registeredAt: time.iso)
        try environment.write { txn in
            if let existing = try txn.get(schools, key: Array(school.utf8)) {
                let old = try DistrictJSON.decode(RegisteredSchool.self, existing)
                guard old.publicKey == row.publicKey else {
                    throw DistrictError("the school \(school) is registered with another key (\(old.publicKey)); a school's key is not replaced")
                }
                return
            }
            try txn.put(schools, key: Array(school.utf8), value: try DistrictJSON.encode(row))
        }
    }

    public func registered() throws -> [RegisteredSchool] {
        try environment.read { txn in
            var out: [RegisteredSchool] = []
            try txn.forEach(schools) { _, value in
                out.append(try DistrictJSON.decode(RegisteredSchool.self, value))
                return true
            }
            return out
        }
    }

    public func registered(_ school: String) throws -> RegisteredSchool? {
        try environment.read { txn in try txn.get(schools, key: Array(school.utf8)) }.map { try DistrictJSON.decode(RegisteredSchool.self, $0) }
    }

    // MARK: What is held

    public func head(of school: String) throws -> SchoolHead? {
        try environment.read { txn in try head(of: school, txn) }
    }

    func head(of school: String, _ txn: Transaction) throws -> SchoolHead? {
        try txn.get(heads, key: Array(school.utf8)).map { try DistrictJSON.decode(SchoolHead.self, $0) }
    }

    /// The schools whose events are held, sorted.
    public func heldSchools() throws -> [SchoolHead] {
        try environment.read { txn in
            var out: [SchoolHead] = []
            try txn.forEach(heads) { _, value in
                out.append(try DistrictJSON.decode(SchoolHead.self, value))
                return true
            }
            return out
        }
    }

    public func importedBundles(of school: String) throws -> [ImportedBundle] {
        try environment.read { txn in
            var out: [ImportedBundle] = []
            try txn.forEach(bundles, prefix: Array(school.utf8) + [0]) { _, value in
                out.append(try DistrictJSON.decode(ImportedBundle.self, value))
                return true
            }
            return out
        }
    }

    static func eventKey(_ school: String, _ sequence: UInt64) -> [UInt8] {
        Array(school.utf8) + [0] + withUnsafeBytes(of: sequence.bigEndian, Array.init)
    }

    static func bundleKey(_ school: String, _ number: UInt64) -> [UInt8] { eventKey(school, number) }

    /// Visits the held events of `school` from `from` in order (stored bytes,
    /// valid only during the call), in read transactions of at most 100,000 events.
    public func scanEvents(
        of school: String, from: UInt64 = 1, through: UInt64 = .max, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let prefix = Array(school.utf8) + [0]
        var next = max(from, 1)
        while next <= through {
            var more = false
            try environment.read { txn in
                var visited = 0
                try Self.eventKey(school, next).withUnsafeBytes { start in
                    try txn.forEach(events, from: start) { key, value in
                        guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                        let sequence = BigEndianKey.decode(key, at: prefix.count)
                        guard sequence <= through else { return false }
                        guard try body(sequence, value) else { return false }
                        next = sequence + 1
                        visited += 1
                        if visited == 100_000 { more = true; return false }
                        return true
                    }
                }
            }
            if !more { return }
        }
    }

    /// The held event `sequence` of `school`, decoded.
    public func event(of school: String, at sequence: UInt64) throws -> RecordedEvent? {
        try environment.read { txn in
            try txn.withValue(events, key: Self.eventKey(school, sequence)) { value in
                try value.map { try RecordedEvent(stored: $0, sequence: sequence) }
            }
        }
    }

    /// SHA-256 over every table's entries in key order: equal digests, equal stores.
    public func digest() throws -> String {
        try environment.read { txn in
            var hasher = SHA256()
            for (name, table) in zip(Self.tableNames, [schools, heads, events, bundles]) {
                hasher.update(data: Array(name.utf8) + [0])
                try txn.forEach(table) { key, value in
                    let lengths = [UInt32(key.count).bigEndian, UInt32(value.count).bigEndian]
                    lengths.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                    hasher.update(bufferPointer: key)
                    hasher.update(bufferPointer: value)
                    return true
                }
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// A school the district knows, with the key its checkpoints must be signed with.
public struct RegisteredSchool: Codable, Sendable, Equatable {
    public var school: String
    /// Base64 of the raw 32-byte Ed25519 key.
    public var publicKey: String
    public var registeredAt: String

    public var key: SchoolPublicKey? {
        Data(base64Encoded: publicKey).flatMap { try? SchoolPublicKey(rawRepresentation: $0) }
    }
}

/// What the district holds of one school's log.
public struct SchoolHead: Codable, Sendable, Equatable {
    public var school: String
    /// Events 1 … size are held.
    public var size: UInt64
    public var root: Digest32
    /// The hash of event #size (zero when none).
    public var lastHash: Digest32
    /// The roots of the perfect subtrees of the held tree, largest first.
    public var frontier: [Digest32]
    /// The school's checkpoint of the last bundle imported.
    public var checkpoint: SignedCheckpoint
    public var lastBundle: UInt64
    public var importedAt: String
}

/// A bundle the district imported.
public struct ImportedBundle: Codable, Sendable, Equatable {
    public var number: UInt64
    public var from: UInt64
    public var to: UInt64
    public var checkpoint: SignedCheckpoint
    /// SHA-256 of the file, hex.
    public var sha256: String
    public var file: String
    public var importedAt: String
}

/// A failure of the district's store or commands that a person can act on.
public struct DistrictError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
