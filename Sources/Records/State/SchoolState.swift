import Catalog
import EventLog

/// What the rules need to know about a school, folded from its log. Commands
/// are decided against it; it changes only by applying recorded events.
public struct SchoolState: Sendable {
    public var school: SchoolRegistered?
    public var years: [Int: AcademicYear] = [:]
    public var periods: [String: ReportingPeriod] = [:]
    public var bellSchedules: [String: [Int: BellScheduleDefined.Bell]] = [:]
    /// The bell schedule defined last: the one in use.
    public var currentBellSchedule: String?
    public var subjects: [String: SubjectDefined] = [:]
    public var workTypes: [String: WorkTypeDefined] = [:]
    public var attendanceCodes: [String: AttendanceCodeDefined] = [:]
    public var referenceBooks: [String: [String: String]] = [:]
    public var classes: [String: SchoolClass] = [:]
    public var groups: [String: StudyGroup] = [:]
    public var curriculum: [CurriculumKey: Double] = [:]
    public var timetable: [String: TimetableEntry] = [:]
    /// Entry ids by unit and weekday, for finding the entry of a lesson.
    var timetableByUnitDay: [UnitDay: [String]] = [:]
    /// `teacher|subject|class` of every timetable entry, so that "does this
    /// teacher teach this subject in this class" needs no scan of the timetable.
    var teaching: Set<String> = []
    /// `teacher|subject|unit` of every timetable entry: the journals a teacher keeps.
    var teachingUnits: Set<String> = []
    /// The ids of the lessons held by a class and its groups each day (voided ones
    /// too), so that a day's deadlines need no scan of every lesson.
    var lessonsByClassDay: [ClassDay: Set<String>] = [:]
    public var staff: [String: StaffMember] = [:]
    public var students: [String: Student] = [:]
    /// SNILS → student id, for students enrolled in the school now.
    public var enrolledBySNILS: [String: String] = [:]
    public var guardians: [String: Guardian] = [:]
    /// SNILS digits → guardian, and full name in lower case → guardians: to
    /// refuse registering a person twice without scanning the register.
    var guardianBySNILS: [String: String] = [:]
    var guardiansByName: [String: [String]] = [:]
    public var consents: [String: ConsentStatus] = [:]
    /// (guardian, student) pairs with a registered parent application.
    public var applications: Set<GuardianStudent> = []
    public var logins: [String: LoginAccount] = [:]
    /// Person id → their login, the latest issued.
    public var loginByPerson: [String: String] = [:]
    public var lessons: [String: Lesson] = [:]
    public var grades: [String: Grade] = [:]
    /// The highest number given after each id prefix of people (`T`, `S`, `P`):
    /// the next id is one more, found without looking at every id there is.
    public var highestIDs: [String: Int] = [:]
    /// `student/subject/period` → the current final grade.
    public var finals: [String: String] = [:]
    public var acknowledgedWeeks: Set<String> = []
    /// The roles of staff who must pass a second factor at sign-in.
    public var secondFactorRoles: Set<Role> = []
    public var backups: [BackupMade] = []
    /// The number of grades ever recorded, for the next grade id.
    public var gradeCount = 0
    public var applicationCount = 0

    public init() {}

    /// Days after a lesson during which its teacher may still correct it.
    public var editWindowDays: Int {
        guard let days = school?.editWindowDays, days > 0 else { return 7 }
        return Int(days)
    }
}

// MARK: - The records the state keeps

public struct AcademicYear: Sendable, Hashable {
    public var year: Int
    public var startsOn: CivilDate
    public var endsOn: CivilDate
    public var holidays: [Holiday]
    public var closed = false

    public struct Holiday: Sendable, Hashable {
        public var name: String
        public var from: CivilDate
        public var through: CivilDate
        /// Empty means every grade.
        public var grades: Set<Int>
    }

    public func contains(_ date: CivilDate) -> Bool { date >= startsOn && date <= endsOn }

    /// The holiday a date falls in for a grade, if any.
    public func holiday(on date: CivilDate, grade: Int) -> Holiday? {
        holidays.first { $0.from <= date && date <= $0.through && ($0.grades.isEmpty || $0.grades.contains(grade)) }
    }
}

public struct ReportingPeriod: Sendable, Hashable {
    public var id: String
    public var year: Int
    public var name: String
    public var startsOn: CivilDate
    public var endsOn: CivilDate
    public var grades: Set<Int>
    public var closed = false
}

public struct SchoolClass: Sendable, Hashable {
    public var id: String
    public var year: Int
    public var grade: Int
    public var letter: String
    public var name: String
    public var classTeacherID: String
}

public struct StudyGroup: Sendable, Hashable {
    public var id: String
    public var classID: String
    public var name: String
    public var subjectID: String
    /// Student → the spans of their membership.
    public var members: [String: [DateSpan]] = [:]
}

/// From a date (inclusive) until another (exclusive), or open-ended.
public struct DateSpan: Sendable, Hashable {
    public var from: CivilDate
    public var until: CivilDate?

    public func contains(_ date: CivilDate) -> Bool { date >= from && (until.map { date < $0 } ?? true) }
}

public struct CurriculumKey: Sendable, Hashable {
    public var year: Int
    public var grade: Int
    public var subjectID: String
}

public struct TimetableEntry: Sendable, Hashable {
    public var id: String
    public var year: Int
    public var weekday: Int
    public var slot: Int
    public var unitID: String
    public var subjectID: String
    public var teacherID: String
    public var validFrom: CivilDate
    public var validTo: CivilDate?

    public func applies(on date: CivilDate) -> Bool {
        date.weekday == weekday && date >= validFrom && (validTo.map { date <= $0 } ?? true)
    }
}

struct ClassDay: Sendable, Hashable {
    var classID: String
    var date: CivilDate
}

struct UnitDay: Sendable, Hashable {
    var unitID: String
    var weekday: Int
}

public struct StaffMember: Sendable, Hashable {
    public var id: String
    public var name: PersonName
    public var position: String
    public var hiredOn: CivilDate
    public var leftOn: CivilDate?
    public var roles: Set<RoleGrant> = []
    /// Empty when not given; refuses hiring the same person twice.
    public var snils = ""
    public var email = ""
}

public struct RoleGrant: Sendable, Hashable {
    public var role: Role
    /// The class, for a class teacher; empty otherwise.
    public var classID: String
}

public struct Student: Sendable, Hashable {
    public var id: String
    public var name: PersonName
    public var sex: Sex
    public var bornOn: CivilDate?
    public var snils: String
    /// The classes the student was in, in order; the last is open while enrolled.
    public var placements: [Placement] = []
    public var guardians: Set<String> = []

    public struct Placement: Sendable, Hashable {
        public var classID: String
        public var span: DateSpan
    }

    public var isEnrolled: Bool { placements.last.map { $0.span.until == nil } ?? false }
    public var currentClassID: String? { isEnrolled ? placements.last?.classID : nil }

    public func classID(on date: CivilDate) -> String? {
        placements.last { $0.span.contains(date) }?.classID
    }
}

public struct Guardian: Sendable, Hashable {
    public var id: String
    public var name: PersonName
    public var email: String
    /// Student → relation.
    public var children: [String: GuardianRelation] = [:]
    /// Empty when not given; refuses registering the same person twice.
    public var snils = ""
    public var phone = ""
}

public enum ConsentStatus: Sendable, Hashable {
    case given(document: String)
    case refused(document: String)
    case withdrawn(document: String)

    public var isGiven: Bool { if case .given = self { true } else { false } }
}

public struct GuardianStudent: Sendable, Hashable {
    public var guardianID: String
    public var studentID: String

    public init(guardianID: String, studentID: String) {
        self.guardianID = guardianID
        self.studentID = studentID
    }
}

public struct LoginAccount: Sendable, Hashable {
    public var login: String
    public var personID: String
    public var personKind: PersonKind
    public var role: Role
    public var activated = false
    public var blocked = false
    /// An authenticator app is enrolled as the second factor.
    public var secondFactor = false
}

public struct Lesson: Sendable, Hashable {
    public var id: String
    public var date: CivilDate
    public var slot: Int
    public var unitID: String
    public var classID: String
    public var subjectID: String
    public var teacherID: String
    public var substitute: Bool
    public var topic: String
    public var attendanceTaken = false
    public var homeworkAssigned = false
    public var absences: [String: String] = [:]
    public var voided = false
}

public struct Grade: Sendable, Hashable {
    public var id: String
    public var lessonID: String
    public var studentID: String
    public var value: String
    public var workTypeID: String
    public var weight: Int
    public var voided = false
}

extension PersonName {
    /// «Иванов Пётр Сергеевич».
    public var full: String {
        [last, first, middle].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// «Иванов П. С.».
    public var short: String {
        let initials = [first, middle].compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
        return initials.isEmpty ? last : "\(last) \(initials)"
    }
}
