import Foundation
import Projections
import SchoolYear

/// What `letopis demo` prints at the end: per school what was generated and how
/// long each stage took, the store's size, and the commands to look at it.
struct DemoSummary {
    let options: SchoolYearOptions
    let path: String
    /// `--store DIR ` when the store was given on the command line.
    let flag: String
    let results: [DemoCommand.SchoolResult]
    let seconds: Double

    var text: String {
        var out = "Демонстрационный учебный год \(options.year)/\(String(options.year + 1).suffix(2)): "
            + "seed \(options.seed), школ \(results.count), хранилище \(path)\n"
        for result in results {
            let c = result.counts
            let marks = c.attendanceMarks
            out += "\n" + """
                \(c.schoolID) — \(c.schoolName)
                  классы \(n(c.classes)), группы \(n(c.groups)), сотрудники \(n(c.staff)), обучающиеся \(n(c.students)), \
                родители \(n(c.guardians)); записей в расписании \(n(c.timetableEntries))\(c.timetableConflicts > 0 ? " (накладок у учителей \(n(c.timetableConflicts)))" : "")
                  движение: прибыли \(n(c.arrivals)) (из школ округа \(n(c.transfersIn))), выбыли \(n(c.departures)) \
                (в школы округа \(n(c.transfersOut))), переведены в параллельный класс \(n(c.moves))
                  уроки \(n(c.lessons)): замены \(n(c.substituteLessons)), отменены \(n(c.cancelledLessons)), \
                внесены с опозданием \(n(c.lateLessons)); домашние задания \(n(c.homework)) (позже часа после уроков \(n(c.lateHomework)))
                  посещаемость: пропуски \(n(c.absences)) (Н \(n(marks["Н"] ?? 0)), Б \(n(marks["Б"] ?? 0)), \
                УП \(n(marks["УП"] ?? 0))), опоздания \(n(marks["ОП"] ?? 0)), исправления \(n(c.attendanceCorrections))
                  отметки \(n(c.grades)): исправлены \(n(c.gradeCorrections)) (администрацией \(n(c.administrationCorrections))), \
                аннулированы \(n(c.gradesVoided)); итоговые \(n(c.finals)); периоды закрыты \(n(c.periodCloses)) раз, \
                открыты вновь \(n(c.periodReopens))
                  доступ: согласия \(n(c.consentsGiven)), отказы \(n(c.consentsRefused)), отзывы \(n(c.consentsWithdrawn)), \
                заявления \(n(c.applications)); логины \(n(c.loginsIssued)) (родителям \(n(c.loginsIssuedToParents))), \
                активации \(n(c.activations)); входы \(n(c.signIns)); подписи дневника \(n(c.acknowledgements))
                  резервные копии \(n(c.backups)); отчёты о внедрении \(n(c.reports))\(ramp(c))
                  событий \(n(c.events)); подписанных контрольных точек \(n(result.checkpoints))
                  время: \(stages(c, result))
                """ + "\n"
        }
        let total = results.reduce(0) { $0 + $1.counts.events }
        out += "\n" + """
            Всего событий \(n(total)) за \(format(seconds)) с (\(n(Int(Double(total) / max(seconds, 0.001)))) событий/с); \
            размер хранилища \(megabytes(directorySize(path))) МБ.
            """ + "\n\n" + """
            Посмотреть:
            \(commands())
            """
        return out
    }

    private func ramp(_ c: SchoolCounts) -> String {
        guard !c.rolloutReports.isEmpty else { return "" }
        let steps = c.rolloutReports.map { "\($0.asOf.russian) \(format($0.activatedPercent)) %" }
        return "\n      родители активировали (от имеющих возможность): " + steps.joined(separator: " → ")
    }

    private func stages(_ c: SchoolCounts, _ result: DemoCommand.SchoolResult) -> String {
        let parts = c.stages.map { "\($0.name) \(format($0.seconds)) с" }
            + ["представления \(format(result.projectionSeconds)) с", "контрольные точки \(format(result.checkpointSeconds)) с"]
        let generated = c.stages.reduce(0) { $0 + $1.seconds }
        return parts.joined(separator: ", ") + "; \(n(Int(Double(c.events) / max(generated, 0.001)))) событий/с"
    }

    private func commands() -> String {
        let first = results[0].counts
        let school = results.count > 1 ? "--school \(first.schoolID) " : ""
        let year = options.year
        let grade = options.grades.first { $0 == 5 } ?? options.grades[options.grades.count / 2]
        let subject = grade <= 6 ? "Математика" : grade <= 9 ? "Алгебра" : "Алгебра и начала математического анализа"
        let student = first.firstStudent["\(grade)А"] ?? "S0001"
        let period = grade >= 10 ? "1 полугодие" : "1 четверть"
        let lines = """
              letopis verify \(flag)
              letopis journal \(flag)\(school)--class \(grade)А --subject "\(subject)" --period "\(period)"
              letopis diary \(flag)\(school)--student \(student) --week \(year)-10-14
              letopis summary \(flag)\(school)--class \(grade)А
              letopis report rollout \(flag)--date \(year)-10-01\(results.count > 1 ? " --district" : "")
              letopis report academic \(flag)\(school)--class \(grade)А --period "\(period)"
              letopis report contingent \(flag)\(school)--date \(year + 1)-05-26 --from \(year)-09-01 --to \(year + 1)-05-26
              letopis changes \(flag)\(school)--class \(grade)А --subject "\(subject)"
              letopis audit anomalies \(flag)\(school)--from \(year)-09-01 --to \(year)-12-31
              letopis audit verify \(flag)\(school)
              letopis print journal \(flag)\(school)--class \(grade)А --out \(grade)А.pdf
              letopis serve \(flag)                 # then http://127.0.0.1:8080 (docs/api.md)
            """
        // The flags end in a space; a line must not.
        return lines.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }
            .joined(separator: "\n")
    }

    private func n(_ value: Int) -> String { grouped(UInt64(max(0, value))) }

    private func format(_ value: Double) -> String {
        RussianNumber.decimal(value, places: 1)
    }

    private func megabytes(_ bytes: UInt64) -> String { format(Double(bytes) / 1_048_576) }

    private func directorySize(_ path: String) -> UInt64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: UInt64 = 0
        while let item = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + item)
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? UInt64) ?? 0 }
        }
        return total
    }
}
