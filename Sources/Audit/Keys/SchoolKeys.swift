import Crypto
import EventLog
import Foundation

/// The Ed25519 key a school signs its checkpoints with.
///
///     STORE/keys/<school>.key   the private key, PKCS#8 PEM, mode 0600 (directory 0700)
///     STORE/keys/<school>.pub   the public key, SubjectPublicKeyInfo PEM, for anyone
///
/// Both are the standard PEM forms, so `openssl pkey` and Python's `cryptography`
/// read them as they are. The private key lives apart from the log: a copy of the
/// log (a backup, an export) never carries it.
public enum SchoolKeys {
    /// Creates the school's key pair unless it exists, and returns the signer.
    /// Idempotent: `letopis init`, `letopis demo` and `letopis key create` call it.
    /// `demoSeed` (a demo store only) makes the key follow from the demo's seed,
    /// so the auditors' guide can quote the demo's key and signatures; such a key
    /// is public knowledge and signs nothing of a real school.
    @discardableResult
    public static func ensure(store: Store, school: String, demoSeed: UInt64? = nil) throws -> CheckpointSigner {
        try Store.validate(schoolID: school)
        let path = store.keyPath(school: school)
        if FileManager.default.fileExists(atPath: path) {
            return try signer(store: store, school: school)
        }
        let directory = (path as NSString).deletingLastPathComponent
        try makePrivateDirectory(directory)
        let key = try demoSeed.map { seed in
            let material = Array("letopis demo school key\u{0}\(seed)\u{0}\(school)".utf8)
            return try Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: material)))
        } ?? Curve25519.Signing.PrivateKey()
        try writeNew(path, contents: pem(label: "PRIVATE KEY", der: pkcs8Prefix + Array(key.rawRepresentation)), mode: 0o600)
        try writePublic(key.publicKey, store: store, school: school)
        return CheckpointSigner(school: school, key: key)
    }

    /// The school's signer, or nil when the store has no key for it (a copy of
    /// a log, or a store made before keys existed: `letopis key create`).
    public static func signerIfPresent(store: Store, school: String) throws -> CheckpointSigner? {
        FileManager.default.fileExists(atPath: store.keyPath(school: school)) ? try signer(store: store, school: school) : nil
    }

    /// Reads an Ed25519 private key (PKCS#8 PEM) at `path`, refusing a file that
    /// others may read or that belongs to another user; `missing` is the error text
    /// when there is no file.
    static func readPrivateKey(at path: String, missing: String) throws -> Curve25519.Signing.PrivateKey {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw AuditError.key(missing)
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o777
        if mode & 0o077 != 0 {
            throw AuditError.key("""
                refusing the key \(path): it may be read by others (mode \(String(mode, radix: 8))); \
                make it readable by its owner only: chmod 600 \(path)
                """)
        }
        if let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value, owner != geteuid() {
            throw AuditError.key("refusing the key \(path): it belongs to user \(owner), not to the user running letopis")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let der = derFromPEM(text, label: "PRIVATE KEY"),
              der.count == pkcs8Prefix.count + 32, Array(der.prefix(pkcs8Prefix.count)) == pkcs8Prefix,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        else {
            throw AuditError.key("\(path) is not an Ed25519 private key in PKCS#8 PEM")
        }
        return key
    }

    /// Loads the private key, refusing a key file that others may read.
    public static func signer(store: Store, school: String) throws -> CheckpointSigner {
        let path = store.keyPath(school: school)
        let key = try readPrivateKey(at: path, missing: "the school \(school) has no signing key at \(path); create it with letopis key create")
        // A missing or stale public key file is rewritten from the private key.
        if (try? publicKey(store: store, school: school).rawRepresentation) != key.publicKey.rawRepresentation {
            try? writePublic(key.publicKey, store: store, school: school)
        }
        return CheckpointSigner(school: school, key: key)
    }

    public static func publicKeyPath(store: Store, school: String) -> String {
        (store.keyPath(school: school) as NSString).deletingPathExtension + ".pub"
    }

    /// The school's public key from `<school>.pub`.
    public static func publicKey(store: Store, school: String) throws -> Curve25519.Signing.PublicKey {
        let path = publicKeyPath(store: store, school: school)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw AuditError.key("the school \(school) has no public key at \(path)")
        }
        guard let key = parsePublicKey(text) else { throw AuditError.key("\(path) is not an Ed25519 public key") }
        return key
    }

    // MARK: Formats

    /// DER of PKCS#8 for Ed25519 (RFC 8410) up to the 32-byte seed.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
                                       0x04, 0x22, 0x04, 0x20]
    /// DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the 32-byte key.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`).
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        pem(label: "PUBLIC KEY", der: spkiPrefix + Array(key.rawRepresentation))
    }

    /// A public key given as PEM, as base64 of its 32 raw bytes, or as 64 hex digits.
    public static func parsePublicKey(_ text: String) -> Curve25519.Signing.PublicKey? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var raw: [UInt8]?
        if let der = derFromPEM(trimmed, label: "PUBLIC KEY"), der.count == spkiPrefix.count + 32,
           Array(der.prefix(spkiPrefix.count)) == spkiPrefix {
            raw = Array(der.suffix(32))
        } else if let digest = Digest32(hex: trimmed) {
            raw = digest.bytes
        } else if let data = canonicalBase64(trimmed), data.count == 32 {
            raw = Array(data)
        }
        return raw.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    static func pem(label: String, der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    static func derFromPEM(_ text: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return canonicalBase64(String(body)).map(Array.init)
    }

    /// Base64 that is exactly the encoding of its bytes: Foundation also takes a
    /// last digit with bits to spare set («…y07=» for «…y04=»), which would let two
    /// texts stand for one key.
    static func canonicalBase64(_ text: String) -> Data? {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
        return data
    }

    // MARK: Files

    private static func writePublic(_ key: Curve25519.Signing.PublicKey, store: Store, school: String) throws {
        let path = publicKeyPath(store: store, school: school)
        do {
            try pem(key).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        } catch {
            throw AuditError.key("cannot write the public key \(path): \(error)")
        }
    }

    static func makePrivateDirectory(_ directory: String) throws {
        let fm = FileManager.default
        do {
            if !fm.fileExists(atPath: directory) {
                try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        } catch {
            throw AuditError.key("cannot make the key directory \(directory) private: \(error)")
        }
    }

    /// Creates `path` with `mode` from the start (O_EXCL), so that the key is
    /// never readable by others, not even for a moment.
    static func writeNew(_ path: String, contents: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw AuditError.key("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = fchmod(fd, mode)  // whatever the umask
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw AuditError.key("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A school's Ed25519 public key.
public typealias SchoolPublicKey = Curve25519.Signing.PublicKey

/// Errors of the audit engine that a person can act on.
public enum AuditError: Error, CustomStringConvertible, Sendable, Equatable {
    case key(String)
    case invalid(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .key(let text), .invalid(let text), .notFound(let text): text
        }
    }
}
