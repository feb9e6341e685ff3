import Catalog

/// Builds, from the schemas alone, a JSON object for each event that sets every
/// field (nested ones too) to a value other than its default, so that a round
/// trip through the generated code exercises every field.
struct SampleEvents {
    let schema: ProtoSchema

    static let shared = Result { SampleEvents(schema: try ProtoSchema.load()) }

    /// The sample message of one kind of event, decoded from the sample JSON.
    func message(_ kind: EventKind) throws -> any CatalogEvent {
        try kind.messageType.init(jsonString: json(kind.name))
    }

    func json(_ eventName: String) throws -> String {
        guard let message = schema.topLevel(eventName) else {
            throw ProtoSchema.ParseError(description: "no message \(eventName) in the schemas")
        }
        var counter = 0
        return try object(message, scope: [message], counter: &counter)
    }

    private func object(
        _ message: ProtoSchema.Message, scope: [ProtoSchema.Message], counter: inout Int
    ) throws -> String {
        var members: [String] = []
        for field in message.fields {
            var values: [String] = []
            for _ in 0..<(field.isRepeated ? 2 : 1) {
                counter += 1
                values.append(try value(of: field, scope: scope, counter: &counter))
            }
            let json = field.isRepeated ? "[\(values.joined(separator: ","))]" : values[0]
            members.append("\"\(field.jsonName)\":\(json)")
        }
        return "{\(members.joined(separator: ","))}"
    }

    private func value(
        of field: ProtoSchema.Field, scope: [ProtoSchema.Message], counter: inout Int
    ) throws -> String {
        switch field.type {
        // Cyrillic on purpose: the data of a Russian school is.
        case "string": return "\"\(field.name)-\(counter)-Ж\""
        case "int32", "int64", "uint32", "uint64": return "\(counter)"
        case "double", "float": return "\(counter).5"
        case "bool": return "true"
        default: break
        }
        for enclosing in scope.reversed() {
            if let nested = enclosing.nested[field.type] {
                return try object(nested, scope: scope + [nested], counter: &counter)
            }
        }
        if let message = schema.topLevel(field.type) {
            return try object(message, scope: [message], counter: &counter)
        }
        if let values = schema.enums[field.type], let last = values.last {
            return "\"\(last)\""
        }
        throw ProtoSchema.ParseError(description: "unknown type \(field.type) of field \(field.name)")
    }
}
