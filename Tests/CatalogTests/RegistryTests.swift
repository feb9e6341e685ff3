import Catalog
import Foundation
import Testing

@Suite struct RegistryTests {
    @Test func registryListsExactlyTheEventsOfTheSchemas() throws {
        let schema = try ProtoSchema.load()
        #expect(EventKind.allCases.map(\.name) == schema.eventNames)
        #expect(Set(schema.messagesByFile.keys) == [
            "common.proto", "institution.proto", "structure.proto", "people.proto",
            "personal_data.proto", "access.proto", "journal.proto", "diary.proto",
            "operations.proto",
        ])
    }

    /// docs/log-format.md, "The payload": the table of which file holds the message
    /// of each event type is the schemas' own, every type in its file.
    @Test func theLogFormatsTableOfPayloadMessagesIsTheSchemas() throws {
        let schema = try ProtoSchema.load()
        let page = ProtoSchema.directory.deletingLastPathComponent().appendingPathComponent("docs/log-format.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        var documented: [String: [String]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `schemas/") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let file = String(cells[0].dropFirst("`schemas/".count).dropLast())
            #expect(documented[file] == nil, "\(file) twice in the table")
            documented[file] = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
        }
        var expected = schema.messagesByFile.mapValues { $0.map(\.name) }
        expected["common.proto"] = nil
        #expect(documented == expected)
    }

    @Test(arguments: EventKind.allCases)
    func messageTypeMatchesKind(_ kind: EventKind) {
        #expect(kind.messageType.eventType == kind.name)
        // Unprefixed Swift names, and the proto package of every schema.
        #expect(kind.messageType.protoMessageName == "letopis.\(kind.name)")
        #expect(EventKind(name: kind.name) == kind)
        #expect(kind.schemaVersion == 1)
    }

    @Test func lookupByNameIsExact() {
        #expect(EventKind(name: "gradeRecorded") == nil)
        #expect(EventKind(name: "GradeRecorded ") == nil)
        #expect(EventKind(name: "") == nil)
    }

    @Test(arguments: EventKind.allCases)
    func everyEventRoundTrips(_ kind: EventKind) throws {
        let sample = try SampleEvents.shared.get().message(kind)
        let bytes = sample.payload()
        #expect(!bytes.isEmpty)

        let event = try DomainEvent(type: kind.name, schemaVersion: 1, payload: bytes)
        #expect(event.kind == kind)
        #expect(event.eventType == kind.name)
        #expect(event.payload() == bytes)
        #expect(event.message.isEqualTo(message: sample))
        #expect(sample.domainEvent.kind == kind)

        // A slice reads in place; a collection without contiguous storage is copied.
        let slice = ([0xAA] + bytes)[1...]
        #expect(try DomainEvent(type: kind.name, schemaVersion: 1, payload: slice).payload() == bytes)
        let lazy = bytes.lazy.map { $0 }
        #expect(try DomainEvent(type: kind.name, schemaVersion: 1, payload: lazy).payload() == bytes)
    }

    @Test(arguments: EventKind.allCases)
    func encodingIsDeterministic(_ kind: EventKind) throws {
        let first = try SampleEvents.shared.get().message(kind)
        let second = try SampleEvents.shared.get().message(kind)
        #expect(first.payload() == second.payload())
    }

    @Test(arguments: EventKind.allCases)
    func everyFieldOfTheSampleIsSet(_ kind: EventKind) throws {
        // Guards the round trip above: a field the sample left out would pass
        // it without being exercised.
        let samples = try SampleEvents.shared.get()
        let json = try DomainEvent(
            type: kind.name, schemaVersion: 1, payload: samples.message(kind).payload()
        ).jsonPayload()
        for field in samples.schema.topLevel(kind.name)!.fields {
            #expect(json.contains("\"\(field.jsonName)\":"), "\(kind.name).\(field.name) missing")
        }
    }
}
