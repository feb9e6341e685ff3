import Catalog
import EventLog
import Foundation
import Logging
import ServiceLifecycle

/// Follows every school's log while the server runs — the server's own
/// appends and what the command line records beside it — and ends at once the
/// sessions of logins that were blocked, reset, or whose owner left.
struct LogWatch: Service {
    let campus: Campus
    let sessions: SessionStore
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for school in campus.schools.values {
                    group.addTask { await watch(school) }
                }
            }
        }
    }

    private func watch(_ school: ServedSchool) async {
        do {
            var events = school.log.follow(from: try school.log.head() + 1).makeAsyncIterator()
            while !Task.isCancelled, let event = try await events.next() {
                try await react(to: event, in: school)
            }
        } catch {
            if !Task.isCancelled { logger.error("stopped following the log of \(school.id): \(error)") }
        }
    }

    private func react(to event: RecordedEvent, in school: ServedSchool) async throws {
        let login: String?
        switch event.type {
        case "LoginBlocked", "PasswordReset":
            switch try event.decoded() {
            case .loginBlocked(let e): login = e.login
            case .passwordReset(let e): login = e.login
            default: login = nil
            }
        case "StaffLeft":
            guard case .staffLeft(let e) = try event.decoded() else { return }
            try school.freshen()
            login = school.recorder.withState { $0.loginByPerson[e.staffID] }
        default:
            return
        }
        guard let login else { return }
        let ended = await sessions.endAll(school: school.id, login: login)
        if ended > 0 {
            logger.notice("sessions ended", metadata: ["school": "\(school.id)", "login": "\(login)", "why": "\(event.type)", "count": "\(ended)"])
        }
    }
}

/// Closes the schools' stores once the HTTP server has drained (it is shut
/// down after the server, being listed before it), and the hashing threads.
struct SchoolsClosing: Service {
    let campus: Campus
    let passwords: PasswordWork

    func run() async throws {
        try? await gracefulShutdown()
        try await passwords.shutdown()
        campus.close()
    }
}
