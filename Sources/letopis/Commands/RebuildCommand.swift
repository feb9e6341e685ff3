import ArgumentParser
import Foundation
import Projections

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the views from the log, from zero.",
        discussion: """
            Empties the projections' tables and replays the school's whole log into them; each
            batch of events and the new position are written in one transaction. Rarely needed:
            every view command catches up by itself, and a projector whose code changed is rebuilt
            automatically. Prints each projector's position and the digest of its state, which is
            the same for the same log however the views were built.

            Examples:
              letopis rebuild
              letopis rebuild --projector journal --school sch-0001
            """
    )

    @OptionGroup var options: ViewOptions

    @Option(help: ArgumentHelp("Only this projector: \(Projections.all.map(\.name).joined(separator: ", ")).",
                               valueName: "name"))
    var projector: String?

    func validate() throws {
        if let projector, Projections.projector(named: projector) == nil {
            throw ValidationError("unknown projector \"\(projector)\"; known: \(Projections.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        let views = try options.openViews()
        defer { views.close() }
        let head = try views.log.head()
        let bar = ProgressBar(total: head, unit: "events", label: "rebuilding \(views.log.school)")
        let progress = try views.runner.rebuild(projector.map { [$0] }) { done, _ in bar.update(done) }
        bar.finish()
        print(String(format: "rebuilt in %.1f s (%.0f events/s)", progress.seconds, progress.eventsPerSecond))
        for status in views.runner.status() where projector == nil || status.name == projector {
            print("\(status.name) v\(status.version): at #\(status.position), digest \(try views.runner.digest(of: status.name))")
        }
    }
}
