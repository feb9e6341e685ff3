import Audit
import Catalog
import District
import EventLog
import Foundation
import Testing

/// The district as witness: it cosigns each imported bundle's checkpoint, and
/// refuses a bundle whose log disagrees with what it cosigned, naming itself —
/// also when its own copy of the school's log was replaced, since it keeps what
/// it signed apart from that copy.
@Suite struct WitnessImportTests {
    /// s01's log written again from its first grade after the middle on, one grade changed, as a new log.
    static func rewrittenLog(_ schools: Schools) async throws -> (EventLog, UInt64) {
        let original = schools.log("s01")
        let head = try original.head()
        let all = try original.events(from: 1)
        let k = all.firstIndex { $0.type == "GradeRecorded" && $0.sequence > head / 2 }!
        let store = try Store.create(at: schools.scratch.path + "/rewritten", kind: .school)
        let log = try store.createLog(school: "s01", options: .init(durable: false))
        var proposed = all.map {
            ProposedEvent(id: $0.id, stream: $0.stream, type: $0.type, schemaVersion: $0.schemaVersion, effectiveDate: $0.effectiveDate,
                          actor: $0.actor, payload: $0.payload, recordedAt: $0.recordedAt)
        }
        guard case .gradeRecorded(var grade) = try all[k].decoded() else { throw DistrictError("not a grade") }
        grade.value = grade.value == "5" ? "4" : "5"
        proposed[k].payload = grade.payload()
        for chunk in stride(from: 0, to: proposed.count, by: 5_000) {
            try await log.append(Array(proposed[chunk..<min(chunk + 5_000, proposed.count)]))
        }
        return (log, all[k].sequence)
    }

    static func refusal(_ importer: BundleImporter, _ path: String) -> ImportRefusal? {
        do {
            _ = try importer.importBundle(at: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDistrictCosignsWhatItImportsAndRefusesALogThatDisagreesWithIt() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let district = try schools.district()
        defer { district.close() }
        let (witness, created) = try district.ensureWitness(name: "Ромашкинский район")
        #expect(created)
        let importer = BundleImporter(district: district)

        // Each import is cosigned, the second after checking it extends the first.
        let first = try schools.bundle("s01", to: "s01-1.bundle")
        let one = try importer.importBundle(at: first)
        let cosigned = try #require(one.cosignature)
        #expect(cosigned.isOf(one.header.checkpoint) && cosigned.isSelfConsistent)
        #expect(cosigned.kind == "district" && cosigned.witness == "Ромашкинский район")
        #expect(cosigned.witnessKey == Array(witness.publicKey.rawRepresentation))
        try await schools.backUpInSeptember("s01")
        let second = try schools.bundle("s01", to: "s01-2.bundle")
        let two = try importer.importBundle(at: second)
        let cosigned2 = try #require(two.cosignature)
        #expect(try witness.last(of: "s01")?.checkpoint == two.header.checkpoint)
        // The school stores it beside its checkpoint.
        #expect(try CosignatureBook(log: schools.log("s01")).add(cosigned2) == .added)
        let witnessed = try WitnessAudit.check(log: schools.log("s01"))
        #expect(witnessed.isIntact && witnessed.entries.map(\.cosignature) == [cosigned2])

        // The school rewrites its log and signs it with its own key: refused, the witness named.
        let (log, divergent) = try await Self.rewrittenLog(schools)
        defer { log.close() }
        let signer = try SchoolKeys.signer(store: schools.store, school: "s01")
        let full = schools.scratch.path + "/s01-rewritten.bundle"
        try BundleWriter(log: log, signer: signer).write(to: full, full: true, time: Timestamp(CivilDate(iso: "2024-11-09")!, hour: 17))
        let before = try district.digest()
        let refused = Self.refusal(importer, full)
        #expect(refused?.rule == .historyRewritten)
        #expect(refused?.position == divergent)
        #expect(refused?.detail.contains("that district \"Ромашкинский район\" (key \(witness.identity.publicKey)) witnessed at \(cosigned2.time.iso)") == true,
                "\(String(describing: refused))")
        #expect(try district.digest() == before)
        #expect(try witness.last(of: "s01")?.checkpoint == two.header.checkpoint)

        // The district's copy of s01 is lost or replaced (a new store), but the district kept what
        // it signed: the rewritten log, though sound in itself and signed by the school, is refused.
        let replaced = try DistrictStore.create(at: schools.scratch.path + "/district-replaced")
        defer { replaced.close() }
        try replaced.register(school: "s01", publicKey: try SchoolKeys.publicKey(store: schools.store, school: "s01"))
        try FileManager.default.copyItem(atPath: district.witnessPath, toPath: replaced.witnessPath)
        let emptyBefore = try replaced.digest()
        let caught = Self.refusal(BundleImporter(district: replaced), full)
        #expect(caught?.rule == .witnessed, "\(String(describing: caught))")
        #expect(caught?.detail.contains("district \"Ромашкинский район\" (key \(witness.identity.publicKey)) refuses to cosign it [inconsistent]") == true,
                "\(String(describing: caught))")
        let lastCosigned = two.header.checkpoint
        #expect(caught?.detail.contains("the checkpoint of \(lastCosigned.size) events (root \(lastCosigned.root.hex)) it cosigned at \(cosigned2.time.iso)") == true)
        #expect(try replaced.digest() == emptyBefore)
        // Without the witness's record the same store would have taken it: the refusal is the witness's doing.
        let blind = try DistrictStore.create(at: schools.scratch.path + "/district-blind")
        defer { blind.close() }
        try blind.register(school: "s01", publicKey: try SchoolKeys.publicKey(store: schools.store, school: "s01"))
        #expect(try BundleImporter(district: blind).importBundle(at: full).cosignature == nil)

        // The genuine log goes on: its next bundle is imported and cosigned.
        var backup = BackupMade()
        backup.backupID = "2024-B9"; backup.medium = "диск"; backup.madeBy = "T0001"; backup.madeOn = "2024-11-10"
        try await schools.append("s01", backup, on: "2024-11-10")
        let third = try schools.bundle("s01", to: "s01-3.bundle", time: Timestamp(CivilDate(iso: "2024-11-10")!, hour: 15))
        let three = try importer.importBundle(at: third)
        #expect(three.cosignature?.size == three.header.to)
        #expect(try witness.last(of: "s01")?.checkpoint.size == three.header.to)
    }
}
