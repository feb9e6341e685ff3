import ArgumentParser
import Foundation
import Projections

struct ChangesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List changes of grades, attendance and final grades: before → after, who, when, why.",
        discussion: """
            Every correction and voiding (first entries are not changes), oldest first. The
            criteria combine; dates are of recording, both included.

            Examples:
              letopis changes --student S0012
              letopis changes --editor T0007 --from 2024-09-01 --to 2024-09-30
              letopis changes --class 5А --subject Математика
            """
    )

    @OptionGroup var options: ViewOptions

    @Option(help: "Only changes of this student (id).")
    var student: String?

    @Option(help: "Only changes made by this user (staff id).")
    var editor: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Only this class: 5А or 2024-5А.", valueName: "class"))
    var className: String?

    @Option(help: "Only this subject (with or without --class).")
    var subject: String?

    @Option(help: "Recorded on or after this date.")
    var from: String?

    @Option(help: "Recorded on or before this date.")
    var to: String?

    func run() throws {
        let views = try options.openViews()
        defer { views.close() }
        let fromDay = try from.map { try parseDate($0, option: "--from") }
        let toDay = try to.map { try parseDate($0, option: "--to") }
        try options.write(try views.read {
            try ChangeLog.query($0, student: student, editor: editor, class: className, subject: subject, from: fromDay, to: toDay)
        })
    }
}
