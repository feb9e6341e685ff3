import Catalog
import EventLog
import Foundation
import Records

/// One school's year, simulated day by day and recorded through the same
/// commands and rules as real input. Everything it decides comes from seeded
/// generators, one stream per purpose and day, so the same seed gives the same
/// log byte for byte.
final class SchoolSimulation {
    let options: SchoolYearOptions
    let plan: SchoolPlan
    let staffing: Staffing
    let timetable: Timetable
    let calendar: SchoolCalendar
    let classTeachers: [Int]
    let lastDay: CivilDate
    let setupDay: CivilDate
    let batches: DayBatches
    let hasher: PasswordHasher
    var counts = SchoolCounts()

    // Who is where now.
    var classOf: [Int]
    var rosters: [[Int]]
    var groupMembers: [[Int]]
    var groupIndex: [String: Int] = [:]
    /// Per assignment part (`assignment * 2 + half`): the group index, or -1 for the class.
    var partGroup: [Int]

    // Health.
    var illFrom: [CivilDate?]
    var illUntil: [CivilDate?]
    var teacherIllUntil: [CivilDate?]
    /// Each student's state today: see `Presence`.
    var presence: [Presence]
    var skipSlot: [Int]
    /// Lessons a student missed on the first day of an illness, marked «Н»
    /// until a doctor's note turns them into «Б».
    var pendingNotes: [Int: [(lessonID: String, teacher: Int, day: CivilDate, enteredAt: Timestamp)]] = [:]

    // Marks.
    var grades: [GradeEntry] = []
    var marks: [Int: [Int]] = [:]
    var affinity: [Double]
    var lessonCounter: [Int]
    var gradesFromDay: [Int32: Int] = [:]
    var finals: [String: String] = [:]
    var teacherCare: [Double]

    // Access.
    var access: AccessBook!

    static let system = Actor(userID: "system", role: .system)
    var coordinator: Actor { Actor(userID: staffing.staff[Staffing.coordinator].id, role: .coordinator) }
    var director: Actor { Actor(userID: staffing.staff[Staffing.director].id, role: .administration) }
    var deputy: Actor { Actor(userID: staffing.staff[Staffing.deputy].id, role: .administration) }
    func teacher(_ i: Int) -> Actor { Actor(userID: staffing.staff[i].id, role: .teacher) }
    func classTeacher(_ c: Int) -> Actor { Actor(userID: staffing.staff[classTeachers[c]].id, role: .classTeacher) }

    init(plan: SchoolPlan, options: SchoolYearOptions, recorder: Recorder, log: EventLog, snils: inout SNILSMaker) {
        self.options = options
        self.plan = plan
        calendar = SchoolCalendar(year: options.year)
        var rng = SeededGenerator(seed: options.seed, stream: "staff \(plan.id)")
        staffing = Staffing(plan: plan, options: options, snils: &snils, rng: &rng)
        timetable = Timetable(plan: plan, staffing: staffing, rng: &rng)
        classTeachers = staffing.classTeachers(plan: plan)
        lastDay = DistrictPlan.lastDay(calendar, options: options)
        setupDay = CivilDate(year: options.year, month: 8, day: 20)!
        batches = DayBatches(recorder: recorder, log: log)
        hasher = PasswordHasher(rounds: options.hashRounds)

        let n = plan.students.count
        classOf = Array(repeating: -1, count: n)
        rosters = Array(repeating: [], count: plan.classes.count)
        groupMembers = Array(repeating: [], count: staffing.groups.count)
        for (g, group) in staffing.groups.enumerated() { groupIndex[group.id] = g }
        partGroup = Array(repeating: -1, count: staffing.assignments.count * 2)
        for (a, assignment) in staffing.assignments.enumerated() {
            for (half, part) in assignment.parts.enumerated() { partGroup[a * 2 + half] = groupIndex[part.unit] ?? -1 }
        }
        illFrom = Array(repeating: nil, count: n)
        illUntil = Array(repeating: nil, count: n)
        teacherIllUntil = Array(repeating: nil, count: staffing.staff.count)
        presence = Array(repeating: .present, count: n)
        skipSlot = Array(repeating: 0, count: n)
        lessonCounter = Array(repeating: 0, count: staffing.assignments.count * 2)
        var traits = SeededGenerator(seed: options.seed, stream: "traits \(plan.id)")
        affinity = (0..<(n * Curriculum.subjects.count)).map { _ in traits.normal() }
        teacherCare = (0..<staffing.staff.count).map { _ in exp(0.6 * traits.normal()) }
        counts.schoolID = plan.id
        counts.schoolName = plan.shortName
        counts.classes = plan.classes.count
        counts.groups = staffing.groups.count
        counts.staff = staffing.staff.count
        counts.students = plan.students.filter { $0.arrival == nil }.count
        counts.guardians = plan.guardians.filter { g in plan.families[g.family].children.contains { plan.students[$0].arrival == nil } }.count
        counts.timetableConflicts = timetable.conflicts
        for klass in plan.classes {
            if let first = klass.initial.min(by: { plan.students[$0].name.sortKey < plan.students[$1].name.sortKey }) {
                counts.firstStudent[klass.name] = plan.students[first].id
            }
        }
    }

    /// The stages the summary times: setup, then each term up to its close.
    func stageEnds() -> [(name: String, end: CivilDate)] {
        var stages: [(String, CivilDate)] = [("подготовка", calendar.startsOn.adding(days: -1))]
        for term in calendar.terms {
            stages.append((term.name, min(closeDay(after: term), lastDay)))
        }
        stages[stages.count - 1].1 = max(stages[stages.count - 1].1, lastDay)
        var result: [(name: String, end: CivilDate)] = []
        for stage in stages where result.last.map({ $0.end < stage.1 }) ?? true {
            result.append((stage.0, stage.1))
        }
        return result
    }

    /// Simulates and records the whole year (or the weeks asked for).
    func run(progress: @Sendable (Int, Int) -> Void) async throws -> SchoolCounts {
        let totalDays = setupDay.days(until: lastDay) + 1
        var stages = stageEnds()
        var stageStart = Date()
        try await setUp()
        var day = CivilDate(year: options.year, month: 9, day: 1)!
        var done = setupDay.days(until: day)
        while day <= lastDay || batches.hasWork(from: day) {
            if day >= calendar.startsOn && day <= lastDay { try simulate(day) }
            try await batches.record(day, grades: &grades)
            done += 1
            if done % 3 == 0 || day == lastDay { progress(min(done, totalDays), totalDays) }
            if let stage = stages.first, day >= stage.end, day >= calendar.startsOn.adding(days: -1) {
                counts.stages.append((stage.name, Date().timeIntervalSince(stageStart)))
                stageStart = Date()
                stages.removeFirst()
            }
            day = day.adding(days: 1)
        }
        try await batches.flush(through: day.adding(days: -1))
        if let stage = stages.first { counts.stages.append((stage.name, Date().timeIntervalSince(stageStart))) }
        counts.events = batches.events
        return counts
    }

    /// One day of the school: people move, fall ill and recover; lessons are
    /// held and entered; marks are corrected; parents and students sign in;
    /// periods end; reports and backups are made.
    private func simulate(_ day: CivilDate) throws {
        contingent(on: day)
        health(on: day)
        gradesFromDay[day.daysSinceEpoch] = grades.count
        lessons(on: day)
        corrections(on: day)
        attendanceNotes(on: day)
        access.activity(on: day)
        periodWork(on: day)
    }
}

/// A student's day: at school, ill (the first day marked «Н» until a note
/// comes), away for a good reason, late for the first lesson, or skipping one.
enum Presence: UInt8 {
    case present, illFirstDay, ill, excused, late, skipsOne
}

/// A mark as the generator keeps it: enough to correct it later and to
/// compute final grades.
struct GradeEntry {
    /// The records' number of the grade (`M000123` → 123), known once recorded.
    var number: Int32 = 0
    var student: Int32
    var subject: Int16
    var value: Int8
    var voided = false
    var lessonDay: CivilDate
    /// The one who taught the lesson (a substitute, maybe): who may correct it.
    var teacher: Int32
    var grade: Int8
    var tally: String

    var id: String { DistrictPlan.code("M", Int(number), width: 6) }
}
