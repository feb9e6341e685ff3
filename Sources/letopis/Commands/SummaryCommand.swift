import ArgumentParser
import Foundation
import Projections

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show the summary sheet of final grades of a class: students × subjects × periods and the year.",
        discussion: """
            Example:
              letopis summary --class 5А --format csv --out summary-5A.csv
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class"))
    var className: String

    func run() throws {
        if let point = try asOf.point() {
            try options.write(try options.asOf(point) { try $0.views.summary(class: className) })
            return
        }
        let views = try options.openViews()
        defer { views.close() }
        try options.write(try views.read { try SummarySheet.query($0, class: className) })
    }
}
