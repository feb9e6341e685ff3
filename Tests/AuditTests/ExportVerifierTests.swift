import EventLog
import Foundation
import ProgramRunner
import Testing
@testable import Audit

/// tools/verify-export.py — written from docs/log-format.md alone — on an export
/// of a generated store made by the built letopis program, and on tampered copies.
@Suite(.serialized) struct ExportVerifierTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = root.appendingPathComponent("tools/verify-export.py").path
    /// Standard error merged into `out`, as a person at a terminal would see it.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> ProgramRun {
        try ProgramRunner.run(executable, arguments, mergingErrors: true)
    }

    static func letopis(_ arguments: [String]) throws -> ProgramRun { try run(ProgramRunner.letopis, arguments) }
    static func verifier(_ arguments: [String]) throws -> ProgramRun { try run("/usr/bin/env", ["python3", script] + arguments) }

    /// A generated store with its key, exported whole.
    struct Exported {
        let dir = TemporaryDirectory("letopis-export")
        var store: String { dir.path + "/store" }
        var export: String { dir.path + "/export.jsonl" }
        var publicKey: String { dir.path + "/s01.pub" }

        init() throws {
            let demo = try letopis(["demo", "--store", dir.path + "/store", "--students", "30", "--grades", "5", "--weeks", "9"])
            #expect(demo.status == 0, "\(demo.out)")
            #expect(try letopis(["key", "create", "--store", store]).status == 0)
            let key = try letopis(["key", "export", "--store", store, "--format", "pem"])
            try key.out.write(toFile: publicKey, atomically: true, encoding: .utf8)
            let exported = try letopis(["export", "--store", store, "--out", export])
            #expect(exported.status == 0, "\(exported.out)")
        }

        func lines() throws -> [String] {
            try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        /// A tampered copy of the export with `change` applied to its lines.
        func tampered(_ change: (inout [String]) throws -> Void) throws -> String {
            var lines = try lines()
            try change(&lines)
            let path = dir.path + "/tampered-\(UUID().uuidString).jsonl"
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func line(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    @Test func theVerifierAcceptsAnExportAndRejectsEveryTampering() throws {
        #expect(FileManager.default.isExecutableFile(atPath: ProgramRunner.letopis), "missing \(ProgramRunner.letopis)")
        let e = try Exported()
        defer { e.dir.cleanup() }
        let good = try Self.verifier([e.export, "--public-key", e.publicKey])
        #expect(good.status == 0, "\(good.out)")
        #expect(good.out.contains("VERIFIED"))
        let count = try e.lines().count - 1
        #expect(count > 3_000)
        let k = count / 2

        var cases: [(String, String, String)] = []  // name, file, expected words
        cases.append(("event changed (stored bytes)", try e.tampered { lines in
            var o = try Self.object(lines[k])
            var stored = Array(Data(base64Encoded: o["stored"] as! String)!)
            stored[stored.count - 40] ^= 0x01
            o["stored"] = Data(stored).base64EncodedString()
            lines[k] = try Self.line(o)
        }, "do not hash to its hash"))
        cases.append(("event changed (readable field)", try e.tampered { lines in
            var o = try Self.object(lines[k])
            o["actor"] = ["user": "T9999", "role": "administration"]
            lines[k] = try Self.line(o)
        }, "its 'actor' says"))
        cases.append(("event changed (readable payload)", try e.tampered { lines in
            // The first grade after the middle: its readable value changed, its stored bytes not.
            let index = try (k..<count).first { try Self.object(lines[$0])["type"] as? String == "GradeRecorded" }!
            var o = try Self.object(lines[index])
            var payload = o["payload"] as! [String: Any]
            payload["value"] = payload["value"] as? String == "5" ? "2" : "5"
            o["payload"] = payload
            lines[index] = try Self.line(o)
        }, "its 'payload' says"))
        cases.append(("event removed", try e.tampered { lines in lines.remove(at: k) }, "removed"))
        cases.append(("events reordered", try e.tampered { lines in lines.swapAt(k, k + 1) }, "expected"))
        cases.append(("log rewritten, hashes recomputed", try e.tampered { lines in
            var previous: [UInt8]?
            for i in k..<count {
                var o = try Self.object(lines[i])
                var stored = Array(Data(base64Encoded: o["stored"] as! String)!)
                if let previous {
                    stored.replaceSubrange(0..<32, with: previous)
                } else {
                    // A payload byte changed; the forger drops the readable copy that would show it.
                    stored[stored.count - 40] ^= 0x01
                    o["payload"] = nil
                }
                let hash = Array(stored.dropLast(32)).withUnsafeBytes { sha256($0) }
                stored.replaceSubrange((stored.count - 32)..., with: hash.bytes)
                o["stored"] = Data(stored).base64EncodedString()
                o["hash"] = hash.hex
                o["previousHash"] = Digest32(stored.prefix(32))!.hex
                lines[i] = try Self.line(o)
                previous = hash.bytes
            }
        }, "Merkle root"))
        cases.append(("forged checkpoint: wrong root", try e.tampered { lines in
            var trailer = try Self.object(lines[count])
            var checkpoint = trailer["checkpoint"] as! [String: Any]
            checkpoint["root"] = Merkle.emptyRoot.hex
            trailer["checkpoint"] = checkpoint
            lines[count] = try Self.line(trailer)
        }, "the log was changed"))
        cases.append(("forged checkpoint: another key", try e.tampered { lines in
            var trailer = try Self.object(lines[count])
            let genuine = try SignedCheckpoint.parse(Array(try Self.line(trailer["checkpoint"] as! [String: Any]).utf8))
            let forger = CheckpointSigner(school: genuine.school, key: .init())
            let forged = try forger.sign(size: genuine.size, root: genuine.root, time: genuine.time)
            trailer["checkpoint"] = try Self.object(forged.json())
            trailer["publicKey"] = forged.publicKeyBase64
            lines[count] = try Self.line(trailer)
        }, "does not verify with the school's public key"))
        cases.append(("checkpoint line cut off", try e.tampered { lines in lines.removeLast() }, "no checkpoint line"))

        for (name, file, words) in cases {
            let result = try Self.verifier([file, "--public-key", e.publicKey])
            #expect(result.status == 1, "\(name) was not rejected:\n\(result.out)")
            #expect(result.out.contains("REJECTED") && result.out.contains(words), "\(name):\n\(result.out)")
        }
    }

    @Test func aRangeAndProofsVerifyFromTheFileAlone() throws {
        let e = try Exported()
        defer { e.dir.cleanup() }
        let range = e.dir.path + "/range.jsonl"
        #expect(try Self.letopis(["export", "--store", e.store, "--from", "1001", "--to", "2500", "--out", range]).status == 0)
        let lines = try String(contentsOfFile: range, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1_501)
        let trailer = try Self.object(String(lines.last!))
        #expect((trailer["prefix"] as? [String])?.count == 1000.nonzeroBitCount)
        let checked = try Self.verifier([range, "--public-key", e.publicKey])
        #expect(checked.status == 0, "\(checked.out)")
        // Without the published key the verifier still checks, but says whose key it used.
        let keyless = try Self.verifier([range])
        #expect(keyless.status == 0 && keyless.out.contains("warning"), "\(keyless.out)")

        let proof = e.dir.path + "/proof.json", grew = e.dir.path + "/grew.json"
        #expect(try Self.letopis(["proof", "inclusion", "--store", e.store, "--seq", "1234", "--out", proof]).status == 0)
        #expect(try Self.letopis(["proof", "consistency", "--store", e.store, "--from", "1000", "--allow-unsigned-from", "--out", grew]).status == 0)
        // The proof's old root (1000 events) no checkpoint signs: refused unless accepted as such.
        let unsigned = try Self.verifier(["--proof", proof, "--proof", grew, "--public-key", e.publicKey])
        #expect(unsigned.status == 1 && unsigned.out.contains("REJECTED \(grew): the old root 1000/")
                && unsigned.out.contains("is not signed by the school"), "\(unsigned.out)")
        let proofs = try Self.verifier(["--proof", proof, "--proof", grew, "--public-key", e.publicKey, "--allow-unsigned-from"])
        #expect(proofs.status == 0 && proofs.out.contains("warning  \(grew): the old root 1000/"), "\(proofs.out)")
        #expect(try Self.letopis(["verify-proof", proof, "--public-key", e.publicKey]).status == 0)

        var forged = try Self.object(try String(contentsOfFile: proof, encoding: .utf8))
        var path = forged["path"] as! [String]
        path[0] = Merkle.emptyRoot.hex
        forged["path"] = path
        try Self.line(forged).write(toFile: proof, atomically: true, encoding: .utf8)
        let rejected = try Self.verifier(["--proof", proof, "--public-key", e.publicKey])
        #expect(rejected.status == 1 && rejected.out.contains("does not lead"), "\(rejected.out)")
        #expect(try Self.letopis(["verify-proof", proof, "--public-key", e.publicKey]).status == 1)
    }

    /// An export cut back to an earlier signed size is well formed and validly
    /// signed; only a later checkpoint the auditor kept shows the cut.
    @Test func aKeptCheckpointShowsAnExportCutBackToAnEarlierSignedSize() throws {
        let e = try Exported()
        defer { e.dir.cleanup() }
        let lines = try e.lines()
        let head = lines.count - 1
        // The export's own checkpoint, kept by the auditor.
        let kept = e.dir.path + "/kept.json"
        let trailer = try Self.object(lines[head])
        #expect(trailer["to"] as? Int == head)
        let keeping = try Self.verifier([e.export, "--public-key", e.publicKey, "--keep-checkpoint", kept])
        #expect(keeping.status == 0 && keeping.out.contains("is kept in \(kept)"), "\(keeping.out)")
        #expect(NSDictionary(dictionary: try Self.object(try String(contentsOfFile: kept, encoding: .utf8)))
            .isEqual(to: trailer["checkpoint"] as! [String: Any]), "the kept checkpoint is not the export's")

        // An earlier size the school signed by itself (a period closed, a backup recorded).
        let listed = try Self.letopis(["checkpoint", "--store", e.store, "--list"])
        let sizes = listed.out.split(separator: "\n").compactMap { Int($0.split(separator: "\t").first ?? "") }
        let earlier = try #require(sizes.filter { $0 < head }.max(), "no checkpoint before the head:\n\(listed.out)")
        // Its checkpoint line as the store gives it: an export of events 1 … earlier.
        let upTo = e.dir.path + "/upto.jsonl"
        #expect(try Self.letopis(["export", "--store", e.store, "--to", String(earlier), "--out", upTo]).status == 0)
        let earlierTrailer = try #require(try String(contentsOfFile: upTo, encoding: .utf8).split(separator: "\n").last.map(String.init))
        let earlierCheckpoint = try Self.object(earlierTrailer)["checkpoint"] as! [String: Any]
        let signedAt = try #require(earlierCheckpoint["time"] as? String)
        #expect(earlierCheckpoint["size"] as? Int == earlier)
        let keptEarlier = e.dir.path + "/kept-earlier.json"
        try Self.line(earlierCheckpoint).write(toFile: keptEarlier, atomically: true, encoding: .utf8)

        // The full export's event lines cut back to `earlier`, with that size's checkpoint line.
        let cut = try e.tampered { lines in
            lines = Array(lines.prefix(earlier)) + [earlierTrailer]
        }
        let alone = try Self.verifier([cut, "--public-key", e.publicKey])
        #expect(alone.status == 0, "the cut export is well formed and signed:\n\(alone.out)")
        #expect(alone.out.contains("no checkpoint of your own was given: an export cut back to an earlier signed size cannot be told from a complete one"), "\(alone.out)")

        let refused = try Self.verifier([cut, "--public-key", e.publicKey, "--checkpoint", kept])
        #expect(refused.status == 1, "\(refused.out)")
        let time = try #require(trailer["checkpoint"] as? [String: Any])["time"] as! String
        #expect(refused.out.contains("REJECTED s01: the export ends at #\(earlier) but you hold a checkpoint of \(head) events signed \(time): events were cut"), "\(refused.out)")
        // Without the published key too: the kept checkpoint is checked with the key it names.
        let keyless = try Self.verifier([cut, "--checkpoint", kept])
        #expect(keyless.status == 1 && keyless.out.contains("events were cut"), "\(keyless.out)")

        // The whole export against a kept checkpoint of its own size, and of an earlier one.
        for (name, file) in [("the same size", kept), ("an earlier size", keptEarlier)] {
            let passed = try Self.verifier([e.export, "--public-key", e.publicKey, "--checkpoint", file])
            #expect(passed.status == 0, "\(name):\n\(passed.out)")
            #expect(passed.out.contains("the export extends your checkpoint of"), "\(name):\n\(passed.out)")
            #expect(!passed.out.contains("no checkpoint of your own"), "\(name):\n\(passed.out)")
        }
        let both = try Self.verifier([e.export, "--public-key", e.publicKey, "--checkpoint", keptEarlier, "--checkpoint", kept])
        #expect(both.status == 0, "\(both.out)")
        #expect(both.out.contains("the export extends your checkpoint of \(earlier) events signed \(signedAt)"), "\(both.out)")

        // A kept checkpoint of the school's key over another root: the history was rewritten since.
        let store = try Store.open(at: e.store)
        let signer = try SchoolKeys.signer(store: store, school: "s01")
        let other = try signer.sign(size: UInt64(earlier), root: Merkle.emptyRoot, time: Timestamp(microseconds: 1_730_000_000_000_000))
        let keptOther = e.dir.path + "/kept-other.json"
        try other.json().write(toFile: keptOther, atomically: true, encoding: .utf8)
        let rewritten = try Self.verifier([e.export, "--public-key", e.publicKey, "--checkpoint", keptOther])
        #expect(rewritten.status == 1 && rewritten.out.contains("the log was rewritten since"), "\(rewritten.out)")
        // A kept checkpoint signed by another key is refused, not taken as the school's.
        let forger = CheckpointSigner(school: "s01", key: .init())
        let forged = try forger.sign(size: UInt64(earlier), root: other.root, time: other.time)
        try forged.json().write(toFile: keptOther, atomically: true, encoding: .utf8)
        let foreign = try Self.verifier([e.export, "--public-key", e.publicKey, "--checkpoint", keptOther])
        #expect(foreign.status == 1 && foreign.out.contains("does not verify with the school's public key"), "\(foreign.out)")
    }
}
