import Audit
import EventLog
import Foundation

/// Finds what does not add up between the district's schools and in what each
/// reported: every imported school's log is replayed once (two at a time), then
/// the schools' movements are matched by SNILS, the one identifier a student
/// keeps from school to school.
public struct Reconciler: Sendable {
    public let district: DistrictStore
    public let options: ReconcileOptions

    public init(district: DistrictStore, options: ReconcileOptions) {
        self.district = district
        self.options = options
    }

    public func run() throws -> ReconciliationReport {
        let options = self.options
        let district = self.district
        let facts = try district.perSchool { try SchoolFacts.learn($0, district: district, options: options) }
        var found = facts.flatMap(\.findings)
        found += doubleEnrolments(facts)
        found += unmatchedTransfers(facts)
        // A registered school that never sent a bundle is as stale as can be.
        let held = Set(facts.map(\.school))
        for school in try district.registered() where !held.contains(school.school) {
            found.append(Discrepancy(
                kind: .staleBundle, schools: [school.school], record: "пакетов нет",
                explanation: "\(school.school): зарегистрирована \(Timestamp(isoUTC: school.registeredAt)?.civilDate.russian ?? school.registeredAt), но не прислала ни одного пакета",
                events: []))
        }
        found.sort { ($0.kind.sortIndex, $0.events.first ?? Self.none) < ($1.kind.sortIndex, $1.events.first ?? Self.none) }
        var counts = Dictionary(uniqueKeysWithValues: DiscrepancyKind.allCases.map { ($0.rawValue, 0) })
        for d in found { counts[d.kind.rawValue, default: 0] += 1 }
        return ReconciliationReport(options: options, schools: facts.map(\.school), counts: counts, discrepancies: found)
    }

    static let none = EventRef(school: "", sequence: 0, id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))

    /// Stays of one student (SNILS) in two schools that share a day up to the as-of date.
    func doubleEnrolments(_ facts: [SchoolFacts]) -> [Discrepancy] {
        var bySNILS: [String: [(String, SchoolFacts.Stay)]] = [:]
        for f in facts { for stay in f.stays { bySNILS[stay.snils, default: []].append((f.school, stay)) } }
        var out: [Discrepancy] = []
        for (snils, stays) in bySNILS.sorted(by: { $0.key < $1.key }) where stays.count > 1 {
            for i in stays.indices {
                for j in stays.indices where j > i && stays[i].0 != stays[j].0 {
                    let (sa, a) = stays[i], (sb, b) = stays[j]
                    let from = max(a.from, b.from)
                    let until = [a.until, b.until].compactMap { $0 }.min()
                    guard from <= options.asOf, until.map({ from < $0 }) ?? true else { continue }
                    out.append(Discrepancy(
                        kind: .doubleEnrolment, schools: [sa, sb], record: "СНИЛС \(snils)",
                        explanation: "СНИЛС \(snils): \(a.student) в \(sa) с \(a.from.russian)\(a.until.map { " по \($0.adding(days: -1).russian)" } ?? ""), \(b.student) в \(sb) с \(b.from.russian)\(b.until.map { " по \($0.adding(days: -1).russian)" } ?? "") — в обеих школах с \(from.russian)",
                        events: ([a.start, b.start] + [a.end, b.end].compactMap { $0 }).sorted()))
                }
            }
        }
        return out
    }

    /// Departures to a school of the district without the arrival there within
    /// `arrivalDays`, and arrivals from one without the departure.
    func unmatchedTransfers(_ facts: [SchoolFacts]) -> [Discrepancy] {
        let held = Set(facts.map(\.school))
        let window = options.arrivalDays
        var out: [Discrepancy] = []
        let arrivals = facts.flatMap { f in f.arrivals.map { (f.school, $0) } }
        let departures = facts.flatMap { f in f.departures.map { (f.school, $0) } }
        for (school, d) in departures where held.contains(d.counterpart) {
            let matched = arrivals.contains { to, a in
                to == d.counterpart && a.counterpart == school && a.snils == d.snils && d.on <= a.on && d.on.days(until: a.on) <= window
            }
            guard !matched, d.on.adding(days: window) < options.asOf else { continue }
            out.append(Discrepancy(
                kind: .departureWithoutArrival, schools: [school, d.counterpart], record: "СНИЛС \(d.snils.isEmpty ? "—" : d.snils)",
                explanation: "\(d.student) выбыл из \(school) в \(d.counterpart) \(d.on.russian), но в \(d.counterpart) не прибыл до \(d.on.adding(days: window).russian) (окно \(window) дн.)",
                events: [d.ref]))
        }
        for (school, a) in arrivals where held.contains(a.counterpart) {
            let matched = departures.contains { from, d in
                from == a.counterpart && d.counterpart == school && d.snils == a.snils && d.on <= a.on && d.on.days(until: a.on) <= window
            }
            guard !matched else { continue }
            out.append(Discrepancy(
                kind: .arrivalWithoutDeparture, schools: [school, a.counterpart], record: "СНИЛС \(a.snils.isEmpty ? "—" : a.snils)",
                explanation: "\(a.student) прибыл в \(school) из \(a.counterpart) \(a.on.russian), но в \(a.counterpart) нет его выбытия сюда за \(window) дн. до того",
                events: [a.ref]))
        }
        return out
    }
}

extension DiscrepancyKind {
    var sortIndex: Int { Self.allCases.firstIndex(of: self)! }
}
