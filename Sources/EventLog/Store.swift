import Foundation

/// A Letopis store: a directory holding one log per school side by side (a
/// school's server, or a district that imports its schools' logs), and the
/// schools' signing keys apart from the logs.
///
///     STORE/letopis-store          "letopis-store <format>\nkind <kind>\n"
///     STORE/schools/<school-id>/   that school's LMDB environment
///     STORE/keys/<school-id>.key   that school's private key (mode 0600)
public struct Store: Sendable {
    public enum Kind: String, Sendable {
        /// Schools write their own logs here.
        case school
        /// Holds logs imported from schools, and the district's own records.
        case district
    }

    public static let manifestName = "letopis-store"
    public static let formatVersion = 1

    public let path: String
    public let kind: Kind

    /// Creates an empty store in `path` (a new or empty directory).
    public static func create(at path: String, kind: Kind) throws -> Store {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? ["?"]
            guard contents.isEmpty else { throw EventLogError.alreadyExists(path: path) }
        }
        do {
            try fm.createDirectory(atPath: path + "/schools", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: path + "/keys", withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
            let manifest = "letopis-store \(formatVersion)\nkind \(kind.rawValue)\n"
            try manifest.write(toFile: path + "/" + manifestName, atomically: true, encoding: .utf8)
        } catch {
            throw EventLogError.storage(operation: "creating the store \(path)", underlying: "\(error)")
        }
        return Store(path: path, kind: kind)
    }

    /// Opens the store in `path`; nothing is written.
    public static func open(at path: String) throws -> Store {
        let manifestPath = path + "/" + manifestName
        try checkAccess(manifestPath)
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "it has no \(manifestName) file" : "it does not exist"
            throw EventLogError.notAStore(path: path, reason: reason)
        }
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else {
            throw EventLogError.notAStore(path: path, reason: "\(manifestName) is not readable text")
        }
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        guard let first = lines.first, first.count == 2, first[0] == manifestName, let format = Int(first[1]), format >= 1 else {
            throw EventLogError.notAStore(path: path, reason: "\(manifestName) does not start with \"\(manifestName) <format>\"")
        }
        guard format <= formatVersion else {
            throw EventLogError.newerFormat(path: path, found: format, supported: formatVersion)
        }
        let kindLine = lines.first { $0.first == "kind" }
        guard let kindName = kindLine?.dropFirst().first, let kind = Kind(rawValue: kindName) else {
            throw EventLogError.notAStore(path: path, reason: "\(manifestName) names no known kind")
        }
        return Store(path: path, kind: kind)
    }

    /// Throws `permissionDenied` when the system refuses the running user a look
    /// at `path` or its contents — without it, a directory that may not be read
    /// looks empty, and a file in it missing.
    public static func checkAccess(_ path: String, readingContents: Bool = true) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            // The path, or a directory on the way to it, may not be searched.
            if errno == EACCES { throw EventLogError.permissionDenied(path: deniedPrefix(of: path)) }
            return
        }
        guard readingContents else { return }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        if access(path, isDirectory ? R_OK | X_OK : R_OK) != 0 && errno == EACCES {
            throw EventLogError.permissionDenied(path: path)
        }
    }

    /// The first directory on the way to `path` that may not be searched (else `path`).
    static func deniedPrefix(of path: String) -> String {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            let next = prefix == "." ? String(part) : prefix + "/" + part
            if access(prefix.isEmpty ? "/" : prefix, X_OK) != 0 && errno == EACCES { return prefix.isEmpty ? "/" : prefix }
            prefix = next
        }
        return path
    }

    /// The ids of the schools whose logs are here, sorted.
    public func schoolIDs() throws -> [String] {
        try Store.checkAccess(path + "/schools")
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path + "/schools")) ?? []
        // A school's directory that may not be searched is denied, not absent.
        for entry in entries { try Store.checkAccess(logPath(school: entry) + "/data.mdb", readingContents: false) }
        return entries.filter { FileManager.default.fileExists(atPath: logPath(school: $0) + "/data.mdb") }.sorted()
    }

    public func logPath(school: String) -> String { path + "/schools/" + school }

    public func keyPath(school: String) -> String { path + "/keys/" + school + ".key" }

    public func createLog(school: String, options: EventLog.Options = .init()) throws -> EventLog {
        try Store.validate(schoolID: school)
        return try EventLog.create(at: logPath(school: school), school: school, options: options)
    }

    public func openLog(school: String, options: EventLog.Options = .init()) throws -> EventLog {
        try Store.validate(schoolID: school)
        let logPath = logPath(school: school)
        try Store.checkAccess(logPath)
        guard FileManager.default.fileExists(atPath: logPath) else {
            let known = (try? schoolIDs()) ?? []
            throw EventLogError.notAStore(
                path: logPath,
                reason: "the store has no school \(school)" + (known.isEmpty ? "" : "; it has \(known.joined(separator: ", "))"))
        }
        return try EventLog.open(at: logPath, school: school, options: options)
    }

    /// School ids name directories and files: letters, digits, '-', '_' and '.'.
    public static func validate(schoolID: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !schoolID.isEmpty, schoolID.count <= 64, !schoolID.hasPrefix("."),
              schoolID.unicodeScalars.allSatisfy(allowed.contains)
        else { throw EventLogError.invalidSchoolID(schoolID) }
    }
}
