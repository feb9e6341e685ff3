import Foundation

// The rows of the access projector: logins, consents, applications, sign-ins
// and who made journal entries when.

public enum PersonCategory: Int, Sendable, Codable, CaseIterable {
    case unknown = 0, staff = 1, student = 2, guardian = 3
}

public struct LoginRow: RowCodable, Sendable {
    public var login: String, person: String
    public var kind: PersonCategory
    public var role: String
    public var issuedOn: Day
    public var activatedOn: Day?
    /// When the login was blocked.
    public var blocks: [DaySpan] = []

    /// Issued by `day` and not blocked on it.
    public func usable(on day: Day) -> Bool { issuedOn <= day && !blocks.contains(day: day) }

    public func encode(to w: inout RowWriter) {
        w.string(login); w.string(person); w.int(kind.rawValue); w.string(role); w.int(issuedOn)
        w.optionalDay(activatedOn); w.rows(blocks)
    }

    init(login: String, person: String, kind: PersonCategory, role: String, issuedOn: Day) {
        self.login = login; self.person = person; self.kind = kind; self.role = role; self.issuedOn = issuedOn
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        login = try r.string(); person = try r.string(); kind = PersonCategory(rawValue: try r.int()) ?? .unknown
        role = try r.string(); issuedOn = try r.int32(); activatedOn = try r.optionalDay(); blocks = try r.rows()
    }
}

public struct ApplicationRow: RowCodable, Sendable {
    public var id: String, student: String, on: Day
    public func encode(to w: inout RowWriter) { w.string(id); w.string(student); w.int(on) }
    init(id: String, student: String, on: Day) { self.id = id; self.student = student; self.on = on }
    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); student = try r.string(); on = try r.int32()
    }
}

public struct PersonAccessRow: RowCodable, Sendable {
    public var logins: [String] = []
    /// From a consent given to its withdrawal.
    public var consents: [DaySpan] = []
    public var refusedOn: Day?
    /// A guardian's applications for electronic information.
    public var applications: [ApplicationRow] = []

    public func consentInForce(on day: Day) -> Bool { consents.contains(day: day) }

    public func encode(to w: inout RowWriter) {
        w.strings(logins); w.rows(consents); w.optionalDay(refusedOn); w.rows(applications)
    }

    init() {}

    public init(from r: inout RowReader) throws(RowDecodingError) {
        logins = try r.strings(); consents = try r.rows(); refusedOn = try r.optionalDay(); applications = try r.rows()
    }
}
