import ArgumentParser
import Foundation
import Projections

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Show the class journal of a class or group, one subject and one reporting period.",
        discussion: """
            Lessons (date, slot, topic, homework, teacher), the students (alphabetically, with the
            dates they were in the class) × lessons grid of marks and attendance codes, period
            finals, each student's average and weighted average, and the lessons still missing a
            topic or the roll. The views are first brought up to date with the log.

            A class is named as printed (5А, in the latest year that has it) or by id (2024-5А);
            a group by id or as class/group (5А/англ-1), and its subject is then the default.
            Subject and period take an id or a name; the period defaults to the current one.

            Examples:
              letopis journal --class 5А --subject Математика --period "1 четверть"
              letopis journal --group 5А/англ-1 --period 2024-T1 --format csv --out journal.csv
              letopis journal --class 5А --subject Математика --period 2024-T1 --as-of 2024-10-01T18:00
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class"))
    var className: String?

    @Option(help: ArgumentHelp("A group instead of a class: 2024-5А/англ-1 or 5А/англ-1.", valueName: "group"))
    var group: String?

    @Option(help: "The subject: id, name or short name.")
    var subject: String?

    @Option(help: "The reporting period: id (2024-T1) or name («1 четверть»); default: the current one.")
    var period: String?

    func validate() throws {
        if className == nil && group == nil { throw ValidationError("name a class (--class 5А) or a group (--group 5А/англ-1)") }
        if className != nil && group != nil { throw ValidationError("--class and --group exclude each other") }
    }

    func run() throws {
        if let point = try asOf.point() {
            try options.write(try options.asOf(point) {
                try $0.views.classJournal(class: className, group: group, subject: subject, period: period)
            })
            return
        }
        let views = try options.openViews()
        defer { views.close() }
        let journal = try views.read {
            try ClassJournal.query($0, class: className, group: group, subject: subject, period: period)
        }
        try options.write(journal)
    }
}
