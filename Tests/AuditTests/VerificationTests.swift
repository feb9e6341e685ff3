import Catalog
import EventLog
import Foundation
import LMDB
import Testing
@testable import Audit

@Suite(.serialized) struct VerificationTests {
    /// A log of `count` small events (not a school: the verifier reads bytes only).
    func bigLog(_ count: Int, in store: Store) async throws -> EventLog {
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        var next = 0
        while next < count {
            let batch = (next..<min(count, next + 10_000)).map { i in
                ProposedEvent(stream: "test/\(i % 97)", type: "Test", effectiveDate: CivilDate(iso: "2024-09-02")!,
                              actor: teacher, payload: Array("event number \(i)".utf8), recordedAt: Timestamp(microseconds: Int64(i)))
            }
            try await log.append(batch)
            next += batch.count
        }
        return log
    }

    @Test func aBigLogVerifiesOnSeveralThreadsWithItsCheckpoints() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let log = try await bigLog(140_000, in: store)
        defer { log.close() }
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let book = try CheckpointBook(log: log)
        for size: UInt64 in [1, 65_536, 100_003, 140_000] {
            try book.record(try signer.sign(size: size, root: log.merkleRoot(size: size).root, time: .now()))
        }
        let one = try LogVerifier.verify(log: log, publicKey: signer.publicKey, threads: 1)
        let two = try LogVerifier.verify(log: log, publicKey: signer.publicKey, threads: 2)
        #expect(one.isIntact && two.isIntact, "\(String(describing: one.failure)) \(String(describing: two.failure))")
        #expect(one.size == 140_000)
        #expect(one.root == (try log.merkleRoot()).root)
        #expect(two.root == one.root)
        #expect(two.checkpoints.count == 4 && two.checkpoints.allSatisfy { $0.problem == nil })
        #expect(try log.verify().merkleRoot == one.root)

        // A checkpoint signed by another key is named.
        let stranger = CheckpointSigner(school: "s1", key: .init())
        try book.record(try stranger.sign(size: 120_000, root: log.merkleRoot(size: 120_000).root, time: .now()))
        let forged = try LogVerifier.verify(log: log, publicKey: signer.publicKey)
        #expect(!forged.isIntact)
        #expect(forged.checkpoints.first { $0.checkpoint.size == 120_000 }?.problem?.contains("signature") == true)
    }

    @Test func aRewriteWithRecomputedHashesIsCaughtByTheSignedCheckpoint() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let log = try await bigLog(3_000, in: store)
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        try CheckpointBook(log: log).record(try signer.sign(size: 3_000, root: log.merkleRoot().root, time: .now()))
        #expect(try LogVerifier.verify(log: log, publicKey: signer.publicKey).isIntact)

        // Change event 1500's payload and recompute every later hash, as a forger would.
        try rewrite(log, from: 1_500) { stored in
            let text = Array("event number 1500".utf8)
            let at = stored.count - 32 - text.count
            stored[at] = UInt8(ascii: "E")
        }
        let report = try LogVerifier.verify(log: log, publicKey: signer.publicKey)
        #expect(report.failure == nil, "the chain itself was recomputed")
        #expect(!report.isIntact)
        #expect(report.checkpoints.first?.problem?.contains("rewritten") == true)
        log.close()
    }

    @Test func aChangedByteIsNamed() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let log = try await bigLog(70_000, in: store)
        defer { log.close() }
        try rewrite(log, from: 66_000, through: 66_000, rehash: false) { stored in stored[stored.count - 40] ^= 0x20 }
        let report = try LogVerifier.verify(log: log, publicKey: nil)
        #expect(report.failure?.sequence == 66_000)
        #expect(report.failure?.reason.contains("does not match its hash") == true)
    }

    /// Rewrites stored events in place; with `rehash`, recomputes the hash chain from `from` on.
    func rewrite(_ log: EventLog, from: UInt64, through: UInt64 = .max, rehash: Bool = true,
                 _ change: (inout [UInt8]) -> Void) throws {
        var values: [(UInt64, [UInt8])] = []
        try log.scanStored(from: from, through: through) { sequence, value in
            values.append((sequence, Array(value)))
            return true
        }
        var previous: [UInt8]?
        for i in values.indices {
            if i == 0 { change(&values[i].1) }
            if rehash {
                if let previous { values[i].1.replaceSubrange(0..<32, with: previous) }
                let body = values[i].1.dropLast(32)
                let hash = Array(body).withUnsafeBytes { sha256($0) }.bytes
                values[i].1.replaceSubrange((values[i].1.count - 32)..., with: hash)
                previous = hash
            }
        }
        let events = try log.environment.database("log.events", create: false)
        try log.environment.write { txn in
            for (sequence, value) in values { try txn.put(events, key: BigEndianKey(sequence), value: value) }
        }
    }
}

@Suite struct ProofTests {
    @Test func proofsHoldAndForgeriesDoNot() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        var school = RawSchool()
        school.setUp()
        for day in 2...20 { school.lesson(String(format: "2024-09-%02d", day), slot: 1, at: msk(String(format: "2024-09-%02d", day), 9)) }
        let log = try store.createLog(school: "s-raw", options: .init(durable: false))
        defer { log.close() }
        try await log.append(school.events)
        let signer = try SchoolKeys.ensure(store: store, school: "s-raw")
        let checkpointer = Checkpointer(log: log, signer: signer)
        let early = try #require(try checkpointer.checkpoint(size: 10))
        let late = try checkpointer.checkpointHead()

        let inclusion = try InclusionProofDocument.make(log: log, sequence: 7, checkpoint: late)
        let data = AuditJSON.encode(inclusion)
        let check = ProofVerifier.verify(json: data, publicKey: signer.publicKey)
        #expect(check.isValid && check.warnings.isEmpty, "\(check.failed)")
        #expect(inclusion.path.count <= 6)

        var badPath = inclusion
        badPath.path[0] = Merkle.emptyRoot
        #expect(!ProofVerifier.verify(json: AuditJSON.encode(badPath), publicKey: signer.publicKey).isValid)
        var otherEvent = inclusion
        otherEvent.stored = try InclusionProofDocument.make(log: log, sequence: 8, checkpoint: late).stored
        #expect(!ProofVerifier.verify(json: AuditJSON.encode(otherEvent), publicKey: signer.publicKey).isValid)
        let stranger = CheckpointSigner(school: "s-raw", key: .init())
        #expect(!ProofVerifier.verify(json: data, publicKey: stranger.publicKey).isValid)
        let strangersCheckpoint = try stranger.sign(size: late.size, root: late.root, time: late.time)
        let forged = ProofVerifier.verify(json: data, checkpoint: strangersCheckpoint, publicKey: signer.publicKey)
        #expect(forged.failed.contains { $0.contains("signature") })

        let consistency = try ConsistencyProofDocument.make(log: log, from: 10, to: late.size)
        #expect(consistency.fromCheckpoint == early && consistency.toCheckpoint == late)
        #expect(ProofVerifier.verify(json: AuditJSON.encode(consistency), publicKey: signer.publicKey).isValid)
        var shrunk = consistency
        shrunk.fromRoot = try log.merkleRoot(size: 9).root
        #expect(!ProofVerifier.verify(json: AuditJSON.encode(shrunk), publicKey: signer.publicKey).isValid)
    }
}
