import ArgumentParser
import Catalog
import EventLog
import Foundation
import Logging
import Records

extension Register: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a register (staff, classes, students, guardians) from a CSV file saved by Excel.",
        discussion: """
            The file may be UTF-8 (with or without BOM) or Windows-1251, with ';' or ',' between
            columns; headers are matched in Russian as schools name them (docs/registers.md lists
            the columns; schemas/examples/ has an example of each register). Load them in this
            order: staff, classes, students, guardians.

            Every row goes through the same rules as any other entry, and the file is recorded
            whole or not at all: a file with any bad line records nothing, and each bad line is
            listed on standard error (line, column, reason), with exit status 2.

            Examples:
              letopis import staff schemas/examples/staff.csv --as T0001
              letopis import students ученики.csv --as T0001 --dry-run
            """
    )

    @Argument(help: ArgumentHelp("Which register: staff, classes, students or guardians.", valueName: "register"))
    var register: Register

    @Argument(help: ArgumentHelp("The CSV file.", valueName: "file"))
    var file: String

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions

    @Flag(help: "Check the file against the rules and report, without recording anything.")
    var dryRun = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read \(file)")
        }
        let outcome = try await withSchool(school, actor, preferring: Prefer.register) { session in
            let progress = ProgressBar(total: 100, unit: "%", label: "import \(register.rawValue)")
            defer { progress.finish() }
            do {
                return try await RegisterImporter.run(
                    register, data: data, recorder: session.recorder, as: session.actor, on: Timestamp.now().civilDate,
                    dryRun: dryRun) { done, total in progress.update(UInt64(done * 100 / max(total, 1))) }
            } catch let rejected as ImportRejected {
                progress.finish()
                FileHandle.standardError.write(Data((rejected.report + "\n").utf8))
                throw CommandFailure("\(file): реестр не загружен (ошибок: \(rejected.issues.count)), ничего не записано", exitCode: 2)
            }
        }
        // Made after the store is open: that is when --verbose sets up logging.
        let logger = Logger(label: "letopis.import")
        logger.debug("\(file): \(outcome.encoding.rawValue), delimiter \(outcome.delimiter.debugDescription), \(outcome.rows) rows")
        let source = "\(outcome.encoding.rawValue), разделитель «\(outcome.delimiter == "\t" ? "табуляция" : String(outcome.delimiter))»"
        if dryRun {
            confirm("Проверено: \(file) (\(source)) — строк: \(outcome.rows), ошибок нет. Ничего не записано (--dry-run).")
        } else {
            // In the order of their numbers: S9999 before S27300.
            let ids = outcome.created.sorted { ($0.count, $0) < ($1.count, $1) }
            let shown = ids.count <= 6 ? ids.joined(separator: ", ") : "\(ids.first!) … \(ids.last!)"
            confirm("Реестр «\(register.russianName)» загружен из \(file) (\(source)): строк \(outcome.rows), "
                + "новых записей \(ids.count)\(ids.isEmpty ? "" : " (\(shown))"), событий \(outcome.sequences.count).")
        }
        if !outcome.ignoredColumns.isEmpty {
            confirm("Не использованы столбцы: \(outcome.ignoredColumns.map { "«\($0)»" }.joined(separator: ", ")).")
        }
    }
}
