import Foundation
import LMDB

/// The named databases of a log inside its school's environment.
///
/// - `log.events`: sequence (UInt64 big-endian) → stored event
/// - `log.ids`: event id (16 bytes) → sequence, for idempotent retries
/// - `log.streams`: stream (UTF-8) ‖ 0x00 ‖ version (UInt64 big-endian) → sequence
/// - `log.merkle`: level (1 byte) ‖ index (UInt64 big-endian) → subtree hash, for
///   every perfect subtree of 2^level leaves with level ≥ `storedMerkleLevel`
/// - `log.meta`: format version, school
struct LogTables: Sendable {
    static let metaName = "log.meta"
    static let formatKey = Array("format".utf8)
    static let schoolKey = Array("school".utf8)
    /// Subtrees of 16 leaves and up are stored (4 bytes per event in all); smaller
    /// ones are recomputed from the events' hashes when a proof needs them.
    static let storedMerkleLevel = 4

    let events: Database
    let ids: Database
    let streams: Database
    let merkle: Database
    let meta: Database

    init(environment: Environment, create: Bool) throws {
        (events, ids, streams, merkle, meta) = try storageCall("opening the log's tables") {
            (try environment.database("log.events", create: create),
             try environment.database("log.ids", create: create),
             try environment.database("log.streams", create: create),
             try environment.database("log.merkle", create: create),
             try environment.database(LogTables.metaName, create: create))
        }
    }

    /// The number of events in `stream` as the transaction sees it.
    func streamVersion(_ stream: String, _ txn: Transaction) throws -> UInt64 {
        var buffer: [UInt8] = []
        return try txn.withCursor(streams) { try LogTables.streamVersion(stream, cursor: $0, buffer: &buffer) }
    }

    /// `streamVersion` on an open cursor of the streams table, building the
    /// probe key in `buffer` (no allocation once it has grown).
    static func streamVersion(_ stream: String, cursor: Cursor, buffer: inout [UInt8]) throws -> UInt64 {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: stream.utf8)
        let prefixCount = buffer.count + 1
        buffer.append(1)  // sorts after every "stream ‖ 0x00 ‖ version" key
        return try buffer.withUnsafeBytes { probe in
            guard let (key, _) = try cursor.seekBefore(probe),
                  key.count == prefixCount + 8,
                  key[prefixCount - 1] == 0,
                  memcmp(key.baseAddress!, probe.baseAddress!, prefixCount - 1) == 0
            else { return 0 }
            return BigEndianKey.decode(key, at: prefixCount)
        }
    }

    static func merkleKey(level: Int, index: UInt64) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: 9)
        key[0] = UInt8(level)
        key.withUnsafeMutableBytes { $0.storeBytes(of: index.bigEndian, toByteOffset: 1, as: UInt64.self) }
        return key
    }

    func merkleNode(level: Int, index: UInt64, _ txn: Transaction) throws -> Digest32? {
        try txn.withValue(merkle, key: LogTables.merkleKey(level: level, index: index)) { value in
            value.flatMap { $0.count == 32 ? Digest32(bytes: $0) : nil }
        }
    }

    /// The stored hash of the event at `sequence`.
    func eventHash(_ sequence: UInt64, _ txn: Transaction) throws -> Digest32? {
        try txn.withValue(events, key: BigEndianKey(sequence)) { value in
            value.flatMap { $0.count >= 64 ? EventCodec.storedHash($0) : nil }
        }
    }

    /// The root of the perfect subtree of 2^level leaves at `index` of that level:
    /// stored when large, otherwise hashed from the events.
    func subtreeHash(level: Int, index: UInt64, _ txn: Transaction) throws -> Digest32 {
        if level >= LogTables.storedMerkleLevel {
            guard let node = try merkleNode(level: level, index: index, txn) else {
                throw EventLogError.storage(operation: "reading the Merkle tree",
                                            underlying: "node \(level)/\(index) is missing")
            }
            return node
        }
        let first = index << UInt64(level) + 1
        let count = UInt64(1) << UInt64(level)
        var level0: [Digest32] = []
        level0.reserveCapacity(Int(count))
        try txn.withCursor(events) { cursor in
            var entry = try BigEndianKey(first).withRawBytes { try cursor.seekExact($0) }
            while let (key, value) = entry, UInt64(level0.count) < count {
                guard BigEndianKey.decode(key) == first + UInt64(level0.count) else { break }
                level0.append(Merkle.leafHash(EventCodec.storedHash(value)))
                entry = try cursor.next()
            }
        }
        guard UInt64(level0.count) == count else {
            throw EventLogError.storage(operation: "reading the Merkle tree",
                                        underlying: "events \(first)…\(first + count - 1) are not all there")
        }
        var layer = level0
        while layer.count > 1 {
            layer = stride(from: 0, to: layer.count, by: 2).map { Merkle.nodeHash(layer[$0], layer[$0 + 1]) }
        }
        return layer[0]
    }

    /// MTH of the leaves [start, start + count) (RFC 6962 §2.1), from perfect subtrees.
    func rangeHash(start: UInt64, count: UInt64, _ txn: Transaction) throws -> Digest32 {
        precondition(count >= 1)
        if count & (count - 1) == 0 && start % count == 0 {
            return try subtreeHash(level: count.trailingZeroBitCount, index: start / count, txn)
        }
        if count == 1 { return try subtreeHash(level: 0, index: start, txn) }
        let k = Merkle.splitPoint(count)
        return Merkle.nodeHash(try rangeHash(start: start, count: k, txn),
                               try rangeHash(start: start + k, count: count - k, txn))
    }

    /// The frontier of the tree of the first `size` events, from stored nodes and,
    /// for the smallest subtrees, the events themselves.
    func frontier(size: UInt64, _ txn: Transaction) throws -> MerkleFrontier {
        var nodes: [Digest32] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            nodes.append(try subtreeHash(level: level, index: start >> UInt64(level), txn))
            start += UInt64(1) << UInt64(level)
        }
        return MerkleFrontier(size: size, nodes: nodes)
    }
}
