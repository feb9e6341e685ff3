import EventLog
import Foundation
import LMDB
import Synchronization
import Testing

/// Appends decided inside the write transaction, and side tables.
@Suite struct DeciderTests {
    /// Numbers its events after the log's head, as the transaction sees it, and
    /// keeps what it was told.
    final class Counter: AppendDecider, Sendable {
        let seen = Mutex<[String]>([])
        let refuse: Bool
        let side: SideWrite?

        init(refuse: Bool = false, side: SideWrite? = nil) {
            self.refuse = refuse
            self.side = side
        }

        struct Refused: Error {}

        func decide(head: UInt64, log: LogSnapshot, attempt: UInt64) throws -> DecidedAppend {
            var types: [String] = []
            try log.scan(from: 1, through: head) { event in
                types.append(event.type)
                return true
            }
            seen.withLock { $0.append("decide \(head) \(types.count)") }
            if refuse { throw Refused() }
            return DecidedAppend(events: [makeEvent(stream: "counter", payload: "after \(head)")], sideWrites: side.map { [$0] } ?? [])
        }

        func written(_ result: AppendResult, attempt: UInt64) { seen.withLock { $0.append("written \(result.sequences)") } }
        func finished(attempt: UInt64, committed: Bool) { seen.withLock { $0.append("finished \(committed)") } }
    }

    @Test func aDeciderSeesTheLogAsItsTransactionDoes() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        defer { log.close() }
        try await log.append([makeEvent(), makeEvent()])
        let first = Counter()
        #expect(try await log.append(deciding: first).sequences == [3])
        #expect(first.seen.withLock { $0 } == ["decide 2 2", "written [3]", "finished true"])
        // Concurrent deciders each see what the ones before them wrote, in one or more transactions.
        let counters = (0..<20).map { _ in Counter() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for counter in counters { group.addTask { try await log.append(deciding: counter) } }
            try await group.waitForAll()
        }
        let payloads = try log.events(from: 4).map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(payloads == (3..<23).map { "after \($0)" })
    }

    @Test func aRefusalWritesNothingAndLeavesTheOthersOfItsTransaction() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        defer { log.close() }
        let table = try log.sideTable("secrets")
        let refused = Counter(refuse: true, side: SideWrite(table, key: Array("a".utf8), value: [1]))
        await #expect(throws: Counter.Refused.self) { try await log.append(deciding: refused) }
        #expect(try log.head() == 0)
        #expect(try log.value(in: table, key: Array("a".utf8)) == nil)
        #expect(refused.seen.withLock { $0 } == ["decide 0 0", "finished true"])

        async let a = log.append(deciding: Counter(refuse: true))
        async let b = log.append(deciding: Counter(side: SideWrite(table, key: Array("b".utf8), value: [2])))
        _ = try? await a
        #expect(try await b.sequences == [1])
        #expect(try log.value(in: table, key: Array("b".utf8)) == [2])
    }

    @Test func sideTablesAreWrittenWithTheEventsOrAloneAndNeverInTheLog() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        defer { log.close() }
        let table = try log.sideTable("credentials")
        try await log.write([SideWrite(table, key: Array("x\u{0}p".utf8), value: Array("hash-x".utf8)),
                             SideWrite(table, key: Array("y\u{0}p".utf8), value: Array("hash-y".utf8))])
        #expect(try log.head() == 0)
        #expect(try log.entries(in: table).map { String(decoding: $0.value, as: UTF8.self) } == ["hash-x", "hash-y"])
        #expect(try log.entries(in: table, prefix: Array("y".utf8)).count == 1)
        try await log.write([SideWrite(table, key: Array("x\u{0}p".utf8), value: nil)])
        #expect(try log.entries(in: table).count == 1)
        // An empty append is still refused.
        await #expect(throws: EventLogError.self) { try await log.append([]) }
    }
}
