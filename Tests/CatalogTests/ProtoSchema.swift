import Foundation

/// schemas/*.proto, read just deeply enough for the tests: messages with their
/// fields and nested types, enums with their values. An independent reading of
/// the schemas, so the tests can hold the generated registry against it.
struct ProtoSchema {
    struct Field {
        var name: String
        var type: String
        var isRepeated: Bool

        /// The proto3 JSON name: `grade_id` is `gradeId`.
        var jsonName: String {
            var out = ""
            var upper = false
            for character in name {
                if character == "_" {
                    upper = true
                } else {
                    out += upper ? character.uppercased() : String(character)
                    upper = false
                }
            }
            return out
        }
    }

    struct Message {
        var name: String
        var fields: [Field] = []
        var nested: [String: Message] = [:]
    }

    /// File name to its top-level messages, in the order written.
    var messagesByFile: [String: [Message]] = [:]
    /// Every enum, nested or not, by its short name, to its values in order.
    var enums: [String: [String]] = [:]
    /// A top-level message's name to the `Stream: ...` line of its doc comment,
    /// e.g. `grade/<grade_id>`.
    var documentedStreams: [String: String] = [:]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("schemas")

    static func load() throws -> ProtoSchema {
        var schema = ProtoSchema()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".proto") }
        for name in names {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            var parser = Parser(tokens: tokenize(text))
            schema.messagesByFile[name] = try parser.file(into: &schema.enums)
            schema.documentedStreams.merge(streams(documentedIn: text)) { first, _ in first }
        }
        return schema
    }

    /// The messages the catalog must list as events: the top-level messages of
    /// every file but common.proto, files in name order.
    var eventNames: [String] {
        messagesByFile.keys.sorted().filter { $0 != "common.proto" }
            .flatMap { messagesByFile[$0]!.map(\.name) }
    }

    func topLevel(_ name: String) -> Message? {
        for messages in messagesByFile.values {
            if let found = messages.first(where: { $0.name == name }) { return found }
        }
        return nil
    }

    /// Top-level messages start at column 0; their doc comment is the block of
    /// `//` lines right above.
    static func streams(documentedIn text: String) -> [String: String] {
        var result: [String: String] = [:]
        var stream: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("// Stream: ") {
                stream = String(line.dropFirst("// Stream: ".count).trimmingCharacters(in: ["."]))
            } else if line.hasPrefix("message "), let stream {
                result[String(line.split(separator: " ")[1])] = stream
            }
            if !line.hasPrefix("//") { stream = nil }
        }
        return result
    }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var current = ""
            var inString = false
            for character in code {
                if inString {
                    current.append(character)
                    if character == "\"" { tokens.append(current); current = ""; inString = false }
                } else if character == "\"" {
                    if !current.isEmpty { tokens.append(current) }
                    current = "\""
                    inString = true
                } else if character.isWhitespace || "{};=[],<>".contains(character) {
                    if !current.isEmpty { tokens.append(current); current = "" }
                    if !character.isWhitespace { tokens.append(String(character)) }
                } else {
                    current.append(character)
                }
            }
            if !current.isEmpty { tokens.append(current) }
        }
        return tokens
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    struct Parser {
        var tokens: [String]
        var index = 0

        mutating func next() throws -> String {
            guard index < tokens.count else { throw ParseError(description: "unexpected end of file") }
            defer { index += 1 }
            return tokens[index]
        }

        mutating func expect(_ token: String) throws {
            let found = try next()
            guard found == token else { throw ParseError(description: "expected \(token), found \(found)") }
        }

        mutating func skipStatement() throws {
            while try next() != ";" {}
        }

        mutating func file(into enums: inout [String: [String]]) throws -> [Message] {
            var messages: [Message] = []
            while index < tokens.count {
                switch try next() {
                case "message": messages.append(try message(into: &enums))
                case "enum": try enumeration(into: &enums)
                case "syntax", "package", "import", "option": try skipStatement()
                case let token: throw ParseError(description: "unexpected \(token) at top level")
                }
            }
            return messages
        }

        mutating func message(into enums: inout [String: [String]]) throws -> Message {
            var result = Message(name: try next())
            try expect("{")
            while true {
                let token = try next()
                switch token {
                case "}": return result
                case "message":
                    let inner = try message(into: &enums)
                    result.nested[inner.name] = inner
                case "enum": try enumeration(into: &enums)
                case "reserved", "option": try skipStatement()
                case "oneof", "map", "optional":
                    throw ParseError(description: "\(token) is not used by the catalog; teach the tests first")
                default:
                    let isRepeated = token == "repeated"
                    let type = isRepeated ? try next() : token
                    let name = try next()
                    try skipStatement()
                    result.fields.append(Field(name: name, type: type, isRepeated: isRepeated))
                }
            }
        }

        mutating func enumeration(into enums: inout [String: [String]]) throws {
            let name = try next()
            try expect("{")
            var values: [String] = []
            while true {
                let token = try next()
                switch token {
                case "}": enums[name] = values; return
                case "reserved", "option": try skipStatement()
                default: values.append(token); try skipStatement()
                }
            }
        }
    }
}
