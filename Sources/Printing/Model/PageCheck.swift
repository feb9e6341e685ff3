import Foundation

/// The result of checking a printed page against the book recomputed from the log.
public struct PageCheck: Sendable, Equatable {
    public var page: Int
    public var pageCount: Int
    public var printed: String
    /// The full digest recomputed from the log; nil when the book has no such page.
    public var expected: String?
    public var stamp: BookStamp
    /// Another page of the book with the printed digest (a mistyped page number).
    public var otherPage: Int?

    public var matches: Bool {
        guard let expected, printed.count >= 8 else { return false }
        return expected.hasPrefix(printed.lowercased())
    }

    /// Russian first, as the paper is; then English for the log.
    public var message: String {
        let at = "позиция #\(stamp.position), корень Меркла \(stamp.root.prefix(16))…"
        guard let expected else {
            return "Лист \(page) не существует: в журнале \(pageCount) \(BookLayout.sheets(pageCount)) (\(at)). "
                + "Page \(page) does not exist: the book has \(pageCount) pages."
        }
        if printed.count < 8 {
            return "Отпечаток \(printed) слишком короткий: нужно не меньше 8 знаков. The digest must have at least 8 hex digits."
        }
        if matches {
            return "Лист \(page) из \(pageCount) совпадает с журналом событий (\(at)): отпечаток \(expected.prefix(JournalBook.digestLength)). "
                + "Page \(page) of \(pageCount) matches the log."
        }
        let other = otherPage.map { " Такой отпечаток у листа \($0) (page \($0) has it)." } ?? ""
        return "Лист \(page) из \(pageCount) НЕ совпадает с журналом событий (\(at)): напечатано \(printed), "
            + "по журналу событий \(expected.prefix(JournalBook.digestLength)). Page \(page) does NOT match the log." + other
    }
}

extension JournalBook {
    /// Checks a digest read off page `page` against this book.
    public func check(page: Int, digest printed: String) -> PageCheck {
        let given = printed.trimmingCharacters(in: .whitespaces).lowercased()
        let expected = page >= 1 && page <= pageCount ? fullDigest(page: page) : nil
        var check = PageCheck(page: page, pageCount: pageCount, printed: given, expected: expected, stamp: stamp)
        if !check.matches, given.count >= 8 {
            check.otherPage = (1...max(1, pageCount)).first { $0 != page && $0 <= pageCount && fullDigest(page: $0).hasPrefix(given) }
        }
        return check
    }
}
