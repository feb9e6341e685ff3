import ArgumentParser
import Audit
import EventLog
import Foundation
import SchoolService

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every event as one JSON object per line, with its stored bytes and hashes.",
        discussion: """
            Each line holds the envelope's fields, the payload in the protobuf JSON mapping, and
            "stored": the event's stored bytes in base64 (previous hash ‖ canonical bytes ‖ hash),
            so that the chain can be re-checked from the export alone (docs/log-format.md).

            After each school's events comes one more line: the school's signed checkpoint of the
            tree ending at the last event exported (a fresh one is signed when none was recorded
            at that size), its public key, and — with --from — the Merkle subtree hashes of the
            events before, so that an auditor can check the file with tools/verify-export.py and
            nothing else. --from and --to take sequence numbers or date-times. Exporting therefore
            signs and records a new checkpoint of the last event exported when none of that size is
            recorded yet (unless the store cannot be written), as letopis checkpoint would.

            Examples:
              letopis export --store ./letopis-store --out events.jsonl
              letopis export --school s01 --from 2024-09-01 --to 2024-12-31 --out s01-autumn.jsonl
              python3 tools/verify-export.py s01-autumn.jsonl --public-key s01.pub
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Export only this school's log (default: every school, one after another).")
    var school: String?

    @Option(help: ArgumentHelp("The first event: a sequence number or a date-time (default: the first).", valueName: "point"))
    var from: String?

    @Option(help: ArgumentHelp("The last event: a sequence number or a date-time (default: the last).", valueName: "point"))
    var to: String?

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let store = try options.openStore()
        let schools = try school.map { [$0] } ?? store.schoolIDs()
        let sink = try OutputSink(path: out)
        defer { sink.close() }
        for id in schools {
            // A store this user may not write (read-only media, another owner) is
            // exported read-only; otherwise the checkpoint signed for the export is
            // recorded, so that exporting again gives the same bytes.
            let readOnly = !EventLog.isWritable(at: store.logPath(school: id))
            let log = try asCommandFailure { try store.openLog(school: id, options: .init(readOnly: readOnly)) }
            defer { log.close() }
            let first = try from.map { try parsePoint($0, option: "--from").firstEvent(in: log) } ?? 1
            let last = try to.map { try parsePoint($0, option: "--to").resolve(in: log) } ?? log.head()
            guard first <= last else {
                FileHandle.standardError.write(Data("letopis: \(id): no events between --from and --to\n".utf8))
                continue
            }
            let progress = ProgressBar(total: last - first + 1, unit: "events", label: "exporting \(id)")
            try EventExporter.write(log: log, from: first, through: last, to: sink.write) { progress.update($0 - first + 1) }
            progress.finish()
            do {
                let trailer = try ExportTrailer.make(store: store, log: log, from: first, to: last)
                if trailer.checkpoint == nil {
                    FileHandle.standardError.write(Data("letopis: warning: \(id) has no signing key and no checkpoint of \(last) events: the export is not signed\n".utf8))
                }
                sink.write(trailer.json() + "\n")
            } catch {
                throw CommandFailure("exporting the checkpoint of \(id): \(error)")
            }
        }
    }
}
