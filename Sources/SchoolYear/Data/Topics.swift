/// Lesson topics, as a teacher's calendar-thematic plan (КТП) lists them: one
/// list per subject and school level. A year has more lessons than a list has
/// topics, so a topic runs over several lessons (`topic(_:lesson:of:)`).
enum Topics {
    enum Level: Sendable { case primary, middle, senior }

    static func level(grade: Int) -> Level { grade <= 4 ? .primary : grade <= 9 ? .middle : .senior }

    static func list(subject: String, grade: Int) -> [String] {
        switch level(grade: grade) {
        case .primary: primary[subject] ?? middle[subject] ?? []
        case .middle: middle[subject] ?? primary[subject] ?? senior[subject] ?? []
        case .senior: senior[subject] ?? middle[subject] ?? []
        }
    }

    /// The topic of the `lesson`-th lesson (from 0) of a subject in a year of
    /// `yearLessons`: the plan's topics in order, each first introduced and then
    /// practised, with tests named after what they test. Grades of one level
    /// start at different places of the list, so 5th and 8th grades differ.
    static func topic(subject: String, grade: Int, lesson: Int, yearLessons: Int, test: Bool) -> String {
        let topics = list(subject: subject, grade: grade)
        guard !topics.isEmpty else { return "Урок \(lesson + 1)" }
        let perTopic = max(1, (yearLessons + topics.count - 1) / topics.count)
        let offset = levelOffset(grade: grade) * topics.count / 5
        // A test checks the topic just studied.
        let base = topics[((test ? max(lesson - 1, 0) : lesson) / perTopic + offset) % topics.count]
        if test { return "Контрольная работа по теме «\(base)»" }
        let step = lesson % perTopic
        switch step {
        case 0: return base
        case 1 where perTopic > 2: return "\(base). Закрепление"
        case perTopic - 1 where perTopic > 1: return "Повторение и обобщение по теме «\(base)»"
        default:
            let practice = practiceForms(subject: subject)
            let form = practice[(step - 2 + practice.count) % practice.count]
            return form.hasSuffix(":") ? "\(form) \(base)" : "\(form) «\(base)»"
        }
    }

    /// How a practice lesson of a subject is named in the plan.
    private static func practiceForms(subject: String) -> [String] {
        switch subject {
        case "math", "alg", "algan", "geom", "prob", "phys", "chem", "inf":
            ["Решение задач по теме", "Практикум по теме", "Решение задач повышенной сложности по теме"]
        case "rus", "eng":
            ["Упражнения по теме", "Практикум по теме", "Работа с текстом по теме"]
        case "lit", "litread":
            ["Анализ произведения:", "Чтение и обсуждение:", "Развитие речи:"]
        case "hist", "soc", "geo", "bio", "world", "odnknr", "orkse", "obzr":
            ["Работа с источниками по теме", "Практическое занятие по теме", "Семинар по теме"]
        case "pe":
            ["Совершенствование техники:", "Учебная игра:"]
        default:
            ["Практическая работа по теме", "Творческая работа по теме"]
        }
    }

    private static func levelOffset(grade: Int) -> Int {
        switch level(grade: grade) {
        case .primary: grade - 1
        case .middle: grade - 5
        case .senior: grade - 10
        }
    }
}
