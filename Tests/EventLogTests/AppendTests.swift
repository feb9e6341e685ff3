@testable import EventLog
import Foundation
import Testing

@Suite struct AppendTests {
    @Test func appendsAreGaplessAndChained() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        let first = try await log.append((0..<3).map { makeEvent(payload: "e\($0)") })
        let second = try await log.append([makeEvent(stream: "grade/M000001")])
        #expect(first.sequences == [1, 2, 3])
        #expect(second.sequences == [4])
        let events = try log.events(from: 1)
        #expect(events.map(\.sequence) == [1, 2, 3, 4])
        #expect(events[0].previousHash == .zero)
        for (a, b) in zip(events, events.dropFirst()) { #expect(b.previousHash == a.hash) }
        #expect(events.map(\.streamVersion) == [1, 2, 3, 1])
        #expect(events[0].school == "s1")
        #expect(events[2].payload == Array("e2".utf8))
        #expect(try log.head() == 4)
        #expect(try log.verify().isIntact)
    }

    @Test func fieldsSurviveTheRoundTrip() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "school-7")
        let proposed = ProposedEvent(
            stream: "student/S0001", type: "StudentEnrolled", schemaVersion: 3,
            effectiveDate: CivilDate(iso: "2024-09-01")!, actor: Actor(userID: "T0002", role: "coordinator"),
            payload: [0, 1, 2, 255], recordedAt: Timestamp(microseconds: 1_725_170_000_123_456))
        try await log.append([proposed])
        let stored = try #require(try log.event(at: 1))
        #expect(stored.id == proposed.id)
        #expect(stored.stream == proposed.stream)
        #expect(stored.type == proposed.type)
        #expect(stored.schemaVersion == 3)
        #expect(stored.effectiveDate.iso == "2024-09-01")
        #expect(stored.actor == proposed.actor)
        #expect(stored.payload == [0, 1, 2, 255])
        #expect(stored.recordedAt == proposed.recordedAt)
        #expect(try log.sequence(of: proposed.id) == 1)
    }

    @Test func envelopesReadInPlaceAgreeWithRecordedEvents() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "school-7", options: .init(durable: false))
        defer { log.close() }
        // Cyrillic text takes the validating path, ASCII the fast one.
        let events = [
            makeEvent(payload: "first"),
            ProposedEvent(stream: "student/S0001", type: "StudentEnrolled", schemaVersion: 2,
                          effectiveDate: CivilDate(iso: "2024-09-01")!, actor: Actor(userID: "Иванова", role: "учитель"),
                          payload: [0, 1, 2, 255], recordedAt: Timestamp(microseconds: 1_725_170_000_123_456)),
            makeEvent(payload: "third", day: 3),
        ]
        try await log.append(events)
        var recorded: [RecordedEvent] = []
        try log.scan { recorded.append($0); return true }
        var seen = 0
        try log.scanEnvelopes(from: 1, through: 3) { envelope in
            let event = recorded[seen]
            #expect(envelope.sequence == event.sequence)
            #expect(envelope.recordedAt == event.recordedAt)
            #expect(envelope.effectiveDate == event.effectiveDate)
            #expect(envelope.actor == event.actor)
            #expect(envelope.type == event.type)
            #expect(envelope.schemaVersion == event.schemaVersion)
            #expect(Array(envelope.payload) == event.payload)
            seen += 1
            return true
        }
        #expect(seen == 3)
        #expect(recorded[1].actor == Actor(userID: "Иванова", role: "учитель"))
    }

    @Test func textThatIsNotUTF8IsAMalformedEvent() throws {
        let fields = EventCodec.Fields(
            sequence: 5, id: .timeOrdered(), recordedAt: Timestamp(microseconds: 0),
            effectiveDate: CivilDate(iso: "2024-09-02")!, streamVersion: 1, schemaVersion: 1, school: "s1",
            stream: "lesson/1", type: "GradeRecorded", actorUser: "T0001", actorRole: "teacher", payload: [1])
        var value = [UInt8](repeating: 0, count: fields.storedSize)
        _ = value.withUnsafeMutableBytes { EventCodec.write(fields, previous: .zero, into: $0) }
        // The role's first byte: 0xFF begins no UTF-8 sequence.
        let role = value.count - EventCodec.hashSize - 4 - 1 - "teacher".utf8.count
        #expect(value[role] == UInt8(ascii: "t"))
        value[role] = 0xFF
        value.withUnsafeBytes { bytes in
            for decode in [{ _ = try EventCodec.decode(bytes, sequence: 5) },
                           { _ = try EventCodec.envelope(bytes, sequence: 5) }] {
                #expect { try decode() } throws: { error in
                    guard case EventLogError.malformedEvent(sequence: 5, reason: let reason) = error else { return false }
                    return reason == "a text field is not UTF-8 at byte \(role)"
                }
            }
        }
    }

    @Test func readsByStreamInVersionOrder() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        try await log.append([makeEvent(stream: "a", payload: "a1"), makeEvent(stream: "ab", payload: "ab1")])
        try await log.append([makeEvent(stream: "a", payload: "a2")])
        try await log.append([makeEvent(stream: "a\u{1}", payload: "odd")])
        let a = try log.stream("a")
        #expect(a.map { String(decoding: $0.payload, as: UTF8.self) } == ["a1", "a2"])
        #expect(a.map(\.streamVersion) == [1, 2])
        #expect(try log.stream("a", from: 2).map(\.sequence) == [3])
        #expect(try log.version(of: "a") == 2)
        #expect(try log.version(of: "ab") == 1)
        #expect(try log.version(of: "none") == 0)
    }

    @Test func retryOfTheSameBatchWritesNothing() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        let batch = [makeEvent(payload: "x"), makeEvent(payload: "y")]
        let original = try await log.append(batch)
        let before = try snapshot(log)
        let retry = try await log.append(batch)
        #expect(retry.sequences == original.sequences)
        #expect(retry.wasDuplicate)
        #expect(try snapshot(log) == before)
    }

    @Test func sameIDWithOtherContentIsRefused() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        let event = makeEvent(payload: "5")
        try await log.append([event])
        let before = try snapshot(log)
        var changed = event
        changed.payload = Array("2".utf8)
        await #expect(throws: EventLogError.duplicateID(id: event.id, existingSequence: 1)) {
            try await log.append([changed])
        }
        await #expect(throws: EventLogError.partialRetry(id: event.id, existingSequence: 1)) {
            try await log.append([event, makeEvent()])
        }
        let fresh = makeEvent()
        await #expect(throws: EventLogError.repeatedIDInBatch(id: fresh.id)) {
            try await log.append([fresh, fresh])
        }
        #expect(try snapshot(log) == before)
    }

    @Test func optimisticConcurrency() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        try await log.append([makeEvent(stream: "class/2024-5А")], expecting: ["class/2024-5А": .noStream])
        let before = try snapshot(log)
        await #expect(throws: EventLogError.conflict(stream: "class/2024-5А", expected: .noStream, actual: 1)) {
            try await log.append([makeEvent(stream: "class/2024-5А")], expecting: ["class/2024-5А": .noStream])
        }
        await #expect(throws: EventLogError.conflict(stream: "class/2024-5А", expected: .exact(3), actual: 1)) {
            try await log.append([makeEvent(stream: "other")], expecting: ["class/2024-5А": .exact(3)])
        }
        await #expect(throws: EventLogError.headMoved(expected: 0, actual: 1)) {
            try await log.append([makeEvent()], expectedHead: 0)
        }
        #expect(try snapshot(log) == before)
        let ok = try await log.append([makeEvent(stream: "class/2024-5А")], expecting: ["class/2024-5А": .exact(1)], expectedHead: 1)
        #expect(ok.sequences == [2])
    }

    @Test func emptyAndOversizedEventsAreRefused() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        try await log.append([makeEvent()])
        let before = try snapshot(log)
        var empty = makeEvent()
        empty.payload = []
        await #expect(throws: EventLogError.emptyEvent(id: empty.id, field: "payload")) { try await log.append([makeEvent(), empty]) }
        var noType = makeEvent(type: "")
        noType.type = ""
        await #expect(throws: EventLogError.emptyEvent(id: noType.id, field: "type")) { try await log.append([noType]) }
        var huge = makeEvent()
        huge.payload = [UInt8](repeating: 7, count: 64 * 1024 + 1)
        await #expect(throws: EventLogError.oversizedEvent(id: huge.id, field: "payload", size: 64 * 1024 + 1, limit: 64 * 1024)) {
            try await log.append([huge])
        }
        let longStream = makeEvent(stream: String(repeating: "ж", count: 200))
        await #expect(throws: EventLogError.oversizedEvent(id: longStream.id, field: "stream", size: 400, limit: 255)) {
            try await log.append([longStream])
        }
        await #expect(throws: EventLogError.emptyBatch) { try await log.append([]) }
        #expect(try snapshot(log) == before)
        #expect(try log.verify().isIntact)
    }

    @Test func concurrentCallersShareTransactions() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        let sequences = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<64 {
                group.addTask {
                    var mine: [UInt64] = []
                    for i in 0..<20 {
                        mine += try await log.append([makeEvent(stream: "t\(task)", payload: "\(task)-\(i)")]).sequences
                    }
                    return mine
                }
            }
            var all: [UInt64] = []
            for try await part in group { all += part }
            return all
        }
        #expect(sequences.sorted() == Array(1...1280))
        #expect(try log.head() == 1280)
        for task in 0..<64 {
            #expect(try log.stream("t\(task)").map { String(decoding: $0.payload, as: UTF8.self) } == (0..<20).map { "\(task)-\($0)" })
        }
        #expect(try log.verify().isIntact)
    }

    @Test func followSeesNewAppends() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        try await log.append([makeEvent(payload: "before")])
        let reader = Task {
            var seen: [String] = []
            for try await event in log.follow(from: 1) {
                seen.append(String(decoding: event.payload, as: UTF8.self))
                if seen.count == 3 { break }
            }
            return seen
        }
        try await Task.sleep(for: .milliseconds(50))
        try await log.append([makeEvent(payload: "one")])
        try await log.append([makeEvent(payload: "two")])
        #expect(try await reader.value == ["before", "one", "two"])
    }

    @Test func logReopensWhereItWas() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var log: EventLog? = try EventLog.create(at: dir.path, school: "s1")
        for i in 0..<40 { try await log!.append([makeEvent(payload: "\(i)")]) }
        let root = try log!.merkleRoot()
        log!.close()
        log = nil
        let reopened = try EventLog.open(at: dir.path, school: "s1")
        #expect(try reopened.merkleRoot().root == root.root)
        try await reopened.append([makeEvent(payload: "after")])
        #expect(try reopened.head() == 41)
        #expect(try reopened.verify().isIntact)
    }
}

@Suite struct TimeOrderedIDTests {
    @Test func idsMadeOneAfterAnotherGrow() {
        var previous = UUID.timeOrdered()
        for _ in 0..<10_000 {
            let next = UUID.timeOrdered()
            let ordered = withUnsafeBytes(of: next.uuid) { a in
                withUnsafeBytes(of: previous.uuid) { b in memcmp(a.baseAddress!, b.baseAddress!, 16) > 0 }
            }
            #expect(ordered)
            #expect(next.uuidString.dropFirst(14).first == "7")  // version 7
            previous = next
        }
    }
}
