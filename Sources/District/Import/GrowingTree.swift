import EventLog

/// The right edge of a Merkle tree (RFC 6962) being extended leaf by leaf:
/// the roots of its perfect subtrees, largest first. The district keeps one per
/// school, so that a bundle's new events give the new root without re-reading
/// what is held.
struct GrowingTree {
    private(set) var size: UInt64
    private(set) var nodes: [Digest32]

    init(size: UInt64 = 0, nodes: [Digest32] = []) {
        self.size = size
        self.nodes = nodes
    }

    var isWellFormed: Bool { nodes.count == size.nonzeroBitCount }

    mutating func append(eventHash: Digest32) {
        var node = Merkle.leafHash(eventHash)
        var s = size
        while s & 1 == 1 {
            node = Merkle.nodeHash(nodes.removeLast(), node)
            s >>= 1
        }
        nodes.append(node)
        size += 1
    }

    var root: Digest32 {
        guard var acc = nodes.last else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { acc = Merkle.nodeHash(node, acc) }
        return acc
    }
}
