import Catalog
import EventLog
import Foundation

/// A big school log with real lessons for the audit stage, written straight
/// into the log (no rules: the stage measures reading, not deciding): year after
/// year of 44 classes (grades 1–11, А–Г) of 25 students, six lessons a day, six
/// days a week, each lesson with its topic, roll, homework every other time and
/// three grades, 2 % of grades corrected. Recorded-at grows with the sequence, as
/// on a live server. The last year is 2024; the journal the stage reads is
/// 2024-5А, maths, 2024-T1.
struct AuditStore {
    static let school = "bench-audit"
    static let subjects = ["math", "rus", "lit", "eng", "hist", "bio", "geo", "phys", "chem", "pe"]
    static let subjectNames = ["Математика", "Русский язык", "Литература", "Английский язык", "История",
                               "Биология", "География", "Физика", "Химия", "Физкультура"]

    var events: [ProposedEvent] = []
    var rng = SplitMix64(seed: 2024)
    var gradeCount = 0

    /// Writes years ending with 2024 until the log holds at least `target` events.
    static func generate(into log: EventLog, events target: Int) async throws {
        var store = AuditStore()
        let perYear = 44 * 204 * 6 * 6
        let years = max(1, (target + perYear - 1) / perYear)
        store.setUp(firstYear: 2025 - years)
        for year in (2025 - years)...2024 {
            progress("audit stage: generating the school year \(year)/\(year + 1) (\(try log.head()) events so far)")
            store.registry(year: year)
            try await store.flush(into: log)
            var day = CivilDate(year: year, month: 9, day: 2)!
            for _ in 0..<(34 * 7) {
                if day.weekday <= 6 { store.lessons(year: year, on: day) }
                if store.events.count >= 20_000 { try await store.flush(into: log) }
                day = day.adding(days: 1)
            }
            try await store.flush(into: log)
        }
    }

    mutating func flush(into log: EventLog) async throws {
        guard !events.isEmpty else { return }
        try await log.append(events)
        events.removeAll(keepingCapacity: true)
    }

    mutating func add(_ message: some CatalogEvent, _ date: CivilDate, _ actor: Actor, at time: Timestamp) {
        events.append(message.proposed(id: UUID.timeOrdered(), effectiveDate: date, actor: actor, recordedAt: time))
    }

    static let coordinator = Actor(userID: "T0001", role: "coordinator")

    mutating func setUp(firstYear: Int) {
        let day = CivilDate(year: firstYear, month: 8, day: 20)!
        let at = Timestamp(day, hour: 6)
        var school = SchoolRegistered()
        school.schoolID = Self.school; school.shortName = "Школа для замеров"
        add(school, day, Self.coordinator, at: at)
        var bells = BellScheduleDefined()
        bells.name = "основное"
        bells.bells = (1...6).map { slot in
            var bell = BellScheduleDefined.Bell()
            bell.slot = Int32(slot); bell.startsAt = String(format: "%02d:00", 7 + slot); bell.endsAt = String(format: "%02d:45", 7 + slot)
            return bell
        }
        add(bells, day, Self.coordinator, at: at)
        for (id, name) in zip(Self.subjects, Self.subjectNames) {
            var subject = SubjectDefined()
            subject.subjectID = id; subject.name = name; subject.shortName = String(name.prefix(4))
            add(subject, day, Self.coordinator, at: at)
        }
        var work = WorkTypeDefined()
        work.workTypeID = "oral"; work.name = "устный ответ"; work.weight = 1
        add(work, day, Self.coordinator, at: at)
        for t in 1...60 {
            var hired = StaffHired()
            hired.staffID = String(format: "T%04d", t); hired.position = "учитель"; hired.hiredOn = day.iso
            hired.name.last = "Учитель"; hired.name.first = "Номер \(t)"
            add(hired, day, Self.coordinator, at: at)
        }
    }

    static func classID(_ year: Int, _ k: Int) -> String { "\(year)-\(k / 4 + 1)\(["А", "Б", "В", "Г"][k % 4])" }

    mutating func registry(year: Int) {
        let day = CivilDate(year: year, month: 8, day: 25)!
        let at = Timestamp(day, hour: 6)
        var academic = AcademicYearDefined()
        academic.year = Int32(year); academic.startsOn = "\(year)-09-02"; academic.endsOn = "\(year + 1)-05-26"
        add(academic, day, Self.coordinator, at: at)
        var periods = ReportingPeriodsDefined()
        periods.year = Int32(year); periods.scheme = "четверти"; periods.kind = .terms; periods.grades = Array(1...11)
        periods.periods = [("T1", "1 четверть", "09-02", "10-27"), ("T2", "2 четверть", "11-05", "12-28"),
                           ("T3", "3 четверть", "01-09", "03-23"), ("T4", "4 четверть", "04-01", "05-26")].enumerated().map { i, p in
            var period = ReportingPeriodsDefined.Period()
            let y = i < 2 ? year : year + 1
            period.periodID = "\(year)-\(p.0)"; period.name = p.1; period.startsOn = "\(y)-\(p.2)"; period.endsOn = "\(y)-\(p.3)"
            return period
        }
        add(periods, day, Self.coordinator, at: at)
        for k in 0..<44 {
            var created = ClassCreated()
            created.classID = Self.classID(year, k); created.year = Int32(year); created.grade = Int32(k / 4 + 1)
            created.letter = ["А", "Б", "В", "Г"][k % 4]; created.name = "\(k / 4 + 1)\(created.letter)"
            add(created, day, Self.coordinator, at: at)
            for s in 0..<25 {
                var enrolled = StudentEnrolled()
                enrolled.studentID = Self.student(year, k, s); enrolled.classID = created.classID
                enrolled.enrolledOn = "\(year)-09-01"; enrolled.name.last = "Ученик"; enrolled.name.first = "\(k)-\(s)"
                add(enrolled, day, Self.coordinator, at: at)
            }
        }
    }

    static func student(_ year: Int, _ k: Int, _ s: Int) -> String { String(format: "S%d%02d%02d", year, k, s) }

    mutating func lessons(year: Int, on day: CivilDate) {
        for slot in 1...6 {
            for k in 0..<44 {
                let subject = Self.subjects[(slot + day.weekday + k) % Self.subjects.count]
                let teacher = Actor(userID: String(format: "T%04d", (k + slot) % 60 + 1), role: "teacher")
                let unit = Self.classID(year, k)
                let lessonID = "\(unit)/\(day.iso)/\(slot)"
                var at = Timestamp(day, hour: 6 + slot).adding(seconds: Int64(k * 60))
                func next() -> Timestamp { at = at.adding(seconds: 1); return at }
                var held = LessonHeld()
                held.lessonID = lessonID; held.date = day.iso; held.slot = Int32(slot); held.unitID = unit; held.classID = unit
                held.subjectID = subject; held.teacherID = teacher.userID; held.topic = "Тема урока \(day.iso) \(slot)"
                add(held, day, teacher, at: next())
                var roll = AttendanceTaken()
                roll.lessonID = lessonID
                var mark = AttendanceTaken.AttendanceMark()
                mark.studentID = Self.student(year, k, Int(rng.next() % 25)); mark.code = "Н"
                roll.marks = [mark]
                add(roll, day, teacher, at: next())
                if rng.next() % 2 == 0 {
                    var homework = HomeworkAssigned()
                    homework.lessonID = lessonID; homework.text = "§ \(rng.next() % 40 + 1), № \(rng.next() % 500 + 1)"
                    add(homework, day, teacher, at: next())
                }
                for _ in 0..<3 {
                    gradeCount += 1
                    var grade = GradeRecorded()
                    grade.gradeID = String(format: "M%07d", gradeCount); grade.lessonID = lessonID
                    grade.studentID = Self.student(year, k, Int(rng.next() % 25)); grade.value = String(rng.next() % 4 + 2)
                    grade.workTypeID = "oral"; grade.weight = 1
                    add(grade, day, teacher, at: next())
                    if rng.next() % 50 == 0 {
                        var corrected = GradeCorrected()
                        corrected.gradeID = grade.gradeID; corrected.value = "5"; corrected.workTypeID = "oral"
                        corrected.weight = 1; corrected.reason = "ошибка при вводе"
                        add(corrected, day, teacher, at: next())
                    }
                }
            }
        }
    }
}
