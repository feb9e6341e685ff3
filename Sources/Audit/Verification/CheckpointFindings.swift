import Crypto
import EventLog
import Foundation

/// One recorded checkpoint held against the log.
public struct CheckpointCheck: Sendable {
    public var checkpoint: SignedCheckpoint
    /// nil when it checks out; otherwise why not.
    public var problem: String?
    /// True when the signature is good (or was not checked) and the log gives another root
    /// for its size: the events it covers were changed.
    public var rootDiffers = false
}

/// What the school's recorded checkpoints say of a log as it stands: each one is a
/// signed statement "my log had these `size` events with this root", so a checkpoint
/// beyond the head means the log was cut, and one whose root the events no longer give
/// means they were rewritten, however carefully the hashes were recomputed.
public struct CheckpointFindings: Sendable {
    public var school: String
    /// The log's last event.
    public var head: UInt64
    /// The checkpoints of at most `head` events, by size.
    public var checks: [CheckpointCheck] = []
    /// The checkpoints of more events than the log holds, by size.
    public var beyondHead: [CheckpointCheck] = []
    /// False when no public key was at hand: signatures were not checked.
    public var signaturesChecked = false

    /// Holds every recorded checkpoint of `log` against `rootAt(size)`, the root the
    /// events give for that size (nil when they could not be checked that far).
    public static func check(
        log: EventLog, head: UInt64, publicKey: Curve25519.Signing.PublicKey?, rootAt: (UInt64) throws -> Digest32?
    ) throws -> CheckpointFindings {
        var findings = CheckpointFindings(school: log.school, head: head, signaturesChecked: publicKey != nil)
        for checkpoint in try CheckpointBook(log: log).all() {
            var check = CheckpointCheck(checkpoint: checkpoint)
            if checkpoint.school != log.school {
                check.problem = "it is a checkpoint of the school \(checkpoint.school)"
            } else if let publicKey, !checkpoint.isSigned(by: publicKey) {
                // A checkpoint the school did not sign proves nothing about the log, either way.
                check.problem = "its signature is not the school's (public key \(Data(publicKey.rawRepresentation).base64EncodedString()))"
            } else if checkpoint.size > head {
                check.problem = "the log ends at #\(head): the events \(head + 1)…\(checkpoint.size) are gone"
            } else if let root = try rootAt(checkpoint.size) {
                if root != checkpoint.root {
                    check.problem = "the events 1…\(checkpoint.size) give the root \(root.hex), the signed root is \(checkpoint.root.hex): the log was rewritten"
                    check.rootDiffers = true
                }
            } else {
                check.problem = "not checked: the log does not check out before #\(checkpoint.size)"
            }
            if checkpoint.size > head { findings.beyondHead.append(check) } else { findings.checks.append(check) }
        }
        return findings
    }

    public var isIntact: Bool {
        beyondHead.isEmpty && checks.allSatisfy { $0.problem == nil }
    }

    /// The checkpoints beyond the head whose signature holds (or was not checked).
    var cutBy: [SignedCheckpoint] {
        beyondHead.filter { $0.checkpoint.school == school && $0.problem?.hasPrefix("the log ends") == true }.map(\.checkpoint)
    }

    /// The largest checkpoint beyond the head whose signature holds (or was not checked).
    public var truncatedBy: SignedCheckpoint? { cutBy.last }

    /// "truncated: the log ends at #N, the school signed a checkpoint of M events at T".
    public var truncation: String? {
        guard let cut = truncatedBy else { return nil }
        var text = "truncated: the log ends at #\(head), the school signed a checkpoint of \(cut.size) events at \(cut.time.iso)"
        let more = cutBy.count - 1
        if more > 0 { text += " (and \(more) more checkpoint\(more == 1 ? "" : "s") beyond the head)" }
        return text
    }

    /// Where the log was rewritten: from just after the last checkpoint that still
    /// matches to the first one that does not. The roots cannot say which event in
    /// between was changed.
    public var rewrite: (from: UInt64, through: UInt64, checkpoint: SignedCheckpoint)? {
        guard let first = checks.firstIndex(where: \.rootDiffers) else { return nil }
        let lastGood = checks[..<first].last { $0.problem == nil }?.checkpoint.size ?? 0
        return (lastGood + 1, checks[first].checkpoint.size, checks[first].checkpoint)
    }

    /// "rewritten within #a…#b: …", or nil.
    public var rewriteText: String? {
        guard let r = rewrite else { return nil }
        let place = r.from == r.through ? "at #\(r.through)" : "within #\(r.from)…#\(r.through)"
        let anchor = r.from > 1 ? "; the checkpoint of \(r.from - 1) events still matches" : ""
        return "rewritten \(place): the events 1…\(r.through) no longer give the root the school signed at \(r.checkpoint.time.iso)\(anchor)"
    }

    /// The verdict's lines: truncation and rewrite first, then every other checkpoint that fails.
    public var problems: [String] {
        var out: [String] = []
        if let truncation { out.append(truncation) }
        if let rewriteText { out.append(rewriteText) }
        // The checkpoints past the head are all in the truncation line; a forged one is not.
        let named = Set(cutBy.map(\.size))
        for check in beyondHead + checks where check.problem != nil && !named.contains(check.checkpoint.size) {
            out.append("checkpoint of \(check.checkpoint.size) events (\(check.checkpoint.time.iso)): \(check.problem!)")
        }
        return out
    }
}
