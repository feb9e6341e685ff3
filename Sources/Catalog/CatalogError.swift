/// Why an envelope's payload could not be turned into an event of the catalog.
/// Each case names the event's type and, once known, its sequence in the log.
public enum CatalogError: Error, Hashable, Sendable {
    /// The catalog has no event of this type: the log was written by a newer
    /// Letopis, or the type was misspelt when the event was proposed.
    case unknownType(String, sequence: UInt64?)
    /// The catalog knows the type, but in another schema version.
    case unsupportedSchemaVersion(type: String, version: UInt16, supported: UInt16, sequence: UInt64?)
    /// The payload is not a protobuf encoding of the type's message.
    case malformedPayload(type: String, reason: String, sequence: UInt64?)

    /// The envelope's type of the event that failed.
    public var type: String {
        switch self {
        case .unknownType(let type, _),
             .unsupportedSchemaVersion(let type, _, _, _),
             .malformedPayload(let type, _, _):
            type
        }
    }

    /// The event's sequence in the log, when it came from one.
    public var sequence: UInt64? {
        switch self {
        case .unknownType(_, let sequence),
             .unsupportedSchemaVersion(_, _, _, let sequence),
             .malformedPayload(_, _, let sequence):
            sequence
        }
    }

    /// The same error, naming the event's place in the log.
    public func at(sequence: UInt64) -> CatalogError {
        switch self {
        case .unknownType(let type, _):
            .unknownType(type, sequence: sequence)
        case .unsupportedSchemaVersion(let type, let version, let supported, _):
            .unsupportedSchemaVersion(type: type, version: version, supported: supported, sequence: sequence)
        case .malformedPayload(let type, let reason, _):
            .malformedPayload(type: type, reason: reason, sequence: sequence)
        }
    }
}

extension CatalogError: CustomStringConvertible {
    public var description: String {
        let event = sequence.map { "event \($0) of type \(type)" } ?? "event of type \(type)"
        switch self {
        case .unknownType:
            return "\(event): the catalog has no such type; the log may come from a newer Letopis"
        case .unsupportedSchemaVersion(_, let version, let supported, _):
            return "\(event): schema version \(version) is not supported (this Letopis reads version \(supported))"
        case .malformedPayload(_, let reason, _):
            return "\(event): the payload is not a valid \(type) message (\(reason))"
        }
    }
}
