import ArgumentParser
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
        ]
    )
}
