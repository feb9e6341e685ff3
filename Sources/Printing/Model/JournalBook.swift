import Crypto
import Foundation

/// The log state a book was printed from: the checkpoint's tree size and
/// Merkle root. Every page names it, and every page digest covers it.
public struct BookStamp: Sendable, Equatable {
    public var school: String
    /// The number of events of the log the book shows.
    public var position: UInt64
    /// The Merkle root of those events, hex.
    public var root: String
    /// When the checkpoint was signed (ISO 8601 UTC); nil for a store without a key.
    public var signedAt: String?

    public init(school: String, position: UInt64, root: String, signedAt: String?) {
        self.school = school
        self.position = position
        self.root = root
        self.signedAt = signedAt
    }
}

/// The year's journal of one class, page by page, as it is printed and as
/// `verify-print` recomputes it: each page's digest is over its data, not the PDF.
public struct JournalBook: Sendable {
    public var schoolName: String
    public var classID: String, className: String
    public var year: Int
    public var stamp: BookStamp
    public var pages: [BookPage]

    /// Hex digits of a page digest printed on the page.
    public static let digestLength = 12

    public var pageCount: Int { pages.count }

    /// «2024/2025».
    public var yearTitle: String { "\(year)/\(year + 1)" }

    /// What the page digest is computed over: the page's kind, number and
    /// data, with the book's identity and log position, one field a line.
    public func canonicalText(page number: Int) -> String {
        let page = pages[number - 1]
        var out = "letopis-journal-page-v1\n"
        out += "school\t\(clean(stamp.school))\nclass\t\(clean(classID))\nposition\t\(stamp.position)\nroot\t\(stamp.root)\n"
        out += "page\t\(number)\t\(pageCount)\nkind\t\(page.kind.rawValue)\nheading\t\(clean(page.heading))\n"
        for line in page.lines { out += "line\t\(clean(line.text))\n" }
        if let table = page.table {
            for group in table.groups { out += "group\t\(group.span)\t\(clean(group.title))\n" }
            out += "columns\t" + table.columns.map { clean($0.title) }.joined(separator: "\t") + "\n"
            for row in table.rows { out += "row\t" + row.map(clean).joined(separator: "\t") + "\n" }
        }
        return out
    }

    /// SHA-256 of the canonical text, hex, all 64 digits.
    public func fullDigest(page number: Int) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in SHA256.hash(data: Data(canonicalText(page: number).utf8)) {
            out += [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The digest printed on the page: the first `digestLength` hex digits.
    public func digest(page number: Int) -> String {
        String(fullDigest(page: number).prefix(Self.digestLength))
    }

    /// The two footer lines every page carries.
    public func footer(page number: Int) -> (left: String, right: String, stamp: String) {
        let signed = stamp.signedAt.map { "контрольная точка подписана \(Self.moment($0))" } ?? "контрольная точка не подписана"
        return (
            "Классный журнал \(className) · \(yearTitle) учебный год · \(schoolName)",
            "Лист \(number) из \(pageCount)",
            "Журнал событий \(stamp.school): позиция #\(stamp.position), корень Меркла \(stamp.root), \(signed) · "
                + "Отпечаток листа: \(digest(page: number))")
    }

    /// Tabs and line breaks would blur the fields of the canonical text.
    private func clean(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A }) else { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `2025-05-31T09:00:00.000000Z` as «31.05.2025 09:00 UTC».
    static func moment(_ iso: String) -> String {
        let chars = Array(iso)
        guard chars.count >= 16 else { return iso }
        let s = { (a: Int, b: Int) in String(chars[a..<b]) }
        return "\(s(8, 10)).\(s(5, 7)).\(s(0, 4)) \(s(11, 16)) UTC"
    }
}
