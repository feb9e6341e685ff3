import Catalog
import EventLog
import Foundation
import NIOPosix
import Projections
import Records
import SchoolService
import Synchronization

/// A school the server serves: opened once, with its rules' state and its
/// views kept up with the log — including what the command line records
/// beside the server.
final class ServedSchool: Sendable {
    let school: OpenSchool
    let recorder: Recorder
    private let telemetry: Telemetry
    /// Views' JSON already rendered, each kept while nothing it read changes.
    let viewCache: ViewCache
    /// Pages already rendered (`PageCache`).
    let pages = PageCache()

    var id: String { school.id }
    var log: EventLog { school.log }

    init(_ school: OpenSchool, telemetry: Telemetry) throws {
        self.school = school
        self.telemetry = telemetry
        recorder = try school.recorder()
        viewCache = ViewCache(position: school.views.position)
        school.views.observe(with: viewCache)
    }

    /// Applies to the rules' state what was recorded since it last looked (by
    /// another process): a blocked login or a withdrawn consent holds at once.
    func freshen() throws {
        if try log.head() > recorder.position { try recorder.catchUp() }
    }

    /// Records commands as `actor`; afterwards signs the checkpoints that fell due.
    func record(_ commands: [any Command], as actor: Actor) async throws -> AppendResult {
        try await timed { try await school.record(commands, as: actor) }
    }

    /// Records commands each as its own actor, atomically.
    func record(_ submissions: [Submission]) async throws -> AppendResult {
        try await timed {
            do {
                return try await recorder.execute(submissions)
            } catch let rejected as BatchRejected where submissions.count == 1 && rejected.failures.count == 1 {
                // One command is refused as itself: the rule's own message, as the command line prints it.
                throw rejected.failures[0].violation
            }
        }
    }

    private func timed(_ append: () async throws -> AppendResult) async throws -> AppendResult {
        let started = ContinuousClock.now
        let result = try await append()
        telemetry.appendDuration.record(ContinuousClock.now - started)
        if !result.sequences.isEmpty { auditTrailDue() }
        return result
    }

    /// Runs `body` over the views once they include every event recorded up to
    /// now (read-your-writes: a read after a write shows it).
    func read<R>(_ body: (any ViewSource) throws -> R) async throws -> R {
        try await catchUpViews(through: try log.head())
        return try school.read(body)
    }

    /// Brings the views up to `head` if they are behind it.
    private func catchUpViews(through head: UInt64) async throws {
        guard school.views.position < head else { return }
        // A catch-up can take a while: not on the threads that answer requests.
        try await NIOThreadPool.singleton.runIfActive { _ = try self.school.catchUpViews(through: head) }
    }

    /// A view's JSON exactly as `--format json` writes it, caught up like `read`;
    /// from the cache when no row the query read has changed since (`key` names
    /// the query and every parameter it depends on).
    func viewJSON(_ key: String, _ query: @escaping @Sendable (any ViewSource) throws -> any RenderableView) async throws -> Data {
        let head = try log.head()
        if school.views.position >= head, let hit = viewCache.value(for: key, viewsAt: school.views.position) { return hit }
        // One computation per answer at a time: the requests that miss together wait
        // for it (when it reads at least as far as they need) instead of each making it.
        let (task, started): (Task<Data, any Error>, Bool) = computing.withLock { running in
            if let current = running[key], current.head >= head { return (current.task, false) }
            let task = Task { try await self.compute(key, through: head, query) }
            running[key] = (head, task)
            return (task, true)
        }
        defer {
            if started { computing.withLock { running in if running[key]?.head == head { running[key] = nil } } }
        }
        return try await task.value
    }

    private func compute(_ key: String, through head: UInt64,
                         _ query: @Sendable (any ViewSource) throws -> any RenderableView) async throws -> Data {
        try await catchUpViews(through: head)
        if let hit = viewCache.value(for: key, viewsAt: school.views.position) { return hit }
        let (data, reads, position) = try school.views.readWithPosition { source, position in
            let recording = RecordingViewSource(source)
            let view = try query(recording)
            return (try view.rendered(as: .json), recording.reads, position)
        }
        viewCache.store(data, for: key, computedAt: position, reads: reads)
        return data
    }

    /// What a page rendered now is kept against (`PageCache`): the positions of
    /// the rules' state and of the views, once both are brought to the log's
    /// head, and the day. Nil if either is still behind it (another process
    /// recorded meanwhile): a page rendered then could be out of date before it is kept.
    func pageStamp(day: CivilDate) async throws -> PageCache.Stamp? {
        let head = try log.head()
        if head > recorder.position { try recorder.catchUp() }
        try await catchUpViews(through: head)
        let state = recorder.position
        let views = school.views.position
        guard state >= head, views >= head else { return nil }
        return PageCache.Stamp(state: state, views: views, day: day)
    }

    private let computing = Mutex<[String: (head: UInt64, task: Task<Data, any Error>)]>([:])

    /// The views' distance behind the log, in events.
    func viewLag() throws -> UInt64 {
        let head = try log.head()
        return head - min(head, school.views.position)
    }

    /// After writes, brings the views up to the head (so a burst of writes does
    /// not leave the next readers to wait for its whole catch-up), signs the
    /// checkpoints that fell due and extends the audit index — once for all the
    /// writes of a moment: at most one update runs, a second is asked for while
    /// it does, and the rest fold into that one.
    private func auditTrailDue() {
        let start = auditTrail.withLock { state -> Bool in
            switch state {
            case .idle: state = .running; return true
            case .running, .again: state = .again; return false
            }
        }
        guard start else { return }
        let school = self.school
        Task.detached(priority: .utility) { [self] in
            while true {
                try? await Task.sleep(for: .milliseconds(200))
                try? await NIOThreadPool.singleton.runIfActive { try school.catchUpViewsIfOpen() }
                _ = school.updateAuditTrail()
                let done = auditTrail.withLock { state -> Bool in
                    if case .again = state { state = .running; return false }
                    state = .idle
                    return true
                }
                if done { return }
            }
        }
    }

    private enum AuditTrailState { case idle, running, again }
    private let auditTrail = Mutex(AuditTrailState.idle)
}

/// Every school of the store, opened for the server's whole life.
final class Campus: Sendable {
    let store: Store
    let schools: [String: ServedSchool]

    init(store: Store, schools: [ServedSchool]) {
        self.store = store
        self.schools = Dictionary(uniqueKeysWithValues: schools.map { ($0.id, $0) })
    }

    /// Opens every school of the store: the rules' state folded, old stores'
    /// password hashes moved out of their log (once), the views caught up.
    static func open(storePath: String, clock: @escaping @Sendable () -> Timestamp, telemetry: Telemetry) async throws -> Campus {
        let store = try Store.open(at: storePath)
        var served: [ServedSchool] = []
        do {
            for id in try store.schoolIDs() {
                let school = try OpenSchool.open(store: store, school: id, clock: clock)
                served.append(try ServedSchool(school, telemetry: telemetry))
                try await school.moveLegacyCredentials()
                try school.catchUpViews()
            }
        } catch {
            for school in served { school.school.close() }
            throw error
        }
        return Campus(store: store, schools: served)
    }

    /// The school a sign-in names, or the store's only one.
    func school(_ id: String?) -> ServedSchool? {
        if let id { return schools[id] }
        return schools.count == 1 ? schools.values.first : nil
    }

    func close() {
        for school in schools.values { school.school.close() }
    }
}
