import Crypto
import EventLog
import Foundation
import LMDB
import ProgramRunner
import Testing
@testable import Audit

/// Witness cosigning: a witness cosigns only checkpoints that extend the last
/// one it cosigned, and a log rewritten and re-signed by the school after it was
/// witnessed fails verification, naming the witness.
@Suite(.serialized) struct WitnessTests {
    /// `count` small events of school s1; event `divergeAt` (and every later one)
    /// says something else when `variant` is not 0.
    func events(_ range: ClosedRange<Int>, variant: Int = 0, divergeAt: Int = .max) -> [ProposedEvent] {
        range.map { i in
            let text = i >= divergeAt && variant != 0 ? "event number \(i), rewritten \(variant)" : "event number \(i)"
            return ProposedEvent(stream: "test/\(i % 7)", type: "Test", effectiveDate: CivilDate(iso: "2024-09-02")!,
                                 actor: teacher, payload: Array(text.utf8), recordedAt: Timestamp(microseconds: Int64(i) * 1_000_000))
        }
    }

    func checkpoint(_ log: EventLog, _ size: UInt64, _ signer: CheckpointSigner) throws -> SignedCheckpoint {
        try signer.sign(size: size, root: log.merkleRoot(size: size).root, time: Timestamp(microseconds: Int64(size) * 1_000_000 + 7))
    }

    func refusal(_ body: () throws -> Cosignature) -> WitnessRefusal? {
        do {
            _ = try body()
            return nil
        } catch let refusal as WitnessRefusal {
            return refusal
        } catch {
            Issue.record("not a refusal: \(error)")
            return nil
        }
    }

    @Test func aWitnessRefusesACheckpointThatDoesNotExtendTheLastOneItCosigned() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/school", kind: .school)
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        defer { log.close() }
        try await log.append(events(1...100))
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let witness = try WitnessDirectory.create(at: dir.path + "/auditor", name: "Аудитор Петров П. П.", kind: "auditor")

        // The first checkpoint needs the school's key and nothing else.
        #expect(refusal { try witness.cosign(try checkpoint(log, 100, signer), schoolKey: nil, consistency: .proof(nil)) }?.rule == .schoolKey)
        let first = try witness.cosign(try checkpoint(log, 100, signer), schoolKey: signer.publicKey, consistency: .proof(nil))
        #expect(first.size == 100 && first.isSelfConsistent)

        // The log grows: cosigned with a consistency proof, and only with one.
        try await log.append(events(101...150))
        let at150 = try checkpoint(log, 150, signer)
        #expect(refusal { try witness.cosign(at150, schoolKey: nil, consistency: .proof(nil)) }?.rule == .noProof)
        let wrongProof = try ConsistencyProofDocument.make(log: log, from: 90, to: 150)
        #expect(refusal { try witness.cosign(at150, schoolKey: nil, consistency: .proof(wrongProof)) }?.rule == .noProof)
        let grew = try witness.cosign(at150, schoolKey: nil, consistency: .proof(try ConsistencyProofDocument.make(log: log, from: 100, to: 150)))
        #expect(grew.size == 150)
        #expect(try witness.last(of: "s1")?.checkpoint == at150)

        // The school rewrites its log from event 60 on and signs it again with its own key.
        let other = try Store.create(at: dir.path + "/rewritten", kind: .school)
        let rewritten = try other.createLog(school: "s1", options: .init(durable: false))
        defer { rewritten.close() }
        try await rewritten.append(events(1...200, variant: 1, divergeAt: 60))
        let forged = try checkpoint(rewritten, 200, signer)
        #expect(forged.isSigned(by: signer.publicKey), "signed with the school's own key")
        let honestLooking = try ConsistencyProofDocument.make(log: rewritten, from: 150, to: 200)
        let inconsistent = refusal { try witness.cosign(forged, schoolKey: nil, consistency: .proof(honestLooking)) }
        #expect(inconsistent?.rule == .inconsistent, "\(String(describing: inconsistent))")
        #expect(inconsistent?.detail.contains("does not extend the checkpoint of 150 events") == true)
        // Nor does a proof claiming the witnessed root hold.
        var claimed = honestLooking
        claimed.fromRoot = at150.root
        #expect(refusal { try witness.cosign(forged, schoolKey: nil, consistency: .proof(claimed)) }?.rule == .inconsistent)
        // The same size with another root, and a smaller size, are refused too.
        #expect(refusal { try witness.cosign(try checkpoint(rewritten, 150, signer), schoolKey: nil, consistency: .proof(nil)) }?.rule == .inconsistent)
        #expect(refusal { try witness.cosign(try checkpoint(rewritten, 120, signer), schoolKey: nil, consistency: .proof(nil)) }?.rule == .smaller)

        // A checkpoint of the genuine log signed with another key, or another key given, is refused.
        try await log.append(events(151...160))
        let proof = try ConsistencyProofDocument.make(log: log, from: 150, to: 160)
        let stranger = CheckpointSigner(throwawayFor: "s1")
        #expect(refusal { try witness.cosign(try checkpoint(log, 160, stranger), schoolKey: nil, consistency: .proof(proof)) }?.rule == .signature)
        #expect(refusal { try witness.cosign(try checkpoint(log, 160, signer), schoolKey: stranger.publicKey, consistency: .proof(proof)) }?.rule == .schoolKey)

        // None of the refusals moved what the witness keeps; the genuine log still goes on.
        #expect(try witness.last(of: "s1")?.checkpoint == at150)
        let reopened = try WitnessDirectory.open(at: dir.path + "/auditor")
        #expect(try reopened.cosign(try checkpoint(log, 160, signer), schoolKey: nil, consistency: .proof(proof)).size == 160)
    }

    /// The message as docs/log-format.md ("Witness cosignatures") lays it out, from the JSON's fields.
    static func documentedMessage(_ json: [String: Any]) -> [UInt8] {
        let lines = [
            "letopis cosignature v1",
            "witness \(json["witness"] as! String)",
            "kind \(json["kind"] as! String)",
            "school \(json["school"] as! String)",
            "size \((json["size"] as! NSNumber).uint64Value)",
            "root \(json["root"] as! String)",
            "checkpoint-time \(json["checkpointTime"] as! String)",
            "time \(json["time"] as! String)",
        ]
        return Array(lines.map { $0 + "\n" }.joined().utf8)
    }

    @Test func aCosignatureChecksWithPlainEd25519OverTheDocumentedBytes() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/school", kind: .school)
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        defer { log.close() }
        try await log.append(events(1...33))
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let witness = try WitnessDirectory.create(at: dir.path + "/district", name: "Ромашкинский район", kind: "district")
        let cosignature = try witness.cosign(try checkpoint(log, 33, signer), schoolKey: signer.publicKey, consistency: .proof(nil))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(cosignature.json().utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["format", "witness", "kind", "witnessKey", "school", "size", "root", "checkpointTime", "time", "signature"])
        #expect(json["format"] as? String == "letopis-cosignature-v1")
        let message = Self.documentedMessage(json)
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: json["witnessKey"] as! String)))
        let signature = try #require(Data(base64Encoded: json["signature"] as! String))
        #expect(signature.count == 64)
        #expect(key.isValidSignature(signature, for: Data(message)))
        // The key is the one the witness publishes in witness.pub (SubjectPublicKeyInfo PEM).
        let pem = try String(contentsOfFile: witness.publicKeyPath, encoding: .utf8)
        #expect(SchoolKeys.parsePublicKey(pem)?.rawRepresentation == key.rawRepresentation)
        // Every field is covered: another size, root, time or name does not check.
        for (field, value) in [("size", NSNumber(value: 34)), ("witness", "Другой район" as NSString),
                               ("checkpointTime", "2024-01-01T00:00:00.000000Z" as NSString), ("kind", "auditor" as NSString)] as [(String, Any)] {
            var changed = json
            changed[field] = value
            #expect(!key.isValidSignature(signature, for: Data(Self.documentedMessage(changed))), "\(field)")
        }
        // The document reads back as it was written, and a changed one is refused by the school.
        #expect(try Cosignature.parse(Data(cosignature.json().utf8)) == cosignature)
        try CheckpointBook(log: log).record(try checkpoint(log, 33, signer))
        var tampered = cosignature
        tampered.witness = "Другой район"
        #expect(throws: AuditError.self) { try CosignatureBook(log: log).add(tampered) }
        #expect(try CosignatureBook(log: log).add(cosignature) == .added)
        #expect(try CosignatureBook(log: log).add(cosignature) == .alreadyHeld(cosignature))
    }

    /// docs/log-format.md's worked example, made with RFC 8032's test-1 key.
    static let documentedExample = """
        {"checkpointTime":"2024-10-28T12:00:00.000000Z","format":"letopis-cosignature-v1","kind":"district",\
        "root":"50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c","school":"s01",\
        "signature":"1Zt1EplHCcwTxwexqJ0u97PTOBMOQBzwK2Pcr7WlqQVwL6p0e2OpGvFsON6pyfQEXeUA2HvGztnl1cAvOrYZDw==",\
        "size":1000,"time":"2024-10-28T15:30:00.000000Z","witness":"Ромашкинский район",\
        "witnessKey":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}
        """

    @Test func theDocumentedExampleChecks() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Self.documentedExample.utf8)) as? [String: Any])
        let message = Self.documentedMessage(json)
        #expect(message.count == 249)
        let seed = Array(Digest32(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!.bytes)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey
        #expect(Data(key.rawRepresentation).base64EncodedString() == json["witnessKey"] as? String)
        #expect(key.isValidSignature(Data(base64Encoded: json["signature"] as! String)!, for: Data(message)))
        let parsed = try Cosignature.parse(Data(Self.documentedExample.utf8))
        #expect(parsed.message == message && parsed.isSelfConsistent)
        #expect(parsed.json() == Self.documentedExample)
    }

    @Test func aLogRewrittenAndReSignedAfterItWasWitnessedFailsVerificationNamingTheWitness() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let schoolPath = dir.path + "/school"
        let store = try Store.create(at: schoolPath, kind: .school)
        let log = try store.createLog(school: "s1", options: .init(durable: false))
        try await log.append(events(1...300))
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let book = try CheckpointBook(log: log)
        try book.record(try checkpoint(log, 200, signer))
        let witness = try WitnessDirectory.create(at: dir.path + "/district", name: "Ромашкинский район", kind: "district")
        let cosignature = try witness.cosign(try #require(try book.checkpoint(size: 200)), schoolKey: signer.publicKey, consistency: .proof(nil))
        #expect(try CosignatureBook(log: log).add(cosignature) == .added)
        let honest = try WitnessAudit.check(log: log)
        #expect(honest.isIntact && honest.entries.count == 1)
        #expect(honest.lines == ["  witnessed: 200 events by district \"Ромашкинский район\" (key \(witness.identity.publicKey)), cosigned \(cosignature.time.iso) (held by the school)"])
        log.close()

        // Whoever holds the school's key writes the log again from event 150 on and
        // signs every checkpoint again; the table of cosignatures is left as it was.
        let rewrittenPath = dir.path + "/rewritten"
        let other = try Store.create(at: rewrittenPath, kind: .school)
        try FileManager.default.copyItem(atPath: schoolPath + "/keys", toPath: rewrittenPath + "/keys")
        let rewritten = try other.createLog(school: "s1", options: .init(durable: false))
        try await rewritten.append(events(1...300, variant: 2, divergeAt: 150))
        let sameKey = try SchoolKeys.signer(store: other, school: "s1")
        for size: UInt64 in [200, 300] { try CheckpointBook(log: rewritten).record(try checkpoint(rewritten, size, sameKey)) }
        // The school could not store the cosignature now: it is not of this log.
        #expect(throws: AuditError.self) { try CosignatureBook(log: rewritten).add(cosignature) }
        let table = try rewritten.environment.database(CosignatureBook.tableName, create: true)
        try rewritten.environment.write { txn in
            try txn.put(table, key: CosignatureBook.key(cosignature), value: Array(cosignature.json().utf8))
        }
        let schoolSignatures = try LogVerifier.verify(log: rewritten, publicKey: sameKey.publicKey)
        #expect(schoolSignatures.isIntact, "every school signature checks: the rewrite is invisible without the witness")
        let audit = try WitnessAudit.check(log: rewritten)
        #expect(!audit.isIntact)
        #expect(audit.entries.first?.problem?.contains("district \"Ромашкинский район\"") == true)
        #expect(audit.entries.first?.problem?.contains("rewritten after it was witnessed") == true)
        rewritten.close()

        // The program says so, and fails.
        let run = try ProgramRunner.run(ProgramRunner.letopis, ["audit", "verify", "--store", rewrittenPath, "--school", "s1"],
                                        environment: ["LETOPIS_STORE": nil])
        #expect(run.status == 1, "\(run.out)\(run.err)")
        #expect(run.out.contains("NOT INTACT against a witness: the events 1…200 give the root"), "\(run.out)")
        #expect(run.out.contains("verdict: NOT INTACT (the log disagrees with what district \"Ромашкинский район\" witnessed)"), "\(run.out)")
        let json = try ProgramRunner.run(ProgramRunner.letopis, ["audit", "verify", "--store", rewrittenPath, "--school", "s1", "--format", "json"],
                                         environment: ["LETOPIS_STORE": nil])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(report["intact"] as? Bool == false)
        #expect((report["witnessed"] as? [[String: Any]])?.first?["problem"] != nil)
        let plain = try ProgramRunner.run(ProgramRunner.letopis, ["verify", "--store", rewrittenPath, "--school", "s1"],
                                          environment: ["LETOPIS_STORE": nil])
        #expect(plain.status == 1 && plain.out.contains("NOT INTACT against a witness: the events 1…200 give the root")
                && plain.out.contains("district \"Ромашкинский район\""), "\(plain.out)")

        // The genuine store verifies, with the witness named; and if the school dropped the
        // cosignatures it held, the witness's own copy given on the command line still catches the rewrite.
        let good = try ProgramRunner.run(ProgramRunner.letopis, ["audit", "verify", "--store", schoolPath, "--school", "s1"],
                                         environment: ["LETOPIS_STORE": nil])
        #expect(good.status == 0, "\(good.out)\(good.err)")
        #expect(good.out.contains("witnessed: 200 events by district \"Ромашкинский район\""), "\(good.out)")
        let reopened = try other.openLog(school: "s1", options: .init(durable: false))
        let held = try reopened.environment.database(CosignatureBook.tableName, create: false)
        try reopened.environment.write { txn in _ = try txn.delete(held, key: CosignatureBook.key(cosignature)) }
        reopened.close()
        let file = dir.path + "/cosignature.json"
        try cosignature.json().write(toFile: file, atomically: true, encoding: .utf8)
        let dropped = try ProgramRunner.run(ProgramRunner.letopis, ["audit", "verify", "--store", rewrittenPath, "--school", "s1"],
                                            environment: ["LETOPIS_STORE": nil])
        #expect(dropped.status == 0 && dropped.out.contains("witnessed: no cosignatures held or given"), "\(dropped.out)")
        let given = try ProgramRunner.run(ProgramRunner.letopis, ["audit", "verify", "--store", rewrittenPath, "--school", "s1", "--cosignature", file],
                                          environment: ["LETOPIS_STORE": nil])
        #expect(given.status == 1 && given.out.contains("NOT INTACT against a witness"), "\(given.out)")

        // Without Letopis: each log's export checked against the witness's cosignature by
        // tools/verify-export.py (written from docs/log-format.md alone).
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/verify-export.py").path
        for (path, genuine) in [(schoolPath, true), (rewrittenPath, false)] {
            let export = try ProgramRunner.run(ProgramRunner.letopis, ["export", "--store", path, "--school", "s1"],
                                               environment: ["LETOPIS_STORE": nil])
            try #require(export.status == 0, "\(export.err)")
            let exported = path + ".jsonl"
            try export.out.write(toFile: exported, atomically: true, encoding: .utf8)
            let checked = try ProgramRunner.run("/usr/bin/env", ["python3", script, exported, "--cosignature", file])
            if genuine {
                #expect(checked.status == 0 && checked.out.contains("ok       s1: witnessed: 200 events by district \"Ромашкинский район\""),
                        "\(checked.out)\(checked.err)")
            } else {
                #expect(checked.status == 1 && checked.out.contains("REJECTED s1: the export's events 1 … 200 give the root")
                        && checked.out.contains("the log was rewritten after it was witnessed"), "\(checked.out)\(checked.err)")
            }
        }
    }
}
