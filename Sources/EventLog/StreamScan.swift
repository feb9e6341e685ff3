import Foundation
import LMDB

// Read accessors over the streams index for the audit engine: an as-of view of
// one class reads the few streams it needs (`lesson/<unit>/…`, `student/…`)
// instead of the whole log.

extension EventLog {
    /// Visits, in key order, every (stream, sequence) of the events in streams
    /// whose name starts with `prefix`, until `body` returns false. Streams sort
    /// by name, and a stream's events by version.
    public func forEachStreamEvent(prefix: String, _ body: (String, UInt64) throws -> Bool) throws {
        let prefixBytes = Array(prefix.utf8)
        try environment.read { txn in
            try prefixBytes.withRawBytes { start in
                try txn.forEach(tables.streams, from: start.count == 0 ? nil : start) { key, value in
                    guard key.starts(with: prefixBytes), key.count >= 9 else { return false }
                    let stream = String(decoding: UnsafeRawBufferPointer(rebasing: key[..<(key.count - 9)]), as: UTF8.self)
                    return try body(stream, BigEndianKey.decode(value))
                }
            }
        }
    }

    /// The events with these sequences, read in one transaction; missing ones are left out.
    public func events(at sequences: [UInt64]) throws -> [RecordedEvent] {
        try environment.read { txn in
            var out: [RecordedEvent] = []
            out.reserveCapacity(sequences.count)
            try txn.withCursor(tables.events) { cursor in
                for sequence in sequences {
                    guard let entry = try BigEndianKey(sequence).withRawBytes({ try cursor.seekExact($0) }) else { continue }
                    out.append(try EventCodec.decode(entry.value, sequence: sequence))
                }
            }
            return out
        }
    }
}

extension EventLog {
    /// The roots of the perfect subtrees that make up the tree of the first
    /// `size` events, largest first (one per set bit of `size`): the compact
    /// range an export carries for the events before its first.
    public func merkleFrontier(size: UInt64) throws -> [Digest32] {
        try environment.read { txn in
            guard size <= (try lastSequence(txn)) else {
                throw EventLogError.storage(operation: "reading the Merkle tree", underlying: "the log has fewer than \(size) events")
            }
            return try tables.frontier(size: size, txn).nodes
        }
    }
}
