import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records
import SchoolService

/// The school's reports (the same views and JSON as the command line), closing
/// and reopening reporting periods, and the second-factor policy: for the
/// administration, the coordinators and (reading only) auditors.
struct SchoolController {
    let configuration: ServerConfiguration

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group
            .get("/reports/rollout", use: rollout)
            .get("/reports/academic", use: academic)
            .get("/reports/contingent", use: contingent)
            .get("/reports/activity", use: activity)
            .post("/periods/{period}/close", use: close)
            .post("/periods/{period}/reopen", use: reopen)
            .post("/second-factor/policy", use: secondFactorPolicy)
    }

    func rollout(_ request: Request, context: SignedInContext) async throws -> Response {
        try requireSchoolReader(context)
        let day = try date(request, "date") ?? today
        return rawJSON(try await context.person.school.viewJSON("rollout|\(day.iso)") { source in
            try SchoolReports.rollout(source, on: day.daysSinceEpoch)
        })
    }

    func academic(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let classID = try required(request, "class")
        guard person.school.recorder.withState({ $0.mayRead(class: classID, by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        let period = try query(request, "period")
        let subject = try query(request, "subject")
        let day = today
        return rawJSON(try await person.school.viewJSON("academic|\(classID)|\(period ?? "")|\(subject ?? "")|\(day.iso)") {
            try AcademicReport.query($0, class: classID, period: period, subject: subject, today: day.daysSinceEpoch)
        })
    }

    func contingent(_ request: Request, context: SignedInContext) async throws -> Response {
        try requireSchoolReader(context)
        let day = try date(request, "date") ?? today
        let from = try date(request, "from"), to = try date(request, "to")
        guard (from == nil) == (to == nil) else { throw APIError.invalid("Укажите и from, и to, или ни одного.") }
        let key = "contingent|\(day.iso)|\(from?.iso ?? "")|\(to?.iso ?? "")"
        return rawJSON(try await context.person.school.viewJSON(key) {
            try ContingentReport.query($0, date: day.daysSinceEpoch, from: from?.daysSinceEpoch, to: to?.daysSinceEpoch)
        })
    }

    func activity(_ request: Request, context: SignedInContext) async throws -> Response {
        try requireSchoolReader(context)
        let to = try date(request, "to") ?? today
        let from = try date(request, "from") ?? to.adding(days: -6)
        return rawJSON(try await context.person.school.viewJSON("activity|\(from.iso)|\(to.iso)") {
            try ActivityReport.query($0, from: from.daysSinceEpoch, to: to.daysSinceEpoch)
        })
    }

    struct ReasonRequest: Decodable {
        var reason: String?
    }

    func close(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changePeriod(request, context: context, close: true)
    }

    func reopen(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changePeriod(request, context: context, close: false)
    }

    private func changePeriod(_ request: Request, context: SignedInContext, close: Bool) async throws -> Response {
        try requireSchoolReader(context)
        let body = try await decodeBody(ReasonRequest.self, request, context)
        let period = try pathParameter(context, "period")
        let person = context.person
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.administration, .coordinator]) }
        let result = try await person.school.record([ChangePeriodState(periodID: period, close: close, reason: body.reason ?? "", on: today)],
                                                    as: actor)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    struct PolicyRequest: Decodable {
        var roles: [String]
    }

    func secondFactorPolicy(_ request: Request, context: SignedInContext) async throws -> Response {
        try requireSchoolReader(context)
        let body = try await decodeBody(PolicyRequest.self, request, context)
        var roles: Set<Role> = []
        for name in body.roles {
            guard let role = Role(rawValue: name) else { throw APIError.invalid("Нет роли «\(name)».") }
            roles.insert(role)
        }
        let person = context.person
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.administration, .coordinator]) }
        let result = try await person.school.record([RequireSecondFactor(roles: roles, on: today)], as: actor)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// The school's reports are the administration's, coordinators' and auditors'.
    private func requireSchoolReader(_ context: SignedInContext) throws {
        let person = context.person
        guard person.school.recorder.withState({ $0.mayReadSchool(by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not read the school's reports")
        }
    }

    private func date(_ request: Request, _ name: String) throws -> CivilDate? {
        try query(request, name).map { try parseDate($0, field: name) }
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }
}
