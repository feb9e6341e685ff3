import Catalog
import EventLog
import Foundation
import Testing
@testable import Audit

@Suite struct CheckpointTests {
    @Test func aDemosKeyFollowsFromItsSeedAndARealSchoolsIsRandom() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        func key(_ name: String, seed: UInt64?, school: String = "s01") throws -> Data {
            let store = try Store.create(at: dir.path + "/" + name, kind: .school)
            return try SchoolKeys.ensure(store: store, school: school, demoSeed: seed).publicKey.rawRepresentation
        }
        let demo = try key("a", seed: 2024)
        #expect(try key("b", seed: 2024) == demo, "the same seed gave another key")
        #expect(try key("c", seed: 7) != demo)
        #expect(try key("d", seed: 2024, school: "s02") != demo, "two schools of one demo share a key")
        #expect(try key("e", seed: nil) != demo && key("f", seed: nil) != key("g", seed: nil))
    }

    @Test func keysAreCreatedPrivateAndRefusedWhenReadableByOthers() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        let signer = try SchoolKeys.ensure(store: store, school: "s1")
        let attributes = try FileManager.default.attributesOfItem(atPath: store.keyPath(school: "s1"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: dir.path + "/store/keys")
        #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        // Idempotent: the same key comes back.
        let again = try SchoolKeys.ensure(store: store, school: "s1")
        #expect(again.publicKey.rawRepresentation == signer.publicKey.rawRepresentation)
        #expect(try SchoolKeys.publicKey(store: store, school: "s1").rawRepresentation == signer.publicKey.rawRepresentation)
        // The PEM forms are the standard ones and read back.
        let pem = SchoolKeys.pem(signer.publicKey)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))
        #expect(SchoolKeys.parsePublicKey(pem)?.rawRepresentation == signer.publicKey.rawRepresentation)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store.keyPath(school: "s1"))
        #expect(throws: AuditError.self) { try SchoolKeys.signer(store: store, school: "s1") }
        do {
            _ = try SchoolKeys.signer(store: store, school: "s1")
        } catch {
            #expect("\(error)".contains("chmod 600"))
        }
        #expect(try SchoolKeys.signerIfPresent(store: store, school: "nobody") == nil)
    }

    @Test func theSignedMessageIsTheDocumentedText() throws {
        // docs/log-format.md, "Checkpoints": the worked example, signed with RFC 8032's test key 1.
        let seed = Array(Digest32(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!.bytes)
        let signer = CheckpointSigner(school: "s01", key: try .init(rawRepresentation: seed))
        let root = Digest32(hex: "50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c")!
        let time = Timestamp(isoUTC: "2024-10-28T12:00:00.000000Z")!
        let checkpoint = try signer.sign(size: 1000, root: root, time: time)
        #expect(String(decoding: checkpoint.message, as: UTF8.self) == """
            letopis checkpoint v1
            school s01
            size 1000
            root 50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c
            time 2024-10-28T12:00:00.000000Z

            """)
        #expect(checkpoint.publicKeyBase64 == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        #expect(Data(checkpoint.signature).base64EncodedString()
                == "vopcnehMSy/q3Yo6S1ueO+iW7x+FWYcQjV18IlGtI7bsHbmq7FqnXryNqRxoq52enYE6BYT/tjl8Wtpl5oHiDQ==")
        let parsed = try SignedCheckpoint.parse(Array(checkpoint.json().utf8))
        #expect(parsed == checkpoint)
        #expect(parsed.isSigned(by: signer.publicKey))
        var forged = parsed
        forged.size = 1001
        #expect(!forged.isSigned(by: signer.publicKey))
    }

    @Test func periodClosesAndBackupsAreCheckpointedAtTheirOwnEvent() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        var school = RawSchool()
        school.setUp()
        school.lesson("2024-09-02", slot: 1, at: msk("2024-09-02", 9))
        var closed = PeriodClosed()
        closed.periodID = "2024-T1"
        school.add(closed, "2024-10-28", by: admin, at: msk("2024-10-28", 15))
        school.lesson("2024-11-05", slot: 1, at: msk("2024-11-05", 9))
        let log = try store.createLog(school: "s-raw", options: .init(durable: false))
        defer { log.close() }
        try await log.append(school.events)
        let closedAt = UInt64(school.events.count - 1)

        let signer = try SchoolKeys.ensure(store: store, school: "s-raw")
        let first = try Checkpointer(log: log, signer: signer).catchUp()
        #expect(first.signed.map(\.size) == [closedAt])
        let checkpoint = try #require(try CheckpointBook(log: log).checkpoint(size: closedAt))
        #expect(checkpoint.time == msk("2024-10-28", 15))
        #expect(checkpoint.root == (try log.merkleRoot(size: closedAt)).root)
        #expect(checkpoint.isSigned(by: signer.publicKey))

        // Catching up again signs nothing; a backup later is signed at its own sequence.
        #expect(try Checkpointer(log: log, signer: signer).catchUp().signed.isEmpty)
        var backup = BackupMade()
        backup.backupID = "B1"; backup.medium = "флешка"; backup.logPosition = try log.head()
        try await log.append([backup.proposed(effectiveDate: CivilDate(iso: "2024-11-06")!, actor: admin, recordedAt: msk("2024-11-06", 16))])
        let second = try Checkpointer(log: log, signer: signer).catchUp()
        #expect(second.signed.map(\.size) == [try log.head()])
        #expect(try CheckpointBook(log: log).all().map(\.size) == [closedAt, try log.head()])
        #expect(try CheckpointBook(log: log).first(covering: 2)?.size == closedAt)

        // Without a key only the index moves; a key found later signs what is due.
        let keyless = TemporaryDirectory()
        defer { keyless.cleanup() }
        let other = try await school.write(to: keyless.path + "/log")
        defer { other.close() }
        #expect(try Checkpointer(log: other, signer: nil).catchUp().signed.isEmpty)
        #expect(try Checkpointer(log: other, signer: signer).catchUp().signed.map(\.size) == [closedAt])
    }

    @Test func theExportTrailerCarriesThePrefixOfTheRange() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        var school = RawSchool()
        school.setUp()
        let log = try store.createLog(school: "s-raw", options: .init(durable: false))
        defer { log.close() }
        try await log.append(school.events)
        try SchoolKeys.ensure(store: store, school: "s-raw")
        let head = try log.head()
        let trailer = try ExportTrailer.make(store: store, log: log, from: 7, to: head - 1)
        #expect(trailer.prefix.count == 6.nonzeroBitCount)
        #expect(trailer.checkpoint?.size == head - 1)
        #expect(trailer.root == (try log.merkleRoot(size: head - 1)).root)
        // The prefix and the exported events give the root, as the verifier computes it.
        var edge = try #require(MerkleEdge(size: 6, hashes: trailer.prefix))
        for event in try log.events(from: 7, through: head - 1) { edge.appendLeaf(eventHash: event.hash) }
        #expect(edge.root == trailer.root)
        // The fresh checkpoint was recorded: the next export finds the same one.
        #expect(try ExportTrailer.make(store: store, log: log, from: 1, to: head - 1).checkpoint == trailer.checkpoint)
    }
}
