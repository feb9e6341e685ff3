import Catalog
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Printing
import Projections
import Records
import SchoolService

/// The class teacher's pages: the class's students and their parents with
/// consents, applications and logins; issuing a login for one person (a
/// one-slip PDF, or a letter) or every missing login of the class at once (a
/// PDF of slips); the class's summary sheet of finals. A class teacher reaches
/// the own class only; the administration, coordinators and auditors choose
/// any class (auditors read only). What is shown and recorded is
/// `AccessController`'s, so the rules and access are the API's.
struct ClassPages {
    let access: AccessController
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group("/class", context: SignedInContext.self)
            .get(use: classPage)
            .get("/summary", use: summary)
            .post("/login", use: issueOne)
            .post("/logins", use: issueAll)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    // MARK: Which class

    struct Choice {
        let name: String
        let link: String
        let current: Bool
    }

    /// The class asked for (`id`), or the person's own; nil (with the classes to
    /// choose from) for a whole-school reader who named none. A class the
    /// person may not see, or no class at all for them, is 404.
    private func chosenClass(_ request: Request, person: Person, page: String) throws -> (classID: String?, choices: [Choice]) {
        let asked = try query(request, "id")
        let date = today
        let found: (String?, [Choice])? = person.school.recorder.withState { state in
            let year = state.year(containing: date)?.year ?? state.classes.values.map(\.year).max() ?? 0
            let visible = state.classes.values.filter { $0.year == year && state.mayRead(class: $0.id, by: person.viewer) }
                .sorted { ($0.grade, $0.name) < ($1.grade, $1.name) }
            let chosen: String?
            if let asked {
                guard state.mayRead(class: asked, by: person.viewer) else { return nil }
                chosen = asked
            } else if let own = visible.first(where: { state.classesTaught(asClassTeacher: person.personID).contains($0.id) }) {
                chosen = own.id
            } else if person.viewer.readsWholeSchool {
                chosen = nil
            } else {
                return nil
            }
            let choices = visible.map { Choice(name: $0.name, link: "\(page)?id=\(urlEncoded($0.id))", current: $0.id == chosen) }
            return (chosen, choices)
        }
        guard let found else { throw APIError.hidden("\(person.personID) may not see the class \(asked ?? "(own)")") }
        return found
    }

    /// Whether `person` may issue logins in `classID` (the rules decide in the end; this only hides the forms).
    private func issues(in classID: String, person: Person) -> Bool {
        person.viewer.roles.contains(.coordinator)
            || (person.viewer.roles.contains(.classTeacher)
                && person.school.recorder.withState { $0.classesTaught(asClassTeacher: person.personID).contains(classID) })
    }

    // MARK: The class

    struct ClassPage {
        struct Line {
            let id: String
            let name: String
            let consent: String
            let consentGiven: Bool
            let login: String?
            let status: String
            let missing: Bool
            let canIssue: Bool
            let canEmail: Bool
        }
        struct Guardian {
            let line: Line
            let relation: String
            let application: String
        }
        struct Student {
            let line: Line
            let guardians: [Guardian]
            let hasGuardians: Bool
        }
        let classID: String
        let className: String
        let classTeacher: String
        let students: [Student]
        let empty: Bool
        let choices: [Choice]
        let hasChoices: Bool
        let canIssue: Bool
        let missingStudents: Int
        let missingParents: Int
        let summaryLink: String
    }

    struct ChooserPage {
        let heading: String
        let choices: [Choice]
        let empty: Bool
    }

    func classPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let (chosen, choices) = try chosenClass(request, person: person, page: "/class")
        guard let classID = chosen else {
            return renderer.render("class-chooser", title: "Классы", frame: .person(person, current: "/class"),
                                   page: ChooserPage(heading: "Классы", choices: choices, empty: choices.isEmpty))
        }
        guard let answer = access.peopleAnswer(classID, person: person) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        let ids = answer.students.flatMap { [$0.student.id] + $0.guardians.map(\.guardian.id) }
        let consentDays = try await person.school.read { source in
            try Dictionary(ids.map { ($0, try source.get(ViewTables.persons, RowKey($0))) }, uniquingKeysWith: { a, _ in a })
        }
        let canIssue = issues(in: classID, person: person)
        let emailing = configuration.outbox != nil
        let emails = person.school.recorder.withState { state in
            Dictionary(ids.map { ($0, state.guardians[$0]?.email ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        func line(_ l: AccessController.PeopleAnswer.Line) -> ClassPage.Line {
            let row = consentDays[l.id] ?? nil
            let consent: String = switch l.consent ?? "" {
            case "given": "дано" + (row?.consents.last.map { " \(PageDates.day($0.from.civil))" } ?? "")
            case "withdrawn": "отозвано" + (row?.consents.last?.to.map { " \(PageDates.day($0.civil))" } ?? "")
            case "refused": "отказ" + (row?.refusedOn.map { " \(PageDates.day($0.civil))" } ?? "")
            default: "нет"
            }
            let status = switch l.login?.status ?? "" {
            case "activated": "активирован"
            case "blocked": "заблокирован"
            case "issued": "выдан"
            default: "не выдан"
            }
            let missing = l.login == nil
            return ClassPage.Line(id: l.id, name: l.name, consent: consent, consentGiven: l.consent == "given", login: l.login?.login,
                                  status: status, missing: missing, canIssue: missing && canIssue,
                                  canEmail: missing && canIssue && emailing && !(emails[l.id] ?? "").isEmpty)
        }
        let students = answer.students.map { s in
            ClassPage.Student(line: line(s.student), guardians: s.guardians.map { g in
                ClassPage.Guardian(line: line(g.guardian), relation: Self.relations[g.relation] ?? "представитель",
                                   application: g.application ? "есть" : "нет")
            }, hasGuardians: !s.guardians.isEmpty)
        }
        let teacher = person.school.recorder.withState { state in
            state.staff[answer.classTeacher]?.name.full ?? answer.classTeacher
        }
        let parents = Set(answer.students.flatMap { $0.guardians.filter { $0.guardian.login == nil }.map(\.guardian.id) })
        let page = ClassPage(
            classID: classID, className: answer.className, classTeacher: teacher, students: students, empty: students.isEmpty,
            choices: choices, hasChoices: choices.count > 1, canIssue: canIssue,
            missingStudents: answer.students.filter { $0.student.login == nil }.count, missingParents: parents.count,
            summaryLink: "/class/summary?id=\(urlEncoded(classID))")
        var frame = Frame.person(person, current: "/class")
        frame.notice = try query(request, "saved").map { Self.saved[$0] ?? "Сохранено." }
        return renderer.render("class", title: "Класс \(answer.className)", frame: frame, page: page)
    }

    /// `AccessController`'s relation words, in Russian.
    static let relations = ["mother": "мать", "father": "отец", "otherLegalRepresentative": "законный представитель"]

    static let saved = ["email": "Логин выдан, письмо с временным паролем отправлено.",
                        "none": "Новых логинов нет: у всех выбранных уже есть логин.",
                        "none-consent": "Новых логинов нет: у кого из выбранных нет логина, у тех не записано согласие."]

    // MARK: Issuing

    private func form(_ request: Request, _ context: SignedInContext) async throws -> (FormFields, String) {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let classID = form.text("class") else { throw APIError.invalid("Не хватает поля «class».") }
        return (form, classID)
    }

    /// One person's login: a one-slip PDF to download, or a letter to the address on record.
    func issueOne(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let (form, classID) = try await self.form(request, context)
        guard let personID = form.text("person") else { throw APIError.invalid("Не хватает поля «person».") }
        guard person.school.recorder.withState({ $0.mayRead(class: classID, by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        let byEmail = form.text("channel") == "email"
        if byEmail && configuration.outbox == nil { throw APIError.invalid("Отправка писем на этом сервере не настроена: выдайте листок.") }
        let answer = try await access.issueLogin(.init(person: personID, channel: byEmail ? "email" : "slip", email: nil), person: person,
                                                 logger: context.logger)
        let date = today
        let slip = person.school.recorder.withState { state in
            LoginSlips.slip(state, personID: personID, login: answer.login, password: answer.temporaryPassword, by: person.personID,
                            on: date, signInAt: signInAddress(request))
        }
        if byEmail, let outbox = configuration.outbox {
            let address = person.school.recorder.withState { $0.guardians[personID]?.email ?? $0.staff[personID]?.email ?? "" }
            try LoginLetters.write(slip, to: address, outbox: outbox, on: date)
            return seeOther("/class?id=\(urlEncoded(classID))&saved=email")
        }
        let (pdf, _) = try SlipSheet.pdf([slip], title: LoginSlips.title(className: slip.className, on: date))
        return download(pdf, name: "логин-\(answer.login)-\(date.iso).pdf", ascii: "login-\(answer.login)-\(date.iso).pdf")
    }

    /// Every missing login of the class: one PDF of slips, eight to a page.
    func issueAll(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let (form, classID) = try await self.form(request, context)
        let audience = LoginAudience(rawValue: form.text("audience") ?? "all") ?? .all
        let onlyWithConsent = form.text("onlyWithConsent") != nil
        let (outcome, slips) = try await access.issueClass(classID, audience: audience, onlyWithConsent: onlyWithConsent, person: person,
                                                           signInAt: signInAddress(request), logger: context.logger)
        guard !slips.isEmpty else {
            return seeOther("/class?id=\(urlEncoded(classID))&saved=\(outcome.plan.withoutConsent.isEmpty ? "none" : "none-consent")")
        }
        let date = today
        let (pdf, _) = try SlipSheet.pdf(slips, title: LoginSlips.title(className: outcome.plan.className, on: date))
        return download(pdf, name: LoginSlips.fileName(className: outcome.plan.className, on: date), ascii: "logins-\(date.iso).pdf")
    }

    /// Where the slips say to sign in: this server's sign-in page.
    private func signInAddress(_ request: Request) -> String {
        guard let authority = request.head.authority, !authority.isEmpty else { return "" }
        return "\(configuration.secure ? "https" : "http")://\(authority)/sign-in"
    }

    /// A PDF to save, never cached (it carries temporary passwords): named in
    /// Russian (RFC 6266's `filename*`), and in ASCII for older browsers.
    private func download(_ pdf: Data, name: String, ascii: String) -> Response {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: Self.attrChars) ?? ascii
        let headers: HTTPFields = [
            .contentType: "application/pdf",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            .cacheControl: "no-store",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    /// RFC 5987's attr-char: ASCII letters and digits and a few marks; everything else percent-encoded.
    static let attrChars = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")

    // MARK: The summary sheet

    struct SummaryPage {
        struct Group {
            let name: String
            let span: Int
        }
        struct Row {
            let name: String
            let cells: [String]
        }
        let className: String
        let classLink: String
        let subjects: [Group]
        let periods: [String]
        let rows: [Row]
        let empty: Bool
        let choices: [Choice]
        let hasChoices: Bool
    }

    func summary(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let (chosen, choices) = try chosenClass(request, person: person, page: "/class/summary")
        guard let classID = chosen else {
            return renderer.render("class-chooser", title: "Сводная ведомость", frame: .person(person, current: "/class"),
                                   page: ChooserPage(heading: "Сводная ведомость: выберите класс", choices: choices, empty: choices.isEmpty))
        }
        let sheet = try await person.school.read { try SummarySheet.query($0, class: classID) }
        let periodNames = sheet.periods.map(\.name)
        let rows = sheet.students.map { student in
            SummaryPage.Row(name: student.name, cells: student.finals.flatMap { $0.map { $0 ?? "" } })
        }
        let page = SummaryPage(
            className: sheet.className, classLink: "/class?id=\(urlEncoded(classID))",
            subjects: sheet.subjects.map { SummaryPage.Group(name: $0.name, span: periodNames.count) },
            periods: sheet.subjects.flatMap { _ in periodNames }, rows: rows, empty: sheet.subjects.isEmpty,
            choices: choices, hasChoices: choices.count > 1)
        return renderer.render("class-summary", title: "Сводная ведомость \(sheet.className)", frame: .person(person, current: "/class"),
                               page: page)
    }
}
