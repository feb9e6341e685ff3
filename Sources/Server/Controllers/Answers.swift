import Catalog
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Records

/// A JSON answer, keys sorted, dates as ISO 8601.
func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return rawJSON(try encoder.encode(value), status: status)
}

/// JSON already rendered (a view, exactly as `--format json` writes it).
func rawJSON(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// What a write answers: the sequences of the events it recorded (a read made
/// after it shows them).
struct Recorded: Encodable {
    var sequences: [UInt64]
    var stage: String?
    var csrfToken: String?
    /// The record the write made, when it made one: a lesson's or a grade's id.
    var id: String?
    /// Every grade's id, when several were recorded at once.
    var ids: [String]?

    init(sequences: [UInt64], stage: String? = nil, csrfToken: String? = nil, id: String? = nil, ids: [String]? = nil) {
        self.sequences = sequences
        self.stage = stage
        self.csrfToken = csrfToken
        self.id = id
        self.ids = ids
    }
}

/// A person as the pages and the API show them.
struct PersonDescription: Encodable, Sendable {
    var id: String
    var name: String
    var roles: [String]
    /// A parent's children they may see; a class teacher's classes.
    var children: [Child]?
    var classes: [String]?

    struct Child: Encodable, Sendable {
        var id: String
        var name: String
        var classID: String?
    }
}

func describe(_ personID: String, in school: ServedSchool, on date: CivilDate) -> PersonDescription {
    school.recorder.withState { state in
        let viewer = state.viewer(personID, on: date)
        let name = state.students[personID]?.name.full ?? state.guardians[personID]?.name.full ?? state.staff[personID]?.name.full ?? personID
        let roles = viewer.map { $0.roles.map(\.rawValue).sorted() } ?? []
        var description = PersonDescription(id: personID, name: name, roles: roles)
        if let viewer, viewer.roles.contains(.parent) {
            description.children = state.children(of: viewer).map { id in
                PersonDescription.Child(id: id, name: state.students[id]?.name.full ?? id, classID: state.students[id]?.currentClassID)
            }
        }
        let taught = state.classesTaught(asClassTeacher: personID)
        if !taught.isEmpty { description.classes = taught.sorted() }
        return description
    }
}

/// The address a request came from: the proxy's `X-Forwarded-For` first entry
/// when the server is told it sits behind one, else the peer's address.
func clientAddress(_ request: Request, _ context: some RequestContext, behindProxy: Bool) -> String {
    if behindProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
        let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if !first.isEmpty { return first }
    }
    if let context = context as? AppRequestContext, let address = context.remoteAddress?.ipAddress { return address }
    if let context = context as? any ChildAddressContext { return context.address }
    return "unknown"
}

/// Child contexts keep the parent's peer address.
protocol ChildAddressContext {
    var address: String { get }
}

/// A request's JSON body: at most `context.maxUploadSize` bytes (413 beyond),
/// decoded with the errors said in Russian (400, see `ErrorMiddleware`).
func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: some RequestContext) async throws -> T {
    var request = request
    let buffer = try await request.collectBody(upTo: context.maxUploadSize)
    return try JSONDecoder().decode(type, from: buffer)
}

/// A path parameter, percent-decoded (`2024-5%D0%90` is the class `2024-5А`).
func pathParameter(_ context: some RequestContext, _ name: String) throws -> String {
    let raw = try context.parameters.require(name)
    return raw.removingPercentEncoding ?? raw
}
