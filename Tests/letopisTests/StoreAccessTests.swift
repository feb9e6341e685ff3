import Foundation
import ProgramRunner
import Testing

/// A store the user may not read is named as such, and a store the user may read
/// but not write (another owner's, read-only media) is still verified, exported
/// and read. Permissions do not bind root, so when the tests run as root the
/// program runs as nobody (setpriv); otherwise as the user the tests run as.
@Suite(.serialized) struct StoreAccessTests {
    static let isRoot = getuid() == 0
    let directory = NSTemporaryDirectory() + "letopis-access-\(UUID().uuidString)"
    var store: String { directory + "/store" }

    /// Runs the built program as a user without rights over the store.
    func asStranger(_ arguments: [String]) throws -> ProgramRun {
        let environment: [String: String?] = ["LETOPIS_STORE": nil, "LETOPIS_USER": nil, "HOME": "/tmp"]
        if Self.isRoot {
            return try ProgramRunner.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ProgramRunner.letopis]
                                         + arguments + ["--store", store], environment: environment)
        }
        return try ProgramRunner.run(ProgramRunner.letopis, arguments + ["--store", store], environment: environment)
    }

    func asOwner(_ arguments: [String]) throws -> ProgramRun {
        let run = try ProgramRunner.run(ProgramRunner.letopis, arguments + ["--store", store], environment: SmallDemo.environment)
        #expect(run.status == 0, "letopis \(arguments.joined(separator: " ")): \(run.err)")
        return run
    }

    func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// Every directory and file of the store readable by all and writable by none
    /// but its owner (as root), or by no one at all (as another user) — keys aside.
    func makeReadOnly(_ path: String) throws {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if path.hasSuffix("/keys") { return }
        try chmod(path, isDirectory.boolValue ? (Self.isRoot ? 0o755 : 0o555) : (Self.isRoot ? 0o644 : 0o444))
        if isDirectory.boolValue {
            for entry in try FileManager.default.contentsOfDirectory(atPath: path) { try makeReadOnly(path + "/" + entry) }
        }
    }

    /// Gives the owner back the right to write, so that the directory can be removed.
    func makeWritable(_ path: String) {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        try? chmod(path, isDirectory.boolValue ? 0o755 : 0o644)
        if isDirectory.boolValue, let entries = try? FileManager.default.contentsOfDirectory(atPath: path) {
            for entry in entries where entry != "keys" { makeWritable(path + "/" + entry) }
        }
    }

    func newStore() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try chmod(directory, 0o755)
        _ = try asOwner(["init", "--school", "s1", "--name", "МБОУ СОШ № 1", "--coordinator", "Сидорова Ольга Петровна"])
    }

    @Test func aStoreThatMayNotBeReadSaysPermissionDenied() throws {
        defer { makeWritable(directory); try? FileManager.default.removeItem(atPath: directory) }
        try newStore()
        let closed = [(store, store), (store + "/schools", store + "/schools"), (store + "/schools/s1", store + "/schools/s1"),
                      (store + "/schools/s1/data.mdb", store + "/schools/s1/data.mdb")]
        for (path, named) in closed {
            // Root's files are the stranger's closed book at 0700/0600; the owner's own, at 0.
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let open = isDirectory.boolValue ? 0o755 : 0o644
            try chmod(path, Self.isRoot ? (isDirectory.boolValue ? 0o700 : 0o600) : 0)
            if !isDirectory.boolValue { try chmod(store + "/schools/s1", 0o755) }
            for command in [["verify"], ["export"], ["journal", "--class", "5А", "--subject", "math"]] {
                let run = try asStranger(command)
                #expect(run.status == 1, "\(command) on \(path): \(run.status) \(run.err)")
                #expect(run.err.contains("\(named): permission denied"), "\(command) on \(path): \(run.err)")
                #expect(!run.err.contains("no letopis-store file") && !run.err.contains("holds no school"), "\(run.err)")
            }
            try chmod(path, open)
        }
        // Opened again, it is a store.
        #expect(try asStranger(["verify"]).out.contains("school s1: intact"))
    }

    @Test func aStoreThatMayNotBeWrittenIsVerifiedExportedAndRead() throws {
        defer { makeWritable(directory); try? FileManager.default.removeItem(atPath: directory) }
        try newStore()
        let c = ["--as", "T0001"]
        _ = try asOwner(["year", "define", "--year", "2026", "--from", "01.09.2026", "--to", "31.05.2027"] + c)
        _ = try asOwner(["reference", "standard"] + c)
        _ = try asOwner(["checkpoint"])
        // Views behind the log cannot be brought up by a reader who may not write the store.
        try makeReadOnly(store)
        let behind = try asStranger(["report", "rollout"])
        #expect(behind.status == 1 && behind.err.contains("events behind its log")
                && behind.err.contains("may not be written here to bring them up to date"), "\(behind.err)")
        makeWritable(store)
        let report = try asOwner(["report", "rollout"]).out
        let exported = try asOwner(["export"]).out
        try makeReadOnly(store)
        if !Self.isRoot {
            // The files may not be written at all: the lock file neither.
            #expect(access(store + "/schools/s1/lock.mdb", W_OK) != 0 && access(store + "/schools/s1", W_OK) != 0)
        }

        let verified = try asStranger(["verify"])
        #expect(verified.status == 0 && verified.out.contains("school s1: intact"), "\(verified.err)")
        let audited = try asStranger(["audit", "verify"])
        #expect(audited.status == 0, "\(audited.out) \(audited.err)")
        let listed = try asStranger(["checkpoint", "--list"])
        #expect(listed.status == 0 && !listed.out.isEmpty, "\(listed.err)")
        let reread = try asStranger(["report", "rollout"])
        #expect(reread.status == 0 && reread.out == report, "\(reread.err)")
        let asOf = try asStranger(["report", "rollout", "--as-of", "#3"])
        #expect(asOf.status == 0, "\(asOf.err)")
        let again = try asStranger(["export"])
        #expect(again.status == 0, "\(again.err)")
        // The events are the same; the trailer is the recorded checkpoint, or unsigned
        // where the stranger may not read the school's key.
        let events = { (text: String) in text.split(separator: "\n").filter { !$0.contains("letopis-export-checkpoint") } }
        #expect(events(again.out) == events(exported) && !events(exported).isEmpty)
        // Recording is refused, and says why.
        let refused = try asStranger(["reference", "subject", "--id", "art", "--name", "ИЗО"] + c)
        #expect(refused.status != 0)
    }
}
