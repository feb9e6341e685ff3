import Foundation

/// Why the log refused or could not do something. Each case says which record
/// and which rule; the log is unchanged whenever one of these is thrown by an append.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream is not at the version the caller expected.
    case conflict(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// The log grew past the head the caller expected.
    case headMoved(expected: UInt64, actual: UInt64)
    /// An event id already in the log, with other content.
    case duplicateID(id: UUID, existingSequence: UInt64)
    /// Some of a batch's ids are in the log and some are not: a batch is retried whole.
    case partialRetry(id: UUID, existingSequence: UInt64)
    /// The same id twice in one batch.
    case repeatedIDInBatch(id: UUID)
    case emptyBatch
    case emptyEvent(id: UUID, field: String)
    case oversizedEvent(id: UUID, field: String, size: Int, limit: Int)
    case invalidField(id: UUID, field: String, reason: String)
    /// A stored event does not parse (the store is damaged).
    case malformedEvent(sequence: UInt64, reason: String)
    /// A sequence below the head has no event (the store is damaged).
    case missingEvent(sequence: UInt64)
    case notAStore(path: String, reason: String)
    /// The system refuses the running user a look at (or into) `path`.
    case permissionDenied(path: String)
    case newerFormat(path: String, found: Int, supported: Int)
    case schoolMismatch(path: String, expected: String, found: String)
    case alreadyExists(path: String)
    case invalidSchoolID(String)
    case closed
    /// An error of the storage underneath, with what was being done.
    case storage(operation: String, underlying: String)

    public var description: String {
        switch self {
        case let .conflict(stream, expected, actual):
            return "conflict on stream \(stream): expected \(expected), but it is at version \(actual); "
                + "re-read the stream and retry"
        case let .headMoved(expected, actual):
            return "the log moved on: expected its last event to be #\(expected), but it is #\(actual); "
                + "catch up and retry"
        case let .duplicateID(id, seq):
            return "event id \(id) is already in the log as #\(seq) with other content; "
                + "an id may be reused only for a retry of the very same event"
        case let .partialRetry(id, seq):
            return "event id \(id) is already in the log as #\(seq) but other events of the batch are not; "
                + "a batch is retried whole, never in part"
        case let .repeatedIDInBatch(id):
            return "event id \(id) appears twice in one batch"
        case .emptyBatch:
            return "nothing to append: the batch has no events"
        case let .emptyEvent(id, field):
            return "event \(id) has an empty \(field)"
        case let .oversizedEvent(id, field, size, limit):
            return "event \(id): \(field) is \(size) bytes, over the limit of \(limit)"
        case let .invalidField(id, field, reason):
            return "event \(id): \(field) \(reason)"
        case let .malformedEvent(seq, reason):
            return "event #\(seq) in the store does not parse: \(reason)"
        case let .missingEvent(seq):
            return "event #\(seq) is missing from the log (its sequence has a gap): the store is damaged; "
                + "check it with letopis verify and restore it from a backup"
        case let .notAStore(path, reason):
            return "\(path) is not a Letopis store: \(reason)"
        case let .permissionDenied(path):
            return "\(path): permission denied; run letopis as a user who may read the store, or give this one access"
        case let .newerFormat(path, found, supported):
            return "\(path) has format \(found), newer than this program reads (\(supported)); use a newer letopis"
        case let .schoolMismatch(path, expected, found):
            return "\(path) holds the log of school \(found), not \(expected)"
        case let .alreadyExists(path):
            return "\(path) already exists; choose another place or open it instead"
        case let .invalidSchoolID(id):
            return "school id \"\(id)\" is not valid: use 1–64 Latin letters, digits, '-', '_' or '.'"
        case .closed:
            return "the log is closed"
        case let .storage(operation, underlying):
            return "storage failed while \(operation): \(underlying)"
        }
    }
}

/// What the caller believes the stream's version is before its append.
public enum ExpectedVersion: Equatable, Hashable, Sendable, CustomStringConvertible {
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be at exactly this version (its number of events).
    case exact(UInt64)

    public var description: String {
        switch self {
        case .any: return "any version"
        case .noStream: return "no stream yet"
        case let .exact(v): return "version \(v)"
        }
    }
}
