import Crypto
import EventLog
import Foundation
import LMDB

/// The witnesses' cosignatures a school holds, in its environment beside its
/// checkpoints (`audit.cosignatures`): tree size (u64 big-endian) ‖ the
/// witness's 32-byte key → the cosignature as one line of JSON. Not log events:
/// they are others' statements about the log, not facts the school records.
public struct CosignatureBook {
    static let tableName = "audit.cosignatures"

    public let log: EventLog
    let table: Database?

    public init(log: EventLog) throws {
        self.log = log
        table = try Self.open(log)
    }

    static func open(_ log: EventLog) throws -> Database? {
        do {
            return try log.environment.database(Self.tableName, create: !log.environment.options.readOnly)
        } catch where error == .notFound {
            return nil
        }
    }

    static func key(_ c: Cosignature) -> [UInt8] { AuditTables.sizeKey(c.size) + c.witnessKey }

    /// What `add` did.
    public enum Added: Sendable, Equatable {
        case added
        /// This witness's cosignature of that size was held already (the one held is kept).
        case alreadyHeld(Cosignature)
    }

    /// Stores a cosignature after checking that its signature is the witness's
    /// and that it is of a checkpoint the school recorded, whose tree is the log's.
    @discardableResult
    public func add(_ c: Cosignature) throws -> Added {
        guard let table else { throw AuditError.invalid("the log of \(log.school) is open read-only: cannot store a cosignature") }
        let what = "the cosignature by \(c.signer) of \(c.size) events of \(c.school)"
        guard c.isSelfConsistent else {
            throw AuditError.invalid("\(what) does not check: its signature is not the witness key's signature of its message")
        }
        guard c.school == log.school else {
            throw AuditError.invalid("\(what) is of the school \(c.school), not of \(log.school)")
        }
        guard let recorded = try CheckpointBook(log: log).checkpoint(size: c.size) else {
            throw AuditError.invalid("\(what) is of no checkpoint \(log.school) recorded: it has none of \(c.size) events")
        }
        guard recorded.root == c.root else {
            throw AuditError.invalid("\(what) is of the root \(c.root.hex), but the checkpoint \(log.school) recorded of \(c.size) events has the root \(recorded.root.hex)")
        }
        let head = try log.head()
        guard c.size <= head, try log.merkleRoot(size: c.size).root == c.root else {
            throw AuditError.invalid("\(what) is of the root \(c.root.hex), which the log of \(log.school) (\(head) events) does not have at \(c.size) events")
        }
        return try log.environment.write { txn in
            if let existing = try txn.get(table, key: Self.key(c)) {
                return .alreadyHeld(try Cosignature.parse(existing))
            }
            try txn.put(table, key: Self.key(c), value: Array(c.json().utf8))
            return .added
        }
    }

    /// Every cosignature held, by size, then by witness key.
    public func all() throws -> [Cosignature] {
        guard let table else { return [] }
        return try log.environment.read { txn in
            var out: [Cosignature] = []
            try txn.forEach(table) { _, value in
                out.append(try Cosignature.parse(value))
                return true
            }
            return out
        }
    }
}

/// What `letopis audit verify` says of the cosignatures: which checkpoints are
/// witnessed by whom, and which witnessed trees the log no longer has.
public struct WitnessAudit: Sendable, Encodable {
    public struct Entry: Sendable, Encodable {
        public var cosignature: Cosignature
        /// Where it came from: "held by the school" or the file given.
        public var source: String
        /// nil when the log agrees with it.
        public var problem: String?
    }

    public var entries: [Entry] = []
    public var isIntact: Bool { entries.allSatisfy { $0.problem == nil } }

    /// Checks the cosignatures the school holds and those given (from the
    /// witnesses themselves, in case the school dropped its own) against the
    /// tree recomputed from the log's events — not from its stored Merkle nodes,
    /// which whoever rewrote the events could have left as they were.
    public static func check(log: EventLog, given: [(source: String, cosignature: Cosignature)] = []) throws -> WitnessAudit {
        let held = try CosignatureBook(log: log).all().map { (source: "held by the school", cosignature: $0) }
        var seen = Set<[UInt8]>()
        var all: [(source: String, cosignature: Cosignature)] = []
        for item in held + given where seen.insert(CosignatureBook.key(item.cosignature) + Array(item.cosignature.time.iso.utf8)).inserted {
            all.append(item)
        }
        let head = try log.head()
        let wanted = Set(all.map(\.cosignature.size).filter { $0 <= head })
        var rootAt: [UInt64: Digest32] = [:]
        if let through = wanted.max(), through > 0 {
            var tree = MerkleFrontier()
            try log.scanStored(from: 1, through: through) { sequence, value in
                tree.append(eventHash: Digest32(bytes: UnsafeRawBufferPointer(rebasing: value[(value.count - 32)...])))
                if wanted.contains(sequence) { rootAt[sequence] = tree.root }
                return true
            }
        }
        if wanted.contains(0) { rootAt[0] = MerkleFrontier().root }
        var audit = WitnessAudit()
        for (source, c) in all.sorted(by: { ($0.cosignature.size, $0.cosignature.time) < ($1.cosignature.size, $1.cosignature.time) }) {
            var problem: String?
            if !c.isSelfConsistent {
                problem = "the cosignature by \(c.signer) does not check: its signature is not the witness key's signature of its message"
            } else if c.school != log.school {
                problem = "the cosignature by \(c.signer) is of the school \(c.school)"
            } else if c.size > head {
                problem = "\(c.signer) cosigned \(c.size) events at \(c.time.iso), but the log has only \(head): the log was cut short after it was witnessed"
            } else if let root = rootAt[c.size], root != c.root {
                problem = "the events 1…\(c.size) give the root \(root.hex), but \(c.signer) cosigned the root \(c.root.hex) at \(c.time.iso): the log was rewritten after it was witnessed"
            } else if rootAt[c.size] == nil {
                problem = "the events 1…\(c.size) could not be read"
            }
            audit.entries.append(Entry(cosignature: c, source: source, problem: problem))
        }
        return audit
    }

    /// The lines to add to the verification's text.
    public var lines: [String] {
        if entries.isEmpty { return ["  witnessed: no cosignatures held or given"] }
        return entries.map { e in
            let c = e.cosignature
            if let problem = e.problem { return "  NOT INTACT against a witness: \(problem)" }
            return "  witnessed: \(c.size) events by \(c.signer), cosigned \(c.time.iso) (\(e.source))"
        }
    }

    /// The verification's text with the witness lines before its verdict, and a
    /// verdict that fails when the log disagrees with a witness.
    public func merged(into text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let at = lines.lastIndex { $0.hasPrefix("  verdict:") } ?? lines.count
        lines.insert(contentsOf: self.lines, at: at)
        if !isIntact, let verdict = lines.lastIndex(where: { $0.hasPrefix("  verdict:") }) {
            let witnesses = entries.filter { $0.problem != nil }.map { "\($0.cosignature.kind) \"\($0.cosignature.witness)\"" }
            lines[verdict] = "  verdict: NOT INTACT (the log disagrees with what \(Array(Set(witnesses)).sorted().joined(separator: ", ")) witnessed)"
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The verification's JSON with `witnessed` added, and `intact` false when the log disagrees with a witness.
    public func merged(intoJSON json: Data) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any],
              let mine = try? JSONSerialization.jsonObject(with: AuditJSON.encode(entries))
        else { return json }
        object["witnessed"] = mine
        if !isIntact { object["intact"] = false }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? json
    }
}
