import EventLog
import Foundation
import LMDB
import ProgramRunner
import Testing
@testable import Audit

/// `letopis verify` and `letopis audit verify` on a generated store, on a copy cut
/// short and on a copy rewritten with every hash and Merkle node recomputed, both
/// done straight in LMDB as someone with the files (and without the key) would;
/// `letopis checkpoint --show`; consistency proofs from an unsigned old root.
@Suite(.serialized) struct TamperedStoreTests {
    static func letopis(_ arguments: [String]) throws -> ProgramRun {
        try ProgramRunner.run(ProgramRunner.letopis, arguments, environment: ["LETOPIS_STORE": nil, "LETOPIS_USER": nil])
    }

    /// A generated school whose log has checkpoints signed with its own key 300 and
    /// 150 events before the head, and one of the head made by `letopis checkpoint`.
    struct Signed {
        let dir = TemporaryDirectory("letopis-tampered")
        var store: String { dir.path + "/store" }
        let school: String
        let head: UInt64
        /// What `letopis checkpoint` printed when it signed the head.
        let headJSON: String

        init() throws {
            let demo = try letopis(["demo", "--store", dir.path + "/store", "--students", "30", "--grades", "5", "--weeks", "3"])
            #expect(demo.status == 0, "\(demo.err)")
            #expect(try letopis(["key", "create", "--store", dir.path + "/store"]).status == 0)
            let opened = try Store.open(at: dir.path + "/store")
            school = try #require(try opened.schoolIDs().first)
            let log = try opened.openLog(school: school)
            head = try log.head()
            let checkpointer = Checkpointer(log: log, signer: try SchoolKeys.signer(store: opened, school: school))
            for size in [head - 300, head - 150] { _ = try checkpointer.checkpoint(size: size) }
            log.close()
            let signed = try letopis(["checkpoint", "--store", dir.path + "/store"])
            #expect(signed.status == 0, "\(signed.err)")
            headJSON = signed.out.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func log() throws -> EventLog { try Store.open(at: store).openLog(school: school) }

        func publicKey() throws -> SchoolPublicKey { try SchoolKeys.publicKey(store: try Store.open(at: store), school: school) }

        func checkpointSizes() throws -> [UInt64] {
            let log = try log()
            defer { log.close() }
            return try CheckpointBook(log: log).all().map(\.size)
        }

        /// Both verifying commands; each must give `status`.
        func verifyBoth(status: Int32) throws -> (verify: ProgramRun, audit: ProgramRun) {
            let verify = try letopis(["verify", "--store", store])
            let audit = try letopis(["audit", "verify", "--store", store])
            #expect(verify.status == status, "letopis verify:\n\(verify.out)\(verify.err)")
            #expect(audit.status == status, "letopis audit verify:\n\(audit.out)\(audit.err)")
            return (verify, audit)
        }
    }

    // MARK: Tampering in LMDB

    /// Deletes every event after `last` and all that points at them: ids, stream
    /// versions, Merkle nodes reaching past `last`, the audit index. The recorded
    /// checkpoints are left: what the forger cannot make go away without a trace
    /// elsewhere.
    static func cut(_ log: EventLog, after last: UInt64) throws {
        let env = log.environment
        let events = try env.database("log.events", create: false)
        let ids = try env.database("log.ids", create: false)
        let streams = try env.database("log.streams", create: false)
        let merkle = try env.database("log.merkle", create: false)
        let index = try env.database("audit.index", create: false)
        let meta = try env.database("audit.meta", create: false)
        try env.write { txn in
            func delete(_ db: Database, where gone: ([UInt8], [UInt8]) -> Bool) throws {
                var keys: [[UInt8]] = []
                try txn.forEach(db) { key, value in
                    if gone(Array(key), Array(value)) { keys.append(Array(key)) }
                    return true
                }
                for key in keys { _ = try txn.delete(db, key: key) }
            }
            func number(_ bytes: some Collection<UInt8>) -> UInt64 { bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) } }
            try delete(events) { key, _ in number(key) > last }
            try delete(ids) { _, value in number(value) > last }
            try delete(streams) { _, value in number(value) > last }
            try delete(merkle) { key, _ in (number(key.dropFirst()) + 1) << UInt64(key[0]) > last }
            try delete(index) { key, _ in
                key.first == UInt8(ascii: "t") ? (number(key) + 1) * AuditTables.timeBlock > last : number(key) > last
            }
            for position in [AuditTables.checkpointPositionKey, AuditTables.indexPositionKey] {
                try txn.put(meta, key: position, value: AuditTables.sizeKey(last))
            }
        }
    }

    /// Changes one byte of event `from`'s payload, recomputes the hash of it and of
    /// every later event, and every stored Merkle node, so that the chain and the
    /// tree agree with the new events.
    static func rewrite(_ log: EventLog, from: UInt64) throws {
        var values: [[UInt8]] = []
        try log.scanStored(from: 1, through: .max) { _, value in
            values.append(Array(value))
            return true
        }
        let first = Int(from - 1)
        values[first][values[first].count - 33] ^= 0x01
        for i in first..<values.count {
            if i > first { values[i].replaceSubrange(0..<32, with: values[i - 1].suffix(32)) }
            let hash = values[i].dropLast(32).withUnsafeBytes { sha256($0) }.bytes
            values[i].replaceSubrange((values[i].count - 32)..., with: hash)
        }
        // Every perfect subtree of 16 leaves and up, as the log stores them.
        var layer = values.map { Merkle.leafHash(Digest32($0.suffix(32))!) }
        var nodes: [(level: Int, index: Int, hash: Digest32)] = []
        var level = 0
        while layer.count > 1 {
            layer = stride(from: 0, to: layer.count - 1, by: 2).map { Merkle.nodeHash(layer[$0], layer[$0 + 1]) }
            level += 1
            if level >= 4 { nodes += layer.enumerated().map { (level, $0.offset, $0.element) } }
        }
        let env = log.environment
        let events = try env.database("log.events", create: false)
        let merkle = try env.database("log.merkle", create: false)
        try env.write { txn in
            for i in first..<values.count { try txn.put(events, key: BigEndianKey(UInt64(i + 1)), value: values[i]) }
            for node in nodes {
                var key = [UInt8(node.level)]
                key += withUnsafeBytes(of: UInt64(node.index).bigEndian, Array.init)
                #expect(try txn.contains(merkle, key: key), "node \(node.level)/\(node.index) is one the log stores")
                try txn.put(merkle, key: key, value: node.hash.bytes)
            }
        }
    }

    // MARK: Tests

    @Test func anIntactStorePassesBoth() throws {
        let s = try Signed()
        defer { s.dir.cleanup() }
        let (verify, audit) = try s.verifyBoth(status: 0)
        #expect(verify.out.contains("school \(s.school): intact, \(s.head) events"), "\(verify.out)")
        #expect(verify.out.contains("all match the log (signatures checked"), "\(verify.out)")
        #expect(audit.out.contains("verdict: intact"), "\(audit.out)")
        #expect(!verify.out.contains("NOT INTACT") && !audit.out.contains("NOT INTACT"))
    }

    @Test func aLogCutShortIsNamedTruncated() throws {
        let s = try Signed()
        defer { s.dir.cleanup() }
        let log = try s.log()
        try Self.cut(log, after: s.head - 90)
        // The chain and the tree of what is left check out: only the checkpoint tells.
        let chain = try log.verify()
        #expect(chain.isIntact && chain.through == s.head - 90, "\(String(describing: chain.failure))")
        let headTime = try #require(try CheckpointBook(log: log).checkpoint(size: s.head)).time.iso
        log.close()
        #expect(try Self.letopis(["checkpoint", "--list", "--store", s.store]).out.contains("\(s.head)\t"))

        let (verify, audit) = try s.verifyBoth(status: 1)
        let named = "truncated: the log ends at #\(s.head - 90), the school signed a checkpoint of \(s.head) events at \(headTime)"
        #expect(verify.out.contains(named), "\(verify.out)")
        #expect(audit.out.contains(named), "\(audit.out)")
        #expect(audit.out.contains("verdict: NOT INTACT (truncated)"), "\(audit.out)")
        // The checkpoints the shortened log still reaches match it.
        #expect(!verify.out.contains("rewritten") && !audit.out.contains("rewritten"))
        let json = try Self.letopis(["audit", "verify", "--store", s.store, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(json.status == 1 && object?["intact"] as? Bool == false, "\(json.out)")
        #expect((object?["truncated"] as? String)?.hasPrefix(named) == true, "\(json.out)")
        #expect((object?["beyondHead"] as? [[String: String]])?.map { $0["size"] } == ["\(s.head)"], "\(json.out)")
    }

    @Test func aForgedCheckpointBeyondTheHeadIsNotTakenForACut() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        defer { log.close() }
        try await log.append((0..<40).map { i in
            ProposedEvent(stream: "test/\(i % 3)", type: "Test", effectiveDate: CivilDate(iso: "2024-09-02")!, actor: teacher,
                          payload: Array("event \(i)".utf8), recordedAt: Timestamp(microseconds: Int64(i)))
        })
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let book = try CheckpointBook(log: log)
        try book.record(try signer.sign(size: 40, root: log.merkleRoot().root, time: .now()))
        try book.record(try CheckpointSigner(throwawayFor: "s1").sign(size: 50, root: Merkle.emptyRoot, time: .now()))
        let report = try LogVerifier.verify(log: log, publicKey: signer.publicKey)
        #expect(!report.isIntact)
        #expect(report.checkpointFindings.truncation == nil)
        #expect(report.checkpointFindings.problems == [
            "checkpoint of 50 events (\(try #require(try book.checkpoint(size: 50)).time.iso)): its signature is not the school's "
                + "(public key \(Data(signer.publicKey.rawRepresentation).base64EncodedString()))"])
        // Without the key nothing tells it from the school's own: it reads as a cut.
        let keyless = try LogVerifier.verify(log: log, publicKey: nil)
        #expect(keyless.checkpointFindings.truncation?.hasPrefix("truncated: the log ends at #40, the school signed a checkpoint of 50 events") == true)
    }

    @Test func aRewrittenTailIsNamedWithinTheCheckpointsAroundIt() throws {
        let s = try Signed()
        defer { s.dir.cleanup() }
        let changed = s.head - 200
        let sizes = try s.checkpointSizes()
        let lastGood = sizes.last { $0 < changed } ?? 0
        let firstBad = try #require(sizes.first { $0 >= changed })
        let log = try s.log()
        try Self.rewrite(log, from: changed)
        let chain = try log.verify()
        #expect(chain.isIntact, "the forger recomputed the chain and the tree: \(String(describing: chain.failure))")
        log.close()

        let (verify, audit) = try s.verifyBoth(status: 1)
        let named = "rewritten within #\(lastGood + 1)…#\(firstBad)"
        #expect(verify.out.contains(named), "\(verify.out)")
        #expect(audit.out.contains(named), "\(audit.out)")
        #expect(verify.out.contains("the checkpoint of \(lastGood) events still matches"), "\(verify.out)")
        #expect(audit.out.contains("verdict: NOT INTACT (\(named))"), "\(audit.out)")
        #expect(!verify.out.contains("truncated"))
    }

    @Test func theHelpSaysWhatVerifyingProves() throws {
        for command in [["verify", "--help"], ["audit", "verify", "--help"]] {
            let help = try Self.letopis(command).out
            #expect(help.contains("truncated") && help.contains("rewritten"), "\(command): \(help)")
            #expect(help.contains("witnesses") && help.contains("Exit status"), "\(command): \(help)")
        }
        #expect(try Self.letopis(["export", "--help"]).out.contains("signs and records a new checkpoint"))
    }

    @Test func aRecordedCheckpointIsShownAsSigned() throws {
        let s = try Signed()
        defer { s.dir.cleanup() }
        let key = try s.publicKey()
        let latest = try Self.letopis(["checkpoint", "--show", "latest", "--store", s.store])
        #expect(latest.status == 0, "\(latest.err)")
        #expect(latest.out == s.headJSON + "\n", "the form letopis checkpoint printed")
        let parsed = try SignedCheckpoint.parse(Array(latest.out.utf8.dropLast()))
        #expect(parsed.size == s.head && parsed.school == s.school && parsed.isSigned(by: key))
        let object = try JSONSerialization.jsonObject(with: Data(latest.out.utf8)) as? [String: Any]
        #expect(object?["format"] as? String == SignedCheckpoint.format)

        let earlier = try Self.letopis(["checkpoint", "--show", "\(s.head - 300)", "--store", s.store])
        #expect(earlier.status == 0, "\(earlier.err)")
        let older = try SignedCheckpoint.parse(Array(earlier.out.utf8.dropLast()))
        #expect(older.size == s.head - 300 && older.isSigned(by: key))
        let log = try s.log()
        #expect(older.root == (try log.merkleRoot(size: s.head - 300)).root)
        log.close()

        let sizes = try s.checkpointSizes()
        let missing = try #require((1...s.head).first { !sizes.contains($0) })
        let refused = try Self.letopis(["checkpoint", "--show", "\(missing)", "--store", s.store])
        #expect(refused.status == 1 && refused.out.isEmpty)
        #expect(refused.err.contains("no checkpoint of \(missing) events is recorded"), "\(refused.err)")
        #expect(refused.err.contains(sizes.map(String.init).joined(separator: ", ")), "\(refused.err)")
        let unreadable = try Self.letopis(["checkpoint", "--show", "newest", "--store", s.store])
        #expect(unreadable.status == 2 && unreadable.err.contains("newest"), "\(unreadable.err)")
    }

    @Test func aConsistencyProofFromAnUnsignedRootSaysSo() throws {
        let s = try Signed()
        defer { s.dir.cleanup() }
        let pub = SchoolKeys.publicKeyPath(store: try Store.open(at: s.store), school: s.school)
        let sizes = try s.checkpointSizes()
        let unsigned = try #require((1...s.head).reversed().first { !sizes.contains($0) })
        let grew = s.dir.path + "/grew.json"

        let refused = try Self.letopis(["proof", "consistency", "--store", s.store, "--from", "\(unsigned)", "--out", grew])
        #expect(refused.status == 1, "\(refused.err)")
        #expect(refused.err.contains("the old root \(unsigned)/") && refused.err.contains("is not signed by the school"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: grew))

        let made = try Self.letopis(["proof", "consistency", "--store", s.store, "--from", "\(unsigned)", "--allow-unsigned-from", "--out", grew])
        #expect(made.status == 0, "\(made.err)")
        #expect(made.err.contains("is not signed by the school"), "\(made.err)")

        let checked = try Self.letopis(["verify-proof", grew, "--public-key", pub])
        #expect(checked.status == 1, "\(checked.out)")
        #expect(checked.out.contains("the old root \(unsigned)/") && checked.out.contains("is not signed by the school: this proves only that"),
                "\(checked.out)")
        #expect(checked.out.contains("The proof does NOT hold."))
        let allowed = try Self.letopis(["verify-proof", grew, "--public-key", pub, "--allow-unsigned-from"])
        #expect(allowed.status == 0, "\(allowed.out)")
        #expect(allowed.out.contains("is not signed by the school") && allowed.out.contains("from an old root the school did not sign"),
                "\(allowed.out)")

        // From a signed size the proof holds without a word about it.
        let signed = s.dir.path + "/signed.json"
        #expect(try Self.letopis(["proof", "consistency", "--store", s.store, "--from", "\(s.head - 300)", "--out", signed]).status == 0)
        let good = try Self.letopis(["verify-proof", signed, "--public-key", pub])
        #expect(good.status == 0 && good.out.hasSuffix("The proof holds.\n") && !good.out.contains("not signed"), "\(good.out)")
    }
}
