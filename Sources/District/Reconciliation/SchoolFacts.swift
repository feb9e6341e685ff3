import Catalog
import EventLog
import Foundation
import Projections

/// What the reconciliation needs of one school, learned in one pass over its
/// held log (replayed into memory on the way), and the findings about that
/// school alone.
struct SchoolFacts: Sendable {
    /// A stay on the school's rolls: from enrolment or arrival to departure (exclusive).
    struct Stay: Sendable {
        var snils: String
        var student: String
        var from: CivilDate
        var until: CivilDate?
        var start: EventRef
        var end: EventRef?
    }

    /// A departure to, or arrival from, another school of the district.
    struct Transfer: Sendable {
        var snils: String
        var student: String
        var on: CivilDate
        var counterpart: String
        var ref: EventRef
    }

    var school: String
    var name = ""
    var stays: [Stay] = []
    var departures: [Transfer] = []
    var arrivals: [Transfer] = []
    var findings: [Discrepancy] = []

    /// The figures of a rollout report, by the keys `ReportSubmitted` uses, as
    /// the log gives them. Percentages are left out: they follow from the counts.
    static func rolloutFigures(_ s: RolloutReport.School) -> [String: Double] {
        let t = s.total
        return [
            "students": Double(t.students), "students_with_login": Double(t.studentsWithLogin.count),
            "parents": Double(t.parents), "parents_with_consent": Double(t.parentsWithConsent.count),
            "parents_with_application": Double(t.parentsWithApplication.count),
            "parents_with_login": Double(t.parentsWithLogin.count), "parents_activated": Double(t.parentsActivated.count),
        ]
    }

    /// The event types the checks read themselves.
    static let checkedTypes: Set<String> = [
        "StudentEnrolled", "StudentArrived", "StudentLeft", "StudentGraduated", "AcademicYearDefined",
        "ReportingPeriodsDefined", "PeriodClosed", "FinalGradeSet", "BackupMade", "ReportSubmitted",
    ]

    /// One pass over the school's held events.
    static func learn(_ school: String, district: DistrictStore, options: ReconcileOptions) throws -> SchoolFacts {
        var facts = SchoolFacts(school: school)
        let asOf = options.asOf
        // The registry and access views are all the checks read; the journal's
        // views (the costliest to build) are left out, and events neither
        // these projectors nor the checks need are not decoded.
        let projectors: [any Projector] = [RegistryProjector(), AccessProjector()]
        let replay = StepReplay(projectors: projectors)
        var open: [String: Int] = [:]  // student → index of the open stay
        var snilsOf: [String: String] = [:]
        var backups: [(CivilDate, EventRef)] = []
        var yearStart: (CivilDate, EventRef)?
        var periodRefs: [String: [EventRef]] = [:]
        var finals = Set<String>()  // period ‖ class

        func startStay(_ student: String, _ snils: String, _ on: CivilDate, _ ref: EventRef) {
            snilsOf[student] = snils
            guard !snils.isEmpty, on <= asOf else { return }
            open[student] = facts.stays.count
            facts.stays.append(Stay(snils: snils, student: student, from: on, until: nil, start: ref, end: nil))
        }
        func endStay(_ student: String, _ on: CivilDate, _ ref: EventRef) {
            guard on <= asOf, let k = open.removeValue(forKey: student) else { return }
            facts.stays[k].until = on
            facts.stays[k].end = ref
        }

        try district.forEachProjected(of: school, where: { recorded in
            Self.checkedTypes.contains(recorded.type) || projectors.contains { $0.mayMatter(recorded, for: .everything) }
        }) { recorded, event in
            let ref = EventRef(school: school, sequence: recorded.sequence, id: recorded.id)
            switch event.event {
            case .studentEnrolled(let e):
                startStay(e.studentID, e.snils, CivilDate(iso: e.enrolledOn) ?? event.effectiveDate, ref)
            case .studentArrived(let e):
                let on = CivilDate(iso: e.on) ?? event.effectiveDate
                startStay(e.studentID, e.snils, on, ref)
                if !e.originSchoolID.isEmpty, e.originSchoolID != school, on <= asOf {
                    facts.arrivals.append(Transfer(snils: e.snils, student: e.studentID, on: on, counterpart: e.originSchoolID, ref: ref))
                }
            case .studentLeft(let e):
                let on = CivilDate(iso: e.on) ?? event.effectiveDate
                endStay(e.studentID, on, ref)
                if !e.destinationSchoolID.isEmpty, e.destinationSchoolID != school, on <= asOf {
                    facts.departures.append(Transfer(snils: snilsOf[e.studentID] ?? "", student: e.studentID, on: on,
                                                     counterpart: e.destinationSchoolID, ref: ref))
                }
            case .studentGraduated(let e):
                endStay(e.studentID, CivilDate(iso: e.on) ?? event.effectiveDate, ref)
            case .academicYearDefined(let e):
                if let starts = CivilDate(iso: e.startsOn), yearStart.map({ starts < $0.0 }) ?? true { yearStart = (starts, ref) }
            case .reportingPeriodsDefined(let e):
                for p in e.periods { periodRefs[p.periodID, default: []].append(ref) }
            case .periodClosed(let e):
                periodRefs[e.periodID, default: []].append(ref)
            case .finalGradeSet(let e):
                finals.insert(e.periodID + "\u{0}" + e.classID)
            case .backupMade:
                if event.effectiveDate <= asOf { backups.append((event.effectiveDate, ref)) }
            case .reportSubmitted(let e) where e.report == "rollout" && event.effectiveDate <= asOf:
                // The log as it stood when the report was submitted.
                if let day = CivilDate(iso: e.asOf) {
                    let report = try RolloutReport.school(replay.views, asOf: day.daysSinceEpoch)
                    facts.compare(e, with: rolloutFigures(report), ref: ref)
                }
            default:
                break
            }
            try replay.apply(event)
        }
        let views = replay.views
        let lookup = Lookup(views)
        facts.name = try lookup.school()?.shortName ?? school
        try facts.checkFinals(lookup, views: views, finals: finals, periodRefs: periodRefs, options: options)
        facts.checkQuarters(backups: backups, start: yearStart, options: options)
        // The finding points at the last event held: what the district has of the school.
        if let head = try district.head(of: school), let event = try district.event(of: school, at: head.size) {
            facts.checkStaleness(head, last: EventRef(school: school, sequence: head.size, id: event.id), options: options)
        }
        return facts
    }

    mutating func compare(_ report: ReportSubmitted, with recomputed: [String: Double], ref: EventRef) {
        var differences: [String] = []
        for figure in report.figures {
            guard let value = recomputed[figure.key], abs(value - figure.value) > 0.0001 else { continue }
            let label = figure.label.isEmpty ? figure.key : figure.label
            differences.append("«\(label)» (\(figure.key)): в отчёте \(Self.number(figure.value)), по журналу \(Self.number(value))")
        }
        guard !differences.isEmpty else { return }
        let date = CivilDate(iso: report.asOf)?.russian ?? report.asOf
        findings.append(Discrepancy(
            kind: .reportFigures, schools: [school], record: "\(report.report) на \(date)",
            explanation: "\(school): отчёт «\(report.report)» на \(date) расходится с журналом школы на момент подачи: " + differences.joined(separator: "; "),
            events: [ref]))
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : RussianNumber.decimal(value, places: 1)
    }

    /// Periods ended (closed, or `finalsDays` past their end) whose classes of
    /// the period's grades had students on its last day but no final grade at
    /// all. First grades are taught without marks and are not checked.
    mutating func checkFinals(_ lookup: Lookup, views: MemoryViews, finals: Set<String>, periodRefs: [String: [EventRef]],
                              options: ReconcileOptions) throws {
        let asOf = options.asOf.daysSinceEpoch
        let classes = try lookup.classes()
        for period in try views.rows(ViewTables.periods).map(\.row).sorted(by: { ($0.ends, $0.id) < ($1.ends, $1.id) }) {
            guard period.ends < asOf, period.closed || period.ends + Int32(options.finalsDays) < asOf else { continue }
            var missing: [String] = []
            for klass in classes.sorted(by: { ($0.grade, $0.name) < ($1.grade, $1.name) })
            where klass.year == period.year && klass.grade > 1 && period.grades.contains(klass.grade) {
                guard !finals.contains(period.id + "\u{0}" + klass.id) else { continue }
                if try !lookup.roster(klass.id, from: period.ends, to: period.ends).isEmpty { missing.append(klass.name) }
            }
            guard !missing.isEmpty else { continue }
            let ends = CivilDate(daysSinceEpoch: period.ends).russian
            findings.append(Discrepancy(
                kind: .periodWithoutFinals, schools: [school], record: "\(period.name) (\(period.id))",
                explanation: "\(school): «\(period.name)» окончен \(ends)\(period.closed ? " и закрыт" : ""), но нет ни одной итоговой отметки в \(missing.count == 1 ? "классе" : "классах") \(missing.joined(separator: ", "))",
                events: periodRefs[period.id] ?? []))
        }
    }

    /// Every whole calendar quarter from the one the school's first academic
    /// year starts in up to the as-of date needs a backup (by its date).
    mutating func checkQuarters(backups: [(CivilDate, EventRef)], start: (CivilDate, EventRef)?, options: ReconcileOptions) {
        guard let start else { return }
        let covered = Set(backups.map { CalendarQuarter($0.0) })
        var q = CalendarQuarter(start.0)
        while q.last <= options.asOf {
            if !covered.contains(q) {
                let before = backups.last { CalendarQuarter($0.0) < q }, after = backups.first { q < CalendarQuarter($0.0) }
                let refs = [before?.1, after?.1].compactMap { $0 }
                findings.append(Discrepancy(
                    kind: .quarterWithoutBackup, schools: [school], record: q.name,
                    explanation: "\(school): за \(q.name) (\(q.first.russian)–\(q.last.russian)) резервная копия не записана"
                        + (before.map { "; предыдущая — \($0.0.russian)" } ?? "; раньше копий не было"),
                    events: refs.isEmpty ? [start.1] : refs))
            }
            q = q.next
        }
    }

    mutating func checkStaleness(_ head: SchoolHead, last: EventRef, options: ReconcileOptions) {
        let signed = head.checkpoint.time.civilDate
        let age = signed.days(until: options.asOf)
        guard age > options.staleDays else { return }
        findings.append(Discrepancy(
            kind: .staleBundle, schools: [school], record: "пакет \(head.lastBundle)",
            explanation: "\(school): последний пакет (\(head.lastBundle), \(head.size) событий) подписан \(signed.russian) — \(age) дн. назад, порог \(options.staleDays) дн.",
            events: [last]))
    }
}
