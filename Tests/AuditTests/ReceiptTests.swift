import EventLog
import Foundation
import ProgramRunner
import Testing
@testable import Audit

/// A record's receipt: its stream's events with inclusion proofs against the
/// latest signed checkpoint, the events newer than it named as not yet covered;
/// checked by `ProofVerifier` and by the built `letopis verify-proof`, which
/// still checks a single proof as before.
@Suite struct ReceiptTests {
    func append(_ log: EventLog, _ streams: [String]) async throws {
        try await log.append(streams.enumerated().map { i, stream in
            ProposedEvent(stream: stream, type: "Test", effectiveDate: CivilDate(iso: "2024-09-02")!, actor: teacher,
                          payload: Array("event \(i) of \(stream)".utf8), recordedAt: Timestamp(microseconds: Int64(1_000 + i)))
        })
    }

    @Test func aReceiptHoldsProofByProofAndNamesWhatNoCheckpointCoversYet() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        defer { log.close() }
        try await append(log, ["grade/M1", "grade/M2", "grade/M1", "lesson/x", "grade/M1"])
        let signer = try SchoolKeys.ensure(store: store, school: "s1")

        // No checkpoint yet: everything pending, nothing proved.
        let none = try ReceiptDocument.make(log: log, stream: "grade/M1", madeAt: .now())
        #expect(none.proofs.isEmpty && none.pending.map(\.sequence) == [1, 3, 5] && none.checkpointSize == nil)
        #expect(!ProofVerifier.verify(json: AuditJSON.encode(none), publicKey: signer.publicKey).isValid)

        // A checkpoint of four events: #1 and #3 proved, #5 pending with a warning.
        _ = try Checkpointer(log: log, signer: signer).checkpoint(size: 4)
        let partial = try ReceiptDocument.make(log: log, stream: "grade/M1", madeAt: .now())
        #expect(partial.proofs.map(\.sequence) == [1, 3] && partial.pending.map(\.sequence) == [5] && partial.checkpointSize == 4)
        #expect(partial.note.contains("#5") && partial.note.contains("next signed checkpoint"))
        let partialCheck = ProofVerifier.verify(json: AuditJSON.encode(partial), publicKey: signer.publicKey)
        #expect(partialCheck.isValid, "\(partialCheck.failed)")
        #expect(partialCheck.warnings.contains { $0.contains("#5") && $0.contains("not yet covered") }, "\(partialCheck.warnings)")

        // The whole log signed: every event proved against that checkpoint.
        let head = try Checkpointer(log: log, signer: signer).checkpointHead()
        let full = try ReceiptDocument.make(log: log, stream: "grade/M1", madeAt: .now())
        #expect(full.proofs.map(\.sequence) == [1, 3, 5] && full.pending.isEmpty && full.isComplete)
        #expect(full.proofs.allSatisfy { $0.checkpoint == head && $0.treeSize == head.size })
        let data = AuditJSON.encode(full, pretty: true)
        let check = ProofVerifier.verify(json: data, publicKey: signer.publicKey)
        #expect(check.isValid && check.warnings.isEmpty, "\(check.failed) \(check.warnings)")

        // Another record's event put in its place: refused, though its own proof holds.
        var swapped = full
        swapped.proofs[1] = try InclusionProofDocument.make(log: log, sequence: 2, checkpoint: head)
        let swappedCheck = ProofVerifier.verify(json: AuditJSON.encode(swapped), publicKey: signer.publicKey)
        #expect(swappedCheck.failed.contains { $0.contains("grade/M2") }, "\(swappedCheck.failed)")

        // The built program: the receipt holds, a byte changed does not, a single proof still does.
        let key = Data(signer.publicKey.rawRepresentation).base64EncodedString()
        let file = dir.path + "/receipt.json"
        try data.write(to: URL(fileURLWithPath: file))
        let run = try ProgramRunner.run(ProgramRunner.letopis, ["verify-proof", file, "--public-key", key])
        #expect(run.status == 0 && run.out.contains("The proof holds."), "\(run.out)\(run.err)")
        #expect(run.out.contains("#5: event #5 is in the tree"), "\(run.out)")

        var tampered = full
        var bytes = try #require(Data(base64Encoded: tampered.proofs[2].stored))
        bytes[bytes.count / 3] ^= 0x20
        tampered.proofs[2].stored = bytes.base64EncodedString()
        let bad = dir.path + "/tampered.json"
        try AuditJSON.encode(tampered).write(to: URL(fileURLWithPath: bad))
        let refused = try ProgramRunner.run(ProgramRunner.letopis, ["verify-proof", bad, "--public-key", key])
        #expect(refused.status == 1 && refused.out.contains("FAILED   #5:"), "\(refused.out)\(refused.err)")

        let single = dir.path + "/proof.json"
        try AuditJSON.encode(full.proofs[0]).write(to: URL(fileURLWithPath: single))
        let one = try ProgramRunner.run(ProgramRunner.letopis, ["verify-proof", single, "--public-key", key])
        #expect(one.status == 0 && one.out.contains("The proof holds."), "\(one.out)\(one.err)")
    }
}
