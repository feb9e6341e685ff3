/// The weekly timetable of a school: each class's lessons spread over its five
/// or six days, slot after slot from the first, with no teacher in two places
/// at once wherever the greedy placement can manage it.
struct Timetable {
    struct Lesson {
        var assignment: Int
        var slot: Int
    }

    /// Per class, per weekday (1…6), the lessons in slot order.
    var days: [[[Lesson]]]
    /// Lessons that put a teacher in two classes at once (the placement could
    /// not avoid them); zero in practice.
    var conflicts = 0
    /// Teacher × weekday × slot: how many lessons the teacher has then.
    private var busy: [Int]

    init(plan: SchoolPlan, staffing: Staffing, rng: inout SeededGenerator) {
        days = Array(repeating: Array(repeating: [], count: 7), count: plan.classes.count)
        busy = Array(repeating: 0, count: staffing.staff.count * 80)
        func key(_ teacher: Int, _ day: Int, _ slot: Int) -> Int { teacher * 80 + day * 10 + slot }

        // Classes with the busiest teachers first, in a seeded order otherwise.
        let order = rng.shuffled(Array(plan.classes.indices))
        for c in order {
            let grade = plan.classes[c].grade
            let dayCount = Curriculum.schoolDaysPerWeek(grade: grade)
            let mine = staffing.assignments.indices.filter { staffing.assignments[$0].classIndex == c }
            var occurrences: [Int] = []
            for a in mine { occurrences += Array(repeating: a, count: staffing.assignments[a].hours) }
            let total = occurrences.count
            // Mondays to Thursdays take the odd lessons; the curricula keep every
            // day within the grade's daily maximum.
            let perDay = (0..<dayCount).map { total / dayCount + ($0 < total % dayCount ? 1 : 0) }
            var free: [(day: Int, slot: Int)] = []
            for d in 0..<dayCount { for s in 0..<perDay[d] { free.append((d + 1, s + 1)) } }

            // Subjects with many hours first; within them, the busiest teachers.
            occurrences.sort { a, b in
                let x = staffing.assignments[a], y = staffing.assignments[b]
                let lx = x.parts.map { staffing.load[$0.teacher] }.max()!, ly = y.parts.map { staffing.load[$0.teacher] }.max()!
                return (x.hours, lx, -a) > (y.hours, ly, -b)
            }
            var perSubjectDay: [Int: Int] = [:]
            for a in occurrences {
                let assignment = staffing.assignments[a]
                let cap = (assignment.hours + dayCount - 1) / dayCount
                let hard = ["rus", "math", "alg", "algan", "geom", "phys", "chem", "eng"].contains(assignment.subject)
                var best: (index: Int, score: Double)?
                for (i, position) in free.enumerated() {
                    let sameDay = perSubjectDay[a * 10 + position.day, default: 0]
                    let teachersBusy = assignment.parts.contains { busy[key($0.teacher, position.day, position.slot)] > 0 }
                    // Hard subjects go to the second to fourth lessons, the rest later.
                    let slotScore = hard ? abs(Double(position.slot) - 2.5) : Double(max(0, 4 - position.slot))
                    let score = (teachersBusy ? 1000 : 0) + (sameDay >= cap ? 100 : 0) + Double(sameDay) * 10 + slotScore + rng.unit()
                    if best == nil || score < best!.score { best = (i, score) }
                }
                let position = free.remove(at: best!.index)
                for part in assignment.parts { busy[key(part.teacher, position.day, position.slot)] += 1 }
                perSubjectDay[a * 10 + position.day, default: 0] += 1
                days[c][position.day].append(Lesson(assignment: a, slot: position.slot))
            }
        }
        repair(staffing: staffing)
        for c in days.indices { for d in 1...6 { days[c][d].sort { $0.slot < $1.slot } } }
        conflicts = 0
        for c in days.indices {
            for d in 1...6 {
                for lesson in days[c][d] where staffing.assignments[lesson.assignment].parts.contains(where: { busy[key($0.teacher, d, lesson.slot)] > 1 }) {
                    conflicts += 1
                }
            }
        }
    }

    /// Where the greedy placement left a teacher in two classes at once, swaps
    /// the lesson with another of the same class when that frees both.
    private mutating func repair(staffing: Staffing) {
        func key(_ teacher: Int, _ day: Int, _ slot: Int) -> Int { teacher * 80 + day * 10 + slot }
        func teachers(_ lesson: Lesson) -> [Int] { staffing.assignments[lesson.assignment].parts.map(\.teacher) }
        for _ in 0..<4 {
            var changed = false
            for c in days.indices {
                for d in 1...6 {
                    for i in days[c][d].indices {
                        let lesson = days[c][d][i]
                        guard teachers(lesson).contains(where: { busy[key($0, d, lesson.slot)] > 1 }) else { continue }
                        search: for e in 1...6 {
                            for j in days[c][e].indices where !(e == d && j == i) {
                                let other = days[c][e][j]
                                for t in teachers(lesson) { busy[key(t, d, lesson.slot)] -= 1 }
                                for t in teachers(other) { busy[key(t, e, other.slot)] -= 1 }
                                let fits = teachers(lesson).allSatisfy { busy[key($0, e, other.slot)] == 0 }
                                    && teachers(other).allSatisfy { busy[key($0, d, lesson.slot)] == 0 }
                                if fits {
                                    for t in teachers(lesson) { busy[key(t, e, other.slot)] += 1 }
                                    for t in teachers(other) { busy[key(t, d, lesson.slot)] += 1 }
                                    days[c][d][i] = Lesson(assignment: other.assignment, slot: lesson.slot)
                                    days[c][e][j] = Lesson(assignment: lesson.assignment, slot: other.slot)
                                    changed = true
                                    break search
                                }
                                for t in teachers(lesson) { busy[key(t, d, lesson.slot)] += 1 }
                                for t in teachers(other) { busy[key(t, e, other.slot)] += 1 }
                            }
                        }
                    }
                }
            }
            if !changed { return }
        }
    }

    /// Whether a teacher has a lesson in a slot of a weekday (for substitutions).
    func isBusy(_ teacher: Int, weekday: Int, slot: Int) -> Bool { busy[teacher * 80 + weekday * 10 + slot] > 0 }
}
