import Catalog
import EventLog
import Foundation

/// The school's reference books, structure and people, with the dates things
/// held: years and periods, subjects, classes and groups, who was in which class
/// when, staff and their roles, guardians, the timetable, arrivals and departures.
public struct RegistryProjector: Projector {
    public let name = "registry"
    public let version = 1

    public init() {}

    public var tables: [TableInfo] {
        [ViewTables.school.info, ViewTables.years.info, ViewTables.periods.info, ViewTables.schemes.info,
         ViewTables.subjects.info, ViewTables.workTypes.info, ViewTables.codes.info, ViewTables.classes.info,
         ViewTables.groups.info, ViewTables.staff.info, ViewTables.students.info, ViewTables.roster.info,
         ViewTables.guardians.info, ViewTables.guardianship.info, ViewTables.timetable.info, ViewTables.movements.info]
    }

    public func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool {
        let stream = event.stream
        return stream == "school" || stream.hasPrefix("year/") || stream.hasPrefix("period/")
            || stream.hasPrefix("class/") || stream.hasPrefix("group/") || stream.hasPrefix("staff/")
            || stream.hasPrefix("student/") || (stream.hasPrefix("guardian/") && event.type != "ParentApplicationRegistered")
    }

    public func apply(_ e: ProjectedEvent, to s: RowStore) throws {
        let day = e.effectiveDate.daysSinceEpoch
        switch e.event {
        case .schoolRegistered(let m):
            var row = SchoolRow()
            row.id = m.schoolID; row.shortName = m.shortName; row.fullName = m.fullName
            row.district = m.district; row.director = m.directorName
            s.put(ViewTables.school, RowKey("school"), row)
        case .academicYearDefined(let m):
            let holidays = m.holidays.map {
                HolidayRow(name: $0.name, starts: Day.parse($0.startsOn) ?? 0, ends: Day.parse($0.endsOn) ?? 0, grades: $0.grades)
            }
            s.put(ViewTables.years, RowKey(String(m.year)),
                  YearRow(year: m.year, starts: Day.parse(m.startsOn) ?? day, ends: Day.parse(m.endsOn) ?? day, holidays: holidays))
        case .reportingPeriodsDefined(let m):
            try definePeriods(m, s)
        case .periodClosed(let m):
            try s.updateIfPresent(ViewTables.periods, RowKey(m.periodID)) { row in
                row.closed = true
                row.history.append(PeriodEventRow(closed: true, at: e.recordedAt.microseconds, by: e.actor.userID, reason: ""))
            }
        case .periodReopened(let m):
            try s.updateIfPresent(ViewTables.periods, RowKey(m.periodID)) { row in
                row.closed = false
                row.history.append(PeriodEventRow(closed: false, at: e.recordedAt.microseconds, by: e.actor.userID, reason: m.reason))
            }
        case .subjectDefined(let m):
            s.put(ViewTables.subjects, RowKey(m.subjectID), SubjectRow(id: m.subjectID, name: m.name, shortName: m.shortName))
        case .workTypeDefined(let m):
            s.put(ViewTables.workTypes, RowKey(m.workTypeID), WorkTypeRow(id: m.workTypeID, name: m.name, weight: Int(m.weight)))
        case .attendanceCodeDefined(let m):
            s.put(ViewTables.codes, RowKey(m.code), AttendanceCodeRow(
                code: m.code, name: m.name, isAbsence: m.isAbsence, isIllness: m.isIllness, isExcused: m.isExcused, isLate: m.isLate))
        case .classCreated(let m):
            s.put(ViewTables.classes, RowKey(m.classID), ClassRow(
                id: m.classID, year: m.year, grade: m.grade, letter: m.letter, name: m.name, teacher: m.classTeacherID))
        case .classTeacherAssigned(let m):
            try s.updateIfPresent(ViewTables.classes, RowKey(m.classID)) { $0.teacher = m.staffID }
        case .groupCreated(let m):
            s.put(ViewTables.groups, RowKey(m.groupID), GroupRow(id: m.groupID, classID: m.classID, name: m.name, subject: m.subjectID))
        case .studentAddedToGroup(let m):
            try enter(m.studentID, unit: m.groupID, group: true, on: Day.parse(m.on) ?? day, s)
        case .studentRemovedFromGroup(let m):
            try leave(m.studentID, unit: m.groupID, on: Day.parse(m.on) ?? day, s)
        case .staffHired(let m):
            let name = PersonNameRow(last: m.name.last, first: m.name.first, middle: m.name.middle)
            let hired = Day.parse(m.hiredOn) ?? day
            try s.update(ViewTables.staff, RowKey(m.staffID),
                         orInsert: StaffRow(id: m.staffID, name: name, position: m.position, employed: DaySpan(from: hired))) {
                $0.name = name; $0.position = m.position; $0.employed = DaySpan(from: hired)
            }
        case .staffLeft(let m):
            let left = Day.parse(m.leftOn) ?? day
            try s.updateIfPresent(ViewTables.staff, RowKey(m.staffID)) { row in
                row.employed.to = left
                for i in row.roles.indices where row.roles[i].span.to == nil { row.roles[i].span.to = left }
            }
        case .roleGranted(let m):
            let role = Role(m.role)?.rawValue ?? "unknown"
            try s.updateIfPresent(ViewTables.staff, RowKey(m.staffID)) { row in
                row.roles.append(RoleSpanRow(role: role, classID: m.classID, span: DaySpan(from: day)))
            }
        case .roleRevoked(let m):
            let role = Role(m.role)?.rawValue ?? "unknown"
            try s.updateIfPresent(ViewTables.staff, RowKey(m.staffID)) { row in
                for i in row.roles.indices where row.roles[i].role == role && row.roles[i].classID == m.classID
                    && row.roles[i].span.to == nil {
                    row.roles[i].span.to = day
                }
            }
        case .studentEnrolled(let m):
            let on = Day.parse(m.enrolledOn) ?? day
            try register(m.studentID, m.name, Int(m.sex.rawValue), m.bornOn, m.snils, s)
            try enter(m.studentID, unit: m.classID, group: false, on: on, s)
            move(e, MovementRow(kind: "enrolled", student: m.studentID, fromClass: "", toClass: m.classID, on: on,
                                orderNumber: m.orderNumber, counterpart: "", reason: ""), s)
        case .studentArrived(let m):
            let on = Day.parse(m.on) ?? day
            try register(m.studentID, m.name, Int(m.sex.rawValue), m.bornOn, m.snils, s)
            try enter(m.studentID, unit: m.classID, group: false, on: on, s)
            move(e, MovementRow(kind: "arrived", student: m.studentID, fromClass: "", toClass: m.classID, on: on,
                                orderNumber: m.orderNumber, counterpart: m.origin, reason: ""), s)
        case .studentMoved(let m):
            let on = Day.parse(m.on) ?? day
            try transfer(m.studentID, to: m.toClassID, on: on, s)
            move(e, MovementRow(kind: "moved", student: m.studentID, fromClass: m.fromClassID, toClass: m.toClassID, on: on,
                                orderNumber: m.orderNumber, counterpart: "", reason: m.reason), s)
        case .studentPromoted(let m):
            let on = Day.parse(m.on) ?? day
            try transfer(m.studentID, to: m.toClassID, on: on, s)
            move(e, MovementRow(kind: "promoted", student: m.studentID, fromClass: m.fromClassID, toClass: m.toClassID,
                                on: on, orderNumber: m.orderNumber, counterpart: "", reason: m.conditional ? "conditional" : ""), s)
        case .studentGraduated(let m):
            let on = Day.parse(m.on) ?? day
            try leaveSchool(m.studentID, on: on, s)
            move(e, MovementRow(kind: "graduated", student: m.studentID, fromClass: m.classID, toClass: "", on: on,
                                orderNumber: m.orderNumber, counterpart: "", reason: ""), s)
        case .studentLeft(let m):
            let on = Day.parse(m.on) ?? day
            try leaveSchool(m.studentID, on: on, s)
            move(e, MovementRow(kind: "left", student: m.studentID, fromClass: m.classID, toClass: "", on: on,
                                orderNumber: m.orderNumber, counterpart: m.destination, reason: m.reason), s)
        case .guardianRegistered(let m):
            let name = PersonNameRow(last: m.name.last, first: m.name.first, middle: m.name.middle)
            s.put(ViewTables.guardians, RowKey(m.guardianID), GuardianRow(id: m.guardianID, name: name, phone: m.phone, email: m.email))
        case .guardianLinked(let m):
            try s.update(ViewTables.guardianship, RowKey(m.studentID, m.guardianID), orInsert: SpansRow()) { row in
                row.spans.open(on: day)
                row.relation = Int(m.relation.rawValue)
            }
        case .guardianUnlinked(let m):
            try s.updateIfPresent(ViewTables.guardianship, RowKey(m.studentID, m.guardianID)) { $0.spans.close(on: day) }
        case .timetableEntryAdded(let m):
            let from = Day.parse(m.validFrom) ?? day
            let to = Day.parse(m.validTo).map { $0 + 1 }
            s.put(ViewTables.timetable, RowKey(m.entryID), TimetableRow(
                id: m.entryID, year: m.year, weekday: m.weekday, slot: m.slot, unit: m.unitID, subject: m.subjectID,
                teacher: m.teacherID, valid: DaySpan(from: from, to: to)))
        case .timetableEntryEnded(let m):
            let last = Day.parse(m.validTo) ?? day
            try s.updateIfPresent(ViewTables.timetable, RowKey(m.entryID)) { $0.valid.to = last + 1 }
        default:
            break
        }
    }

    /// A later definition for the same year and grades replaces the earlier one;
    /// a period keeps its closes and reopens across redefinitions.
    private func definePeriods(_ m: ReportingPeriodsDefined, _ s: RowStore) throws {
        let grades = m.grades.sorted()
        let schemeKey = RowKey(String(m.year), grades.map(String.init).joined(separator: ","))
        let ids = m.periods.map(\.periodID)
        if let old = try s.get(ViewTables.schemes, schemeKey) {
            for id in old.periods where !ids.contains(id) { s.delete(ViewTables.periods, RowKey(id)) }
        }
        for p in m.periods {
            var row = PeriodRow(id: p.periodID, year: m.year, scheme: m.scheme, kind: Int(m.kind.rawValue), name: p.name,
                                starts: Day.parse(p.startsOn) ?? 0, ends: Day.parse(p.endsOn) ?? 0, grades: grades)
            if let old = try s.get(ViewTables.periods, RowKey(p.periodID)) {
                row.closed = old.closed
                row.history = old.history
            }
            s.put(ViewTables.periods, RowKey(p.periodID), row)
        }
        s.put(ViewTables.schemes, schemeKey, SchemeRow(periods: ids))
    }

    private func register(_ id: String, _ name: PersonName, _ sex: Int, _ born: String, _ snils: String, _ s: RowStore) throws {
        let n = PersonNameRow(last: name.last, first: name.first, middle: name.middle)
        try s.update(ViewTables.students, RowKey(id), orInsert: StudentRow(id: id, name: n, sex: sex, bornOn: born, snils: snils)) {
            $0.name = n; $0.sex = sex; $0.bornOn = born; $0.snils = snils
        }
    }

    private func enter(_ student: String, unit: String, group: Bool, on day: Day, _ s: RowStore) throws {
        try s.updateIfPresent(ViewTables.students, RowKey(student)) { row in
            if group {
                if !row.groups.contains(where: { $0.unit == unit && $0.span.to == nil }) {
                    row.groups.append(MembershipRow(unit: unit, span: DaySpan(from: day)))
                }
            } else if !row.classes.contains(where: { $0.unit == unit && $0.span.to == nil }) {
                row.classes.append(MembershipRow(unit: unit, span: DaySpan(from: day)))
            }
        }
        try s.update(ViewTables.roster, RowKey(unit, student), orInsert: SpansRow()) { $0.spans.open(on: day) }
    }

    private func leave(_ student: String, unit: String, on day: Day, _ s: RowStore) throws {
        try s.updateIfPresent(ViewTables.students, RowKey(student)) { row in
            for i in row.groups.indices where row.groups[i].unit == unit && row.groups[i].span.to == nil {
                row.groups[i].span.to = day
            }
            for i in row.classes.indices where row.classes[i].unit == unit && row.classes[i].span.to == nil {
                row.classes[i].span.to = day
            }
            // Entered and left on the same day: never a member.
            row.groups.removeAll { $0.span.from >= ($0.span.to ?? .max) }
            row.classes.removeAll { $0.span.from >= ($0.span.to ?? .max) }
        }
        try s.updateIfPresent(ViewTables.roster, RowKey(unit, student)) { $0.spans.close(on: day) }
    }

    /// Moves a student from whatever class they are in to `to` (a move or a promotion).
    private func transfer(_ student: String, to: String, on day: Day, _ s: RowStore) throws {
        guard let row = try s.get(ViewTables.students, RowKey(student)) else { return }
        for open in row.classes where open.span.to == nil && open.unit != to {
            try leave(student, unit: open.unit, on: day, s)
        }
        try enter(student, unit: to, group: false, on: day, s)
    }

    /// A student leaves (or graduates from) the school: out of the class and every group.
    private func leaveSchool(_ student: String, on day: Day, _ s: RowStore) throws {
        guard let row = try s.get(ViewTables.students, RowKey(student)) else { return }
        for open in (row.classes + row.groups) where open.span.to == nil {
            try leave(student, unit: open.unit, on: day, s)
        }
    }

    private func move(_ e: ProjectedEvent, _ row: MovementRow, _ s: RowStore) {
        var key = RowKey()
        key.day(row.on)
        key.sequence(e.sequence)
        s.put(ViewTables.movements, key, row)
    }
}
