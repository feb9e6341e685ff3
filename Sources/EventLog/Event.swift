import Foundation

/// Who did something: a user of the school and the role they acted in.
public struct Actor: Hashable, Sendable, Codable {
    public var userID: String
    public var role: String

    public init(userID: String, role: String) {
        self.userID = userID
        self.role = role
    }
}

/// An event as a caller proposes it; the log assigns sequence, stream version,
/// hashes and (unless given) the recorded-at time.
public struct ProposedEvent: Sendable, Hashable {
    /// Makes retries idempotent: the same id with the same content is written once.
    public var id: UUID
    public var stream: String
    public var type: String
    public var schemaVersion: UInt16
    /// The business date the event is about (the lesson date for a grade).
    public var effectiveDate: CivilDate
    public var actor: Actor
    public var payload: [UInt8]
    /// The server clock when nil. Generators of past school years set it.
    public var recordedAt: Timestamp?

    public init(
        id: UUID = UUID(),
        stream: String,
        type: String,
        schemaVersion: UInt16 = 1,
        effectiveDate: CivilDate,
        actor: Actor,
        payload: [UInt8],
        recordedAt: Timestamp? = nil
    ) {
        self.id = id
        self.stream = stream
        self.type = type
        self.schemaVersion = schemaVersion
        self.effectiveDate = effectiveDate
        self.actor = actor
        self.payload = payload
        self.recordedAt = recordedAt
    }
}

/// An event as it stands in the log.
public struct RecordedEvent: Sendable, Hashable {
    public var sequence: UInt64
    public var id: UUID
    public var school: String
    public var stream: String
    public var streamVersion: UInt64
    public var recordedAt: Timestamp
    public var effectiveDate: CivilDate
    public var actor: Actor
    public var type: String
    public var schemaVersion: UInt16
    public var payload: [UInt8]
    public var previousHash: Digest32
    public var hash: Digest32

    public init(
        sequence: UInt64, id: UUID, school: String, stream: String, streamVersion: UInt64,
        recordedAt: Timestamp, effectiveDate: CivilDate, actor: Actor, type: String,
        schemaVersion: UInt16, payload: [UInt8], previousHash: Digest32, hash: Digest32
    ) {
        self.sequence = sequence
        self.id = id
        self.school = school
        self.stream = stream
        self.streamVersion = streamVersion
        self.recordedAt = recordedAt
        self.effectiveDate = effectiveDate
        self.actor = actor
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// What projectors read of an event, read in place from the log: no copy of
/// the payload, and none of the text fields a view never needs.
///
/// `payload` points into the log's memory map and is valid only during the
/// `EventLog.scanEnvelopes` call that handed out the envelope.
public struct EventEnvelope {
    public let sequence: UInt64
    public let recordedAt: Timestamp
    public let effectiveDate: CivilDate
    public let actor: Actor
    public let type: String
    public let schemaVersion: UInt16
    public let payload: UnsafeRawBufferPointer
}
