import ArgumentParser
import Foundation
import Hummingbird
import NIOCore

/// The peer of `tools/bench-server`: a bare Hummingbird route that answers
/// every GET with the same bytes, held in memory — what serving a view costs
/// with no session, no store and no view, on the same HTTP stack.
struct BenchServerPeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-server-peer",
        abstract: "Serve one file's bytes from memory on every GET (the peer of tools/bench-server).",
        shouldDisplay: false
    )

    @Option(help: "The file whose bytes every GET answers.")
    var file: String

    @Option(help: "The port on 127.0.0.1 (0: any, printed).")
    var port = 0

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let bytes = ByteBuffer(bytes: data)
        let router = Router()
        router.get("**") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: bytes))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in
                                  FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? 0)\n".utf8))
                              })
        try await app.runService()
    }
}
