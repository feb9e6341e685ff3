import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

/// The teacher's daily entries: the lesson, its topic, homework and the roll.
struct LessonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Enter a lesson that took place (or void one entered by mistake).",
        subcommands: [Hold.self, Annul.self],
        defaultSubcommand: Hold.self
    )

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold",
            abstract: "Enter a lesson with its topic (the default: `letopis lesson` is `letopis lesson hold`).",
            discussion: """
                The lesson must be in the timetable of its class or group on that date, or be marked
                as a substitution. Teachers enter their own lessons; the administration any.

                Example:
                  letopis lesson --as T0003 --class 5А --date 02.09.2024 --slot 1 --subject math \\
                    --topic "Натуральные числа"
                """
        )

        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions

        @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А, or its id 2024-5А.", valueName: "class"))
        var schoolClass: String

        @Option(help: ArgumentHelp("A group of the class, e.g. англ-1.", valueName: "name"))
        var group: String?

        @Option(help: ArgumentHelp("The date: дд.мм.гггг, YYYY-MM-DD or today (default).", valueName: "date"))
        var date: EntryDate = .today

        @Option(help: ArgumentHelp("The lesson's number in the day.", valueName: "n"))
        var slot: Int32

        @Option(help: ArgumentHelp("The subject's id, e.g. math.", valueName: "id"))
        var subject: String

        @Option(help: "The lesson's topic.")
        var topic: String = ""

        @Option(help: ArgumentHelp("Who taught it (default: whoever records it).", valueName: "id"))
        var teacher: String?

        @Flag(help: "The lesson replaced the timetable's lesson or its teacher.")
        var substitute = false

        @Option(help: ArgumentHelp("The teacher who was replaced (default: the timetable's).", valueName: "id"))
        var replaced: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.journal) { session in
                let state = session.state
                let unit = try state.unitID(class: schoolClass, group: group, on: date.date)
                let teacherID = try teacher.map(state.staffID) ?? session.actor.userID
                let command = HoldLesson(unitID: unit, date: date.date, slot: Int(slot), subjectID: subject, teacherID: teacherID,
                                         substitute: substitute, replacedTeacherID: replaced, topic: topic)
                try await session.record(command)
                let subjectName = state.subjects[subject]?.name ?? subject
                confirm("Урок \(command.lessonID) записан: \(subjectName), \(state.who(teacherID))"
                    + (substitute ? " (замена)" : "") + (topic.isEmpty ? "" : ", тема «\(topic)»") + ".")
            }
        }
    }

    struct Annul: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void",
            abstract: "Void a lesson entered by mistake, with a reason.",
            discussion: """
                Example:
                  letopis lesson void --as T0003 --lesson 2024-5А/2024-09-02/1 --reason "урок не проводился"
                """
        )

        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var which: LessonOptions

        @Option(help: "Why it is voided.")
        var reason: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.journal) { session in
                let lessonID = try which.lessonID(in: session.state)
                try await session.record(VoidLesson(lessonID: lessonID, reason: reason))
                confirm("Урок \(lessonID) аннулирован: \(reason).")
            }
        }
    }
}

struct TopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic",
        abstract: "Enter a lesson's topic, or change it (a change needs a reason).",
        discussion: """
            Example:
              letopis topic --as T0003 --class 5А --date 02.09.2024 --slot 1 --text "Сложение натуральных чисел"
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var which: LessonOptions

    @Option(help: "The topic.")
    var text: String

    @Option(help: "Why it changes, when the lesson already has a topic.")
    var reason: String = ""

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal) { session in
            let lessonID = try which.lessonID(in: session.state)
            try await session.record(RecordTopic(lessonID: lessonID, topic: text, reason: reason))
            confirm("Тема урока \(lessonID) записана: «\(text)».")
        }
    }
}

struct HomeworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homework",
        abstract: "Set a lesson's homework (within an hour of the class's last lesson that day).",
        discussion: """
            Example:
              letopis homework --as T0003 --class 5А --date 02.09.2024 --slot 1 --text "№ 12, 14" --due 04.09.2024
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var which: LessonOptions

    @Option(help: "What to do.")
    var text: String

    @Option(help: ArgumentHelp("When it is due.", valueName: "date"))
    var due: EntryDate?

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal) { session in
            let lessonID = try which.lessonID(in: session.state)
            try await session.record(AssignHomework(lessonID: lessonID, text: text, dueOn: due?.date))
            confirm("Домашнее задание к уроку \(lessonID) записано: «\(text)»" + (due.map { ", к \($0.date.russian)" } ?? "") + ".")
        }
    }
}

struct AttendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attend",
        abstract: "Take a lesson's roll, or correct one student's mark.",
        discussion: """
            The roll lists the absent and the late with their codes (Н absent, Б ill, УП excused,
            ОП late, or the school's own); everyone else was present. A correction changes one
            student's mark, with a reason (--code "" marks them present).

            Examples:
              letopis attend --as T0003 --class 5А --date 02.09.2024 --slot 1 --absent S0001:Н --absent S0002:Б
              letopis attend --as T0003 --lesson 2024-5А/2024-09-02/1 --correct --student S0002 --code УП \\
                --reason "справка от врача"
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var which: LessonOptions

    @Option(help: ArgumentHelp("An absent or late student and the code, STUDENT:CODE (the code defaults to Н).",
                               valueName: "student:code"))
    var absent: [String] = []

    @Flag(help: "Correct one student's mark instead of taking the roll.")
    var correct = false

    @Option(help: ArgumentHelp("The student whose mark is corrected (id or SNILS).", valueName: "id"))
    var student: String?

    @Option(help: ArgumentHelp("The corrected code; empty for present.", valueName: "code"))
    var code: String = ""

    @Option(help: "Why the mark is corrected.")
    var reason: String = ""

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.journal) { session in
            let state = session.state
            let lessonID = try which.lessonID(in: state)
            if correct {
                guard let student else { throw CommandFailure("say whose mark: --student S0001") }
                let studentID = try state.studentID(student)
                try await session.record(CorrectAttendance(lessonID: lessonID, studentID: studentID, code: code, reason: reason))
                confirm("Посещаемость исправлена: \(state.who(studentID)), урок \(lessonID) — "
                    + (code.isEmpty ? "присутствовал(а)" : code) + " (\(reason)).")
                return
            }
            var marks: [String: String] = [:]
            for entry in absent {
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                let studentID = try state.studentID(parts[0])
                marks[studentID] = parts.count > 1 && !parts[1].isEmpty ? parts[1] : "Н"
            }
            try await session.record(TakeAttendance(lessonID: lessonID, marks: marks))
            let list = marks.sorted { $0.key < $1.key }.map { "\(state.who($0.key)) — \($0.value)" }
            confirm("Посещаемость урока \(lessonID) записана: " + (list.isEmpty ? "присутствовали все." : list.joined(separator: "; ") + "."))
        }
    }
}
