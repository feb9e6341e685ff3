import CSV
import Foundation

/// How a view is written out.
public enum ViewFormat: String, CaseIterable, Sendable {
    /// Aligned tables with Russian headings, for a terminal.
    case text
    /// The view's fields (camelCase, dates ISO), documented in docs/views.md.
    case json
    /// For Excel: UTF-8 with a byte-order mark, `;` between fields, CRLF.
    case csv
}

/// A view that can be written as text, JSON or CSV.
public protocol RenderableView: Encodable {
    /// The view for a terminal.
    var text: String { get }
    /// The rows of the CSV, header first; an empty row separates sections.
    var csvRows: [[String]] { get }
}

extension RenderableView {
    public func rendered(as format: ViewFormat) throws -> Data {
        switch format {
        case .text: return Data(TerminalText.visible(text).utf8)
        case .json: return try ViewJSON.encode(self)
        case .csv: return try ViewCSV.encode(csvRows)
        }
    }
}

/// Text for a terminal: a control character in what someone typed (ESC, which
/// starts a terminal command, BEL, a direction override that shows a line
/// backwards) is shown as a visible mark instead of being obeyed. Line breaks
/// stay.
public enum TerminalText {
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsMark) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            // A line ended CR LF is a line ended; a lone CR would overwrite it.
            let endsLine = scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n"
            guard needsMark(scalar), !endsLine else { out.append(scalar); continue }
            if scalar.value < 0x20 {
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)  // ␛ for ESC, ␇ for BEL: the control pictures
            } else if scalar.value == 0x7F {
                out.append("\u{2421}")
            } else {
                out.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
            }
        }
        return String(out)
    }

    static func needsMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" { return false }
        switch scalar.properties.generalCategory {
        case .control: return true
        // The bidirectional embeddings, overrides and isolates.
        case .format: return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        default: return false
        }
    }
}

public enum ViewJSON {
    /// Sorted keys and pretty printing: the same view always gives the same bytes.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}

public enum ViewCSV {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// RFC 4180 with `;` as Excel in a Russian locale expects it: quoted where a
    /// field holds `;`, a quote or a line break; CRLF after every row; a BOM so
    /// that Excel reads UTF-8.
    public static func encode(_ rows: [[String]]) throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream, delimiter: ";", newline: .crlf)
        for row in rows {
            try writer.write(row: row.isEmpty ? [""] : row)
        }
        stream.close()
        var data = Data(byteOrderMark)
        if let written = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data {
            data.append(written)
        }
        // CSV.swift separates rows; Excel and RFC 4180 readers also like the last one ended.
        if !rows.isEmpty { data.append(contentsOf: [0x0D, 0x0A]) }
        return data
    }
}

/// A table for a terminal: columns padded to their widest cell (characters,
/// which for Cyrillic text is the width on screen).
public struct TextTable {
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public var rendered: String {
        let all = [headers] + rows
        var widths = headers.map { _ in 0 }
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return alignments[i] == .right ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = line(headers) + "\n"
        out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// Russian number and date formatting for what people read.
public enum RussianNumber {
    /// 4.25 → «4,25»; nil → «—».
    public static func decimal(_ value: Double?, places: Int = 2) -> String {
        guard let value else { return "—" }
        return String(format: "%.\(places)f", value).replacingOccurrences(of: ".", with: ",")
    }

    /// `2024-09-02` → «02.09.2024»; anything else as it is, nil → "".
    public static func date(_ iso: String?) -> String {
        guard let iso, let date = Day.parse(iso) else { return iso ?? "" }
        return date.civil.russian
    }

    /// «02.09» for grid headers.
    static func shortDate(_ iso: String) -> String { String(date(iso).prefix(5)) }
}
