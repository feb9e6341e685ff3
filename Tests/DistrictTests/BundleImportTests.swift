import Audit
import Catalog
import District
import EventLog
import Foundation
import Testing

/// A refused bundle is named with the rule it broke and changes nothing.
@Suite struct BundleImportTests {
    /// s01's first bundle, one event more, and its second bundle.
    static func twoBundles(_ schools: Schools) async throws -> (String, String) {
        let first = try schools.bundle("s01", to: "s01-1.bundle")
        try await schools.backUpInSeptember("s01")
        let second = try schools.bundle("s01", to: "s01-2.bundle")
        return (first, second)
    }

    /// A copy of the bundle at `path` with its header JSON changed by `change`, the
    /// header's length and the file's closing SHA-256 made again to match.
    static func rewritingHeader(of path: String, as copy: String, _ change: (inout [String: Any]) throws -> Void) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let magic = "letopis-bundle-v1\n".utf8.count
        let length = bytes[magic..<(magic + 4)].reduce(0) { $0 << 8 | Int($1) }
        var header = try #require(try JSONSerialization.jsonObject(with: bytes[(magic + 4)..<(magic + 4 + length)]) as? [String: Any])
        try change(&header)
        let newHeader = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        var rewritten = Data(bytes.prefix(magic))
        rewritten.append(contentsOf: withUnsafeBytes(of: UInt32(newHeader.count).bigEndian) { Array($0) })
        rewritten.append(newHeader)
        rewritten.append(bytes[(magic + 4 + length)..<(bytes.count - 32)])
        rewritten.append(contentsOf: rewritten.withUnsafeBytes { sha256($0) }.bytes)
        try rewritten.write(to: URL(fileURLWithPath: copy))
        return copy
    }

    static func refusal(_ district: DistrictStore, _ path: String) -> ImportRefusal? {
        do {
            _ = try BundleImporter(district: district).importBundle(at: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func aChangedByteIsRefusedAndChangesNothing() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let (first, second) = try await Self.twoBundles(schools)
        let district = try schools.district()
        defer { district.close() }
        try district.importAll([first])
        let before = try district.digest()

        // One byte of the second bundle's only event, and one byte in the middle of the first.
        for (path, offset) in [(second, -40), (first, 0)] {
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let at = offset < 0 ? bytes.count + offset : bytes.count / 2
            bytes[at] ^= 0x01
            let changed = path + ".changed"
            try bytes.write(to: URL(fileURLWithPath: changed))
            let refusal = Self.refusal(district, changed)
            #expect(refusal != nil, "\(path) with one byte changed was imported")
            #expect(refusal.map { [.chain, .damaged, .replayed].contains($0.rule) } ?? false, "\(String(describing: refusal))")
            #expect(try district.digest() == before)
        }
        // The second bundle of its own is the event the changed byte was in.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: second))
        bytes[bytes.count - 40] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: second + ".one"))
        let refusal = Self.refusal(district, second + ".one")
        #expect(refusal?.rule == .chain)
        #expect(refusal?.position == (try schools.log("s01").head()))
        #expect(refusal?.description.contains("s01-2.bundle.one") == true)
        #expect(try district.digest() == before)
        // The bundle as made still goes in.
        try district.importAll([second])
        #expect(try district.head(of: "s01")?.size == (try schools.log("s01").head()))
    }

    @Test func aHeaderNamingEventsBeyondAnyCountIsRefusedNotACrash() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let (first, _) = try await Self.twoBundles(schools)
        let district = try schools.district()
        defer { district.close() }
        let before = try district.digest()
        // The header's "to" made 2^64 − 1.
        let path = try Self.rewritingHeader(of: first, as: first + ".huge") { $0["to"] = UInt64.max }
        let refusal = Self.refusal(district, path)
        #expect(refusal?.description.contains("18446744073709551615") == true, "\(String(describing: refusal))")
        #expect(try district.digest() == before)
    }

    @Test func aHeaderChangedInTransitIsRefusedAndLocksNoOneOut() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let (first, second) = try await Self.twoBundles(schools)
        let district = try schools.district()
        defer { district.close() }
        let empty = try district.digest()
        // The first bundle's number made 99.
        let path = try Self.rewritingHeader(of: first, as: first + ".forged") { header in
            #expect(header["signature"] is String, "the school signs its header")
            header["number"] = 99
        }
        let refusal = Self.refusal(district, path)
        #expect(refusal?.rule == .signature && refusal?.description.contains("it was changed after the school made it") == true,
                "\(String(describing: refusal))")
        #expect(try district.digest() == empty)
        // The school's own bundles go in, in order, as if nothing had been tried.
        try district.importAll([first, second])
        #expect(try district.head(of: "s01")?.size == (try schools.log("s01").head()))
    }

    @Test func bundlesOutOfOrderAreRefused() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let (first, second) = try await Self.twoBundles(schools)
        let district = try schools.district()
        defer { district.close() }
        let empty = try district.digest()
        let early = Self.refusal(district, second)
        #expect(early?.rule == .outOfOrder, "\(String(describing: early))")
        #expect(early?.description.contains("import bundle 1 of s01 first") == true)
        #expect(try district.digest() == empty)

        try district.importAll([first, second])
        let both = try district.digest()
        for path in [first, second] {
            let again = Self.refusal(district, path)
            #expect(again?.rule == .replayed, "\(String(describing: again))")
            #expect(try district.digest() == both)
        }
        #expect(try district.importedBundles(of: "s01").map(\.number) == [1, 2])
        // The school's record of its bundles and the district's name the same files.
        let made = try BundleWriter(log: schools.log("s01"), signer: SchoolKeys.signer(store: schools.store, school: "s01")).made()
        #expect(made.map(\.header.number) == [1, 2])
        #expect(try district.importedBundles(of: "s01").map(\.sha256) == made.map(\.sha256))
        // The schools registered that never sent a bundle are named.
        let silent = try Reconciler(district: district, options: ReconcileOptions(asOf: CivilDate(iso: "2024-11-09")!)).run()
        #expect(silent.discrepancies.filter { $0.kind == .staleBundle }.map(\.schools) == [["s02"], ["s03"]])
    }

    @Test func aSchoolThatRewroteItsHistoryIsRefusedAtTheFirstDivergentEvent() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        let (first, second) = try await Self.twoBundles(schools)
        let district = try schools.district()
        defer { district.close() }
        try district.importAll([first, second])
        let before = try district.digest()

        // The same school, its log written again from event k on with one grade changed.
        let original = schools.log("s01")
        let head = try original.head()
        let all = try original.events(from: 1)
        let k = all.firstIndex { $0.type == "GradeRecorded" && $0.sequence > head / 2 }!
        let rewritten = try Store.create(at: schools.scratch.path + "/rewritten", kind: .school)
        let log = try rewritten.createLog(school: "s01", options: .init(durable: false))
        defer { log.close() }
        var proposed = all.map {
            ProposedEvent(id: $0.id, stream: $0.stream, type: $0.type, schemaVersion: $0.schemaVersion, effectiveDate: $0.effectiveDate,
                          actor: $0.actor, payload: $0.payload, recordedAt: $0.recordedAt)
        }
        guard case .gradeRecorded(var grade) = try all[k].decoded() else { Issue.record("not a grade"); return }
        grade.value = grade.value == "5" ? "4" : "5"
        proposed[k].payload = grade.payload()
        for chunk in stride(from: 0, to: proposed.count, by: 5_000) {
            try await log.append(Array(proposed[chunk..<min(chunk + 5_000, proposed.count)]))
        }
        #expect(try log.head() == head)
        let signer = try SchoolKeys.signer(store: schools.store, school: "s01")
        let full = schools.scratch.path + "/s01-rewritten.bundle"
        try BundleWriter(log: log, signer: signer).write(to: full, time: Timestamp(CivilDate(iso: "2024-11-09")!, hour: 17))
        let refusal = Self.refusal(district, full)
        #expect(refusal?.rule == .historyRewritten, "\(String(describing: refusal))")
        #expect(refusal?.position == all[k].sequence)
        #expect(refusal?.school == "s01")
        #expect(try district.digest() == before)

        // Signed with a key that is not the school's: refused before anything else.
        let stranger = schools.scratch.path + "/s01-stranger.bundle"
        let log2 = try rewritten.createLog(school: "s02", options: .init(durable: false))
        defer { log2.close() }
        try await log2.append(Array(proposed.prefix(10)).map { var p = $0; p.id = UUID(); return p })
        try BundleWriter(log: log2, signer: CheckpointSigner(throwawayFor: "s02")).write(to: stranger)
        #expect(Self.refusal(district, stranger)?.rule == .signature)
        #expect(try district.digest() == before)
    }
}
