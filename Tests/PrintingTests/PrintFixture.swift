import Audit
import EventLog
import Foundation
import Printing
import ProgramRunner
import Projections
import Testing

/// A small demo school year made once by the built `letopis demo`, and the
/// tools that read PDFs back (poppler-utils).
enum PrintFixture {
    static let binary = ProgramRunner.letopis

    static let directory = NSTemporaryDirectory() + "letopis-print-\(UUID().uuidString)"

    /// 40 students of grade 5 over six weeks: two classes, groups, corrections.
    static let store: String = {
        let path = directory + "/store"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let run = try! PrintFixture.run(binary, ["demo", "--store", path, "--students", "40", "--grades", "5", "--weeks", "6"])
        precondition(run.status == 0, "letopis demo failed: \(run.err)")
        atexit { try? FileManager.default.removeItem(atPath: PrintFixture.directory) }
        return path
    }()

    static func run(_ program: String, _ arguments: [String]) throws -> ProgramRun {
        try ProgramRunner.run(program, arguments, environment: ["LETOPIS_STORE": nil])
    }

    /// The text of a PDF (or of one page) in the order it was drawn: cell by
    /// cell, so a wrapped cell's lines follow each other.
    static func text(_ pdf: String, page: Int? = nil) throws -> String {
        let pages = page.map { ["-f", String($0), "-l", String($0)] } ?? []
        return try run("pdftotext", ["-raw"] + pages + [pdf, "-"]).out
    }

    static func pageCount(_ pdf: String) throws -> Int? {
        let info = try run("pdfinfo", [pdf]).out
        return info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// Runs `body` with the store's only school log and a print source at its head.
    static func withSource<R>(position: UInt64? = nil, _ body: (EventLog, PrintSource) throws -> R) throws -> R {
        let store = try Store.open(at: Self.store)
        let school = try store.schoolIDs()[0]
        let log = try store.openLog(school: school)
        defer { log.close() }
        let signer = try SchoolKeys.signerIfPresent(store: store, school: school)
        return try body(log, try PrintSource(log: log, signer: signer, position: position))
    }

    static func temporaryPDF(_ name: String) -> String { directory + "/\(name)-\(UUID().uuidString).pdf" }
}

extension String {
    /// Runs of white space as one space: pdftotext breaks wrapped lines where the PDF does.
    var collapsed: String { split(whereSeparator: \.isWhitespace).joined(separator: " ") }
}
