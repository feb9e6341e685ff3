import Catalog
import EventLog
import Records

/// Something to record at a simulated moment. Most are ready commands; a
/// grade gets its id, and a login step its login name, only when the day is
/// recorded, because the records assign both.
struct Planned {
    enum Work {
        case command(any Command, Actor)
        /// `index` into the simulation's grade book, which learns the grade's id.
        case grade(index: Int, RecordGrade, Actor)
        /// A step of the login the person was issued; the person is the actor.
        case login(person: String, step: UseLogin.Step, Actor)
        /// A backup of the log as it stands at that moment.
        case backup(BackupMade)
    }

    var at: Timestamp
    var order: Int
    var work: Work
}

/// Collects the submissions of each simulated day and records them in time
/// order, a week at a time as one atomic batch (one big transaction of the
/// log). A week rather than a day because the recorder decides each batch
/// against a copy of the school's state, and the copy of its grades grows with
/// the year; the events, their order and ids are the same either way.
final class DayBatches {
    let recorder: Recorder
    let log: EventLog
    private var buckets: [Int32: [Planned]] = [:]
    private var order = 0
    /// The id number of the last grade recorded (`M000123` → 123).
    private(set) var lastGradeNumber = 0
    /// Person id → login, for the logins the generator issued.
    private(set) var logins: [String: String] = [:]
    /// Day → the persons issued a login that day.
    private var issuing: [Int32: [String]] = [:]
    private(set) var events = 0
    /// Converted, not yet recorded; and the persons issued a login in them.
    private var pending: [Submission] = []
    private var pendingIssued: [String] = []
    private var pendingFrom: CivilDate?

    init(recorder: Recorder, log: EventLog) {
        self.recorder = recorder
        self.log = log
    }

    /// Plans `work` at a Moscow time of `day`; minutes past midnight run on to
    /// the following days.
    func add(_ day: CivilDate, minute: Int, second: Int = 0, _ work: Planned.Work) {
        let date = day.adding(days: minute / 1440)
        let m = minute % 1440
        let at = moscow(date, m / 60, m % 60, second)
        order += 1
        buckets[date.daysSinceEpoch, default: []].append(Planned(at: at, order: order, work: work))
    }

    func add(_ day: CivilDate, minute: Int, second: Int = 0, _ command: any Command, as actor: Actor) {
        add(day, minute: minute, second: second, .command(command, actor))
    }

    /// Called by the simulation when it plans a login, so that the login's name
    /// is looked up once that day is recorded.
    func noteIssued(_ personID: String, on day: CivilDate) { issuing[day.daysSinceEpoch, default: []].append(personID) }

    /// Takes in everything planned for `day`, in time order; records what is
    /// pending at the end of a week, or earlier when a login issued in it is
    /// used or a backup must see the log as it stands.
    func record(_ day: CivilDate, grades: inout [GradeEntry]) async throws {
        if pendingFrom == nil { pendingFrom = day }
        var items = buckets.removeValue(forKey: day.daysSinceEpoch) ?? []
        items.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        for item in items {
            switch item.work {
            case .command(let command, let actor):
                pending.append(Submission(command, as: actor, at: item.at))
            case .grade(let index, let command, let actor):
                lastGradeNumber += 1
                grades[index].number = Int32(lastGradeNumber)
                pending.append(Submission(command, as: actor, at: item.at))
            case .login(let person, let step, let actor):
                if logins[person] == nil && pendingIssued.contains(person) { try await flush(through: day) }
                guard let login = logins[person] else {
                    throw GeneratorFailure("\(day.iso): \(person) uses a login that was never issued")
                }
                pending.append(Submission(UseLogin(login: login, step: step, on: item.at.civilDate), as: actor, at: item.at))
            case .backup(var backup):
                try await flush(through: day)
                let (size, root) = try log.merkleRoot()
                backup.logPosition = size
                backup.merkleRoot = root.hex
                pending.append(Submission(RecordOperation(backup, on: day), as: Actor(userID: backup.madeBy, role: .coordinator), at: item.at))
            }
        }
        pendingIssued += issuing.removeValue(forKey: day.daysSinceEpoch) ?? []
        if day.weekday == 7 || pending.count > 50_000 { try await flush(through: day) }
    }

    /// Records everything pending as one batch, and learns the names of the
    /// logins issued in it.
    func flush(through day: CivilDate) async throws {
        let from = pendingFrom ?? day
        pendingFrom = nil
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        try await execute(batch, days: from == day ? day.iso : "\(from.iso)…\(day.iso)")
        if !pendingIssued.isEmpty {
            let state = recorder.state
            for person in pendingIssued {
                guard let login = state.loginByPerson[person] else {
                    throw GeneratorFailure("the login issued to \(person) by \(day.iso) is not in the records")
                }
                logins[person] = login
            }
            pendingIssued.removeAll()
        }
    }

    private func execute(_ submissions: [Submission], days: String) async throws {
        guard !submissions.isEmpty else { return }
        do {
            let result = try await recorder.execute(submissions)
            events += result.sequences.count
        } catch let rejected as BatchRejected {
            // A refused batch is a bug of the generator: say which rule and what.
            let details = rejected.failures.prefix(5).map { failure in
                let s = submissions[failure.index]
                return "  #\(failure.index + 1) \(s.actor.userID) as \(s.actor.role) at \(s.at?.iso ?? "?"): \(failure.violation)\n    \(s.command)"
            }
            throw GeneratorFailure("the records refused the batch of \(days) (\(rejected.failures.count) of \(submissions.count) commands):\n"
                                   + details.joined(separator: "\n"))
        }
    }

    /// Whether anything is planned on or after `day` (late entries, finals).
    func hasWork(from day: CivilDate) -> Bool { buckets.keys.contains { $0 >= day.daysSinceEpoch } }

}

/// The generator broke a rule of the records (a bug of the generator), or could
/// not go on.
public struct GeneratorFailure: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
