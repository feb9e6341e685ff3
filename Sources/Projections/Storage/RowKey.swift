import Foundation

/// The key of a row: bytes compared as LMDB compares them (memcmp, then
/// length), so an in-memory store and LMDB list rows in the same order.
///
/// Keys are built from parts: text ends with 0x00 (text never holds one), days
/// and sequences are big-endian with the sign flipped, so byte order is date order.
public struct RowKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init() { bytes = [] }

    /// A key of text parts, each ended by 0x00.
    public init(_ parts: String...) {
        bytes = []
        bytes.reserveCapacity(32)
        for part in parts { text(part) }
    }

    @inline(__always)
    public mutating func text(_ value: String) {
        var copy = value
        copy.withUTF8 { bytes.append(contentsOf: $0) }
        bytes.append(0)
    }

    @inline(__always)
    public mutating func day(_ value: Int32) {
        let flipped = UInt32(bitPattern: value) ^ 0x8000_0000
        bytes.append(UInt8(truncatingIfNeeded: flipped >> 24))
        bytes.append(UInt8(truncatingIfNeeded: flipped >> 16))
        bytes.append(UInt8(truncatingIfNeeded: flipped >> 8))
        bytes.append(UInt8(truncatingIfNeeded: flipped))
    }

    @inline(__always)
    public mutating func sequence(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    @inline(__always)
    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public func appending(text value: String) -> RowKey {
        var copy = self
        copy.text(value)
        return copy
    }

    public func appending(day value: Int32) -> RowKey {
        var copy = self
        copy.day(value)
        return copy
    }

    public func hasPrefix(_ prefix: RowKey) -> Bool { bytes.starts(with: prefix.bytes) }

    // Hashing the bytes as one buffer: the default hashes them one by one, and
    // keys are hashed several times for most events of a catch-up.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (a: RowKey, b: RowKey) -> Bool {
        a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { pa in
            b.bytes.withUnsafeBytes { pb in pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
        }
    }

    // MARK: Reading keys back

    /// The parts of a key made only of text parts.
    public var textParts: [String] {
        bytes.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The text part that starts at `offset`, and where the next part starts.
    public func text(at offset: Int) -> (String, Int) {
        var end = offset
        while end < bytes.count && bytes[end] != 0 { end += 1 }
        return (String(decoding: bytes[offset..<end], as: UTF8.self), min(end + 1, bytes.count))
    }

    public func day(at offset: Int) -> Int32 {
        guard offset + 4 <= bytes.count else { return 0 }
        var raw: UInt32 = 0
        for i in 0..<4 { raw = raw << 8 | UInt32(bytes[offset + i]) }
        return Int32(bitPattern: raw ^ 0x8000_0000)
    }

    public func sequence(at offset: Int) -> UInt64 {
        guard offset + 8 <= bytes.count else { return 0 }
        var raw: UInt64 = 0
        for i in 0..<8 { raw = raw << 8 | UInt64(bytes[offset + i]) }
        return raw
    }

    public static func < (a: RowKey, b: RowKey) -> Bool {
        let n = min(a.bytes.count, b.bytes.count)
        let order = a.bytes.withUnsafeBytes { pa in
            b.bytes.withUnsafeBytes { pb in n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n) }
        }
        return order != 0 ? order < 0 : a.bytes.count < b.bytes.count
    }

    public var description: String {
        bytes.map { $0 == 0 ? "|" : ($0 >= 0x20 ? String(UnicodeScalar($0)) : "\\\($0)") }.joined()
    }
}

/// A named table of one projector: an LMDB database `view.<projector>.<name>`
/// in the live store, a dictionary in memory. `index` numbers it among every
/// table of every projector (`ViewTables.all`), for fast lookups of its cache.
public struct Table<Row: RowCodable>: Sendable, Hashable {
    public let name: String
    public let index: Int

    init(_ index: Int, _ name: String) {
        self.index = index
        self.name = name
    }
}
