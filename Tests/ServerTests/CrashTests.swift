import Catalog
import EventLog
import Foundation
import ProgramRunner
import Synchronization
import Testing

/// `letopis serve` killed (SIGKILL) in the middle of a storm of grades from
/// many clients: every grade it acknowledged is in the log, at the sequence it
/// named; nothing is half-written; the server starts again on the same store.
@Suite(.serialized) struct CrashTests {
    struct Acknowledged: Sendable {
        var grade: String
        var sequence: UInt64
        var student: String
        var value: String
    }

    @Test func everyAcknowledgedGradeSurvivesAKillInTheMiddleOfAStorm() async throws {
        let template = try await Template.shared()
        let store = try template.copy()
        defer { store.remove() }
        let server = try ServeProcess.start(store: store.path)
        var alive = true
        defer { if alive { _ = server.stop(SIGKILL) } }

        // The teacher enters Monday's lesson; its students get the marks.
        let teacher = Visitor(.teacher, sample: template.sample(.teacher))
        let setup = server.connect()
        try await setup.activate(teacher, login: template.login(.teacher), temporary: template.sample(.teacher).temporaryPassword,
                                 password: "Буря-оценок-2024")
        #expect(try await setup.post("/api/v1/lesson/topic", ["lesson": template.mondayLesson, "topic": "Контрольная работа"],
                                     as: teacher).status == .created)
        let lesson = try await setup.get("/api/v1/lesson?id=\(esc(template.mondayLesson))", as: teacher)
        let students = (lesson.json["students"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        try #require(students.count >= 10, "\(lesson)")
        await setup.close()

        // Twelve clients (the teacher's tabs), each entering marks one after another, until the server dies.
        let acknowledged = Box<[Acknowledged]>([])
        let clients = 12, perClient = 60
        let values = ["2", "3", "4", "5"]
        let port = server.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    let tab = LiveConnection(port: port)
                    defer { Task { await tab.close() } }
                    for n in 0..<perClient {
                        let student = students[(client * perClient + n) % students.count]
                        let value = values[(client + n) % values.count]
                        guard let reply = try? await tab.post("/api/v1/grades", ["lesson": template.mondayLesson, "student": student,
                                                                                 "value": value, "workType": template.workType,
                                                                                 "comment": "вкладка \(client), № \(n)"], as: teacher.copy())
                        else { return }  // the server is gone
                        guard reply.status == .created else {
                            Issue.record("a grade refused before the kill: \(reply)")
                            return
                        }
                        let id = reply.json["id"] as? String ?? "", sequences = reply.json["sequences"] as? [Int] ?? []
                        #expect(!id.isEmpty && sequences.count == 1, "\(reply)")
                        acknowledged.withLock {
                            $0.append(Acknowledged(grade: id, sequence: UInt64(sequences.first ?? 0), student: student, value: value))
                        }
                    }
                }
            }
            // The kill, once a good part of the storm is through.
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(60)
                while acknowledged.withLock({ $0.count }) < 250 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                _ = server.stop(SIGKILL)
            }
            try await group.waitForAll()
        }
        alive = false
        let acked = acknowledged.withLock { $0 }
        #expect(acked.count >= 250 && acked.count < clients * perClient, "\(acked.count) acknowledged: the kill came too late or too early")

        // Nothing half-written: every hash and link holds.
        let verify = try letopis(["verify"], store: store.path)
        #expect(verify.status == 0 && verify.out.contains("intact"), "\(verify.out) \(verify.err)")

        // Every acknowledged grade is in the log, at its sequence, as it was sent.
        let log = try Store.open(at: store.path).openLog(school: Template.school, options: .init(readOnly: true))
        var inLog: [String: (UInt64, GradeRecorded)] = [:]
        try log.scan { event in
            if case .gradeRecorded(let grade) = try event.decoded(), grade.lessonID == template.mondayLesson {
                inLog[grade.gradeID] = (event.sequence, grade)
            }
            return true
        }
        let head = try log.head()
        log.close()
        for ack in acked {
            let found = inLog[ack.grade]
            #expect(found?.0 == ack.sequence && found?.1.studentID == ack.student && found?.1.value == ack.value,
                    "acknowledged grade \(ack.grade) (#\(ack.sequence)) is not in the log as sent")
        }
        #expect(inLog.count >= acked.count && Set(acked.map(\.grade)).isSubset(of: inLog.keys))

        // The server starts again on the store and answers from it.
        let restarted = try ServeProcess.start(store: store.path)
        defer { if restarted.process.isRunning { _ = restarted.stop(SIGKILL) } }
        let after = restarted.connect()
        let health = try await after.get("/health", as: Visitor(.anonymous, sample: nil))
        let events = (health.json["schools"] as? [[String: Any]])?.first?["events"] as? Int
        #expect(health.status == .ok && events.map(UInt64.init) == head, "\(health)")
        await after.close()
        let stopped = restarted.stop(SIGTERM)
        #expect(stopped?.status == 0, "\(String(describing: stopped)) \(restarted.standardError.suffix(1500))")
    }
}

/// A value several tasks add to.
final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
