import Audit
import Catalog
import District
import EventLog
import Foundation
import SchoolYear

/// A fresh directory, removed by `cleanup`.
struct TemporaryDirectory {
    let path: String

    init(_ name: String = "letopis-district") {
        path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// Three small schools of one district, generated once (ten weeks of 2024/25,
/// grades 5 and 6, some students moving between them) and copied for each test.
enum Template {
    static let options: SchoolYearOptions = {
        var o = SchoolYearOptions()
        o.seed = 11
        o.schools = 3
        o.students = 30
        o.grades = [5, 6]
        o.weeks = 10
        return o
    }()

    /// The last simulated day: what the reconciliation looks from.
    static let asOf = CivilDate(iso: "2024-11-09")!

    /// Removed when the test process exits.
    static let templatePath = NSTemporaryDirectory() + "letopis-district-template-\(getpid())"

    private static let made = Task { () throws -> String in
        try? FileManager.default.removeItem(atPath: templatePath)
        atexit { try? FileManager.default.removeItem(atPath: Template.templatePath) }
        let directory = templatePath + "/store"
        let store = try Store.create(at: directory, kind: .school)
        let generator = SchoolYearGenerator(options: options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in generator.schoolIDs {
                group.addTask {
                    let log = try store.createLog(school: id, options: .init(durable: false))
                    _ = try await generator.generate(school: id, into: log)
                    log.close()
                }
            }
            try await group.waitForAll()
        }
        return directory
    }

    /// A copy of the generated schools, with a signing key each.
    static func copy() async throws -> Schools {
        let source = try await made.value
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/school-store"
        try FileManager.default.copyItem(atPath: source, toPath: path)
        let store = try Store.open(at: path)
        var logs: [String: EventLog] = [:]
        for id in try store.schoolIDs() {
            _ = try SchoolKeys.ensure(store: store, school: id)
            logs[id] = try store.openLog(school: id, options: .init(durable: false))
        }
        return Schools(scratch: scratch, store: store, logs: logs)
    }
}

/// The schools' own store, as each school keeps its log and key.
struct Schools {
    let scratch: TemporaryDirectory
    let store: Store
    let logs: [String: EventLog]

    static let coordinator = Actor(userID: "T0001", role: "coordinator")
    /// After the last generated event: what is added on top is recorded later.
    static let later = Timestamp(CivilDate(iso: "2024-11-10")!, hour: 7)

    func log(_ id: String) -> EventLog { logs[id]! }

    func append(_ school: String, _ message: some CatalogEvent, on date: String) async throws {
        try await log(school).append([message.proposed(effectiveDate: CivilDate(iso: date)!, actor: Self.coordinator, recordedAt: Self.later)])
    }

    /// The generator backs up at each period's close, from October; a clean
    /// school also backed up in the third quarter.
    func backUpInSeptember(_ school: String) async throws {
        let (size, root) = try log(school).merkleRoot()
        var backup = BackupMade()
        backup.backupID = "2024-B0"
        backup.medium = "USB-накопитель № 1, сейф директора"
        backup.madeBy = "T0001"
        backup.logPosition = size
        backup.merkleRoot = root.hex
        backup.madeOn = "2024-09-27"
        try await append(school, backup, on: "2024-09-27")
    }

    func bundle(_ school: String, to name: String, time: Timestamp = Timestamp(CivilDate(iso: "2024-11-09")!, hour: 15),
                full: Bool = false) throws -> String {
        let path = scratch.path + "/" + name
        let signer = try SchoolKeys.signer(store: store, school: school)
        try BundleWriter(log: log(school), signer: signer).write(to: path, full: full, time: time)
        return path
    }

    /// A district store with the three schools registered.
    func district(_ name: String = "district") throws -> DistrictStore {
        let district = try DistrictStore.create(at: scratch.path + "/" + name)
        for id in logs.keys.sorted() {
            try district.register(school: id, publicKey: try SchoolKeys.publicKey(store: store, school: id))
        }
        return district
    }

    func events(_ school: String) throws -> [(RecordedEvent, DomainEvent)] {
        try log(school).events(from: 1).map { ($0, try $0.decoded()) }
    }

    func close() {
        logs.values.forEach { $0.close() }
        scratch.cleanup()
    }
}

extension DistrictStore {
    @discardableResult
    func importAll(_ paths: [String]) throws -> [BundleImporter.Imported] {
        try paths.map { try BundleImporter(district: self).importBundle(at: $0) }
    }
}
