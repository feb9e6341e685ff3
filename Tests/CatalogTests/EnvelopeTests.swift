import Catalog
import EventLog
import Foundation
import Testing

@Suite struct EnvelopeTests {
    @Test func proposedCarriesTypeVersionStreamAndPayload() {
        var grade = GradeRecorded()
        grade.gradeID = "M000042"
        grade.value = "4"
        let id = UUID()
        let date = CivilDate(year: 2024, month: 10, day: 7)!
        let actor = Actor(userID: "T0003", role: .teacher)
        let at = Timestamp(date, hour: 9, minute: 15)
        let proposed = grade.proposed(id: id, effectiveDate: date, actor: actor, recordedAt: at)
        #expect(proposed == ProposedEvent(
            id: id, stream: "grade/M000042", type: "GradeRecorded", schemaVersion: 1,
            effectiveDate: date, actor: actor, payload: grade.payload(), recordedAt: at))
        #expect(grade.domainEvent.proposed(id: id, effectiveDate: date, actor: actor, recordedAt: at) == proposed)
    }

    @Test func rolesMatchTheEnvelopeNames() {
        #expect(Role.allCases.map(\.rawValue) == [
            "coordinator", "teacher", "class-teacher", "administration",
            "parent", "student", "district", "system", "auditor",
        ])
        for role in Role.allCases {
            #expect(Role(role.userRole) == role)
        }
        #expect(Role(UserRole.unspecified) == nil)
        #expect(Role(UserRole.UNRECOGNIZED(42)) == nil)
        #expect(Actor(userID: "T0001", role: .classTeacher).role == "class-teacher")
        #expect(Actor(userID: "T0001", role: "class-teacher").knownRole == .classTeacher)
        #expect(Actor(userID: "T0001", role: "janitor").knownRole == nil)
    }

    @Test func editWindowDefaultsToAWeek() {
        var school = SchoolRegistered()
        #expect(school.effectiveEditWindowDays == 7)
        school.editWindowDays = 3
        #expect(school.effectiveEditWindowDays == 3)
    }
}
