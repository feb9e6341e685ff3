import EventLog
import Foundation
import LMDB

/// A point of the log's history: a sequence number, or a moment.
///
/// A moment means the longest prefix of the log whose events were all recorded
/// at or before it. On a live server recorded-at grows with the sequence, so
/// this is "everything recorded by then"; where it does not (a log generated for
/// past dates, clocks set back), the prefix ends before the first event recorded
/// later, so an as-of view never shows a state the log never was in.
public enum AsOfPoint: Sendable, Hashable, CustomStringConvertible {
    case sequence(UInt64)
    case time(Timestamp)

    /// Parses what people type: `12345` or `#12345` (a sequence); `2024-10-01` or
    /// `01.10.2024` (the end of that day); `2024-10-01T14:30`, `2024-10-01 14:30:05`
    /// (local time: UTC + `utcOffsetHours`, Moscow by default), or with `Z` or
    /// `+03:00` for an explicit zone. With `dayStart`, a bare date means the
    /// moment before that day began (for the start of a range: `--from`).
    public static func parse(_ text: String, utcOffsetHours: Int = 3, dayStart: Bool = false) -> AsOfPoint? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), let n = UInt64(digits) { return .sequence(n) }
        if dayStart, CivilDate(iso: text) != nil || Moments.russianDate(text) != nil,
           let start = Moments.parse(text, utcOffsetHours: utcOffsetHours, endOfDay: false) {
            return .time(Timestamp(microseconds: start.microseconds - 1))
        }
        return Moments.parse(text, utcOffsetHours: utcOffsetHours, endOfDay: true).map(AsOfPoint.time)
    }

    public var description: String {
        switch self {
        case .sequence(let n): "#\(n)"
        case .time(let t): t.iso
        }
    }
}

extension AsOfPoint {
    /// The number of events of the prefix this point means (0: before the first).
    public func resolve(in log: EventLog) throws -> UInt64 {
        let head = try log.head()
        switch self {
        case .sequence(let n):
            return min(n, head)
        case .time(let t):
            let start = try AsOfIndex.firstBlockStart(after: t, in: log)
            var answer = head
            try log.scanStored(from: start, through: head) { sequence, value in
                guard let envelope = StoredEnvelope(value) else { return true }
                if envelope.recordedAt > t {
                    answer = sequence - 1
                    return false
                }
                return true
            }
            return answer
        }
    }
}

extension AsOfPoint {
    /// The first event of a range that starts at this point: event `n` itself
    /// for a sequence, the first event after the prefix for a moment.
    public func firstEvent(in log: EventLog) throws -> UInt64 {
        switch self {
        case .sequence(let n): max(n, 1)
        case .time: try resolve(in: log) + 1
        }
    }
}

/// The time part of the audit index: the greatest recorded-at at the end of each
/// block of 1024 events. That running maximum only grows, so a binary search
/// finds the block where the prefix "all recorded by t" ends.
enum AsOfIndex {
    /// The sequence to start scanning from: the first event of the first block
    /// whose running maximum passes `t` (or of the first block not indexed).
    static func firstBlockStart(after t: Timestamp, in log: EventLog) throws -> UInt64 {
        guard let tables = try AuditTables.open(log) else { return 1 }
        return try log.environment.read { txn in
            let indexed = try AuditTables.position(AuditTables.indexPositionKey, in: tables.meta, txn)
            func maxTime(_ block: UInt64) throws -> Int64? {
                try txn.withValue(tables.index, key: AuditTables.timeKey(block: block)) { value in
                    value.flatMap { $0.count == 8 ? Int64(bitPattern: BigEndianKey.decode($0)) : nil }
                }
            }
            // Blocks 0 ..< count are complete and indexed.
            var low: UInt64 = 0, high = indexed / AuditTables.timeBlock
            while low < high {
                let mid = (low + high) / 2
                guard let m = try maxTime(mid) else { return 1 }  // a hole: trust nothing
                if m > t.microseconds { high = mid } else { low = mid + 1 }
            }
            return low * AuditTables.timeBlock + 1
        }
    }
}

/// Moments as people write them.
public enum Moments {
    /// See `AsOfPoint.parse`. `endOfDay` makes a bare date its last microsecond;
    /// otherwise its first.
    public static func parse(_ text: String, utcOffsetHours: Int = 3, endOfDay: Bool) -> Timestamp? {
        let offset = Int64(utcOffsetHours) * 3600
        if let date = CivilDate(iso: text) ?? russianDate(text) {
            let start = Timestamp(date).adding(seconds: -offset)
            return endOfDay ? Timestamp(microseconds: start.adding(seconds: 86_400).microseconds - 1) : start
        }
        var rest = Substring(text)
        guard rest.count >= 16 else { return nil }
        let datePart = String(rest.prefix(10))
        guard let date = CivilDate(iso: datePart) else { return nil }
        rest = rest.dropFirst(10)
        guard let sep = rest.first, sep == "T" || sep == " " else { return nil }
        rest = rest.dropFirst()
        func number(_ n: Int) -> Int? {
            let part = rest.prefix(n)
            guard part.count == n, part.allSatisfy(\.isASCII), let v = Int(part) else { return nil }
            rest = rest.dropFirst(n)
            return v
        }
        guard let hour = number(2), rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        guard let minute = number(2), hour < 24, minute < 60 else { return nil }
        var second = 0, micros = 0
        if rest.first == ":" {
            rest = rest.dropFirst()
            guard let s = number(2), s < 60 else { return nil }
            second = s
            if rest.first == "." {
                rest = rest.dropFirst()
                let fraction = rest.prefix { $0.isASCII && $0.isNumber }
                guard !fraction.isEmpty, fraction.count <= 6, let f = Int(fraction) else { return nil }
                micros = f * Int(pow(10, Double(6 - fraction.count)))
                rest = rest.dropFirst(fraction.count)
            }
        }
        var zone = offset
        if rest == "Z" {
            zone = 0
        } else if let sign = rest.first, sign == "+" || sign == "-" {
            rest = rest.dropFirst()
            guard let h = number(2) else { return nil }
            if rest.first == ":" { rest = rest.dropFirst() }
            guard let m = number(2), rest.isEmpty else { return nil }
            zone = (sign == "+" ? 1 : -1) * Int64(h * 3600 + m * 60)
        } else if !rest.isEmpty {
            return nil
        }
        let local = Timestamp(date, hour: hour, minute: minute, second: second)
        return Timestamp(microseconds: local.microseconds - zone * 1_000_000 + Int64(micros))
    }

    static func russianDate(_ text: String) -> CivilDate? {
        let parts = text.split(separator: ".")
        guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

extension Timestamp {
    /// Parses exactly `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, as `iso` writes it.
    public init?(isoUTC text: String) {
        guard text.hasSuffix("Z"), text.count >= 20, let moment = Moments.parse(text, endOfDay: false) else { return nil }
        self = moment
    }

    /// The moment in a zone `hours` east of UTC, e.g. `02.10.2024 14:30` for Moscow.
    public func local(hours: Int) -> (date: CivilDate, minutes: Int) {
        let shifted = adding(seconds: Int64(hours) * 3600)
        let day = shifted.civilDate
        let minutes = Int((shifted.microseconds - Int64(day.daysSinceEpoch) * 86_400_000_000) / 60_000_000)
        return (day, minutes)
    }

    /// `02.10.2024 14:30` in a zone `hours` east of UTC.
    public func russian(hours: Int = 3) -> String {
        let (date, minutes) = local(hours: hours)
        return String(format: "%@ %02d:%02d", date.russian, minutes / 60, minutes % 60)
    }
}
