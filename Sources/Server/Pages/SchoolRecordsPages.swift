import Catalog
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit
import NIOCore
import Projections
import Records

/// The school office's records: the year's reporting periods, closed and
/// reopened through `ChangePeriodState` (the rules want a reason to reopen and
/// the administration to do either); the staff and student registers; and a
/// register loaded from a CSV upload through `RegisterImporter`, whole or not
/// at all, with the line-by-line report the command line prints. Auditors
/// read these pages; what they send is refused by the rules.
struct SchoolRecordsPages {
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(context: SignedInContext.self)
            .get("/school/periods", use: periods)
            .post("/school/periods/close") { try await changePeriod($0, $1, close: true) }
            .post("/school/periods/reopen") { try await changePeriod($0, $1, close: false) }
            .get("/school/staff", use: staff)
            .get("/school/students", use: students)
            .get("/school/import", use: importForm)
            .post("/school/import", use: importRegister)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    /// Whether the person holds a role that records the school's own records (the forms are shown to them).
    private func mayRecord(_ person: Person) -> Bool {
        !person.viewer.roles.isDisjoint(with: [.administration, .coordinator])
    }

    // MARK: Periods

    struct PeriodsPage {
        struct Period {
            let id: String
            let name: String
            let dates: String
            let grades: String
            let closed: Bool
            let state: String
            let history: [String]
            let hasHistory: Bool
            let reasonField: String
        }
        let year: String?
        let periods: [Period]
        let empty: Bool
        let forms: Bool
        let csrf: String
    }

    func periods(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        let day = today.daysSinceEpoch
        let (year, rows, names) = try await person.school.read { source -> (Int32?, [PeriodRow], [String: String]) in
            let year = try? Lookup(source).academicYear(of: day)
            let rows = try source.rows(ViewTables.periods).map(\.row).filter { year == nil || $0.year == year }
            var names: [String: String] = [:]
            for by in Set(rows.flatMap { $0.history.map(\.by) }) {
                if let name = try? Lookup(source).staffName(by), name != by { names[by] = name }
            }
            return (year, rows.sorted { ($0.scheme, $0.starts, $0.name) < ($1.scheme, $1.starts, $1.name) }, names)
        }
        let periods = rows.map { row in
            PeriodsPage.Period(
                id: row.id, name: row.name, dates: "\(RussianNumber.date(row.starts.iso)) — \(RussianNumber.date(row.ends.iso))",
                grades: row.grades.isEmpty ? "все классы" : "классы " + row.grades.map(String.init).joined(separator: ", "),
                closed: row.closed, state: row.closed ? "закрыт" : "открыт",
                history: row.history.map { event in
                    let who = names[event.by].map { "\($0) (\(event.by))" } ?? event.by
                    return "\(PageDates.moscow(iso: Timestamp(microseconds: event.at).iso)): \(event.closed ? "закрыт" : "открыт"), \(who)"
                        + (event.reason.isEmpty ? "" : ". Причина: \(event.reason)")
                },
                hasHistory: !row.history.isEmpty, reasonField: "reason-\(row.id)")
        }
        let page = PeriodsPage(year: year.map { "\($0)/\($0 + 1) учебный год" }, periods: periods, empty: periods.isEmpty,
                               forms: mayRecord(person), csrf: person.session.csrfToken)
        var frame = Frame.person(person, current: "/school")
        frame.notice = try query(request, "saved").flatMap { ["closed": "Период закрыт.", "reopened": "Период открыт."][$0] }
        return renderer.render("periods", title: "Отчётные периоды", frame: frame, page: page)
    }

    func changePeriod(_ request: Request, _ context: SignedInContext, close: Bool) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let period = form.text("period") else { throw APIError.invalid("Не хватает поля «period».") }
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.administration, .coordinator]) }
        _ = try await person.school.record([ChangePeriodState(periodID: period, close: close, reason: form.text("reason") ?? "", on: today)],
                                           as: actor)
        return seeOther("/school/periods?saved=\(close ? "closed" : "reopened")")
    }

    // MARK: The registers

    func staff(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        let day = today.daysSinceEpoch
        let roleNames: [String: String] = ["teacher": "учитель", "class-teacher": "классный руководитель", "administration": "администрация",
                                           "coordinator": "координатор", "auditor": "аудитор"]
        let rows = try await person.school.read { source in
            try source.rows(ViewTables.staff).map(\.row).sorted { ($0.name.last, $0.name.first, $0.id) < ($1.name.last, $1.name.first, $1.id) }
                .map { row -> [String] in
                    let roles = row.roles.filter { $0.span.contains(day) }.map { role in
                        (roleNames[role.role] ?? role.role) + (role.classID.isEmpty ? "" : " \(role.classID)")
                    }
                    return [row.id, "\(row.name.last) \(row.name.first) \(row.name.middle)".trimmingCharacters(in: .whitespaces), row.position,
                            RussianNumber.date(row.employed.from.iso), row.employed.to.map { RussianNumber.date($0.iso) } ?? "",
                            roles.joined(separator: ", ")]
                }
        }
        let page = SchoolPages.ReportPage(
            heading: "Сотрудники", action: "/school/staff", fields: [], hasFields: false, asOf: nil, ready: true, prompt: "",
            notes: ["Всего в реестре: \(rows.count)."],
            sections: [.init(header: ["Код", "ФИО", "Должность", "Принят(а)", "Уволен(а)", "Роли"], rows: rows.map { .init(cells: $0) })],
            csvLink: nil, jsonLink: nil)
        return renderer.render("report", title: "Сотрудники", frame: .person(person, current: "/school"), page: page)
    }

    func students(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        let day = today.daysSinceEpoch
        let chosen = try query(request, "class")
        let (classes, rows) = try await person.school.read { source -> ([ClassRow], [[String]]) in
            let classes = try source.rows(ViewTables.classes).map(\.row)
            let names = Dictionary(classes.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let rows = try source.rows(ViewTables.students).map(\.row)
                .map { row in (row, row.classID(on: day)) }
                .filter { chosen == nil || $0.1 == chosen }
                .sorted { ($0.1 ?? "~", $0.0.name.last, $0.0.name.first) < ($1.1 ?? "~", $1.0.name.last, $1.0.name.first) }
                .map { row, classID -> [String] in
                    [row.id, "\(row.name.last) \(row.name.first) \(row.name.middle)".trimmingCharacters(in: .whitespaces),
                     classID.map { names[$0] ?? $0 } ?? "не учится", RussianNumber.date(row.bornOn)]
                }
            let year = try? Lookup(source).academicYear(of: day)
            return (classes.filter { year == nil || $0.year == year }.sorted { ($0.grade, $0.letter) < ($1.grade, $1.letter) }, rows)
        }
        let options = [TeacherPages.Option(value: "", label: "все", selected: chosen == nil)]
            + classes.map { TeacherPages.Option(value: $0.id, label: $0.name, selected: chosen == $0.id) }
        let page = SchoolPages.ReportPage(
            heading: "Ученики", action: "/school/students", fields: [.select("class", "Класс", options)], hasFields: true, asOf: nil, ready: true, prompt: "",
            notes: ["Учеников в списке: \(rows.count)."],
            sections: [.init(header: ["Код", "ФИО", "Класс сегодня", "Дата рождения"], rows: rows.map { .init(cells: $0) })],
            csvLink: nil, jsonLink: nil)
        return renderer.render("report", title: "Ученики", frame: .person(person, current: "/school"), page: page)
    }

    // MARK: Register import

    struct ImportPage {
        struct Issue {
            let place: String
            let reason: String
            let rule: String?
        }
        let forms: Bool
        let csrf: String
        let registers: [TeacherPages.Option]
        /// A refused file: its heading and every bad line.
        let refused: String?
        let issues: [Issue]
    }

    static let registerOrder: [Register] = [.staff, .classes, .students, .guardians]

    private func importPage(_ person: Person, chosen: Register? = nil, refused: ImportRejected? = nil, notice: String? = nil,
                            status: HTTPResponse.Status = .ok) -> Response {
        let page = ImportPage(
            forms: mayRecord(person), csrf: person.session.csrfToken,
            registers: Self.registerOrder.map { TeacherPages.Option(value: $0.rawValue, label: $0.russianName.officeSentenceCase, selected: $0 == chosen) },
            refused: refused.map { r in
                "Реестр «\(r.register.russianName)» не загружен, ничего не записано. Ошибок: \(r.issues.count) "
                    + "(строк с ошибками: \(Set(r.issues.map(\.line)).count)). Исправьте файл и загрузите его снова целиком."
            },
            issues: refused?.issues.map { issue in
                ImportPage.Issue(place: (issue.line > 0 ? "строка \(issue.line)" : "файл") + (issue.column.map { ", столбец «\($0)»" } ?? ""),
                                 reason: issue.reason, rule: issue.rule.map { "\($0.rawValue): \($0.russianSummary)" })
            } ?? [])
        var frame = Frame.person(person, current: "/school")
        frame.notice = notice
        return renderer.render("import", title: "Загрузка реестров", frame: frame, page: page, status: status)
    }

    func importForm(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        var notice: String?
        if let loaded = try query(request, "loaded").flatMap(Register.init(rawValue:)) {
            let value = { (name: String) in (try? query(request, name)) ?? "0" }
            notice = "Реестр «\(loaded.russianName)» загружен: строк \(value("rows")), новых записей \(value("created"))"
                + ((try? query(request, "ids")).map { " (\($0))" } ?? "") + ", событий \(value("events"))."
        }
        return importPage(person, notice: notice)
    }

    /// The form's fields: the register's name and the file.
    struct Upload: Decodable {
        var register: String?
        var file: Data?
    }

    func importRegister(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        try requireOfficeReader(person)
        // An auditor reads the registers; told so before the file is read (the rules would refuse each of its lines).
        guard mayRecord(person) else {
            var error = APIError(RuleViolation(.roleRequired, record: "загрузка реестра",
                                               detail: "\(person.personID) не может загружать реестры: это делают администрация и координатор",
                                               remedy: "Передайте файл администрации школы или координатору."))
            error.refusal = "\(person.personID) may not import registers"
            throw error
        }
        var request = request
        guard let boundary = MultipartForm.boundary(request) else {
            throw APIError.invalid("Файл не получен: форма должна быть отправлена как multipart/form-data.")
        }
        let body = try await request.collectBody(upTo: MultipartForm.largestUpload)
        let upload: Upload
        do {
            upload = try FormDataDecoder().decode(Upload.self, from: body, boundary: boundary)
        } catch {
            throw APIError.invalid("Форма с файлом не разобрана. Выберите файл и отправьте форму ещё раз.")
        }
        guard let name = upload.register, let register = Register(rawValue: name) else {
            throw APIError.invalid("Выберите реестр: сотрудники, классы, ученики или родители.")
        }
        guard let data = upload.file, !data.isEmpty else { throw APIError.invalid("Выберите файл CSV реестра.") }
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator, .administration]) }
        let outcome: ImportOutcome
        do {
            outcome = try await RegisterImporter.run(register, data: data, recorder: person.school.recorder, as: actor, on: today)
        } catch let rejected as ImportRejected {
            // Refused on every line because of who sent it: the rules' refusal, as for any other form.
            if let rule = rejected.issues.first?.rule, APIError.authorizationRules.contains(rule),
               rejected.issues.allSatisfy({ $0.rule == rule }) {
                var error = APIError(.forbidden, rule: rule.rawValue, "Реестр не загружен: \(rejected.issues[0].reason)")
                error.refusal = "\(person.personID) may not import the register \(register.rawValue)"
                throw error
            }
            return importPage(person, chosen: register, refused: rejected, status: .unprocessableContent)
        }
        let ids = outcome.created.sorted { ($0.count, $0) < ($1.count, $1) }
        let shown = ids.isEmpty ? nil : ids.count <= 6 ? ids.joined(separator: ", ") : "\(ids.first!) … \(ids.last!)"
        var target = "/school/import?loaded=\(register.rawValue)&rows=\(outcome.rows)&created=\(ids.count)&events=\(outcome.sequences.count)"
        if let shown { target += "&ids=\(urlEncoded(shown))" }
        return seeOther(target)
    }
}

/// A form sent as `multipart/form-data` (a file upload), read with MultipartKit.
enum MultipartForm {
    /// The largest upload taken: a register of a big school with room to spare.
    static let largestUpload = 2 * 1024 * 1024

    /// The body's boundary, when the request is a multipart form.
    static func boundary(_ request: Request) -> String? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in type.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    struct Token: Decodable {
        var csrf: String?
    }

    /// The anti-forgery field `csrf` of a multipart form.
    static func csrf(in body: ByteBuffer, boundary: String) -> String? {
        (try? FormDataDecoder().decode(Token.self, from: body, boundary: boundary))?.csrf
    }
}

extension String {
    /// «Сотрудники» from «сотрудники».
    var officeSentenceCase: String { prefix(1).uppercased() + dropFirst() }
}
