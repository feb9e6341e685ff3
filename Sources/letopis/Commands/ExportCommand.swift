import ArgumentParser
import EventLog
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every event as one JSON object per line, with its stored bytes and hashes.",
        discussion: """
            Each line holds the envelope's fields, the payload in the protobuf JSON mapping, and
            "stored": the event's stored bytes in base64 (previous hash ‖ canonical bytes ‖ hash),
            so that the chain can be re-checked from the export alone (see README, "The log format").

            Example:
              letopis export --store ./letopis-store --out events.jsonl
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Export only this school's log (default: every school, one after another).")
    var school: String?

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let store = try options.openStore()
        let schools = try school.map { [$0] } ?? store.schoolIDs()
        let sink = try OutputSink(path: out)
        defer { sink.close() }
        for id in schools {
            let log = try store.openLog(school: id, options: .init(readOnly: true))
            defer { log.close() }
            let progress = ProgressBar(total: try log.head(), unit: "events", label: "exporting \(id)")
            try EventExporter.write(log: log, to: sink) { progress.update($0) }
            progress.finish()
        }
    }
}
