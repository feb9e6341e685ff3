import ArgumentParser
import EventLog
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check every school log in the store: hash chain and Merkle tree.",
        discussion: """
            Recomputes each event's hash from its stored bytes and the previous event's hash,
            and the Merkle tree from the events. Exits 0 with one line per school when every
            log is intact; otherwise exits 1 and names the first event that does not check out.

            Example:
              letopis verify --store ./letopis-store
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Check only this school's log.")
    var school: String?

    func run() throws {
        let store = try options.openStore()
        let schools = try school.map { [$0] } ?? store.schoolIDs()
        guard !schools.isEmpty else { throw CommandFailure("\(store.path) holds no school log yet") }
        var failed = false
        for id in schools {
            let log = try store.openLog(school: id, options: .init(readOnly: true))
            defer { log.close() }
            let total = try log.head()
            let progress = ProgressBar(total: total, unit: "events", label: "verifying \(id)")
            let report = try log.verify { progress.update($0) }
            progress.finish()
            if let failure = report.failure {
                failed = true
                print("school \(id): NOT INTACT at event #\(failure.sequence): \(failure.reason)")
            } else {
                let root = report.merkleRoot.map { ", Merkle root \($0.hex)" } ?? ""
                print("school \(id): intact, \(report.count) events, head #\(report.through) \(report.headHash.hex)\(root)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
