import Catalog
import EventLog

/// Arrivals, departures and moves between parallels during the year: from and
/// to schools outside the store, and between the store's own schools (the
/// district's reconciliation matches those by SNILS and order dates).
extension DistrictPlan {
    /// The last day the simulation reaches.
    static func lastDay(_ calendar: SchoolCalendar, options: SchoolYearOptions) -> CivilDate {
        guard let weeks = options.weeks else { return calendar.endsOn.adding(days: 5) }
        return calendar.startsOn.adding(days: 7 * weeks - 1)
    }

    /// A day between `from` and `through` on which the grade has lessons and
    /// the office works; nil when there is none.
    static func schoolDay(_ rng: inout SeededGenerator, _ calendar: SchoolCalendar, grade: Int,
                          from: CivilDate, through: CivilDate) -> CivilDate? {
        guard from <= through else { return nil }
        for _ in 0..<40 {
            let day = from.adding(days: rng.int(0...from.days(until: through)))
            if calendar.isSchoolDay(day, grade: grade) && calendar.isOfficeDay(day) { return day }
        }
        return nil
    }

    mutating func planOutsideMovements(school k: Int, calendar: SchoolCalendar, options: SchoolYearOptions,
                                       snils: inout SNILSMaker, rng: inout SeededGenerator) {
        let last = Self.lastDay(calendar, options: options)
        let start = calendar.startsOn
        let count = max(1, Int((Double(schools[k].students.count) * 0.012).rounded()))
        var names = NameMaker(rng: SeededGenerator(seed: rng.next()))
        // Arrivals from elsewhere, each with a family of their own.
        for _ in 0..<count {
            let classIndex = rng.int(below: schools[k].classes.count)
            let grade = schools[k].classes[classIndex].grade
            guard let day = Self.schoolDay(&rng, calendar, grade: grade, from: start.adding(days: 14),
                                           through: min(last.adding(days: -3), start.adding(days: 240))) else { continue }
            let student = Self.addStudent(to: &schools[k], grade: grade, classIndex: classIndex, year: options.year,
                                          names: &names, snils: &snils, rng: &rng, newFamily: true)
            schools[k].students[student].arrival = Arrival(on: day, origin: rng.pick(Self.outsideSchools), originSchoolID: "", orderNumber: "")
        }
        // Departures to elsewhere.
        for _ in 0..<count {
            guard let student = pickSettled(school: k, rng: &rng) else { break }
            let grade = schools[k].students[student].grade
            guard let day = Self.schoolDay(&rng, calendar, grade: grade, from: start.adding(days: 18),
                                           through: min(last.adding(days: -2), start.adding(days: 250))) else { continue }
            let reason = rng.pick(["перемена места жительства", "перевод в другую образовательную организацию по заявлению родителей"])
            schools[k].students[student].departure = Departure(
                on: day, destination: rng.pick(Self.outsideSchools), destinationSchoolID: "", orderNumber: "", reason: reason)
        }
        // Moves to another class of the same grade, by the parents' application.
        let moves = Int((Double(schools[k].students.count) * 0.004).rounded())
        for _ in 0..<moves {
            guard let student = pickSettled(school: k, rng: &rng) else { break }
            let from = schools[k].students[student].classIndex
            let parallels = schools[k].classes.indices.filter { $0 != from && schools[k].classes[$0].grade == schools[k].classes[from].grade }
            guard !parallels.isEmpty,
                  let day = Self.schoolDay(&rng, calendar, grade: schools[k].classes[from].grade, from: start.adding(days: 30),
                                           through: min(last.adding(days: -3), start.adding(days: 200))) else { continue }
            schools[k].moves.append(MovePlan(student: student, on: day, toClass: rng.pick(parallels), orderNumber: ""))
        }
    }

    /// A student of the first day who neither moves nor leaves yet.
    private func pickSettled(school k: Int, rng: inout SeededGenerator) -> Int? {
        let students = schools[k].students
        for _ in 0..<50 {
            let s = rng.int(below: students.count)
            if students[s].arrival == nil && students[s].departure == nil && !schools[k].moves.contains(where: { $0.student == s }) {
                return s
            }
        }
        return nil
    }

    /// Two or three students of each school go to another school of the store.
    mutating func planTransfers(calendar: SchoolCalendar, options: SchoolYearOptions, rng: inout SeededGenerator) {
        let last = Self.lastDay(calendar, options: options)
        for k in schools.indices {
            for _ in 0..<rng.int(2...3) {
                guard let student = pickSettled(school: k, rng: &rng) else { break }
                let leaver = schools[k].students[student]
                var destination = rng.int(below: schools.count - 1)
                if destination >= k { destination += 1 }
                let classes = schools[destination].classes.indices.filter { schools[destination].classes[$0].grade == leaver.grade }
                guard !classes.isEmpty,
                      let left = Self.schoolDay(&rng, calendar, grade: leaver.grade, from: calendar.startsOn.adding(days: 28),
                                                through: min(calendar.startsOn.adding(days: 225), last.adding(days: -12))),
                      let arrived = Self.schoolDay(&rng, calendar, grade: leaver.grade, from: left.adding(days: 1),
                                                   through: left.adding(days: 8)) else { continue }
                schools[k].students[student].departure = Departure(
                    on: left, destination: schools[destination].shortName, destinationSchoolID: schools[destination].id,
                    orderNumber: "", reason: "перевод в другую образовательную организацию по заявлению родителей")
                addArrival(of: leaver, from: k, to: destination, classIndex: rng.pick(classes), on: arrived)
            }
        }
    }

    /// The same child, registered anew by the receiving school with the
    /// guardians the family gives there.
    private mutating func addArrival(of leaver: StudentPlan, from k: Int, to j: Int, classIndex: Int, on day: CivilDate) {
        let family = schools[j].families.count
        let oldFamily = schools[k].families[leaver.family]
        schools[j].families.append(FamilyPlan(surname: oldFamily.surname, refuses: oldFamily.refuses))
        for g in oldFamily.guardians {
            var guardian = schools[k].guardians[g]
            guardian.id = Self.code("P", schools[j].guardians.count + 1, width: 4)
            guardian.family = family
            schools[j].guardians.append(guardian)
            schools[j].families[family].guardians.append(schools[j].guardians.count - 1)
        }
        var student = leaver
        student.id = Self.code("S", schools[j].students.count + 1, width: 4)
        student.classIndex = classIndex
        student.family = family
        student.departure = nil
        student.arrival = Arrival(on: day, origin: schools[k].shortName, originSchoolID: schools[k].id, orderNumber: "")
        schools[j].families[family].children.append(schools[j].students.count)
        schools[j].students.append(student)
    }

    /// The director's orders of the year numbered in date order: «141-у»
    /// admits (зачисление), «142-о» removes (отчисление), «143-п» transfers
    /// between classes (перевод).
    mutating func numberOrders(school k: Int, year: Int) {
        var orders: [(day: CivilDate, kind: Int, index: Int)] = []
        for (i, s) in schools[k].students.enumerated() {
            if let a = s.arrival { orders.append((a.on, 0, i)) }
            if let d = s.departure { orders.append((d.on, 1, i)) }
        }
        for (i, m) in schools[k].moves.enumerated() { orders.append((m.on, 2, i)) }
        orders.sort { ($0.day, $0.kind, $0.index) < ($1.day, $1.kind, $1.index) }
        for (n, order) in orders.enumerated() {
            let number = 141 + n
            switch order.kind {
            case 0: schools[k].students[order.index].arrival!.orderNumber = "\(number)-у"
            case 1: schools[k].students[order.index].departure!.orderNumber = "\(number)-о"
            default: schools[k].moves[order.index].orderNumber = "\(number)-п"
            }
        }
    }
}
