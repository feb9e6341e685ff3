import EventLog
import Foundation
import Printing
import Projections
import Testing

/// The books of a small generated school year, printed and read back with
/// poppler-utils; the page digests recomputed and checked.
@Suite(.serialized) struct JournalBookTests {
    @Test func theBookShowsTheStudentsMarksAndTheRightNumberOfSheets() throws {
        let pdf = PrintFixture.temporaryPDF("5А")
        let (book, year) = try PrintFixture.withSource { _, source in
            let klass = try source.resolveClass("5А", year: 2024)
            return (try source.book(class: klass), try source.read { try ClassYear.gather($0, class: klass) })
        }
        let report = try PDFRenderer.write(book, to: pdf)
        #expect(report.overflows.isEmpty, "pages whose content runs into the footer: \(report.overflows)")
        let n = book.pageCount
        #expect(report.pages == n)
        #expect(try PrintFixture.pageCount(pdf) == n)

        let text = try PrintFixture.text(pdf)
        let flat = text.collapsed
        #expect(flat.contains("КЛАССНЫЙ ЖУРНАЛ"))
        #expect(flat.contains("В журнале пронумеровано, прошнуровано и скреплено печатью \(n) \(BookLayout.sheets(n))"))
        #expect(flat.contains("Лист \(n) из \(n)"))
        let math = try #require(year.sections.first { $0.journal.subject.name == "Математика" })
        #expect(math.journal.students.count > 5)
        for student in math.journal.students {
            let surnameAndName = student.name.split(separator: " ").prefix(2).joined(separator: " ")
            #expect(flat.contains(surnameAndName), "\(surnameAndName) is in the book")
        }
        // The first student's row of the first maths sheet: the journal's marks and codes, in order.
        let gridPage = try #require(book.pages.first { $0.kind == .grid && $0.heading.hasPrefix("Математика") })
        let row = try #require(gridPage.table?.rows.first)
        let first = math.journal.students[0]
        for (i, cell) in first.cells.prefix(5).enumerated() {
            for mark in cell.marks { #expect(row[2 + i].contains(mark.value)) }
            if let code = cell.attendance { #expect(row[2 + i].contains(code)) }
        }
        #expect(math.journal.students.contains { $0.cells.contains { !$0.marks.isEmpty } })
        let pageText = try PrintFixture.text(pdf, page: gridPage.number).collapsed
        #expect(pageText.contains(row.filter { !$0.isEmpty }.joined(separator: " ")), "the row \(row) on sheet \(gridPage.number)")
        // Every page says which sheet it is and carries its digest.
        for page in book.pages.prefix(4) {
            let one = try PrintFixture.text(pdf, page: page.number).collapsed
            #expect(one.contains("Лист \(page.number) из \(n)"))
            #expect(one.contains("Отпечаток листа: \(book.digest(page: page.number))"))
            #expect(one.contains("позиция #\(book.stamp.position)"))
        }
        // The corrections of the year are listed.
        #expect(!year.changes.entries.isEmpty)
        #expect(flat.contains("Исправления, внесённые в журнал"))
        #expect(flat.contains(year.changes.entries[0].reason))
    }

    @Test func aPageDigestIsAcceptedAndAChangedOneRefused() throws {
        try PrintFixture.withSource { log, source in
            let klass = try source.resolveClass("5А", year: 2024)
            let book = try source.book(class: klass)
            let page = book.pages.first { $0.kind == .lessons }!.number
            let digest = book.digest(page: page)
            #expect(try source.verify(class: klass, page: page, digest: digest).matches)
            #expect(try source.verify(class: klass, page: page, digest: digest.uppercased()).matches)
            var changed = Array(digest)
            changed[3] = changed[3] == "0" ? "1" : "0"
            let refused = try source.verify(class: klass, page: page, digest: String(changed))
            #expect(!refused.matches)
            #expect(refused.message.contains("НЕ совпадает"))
            #expect(!(try source.verify(class: klass, page: book.pageCount + 1, digest: digest).matches))
            // Another page's digest does not fit this page, and the check says whose it is.
            let misplaced = try source.verify(class: klass, page: page + 1, digest: digest)
            #expect(!misplaced.matches)
            #expect(misplaced.otherPage == page)

            // The views replayed from the log alone give the same pages as the live ones.
            let replayed = try Projections.replay(log: log, through: source.stamp.position)
            let again = BookLayout.book(try ClassYear.gather(replayed, class: klass), stamp: source.stamp)
            #expect(again.pageCount == book.pageCount)
            #expect((1...book.pageCount).allSatisfy { again.digest(page: $0) == book.digest(page: $0) })
        }
    }

    @Test func aPageOfAnEarlierPositionIsRecomputedFromTheLog() throws {
        let head = try PrintFixture.withSource { _, source in source.stamp.position }
        let earlier = head - 500
        let (book, klass) = try PrintFixture.withSource(position: earlier) { _, source in
            let klass = try source.resolveClass("5А", year: 2024)
            return (try source.book(class: klass), klass)
        }
        #expect(book.stamp.position == earlier)
        let there = try PrintFixture.withSource(position: earlier) { _, source in
            try source.verify(class: klass, page: 3, digest: book.digest(page: 3))
        }
        #expect(there.matches)
        // At the head the same sheet differs: the footer's position is part of its digest.
        let atHead = try PrintFixture.withSource { _, source in
            try source.verify(class: klass, page: 3, digest: book.digest(page: 3))
        }
        #expect(!atHead.matches)
    }

    @Test func aLongTopicWrapsInItsCellAndIsPrintedWhole() throws {
        let topic = (1...12).map { "Повторение и обобщение материала раздела номер \($0) с решением задач" }.joined(separator: ", ")
        let (gathered, stamp) = try PrintFixture.withSource { _, source in
            (try source.read { try ClassYear.gather($0, class: try ClassYear.resolveClass($0, "5А", year: 2024)) }, source.stamp)
        }
        var year = gathered
        year.sections[0].journal.lessons[0].topic = topic
        let book = BookLayout.book(year, stamp: stamp)
        let pdf = PrintFixture.temporaryPDF("long")
        let report = try PDFRenderer.write(book, to: pdf)
        #expect(report.overflows.isEmpty)
        let page = try #require(book.pages.first { $0.kind == .lessons })
        #expect(page.table?.rows.first?[2] == topic)
        // In content order the topic's lines follow each other: whole once joined, on no single line.
        let raw = try PrintFixture.text(pdf, page: page.number)
        #expect(raw.collapsed.contains(topic))
        #expect(!raw.split(separator: "\n").contains { $0.contains(topic) })
    }

    @Test func theCommandLinePrintsAndVerifiesAPage() throws {
        let pdf = PrintFixture.temporaryPDF("cli")
        let store = PrintFixture.store
        let printed = try PrintFixture.run(PrintFixture.binary, ["print", "journal", "--store", store, "--class", "5А",
                                                                 "--year", "2024", "--out", pdf])
        #expect(printed.status == 0, "\(printed.err)")
        let ok = try PrintFixture.run(PrintFixture.binary, ["verify-print", "--store", store, "--class", "5А",
                                                            "--year", "2024", "--page", "3", "--pdf", pdf])
        #expect(ok.status == 0, "\(ok.out) \(ok.err)")
        #expect(ok.out.contains("совпадает"))
        let footer = try PrintFixture.text(pdf, page: 3).collapsed
        let position = try #require(footer.firstMatch(of: /позиция #(\d+)/)).1
        let bad = try PrintFixture.run(PrintFixture.binary, ["verify-print", "--store", store, "--class", "5А",
                                                             "--page", "3", "--digest", "0123456789ab", "--at", String(position)])
        #expect(bad.status != 0)
        #expect(bad.out.contains("НЕ совпадает"))
    }
}

@Suite struct TextMetricsTests {
    @Test func sheetsAgreeWithTheNumber() {
        #expect(BookLayout.sheets(1) == "лист")
        #expect(BookLayout.sheets(22) == "листа")
        #expect(BookLayout.sheets(11) == "листов")
        #expect(BookLayout.sheets(245) == "листов")
    }

    @Test func wrappingCountsLines() {
        #expect(TextMetrics.lines("Натуральные числа", width: 280, size: 8) == 1)
        #expect(TextMetrics.lines(String(repeating: "слово ", count: 100), width: 280, size: 8) >= 6)
        #expect(TextMetrics.lines("a\nb", width: 280, size: 8) == 2)
    }
}
