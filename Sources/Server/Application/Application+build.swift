import EventLog
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdAuth
import Logging
import NIOCore
import NIOSSL
import HummingbirdTLS
import Prometheus
import Records
import SchoolService
import ServiceLifecycle

/// The server of one store, built for `letopis serve` and for the tests alike.
public enum LetopisServer {
    /// Opens every school of the store and builds the application serving them.
    /// `onRunning` gets the port the server listens on (useful with port 0).
    public static func build(
        configuration: ServerConfiguration, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger = Logger(label: "letopis.server"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let telemetry = Telemetry(registry: registry)
        let campus = try await Campus.open(storePath: configuration.storePath, clock: configuration.clock, telemetry: telemetry)
        let parts = Parts(configuration: configuration, campus: campus, telemetry: telemetry)
        let router = parts.router()
        parts.addPages(to: router)
        var server = HTTPServerBuilder.http1()
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        var app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Letopis"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        app.addServices(SchoolsClosing(campus: campus, passwords: parts.passwords), parts.sessions,
                        LogWatch(campus: campus, sessions: parts.sessions, logger: logger))
        return app
    }
}

/// What the routes share: the schools, the sessions, the throttle, the hashing
/// threads, the metrics.
struct Parts: Sendable {
    let configuration: ServerConfiguration
    let campus: Campus
    let sessions: SessionStore
    let throttle: SignInThrottle
    let passwords: PasswordWork
    let telemetry: Telemetry

    init(configuration: ServerConfiguration, campus: Campus, telemetry: Telemetry) {
        self.configuration = configuration
        self.campus = campus
        sessions = SessionStore(now: configuration.realTime)
        throttle = SignInThrottle(policy: configuration.throttle, now: configuration.realTime)
        passwords = PasswordWork(threads: configuration.hashingThreads, queue: configuration.hashingQueue, rounds: configuration.passwordRounds)
        self.telemetry = telemetry
    }

    /// `__Host-letopis` over TLS (the prefix binds it to this host and path /),
    /// `letopis` otherwise (a browser refuses `__Host-` without `Secure`).
    var cookieName: String { configuration.secure ? "__Host-letopis" : "letopis" }
    static let keyPrefix = "session."

    /// The API's routes (the ones docs/openapi.yaml describes) behind the
    /// middleware every answer passes; `addPages` adds the web pages to it.
    func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.addMiddleware {
            SecurityHeaders<AppRequestContext>(secure: configuration.secure)
            PageErrors(renderer: PageRenderer.shared, campus: campus, configuration: configuration)
            RequestLog(telemetry: telemetry)
            ErrorMiddleware<AppRequestContext>()
            SessionMiddleware<AppRequestContext>(
                storage: sessions,
                configuration: .init(sessionCookieParameters: .init(name: cookieName, path: "/", secure: configuration.secure,
                                                                    sameSite: .lax),
                                     keyPrefix: Self.keyPrefix, defaultSessionExpiration: configuration.idleTimeout))
            SessionGate(campus: campus, sessions: sessions, configuration: configuration, cookieName: cookieName,
                        keyPrefix: Self.keyPrefix)
            ForgeryGuard(configuration: configuration)
        }
        OperationsController(campus: campus, telemetry: telemetry, sessions: sessions, configuration: configuration).addRoutes(to: router)
        signInController.addRoutes(to: router)
        let api = router.group("/api/v1", context: SignedInContext.self)
        JournalController(configuration: configuration).addRoutes(to: api)
        DiaryController(configuration: configuration).addRoutes(to: api)
        AccessController(passwords: passwords, configuration: configuration).addRoutes(to: api)
        SchoolController(configuration: configuration).addRoutes(to: api)
        return router
    }
}
