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
            is closed and when a backup is recorded. --list prints the recorded ones.

            Examples:
              letopis checkpoint
              letopis checkpoint --list
              letopis checkpoint --out checkpoint.json
            """
    )

    @OptionGroup var school: SchoolOptions

    @Flag(help: "List the recorded checkpoints instead of making one.")
    var list = false

    @Option(help: ArgumentHelp("Also write the checkpoint's JSON to this file.", valueName: "file"))
    var out: String?

    func run() throws {
        let (store, log) = try openAuditLog(school, writable: !list)
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
