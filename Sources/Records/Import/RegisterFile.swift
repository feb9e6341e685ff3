import CSV
import Foundation

/// A register as a school exports it from Excel: the text decoded whatever the
/// encoding, split into records by a CSV reader, each with the line of the file
/// it starts on (the header is line 1 when nothing stands above it).
public struct RegisterFile: Sendable {
    public enum TextEncoding: String, Sendable {
        case utf8 = "UTF-8"
        case utf8WithBOM = "UTF-8 (BOM)"
        case utf16 = "UTF-16"
        case windows1251 = "Windows-1251"
    }

    public struct Record: Sendable, Hashable {
        /// The line the record starts on, counting from 1. A cell holding a line
        /// break makes the next records' lines differ from Excel's row numbers.
        public var line: Int
        public var cells: [String]

        /// Excel writes rows of nothing but delimiters below the data.
        public var isBlank: Bool { cells.allSatisfy(\.isEmpty) }
    }

    public var encoding: TextEncoding
    public var delimiter: Character
    public var records: [Record]

    /// Decodes and splits `data`. Throws only when the bytes are no text at all.
    public init(data: Data) throws(ImportIssue) {
        let (text, encoding) = try Self.decode(Array(data))
        self.encoding = encoding
        delimiter = Self.delimiter(of: text)
        try Self.checkQuotes(text, delimiter: delimiter)
        records = Self.split(text, delimiter: delimiter)
    }

    /// A cell's quote left open takes every row after it into that cell: a quote
    /// still open at the end of the file, or one that swallows several lines with
    /// delimiters on them before it closes, is an error at the line it opened on —
    /// never rows quietly lost inside one cell.
    /// Read by Unicode scalars, as the CSV reader reads: a quote or a delimiter
    /// followed by a combining mark is one Character to Swift but still a quote or
    /// a delimiter to the reader.
    static func checkQuotes(_ text: String, delimiter: Character) throws(ImportIssue) {
        let delimiter = delimiter.unicodeScalars.first!
        var line = 1
        var fieldStart = true
        var opened: (line: Int, delimitedLines: Int, sawDelimiter: Bool)?
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        var swallowed: ImportIssue?
        var afterCR = false
        func problem(_ at: Int, _ why: String) -> ImportIssue {
            ImportIssue(line: at, reason: "кавычка, открытая в этой строке, \(why); закройте её (\"текст\") или уберите, "
                        + "иначе следующие строки окажутся внутри одной ячейки")
        }
        while let scalar = pending ?? scalars.next() {
            pending = nil
            // A line ends at LF, CR LF or a lone CR, as the CSV reader ends records.
            let lineBreak = scalar == "\r" || (scalar == "\n" && !afterCR)
            let isBreakCharacter = scalar == "\r" || scalar == "\n"
            afterCR = scalar == "\r"
            if let open = opened {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" { continue }  // a doubled quote inside the cell
                    // Text after the closing quote («"Школа" № 5») is no CSV: the reader
                    // would drop some of it, so it is an error at its line.
                    if let next, next != "\r", next != "\n", next != delimiter {
                        throw ImportIssue(line: line, reason: "после закрывающей кавычки в этой строке идёт текст («\(Character(next))…»); "
                                          + "заключите в кавычки всю ячейку, удвоив кавычки внутри (\"\"Школа\"\" № 5), "
                                          + "или уберите кавычки")
                    }
                    opened = nil
                    fieldStart = false
                    pending = next
                    afterCR = false
                    continue
                }
                if lineBreak {
                    line += 1
                    let delimited = open.delimitedLines + (open.sawDelimiter ? 1 : 0)
                    // An address typed over two or three lines is fine; rows of the register are not.
                    if delimited >= 3 && swallowed == nil {
                        swallowed = problem(open.line, "захватила строки \(open.line)–\(line) со столбцами до своей пары")
                    }
                    opened = (open.line, delimited, false)
                } else if scalar == delimiter {
                    opened = (open.line, open.delimitedLines, true)
                }
                continue
            }
            if scalar == "\"" && fieldStart {
                opened = (line, 0, false)
            } else if isBreakCharacter {
                if lineBreak { line += 1 }
                fieldStart = true
            } else {
                fieldStart = scalar == delimiter
            }
        }
        if let open = opened { throw problem(open.line, "не закрыта до конца файла") }
        if let swallowed { throw swallowed }
    }

    /// A UTF-8 or UTF-16 byte order mark decides; otherwise text that is valid
    /// UTF-8 is UTF-8 (Windows-1251 Cyrillic almost never is), and the rest is
    /// Windows-1251, as Russian Excel saves «CSV (разделители — точки с запятой)».
    /// Text holding the character NUL is no register (a binary file, or UTF-16 read
    /// in the wrong byte order), and would not survive being written out as text.
    public static func decode(_ bytes: [UInt8]) throws(ImportIssue) -> (String, TextEncoding) {
        let (text, encoding) = try decodeText(bytes)
        if text.unicodeScalars.contains("\0") {
            throw ImportIssue(line: 0, reason: "файл содержит символы с кодом 0 и не читается как текст (\(encoding.rawValue)); "
                              + "сохраните его из Excel как CSV в UTF-8 или Windows-1251")
        }
        return (text, encoding)
    }

    static func decodeText(_ bytes: [UInt8]) throws(ImportIssue) -> (String, TextEncoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw ImportIssue(line: 0, reason: "файл помечен как UTF-8, но содержит байты, которые не читаются в этой кодировке")
            }
            return (text, .utf8WithBOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let text = String(data: Data(bytes), encoding: .utf16) else {
                throw ImportIssue(line: 0, reason: "файл помечен как UTF-16, но не читается в этой кодировке")
            }
            return (text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, .utf16)
        }
        // Text saved by Excel never holds a NUL byte, UTF-16 is full of them: a file
        // saved as «Текст Юникод» without its byte order mark is still read.
        if bytes.contains(0) {
            let oddZeros = stride(from: 1, to: bytes.count, by: 2).count { bytes[$0] == 0 }
            let evenZeros = stride(from: 0, to: bytes.count, by: 2).count { bytes[$0] == 0 }
            let encoding: String.Encoding = oddZeros >= evenZeros ? .utf16LittleEndian : .utf16BigEndian
            guard bytes.count % 2 == 0, let text = String(data: Data(bytes), encoding: encoding) else {
                throw ImportIssue(line: 0, reason: "файл похож на UTF-16 без метки порядка байтов, но не читается в этой кодировке; "
                                  + "сохраните его из Excel как CSV в UTF-8 или Windows-1251")
            }
            return (text, .utf16)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return (text, .utf8)
        }
        guard let text = String(data: Data(bytes), encoding: .windowsCP1251) else {
            throw ImportIssue(line: 0, reason: "кодировка файла не распознана; сохраните его из Excel как CSV в UTF-8 или Windows-1251")
        }
        return (text, .windows1251)
    }

    /// The delimiter is whichever of `;`, `,` and tab stands most often, outside
    /// quotes, on one of the first lines — the header's, which has a delimiter
    /// between every column, not a title above it with a comma in its words
    /// (Russian Excel writes `;`, other tools `,`, «Текст Юникод» tabs); `;` wins a tie.
    static func delimiter(of text: String) -> Character {
        // By Unicode scalars, as the CSV reader reads (see checkQuotes).
        var best: [Unicode.Scalar: Int] = [";": 0, ",": 0, "\t": 0]
        var counts = best
        var quoted = false
        var lines = 0
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\"" { quoted.toggle() }
            if !quoted && (scalar == "\n" || scalar == "\r") {
                // CR LF ends one line, as a lone CR or LF does.
                if scalar == "\n" && afterCR { continue }
                for (delimiter, count) in counts { best[delimiter] = max(best[delimiter]!, count) }
                counts = counts.mapValues { _ in 0 }
                lines += 1
                if lines == 10 { break }
            } else if !quoted, counts[scalar] != nil {
                counts[scalar]! += 1
            }
        }
        for (delimiter, count) in counts { best[delimiter] = max(best[delimiter]!, count) }
        let winner = best.max { a, b in a.value != b.value ? a.value < b.value : a.key != ";" && b.key == ";" }
        return Character(winner.map { $0.value > 0 ? $0.key : ";" } ?? ";")
    }

    /// Splits the text with CSV.swift (quotes, doubled quotes, delimiters and
    /// line breaks inside quotes), counting the line breaks each record spans.
    static func split(_ text: String, delimiter: Character) -> [Record] {
        guard let scalar = delimiter.unicodeScalars.first,
              let reader = try? CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: scalar)
        else { return [] }
        var records: [Record] = []
        var line = 1
        while let cells = reader.next() {
            records.append(Record(line: line, cells: cells.map(Self.clean)))
            line += 1 + cells.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }.count }
        }
        return records
    }

    /// Trims spaces (Excel's non-breaking ones too) around a cell's value.
    static func clean(_ cell: String) -> String {
        cell.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
