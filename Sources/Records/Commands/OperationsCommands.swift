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
        let record = "дневник ученика \(studentID), неделя с \(weekStart.russian)"
        try c.authorize([.parent], for: record)
        let guardian = try c.state.requireGuardian(c.actor.userID)
        guard guardian.children[studentID] != nil else {
            throw RuleViolation(.roleRequired, record: record, detail: "\(guardian.id) не является родителем (законным представителем) \(studentID)",
                                remedy: "Родитель видит и подписывает только дневники своих детей.")
        }
        guard let login = c.state.loginByPerson[guardian.id], let account = c.state.logins[login],
              account.activated, !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "у \(guardian.id) нет действующего логина",
                                remedy: "Сначала активируйте логин.")
        }
        guard weekStart.weekday == 1 else {
            throw RuleViolation(.invalidInput, record: record, detail: "\(weekStart.russian) — не понедельник",
                                remedy: "Укажите понедельник нужной недели.")
        }
        guard !c.state.acknowledgedWeeks.contains("\(studentID)/\(weekStart.iso)") else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "неделя уже подписана", remedy: "Ничего делать не нужно.")
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
            let record = "резервная копия \(e.backupID)"
            try c.authorize([.coordinator, .administration], for: record)
            try requireText(e.medium, field: "где хранится копия", record: record)
            guard e.merkleRoot.count == 64 else {
                throw RuleViolation(.invalidInput, record: record, detail: "не указан корень дерева Меркла сохранённого журнала событий",
                                    remedy: "Резервную копию записывает программа при её создании: она и вычисляет корень.")
            }
        case .reportSubmitted(let e):
            let record = "отчёт \(e.report) на \(e.asOf)"
            try c.authorize([.coordinator, .administration], for: record)
            _ = try requireDate(e.asOf, field: "дата", record: record)
        case .journalArchived(let e):
            let record = "архив журнала класса \(e.classID)"
            try c.authorize([.coordinator, .administration], for: record)
            _ = try c.state.requireClass(e.classID)
        default:
            break
        }
        return Decision(on, [event])
    }
}
