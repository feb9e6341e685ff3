import Catalog
import EventLog
import Foundation
import LMDB
import Projections

/// One thing the journal showed differently at two points, and the events between
/// them that made the difference.
public struct ViewDifference: Codable, Sendable, Equatable {
    public var classID: String
    /// The class or group whose journal shows it.
    public var unit: String
    public var subject: String
    public var subjectName: String
    /// The lesson, or the period of a final grade.
    public var target: String
    /// The lesson's date, absent for a final grade.
    public var date: String?
    public var student: String?
    public var studentName: String?
    /// урок, тема, домашнее задание, перекличка, посещаемость, оценка, итоговая
    public var field: String
    public var before: String
    public var after: String
    /// added (nothing before), changed, or removed (nothing after).
    public var change: String
    public var events: [UInt64]
}

/// What changed in the journal views between two points of the log.
public struct ViewDiff: Codable, Sendable {
    public var school: String
    public var from: UInt64
    public var to: UInt64
    public var eventsBetween: UInt64
    public var differences: [ViewDifference]
}

/// Replays the journal at two points and compares topics, homework, rolls,
/// grades and final grades of every lesson and final that an event between the
/// points touched. Only the affected classes and groups are replayed.
public enum ViewDiffer {
    public static func diff(log: EventLog, from a: AsOfPoint, to b: AsOfPoint, class className: String? = nil) throws -> ViewDiff {
        let before = try AsOfViews(log: log, at: a)
        let after = try AsOfViews(log: log, at: b)
        guard before.position <= after.position else {
            throw AuditError.invalid("--from (\(before.position) events) is later than --to (\(after.position) events)")
        }
        // What the events between touched, and which events touched what.
        var causes: [String: [UInt64]] = [:]
        var units = Set<String>(), finalStudents = Set<String>()
        var gradeLesson: [String: String] = [:]
        var finals: [(student: String, subject: String, period: String, classID: String)] = []
        let between = try log.events(from: before.position + 1, through: after.position).filter {
            $0.stream.hasPrefix("lesson/") || $0.stream.hasPrefix("grade/") || $0.stream.hasPrefix("final/")
        }
        func touchGrade(_ gradeID: String, _ sequence: UInt64) throws {
            if gradeLesson[gradeID] == nil, let first = try log.stream(Streams.grade(gradeID)).first,
               case .gradeRecorded(let m)? = try? first.decoded() {
                gradeLesson[gradeID] = m.lessonID
            }
            causes["grade:" + gradeID, default: []].append(sequence)
            if let lesson = gradeLesson[gradeID] { causes["lesson:" + lesson, default: []].append(sequence) }
        }
        for recorded in between {
            guard let event = try? recorded.decoded() else { continue }
            switch event {
            case .gradeRecorded(let m):
                gradeLesson[m.gradeID] = m.lessonID
                causes["grade:" + m.gradeID, default: []].append(recorded.sequence)
                causes["lesson:" + m.lessonID, default: []].append(recorded.sequence)
            case .gradeCorrected(let m): try touchGrade(m.gradeID, recorded.sequence)
            case .gradeVoided(let m): try touchGrade(m.gradeID, recorded.sequence)
            case .finalGradeSet(let m):
                finals.append((m.studentID, m.subjectID, m.periodID, m.classID))
                causes["final:\(m.studentID)/\(m.subjectID)/\(m.periodID)", default: []].append(recorded.sequence)
            case .finalGradeCorrected(let m):
                finals.append((m.studentID, m.subjectID, m.periodID, m.classID))
                causes["final:\(m.studentID)/\(m.subjectID)/\(m.periodID)", default: []].append(recorded.sequence)
            default:
                causes["lesson:" + String(recorded.stream.dropFirst(7)), default: []].append(recorded.sequence)
            }
        }
        let lessons = causes.keys.filter { $0.hasPrefix("lesson:") }.map { String($0.dropFirst(7)) }
        for lesson in lessons { if let unit = LessonRef(lessonID: lesson)?.unit { units.insert(unit) } }
        for f in finals { finalStudents.insert(f.student) }

        // Group ids are `<class-id>/<name>`: the class is the unit's first part.
        var students = finalStudents
        for classID in Set(units.map { String($0.prefix { $0 != "/" }) }) { students.formUnion(try after.studentsNaming(classID)) }
        let viewsA = try before.journalViews(setup: try before.setupEvents(), students: students, units: units, finals: true)
        let viewsB = try after.journalViews(setup: try after.setupEvents(), students: students, units: units, finals: true)
        let lookup = Lookup(viewsB)
        let onlyClass = try className.map { try lookup.resolveClass($0).id }
        var names = Names(lookup: lookup, source: viewsB)

        var out: [ViewDifference] = []
        for lessonID in lessons.sorted() {
            guard let ref = LessonRef(lessonID: lessonID) else { continue }
            let rowA = try viewsA.get(ViewTables.lessons, ref.key), rowB = try viewsB.get(ViewTables.lessons, ref.key)
            let any = rowB ?? rowA
            let classID = any.map { $0.classID.isEmpty ? ref.unit : $0.classID } ?? ref.unit
            if let onlyClass, classID != onlyClass && !ref.unit.hasPrefix(onlyClass + "/") { continue }
            let subject = any?.subject ?? ""
            func add(_ field: String, _ old: String, _ new: String, student: String? = nil, events: [UInt64]) throws {
                guard old != new else { return }
                out.append(ViewDifference(
                    classID: classID, unit: ref.unit, subject: subject, subjectName: try names.subject(subject), target: lessonID,
                    date: ref.day.civil.iso, student: student, studentName: try student.map { try names.student($0) },
                    field: field, before: old, after: new, change: ViewDiffer.change(old, new), events: events))
            }
            let lessonEvents = causes["lesson:" + lessonID] ?? []
            try add("урок", state(rowA), state(rowB), events: lessonEvents)
            try add("тема", rowA?.topic ?? "", rowB?.topic ?? "", events: lessonEvents)
            try add("домашнее задание", rowA?.homework ?? "", rowB?.homework ?? "", events: lessonEvents)
            let tookA = rowA?.attendanceTaken ?? false, tookB = rowB?.attendanceTaken ?? false
            if tookA != tookB {
                try add("перекличка", roll(rowA), roll(rowB), events: lessonEvents)
            } else if tookA {
                let students = Set((rowA?.absences ?? []).map(\.student) + (rowB?.absences ?? []).map(\.student))
                for s in students.sorted() {
                    try add("посещаемость", rowA?.code(of: s) ?? StreamFold.present, rowB?.code(of: s) ?? StreamFold.present,
                            student: s, events: lessonEvents)
                }
            }
            let grades = Set((rowA?.grades ?? []).map(\.id) + (rowB?.grades ?? []).map(\.id))
            for gradeID in grades.sorted() {
                let a = rowA?.grades.first { $0.id == gradeID }, b = rowB?.grades.first { $0.id == gradeID }
                try add("оценка \(gradeID)", a.map(describe) ?? "", b.map(describe) ?? "", student: (b ?? a)?.student,
                        events: causes["grade:" + gradeID] ?? lessonEvents)
            }
        }
        for f in finals where onlyClass == nil || f.classID == onlyClass {
            let key = RowKey(f.student, f.subject, f.period)
            let a = try viewsA.get(ViewTables.finals, key)?.value ?? "", b = try viewsB.get(ViewTables.finals, key)?.value ?? ""
            guard a != b, !out.contains(where: { $0.field == "итоговая" && $0.student == f.student && $0.target == f.period && $0.subject == f.subject })
            else { continue }
            out.append(ViewDifference(
                classID: f.classID, unit: f.classID, subject: f.subject, subjectName: try names.subject(f.subject), target: f.period,
                date: nil, student: f.student, studentName: try names.student(f.student), field: "итоговая", before: a, after: b,
                change: change(a, b), events: causes["final:\(f.student)/\(f.subject)/\(f.period)"] ?? []))
        }
        return ViewDiff(school: log.school, from: before.position, to: after.position,
                        eventsBetween: after.position - before.position, differences: out)
    }

    static func change(_ before: String, _ after: String) -> String {
        before.isEmpty ? "added" : after.isEmpty ? "removed" : "changed"
    }

    static func state(_ row: LessonRow?) -> String {
        guard let row, row.held else { return "" }
        return row.voided ? "аннулирован" : "проведён"
    }

    static func roll(_ row: LessonRow?) -> String {
        guard let row, row.attendanceTaken else { return "" }
        return row.absences.isEmpty ? "все присутствовали" : "отсутствовали: " + row.absences.map { "\($0.student) \($0.code)" }.joined(separator: ", ")
    }

    static func describe(_ grade: GradeEntry) -> String {
        grade.voided ? "аннулирована" : StreamFold.describe(grade.value, grade.workType)
    }

    /// Names of subjects and students, looked up once each.
    struct Names {
        let lookup: Lookup
        let source: any ViewSource
        var subjects: [String: String] = [:]
        var students: [String: String] = [:]

        mutating func subject(_ id: String) throws -> String {
            if let known = subjects[id] { return known }
            let name = id.isEmpty ? "" : ((try? lookup.subjectName(id)) ?? id)
            subjects[id] = name
            return name
        }

        mutating func student(_ id: String) throws -> String {
            if let known = students[id] { return known }
            let name = try source.get(ViewTables.students, RowKey(id))?.name.full ?? id
            students[id] = name
            return name
        }
    }
}
