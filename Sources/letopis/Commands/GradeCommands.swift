import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct GradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Give a student a grade at a lesson.",
        discussion: """
            The student must have been in the lesson's class or group that day; the grade is
            entered by the lesson's teacher (or substitute) or the administration. Values: 1–5,
            н/а, осв, зач, незач. Prints the grade's id, which a correction names.

            Example:
              letopis grade --as T0003 --class 5А --date 02.09.2024 --slot 1 --student S0001 --value 5 \\
                --work-type answer
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var which: LessonOptions

    @Option(help: ArgumentHelp("The student: id or SNILS.", valueName: "id"))
    var student: String

    @Option(help: ArgumentHelp("The grade: 1–5, н/а, осв, зач or незач.", valueName: "value"))
    var value: String

    @Option(help: ArgumentHelp("The kind of work, from the reference book (e.g. answer, test).", valueName: "id"))
    var workType: String

    @Option(help: "A comment the diary shows.")
    var comment: String = ""

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal) { session in
            let state = session.state
            let lessonID = try which.lessonID(in: state)
            let studentID = try state.studentID(student)
            try await session.record(RecordGrade(lessonID: lessonID, studentID: studentID, value: value,
                                                 workTypeID: workType, comment: comment))
            let after = session.state
            let gradeID = String(format: "M%06d", after.gradeCount)
            let work = state.workTypes[workType]?.name.lowercased() ?? workType
            confirm("Оценка \(gradeID) записана: \(value) (\(work)), \(state.who(studentID)), урок \(lessonID).")
        }
    }
}

struct CorrectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a grade (a new value or kind of work) or void it, with a reason.",
        discussion: """
            A correction never overwrites: it is a new event pointing at the grade. After the edit
            window, or in a closed period, only the administration corrects.

            Examples:
              letopis correct --as T0003 --grade M000123 --value 4 --reason "ошибка при вводе"
              letopis correct --as T0002 --grade M000123 --void --reason "оценка выставлена не тому ученику"
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions

    @Option(help: ArgumentHelp("The grade's id, e.g. M000123.", valueName: "id"))
    var grade: String

    @Option(help: ArgumentHelp("The corrected value.", valueName: "value"))
    var value: String?

    @Option(help: ArgumentHelp("The corrected kind of work.", valueName: "id"))
    var workType: String?

    @Flag(name: .customLong("void"), help: "Void the grade instead.")
    var voids = false

    @Option(help: "Why.")
    var reason: String

    func validate() throws {
        guard voids != (value != nil || workType != nil) else {
            throw ValidationError("give --value and/or --work-type, or --void")
        }
    }

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal + [.administration]) { session in
            let state = session.state
            let current = state.grades[grade]
            let newValue = voids ? nil : (value ?? current?.value ?? "")
            try await session.record(CorrectGrade(gradeID: grade, value: newValue, workTypeID: workType, reason: reason))
            let whom = current.map { ", \(state.who($0.studentID))" } ?? ""
            if let newValue {
                confirm("Оценка \(grade) исправлена: \(current?.value ?? "?") → \(newValue)\(whom) (\(reason)).")
            } else {
                confirm("Оценка \(grade) аннулирована\(whom) (\(reason)).")
            }
        }
    }
}

struct FinalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "final",
        abstract: "Set a student's final grade for a reporting period or the year (with a reason to change it).",
        discussion: """
            The period is a reporting period's id (2024-T1) or <year>-Y for the year's grade.

            Example:
              letopis final --as T0003 --student S0001 --subject math --period 2024-T1 --value 5
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions

    @Option(help: ArgumentHelp("The student: id or SNILS.", valueName: "id"))
    var student: String

    @Option(help: ArgumentHelp("The subject's id.", valueName: "id"))
    var subject: String

    @Option(help: ArgumentHelp("The period's id (2024-T1), or 2024-Y for the year.", valueName: "id"))
    var period: String

    @Option(help: ArgumentHelp("The grade.", valueName: "value"))
    var value: String

    @Option(help: "Why, when it changes a final grade already set.")
    var reason: String = ""

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal) { session in
            let state = session.state
            let studentID = try state.studentID(student)
            try await session.record(SetFinalGrade(studentID: studentID, subjectID: subject, periodID: period, value: value,
                                                   reason: reason))
            let name = state.periods[period]?.name ?? (period.hasSuffix("-Y") ? "год" : period)
            confirm("Итоговая оценка записана: \(value), \(state.subjects[subject]?.name ?? subject), \(name), \(state.who(studentID)).")
        }
    }
}
