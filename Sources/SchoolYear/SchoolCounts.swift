import EventLog

/// What the generator recorded for one school, counted as it went: the test
/// compares these with the events in the log, and `letopis demo` prints them.
public struct SchoolCounts: Sendable {
    public var schoolID = ""
    public var schoolName = ""
    public var classes = 0
    public var groups = 0
    public var staff = 0
    /// Students of the first day.
    public var students = 0
    public var guardians = 0
    public var timetableEntries = 0
    /// Timetable lessons that put a teacher in two places at once.
    public var timetableConflicts = 0

    public var lessons = 0
    public var substituteLessons = 0
    /// Lessons that did not take place: the teacher was ill and nobody was free.
    public var cancelledLessons = 0
    /// Lessons entered after their day (the audit reports them).
    public var lateLessons = 0
    /// Topics entered after the lesson (LessonTopicRecorded without a reason).
    public var topicsEnteredLater = 0
    public var topicCorrections = 0
    public var homework = 0
    /// Homework set more than an hour after the class's last lesson of the day.
    public var lateHomework = 0
    public var rolls = 0
    /// Attendance marks in the rolls, by code (Н, Б, УП, ОП).
    public var attendanceMarks: [String: Int] = [:]
    public var attendanceCorrections = 0
    public var grades = 0
    public var gradeCorrections = 0
    public var gradesVoided = 0
    /// Corrections the administration made after the edit window.
    public var administrationCorrections = 0
    public var finals = 0
    public var finalCorrections = 0
    public var periodCloses = 0
    public var periodReopens = 0

    public var consentsGiven = 0
    public var consentsRefused = 0
    public var consentsWithdrawn = 0
    public var applications = 0
    public var loginsIssued = 0
    public var loginsIssuedToParents = 0
    public var activations = 0
    public var parentActivations = 0
    public var passwordChanges = 0
    public var signIns = 0
    public var acknowledgements = 0

    public var moves = 0
    public var departures = 0
    public var arrivals = 0
    /// Departures to and arrivals from other schools of the store.
    public var transfersOut = 0
    public var transfersIn = 0
    public var backups = 0
    public var reports = 0

    /// Every event appended.
    public var events = 0
    /// Wall-clock seconds of each stage («подготовка», «1 четверть», …).
    public var stages: [(name: String, seconds: Double)] = []
    /// The rollout figures each ReportSubmitted carried.
    public var rolloutReports: [RolloutFigures] = []
    /// Class name (`5А`) → the first student of its register, for the commands
    /// the summary suggests.
    public var firstStudent: [String: String] = [:]
    /// Lessons and (not voided) marks per `unit|subject|period`, for checking views.
    public var journal: [String: JournalTally] = [:]

    public var absences: Int { attendanceMarks.filter { $0.key != "ОП" }.values.reduce(0, +) }

    public init() {}
}

public struct JournalTally: Sendable, Equatable {
    public var lessons = 0
    public var marks = 0
}

/// The school's own rollout figures on a date (Appendix 2 of plans/004, the
/// ramp of plans/002), computed from what the generator recorded, as of the end
/// of `asOf`:
///
/// - students: enrolled at the end of the day (arrived on or before it, not
///   left on or before it);
/// - studentsWithLogin: of them, holding a login issued on or before the day
///   and not blocked by then;
/// - studentsWithConsent: of them, with a consent given and not withdrawn;
/// - parents: the distinct guardians linked to those students;
/// - parentsWithConsent: of them, with their own consent given and not
///   withdrawn — those «имеющие возможность воспользоваться услугой»;
/// - parentsWithApplication: of them, with at least one application registered;
/// - parentsWithLogin: of them, holding a login not blocked;
/// - parentsActivated: of those, having activated it;
/// - teachers: staff with the teacher's role; teachersWithLogin: of them, with a login.
///
/// The percentages the report prints: parents activated of parents with
/// consent (the plan's ramp), and parents with a login of parents.
public struct RolloutFigures: Sendable, Equatable {
    public var asOf: CivilDate
    public var students = 0
    public var studentsWithLogin = 0
    public var studentsWithConsent = 0
    public var parents = 0
    public var parentsWithConsent = 0
    public var parentsWithApplication = 0
    public var parentsWithLogin = 0
    public var parentsActivated = 0
    public var teachers = 0
    public var teachersWithLogin = 0

    public var activatedPercent: Double { percent(parentsActivated, of: parentsWithConsent) }
    public var parentLoginPercent: Double { percent(parentsWithLogin, of: parents) }

    func percent(_ count: Int, of total: Int) -> Double {
        total == 0 ? 0 : (Double(count) * 1000 / Double(total)).rounded() / 10
    }
}
