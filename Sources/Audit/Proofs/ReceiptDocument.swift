import Crypto
import EventLog
import Foundation

/// A receipt for one record (a mark: the stream `grade/<id>`): every event of
/// its stream as stored, each with an inclusion proof against the school's
/// latest signed checkpoint — the proofs exactly as `letopis proof inclusion`
/// writes them, so that `letopis verify-proof` checks the receipt offline with
/// the school's public key. Events newer than that checkpoint are listed as
/// pending (their stored bytes, no proof): the next signed checkpoint covers
/// them, and a receipt asked for then proves them too. Nothing is signed on request.
public struct ReceiptDocument: Codable, Sendable {
    public static let format = "letopis-receipt-v1"
    public var format = ReceiptDocument.format
    public var school: String
    /// The record's stream, `grade/M000123`.
    public var stream: String
    /// When the receipt was made (UTC).
    public var madeAt: String
    /// The size of the checkpoint the proofs lead to (nil: none signed yet).
    public var checkpointSize: UInt64?
    /// The stream's events a signed checkpoint covers, oldest first.
    public var proofs: [InclusionProofDocument]
    /// The stream's events no signed checkpoint covers yet.
    public var pending: [PendingEvent]
    /// In words: what the receipt proves, and what it does not yet.
    public var note: String

    public struct PendingEvent: Codable, Sendable {
        public var sequence: UInt64
        /// The event's stored bytes, base64, as a proof carries them.
        public var stored: String
        public var eventHash: Digest32
    }

    public var isComplete: Bool { pending.isEmpty && !proofs.isEmpty }

    /// The receipt of `stream` as the log holds it now, against the latest
    /// signed checkpoint of the school (`CheckpointBook.latest`).
    public static func make(log: EventLog, stream: String, madeAt: Timestamp) throws -> ReceiptDocument {
        let events = try log.stream(stream)
        guard !events.isEmpty else { throw AuditError.notFound("the log has no stream \(stream)") }
        let latest = try CheckpointBook(log: log).latest()
        var proofs: [InclusionProofDocument] = []
        var pending: [PendingEvent] = []
        for event in events {
            if let latest, event.sequence <= latest.size {
                proofs.append(try InclusionProofDocument.make(log: log, sequence: event.sequence, checkpoint: latest))
            } else {
                var stored = Data()
                try log.scanStored(from: event.sequence, through: event.sequence) { _, value in
                    stored = Data(value)
                    return false
                }
                pending.append(PendingEvent(sequence: event.sequence, stored: stored.base64EncodedString(), eventHash: event.hash))
            }
        }
        let note: String
        switch (latest, pending.isEmpty) {
        case (nil, _):
            note = "The school has not signed a checkpoint yet: no event of \(stream) can be proved. The next signed checkpoint "
                + "(a period closed, a backup, letopis checkpoint) will cover them; ask for the receipt again then."
        case (let latest?, true):
            note = "Each of the \(proofs.count) events of \(stream) is proved in the school's signed checkpoint of \(latest.size) events."
        case (let latest?, false):
            note = "Events \(pending.map { "#\($0.sequence)" }.joined(separator: ", ")) of \(stream) are newer than the school's "
                + "latest signed checkpoint (\(latest.size) events) and are not yet covered: the next signed checkpoint will cover "
                + "them; ask for the receipt again then."
        }
        return ReceiptDocument(school: log.school, stream: stream, madeAt: madeAt.iso, checkpointSize: latest?.size,
                               proofs: proofs, pending: pending, note: note)
    }
}

extension ProofVerifier {
    /// Each proof of the receipt as a proof of its own, with the checks that
    /// tie them to the receipt: the same school, the receipt's stream.
    static func verify(_ r: ReceiptDocument, checkpoint: SignedCheckpoint?, publicKey: Curve25519.Signing.PublicKey?,
                       into check: inout ProofCheck) {
        if r.proofs.isEmpty {
            check.failed.append("the receipt proves no event: no signed checkpoint covered \(r.stream) when it was made")
        }
        for proof in r.proofs {
            var one = ProofCheck()
            check.expect(proof.school == r.school, "event #\(proof.sequence) is of \(r.school)",
                         "event #\(proof.sequence) is of \(proof.school), the receipt of \(r.school)")
            let stream = storedStream(proof.stored)
            check.expect(stream == r.stream, "event #\(proof.sequence) is of the stream \(r.stream)",
                         "event #\(proof.sequence) is of the stream \(stream ?? "?"), the receipt of \(r.stream)")
            verify(proof, checkpoint: checkpoint ?? proof.checkpoint, publicKey: publicKey, into: &one)
            check.passed += one.passed.map { "#\(proof.sequence): \($0)" }
            check.failed += one.failed.map { "#\(proof.sequence): \($0)" }
            for warning in one.warnings where !check.warnings.contains(warning) { check.warnings.append(warning) }
        }
        for event in r.pending {
            check.warnings.append("event #\(event.sequence) is not yet covered by a signed checkpoint: the next one will cover it")
        }
    }

    /// The stream named in an event's stored bytes (base64), if they follow the layout.
    static func storedStream(_ base64: String) -> String? {
        guard let stored = Data(base64Encoded: base64) else { return nil }
        return stored.withUnsafeBytes { raw in
            StoredEnvelope(raw).map { String(decoding: $0.stream, as: UTF8.self) }
        }
    }
}
