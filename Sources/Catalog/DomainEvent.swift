import EventLog
import Foundation
import SwiftProtobuf

extension DomainEvent {
    /// The envelope's type, e.g. `GradeRecorded`.
    public var eventType: String { kind.rawValue }

    public var schemaVersion: UInt16 { kind.schemaVersion }

    /// The stream the event belongs to, derived from its payload.
    public var stream: String { message.stream }

    /// The deterministic protobuf binary encoding the log stores.
    public func payload() -> [UInt8] { message.payload() }

    /// The payload in the protobuf JSON mapping (lowerCamelCase field names,
    /// enum values by name, fields at their default value left out), as
    /// `letopis export` writes it, one event per line.
    public func jsonPayload() -> String {
        do {
            return try message.jsonString()
        } catch {
            // JSON encoding fails only for well-known types (Any, Timestamp,
            // Duration) out of range; the catalog uses none.
            preconditionFailure("\(eventType) failed to encode as JSON: \(error)")
        }
    }

    /// The envelope for appending this event to the log.
    public func proposed(
        id: UUID = UUID(),
        effectiveDate: CivilDate,
        actor: Actor,
        recordedAt: Timestamp? = nil
    ) -> ProposedEvent {
        message.proposed(id: id, effectiveDate: effectiveDate, actor: actor, recordedAt: recordedAt)
    }

    /// One event's payload into its message; the generated initializer calls
    /// it with the message type its switch picked.
    @inline(__always)
    static func decode<Event: CatalogEvent>(
        schemaVersion: UInt16, payload: some Collection<UInt8>
    ) throws(CatalogError) -> Event {
        guard schemaVersion == Event.schemaVersion else {
            throw .unsupportedSchemaVersion(
                type: Event.eventType, version: schemaVersion, supported: Event.schemaVersion,
                sequence: nil)
        }
        do {
            // The log hands out arrays; reading them in place saves a copy.
            if let event = try payload.withContiguousStorageIfAvailable({ buffer in
                try Event(serializedBytes: RawSpan(_unsafeElements: buffer))
            }) {
                return event
            }
            return try Event(serializedBytes: Array(payload))
        } catch {
            throw .malformedPayload(type: Event.eventType, reason: "\(error)", sequence: nil)
        }
    }
}

extension RecordedEvent {
    /// The event's payload as its catalog message. Errors name the event's
    /// sequence in the log.
    public func decoded() throws(CatalogError) -> DomainEvent {
        do {
            return try DomainEvent(type: type, schemaVersion: schemaVersion, payload: payload)
        } catch {
            throw error.at(sequence: sequence)
        }
    }
}

extension EventEnvelope {
    /// The event's payload as its catalog message, decoded in place. Errors name
    /// the event's sequence in the log.
    public func decoded() throws(CatalogError) -> DomainEvent {
        do {
            let bytes = UnsafeBufferPointer(start: payload.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                            count: payload.count)
            return try DomainEvent(type: type, schemaVersion: schemaVersion, payload: bytes)
        } catch {
            throw error.at(sequence: sequence)
        }
    }
}
