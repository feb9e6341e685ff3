import ArgumentParser
import Audit
import EventLog
import Foundation

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign and record a checkpoint of the school's log: its size, Merkle root and the time.",
        discussion: """
            A checkpoint is the school's signed statement that its log had these events; anyone with
            the public key can check it (letopis verify-proof, tools/verify-export.py), and any later
            rewrite of those events is caught. Checkpoints are also made by themselves when a period
            is closed and when a backup is recorded. --list prints the recorded ones; --show prints
            one of them, the signed JSON exactly as the school recorded it (the form this command
            prints when it signs one).

            Examples:
              letopis checkpoint
              letopis checkpoint --list
              letopis checkpoint --show latest --out checkpoint.json
              letopis checkpoint --out checkpoint.json
            """
    )

    @OptionGroup var school: SchoolOptions

    @Flag(help: "List the recorded checkpoints instead of making one.")
    var list = false

    @Option(help: ArgumentHelp("Print a recorded checkpoint instead of making one: its size, or latest.", valueName: "size"))
    var show: String?

    @Option(help: ArgumentHelp("Also write the checkpoint's JSON to this file.", valueName: "file"))
    var out: String?

    func validate() throws {
        if list && show != nil { throw ValidationError("--list and --show: give one of them") }
        if let show, show != "latest", UInt64(show) == nil {
            throw ValidationError("--show: \"\(show)\" is neither a checkpoint's size (a number of events) nor latest")
        }
    }

    func run() throws {
        let (store, log) = try openAuditLog(school, writable: !list && show == nil)
        defer { log.close() }
        try asCommandFailure {
            if list {
                let all = try CheckpointBook(log: log).all()
                if all.isEmpty { print("Подписанных контрольных точек нет.") }
                for checkpoint in all {
                    print("\(checkpoint.size)\t\(checkpoint.time.iso)\t\(checkpoint.root.hex)")
                }
                return
            }
            if let show {
                let book = try CheckpointBook(log: log)
                let size = show == "latest" ? try book.latest()?.size : UInt64(show)
                guard let size, let json = try book.recordedJSON(size: size) else {
                    let sizes = try book.all().map { String($0.size) }
                    if sizes.isEmpty {
                        throw CommandFailure("--show \(show): \(log.school) has no recorded checkpoint yet (letopis checkpoint signs one)")
                    }
                    throw CommandFailure("--show \(show): no checkpoint of \(show) events is recorded; the recorded ones are of \(sizes.joined(separator: ", ")) events")
                }
                if let out { try (json + "\n").write(toFile: out, atomically: true, encoding: .utf8) }
                print(json)
                return
            }
            let signer = try SchoolKeys.signerIfPresent(store: store, school: log.school)
            let checkpointer = Checkpointer(log: log, signer: signer)
            // First the checkpoints due and not yet made (periods closed, backups recorded).
            for due in try checkpointer.catchUp().signed {
                FileHandle.standardError.write(Data("signed the checkpoint due at #\(due.size) (\(due.time.iso))\n".utf8))
            }
            let checkpoint = try checkpointer.checkpointHead()
            let json = checkpoint.json()
            if let out { try (json + "\n").write(toFile: out, atomically: true, encoding: .utf8) }
            print(json)
        }
    }
}
