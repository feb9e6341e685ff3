import Catalog
import EventLog
import Foundation
@testable import Projections

/// A fresh directory removed by `cleanup`.
struct TemporaryDirectory {
    let path: String

    init(_ name: String = "letopis-projections") {
        path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func day(_ iso: String) -> Day { Day.parse(iso)! }

let coordinator = Actor(userID: "T0003", role: "coordinator")
let admin = Actor(userID: "T0003", role: "administration")
let mathTeacher = Actor(userID: "T0001", role: "teacher")
let englishTeacher = Actor(userID: "T0002", role: "teacher")

/// The small school of the hand-worked tests: class 5А and 5Б of 2024/25,
/// maths on Mondays (slot 1) and Wednesdays (slot 2), English for the group
/// 5А/англ-1 on Tuesdays (slot 3). See the tests for what happens and why the
/// expected numbers are what they are.
struct Scenario {
    var events: [ProposedEvent] = []

    mutating func add(_ message: some CatalogEvent, _ date: String, by actor: Actor = coordinator, at time: String? = nil) {
        // Recorded at 10:00 UTC of the date unless another moment is given.
        let recorded = CivilDate(iso: time ?? date)!
        events.append(message.proposed(effectiveDate: CivilDate(iso: date)!, actor: actor,
                                       recordedAt: Timestamp(recorded, hour: 10)))
    }

    static func name(_ last: String, _ first: String, _ middle: String = "") -> PersonName {
        var n = PersonName()
        n.last = last; n.first = first; n.middle = middle
        return n
    }

    /// Writes the scenario into a new log.
    static func makeLog(at path: String) async throws -> (EventLog, Scenario) {
        let log = try EventLog.create(at: path, school: "sch-test", options: .init(durable: false))
        let scenario = Scenario.build()
        try await log.append(scenario.events)
        return (log, scenario)
    }

    static func build() -> Scenario {
        var s = Scenario()
        s.setUp()
        s.people()
        s.lessons()
        s.corrections()
        s.access()
        return s
    }
}
