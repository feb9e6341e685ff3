import Catalog
import EventLog

/// What one class learns of a subject, and who teaches it: the class as a
/// whole, or two groups, each with its own teacher.
struct Assignment {
    var classIndex: Int
    var subject: String
    var hours: Int
    var parts: [Part]

    struct Part {
        /// The class id or the group id.
        var unit: String
        var teacher: Int
    }
}

struct GroupPlan {
    var id: String
    var classIndex: Int
    var name: String
    var subject: String
    /// Which half of a split this group is: 0 or 1.
    var half: Int
    var split: Curriculum.Split
}

/// The staff a school needs for its classes, and who teaches what.
struct Staffing {
    var staff: [StaffPlan] = []
    var assignments: [Assignment] = []
    var groups: [GroupPlan] = []
    var load: [Int] = []

    static let coordinator = 0, director = 1, deputy = 2

    init(plan: SchoolPlan, options: SchoolYearOptions, snils: inout SNILSMaker, rng: inout SeededGenerator) {
        var names = NameMaker(rng: SeededGenerator(seed: rng.next()))
        let domain = "sch\(plan.number)-krasnorechensk.ru"
        func hire(_ position: String, specialty: Specialty?, roles: [Role], female: Bool) -> Int {
            let (name, _) = names.adult(surname: rng.pick(RussianNames.surnames), female: female)
            let user = "\(RussianNames.latin(name.last)).\(RussianNames.latin(name.first).prefix(1))\(RussianNames.latin(name.middle).prefix(1))"
            let hired = CivilDate(year: rng.int(1992...2023), month: 8, day: rng.int(20...31))!
            staff.append(StaffPlan(id: DistrictPlan.code("T", staff.count + 1, width: 4), name: name, female: female,
                                   position: position, specialty: specialty, roles: roles, email: "\(user)@\(domain)",
                                   snils: snils.make(), hiredOn: hired))
            load.append(0)
            return staff.count - 1
        }
        _ = hire("заместитель директора по информатизации", specialty: nil, roles: [.coordinator], female: rng.chance(0.7))
        _ = hire("директор", specialty: nil, roles: [.administration], female: rng.chance(0.75))
        _ = hire("заместитель директора по учебно-воспитательной работе", specialty: nil, roles: [.administration], female: true)

        // Each primary class has its own teacher, who is also its class teacher.
        var primaryTeacher: [Int: Int] = [:]
        for (c, klass) in plan.classes.enumerated() where klass.grade <= 4 {
            primaryTeacher[c] = hire(Specialty.primary.position, specialty: .primary, roles: [.teacher], female: rng.chance(0.97))
        }
        // Subject teachers: enough for about 24 lessons a week each, and two
        // wherever a class is split, so that both halves can learn at once.
        var needed: [Specialty: (hours: Int, split: Bool, bySex: Bool)] = [:]
        for klass in plan.classes {
            for (subject, hours) in Curriculum.hours(grade: klass.grade) {
                let specialty = Curriculum.specialty(of: subject, grade: klass.grade)
                guard specialty != .primary else { continue }
                let split = Curriculum.split(of: subject, grade: klass.grade, classSize: klass.initial.count, threshold: options.splitThreshold)
                var entry = needed[specialty] ?? (0, false, false)
                entry.hours += hours * (split == nil ? 1 : 2)
                entry.split = entry.split || split != nil
                if case .bySex? = split { entry.bySex = true }
                needed[specialty] = entry
            }
        }
        var teachers: [Specialty: [Int]] = [:]
        for specialty in Specialty.allCases where specialty != .primary {
            guard let need = needed[specialty] else { continue }
            let count = max(need.split ? 2 : 1, (need.hours + 23) / 24)
            teachers[specialty] = (0..<count).map { i in
                let female = need.bySex ? i % 2 == 1 : rng.chance(specialty.womenShare)
                return hire(specialty.position, specialty: specialty, roles: [.teacher], female: female)
            }
        }

        for (c, klass) in plan.classes.enumerated() {
            // The class's subjects of one specialty go to one teacher (algebra and
            // geometry of 8А to the same mathematician).
            var chosen: [Specialty: Int] = [:]
            for (subject, hours) in Curriculum.hours(grade: klass.grade) {
                let specialty = Curriculum.specialty(of: subject, grade: klass.grade)
                if specialty == .primary {
                    let teacher = primaryTeacher[c]!
                    load[teacher] += hours
                    assignments.append(Assignment(classIndex: c, subject: subject, hours: hours, parts: [.init(unit: klass.id, teacher: teacher)]))
                    continue
                }
                let pool = teachers[specialty]!
                if let split = Curriculum.split(of: subject, grade: klass.grade, classSize: klass.initial.count, threshold: options.splitThreshold) {
                    var parts: [Assignment.Part] = []
                    var used: [Int] = []
                    for half in 0..<2 {
                        let name: String
                        var candidates = pool.filter { !used.contains($0) }
                        switch split {
                        case .byRegister(let prefix): name = "\(prefix)-\(half + 1)"
                        case .bySex:
                            name = half == 0 ? "труд-м" : "труд-д"
                            let matching = candidates.filter { staff[$0].female == (half == 1) }
                            if !matching.isEmpty { candidates = matching }
                        }
                        let teacher = candidates.min { (load[$0], $0) < (load[$1], $1) }!
                        used.append(teacher)
                        load[teacher] += hours
                        let group = "\(klass.id)/\(name)"
                        groups.append(GroupPlan(id: group, classIndex: c, name: name, subject: subject, half: half, split: split))
                        parts.append(.init(unit: group, teacher: teacher))
                    }
                    assignments.append(Assignment(classIndex: c, subject: subject, hours: hours, parts: parts))
                    continue
                }
                let teacher = chosen[specialty] ?? pool.min { (load[$0], $0) < (load[$1], $1) }!
                chosen[specialty] = teacher
                load[teacher] += hours
                assignments.append(Assignment(classIndex: c, subject: subject, hours: hours, parts: [.init(unit: klass.id, teacher: teacher)]))
            }
        }
    }

    /// Class teachers: the primary class's own teacher; in grades 5–11 the
    /// subject teacher with the most lessons in the class who leads no class yet.
    func classTeachers(plan: SchoolPlan) -> [Int] {
        var taken = Set<Int>()
        var result = Array(repeating: -1, count: plan.classes.count)
        for (c, klass) in plan.classes.enumerated() where klass.grade <= 4 {
            result[c] = assignments.first { $0.classIndex == c && Curriculum.specialty(of: $0.subject, grade: klass.grade) == .primary }!.parts[0].teacher
            taken.insert(result[c])
        }
        for (c, klass) in plan.classes.enumerated() where klass.grade > 4 {
            var hours: [Int: Int] = [:]
            for a in assignments where a.classIndex == c { for p in a.parts { hours[p.teacher, default: 0] += a.hours } }
            let ranked = hours.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.map(\.key)
            let teacher = ranked.first { !taken.contains($0) }
                ?? (0..<staff.count).first { staff[$0].specialty != nil && staff[$0].specialty != .primary && !taken.contains($0) }
                ?? ranked[0]
            result[c] = teacher
            taken.insert(teacher)
        }
        return result
    }
}
