import EventLog
import Foundation
import Testing

@Suite struct MerkleTests {
    /// A log of `count` events and the hashes of its events in order.
    private func makeLog(_ count: Int, in dir: TemporaryDirectory) async throws -> (EventLog, [Digest32]) {
        let log = try EventLog.create(at: dir.path, school: "s1")
        var batch: [ProposedEvent] = []
        for i in 0..<count {
            batch.append(makeEvent(payload: "event \(i)"))
            if batch.count == 7 || i == count - 1 {
                try await log.append(batch)
                batch = []
            }
        }
        return (log, try log.events(from: 1).map(\.hash))
    }

    @Test func incrementalRootMatchesTheDefinition() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, hashes) = try await makeLog(70, in: dir)
        for size in 0...70 {
            #expect(try log.merkleRoot(size: UInt64(size)).root == referenceRoot(hashes[0..<size]), "size \(size)")
        }
    }

    @Test func inclusionProofsVerifyAndTamperedOnesDoNot() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, hashes) = try await makeLog(45, in: dir)
        for size in [1, 2, 3, 16, 17, 31, 32, 33, 45] {
            let root = referenceRoot(hashes[0..<size])
            for sequence in 1...size {
                let proof = try log.inclusionProof(sequence: UInt64(sequence), treeSize: UInt64(size))
                #expect(proof.path.count <= 64 - UInt64(size).leadingZeroBitCount)
                #expect(Merkle.verifyInclusion(eventHash: hashes[sequence - 1], sequence: UInt64(sequence),
                                               treeSize: UInt64(size), path: proof.path, root: root))
                let other = hashes[(sequence) % size]
                if size > 1 {
                    #expect(!Merkle.verifyInclusion(eventHash: other, sequence: UInt64(sequence),
                                                    treeSize: UInt64(size), path: proof.path, root: root))
                }
                if var bad = proof.path.first.map({ _ in proof.path }) {
                    bad[0].a ^= 1
                    #expect(!Merkle.verifyInclusion(eventHash: hashes[sequence - 1], sequence: UInt64(sequence),
                                                    treeSize: UInt64(size), path: bad, root: root))
                }
            }
        }
    }

    @Test func consistencyProofsVerifyAndTamperedOnesDoNot() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, hashes) = try await makeLog(40, in: dir)
        for n in 1...40 {
            for m in 1...n {
                let proof = try log.consistencyProof(from: UInt64(m), to: UInt64(n))
                let first = referenceRoot(hashes[0..<m])
                let second = referenceRoot(hashes[0..<n])
                #expect(Merkle.verifyConsistency(firstSize: UInt64(m), firstRoot: first, secondSize: UInt64(n),
                                                 secondRoot: second, path: proof.path), "\(m) → \(n)")
                if m < n {
                    // A first tree that differs (history rewritten) must not verify.
                    var forged = first
                    forged.d ^= 1
                    #expect(!Merkle.verifyConsistency(firstSize: UInt64(m), firstRoot: forged, secondSize: UInt64(n),
                                                      secondRoot: second, path: proof.path))
                }
            }
        }
    }
}

/// The hashes against values computed independently (Python's hashlib), so a
/// faster hashing path can never drift from RFC 6962.
@Suite struct KnownAnswerTests {
    @Test func leafNodeAndEmptyRoot() {
        let first = Digest32(Array(0..<32))!
        let second = Digest32(Array(32..<64))!
        #expect(Merkle.leafHash(first).hex == "699cacdb4c39d8e0bb1223352765a7f7acdc51dec6694f7b54c3d0a47f0cc409")
        #expect(Merkle.nodeHash(first, second).hex == "1a378704c17da31e2d05b6d121c2bb2c7d76f6ee6fa8f983e596c2d034963c57")
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
