import Crypto
import EventLog
import Foundation

/// A proof that one event is in the log as a signed checkpoint saw it, as a
/// self-contained JSON file (docs/log-format.md, "Proofs").
public struct InclusionProofDocument: Codable, Sendable {
    public static let format = "letopis-inclusion-proof-v1"
    public var format = InclusionProofDocument.format
    public var school: String
    public var sequence: UInt64
    public var treeSize: UInt64
    /// The event's stored bytes, base64: what it says, and what its hash covers.
    public var stored: String
    public var eventHash: Digest32
    /// RFC 6962 audit path, leaf to root.
    public var path: [Digest32]
    public var root: Digest32
    public var checkpoint: SignedCheckpoint?

    /// The proof of `sequence` in the tree of `checkpoint` (its size), or of the
    /// whole log as it is now when there is none.
    public static func make(log: EventLog, sequence: UInt64, checkpoint: SignedCheckpoint?) throws -> InclusionProofDocument {
        let size = try checkpoint?.size ?? log.head()
        guard sequence >= 1, sequence <= size else {
            throw AuditError.invalid("event #\(sequence) is not in a tree of \(size) events")
        }
        guard let event = try log.event(at: sequence) else { throw AuditError.notFound("the log has no event #\(sequence)") }
        var stored = Data()
        try log.scanStored(from: sequence, through: sequence) { _, value in
            stored = Data(value)
            return false
        }
        let proof = try log.inclusionProof(sequence: sequence, treeSize: size)
        let root = try checkpoint?.root ?? log.merkleRoot(size: size).root
        return InclusionProofDocument(
            school: log.school, sequence: sequence, treeSize: size, stored: stored.base64EncodedString(),
            eventHash: event.hash, path: proof.path, root: root, checkpoint: checkpoint)
    }
}

/// A proof that the log of `toSize` events extends the log of `fromSize`
/// events: nothing of the first `fromSize` was changed, removed or reordered.
public struct ConsistencyProofDocument: Codable, Sendable {
    public static let format = "letopis-consistency-proof-v1"
    public var format = ConsistencyProofDocument.format
    public var school: String
    public var fromSize: UInt64
    public var toSize: UInt64
    public var fromRoot: Digest32
    public var toRoot: Digest32
    public var path: [Digest32]
    public var fromCheckpoint: SignedCheckpoint?
    public var toCheckpoint: SignedCheckpoint?

    public static func make(log: EventLog, from m: UInt64, to n: UInt64) throws -> ConsistencyProofDocument {
        guard m >= 1, m <= n else { throw AuditError.invalid("a consistency proof needs 1 ≤ --from ≤ --to (got \(m) and \(n))") }
        let proof = try log.consistencyProof(from: m, to: n)
        let book = try CheckpointBook(log: log)
        return ConsistencyProofDocument(
            school: log.school, fromSize: m, toSize: n, fromRoot: try log.merkleRoot(size: m).root,
            toRoot: try log.merkleRoot(size: n).root, path: proof.path,
            fromCheckpoint: try book.checkpoint(size: m), toCheckpoint: try book.checkpoint(size: n))
    }
}

/// The outcome of checking a proof: each check made, and whether all passed.
public struct ProofCheck: Sendable {
    public var passed: [String] = []
    public var failed: [String] = []
    public var warnings: [String] = []
    public var isValid: Bool { failed.isEmpty }

    mutating func expect(_ ok: Bool, _ pass: String, _ fail: String) {
        if ok { passed.append(pass) } else { failed.append(fail) }
    }
}

/// Checks proof files without a store: the audit path against the root, and
/// the root against a signed checkpoint and the school's public key.
public enum ProofVerifier {
    /// Checks a proof file's JSON (an inclusion or consistency proof, or a
    /// receipt holding several inclusion proofs). `checkpoint` replaces the one the proof
    /// carries; `publicKey` is the key the school published (without it the key
    /// named in the checkpoint is used, with a warning to compare it).
    public static func verify(json: Data, checkpoint: SignedCheckpoint? = nil, publicKey: Curve25519.Signing.PublicKey?) -> ProofCheck {
        var check = ProofCheck()
        let format = (try? JSONSerialization.jsonObject(with: json) as? [String: Any])?["format"] as? String
        let decoder = JSONDecoder()
        do {
            switch format {
            case InclusionProofDocument.format:
                let proof = try decoder.decode(InclusionProofDocument.self, from: json)
                verify(proof, checkpoint: checkpoint ?? proof.checkpoint, publicKey: publicKey, into: &check)
            case ReceiptDocument.format:
                let receipt = try decoder.decode(ReceiptDocument.self, from: json)
                verify(receipt, checkpoint: checkpoint, publicKey: publicKey, into: &check)
            case ConsistencyProofDocument.format:
                let proof = try decoder.decode(ConsistencyProofDocument.self, from: json)
                verify(proof, checkpoint: checkpoint, publicKey: publicKey, into: &check)
            default:
                check.failed.append("not a Letopis proof: format is \(format.map { "\"\($0)\"" } ?? "missing")")
            }
        } catch {
            check.failed.append("the proof cannot be read: \(error)")
        }
        return check
    }

    static func verify(_ p: InclusionProofDocument, checkpoint: SignedCheckpoint?, publicKey: Curve25519.Signing.PublicKey?, into check: inout ProofCheck) {
        if let stored = Data(base64Encoded: p.stored), stored.count > 64 + 41 {
            stored.withUnsafeBytes { raw in
                let hash = Digest32(bytes: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 32)...]))
                let sequence = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 33, as: UInt64.self))
                check.expect(sha256(UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 32)])) == hash && hash == p.eventHash,
                             "the event's stored bytes hash to \(hash.hex)", "the event's stored bytes do not hash to its event hash")
                check.expect(sequence == p.sequence, "the stored event is #\(sequence)",
                             "the stored event says it is #\(sequence), the proof says #\(p.sequence)")
            }
        } else {
            check.failed.append("the proof's stored event is not base64 of a stored event")
        }
        check.expect(Merkle.verifyInclusion(eventHash: p.eventHash, sequence: p.sequence, treeSize: p.treeSize, path: p.path, root: p.root),
                     "event #\(p.sequence) is in the tree of \(p.treeSize) events with root \(p.root.hex) (\(p.path.count) hashes)",
                     "the audit path does not lead from event #\(p.sequence) to the root \(p.root.hex)")
        verifyCheckpoint(checkpoint, school: p.school, size: p.treeSize, root: p.root, publicKey: publicKey, into: &check)
    }

    static func verify(_ p: ConsistencyProofDocument, checkpoint: SignedCheckpoint?, publicKey: Curve25519.Signing.PublicKey?, into check: inout ProofCheck) {
        check.expect(Merkle.verifyConsistency(firstSize: p.fromSize, firstRoot: p.fromRoot, secondSize: p.toSize,
                                              secondRoot: p.toRoot, path: p.path),
                     "the tree of \(p.toSize) events extends the tree of \(p.fromSize) (\(p.path.count) hashes)",
                     "the path does not show that the tree of \(p.toSize) extends the tree of \(p.fromSize)")
        // A checkpoint given on the command line vouches for whichever end it fits.
        let from = checkpoint?.size == p.fromSize ? checkpoint : p.fromCheckpoint
        let to = checkpoint?.size == p.toSize ? checkpoint : p.toCheckpoint
        if let checkpoint, checkpoint.size != p.fromSize, checkpoint.size != p.toSize {
            check.failed.append("the checkpoint given is of \(checkpoint.size) events, neither end of the proof")
        }
        if from == nil && to == nil {
            verifyCheckpoint(nil, school: p.school, size: p.toSize, root: p.toRoot, publicKey: publicKey, into: &check)
        }
        if let from { verifyCheckpoint(from, school: p.school, size: p.fromSize, root: p.fromRoot, publicKey: publicKey, into: &check) }
        if let to { verifyCheckpoint(to, school: p.school, size: p.toSize, root: p.toRoot, publicKey: publicKey, into: &check) }
    }

    static func verifyCheckpoint(
        _ checkpoint: SignedCheckpoint?, school: String, size: UInt64, root: Digest32,
        publicKey: Curve25519.Signing.PublicKey?, into check: inout ProofCheck
    ) {
        guard let checkpoint else {
            check.warnings.append("no signed checkpoint: the root \(root.hex) is not vouched for by the school")
            return
        }
        check.expect(checkpoint.school == school && checkpoint.size == size && checkpoint.root == root,
                     "the checkpoint of \(checkpoint.time.iso) signs that root for \(size) events",
                     "the checkpoint is of \(checkpoint.school), \(checkpoint.size) events, root \(checkpoint.root.hex): not this tree")
        let key = publicKey ?? (try? Curve25519.Signing.PublicKey(rawRepresentation: checkpoint.publicKey))
        if publicKey == nil {
            check.warnings.append("no public key given: used the one the checkpoint names (\(checkpoint.publicKeyBase64)); compare it with the key the school published")
        }
        check.expect(key.map(checkpoint.isSigned(by:)) ?? false,
                     "the checkpoint's Ed25519 signature is valid",
                     "the checkpoint's signature does not verify with the public key \(key.map { Data($0.rawRepresentation).base64EncodedString() } ?? "?")")
    }
}
