import EventLog
import Foundation
import Projections

extension DistrictAcademicReport: RenderableView {
    var heading: String {
        "Отчёт об успеваемости по району — " + (period ?? "текущий период на \(CivilDate(iso: date)?.russian ?? date)")
    }

    static func cells(_ assessed: Int, _ success: Share, _ quality: Share, _ average: Double?) -> [String] {
        ["\(assessed)", success.russian, quality.russian, RussianNumber.decimal(average)]
    }

    public var text: String {
        var table = TextTable(["Школа", "Класс", "Период", "Учащихся", "Аттестовано", "Успеваемость", "Качество", "Средний балл"],
                              alignments: [.left, .left, .left, .right, .right, .right, .right, .right])
        for school in schools {
            for r in school.classes {
                table.add([school.name, r.className, r.period.name, "\(r.students)"]
                          + Self.cells(r.results.assessed, r.results.success, r.results.quality, r.results.averageMark))
            }
        }
        let t = total
        table.add(["Итого по району", "", "", "\(schools.flatMap(\.classes).map(\.students).reduce(0, +))"]
                  + Self.cells(t.assessed, t.success, t.quality, t.averageMark))
        return heading + "\n\n" + table.rendered
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Школа", "Код школы", "Класс", "Период", "Учащихся", "Аттестовано", "Успевают", "Успеваемость, %",
                                 "Качество (4 и 5)", "Качество, %", "Средний балл"]]
        func row(_ name: String, _ id: String, _ klass: String, _ period: String, _ students: Int, _ assessed: Int,
                 _ success: Share, _ quality: Share, _ average: Double?) -> [String] {
            [name, id, klass, period, "\(students)", "\(assessed)", "\(success.count)", RussianNumber.decimal(success.percent, places: 1),
             "\(quality.count)", RussianNumber.decimal(quality.percent, places: 1), RussianNumber.decimal(average)]
        }
        for school in schools {
            for r in school.classes {
                rows.append(row(school.name, school.school, r.className, r.period.name, r.students, r.results.assessed,
                                r.results.success, r.results.quality, r.results.averageMark))
            }
        }
        let t = total
        rows.append(row("Итого по району", "", "", "", schools.flatMap(\.classes).map(\.students).reduce(0, +), t.assessed,
                        t.success, t.quality, t.averageMark))
        return rows
    }
}

extension DistrictContingentReport: RenderableView {
    var heading: String { "Контингент обучающихся по району на \(CivilDate(iso: date)?.russian ?? date)" }

    public var text: String {
        var table = TextTable(["Школа", "Класс", "Мальчики", "Девочки", "Всего"], alignments: [.left, .left, .right, .right, .right])
        for school in schools {
            for c in school.report.classes { table.add([school.name, c.name, "\(c.boys)", "\(c.girls)", "\(c.total)"]) }
            let r = school.report
            table.add([school.name, "итого", "\(r.classes.map(\.boys).reduce(0, +))", "\(r.classes.map(\.girls).reduce(0, +))", "\(r.total)"])
        }
        let all = schools.flatMap(\.report.classes)
        table.add(["Итого по району", "", "\(all.map(\.boys).reduce(0, +))", "\(all.map(\.girls).reduce(0, +))", "\(total)"])
        return heading + "\n\n" + table.rendered
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Школа", "Код школы", "Класс", "Параллель", "Мальчики", "Девочки", "Всего"]]
        for school in schools {
            for c in school.report.classes {
                rows.append([school.name, school.report.school, c.name, "\(c.grade)", "\(c.boys)", "\(c.girls)", "\(c.total)"])
            }
        }
        let all = schools.flatMap(\.report.classes)
        rows.append(["Итого по району", "", "", "", "\(all.map(\.boys).reduce(0, +))", "\(all.map(\.girls).reduce(0, +))", "\(total)"])
        return rows
    }
}

extension ReconciliationReport: RenderableView {
    public var text: String {
        var out = "Сверка школ района на \(options.asOf.russian): школ \(schools.count) (\(schools.joined(separator: ", ")))\n"
        out += "Пороги: прибытие — в течение \(options.arrivalDays) дн. после выбытия; пакет — не старше \(options.staleDays) дн.; итоговые отметки — через \(options.finalsDays) дн. после конца периода или после его закрытия\n"
        for kind in DiscrepancyKind.allCases {
            let found = discrepancies.filter { $0.kind == kind }
            out += "\n\(kind.title) [\(kind.rawValue)]: " + (found.isEmpty ? "нет\n" : "\(found.count)\n")
            for d in found {
                out += "  \(d.explanation)\n"
                out += "    события: " + d.events.map(\.text).joined(separator: ", ") + "\n"
            }
        }
        out += "\n" + (isClean ? "Расхождений нет.\n" : "Расхождений: \(discrepancies.count).\n")
        return out
    }

    public var csvRows: [[String]] {
        var rows: [[String]] = [["Вид", "Код", "Школы", "Запись", "Описание", "События"]]
        for d in discrepancies {
            rows.append([d.kind.title, d.kind.rawValue, d.schools.joined(separator: ", "), d.record, d.explanation,
                         d.events.map(\.text).joined(separator: ", ")])
        }
        return rows
    }
}
