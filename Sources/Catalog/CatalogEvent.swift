import EventLog
import Foundation
import SwiftProtobuf

/// A message of the catalog that is an event: what the envelope's type, schema
/// version and stream are for it. The conformances are generated
/// (Generated/CatalogRegistry.swift) except `stream`, which EventStreams.swift
/// spells out by hand.
public protocol CatalogEvent: SwiftProtobuf.Message, Sendable {
    /// The envelope's type: the message name, e.g. `GradeRecorded`.
    static var eventType: String { get }
    /// Starts at 1 and grows only with a change of meaning, never for an
    /// added field.
    static var schemaVersion: UInt16 { get }
    /// The stream the event belongs to, derived from its payload.
    var stream: String { get }
    /// The event wrapped in its `DomainEvent` case, e.g. for applying it to
    /// state without decoding its payload again.
    var domainEvent: DomainEvent { get }
}

extension CatalogEvent {
    /// The protobuf binary encoding the log stores. Deterministic, so the same
    /// message always gives the same bytes and so the same hash.
    public func payload() -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        do {
            // `partial` skips the required-fields check: proto3 has none.
            return try serializedBytes(partial: true, options: options)
        } catch {
            // Binary encoding fails only for missing required fields.
            preconditionFailure("\(Self.eventType) failed to encode: \(error)")
        }
    }

    /// The envelope for appending this event to the log.
    public func proposed(
        id: UUID = UUID(),
        effectiveDate: CivilDate,
        actor: Actor,
        recordedAt: Timestamp? = nil
    ) -> ProposedEvent {
        ProposedEvent(
            id: id,
            stream: stream,
            type: Self.eventType,
            schemaVersion: Self.schemaVersion,
            effectiveDate: effectiveDate,
            actor: actor,
            payload: payload(),
            recordedAt: recordedAt
        )
    }
}
