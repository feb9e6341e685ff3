import ArgumentParser
import EventLog
import Foundation
import LMDB
import Projections
import SchoolService

extension ViewFormat: ExpressibleByArgument {}

/// Options of every command that reads views: the store, the school, the format.
struct ViewOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The school (default: the only school in the store).", valueName: "id"))
    var school: String?

    @Option(help: "text (aligned tables), json (docs/views.md) or csv (for Excel: UTF-8 with BOM, ';').")
    var format: ViewFormat = .text

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    /// The school's log with its projections caught up with it.
    func openViews() throws -> SchoolViews {
        let store = try self.store.openStore()
        let schools = try store.schoolIDs()
        let id: String
        if let school {
            id = school
        } else if schools.count == 1 {
            id = schools[0]
        } else if schools.isEmpty {
            throw CommandFailure("\(store.path) holds no school log yet")
        } else {
            throw CommandFailure("the store holds several schools; name one with --school: \(schools.joined(separator: ", "))")
        }
        return try SchoolViews.open(store: store, school: id)
    }

    /// Every school of the store, each caught up (for district reports).
    func openAll() throws -> [SchoolViews] {
        let store = try self.store.openStore()
        let schools = try school.map { [$0] } ?? store.schoolIDs()
        guard !schools.isEmpty else { throw CommandFailure("\(store.path) holds no school log yet") }
        return try schools.map { try SchoolViews.open(store: store, school: $0) }
    }

    func write(_ view: some RenderableView) throws {
        try writeView(view, as: format, to: out)
    }
}

/// Renders a view (a school's or the district's) to standard output or a file.
func writeView(_ view: some RenderableView, as format: ViewFormat, to path: String?) throws {
    let sink = try OutputSink(path: path)
    defer { sink.close() }
    do {
        sink.write(try view.rendered(as: format))
    } catch {
        throw CommandFailure("cannot write the view: \(error)")
    }
}

/// One school's log and projections, caught up.
struct SchoolViews {
    let school: OpenSchool
    var log: EventLog { school.log }
    var runner: ProjectionRunner { school.views }

    static func open(store: Store, school id: String) throws -> SchoolViews {
        return try asCommandFailure {
            // A store this user may not write (read-only media, another owner) is
            // read as it stands: its views must already be up to the log's head.
            let readOnly = !EventLog.isWritable(at: store.logPath(school: id))
            let cannotUpdate = "and \(store.path) may not be written here to bring them up to date; run this command "
                + "as the store's owner once, or on a writable copy"
            let school: OpenSchool
            do {
                school = try OpenSchool.open(store: store, school: id, readOnly: readOnly)
            } catch let error as LMDBError where error == .notFound && readOnly {
                throw CommandFailure("the views of \(id) have never been built, " + cannotUpdate)
            }
            do {
                let behind = try school.log.head() - school.views.position
                if readOnly && behind > 0 {
                    throw CommandFailure("the views of \(id) are \(behind) events behind its log, " + cannotUpdate)
                }
                let bar = ProgressBar(total: behind, unit: "events", label: "updating views of \(id)")
                // A short catch-up needs no bar: it would only flicker.
                try school.catchUpViews { done, _ in if behind > 50_000 { bar.update(done) } }
                bar.finish()
            } catch {
                school.close()
                throw error
            }
            return SchoolViews(school: school)
        }
    }

    /// Runs a query over the live views; view errors become one-line failures.
    func read<R>(_ body: (any ViewSource) throws -> R) throws -> R {
        do {
            return try school.read(body)
        } catch let error as ViewError {
            throw CommandFailure(error.description)
        }
    }

    func close() { school.close() }
}

/// Parses `YYYY-MM-DD` or `DD.MM.YYYY`.
func parseDate(_ text: String, option: String) throws -> Day {
    if let date = CivilDate(iso: text) { return date.daysSinceEpoch }
    let parts = text.split(separator: ".")
    if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
       let date = CivilDate(year: y, month: m, day: d) {
        return date.daysSinceEpoch
    }
    throw ValidationError("\(option): \"\(text)\" is not a date; write 2024-09-20 or 20.09.2024")
}
