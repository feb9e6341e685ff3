import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records
import SchoolService

/// The store and the school a command works on.
struct SchoolOptions: ParsableArguments {
    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The school's id.", discussion: "Defaults to the store's only school.", valueName: "id"))
    var school: String?

    /// The school's id: the one given, or the store's only school.
    func schoolID(in store: Store) throws -> String {
        let schools = try store.schoolIDs()
        if let school {
            guard schools.contains(school) else {
                throw CommandFailure("the store has no school \(school); it has: \(schools.isEmpty ? "none" : schools.joined(separator: ", "))")
            }
            return school
        }
        guard schools.count == 1 else {
            throw CommandFailure(schools.isEmpty
                ? "\(store.path) holds no school yet; create one with letopis init"
                : "the store holds several schools; choose one with --school: \(schools.joined(separator: ", "))")
        }
        return schools[0]
    }

    func openLog(readOnly: Bool = false) throws -> EventLog {
        let store = try storeOptions.openStore()
        let id = try schoolID(in: store)
        do {
            return try store.openLog(school: id, options: .init(readOnly: readOnly))
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// The school, opened to record.
    func openSchool() throws -> OpenSchool {
        let store = try storeOptions.openStore()
        let id = try schoolID(in: store)
        return try asCommandFailure { try OpenSchool.open(store: store, school: id) }
    }
}

/// Who records an entry, for the commands that record.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Who records it: a staff id (T0001), or a guardian (P0001) or student (S0001) for their own actions.",
        discussion: "Defaults to $LETOPIS_USER.", valueName: "id"))
    var user: String?

    @Option(help: ArgumentHelp(
        "The role to act in: coordinator, teacher, class-teacher, administration, parent or student.",
        discussion: "Defaults to the role the command needs, if the person holds it.", valueName: "role"))
    var role: String?

    /// The actor, with `preferred` roles tried in order when no role is given.
    func actor(state: SchoolState, preferred: [Role]) throws -> Actor {
        guard let user = user ?? ProcessInfo.processInfo.environment["LETOPIS_USER"] else {
            throw CommandFailure("say who records this: --as T0001 (or set LETOPIS_USER)")
        }
        if let role {
            guard Role(rawValue: role) != nil else {
                throw CommandFailure("unknown role \(role); use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return Actor(userID: user, role: role)
        }
        return state.actor(user, preferring: preferred)
    }
}

/// Opens the school's recorder and runs a command, printing a refusal as the
/// rule broken and exiting non-zero.
func record(_ command: any Command, school: SchoolOptions, actor options: ActorOptions,
            preferring roles: [Role]) async throws -> (SchoolState, AppendResult) {
    let session = try await EntrySession.open(school, options, preferring: roles)
    defer { session.close() }
    let result = try await session.record(command)
    reportAuditTrail(session.school)
    return (session.state, result)
}
