import Foundation

// The rows of the registry projector: reference books, the school's structure
// and its people, with the dates things held.

public struct SchoolRow: RowCodable, Sendable {
    public var id = "", shortName = "", fullName = "", district = "", director = ""

    public func encode(to w: inout RowWriter) {
        for s in [id, shortName, fullName, district, director] { w.string(s) }
    }

    public init() {}

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); shortName = try r.string(); fullName = try r.string()
        district = try r.string(); director = try r.string()
    }
}

public struct HolidayRow: RowCodable, Sendable {
    public var name: String
    public var starts: Day, ends: Day
    /// Empty: every grade.
    public var grades: [Int32]

    public func applies(toGrade grade: Int32) -> Bool { grades.isEmpty || grades.contains(grade) }

    public func encode(to w: inout RowWriter) {
        w.string(name); w.int(starts); w.int(ends); w.ints(grades)
    }

    init(name: String, starts: Day, ends: Day, grades: [Int32]) {
        self.name = name; self.starts = starts; self.ends = ends; self.grades = grades
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        name = try r.string(); starts = try r.int32(); ends = try r.int32(); grades = try r.ints()
    }
}

public struct YearRow: RowCodable, Sendable {
    public var year: Int32, starts: Day, ends: Day
    public var holidays: [HolidayRow]

    /// A school day for the grade: Monday to Saturday, within the year, not a holiday.
    public func isSchoolDay(_ day: Day, grade: Int32) -> Bool {
        guard day >= starts, day <= ends, day.civil.weekday <= 6 else { return false }
        return !holidays.contains { $0.applies(toGrade: grade) && day >= $0.starts && day <= $0.ends }
    }

    public func encode(to w: inout RowWriter) {
        w.int(year); w.int(starts); w.int(ends); w.rows(holidays)
    }

    init(year: Int32, starts: Day, ends: Day, holidays: [HolidayRow]) {
        self.year = year; self.starts = starts; self.ends = ends; self.holidays = holidays
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        year = try r.int32(); starts = try r.int32(); ends = try r.int32(); holidays = try r.rows()
    }
}

/// A close or reopen of a reporting period.
public struct PeriodEventRow: RowCodable, Sendable {
    public var closed: Bool
    public var at: Int64
    public var by: String, reason: String

    public func encode(to w: inout RowWriter) {
        w.bool(closed); w.int(at); w.string(by); w.string(reason)
    }

    init(closed: Bool, at: Int64, by: String, reason: String) {
        self.closed = closed; self.at = at; self.by = by; self.reason = reason
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        closed = try r.bool(); at = try r.int64(); by = try r.string(); reason = try r.string()
    }
}

public struct PeriodRow: RowCodable, Sendable {
    public var id: String, year: Int32, scheme: String, kind: Int
    public var name: String, starts: Day, ends: Day
    public var grades: [Int32]
    public var closed = false
    public var history: [PeriodEventRow] = []

    public func encode(to w: inout RowWriter) {
        w.string(id); w.int(year); w.string(scheme); w.int(kind); w.string(name)
        w.int(starts); w.int(ends); w.ints(grades); w.bool(closed); w.rows(history)
    }

    init(id: String, year: Int32, scheme: String, kind: Int, name: String, starts: Day, ends: Day, grades: [Int32]) {
        self.id = id; self.year = year; self.scheme = scheme; self.kind = kind; self.name = name
        self.starts = starts; self.ends = ends; self.grades = grades
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); year = try r.int32(); scheme = try r.string(); kind = try r.int(); name = try r.string()
        starts = try r.int32(); ends = try r.int32(); grades = try r.ints(); closed = try r.bool(); history = try r.rows()
    }
}

/// The periods one definition (a year and a set of grades) made.
public struct SchemeRow: RowCodable, Sendable {
    public var periods: [String]
    public func encode(to w: inout RowWriter) { w.strings(periods) }
    init(periods: [String]) { self.periods = periods }
    public init(from r: inout RowReader) throws(RowDecodingError) { periods = try r.strings() }
}

public struct SubjectRow: RowCodable, Sendable {
    public var id: String, name: String, shortName: String
    public func encode(to w: inout RowWriter) { w.string(id); w.string(name); w.string(shortName) }
    init(id: String, name: String, shortName: String) { self.id = id; self.name = name; self.shortName = shortName }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); name = try r.string(); shortName = try r.string()
    }
}

public struct WorkTypeRow: RowCodable, Sendable {
    public var id: String, name: String, weight: Int
    public func encode(to w: inout RowWriter) { w.string(id); w.string(name); w.int(weight) }
    init(id: String, name: String, weight: Int) { self.id = id; self.name = name; self.weight = weight }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); name = try r.string(); weight = try r.int()
    }
}

public struct AttendanceCodeRow: RowCodable, Sendable {
    public var code: String, name: String
    public var isAbsence: Bool, isIllness: Bool, isExcused: Bool, isLate: Bool

    public func encode(to w: inout RowWriter) {
        w.string(code); w.string(name); w.bool(isAbsence); w.bool(isIllness); w.bool(isExcused); w.bool(isLate)
    }

    init(code: String, name: String, isAbsence: Bool, isIllness: Bool, isExcused: Bool, isLate: Bool) {
        self.code = code; self.name = name
        self.isAbsence = isAbsence; self.isIllness = isIllness; self.isExcused = isExcused; self.isLate = isLate
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        code = try r.string(); name = try r.string()
        isAbsence = try r.bool(); isIllness = try r.bool(); isExcused = try r.bool(); isLate = try r.bool()
    }
}

public struct ClassRow: RowCodable, Sendable {
    public var id: String, year: Int32, grade: Int32, letter: String, name: String, teacher: String

    public func encode(to w: inout RowWriter) {
        w.string(id); w.int(year); w.int(grade); w.string(letter); w.string(name); w.string(teacher)
    }

    init(id: String, year: Int32, grade: Int32, letter: String, name: String, teacher: String) {
        self.id = id; self.year = year; self.grade = grade; self.letter = letter; self.name = name; self.teacher = teacher
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); year = try r.int32(); grade = try r.int32()
        letter = try r.string(); name = try r.string(); teacher = try r.string()
    }
}

public struct GroupRow: RowCodable, Sendable {
    public var id: String, classID: String, name: String, subject: String
    public func encode(to w: inout RowWriter) { w.string(id); w.string(classID); w.string(name); w.string(subject) }
    init(id: String, classID: String, name: String, subject: String) {
        self.id = id; self.classID = classID; self.name = name; self.subject = subject
    }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); classID = try r.string(); name = try r.string(); subject = try r.string()
    }
}

/// A role a member of staff held, and when.
public struct RoleSpanRow: RowCodable, Sendable {
    public var role: String, classID: String, span: DaySpan
    public func encode(to w: inout RowWriter) { w.string(role); w.string(classID); span.encode(to: &w) }
    init(role: String, classID: String, span: DaySpan) { self.role = role; self.classID = classID; self.span = span }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        role = try r.string(); classID = try r.string(); span = try DaySpan(from: &r)
    }
}

public struct StaffRow: RowCodable, Sendable {
    public var id: String, name: PersonNameRow, position: String
    public var employed: DaySpan
    public var roles: [RoleSpanRow] = []

    /// Held the role of teacher or class teacher on `day`, while employed.
    public func teaches(on day: Day) -> Bool {
        employed.contains(day) && roles.contains { ($0.role == "teacher" || $0.role == "class-teacher") && $0.span.contains(day) }
    }

    public func encode(to w: inout RowWriter) {
        w.string(id); name.encode(to: &w); w.string(position); employed.encode(to: &w); w.rows(roles)
    }

    init(id: String, name: PersonNameRow, position: String, employed: DaySpan) {
        self.id = id; self.name = name; self.position = position; self.employed = employed
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); name = try PersonNameRow(from: &r); position = try r.string()
        employed = try DaySpan(from: &r); roles = try r.rows()
    }
}

/// Membership of a class or a group over time.
public struct MembershipRow: RowCodable, Sendable {
    public var unit: String, span: DaySpan
    public func encode(to w: inout RowWriter) { w.string(unit); span.encode(to: &w) }
    init(unit: String, span: DaySpan) { self.unit = unit; self.span = span }
    public init(from r: inout RowReader) throws(RowDecodingError) { unit = try r.string(); span = try DaySpan(from: &r) }
}

public struct StudentRow: RowCodable, Sendable {
    public var id: String, name: PersonNameRow, sex: Int, bornOn: String, snils: String
    public var classes: [MembershipRow] = []
    public var groups: [MembershipRow] = []

    /// The class the student was in on `day`.
    public func classID(on day: Day) -> String? { classes.last { $0.span.contains(day) }?.unit }

    /// The class and groups the student belonged to on `day`.
    public func units(on day: Day) -> [String] {
        (classes + groups).filter { $0.span.contains(day) }.map(\.unit)
    }

    public func encode(to w: inout RowWriter) {
        w.string(id); name.encode(to: &w); w.int(sex); w.string(bornOn); w.string(snils); w.rows(classes); w.rows(groups)
    }

    init(id: String, name: PersonNameRow, sex: Int, bornOn: String, snils: String) {
        self.id = id; self.name = name; self.sex = sex; self.bornOn = bornOn; self.snils = snils
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); name = try PersonNameRow(from: &r); sex = try r.int(); bornOn = try r.string()
        snils = try r.string(); classes = try r.rows(); groups = try r.rows()
    }
}

/// When a student was in a unit (roster), or a guardian represented a student.
public struct SpansRow: RowCodable, Sendable {
    public var spans: [DaySpan]
    public var relation: Int = 0
    public func encode(to w: inout RowWriter) { w.rows(spans); w.int(relation) }
    init(spans: [DaySpan] = [], relation: Int = 0) { self.spans = spans; self.relation = relation }
    public init(from r: inout RowReader) throws(RowDecodingError) { spans = try r.rows(); relation = try r.int() }
}

public struct GuardianRow: RowCodable, Sendable {
    public var id: String, name: PersonNameRow, phone: String, email: String
    public func encode(to w: inout RowWriter) { w.string(id); name.encode(to: &w); w.string(phone); w.string(email) }
    init(id: String, name: PersonNameRow, phone: String, email: String) {
        self.id = id; self.name = name; self.phone = phone; self.email = email
    }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); name = try PersonNameRow(from: &r); phone = try r.string(); email = try r.string()
    }
}

public struct TimetableRow: RowCodable, Sendable {
    public var id: String, year: Int32, weekday: Int32, slot: Int32
    public var unit: String, subject: String, teacher: String
    public var valid: DaySpan

    public func encode(to w: inout RowWriter) {
        w.string(id); w.int(year); w.int(weekday); w.int(slot); w.string(unit); w.string(subject); w.string(teacher)
        valid.encode(to: &w)
    }

    init(id: String, year: Int32, weekday: Int32, slot: Int32, unit: String, subject: String, teacher: String, valid: DaySpan) {
        self.id = id; self.year = year; self.weekday = weekday; self.slot = slot
        self.unit = unit; self.subject = subject; self.teacher = teacher; self.valid = valid
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); year = try r.int32(); weekday = try r.int32(); slot = try r.int32()
        unit = try r.string(); subject = try r.string(); teacher = try r.string(); valid = try DaySpan(from: &r)
    }
}

/// An arrival, departure or move of a student, by an order of the director.
public struct MovementRow: RowCodable, Sendable {
    /// enrolled, arrived, moved, promoted, left, graduated
    public var kind: String, student: String, fromClass: String, toClass: String
    public var on: Day, orderNumber: String
    /// The school they came from or went to.
    public var counterpart: String, reason: String

    public func encode(to w: inout RowWriter) {
        w.string(kind); w.string(student); w.string(fromClass); w.string(toClass); w.int(on)
        w.string(orderNumber); w.string(counterpart); w.string(reason)
    }

    init(kind: String, student: String, fromClass: String, toClass: String, on: Day, orderNumber: String,
         counterpart: String, reason: String) {
        self.kind = kind; self.student = student; self.fromClass = fromClass; self.toClass = toClass; self.on = on
        self.orderNumber = orderNumber; self.counterpart = counterpart; self.reason = reason
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        kind = try r.string(); student = try r.string(); fromClass = try r.string(); toClass = try r.string()
        on = try r.int32(); orderNumber = try r.string(); counterpart = try r.string(); reason = try r.string()
    }
}
