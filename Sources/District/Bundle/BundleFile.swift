import Crypto
import EventLog
import Foundation

/// A bundle file read into memory (mapped, not copied): its header and where
/// each stored event lies. Only the layout is checked here; what the events
/// and the checkpoint say is the importer's business.
///
///     "letopis-bundle-v1\n"
///     u32 n ‖ header: n bytes of JSON (`BundleHeader`)
///     for each event from … to: u32 n ‖ the stored event (n bytes, as in log.events)
///     SHA-256 of every byte before it (32 bytes)
public struct BundleFile {
    public let path: String
    public let header: BundleHeader
    let data: Data
    /// The byte ranges of the stored events, in sequence order.
    let ranges: [Range<Int>]
    /// The file's last 32 bytes, and the SHA-256 of the bytes before them.
    let statedDigest: Digest32
    let digestEnd: Int

    public init(path: String) throws(BundleError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw BundleError(path, "cannot be read: \(error.localizedDescription)")
        }
        try self.init(data: data, path: path)
    }

    /// Reads a bundle's bytes; `path` only names it in errors.
    public init(data: Data, path: String) throws(BundleError) {
        self.path = path
        self.data = data
        let count = data.count
        var offset = 0
        func u32() throws(BundleError) -> Int {
            guard offset + 4 <= count else { throw BundleError(path, "ends early, at byte \(offset)") }
            let at = offset
            let value = data.withUnsafeBytes { raw -> Int in
                Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            }
            offset += 4
            return value
        }
        guard count >= BundleLayout.magic.count + 4 + 32, data.prefix(BundleLayout.magic.count).elementsEqual(BundleLayout.magic) else {
            throw BundleError(path, "is not a Letopis bundle (it does not start with \"letopis-bundle-v1\")")
        }
        offset = BundleLayout.magic.count
        let headerLength = try u32()
        guard headerLength <= BundleLayout.maxHeader, offset + headerLength <= count else {
            throw BundleError(path, "its header length (\(headerLength) bytes) does not fit the file")
        }
        do {
            header = try DistrictJSON.decode(BundleHeader.self, data[offset..<(offset + headerLength)])
        } catch {
            throw BundleError(path, "its header is not a \(BundleHeader.format) header: \(error)")
        }
        offset += headerLength
        guard header.format == BundleHeader.format else { throw BundleError(path, "has format \(header.format), not \(BundleHeader.format)") }
        guard header.from >= 1, header.to < UInt64.max, header.from <= header.to + 1 else {
            throw BundleError(path, "its header names events #\(header.from)…#\(header.to)")
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(Int(min(header.eventCount, 10_000_000)))
        for k in 0..<header.eventCount {
            let length = try u32()
            guard length <= BundleLayout.maxEvent, offset + length <= count - 32 else {
                throw BundleError(path, "event #\(header.from + k) (\(length) bytes) does not fit the file: it was cut short or changed")
            }
            ranges.append(offset..<(offset + length))
            offset += length
        }
        guard offset + 32 == count else {
            throw BundleError(path, "has \(count - offset - 32) unexpected bytes after its last event")
        }
        self.ranges = ranges
        digestEnd = offset
        statedDigest = data.withUnsafeBytes { Digest32(bytes: UnsafeRawBufferPointer(rebasing: $0[offset..<count])) }
    }

    /// Visits the stored events in order; the buffer is valid only during the call.
    public func forEachEvent(_ body: (UInt64, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try data.withUnsafeBytes { raw in
            for (k, range) in ranges.enumerated() {
                try body(header.from + UInt64(k), UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        }
    }

    /// Whether the file's last 32 bytes are the SHA-256 of the rest, and the
    /// SHA-256 of the whole file (hex, how the district names it), in one pass.
    func digests() -> (matches: Bool, file: String) {
        data.withUnsafeBytes { raw in
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<digestEnd]))
            let body = hasher
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[digestEnd...]))
            let whole = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            return (Digest32(Array(body.finalize())) == statedDigest, whole)
        }
    }

    public var fileDigest: String { digests().file }
}

/// A bundle file that cannot be read as one: which file, what is wrong.
public struct BundleError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "the bundle \(path) \(reason)" }
}
