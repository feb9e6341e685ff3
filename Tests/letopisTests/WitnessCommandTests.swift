import Foundation
import ProgramRunner
import Testing

/// The witness commands as a district, a school and a parent committee use them:
/// the district cosigns the bundle it imports, the school stores the cosignature,
/// and audit verify names the witness.
@Suite struct WitnessCommandTests {
    @Test func aDistrictCosignsTheBundleItImportsAndTheSchoolShowsIt() throws {
        let demo = try SmallDemo("witness")
        defer { demo.cleanup() }
        let dir = demo.directory
        let school = try #require(try FileManager.default.contentsOfDirectory(atPath: demo.store + "/schools").first)
        func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let run = try demo.letopis(arguments)
            #expect(run.status == 0, "letopis \(arguments.joined(separator: " ")): \(run.out)\(run.err)", sourceLocation: sourceLocation)
            return run.out
        }

        let pem = try ok(["key", "export", "--store", demo.store, "--format", "pem"])
        try pem.write(toFile: dir + "/school.pub", atomically: true, encoding: .utf8)
        _ = try ok(["bundle", "--store", demo.store, "--out", dir + "/b1.bundle"])
        _ = try ok(["district", "init", "--store", dir + "/district"])
        _ = try ok(["district", "register-school", "--store", dir + "/district", "--school", school, "--public-key", dir + "/school.pub"])
        let imported = try ok(["district", "import", "--store", dir + "/district", "--witness-name", "Ромашкинский район", dir + "/b1.bundle"])
        #expect(imported.contains("made the district's witness key: district \"Ромашкинский район\""), "\(imported)")
        let cosignature = dir + "/b1.bundle.cosignature.json"
        #expect(imported.contains("as district \"Ромашкинский район\": \(cosignature) (store it at the school: letopis witness add --cosignature \(cosignature))"),
                "\(imported)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cosignature))) as? [String: Any])
        let size = try #require(document["size"] as? Int)
        let key = try #require(document["witnessKey"] as? String)

        // Another name for the same district is refused: a witness keeps its name.
        let renamed = try demo.letopis(["district", "import", "--store", dir + "/district", "--witness-name", "Другой район", dir + "/b1.bundle"])
        #expect(renamed.status == 1 && renamed.err.contains("a witness keeps its name"), "\(renamed.err)")

        let stored = try ok(["witness", "add", "--store", demo.store, "--cosignature", cosignature])
        #expect(stored.contains("stored: \(size) events of \(school) witnessed by district \"Ромашкинский район\" (key \(key))"), "\(stored)")
        let again = try ok(["witness", "add", "--store", demo.store, "--cosignature", cosignature])
        #expect(again.hasPrefix("already held:"), "\(again)")
        let verified = try ok(["audit", "verify", "--store", demo.store])
        #expect(verified.contains("  witnessed: \(size) events by district \"Ромашкинский район\" (key \(key)), cosigned "), "\(verified)")
        #expect(verified.contains("verdict: intact"), "\(verified)")

        // A cosignature of a tree the school never signed is refused, naming the rule.
        var forged = document
        forged["size"] = size - 1
        try JSONSerialization.data(withJSONObject: forged).write(to: URL(fileURLWithPath: dir + "/forged.json"))
        let refused = try demo.letopis(["witness", "add", "--store", demo.store, "--cosignature", dir + "/forged.json"])
        #expect(refused.status != 0 && refused.err.contains("does not check"), "\(refused.err)")

        // A committee of its own cosigns the school's latest checkpoint from the store.
        _ = try ok(["witness", "key", "--witness-dir", dir + "/committee", "--name", "Родительский комитет", "--kind", "committee"])
        let cosigned = try ok(["witness", "cosign", "--witness-dir", dir + "/committee", "--store", demo.store, "--out", dir + "/committee.json"])
        #expect(cosigned.contains("committee \"Родительский комитет\" cosigned \(size) events of \(school)"), "\(cosigned)")
        _ = try ok(["witness", "add", "--store", demo.store, "--cosignature", dir + "/committee.json"])
        let listed = try ok(["witness", "list", "--store", demo.store])
        #expect(listed.split(separator: "\n").count == 2 && listed.contains("committee \"Родительский комитет\""), "\(listed)")
        let mine = try ok(["witness", "list", "--witness-dir", dir + "/district/witness"])
        #expect(mine.contains("  \(school): \(size) events, root "), "\(mine)")

        // The same checkpoint from a file, with another school key, is refused.
        _ = try ok(["checkpoint", "--store", demo.store, "--out", dir + "/cp.json"])
        let stranger = try demo.letopis(["witness", "cosign", "--witness-dir", dir + "/committee", "--checkpoint", dir + "/cp.json",
                                         "--school-key", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="])
        #expect(stranger.status == 1 && stranger.err.contains("refused to cosign [school-key]"), "\(stranger.err)")
    }
}
