import Foundation

extension ClassJournal: RenderableView {
    /// «Журнал 5А — Математика — 1 четверть».
    public var heading: String { "Журнал \(unit.name) — \(subject.name) — \(period.name)" }

    /// Grid headers: «02.09», with the slot when a day has two lessons.
    var lessonHeaders: [String] {
        let counts = Dictionary(grouping: lessons, by: \.date).mapValues(\.count)
        return lessons.map { counts[$0.date]! > 1 ? "\(RussianNumber.shortDate($0.date))/\($0.slot)" : RussianNumber.shortDate($0.date) }
    }

    static func cellText(_ cell: Cell) -> String {
        let marks = cell.marks.map(\.value).joined(separator: "/")
        let text = [marks, cell.attendance ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty && !cell.member ? "·" : text
    }

    public var text: String {
        var out = heading + "\n"
        out += "\(RussianNumber.date(period.from))–\(RussianNumber.date(period.to))"
            + (period.closed ? ", период закрыт" : "") + "\n\n"
        var lessonTable = TextTable(["№", "Дата", "Урок", "Тема", "Домашнее задание", "Учитель"],
                                    alignments: [.right, .left, .right, .left, .left, .left])
        for (i, lesson) in lessons.enumerated() {
            let due = lesson.homeworkDue.isEmpty ? "" : " (к \(RussianNumber.date(lesson.homeworkDue)))"
            let teacher = lesson.substitute ? "\(lesson.teacherName) (замена)" : lesson.teacherName
            lessonTable.add(["\(i + 1)", RussianNumber.date(lesson.date), "\(lesson.slot)", lesson.topic,
                             lesson.homework.isEmpty ? "" : lesson.homework + due, teacher])
        }
        out += "Уроки\n" + (lessons.isEmpty ? "нет уроков\n" : lessonTable.rendered) + "\n"
        var grid = TextTable(["Ученик"] + lessonHeaders + ["Итог", "Ср.", "Ср.взв."],
                             alignments: [.left] + lessons.map { _ in .left } + [.left, .right, .right])
        for student in students {
            let left = student.memberships.compactMap { $0.to }.last.map { " (выб. \(RussianNumber.date($0)))" } ?? ""
            grid.add([student.name + (student.memberships.contains { $0.to == nil } ? "" : left)]
                     + student.cells.map(Self.cellText)
                     + [student.final ?? "", RussianNumber.decimal(student.average), RussianNumber.decimal(student.weightedAverage)])
        }
        out += "Оценки и посещаемость\n" + grid.rendered
        if !missing.isEmpty {
            out += "\nНе заполнено\n"
            for item in missing {
                let what = [item.topic ? "тема" : nil, item.attendance ? "посещаемость" : nil].compactMap { $0 }.joined(separator: ", ")
                out += "  \(RussianNumber.date(item.date)), урок \(item.slot): \(what)\n"
            }
        }
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [[heading]]
        rows.append(["Ученик"] + lessonHeaders + ["Итоговая", "Средний балл", "Средневзвешенный"])
        for student in students {
            rows.append([student.name] + student.cells.map(Self.cellText)
                        + [student.final ?? "", RussianNumber.decimal(student.average, places: 2),
                           RussianNumber.decimal(student.weightedAverage, places: 2)])
        }
        rows.append([])
        rows.append(["Дата", "Урок", "Тема", "Домашнее задание", "Срок", "Учитель", "Замена"])
        for lesson in lessons {
            rows.append([RussianNumber.date(lesson.date), "\(lesson.slot)", lesson.topic, lesson.homework,
                         RussianNumber.date(lesson.homeworkDue), lesson.teacherName, lesson.substitute ? "да" : ""])
        }
        return rows
    }
}

extension DiaryWeek: RenderableView {
    public var heading: String {
        "Дневник: \(student.name), \(student.className) — неделя \(RussianNumber.date(weekStart))–\(RussianNumber.date(weekEnd))"
    }

    static func marksText(_ marks: [Mark]) -> String {
        marks.map { $0.workTypeName.isEmpty ? $0.value : "\($0.value) (\($0.workTypeName))" }.joined(separator: ", ")
    }

    public var text: String {
        var out = heading + "\n"
        for day in days {
            out += "\n\(day.weekday.capitalized), \(RussianNumber.date(day.date))\n"
            if day.lessons.isEmpty && day.otherHomework.isEmpty {
                out += "  уроков нет\n"
                continue
            }
            var table = TextTable(["Урок", "Предмет", "Тема", "Домашнее задание", "Оценки", "Посещ."],
                                  alignments: [.right, .left, .left, .left, .left, .left])
            for lesson in day.lessons {
                table.add(["\(lesson.slot)", lesson.subjectName, lesson.topic, lesson.homeworkDue.joined(separator: "; "),
                           Self.marksText(lesson.marks), lesson.attendance ?? ""])
            }
            out += table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            for other in day.otherHomework { out += "  Д/з: \(other)\n" }
        }
        out += "\n" + (acknowledged
            ? "Неделя просмотрена родителем (\(acknowledgedBy ?? "")) \(acknowledgedAt.map { String($0.prefix(10)) }.map(RussianNumber.date) ?? "")"
            : "Подпись родителя: нет") + "\n"
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Дата", "День", "Урок", "Предмет", "Тема", "Домашнее задание", "Оценки", "Посещаемость"]]
        for day in days {
            for lesson in day.lessons {
                rows.append([RussianNumber.date(day.date), day.weekday, "\(lesson.slot)", lesson.subjectName, lesson.topic,
                             lesson.homeworkDue.joined(separator: "; "), Self.marksText(lesson.marks), lesson.attendance ?? ""])
            }
            for other in day.otherHomework {
                rows.append([RussianNumber.date(day.date), day.weekday, "", "", "", other, "", ""])
            }
        }
        return rows
    }
}

extension SummarySheet: RenderableView {
    public var heading: String { "Сводная ведомость итоговых оценок — \(className), \(year)/\(year + 1) учебный год" }

    var columnHeaders: [String] {
        subjects.flatMap { subject in periods.map { "\(subject.name): \($0.name)" } }
    }

    public var text: String {
        var out = heading + "\n\n"
        for (s, subject) in subjects.enumerated() {
            var table = TextTable(["Ученик"] + periods.map(\.name))
            for student in students { table.add([student.name] + student.finals[s].map { $0 ?? "" }) }
            out += subject.name + "\n" + table.rendered + "\n"
        }
        if subjects.isEmpty { out += "итоговых оценок нет\n" }
        return out
    }

    public var csvRows: [[String]] {
        [["Ученик"] + columnHeaders] + students.map { student in
            [student.name] + student.finals.flatMap { $0.map { $0 ?? "" } }
        }
    }
}
