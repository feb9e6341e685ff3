import Catalog
import EventLog

/// Classes, groups, curriculum and timetable (plans/003, items 12, 15, 16).
private let structureRoles: Set<Role> = [.system, .coordinator, .administration]

public struct CreateClass: Command {
    public var year: Int
    public var grade: Int
    public var letter: String
    public var classTeacherID: String
    public var on: CivilDate

    public init(year: Int, grade: Int, letter: String, classTeacherID: String = "", on: CivilDate) {
        self.year = year
        self.grade = grade
        self.letter = letter
        self.classTeacherID = classTeacherID
        self.on = on
    }

    public var name: String { "\(grade)\(letter)" }
    public var classID: String { "\(year)-\(name)" }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "класс \(classID)"
        try c.authorize(structureRoles, for: record)
        guard (1...11).contains(grade), !letter.isEmpty, letter.count <= 3 else {
            throw RuleViolation(.invalidInput, record: record, detail: "номер \(grade), буква «\(letter)»",
                                remedy: "У класса номер от 1 до 11 и короткая буква, например 5А.")
        }
        guard c.state.years[year] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "учебный год \(year) не задан",
                                remedy: "Сначала задайте учебный год.")
        }
        guard c.state.classes[classID] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "такой класс уже есть", remedy: "Выберите другую букву.")
        }
        var created = ClassCreated()
        created.classID = classID
        created.year = Int32(year)
        created.grade = Int32(grade)
        created.letter = letter
        created.name = name
        created.classTeacherID = classTeacherID
        var events: [any CatalogEvent] = [created]
        if !classTeacherID.isEmpty {
            _ = try c.state.requireStaff(classTeacherID)
            var grant = RoleGranted()
            grant.staffID = classTeacherID
            grant.role = .classTeacher
            grant.classID = classID
            events.append(grant)
        }
        return Decision(on, events)
    }
}

public struct AssignClassTeacher: Command {
    public var classID: String
    public var staffID: String
    public var on: CivilDate

    public init(classID: String, staffID: String, on: CivilDate) {
        self.classID = classID
        self.staffID = staffID
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "класс \(classID)"
        try c.authorize([.coordinator, .administration], for: record)
        let schoolClass = try c.state.requireClass(classID)
        _ = try c.state.requireStaff(staffID)
        var events: [any CatalogEvent] = []
        var assigned = ClassTeacherAssigned()
        assigned.classID = classID
        assigned.staffID = staffID
        assigned.on = on.iso
        events.append(assigned)
        if !schoolClass.classTeacherID.isEmpty && schoolClass.classTeacherID != staffID {
            var revoke = RoleRevoked()
            revoke.staffID = schoolClass.classTeacherID
            revoke.role = .classTeacher
            revoke.classID = classID
            events.append(revoke)
        }
        var grant = RoleGranted()
        grant.staffID = staffID
        grant.role = .classTeacher
        grant.classID = classID
        events.append(grant)
        return Decision(on, events)
    }
}

public struct CreateGroup: Command {
    public var classID: String
    public var name: String
    public var subjectID: String
    public var on: CivilDate

    public init(classID: String, name: String, subjectID: String, on: CivilDate) {
        self.classID = classID
        self.name = name
        self.subjectID = subjectID
        self.on = on
    }

    public var groupID: String { "\(classID)/\(name)" }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "группа \(groupID)"
        try c.authorize(structureRoles, for: record)
        _ = try c.state.requireClass(classID)
        try requireText(name, field: "название группы", record: record)
        guard c.state.subjects[subjectID] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "нет предмета \(subjectID)",
                                remedy: "Укажите один из предметов: \(c.state.sample(c.state.subjects.keys))")
        }
        guard c.state.groups[groupID] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "такая группа уже есть", remedy: "Выберите другое название.")
        }
        var created = GroupCreated()
        created.groupID = groupID
        created.classID = classID
        created.name = name
        created.subjectID = subjectID
        return Decision(on, [created])
    }
}

public struct ChangeGroupMembership: Command {
    public var groupID: String
    public var studentID: String
    public var joins: Bool
    public var on: CivilDate

    public init(groupID: String, studentID: String, joins: Bool, on: CivilDate) {
        self.groupID = groupID
        self.studentID = studentID
        self.joins = joins
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "группа \(groupID), ученик \(studentID)"
        try c.authorize([.system, .coordinator, .administration, .classTeacher], for: record)
        guard let group = c.state.groups[groupID] else {
            throw RuleViolation(.unknownRecord, record: record, detail: "такой группы нет",
                                remedy: "Укажите одну из групп: \(c.state.sample(c.state.groups.keys))")
        }
        let student = try c.state.requireStudent(studentID)
        let inGroup = group.members[studentID]?.last.map { $0.until == nil } ?? false
        if joins {
            guard student.classID(on: on) == group.classID else {
                throw RuleViolation(.notInClassOnDate, record: record,
                                    detail: "на \(on.russian) \(student.name.short) не числится в \(group.classID)",
                                    remedy: "В группу входят только ученики её класса.")
            }
            guard !inGroup else {
                throw RuleViolation(.duplicateRecord, record: record, detail: "ученик уже в группе", remedy: "Ничего делать не нужно.")
            }
            var added = StudentAddedToGroup()
            added.groupID = groupID
            added.studentID = studentID
            added.on = on.iso
            return Decision(on, [added])
        }
        guard inGroup else {
            throw RuleViolation(.unknownRecord, record: record, detail: "ученика нет в группе", remedy: "Ничего делать не нужно.")
        }
        var removed = StudentRemovedFromGroup()
        removed.groupID = groupID
        removed.studentID = studentID
        removed.on = on.iso
        return Decision(on, [removed])
    }
}

public struct SetCurriculumHours: Command {
    public var year: Int
    public var grade: Int
    public var subjectID: String
    public var hoursPerWeek: Double
    public var on: CivilDate

    public init(year: Int, grade: Int, subjectID: String, hoursPerWeek: Double, on: CivilDate) {
        self.year = year
        self.grade = grade
        self.subjectID = subjectID
        self.hoursPerWeek = hoursPerWeek
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "учебный план \(year), параллель \(grade), предмет \(subjectID)"
        try c.authorize(structureRoles, for: record)
        guard (1...11).contains(grade), hoursPerWeek >= 0, hoursPerWeek <= 12, c.state.subjects[subjectID] != nil else {
            throw RuleViolation(.invalidInput, record: record, detail: "параллель \(grade), \(hoursPerWeek) ч в неделю, предмет \(subjectID)",
                                remedy: "Укажите параллель от 1 до 11, от 0 до 12 часов в неделю и предмет из справочника.")
        }
        var set = CurriculumHoursSet()
        set.year = Int32(year)
        set.grade = Int32(grade)
        set.subjectID = subjectID
        set.hoursPerWeek = hoursPerWeek
        return Decision(on, [set])
    }
}

public struct AddTimetableEntry: Command {
    public var entry: TimetableEntryAdded

    public init(_ entry: TimetableEntryAdded) { self.entry = entry }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "запись расписания \(entry.entryID)"
        try c.authorize(structureRoles, for: record)
        try requireText(entry.entryID, field: "код записи", record: record)
        guard c.state.timetable[entry.entryID] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "такая запись уже есть", remedy: "Укажите новый код.")
        }
        let schoolClass = try c.state.requireUnit(entry.unitID)
        guard schoolClass.year == Int(entry.year), (1...6).contains(entry.weekday), (0...12).contains(entry.slot) else {
            throw RuleViolation(.invalidInput, record: record,
                                detail: "учебный год \(entry.year), день недели \(entry.weekday), урок \(entry.slot) для \(entry.unitID)",
                                remedy: "Укажите учебный год класса, день недели от 1 (понедельник) до 6 (суббота) и номер урока из расписания звонков.")
        }
        guard c.state.subjects[entry.subjectID] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "нет предмета \(entry.subjectID)",
                                remedy: "Укажите один из предметов: \(c.state.sample(c.state.subjects.keys))")
        }
        let teacher = try c.state.requireStaff(entry.teacherID)
        guard teacher.roles.contains(where: { $0.role == .teacher }) else {
            throw RuleViolation(.roleRequired, record: record, detail: "у \(teacher.id) \(teacher.name.short) нет роли учителя",
                                remedy: "Сначала назначьте сотруднику роль учителя.")
        }
        let from = try requireDate(entry.validFrom, field: "действует с", record: record)
        let to = entry.validTo.isEmpty ? nil : try requireDate(entry.validTo, field: "действует по", record: record)
        let overlapping = (c.state.timetableByUnitDay[UnitDay(unitID: entry.unitID, weekday: Int(entry.weekday))] ?? [])
            .compactMap { c.state.timetable[$0] }
            .first { other in
                other.slot == Int(entry.slot) && other.validFrom <= (to ?? other.validFrom)
                    && (other.validTo ?? from) >= from
            }
        if let clash = overlapping {
            throw RuleViolation(.duplicateRecord, record: record,
                                detail: "в расписании \(entry.unitID) этот урок уже занят: \(clash.subjectID) (запись \(clash.id))",
                                remedy: "Сначала завершите прежнюю запись: её последний день должен быть раньше первого дня новой.")
        }
        return Decision(from, [entry])
    }
}

public struct EndTimetableEntry: Command {
    public var entryID: String
    public var validTo: CivilDate

    public init(entryID: String, validTo: CivilDate) {
        self.entryID = entryID
        self.validTo = validTo
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "запись расписания \(entryID)"
        try c.authorize(structureRoles, for: record)
        guard let entry = c.state.timetable[entryID] else {
            throw RuleViolation(.unknownRecord, record: record, detail: "такой записи нет", remedy: "Проверьте код записи.")
        }
        guard validTo >= entry.validFrom.adding(days: -1) else {
            throw RuleViolation(.invalidInput, record: record, detail: "запись действует только с \(entry.validFrom.russian)",
                                remedy: "Дата окончания — не раньше дня накануне начала записи.")
        }
        var ended = TimetableEntryEnded()
        ended.entryID = entryID
        ended.validTo = validTo.iso
        ended.year = Int32(entry.year)
        return Decision(validTo, [ended])
    }
}
