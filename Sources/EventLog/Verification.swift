import Foundation
import LMDB

/// The result of re-checking a range of the log.
public struct VerificationReport: Sendable {
    public var school: String
    public var from: UInt64
    /// The last sequence checked (0 when the range was empty).
    public var through: UInt64
    public var count: UInt64
    public var headHash: Digest32
    /// The Merkle root of the first `through` events, recomputed from the events;
    /// present only when the check started at the first event.
    public var merkleRoot: Digest32?
    public var failure: VerificationFailure?

    public var isIntact: Bool { failure == nil }
}

/// The first place where the stored log does not check out.
public struct VerificationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var sequence: UInt64
    public var reason: String

    public var description: String { "event #\(sequence): \(reason)" }
}

extension EventLog {
    /// Recomputes the hash chain of events `from` through `through` (the whole
    /// log by default) and, from the first event, the Merkle tree, comparing it
    /// with the stored subtree hashes. Stops at the first failure and names it.
    /// `progress` is called now and then with the last sequence checked.
    public func verify(
        from: UInt64 = 1, through: UInt64 = .max, progress: ((UInt64) -> Void)? = nil
    ) throws -> VerificationReport {
        let from = max(from, 1)
        let last = min(through, try head())
        var report = VerificationReport(school: school, from: from, through: 0, count: 0,
                                        headHash: .zero, merkleRoot: nil, failure: nil)
        var previous = Digest32.zero
        if from > 1 {
            guard let anchor = try environment.read({ txn in try tables.eventHash(from - 1, txn) }) else {
                report.failure = VerificationFailure(sequence: from - 1, reason: "the event before the range is missing")
                return report
            }
            previous = anchor
        }
        var frontier = from == 1 ? MerkleFrontier() : nil
        var expected = from
        var failure: VerificationFailure?
        var storedNodes: [(level: Int, index: UInt64, hash: Digest32, sequence: UInt64)] = []
        try scanStored(from: from, through: last) { sequence, value in
            if sequence != expected {
                failure = VerificationFailure(sequence: expected, reason: "missing: the next stored event is #\(sequence)")
                return false
            }
            guard value.count >= 2 * EventCodec.hashSize + EventCodec.fixedHeaderSize else {
                failure = VerificationFailure(sequence: sequence, reason: "stored value is only \(value.count) bytes")
                return false
            }
            if EventCodec.storedPreviousHash(value) != previous {
                failure = VerificationFailure(sequence: sequence, reason: "its previous hash does not match the hash of #\(sequence - 1)")
                return false
            }
            let hash = EventCodec.storedHash(value)
            if EventCodec.recomputedHash(value) != hash {
                failure = VerificationFailure(sequence: sequence, reason: "its content does not match its hash (changed after it was written)")
                return false
            }
            if value[EventCodec.hashSize] != EventCodec.formatVersion
                || BigEndianKey.decode(value, at: EventCodec.hashSize + 1) != sequence {
                failure = VerificationFailure(sequence: sequence, reason: "its header does not match its position")
                return false
            }
            frontier?.append(eventHash: hash) { level, index, node in
                if level >= LogTables.storedMerkleLevel { storedNodes.append((level, index, node, sequence)) }
            }
            previous = hash
            expected = sequence + 1
            report.count += 1
            report.through = sequence
            if report.count % 1_000_000 == 0 { progress?(sequence) }
            return true
        }
        if failure == nil && expected <= last {
            failure = VerificationFailure(sequence: expected, reason: "missing from the store")
        }
        if failure == nil, !storedNodes.isEmpty {
            failure = try compareMerkleNodes(storedNodes)
        }
        report.headHash = previous
        report.merkleRoot = failure == nil ? frontier?.root : nil
        report.failure = failure
        progress?(report.through)
        return report
    }

    /// Compares recomputed subtree hashes with the stored ones; a stored node that
    /// differs means the tree was rewritten, and its last event is named.
    private func compareMerkleNodes(
        _ nodes: [(level: Int, index: UInt64, hash: Digest32, sequence: UInt64)]
    ) throws -> VerificationFailure? {
        try environment.read { txn in
            for node in nodes {
                let stored = try tables.merkleNode(level: node.level, index: node.index, txn)
                if stored != node.hash {
                    return VerificationFailure(
                        sequence: node.sequence,
                        reason: "the stored Merkle subtree \(node.level)/\(node.index) ending here does not match the events")
                }
            }
            return nil
        }
    }
}

extension EventLog {
    /// The Merkle root of the first `size` events (the whole log by default).
    public func merkleRoot(size: UInt64? = nil) throws -> (size: UInt64, root: Digest32) {
        try environment.read { txn in
            let head = try lastSequence(txn)
            let size = min(size ?? head, head)
            return (size, try tables.frontier(size: size, txn).root)
        }
    }

    /// A proof that event `sequence` is in the tree of the first `treeSize` events
    /// (RFC 6962 §2.1.1): log2(treeSize) hashes.
    public func inclusionProof(sequence: UInt64, treeSize: UInt64? = nil) throws -> InclusionProof {
        try environment.read { txn in
            let head = try lastSequence(txn)
            let size = treeSize ?? head
            guard sequence >= 1, sequence <= size, size <= head else {
                throw EventLogError.storage(operation: "making an inclusion proof",
                                            underlying: "event #\(sequence) is not in a tree of \(size) (the log has \(head))")
            }
            var path: [Digest32] = []
            try inclusionPath(index: sequence - 1, start: 0, count: size, txn, into: &path)
            return InclusionProof(sequence: sequence, treeSize: size, path: path)
        }
    }

    private func inclusionPath(index m: UInt64, start: UInt64, count n: UInt64, _ txn: Transaction, into path: inout [Digest32]) throws {
        guard n > 1 else { return }
        let k = Merkle.splitPoint(n)
        if m < k {
            try inclusionPath(index: m, start: start, count: k, txn, into: &path)
            path.append(try tables.rangeHash(start: start + k, count: n - k, txn))
        } else {
            try inclusionPath(index: m - k, start: start + k, count: n - k, txn, into: &path)
            path.append(try tables.rangeHash(start: start, count: k, txn))
        }
    }

    /// A proof that the tree of `to` events extends the tree of `from` events
    /// (RFC 6962 §2.1.2).
    public func consistencyProof(from m: UInt64, to n: UInt64) throws -> ConsistencyProof {
        try environment.read { txn in
            let head = try lastSequence(txn)
            guard m <= n, n <= head else {
                throw EventLogError.storage(operation: "making a consistency proof",
                                            underlying: "sizes \(m) → \(n) do not fit a log of \(head)")
            }
            var path: [Digest32] = []
            if m > 0 && m < n {
                try subproof(m: m, start: 0, count: n, complete: true, txn, into: &path)
            }
            return ConsistencyProof(fromSize: m, toSize: n, path: path)
        }
    }

    private func subproof(m: UInt64, start: UInt64, count n: UInt64, complete: Bool, _ txn: Transaction, into path: inout [Digest32]) throws {
        if m == n {
            if !complete { path.append(try tables.rangeHash(start: start, count: n, txn)) }
            return
        }
        let k = Merkle.splitPoint(n)
        if m <= k {
            try subproof(m: m, start: start, count: k, complete: complete, txn, into: &path)
            path.append(try tables.rangeHash(start: start + k, count: n - k, txn))
        } else {
            try subproof(m: m - k, start: start + k, count: n - k, complete: false, txn, into: &path)
            path.append(try tables.rangeHash(start: start, count: k, txn))
        }
    }
}
