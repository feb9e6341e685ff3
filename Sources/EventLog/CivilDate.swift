import Foundation

/// A calendar date without a time zone, as schools use them: the lesson date,
/// the order date. Stored as days since 1970-01-01 (proleptic Gregorian).
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Returns nil for an impossible date such as 2024-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
            return nil
        }
        // Howard Hinnant's days_from_civil: exact for every Gregorian date.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.daysSinceEpoch = Int32(era * 146_097 + doe - 719_468)
    }

    /// Parses `YYYY-MM-DD`, digits 0-9 only (no sign); nil for anything else.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// ISO 8601 weekday: 1 is Monday, 7 is Sunday.
    public var weekday: Int {
        let w = (Int(daysSinceEpoch) + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    /// The Monday of this date's week.
    public var weekStart: CivilDate { adding(days: -(weekday - 1)) }

    public func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + Int32(days))
    }

    public func days(until other: CivilDate) -> Int {
        Int(other.daysSinceEpoch) - Int(daysSinceEpoch)
    }

    public var iso: String {
        let (y, m, d) = components
        // By hand: String(format:) costs microseconds, and dates are formatted often.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            if count == 4 && value > 9999 { bytes.append(contentsOf: String(value).utf8); return }
            while divisor > 0 {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(y, 4)
        bytes.append(45)
        digits(m, 2)
        bytes.append(45)
        digits(d, 2)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `dd.MM.yyyy`, as Russian documents write dates.
    public var russian: String {
        let (y, m, d) = components
        return String(format: "%02d.%02d.%04d", d, m, y)
    }

    public var description: String { iso }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A calendar quarter (I квартал 2024 …), for the checks that every quarter
/// has its backup.
public struct CalendarQuarter: Hashable, Comparable, Sendable {
    /// year · 4 + quarter − 1
    public var index: Int

    public init(index: Int) { self.index = index }
    public init(_ date: CivilDate) { index = date.year * 4 + (date.month - 1) / 3 }

    public var first: CivilDate { CivilDate(year: index / 4, month: index % 4 * 3 + 1, day: 1)! }
    public var last: CivilDate { CalendarQuarter(index: index + 1).first.adding(days: -1) }
    /// «II квартал 2024».
    public var name: String { ["I", "II", "III", "IV"][index % 4] + " квартал \(index / 4)" }
    public var next: CalendarQuarter { CalendarQuarter(index: index + 1) }

    public static func < (a: CalendarQuarter, b: CalendarQuarter) -> Bool { a.index < b.index }
}
