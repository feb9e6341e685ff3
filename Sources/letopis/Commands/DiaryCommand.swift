import ArgumentParser
import Foundation
import Projections

struct DiaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diary",
        abstract: "Show one week of a student's diary, Monday to Saturday.",
        discussion: """
            Each day's lessons in slot order: subject, topic, homework due that day, marks with
            their work type, attendance; and whether a parent acknowledged the week.

            Example:
              letopis diary --student S0012 --week 2024-09-02
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The student's id, e.g. S0012.")
    var student: String

    @Option(help: "Any date of the week (YYYY-MM-DD or DD.MM.YYYY); default: this week.")
    var week: String?

    func run() throws {
        if let point = try asOf.point() {
            try options.write(try options.asOf(point) { views in
                try views.views.diary(student: student, week: try week.map { try parseDate($0, option: "--week") } ?? views.today)
            })
            return
        }
        let views = try options.openViews()
        defer { views.close() }
        let date = try week.map { try parseDate($0, option: "--week") } ?? Today.day
        try options.write(try views.read { try DiaryWeek.query($0, student: student, week: date) })
    }
}
