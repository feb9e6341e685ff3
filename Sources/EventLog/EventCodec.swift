#if canImport(CCryptoBoringSSL)
import CCryptoBoringSSL
#endif
import Crypto
import Foundation

/// The byte layout of a stored event. README.md ("The log format") documents it
/// byte by byte; this is its only implementation. Stored value:
///
///     previous hash (32) ‖ canonical bytes (n) ‖ hash (32)
///     hash = SHA-256(previous hash ‖ canonical bytes)
///
/// so the hash input is the value minus its last 32 bytes, hashed in place.
enum EventCodec {
    static let formatVersion: UInt8 = 1
    /// format, sequence, id, recorded-at, effective date, stream version, schema version.
    static let fixedHeaderSize = 1 + 8 + 16 + 8 + 4 + 8 + 2
    static let lengthFieldCount = 6
    static let maxPayloadBytes = 64 * 1024
    static let maxStringBytes = 255
    static let hashSize = 32

    /// The fields of an event that go into its canonical bytes, as UTF-8 views.
    struct Fields {
        var sequence: UInt64
        var id: UUID
        var recordedAt: Timestamp
        var effectiveDate: CivilDate
        var streamVersion: UInt64
        var schemaVersion: UInt16
        var school: String
        var stream: String
        var type: String
        var actorUser: String
        var actorRole: String
        var payload: [UInt8]

        var canonicalSize: Int {
            EventCodec.fixedHeaderSize + EventCodec.lengthFieldCount * 4
                + school.utf8.count + stream.utf8.count + type.utf8.count
                + actorUser.utf8.count + actorRole.utf8.count + payload.count
        }

        var storedSize: Int { canonicalSize + 2 * EventCodec.hashSize }
    }

    /// Writes the whole stored value into `out` (exactly `fields.storedSize`
    /// bytes) and returns the event's hash.
    static func write(_ f: Fields, previous: Digest32, into out: UnsafeMutableRawBufferPointer) -> Digest32 {
        var w = ByteWriter(out)
        previous.withBytes { w.bytes($0) }
        w.u8(formatVersion)
        w.u64(f.sequence)
        withUnsafeBytes(of: f.id.uuid) { w.bytes($0) }
        w.u64(UInt64(bitPattern: f.recordedAt.microseconds))
        w.u32(UInt32(bitPattern: f.effectiveDate.daysSinceEpoch))
        w.u64(f.streamVersion)
        w.u16(f.schemaVersion)
        w.string(f.school)
        w.string(f.stream)
        w.string(f.type)
        w.string(f.actorUser)
        w.string(f.actorRole)
        w.u32(UInt32(f.payload.count))
        f.payload.withUnsafeBytes { w.bytes($0) }
        let hashed = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<w.position])
        let hash = sha256(hashed)
        hash.withBytes { w.bytes($0) }
        precondition(w.position == out.count, "stored size miscounted")
        return hash
    }

    /// The stored hash of a value, without parsing the rest.
    @inline(__always)
    static func storedHash(_ value: UnsafeRawBufferPointer) -> Digest32 {
        Digest32(bytes: UnsafeRawBufferPointer(rebasing: value[(value.count - hashSize)...]))
    }

    @inline(__always)
    static func storedPreviousHash(_ value: UnsafeRawBufferPointer) -> Digest32 {
        Digest32(bytes: value)
    }

    /// SHA-256 of everything but the stored hash: what the stored hash must equal.
    @inline(__always)
    static func recomputedHash(_ value: UnsafeRawBufferPointer) -> Digest32 {
        sha256(UnsafeRawBufferPointer(rebasing: value[..<(value.count - hashSize)]))
    }

    /// A stored value's fields, read in place: text fields and the payload are
    /// views of the stored bytes, valid while those are.
    struct StoredFields {
        var id: UUID
        var recordedAt: Timestamp
        var effectiveDate: CivilDate
        var streamVersion: UInt64
        var schemaVersion: UInt16
        var school: UnsafeRawBufferPointer
        var stream: UnsafeRawBufferPointer
        var type: UnsafeRawBufferPointer
        var actorUser: UnsafeRawBufferPointer
        var actorRole: UnsafeRawBufferPointer
        var payload: UnsafeRawBufferPointer
    }

    /// Parses a stored value. Throws `malformedEvent` naming `sequence` when the
    /// bytes do not follow the layout.
    static func parse(_ value: UnsafeRawBufferPointer, sequence: UInt64) throws(EventLogError) -> StoredFields {
        var r = ByteReader(value, sequence: sequence)
        guard value.count >= 2 * hashSize + fixedHeaderSize + lengthFieldCount * 4 else {
            throw .malformedEvent(sequence: sequence, reason: "only \(value.count) bytes")
        }
        r.position = hashSize
        let format = try r.u8()
        guard format == formatVersion else {
            throw .malformedEvent(sequence: sequence, reason: "unknown event format \(format)")
        }
        let storedSequence = try r.u64()
        guard storedSequence == sequence else {
            throw .malformedEvent(sequence: sequence, reason: "it says it is #\(storedSequence)")
        }
        let fields = StoredFields(
            id: try r.uuid(),
            recordedAt: Timestamp(microseconds: Int64(bitPattern: try r.u64())),
            effectiveDate: CivilDate(daysSinceEpoch: Int32(bitPattern: try r.u32())),
            streamVersion: try r.u64(),
            schemaVersion: try r.u16(),
            school: try r.rawField(), stream: try r.rawField(), type: try r.rawField(),
            actorUser: try r.rawField(), actorRole: try r.rawField(), payload: try r.rawField())
        guard r.position == value.count - hashSize else {
            throw .malformedEvent(sequence: sequence, reason: "\(value.count - hashSize - r.position) stray bytes")
        }
        return fields
    }

    static func decode(_ value: UnsafeRawBufferPointer, sequence: UInt64) throws(EventLogError) -> RecordedEvent {
        let f = try parse(value, sequence: sequence)
        return RecordedEvent(
            sequence: sequence, id: f.id, school: try text(f.school, of: value, sequence),
            stream: try text(f.stream, of: value, sequence), streamVersion: f.streamVersion, recordedAt: f.recordedAt,
            effectiveDate: f.effectiveDate, actor: try actor(f, of: value, sequence),
            type: try text(f.type, of: value, sequence), schemaVersion: f.schemaVersion,
            payload: Array(f.payload), previousHash: Digest32(bytes: value), hash: storedHash(value))
    }

    /// Only what projectors read, without copying the payload.
    static func envelope(_ value: UnsafeRawBufferPointer, sequence: UInt64) throws(EventLogError) -> EventEnvelope {
        let f = try parse(value, sequence: sequence)
        return EventEnvelope(
            sequence: sequence, recordedAt: f.recordedAt, effectiveDate: f.effectiveDate,
            actor: try actor(f, of: value, sequence), type: try text(f.type, of: value, sequence),
            schemaVersion: f.schemaVersion, payload: f.payload)
    }

    private static func actor(
        _ f: StoredFields, of value: UnsafeRawBufferPointer, _ sequence: UInt64
    ) throws(EventLogError) -> Actor {
        Actor(userID: try text(f.actorUser, of: value, sequence), role: try text(f.actorRole, of: value, sequence))
    }

    /// A text field of the stored `value` as a String; not UTF-8 is a malformed event.
    private static func text(
        _ raw: UnsafeRawBufferPointer, of value: UnsafeRawBufferPointer, _ sequence: UInt64
    ) throws(EventLogError) -> String {
        // Nearly every stored text (ids, types, roles) is ASCII, which is valid
        // UTF-8 as it stands; the generic validating initializer costs a
        // metadata lookup per call, a third of a scan's decoding time.
        if raw.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw, as: UTF8.self) }
        guard let s = String(validating: raw, as: UTF8.self) else {
            let offset = raw.baseAddress.map { $0 - value.baseAddress! } ?? 0
            throw .malformedEvent(sequence: sequence, reason: "a text field is not UTF-8 at byte \(offset)")
        }
        return s
    }

    /// The id stored in a value (for the idempotency check), without a full parse.
    static func storedID(_ value: UnsafeRawBufferPointer) -> UUID? {
        guard value.count >= hashSize + 1 + 8 + 16 else { return nil }
        var tuple: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tuple) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: value[(hashSize + 9)..<(hashSize + 25)])) }
        return UUID(uuid: tuple)
    }
}

/// SHA-256 of `bytes`. The log hashes three small inputs per event, and
/// swift-crypto's `SHA256` allocates a context for each; where its BoringSSL is
/// visible (Linux), its one-shot function hashes on the stack instead, about
/// twice as fast for the log's verify. Same bytes in, same digest out. Public, so
/// that every reader of the log (audit, district) hashes the same way.
@inline(__always)
public func sha256(_ bytes: UnsafeRawBufferPointer) -> Digest32 {
    #if canImport(CCryptoBoringSSL)
    var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
    withUnsafeMutableBytes(of: &out) { digest in
        _ = CCryptoBoringSSL_SHA256(
            bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
            digest.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
    return withUnsafeBytes(of: &out) { Digest32(bytes: $0) }
    #else
    var hasher = SHA256()
    hasher.update(bufferPointer: bytes)
    return hasher.finalize().withUnsafeBytes { Digest32(bytes: $0) }
    #endif
}

struct ByteWriter {
    let out: UnsafeMutableRawBufferPointer
    var position = 0

    init(_ out: UnsafeMutableRawBufferPointer) { self.out = out }

    @inline(__always) mutating func u8(_ v: UInt8) { out[position] = v; position += 1 }
    @inline(__always) mutating func u16(_ v: UInt16) { out.storeBytes(of: v.bigEndian, toByteOffset: position, as: UInt16.self); position += 2 }
    @inline(__always) mutating func u32(_ v: UInt32) { out.storeBytes(of: v.bigEndian, toByteOffset: position, as: UInt32.self); position += 4 }
    @inline(__always) mutating func u64(_ v: UInt64) { out.storeBytes(of: v.bigEndian, toByteOffset: position, as: UInt64.self); position += 8 }
    @inline(__always) mutating func bytes(_ b: UnsafeRawBufferPointer) {
        guard b.count > 0 else { return }
        UnsafeMutableRawBufferPointer(rebasing: out[position..<(position + b.count)]).copyMemory(from: b)
        position += b.count
    }
    @inline(__always) mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes(UnsafeRawBufferPointer(utf8))
        }
    }
}

struct ByteReader {
    let data: UnsafeRawBufferPointer
    let sequence: UInt64
    var position = 0

    init(_ data: UnsafeRawBufferPointer, sequence: UInt64) {
        self.data = data
        self.sequence = sequence
    }

    @inline(__always) private func need(_ n: Int) throws(EventLogError) {
        if position + n > data.count - EventCodec.hashSize {
            throw .malformedEvent(sequence: sequence, reason: "a field runs past the end at byte \(position)")
        }
    }
    @inline(__always) mutating func u8() throws(EventLogError) -> UInt8 { try need(1); defer { position += 1 }; return data[position] }
    @inline(__always) mutating func u16() throws(EventLogError) -> UInt16 { try need(2); defer { position += 2 }; return UInt16(bigEndian: data.loadUnaligned(fromByteOffset: position, as: UInt16.self)) }
    @inline(__always) mutating func u32() throws(EventLogError) -> UInt32 { try need(4); defer { position += 4 }; return UInt32(bigEndian: data.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
    @inline(__always) mutating func u64() throws(EventLogError) -> UInt64 { try need(8); defer { position += 8 }; return UInt64(bigEndian: data.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
    mutating func uuid() throws(EventLogError) -> UUID {
        try need(16)
        var tuple: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tuple) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[position..<(position + 16)])) }
        position += 16
        return UUID(uuid: tuple)
    }
    @inline(__always) mutating func rawField() throws(EventLogError) -> UnsafeRawBufferPointer {
        let n = Int(try u32())
        try need(n)
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: data[position..<(position + n)])
    }
}
