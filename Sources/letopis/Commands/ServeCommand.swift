import ArgumentParser
import EventLog
import Foundation
import Logging
import Metrics
import Prometheus
import Hummingbird
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve every school of the store: sign-in with the issued logins, and the JSON API (docs/api.md).",
        discussion: """
            Teachers, parents, students and the school office sign in with the logins the school
            issued; the first sign-in with a slip's temporary password sets the person's own. Every
            entry goes through the same rules as on the command line, which may go on recording
            beside the server: commands are decided under the log's write lock, so neither door
            ever loses the other's records.

            Sessions end after --idle-minutes without a request and --absolute-hours after sign-in.
            Behind a TLS-terminating proxy give --behind-https-proxy (cookies become Secure and
            __Host-, the client's address is taken from X-Forwarded-For); or serve HTTPS directly
            with --tls-certificate and --tls-key. /health answers without signing in; /metrics
            answers the administration, or a scraper with the token in --metrics-token-file.

            Prints the address it listens on (with --port 0, the port the system chose). Ctrl-C
            or SIGTERM stop it after the requests under way are answered.

            Examples:
              letopis serve --store ./letopis-store
              letopis serve --host 0.0.0.0 --port 8443 --tls-certificate cert.pem --tls-key key.pem
              letopis serve --port 0 --today 2024-11-12      # a past school year, as if it were that day
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Minutes without a request after which a session ends.")
    var idleMinutes = 30

    @Option(help: "Hours after sign-in after which a session ends in any case.")
    var absoluteHours = 12

    @Flag(help: "A proxy in front serves HTTPS and sets X-Forwarded-For.")
    var behindHttpsProxy = false

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM).", valueName: "file"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The private key of --tls-certificate (PEM).", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Another origin allowed to send changes (e.g. https://journal.school.ru).", valueName: "origin"))
    var allowOrigin: [String] = []

    @Option(help: ArgumentHelp("A file holding the token that may read /metrics.", valueName: "file"))
    var metricsTokenFile: String?

    @Option(help: ArgumentHelp("Write the login letters of the class teacher's page here (.eml, for the school's mail program).",
                               valueName: "dir"))
    var outbox: String?

    @Option(help: ArgumentHelp("Serve as if today were this date, for a demonstration on a past school year.",
                               discussion: "Everything recorded is dated accordingly; the time of day stays real.", valueName: "date"))
    var today: String?

    @Flag(help: ArgumentHelp("Render every diary week and journal grid at every request instead of keeping them until the school records something.",
                             discussion: "For timing a page's render (tools/bench-server); the pages are the same either way."))
    var noPageCache = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard idleMinutes > 0, absoluteHours > 0 else { throw ValidationError("timeouts must be positive") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("give --tls-certificate and --tls-key together") }
        if let today { _ = try parseDate(today, option: "--today") }
    }

    func run() async throws {
        bootstrapLogging(verbose: storeOptions.verbose, level: .info)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.storePath = storeOptions.storePath
        configuration.idleTimeout = .seconds(idleMinutes * 60)
        configuration.absoluteTimeout = .seconds(absoluteHours * 3600)
        configuration.behindProxy = behindHttpsProxy
        configuration.secure = behindHttpsProxy || tlsCertificate != nil
        configuration.tlsCertificatePath = tlsCertificate
        configuration.tlsKeyPath = tlsKey
        configuration.allowedOrigins = Set(allowOrigin)
        configuration.outbox = outbox
        configuration.pageCache = !noPageCache
        if let metricsTokenFile {
            guard let token = try? String(contentsOfFile: metricsTokenFile, encoding: .utf8) else {
                throw CommandFailure("cannot read \(metricsTokenFile)")
            }
            configuration.metricsToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        configuration.today = try today.map { CivilDate(daysSinceEpoch: try parseDate($0, option: "--today")) }
        let scheme = configuration.secure && !behindHttpsProxy ? "https" : "http"
        let store = configuration.storePath, host = self.host
        do {
            let app = try await LetopisServer.build(configuration: configuration, registry: registry,
                                                    logger: Logger(label: "letopis.server")) { port in
                // The tests and tools read this line for the port (with --port 0).
                FileHandle.standardOutput.write(Data("letopis serve: listening on \(scheme)://\(host):\(port) (store \(store))\n".utf8))
            }
            try await app.runService()
        } catch {
            throw CommandFailure("letopis serve: \(error)")
        }
    }
}
