import Catalog
import EventLog
import Records

/// The last weeks of August: the coordinator sets the school up (plans/003,
/// items 7–16): the institution, the year and its periods, reference books,
/// staff and their consents and logins, classes, groups, curriculum, the
/// contingent and its guardians, the timetable.
extension SchoolSimulation {
    func setUp() async throws {
        let y = options.year
        let day = { (d: Int) in CivilDate(year: y, month: 8, day: d)! }
        let c = coordinator

        var school = SchoolRegistered()
        school.schoolID = plan.id
        school.shortName = plan.shortName
        school.fullName = plan.fullName
        school.district = DistrictPlan.district
        school.address = plan.address
        school.directorName = staffing.staff[Staffing.director].name.full
        school.editWindowDays = 7
        batches.add(day(20), minute: 10 * 60, RegisterSchool(school, on: day(20)), as: Self.system)
        batches.add(day(20), minute: 10 * 60 + 5, hire(Staffing.coordinator), as: Self.system)
        try await batches.record(day(20), grades: &grades)

        // 21 August: the year, its periods and the reference books.
        // Seconds since midnight of the commands entered one after another.
        var clock = 9 * 3600
        func tick(_ step: Int = 20) -> Int { clock += step; return clock }
        batches.add(day(21), minute: 0, second: tick(), DefineAcademicYear(academicYear()), as: c)
        for definition in periodDefinitions() { batches.add(day(21), minute: 0, second: tick(), DefineReportingPeriods(definition), as: c) }
        var bells = BellScheduleDefined()
        bells.name = "основное"
        bells.bells = Curriculum.bells.map { b in
            var bell = BellScheduleDefined.Bell()
            bell.slot = Int32(b.slot)
            bell.startsAt = hhmm(b.start.0 * 60 + b.start.1)
            bell.endsAt = hhmm(b.end.0 * 60 + b.end.1)
            return bell
        }
        batches.add(day(21), minute: 0, second: tick(), DefineReference(bells, on: day(21)), as: c)
        for info in Curriculum.subjects {
            var subject = SubjectDefined()
            subject.subjectID = info.id
            subject.name = info.name
            subject.shortName = info.short
            batches.add(day(21), minute: 0, second: tick(5), DefineReference(subject, on: day(21)), as: c)
        }
        for w in Curriculum.workTypes {
            var workType = WorkTypeDefined()
            workType.workTypeID = w.id
            workType.name = w.name
            workType.weight = w.weight
            batches.add(day(21), minute: 0, second: tick(), DefineReference(workType, on: day(21)), as: c)
        }
        for (code, name, absence, illness, excused, late) in Curriculum.attendanceCodes {
            var attendance = AttendanceCodeDefined()
            attendance.code = code
            attendance.name = name
            attendance.isAbsence = absence
            attendance.isIllness = illness
            attendance.isExcused = excused
            attendance.isLate = late
            batches.add(day(21), minute: 0, second: tick(), DefineReference(attendance, on: day(21)), as: c)
        }
        for grade in options.grades {
            for (subject, hours) in Curriculum.hours(grade: grade) {
                batches.add(day(21), minute: 0, second: tick(), SetCurriculumHours(year: y, grade: grade, subjectID: subject,
                                                                       hoursPerWeek: Double(hours), on: day(21)), as: c)
            }
        }
        for i in staffing.staff.indices where i != Staffing.coordinator {
            batches.add(day(21), minute: 0, second: tick(90), hire(i), as: c)
        }
        try await batches.record(day(21), grades: &grades)

        // 26 August: classes with their class teachers, and the groups.
        clock = 10 * 3600
        for (index, klass) in plan.classes.enumerated() {
            batches.add(day(26), minute: 0, second: tick(), CreateClass(year: y, grade: klass.grade, letter: klass.letter,
                                                            classTeacherID: staffing.staff[classTeachers[index]].id, on: day(26)), as: c)
        }
        for group in staffing.groups {
            batches.add(day(26), minute: 0, second: tick(), CreateGroup(classID: plan.classes[group.classIndex].id, name: group.name,
                                                            subjectID: group.subject, on: day(26)), as: c)
        }
        access.setUpStaff()
        try await batches.record(day(26), grades: &grades)
        try await batches.record(day(27), grades: &grades)

        // 29 August: the contingent — students by the director's order, and
        // their guardians — and the timetable from the first day.
        clock = 9 * 3600
        let enrolled = day(29)
        for klass in plan.classes {
            for s in klass.initial {
                let student = plan.students[s]
                batches.add(enrolled, minute: 0, second: tick(), EnrollStudent(
                    name: student.name, sex: student.sex, bornOn: student.bornOn, snils: student.snils, classID: klass.id,
                    on: enrolled, orderNumber: "112-у", studentID: student.id), as: c)
            }
        }
        for (f, family) in plan.families.enumerated() where family.children.contains(where: { plan.students[$0].arrival == nil }) {
            registerFamily(f, on: enrolled, second: tick(30), as: c)
        }
        for (a, assignment) in staffing.assignments.enumerated() {
            for part in assignment.parts {
                for weekday in 1...6 {
                    for lesson in timetable.days[assignment.classIndex][weekday] where lesson.assignment == a {
                        var entry = TimetableEntryAdded()
                        entry.entryID = "\(part.unit)/\(weekday)/\(lesson.slot)"
                        entry.year = Int32(y)
                        entry.weekday = Int32(weekday)
                        entry.slot = Int32(lesson.slot)
                        entry.unitID = part.unit
                        entry.subjectID = assignment.subject
                        entry.teacherID = staffing.staff[part.teacher].id
                        entry.validFrom = calendar.startsOn.iso
                        entry.room = room(for: part.teacher, classIndex: assignment.classIndex, subject: assignment.subject)
                        batches.add(day(30), minute: 10 * 60 + (counts.timetableEntries / 60), second: counts.timetableEntries % 60,
                                    AddTimetableEntry(entry), as: c)
                        counts.timetableEntries += 1
                    }
                }
            }
        }
        for (c, klass) in plan.classes.enumerated() {
            for s in klass.initial { place(s, in: c) }
        }
        for g in staffing.groups.indices {
            for s in groupMembers[g] {
                batches.add(day(30), minute: 15 * 60, ChangeGroupMembership(
                    groupID: staffing.groups[g].id, studentID: plan.students[s].id, joins: true, on: calendar.startsOn), as: coordinator)
            }
        }
        access.planFamilies()
        for d in 28...31 { try await batches.record(day(d), grades: &grades) }
        try await batches.flush(through: day(31))
    }

    private func hire(_ i: Int) -> HireStaff {
        let member = staffing.staff[i]
        return HireStaff(name: member.name, position: member.position, hiredOn: member.hiredOn, email: member.email,
                         snils: member.snils, roles: member.roles, staffID: member.id)
    }

    /// Registers a family's guardians and links them to its children.
    func registerFamily(_ f: Int, on day: CivilDate, second: Int, as actor: Actor) {
        let family = plan.families[f]
        for g in family.guardians {
            let guardian = plan.guardians[g]
            batches.add(day, minute: 0, second: second, RegisterGuardian(
                name: guardian.name, phone: guardian.phone, email: guardian.email, guardianID: guardian.id, on: day), as: actor)
            for s in family.children where plan.students[s].arrival?.on ?? day == day {
                batches.add(day, minute: 0, second: second + 5, LinkGuardian(
                    guardianID: guardian.id, studentID: plan.students[s].id, relation: guardian.relation, on: day), as: actor)
            }
        }
    }

    func academicYear() -> AcademicYearDefined {
        var year = AcademicYearDefined()
        year.year = Int32(options.year)
        year.startsOn = calendar.startsOn.iso
        year.endsOn = calendar.endsOn.iso
        year.holidays = calendar.breaks.map { b in
            var holiday = AcademicYearDefined.Holiday()
            holiday.name = b.name
            holiday.startsOn = b.from.iso
            holiday.endsOn = b.through.iso
            holiday.grades = b.grades.map(Int32.init)
            return holiday
        }
        return year
    }

    func periodDefinitions() -> [ReportingPeriodsDefined] {
        var result: [ReportingPeriodsDefined] = []
        for (scheme, kind, grades, periods) in [("четверти", PeriodKind.terms, options.grades.filter { $0 <= 9 }, calendar.terms),
                                                ("полугодия", PeriodKind.halfYears, options.grades.filter { $0 >= 10 }, calendar.halfYears)]
        where !grades.isEmpty {
            var definition = ReportingPeriodsDefined()
            definition.year = Int32(options.year)
            definition.scheme = scheme
            definition.kind = kind
            definition.grades = grades.map(Int32.init)
            definition.periods = periods.map { p in
                var period = ReportingPeriodsDefined.Period()
                period.periodID = p.id
                period.name = p.name
                period.startsOn = p.from.iso
                period.endsOn = p.through.iso
                return period
            }
            result.append(definition)
        }
        return result
    }

    private func room(for teacher: Int, classIndex: Int, subject: String) -> String {
        switch subject {
        case "pe": return "спортзал"
        case "tech": return "мастерская"
        case "inf": return "каб. 305"
        default:
            if staffing.staff[teacher].specialty == .primary { return "каб. \(101 + classIndex)" }
            return "каб. \(201 + teacher % 40)"
        }
    }

    /// Puts a student into a class and the class's groups in the generator's
    /// own model (the records learn it from the commands).
    func place(_ s: Int, in c: Int) {
        classOf[s] = c
        rosters[c].append(s)
        rosters[c].sort()
        var decided = Set<String>()
        for group in staffing.groups where group.classIndex == c && !decided.contains(group.subject) {
            decided.insert(group.subject)
            let halves = staffing.groups.indices.filter { staffing.groups[$0].classIndex == c && staffing.groups[$0].subject == group.subject }
            let half = half(of: s, split: group.split, classIndex: c, sizes: halves.map { groupMembers[$0].count })
            let g = halves.first { staffing.groups[$0].half == half }!
            groupMembers[g].append(s)
            groupMembers[g].sort()
        }
    }

    /// Which half of a split a student belongs to: by sex for labour; by the
    /// register otherwise — the first half of the class's alphabetical list on
    /// the first day, and newcomers to the smaller group.
    func half(of s: Int, split: Curriculum.Split, classIndex c: Int, sizes: [Int]) -> Int {
        switch split {
        case .bySex:
            return plan.students[s].sex == .female ? 1 : 0
        case .byRegister:
            let initial = plan.classes[c].initial
            if plan.students[s].arrival == nil && plan.students[s].classIndex == c && initial.contains(s) {
                let ordered = initial.sorted { plan.students[$0].name.sortKey < plan.students[$1].name.sortKey }
                return ordered.firstIndex(of: s)! < (ordered.count + 1) / 2 ? 0 : 1
            }
            return sizes[0] <= sizes[1] ? 0 : 1
        }
    }
}

func hhmm(_ minutes: Int) -> String {
    let h = minutes / 60, m = minutes % 60
    return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
}

extension PersonName {
    var sortKey: String { "\(last) \(first) \(middle)" }
}
