import Foundation

/// What a program run by the tests printed, and how it ended.
public struct ProgramRun: Sendable {
    public var status: Int32
    public var out: String
    public var err: String
}

/// Runs programs as the tests use them: the built `letopis`, Python, poppler-utils.
public enum ProgramRunner {
    /// The built `letopis` program (the test targets that use it depend on it).
    public static let letopis = built("letopis")

    /// A program of this package, built next to the test bundle.
    public static func built(_ name: String) -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" { dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent(name).path
    }

    /// Runs `program` (a path, or a name looked up on PATH) and waits for it.
    /// `environment` sets variables (a nil value removes one); with
    /// `mergingErrors`, standard error goes to `out` as well, in order.
    public static func run(
        _ program: String, _ arguments: [String], environment changes: [String: String?] = [:],
        mergingErrors: Bool = false
    ) throws -> ProgramRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let out = Pipe()
        let err = mergingErrors ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Standard error is drained on another thread, so that neither pipe fills while the other is read.
        let errData = mergingErrors ? nil : Drain(err)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                          err: String(decoding: errData?.wait() ?? Data(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
private final class Drain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
