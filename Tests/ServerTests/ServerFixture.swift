import Catalog
import EventLog
import Foundation
@testable import Records
import SchoolService
import SchoolYear

/// Who sends a request: the people of the generated school the tests sign in,
/// and someone who has not signed in.
enum Who: String, CaseIterable, Sendable, CustomStringConvertible {
    case anonymous
    /// Has a lesson in the class on Monday (`Template.mondayLesson`).
    case teacher
    /// Teaches, but not in the class.
    case otherTeacher
    /// Held one lesson of the class as a substitute (`Template.substituteLesson`), nothing else there.
    case substitute
    /// The class teacher of the class.
    case classTeacher
    /// A parent of `Template.child`, in the class.
    case parent
    /// A parent of another family (`Template.otherChild`, in another class).
    case otherParent
    /// `Template.child` themself.
    case student
    case administration
    case coordinator
    /// Hired for the tests, with the auditor role only.
    case auditor

    var description: String { rawValue }
    static let people = allCases.filter { $0 != .anonymous }
}

/// A person of the template with the login the tests sign in with: the
/// temporary password set on the slip, and the own password set at the first sign-in.
struct Sample: Sendable {
    let who: Who
    let personID: String
    let login: String
    let temporaryPassword: String
    var password: String { "Летопись-\(who.rawValue)-пароль" }
}

/// A small school year generated once per test process (one school, grades 5
/// and 6, three weeks from 2 September 2024, so that it stops on Sunday 22
/// September), with the tests' people given known temporary passwords, an
/// auditor hired, a substitution recorded; copied for every test.
struct Template: Sendable {
    static let school = "s01"
    /// The day the server serves: the Monday after the simulation stopped, whose lessons are not entered yet.
    static let monday = CivilDate(iso: "2024-09-23")!
    /// When the template's own records were made: the Sunday before.
    static let setUpAt = Timestamp(CivilDate(iso: "2024-09-22")!, hour: 12)
    /// The test origin, allowed to send changes besides the server's own.
    static let origin = "https://journal.test"
    /// PBKDF2 rounds of the template's hashes and of the servers the tests build.
    static let rounds = 1_000

    static let options: SchoolYearOptions = {
        var o = SchoolYearOptions()
        o.seed = 7
        o.students = 80
        o.grades = [5, 6]
        o.weeks = 3
        o.hashRounds = rounds
        return o
    }()

    /// The store, closed; copy it, never open it.
    let store: String
    let people: [Who: Sample]
    /// The class (`2024-5А`) and its subject, teacher and Monday lesson (planned, not held).
    let classID: String
    let subject: String
    let mondayLesson: String
    let mondaySlot: Int
    /// A lesson of the teacher in the class last week, held, with the roll taken and a grade of `gradeStudent`.
    let heldLesson: String
    let heldGrade: String
    let heldGradeValue: String
    /// The child's attendance code at `heldLesson` ("" when present).
    let heldAbsence: String
    /// The lesson the substitute held in the class (Friday, an extra slot, the same subject).
    let substituteLesson: String
    /// The student of `parent` and `student`; another family's child, in `otherClassID`.
    let child: String
    let otherChild: String
    let otherClassID: String
    /// The current reporting period of the class.
    let period: String
    /// Another student of the class, with a login; one without a login (both with consent).
    let classmate: String
    let classmateLogin: String
    let newcomer: String
    /// A work type of the reference book.
    let workType: String

    func sample(_ who: Who) -> Sample { people[who]! }
    func personID(_ who: Who) -> String { people[who]?.personID ?? "" }
    func login(_ who: Who) -> String { people[who]?.login ?? "" }

    private static let made = Task { () throws -> Template in
        let root = NSTemporaryDirectory() + "letopis-server-template-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "letopis-server-template-\(getpid())") }
        return try await build(at: root + "/store")
    }

    static func shared() async throws -> Template { try await made.value }

    /// A copy of the template's store, for one test.
    func copy() throws -> TemporaryStore {
        let scratch = NSTemporaryDirectory() + "letopis-server-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: store, toPath: scratch + "/store")
        return TemporaryStore(directory: scratch)
    }

    // MARK: Making it

    private static func build(at path: String) async throws -> Template {
        let store = try Store.create(at: path, kind: .school)
        let log = try store.createLog(school: school, options: .init(durable: false))
        _ = try await SchoolYearGenerator(options: options).generate(school: school, into: log)
        log.close()
        let opened = try OpenSchool.open(store: store, school: school, clock: { setUpAt })
        defer { opened.close() }
        let recorder = try opened.recorder()
        let state = recorder.state
        let picks = try Picks(state)
        let coordinator = state.actor(picks.coordinator, preferring: [.coordinator])
        let on = setUpAt.civilDate

        // An auditor: hired with that role only.
        try await opened.record([HireStaff(name: PersonName(last: "Аудиторова", first: "Инна", middle: "Олеговна"), position: "аудитор",
                                           hiredOn: on, roles: [.auditor])], as: coordinator)
        let auditor = recorder.withState { s in s.staff.values.first { $0.position == "аудитор" }!.id }

        // The families' consents in force, so that their logins may be used.
        for person in [picks.parent, picks.child, picks.otherParent, picks.otherChild, picks.classmate, picks.newcomer] {
            if recorder.withState({ $0.consents[person]?.isGiven }) != true {
                try await opened.record([RecordConsent(personID: person, documentRef: "ПДн-\(person)", on: on)], as: coordinator)
            }
        }

        let classmateLogin = recorder.withState { $0.loginByPerson[picks.classmate]! }
        if recorder.withState({ $0.logins[classmateLogin]!.blocked }) {
            try await opened.record([ChangeLoginAccess(login: classmateLogin, block: false, reason: "для проверки", on: on)], as: coordinator)
        }

        // The substitution: the substitute's lesson of the class on Friday, in the teacher's subject, after the day's last.
        let friday = monday.adding(days: -3)
        let lastSlot = recorder.withState { $0.timetable(unit: picks.classID, on: friday).map(\.slot).max() ?? 5 }
        let substitution = HoldLesson(unitID: picks.classID, date: friday, slot: lastSlot + 1, subjectID: picks.subject,
                                      teacherID: picks.substitute, substitute: true, replacedTeacherID: picks.teacher,
                                      topic: "Повторение: решение задач")
        try await opened.record([substitution], as: Actor(userID: picks.substitute, role: .teacher))

        // A known temporary password for every sample person: a reset of the login they have, or a new one.
        let hasher = PasswordHasher(rounds: rounds)
        var people: [Who: Sample] = [:]
        let ids: [Who: String] = [
            .teacher: picks.teacher, .otherTeacher: picks.otherTeacher, .substitute: picks.substitute, .classTeacher: picks.classTeacher,
            .parent: picks.parent, .otherParent: picks.otherParent, .student: picks.child, .administration: picks.administration,
            .coordinator: picks.coordinator, .auditor: auditor,
        ]
        for (who, id) in ids.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let temporary = TemporaryPassword.generate()
            let hash = hasher.hash(temporary)
            if let login = recorder.withState({ $0.loginByPerson[id] }) {
                if recorder.withState({ $0.logins[login]!.blocked }) {
                    try await opened.record([ChangeLoginAccess(login: login, block: false, reason: "для проверки", on: on)], as: coordinator)
                }
                try await opened.record([ResetPassword(login: login, channel: .slip, passwordHash: hash, on: on)], as: coordinator)
            } else {
                try await opened.record([IssueLogin(personID: id, channel: .slip, passwordHash: hash, on: on)], as: coordinator)
            }
            let login = recorder.withState { $0.loginByPerson[id]! }
            people[who] = Sample(who: who, personID: id, login: login, temporaryPassword: temporary)
        }
        try opened.catchUpViews()
        return Template(store: path, people: people, classID: picks.classID, subject: picks.subject, mondayLesson: picks.mondayLesson,
                        mondaySlot: picks.mondaySlot, heldLesson: picks.heldLesson, heldGrade: picks.heldGrade,
                        heldGradeValue: recorder.withState { $0.grades[picks.heldGrade]!.value },
                        heldAbsence: recorder.withState { $0.lessons[picks.heldLesson]!.absences[picks.child] ?? "" },
                        substituteLesson: substitution.lessonID, child: picks.child, otherChild: picks.otherChild,
                        otherClassID: picks.otherClassID, period: picks.period, classmate: picks.classmate,
                        classmateLogin: classmateLogin, newcomer: picks.newcomer, workType: picks.workType)
    }
}

/// The people and records of the generated school the tests use, chosen so
/// that each role is only what it says (the teacher is not the class teacher,
/// the other teacher does not teach the class, …).
private struct Picks {
    var classID = "", subject = "", mondayLesson = "", mondaySlot = 0, heldLesson = "", heldGrade = ""
    var teacher = "", otherTeacher = "", substitute = "", classTeacher = ""
    var parent = "", child = "", otherParent = "", otherChild = "", otherClassID = ""
    var administration = "", coordinator = "", period = "", classmate = "", newcomer = "", workType = ""

    init(_ state: SchoolState) throws {
        let monday = Template.monday
        func roles(_ id: String) -> Set<Role> { Set(state.staff[id]?.roles.map(\.role) ?? []) }
        func teachesIn(_ id: String, _ classID: String) -> Bool {
            state.journals(keptBy: id).contains { state.classOf(unit: $0.unit)?.id == classID }
        }
        guard let schoolClass = state.classes.values.first(where: { $0.name == "5А" }) else { throw PickFailure("no class 5А") }
        classID = schoolClass.id
        classTeacher = schoolClass.classTeacherID
        // A Monday lesson of the whole class by a teacher who is only a teacher.
        let entries = state.timetable(unit: classID, on: monday).sorted { $0.slot < $1.slot }
        guard let entry = entries.first(where: { roles($0.teacherID) == [.teacher] && $0.teacherID != classTeacher }) else {
            throw PickFailure("no Monday lesson of 5А by a teacher only")
        }
        teacher = entry.teacherID
        subject = entry.subjectID
        mondaySlot = entry.slot
        mondayLesson = "\(classID)/\(monday.iso)/\(entry.slot)"
        // The teacher's latest lesson of the class in that subject, with a grade.
        let held = state.lessons.values.filter { $0.unitID == classID && $0.subjectID == subject && $0.teacherID == teacher && !$0.voided }
            .sorted { ($0.date, $0.slot) < ($1.date, $1.slot) }
        guard let lesson = held.last(where: { l in l.attendanceTaken && state.grades.values.contains { $0.lessonID == l.id && !$0.voided } }) else {
            throw PickFailure("no graded lesson of \(teacher) in 5А")
        }
        guard lesson.date.days(until: monday) <= state.editWindowDays else { throw PickFailure("\(lesson.id) is past the edit window") }
        heldLesson = lesson.id
        heldGrade = state.grades.values.filter { $0.lessonID == lesson.id && !$0.voided }.map(\.id).sorted().first!
        // Teachers outside the class: one who is only a teacher, and one more (a class teacher elsewhere, in this small school).
        let outside = state.staff.values.filter { roles($0.id).contains(.teacher) && !teachesIn($0.id, classID) && $0.id != classTeacher }
            .sorted { (roles($0.id).count, $0.id) < (roles($1.id).count, $1.id) }.map(\.id)
        guard outside.count >= 2, roles(outside[0]) == [.teacher] else { throw PickFailure("fewer than two teachers outside 5А") }
        otherTeacher = outside[0]
        substitute = outside[1]
        administration = try Self.first(state, holding: .administration, among: state.staff.keys)
        coordinator = try Self.first(state, holding: .coordinator, among: state.staff.keys.filter { $0 != administration })
        // A parent of one child in 5А; a parent of another family, whose children are all in other classes.
        let inClass = Set(state.members(of: classID, on: monday))
        let families = state.guardians.values.sorted { $0.id < $1.id }
        guard let one = families.first(where: { $0.children.count == 1 && inClass.contains($0.children.keys.first!) }),
              let other = families.first(where: { g in
                  guard g.children.count == 1, let theirs = state.students[g.children.keys.first!]?.currentClassID,
                        let keeper = state.classes[theirs]?.classTeacherID else { return false }
                  return theirs != classID && ![otherTeacher, substitute].contains(keeper)
              })
        else { throw PickFailure("no families to pick") }
        parent = one.id
        child = one.children.keys.first!
        // Two more students of the class: one with a login (to reset, block, unblock), one without (to issue one).
        let others = inClass.subtracting([child]).sorted()
        guard let withLogin = others.first(where: { state.loginByPerson[$0] != nil }),
              let without = others.first(where: { state.loginByPerson[$0] == nil }) else { throw PickFailure("no classmates to pick") }
        classmate = withLogin
        newcomer = without
        workType = state.workTypes.keys.sorted().first!
        otherParent = other.id
        otherChild = other.children.keys.first!
        otherClassID = state.students[otherChild]!.currentClassID!
        guard let current = state.period(on: monday, grade: schoolClass.grade) else { throw PickFailure("no period on \(monday)") }
        period = current.id
    }

    private static func first(_ state: SchoolState, holding role: Role, among ids: some Collection<String>) throws -> String {
        guard let id = ids.sorted().first(where: { id in state.staff[id]!.roles.contains { $0.role == role } && state.staff[id]!.leftOn == nil })
        else { throw PickFailure("no \(role.rawValue)") }
        return id
    }
}

struct PickFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A copy of the template's store in a directory of its own, removed by `remove`.
struct TemporaryStore: Sendable {
    let directory: String
    var path: String { directory + "/store" }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

extension PersonName {
    init(last: String, first: String, middle: String) {
        self.init()
        self.last = last
        self.first = first
        self.middle = middle
    }
}
