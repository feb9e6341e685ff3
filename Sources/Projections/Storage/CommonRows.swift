import EventLog
import Foundation

/// A date as projections keep it: days since 1970-01-01, as `CivilDate`.
public typealias Day = Int32

extension Day {
    /// Parses `YYYY-MM-DD`; nil when empty or malformed.
    public static func parse(_ iso: String) -> Day? { CivilDate(iso: iso)?.daysSinceEpoch }

    public var civil: CivilDate { CivilDate(daysSinceEpoch: self) }
    public var iso: String { civil.iso }
}

/// A stretch of days, `from` included, `to` excluded (nil: still going on).
public struct DaySpan: RowCodable, Hashable, Sendable {
    public var from: Day
    public var to: Day?

    public init(from: Day, to: Day? = nil) {
        self.from = from
        self.to = to
    }

    public func contains(_ day: Day) -> Bool { day >= from && (to.map { day < $0 } ?? true) }

    /// Whether it shares a day with [start, end] (both included).
    public func overlaps(_ start: Day, _ end: Day) -> Bool { from <= end && (to.map { $0 > start } ?? true) }

    public func encode(to writer: inout RowWriter) {
        writer.int(from)
        writer.optionalDay(to)
    }

    public init(from reader: inout RowReader) throws(RowDecodingError) {
        from = try reader.int32()
        to = try reader.optionalDay()
    }
}

extension Array where Element == DaySpan {
    public func contains(day: Day) -> Bool { contains { $0.contains(day) } }

    /// Opens a span on `day` unless one is already open.
    mutating func open(on day: Day) {
        if let last, last.to == nil { return }
        append(DaySpan(from: day))
    }

    /// Ends the open span on `day` (the first day not included). A span that
    /// would end before it starts (the same day) is dropped.
    mutating func close(on day: Day) {
        guard let index = lastIndex(where: { $0.to == nil }) else { return }
        if self[index].from >= day { remove(at: index) } else { self[index].to = day }
    }
}

/// A person's name as Russian documents write it.
public struct PersonNameRow: RowCodable, Hashable, Sendable, Codable {
    public var last: String
    public var first: String
    public var middle: String

    public init(last: String, first: String, middle: String) {
        self.last = last
        self.first = first
        self.middle = middle
    }

    /// «Иванов Иван Петрович».
    public var full: String { [last, first, middle].filter { !$0.isEmpty }.joined(separator: " ") }

    /// «Иванов И. П.», as journals print teachers.
    public var short: String {
        let initials = [first, middle].compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
        return initials.isEmpty ? last : "\(last) \(initials)"
    }

    /// Alphabetical order as a Russian reader expects it: ё sorts with е.
    public var sortKey: String {
        (last + "\u{1}" + first + "\u{1}" + middle).lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    public func encode(to writer: inout RowWriter) {
        writer.string(last)
        writer.string(first)
        writer.string(middle)
    }

    public init(from reader: inout RowReader) throws(RowDecodingError) {
        last = try reader.string()
        first = try reader.string()
        middle = try reader.string()
    }
}

extension RowWriter {
    public mutating func ints(_ values: [Int32]) {
        uint(UInt64(values.count))
        for value in values { int(value) }
    }
}

extension RowReader {
    public mutating func ints() throws(RowDecodingError) -> [Int32] {
        let count = Int(try uint())
        var out: [Int32] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try int32()) }
        return out
    }
}
