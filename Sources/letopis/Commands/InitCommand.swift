import ArgumentParser
import Catalog
import EventLog
import Audit
import Foundation
import Records

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a school: its store and log, the school's details and its first coordinator.",
        discussion: """
            Creates the store when the directory is new, creates the school's log, registers the
            school and hires its first coordinator (both recorded by the `system` account, which
            the rules allow only until the school has a coordinator). Prints the coordinator's id:
            from then on every command is recorded as a person (--as).

            Refuses a school the store already has.

            Example:
              letopis init --school s1 --name "МБОУ СОШ № 1" --district "Лунинский район" \\
                --director "Петрова Анна Ивановна" --coordinator "Сидорова Ольга Петровна"
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp("The school's id: letters, digits, '-', '_', '.'.", valueName: "id"))
    var school: String

    @Option(help: ArgumentHelp("The school's short name, as reports print it.", valueName: "name"))
    var name: String

    @Option(help: "The school's full official name.")
    var fullName: String = ""

    @Option(help: "The municipal district whose education office receives the school's reports.")
    var district: String = ""

    @Option(help: "The school's address.")
    var address: String = ""

    @Option(help: ArgumentHelp("The director's full name.", valueName: "name"))
    var director: String = ""

    @Option(help: ArgumentHelp("The first coordinator: \"Фамилия Имя Отчество\".", valueName: "name"))
    var coordinator: String

    @Option(help: ArgumentHelp("The coordinator's position.", valueName: "text"))
    var position: String = "администратор системы"

    @Option(help: ArgumentHelp("Days after a lesson during which its teacher may still correct it, up to 60 (7 when not given).",
                               valueName: "days"))
    var editWindow: Int32?

    func run() async throws {
        bootstrapLogging(verbose: storeOptions.verbose)
        let coordinatorName = try personName(coordinator)
        do {
            try Store.validate(schoolID: school)
        } catch {
            throw CommandFailure("\(error)")
        }
        let path = storeOptions.storePath
        let store = try openOrCreateStore(at: path)
        if try store.schoolIDs().contains(school) || FileManager.default.fileExists(atPath: store.logPath(school: school)) {
            throw CommandFailure("the store \(path) already has the school \(school); nothing was changed")
        }
        let log: EventLog
        do {
            log = try store.createLog(school: school)
        } catch {
            throw CommandFailure("\(error)")
        }
        var details = SchoolRegistered()
        details.schoolID = school
        details.shortName = name
        details.fullName = fullName
        details.district = district
        details.address = address
        details.directorName = director
        details.editWindowDays = editWindow ?? 0
        let today = Timestamp.now().civilDate
        let system = Actor(userID: "system", role: .system)
        let state: SchoolState
        do {
            let recorder = try Recorder(log: log)
            try await recorder.execute([
                Submission(RegisterSchool(details, on: today), as: system),
                Submission(HireStaff(name: coordinatorName, position: position, hiredOn: today, roles: [.coordinator]), as: system),
            ])
            state = recorder.state
            log.close()
        } catch {
            // Nothing was recorded: take away the empty log this command made.
            log.close()
            try? FileManager.default.removeItem(atPath: store.logPath(school: school))
            if let rejected = error as? BatchRejected {
                throw CommandFailure("отказано: \(rejected.failures.map { "\($0.violation)" }.joined(separator: "; "))", exitCode: 2)
            }
            throw CommandFailure("\(error)")
        }
        do {
            try SchoolKeys.ensure(store: store, school: school)
        } catch {
            throw CommandFailure("the school \(school) was created, but not its signing key: \(error); run letopis key create")
        }
        let coordinatorID = state.staff.values.first { $0.roles.contains { $0.role == .coordinator } }?.id ?? "T0001"
        let storeFlag = storeOptions.store.map { " --store \($0)" } ?? ""
        // The academic year under way, or the one about to start in summer.
        let year = today.month >= 7 ? today.year : today.year - 1
        confirm("""
            Школа «\(name)» (\(school)) создана в \(path).
            Координатор: \(coordinatorID) \(coordinatorName.full). Дальнейшие записи — от имени координатора: --as \(coordinatorID).

            Дальше:
              letopis year define\(storeFlag) --as \(coordinatorID) --year \(year) --from 01.09.\(year) --to 31.05.\(year + 1)
              letopis period define\(storeFlag) --as \(coordinatorID) --year \(year) --kind terms --period "\(year)-T1:1 четверть:01.09.\(year):24.10.\(year)" …
              letopis reference standard\(storeFlag) --as \(coordinatorID)      (отметки посещаемости, виды работ, предметы)
              letopis import staff|classes|students|guardians ФАЙЛ.csv\(storeFlag) --as \(coordinatorID)
              letopis timetable add …, letopis consent give …, letopis login issue …
            """)
    }

    /// The store at `path`: opened when it is one, created when the directory is new or empty.
    private func openOrCreateStore(at path: String) throws -> Store {
        let fm = FileManager.default
        if fm.fileExists(atPath: path + "/" + Store.manifestName) {
            let store = try storeOptions.openStore()
            guard store.kind == .school else { throw CommandFailure("\(path) is a \(store.kind.rawValue) store, not a school store") }
            return store
        }
        do {
            return try Store.create(at: path, kind: .school)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
