import ArgumentParser
import EventLog
import Foundation
import Logging
import Synchronization

/// Options every command that works on a store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store directory.", discussion: "Defaults to $LETOPIS_STORE, or ./letopis-store.",
        valueName: "dir"))
    var store: String?

    @Flag(name: .long, help: "Log what is being done to standard error.")
    var verbose = false

    var storePath: String {
        store ?? ProcessInfo.processInfo.environment["LETOPIS_STORE"] ?? "letopis-store"
    }

    func openStore() throws -> Store {
        bootstrapLogging(verbose: verbose)
        do {
            return try Store.open(at: storePath)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// A failure to report to the user in one line, with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 1

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

/// Runs `body`, turning any other error into a CommandFailure with the error's
/// own words, so that it is printed as «letopis: …» and not as a usage error.
func asCommandFailure<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let failure as CommandFailure {
        throw failure
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// swift-log may be bootstrapped once per process; the first command's level wins.
private let loggingBootstrapped = Mutex(false)

func bootstrapLogging(verbose: Bool, level: Logger.Level = .warning) {
    let first = loggingBootstrapped.withLock { done in
        defer { done = true }
        return !done
    }
    guard first else { return }
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = verbose ? .debug : level
        return handler
    }
}
