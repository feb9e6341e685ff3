import Crypto
import EventLog
import Foundation

/// A witness's signed statement "I saw the school's checkpoint of `size` events
/// with root `root`, signed at `checkpointTime`, and it extends every checkpoint
/// of that school I cosigned before". docs/log-format.md ("Witness cosignatures")
/// defines the signed message byte for byte.
///
/// A checkpoint signed by the school alone proves nothing against the school:
/// it holds its key and can re-sign a rewritten log. A cosignature is made with a
/// key the school does not hold, so a log that disagrees with it was rewritten
/// after the witness saw it.
public struct Cosignature: Hashable, Sendable {
    public static let format = "letopis-cosignature-v1"

    /// Who cosigned, as the witness calls itself: "Ромашкинский район".
    public var witness: String
    /// What kind of witness: district, auditor, committee or witness.
    public var kind: String
    /// The witness's raw 32-byte Ed25519 public key.
    public var witnessKey: [UInt8]
    public var school: String
    public var size: UInt64
    public var root: Digest32
    /// The time of the school's checkpoint, as the school signed it.
    public var checkpointTime: Timestamp
    /// When the witness cosigned.
    public var time: Timestamp
    /// Ed25519 over `message`, 64 bytes.
    public var signature: [UInt8]

    public static let kinds = ["district", "auditor", "committee", "witness"]

    /// The signed bytes: eight lines of UTF-8 text, each ending in a line feed.
    public static func message(
        witness: String, kind: String, school: String, size: UInt64, root: Digest32, checkpointTime: Timestamp, time: Timestamp
    ) -> [UInt8] {
        Array("""
            letopis cosignature v1
            witness \(witness)
            kind \(kind)
            school \(school)
            size \(size)
            root \(root.hex)
            checkpoint-time \(checkpointTime.iso)
            time \(time.iso)

            """.utf8)
    }

    public var message: [UInt8] {
        Self.message(witness: witness, kind: kind, school: school, size: size, root: root, checkpointTime: checkpointTime, time: time)
    }

    /// True when `signature` is the signature of `message` by the key the cosignature names.
    public var isSelfConsistent: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: witnessKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    public var witnessKeyBase64: String { Data(witnessKey).base64EncodedString() }

    /// `district "Ромашкинский район" (key 11qY…URo=)`
    public var signer: String { "\(kind) \"\(witness)\" (key \(witnessKeyBase64))" }

    /// Whether the cosignature is of this checkpoint: the same school, tree and time.
    public func isOf(_ checkpoint: SignedCheckpoint) -> Bool {
        checkpoint.school == school && checkpoint.size == size && checkpoint.root == root && checkpoint.time == checkpointTime
    }

    /// A witness's name: 1 to 200 bytes of UTF-8 without control characters (it is a line of the message).
    static func validate(name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              name.trimmingCharacters(in: .whitespaces) == name
        else {
            throw AuditError.invalid("a witness's name is 1 to 200 bytes of text on one line, without leading or trailing spaces: \(name.debugDescription)")
        }
    }

    static func validate(kind: String) throws {
        guard kinds.contains(kind) else {
            throw AuditError.invalid("a witness's kind is one of \(kinds.joined(separator: ", ")), not \(kind.debugDescription)")
        }
    }
}

extension Cosignature: Codable {
    enum CodingKeys: String, CodingKey { case format, witness, kind, witnessKey, school, size, root, checkpointTime, time, signature }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decode(String.self, forKey: .format)
        guard format == Self.format else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "not a \(Self.format): \(format)")
        }
        witness = try c.decode(String.self, forKey: .witness)
        kind = try c.decode(String.self, forKey: .kind)
        do {
            try Self.validate(name: witness)
            try Self.validate(kind: kind)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .witness, in: c, debugDescription: "\(error)")
        }
        guard let key = Data(base64Encoded: try c.decode(String.self, forKey: .witnessKey)), key.count == 32 else {
            throw DecodingError.dataCorruptedError(forKey: .witnessKey, in: c, debugDescription: "not 32 bytes of base64")
        }
        witnessKey = Array(key)
        school = try c.decode(String.self, forKey: .school)
        size = try c.decode(UInt64.self, forKey: .size)
        root = try c.decode(Digest32.self, forKey: .root)
        // Both times are in the message as written, so only the canonical form is accepted.
        func time(_ key: CodingKeys) throws -> Timestamp {
            let text = try c.decode(String.self, forKey: key)
            guard let time = Timestamp(isoUTC: text), time.iso == text else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "time must be written as YYYY-MM-DDTHH:MM:SS.ffffffZ, not \(text)")
            }
            return time
        }
        checkpointTime = try time(.checkpointTime)
        self.time = try time(.time)
        guard let signature = Data(base64Encoded: try c.decode(String.self, forKey: .signature)), signature.count == 64 else {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: c, debugDescription: "not 64 bytes of base64")
        }
        self.signature = Array(signature)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.format, forKey: .format)
        try c.encode(witness, forKey: .witness)
        try c.encode(kind, forKey: .kind)
        try c.encode(witnessKeyBase64, forKey: .witnessKey)
        try c.encode(school, forKey: .school)
        try c.encode(size, forKey: .size)
        try c.encode(root, forKey: .root)
        try c.encode(checkpointTime.iso, forKey: .checkpointTime)
        try c.encode(time.iso, forKey: .time)
        try c.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }

    /// One line of JSON, keys sorted.
    public func json() -> String { AuditJSON.string(self) }

    public static func parse(_ bytes: some Collection<UInt8>) throws -> Cosignature {
        try JSONDecoder().decode(Cosignature.self, from: Data(bytes))
    }

    /// Reads a cosignature file, naming the file in the error.
    public static func read(file path: String) throws -> Cosignature {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditError.notFound("cannot read the cosignature file \(path)")
        }
        do {
            return try parse(data)
        } catch {
            throw AuditError.invalid("\(path) is not a \(format) document: \(error)")
        }
    }
}
