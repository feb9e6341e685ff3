import Audit
import Catalog
import EventLog
import Foundation
import Projections
import Records
import Synchronization

/// One school of a store, opened for work through either door — the command
/// line or the server: its log, the recorder that decides commands (the log is
/// folded into the rules' state on first use, not at open), the views kept up
/// to date with the log, and the credentials table.
public final class OpenSchool: Sendable {
    public let store: Store
    public let id: String
    public let log: EventLog
    public let views: ProjectionRunner
    /// Nil for a log opened read-only.
    public let credentials: CredentialTable?
    private let clock: @Sendable () -> Timestamp
    private let recorderBox = Mutex<Recorder?>(nil)

    /// Opens the school `id` of `store`. With `readOnly`, nothing can be recorded
    /// and the views are read as they stand.
    public static func open(store: Store, school id: String, readOnly: Bool = false,
                            clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws -> OpenSchool {
        var options = EventLog.Options(readOnly: readOnly)
        options.clock = clock
        let log = try store.openLog(school: id, options: options)
        do {
            return try OpenSchool(store: store, id: id, log: log, readOnly: readOnly, clock: clock)
        } catch {
            log.close()
            throw error
        }
    }

    private init(store: Store, id: String, log: EventLog, readOnly: Bool, clock: @escaping @Sendable () -> Timestamp) throws {
        self.store = store
        self.id = id
        self.log = log
        self.clock = clock
        views = try ProjectionRunner(log: log)
        credentials = readOnly ? nil : try CredentialTable(log: log)
    }

    /// Closes the log, once an audit-trail update under way has finished;
    /// one asked for afterwards does nothing.
    public func close() {
        closed.withLock { closed in
            guard !closed else { return }
            closed = true
            log.close()
        }
    }

    /// Set by `close`; guards the log against work that outlives the door (the
    /// server's audit-trail update runs apart from the requests that asked for it).
    private let closed = Mutex(false)

    // MARK: Recording

    /// The school's recorder, folding the log into the rules' state the first time.
    public func recorder() throws -> Recorder {
        try recorderBox.withLock { box in
            if let box { return box }
            let made = try Recorder(log: log, clock: clock)
            box = made
            return made
        }
    }

    /// Records commands as `actor`, atomically: all of them, or none with every
    /// broken rule (`RuleViolation` for one command, `BatchRejected` for more).
    /// The door then signs the checkpoints that became due (`updateAuditTrail`).
    @discardableResult
    public func record(_ commands: [any Command], as actor: Actor) async throws -> AppendResult {
        let recorder = try recorder()
        if commands.count == 1 { return try await recorder.execute(commands[0], as: actor) }
        return try await recorder.execute(commands.map { Submission($0, as: actor) })
    }

    /// The person acting in the role `preferring` names first among those they
    /// hold (a guardian as parent, a student as student); the role itself when
    /// they hold none of them, so that the rules say what is missing.
    public func actor(_ personID: String, preferring roles: [Role]) throws -> Actor {
        try recorder().withState { $0.actor(personID, preferring: roles) }
    }

    /// Signs the checkpoints due (a period closed, a backup recorded) and extends
    /// the audit index. A failure here never undoes what was recorded: it is
    /// returned as a warning, and the next recording catches up.
    @discardableResult
    public func updateAuditTrail() -> (signed: [SignedCheckpoint], warning: String?) {
        closed.withLock { closed in
            guard !closed else { return ([], "the log of \(id) is closed; the next recording catches up") }
            let (result, warning) = Checkpointer.afterRecording(store: store, log: log)
            return (result?.signed ?? [], warning)
        }
    }

    // MARK: Credentials

    /// Stores made before credentials left the log: moves their hashes into the
    /// credentials table (once; see `CredentialTable.moveLegacyHashes`).
    @discardableResult
    public func moveLegacyCredentials() async throws -> Int {
        guard let credentials else { return 0 }
        let logins = try recorder().withState { Array($0.logins.keys) }
        return try await credentials.moveLegacyHashes(of: logins, in: log)
    }

    // MARK: Views

    /// Brings every view up to `through` (default: the log's head now).
    @discardableResult
    public func catchUpViews(through: UInt64? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws
        -> ProjectionRunner.Progress
    {
        try views.catchUp(through: through, progress: progress)
    }

    /// Brings every view up to the head, unless the school was closed: for work
    /// that runs apart from the requests (the server's catch-up after writes)
    /// and may outlive the door. `close` waits for one under way.
    public func catchUpViewsIfOpen() throws {
        try closed.withLock { closed in
            guard !closed else { return }
            _ = try views.catchUp()
        }
    }

    /// Runs `body` over the views as they stand, in one read transaction.
    public func read<R>(_ body: (any ViewSource) throws -> R) throws -> R {
        try views.read { try body($0) }
    }
}

extension SchoolState {
    /// The person acting in the first role of `preferring` they hold: a guardian
    /// as parent, a student as student, staff in a granted role (or, holding
    /// none of them, the first named, so that the rules say what is missing).
    public func actor(_ personID: String, preferring roles: [Role]) -> Actor {
        if guardians[personID] != nil { return Actor(userID: personID, role: .parent) }
        if students[personID] != nil { return Actor(userID: personID, role: .student) }
        let held = Set(staff[personID]?.roles.map(\.role) ?? [])
        let chosen = roles.first { held.contains($0) } ?? roles.first ?? .teacher
        return Actor(userID: personID, role: chosen)
    }
}
