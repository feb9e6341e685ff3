import Catalog
import EventLog

/// A person reading the school's records, with the roles they hold today.
///
/// Writes are checked by each command (`CommandContext.authorize` and the
/// checks beside it); reads by these questions, which rest on the same facts:
/// the roles granted, the timetable and the lessons a teacher keeps, the class
/// a class teacher has, a parent's links and consents. A door asks them before
/// it shows a record, and answers a record the person may not see exactly as
/// one that does not exist.
public struct Viewer: Sendable, Hashable {
    public var personID: String
    public var roles: Set<Role>

    public init(personID: String, roles: Set<Role>) {
        self.personID = personID
        self.roles = roles
    }

    /// Administration, coordinators and auditors read the whole school.
    public var readsWholeSchool: Bool { !roles.isDisjoint(with: [.administration, .coordinator, .auditor]) }
}

extension SchoolState {
    /// The person behind a login, with the roles they hold on `date`: a member
    /// of staff (not yet left) their granted roles, a guardian `parent`, a
    /// student `student`. Nil for anyone else.
    public func viewer(_ personID: String, on date: CivilDate) -> Viewer? {
        if let member = staff[personID] {
            if let left = member.leftOn, left <= date { return nil }
            return Viewer(personID: personID, roles: Set(member.roles.map(\.role)))
        }
        if guardians[personID] != nil { return Viewer(personID: personID, roles: [.parent]) }
        if students[personID] != nil { return Viewer(personID: personID, roles: [.student]) }
        return nil
    }

    /// The classes a member of staff is class teacher of.
    public func classesTaught(asClassTeacher staffID: String) -> Set<String> {
        Set(staff[staffID]?.roles.filter { $0.role == .classTeacher }.map(\.classID) ?? [])
    }

    /// The classes a person belongs to now: a student's class, a guardian's
    /// children's classes (what a class teacher's "own class" rule looks at).
    public func currentClasses(of personID: String) -> Set<String> {
        if let student = students[personID] { return Set(student.currentClassID.map { [$0] } ?? []) }
        if let guardian = guardians[personID] {
            return Set(guardian.children.keys.compactMap { students[$0]?.currentClassID })
        }
        return []
    }

    /// A student's diary, marks, finals and their history.
    public func mayRead(student studentID: String, by viewer: Viewer) -> Bool {
        guard let student = students[studentID] else { return false }
        if viewer.readsWholeSchool { return true }
        if viewer.roles.contains(.student) && viewer.personID == studentID { return true }
        if viewer.roles.contains(.parent), guardians[viewer.personID]?.children[studentID] != nil,
           consents[viewer.personID]?.isGiven == true, consents[studentID]?.isGiven == true {
            return true
        }
        if viewer.roles.contains(.classTeacher) {
            let own = classesTaught(asClassTeacher: viewer.personID)
            if student.placements.contains(where: { own.contains($0.classID) }) { return true }
        }
        return false
    }

    /// The children a parent may see: linked, with the parent's and the child's consent in force.
    public func children(of viewer: Viewer) -> [String] {
        guard viewer.roles.contains(.parent), let guardian = guardians[viewer.personID] else { return [] }
        return guardian.children.keys.filter { mayRead(student: $0, by: viewer) }.sorted()
    }

    /// The class journal of a class or group in a subject: the teachers the
    /// timetable gives it to, the class's class teacher, the whole school's readers.
    public func mayRead(journalOf unitID: String, subject subjectID: String, by viewer: Viewer) -> Bool {
        guard let schoolClass = classOf(unit: unitID) else { return false }
        if viewer.readsWholeSchool { return true }
        if viewer.roles.contains(.classTeacher), classesTaught(asClassTeacher: viewer.personID).contains(schoolClass.id) {
            return true
        }
        return !viewer.roles.isDisjoint(with: [.teacher, .classTeacher])
            && teachingUnits.contains("\(viewer.personID)|\(subjectID)|\(unitID)")
    }

    /// One lesson: its own teacher (a substitute sees only the lessons they
    /// substituted), and whoever may read its journal.
    public func mayRead(lesson: Lesson, by viewer: Viewer) -> Bool {
        if !viewer.roles.isDisjoint(with: [.teacher, .classTeacher]) && lesson.teacherID == viewer.personID { return true }
        return mayRead(journalOf: lesson.unitID, subject: lesson.subjectID, by: viewer)
    }

    /// A class as a whole — its students, their consents, applications and
    /// logins, its summary sheet of finals: its class teacher and the whole
    /// school's readers.
    public func mayRead(class classID: String, by viewer: Viewer) -> Bool {
        guard classes[classID] != nil else { return false }
        if viewer.readsWholeSchool { return true }
        return viewer.roles.contains(.classTeacher) && classesTaught(asClassTeacher: viewer.personID).contains(classID)
    }

    /// A student's marks in one subject (and the finals): whoever may read the
    /// student, and the teachers of that subject in the student's class or groups.
    public func mayRead(marksOf studentID: String, subject subjectID: String, by viewer: Viewer) -> Bool {
        if mayRead(student: studentID, by: viewer) { return true }
        guard let student = students[studentID] else { return false }
        if student.placements.contains(where: { mayRead(journalOf: $0.classID, subject: subjectID, by: viewer) }) { return true }
        return groups.values.contains { $0.members[studentID] != nil && mayRead(journalOf: $0.id, subject: subjectID, by: viewer) }
    }

    /// Whether the timetable gives `staffID` the subject in the student's class or one of their groups.
    public func teaches(_ staffID: String, subject subjectID: String, student studentID: String) -> Bool {
        guard let student = students[studentID] else { return false }
        let units = Set(student.placements.map(\.classID)).union(groups.values.filter { $0.members[studentID] != nil }.map(\.id))
        return units.contains { teachingUnits.contains("\(staffID)|\(subjectID)|\($0)") }
    }

    /// The school's reports, registers and anomalies.
    public func mayReadSchool(by viewer: Viewer) -> Bool { viewer.readsWholeSchool }

    /// The journals a teacher keeps: `(unit, subject)` from the timetable, sorted.
    public func journals(keptBy staffID: String) -> [(unit: String, subject: String)] {
        teachingUnits.compactMap { key -> (String, String)? in
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0] == staffID else { return nil }
            return (parts[2], parts[1])
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// A teacher's day: the timetable's lessons given to them on `date`, and the
    /// lessons they held that day as a substitute, in slot order.
    public func day(of staffID: String, on date: CivilDate) -> [DayLesson] {
        var out: [String: DayLesson] = [:]
        for entry in timetable.values where entry.teacherID == staffID && entry.applies(on: date) {
            let id = "\(entry.unitID)/\(date.iso)/\(entry.slot)"
            out[id] = DayLesson(lessonID: id, unitID: entry.unitID, subjectID: entry.subjectID, slot: entry.slot,
                                date: date, lesson: lessons[id].flatMap { $0.voided ? nil : $0 }, planned: true)
        }
        for lesson in lessons.values where lesson.date == date && lesson.teacherID == staffID && !lesson.voided {
            if out[lesson.id] == nil {
                out[lesson.id] = DayLesson(lessonID: lesson.id, unitID: lesson.unitID, subjectID: lesson.subjectID,
                                           slot: lesson.slot, date: date, lesson: lesson, planned: false)
            }
        }
        return out.values.sorted { ($0.slot, $0.unitID) < ($1.slot, $1.unitID) }
    }
}

extension SchoolState {
    /// A lesson of the timetable not entered yet, from its id `<unit>/<date>/<slot>`.
    public func plannedLesson(_ id: String) -> Lesson? {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let slot = Int(parts[parts.count - 1]), let date = CivilDate(iso: parts[parts.count - 2]) else { return nil }
        let unit = parts[0..<(parts.count - 2)].joined(separator: "/")
        guard let entry = timetableEntry(unit: unit, on: date, slot: slot), let schoolClass = classOf(unit: unit) else { return nil }
        return Lesson(id: id, date: date, slot: slot, unitID: unit, classID: schoolClass.id, subjectID: entry.subjectID,
                      teacherID: entry.teacherID, substitute: false, topic: "")
    }

    /// «5А», «5А/англ-1».
    public func unitName(_ unit: String) -> String {
        if let schoolClass = classes[unit] { return schoolClass.name }
        if let group = groups[unit] { return "\(classes[group.classID]?.name ?? group.classID)/\(group.name)" }
        return unit
    }
}

/// A lesson of a teacher's day: planned by the timetable, or held (a substitution).
public struct DayLesson: Sendable, Hashable {
    public var lessonID: String
    public var unitID: String
    public var subjectID: String
    public var slot: Int
    public var date: CivilDate
    /// The lesson as entered, if it was.
    public var lesson: Lesson?
    /// From the timetable (false: a substitution outside it).
    public var planned: Bool
}
