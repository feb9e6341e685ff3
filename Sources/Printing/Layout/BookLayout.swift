import EventLog
import Foundation
import Projections

/// Lays a class's year out as the pages of its book: title, contents, each
/// subject's grid and lessons, the summary sheets, corrections, certification.
/// Pure: the same `ClassYear` and stamp give the same pages and digests.
public enum BookLayout {
    public static func book(_ year: ClassYear, stamp: BookStamp) -> JournalBook {
        var parts: [(title: String, pages: [BookPage])] = []
        for section in year.sections {
            parts.append(("\(section.title): успеваемость и посещаемость", gridPages(section, year)))
            parts.append(("\(section.title): записи уроков", lessonPages(section)))
        }
        parts.append(("Сводная ведомость итоговых оценок", summaryPages(year)))
        parts.append(("Сводная ведомость посещаемости", attendancePages(year)))
        parts.append(("Исправления, внесённые в журнал", correctionPages(year)))

        // The contents' length depends only on how many parts there are.
        let contentsCount = contentsPages(parts.map { ($0.title, 0, 0) }).count
        var entries: [(String, Int, Int)] = []
        var next = 2 + contentsCount
        for part in parts {
            entries.append((part.title, next, next + part.pages.count - 1))
            next += part.pages.count
        }
        let total = next
        entries.append(("Заверительная надпись", total, total))

        var pages = [titlePage(year, stamp: stamp)] + contentsPages(entries) + parts.flatMap(\.pages)
        pages.append(certificationPage(year, total: total))
        for index in pages.indices { pages[index].number = index + 1 }
        return JournalBook(schoolName: year.schoolName, classID: year.classID, className: year.className,
                           year: year.year, stamp: stamp, pages: pages)
    }

    // MARK: Title, contents, certification

    static func titlePage(_ year: ClassYear, stamp: BookStamp) -> BookPage {
        var lines = [PageLine(year.schoolName, .normal), PageLine("КЛАССНЫЙ ЖУРНАЛ", .title),
                     PageLine("\(year.className) класса", .large),
                     PageLine("на \(year.year)/\(year.year + 1) учебный год", .large)]
        lines.append(PageLine("Классный руководитель: \(year.classTeacher.isEmpty ? "—" : year.classTeacher)"))
        if !year.director.isEmpty { lines.append(PageLine("Директор: \(year.director)")) }
        lines.append(PageLine("Напечатан по журналу событий школы \(stamp.school) на позиции #\(stamp.position) "
                              + "(корень Меркла \(stamp.root)). Каждый лист проверяется по его отпечатку: "
                              + "letopis verify-print.", .small))
        return BookPage(kind: .title, heading: "Титульный лист", lines: lines)
    }

    static func contentsPages(_ entries: [(title: String, first: Int, last: Int)]) -> [BookPage] {
        let columns = [PageTable.Column("№", 30, .center), PageTable.Column("Раздел", 560),
                       PageTable.Column("Листы", 120, .center)]
        let rows = entries.enumerated().map { index, entry in
            [String(index + 1), entry.title, entry.first == entry.last ? "\(entry.first)" : "\(entry.first)–\(entry.last)"]
        }
        return TablePaginator.split(PageTable(columns: columns, rows: rows)).map {
            BookPage(kind: .contents, heading: "Оглавление", table: $0)
        }
    }

    static func certificationPage(_ year: ClassYear, total: Int) -> BookPage {
        let director = year.director.isEmpty ? "____________________" : year.director
        return BookPage(kind: .certification, heading: "Заверительная надпись", lines: [
            PageLine("В журнале пронумеровано, прошнуровано и скреплено печатью \(total) \(sheets(total))", .large),
            PageLine("Классный журнал \(year.className) класса на \(year.year)/\(year.year + 1) учебный год, \(year.schoolName)"),
            PageLine("Директор  ______________________  / \(director) /"),
            PageLine("М. П."),
            PageLine("«____» ____________________ 20____ г."),
        ])
    }

    /// «лист», «листа», «листов» for `n`.
    public static func sheets(_ n: Int) -> String {
        let (ten, hundred) = (n % 10, n % 100)
        if ten == 1 && hundred != 11 { return "лист" }
        if (2...4).contains(ten) && !(12...14).contains(hundred) { return "листа" }
        return "листов"
    }

    // MARK: Subject sections

    enum GridItem {
        case lesson(Int)
        case final(period: String, label: String)
    }

    static let numberWidth = 22.0
    static let nameWidth = 150.0
    static let dateWidth = 19.0
    static let finalWidth = 27.0

    static func gridPages(_ section: ClassYear.Section, _ year: ClassYear) -> [BookPage] {
        let journal = section.journal
        let items = gridItems(journal, year)
        let finals = finalsBySubject(year.summary, subject: journal.subject.id)
        let teachers = teacherList(journal)
        // Columns a page takes, by width, in order.
        var chunks: [[GridItem]] = [[]]
        var used = 0.0
        let room = PageGeometry.contentWidth - numberWidth - nameWidth
        for item in items {
            let w = width(item)
            if used + w > room, !chunks[chunks.count - 1].isEmpty {
                chunks.append([])
                used = 0
            }
            chunks[chunks.count - 1].append(item)
            used += w
        }
        var pages: [BookPage] = []
        for chunk in chunks {
            let dates = chunk.compactMap { item -> String? in
                if case .lesson(let i) = item { return journal.lessons[i].date } else { return nil }
            }
            var columns = [PageTable.Column("№", numberWidth, .center), PageTable.Column("Фамилия, имя обучающегося", nameWidth)]
            var groups = [PageTable.Group(title: "", span: 2)]
            for item in chunk {
                let (title, group) = header(item, journal)
                columns.append(PageTable.Column(title, width(item), .center))
                if let last = groups.last, last.title == group, groups.count > 1 {
                    groups[groups.count - 1].span += 1
                } else {
                    groups.append(PageTable.Group(title: group, span: 1))
                }
            }
            // A month of one or two lessons on the sheet gets its short name.
            for i in groups.indices where groups[i].span < 3 && groups[i].title.count > 4 {
                groups[i].title = String(groups[i].title.prefix(3))
            }
            let rows = journal.students.enumerated().map { index, student in
                [String(index + 1), surnameAndName(student.name)] + chunk.map { item in
                    switch item {
                    case .lesson(let i): return cellText(student.cells[i])
                    case .final(let period, _): return finals[student.id]?[period] ?? ""
                    }
                }
            }
            var note = "Учитель: \(teachers.isEmpty ? "—" : teachers) · уроков за год: \(journal.lessons.count)"
            if let first = dates.first, let last = dates.last { note += " · на листе: \(RussianNumber.date(first))–\(RussianNumber.date(last))" }
            let lines = [PageLine(note)]
            for table in TablePaginator.split(PageTable(groups: groups, columns: columns, rows: rows),
                                              reserved: TablePaginator.linesHeight(lines)) {
                pages.append(BookPage(kind: .grid, heading: "\(section.title) — успеваемость и посещаемость",
                                      lines: lines, table: table))
            }
        }
        return pages
    }

    /// The lessons in date order, each period's final column after its last
    /// lesson, the year's at the end once the last period is reached.
    static func gridItems(_ journal: ClassJournal, _ year: ClassYear) -> [GridItem] {
        let periods = year.periods
        func periodIndex(_ date: String) -> Int? { periods.firstIndex { $0.starts <= date && date <= $0.ends } }
        var items: [GridItem] = []
        var shown = Set<Int>()
        var current: Int?
        for (index, lesson) in journal.lessons.enumerated() {
            let p = periodIndex(lesson.date)
            if let c = current, let p, p != c {
                items.append(.final(period: periods[c].id, label: shortPeriod(periods[c].name)))
                shown.insert(c)
            }
            current = p ?? current
            items.append(.lesson(index))
        }
        if let c = current, !shown.contains(c) {
            items.append(.final(period: periods[c].id, label: shortPeriod(periods[c].name)))
            shown.insert(c)
        }
        let subjectIndex = year.summary.subjects.firstIndex { $0.id == journal.subject.id }
        let yearID = year.summary.periods.last?.id ?? ""
        let anyYearFinal = subjectIndex.map { s in year.summary.students.contains { $0.finals[s].last! != nil } } ?? false
        if anyYearFinal || (!periods.isEmpty && shown.contains(periods.count - 1)) {
            items.append(.final(period: yearID, label: "год"))
        }
        return items
    }

    static func width(_ item: GridItem) -> Double {
        if case .lesson = item { return dateWidth }
        return finalWidth
    }

    /// The column's title and the heading of its group (the month).
    static func header(_ item: GridItem, _ journal: ClassJournal) -> (String, String) {
        switch item {
        case .lesson(let i):
            let date = journal.lessons[i].date
            let month = Int(date.dropFirst(5).prefix(2)) ?? 1
            return (String(date.suffix(2)), months[month - 1])
        case .final(_, let label):
            return (label, "итог")
        }
    }

    static let months = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                         "сентябрь", "октябрь", "ноябрь", "декабрь"]

    /// «1 четверть» → «1 ч.», «2 полугодие» → «2 п.».
    static func shortPeriod(_ name: String) -> String {
        let words = name.split(separator: " ")
        guard words.count >= 2 else { return String(name.prefix(4)) }
        return "\(words[0]) \(words[1].prefix(1))."
    }

    /// «Иванов Иван Петрович» → «Иванов Иван»: the grid lists students as a paper journal does.
    static func surnameAndName(_ full: String) -> String {
        full.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// Marks joined by «/», then the attendance code; «·» where the student was not in the class.
    static func cellText(_ cell: ClassJournal.Cell) -> String {
        var parts: [String] = []
        if !cell.marks.isEmpty { parts.append(cell.marks.map(\.value).joined(separator: "/")) }
        if let code = cell.attendance { parts.append(code) }
        if parts.isEmpty && !cell.member { return "·" }
        return parts.joined(separator: " ")
    }

    /// student → period → final of one subject.
    static func finalsBySubject(_ summary: SummarySheet, subject: String) -> [String: [String: String]] {
        guard let s = summary.subjects.firstIndex(where: { $0.id == subject }) else { return [:] }
        var out: [String: [String: String]] = [:]
        for student in summary.students {
            for (p, period) in summary.periods.enumerated() {
                if let value = student.finals[s][p] { out[student.id, default: [:]][period.id] = value }
            }
        }
        return out
    }

    /// The regular teachers of the lessons, most lessons first.
    static func teacherList(_ journal: ClassJournal) -> String {
        var counts: [String: Int] = [:]
        for lesson in journal.lessons where !lesson.substitute { counts[lesson.teacherName, default: 0] += 1 }
        return counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key).joined(separator: ", ")
    }

    static func lessonPages(_ section: ClassYear.Section) -> [BookPage] {
        let columns = [PageTable.Column("№", 22, .center), PageTable.Column("Дата", 56, .center),
                       PageTable.Column("Тема урока", 288), PageTable.Column("Домашнее задание", 226),
                       PageTable.Column("Учитель", 110), PageTable.Column("Подпись", 60)]
        let rows = section.journal.lessons.enumerated().map { index, lesson in
            [String(index + 1), RussianNumber.date(lesson.date), lesson.topic, lesson.homework,
             lesson.teacherName + (lesson.substitute ? " (замена)" : ""), ""]
        }
        return TablePaginator.split(PageTable(columns: columns, rows: rows)).map {
            BookPage(kind: .lessons, heading: "\(section.title) — записи уроков", table: $0)
        }
    }

    // MARK: Summaries and corrections

    static func summaryPages(_ year: ClassYear) -> [BookPage] {
        let summary = year.summary
        let room = PageGeometry.contentWidth - numberWidth - 170
        let perPage = max(1, Int(room / 30))
        let subjectChunks = stride(from: 0, to: max(summary.subjects.count, 1), by: perPage).map {
            Array(summary.subjects.indices)[$0..<min($0 + perPage, summary.subjects.count)]
        }
        var pages: [BookPage] = []
        for (p, period) in summary.periods.enumerated() {
            for chunk in subjectChunks {
                let width = chunk.isEmpty ? 30 : min(60, room / Double(chunk.count))
                let columns = [PageTable.Column("№", numberWidth, .center), PageTable.Column("Фамилия, имя обучающегося", 170)]
                    + chunk.map { PageTable.Column(year.subjectShortNames[summary.subjects[$0].id] ?? summary.subjects[$0].name, width, .center) }
                let rows = summary.students.enumerated().map { index, student in
                    [String(index + 1), student.name] + chunk.map { student.finals[$0][p] ?? "" }
                }
                let title = period.name == "год" ? "за год" : period.name
                for table in TablePaginator.split(PageTable(columns: columns, rows: rows)) {
                    pages.append(BookPage(kind: .summary, heading: "Сводная ведомость итоговых оценок — \(title)", table: table))
                }
            }
        }
        return pages
    }

    static func attendancePages(_ year: ClassYear) -> [BookPage] {
        let students = year.summary.students
        var columns = [PageTable.Column("№", numberWidth, .center), PageTable.Column("Фамилия, имя обучающегося", 170)]
        var groups = [PageTable.Group(title: "", span: 2)]
        let width = min(45, (PageGeometry.contentWidth - numberWidth - 170) / Double(max(1, year.attendance.count * 3)))
        var values: [[String: AcademicReport.Attendance]] = []
        for (period, rows) in year.attendance {
            groups.append(PageTable.Group(title: period.name == "год" ? "за год" : period.name, span: 3))
            columns += [PageTable.Column("проп.", width, .center), PageTable.Column("по бол.", width, .center),
                        PageTable.Column("опозд.", width, .center)]
            values.append(Dictionary(rows.map { ($0.student, $0) }, uniquingKeysWith: { a, _ in a }))
        }
        let rows = students.enumerated().map { index, student in
            [String(index + 1), student.name] + values.flatMap { byStudent -> [String] in
                guard let a = byStudent[student.id] else { return ["", "", ""] }
                return [String(a.lessonsMissed), String(a.lessonsMissedIllness), String(a.late)]
            }
        }
        let lines = [PageLine("проп. — пропущено уроков; по бол. — из них по болезни; опозд. — опозданий")]
        return TablePaginator.split(PageTable(groups: groups, columns: columns, rows: rows),
                                    reserved: TablePaginator.linesHeight(lines)).map {
            BookPage(kind: .attendance, heading: "Сводная ведомость посещаемости", lines: lines, table: $0)
        }
    }

    static func correctionPages(_ year: ClassYear) -> [BookPage] {
        let heading = "Исправления, внесённые в журнал"
        let entries = year.changes.entries
        guard !entries.isEmpty else {
            return [BookPage(kind: .corrections, heading: heading, lines: [PageLine("Исправлений за учебный год не было.")])]
        }
        let columns = [PageTable.Column("№", 24, .center), PageTable.Column("Когда записано", 82, .center),
                       PageTable.Column("Предмет", 110), PageTable.Column("Ученик", 115),
                       PageTable.Column("Урок, период", 56, .center), PageTable.Column("Было → стало", 128),
                       PageTable.Column("Кто исправил", 100), PageTable.Column("Причина", 153)]
        let rows = entries.enumerated().map { index, e in
            [String(index + 1), moscow(e.at), e.subjectName, surnameAndName(e.studentName),
             e.lessonDate.map { RussianNumber.date($0) } ?? e.target, change(e.before, e.after, year.workTypeNames),
             e.editorName + (e.role == "teacher" ? "" : roles[e.role].map { ", \($0)" } ?? ""), e.reason]
        }
        let lines = [PageLine("Каждое исправление — новая запись журнала событий с причиной. "
                              + "Время московское; без пометки исправил учитель.")]
        return TablePaginator.split(PageTable(columns: columns, rows: rows), reserved: TablePaginator.linesHeight(lines)).map {
            BookPage(kind: .corrections, heading: heading, lines: lines, table: $0)
        }
    }

    static let roles = ["teacher": "учитель", "class-teacher": "кл. руководитель", "administration": "администрация",
                        "coordinator": "администратор системы"]

    /// «5 (test) → 4 (test)» as «5 → 4 (контрольная работа)»; an empty value (present) as a dash.
    static func change(_ before: String, _ after: String, _ workTypes: [String: String]) -> String {
        func split(_ value: String) -> (String, String?) {
            guard let match = value.wholeMatch(of: /(.*) \((.*)\)/) else { return (value.isEmpty ? "—" : value, nil) }
            let name = workTypes[String(match.2)] ?? String(match.2)
            return (String(match.1), name.prefix(1).lowercased() + name.dropFirst())
        }
        let (a, aType) = split(before), (b, bType) = split(after)
        if let aType, aType == bType || bType == nil { return "\(a) → \(b) (\(aType))" }
        return "\(a)\(aType.map { " (\($0))" } ?? "") → \(b)\(bType.map { " (\($0))" } ?? "")"
    }

    /// ISO 8601 UTC → «05.09.2024 14:30» in Moscow time (UTC+3).
    static func moscow(_ iso: String) -> String {
        guard let t = Timestamp(isoUTC: iso) else { return iso }
        let local = t.adding(seconds: 3 * 3600)
        let seconds = (local.microseconds / 1_000_000) % 86_400
        return local.civilDate.russian + String(format: " %02d:%02d", Int(seconds / 3600), Int(seconds / 60 % 60))
    }
}
