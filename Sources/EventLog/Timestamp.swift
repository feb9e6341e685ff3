import Foundation

/// A moment, in microseconds since the Unix epoch, UTC: the log's recorded-at.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public init(_ date: Date) {
        self.microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public static func now() -> Timestamp { Timestamp(Date()) }

    /// Midnight UTC of the given date plus a time of day.
    public init(_ date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.microseconds = seconds * 1_000_000
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microseconds) / 1_000_000) }

    /// The UTC calendar date of this moment.
    public var civilDate: CivilDate {
        let days = microseconds >= 0
            ? microseconds / 86_400_000_000
            : (microseconds - 86_399_999_999) / 86_400_000_000
        return CivilDate(daysSinceEpoch: Int32(days))
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microseconds: microseconds + seconds * 1_000_000)
    }

    /// ISO 8601 in UTC with microseconds, e.g. `2024-09-02T08:31:07.000120Z`.
    public var iso: String {
        let day = civilDate
        let micros = microseconds - Int64(day.daysSinceEpoch) * 86_400_000_000
        let secondsOfDay = micros / 1_000_000
        return String(
            format: "%@T%02d:%02d:%02d.%06dZ", day.iso,
            Int(secondsOfDay / 3600), Int(secondsOfDay / 60 % 60), Int(secondsOfDay % 60),
            Int(micros % 1_000_000))
    }

    public var description: String { iso }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }
}
