import Audit
import Catalog
import EventLog
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import Projections
import Records
import SchoolService
import Synchronization

/// The school office's pages, for the administration and coordinators, and
/// for auditors to read: the school's reports with their CSV and JSON (the
/// command line's very bytes), the anomalies of the log, and any of them as
/// the log stood at a moment (`?asOf=`, as `--as-of`). Periods and the
/// registers are `SchoolRecordsPages`. Everyone else gets the page of a record
/// that does not exist.
struct SchoolPages {
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(context: SignedInContext.self)
            .get("/school", use: index)
            .get("/school/reports/rollout") { try await report(.rollout, $0, $1) }
            .get("/school/reports/academic") { try await report(.academic, $0, $1) }
            .get("/school/reports/contingent") { try await report(.contingent, $0, $1) }
            .get("/school/reports/activity") { try await report(.activity, $0, $1) }
            .get("/school/anomalies", use: anomalies)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    // MARK: The index

    struct IndexPage {
        struct Section {
            let title: String
            let link: String
            let about: String
        }
        let sections: [Section]
    }

    static let sections: [IndexPage.Section] = [
        .init(title: "Внедрение электронного журнала", link: "/school/reports/rollout",
              about: "Логины, согласия, заявления и заполнение журнала по классам (отчёт для управления образованием)."),
        .init(title: "Успеваемость", link: "/school/reports/academic",
              about: "Успеваемость, качество, средний балл и посещаемость класса за период."),
        .init(title: "Контингент", link: "/school/reports/contingent", about: "Численность по классам на дату, прибытие и выбытие."),
        .init(title: "Активность пользователей", link: "/school/reports/activity", about: "Сколько сотрудников, учащихся и родителей входили в журнал по дням."),
        .init(title: "Отчётные периоды", link: "/school/periods", about: "Периоды учебного года: закрытие и открытие с причиной."),
        .init(title: "Аномалии журнала", link: "/school/anomalies",
              about: "Записи задним числом, поздние темы и посещаемость, изменения в закрытых периодах и другое."),
        .init(title: "Сотрудники", link: "/school/staff", about: "Реестр сотрудников и их роли."),
        .init(title: "Ученики", link: "/school/students", about: "Реестр учеников по классам."),
        .init(title: "Загрузка реестров", link: "/school/import", about: "Сотрудники, классы, ученики, родители из файла CSV (Excel)."),
    ]

    func index(_ request: Request, context: SignedInContext) async throws -> Response {
        try requireOfficeReader(context.person)
        return renderer.render("school", title: "Школа", frame: .person(context.person, current: "/school"),
                               page: IndexPage(sections: Self.sections))
    }

    // MARK: The reports

    enum Report: String, Sendable {
        case rollout, academic, contingent, activity

        var title: String {
            switch self {
            case .rollout: "Внедрение электронного журнала"
            case .academic: "Успеваемость"
            case .contingent: "Контингент"
            case .activity: "Активность пользователей"
            }
        }
    }

    /// What a report was asked for, read from the query.
    struct ReportQuery: Sendable {
        var date: CivilDate?
        var from: CivilDate?
        var to: CivilDate?
        var classID: String?
        var period: String?
        var subject: String?
    }

    /// A view as a page shows it (its CSV rows, in sections) or as a download.
    struct Rendered: Sendable {
        let heading: String
        let notes: [String]
        let sections: [[[String]]]
        let download: Data?
        let fileName: String

        /// `table`: the page's own rows, when the CSV's (made for a spreadsheet) would read badly.
        init(_ view: some RenderableView, heading: String, notes: [String] = [], fileName: String, format: ViewFormat?,
             table: [[String]]? = nil) throws {
            self.heading = heading
            self.notes = notes
            self.fileName = fileName
            if let format {
                download = try view.rendered(as: format)
                sections = []
            } else {
                download = nil
                sections = (table ?? view.csvRows).split(whereSeparator: \.isEmpty).map(Array.init)
            }
        }
    }

    /// The report from `source`, on the day `today` means there.
    static func make(_ report: Report, _ q: ReportQuery, _ source: any ViewSource, today: Day, format: ViewFormat?) throws -> Rendered {
        switch report {
        case .rollout:
            let day = q.date?.daysSinceEpoch ?? today
            let view = try SchoolReports.rollout(source, on: day)
            let notes = view.schools.map { s in
                "Педагогические работники: \(s.teachers.teachers); логины выданы: \(s.teachers.withLogin.russian); "
                    + "согласия: \(s.teachers.withConsent.russian); работали в журнале за 7 дней: \(s.teachers.activeLast7Days.russian)."
            }
            // As the text view has it: each share with its counts, «92,6 % (25 из 27)».
            var table: [[String]] = []
            for school in view.schools {
                table.append(["Класс"] + RolloutReport.columns)
                for line in school.classes { table.append([line.name] + RolloutReport.cells(line.figures)) }
                table.append(["Итого"] + RolloutReport.cells(school.total))
                table.append([])
            }
            return try Rendered(view, heading: view.heading, notes: notes, fileName: "внедрение-\(day.iso)", format: format, table: table)
        case .academic:
            guard let classID = q.classID else { throw APIError.invalid("Выберите класс.") }
            let view = try AcademicReport.query(source, class: classID, period: q.period, subject: q.subject, today: today)
            let notes = ["Учащихся: \(view.students); без итоговой оценки: \(view.results.withoutFinal)."]
            return try Rendered(view, heading: view.heading, notes: notes,
                                fileName: "успеваемость-\(view.className)-\(view.period.name)" + (view.subjectName.map { "-\($0)" } ?? ""),
                                format: format)
        case .contingent:
            guard (q.from == nil) == (q.to == nil) else { throw APIError.invalid("Укажите начало и конец периода движения, или ни одного.") }
            let day = q.date?.daysSinceEpoch ?? today
            let view = try ContingentReport.query(source, date: day, from: q.from?.daysSinceEpoch, to: q.to?.daysSinceEpoch)
            var notes = ["Всего учащихся: \(view.total)."]
            if let from = view.from, let to = view.to {
                notes.append("Движение с \(RussianNumber.date(from)) по \(RussianNumber.date(to)): прибыло \(view.arrivals), "
                              + "выбыло \(view.departures)" + (view.promotions > 0 ? ", переведено в следующий класс \(view.promotions)" : "") + ".")
            }
            return try Rendered(view, heading: "Контингент на \(RussianNumber.date(view.date))", notes: notes,
                                fileName: "контингент-\(view.date)", format: format)
        case .activity:
            let to = q.to?.daysSinceEpoch ?? today
            let from = q.from?.daysSinceEpoch ?? to - 6
            guard from <= to else { throw APIError.invalid("Начало периода позже его конца.") }
            let view = try ActivityReport.query(source, from: from, to: to)
            let notes = ["Разных пользователей за период: сотрудников \(view.uniqueStaff), учащихся \(view.uniqueStudents), "
                         + "родителей \(view.uniqueParents)."]
            return try Rendered(view, heading: "Активность пользователей с \(RussianNumber.date(view.from)) по \(RussianNumber.date(view.to))",
                                notes: notes, fileName: "активность-\(view.from)-\(view.to)", format: format)
        }
    }

    struct ReportPage {
        struct Section {
            let header: [String]
            let rows: [Row]
        }
        struct Row {
            let cells: [String]
        }
        let heading: String
        let action: String
        let fields: [FilterField]
        let hasFields: Bool
        let asOf: AsOfBanner?
        let ready: Bool
        let prompt: String
        let notes: [String]
        let sections: [Section]
        let csvLink: String?
        let jsonLink: String?
    }

    func report(_ report: Report, _ request: Request, _ context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        let format = try downloadFormat(request)
        let date = { (name: String) in try query(request, name).map { try parseDate($0, field: name) } }
        let q = ReportQuery(date: try date("date"), from: try date("from"), to: try date("to"), classID: try query(request, "class"),
                            period: try query(request, "period"), subject: try query(request, "subject"))
        let path = "/school/reports/\(report.rawValue)"
        let choices = report == .academic ? try await academicChoices(q, person: person) : []
        // The academic report waits for a class to be chosen.
        let ready = report != .academic || q.classID != nil
        var rendered: Rendered?
        var banner: AsOfBanner?
        if ready {
            let (made, note) = try await moment(request, person: person, path: path) { source, today in
                try Self.make(report, q, source, today: today, format: format)
            }
            rendered = made
            banner = note
        }
        if let format, let rendered, let data = rendered.download {
            return officeDownload(data, format: format, name: rendered.fileName + (banner.map { "-на-\($0.fileSuffix)" } ?? ""))
        }
        let value = { (name: String) in (try? query(request, name)) ?? "" }
        var fields: [FilterField] = switch report {
        case .rollout: [.input("date", "На дату", type: "date", value: value("date"))]
        case .academic: choices
        case .contingent:
            [.input("date", "Численность на дату", type: "date", value: value("date")),
             .input("from", "Движение с", type: "date", value: value("from")), .input("to", "по", type: "date", value: value("to"))]
        case .activity: [.input("from", "С", type: "date", value: value("from")), .input("to", "по", type: "date", value: value("to"))]
        }
        fields.append(.input("asOf", "Как было на момент (время московское)", type: "datetime-local", value: value("asOf")))
        let links = ready ? downloadLinks(request, path: path) : nil
        let page = ReportPage(
            heading: rendered?.heading ?? report.title, action: path, fields: fields, hasFields: true, asOf: banner, ready: rendered != nil,
            prompt: "Выберите класс и период и нажмите «Показать».", notes: rendered?.notes ?? [],
            sections: (rendered?.sections ?? []).map { rows in
                ReportPage.Section(header: rows.first ?? [], rows: rows.dropFirst().map { ReportPage.Row(cells: $0) })
            },
            csvLink: links?.csv, jsonLink: links?.json)
        return renderer.render("report", title: report.title, frame: .person(person, current: "/school"), page: page)
    }

    /// The academic report's choices: the classes of the year, the class's periods, the subjects.
    private func academicChoices(_ q: ReportQuery, person: Person) async throws -> [FilterField] {
        let day = today.daysSinceEpoch
        return try await person.school.read { source in
            let lookup = Lookup(source)
            let year = try? lookup.academicYear(of: day)
            let classes = try lookup.classes().filter { year == nil || $0.year == year }
                .sorted { ($0.grade, $0.letter) < ($1.grade, $1.letter) }
            var fields: [FilterField] = [.select("class", "Класс", [TeacherPages.Option(value: "", label: "—", selected: q.classID == nil)]
                + classes.map { TeacherPages.Option(value: $0.id, label: $0.name, selected: q.classID == $0.id || q.classID == $0.name) })]
            let chosen = classes.first { q.classID == $0.id || q.classID == $0.name }
            let periods = try chosen.map { try lookup.periods(for: $0) } ?? []
            fields.append(.select("period", "Период", [TeacherPages.Option(value: "", label: "текущий", selected: q.period == nil)]
                + periods.map { TeacherPages.Option(value: $0.id, label: $0.name, selected: q.period == $0.id || q.period == $0.name) }))
            let subjects = try lookup.subjects().sorted { $0.name < $1.name }
            fields.append(.select("subject", "Предмет", [TeacherPages.Option(value: "", label: "все предметы", selected: q.subject == nil)]
                + subjects.map { TeacherPages.Option(value: $0.id, label: $0.name, selected: q.subject == $0.id || q.subject == $0.name) }))
            return fields
        }
    }

    // MARK: The anomalies

    struct AnomaliesPage {
        struct Kind {
            let title: String
            let code: String
            let count: Int
            let none: Bool
            let findings: [Line]
            let more: Int?
        }
        /// As `letopis audit anomalies` prints a finding: the events behind it, and what it is.
        struct Line {
            let sequences: String
            let explanation: String
        }
        let heading: String
        let range: String
        let thresholds: String
        let fields: [FilterField]
        let asOf: AsOfBanner?
        let kinds: [Kind]
        let jsonLink: String
    }

    /// At most this many findings of a kind on the page; the JSON has them all.
    static let findingsShown = 100

    func anomalies(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        let format = try downloadFormat(request)
        guard format != .csv else { throw APIError.invalid("Аномалии выгружаются только в JSON.") }
        let point = { (name: String, dayStart: Bool) throws -> AsOfPoint? in
            try query(request, name).map { text in
                guard let parsed = AsOfPoint.parse(text, dayStart: dayStart) else { throw Self.notAMoment(text) }
                return parsed
            }
        }
        let from = try point("from", true), to = try point("to", false), asOf = try point("asOf", false)
        let log = person.school.log
        let (report, head) = try await NIOThreadPool.singleton.runIfActive { () throws -> (AnomalyReport, UInt64) in
            let head = try log.head()
            let first = try from?.firstEvent(in: log) ?? 1
            let last = try [to, asOf].compactMap { try $0?.resolve(in: log) }.min()
            return (try AnomalyScanner(log: log, thresholds: AnomalyThresholds()).run(from: first, through: last), head)
        }
        var banner: AsOfBanner?
        if let asOf {
            let position = try await NIOThreadPool.singleton.runIfActive { try asOf.resolve(in: log) }
            banner = AsOfBanner(point: asOf, position: position, head: head, todayLink: Self.link(request, path: "/school/anomalies", without: ["asOf"]))
        }
        if format == .json {
            return officeDownload(AuditJSON.encode(report), format: .json,
                            name: "аномалии-\(report.from)-\(report.through)" + (banner.map { "-на-\($0.fileSuffix)" } ?? ""))
        }
        let t = report.thresholds
        let kinds = AnomalyKind.allCases.map { kind in
            let found = report.findings.filter { $0.kind == kind }
            return AnomaliesPage.Kind(
                title: kind.title.officeSentenceCase, code: kind.rawValue, count: found.count, none: found.isEmpty,
                findings: found.prefix(Self.findingsShown).map { f in
                    AnomaliesPage.Line(sequences: f.sequences.prefix(10).map { "#\($0)" }.joined(separator: ", ")
                                       + (f.sequences.count > 10 ? " …" : ""), explanation: f.explanation)
                },
                more: found.count > Self.findingsShown ? found.count - Self.findingsShown : nil)
        }
        let value = { (name: String) in (try? query(request, name)) ?? "" }
        let page = AnomaliesPage(
            heading: "Аномалии журнала", range: "События №\(report.from)–\(report.through).",
            thresholds: "Пороги: задним числом — более \(t.backdatingDays) дн.; массовые изменения — более \(t.burstCount) оценок за "
                + "\(t.burstMinutes) мин; домашнее задание — до \(t.homeworkGraceMinutes) мин после последнего урока; "
                + "окно исправлений — \(t.editWindowDays ?? 7) дн.",
            fields: [.input("from", "События с (дата или время)", type: "text", value: value("from")),
                     .input("to", "по", type: "text", value: value("to")),
                     .input("asOf", "Как было на момент (время московское)", type: "datetime-local", value: value("asOf"))],
            asOf: banner, kinds: kinds,
            jsonLink: Self.link(request, path: "/school/anomalies", without: ["format"], adding: "format=json"))
        return renderer.render("anomalies", title: "Аномалии журнала", frame: .person(person, current: "/school"), page: page)
    }

    // MARK: As of a moment

    /// Runs `body` on the live views, or, with `?asOf=`, on the school as its
    /// log stood then (replayed apart from the threads that answer requests);
    /// with the banner that says which.
    func moment<R: Sendable>(_ request: Request, person: Person, path: String,
                             _ body: @escaping @Sendable (any ViewSource, Day) throws -> R) async throws -> (R, AsOfBanner?) {
        guard let text = try query(request, "asOf") else {
            let day = today.daysSinceEpoch
            return (try await person.school.read { try body($0, day) }, nil)
        }
        guard let point = AsOfPoint.parse(text) else { throw Self.notAMoment(text) }
        let log = person.school.log
        let (value, position, head) = try await NIOThreadPool.singleton.runIfActive {
            do {
                return try SchoolAsOf.read(log, at: point) { moment in
                    let source = try LastReplay.shared.views(of: moment)
                    return (try body(source, moment.today), moment.position, moment.head)
                }
            } catch let error as AuditError {
                throw APIError.invalid("«\(text)»: \(error.description)")
            }
        }
        return (value, AsOfBanner(point: point, position: position, head: head, todayLink: Self.link(request, path: path, without: ["asOf"])))
    }

    static func notAMoment(_ text: String) -> APIError {
        APIError.invalid("«\(text)» — не момент времени: пишите 2024-10-02T08:00 (время московское), 02.10.2024 или номер события.")
    }

    // MARK: Downloads

    /// `?format=csv|json`: the view as `letopis report … --format` writes it.
    private func downloadFormat(_ request: Request) throws -> ViewFormat? {
        guard let text = try query(request, "format") else { return nil }
        guard let format = ViewFormat(rawValue: text), format != .text else {
            throw APIError.invalid("«\(text)» — не формат выгрузки: csv или json.")
        }
        return format
    }

    private func downloadLinks(_ request: Request, path: String) -> (csv: String, json: String) {
        (Self.link(request, path: path, without: ["format"], adding: "format=csv"),
         Self.link(request, path: path, without: ["format"], adding: "format=json"))
    }

    /// The page's own address with some parameters left out and one added.
    static func link(_ request: Request, path: String, without: Set<String>, adding: String? = nil) -> String {
        var kept = (request.uri.query ?? "").split(separator: "&").map(String.init).filter { pair in
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return !without.contains(name) && !pair.hasSuffix("=")
        }
        if let adding { kept.append(adding) }
        return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
    }
}

/// A file to save: `Content-Disposition: attachment` with the name in UTF-8 (RFC 6266).
func officeDownload(_ data: Data, format: ViewFormat, name: String) -> Response {
    let type = format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"
    let file = urlEncoded(name.replacingOccurrences(of: " ", with: "-") + (format == .csv ? ".csv" : ".json"))
    return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename*=UTF-8''\(file)"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// What a page shows of a view as of a moment.
struct AsOfBanner: Sendable {
    let text: String
    let todayLink: String
    /// For a download's file name.
    let fileSuffix: String

    init(point: AsOfPoint, position: UInt64, head: UInt64, todayLink: String) {
        let moment: String
        switch point {
        case .time(let t):
            moment = "на \(PageDates.moscow(iso: t.iso)) (время московское)"
            fileSuffix = PageDates.moscow(iso: t.iso).replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ":", with: "-")
        case .sequence(let n):
            moment = "на событие №\(n)"
            fileSuffix = "событие-\(n)"
        }
        let later = head > position ? " После этого записано ещё событий: \(head - position)." : " С тех пор ничего не записано."
        text = "Показано, как было в журнале \(moment): событий в журнале тогда — \(position) из \(head) сейчас.\(later)"
        self.todayLink = todayLink
    }
}

/// A field of a page's filter form: an input, or a select with its options.
struct FilterField {
    let id: String
    let name: String
    let label: String
    let type: String
    let value: String
    let isSelect: Bool
    let options: [TeacherPages.Option]

    static func input(_ name: String, _ label: String, type: String, value: String) -> FilterField {
        FilterField(id: "f-\(name)", name: name, label: label, type: type, value: value, isSelect: false, options: [])
    }

    static func select(_ name: String, _ label: String, _ options: [TeacherPages.Option]) -> FilterField {
        FilterField(id: "f-\(name)", name: name, label: label, type: "", value: "", isSelect: true, options: options)
    }
}

/// The school's pages are the administration's, coordinators' and auditors';
/// to anyone else they are a record that does not exist.
func requireOfficeReader(_ person: Person) throws {
    guard person.school.recorder.withState({ $0.mayReadSchool(by: person.viewer) }) else {
        throw APIError.hidden("\(person.personID) may not read the school's pages")
    }
}

/// The last replay of a school as of a moment, kept: the page and then its
/// downloads ask for the same prefix, and a prefix of the log never changes
/// (its last event's chained hash names it, whichever store it is in). One
/// only, as a whole year's views in memory are large.
final class LastReplay: Sendable {
    static let shared = LastReplay()
    private let last = Mutex<(prefix: String, views: MemoryViews)?>(nil)

    func views(of moment: SchoolAsOf) throws -> MemoryViews {
        let log = moment.views.log
        let hash = moment.position > 0 ? try log.event(at: moment.position)?.hash.hex ?? "" : ""
        let prefix = "\(moment.school)#\(moment.position)#\(hash)"
        if let kept = last.withLock({ $0 }), kept.prefix == prefix { return kept.views }
        let views = try moment.everything()
        last.withLock { $0 = (prefix, views) }
        return views
    }
}
