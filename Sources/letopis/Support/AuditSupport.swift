import ArgumentParser
import Audit
import EventLog
import Foundation
import Projections
import SchoolService

/// After a command recorded events: signs the checkpoints due (a period closed,
/// a backup recorded) and extends the audit index. A failure here never fails
/// the command (its events are recorded); it is reported on standard error and
/// the next command catches up.
func reportAuditTrail(_ school: OpenSchool) {
    let (signed, warning) = school.updateAuditTrail()
    if let warning { FileHandle.standardError.write(Data("letopis: warning: \(warning)\n".utf8)) }
    for checkpoint in signed {
        FileHandle.standardError.write(Data("letopis: signed checkpoint of \(checkpoint.size) events, root \(checkpoint.root.hex)\n".utf8))
    }
}

/// `--as-of` of the view commands.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Show the view as it stood at an earlier point: a sequence number (12345) or a date-time.",
        discussion: """
            A date-time means the longest prefix of the log whose events were all recorded at or \
            before it (2024-10-01 is the end of that day; 2024-10-01T14:30 is Moscow time unless it \
            ends in Z or +HH:MM). The view is rebuilt in memory from the log; the live views are not read.
            """, valueName: "point"))
    var asOf: String?

    func point() throws -> AsOfPoint? {
        guard let asOf else { return nil }
        guard let point = AsOfPoint.parse(asOf) else {
            throw ValidationError("--as-of: \"\(asOf)\" is neither a sequence number nor a date-time (2024-10-01T14:30)")
        }
        return point
    }
}

extension ViewOptions {
    /// The school the options name (or the store's only school).
    private func schoolID(in store: Store) throws -> String {
        let schools = try store.schoolIDs()
        guard let id = school ?? (schools.count == 1 ? schools.first : nil) else {
            throw CommandFailure(schools.isEmpty ? "\(store.path) holds no school log yet"
                                 : "the store holds several schools; name one with --school: \(schools.joined(separator: ", "))")
        }
        return id
    }

    /// Runs `body` on the views as of `point`; view errors become one-line failures.
    func asOf<R>(_ point: AsOfPoint, _ body: (AsOfViews) throws -> R) throws -> R {
        let store = try self.store.openStore()
        return try asOf(point, store: store, school: try schoolID(in: store), body)
    }

    /// The same for every school of the store with `district`, else for the one school.
    func asOfEach<R>(_ point: AsOfPoint, district: Bool, _ body: (AsOfViews) throws -> R) throws -> [R] {
        let store = try self.store.openStore()
        let ids = district ? try school.map { [$0] } ?? store.schoolIDs() : [try schoolID(in: store)]
        return try ids.map { try asOf(point, store: store, school: $0, body) }
    }

    private func asOf<R>(_ point: AsOfPoint, store: Store, school id: String, _ body: (AsOfViews) throws -> R) throws -> R {
        let log: EventLog
        do {
            // The audit index is kept up on the way when the store may be written.
            let readOnly = !EventLog.isWritable(at: store.logPath(school: id))
            log = try store.openLog(school: id, options: .init(readOnly: readOnly))
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { log.close() }
        do {
            let views = try AsOfViews(log: log, at: point)
            // On standard error, so that the view itself stays clean for files and pipes.
            FileHandle.standardError.write(Data("\(id): as of event #\(views.position) of \(try log.head())\n".utf8))
            return try body(views)
        } catch let error as ViewError {
            throw CommandFailure(error.description)
        } catch let error as AuditError {
            throw CommandFailure(error.description)
        }
    }
}

/// Output of the audit commands: text for people, JSON for programs.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct AuditOutput: ParsableArguments {
    @Option(help: "text (for people) or json (keys sorted, one document).")
    var format: AuditFormat = .text

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func write(text: () -> String, json: () -> Data) throws {
        let sink = try OutputSink(path: out)
        defer { sink.close() }
        switch format {
        case .text: sink.write(text())
        case .json:
            sink.write(json())
            sink.write("\n")
        }
    }
}

func auditJSON(_ value: some Encodable) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    return (try? encoder.encode(value)) ?? Data("{}".utf8)
}

/// The school's log for an audit command, read-only unless `writable`.
func openAuditLog(_ options: SchoolOptions, writable: Bool = false) throws -> (Store, EventLog) {
    let store = try options.storeOptions.openStore()
    let id = try options.schoolID(in: store)
    do {
        return (store, try store.openLog(school: id, options: .init(readOnly: !writable)))
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// A point given to an audit command: for --from a bare date is the start of
/// that day, for --to and --as-of its end.
func parsePoint(_ text: String, option: String) throws -> AsOfPoint {
    guard let point = AsOfPoint.parse(text, dayStart: option == "--from") else {
        throw ValidationError("\(option): \"\(text)\" is neither a sequence number nor a date-time (2024-10-01T14:30)")
    }
    return point
}
