import Catalog
import EventLog

/// The registers: staff and roles, students' movements by order, guardians
/// (plans/000 item 2, plans/003 items 14–15).
private let registerRoles: Set<Role> = [.system, .coordinator, .administration]

public struct HireStaff: Command {
    public var name: PersonName
    public var position: String
    public var hiredOn: CivilDate
    public var email: String
    public var snils: String
    public var roles: [Role]
    /// Given by an import that keeps the school's own ids; otherwise the next `T…`.
    public var staffID: String?

    public init(name: PersonName, position: String, hiredOn: CivilDate, email: String = "", snils: String = "",
                roles: [Role] = [.teacher], staffID: String? = nil) {
        self.name = name
        self.position = position
        self.hiredOn = hiredOn
        self.email = email
        self.snils = snils
        self.roles = roles
        self.staffID = staffID
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let id = staffID ?? c.state.nextID("T", width: 4)
        let record = "сотрудник \(id) (\(name.full))"
        try c.authorize(registerRoles, for: record)
        try requireName(name, record: record)
        guard c.state.staff[id] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "код \(id) уже занят", remedy: "Укажите другой код.")
        }
        if !snils.isEmpty {
            try requireSNILS(snils, record: record)
            if let same = c.state.currentStaff(withSNILS: snils) {
                throw RuleViolation(.duplicateRecord, record: record,
                                    detail: "СНИЛС \(snils) уже принадлежит сотруднику \(same.id) \(same.name.full)",
                                    remedy: "Сотрудника принимают на работу один раз; вместо этого назначьте нужные роли \(same.id).")
            }
        } else if let same = c.state.currentStaff(named: name, position: position) {
            // Without SNILS, the same full name in the same position is the same person (a register loaded again).
            throw RuleViolation(.duplicateRecord, record: record,
                                detail: "уже работает \(same.id) \(same.name.full), \(same.position)",
                                remedy: "Сотрудника принимают на работу один раз. Если это другой человек с теми же ФИО, укажите его СНИЛС.")
        }
        guard !roles.contains(where: { [.parent, .student, .district, .system, .classTeacher].contains($0) }) else {
            throw RuleViolation(.invalidInput, record: record, detail: "среди ролей \(roles.map(\.rawValue)) есть роль, которую не назначают сотруднику",
                                remedy: "Сотрудникам назначают роли координатора, учителя, администрации и аудитора; классного руководителя назначают для класса.")
        }
        var hired = StaffHired()
        hired.staffID = id
        hired.name = name
        hired.position = position
        hired.hiredOn = hiredOn.iso
        hired.email = email
        hired.snils = snils
        var events: [any CatalogEvent] = [hired]
        for role in roles {
            var grant = RoleGranted()
            grant.staffID = id
            grant.role = role.userRole
            events.append(grant)
        }
        return Decision(hiredOn, events)
    }
}

public struct DismissStaff: Command {
    public var staffID: String
    public var on: CivilDate
    public var orderNumber: String
    public var reason: String

    public init(staffID: String, on: CivilDate, orderNumber: String, reason: String) {
        self.staffID = staffID
        self.on = on
        self.orderNumber = orderNumber
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "сотрудник \(staffID)"
        try c.authorize([.coordinator, .administration], for: record)
        let member = try c.state.requireStaff(staffID)
        guard member.leftOn == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "уже уволен(а)", remedy: "Ничего делать не нужно.")
        }
        var left = StaffLeft()
        left.staffID = staffID
        left.leftOn = on.iso
        left.orderNumber = orderNumber
        left.reason = reason
        var events: [any CatalogEvent] = [left]
        events += blockLogin(of: staffID, reason: "уволен(а) \(on.russian)", state: c.state)
        return Decision(on, events)
    }
}

public struct ChangeRole: Command {
    public var staffID: String
    public var role: Role
    public var classID: String
    public var grant: Bool
    public var on: CivilDate

    public init(staffID: String, role: Role, classID: String = "", grant: Bool, on: CivilDate) {
        self.staffID = staffID
        self.role = role
        self.classID = classID
        self.grant = grant
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "сотрудник \(staffID), роль \(role.rawValue)"
        try c.authorize(registerRoles, for: record)
        let member = try c.state.requireStaff(staffID)
        guard [.coordinator, .teacher, .administration, .classTeacher, .auditor].contains(role) else {
            throw RuleViolation(.invalidInput, record: record, detail: "это не роль сотрудника",
                                remedy: "Сотрудникам назначают роли координатора, учителя, классного руководителя, администрации или аудитора.")
        }
        if role == .classTeacher { _ = try c.state.requireClass(classID) }
        let held = member.roles.contains(RoleGrant(role: role, classID: role == .classTeacher ? classID : ""))
        guard held != grant else {
            throw RuleViolation(.duplicateRecord, record: record, detail: grant ? "роль уже назначена" : "эта роль не назначена", remedy: "Ничего делать не нужно.")
        }
        if grant {
            var e = RoleGranted()
            e.staffID = staffID
            e.role = role.userRole
            e.classID = role == .classTeacher ? classID : ""
            return Decision(on, [e])
        }
        var e = RoleRevoked()
        e.staffID = staffID
        e.role = role.userRole
        e.classID = role == .classTeacher ? classID : ""
        return Decision(on, [e])
    }
}

/// Enrols a newcomer (a first-grader, or anyone registered for the first time)
/// or, with `origin`, admits a student arriving from another school.
public struct EnrollStudent: Command {
    public var name: PersonName
    public var sex: Sex
    public var bornOn: CivilDate
    public var snils: String
    public var classID: String
    public var on: CivilDate
    public var orderNumber: String
    /// The school they come from; nil for a plain enrolment.
    public var origin: (name: String, schoolID: String)?
    public var studentID: String?

    public init(name: PersonName, sex: Sex, bornOn: CivilDate, snils: String, classID: String, on: CivilDate,
                orderNumber: String, origin: (name: String, schoolID: String)? = nil, studentID: String? = nil) {
        self.name = name
        self.sex = sex
        self.bornOn = bornOn
        self.snils = snils
        self.classID = classID
        self.on = on
        self.orderNumber = orderNumber
        self.origin = origin
        self.studentID = studentID
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let id = studentID ?? c.state.nextID("S", width: 4)
        let record = "ученик \(id) (\(name.full))"
        try c.authorize(registerRoles, for: record)
        try requireName(name, record: record)
        try requireSNILS(snils, record: record)
        let schoolClass = try c.state.requireClass(classID)
        if let other = c.state.enrolledBySNILS[snils], let existing = c.state.students[other] {
            throw RuleViolation(.alreadyEnrolled, record: record,
                                detail: "СНИЛС \(snils) принадлежит ученику \(existing.id) \(existing.name.full), который уже зачислен в \(existing.currentClassID ?? "?")",
                                remedy: "Вместо повторного зачисления переведите ученика в нужный класс.")
        }
        guard c.state.students[id] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "код \(id) уже занят", remedy: "Укажите другой код.")
        }
        if let year = c.state.years[schoolClass.year], on > year.endsOn {
            throw RuleViolation(.outsideYear, record: record, detail: "\(on.russian) — после окончания учебного года класса \(classID)",
                                remedy: "Зачисляйте в класс текущего учебного года.")
        }
        let age = Self.age(bornOn: bornOn, on: on)
        guard Self.plausibleAges.contains(age) else {
            throw RuleViolation(.invalidInput, record: record, detail: "дата рождения \(bornOn.russian): на \(on.russian) полных лет — \(age)",
                                remedy: "Проверьте дату рождения.")
        }
        if let origin {
            var arrived = StudentArrived()
            arrived.studentID = id
            arrived.name = name
            arrived.sex = sex
            arrived.bornOn = bornOn.iso
            arrived.snils = snils
            arrived.classID = classID
            arrived.on = on.iso
            arrived.origin = origin.name
            arrived.originSchoolID = origin.schoolID
            arrived.orderNumber = orderNumber
            return Decision(on, [arrived])
        }
        var enrolled = StudentEnrolled()
        enrolled.studentID = id
        enrolled.name = name
        enrolled.sex = sex
        enrolled.bornOn = bornOn.iso
        enrolled.snils = snils
        enrolled.classID = classID
        enrolled.enrolledOn = on.iso
        enrolled.orderNumber = orderNumber
        return Decision(on, [enrolled])
    }

    /// The ages a student may be enrolled at.
    static let plausibleAges = 5...20

    /// Full years from birth to a date, as the enrolment counts them.
    static func age(bornOn: CivilDate, on date: CivilDate) -> Int {
        bornOn.days(until: date) / 365
    }
}

public struct MoveStudent: Command {
    public var studentID: String
    public var toClassID: String
    public var on: CivilDate
    public var orderNumber: String
    public var reason: String

    public init(studentID: String, toClassID: String, on: CivilDate, orderNumber: String, reason: String) {
        self.studentID = studentID
        self.toClassID = toClassID
        self.on = on
        self.orderNumber = orderNumber
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "ученик \(studentID)"
        try c.authorize(registerRoles, for: record)
        let student = try c.state.requireEnrolled(studentID)
        let from = student.currentClassID!
        let target = try c.state.requireClass(toClassID)
        guard from != toClassID, target.year == c.state.classes[from]?.year else {
            throw RuleViolation(.invalidInput, record: record, detail: "перевод из \(from) в \(toClassID): это тот же класс или класс другого учебного года",
                                remedy: "Переводите в другой класс того же учебного года (перевод в следующий класс — часть перехода на новый учебный год).")
        }
        guard let since = student.placements.last?.span.from, on > since else {
            throw RuleViolation(.invalidInput, record: record, detail: "ученик числится в \(from) только с \(student.placements.last!.span.from.russian)",
                                remedy: "Укажите более позднюю дату перевода.")
        }
        var moved = StudentMoved()
        moved.studentID = studentID
        moved.fromClassID = from
        moved.toClassID = toClassID
        moved.on = on.iso
        moved.orderNumber = orderNumber
        moved.reason = reason
        return Decision(on, [moved])
    }
}

public struct GraduateStudent: Command {
    public var studentID: String
    public var on: CivilDate
    public var orderNumber: String

    public init(studentID: String, on: CivilDate, orderNumber: String) {
        self.studentID = studentID
        self.on = on
        self.orderNumber = orderNumber
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "ученик \(studentID)"
        try c.authorize(registerRoles, for: record)
        let student = try c.state.requireEnrolled(studentID)
        let schoolClass = try c.state.requireClass(student.currentClassID!)
        guard schoolClass.grade == 9 || schoolClass.grade == 11 else {
            throw RuleViolation(.notGraduatingGrade, record: "ученик \(studentID) (\(student.name.full))",
                                detail: "учится в классе \(schoolClass.name) (\(schoolClass.grade)-й класс)",
                                remedy: "Переведите ученика в следующий класс или, если он уходит из школы, оформите выбытие.")
        }
        var graduated = StudentGraduated()
        graduated.studentID = studentID
        graduated.classID = schoolClass.id
        graduated.grade = Int32(schoolClass.grade)
        graduated.on = on.iso
        graduated.orderNumber = orderNumber
        return Decision(on, [graduated] + blockLogin(of: studentID, reason: "выпуск \(on.russian)", state: c.state))
    }
}

public struct RecordDeparture: Command {
    public var studentID: String
    public var on: CivilDate
    public var destination: String
    public var destinationSchoolID: String
    public var orderNumber: String
    public var reason: String

    public init(studentID: String, on: CivilDate, destination: String, destinationSchoolID: String = "",
                orderNumber: String, reason: String) {
        self.studentID = studentID
        self.on = on
        self.destination = destination
        self.destinationSchoolID = destinationSchoolID
        self.orderNumber = orderNumber
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "ученик \(studentID)"
        try c.authorize(registerRoles, for: record)
        let student = try c.state.requireEnrolled(studentID)
        try requireText(orderNumber, field: "номер приказа", record: record)
        var left = StudentLeft()
        left.studentID = studentID
        left.classID = student.currentClassID!
        left.on = on.iso
        left.destination = destination
        left.destinationSchoolID = destinationSchoolID
        left.orderNumber = orderNumber
        left.reason = reason
        return Decision(on, [left] + blockLogin(of: studentID, reason: "выбыл(а) \(on.russian)", state: c.state))
    }
}

extension SchoolState {
    func requireEnrolled(_ studentID: String) throws(RuleViolation) -> Student {
        let student = try requireStudent(studentID)
        guard student.isEnrolled else {
            throw RuleViolation(.notInClassOnDate, record: "ученик \(studentID) (\(student.name.full))",
                                detail: "сейчас не числится в школе", remedy: "Проверьте историю движения ученика.")
        }
        return student
    }

    /// The member of staff, not yet left, with this SNILS however it is written.
    func currentStaff(withSNILS snils: String) -> StaffMember? {
        staff.values.first { $0.leftOn == nil && sameSNILS($0.snils, snils) }
    }

    /// A member of staff still at the school with this full name and position (letter case aside).
    func currentStaff(named name: PersonName, position: String) -> StaffMember? {
        staff.values.sorted { $0.id < $1.id }.first {
            $0.leftOn == nil && $0.name.full.lowercased() == name.full.lowercased()
                && $0.position.lowercased() == position.lowercased()
        }
    }
}

/// The block of a person's login when they leave, if they have an open one.
func blockLogin(of personID: String, reason: String, state: SchoolState) -> [any CatalogEvent] {
    // Every login of the person still open (an older one too, if one was issued anew).
    state.logins.values.filter { $0.personID == personID && !$0.blocked }.map(\.login).sorted().map { login in
        var blocked = LoginBlocked()
        blocked.login = login
        blocked.reason = reason
        return blocked
    }
}
