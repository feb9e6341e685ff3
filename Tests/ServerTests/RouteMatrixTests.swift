import Foundation
import HTTPTypes
import Testing
@testable import Server

/// The role × route matrix, from one table (`RouteTable`): every route of the
/// router, asked by every person and by someone not signed in. Each refusal
/// holds and leaves the log byte for byte as it was; each allowed write records.
@Suite struct RouteMatrixTests {
    /// The table names exactly the router's routes: a route added without a row fails here.
    @Test func theTableCoversEveryRouteOfTheRouter() async throws {
        let template = try await Template.shared()
        let store = try template.copy()
        defer { store.remove() }
        let configuration = TestServer.configuration(store: store.path)
        let telemetry = Telemetry(registry: .init())
        let campus = try await Campus.open(storePath: store.path, clock: configuration.clock, telemetry: telemetry)
        let parts = Parts(configuration: configuration, campus: campus, telemetry: telemetry)
        let routes = Set(parts.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        try await parts.passwords.shutdown()
        campus.close()

        let rows = Set(RouteTable.rows.map(\.key))
        #expect(routes.count >= 43, "\(routes.sorted())")
        #expect(routes.subtracting(rows).isEmpty, "routes without a row: \(routes.subtracting(rows).sorted())")
        #expect(rows.subtracting(routes).isEmpty, "rows of no route: \(rows.subtracting(routes).sorted())")
        for row in RouteTable.rows {
            #expect(Set(row.expected.keys) == Set(Who.allCases), "\(row) does not say what everyone gets")
        }
    }

    @Test(arguments: RouteTable.rows)
    func everyoneGetsWhatTheTableSays(_ row: RouteRow) async throws {
        let allowed = Who.allCases.filter { (200..<300).contains(row.expected[$0]!) }
        let refused = Who.allCases.filter { !allowed.contains($0) }
        try await TestServer.run { server in
            try await row.setup?(server)
            let notFound = try await server.get("/api/v1/students/S9999/diary", as: server.visitor(.administration))
            try #require(notFound.status == .notFound)
            for who in refused { try await Self.ask(row, as: who, on: server, notFound: notFound.body) }
            if row.allowedShareServer {
                for who in allowed { try await Self.ask(row, as: who, on: server, notFound: notFound.body) }
            }
        }
        if !row.allowedShareServer {
            for who in allowed {
                try await TestServer.run { server in
                    try await row.setup?(server)
                    try await Self.ask(row, as: who, on: server, notFound: Data())
                }
            }
        }
    }

    /// One cell: the status the table says, a 404 exactly like that of a record
    /// that does not exist, and the log unchanged unless an allowed write recorded.
    static func ask(_ row: RouteRow, as who: Who, on server: TestServer, notFound: Data) async throws {
        let expected = row.expected[who]!
        let (path, body) = try await row.request(server, who)
        let before = try server.snapshot()
        let reply = try await server.send(row.method, path, as: server.visitor(who), body: body)
        let after = try server.snapshot()
        #expect(reply.status.code == expected, "\(row) as \(who): \(reply)")
        if expected == 404 { #expect(reply.body == notFound, "\(row) as \(who): a 404 unlike that of a record that does not exist") }
        if expected == 401, who == .anonymous, row.route != "/api/v1/sign-in" {
            #expect(reply.rule == "sign-in-required", "\(row) as \(who): \(reply)")
        }
        if (200..<300).contains(reply.status.code) && row.records {
            #expect(after.count > before.count && Array(after.prefix(before.count)) == before, "\(row) as \(who): nothing recorded")
        } else {
            #expect(after == before, "\(row) as \(who): the log changed (\(before.count) → \(after.count) events)")
        }
    }
}
