import EventLog
import Foundation
import ProgramRunner
import Records
import Testing

/// No credential leaves the school: a demo year's export and district bundle
/// hold none of the password hashes or salts of its credentials table.
@Suite struct CredentialLeakTests {
    @Test func anExportAndABundleOfTheDemoYearCarryNoHashOrSalt() throws {
        let school = try SmallDemo("leak")
        defer { school.cleanup() }
        let store = school.store
        let export = try school.letopis(["export", "--store", store])
        #expect(export.status == 0, "\(export.err)")
        let bundlePath = school.directory + "/s01.bundle"
        let bundle = try school.letopis(["bundle", "--store", store, "--out", bundlePath])
        #expect(bundle.status == 0, "\(bundle.err)")
        let bundleBytes = try #require(FileManager.default.contents(atPath: bundlePath))

        // What an attacker would test passwords against: each hash as stored, its salt and derived key, raw and in base64.
        let log = try Store.open(at: store).openLog(school: "s01", options: .init(readOnly: true))
        let table = try CredentialTable(log: log)
        var secrets: [Data] = []
        let logins = try table.logins(in: log)
        for login in logins {
            guard let hash = try table.password(of: login, in: log)?.hash else { continue }
            let parts = hash.split(separator: "$").map(String.init)
            #expect(parts.count == 4)
            secrets.append(Data(hash.utf8))
            for encoded in parts.dropFirst(2) {
                secrets.append(Data(encoded.utf8))
                secrets.append(try #require(Data(base64Encoded: encoded)))
            }
        }
        log.close()
        // 60 students, their parents and the staff: logins issued over the first three weeks.
        #expect(logins.count > 50, "the demo issues logins to staff, students and parents")

        // The export's lines, and the stored bytes each line carries in base64.
        var exported = Data(export.out.utf8)
        for line in export.out.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let stored = object["stored"] as? String, let bytes = Data(base64Encoded: stored) else { continue }
            exported.append(bytes)
        }
        #expect(export.out.split(separator: "\n").count > 1_000)
        for secret in secrets {
            #expect(exported.range(of: secret) == nil, "the export carries a credential")
            #expect(bundleBytes.range(of: secret) == nil, "the bundle carries a credential")
        }
        #expect(!export.out.contains("pbkdf2") && bundleBytes.range(of: Data("pbkdf2".utf8)) == nil)
    }
}
