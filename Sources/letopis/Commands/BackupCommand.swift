import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the school's log to external media and record the backup (at least once a quarter).",
        discussion: """
            Copies the school's LMDB environment (a consistent, compacted copy, taken while others
            keep writing) into DIR, which must be new or empty, then records BackupMade with the
            number of events the copy holds and their Merkle root, so that the copy can later be
            checked against the log: placed as schools/<school-id>/ of a store, `letopis verify`
            re-checks it.

            Example:
              letopis backup --as T0001 --to /media/usb/letopis-2024-12-27 --medium "флешка № 2, сейф директора"
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions

    @Option(help: ArgumentHelp("The directory to copy into (new or empty).", valueName: "dir"))
    var to: String

    @Option(help: ArgumentHelp("Where the copy is kept, as a person would find it.", valueName: "text"))
    var medium: String

    func run() async throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: to), !((try? fm.contentsOfDirectory(atPath: to))?.isEmpty ?? false) {
            throw CommandFailure("\(to) is not empty; back up into a new or empty directory")
        }
        try await withSchool(school, actor, preferring: Prefer.register) { session in
            // What the backup vouches for is taken first: the copy then holds at least that.
            let (size, root) = try session.log.merkleRoot(size: try session.log.head())
            do {
                try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
                try session.log.environment.copy(to: to)
            } catch {
                throw CommandFailure("copying the log to \(to) failed: \(error)")
            }
            let copied = try EventLog.open(at: to, school: session.log.school, options: .init(readOnly: true))
            let copiedHead = try copied.head()
            let copiedRoot = try copied.merkleRoot(size: size).root
            copied.close()
            guard copiedHead >= size, copiedRoot == root else {
                throw CommandFailure("the copy in \(to) does not hold the log's first \(size) events; nothing was recorded")
            }
            let today = Timestamp.now().civilDate
            var made = BackupMade()
            made.backupID = "B\(today.iso)-\(size)"
            made.medium = medium
            made.madeBy = session.actor.userID
            made.logPosition = size
            made.merkleRoot = root.hex
            made.madeOn = today.iso
            try await session.record(RecordOperation(made, on: today))
            confirm("Резервная копия \(made.backupID) записана в \(to) (\(medium)): событий \(grouped(size)), корень Меркла \(root.hex).")
        }
    }
}
