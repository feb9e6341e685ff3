import ArgumentParser
import Audit
import District
import EventLog
import Foundation
import Projections

struct DistrictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district",
        abstract: "The district office: import the schools' bundles, report, and reconcile the schools.",
        discussion: """
            A district store holds every registered school's log as imported from its bundles, each
            checked against the school's key, its hash chain and what the district held before.
            docs/district.md describes the store, the checks and the reconciliation.

            Examples:
              letopis district init --store district
              letopis district register-school --store district --school s01 --public-key s01.pub
              letopis district import --store district s01-1.bundle s02-1.bundle
              letopis district report rollout --store district --date 2024-10-01
              letopis district reconcile --store district --as-of 2024-11-09
            """,
        subcommands: [DistrictInitCommand.self, DistrictRegisterCommand.self, DistrictImportCommand.self,
                      DistrictReportCommand.self, DistrictReconcileCommand.self]
    )
}

extension StoreOptions {
    func openDistrict() throws -> DistrictStore {
        bootstrapLogging(verbose: verbose)
        do {
            return try DistrictStore.open(at: storePath)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

struct DistrictInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an empty district store.",
        discussion: """
            Example:
              letopis district init --store district
            """)

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        do {
            let district = try DistrictStore.create(at: storeOptions.storePath)
            district.close()
        } catch {
            throw CommandFailure("\(error)")
        }
        confirm("Хранилище района создано: \(storeOptions.storePath).")
    }
}

struct DistrictRegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-school",
        abstract: "Register a school and the public key its checkpoints must be signed with.",
        discussion: """
            Take the key from the school by a channel you trust (on paper with the director's
            signature), not from its bundles: `letopis key export --format pem` at the school.

            Example:
              letopis district register-school --store district --school s01 --public-key s01.pub
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The school's id, as in its log.", valueName: "id"))
    var school: String

    @Option(name: .customLong("public-key"), help: ArgumentHelp("The school's public key: PEM, base64 or hex.", valueName: "file"))
    var publicKey: String

    func run() throws {
        let district = try storeOptions.openDistrict()
        defer { district.close() }
        guard let text = try? String(contentsOfFile: publicKey, encoding: .utf8) else {
            throw CommandFailure("cannot read the public key file \(publicKey)")
        }
        guard let key = SchoolKeys.parsePublicKey(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CommandFailure("\(publicKey) is not an Ed25519 public key (PEM, base64 of 32 bytes, or 64 hex digits)")
        }
        do {
            try district.register(school: school, publicKey: key)
        } catch {
            throw CommandFailure("\(error)")
        }
        confirm("Школа \(school) зарегистрирована с ключом \(Data(key.rawRepresentation).base64EncodedString()).")
    }
}

struct DistrictImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Check and import schools' bundles, in the order given.",
        discussion: """
            Each bundle is checked whole — the school's signature with the registered key, every
            event's hash and link, the Merkle root, the consistency proof from what the district
            holds — and imported in one transaction, or refused with the rule it broke; a refused
            bundle changes nothing. Exit status 0 when every bundle was imported, 1 otherwise.

            The district is a witness of its schools' logs: it cosigns each imported bundle's
            checkpoint with its own key (STORE/witness, made at the first import, named by
            --witness-name) once the school's log is found to extend the checkpoint of that school
            it cosigned before, and refuses a bundle whose log disagrees with it, naming the
            witness. The cosignature is written next to the bundle (<bundle>.cosignature.json) or
            into --cosignature-out; hand it back to the school: letopis witness add.

            Examples:
              letopis district import --store district s01-1.bundle s02-1.bundle s01-2.bundle
              letopis district import --store district --witness-name "Ромашкинский район" --cosignature-out back s01-3.bundle
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .customLong("witness-name"), help: ArgumentHelp(
        "The district's name as its cosignatures show it, when its witness key is made (default: the store's directory name).",
        valueName: "name"))
    var witnessName: String?

    @Option(name: .customLong("cosignature-out"), help: ArgumentHelp(
        "Write the cosignatures into this directory (<school>-<size>.cosignature.json) instead of next to the bundles.",
        valueName: "dir"))
    var cosignatureOut: String?

    @Argument(help: ArgumentHelp("Bundle files.", valueName: "file"))
    var files: [String]

    func run() throws {
        let district = try storeOptions.openDistrict()
        defer { district.close() }
        let name = witnessName ?? URL(fileURLWithPath: storeOptions.storePath).standardizedFileURL.lastPathComponent
        let (witness, created) = try asCommandFailure { try district.ensureWitness(name: name) }
        if created {
            print("made the district's witness key: \(witness.identity.summary), public key \(witness.identity.publicKey) (\(witness.publicKeyPath))")
        } else if let witnessName, witnessName != witness.identity.name {
            throw CommandFailure("the district's witness is named \"\(witness.identity.name)\" (\(district.witnessPath)/witness.json), not \"\(witnessName)\"; a witness keeps its name")
        }
        if let cosignatureOut {
            try asCommandFailure { try FileManager.default.createDirectory(atPath: cosignatureOut, withIntermediateDirectories: true) }
        }
        let importer = BundleImporter(district: district, witness: witness)
        var refused = 0, unwritten = 0
        for file in files {
            let started = Date()
            do {
                let done = try importer.importBundle(at: file)
                let seconds = Date().timeIntervalSince(started)
                let rate = seconds > 0 ? String(format: ", %.2f M events/s", Double(done.added) / seconds / 1e6) : ""
                print("imported \(file) (\(done.header.summary)): \(grouped(done.added)) new events, \(done.header.school) held up to #\(done.heldAfter) (\(String(format: "%.2f", seconds)) s\(rate))")
                if let c = done.cosignature {
                    let path = cosignatureOut.map { "\($0)/\(c.school)-\(c.size).cosignature.json" } ?? file + ".cosignature.json"
                    do {
                        try Data((c.json() + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                        print("  cosigned \(c.size) events of \(c.school) as \(witness.identity.summary): \(path) (store it at the school: letopis witness add --cosignature \(path))")
                    } catch {
                        // Imported and cosigned all the same: the district keeps the cosignature in STORE/witness/schools.
                        unwritten += 1
                        FileHandle.standardError.write(Data("letopis: imported \(file), but its cosignature could not be written to \(path): \(error); it is kept in \(witness.path)/schools/\(c.school).json\n".utf8))
                    }
                }
            } catch {
                refused += 1
                FileHandle.standardError.write(Data("letopis: \(error)\n".utf8))
            }
        }
        if refused > 0 { throw CommandFailure("\(refused) of \(files.count) bundles refused") }
        if unwritten > 0 { throw CommandFailure("\(unwritten) cosignatures could not be written") }
    }
}

struct DistrictReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The schools' reports side by side, with the district's totals.",
        subcommands: [DistrictRolloutCommand.self, DistrictAcademicCommand.self, DistrictContingentCommand.self]
    )
}

/// The district store and how to write a view.
struct DistrictViewOptions: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "text (aligned tables), json (docs/views.md) or csv (for Excel: UTF-8 with BOM, ';').")
    var format: ViewFormat = .text

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func reports<R>(_ body: (DistrictReports) throws -> R) throws -> R {
        let district = try storeOptions.openDistrict()
        defer { district.close() }
        return try asCommandFailure {
            return try body(DistrictReports(district: district))
        }
    }

    func write(_ view: some RenderableView) throws {
        try writeView(view, as: format, to: out)
    }
}

struct DistrictRolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "The rollout report of every school, and the district's totals.",
        discussion: """
            Example:
              letopis district report rollout --store district --date 2024-12-28 --format csv --out rollout.csv
            """)

    @OptionGroup var options: DistrictViewOptions

    @Option(help: "The date the report is as of (default: today).")
    var date: String?

    func run() throws {
        let day = try date.map { try parseDate($0, option: "--date") } ?? Today.day
        try options.write(try options.reports { try $0.rollout(asOf: day) })
    }
}

struct DistrictAcademicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "academic", abstract: "Успеваемость, качество, средний балл of every class of every school.",
        discussion: """
            Example:
              letopis district report academic --store district --period "1 четверть" --date 2024-11-09
            """)

    @OptionGroup var options: DistrictViewOptions

    @Option(help: "The reporting period by name, e.g. \"1 четверть\"; default: each class's current one.")
    var period: String?

    @Option(help: "Only this subject.")
    var subject: String?

    @Option(help: "The day that decides the current period and the academic year (default: today).")
    var date: String?

    func run() throws {
        let day = try date.map { try parseDate($0, option: "--date") } ?? Today.day
        try options.write(try options.reports { try $0.academic(period: period, subject: subject, today: day) })
    }
}

struct DistrictContingentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contingent", abstract: "Headcount by school and class on a date (ОО-1: 20 September).",
        discussion: """
            Example:
              letopis district report contingent --store district --date 2024-09-20
            """)

    @OptionGroup var options: DistrictViewOptions

    @Option(help: "The date of the headcount (default: today).")
    var date: String?

    func run() throws {
        let day = try date.map { try parseDate($0, option: "--date") } ?? Today.day
        try options.write(try options.reports { try $0.contingent(date: day) })
    }
}

struct DistrictReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "List what does not add up between the schools, with the events behind each finding.",
        discussion: """
            Students (by SNILS) on the rolls of two schools at once; departures to a school of the
            district without the arrival there within --arrival-days, and arrivals from one without
            the departure; figures of a school's submitted rollout report that differ from its log
            as it stood then; periods ended without final grades; schools whose last bundle is older
            than --stale-days; calendar quarters without a backup.

            Exit status: 0 nothing found, 1 something found, 2 the reconciliation could not run.

            Example:
              letopis district reconcile --store district --as-of 2024-11-09 --arrival-days 10 --stale-days 30
            """
    )

    @OptionGroup var options: DistrictViewOptions

    @Option(name: .customLong("as-of"), help: "The day to reconcile as of (default: today, Moscow time).")
    var asOf: String?

    @Option(name: .customLong("arrival-days"), help: "Days within which a departure to a school of the district must arrive there.")
    var arrivalDays = 10

    @Option(name: .customLong("stale-days"), help: "Days after which a school's last bundle is stale.")
    var staleDays = 30

    @Option(name: .customLong("finals-days"), help: "Days after a period's end (unless closed sooner) by which it needs final grades.")
    var finalsDays = 7

    func validate() throws {
        guard arrivalDays >= 0, staleDays >= 0, finalsDays >= 0 else { throw ValidationError("the thresholds are days: 0 or more") }
    }

    func run() throws {
        let report: ReconciliationReport
        do {
            let day = try asOf.map { try parseDate($0, option: "--as-of") } ?? Today.day
            var settings = ReconcileOptions(asOf: CivilDate(daysSinceEpoch: day))
            settings.arrivalDays = arrivalDays
            settings.staleDays = staleDays
            settings.finalsDays = finalsDays
            report = try options.reports { try Reconciler(district: $0.district, options: settings).run() }
            try options.write(report)
        } catch let failure as CommandFailure {
            throw CommandFailure(failure.message, exitCode: 2)
        } catch {
            throw CommandFailure("\(error)", exitCode: 2)
        }
        // Status 1 says "found"; the findings themselves are in the output.
        if !report.isClean { throw CommandFailure("\(report.discrepancies.count) discrepancies found", exitCode: 1) }
    }
}
