import EventLog
import Foundation

/// The envelope fields of a stored event read in place, without copying or
/// decoding (docs/log-format.md, "One event"): scans of the whole log look at
/// the stream, type, actor and recorded-at of every event and decode the few
/// they need. Valid only while the buffer it was made from is.
struct StoredEnvelope {
    let bytes: UnsafeRawBufferPointer
    let stream: UnsafeRawBufferPointer
    let type: UnsafeRawBufferPointer
    let user: UnsafeRawBufferPointer
    let role: UnsafeRawBufferPointer
    let payload: UnsafeRawBufferPointer

    static let recordedAtOffset = 32 + 1 + 8 + 16
    static let effectiveOffset = recordedAtOffset + 8
    static let schoolOffset = effectiveOffset + 4 + 8 + 2

    /// Nil when the bytes do not follow the layout (verification names those).
    init?(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        var position = Self.schoolOffset
        let end = bytes.count - 32
        func field() -> UnsafeRawBufferPointer? {
            guard position + 4 <= end else { return nil }
            let n = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            guard position + 4 + n <= end else { return nil }
            defer { position += 4 + n }
            return UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 4 + n)])
        }
        guard end > Self.schoolOffset, field() != nil, let stream = field(), let type = field(), let user = field(),
              let role = field(), let payload = field() else { return nil }
        self.stream = stream
        self.type = type
        self.user = user
        self.role = role
        self.payload = payload
    }

    var recordedAt: Timestamp {
        Timestamp(microseconds: Int64(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.recordedAtOffset, as: UInt64.self))))
    }

    var effectiveDay: Int32 {
        Int32(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.effectiveOffset, as: UInt32.self)))
    }

    var streamName: String { String(decoding: stream, as: UTF8.self) }
    var typeName: String { String(decoding: type, as: UTF8.self) }
    var userID: String { String(decoding: user, as: UTF8.self) }
}

extension UnsafeRawBufferPointer {
    /// Byte-wise prefix test without making a String.
    @inline(__always)
    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        guard count >= prefix.count else { return false }
        return prefix.withUnsafeBytes { p in p.count == 0 || memcmp(baseAddress!, p.baseAddress!, p.count) == 0 }
    }

    @inline(__always)
    func equals(_ other: [UInt8]) -> Bool { count == other.count && hasPrefix(other) }
}

/// The few protobuf fields the audit reads without decoding a whole message:
/// the first length-delimited field with a given number, at the top level.
enum ProtoPeek {
    static func bytes(field number: Int, in message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var found: UnsafeRawBufferPointer?
        visit(message) { field, bytes in
            if field == number { found = bytes }
            return found == nil
        }
        return found
    }

    /// True when a top-level length-delimited field of `message` holds exactly `value`.
    static func hasField(equalTo value: [UInt8], in message: UnsafeRawBufferPointer) -> Bool {
        var found = false
        visit(message) { _, field in
            if field.equals(value) { found = true }
            return !found
        }
        return found
    }

    /// Calls `body` with each top-level length-delimited field (number, bytes)
    /// until it returns false; stops quietly at malformed bytes.
    static func visit(_ message: UnsafeRawBufferPointer, _ body: (Int, UnsafeRawBufferPointer) -> Bool) {
        var i = 0
        func varint() -> UInt64? {
            var result: UInt64 = 0, shift: UInt64 = 0
            while i < message.count, shift < 64 {
                let byte = message[i]
                i += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }
        while i < message.count {
            guard let key = varint() else { return }
            switch key & 7 {
            case 0: guard varint() != nil else { return }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let n = varint(), i + Int(n) <= message.count else { return }
                guard body(Int(key >> 3), UnsafeRawBufferPointer(rebasing: message[i..<(i + Int(n))])) else { return }
                i += Int(n)
            default: return
            }
        }
    }

    static func string(field number: Int, in message: UnsafeRawBufferPointer) -> String? {
        bytes(field: number, in: message).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Byte strings the scans compare envelopes with.
enum Wire {
    static let gradePrefix = Array("grade/".utf8)
    static let finalPrefix = Array("final/".utf8)
    static let lessonPrefix = Array("lesson/".utf8)
    static let gradeRecorded = Array("GradeRecorded".utf8)
    static let gradeCorrected = Array("GradeCorrected".utf8)
    static let gradeVoided = Array("GradeVoided".utf8)
    static let finalGradeSet = Array("FinalGradeSet".utf8)
    static let finalGradeCorrected = Array("FinalGradeCorrected".utf8)
    static let periodClosed = Array("PeriodClosed".utf8)
    static let backupMade = Array("BackupMade".utf8)
}
