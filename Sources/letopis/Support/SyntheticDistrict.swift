import Catalog
import EventLog
import Foundation
import SchoolYear

/// A synthetic school year for benchmarks, written through the event catalog
/// (not through the rules: this only has to look like a year's log, quickly).
/// Per school: 11 grades × `letters` classes of 25, 6 lessons a day on school
/// days, rolls, homework, about 5 grades a lesson, daily sign-ins, finals.
/// Deterministic for a given seed, so runs are comparable.
struct SyntheticSchool {
    let id: String
    var letters = 4
    var studentsPerClass = 25
    private var rng: SplitMix64
    private var out: [ProposedEvent] = []
    private let year: Int32 = 2024
    private let subjects = ["math", "rus", "lit", "eng", "hist", "bio", "geo", "phys", "chem", "pe"]
    private let subjectNames = ["Математика", "Русский язык", "Литература", "Английский язык", "История", "Биология",
                                "География", "Физика", "Химия", "Физическая культура"]
    private let coordinator = Actor(userID: "T0001", role: "coordinator")

    init(id: String, seed: UInt64) {
        self.id = id
        rng = SplitMix64(state: seed)
    }

    /// Produces the year's events in order, handing them over in chunks.
    mutating func generate(_ emit: ([ProposedEvent]) async throws -> Void) async throws {
        setUp()
        try await flush(emit)
        let starts = CivilDate(iso: "2024-09-02")!, ends = CivilDate(iso: "2025-05-24")!
        var gradeNumber = 0
        var day = starts
        while day <= ends {
            if day.weekday <= 6 && !isHoliday(day) { schoolDay(day, &gradeNumber) }
            if day.weekday == 7 || day == ends { try await flush(emit) }
            day = day.adding(days: 1)
        }
        finals()
        try await flush(emit)
    }

    private mutating func flush(_ emit: ([ProposedEvent]) async throws -> Void) async throws {
        while !out.isEmpty {
            let chunk = Array(out.prefix(20_000))
            out.removeFirst(chunk.count)
            try await emit(chunk)
        }
    }

    private mutating func add(_ message: some CatalogEvent, _ date: CivilDate, by actor: Actor, minute: Int = 0) {
        out.append(message.proposed(effectiveDate: date, actor: actor,
                                    recordedAt: Timestamp(date, hour: 6 + minute / 60, minute: minute % 60)))
    }

    private func isHoliday(_ day: CivilDate) -> Bool {
        let iso = day.iso
        return ("2024-10-28"..."2024-11-04").contains(iso) || ("2024-12-30"..."2025-01-08").contains(iso)
            || ("2025-03-24"..."2025-03-31").contains(iso)
    }

    var classIDs: [String] { (1...11).flatMap { grade in letterList.map { "\(year)-\(grade)\($0)" } } }
    var letterList: [String] { Array(["А", "Б", "В", "Г", "Д", "Е"].prefix(letters)) }
    func students(of classIndex: Int) -> Range<Int> { (classIndex * studentsPerClass)..<((classIndex + 1) * studentsPerClass) }
    static func student(_ n: Int) -> String { "S" + String(format: "%04d", n + 1) }
    static func guardian(_ n: Int) -> String { "P" + String(format: "%04d", n + 1) }
    func teacher(_ subject: Int, _ classIndex: Int) -> String { "T" + String(format: "%04d", 2 + subject * 4 + classIndex % 4) }

    private mutating func setUp() {
        let d = CivilDate(iso: "2024-08-26")!
        add(SchoolRegistered.with { $0.schoolID = id; $0.shortName = "Школа \(id)"; $0.district = "Синтетический район" }, d, by: coordinator)
        add(AcademicYearDefined.with {
            $0.year = year; $0.startsOn = "2024-09-02"; $0.endsOn = "2025-05-24"
            $0.holidays = [("осенние", "2024-10-28", "2024-11-04"), ("зимние", "2024-12-30", "2025-01-08"),
                           ("весенние", "2025-03-24", "2025-03-31")].map { h in .with { $0.name = h.0; $0.startsOn = h.1; $0.endsOn = h.2 } }
        }, d, by: coordinator)
        add(ReportingPeriodsDefined.with {
            $0.year = year; $0.scheme = "четверти"; $0.kind = .terms; $0.grades = Array(1...11)
            $0.periods = [("T1", "1 четверть", "2024-09-02", "2024-10-27"), ("T2", "2 четверть", "2024-11-05", "2024-12-29"),
                          ("T3", "3 четверть", "2025-01-09", "2025-03-23"), ("T4", "4 четверть", "2025-04-01", "2025-05-24")]
                .map { p in .with { $0.periodID = "\(year)-\(p.0)"; $0.name = p.1; $0.startsOn = p.2; $0.endsOn = p.3 } }
        }, d, by: coordinator)
        for (i, subject) in subjects.enumerated() {
            add(SubjectDefined.with { $0.subjectID = subject; $0.name = subjectNames[i] }, d, by: coordinator)
        }
        for (id, name, weight) in [("answer", "ответ", 1), ("test", "контрольная", 3), ("homework", "домашняя", 1)] {
            add(WorkTypeDefined.with { $0.workTypeID = id; $0.name = name; $0.weight = Int32(weight) }, d, by: coordinator)
        }
        for (code, absence, illness, late) in [("Н", true, false, false), ("Б", true, true, false), ("ОП", false, false, true)] {
            add(AttendanceCodeDefined.with { $0.code = code; $0.isAbsence = absence; $0.isIllness = illness; $0.isLate = late },
                d, by: coordinator)
        }
        for t in 1...(2 + subjects.count * 4) {
            let staff = "T" + String(format: "%04d", t)
            add(StaffHired.with { $0.staffID = staff; $0.name.last = "Учитель\(t)"; $0.hiredOn = "2020-08-25" }, d, by: coordinator)
            add(RoleGranted.with { $0.staffID = staff; $0.role = t == 1 ? .coordinator : .teacher }, d, by: coordinator)
            add(LoginIssued.with { $0.login = "\(id)-\(staff)"; $0.personID = staff; $0.personKind = .staff }, d, by: coordinator)
        }
        for (c, klass) in classIDs.enumerated() {
            let grade = Int32(c / letters + 1)
            add(ClassCreated.with {
                $0.classID = klass; $0.year = year; $0.grade = grade; $0.letter = letterList[c % letters]
                $0.name = String(klass.dropFirst(5))
            }, d, by: coordinator)
            for slot in 1...6 {
                for weekday in 1...6 {
                    let subject = (weekday * 7 + slot * 3 + c) % subjects.count
                    add(TimetableEntryAdded.with {
                        $0.entryID = "\(klass)-\(weekday)-\(slot)"; $0.year = year; $0.weekday = Int32(weekday)
                        $0.slot = Int32(slot); $0.unitID = klass; $0.subjectID = subjects[subject]
                        $0.teacherID = teacher(subject, c); $0.validFrom = "2024-09-02"
                    }, d, by: coordinator)
                }
            }
            for n in students(of: c) {
                let student = Self.student(n), guardian = Self.guardian(n)
                add(StudentEnrolled.with {
                    $0.studentID = student; $0.name.last = "Ученик\(n)"; $0.name.first = "Имя"
                    $0.sex = n % 2 == 0 ? .male : .female; $0.classID = klass; $0.enrolledOn = "2024-09-02"
                }, d, by: coordinator)
                add(GuardianRegistered.with { $0.guardianID = guardian; $0.name.last = "Родитель\(n)" }, d, by: coordinator)
                add(GuardianLinked.with { $0.guardianID = guardian; $0.studentID = student; $0.relation = .mother }, d, by: coordinator)
                for person in [student, guardian] {
                    add(ConsentGiven.with { $0.personID = person; $0.givenOn = "2024-08-26" }, d, by: coordinator)
                    add(LoginIssued.with {
                        $0.login = "\(id)-\(person)"; $0.personID = person; $0.personKind = person == student ? .student : .guardian
                    }, d, by: coordinator)
                }
                add(ParentApplicationRegistered.with { $0.applicationID = "A\(n)"; $0.guardianID = guardian; $0.studentID = student },
                    d, by: coordinator)
            }
        }
    }

    private mutating func schoolDay(_ day: CivilDate, _ gradeNumber: inout Int) {
        let iso = day.iso
        for (c, klass) in classIDs.enumerated() {
            let pupils = students(of: c)
            for slot in 1...6 {
                let subject = (day.weekday * 7 + slot * 3 + c) % subjects.count
                let teacher = Actor(userID: teacher(subject, c), role: "teacher")
                let lesson = "\(klass)/\(iso)/\(slot)"
                let minute = slot * 50
                add(LessonHeld.with {
                    $0.lessonID = lesson; $0.date = iso; $0.slot = Int32(slot); $0.unitID = klass; $0.classID = klass
                    $0.subjectID = subjects[subject]; $0.teacherID = teacher.userID
                    $0.topic = rng.next() % 10 == 0 ? "" : "Тема урока \(slot)"
                    $0.timetableEntryID = "\(klass)-\(day.weekday)-\(slot)"
                }, day, by: teacher, minute: minute)
                add(AttendanceTaken.with {
                    $0.lessonID = lesson
                    $0.marks = (0..<Int(rng.next() % 3)).map { _ in
                        .with { $0.studentID = Self.student(pupils.lowerBound + Int(rng.next() % UInt64(pupils.count)))
                            $0.code = ["Н", "Б", "ОП"][Int(rng.next() % 3)] }
                    }
                }, day, by: teacher, minute: minute + 1)
                if rng.next() % 10 < 7 {
                    add(HomeworkAssigned.with { $0.lessonID = lesson; $0.text = "Упражнения к уроку \(slot)" }, day, by: teacher,
                        minute: minute + 2)
                }
                for _ in 0..<4 {
                    gradeNumber += 1
                    let grade = "M" + String(format: "%07d", gradeNumber)
                    let test = rng.next() % 8 == 0
                    add(GradeRecorded.with {
                        $0.gradeID = grade; $0.lessonID = lesson
                        $0.studentID = Self.student(pupils.lowerBound + Int(rng.next() % UInt64(pupils.count)))
                        $0.value = String(2 + rng.next() % 4); $0.workTypeID = test ? "test" : "answer"; $0.weight = test ? 3 : 1
                    }, day, by: teacher, minute: minute + 3)
                    if rng.next() % 100 == 0 {
                        add(GradeCorrected.with { $0.gradeID = grade; $0.value = "4"; $0.reason = "ошибка ввода" }, day, by: teacher,
                            minute: minute + 4)
                    }
                }
            }
            // About a third of the students and of the parents look at the diary each day.
            for n in pupils where rng.next() % 3 == 0 {
                let person = rng.next() % 2 == 0 ? Self.student(n) : Self.guardian(n)
                add(SignedIn.with { $0.login = "\(id)-\(person)" }, day, by: Actor(userID: person, role: "parent"), minute: 700)
            }
        }
    }

    private mutating func finals() {
        for (c, klass) in classIDs.enumerated() {
            for n in students(of: c) {
                for (s, subject) in subjects.enumerated() {
                    for period in ["T1", "T2", "T3", "T4", "Y"] {
                        add(FinalGradeSet.with {
                            $0.studentID = Self.student(n); $0.classID = klass; $0.subjectID = subject
                            $0.periodID = "\(year)-\(period)"; $0.value = String(3 + (n + s) % 3)
                        }, CivilDate(iso: "2025-05-24")!, by: Actor(userID: teacher(s, c), role: "teacher"))
                    }
                }
            }
        }
    }
}
