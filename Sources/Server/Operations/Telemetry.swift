import Foundation
import Hummingbird
import Logging
import Prometheus
import Synchronization

/// The server's metrics, in one Prometheus registry served at `/metrics`:
/// requests and their durations, sign-ins and their failures, how long appends
/// take, how far the views are behind the log.
final class Telemetry: Sendable {
    let registry: PrometheusCollectorRegistry
    let signIns: Counter
    let signInFailures: Counter
    let throttled: Counter
    let refusedAuthorizations: Counter
    let appendDuration: DurationHistogram
    private let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                       .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                       .seconds(2.5), .seconds(5)]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        signIns = registry.makeCounter(descriptor: .init(namespace: "letopis", metricName: "sign_ins", unitName: "total", helpText: "Sign-ins that passed the password (and second factor)."))
        signInFailures = registry.makeCounter(descriptor: .init(namespace: "letopis", metricName: "sign_in_failures", unitName: "total", helpText: "Sign-ins refused for a wrong login, password or code."))
        throttled = registry.makeCounter(descriptor: .init(namespace: "letopis", metricName: "sign_in_throttled", unitName: "total", helpText: "Sign-in attempts told to wait."))
        refusedAuthorizations = registry.makeCounter(descriptor: .init(namespace: "letopis", metricName: "refused_authorizations", unitName: "total", helpText: "Requests refused: a record the person may not see or change."))
        appendDuration = registry.makeDurationHistogram(descriptor: .init(namespace: "letopis", metricName: "append_duration", unitName: "seconds", helpText: "From a write request's commands to their events recorded."), buckets: buckets)
    }

    func request(method: String, route: String, status: Int, duration: Duration) {
        // The registry looks metrics up by name and labels; a request only by its few words.
        let (counter, histogram) = requestMetrics.withLock { known in
            let key = RequestKey(method: method, route: route, status: status)
            if let found = known[key] { return found }
            let made = (
                registry.makeCounter(descriptor: .init(namespace: "letopis", metricName: "http_requests", unitName: "total",
                                                       helpText: "HTTP requests answered."),
                                     labels: [("method", method), ("route", route), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: .init(namespace: "letopis", metricName: "http_request_duration",
                                                                 unitName: "seconds", helpText: "How long requests took to answer."),
                                               labels: [("method", method), ("route", route)], buckets: buckets))
            known[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }
    private let requestMetrics = Mutex<[RequestKey: (Counter, DurationHistogram)]>([:])

    func projectionLag(school: String, events: UInt64) {
        registry.makeGauge(descriptor: .init(namespace: "letopis", metricName: "projection_lag", unitName: "events", helpText: "Events recorded that the views have not applied yet."),
                           labels: [("school", school)]).set(Double(events))
    }
}

/// One log line per request — method, route, status, duration, the person
/// and the outcome — and the request metrics.
struct RequestLog: RouterMiddleware {
    typealias Context = AppRequestContext
    let telemetry: Telemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            finish(request, context, status: status, started: started, outcome: nil)
            return response
        } catch let error as APIError {
            finish(request, context, status: error.status.code, started: started, outcome: error.rule,
                   refused: error.isRefusedAuthorization ? error.refusal ?? error.message : nil)
            throw error
        } catch let error as any HTTPResponseError {
            finish(request, context, status: error.status.code, started: started, outcome: "\(error.status.code)")
            throw error
        } catch {
            finish(request, context, status: 500, started: started, outcome: "internal")
            throw error
        }
    }

    private func finish(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant, outcome: String?,
                        refused: String? = nil) {
        let duration = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        telemetry.request(method: request.method.rawValue, route: route, status: status, duration: duration)
        let person = context.note.who ?? "-"
        let tenths = (duration.components.seconds * 10_000) + duration.components.attoseconds / 100_000_000_000_000
        // One line, made by hand: this runs at every request.
        let line = "\(request.method.rawValue) \(request.uri.path) \(status) \(tenths / 10).\(tenths % 10)ms \(person) \(outcome ?? "ok")"
        if let refused {
            telemetry.refusedAuthorizations.increment()
            context.logger.warning("refused authorization: \(line)", metadata: ["why": "\(refused)"])
        } else {
            context.logger.info("\(line)")
        }
    }
}
