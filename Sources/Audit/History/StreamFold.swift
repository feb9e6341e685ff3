import Catalog
import EventLog
import Foundation

/// One field of a record before and after an event, in Russian as people read
/// it («оценка»: «4 (test)» → «5 (test)»).
public struct FieldChange: Codable, Sendable, Equatable {
    public var field: String
    public var before: String
    public var after: String
}

/// What each event changes in the record its stream stands for: the events of
/// one stream folded in order into named fields. Before → after comes from the
/// log alone: the fields as the stream's earlier events left them.
enum StreamFold {
    /// Applies `event` to `state` (the record's fields) and returns what changed.
    static func apply(_ event: DomainEvent, to state: inout [String: String]) -> [FieldChange] {
        var changes: [FieldChange] = []
        func set(_ field: String, _ value: String) {
            let before = state[field] ?? ""
            if before != value || before.isEmpty {
                changes.append(FieldChange(field: field, before: before, after: value))
            }
            state[field] = value
        }
        switch event {
        case .lessonHeld(let m):
            set("урок", "проведён: \(m.subjectID), \(m.teacherID)\(m.substitute ? " (замена \(m.replacedTeacherID))" : "")")
            if !m.topic.isEmpty { set("тема", m.topic) }
        case .lessonTopicRecorded(let m): set("тема", m.topic)
        case .homeworkAssigned(let m): set("домашнее задание", m.text + (m.dueOn.isEmpty ? "" : " (к \(m.dueOn))"))
        case .attendanceTaken(let m):
            let now = Dictionary(m.marks.map { ($0.studentID, $0.code) }, uniquingKeysWith: { a, _ in a })
            let before = state.keys.filter { $0.hasPrefix(attendancePrefix) }.map { String($0.dropFirst(attendancePrefix.count)) }
            if state["перекличка"] == nil { set("перекличка", "проведена") }
            for student in Set(before).union(now.keys).sorted() {
                let value = now[student] ?? present
                if state[attendancePrefix + student] != value { set(attendancePrefix + student, value) }
            }
        case .attendanceCorrected(let m): set(attendancePrefix + m.studentID, m.code.isEmpty ? present : m.code)
        case .lessonVoided: set("урок", "аннулирован")
        case .gradeRecorded(let m):
            state["_value"] = m.value
            state["_work"] = m.workTypeID
            set("оценка", describe(m.value, m.workTypeID))
        case .gradeCorrected(let m):
            if !m.value.isEmpty { state["_value"] = m.value }
            if !m.workTypeID.isEmpty { state["_work"] = m.workTypeID }
            set("оценка", describe(state["_value"] ?? "", state["_work"] ?? ""))
        case .gradeVoided: set("оценка", "аннулирована")
        case .finalGradeSet(let m): set("итоговая", m.value)
        case .finalGradeCorrected(let m): set("итоговая", m.value)
        case .consentGiven(let m): set("согласие", "дано" + (m.documentRef.isEmpty ? "" : " (\(m.documentRef))"))
        case .consentRefused: set("согласие", "отказ")
        case .consentWithdrawn: set("согласие", "отозвано")
        case .loginIssued(let m): set("вход", "выдан: \(m.login)")
        case .loginActivated: set("вход", "активирован")
        case .loginBlocked: set("вход", "заблокирован")
        case .loginUnblocked: set("вход", "разблокирован")
        case .passwordReset: set("пароль", "сброшен")
        case .passwordChanged: set("пароль", "изменён")
        case .periodClosed: set("период", "закрыт")
        case .periodReopened: set("период", "открыт")
        case .studentEnrolled(let m): set("класс", m.classID)
        case .studentArrived(let m): set("класс", m.classID)
        case .studentMoved(let m): set("класс", m.toClassID)
        case .studentPromoted(let m): set("класс", m.toClassID)
        case .studentGraduated: set("класс", "выпущен")
        case .studentLeft(let m): set("класс", "выбыл" + (m.destination.isEmpty ? "" : " (\(m.destination))"))
        case .studentAddedToGroup(let m): set("группа: \(m.studentID)", "в группе с \(m.on)")
        case .studentRemovedFromGroup(let m): set("группа: \(m.studentID)", "не в группе с \(m.on)")
        case .guardianLinked(let m): set("представитель: \(m.studentID)", "связан")
        case .guardianUnlinked(let m): set("представитель: \(m.studentID)", "связь снята")
        case .parentApplicationRegistered(let m): set("заявление: \(m.studentID)", "зарегистрировано")
        case .staffHired(let m): set("работа", "принят: \(m.position)")
        case .staffLeft: set("работа", "уволен")
        case .roleGranted(let m): set("роль \(Role(m.role)?.rawValue ?? "?")\(m.classID.isEmpty ? "" : " \(m.classID)")", "выдана")
        case .roleRevoked(let m): set("роль \(Role(m.role)?.rawValue ?? "?")\(m.classID.isEmpty ? "" : " \(m.classID)")", "снята")
        case .classTeacherAssigned(let m): set("классный руководитель", m.staffID)
        case .diaryWeekAcknowledged(let m): set("неделя \(m.weekStart)", "просмотрена: \(m.guardianID)")
        default: break
        }
        return changes.filter { !$0.field.hasPrefix("_") }
    }

    static let attendancePrefix = "посещаемость: "
    static let present = "присутствовал"

    static func describe(_ value: String, _ workType: String) -> String {
        workType.isEmpty ? value : "\(value) (\(workType))"
    }

    /// The reason the event gives, if it has one.
    static func reason(_ event: DomainEvent) -> String {
        switch event {
        case .lessonTopicRecorded(let m): m.reason
        case .attendanceCorrected(let m): m.reason
        case .lessonVoided(let m): m.reason
        case .gradeCorrected(let m): m.reason
        case .gradeVoided(let m): m.reason
        case .finalGradeCorrected(let m): m.reason
        case .periodReopened(let m): m.reason
        case .studentMoved(let m): m.reason
        case .studentLeft(let m): m.reason
        case .loginBlocked(let m): m.reason
        case .loginUnblocked(let m): m.reason
        case .consentWithdrawn(let m): m.reason
        case .guardianUnlinked(let m): m.reason
        case .staffLeft(let m): m.reason
        default: ""
        }
    }
}
