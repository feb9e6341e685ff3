import Crypto
import Foundation

/// The Merkle tree hashing of RFC 6962 §2.1 over the log's event hashes: the
/// leaf of event #s is at index s − 1 and its data is the event's 32-byte hash.
public enum Merkle {
    /// SHA-256 of no bytes: the root of the empty tree.
    public static let emptyRoot = sha256(UnsafeRawBufferPointer(start: nil, count: 0))

    /// SHA-256(0x00 ‖ event hash).
    @inline(__always)
    public static func leafHash(_ eventHash: Digest32) -> Digest32 {
        // Seven bytes of padding, then 0x00 ‖ hash: the last 33 bytes are hashed.
        var buffer = (UInt64(0), eventHash.a.bigEndian, eventHash.b.bigEndian, eventHash.c.bigEndian, eventHash.d.bigEndian)
        return withUnsafeBytes(of: &buffer) { sha256(UnsafeRawBufferPointer(rebasing: $0[7..<40])) }
    }

    /// SHA-256(0x01 ‖ left ‖ right).
    @inline(__always)
    public static func nodeHash(_ left: Digest32, _ right: Digest32) -> Digest32 {
        // Seven bytes of padding, then 0x01 ‖ left ‖ right: the last 65 bytes are hashed.
        var buffer = (UInt64(1).bigEndian, left.a.bigEndian, left.b.bigEndian, left.c.bigEndian, left.d.bigEndian,
                      right.a.bigEndian, right.b.bigEndian, right.c.bigEndian, right.d.bigEndian)
        return withUnsafeBytes(of: &buffer) { sha256(UnsafeRawBufferPointer(rebasing: $0[7..<72])) }
    }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    @inline(__always)
    static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    /// Checks that `proof` shows the event with `eventHash` at `sequence` in the
    /// tree of `treeSize` events whose root is `root` (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(
        eventHash: Digest32, sequence: UInt64, treeSize: UInt64, path: [Digest32], root: Digest32
    ) -> Bool {
        guard sequence >= 1, sequence <= treeSize else { return false }
        var fn = sequence - 1
        var sn = treeSize - 1
        var r = leafHash(eventHash)
        for p in path {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Checks that the tree of `secondSize` events with `secondRoot` extends the
    /// tree of `firstSize` events with `firstRoot` (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(
        firstSize: UInt64, firstRoot: Digest32, secondSize: UInt64, secondRoot: Digest32, path: [Digest32]
    ) -> Bool {
        guard firstSize <= secondSize else { return false }
        if firstSize == secondSize { return path.isEmpty && firstRoot == secondRoot }
        if firstSize == 0 { return path.isEmpty }
        var path = path
        if firstSize & (firstSize - 1) == 0 { path.insert(firstRoot, at: 0) }
        guard !path.isEmpty else { return false }
        var fn = firstSize - 1
        var sn = secondSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest
/// first. Appending a leaf merges equal-sized neighbours, so each append costs one
/// leaf hash plus, on average, one node hash; the root folds the edge.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    public private(set) var nodes: [Digest32] = []

    public init() {}

    init(size: UInt64, nodes: [Digest32]) {
        precondition(nodes.count == size.nonzeroBitCount)
        self.size = size
        self.nodes = nodes
    }

    /// The frontier of a tree of `size` leaves from stored or received nodes;
    /// nil when their number does not fit the size (one per set bit).
    public init?(size: UInt64, checking nodes: [Digest32]) {
        guard nodes.count == size.nonzeroBitCount else { return nil }
        self.init(size: size, nodes: nodes)
    }

    /// Adds the leaf of the next event; `completed` sees every perfect subtree the
    /// append completes, as (level, index at that level, hash).
    mutating func append(eventHash: Digest32, completed: (Int, UInt64, Digest32) throws -> Void) rethrows {
        var node = Merkle.leafHash(eventHash)
        var index = size
        var level = 0
        var s = size
        while s & 1 == 1 {
            node = Merkle.nodeHash(nodes.removeLast(), node)
            level += 1
            index >>= 1
            s >>= 1
            try completed(level, index, node)
        }
        nodes.append(node)
        size += 1
    }

    /// Adds the leaf of the next event.
    public mutating func append(eventHash: Digest32) {
        append(eventHash: eventHash) { _, _, _ in }
    }

    public var root: Digest32 {
        guard var acc = nodes.last else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { acc = Merkle.nodeHash(node, acc) }
        return acc
    }
}

/// A proof that an event is in the tree of a given size.
public struct InclusionProof: Codable, Hashable, Sendable {
    public var sequence: UInt64
    public var treeSize: UInt64
    public var path: [Digest32]

    public init(sequence: UInt64, treeSize: UInt64, path: [Digest32]) {
        self.sequence = sequence
        self.treeSize = treeSize
        self.path = path
    }
}

/// A proof that the tree of `toSize` events extends the tree of `fromSize`.
public struct ConsistencyProof: Codable, Hashable, Sendable {
    public var fromSize: UInt64
    public var toSize: UInt64
    public var path: [Digest32]

    public init(fromSize: UInt64, toSize: UInt64, path: [Digest32]) {
        self.fromSize = fromSize
        self.toSize = toSize
        self.path = path
    }
}

extension Digest32: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = Digest32(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not 64 hex digits: \(text)"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
