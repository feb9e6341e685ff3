import Foundation
import Synchronization

/// Remembers what view queries answered (rendered bytes, say), each with the
/// rows it read, and forgets an answer as soon as the projections change any
/// of those rows. A journal or a diary week is read far more often than it
/// changes: a repeated read costs a lookup instead of the query and its
/// rendering, and is never stale.
///
/// Reads are recorded by `RecordingViewSource` as buckets: an exact row (table,
/// key) or a scanned prefix (table, prefix). The runner reports every row a
/// batch wrote (`ViewChangeObserver`), which moves the buckets of the row and
/// of each of its prefixes to the batch's position. An answer computed from a
/// snapshot at position P holds while none of its buckets moved past P. Buckets
/// are hashed into a fixed table: two rows sharing a bucket only cost a miss.
///
/// Projections another process wrote (a command line catching up the views)
/// are not reported here: when the views' position is not the one the cache
/// last saw, everything is forgotten.
public final class ViewCache: ViewChangeObserver, Sendable {
    private struct Entry {
        var value: Data
        var position: UInt64
        var buckets: [Int]
        var epoch: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var bytes = 0
        var buckets: [UInt64]
        /// Per table, the prefix lengths answers scanned by: a write moves the
        /// buckets of its prefixes of those lengths only.
        var prefixLengths: [Int: Set<Int>] = [:]
        var epoch: UInt64 = 0
        /// The views' position after the last batch reported (or the last flush).
        var watermark: UInt64
    }

    private let state: Mutex<State>
    private let bucketMask: Int
    private let maximumBytes: Int

    public init(position: UInt64, buckets: Int = 1 << 18, maximumBytes: Int = 64 << 20) {
        precondition(buckets > 0 && buckets & (buckets - 1) == 0, "buckets: a power of two")
        bucketMask = buckets - 1
        self.maximumBytes = maximumBytes
        state = Mutex(State(buckets: Array(repeating: 0, count: buckets), watermark: position))
    }

    /// The answer remembered for `key`, if it still holds with the views at `position`.
    public func value(for key: String, viewsAt position: UInt64) -> Data? {
        state.withLock { state in
            if position != state.watermark { Self.flush(&state, to: position) }
            guard let entry = state.entries[key], entry.epoch == state.epoch,
                  entry.buckets.allSatisfy({ state.buckets[$0] <= entry.position }) else { return nil }
            return entry.value
        }
    }

    /// Remembers an answer computed from the views at `position`, having read `reads`.
    public func store(_ value: Data, for key: String, computedAt position: UInt64, reads: ViewReads) {
        let buckets = reads.buckets(mask: bucketMask)
        state.withLock { state in
            guard value.count <= maximumBytes / 4 else { return }
            var newLength = false
            for (table, prefix) in reads.prefixes {
                newLength = state.prefixLengths[table, default: []].insert(prefix.count).inserted || newLength
            }
            // A batch reported after this answer's snapshot did not move buckets of a
            // prefix length seen only now: such an answer cannot be vouched for.
            if newLength && position < state.watermark { return }
            if let old = state.entries[key] { state.bytes -= old.value.count } else { state.order.append(key) }
            state.entries[key] = Entry(value: value, position: position, buckets: buckets, epoch: state.epoch)
            state.bytes += value.count
            while state.bytes > maximumBytes, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                if let gone = state.entries.removeValue(forKey: oldest) { state.bytes -= gone.value.count }
            }
        }
    }

    public func viewsChanged(from: UInt64, to: UInt64, rows: [(table: Int, key: RowKey)]) {
        let lengths = state.withLock { $0.prefixLengths }
        var moved: [Int] = []
        moved.reserveCapacity(rows.count * 4)
        for (table, key) in rows {
            ViewReads.bucketsOfWrite(table: table, key: key.bytes, prefixLengths: lengths[table] ?? [], mask: bucketMask, into: &moved)
        }
        state.withLock { state in
            // A prefix length first seen after `lengths` was read: its answers were
            // stored meanwhile and may miss this batch's moves; forget them.
            if state.prefixLengths != lengths { Self.flush(&state, to: from) }
            // Batches another process applied in between are not known here.
            if from != state.watermark { Self.flush(&state, to: from) }
            for bucket in moved where state.buckets[bucket] < to { state.buckets[bucket] = to }
            state.watermark = to
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    private static func flush(_ state: inout State, to position: UInt64) {
        state.entries.removeAll(keepingCapacity: true)
        state.order.removeAll(keepingCapacity: true)
        state.bytes = 0
        state.epoch &+= 1
        state.watermark = position
    }
}

/// Told what a batch of projections changed: the views moved from position
/// `from` to `to`, and these rows were written or removed.
public protocol ViewChangeObserver: Sendable {
    func viewsChanged(from: UInt64, to: UInt64, rows: [(table: Int, key: RowKey)])
}

/// What a view query read: exact rows, and scanned prefixes.
public struct ViewReads: Sendable {
    var rows: [(table: Int, key: [UInt8])] = []
    var prefixes: [(table: Int, prefix: [UInt8])] = []

    func buckets(mask: Int) -> [Int] {
        var out = Set<Int>()
        for (table, key) in rows { out.insert(Self.bucket(table: table, kind: 1, bytes: key[...], mask: mask)) }
        for (table, prefix) in prefixes { out.insert(Self.bucket(table: table, kind: 2, bytes: prefix[...], mask: mask)) }
        return Array(out)
    }

    /// A written row moves its own bucket and the bucket of each of its prefixes
    /// of a length some answer scanned by (the empty prefix included).
    static func bucketsOfWrite(table: Int, key: [UInt8], prefixLengths: Set<Int>, mask: Int, into out: inout [Int]) {
        out.append(bucket(table: table, kind: 1, bytes: key[...], mask: mask))
        for length in prefixLengths where length <= key.count {
            out.append(bucket(table: table, kind: 2, bytes: key[..<length], mask: mask))
        }
    }

    /// FNV-1a over the table, the kind of read, and the bytes.
    static func bucket(table: Int, kind: UInt8, bytes: ArraySlice<UInt8>, mask: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in [UInt8(truncatingIfNeeded: table), UInt8(truncatingIfNeeded: table >> 8), kind] {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    }
}

/// A view source that notes what a query reads, for `ViewCache`.
public final class RecordingViewSource: ViewSource {
    let base: any ViewSource
    public private(set) var reads = ViewReads()

    public init(_ base: any ViewSource) {
        self.base = base
    }

    public func get<Row: RowCodable>(_ table: Table<Row>, _ key: RowKey) throws -> Row? {
        reads.rows.append((table.index, key.bytes))
        return try base.get(table, key)
    }

    public func scan<Row: RowCodable>(
        _ table: Table<Row>, prefix: RowKey, from start: RowKey?, _ body: (RowKey, Row) throws -> Bool
    ) throws {
        // What lies under the prefix, whether or not the scan went that far.
        reads.prefixes.append((table.index, prefix.bytes))
        try base.scan(table, prefix: prefix, from: start, body)
    }
}
