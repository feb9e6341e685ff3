import Catalog
import EventLog
import Foundation
import Projections

/// Finds what breaks the rules, or bends them, in a school's log: one pass over
/// the log from its first event (the facts each check needs are learned along
/// the way), reporting the findings about events `from` … `through`.
public struct AnomalyScanner {
    public let log: EventLog
    public var thresholds: AnomalyThresholds

    public init(log: EventLog, thresholds: AnomalyThresholds = AnomalyThresholds()) {
        self.log = log
        self.thresholds = thresholds
    }

    /// Journal entries that are first entries: an effective date far before the
    /// recording of one of these is backdating (a correction is about an old
    /// lesson by nature, so corrections are not).
    static let firstEntries: Set<String> = [
        "LessonHeld", "LessonTopicRecorded", "HomeworkAssigned", "AttendanceTaken", "GradeRecorded", "FinalGradeSet",
        "ConsentGiven", "ConsentWithdrawn", "ParentApplicationRegistered",
    ]
    static let gradeChanges: Set<String> = ["GradeCorrected", "GradeVoided", "FinalGradeCorrected"]
    /// What is taken at a lesson, dated by the lesson's day: none of it can be
    /// known before that day (homework, set ahead for a later lesson, can).
    static let takenAtLesson: Set<String> = ["LessonHeld", "LessonTopicRecorded", "AttendanceTaken", "GradeRecorded"]

    public func run(from: UInt64 = 1, through: UInt64? = nil) throws -> AnomalyReport {
        let last = min(through ?? .max, try log.head())
        var scan = Scan(thresholds: thresholds, from: from, through: last)
        try log.scanStored(from: 1, through: last) { sequence, value in
            guard let envelope = StoredEnvelope(value) else { return true }
            try scan.visit(sequence, envelope, value)
            return true
        }
        scan.finish()
        let findings = scan.findings.sorted { ($0.sequences.first ?? 0, $0.kind.rawValue) < ($1.sequences.first ?? 0, $1.kind.rawValue) }
        var counts = Dictionary(uniqueKeysWithValues: AnomalyKind.allCases.map { ($0.rawValue, 0) })
        for finding in findings { counts[finding.kind.rawValue, default: 0] += 1 }
        var used = thresholds
        used.editWindowDays = thresholds.editWindowDays ?? scan.facts.editWindowDays
        return AnomalyReport(school: log.school, from: from, through: last, thresholds: used, counts: counts, findings: findings)
    }
}

/// The state of one anomaly scan.
private struct Scan {
    let t: AnomalyThresholds
    let from: UInt64
    let through: UInt64
    var facts = SchoolFacts()
    var findings: [Finding] = []
    var homework: [(sequence: UInt64, lessonID: String, at: Timestamp, actor: String)] = []
    var gradeChanges: [String: [(at: Int64, sequence: UInt64)]] = [:]
    var backups: [(quarter: CalendarQuarter, sequence: UInt64)] = []
    /// Reopened periods → the reopening and the changes made since.
    var reopened: [String: (finding: Int, changes: [UInt64])] = [:]
    /// (blocked user, local day) → their finding, so a day's events make one finding.
    var blockedFindings: [String: Int] = [:]
    var firstRecorded: Timestamp?
    /// Recorded-at of event `from`: quarters that ended before it are not reported.
    var rangeStart: Timestamp?
    var lastRecorded = Timestamp(microseconds: 0)

    init(thresholds: AnomalyThresholds, from: UInt64, through: UInt64) {
        t = thresholds
        self.from = from
        self.through = through
    }

    var editWindow: Int { t.editWindowDays ?? facts.editWindowDays }

    func localDay(_ at: Timestamp) -> Day { at.local(hours: t.utcOffsetHours).date.daysSinceEpoch }

    mutating func report(_ kind: AnomalyKind, _ sequences: [UInt64], at: Timestamp, actor: String?, record: String, _ text: String) {
        guard sequences.contains(where: { $0 >= from && $0 <= through }) else { return }
        findings.append(Finding(kind: kind, sequences: sequences, at: at.iso, actor: actor, record: record, explanation: text))
    }

    mutating func visit(_ sequence: UInt64, _ e: StoredEnvelope, _ stored: UnsafeRawBufferPointer) throws {
        let at = e.recordedAt
        let type = e.typeName
        let user = e.userID
        if firstRecorded == nil { firstRecorded = at }
        if sequence == from { rangeStart = at }
        lastRecorded = max(lastRecorded, at)
        let recordedDay = localDay(at)

        if let since = facts.blockedPeople[user] {
            let key = "\(user)/\(recordedDay)"
            if let index = blockedFindings[key], sequence <= through {
                findings[index].sequences.append(sequence)
            } else if sequence >= from && sequence <= through {
                blockedFindings[key] = findings.count
                report(.blockedUserChange, [sequence], at: at, actor: user, record: user,
                       "\(user) записал(а) \(type), хотя все логины этого пользователя заблокированы с \(since.at.russian(hours: t.utcOffsetHours)) (#\(since.sequence))")
            }
        }
        if AnomalyScanner.firstEntries.contains(type) {
            let late = Int(recordedDay) - Int(e.effectiveDay)
            if late > t.backdatingDays {
                report(.backdated, [sequence], at: at, actor: user, record: e.streamName,
                       "\(type) с датой \(e.effectiveDay.civil.russian) записано \(at.russian(hours: t.utcOffsetHours)) — на \(late) дн. позже (порог \(t.backdatingDays))")
            }
        }

        if AnomalyScanner.takenAtLesson.contains(type), Int(e.effectiveDay) > Int(recordedDay) {
            let ahead = Int(e.effectiveDay) - Int(recordedDay)
            report(.aheadOfItsDay, [sequence], at: at, actor: user, record: e.streamName,
                   "\(type) с датой \(e.effectiveDay.civil.russian) записано \(at.russian(hours: t.utcOffsetHours)) — на \(ahead) дн. раньше дня урока")
        }

        let stream = e.streamName
        if stream.hasPrefix("grade/") {
            try grade(sequence, e, String(stream.dropFirst(6)), type: type, at: at, user: user)
            return
        }
        if stream.hasPrefix("lesson/") {
            try lessonEntry(sequence, e, String(stream.dropFirst(7)), type: type, at: at, user: user, stored: stored)
            return
        }
        // The few events left that the checks need are small: decode them.
        guard type != "SignedIn", let event = try? RecordedEvent(stored: stored, sequence: sequence).decoded() else { return }
        switch event {
        case .finalGradeSet(let m):
            closedFinal(sequence, period: m.periodID, record: "итоговая \(m.studentID) \(m.subjectID) \(m.periodID)", at: at, user: user)
        case .finalGradeCorrected(let m):
            closedFinal(sequence, period: m.periodID, record: "итоговая \(m.studentID) \(m.subjectID) \(m.periodID)", at: at, user: user)
            gradeChanges[user, default: []].append((at.microseconds, sequence))
        case .periodReopened(let m):
            let name = facts.periods.first { $0.id == m.periodID }?.name ?? m.periodID
            reopened[m.periodID] = (findings.count, [])
            report(.periodReopened, [sequence], at: at, actor: user, record: m.periodID,
                   "«\(name)» (\(m.periodID)) открыт повторно \(at.russian(hours: t.utcOffsetHours)), \(user): «\(m.reason)»")
            if findings.last?.sequences.first != sequence { reopened[m.periodID] = nil }
        case .periodClosed(let m):
            closeReopened(m.periodID, closing: sequence)
        case .loginIssued(let m) where m.personKind == .student || m.personKind == .guardian:
            if facts.consents[m.personID] != true {
                let state = facts.consents[m.personID] == false ? "согласие отозвано или получен отказ" : "согласие на обработку ПДн не записано"
                report(.loginWithoutConsent, [sequence], at: at, actor: user, record: m.personID,
                       "логин \(m.login) выдан \(m.personID) (\(m.personKind == .student ? "ученик" : "родитель")) \(at.russian(hours: t.utcOffsetHours)), а \(state)")
            }
        case .backupMade:
            backups.append((CalendarQuarter(at.local(hours: t.utcOffsetHours).date), sequence))
        default:
            break
        }
        facts.learn(event, sequence: sequence, at: at)
    }

    mutating func grade(_ sequence: UInt64, _ e: StoredEnvelope, _ gradeID: String, type: String, at: Timestamp, user: String) throws {
        if type == "GradeRecorded" {
            guard let lessonID = ProtoPeek.string(field: 2, in: e.payload) else { return }
            facts.gradeLessons[gradeID] = lessonID
            closedLesson(sequence, lessonID, what: "оценка \(gradeID)", at: at, user: user)
            return
        }
        guard AnomalyScanner.gradeChanges.contains(type), let lessonID = facts.gradeLessons[gradeID],
              let lesson = facts.lesson(lessonID) else { return }
        gradeChanges[user, default: []].append((at.microseconds, sequence))
        closedLesson(sequence, lessonID, what: "исправление оценки \(gradeID)", at: at, user: user)
        let days = Int(localDay(at)) - Int(lesson.day)
        if days > editWindow {
            report(.afterEditWindow, [sequence], at: at, actor: user, record: gradeID,
                   "оценка \(gradeID) (урок \(lesson.day.civil.russian)) \(type == "GradeVoided" ? "аннулирована" : "исправлена") \(at.russian(hours: t.utcOffsetHours)) — через \(days) дн., окно исправлений \(editWindow) дн.; роль: \(String(decoding: e.role, as: UTF8.self))")
        }
    }

    mutating func lessonEntry(
        _ sequence: UInt64, _ e: StoredEnvelope, _ lessonID: String, type: String, at: Timestamp, user: String,
        stored: UnsafeRawBufferPointer
    ) throws {
        var topicEntered = false
        if type == "LessonHeld" || type == "LessonTopicRecorded",
           let event = try? RecordedEvent(stored: stored, sequence: sequence).decoded() {
            if case .lessonHeld(let m) = event { topicEntered = !m.topic.isEmpty }
            if case .lessonTopicRecorded(let m) = event { topicEntered = !m.topic.isEmpty }
            facts.learn(event, sequence: sequence, at: at)
        }
        closedLesson(sequence, lessonID, what: type, at: at, user: user)
        guard var lesson = facts.lesson(lessonID) else { return }
        let late = localDay(at) > lesson.day
        let when = "урок \(lesson.day.civil.russian)"
        if topicEntered && (type == "LessonHeld" || !lesson.topic) {
            if late {
                report(.lateLessonEntry, [sequence], at: at, actor: user, record: lessonID,
                       "тема урока \(lessonID) (\(when)) внесена \(at.russian(hours: t.utcOffsetHours))")
            }
            lesson.topic = true
        }
        if type == "AttendanceTaken" && !lesson.roll {
            if late {
                report(.lateLessonEntry, [sequence], at: at, actor: user, record: lessonID,
                       "посещаемость урока \(lessonID) (\(when)) внесена \(at.russian(hours: t.utcOffsetHours))")
            }
            lesson.roll = true
        }
        if type == "HomeworkAssigned" && !lesson.homework {
            homework.append((sequence, lessonID, at, user))
            lesson.homework = true
        }
        facts.lessons[lessonID] = lesson
    }

    /// An entry about a lesson whose day is in a closed period (or year).
    mutating func closedLesson(_ sequence: UInt64, _ lessonID: String, what: String, at: Timestamp, user: String) {
        guard let lesson = facts.lesson(lessonID) else { return }
        if let (reason, _) = facts.closedReason(day: lesson.day, classID: lesson.classID) {
            report(.closedPeriodChange, [sequence], at: at, actor: user, record: lessonID,
                   "\(what) к уроку \(lessonID) записано \(at.russian(hours: t.utcOffsetHours)), когда период был закрыт: \(reason)")
        } else if let period = facts.period(on: lesson.day, classID: lesson.classID), reopened[period.id] != nil {
            reopened[period.id]!.changes.append(sequence)
        }
    }

    mutating func closedFinal(_ sequence: UInt64, period periodID: String, record: String, at: Timestamp, user: String) {
        if let closing = facts.closed[periodID] {
            report(.closedPeriodChange, [sequence], at: at, actor: user, record: record,
                   "\(record) записана \(at.russian(hours: t.utcOffsetHours)), когда период был закрыт (#\(closing.sequence))")
        } else if reopened[periodID] != nil {
            reopened[periodID]!.changes.append(sequence)
        }
    }

    /// A reopened period closed again: its finding lists what changed meanwhile.
    mutating func closeReopened(_ periodID: String, closing: UInt64?) {
        guard let (index, changes) = reopened.removeValue(forKey: periodID) else { return }
        findings[index].sequences += changes + (closing.map { [$0] } ?? [])
        findings[index].explanation += closing == nil
            ? "; изменено записей: \(changes.count), период ещё открыт"
            : "; изменено записей: \(changes.count), снова закрыт (#\(closing!))"
    }

    mutating func finish() {
        for periodID in Array(reopened.keys) { closeReopened(periodID, closing: nil) }
        lateHomework()
        bursts()
        quarters()
    }

    mutating func lateHomework() {
        for h in homework {
            guard let lesson = facts.lessons[h.lessonID], let slot = facts.lastSlot["\(lesson.classID)/\(lesson.day)"],
                  let end = facts.bellEnds[slot] else { continue }
            let deadline = Timestamp(lesson.day.civil).adding(seconds: Int64((end + t.homeworkGraceMinutes) * 60 - t.utcOffsetHours * 3600))
            guard h.at > deadline else { continue }
            report(.lateHomework, [h.sequence], at: h.at, actor: h.actor, record: h.lessonID,
                   String(format: "домашнее задание к уроку %@ внесено %@, а последний урок класса в этот день (%d-й) закончился в %02d:%02d; допустимо до %@",
                          h.lessonID, h.at.russian(hours: t.utcOffsetHours), slot, end / 60, end % 60, deadline.russian(hours: t.utcOffsetHours)))
        }
    }

    /// Windows of `burstMinutes` holding more than `burstCount` grade changes by one editor.
    mutating func bursts() {
        let window = Int64(t.burstMinutes) * 60_000_000
        for (editor, changes) in gradeChanges.sorted(by: { $0.key < $1.key }) where changes.count > t.burstCount {
            var start = 0
            var burst: Range<Int>?
            func flush() {
                guard let b = burst else { return }
                let first = Timestamp(microseconds: changes[b.lowerBound].at), last = Timestamp(microseconds: changes[b.upperBound - 1].at)
                let minutes = max(1, Int((last.microseconds - first.microseconds + 59_999_999) / 60_000_000))
                report(.editBurst, changes[b].map(\.sequence), at: first, actor: editor, record: editor,
                       "\(editor) изменил(а) \(b.count) оценок за \(minutes) мин (\(first.russian(hours: t.utcOffsetHours))–\(last.russian(hours: t.utcOffsetHours))); порог: более \(t.burstCount) за \(t.burstMinutes) мин")
                burst = nil
            }
            for end in changes.indices {
                while changes[end].at - changes[start].at > window { start += 1 }
                guard end - start + 1 > t.burstCount else { continue }
                if let b = burst, start <= b.upperBound { burst = b.lowerBound..<(end + 1) } else { flush(); burst = start..<(end + 1) }
            }
            flush()
        }
    }

    /// Every whole calendar quarter from the log's first event to the end of the range needs a backup.
    mutating func quarters() {
        guard let firstRecorded else { return }
        let first = CalendarQuarter(firstRecorded.local(hours: t.utcOffsetHours).date)
        let end = lastRecorded.local(hours: t.utcOffsetHours).date
        let covered = Set(backups.map(\.quarter))
        let reportFrom = (rangeStart ?? firstRecorded).local(hours: t.utcOffsetHours).date
        var q = first
        while q.last < end {
            if !covered.contains(q), q.last >= reportFrom {
                let before = backups.last { $0.quarter < q }, after = backups.first { $0.quarter > q }
                let sequences = [before?.sequence, after?.sequence].compactMap { $0 }
                let at = Timestamp(q.first).adding(seconds: -Int64(t.utcOffsetHours) * 3600)
                let previous = before.map { "предыдущая — #\($0.sequence)" } ?? "раньше копий не было"
                // A quarter concerns the range when it overlaps it; its "events" are the neighbouring backups.
                findings.append(Finding(kind: .quarterWithoutBackup, sequences: sequences, at: at.iso, actor: nil, record: q.name,
                                        explanation: "за \(q.name) (\(q.first.russian)–\(q.last.russian)) резервная копия не записана; \(previous)"))
            }
            q = q.next
        }
    }
}
