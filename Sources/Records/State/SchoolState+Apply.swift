import Catalog
import EventLog

extension SchoolState {
    /// Folds every event of a log into a state.
    public static func fold(_ log: EventLog, through: UInt64 = .max) throws -> (state: SchoolState, position: UInt64) {
        var state = SchoolState()
        var position: UInt64 = 0
        try log.scan(through: through) { event in
            state.apply(try event.decoded())
            position = event.sequence
            return true
        }
        return (state, position)
    }

    /// Applies one recorded event. Events are facts: applying never fails, and
    /// what the rules would refuse cannot be in the log (a log written without
    /// the rules is the audit engine's business).
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .schoolRegistered(let e): school = e
        case .academicYearDefined(let e): applyYear(e)
        case .reportingPeriodsDefined(let e): applyPeriods(e)
        case .bellScheduleDefined(let e):
            bellSchedules[e.name] = Dictionary(e.bells.map { (Int($0.slot), $0) }, uniquingKeysWith: { $1 })
            currentBellSchedule = e.name
        case .subjectDefined(let e): subjects[e.subjectID] = e
        case .workTypeDefined(let e): workTypes[e.workTypeID] = e
        case .attendanceCodeDefined(let e): attendanceCodes[e.code] = e
        case .referenceEntryDefined(let e): referenceBooks[e.book, default: [:]][e.code] = e.name

        case .classCreated(let e):
            classes[e.classID] = SchoolClass(id: e.classID, year: Int(e.year), grade: Int(e.grade), letter: e.letter,
                                             name: e.name, classTeacherID: e.classTeacherID)
        case .classTeacherAssigned(let e): classes[e.classID]?.classTeacherID = e.staffID
        case .groupCreated(let e):
            groups[e.groupID] = StudyGroup(id: e.groupID, classID: e.classID, name: e.name, subjectID: e.subjectID)
        case .studentAddedToGroup(let e):
            if let on = CivilDate(iso: e.on) { groups[e.groupID]?.members[e.studentID, default: []].append(DateSpan(from: on)) }
        case .studentRemovedFromGroup(let e):
            if let on = CivilDate(iso: e.on) { closeGroupSpan(group: e.groupID, student: e.studentID, on: on) }
        case .curriculumHoursSet(let e):
            curriculum[CurriculumKey(year: Int(e.year), grade: Int(e.grade), subjectID: e.subjectID)] = e.hoursPerWeek
        case .timetableEntryAdded(let e): applyTimetable(e)
        case .timetableEntryEnded(let e): timetable[e.entryID]?.validTo = CivilDate(iso: e.validTo)

        case .staffHired(let e):
            noteID(e.staffID, prefix: "T")
            staff[e.staffID] = StaffMember(id: e.staffID, name: e.name, position: e.position,
                                           hiredOn: CivilDate(iso: e.hiredOn) ?? CivilDate(daysSinceEpoch: 0),
                                           snils: e.snils, email: e.email)
        case .staffLeft(let e): staff[e.staffID]?.leftOn = CivilDate(iso: e.leftOn)
        case .roleGranted(let e):
            if let role = Role(e.role) { staff[e.staffID]?.roles.insert(RoleGrant(role: role, classID: e.classID)) }
        case .roleRevoked(let e):
            if let role = Role(e.role) { staff[e.staffID]?.roles.remove(RoleGrant(role: role, classID: e.classID)) }
            // A class whose class teacher lost the role has none until another is assigned.
            if Role(e.role) == .classTeacher, classes[e.classID]?.classTeacherID == e.staffID {
                classes[e.classID]?.classTeacherID = ""
            }
        case .studentEnrolled(let e):
            admit(id: e.studentID, name: e.name, sex: e.sex, bornOn: e.bornOn, snils: e.snils, classID: e.classID, on: e.enrolledOn)
        case .studentArrived(let e):
            admit(id: e.studentID, name: e.name, sex: e.sex, bornOn: e.bornOn, snils: e.snils, classID: e.classID, on: e.on)
        case .studentMoved(let e): place(e.studentID, in: e.toClassID, on: e.on)
        case .studentPromoted(let e): place(e.studentID, in: e.toClassID, on: e.on)
        case .studentGraduated(let e): release(e.studentID, on: e.on)
        case .studentLeft(let e): release(e.studentID, on: e.on)
        case .guardianRegistered(let e):
            noteID(e.guardianID, prefix: "P")
            guardians[e.guardianID] = Guardian(id: e.guardianID, name: e.name, email: e.email, snils: e.snils, phone: e.phone)
            let digits = e.snils.filter(\.isASCIIDigit)
            if !digits.isEmpty { guardianBySNILS[digits] = e.guardianID }
            guardiansByName[e.name.full.lowercased(), default: []].append(e.guardianID)
        case .guardianLinked(let e):
            guardians[e.guardianID]?.children[e.studentID] = e.relation
            students[e.studentID]?.guardians.insert(e.guardianID)
        case .guardianUnlinked(let e):
            guardians[e.guardianID]?.children[e.studentID] = nil
            students[e.studentID]?.guardians.remove(e.guardianID)

        case .consentGiven(let e): consents[e.personID] = .given(document: e.documentRef)
        case .consentRefused(let e): consents[e.personID] = .refused(document: e.documentRef)
        case .consentWithdrawn(let e): consents[e.personID] = .withdrawn(document: e.documentRef)
        case .parentApplicationRegistered(let e):
            applications.insert(GuardianStudent(guardianID: e.guardianID, studentID: e.studentID))
            applicationCount += 1

        case .loginIssued(let e):
            logins[e.login] = LoginAccount(login: e.login, personID: e.personID, personKind: e.personKind,
                                           role: Role(e.role) ?? .student)
            loginByPerson[e.personID] = e.login
        case .loginActivated(let e): logins[e.login]?.activated = true
        case .passwordChanged, .passwordReset, .signedIn: break
        case .loginBlocked(let e): logins[e.login]?.blocked = true
        case .loginUnblocked(let e): logins[e.login]?.blocked = false
        case .secondFactorEnrolled(let e): logins[e.login]?.secondFactor = true
        case .secondFactorRemoved(let e): logins[e.login]?.secondFactor = false
        case .secondFactorRequired(let e): secondFactorRoles = Set(e.roles.compactMap(Role.init))

        case .lessonHeld(let e): applyLesson(e)
        case .lessonTopicRecorded(let e): lessons[e.lessonID]?.topic = e.topic
        case .homeworkAssigned(let e): lessons[e.lessonID]?.homeworkAssigned = true
        case .attendanceTaken(let e):
            lessons[e.lessonID]?.attendanceTaken = true
            for mark in e.marks { lessons[e.lessonID]?.absences[mark.studentID] = mark.code }
        case .attendanceCorrected(let e):
            lessons[e.lessonID]?.absences[e.studentID] = e.code.isEmpty ? nil : e.code
        case .lessonVoided(let e):
            lessons[e.lessonID]?.voided = true
            // Its grades go with it: a lesson held again later starts without them.
            for (id, grade) in grades where grade.lessonID == e.lessonID && !grade.voided { grades[id]?.voided = true }
        case .gradeRecorded(let e):
            grades[e.gradeID] = Grade(id: e.gradeID, lessonID: e.lessonID, studentID: e.studentID, value: e.value,
                                      workTypeID: e.workTypeID, weight: Int(e.weight))
            gradeCount += 1
        case .gradeCorrected(let e):
            grades[e.gradeID]?.value = e.value
            grades[e.gradeID]?.workTypeID = e.workTypeID
            grades[e.gradeID]?.weight = Int(e.weight)
        case .gradeVoided(let e): grades[e.gradeID]?.voided = true
        case .finalGradeSet(let e): finals["\(e.studentID)/\(e.subjectID)/\(e.periodID)"] = e.value
        case .finalGradeCorrected(let e): finals["\(e.studentID)/\(e.subjectID)/\(e.periodID)"] = e.value
        case .periodClosed(let e): periods[e.periodID]?.closed = true
        case .periodReopened(let e): periods[e.periodID]?.closed = false
        case .yearClosed(let e): years[Int(e.year)]?.closed = true

        case .diaryWeekAcknowledged(let e): acknowledgedWeeks.insert("\(e.studentID)/\(e.weekStart)")
        case .backupMade(let e): backups.append(e)
        case .reportSubmitted, .journalArchived: break
        }
    }

    private mutating func applyYear(_ e: AcademicYearDefined) {
        guard let start = CivilDate(iso: e.startsOn), let end = CivilDate(iso: e.endsOn) else { return }
        let holidays = e.holidays.compactMap { h -> AcademicYear.Holiday? in
            guard let from = CivilDate(iso: h.startsOn), let through = CivilDate(iso: h.endsOn) else { return nil }
            return AcademicYear.Holiday(name: h.name, from: from, through: through, grades: Set(h.grades.map(Int.init)))
        }
        let closed = years[Int(e.year)]?.closed ?? false
        years[Int(e.year)] = AcademicYear(year: Int(e.year), startsOn: start, endsOn: end, holidays: holidays, closed: closed)
    }

    private mutating func applyPeriods(_ e: ReportingPeriodsDefined) {
        let grades = Set(e.grades.map(Int.init))
        for p in e.periods {
            guard let start = CivilDate(iso: p.startsOn), let end = CivilDate(iso: p.endsOn) else { continue }
            let closed = periods[p.periodID]?.closed ?? false
            periods[p.periodID] = ReportingPeriod(id: p.periodID, year: Int(e.year), name: p.name, startsOn: start,
                                                  endsOn: end, grades: grades, closed: closed)
        }
    }

    private mutating func applyTimetable(_ e: TimetableEntryAdded) {
        guard let from = CivilDate(iso: e.validFrom) else { return }
        timetable[e.entryID] = TimetableEntry(
            id: e.entryID, year: Int(e.year), weekday: Int(e.weekday), slot: Int(e.slot), unitID: e.unitID,
            subjectID: e.subjectID, teacherID: e.teacherID, validFrom: from, validTo: CivilDate(iso: e.validTo))
        timetableByUnitDay[UnitDay(unitID: e.unitID, weekday: Int(e.weekday)), default: []].append(e.entryID)
        teachingUnits.insert("\(e.teacherID)|\(e.subjectID)|\(e.unitID)")
        // A unit never changes its class, so the class can be noted once here.
        if let schoolClass = classOf(unit: e.unitID) { teaching.insert("\(e.teacherID)|\(e.subjectID)|\(schoolClass.id)") }
    }

    /// Keeps `highestIDs` up with an id given (by the school's own file or by `nextID`).
    private mutating func noteID(_ id: String, prefix: String) {
        guard id.hasPrefix(prefix), let number = Int(id.dropFirst(prefix.count)) else { return }
        if number > highestIDs[prefix] ?? 0 { highestIDs[prefix] = number }
    }

    private mutating func applyLesson(_ e: LessonHeld) {
        guard let date = CivilDate(iso: e.date) else { return }
        lessons[e.lessonID] = Lesson(
            id: e.lessonID, date: date, slot: Int(e.slot), unitID: e.unitID, classID: e.classID,
            subjectID: e.subjectID, teacherID: e.teacherID, substitute: e.substitute, topic: e.topic)
        lessonsByClassDay[ClassDay(classID: e.classID, date: date), default: []].insert(e.lessonID)
    }

    private mutating func admit(id: String, name: PersonName, sex: Sex, bornOn: String, snils: String, classID: String, on: String) {
        guard let date = CivilDate(iso: on) else { return }
        noteID(id, prefix: "S")
        var student = students[id] ?? Student(id: id, name: name, sex: sex, bornOn: CivilDate(iso: bornOn), snils: snils)
        student.placements.append(.init(classID: classID, span: DateSpan(from: date)))
        students[id] = student
        if !snils.isEmpty { enrolledBySNILS[snils] = id }
    }

    private mutating func place(_ studentID: String, in classID: String, on: String) {
        guard let date = CivilDate(iso: on), var student = students[studentID] else { return }
        if let last = student.placements.indices.last { student.placements[last].span.until = date }
        student.placements.append(.init(classID: classID, span: DateSpan(from: date)))
        students[studentID] = student
    }

    private mutating func release(_ studentID: String, on: String) {
        guard let date = CivilDate(iso: on), var student = students[studentID] else { return }
        if let last = student.placements.indices.last, student.placements[last].span.until == nil {
            student.placements[last].span.until = date
        }
        students[studentID] = student
        if enrolledBySNILS[student.snils] == studentID { enrolledBySNILS[student.snils] = nil }
        for (groupID, group) in groups where group.members[studentID]?.last?.until == nil && group.members[studentID] != nil {
            closeGroupSpan(group: groupID, student: studentID, on: date)
        }
    }

    private mutating func closeGroupSpan(group: String, student: String, on date: CivilDate) {
        guard var spans = groups[group]?.members[student], let last = spans.indices.last, spans[last].until == nil else { return }
        spans[last].until = date
        groups[group]?.members[student] = spans
    }
}
