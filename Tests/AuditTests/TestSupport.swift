import Catalog
import EventLog
import Foundation

/// A fresh directory, removed by `cleanup`.
struct TemporaryDirectory {
    let path: String

    init(_ name: String = "letopis-audit") {
        path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A moment in Moscow time (UTC+3), as the school's clock shows it.
func msk(_ date: String, _ hour: Int, _ minute: Int = 0) -> Timestamp {
    Timestamp(CivilDate(iso: date)!, hour: hour, minute: minute).adding(seconds: -3 * 3600)
}

let coordinator = Actor(userID: "T0003", role: "coordinator")
let admin = Actor(userID: "T0002", role: "administration")
let teacher = Actor(userID: "T0001", role: "teacher")

/// A school written straight into a log, WITHOUT the rules: catalog events
/// appended as they are, so that a test can plant anything the rules forbid.
struct RawSchool {
    var events: [ProposedEvent] = []

    mutating func add(_ message: some CatalogEvent, _ effective: String, by actor: Actor = coordinator, at time: Timestamp) {
        events.append(message.proposed(effectiveDate: CivilDate(iso: effective)!, actor: actor, recordedAt: time))
    }

    /// School s-raw, year 2024/25, one term for grade 5, bells, maths, class 5А
    /// with three students, a teacher (T0001) and the administration (T0002).
    mutating func setUp() {
        let t = msk("2024-08-20", 9)
        var school = SchoolRegistered()
        school.schoolID = "s-raw"; school.shortName = "Школа"; school.editWindowDays = 7
        add(school, "2024-08-20", at: t)
        var year = AcademicYearDefined()
        year.year = 2024; year.startsOn = "2024-09-02"; year.endsOn = "2025-05-26"
        add(year, "2024-08-20", at: t)
        var periods = ReportingPeriodsDefined()
        periods.year = 2024; periods.scheme = "четверти"; periods.kind = .terms; periods.grades = [5]
        var p1 = ReportingPeriodsDefined.Period()
        p1.periodID = "2024-T1"; p1.name = "1 четверть"; p1.startsOn = "2024-09-02"; p1.endsOn = "2024-10-27"
        var p2 = ReportingPeriodsDefined.Period()
        p2.periodID = "2024-T2"; p2.name = "2 четверть"; p2.startsOn = "2024-11-05"; p2.endsOn = "2024-12-28"
        periods.periods = [p1, p2]
        add(periods, "2024-08-20", at: t)
        var bells = BellScheduleDefined()
        bells.name = "основное"
        bells.bells = (1...6).map { slot in
            var bell = BellScheduleDefined.Bell()
            bell.slot = Int32(slot)
            bell.startsAt = String(format: "%02d:00", 7 + slot)
            bell.endsAt = String(format: "%02d:45", 7 + slot)
            return bell
        }
        add(bells, "2024-08-20", at: t)
        var math = SubjectDefined()
        math.subjectID = "math"; math.name = "Математика"; math.shortName = "Мат"
        add(math, "2024-08-20", at: t)
        var work = WorkTypeDefined()
        work.workTypeID = "oral"; work.name = "устный ответ"; work.weight = 1
        add(work, "2024-08-20", at: t)
        var klass = ClassCreated()
        klass.classID = "2024-5А"; klass.year = 2024; klass.grade = 5; klass.letter = "А"; klass.name = "5А"
        add(klass, "2024-08-20", at: t)
        for (id, last) in [("T0001", "Петрова"), ("T0002", "Иванов"), ("T0003", "Сидорова")] {
            var hired = StaffHired()
            hired.staffID = id; hired.name = Self.name(last, "Анна"); hired.hiredOn = "2024-08-20"; hired.position = "учитель"
            add(hired, "2024-08-20", at: t)
        }
        for (id, last) in [("S0001", "Алексеев"), ("S0002", "Борисова"), ("S0003", "Волков")] {
            var enrolled = StudentEnrolled()
            enrolled.studentID = id; enrolled.name = Self.name(last, "Иван"); enrolled.classID = "2024-5А"
            enrolled.enrolledOn = "2024-09-01"; enrolled.bornOn = "2013-01-01"
            add(enrolled, "2024-09-01", at: t)
        }
    }

    mutating func lesson(_ date: String, slot: Int32, topic: String = "Тема", by actor: Actor = teacher, at time: Timestamp) {
        var held = LessonHeld()
        held.lessonID = "2024-5А/\(date)/\(slot)"; held.date = date; held.slot = slot; held.unitID = "2024-5А"
        held.classID = "2024-5А"; held.subjectID = "math"; held.teacherID = "T0001"; held.topic = topic
        add(held, date, by: actor, at: time)
    }

    mutating func roll(_ lessonID: String, absent: [String], by actor: Actor = teacher, at time: Timestamp) {
        var roll = AttendanceTaken()
        roll.lessonID = lessonID
        roll.marks = absent.map { student in
            var mark = AttendanceTaken.AttendanceMark()
            mark.studentID = student; mark.code = "Н"
            return mark
        }
        add(roll, String(lessonID.split(separator: "/")[1]), by: actor, at: time)
    }

    mutating func grade(_ id: String, _ lessonID: String, _ student: String, _ value: String, by actor: Actor = teacher, at time: Timestamp) {
        var grade = GradeRecorded()
        grade.gradeID = id; grade.lessonID = lessonID; grade.studentID = student; grade.value = value
        grade.workTypeID = "oral"; grade.weight = 1
        add(grade, String(lessonID.split(separator: "/")[1]), by: actor, at: time)
    }

    mutating func correct(_ id: String, lessonDate: String, to value: String, reason: String = "ошибка", by actor: Actor = teacher, at time: Timestamp) {
        var corrected = GradeCorrected()
        corrected.gradeID = id; corrected.value = value; corrected.workTypeID = "oral"; corrected.weight = 1; corrected.reason = reason
        add(corrected, lessonDate, by: actor, at: time)
    }

    static func name(_ last: String, _ first: String) -> PersonName {
        var n = PersonName()
        n.last = last; n.first = first
        return n
    }

    /// Writes the events into a new log in `directory`.
    func write(to directory: String, school: String = "s-raw") async throws -> EventLog {
        let log = try EventLog.create(at: directory, school: school, options: .init(durable: false))
        try await log.append(events)
        return log
    }
}
