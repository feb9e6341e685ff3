import Audit
import Crypto
import EventLog
import Foundation
import LMDB

/// Makes a school's bundle for the district: the events since the school's
/// previous bundle (all of them in the first, or with `full`), a new signed
/// checkpoint, and a consistency proof from the previous bundle's checkpoint.
/// Each bundle made is recorded in the school's environment (`bundle.made`),
/// so that the next one starts where this one ended.
public struct BundleWriter {
    public let log: EventLog
    public let signer: CheckpointSigner

    public init(log: EventLog, signer: CheckpointSigner) {
        self.log = log
        self.signer = signer
    }

    /// `bundle.made`: bundle number (u64 big-endian) → the bundle's header as JSON,
    /// plus the file's SHA-256.
    static let tableName = "bundle.made"

    /// The bundles this school made, in order.
    public func made() throws -> [BundleRecord] {
        guard let table = try? log.environment.database(Self.tableName, create: false) else { return [] }
        return try log.environment.read { txn in
            var out: [BundleRecord] = []
            try txn.forEach(table) { _, value in
                out.append(try DistrictJSON.decode(BundleRecord.self, value))
                return true
            }
            return out
        }
    }

    /// Writes the bundle to `path` (a new file) and records it.
    @discardableResult
    public func write(to path: String, full: Bool = false, time: Timestamp = .now()) throws -> BundleRecord {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BundleError(path, "already exists: give a new file")
        }
        let previous = try made().last
        let head = try log.head()
        guard head > 0 else { throw BundleError(path, "was not made: the log of \(log.school) is empty") }
        if let previous, previous.header.to > head {
            throw BundleError(path, "was not made: the previous bundle (\(previous.header.number)) reached #\(previous.header.to), but the log has only \(head) events")
        }
        let from = full ? 1 : (previous?.header.to ?? 0) + 1
        let previousSize = previous?.header.checkpoint.size ?? 0
        let root = try log.merkleRoot(size: head).root
        let checkpoint = try signer.sign(size: head, root: root, time: time)
        try CheckpointBook(log: log).record(checkpoint)
        var header = BundleHeader(
            school: log.school, number: (previous?.header.number ?? 0) + 1, from: from, to: head,
            previous: previous?.header.checkpoint, checkpoint: checkpoint,
            consistency: try log.consistencyProof(from: previousSize, to: head), madeAt: time.iso)
        header.signature = Data(try signer.sign(document: try header.signedBytes)).base64EncodedString()

        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw BundleError(path, "cannot be created")
        }
        var hasher = SHA256()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            hasher.update(data: buffer)
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        func appendLength(_ n: Int) {
            buffer.append(UInt8(truncatingIfNeeded: n >> 24)); buffer.append(UInt8(truncatingIfNeeded: n >> 16))
            buffer.append(UInt8(truncatingIfNeeded: n >> 8)); buffer.append(UInt8(truncatingIfNeeded: n))
        }
        var fileDigest = ""
        do {
            defer { try? handle.close() }
            buffer += BundleLayout.magic
            let headerBytes = try DistrictJSON.encode(header)
            appendLength(headerBytes.count)
            buffer += headerBytes
            if from <= head {
                try log.scanStored(from: from, through: head) { _, stored in
                    appendLength(stored.count)
                    buffer.append(contentsOf: stored)
                    if buffer.count >= 1 << 20 { try flush() }
                    return true
                }
            }
            try flush()
            var whole = hasher
            let digest = Array(hasher.finalize())
            whole.update(data: digest)
            fileDigest = whole.finalize().map { String(format: "%02x", $0) }.joined()
            try handle.write(contentsOf: digest)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw BundleError(path, "could not be written: \(error)")
        }
        let record = BundleRecord(header: header, sha256: fileDigest)
        let table = try log.environment.database(Self.tableName, create: true)
        try log.environment.write { txn in
            try txn.put(table, key: withUnsafeBytes(of: header.number.bigEndian, Array.init), value: try DistrictJSON.encode(record))
        }
        return record
    }
}

/// A bundle the school made, as it keeps the record of it.
public struct BundleRecord: Codable, Sendable, Equatable {
    public var header: BundleHeader
    /// SHA-256 of the whole file, hex.
    public var sha256: String
}
