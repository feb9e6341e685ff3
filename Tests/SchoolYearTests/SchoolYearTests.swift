import Catalog
import EventLog
import Foundation
import Testing
@testable import SchoolYear

/// A generated school in a temporary directory.
struct GeneratedSchool {
    let directory: String
    let log: EventLog
    let counts: SchoolCounts

    static func make(_ options: SchoolYearOptions, school: String = "s01") async throws -> GeneratedSchool {
        let directory = NSTemporaryDirectory() + "letopis-schoolyear-\(UUID().uuidString)"
        let log = try EventLog.create(at: directory, school: school, options: .init(durable: false))
        let counts = try await SchoolYearGenerator(options: options).generate(school: school, into: log)
        return GeneratedSchool(directory: directory, log: log, counts: counts)
    }

    func cleanup() {
        log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every stored byte of the log.
    func bytes() throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        try log.scanStored { _, value in
            out.append(Array(value))
            return true
        }
        return out
    }

    /// The decoded events of the log, in order.
    func events() throws -> [(RecordedEvent, DomainEvent)] {
        var out: [(RecordedEvent, DomainEvent)] = []
        try log.scan { event in
            out.append((event, try event.decoded()))
            return true
        }
        return out
    }
}

extension SchoolYearOptions {
    /// Three classes (a five-day primary, a six-day fifth, a tenth with
    /// half-years), English in groups, a few weeks.
    static func small(seed: UInt64 = 7, weeks: Int? = 3) -> SchoolYearOptions {
        var options = SchoolYearOptions()
        options.seed = seed
        options.students = 40
        options.grades = [3, 5, 10]
        options.weeks = weeks
        options.splitThreshold = 10
        return options
    }
}

@Suite struct DeterminismTests {
    @Test func theSameSeedGivesTheSameLogByteForByte() async throws {
        let a = try await GeneratedSchool.make(.small())
        defer { a.cleanup() }
        let b = try await GeneratedSchool.make(.small())
        defer { b.cleanup() }
        let head = try a.log.head()
        #expect(head > 1_000)
        #expect(try b.log.head() == head)
        #expect(try a.log.event(at: head)?.hash == b.log.event(at: head)?.hash)
        #expect(try a.bytes() == b.bytes())
    }

    @Test func anotherSeedGivesAnotherLog() async throws {
        let a = try await GeneratedSchool.make(.small(seed: 7))
        defer { a.cleanup() }
        let b = try await GeneratedSchool.make(.small(seed: 8))
        defer { b.cleanup() }
        let lastA = try a.log.event(at: a.log.head())?.hash
        let lastB = try b.log.event(at: b.log.head())?.hash
        #expect(lastA != lastB)
    }

    @Test func eventIDsGrowWithTheLog() async throws {
        let school = try await GeneratedSchool.make(.small(weeks: 1))
        defer { school.cleanup() }
        var previous: UUID?
        var ordered = true
        try school.log.scan { event in
            if let previous, !(previous.uuidString.lowercased() < event.id.uuidString.lowercased()) { ordered = false }
            previous = event.id
            return true
        }
        #expect(ordered)
    }

    @Test func theCalendarOf2024() {
        let calendar = SchoolCalendar(year: 2024)
        #expect(calendar.startsOn.iso == "2024-09-02")
        #expect(calendar.endsOn.iso == "2025-05-26")
        #expect(calendar.terms.map { "\($0.from.iso)…\($0.through.iso)" } == [
            "2024-09-02…2024-10-25", "2024-11-04…2024-12-28", "2025-01-09…2025-03-28", "2025-04-07…2025-05-26"])
        #expect(calendar.halfYears.map(\.through.iso) == ["2024-12-28", "2025-05-26"])
        let day = { (iso: String) in CivilDate(iso: iso)! }
        #expect(!calendar.isSchoolDay(day("2024-11-04"), grade: 5))   // День народного единства
        #expect(calendar.isSchoolDay(day("2024-11-05"), grade: 5))
        #expect(!calendar.isSchoolDay(day("2025-02-24"), grade: 5))   // 23 February on a Sunday
        #expect(!calendar.isSchoolDay(day("2025-02-18"), grade: 1))   // first grades' February week
        #expect(calendar.isSchoolDay(day("2025-02-18"), grade: 2))
        #expect(calendar.isSchoolDay(day("2024-09-07"), grade: 5))    // Saturday: six-day week
        #expect(!calendar.isSchoolDay(day("2024-09-07"), grade: 4))   // five-day week
    }
}
