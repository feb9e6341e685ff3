import Foundation

/// Anything whose bytes can be lent as a raw buffer without copying: keys and
/// values for the transaction API.
public protocol ContiguousBytesLike {
    func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R
}

extension Array: ContiguousBytesLike where Element == UInt8 {
    @inline(__always)
    public func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytesTyped(self, body)
    }
}

extension ArraySlice: ContiguousBytesLike where Element == UInt8 {
    @inline(__always)
    public func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in Result { () throws(E) in try body(raw) } }
        return try result.get()
    }
}

extension Data: ContiguousBytesLike {
    @inline(__always)
    public func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { raw in Result { () throws(E) in try body(raw) } }
        return try result.get()
    }
}

extension String: ContiguousBytesLike {
    /// The UTF-8 bytes of the string.
    @inline(__always)
    public func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        let result: Result<R, E> = copy.withUTF8 { utf8 in Result { () throws(E) in try body(UnsafeRawBufferPointer(utf8)) } }
        return try result.get()
    }
}

/// A UInt64 key stored big-endian, so that byte order is numeric order.
public struct BigEndianKey: ContiguousBytesLike, Sendable {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }

    @inline(__always)
    public func withRawBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var be = value.bigEndian
        let result: Result<R, E> = withUnsafeBytes(of: &be) { raw in Result { () throws(E) in try body(raw) } }
        return try result.get()
    }

    /// Reads a big-endian UInt64 from the first 8 bytes of `raw`.
    @inline(__always)
    public static func decode(_ raw: UnsafeRawBufferPointer, at offset: Int = 0) -> UInt64 {
        UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

@inline(__always)
private func withUnsafeBytesTyped<R, E: Error>(
    _ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R
) throws(E) -> R {
    let result: Result<R, E> = array.withUnsafeBytes { raw in Result { () throws(E) in try body(raw) } }
    return try result.get()
}
