import EventLog
import Foundation

/// A small, fast, seeded generator, so every run proposes the same kind of events.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Makes the events of the benchmark: what a school writes all day.
///
/// - 85 % `GradeRecorded`, each the first event of a new grade stream
///   `grade/M000123` (grade ids are handed out in order, as the register does)
/// - 10 % `GradeCorrected` on one of the last 20,000 grades (version 2, 3, …)
/// - 5 % `AttendanceMarked` on a lesson stream `lesson/2024-5А/2024-09-02/3`
///   (30 classes, 270 days, 7 slots)
/// - actor `T0001`…`T0099` acting as `teacher`; payload 150–250 random bytes
/// - id: `UUID.timeOrdered()`, as callers are told to make them
///
/// With `randomStreams` every event goes to one of 500,000 grade streams
/// picked at random instead: the worst case for the (stream, version) index.
struct Workload {
    static let school = "bench-school-01"
    static let randomStreamCount = 500_000
    private static let teachers = (1...99).map { "T" + pad($0, 4) }
    private static let classes = (1...30).map { "2024-\(($0 - 1) / 3 + 1)\(["А", "Б", "В"][($0 - 1) % 3])" }
    private static let firstDay = CivilDate(year: 2024, month: 9, day: 2)!

    private var rng: SplitMix64
    private let randomStreams: Bool
    private var nextGrade = 1

    init(seed: UInt64, randomStreams: Bool = false) {
        rng = SplitMix64(seed: seed)
        self.randomStreams = randomStreams
    }

    private mutating func uniform(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    mutating func event() -> ProposedEvent {
        let day = uniform(270)
        let stream: String
        let type: String
        let roll = uniform(100)
        if randomStreams {
            stream = "grade/M" + Workload.pad(uniform(Workload.randomStreamCount), 6)
            type = roll < 90 ? "GradeRecorded" : "GradeCorrected"
        } else if roll < 85 || nextGrade == 1 {
            stream = "grade/M" + Workload.pad(nextGrade, 6)
            nextGrade += 1
            type = "GradeRecorded"
        } else if roll < 95 {
            stream = "grade/M" + Workload.pad(max(1, nextGrade - 1 - uniform(20_000)), 6)
            type = "GradeCorrected"
        } else {
            let lessonDay = Workload.firstDay.adding(days: day)
            stream = "lesson/\(Workload.classes[uniform(Workload.classes.count)])/\(lessonDay.iso)/\(1 + uniform(7))"
            type = "AttendanceMarked"
        }
        let size = 150 + uniform(101)
        var payload = [UInt8](repeating: 0, count: size)
        payload.withUnsafeMutableBytes { raw in
            var i = 0
            while i + 8 <= size {
                raw.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < size {
                raw[i] = UInt8(truncatingIfNeeded: rng.next())
                i += 1
            }
        }
        return ProposedEvent(
            id: UUID.timeOrdered(),
            stream: stream,
            type: type,
            effectiveDate: Workload.firstDay.adding(days: day),
            actor: Actor(userID: Workload.teachers[uniform(Workload.teachers.count)], role: "teacher"),
            payload: payload)
    }

    mutating func batch(_ count: Int) -> [ProposedEvent] {
        (0..<count).map { _ in event() }
    }

    mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// The size of the value Letopis stores for `event`: previous hash (32) ‖
    /// canonical bytes ‖ hash (32), as README.md ("The log format") lays it
    /// out. The raw C peer writes values of exactly these sizes.
    static func storedSize(_ event: ProposedEvent) -> Int {
        let fixedHeader = 1 + 8 + 16 + 8 + 4 + 8 + 2
        let lengths = 6 * 4
        return 32 + fixedHeader + lengths + school.utf8.count + event.stream.utf8.count + event.type.utf8.count
            + event.actor.userID.utf8.count + event.actor.role.utf8.count + event.payload.count + 32
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
