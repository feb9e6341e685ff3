import EventLog
import Foundation

/// The right edge of a Merkle tree (RFC 6962) being built from the left: the
/// roots of its perfect subtrees with their heights, largest first. Unlike the
/// log's own frontier it also takes whole subtrees, so that ranges hashed on
/// several threads join into one tree.
struct MerkleEdge: Sendable, Equatable {
    private(set) var nodes: [(level: Int, hash: Digest32)] = []

    static func == (a: MerkleEdge, b: MerkleEdge) -> Bool {
        a.nodes.elementsEqual(b.nodes) { $0.level == $1.level && $0.hash == $1.hash }
    }

    init() {}

    /// The edge of a tree of `size` leaves whose perfect subtrees are `hashes`,
    /// largest first (one per set bit of `size`), as an export's prefix gives them.
    init?(size: UInt64, hashes: [Digest32]) {
        guard hashes.count == size.nonzeroBitCount else { return nil }
        var i = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            nodes.append((level, hashes[i]))
            i += 1
        }
    }

    var size: UInt64 { nodes.reduce(0) { $0 + (UInt64(1) << UInt64($1.level)) } }
    var hashes: [Digest32] { nodes.map(\.hash) }

    @inline(__always)
    mutating func appendLeaf(eventHash: Digest32) {
        append(level: 0, hash: Merkle.leafHash(eventHash))
    }

    /// Adds a perfect subtree of 2^level leaves that starts where the tree ends.
    mutating func append(level: Int, hash: Digest32) {
        var level = level, hash = hash
        while let last = nodes.last, last.level == level {
            nodes.removeLast()
            hash = Merkle.nodeHash(last.hash, hash)
            level += 1
        }
        nodes.append((level, hash))
    }

    /// Adds another edge that starts where this tree ends.
    mutating func append(_ other: MerkleEdge) {
        for node in other.nodes { append(level: node.level, hash: node.hash) }
    }

    var root: Digest32 {
        guard var acc = nodes.last?.hash else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { acc = Merkle.nodeHash(node.hash, acc) }
        return acc
    }
}
