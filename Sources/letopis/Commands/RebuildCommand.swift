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

            With --all-schools, rebuilds every school of the store, --jobs schools at a time (each
            school's log is a store of its own, so they run side by side).

            Examples:
              letopis rebuild
              letopis rebuild --projector journal --school sch-0001
              letopis rebuild --all-schools --jobs 2
            """
    )

    @OptionGroup var options: ViewOptions

    @Option(help: ArgumentHelp("Only this projector: \(Projections.all.map(\.name).joined(separator: ", ")).",
                               valueName: "name"))
    var projector: String?

    @Flag(help: "Rebuild every school of the store, not one.")
    var allSchools = false

    @Option(help: ArgumentHelp("With --all-schools: how many schools to rebuild at once (default: the processors).",
                               valueName: "n"))
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if let projector, Projections.projector(named: projector) == nil {
            throw ValidationError("unknown projector \"\(projector)\"; known: \(Projections.all.map(\.name).joined(separator: ", "))")
        }
        if allSchools && options.school != nil { throw ValidationError("--all-schools and --school exclude each other") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }

    func run() throws {
        if allSchools { return try rebuildAll() }
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

    private func rebuildAll() throws {
        let store = try options.store.openStore()
        let schools = try asCommandFailure { try store.schoolIDs() }
        guard !schools.isEmpty else { throw CommandFailure("\(store.path) holds no school log yet") }
        let total = try asCommandFailure {
            try schools.reduce(UInt64(0)) { sum, school in
                let log = try store.openLog(school: school)
                defer { log.close() }
                return sum + (try log.head())
            }
        }
        let bar = ProgressBar(total: total, unit: "events", label: "rebuilding \(schools.count) schools")
        let started = DispatchTime.now().uptimeNanoseconds
        let outcomes = try asCommandFailure {
            try SchoolsRebuild.run(store: store, schools: schools, jobs: jobs, projectors: projector.map { [$0] }) {
                bar.update($0)
            }
        }
        bar.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        for outcome in outcomes {
            print(String(format: "%@: %@ events in %.1f s", outcome.school, grouped(outcome.events), outcome.seconds))
        }
        print(String(format: "rebuilt the views of %d school%@, %@ events, in %.1f s (%.0f events/s, %d at a time)",
                     outcomes.count, outcomes.count == 1 ? "" : "s", grouped(total), seconds, Double(total) / seconds,
                     min(jobs, schools.count)))
    }
}
