import Catalog
import EventLog
import Foundation
import Projections

/// What the anomaly scan remembers of the school as it reads the log in order:
/// only the facts the checks need, taken from the events themselves (never from
/// the rules' state, so that a log written without the rules is judged the same).
struct SchoolFacts {
    struct Lesson {
        var day: Day
        var classID: String
        var slot: Int32
        var topic = false
        var roll = false
        var homework = false
    }

    struct Period {
        var id: String, name: String
        var starts: Day, ends: Day
        var grades: Set<Int32>
    }

    var editWindowDays = 7
    /// slot → the minute of the day the lesson ends (the latest bell schedule).
    var bellEnds: [Int32: Int] = [:]
    var classGrades: [String: Int32] = [:]
    var groupClasses: [String: String] = [:]
    var periods: [Period] = []
    /// Closed periods → the sequence and recorded-at of the closing.
    var closed: [String: (sequence: UInt64, at: Timestamp)] = [:]
    var years: [Int32: (starts: Day, ends: Day)] = [:]
    var closedYears: [Int32: UInt64] = [:]
    var lessons: [String: Lesson] = [:]
    /// (class, day) → the last slot of the class's lessons that day.
    var lastSlot: [String: Int32] = [:]
    var gradeLessons: [String: String] = [:]
    var loginPerson: [String: String] = [:]
    var personLogins: [String: Set<String>] = [:]
    var blockedLogins: Set<String> = []
    /// People all of whose logins are blocked → since when (sequence, recorded-at).
    var blockedPeople: [String: (sequence: UInt64, at: Timestamp)] = [:]
    /// Person → whether a consent is in force (the latest consent event decides).
    var consents: [String: Bool] = [:]

    func classOf(unit: String) -> String { groupClasses[unit] ?? unit }

    /// The lesson of an id, from its LessonHeld or, before that, from the id itself.
    func lesson(_ lessonID: String) -> Lesson? {
        if let known = lessons[lessonID] { return known }
        guard let ref = LessonRef(lessonID: lessonID) else { return nil }
        return Lesson(day: ref.day, classID: classOf(unit: ref.unit), slot: ref.slot)
    }

    /// The reporting period a day of a class falls in.
    func period(on day: Day, classID: String) -> Period? {
        let grade = classGrades[classID] ?? 0
        return periods.first { $0.starts <= day && day <= $0.ends && ($0.grades.isEmpty || $0.grades.contains(grade)) }
    }

    /// Why an entry about `day` of `classID` falls in a closed period or year, if it does.
    func closedReason(day: Day, classID: String) -> (String, UInt64)? {
        if let period = period(on: day, classID: classID), let closing = closed[period.id] {
            return ("«\(period.name)» (\(period.id)), закрытый \(closing.at.russian()) (#\(closing.sequence))", closing.sequence)
        }
        if let (year, _) = years.first(where: { $0.value.starts <= day && day <= $0.value.ends }),
           let closing = closedYears[year] {
            return ("\(year)/\(year + 1) учебный год, закрытый (#\(closing))", closing)
        }
        return nil
    }

    mutating func learn(_ event: DomainEvent, sequence: UInt64, at: Timestamp) {
        switch event {
        case .schoolRegistered(let m):
            if m.editWindowDays > 0 { editWindowDays = Int(m.editWindowDays) }
        case .bellScheduleDefined(let m):
            var ends: [Int32: Int] = [:]
            for bell in m.bells {
                let parts = bell.endsAt.split(separator: ":").compactMap { Int($0) }
                if parts.count == 2 { ends[bell.slot] = parts[0] * 60 + parts[1] }
            }
            bellEnds = ends
        case .classCreated(let m): classGrades[m.classID] = m.grade
        case .groupCreated(let m): groupClasses[m.groupID] = m.classID
        case .academicYearDefined(let m):
            if let s = CivilDate(iso: m.startsOn), let e = CivilDate(iso: m.endsOn) {
                years[m.year] = (s.daysSinceEpoch, e.daysSinceEpoch)
            }
        case .reportingPeriodsDefined(let m):
            for p in m.periods {
                guard let s = CivilDate(iso: p.startsOn), let e = CivilDate(iso: p.endsOn) else { continue }
                periods.removeAll { $0.id == p.periodID }
                periods.append(Period(id: p.periodID, name: p.name, starts: s.daysSinceEpoch, ends: e.daysSinceEpoch,
                                      grades: Set(m.grades)))
            }
        case .periodClosed(let m): closed[m.periodID] = (sequence, at)
        case .periodReopened(let m): closed[m.periodID] = nil
        case .yearClosed(let m): closedYears[m.year] = sequence
        case .lessonHeld(let m):
            let ref = LessonRef(lessonID: m.lessonID)
            let classID = m.classID.isEmpty ? classOf(unit: m.unitID) : m.classID
            var lesson = lessons[m.lessonID]
                ?? Lesson(day: ref?.day ?? Day.parse(m.date) ?? 0, classID: classID, slot: m.slot)
            lesson.classID = classID
            if !m.topic.isEmpty { lesson.topic = true }
            lessons[m.lessonID] = lesson
            let key = "\(classID)/\(lesson.day)"
            lastSlot[key] = max(lastSlot[key] ?? 0, m.slot)
        case .loginIssued(let m):
            loginPerson[m.login] = m.personID
            personLogins[m.personID, default: []].insert(m.login)
            updateBlocked(m.personID, sequence: sequence, at: at)
        case .loginBlocked(let m):
            blockedLogins.insert(m.login)
            if let person = loginPerson[m.login] { updateBlocked(person, sequence: sequence, at: at) }
        case .loginUnblocked(let m):
            blockedLogins.remove(m.login)
            if let person = loginPerson[m.login] { updateBlocked(person, sequence: sequence, at: at) }
        case .consentGiven(let m): consents[m.personID] = true
        case .consentRefused(let m): consents[m.personID] = false
        case .consentWithdrawn(let m): consents[m.personID] = false
        default: break
        }
    }

    private mutating func updateBlocked(_ person: String, sequence: UInt64, at: Timestamp) {
        let logins = personLogins[person] ?? []
        let all = !logins.isEmpty && logins.allSatisfy(blockedLogins.contains)
        if all, blockedPeople[person] == nil {
            blockedPeople[person] = (sequence, at)
        } else if !all {
            blockedPeople[person] = nil
        }
    }
}
