import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ProgramRunner
import Synchronization
import Testing

/// The built `letopis serve`, run as a child process on a store.
final class ServeProcess: Sendable {
    let process: Process
    let port: Int
    private let errors: Output

    /// Starts `letopis serve --port 0` and waits for the line with its port.
    static func start(store: String, today: CivilDay = Template.monday.iso) throws -> ServeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProgramRunner.letopis)
        process.arguments = ["serve", "--store", store, "--port", "0", "--today", today]
        var environment = ProcessInfo.processInfo.environment
        environment["LETOPIS_STORE"] = nil
        environment["LETOPIS_USER"] = nil
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let printed = Output(), errors = Output()
        try process.run()
        // Each pipe read by a thread of its own with plain blocking reads: a FileHandle's
        // readabilityHandler (a dispatch source) can crash libdispatch when many pipes are
        // open at once, as they are while the tests run side by side.
        for (pipe, output) in [(out, printed), (err, errors)] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return }
                    output.append(data)
                }
            }
        }
        let deadline = Date() + 60
        while Date() < deadline {
            if let range = printed.text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(printed.text[range].split(separator: ":").last ?? "") {
                return ServeProcess(process: process, port: port, errors: errors)
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw PickFailure("letopis serve did not start: \(printed.text) \(errors.text)")
    }

    private init(process: Process, port: Int, errors: Output) {
        self.process = process
        self.port = port
        self.errors = errors
    }

    var standardError: String { errors.text }

    /// Sends `signal` and waits (at most `seconds`) for the process to end; nil if it did not.
    func stop(_ signal: Int32, within seconds: Double = 15) -> (status: Int32, reason: Process.TerminationReason)? {
        kill(process.processIdentifier, signal)
        let deadline = Date() + seconds
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return (process.terminationStatus, process.terminationReason)
    }

    /// A browser's connection to the server.
    func connect() -> LiveConnection { LiveConnection(port: port) }
}

typealias CivilDay = String

/// What a child process wrote, gathered as it comes.
final class Output: Sendable {
    private let data = Mutex(Data())
    func append(_ more: Data) { data.withLock { $0.append(more) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// One keep-alive connection to a live server, carrying a visitor's cookie and token.
struct LiveConnection: Sendable {
    let client: TestClient
    let port: Int
    var origin: String { "http://127.0.0.1:\(port)" }

    init(port: Int) {
        self.port = port
        client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
    }

    func close() async { try? await client.shutdown() }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, as visitor: Visitor, json: [String: any Sendable]? = nil) async throws -> Reply {
        var headers: HTTPFields = [.origin: origin]
        if let cookie = visitor.cookie { headers[.cookie] = "\(visitor.cookieName)=\(cookie)" }
        if method != .get, let token = visitor.csrfToken { headers[ForgeryGuardHeader.token] = token }
        if json != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(path, method: method, authority: "127.0.0.1:\(port)", headers: headers,
                                         body: json.map { ByteBuffer(bytes: TestServer.encode($0)) })
        let response = try await client.execute(request)
        let reply = Reply(status: response.status, headers: response.headers, body: response.body.map { Data(buffer: $0) } ?? Data())
        visitor.take(reply)
        return reply
    }

    func get(_ path: String, as visitor: Visitor) async throws -> Reply { try await send(.get, path, as: visitor) }
    func post(_ path: String, _ json: [String: any Sendable], as visitor: Visitor) async throws -> Reply {
        try await send(.post, path, as: visitor, json: json)
    }

    /// The first sign-in with a slip: the temporary password, then the person's own.
    func activate(_ visitor: Visitor, login: String, temporary: String, password: String,
                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let first = try await post("/api/v1/sign-in", ["login": login, "password": temporary], as: visitor)
        try #require(first.status == .ok && first.json["stage"] as? String == "change-password", "\(first)", sourceLocation: sourceLocation)
        let changed = try await post("/api/v1/password", ["newPassword": password], as: visitor)
        try #require(changed.status == .created && changed.json["stage"] as? String == "signed-in", "\(changed)",
                     sourceLocation: sourceLocation)
    }
}

enum ForgeryGuardHeader {
    static let token = HTTPField.Name("X-CSRF-Token")!
}

/// Runs the built `letopis` on a store.
@discardableResult
func letopis(_ arguments: [String], store: String) throws -> ProgramRun {
    try ProgramRunner.run(ProgramRunner.letopis, arguments + ["--store", store], environment: ["LETOPIS_STORE": nil, "LETOPIS_USER": nil])
}
