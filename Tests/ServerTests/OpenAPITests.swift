import EventLog
import Foundation
import Hummingbird
import Prometheus
import ProgramRunner
@testable import Server
import Testing

/// docs/openapi.yaml is a valid OpenAPI document (openapi-spec-validator, from
/// PyPI) and names exactly the routes the server has.
@Suite struct OpenAPITests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path

    @Test func theDocumentIsValidOpenAPI() throws {
        let run = try ProgramRunner.run("python3", ["-c", """
            import sys, yaml
            from openapi_spec_validator import validate
            validate(yaml.safe_load(open(sys.argv[1], encoding="utf-8")))
            print("valid")
            """, Self.document])
        #expect(run.status == 0 && run.out.contains("valid"), "\(run.err)")
    }

    @Test func itNamesExactlyTheServersRoutes() async throws {
        let listed = try ProgramRunner.run("python3", ["-c", """
            import sys, yaml, json
            paths = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["paths"]
            methods = {"get", "put", "post", "delete", "patch", "head", "options"}
            print(json.dumps(sorted(f"{m.upper()} {p}" for p, item in paths.items() for m in item if m in methods)))
            """, Self.document])
        #expect(listed.status == 0, "\(listed.err)")
        let documented = Set(try JSONDecoder().decode([String].self, from: Data(listed.out.utf8)))

        // The routes of a server on an empty store: the router is the same whatever the schools.
        let store = NSTemporaryDirectory() + "letopis-openapi-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: store) }
        _ = try Store.create(at: store, kind: .school)
        var configuration = ServerConfiguration()
        configuration.storePath = store
        configuration.passwordRounds = 1_000
        let campus = try await Campus.open(storePath: store, clock: configuration.clock,
                                           telemetry: Telemetry(registry: PrometheusCollectorRegistry()))
        defer { campus.close() }
        let router = Parts(configuration: configuration, campus: campus,
                           telemetry: Telemetry(registry: PrometheusCollectorRegistry())).router()
        let served = Set(router.routes.map { route in
            // `{name}` as the document writes a parameter, whichever way the router prints it.
            let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
        })
        #expect(served.count > 40)
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
    }
}
