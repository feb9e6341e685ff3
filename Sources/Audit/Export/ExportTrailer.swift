import EventLog
import Foundation

/// The last line of an auditor's export of one school (docs/log-format.md,
/// "Export format"): the signed checkpoint of the tree ending at the last event
/// exported, the school's public key, and — when the export starts after event 1
/// — the roots of the perfect subtrees of events 1 … from − 1, so that the root
/// can be recomputed from the file alone.
public struct ExportTrailer: Codable, Sendable {
    public static let format = "letopis-export-checkpoint-v1"
    public var format = ExportTrailer.format
    public var school: String
    /// The first and last sequence of the events exported.
    public var from: UInt64
    public var to: UInt64
    /// The roots of the perfect subtrees of events 1 … from − 1, largest first:
    /// one per set bit of from − 1 (empty when from = 1).
    public var prefix: [Digest32]
    /// The root of events 1 … to, from the store's tree (the checkpoint signs it).
    public var root: Digest32
    /// Absent only when the store has no signing key and no checkpoint of `to`.
    public var checkpoint: SignedCheckpoint?
    /// The school's public key from the store, base64 of its 32 raw bytes.
    public var publicKey: String?

    /// The trailer of events `from` … `to` of `log`, with its checkpoint: the one
    /// recorded at `to`, or a fresh one signed now when the key is at hand.
    public static func make(store: Store, log: EventLog, from: UInt64, to: UInt64) throws -> ExportTrailer {
        let head = try log.head()
        guard from >= 1, from <= to, to <= head else {
            throw AuditError.invalid("cannot export events \(from)…\(to) of a log of \(head)")
        }
        let signer = try SchoolKeys.signerIfPresent(store: store, school: log.school)
        let checkpoint = try Checkpointer(log: log, signer: signer).checkpoint(size: to)
        let publicKey = (try? SchoolKeys.publicKey(store: store, school: log.school)).map { Data($0.rawRepresentation).base64EncodedString() }
        return ExportTrailer(
            school: log.school, from: from, to: to, prefix: try log.merkleFrontier(size: from - 1),
            root: try log.merkleRoot(size: to).root, checkpoint: checkpoint, publicKey: publicKey)
    }

    /// One line of JSON, keys sorted, without its line feed.
    public func json() -> String { AuditJSON.string(self) }
}
