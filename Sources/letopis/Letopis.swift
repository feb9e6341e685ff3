import ArgumentParser
import Foundation
import Logging

@main
struct Letopis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letopis",
        abstract: "The electronic class journal and student diary of a school, kept as a verifiable log.",
        discussion: """
            Every grade, attendance mark, lesson, consent and login is an event appended to the
            school's log; nothing is updated or deleted. The views (journal, diary, reports) are
            built from the log, and anyone can re-check the log's hash chain.

            The store is --store, or $LETOPIS_STORE, or ./letopis-store.
            """,
        subcommands: [
            VerifyCommand.self,
            ExportCommand.self,
            AuditCommand.self,
            CheckpointCommand.self,
            ProofCommand.self,
            VerifyProofCommand.self,
            KeyCommand.self,
            WitnessCommand.self,
            DemoCommand.self,
            DemoSlipsCommand.self,
            ServeCommand.self,
            JournalCommand.self,
            DiaryCommand.self,
            ReportCommand.self,
            ChangesCommand.self,
            SummaryCommand.self,
            PrintCommand.self,
            VerifyPrintCommand.self,
            RebuildCommand.self,
            BenchProjectionsCommand.self,
            BenchServerPeerCommand.self,
            InitCommand.self,
            ImportCommand.self,
            YearCommand.self,
            PeriodCommand.self,
            ReferenceCommand.self,
            StaffCommand.self,
            ClassCommand.self,
            GroupCommand.self,
            StudentCommand.self,
            GuardianCommand.self,
            TimetableCommand.self,
            LessonCommand.self,
            TopicCommand.self,
            HomeworkCommand.self,
            AttendCommand.self,
            GradeCommand.self,
            CorrectCommand.self,
            FinalCommand.self,
            ConsentCommand.self,
            ApplicationCommand.self,
            LoginCommand.self,
            BackupCommand.self,
            BundleCommand.self,
            DistrictCommand.self,
        ]
    )

    /// Failures a user can act on are one line on standard error with their own
    /// exit status (1: failed, 2: refused by a rule or unreadable input); the rest go to ArgumentParser.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("letopis: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode)
        } catch where exitCode(for: error) == .validationFailure {
            // Bad input on the command line (a value that does not parse, or out of the
            // range its record holds) is a refusal like any other: status 2.
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
