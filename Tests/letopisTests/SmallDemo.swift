import Foundation
import ProgramRunner
import Testing

/// A small demo school — 60 students, three weeks, grades 1, 5 and 9 — made by
/// the built program in a directory of its own.
struct SmallDemo {
    /// The program's environment without the variables that would point it elsewhere.
    static let environment: [String: String?] = ["LETOPIS_STORE": nil, "LETOPIS_USER": nil]
    let directory: String
    var store: String { directory + "/store" }
    /// What `letopis demo` printed.
    let made: ProgramRun

    init(_ name: String) throws {
        directory = NSTemporaryDirectory() + "letopis-\(name)-\(UUID().uuidString)"
        made = try ProgramRunner.run(ProgramRunner.letopis, ["demo", "--store", directory + "/store", "--students", "60",
                                                             "--weeks", "3", "--grades", "1,5,9"], environment: Self.environment)
        #expect(made.status == 0, "\(made.err)")
    }

    /// Runs the built program with `arguments` (which name the store themselves).
    func letopis(_ arguments: [String]) throws -> ProgramRun {
        try ProgramRunner.run(ProgramRunner.letopis, arguments, environment: Self.environment)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }
}
