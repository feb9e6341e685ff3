import ArgumentParser
import Audit
import EventLog
import Foundation

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "For auditors: verify the log, the history of a record, what changed, what bends the rules.",
        discussion: """
            Everything here is read from the school's log itself, not from the views. A point of the
            log (--from, --to) is a sequence number or a date-time (see letopis journal --help, --as-of).
            docs/auditors.md walks through it all.

            Examples:
              letopis audit verify
              letopis audit history --student S0012
              letopis audit diff --from 2024-10-01 --to 2024-10-31 --class 5А
              letopis audit anomalies --from 2024-09-01 --to 2024-12-31
            """,
        subcommands: [AuditVerifyCommand.self, AuditHistoryCommand.self, AuditDiffCommand.self, AuditAnomaliesCommand.self]
    )
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check the hash chain, the Merkle root and every signed checkpoint of the school's log.",
        discussion: """
            Uses every core. Proves that the events are the ones the school's recorded checkpoints \
            signed: a checkpoint beyond the log's end names a cut log ("truncated: the log ends at #N, \
            …"), one whose root the events no longer give names a rewrite, even with every hash and \
            Merkle node recomputed ("rewritten within #a…#b", between the last checkpoint that matches \
            and the first that does not). Signatures are checked with --public-key (the key the school \
            published), else with STORE/keys/<school>.pub.

            The school's signatures prove nothing against the school itself: holding the private key, \
            it could rewrite its log and re-sign, or delete checkpoints with the events. Witnesses catch \
            that: the witnesses' cosignatures held by the school (letopis witness add) and given with \
            --cosignature are checked against the events; each is listed as "witnessed", and a log that \
            disagrees with one is NOT INTACT even when every school signature checks. Nothing is proved \
            of events after the last checkpoint.

            Exit status: 0 intact; 1 any finding, or the store cannot be read; 2 an unreadable --public-key.
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var output: AuditOutput

    @Option(name: .customLong("public-key"), help: ArgumentHelp("The school's public key: a file, base64 or hex.", valueName: "key"))
    var publicKey: String?

    @Option(name: .customLong("cosignature"), help: ArgumentHelp(
        "A witness's cosignature to check the log against, besides those the school holds (repeatable).", valueName: "file"))
    var cosignatures: [String] = []

    func run() throws {
        let (store, log) = try openAuditLog(school)
        defer { log.close() }
        let key = try publicKey.map(readPublicKey) ?? (try? SchoolKeys.publicKey(store: store, school: log.school))
        let bar = ProgressBar(total: try log.head(), unit: "events", label: "verifying \(log.school)")
        let report = try LogVerifier.verify(log: log, publicKey: key) { bar.update($0) }
        bar.finish()
        // Witnesses' cosignatures (WitnessCommand.swift): a log that disagrees with one fails, naming the witness.
        let witnessed = try witnessAudit(log: log, files: cosignatures)
        try output.write(text: { witnessed.merged(into: AuditText.verification(report)) },
                         json: { witnessed.merged(intoJSON: auditJSON(report)) })
        if !report.isIntact || !witnessed.isIntact { throw ExitCode(1) }
    }
}

struct AuditHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event that touched a student, a lesson, a teacher, or that an editor recorded.",
        discussion: """
            With who recorded it and when, the effective date, what it changed (before → after, from
            the earlier events of the same record) and the reason given.

            Examples:
              letopis audit history --student S0012
              letopis audit history --lesson 2024-5А/2024-09-02/3
              letopis audit history --editor T0007 --from 2024-10-01 --to 2024-10-31 --format json
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var output: AuditOutput

    @Option(help: "A student's id: grades, attendance, finals, class and group moves, consents, logins.")
    var student: String?
    @Option(help: "A lesson's id (<class-or-group>/<YYYY-MM-DD>/<slot>): its entries and grades.")
    var lesson: String?
    @Option(help: "A teacher's id: employment, roles, lessons taught, timetable, consent, logins.")
    var teacher: String?
    @Option(help: "A user's id: every event they recorded.")
    var editor: String?
    @Option(help: "Only events from this point on (a sequence or a date-time).")
    var from: String?
    @Option(help: "Only events up to this point.")
    var to: String?

    func validate() throws {
        let given = [student, lesson, teacher, editor].compactMap { $0 }
        guard given.count == 1 else { throw ValidationError("name exactly one of --student, --lesson, --teacher, --editor") }
    }

    func run() throws {
        let (_, log) = try openAuditLog(school)
        defer { log.close() }
        let target: HistoryTarget = student.map(HistoryTarget.student) ?? lesson.map(HistoryTarget.lesson)
            ?? teacher.map(HistoryTarget.teacher) ?? .editor(editor!)
        let first = try from.map { try parsePoint($0, option: "--from").firstEvent(in: log) } ?? 1
        let last = try to.map { try parsePoint($0, option: "--to").resolve(in: log) } ?? .max
        let entries = try HistoryQuery(log: log, target: target, from: first, through: last).run()
        try output.write(text: { AuditText.history(entries, of: target) }, json: { auditJSON(entries) })
    }
}

struct AuditDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in the journal views between two points: topics, homework, rolls, grades, finals.",
        discussion: """
            The journal is rebuilt as of --from and as of --to, and every lesson and final grade that
            an event between them touched is compared; each difference lists the events behind it.
            A date alone means the end of that day, so --from 2024-10-01 --to 2024-10-31 is what
            October's entries changed. Corrections and removals come first, then new entries;
            --changes-only leaves the new entries out.

            Examples:
              letopis audit diff --from 2024-10-01 --to 2024-10-31 --class 5А
              letopis audit diff --from 2024-10-01 --to 2024-12-31 --changes-only --format json
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var output: AuditOutput

    @Option(help: "The earlier point: a sequence number or a date-time.")
    var from: String
    @Option(help: "The later point (default: now).")
    var to: String?
    @Option(name: .customLong("class"), help: ArgumentHelp("Only this class (5А or 2024-5А) and its groups.", valueName: "class"))
    var className: String?

    @Flag(help: "Only changes and removals of what the journal already showed, not new entries.")
    var changesOnly = false

    func run() throws {
        let (_, log) = try openAuditLog(school, writable: true)
        defer { log.close() }
        do {
            var diff = try ViewDiffer.diff(log: log, from: try parsePoint(from, option: "--from"),
                                           to: try to.map { try parsePoint($0, option: "--to") } ?? .sequence(.max),
                                           class: className)
            if changesOnly { diff.differences.removeAll { $0.change == "added" } }
            try output.write(text: { AuditText.diff(diff) }, json: { auditJSON(diff) })
        } catch let error as AuditError {
            throw CommandFailure(error.description)
        }
    }
}

struct AuditAnomaliesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Entries that break or bend the rules, each with the events behind it.",
        discussion: """
            Late topics and rolls, late homework, grades changed after the edit window, changes in
            closed periods and every reopening with its reason, backdated entries, bursts of grade
            changes by one editor, events by users whose logins were blocked, quarters without a
            backup, logins issued without a consent on record. Every kind is listed, with "нет" when
            nothing was found. The thresholds are options.

            Examples:
              letopis audit anomalies
              letopis audit anomalies --from 2024-09-01 --to 2024-12-31 --format json --out anomalies.json
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var output: AuditOutput

    @Option(help: "Findings about events from this point on (a sequence or a date-time).")
    var from: String?
    @Option(help: "Findings about events up to this point.")
    var to: String?
    @Option(help: "Backdated: recorded more than this many days after the effective date.")
    var backdatingDays = 14
    @Option(help: "A burst: more than this many grade changes by one editor …")
    var burstCount = 20
    @Option(help: "… within this many minutes.")
    var burstMinutes = 10
    @Option(help: "Homework is late this many minutes after the class's last lesson of the day.")
    var homeworkGrace = 60
    @Option(help: "The edit window in days (default: the school's, else 7).")
    var editWindow: Int?
    @Option(help: "The school's time zone, hours east of UTC.")
    var utcOffset = 3

    func run() throws {
        let (_, log) = try openAuditLog(school)
        defer { log.close() }
        var thresholds = AnomalyThresholds()
        thresholds.backdatingDays = backdatingDays
        thresholds.burstCount = burstCount
        thresholds.burstMinutes = burstMinutes
        thresholds.homeworkGraceMinutes = homeworkGrace
        thresholds.editWindowDays = editWindow
        thresholds.utcOffsetHours = utcOffset
        let first = try from.map { try parsePoint($0, option: "--from").firstEvent(in: log) } ?? 1
        let last = try to.map { try parsePoint($0, option: "--to").resolve(in: log) }
        let report = try AnomalyScanner(log: log, thresholds: thresholds).run(from: first, through: last)
        try output.write(text: { AuditText.anomalies(report) }, json: { auditJSON(report) })
    }
}
