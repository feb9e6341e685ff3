import Catalog
import EventLog

/// A parent's signature under a week of the diary.
public struct AcknowledgeWeek: Command {
    public var studentID: String
    public var weekStart: CivilDate

    public init(studentID: String, weekStart: CivilDate) {
        self.studentID = studentID
        self.weekStart = weekStart
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "diary of \(studentID), week of \(weekStart.russian)"
        try c.authorize([.parent], for: record)
        let guardian = try c.state.requireGuardian(c.actor.userID)
        guard guardian.children[studentID] != nil else {
            throw RuleViolation(.roleRequired, record: record, detail: "\(guardian.id) is not a guardian of \(studentID)",
                                remedy: "A parent sees and signs only the own children's diaries.")
        }
        guard let login = c.state.loginByPerson[guardian.id], let account = c.state.logins[login],
              account.activated, !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "\(guardian.id) has no active login",
                                remedy: "Activate the login first.")
        }
        guard weekStart.weekday == 1 else {
            throw RuleViolation(.invalidInput, record: record, detail: "\(weekStart.russian) is not a Monday",
                                remedy: "Give the Monday of the week.")
        }
        guard !c.state.acknowledgedWeeks.contains("\(studentID)/\(weekStart.iso)") else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "already acknowledged", remedy: "Nothing to do.")
        }
        var e = DiaryWeekAcknowledged()
        e.studentID = studentID
        e.guardianID = guardian.id
        e.weekStart = weekStart.iso
        return Decision(weekStart, [e])
    }
}

/// Backups, submitted reports and the year-end archive.
public struct RecordOperation: Command {
    public var event: any CatalogEvent
    public var on: CivilDate

    public init(_ event: BackupMade, on: CivilDate) { self.event = event; self.on = on }
    public init(_ event: ReportSubmitted, on: CivilDate) { self.event = event; self.on = on }
    public init(_ event: JournalArchived, on: CivilDate) { self.event = event; self.on = on }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        switch event.domainEvent {
        case .backupMade(let e):
            let record = "backup \(e.backupID)"
            try c.authorize([.coordinator, .administration], for: record)
            try requireText(e.medium, field: "where it went", record: record)
            guard e.merkleRoot.count == 64 else {
                throw RuleViolation(.invalidInput, record: record, detail: "no Merkle root of the backed-up log",
                                    remedy: "Record backups with letopis backup, which computes it.")
            }
        case .reportSubmitted(let e):
            let record = "report \(e.report) as of \(e.asOf)"
            try c.authorize([.coordinator, .administration], for: record)
            _ = try requireDate(e.asOf, field: "the date", record: record)
        case .journalArchived(let e):
            let record = "archive of the journal of \(e.classID)"
            try c.authorize([.coordinator, .administration], for: record)
            _ = try c.state.requireClass(e.classID)
        default:
            break
        }
        return Decision(on, [event])
    }
}
