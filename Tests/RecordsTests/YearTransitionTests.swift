import Catalog
import EventLog
import Foundation
@testable import Records
import Testing

@Suite struct YearTransitionTests {
    typealias F = SchoolFixture
    func d(_ iso: String) -> CivilDate { F.date(iso) }

    @Test func oneCommandPromotesGraduatesFormsFirstGradesAndClosesTheYear() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(RecordDeparture(studentID: "S0004", on: d("2025-03-10"), destination: "МБОУ СОШ № 2",
                                        destinationSchoolID: "s2", orderNumber: "30-у", reason: "переезд"), as: F.coordinator)
        let transition = TransitionYear(fromYear: 2024, on: d("2025-08-31"), orderNumber: "55-у",
                                        continuingAfterNinth: ["S0006"], firstGrades: ["А": "T0004"])
        try await f.run(transition, as: F.director)
        let state = await f.recorder.state
        #expect(state.students["S0001"]?.currentClassID == "2025-6А")
        #expect(state.students["S0003"]?.currentClassID == "2025-6А")
        #expect(state.students["S0004"]?.isEnrolled == false)           // left in March, not promoted
        #expect(state.students["S0005"]?.isEnrolled == false)           // graduated after the ninth grade
        #expect(state.students["S0006"]?.currentClassID == "2025-10А")  // goes on to the tenth
        #expect(state.classes["2025-1А"]?.classTeacherID == "T0004")
        #expect(state.classes["2025-6Б"] == nil)                        // 5Б had nobody left to promote
        #expect(state.years[2024]?.closed == true)
        // The closed year takes no more entries.
        _ = try await f.expectRefusal(.periodClosed, HoldLesson(unitID: "2024-5А", date: d("2025-05-19"), slot: 1, subjectID: "math",
                                      teacherID: "T0003", topic: "x"), as: F.math, at: F.at("2025-09-01"))
        // And cannot be transitioned twice.
        _ = try await f.expectRefusal(.unknownRecord, transition, as: F.director)
    }

    @Test func loginLifecycle() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let parent = Actor(userID: "P0001", role: .parent)
        try await f.run(RecordConsent(personID: "P0001", documentRef: "С-1", on: d("2024-09-03")), as: F.coordinator)
        try await f.run(IssueLogin(personID: "P0001", channel: .slip, passwordHash: PasswordHasher(rounds: 10).hash("временный"),
                                   on: d("2024-09-05")), as: F.coordinator)
        let login = await f.recorder.state.loginByPerson["P0001"]!
        _ = try await f.expectRefusal(.loginState, UseLogin(login: login, step: .signIn(.none), on: d("2024-09-06")), as: parent)
        _ = try await f.expectRefusal(.roleRequired, UseLogin(login: login, step: .activate, on: d("2024-09-06")),
                                      as: Actor(userID: "P0002", role: .parent))
        try await f.run(UseLogin(login: login, step: .activate, on: d("2024-09-06")), as: parent)
        try await f.run(UseLogin(login: login, step: .signIn(.none), on: d("2024-09-06")), as: parent)
        try await f.run(AcknowledgeWeek(studentID: "S0001", weekStart: d("2024-09-02")), as: parent)
        _ = try await f.expectRefusal(.roleRequired, AcknowledgeWeek(studentID: "S0002", weekStart: d("2024-09-02")), as: parent)
        _ = try await f.expectRefusal(.duplicateRecord, IssueLogin(personID: "P0001", channel: .slip,
                                      passwordHash: PasswordHasher(rounds: 10).hash("временный"), on: d("2024-09-07")), as: F.coordinator)
        let events = try f.log.stream(Streams.login(login))
        #expect(events.map(\.type) == ["LoginIssued", "LoginActivated", "SignedIn"])
        // Only the hash of the temporary password is in the log.
        for event in try f.log.events(from: 1) {
            #expect(!String(decoding: event.payload, as: UTF8.self).contains("временный"))
        }
    }

    @Test func passwordHashesVerify() {
        let hasher = PasswordHasher(rounds: 1000)
        let hash = hasher.hash("Kx7mQ2pLzz")
        #expect(hash.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHasher.verify("Kx7mQ2pLzz", against: hash))
        #expect(!PasswordHasher.verify("Kx7mQ2pLzZ", against: hash))
        #expect(hasher.hash("same") != hasher.hash("same"))  // salted
    }
}
