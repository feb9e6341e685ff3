import Catalog
import EventLog

/// The end of a school year as one command (plans/000 item 2): every class is
/// promoted into next year's class of the next grade; ninth-graders who stay
/// go on to the tenth grade and the others graduate; eleventh-graders graduate;
/// the new first grades are formed; the old year is closed.
public struct TransitionYear: Command {
    public var fromYear: Int
    public var on: CivilDate
    public var orderNumber: String
    /// Ninth-graders who go on to the tenth grade; the rest graduate.
    public var continuingAfterNinth: Set<String>
    /// Students who repeat their grade.
    public var repeating: Set<String>
    /// The letter of the tenth grade that the continuing ninth-graders form.
    public var tenthGradeLetter: String
    /// New first grades: letter → class teacher.
    public var firstGrades: [String: String]

    public init(fromYear: Int, on: CivilDate, orderNumber: String, continuingAfterNinth: Set<String>,
                repeating: Set<String> = [], tenthGradeLetter: String = "А", firstGrades: [String: String]) {
        self.fromYear = fromYear
        self.on = on
        self.orderNumber = orderNumber
        self.continuingAfterNinth = continuingAfterNinth
        self.repeating = repeating
        self.tenthGradeLetter = tenthGradeLetter
        self.firstGrades = firstGrades
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let next = fromYear + 1
        let record = "переход учебного года \(fromYear)/\(next) → \(next)/\(next + 1)"
        try c.authorize([.coordinator, .administration], for: record)
        guard let old = c.state.years[fromYear], !old.closed else {
            throw RuleViolation(.unknownRecord, record: record, detail: "учебный год \(fromYear) не задан или уже закрыт",
                                remedy: "Переход выполняется из текущего учебного года.")
        }
        guard c.state.years[next] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "учебный год \(next) не задан",
                                remedy: "Сначала задайте следующий учебный год (его даты и каникулы).")
        }
        try requireText(orderNumber, field: "номер приказа", record: record)
        var events: [any CatalogEvent] = []
        var created: [String: SchoolClass] = [:]
        func classFor(grade: Int, letter: String, teacher: String) -> String {
            let name = "\(grade)\(letter)"
            let id = "\(next)-\(name)"
            if created[id] == nil && c.state.classes[id] == nil {
                var e = ClassCreated()
                e.classID = id
                e.year = Int32(next)
                e.grade = Int32(grade)
                e.letter = letter
                e.name = name
                e.classTeacherID = teacher
                events.append(e)
                if !teacher.isEmpty {
                    var grant = RoleGranted()
                    grant.staffID = teacher
                    grant.role = .classTeacher
                    grant.classID = id
                    events.append(grant)
                }
                created[id] = SchoolClass(id: id, year: next, grade: grade, letter: letter, name: name, classTeacherID: teacher)
            }
            return id
        }
        let oldClasses = c.state.classes.values.filter { $0.year == fromYear }.sorted { $0.id < $1.id }
        for schoolClass in oldClasses {
            for studentID in c.state.members(of: schoolClass.id, on: on.adding(days: -1)) {
                if repeating.contains(studentID) {
                    var moved = StudentMoved()
                    moved.studentID = studentID
                    moved.fromClassID = schoolClass.id
                    moved.toClassID = classFor(grade: schoolClass.grade, letter: schoolClass.letter, teacher: schoolClass.classTeacherID)
                    moved.on = on.iso
                    moved.orderNumber = orderNumber
                    moved.reason = "оставлен(а) на повторное обучение"
                    events.append(moved)
                } else if schoolClass.grade == 11 || (schoolClass.grade == 9 && !continuingAfterNinth.contains(studentID)) {
                    var graduated = StudentGraduated()
                    graduated.studentID = studentID
                    graduated.classID = schoolClass.id
                    graduated.grade = Int32(schoolClass.grade)
                    graduated.on = on.iso
                    graduated.orderNumber = orderNumber
                    events.append(graduated)
                    events += blockLogin(of: studentID, reason: "выпуск \(on.russian)", state: c.state)
                } else {
                    let letter = schoolClass.grade == 9 ? tenthGradeLetter : schoolClass.letter
                    var promoted = StudentPromoted()
                    promoted.studentID = studentID
                    promoted.fromClassID = schoolClass.id
                    promoted.toClassID = classFor(grade: schoolClass.grade + 1, letter: letter, teacher: schoolClass.classTeacherID)
                    promoted.on = on.iso
                    promoted.orderNumber = orderNumber
                    events.append(promoted)
                }
            }
        }
        for (letter, teacher) in firstGrades.sorted(by: { $0.key < $1.key }) {
            _ = classFor(grade: 1, letter: letter, teacher: teacher)
        }
        var closed = YearClosed()
        closed.year = Int32(fromYear)
        events.append(closed)
        return Decision(on, events)
    }
}
