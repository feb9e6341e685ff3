import Catalog
import EventLog
import Foundation
import Testing

@Suite struct DecodingErrorTests {
    private func grade() -> GradeRecorded {
        var grade = GradeRecorded()
        grade.gradeID = "M000001"
        grade.lessonID = "2024-5А/2024-09-02/3"
        grade.studentID = "S0001"
        grade.value = "5"
        return grade
    }

    @Test func unknownTypeIsNamed() {
        #expect(throws: CatalogError.unknownType("GradeAwarded", sequence: nil)) {
            try DomainEvent(type: "GradeAwarded", schemaVersion: 1, payload: grade().payload())
        }
    }

    @Test(arguments: [
        [0x0A, 0x05, 0x41],  // a string that claims 5 bytes and has 1
        [0xFF, 0xFF, 0xFF],  // a varint that never ends
        [0x0A, 0x01, 0xC3],  // a string that is not UTF-8
        [0x07],  // a field number 0
    ] as [[UInt8]])
    func garbageIsAMalformedPayload(_ bytes: [UInt8]) {
        do {
            _ = try DomainEvent(type: "GradeRecorded", schemaVersion: 1, payload: bytes)
            Issue.record("decoded garbage \(bytes)")
        } catch {
            guard case .malformedPayload(let type, _, nil) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(type == "GradeRecorded")
        }
    }

    @Test func unknownFieldsSurviveARoundTrip() throws {
        // A newer schema with an added field 99 still reads, and writes it back.
        let bytes = grade().payload() + [0x9A, 0x06, 0x02, 0x4F, 0x4B]
        let event = try DomainEvent(type: "GradeRecorded", schemaVersion: 1, payload: bytes)
        #expect(event.payload() == bytes)
    }

    @Test(arguments: [0, 2] as [UInt16])
    func otherSchemaVersionsAreRefused(_ version: UInt16) {
        #expect(throws: CatalogError.unsupportedSchemaVersion(
            type: "GradeRecorded", version: version, supported: 1, sequence: nil)
        ) {
            try DomainEvent(type: "GradeRecorded", schemaVersion: version, payload: grade().payload())
        }
    }

    @Test func recordedEventErrorsNameTheSequence() {
        let recorded = RecordedEvent(
            sequence: 1234, id: UUID(), school: "school-1", stream: "grade/M000001", streamVersion: 1,
            recordedAt: Timestamp(microseconds: 0), effectiveDate: CivilDate(year: 2024, month: 9, day: 2)!,
            actor: Actor(userID: "T0001", role: .teacher), type: "GradeRecorded", schemaVersion: 1,
            payload: [0x0A, 0x05, 0x41], previousHash: .zero, hash: .zero)
        do {
            _ = try recorded.decoded()
            Issue.record("decoded garbage")
        } catch {
            #expect(error.sequence == 1234)
            #expect(error.type == "GradeRecorded")
            #expect(error.description.contains("event 1234 of type GradeRecorded"))
        }
    }

    @Test func recordedEventDecodes() throws {
        let recorded = RecordedEvent(
            sequence: 7, id: UUID(), school: "school-1", stream: "grade/M000001", streamVersion: 1,
            recordedAt: Timestamp(microseconds: 0), effectiveDate: CivilDate(year: 2024, month: 9, day: 2)!,
            actor: Actor(userID: "T0001", role: .teacher), type: "GradeRecorded", schemaVersion: 1,
            payload: grade().payload(), previousHash: .zero, hash: .zero)
        guard case .gradeRecorded(let decoded) = try recorded.decoded() else {
            Issue.record("not a GradeRecorded")
            return
        }
        #expect(decoded == grade())
    }

    @Test func descriptionsSayWhatHappened() {
        #expect(CatalogError.unknownType("X", sequence: 5).description
            == "event 5 of type X: the catalog has no such type; the log may come from a newer Letopis")
        #expect(CatalogError.unsupportedSchemaVersion(type: "X", version: 3, supported: 1, sequence: nil)
            .description == "event of type X: schema version 3 is not supported (this Letopis reads version 1)")
        #expect(CatalogError.malformedPayload(type: "X", reason: "truncated", sequence: nil).at(sequence: 9)
            == .malformedPayload(type: "X", reason: "truncated", sequence: 9))
    }
}
