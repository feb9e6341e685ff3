import Foundation

extension RolloutReport: RenderableView {
    public var heading: String {
        "Отчёт о введении электронных дневников и электронного журнала успеваемости — по состоянию на \(RussianNumber.date(asOf))"
    }

    public static let columns = ["Учащихся", "Логины уч.", "Согласия уч.", "Родителей", "Логины род.", "Активировали",
                          "Заявления", "Согласия род.", "Заполнение журнала"]

    /// A line's figures as people read them: «92,6 % (25 из 27)».
    public static func cells(_ f: Figures) -> [String] {
        ["\(f.students)", f.studentsWithLogin.russian, f.studentsWithConsent.russian, "\(f.parents)",
         f.parentsWithLogin.russian, f.parentsActivated.russian, f.parentsWithApplication.russian,
         f.parentsWithConsent.russian, f.journalFill.russian]
    }

    static func teacherLines(_ t: Teachers) -> String {
        "Педагогические работники: \(t.teachers); логины выданы: \(t.withLogin.russian); согласия: \(t.withConsent.russian); "
            + "работали в журнале за 7 дней: \(t.activeLast7Days.russian)\n"
    }

    public var text: String {
        var out = heading + "\n"
        if scope == "district" { out += "Район: \(district.isEmpty ? "—" : district)\n" }
        let alignments: [TextTable.Alignment] = [.left] + Self.columns.map { _ in .right }
        for school in schools {
            out += "\n\(school.name.isEmpty ? school.id : school.name) (\(school.id))\n"
            var table = TextTable(["Класс"] + Self.columns, alignments: alignments)
            for line in school.classes { table.add([line.name] + Self.cells(line.figures)) }
            table.add(["Итого"] + Self.cells(school.total))
            out += table.rendered + Self.teacherLines(school.teachers)
        }
        if scope == "district" {
            var table = TextTable(["Школа"] + Self.columns, alignments: alignments)
            for school in schools { table.add([school.id] + Self.cells(school.total)) }
            table.add(["Итого по району"] + Self.cells(total))
            out += "\nПо району\n" + table.rendered + Self.teacherLines(teachers)
        }
        out += "\nДоля — процент с числами: «активировали» — от родителей с логином; заполнение журнала — уроки по расписанию "
            + "до даты, у которых записаны тема и посещаемость.\n"
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Школа", "Класс"] + Self.columns.flatMap { ["\($0), чел.", "\($0), из", "\($0), %"] }]
        func figureCells(_ f: Figures) -> [String] {
            let shares = [f.studentsWithLogin, f.studentsWithConsent, f.parentsWithLogin, f.parentsActivated,
                          f.parentsWithApplication, f.parentsWithConsent, f.journalFill]
            var cells: [String] = ["\(f.students)", "", ""]
            for (i, share) in shares.enumerated() {
                if i == 2 { cells += ["\(f.parents)", "", ""] }
                cells += ["\(share.count)", "\(share.total)", RussianNumber.decimal(share.percent, places: 1)]
            }
            return cells
        }
        for school in schools {
            for line in school.classes { rows.append([school.id, line.name] + figureCells(line.figures)) }
            rows.append([school.id, "Итого"] + figureCells(school.total))
        }
        if scope == "district" { rows.append(["Итого по району", ""] + figureCells(total)) }
        return rows
    }
}

extension AcademicReport: RenderableView {
    public var heading: String {
        "Отчёт об успеваемости — \(className) — \(period.name)" + (subjectName.map { " — \($0)" } ?? "")
    }

    static func resultCells(_ r: Results) -> [String] {
        ["\(r.assessed)", r.success.russian, r.quality.russian, RussianNumber.decimal(r.averageMark)]
    }

    public var text: String {
        var out = heading + "\n"
        out += "Учащихся на \(RussianNumber.date(min(period.to, Today.day.iso))): \(students); без итоговой оценки: \(results.withoutFinal)\n\n"
        var table = TextTable(["Предмет", "Аттестовано", "Успеваемость", "Качество", "Средний балл"],
                              alignments: [.left, .right, .right, .right, .right])
        for line in subjects { table.add([line.subjectName] + Self.resultCells(line.results)) }
        table.add(["Всего"] + Self.resultCells(results))
        out += table.rendered
        out += "\nПосещаемость" + (subjectName.map { " (пропуски и опоздания — по предмету «\($0)»)" } ?? "") + "\n"
        var attendanceTable = TextTable(["Ученик", "Пропущено уроков", "по болезни", "Дней целиком", "Опозданий"],
                                        alignments: [.left, .right, .right, .right, .right])
        for line in attendance {
            attendanceTable.add([line.name, "\(line.lessonsMissed)", "\(line.lessonsMissedIllness)", "\(line.wholeDaysMissed)", "\(line.late)"])
        }
        out += attendanceTable.rendered
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Предмет", "Аттестовано", "Успевают", "Успеваемость, %", "Качество (4 и 5)", "Качество, %", "Средний балл"]]
        for line in subjects + [SubjectLine(subject: "", subjectName: "Всего", results: results)] {
            let r = line.results
            rows.append([line.subjectName, "\(r.assessed)", "\(r.success.count)", RussianNumber.decimal(r.success.percent, places: 1),
                         "\(r.quality.count)", RussianNumber.decimal(r.quality.percent, places: 1), RussianNumber.decimal(r.averageMark)])
        }
        rows.append([])
        rows.append(["Ученик", "Пропущено уроков", "По болезни", "Дней целиком", "Опозданий"])
        for line in attendance {
            rows.append([line.name, "\(line.lessonsMissed)", "\(line.lessonsMissedIllness)", "\(line.wholeDaysMissed)", "\(line.late)"])
        }
        return rows
    }
}

extension ContingentReport: RenderableView {
    static let kinds = ["enrolled": "зачислен", "arrived": "прибыл", "moved": "переведён", "left": "выбыл",
                        "graduated": "окончил", "promoted": "переведён в следующий класс"]

    public var text: String {
        var out = "Контингент на \(RussianNumber.date(date))\n"
        var table = TextTable(["Класс", "Мальчиков", "Девочек", "Всего"], alignments: [.left, .right, .right, .right])
        for line in classes { table.add([line.name, "\(line.boys)", "\(line.girls)", "\(line.total)"]) }
        table.add(["Итого", "\(classes.map(\.boys).reduce(0, +))", "\(classes.map(\.girls).reduce(0, +))", "\(total)"])
        out += table.rendered
        if let from, let to {
            out += "\nДвижение с \(RussianNumber.date(from)) по \(RussianNumber.date(to)): прибыло \(arrivals), выбыло \(departures)"
                + (promotions > 0 ? ", переведено в следующий класс \(promotions)" : "") + "\n"
            var moves = TextTable(["Дата", "Движение", "Ученик", "Из", "В", "Откуда / куда", "Приказ", "Причина"])
            for m in movements {
                moves.add([RussianNumber.date(m.date), Self.kinds[m.kind] ?? m.kind, m.name, m.fromClass, m.toClass,
                           m.counterpart, m.orderNumber, m.reason])
            }
            out += moves.rendered
        }
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Класс", "Мальчиков", "Девочек", "Всего"]]
        for line in classes { rows.append([line.name, "\(line.boys)", "\(line.girls)", "\(line.total)"]) }
        rows.append(["Итого", "", "", "\(total)"])
        if from != nil {
            rows.append([])
            rows.append(["Дата", "Движение", "Ученик", "Из класса", "В класс", "Откуда / куда", "Приказ", "Причина"])
            for m in movements {
                rows.append([RussianNumber.date(m.date), Self.kinds[m.kind] ?? m.kind, m.name, m.fromClass, m.toClass,
                             m.counterpart, m.orderNumber, m.reason])
            }
        }
        return rows
    }
}

extension ActivityReport: RenderableView {
    public var text: String {
        var out = "Активность пользователей с \(RussianNumber.date(from)) по \(RussianNumber.date(to))\n"
        var table = TextTable(["Дата", "Сотрудники", "Учащиеся", "Родители", "Всего"], alignments: [.left, .right, .right, .right, .right])
        for day in days { table.add([RussianNumber.date(day.date), "\(day.staff)", "\(day.students)", "\(day.parents)", "\(day.total)"]) }
        out += table.rendered
        out += "Разных пользователей за период: сотрудников \(uniqueStaff), учащихся \(uniqueStudents), родителей \(uniqueParents)\n"
        return out
    }

    public var csvRows: [[String]] {
        [["Дата", "Сотрудники", "Учащиеся", "Родители", "Всего"]]
            + days.map { [RussianNumber.date($0.date), "\($0.staff)", "\($0.students)", "\($0.parents)", "\($0.total)"] }
    }
}

extension ChangeLog: RenderableView {
    static let kinds = ["grade": "оценка", "attendance": "посещаемость", "final": "итоговая", "lesson": "урок"]

    public var text: String {
        let out = "Журнал изменений — \(entries.count) записей\n"
        var table = TextTable(["Когда", "Что", "Ученик", "Класс", "Предмет", "Урок / период", "Было", "Стало", "Кто", "Причина"])
        for e in entries {
            let when = RussianNumber.date(String(e.at.prefix(10))) + " " + String(e.at.dropFirst(11).prefix(5))
            table.add([when, Self.kinds[e.kind] ?? e.kind, e.studentName, e.classID, e.subjectName,
                       e.lessonDate.map(RussianNumber.date) ?? e.target, e.before.isEmpty ? "—" : e.before,
                       e.after.isEmpty ? "—" : e.after, "\(e.editorName) (\(e.role))", e.reason])
        }
        return out + table.rendered
    }

    public var csvRows: [[String]] {
        [["Когда (UTC)", "Что", "Действие", "Ученик", "Класс", "Предмет", "Урок или период", "Дата урока", "Было", "Стало",
          "Кто", "Роль", "Причина"]]
            + entries.map { e in
                [e.at, Self.kinds[e.kind] ?? e.kind, e.action, e.studentName, e.classID, e.subjectName, e.target,
                 RussianNumber.date(e.lessonDate), e.before, e.after, e.editorName, e.role, e.reason]
            }
    }
}
