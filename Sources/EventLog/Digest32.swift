import Foundation

/// A 32-byte SHA-256 digest, kept inline (no heap allocation) because the log
/// handles millions of them.
public struct Digest32: Hashable, Sendable, CustomStringConvertible {
    public var a: UInt64, b: UInt64, c: UInt64, d: UInt64

    public static let zero = Digest32(a: 0, b: 0, c: 0, d: 0)

    public init(a: UInt64, b: UInt64, c: UInt64, d: UInt64) {
        self.a = a; self.b = b; self.c = c; self.d = d
    }

    /// Reads 32 bytes in order; `bytes` must hold at least 32.
    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 32)
        a = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        b = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        c = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        d = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    public init?<C: Collection<UInt8>>(_ bytes: C) {
        guard bytes.count == 32 else { return nil }
        let array = Array(bytes)
        self = array.withUnsafeBytes { Digest32(bytes: $0) }
    }

    /// 64 hex digits (either case); anything else, a non-ASCII character
    /// included, is not a digest.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(utf8[pair]), let low = nibble(utf8[pair + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        self.init(out)
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        withBytes { src in out.withUnsafeMutableBytes { $0.copyMemory(from: src) } }
        return out
    }

    /// Calls `body` with the 32 bytes in order, without allocating.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (a.bigEndian, b.bigEndian, c.bigEndian, d.bigEndian)
        return try withUnsafeBytes(of: &words) { try body($0) }
    }

    public var hex: String {
        withBytes { raw in
            var s = ""
            s.reserveCapacity(64)
            for byte in raw {
                s.append(Digest32.hexDigits[Int(byte >> 4)])
                s.append(Digest32.hexDigits[Int(byte & 0x0F)])
            }
            return s
        }
    }

    public var description: String { hex }

    private static let hexDigits = Array("0123456789abcdef")
}
