import ArgumentParser
import Audit
import District
import EventLog
import Foundation

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Make the school's bundle for the district: new events, a signed checkpoint, a consistency proof.",
        discussion: """
            The bundle carries the events recorded since the school's previous bundle (the whole log
            in the first, or with --full), a checkpoint of the whole log signed with the school's key,
            and a proof that the log the checkpoint signs extends the one the previous bundle signed.
            The district imports it with `letopis district import`, which refuses a bundle that does
            not continue what it holds. The bundle made is recorded in the store, so that the next
            starts where this one ends. docs/district.md defines the file.

            Examples:
              letopis bundle --out s01-2024-11-01.bundle
              letopis bundle --school s02 --full --out s02-full.bundle
            """
    )

    @OptionGroup var school: SchoolOptions

    @Option(help: ArgumentHelp("The bundle file to write (a new file).", valueName: "file"))
    var out: String

    @Flag(help: "Carry the whole log, not only what is new since the previous bundle.")
    var full = false

    func run() throws {
        let store = try school.storeOptions.openStore()
        let id = try school.schoolID(in: store)
        try asCommandFailure {
            let log = try store.openLog(school: id)
            defer { log.close() }
            let signer = try SchoolKeys.signer(store: store, school: id)
            let record = try BundleWriter(log: log, signer: signer).write(to: out, full: full)
            let h = record.header
            let carried = h.eventCount == 0 ? "новых событий нет" : "события #\(h.from)–#\(h.to) (\(grouped(h.eventCount)))"
            confirm("Пакет \(h.number) школы \(id) записан в \(out): \(carried); контрольная точка \(grouped(h.checkpoint.size)) событий, корень \(h.checkpoint.root.hex); SHA-256 файла \(record.sha256).")
        }
    }
}
