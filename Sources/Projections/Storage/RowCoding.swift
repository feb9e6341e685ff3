import Foundation

/// A row that projectors keep in a table: encoded to compact, deterministic
/// bytes (the same row always gives the same bytes, which the digest relies on).
public protocol RowCodable: Sendable {
    func encode(to writer: inout RowWriter)
    init(from reader: inout RowReader) throws(RowDecodingError)
}

/// A stored row that does not parse: the table was written by another version of
/// its projector (a version bump rebuilds it) or the store is damaged.
public struct RowDecodingError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "a stored view row does not parse: \(reason); run `letopis rebuild`" }
}

/// Appends values as varints and length-prefixed UTF-8. No field tags: a row's
/// layout is fixed by its projector's version, so nothing else is needed.
public struct RowWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    /// Empties the writer, keeping its buffer for the next row.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    public mutating func uint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Zig-zag, so that small negative numbers stay short.
    @inline(__always)
    public mutating func int(_ value: Int64) { uint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    @inline(__always)
    public mutating func int(_ value: Int32) { int(Int64(value)) }

    @inline(__always)
    public mutating func int(_ value: Int) { int(Int64(value)) }

    @inline(__always)
    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func string(_ value: String) {
        var copy = value
        copy.withUTF8 { utf8 in
            uint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func strings(_ values: [String]) {
        uint(UInt64(values.count))
        for value in values { string(value) }
    }

    public mutating func rows<R: RowCodable>(_ values: [R]) {
        uint(UInt64(values.count))
        for value in values { value.encode(to: &self) }
    }

    public mutating func optionalDay(_ value: Int32?) {
        if let value { int(Int64(value) + 1) } else { int(Int64(0)) }
    }
}

/// Reads what `RowWriter` wrote, straight from a buffer (an LMDB value or an
/// array), so that a row is decoded without copying its bytes first.
public struct RowReader {
    let base: UnsafeRawBufferPointer
    var offset = 0

    public init(_ base: UnsafeRawBufferPointer) { self.base = base }

    @inline(__always)
    public mutating func uint() throws(RowDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < base.count, shift < 64 else { throw RowDecodingError("truncated varint") }
            let byte = base[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    public mutating func int64() throws(RowDecodingError) -> Int64 {
        let raw = try uint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inline(__always)
    public mutating func int32() throws(RowDecodingError) -> Int32 { Int32(truncatingIfNeeded: try int64()) }

    @inline(__always)
    public mutating func int() throws(RowDecodingError) -> Int { Int(try int64()) }

    @inline(__always)
    public mutating func bool() throws(RowDecodingError) -> Bool {
        guard offset < base.count else { throw RowDecodingError("truncated bool") }
        defer { offset += 1 }
        return base[offset] != 0
    }

    public mutating func string() throws(RowDecodingError) -> String {
        let count = Int(try uint())
        guard count >= 0, offset + count <= base.count else { throw RowDecodingError("truncated string") }
        defer { offset += count }
        if count == 0 { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[offset..<(offset + count)]), as: UTF8.self)
    }

    public mutating func strings() throws(RowDecodingError) -> [String] {
        let count = Int(try uint())
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try string()) }
        return out
    }

    public mutating func rows<R: RowCodable>(_ type: R.Type = R.self) throws(RowDecodingError) -> [R] {
        let count = Int(try uint())
        var out: [R] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try R(from: &self)) }
        return out
    }

    public mutating func optionalDay() throws(RowDecodingError) -> Int32? {
        let raw = try int64()
        return raw == 0 ? nil : Int32(truncatingIfNeeded: raw - 1)
    }
}

extension RowCodable {
    /// The row's stored bytes.
    public func encoded() -> [UInt8] {
        var writer = RowWriter()
        encode(to: &writer)
        return writer.bytes
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(RowDecodingError) -> Self {
        var reader = RowReader(bytes)
        return try Self(from: &reader)
    }
}

/// A row that is only a key (sets and indexes): stores no bytes.
public struct EmptyRow: RowCodable, Hashable {
    public init() {}
    public func encode(to writer: inout RowWriter) {}
    public init(from reader: inout RowReader) throws(RowDecodingError) {}
}
