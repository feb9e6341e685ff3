import ArgumentParser
import Catalog
import EventLog
import Foundation
import Logging
import Records
import SchoolService

/// The open school an entry command works on: the school, its recorder and
/// the actor resolved against the school's state.
struct EntrySession {
    let school: OpenSchool
    let recorder: Recorder
    let actor: Actor
    private static let logger = Logger(label: "letopis.entry")

    var log: EventLog { school.log }

    /// Opens the school; the caller closes it (`close()`).
    static func open(_ options: SchoolOptions, _ actor: ActorOptions, preferring roles: [Role]) async throws -> EntrySession {
        let school = try options.openSchool()
        do {
            let recorder = try school.recorder()
            let who = try recorder.withState { try actor.actor(state: $0, preferred: roles) }
            logger.debug("recording as \(who.userID) (\(who.role)) in \(school.log.path)")
            return EntrySession(school: school, recorder: recorder, actor: who)
        } catch {
            school.close()
            throw error
        }
    }

    var state: SchoolState { recorder.state }

    /// Records one command; a broken rule becomes exit status 2 with the rule named.
    @discardableResult
    func record(_ command: any Command) async throws -> AppendResult {
        try await record([command])
    }

    /// Records commands atomically: all, or none with every broken rule listed.
    @discardableResult
    func record(_ commands: [any Command]) async throws -> AppendResult {
        let result = try await refusalsAsFailures { try await school.record(commands, as: actor) }
        Self.logger.debug("recorded events #\(result.first)–#\(result.last)")
        return result
    }

    func close() { school.close() }
}

/// Runs `body`, turning a broken rule into exit status 2 with the rule named.
@discardableResult
func refusalsAsFailures<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let violation as RuleViolation {
        throw CommandFailure("отказано: \(violation)", exitCode: 2)
    } catch let rejected as BatchRejected {
        if rejected.failures.count == 1 { throw CommandFailure("отказано: \(rejected.failures[0].violation)", exitCode: 2) }
        throw CommandFailure("отказано: \(rejected)", exitCode: 2)
    }
}

/// The same for a check that is not recorded (a password's policy, say).
func refusalsAsFailures<R>(_ body: () throws(RuleViolation) -> R) throws -> R {
    do {
        return try body()
    } catch {
        throw CommandFailure("отказано: \(error)", exitCode: 2)
    }
}

/// Runs `body` on an open school, closing it afterwards.
func withSchool<R>(_ school: SchoolOptions, _ actor: ActorOptions, preferring roles: [Role],
                   _ body: (EntrySession) async throws -> R) async throws -> R {
    let session = try await EntrySession.open(school, actor, preferring: roles)
    defer { session.close() }
    let result = try await body(session)
    // Checkpoints due (a period closed, a backup recorded) and the audit index.
    reportAuditTrail(session.school)
    return result
}

/// The roles the commands prefer when --role is not given.
enum Prefer {
    static let register: [Role] = [.coordinator, .administration]
    static let journal: [Role] = [.teacher, .classTeacher, .administration]
    static let consent: [Role] = [.coordinator, .classTeacher, .administration]
    static let administration: [Role] = [.administration]
}

// MARK: - Reading arguments as school staff type them

/// A date: `дд.мм.гггг`, `YYYY-MM-DD`, or `today`.
struct EntryDate: ExpressibleByArgument, Sendable {
    var date: CivilDate

    init(_ date: CivilDate) { self.date = date }

    init?(argument: String) {
        if ["today", "сегодня"].contains(argument.lowercased()) {
            date = Timestamp.now().civilDate
        } else if let date = FieldParsing.date(argument) {
            self.date = date
        } else {
            return nil
        }
    }

    static var today: EntryDate { EntryDate(Timestamp.now().civilDate) }

    /// Defaults are always today; help says so rather than print the date.
    var defaultValueDescription: String { "today" }
}

extension SchoolState {
    func classID(_ text: String, on date: CivilDate) throws -> String {
        switch resolveClass(text, on: date) {
        case .success(let id): return id
        case .failure(let reason): throw CommandFailure(reason.text)
        }
    }

    /// A class (`5А`, `2024-5А`) and, with a group's name, that group of it.
    func unitID(class text: String, group: String?, on date: CivilDate) throws -> String {
        let classID = try classID(text, on: date)
        guard let group, !group.isEmpty else { return classID }
        if groups[group] != nil { return group }
        return "\(classID)/\(group)"
    }

    func studentID(_ text: String) throws -> String {
        switch resolveStudent(text) {
        case .success(let id): return id
        case .failure(let reason): throw CommandFailure(reason.text)
        }
    }

    func staffID(_ text: String) throws -> String {
        switch resolveStaff(text) {
        case .success(let id): return id
        case .failure(let reason): throw CommandFailure(reason.text)
        }
    }

    /// «S0012 Иванов П. С.», or the id alone for anyone not in the registers.
    func who(_ id: String) -> String {
        let name = students[id]?.name ?? guardians[id]?.name ?? staff[id]?.name
        return name.map { "\(id) \($0.short)" } ?? id
    }

    /// The academic year `date` falls in, or the latest defined.
    func yearOf(_ date: CivilDate) throws -> Int {
        if let year = year(containing: date)?.year { return year }
        if let latest = years.keys.max(), date > (years[latest]?.endsOn ?? date) || years.count == 1 { return latest }
        throw CommandFailure("no academic year holds \(date.russian); define it first (letopis year define)")
    }
}

/// A person's name from one argument: «Фамилия Имя Отчество».
func personName(_ text: String) throws -> PersonName {
    let name = FieldParsing.personName(text)
    guard !name.last.isEmpty, !name.first.isEmpty else {
        throw CommandFailure("give the full name as \"Фамилия Имя Отчество\", e.g. \"Иванова Мария Сергеевна\"")
    }
    return name
}

/// A confirmation line for school staff, on standard output.
func confirm(_ text: String) {
    // A sentence ending in an initial («Иванов П. С.») gets no second full stop.
    print(text.hasSuffix("..") ? String(text.dropLast()) : text)
}
