/// Homework as Russian teachers write it in the journal: paragraphs, exercise
/// and problem numbers that move on through the textbook over the year.
enum HomeworkTexts {
    /// Whether a lesson of this subject usually gets homework at all.
    static func likelihood(subject: String, grade: Int) -> Double {
        if grade == 1 { return 0 }  // first grades get no homework (СанПиН)
        switch subject {
        case "pe": return 0.05
        case "music", "art", "tech", "odnknr", "orkse": return 0.2
        case "obzr", "project": return 0.4
        default: return 0.93
        }
    }

    /// The text for the `lesson`-th lesson (from 0) of a year of `yearLessons`.
    static func text(subject: String, grade: Int, lesson: Int, yearLessons: Int, using rng: inout SeededGenerator) -> String {
        let paragraph = 1 + lesson * 40 / max(yearLessons, 1)
        let exercise = 5 + lesson * 4 + rng.int(0...3)
        let page = 6 + lesson * 220 / max(yearLessons, 1) + rng.int(0...2)
        switch subject {
        case "rus" where grade <= 4:
            let options = ["Упр. \(exercise), с. \(page)", "Упр. \(exercise); выучить правило на с. \(page)",
                           "Рабочая тетрадь, с. \(page / 2 + 3), упр. \(exercise / 4 + 1)", "Словарные слова на с. \(page)"]
            return rng.pick(options)
        case "rus":
            let options = ["§ \(paragraph), упр. \(exercise)", "§ \(paragraph), выучить правило, упр. \(exercise)",
                           "Упр. \(exercise), \(exercise + 2)", "Повторить § \(max(1, paragraph - 2))–\(paragraph), упр. \(exercise)",
                           "Словарный диктант: слова на с. \(page)"]
            return rng.pick(options)
        case "litread":
            let options = ["Читать с. \(page)–\(page + 3), выразительное чтение", "С. \(page)–\(page + 2), ответить на вопросы",
                           "Выучить наизусть стихотворение на с. \(page)", "Пересказ текста на с. \(page)–\(page + 4)"]
            return rng.pick(options)
        case "lit":
            let options = ["Читать с. \(page)–\(page + 25)", "Ответить на вопросы на с. \(page) (письменно № \(exercise % 7 + 1))",
                           "Выучить наизусть отрывок", "Подготовить пересказ эпизода", "Написать мини-сочинение по теме урока",
                           "Составить цитатный план"]
            return rng.pick(options)
        case "math", "alg", "algan", "prob":
            let n = 100 + lesson * 9 + rng.int(0...4)
            let options = ["№ \(n), \(n + 2), \(n + 5)", "§ \(paragraph), № \(n), \(n + 3)", "№ \(n)(а, б), \(n + 4)",
                           "Повторить § \(paragraph), № \(n), \(n + 1)"]
            return rng.pick(options)
        case "geom":
            let n = 50 + lesson * 6 + rng.int(0...4)
            let options = ["П. \(paragraph), № \(n), \(n + 2)", "№ \(n), \(n + 3), \(n + 5)", "Выучить теорему, № \(n)"]
            return rng.pick(options)
        case "eng":
            let options = ["Ex. \(exercise % 9 + 1), p. \(page)", "SB p. \(page), ex. \(exercise % 6 + 2); WB p. \(page / 2 + 4)",
                           "Выучить слова, p. \(page)", "Прочитать текст на p. \(page), ответить на вопросы",
                           "Написать письмо другу (80–100 слов)"]
            return rng.pick(options)
        case "world":
            let options = ["Учебник с. \(page)–\(page + 3), ответить на вопросы", "Рабочая тетрадь с. \(page / 2 + 2)",
                           "Подготовить сообщение по теме урока"]
            return rng.pick(options)
        case "phys":
            let options = ["§ \(paragraph), упр. \(paragraph % 30 + 1) (\(rng.int(1...4)))", "§ \(paragraph), вопросы после параграфа",
                           "§ \(paragraph), задачи \(exercise), \(exercise + 1)"]
            return rng.pick(options)
        case "chem":
            let options = ["§ \(paragraph), задания \(rng.int(1...5)), \(rng.int(6...9))", "§ \(paragraph), задача \(rng.int(1...4))",
                           "§ \(paragraph), составить уравнения реакций"]
            return rng.pick(options)
        case "inf":
            let options = ["§ \(paragraph), задания \(rng.int(1...4))–\(rng.int(5...8))", "§ \(paragraph), вопросы 1–\(rng.int(4...7))",
                           "Решить задачи \(exercise)–\(exercise + 2) в тренажёре"]
            return rng.pick(options)
        case "hist", "soc", "geo", "bio", "odnknr":
            let options = ["§ \(paragraph), вопросы на с. \(page)", "§ \(paragraph), подготовить сообщение",
                           "§ \(paragraph), заполнить таблицу", "§ \(paragraph), ответить на вопросы письменно",
                           "§ \(paragraph), работа с контурной картой", "Повторить § \(max(1, paragraph - 2))–\(paragraph)"]
            return rng.pick(options)
        case "music":
            let options = ["Выучить текст песни", "Послушать произведение, записать впечатления"]
            return rng.pick(options)
        case "art":
            let options = ["Закончить рисунок", "Принести материалы для урока: гуашь, кисти", "Подобрать иллюстрации"]
            return rng.pick(options)
        case "tech":
            let options = ["Принести материалы для практической работы", "Закончить изделие", "Подготовить эскиз изделия"]
            return rng.pick(options)
        case "pe":
            return "Комплекс утренней зарядки"
        case "obzr":
            let options = ["§ \(paragraph), вопросы после параграфа", "§ \(paragraph), составить памятку"]
            return rng.pick(options)
        case "project":
            let options = ["Подобрать источники по теме проекта", "Написать введение к проекту", "Подготовить презентацию"]
            return rng.pick(options)
        default:
            return "Повторить материал урока"
        }
    }
}
