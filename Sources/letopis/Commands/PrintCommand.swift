import ArgumentParser
import Audit
import Dispatch
import EventLog
import Foundation
import Printing
import Projections
import Synchronization

struct PrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print the year-end books of the school as PDF.",
        subcommands: [PrintJournalCommand.self]
    )
}

/// What `print journal` and `verify-print` share: the store, the school, the log position.
struct PrintOptions: ParsableArguments {
    @OptionGroup var school: SchoolOptions

    @Option(name: .customLong("at"), help: ArgumentHelp(
        "The log position (number of events) to print from or verify against; default: the head when printing.",
        discussion: "The checkpoint of that size is used, or signed and recorded when the school has a key.",
        valueName: "seq"))
    var at: UInt64?

    @Option(name: .customLong("checkpoint"), help: ArgumentHelp("The same as --at: a checkpoint's size.", valueName: "size"))
    var checkpoint: UInt64?

    @Option(help: ArgumentHelp("The academic year (its first calendar year); default: the latest.", valueName: "year"))
    var year: Int?

    /// The log and the views at the position; with `sign`, the checkpoint of
    /// that size is signed and recorded when it was not.
    func open(position override: UInt64? = nil, sign: Bool = true) throws -> (EventLog, PrintSource) {
        let store = try school.storeOptions.openStore()
        let id = try school.schoolID(in: store)
        return try asCommandFailure {
            let log = try store.openLog(school: id)
            let signer = sign ? try SchoolKeys.signerIfPresent(store: store, school: id) : nil
            return (log, try PrintSource(log: log, signer: signer, position: override ?? at ?? checkpoint))
        }
    }
}

struct PrintJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Print a class's journal for the year as a PDF book, every page checkable against the log.",
        discussion: """
            The book (A4 landscape): title page, contents, per subject the grid of marks and
            attendance (students × lesson dates, period finals) and the lessons (date, topic,
            homework, teacher, signature), the summary sheet of finals, the attendance summary, the
            corrections made during the year, and the certification page with the number of sheets.
            Every page carries «Лист k из N», the log position and Merkle root of the checkpoint it
            was printed from, and a digest of its content; letopis verify-print checks a page.
            See docs/printing.md.

            Examples:
              letopis print journal --class 5А --year 2024 --out 5А.pdf
              letopis print journal --all --year 2024 --out books/
              letopis print journal --class 5А --at 812345 --out 5А.pdf
            """
    )

    @OptionGroup var options: PrintOptions

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class"))
    var className: String?

    @Flag(help: "Every class of the year, one PDF each, into the directory --out.")
    var all = false

    @Option(help: ArgumentHelp("The PDF file; with --all, the directory.", valueName: "path"))
    var out: String

    func validate() throws {
        if (className == nil) == !all { throw ValidationError("name a class (--class 5А) or print every class (--all)") }
    }

    func run() throws {
        let started = Date()
        let (log, source) = try options.open()
        defer { log.close() }
        let stamp = source.stamp
        let note = stamp.signedAt.map { "signed \($0)" } ?? "not signed: the school has no key"
        FileHandle.standardError.write(Data("\(stamp.school): printing from #\(stamp.position), root \(stamp.root) (\(note))\n".utf8))
        try asCommandFailure {
            guard all else {
                let klass = try source.resolveClass(className!, year: options.year)
                let book = try source.book(class: klass)
                let report = try PDFRenderer.write(book, to: out)
                warnOverflow(report, klass.name)
                print("\(out): \(klass.name), \(report.pages) \(BookLayout.sheets(report.pages))")
                return
            }
            let classes = try source.classes(year: options.year)
            guard !classes.isEmpty else { throw CommandFailure("no classes in \(options.year.map(String.init) ?? "the store")") }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let results = Mutex([(String, Result<PDFRenderer.Report, any Error>)?](repeating: nil, count: classes.count))
            let next = Atomic(0)
            // Books are independent: a few workers, each taking the next class.
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, classes.count, 8))
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < classes.count else { return }
                    let klass = classes[index]
                    let path = (out as NSString).appendingPathComponent("\(klass.name).pdf")
                    let result = Result { try PDFRenderer.write(try source.book(class: klass), to: path) }
                    results.withLock { $0[index] = (path, result) }
                }
            }
            var pages = 0
            for (index, entry) in results.withLock({ $0 }).enumerated() {
                guard let (path, result) = entry else { continue }
                let report = try result.get()
                warnOverflow(report, classes[index].name)
                pages += report.pages
                print("\(path): \(report.pages) \(BookLayout.sheets(report.pages))")
            }
            let seconds = Date().timeIntervalSince(started)
            print(String(format: "%d books, %d pages in %.1f s", classes.count, pages, seconds))
        }
    }

    private func warnOverflow(_ report: PDFRenderer.Report, _ name: String) {
        guard !report.overflows.isEmpty else { return }
        let pages = report.overflows.map(String.init).joined(separator: ", ")
        FileHandle.standardError.write(Data("letopis: warning: \(name): content reaches the footer on pages \(pages)\n".utf8))
    }
}

struct VerifyPrintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-print",
        abstract: "Check a printed page of a journal book against the log.",
        discussion: """
            Recomputes the class's book from the log at the position printed in the page's footer
            (--at, or read from the PDF with --pdf) and compares the page's digest («Отпечаток
            листа») with the one given (or read from the PDF). Exit status 0: the page matches;
            1: it does not (or the page does not exist).

            Examples:
              letopis verify-print --class 5А --year 2024 --page 12 --digest 3f9a0c17e2b4 --at 812345
              letopis verify-print --class 5А --year 2024 --page 12 --pdf 5А.pdf
            """
    )

    @OptionGroup var options: PrintOptions

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class"))
    var className: String

    @Option(help: "The page number («Лист k»).")
    var page: Int

    @Option(help: ArgumentHelp("The page's digest as printed («Отпечаток листа»), at least 8 hex digits.", valueName: "hex"))
    var digest: String?

    @Option(help: ArgumentHelp("Read the position and, without --digest, the digest from this PDF (pdftotext).", valueName: "file"))
    var pdf: String?

    func validate() throws {
        if digest == nil && pdf == nil { throw ValidationError("give the printed digest (--digest) or the PDF (--pdf)") }
        if pdf == nil && options.at == nil && options.checkpoint == nil {
            throw ValidationError("give the log position printed in the footer (--at) or the PDF (--pdf)")
        }
    }

    func run() throws {
        var position = options.at ?? options.checkpoint
        var printed = digest
        if let pdf {
            let footer = try PrintedFooter.read(pdf: pdf, page: page)
            position = position ?? footer.position
            printed = printed ?? footer.digest
        }
        let (log, source) = try options.open(position: position, sign: false)
        defer { log.close() }
        try asCommandFailure {
            let klass = try source.resolveClass(className, year: options.year)
            let check = try source.verify(class: klass, page: page, digest: printed ?? "")
            print(check.message)
            if !check.matches { throw CommandFailure("page \(page) of \(klass.name) does not match the log", exitCode: 1) }
        }
    }
}

/// The footer of a printed page as pdftotext reads it back.
enum PrintedFooter {
    static func read(pdf: String, page: Int) throws -> (position: UInt64, digest: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pdftotext", "-f", String(page), "-l", String(page), pdf, "-"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CommandFailure("cannot run pdftotext (poppler-utils): \(error)")
        }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandFailure("pdftotext could not read page \(page) of \(pdf)") }
        let joined = text.replacingOccurrences(of: "\n", with: " ")
        guard let position = joined.firstMatch(of: /позиция #(\d+)/).flatMap({ UInt64($0.1) }),
              let digest = joined.firstMatch(of: /Отпечаток листа: ([0-9a-f]+)/).map({ String($0.1) }) else {
            throw CommandFailure("page \(page) of \(pdf) has no footer with a log position and a digest")
        }
        return (position, digest)
    }
}
