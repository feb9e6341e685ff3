import Catalog
import EventLog
import Foundation

/// Access to Letopis: logins and their activation and blocking, consents,
/// parents' applications, sign-ins per day, and the days each member of staff
/// made journal entries — what the rollout and activity reports count.
public struct AccessProjector: Projector {
    public let name = "access"
    public let version = 1

    public init() {}

    public var tables: [TableInfo] {
        [ViewTables.logins.info, ViewTables.persons.info, ViewTables.signIns.info, ViewTables.journalEntries.info]
    }

    public func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool {
        guard scope == .everything else { return false }
        let stream = event.stream
        return stream.hasPrefix("login/") || stream.hasPrefix("consent/") || event.type == "ParentApplicationRegistered"
            || stream.hasPrefix("lesson/") || stream.hasPrefix("grade/") || stream.hasPrefix("final/")
    }

    public func apply(_ e: ProjectedEvent, to s: RowStore) throws {
        let day = e.effectiveDate.daysSinceEpoch
        switch e.event {
        case .loginIssued(let m):
            let kind = PersonCategory(rawValue: m.personKind.rawValue) ?? .unknown
            s.put(ViewTables.logins, RowKey(m.login), LoginRow(
                login: m.login, person: m.personID, kind: kind, role: Role(m.role)?.rawValue ?? "", issuedOn: day))
            try s.update(ViewTables.persons, RowKey(m.personID), orInsert: PersonAccessRow()) { row in
                if !row.logins.contains(m.login) { row.logins.append(m.login) }
            }
        case .loginActivated(let m):
            try s.updateIfPresent(ViewTables.logins, RowKey(m.login)) { row in
                if row.activatedOn == nil { row.activatedOn = day }
            }
        case .loginBlocked(let m):
            try s.updateIfPresent(ViewTables.logins, RowKey(m.login)) { $0.blocks.open(on: day) }
        case .loginUnblocked(let m):
            try s.updateIfPresent(ViewTables.logins, RowKey(m.login)) { $0.blocks.close(on: day) }
        case .signedIn(let m):
            let kind = try s.get(ViewTables.logins, RowKey(m.login))?.kind ?? .unknown
            var key = RowKey()
            key.day(day)
            key.byte(UInt8(kind.rawValue))
            key.text(m.login)
            if try !s.contains(ViewTables.signIns, key) { s.put(ViewTables.signIns, key, EmptyRow()) }
        case .consentGiven(let m):
            let on = Day.parse(m.givenOn) ?? day
            try s.update(ViewTables.persons, RowKey(m.personID), orInsert: PersonAccessRow()) { $0.consents.open(on: on) }
        case .consentWithdrawn(let m):
            let on = Day.parse(m.withdrawnOn) ?? day
            try s.update(ViewTables.persons, RowKey(m.personID), orInsert: PersonAccessRow()) { $0.consents.close(on: on) }
        case .consentRefused(let m):
            let on = Day.parse(m.refusedOn) ?? day
            try s.update(ViewTables.persons, RowKey(m.personID), orInsert: PersonAccessRow()) { $0.refusedOn = on }
        case .parentApplicationRegistered(let m):
            let on = Day.parse(m.registeredOn) ?? day
            try s.update(ViewTables.persons, RowKey(m.guardianID), orInsert: PersonAccessRow()) { row in
                row.applications.append(ApplicationRow(id: m.applicationID, student: m.studentID, on: on))
            }
        case .lessonHeld, .lessonTopicRecorded, .homeworkAssigned, .attendanceTaken, .attendanceCorrected,
             .gradeRecorded, .gradeCorrected, .gradeVoided, .lessonVoided, .finalGradeSet, .finalGradeCorrected:
            var key = RowKey(e.actor.userID)
            key.day(e.recordedAt.civilDate.daysSinceEpoch)
            if try !s.contains(ViewTables.journalEntries, key) { s.put(ViewTables.journalEntries, key, EmptyRow()) }
        default:
            break
        }
    }
}
