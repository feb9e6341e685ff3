import Crypto
import EventLog
import Foundation

/// A school's signed statement "the first `size` events of my log have the
/// Merkle root `root`", made at `time`. docs/log-format.md ("Checkpoints")
/// defines the signed message byte for byte; anyone holding the school's public
/// key can check it, and any later rewrite of those events changes the root.
public struct SignedCheckpoint: Hashable, Sendable {
    public static let format = "letopis-checkpoint-v1"

    public var school: String
    public var size: UInt64
    public var root: Digest32
    public var time: Timestamp
    /// Ed25519 over `message`, 64 bytes.
    public var signature: [UInt8]
    /// The signer's raw 32-byte public key, so that a reader knows which key to
    /// compare with the one the school published; never a reason to trust it.
    public var publicKey: [UInt8]

    public init(school: String, size: UInt64, root: Digest32, time: Timestamp, signature: [UInt8], publicKey: [UInt8]) {
        self.school = school
        self.size = size
        self.root = root
        self.time = time
        self.signature = signature
        self.publicKey = publicKey
    }

    /// The signed bytes: five lines of ASCII text, each ending in a line feed.
    public static func message(school: String, size: UInt64, root: Digest32, time: Timestamp) -> [UInt8] {
        Array("letopis checkpoint v1\nschool \(school)\nsize \(size)\nroot \(root.hex)\ntime \(time.iso)\n".utf8)
    }

    public var message: [UInt8] { Self.message(school: school, size: size, root: root, time: time) }

    /// True when `signature` is `key`'s signature of `message`.
    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        key.isValidSignature(signature, for: message)
    }

    /// True when the signature checks against the key the checkpoint names
    /// (which says only that it is self-consistent: compare the key too).
    public var isSelfConsistent: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return isSigned(by: key)
    }

    /// The key as base64 of its raw bytes, as `letopis key export` prints it.
    public var publicKeyBase64: String { Data(publicKey).base64EncodedString() }
}

extension SignedCheckpoint: Codable {
    enum CodingKeys: String, CodingKey { case format, school, size, root, time, signature, publicKey }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Self.format else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "not a \(Self.format): \(format)")
        }
        school = try c.decode(String.self, forKey: .school)
        size = try c.decode(UInt64.self, forKey: .size)
        root = try c.decode(Digest32.self, forKey: .root)
        let timeText = try c.decode(String.self, forKey: .time)
        // The message holds the time as written, so only the canonical form is accepted.
        guard let time = Timestamp(isoUTC: timeText), time.iso == timeText else {
            throw DecodingError.dataCorruptedError(
                forKey: .time, in: c, debugDescription: "time must be written as YYYY-MM-DDTHH:MM:SS.ffffffZ, not \(timeText)")
        }
        self.time = time
        guard let signature = Data(base64Encoded: try c.decode(String.self, forKey: .signature)), signature.count == 64 else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: c, debugDescription: "not 64 bytes of base64")
        }
        self.signature = Array(signature)
        guard let key = Data(base64Encoded: try c.decode(String.self, forKey: .publicKey)), key.count == 32 else {
            throw DecodingError.dataCorruptedError(forKey: .publicKey, in: c, debugDescription: "not 32 bytes of base64")
        }
        publicKey = Array(key)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.format, forKey: .format)
        try c.encode(school, forKey: .school)
        try c.encode(size, forKey: .size)
        try c.encode(root, forKey: .root)
        try c.encode(time.iso, forKey: .time)
        try c.encode(Data(signature).base64EncodedString(), forKey: .signature)
        try c.encode(publicKeyBase64, forKey: .publicKey)
    }

    /// One line of JSON, keys sorted: how checkpoints are stored and exported.
    public func json() -> String {
        String(decoding: AuditJSON.encode(self), as: UTF8.self)
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws -> SignedCheckpoint {
        try JSONDecoder().decode(SignedCheckpoint.self, from: Data(bytes))
    }
}

/// Signs checkpoints with a school's private key.
public struct CheckpointSigner: @unchecked Sendable {
    // @unchecked: the key is an immutable value once loaded.
    public let school: String
    let key: Curve25519.Signing.PrivateKey

    init(school: String, key: Curve25519.Signing.PrivateKey) {
        self.school = school
        self.key = key
    }

    /// A signer with a new random key that is kept nowhere: for benchmarks and
    /// tests. A school's own key comes from `SchoolKeys`.
    public init(throwawayFor school: String) {
        self.init(school: school, key: Curve25519.Signing.PrivateKey())
    }

    public var publicKey: Curve25519.Signing.PublicKey { key.publicKey }

    /// Signs another document of the school's (a bundle's header). `message`
    /// must begin with a line naming what it is, so that no signature of one
    /// kind of document can pass for one of another.
    public func sign(document message: [UInt8]) throws -> [UInt8] {
        precondition(message.contains(0x0A), "a document to sign starts with a line naming its kind")
        return Array(try key.signature(for: message))
    }

    public func sign(size: UInt64, root: Digest32, time: Timestamp) throws -> SignedCheckpoint {
        let message = SignedCheckpoint.message(school: school, size: size, root: root, time: time)
        let signature = try key.signature(for: message)
        return SignedCheckpoint(school: school, size: size, root: root, time: time, signature: Array(signature),
                                publicKey: Array(key.publicKey.rawRepresentation))
    }
}

/// JSON as the audit engine writes it: keys sorted, slashes unescaped.
enum AuditJSON {
    static func encode(_ value: some Encodable, pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            // The audit's documents hold strings and numbers only.
            preconditionFailure("encoding \(type(of: value)) failed: \(error)")
        }
    }

    static func string(_ value: some Encodable, pretty: Bool = false) -> String {
        String(decoding: encode(value, pretty: pretty), as: UTF8.self)
    }
}
