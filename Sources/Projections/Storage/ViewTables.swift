/// Every table of every projector, numbered, so that a store finds a table's
/// cache and database by index. Names are the LMDB database names.
public enum ViewTables {
    // registry
    public static let school = Table<SchoolRow>(0, "view.registry.school")
    public static let years = Table<YearRow>(1, "view.registry.years")
    public static let periods = Table<PeriodRow>(2, "view.registry.periods")
    public static let schemes = Table<SchemeRow>(3, "view.registry.schemes")
    public static let subjects = Table<SubjectRow>(4, "view.registry.subjects")
    public static let workTypes = Table<WorkTypeRow>(5, "view.registry.work-types")
    public static let codes = Table<AttendanceCodeRow>(6, "view.registry.attendance-codes")
    public static let classes = Table<ClassRow>(7, "view.registry.classes")
    public static let groups = Table<GroupRow>(8, "view.registry.groups")
    public static let staff = Table<StaffRow>(9, "view.registry.staff")
    public static let students = Table<StudentRow>(10, "view.registry.students")
    /// unit ‖ student → when the student was in the class or group.
    public static let roster = Table<SpansRow>(11, "view.registry.roster")
    public static let guardians = Table<GuardianRow>(12, "view.registry.guardians")
    /// student ‖ guardian → when the guardian represented the student.
    public static let guardianship = Table<SpansRow>(13, "view.registry.guardianship")
    public static let timetable = Table<TimetableRow>(14, "view.registry.timetable")
    /// day ‖ sequence → an arrival, departure or move.
    public static let movements = Table<MovementRow>(15, "view.registry.movements")

    // journal
    /// unit ‖ day ‖ slot → the lesson and all recorded at it.
    public static let lessons = Table<LessonRow>(16, "view.journal.lessons")
    /// unit ‖ subject ‖ day ‖ slot → (index of `lessons`)
    public static let subjectLessons = Table<EmptyRow>(17, "view.journal.subject-lessons")
    /// grade id → the lesson it was given at.
    public static let gradeLessons = Table<GradeRefRow>(18, "view.journal.grade-lessons")
    /// student ‖ subject ‖ period → final grade.
    public static let finals = Table<FinalRow>(19, "view.journal.finals")
    /// student ‖ Monday → a guardian's acknowledgement of the week.
    public static let acknowledgements = Table<AckRow>(20, "view.journal.acknowledgements")
    /// unit ‖ due day ‖ lesson id → (homework with an explicit due date)
    public static let homeworkDue = Table<EmptyRow>(21, "view.journal.homework-due")
    /// sequence ‖ n → a change of a grade, attendance mark or final grade.
    public static let changes = Table<ChangeRow>(22, "view.journal.changes")
    public static let changesByStudent = Table<EmptyRow>(23, "view.journal.changes-by-student")
    public static let changesByEditor = Table<EmptyRow>(24, "view.journal.changes-by-editor")
    public static let changesByClass = Table<EmptyRow>(25, "view.journal.changes-by-class")
    public static let changesByDay = Table<EmptyRow>(26, "view.journal.changes-by-day")

    // access
    public static let logins = Table<LoginRow>(27, "view.access.logins")
    /// person id → their logins, consents and applications.
    public static let persons = Table<PersonAccessRow>(28, "view.access.persons")
    /// day ‖ category ‖ login → (a sign-in that day)
    public static let signIns = Table<EmptyRow>(29, "view.access.sign-ins")
    /// staff id ‖ day → (made a journal entry that day)
    public static let journalEntries = Table<EmptyRow>(30, "view.access.journal-entries")

    public static let names: [String] = [
        school.name, years.name, periods.name, schemes.name, subjects.name, workTypes.name, codes.name,
        classes.name, groups.name, staff.name, students.name, roster.name, guardians.name, guardianship.name,
        timetable.name, movements.name,
        lessons.name, subjectLessons.name, gradeLessons.name, finals.name, acknowledgements.name, homeworkDue.name,
        changes.name, changesByStudent.name, changesByEditor.name, changesByClass.name, changesByDay.name,
        logins.name, persons.name, signIns.name, journalEntries.name,
    ]

    public static var count: Int { names.count }
}
