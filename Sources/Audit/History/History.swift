import Catalog
import EventLog
import Foundation

/// Whose history: a student's, a lesson's, a teacher's (as the one taught,
/// assigned, employed), or an editor's (every event they recorded).
public enum HistoryTarget: Sendable, Hashable {
    case student(String)
    case lesson(String)
    case teacher(String)
    case editor(String)
}

/// One event of a history, with who recorded it, when, what it changed and why.
public struct HistoryEntry: Codable, Sendable, Equatable {
    public struct Who: Codable, Sendable, Equatable {
        public var user: String, role: String
    }

    public var sequence: UInt64
    public var recordedAt: String
    public var effectiveDate: String
    public var actor: Who
    public var type: String
    public var stream: String
    /// The record, e.g. «оценка M000123: S0012, урок 2024-5А/2024-09-02/3».
    public var what: String
    public var changes: [FieldChange]
    public var reason: String
}

/// Histories read from the log itself, never from a projection: a scan picks
/// the events that touched the target, and each one's before → after comes from
/// folding the earlier events of its own stream (the streams index).
public struct HistoryQuery {
    public let log: EventLog
    public let target: HistoryTarget
    public var from: UInt64 = 1
    public var through: UInt64 = .max

    public init(log: EventLog, target: HistoryTarget, from: UInt64 = 1, through: UInt64 = .max) {
        self.log = log
        self.target = target
        self.from = from
        self.through = through
    }

    public func run() throws -> [HistoryEntry] {
        var picker = Picker(target: target)
        var matched: [RecordedEvent] = []
        try log.scanStored(from: 1, through: through) { sequence, value in
            guard let envelope = StoredEnvelope(value), picker.mayMatch(envelope) else { return true }
            let recorded = try RecordedEvent(stored: value, sequence: sequence)
            guard let event = try? recorded.decoded() else { return true }
            // Earlier events still teach the picker which grades and logins are the target's.
            if picker.matches(recorded, event), sequence >= from { matched.append(recorded) }
            return true
        }
        var folded: [String: [UInt64: (changes: [FieldChange], what: String)]] = [:]
        return try matched.map { recorded in
            if folded[recorded.stream] == nil { folded[recorded.stream] = try fold(stream: recorded.stream) }
            let (changes, what) = folded[recorded.stream]?[recorded.sequence] ?? ([], recorded.stream)
            let event = try? recorded.decoded()
            return HistoryEntry(
                sequence: recorded.sequence, recordedAt: recorded.recordedAt.iso, effectiveDate: recorded.effectiveDate.iso,
                actor: .init(user: recorded.actor.userID, role: recorded.actor.role), type: recorded.type,
                stream: recorded.stream, what: what, changes: changes.filter(picker.concerns),
                reason: event.map(StreamFold.reason) ?? "")
        }
    }

    /// The changes each event of `stream` made, by sequence.
    private func fold(stream: String) throws -> [UInt64: (changes: [FieldChange], what: String)] {
        var state: [String: String] = [:]
        var what = stream
        var out: [UInt64: (changes: [FieldChange], what: String)] = [:]
        for recorded in try log.stream(stream) where recorded.sequence <= through {
            guard let event = try? recorded.decoded() else { continue }
            if case .gradeRecorded(let m) = event { what = "оценка \(m.gradeID): \(m.studentID), урок \(m.lessonID)" }
            out[recorded.sequence] = (StreamFold.apply(event, to: &state), what)
        }
        return out
    }
}

/// Decides which events touched the target, learning along the scan which
/// grades, logins and lessons are the target's.
private struct Picker {
    let target: HistoryTarget
    var grades = Set<String>()
    var logins = Set<String>()
    /// For a student: lessons with their mark or grade (a voiding touches them).
    var lessons = Set<String>()
    /// For a student: lessons where a roll listed them.
    var marked = Set<String>()
    let ownStreams: [String]
    let ownPrefixes: [[UInt8]]
    let watched: [[UInt8]]
    let person: String

    init(target: HistoryTarget) {
        self.target = target
        switch target {
        case .student(let id):
            person = id
            ownStreams = [Streams.student(id), Streams.consent(id), Streams.diary(id)]
            ownPrefixes = [Array("final/\(id)/".utf8)]
            watched = ["grade/", "lesson/", "group/", "guardian/", "login/"].map { Array($0.utf8) }
        case .teacher(let id):
            person = id
            ownStreams = [Streams.staff(id), Streams.consent(id)]
            ownPrefixes = []
            watched = ["lesson/", "class/", "year/", "login/"].map { Array($0.utf8) }
        case .lesson(let id):
            person = ""
            ownStreams = [Streams.lesson(id)]
            ownPrefixes = []
            watched = [Wire.gradePrefix]
        case .editor(let id):
            person = id
            ownStreams = []
            ownPrefixes = []
            watched = []
        }
    }

    /// Cheap, on the envelope only: false when the event cannot be the target's.
    func mayMatch(_ e: StoredEnvelope) -> Bool {
        if case .editor = target { return e.user.equals(Array(person.utf8)) }
        if ownPrefixes.contains(where: e.stream.hasPrefix) || watched.contains(where: e.stream.hasPrefix) { return true }
        return ownStreams.contains { e.stream.equals(Array($0.utf8)) }
    }

    mutating func matches(_ r: RecordedEvent, _ event: DomainEvent) -> Bool {
        if case .editor = target { return true }
        if ownStreams.contains(r.stream) || ownPrefixes.contains(where: { r.stream.utf8.starts(with: $0) }) { return true }
        if r.stream.hasPrefix("grade/") {
            if case .gradeRecorded(let m) = event, recordsGrade(m) {
                grades.insert(m.gradeID)
                lessons.insert(m.lessonID)
            }
            return grades.contains(String(r.stream.dropFirst(6)))
        }
        if r.stream.hasPrefix("login/") {
            if case .loginIssued(let m) = event, m.personID == person { logins.insert(m.login) }
            return logins.contains(String(r.stream.dropFirst(6)))
        }
        switch (target, event) {
        case (.student(let s), .attendanceTaken(let m)):
            if m.marks.contains(where: { $0.studentID == s }) {
                lessons.insert(m.lessonID)
                marked.insert(m.lessonID)
                return true
            }
            return marked.remove(m.lessonID) != nil  // marked before, present now
        case (.student(let s), .attendanceCorrected(let m)):
            if m.studentID == s {
                lessons.insert(m.lessonID)
                if !m.code.isEmpty { marked.insert(m.lessonID) } else { marked.remove(m.lessonID) }
            }
            return m.studentID == s
        case (.student, .lessonVoided(let m)): return lessons.contains(m.lessonID)
        case (.student(let s), .studentAddedToGroup(let m)): return m.studentID == s
        case (.student(let s), .studentRemovedFromGroup(let m)): return m.studentID == s
        case (.student(let s), .guardianLinked(let m)): return m.studentID == s
        case (.student(let s), .guardianUnlinked(let m)): return m.studentID == s
        case (.student(let s), .parentApplicationRegistered(let m)): return m.studentID == s
        case (.teacher(let t), .lessonHeld(let m)): return m.teacherID == t || m.replacedTeacherID == t
        case (.teacher(let t), .classCreated(let m)): return m.classTeacherID == t
        case (.teacher(let t), .classTeacherAssigned(let m)): return m.staffID == t
        case (.teacher(let t), .timetableEntryAdded(let m)): return m.teacherID == t
        default: return false
        }
    }

    private func recordsGrade(_ m: GradeRecorded) -> Bool {
        switch target {
        case .student(let s): m.studentID == s
        case .lesson(let l): m.lessonID == l
        default: false
        }
    }

    /// For a student, only the fields about them (their mark, not the class's roll).
    func concerns(_ change: FieldChange) -> Bool {
        guard case .student(let s) = target else { return true }
        for prefix in [StreamFold.attendancePrefix, "группа: ", "представитель: ", "заявление: "] where change.field.hasPrefix(prefix) {
            return change.field == prefix + s
        }
        return change.field != "перекличка"
    }
}
