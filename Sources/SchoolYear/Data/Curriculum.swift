/// The subjects and the weekly hours of the federal curricula (ФОП НОО, ООО,
/// СОО 2023): начальная школа 1–4 on a five-day week, основная 5–9 and средняя
/// 10–11 (the universal profile) on a six-day week, as many Russian schools
/// still run them. Hours are whole numbers; the school's own part of the plan
/// goes to Russian and mathematics.
struct SubjectInfo: Sendable {
    let id: String
    let name: String
    let short: String
    /// The teacher's specialty that teaches it (see `Specialty`).
    let specialty: Specialty
    /// Graded with marks; ОРКСЭ is not («зачёт»).
    let graded: Bool
    /// How much easier marks come than elsewhere (physical education +, physics −).
    let ease: Double
    /// Tests (контрольные) are written every `testEvery`-th lesson; 0: none.
    let testEvery: Int
    /// The work type of those tests.
    let testWork: String
}

enum Specialty: String, Sendable, CaseIterable {
    case primary, russian, math, english, history, geography, biology, chemistry, physics
    case informatics, music, art, technology, physical, safety

    /// As the staff register prints a position.
    var position: String {
        switch self {
        case .primary: "учитель начальных классов"
        case .russian: "учитель русского языка и литературы"
        case .math: "учитель математики"
        case .english: "учитель английского языка"
        case .history: "учитель истории и обществознания"
        case .geography: "учитель географии"
        case .biology: "учитель биологии"
        case .chemistry: "учитель химии"
        case .physics: "учитель физики"
        case .informatics: "учитель информатики"
        case .music: "учитель музыки"
        case .art: "учитель изобразительного искусства"
        case .technology: "учитель труда (технологии)"
        case .physical: "учитель физической культуры"
        case .safety: "преподаватель-организатор ОБЗР"
        }
    }

    /// The share of women among such teachers in Russian schools, roughly.
    var womenShare: Double {
        switch self {
        case .physical, .safety: 0.35
        case .technology: 0.5
        case .physics, .informatics: 0.7
        default: 0.92
        }
    }
}

enum Curriculum {
    static let subjects: [SubjectInfo] = [
        SubjectInfo(id: "rus", name: "Русский язык", short: "Рус. яз.", specialty: .russian, graded: true, ease: 0, testEvery: 9, testWork: "dictation"),
        SubjectInfo(id: "litread", name: "Литературное чтение", short: "Лит. чт.", specialty: .primary, graded: true, ease: 0.4, testEvery: 12, testWork: "test"),
        SubjectInfo(id: "lit", name: "Литература", short: "Лит.", specialty: .russian, graded: true, ease: 0.2, testEvery: 12, testWork: "essay"),
        SubjectInfo(id: "eng", name: "Иностранный язык (английский)", short: "Англ. яз.", specialty: .english, graded: true, ease: 0.1, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "math", name: "Математика", short: "Матем.", specialty: .math, graded: true, ease: 0, testEvery: 9, testWork: "test"),
        SubjectInfo(id: "alg", name: "Алгебра", short: "Алг.", specialty: .math, graded: true, ease: -0.2, testEvery: 9, testWork: "test"),
        SubjectInfo(id: "geom", name: "Геометрия", short: "Геом.", specialty: .math, graded: true, ease: -0.3, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "prob", name: "Вероятность и статистика", short: "Вер. и стат.", specialty: .math, graded: true, ease: 0, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "algan", name: "Алгебра и начала математического анализа", short: "Алг. и НМА", specialty: .math, graded: true, ease: -0.3, testEvery: 9, testWork: "test"),
        SubjectInfo(id: "inf", name: "Информатика", short: "Информ.", specialty: .informatics, graded: true, ease: 0.2, testEvery: 8, testWork: "practical"),
        SubjectInfo(id: "hist", name: "История", short: "Ист.", specialty: .history, graded: true, ease: 0, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "soc", name: "Обществознание", short: "Общ.", specialty: .history, graded: true, ease: 0.1, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "geo", name: "География", short: "Геогр.", specialty: .geography, graded: true, ease: 0.1, testEvery: 10, testWork: "practical"),
        SubjectInfo(id: "bio", name: "Биология", short: "Биол.", specialty: .biology, graded: true, ease: 0.1, testEvery: 10, testWork: "lab"),
        SubjectInfo(id: "phys", name: "Физика", short: "Физ.", specialty: .physics, graded: true, ease: -0.35, testEvery: 8, testWork: "lab"),
        SubjectInfo(id: "chem", name: "Химия", short: "Хим.", specialty: .chemistry, graded: true, ease: -0.3, testEvery: 8, testWork: "lab"),
        SubjectInfo(id: "world", name: "Окружающий мир", short: "Окр. мир", specialty: .primary, graded: true, ease: 0.3, testEvery: 12, testWork: "test"),
        SubjectInfo(id: "orkse", name: "Основы религиозных культур и светской этики", short: "ОРКСЭ", specialty: .primary, graded: false, ease: 0, testEvery: 0, testWork: ""),
        SubjectInfo(id: "odnknr", name: "Основы духовно-нравственной культуры народов России", short: "ОДНКНР", specialty: .history, graded: true, ease: 0.8, testEvery: 0, testWork: ""),
        SubjectInfo(id: "music", name: "Музыка", short: "Муз.", specialty: .music, graded: true, ease: 1.1, testEvery: 0, testWork: ""),
        SubjectInfo(id: "art", name: "Изобразительное искусство", short: "ИЗО", specialty: .art, graded: true, ease: 1.0, testEvery: 0, testWork: ""),
        SubjectInfo(id: "tech", name: "Труд (технология)", short: "Труд", specialty: .technology, graded: true, ease: 0.9, testEvery: 0, testWork: ""),
        SubjectInfo(id: "pe", name: "Физическая культура", short: "Физ-ра", specialty: .physical, graded: true, ease: 1.0, testEvery: 6, testWork: "norm"),
        SubjectInfo(id: "obzr", name: "Основы безопасности и защиты Родины", short: "ОБЗР", specialty: .safety, graded: true, ease: 0.6, testEvery: 10, testWork: "test"),
        SubjectInfo(id: "project", name: "Индивидуальный проект", short: "Инд. проект", specialty: .history, graded: true, ease: 0.8, testEvery: 0, testWork: ""),
    ]

    static let byID = Dictionary(uniqueKeysWithValues: subjects.map { ($0.id, $0) })
    static let index = Dictionary(uniqueKeysWithValues: subjects.enumerated().map { ($1.id, $0) })

    /// Weekly hours by grade, in the order the plan lists them.
    static func hours(grade: Int) -> [(subject: String, hours: Int)] {
        switch grade {
        case 1: [("rus", 5), ("litread", 4), ("math", 4), ("world", 2), ("music", 1), ("art", 1), ("tech", 1), ("pe", 3)]
        case 2, 3: [("rus", 5), ("litread", 4), ("eng", 2), ("math", 4), ("world", 2), ("music", 1), ("art", 1), ("tech", 1), ("pe", 3)]
        case 4: [("rus", 5), ("litread", 3), ("eng", 2), ("math", 4), ("world", 2), ("orkse", 1), ("music", 1), ("art", 1), ("tech", 1), ("pe", 3)]
        case 5: [("rus", 6), ("lit", 3), ("eng", 3), ("math", 6), ("hist", 2), ("geo", 1), ("bio", 1), ("odnknr", 1),
                 ("music", 1), ("art", 1), ("tech", 2), ("pe", 2)]
        case 6: [("rus", 6), ("lit", 3), ("eng", 3), ("math", 6), ("hist", 2), ("soc", 1), ("geo", 1), ("bio", 1),
                 ("odnknr", 1), ("music", 1), ("art", 1), ("tech", 2), ("pe", 2)]
        case 7: [("rus", 4), ("lit", 2), ("eng", 3), ("alg", 3), ("geom", 2), ("prob", 1), ("inf", 1), ("hist", 2), ("soc", 1),
                 ("geo", 2), ("bio", 1), ("phys", 2), ("music", 1), ("art", 1), ("tech", 2), ("pe", 2)]
        case 8: [("rus", 3), ("lit", 2), ("eng", 3), ("alg", 3), ("geom", 2), ("prob", 1), ("inf", 1), ("hist", 2), ("soc", 1),
                 ("geo", 2), ("bio", 2), ("phys", 2), ("chem", 2), ("music", 1), ("tech", 1), ("obzr", 1), ("pe", 2)]
        case 9: [("rus", 3), ("lit", 3), ("eng", 3), ("alg", 3), ("geom", 2), ("prob", 1), ("inf", 1), ("hist", 2), ("soc", 1),
                 ("geo", 2), ("bio", 2), ("phys", 3), ("chem", 2), ("tech", 1), ("obzr", 1), ("pe", 2)]
        case 10: [("rus", 2), ("lit", 3), ("eng", 3), ("algan", 4), ("geom", 3), ("prob", 1), ("inf", 1), ("hist", 2), ("soc", 2),
                  ("geo", 1), ("bio", 1), ("phys", 2), ("chem", 1), ("obzr", 1), ("pe", 2), ("project", 1)]
        default: [("rus", 2), ("lit", 3), ("eng", 3), ("algan", 4), ("geom", 3), ("prob", 1), ("inf", 1), ("hist", 2), ("soc", 2),
                  ("geo", 1), ("bio", 1), ("phys", 2), ("chem", 1), ("obzr", 1), ("pe", 2)]
        }
    }

    /// Who teaches a subject in a grade: the class's own teacher in the primary
    /// grades, except for English, music and physical education.
    static func specialty(of subject: String, grade: Int) -> Specialty {
        if grade <= 4, !["eng", "music", "pe"].contains(subject) { return .primary }
        return byID[subject]!.specialty
    }

    /// How a class is split for a subject, when it is: English from grade 2 in
    /// two halves by the register, informatics in two halves, labour by sex.
    enum Split: Sendable { case byRegister(prefix: String), bySex }

    static func split(of subject: String, grade: Int, classSize: Int, threshold: Int) -> Split? {
        switch subject {
        case "eng" where grade >= 2 && classSize >= threshold: .byRegister(prefix: "англ")
        case "inf" where classSize >= threshold + 5: .byRegister(prefix: "инф")
        case "tech" where grade >= 5 && classSize >= threshold + 5: .bySex
        default: nil
        }
    }

    /// Kinds of graded work and their weights.
    static let workTypes: [(id: String, name: String, weight: Int32)] = [
        ("answer", "Ответ на уроке", 1), ("homework", "Домашняя работа", 1), ("independent", "Самостоятельная работа", 2),
        ("test", "Контрольная работа", 3), ("dictation", "Диктант", 3), ("essay", "Сочинение", 3),
        ("practical", "Практическая работа", 2), ("lab", "Лабораторная работа", 2), ("norm", "Сдача нормативов", 1),
    ]

    /// Attendance codes: (code, name, absence, illness, excused, late).
    static let attendanceCodes: [(String, String, Bool, Bool, Bool, Bool)] = [
        ("Н", "отсутствовал(а)", true, false, false, false),
        ("Б", "болел(а)", true, true, true, false),
        ("УП", "уважительная причина", true, false, true, false),
        ("ОП", "опоздал(а)", false, false, false, true),
    ]

    /// The regular bell schedule, lessons of 40 minutes.
    static let bells: [(slot: Int, start: (Int, Int), end: (Int, Int))] = [
        (1, (8, 30), (9, 10)), (2, (9, 20), (10, 0)), (3, (10, 20), (11, 0)), (4, (11, 20), (12, 0)),
        (5, (12, 10), (12, 50)), (6, (13, 0), (13, 40)), (7, (13, 50), (14, 30)), (8, (14, 40), (15, 20)),
    ]

    /// The most lessons a day for a grade (СанПиН 1.2.3685-21).
    static func maxLessonsPerDay(grade: Int) -> Int {
        switch grade {
        case 1: 5
        case 2...4: 5
        case 5, 6: 6
        default: 7
        }
    }

    /// Five school days for grades 1–4, six for the rest.
    static func schoolDaysPerWeek(grade: Int) -> Int { grade <= 4 ? 5 : 6 }
}
