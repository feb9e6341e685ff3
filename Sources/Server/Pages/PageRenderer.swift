import Catalog
import Crypto
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import Records

/// The web pages' templates, stylesheet and script, read once from the
/// target's resources (never from the source tree), and what every page
/// shares: the frame around it — title, the person, the sections they may
/// open, sign-out.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// `Static/`'s files by name (`style.css`, `journal.js`).
    let assets: [String: Asset]

    /// A file of `Static/`, served at its address with a digest of its content:
    /// cached for a year, and a changed file has a new address.
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let path: String
    }

    var stylesheetPath: String { assets["style.css"]?.path ?? "/static/style.css" }
    var journalScriptPath: String { assets["journal.js"]?.path ?? "/static/journal.js" }

    /// Read at the server's start (`LetopisServer.build` asks first, so a
    /// missing resource stops the start instead of a page).
    static let shared: PageRenderer = {
        do {
            return try PageRenderer()
        } catch {
            fatalError("the web pages' templates or stylesheet could not be read from the resources: \(error)")
        }
    }()

    struct MissingResource: Error, CustomStringConvertible {
        let name: String
        var description: String { "no \(name) in the Server target's resources" }
    }

    init() throws {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil) else { throw MissingResource(name: "Templates") }
        // Before any template is parsed: the layout's pragma names it.
        MustacheContentTypes.register(PageHTML(), named: PageHTML.name)
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        guard !files.isEmpty else { throw MissingResource(name: "Templates/*.mustache") }
        for file in files {
            let text = try String(contentsOfFile: templates.appendingPathComponent(file).path, encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        var assets: [String: Asset] = [:]
        for (name, type) in [("style.css", "text/css; charset=utf-8"), ("journal.js", "text/javascript; charset=utf-8")] {
            let parts = name.split(separator: ".")
            guard let url = Bundle.module.url(forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Static") else {
                throw MissingResource(name: "Static/\(name)")
            }
            let bytes = try Data(contentsOf: url)
            let digest = SHA256.hash(data: bytes).prefix(6).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(bytes: ByteBuffer(bytes: bytes), contentType: type, path: "/static/\(name)?v=\(digest)")
        }
        self.assets = assets
    }

    /// A page: `template` rendered around `page` in the frame, as UTF-8 HTML.
    func render(_ template: String, title: String, frame: Frame, page: Any, status: HTTPResponse.Status = .ok,
                headers: HTTPFields = [:]) -> Response {
        respond(ByteBuffer(string: html(template, title: title, frame: frame, page: page)), status: status, headers: headers)
    }

    /// A page as `render` makes it, kept in the school's `PageCache` under `key`
    /// (the page's name and every parameter it depends on besides the person,
    /// their roles and the day — a notice's query too) and served from
    /// there while nothing it shows has changed. `build` runs only when the page
    /// must be rendered anew.
    func cached(_ key: [String], person: Person, day: CivilDate, enabled: Bool,
                build: () async throws -> (template: String, title: String, frame: Frame, page: Any)) async throws -> Response {
        let school = person.school
        // Each part prefixed with its length: no two lists of parts make the same key.
        let fullKey = (key + [person.personID, person.session.stage.rawValue] + person.viewer.roles.map(\.rawValue).sorted())
            .map { "\($0.utf8.count):\($0)" }.joined()
        let stamp = enabled ? try await school.pageStamp(day: day) : nil
        if let stamp, let page = school.pages.page(for: fullKey, stamp: stamp) {
            return respond(page.body(csrf: person.session.csrfToken))
        }
        var parts = try await build()
        guard let stamp else {
            return render(parts.template, title: parts.title, frame: parts.frame, page: parts.page)
        }
        let csrf = parts.frame.csrf
        parts.frame.csrf = school.pages.tokenMark
        let page = school.pages.store(html(parts.template, title: parts.title, frame: parts.frame, page: parts.page),
                                      for: fullKey, stamp: stamp)
        return respond(page.body(csrf: csrf))
    }

    private func html(_ template: String, title: String, frame: Frame, page: Any) -> String {
        var frame = frame
        frame.title = title
        frame.stylesheet = stylesheetPath
        return library.render(Document(frame: frame, page: page), withTemplate: template)
            ?? "<!DOCTYPE html><html lang=\"ru\"><meta charset=\"utf-8\"><title>Ошибка</title><p>Страница не собрана.</p></html>"
    }

    private func respond(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// What a template sees: the frame, and the page's own model.
    struct Document {
        let frame: Frame
        let page: Any
    }
}

/// The frame around every page.
struct Frame: Sendable {
    struct Link: Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    var title = ""
    var stylesheet = ""
    var signedIn = false
    var name = ""
    /// The session's anti-forgery token, for the forms of the page (sign-out too).
    var csrf = ""
    var nav: [Link] = []
    /// «Сохранено» after a form was recorded.
    var notice: String?

    /// Someone not signed in (or signing in): no sections; the token of the
    /// session, when there is one, for the forms.
    static func visitor(csrf: String?) -> Frame {
        var frame = Frame()
        frame.csrf = csrf ?? ""
        return frame
    }

    /// A signed-in person: their name and the sections their roles open.
    static func person(_ person: Person, current: String = "") -> Frame {
        frame(of: person.session, viewer: person.viewer, in: person.school, current: current)
    }

    /// The frame of a session's owner, as `viewer` (their roles today).
    static func frame(of session: SignedInSession, viewer: Viewer, in school: ServedSchool, current: String = "") -> Frame {
        var frame = Frame()
        frame.signedIn = session.stage == .signedIn
        frame.name = school.recorder.withState { state in
            let id = session.personID
            return state.staff[id]?.name.full ?? state.guardians[id]?.name.full ?? state.students[id]?.name.full ?? id
        }
        frame.csrf = session.csrfToken
        var links: [(String, String)] = []
        if !viewer.roles.isDisjoint(with: Frame.staffRoles) {
            links.append(("Сегодня", "/teacher/day"))
            links.append(("Журналы", "/teacher/journals"))
        }
        if !viewer.roles.isDisjoint(with: [.parent, .student]) { links.append(("Дневник", "/diary")) }
        if viewer.roles.contains(.classTeacher) { links.append(("Мой класс", "/class")) } else if viewer.readsWholeSchool { links.append(("Классы", "/class")) }
        if viewer.readsWholeSchool { links.append(("Школа", "/school")) }
        links.append(("Мои сеансы", "/sessions"))
        frame.nav = links.map { Link(label: $0.0, href: $0.1, current: $0.1 == current) }
        return frame
    }

    static let staffRoles: Set<Role> = [.teacher, .classTeacher, .administration, .coordinator, .auditor]

    /// Where a signed-in person starts: the day's lessons for staff, the diary for a family.
    static func home(of person: Person) -> String {
        if !person.viewer.roles.isDisjoint(with: staffRoles) { return "/teacher/day" }
        if !person.viewer.roles.isDisjoint(with: [.parent, .student]) { return "/diary" }
        return "/sessions"
    }
}

/// Dates and times as the pages write them.
enum PageDates {
    /// «23.09.2024».
    static func day(_ date: CivilDate) -> String {
        String(format: "%02d.%02d.%04d", date.day, date.month, date.year)
    }

    /// «23.09.2024» from `2024-09-23`; the text itself when it is not a date.
    static func day(iso: String) -> String {
        CivilDate(iso: iso).map(day) ?? iso
    }

    static let weekdays = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]

    /// «понедельник, 23.09.2024».
    static func long(_ date: CivilDate) -> String { "\(weekdays[(date.weekday - 1) % 7]), \(day(date))" }

    /// A moment (UTC, `2024-09-23T11:50:00.000000Z`) in Moscow time: «23.09.2024 14:50».
    static func moscow(iso: String) -> String {
        let parts = iso.split(separator: "T")
        guard parts.count == 2, let date = CivilDate(iso: String(parts[0])) else { return iso }
        let clock = parts[1].split(separator: ":").prefix(2).compactMap { Int($0) }
        guard clock.count == 2 else { return iso }
        var minutes = clock[0] * 60 + clock[1] + 3 * 60
        var moscowDate = date
        if minutes >= 24 * 60 {
            minutes -= 24 * 60
            moscowDate = date.adding(days: 1)
        }
        return day(moscowDate) + String(format: " %02d:%02d", minutes / 60, minutes % 60)
    }

    /// A moment of the server's clock in Moscow time.
    static func moscow(_ date: Date) -> String { moscow(iso: Timestamp(date).iso) }
}

/// A query value or path segment, percent-encoded (lesson ids hold Cyrillic and slashes).
func urlEncoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

/// 303 See Other: after a form, the browser asks for the page anew (POST-redirect-GET).
func seeOther(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}
