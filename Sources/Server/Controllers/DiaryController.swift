import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records

/// What parents and students read every evening: the diary week, its
/// acknowledgement, and the period's averages and finals. A parent reaches only
/// the children linked to them with consent in force; a student only themself;
/// anyone else's child is answered exactly as a child that does not exist.
struct DiaryController {
    let configuration: ServerConfiguration

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group
            .get("/children", use: children)
            .get("/students/{student}/diary", use: diary)
            .post("/students/{student}/diary/acknowledgement", use: acknowledge)
            .get("/students/{student}/finals", use: finals)
        // A mark's history and receipt (`MarkController`): whoever may read the mark.
        let marks = MarkController(configuration: configuration)
        group
            .get("/grades/{grade}/history", use: marks.history)
            .get("/grades/{grade}/receipt", use: marks.receipt)
    }

    func children(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        return try json(["children": describe(person.personID, in: person.school, on: today).children ?? []])
    }

    func diary(_ request: Request, context: SignedInContext) async throws -> Response {
        let studentID = try visibleStudent(context)
        let week = try query(request, "week").map { try parseDate($0, field: "week") } ?? today
        return rawJSON(try await diaryJSON(student: studentID, week: week, person: context.person))
    }

    /// The diary week's JSON (the view's, cached until a row it read changes) of a
    /// student already found visible: what the API answers and the diary page shows.
    func diaryJSON(student studentID: String, week: CivilDate, person: Person) async throws -> Data {
        try await person.school.viewJSON("diary|\(studentID)|\(week.iso)") {
            try DiaryWeek.query($0, student: studentID, week: week.daysSinceEpoch)
        }
    }

    struct AcknowledgementRequest: Decodable {
        /// Any day of the week.
        var week: String
    }

    func acknowledge(_ request: Request, context: SignedInContext) async throws -> Response {
        let studentID = try visibleStudent(context)
        let body = try await decodeBody(AcknowledgementRequest.self, request, context)
        let result = try await acknowledgeWeek(student: studentID, week: try parseDate(body.week, field: "week"), person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// The parent's «ознакомлен» for the week of `day`, of a student already
    /// found visible (`visibleStudent`).
    func acknowledgeWeek(student studentID: String, week day: CivilDate, person: Person) async throws -> AppendResult {
        let monday = day.adding(days: -(day.weekday - 1))
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.parent]) }
        return try await person.school.record([AcknowledgeWeek(studentID: studentID, weekStart: monday)], as: actor)
    }

    struct FinalsAnswer: Encodable {
        struct Line: Encodable {
            var subject: String
            var subjectName: String
            var unit: String
            var average: Double?
            var weightedAverage: Double?
            var final: String?
            var marks: Int
        }
        var student: String
        var name: String
        var period: ClassJournal.Period
        var subjects: [Line]
    }

    /// Each subject's average, weighted average and final of one period (the
    /// current one by default), from the class journals the student is in.
    func finals(_ request: Request, context: SignedInContext) async throws -> Response {
        let studentID = try visibleStudent(context)
        return try json(try await finalsAnswer(student: studentID, period: try query(request, "period"), person: context.person))
    }

    /// The finals of a student already found visible (`visibleStudent`): the API's and the page's.
    func finalsAnswer(student studentID: String, period periodParameter: String?, person: Person) async throws -> FinalsAnswer {
        let day = today
        let (units, name): ([(unit: String, subject: String, group: Bool)], String) = person.school.recorder.withState { state in
            guard let student = state.students[studentID] else { return ([], studentID) }
            let classID = student.classID(on: day) ?? student.placements.last?.classID
            var units: Set<String> = Set(classID.map { [$0] } ?? [])
            for group in state.groups.values where group.members[studentID] != nil { units.insert(group.id) }
            let pairs = Set(state.timetable.values.filter { units.contains($0.unitID) }.map { "\($0.unitID)|\($0.subjectID)" })
            return (pairs.sorted().map { pair in
                let parts = pair.split(separator: "|").map(String.init)
                return (parts[0], parts[1], state.groups[parts[0]] != nil)
            }, student.name.full)
        }
        let answer = try await person.school.read { source -> FinalsAnswer? in
            var lines: [FinalsAnswer.Line] = []
            var period: ClassJournal.Period?
            for (unit, subject, isGroup) in units {
                let journal = try ClassJournal.query(source, class: isGroup ? nil : unit, group: isGroup ? unit : nil, subject: subject,
                                                     period: periodParameter, today: day.daysSinceEpoch)
                period = period ?? journal.period
                guard let row = journal.students.first(where: { $0.id == studentID }) else { continue }
                lines.append(.init(subject: subject, subjectName: journal.subject.name, unit: unit, average: row.average,
                                   weightedAverage: row.weightedAverage, final: row.final,
                                   marks: row.cells.reduce(0) { $0 + $1.marks.count }))
            }
            return period.map { FinalsAnswer(student: studentID, name: name, period: $0, subjects: lines.sorted { $0.subjectName < $1.subjectName }) }
        }
        guard let answer else { throw APIError.notFound }
        return answer
    }

    /// The student of the route, if the person may read them; else 404.
    private func visibleStudent(_ context: SignedInContext) throws -> String {
        try visibleStudent(try pathParameter(context, "student"), person: context.person)
    }

    /// `studentID`, if the person may read them; else 404, as for one who does not exist.
    func visibleStudent(_ studentID: String, person: Person) throws -> String {
        guard person.school.recorder.withState({ $0.mayRead(student: studentID, by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not see the student \(studentID)")
        }
        return studentID
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }
}
