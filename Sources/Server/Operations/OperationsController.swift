import Foundation
import Hummingbird
import NIOCore
import Records

/// `/health` — the store is open and how far each school's views are behind
/// its log — and `/metrics` in Prometheus's text format, for signed-in
/// administration and coordinators or a scraper holding the metrics token.
struct OperationsController {
    let campus: Campus
    let telemetry: Telemetry
    let sessions: SessionStore
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/health", use: health)
        router.get("/metrics", use: metrics)
    }

    struct Health: Encodable {
        struct School: Encodable {
            var school: String
            var events: UInt64
            var viewLag: UInt64
        }
        var status: String
        var schools: [School]
    }

    func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        var schools: [Health.School] = []
        var healthy = true
        for school in campus.schools.values.sorted(by: { $0.id < $1.id }) {
            do {
                let lag = try school.viewLag()
                telemetry.projectionLag(school: school.id, events: lag)
                schools.append(.init(school: school.id, events: try school.log.head(), viewLag: lag))
            } catch {
                healthy = false
            }
        }
        return try json(Health(status: healthy ? "ok" : "failing", schools: schools), status: healthy ? .ok : .serviceUnavailable)
    }

    func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let byToken = configuration.metricsToken.map { ForgeryGuard.equal(bearer ?? "", $0) } ?? false
        let bySession = context.identity.map { $0.session.stage == .signedIn && !$0.viewer.roles.isDisjoint(with: [.administration, .coordinator]) }
            ?? false
        guard byToken || bySession else {
            throw context.identity == nil ? APIError.signInRequired : APIError.hidden("metrics are for the administration")
        }
        for school in campus.schools.values { telemetry.projectionLag(school: school.id, events: (try? school.viewLag()) ?? 0) }
        telemetry.registry.makeGauge(descriptor: .init(namespace: "letopis", metricName: "sessions", unitName: "open", helpText: "Sessions open now.")).set(Double(await sessions.count))
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: telemetry.registry.emitToBuffer())))
    }
}
