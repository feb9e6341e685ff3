import EventLog
import Foundation
import Records

/// Generates a realistic, deterministic school year: one log per school of a
/// district, recorded through the same `Recorder` commands and rules as real
/// input, with simulated recorded-at times and seeded event ids, salts and
/// passwords — the same options give byte-identical logs.
public struct SchoolYearGenerator: Sendable {
    public let options: SchoolYearOptions
    let district: DistrictPlan

    public init(options: SchoolYearOptions) {
        self.options = options
        district = DistrictPlan(options: options)
    }

    public var schoolIDs: [String] { district.schools.map(\.id) }

    /// The simulated days of each school, from the setup in August to the last.
    public var days: Int {
        let calendar = SchoolCalendar(year: options.year)
        return CivilDate(year: options.year, month: 8, day: 20)!.days(until: DistrictPlan.lastDay(calendar, options: options)) + 1
    }

    /// The school's official short name, e.g. «МБОУ СОШ № 1 г. Краснореченска».
    public func name(of school: String) -> String { district.schools.first { $0.id == school }?.shortName ?? school }

    /// Records the year of one school into `log`, a new, empty log of that
    /// school. `progress` gets (days done, days in all).
    public func generate(school id: String, into log: EventLog,
                         progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> SchoolCounts {
        guard let k = district.schools.firstIndex(where: { $0.id == id }) else {
            throw GeneratorFailure("no school \(id) in the plan; the schools are \(schoolIDs.joined(separator: ", "))")
        }
        guard try log.head() == 0 else { throw GeneratorFailure("the log of \(id) is not empty") }
        // Every submission carries its own time; the clock only stands in for none.
        let recorder = try Recorder(log: log, clock: { Timestamp(CivilDate(year: 2000, month: 1, day: 1)!) })
        let ids = EventIDSource(seed: options.seed, school: id)
        recorder.useEventIDs { ids.make(at: $0) }
        // Staff SNILS in a range of their own per school, so that schools
        // generated in any order (or at once) get the same numbers.
        var snils = SNILSMaker(base: 600_000_000 + k * 1_000_000)
        let simulation = SchoolSimulation(plan: district.schools[k], options: options, recorder: recorder, log: log, snils: &snils)
        simulation.access = AccessBook(sim: simulation)
        return try await simulation.run(progress: progress)
    }
}
