import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

/// The school's reference books, which the journal's entries point at.
struct ReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Reference books: subjects, kinds of work, attendance codes, bell schedules.",
        subcommands: [Standard.self, Subject.self, WorkType.self, AttendanceCode.self, Bells.self]
    )

    struct Standard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "standard",
            abstract: "Record the usual reference books at once: attendance codes, kinds of work and subjects.",
            discussion: """
                Attendance codes Н, Б, УП, ОП; kinds of work (answer, homework, independent, test,
                dictation, practical) with their weights; the subjects of the federal curriculum
                (rus, lit, math, alg, geom, eng, hist, soc, geo, bio, phys, chem, inf, music, art,
                tech, pe, obzr, world). Entries the school already has are left as they are.

                Example:
                  letopis reference standard --as T0001
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let today = Timestamp.now().civilDate
                var commands: [any Command] = []
                for (code, name, absence, illness, excused, late) in [("Н", "отсутствовал(а)", true, false, false, false),
                                                                      ("Б", "болел(а)", true, true, true, false),
                                                                      ("УП", "уважительная причина", true, false, true, false),
                                                                      ("ОП", "опоздал(а)", false, false, false, true)]
                    where state.attendanceCodes[code] == nil {
                    var e = AttendanceCodeDefined()
                    (e.code, e.name, e.isAbsence, e.isIllness, e.isExcused, e.isLate) = (code, name, absence, illness, excused, late)
                    commands.append(DefineReference(e, on: today))
                }
                for (id, name, weight) in [("answer", "Ответ на уроке", 1), ("homework", "Домашняя работа", 1),
                                           ("independent", "Самостоятельная работа", 2), ("dictation", "Диктант", 2),
                                           ("practical", "Практическая работа", 2), ("test", "Контрольная работа", 3)]
                    where state.workTypes[id] == nil {
                    var e = WorkTypeDefined()
                    (e.workTypeID, e.name, e.weight) = (id, name, Int32(weight))
                    commands.append(DefineReference(e, on: today))
                }
                for (id, name, short) in Standard.subjects where state.subjects[id] == nil {
                    var e = SubjectDefined()
                    (e.subjectID, e.name, e.shortName) = (id, name, short)
                    commands.append(DefineReference(e, on: today))
                }
                if !commands.isEmpty { try await session.record(commands) }
                confirm(commands.isEmpty ? "Справочники уже заполнены." : "Справочники заполнены: записей \(commands.count).")
            }
        }

        static let subjects = [
            ("rus", "Русский язык", "Рус. яз."), ("lit", "Литература", "Лит."), ("math", "Математика", "Матем."),
            ("alg", "Алгебра", "Алг."), ("geom", "Геометрия", "Геом."), ("eng", "Английский язык", "Англ. яз."),
            ("hist", "История", "Ист."), ("soc", "Обществознание", "Общ."), ("geo", "География", "Геогр."),
            ("bio", "Биология", "Биол."), ("phys", "Физика", "Физ."), ("chem", "Химия", "Хим."),
            ("inf", "Информатика", "Инф."), ("music", "Музыка", "Муз."), ("art", "Изобразительное искусство", "ИЗО"),
            ("tech", "Труд (технология)", "Труд"), ("pe", "Физическая культура", "Физ-ра"),
            ("obzr", "Основы безопасности и защиты Родины", "ОБЗР"), ("world", "Окружающий мир", "Окр. мир"),
        ]
    }

    struct Subject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "subject", abstract: "Add a subject, or rename one.",
            discussion: """
                Example:
                  letopis reference subject --as T0001 --id astr --name Астрономия --short Астр.
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "The subject's id, e.g. math.") var id: String
        @Option(help: "Its name.") var name: String
        @Option(help: "The short name the journal's columns print.") var short: String = ""

        func run() async throws {
            var e = SubjectDefined()
            (e.subjectID, e.name, e.shortName) = (id, name, short.isEmpty ? name : short)
            try await recordReference(school, actor, DefineReference(e, on: Timestamp.now().civilDate), "Предмет \(id): «\(name)».")
        }
    }

    struct WorkType: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "work-type", abstract: "Add a kind of graded work with its weight (1–10).",
            discussion: """
                Example:
                  letopis reference work-type --as T0001 --id project --name "Проект" --weight 2
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "Its id, e.g. test.") var id: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its weight in a weighted average.") var weight: Int32 = 1

        func run() async throws {
            var e = WorkTypeDefined()
            (e.workTypeID, e.name, e.weight) = (id, name, weight)
            try await recordReference(school, actor, DefineReference(e, on: Timestamp.now().civilDate), "Вид работы \(id): «\(name)», вес \(weight).")
        }
    }

    struct AttendanceCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attendance-code", abstract: "Add an attendance code and what it means for the reports.",
            discussion: """
                Example:
                  letopis reference attendance-code --as T0001 --code СП --name "соревнования" --absence --excused
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "The code as the journal shows it.") var code: String
        @Option(help: "What it means.") var name: String
        @Flag(help: "Counts as an absence.") var absence = false
        @Flag(help: "Counts as illness.") var illness = false
        @Flag(help: "Counts as excused.") var excused = false
        @Flag(help: "Counts as late.") var late = false

        func run() async throws {
            var e = AttendanceCodeDefined()
            (e.code, e.name, e.isAbsence, e.isIllness, e.isExcused, e.isLate) = (code, name, absence, illness, excused, late)
            try await recordReference(school, actor, DefineReference(e, on: Timestamp.now().civilDate), "Отметка посещаемости «\(code)»: \(name).")
        }
    }

    struct Bells: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bells", abstract: "Define a bell schedule: each lesson's start and end.",
            discussion: """
                Example:
                  letopis reference bells --as T0001 --name основное --bell 1:08:30-09:15 --bell 2:09:25-10:10
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: "The schedule's name.") var name: String = "основное"
        @Option(help: ArgumentHelp("A lesson: SLOT:HH:MM-HH:MM.", valueName: "bell")) var bell: [String]

        func run() async throws {
            var e = BellScheduleDefined()
            e.name = name
            for text in bell {
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                let times = parts.count == 2 ? parts[1].split(separator: "-").map(String.init) : []
                guard times.count == 2, let slot = Int(parts[0]) else { throw ValidationError("a bell is SLOT:HH:MM-HH:MM, e.g. 1:08:30-09:15") }
                var b = BellScheduleDefined.Bell()
                (b.slot, b.startsAt, b.endsAt) = (Int32(slot), times[0], times[1])
                e.bells.append(b)
            }
            try await recordReference(school, actor, DefineReference(e, on: Timestamp.now().civilDate), "Расписание звонков «\(name)»: уроков \(bell.count).")
        }
    }
}

private func recordReference(_ school: SchoolOptions, _ actor: ActorOptions, _ command: DefineReference, _ done: String) async throws {
    try await withSchool(school, actor, preferring: Prefer.register) { session in
        try await session.record(command)
        confirm(done)
    }
}
