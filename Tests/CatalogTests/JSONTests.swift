import Catalog
import SwiftProtobuf
import Testing

@Suite struct JSONTests {
    @Test func fieldsUseTheProtoJSONNames() throws {
        var grade = GradeRecorded()
        grade.gradeID = "M000001"
        grade.lessonID = "2024-5А/2024-09-02/3"
        grade.studentID = "S0001"
        grade.value = "5"
        grade.workTypeID = "oral"
        grade.weight = 1
        let json = grade.domainEvent.jsonPayload()
        #expect(json == #"{"gradeId":"M000001","lessonId":"2024-5А/2024-09-02/3","studentId":"S0001","value":"5","workTypeId":"oral","weight":1}"#)
        #expect(try GradeRecorded(jsonString: json) == grade)
    }

    @Test func enumsNestedMessagesAndNumbers() {
        var issued = LoginIssued()
        issued.login = "petrova.a"
        issued.role = .classTeacher
        issued.channel = .slip
        issued.mustChangePassword = true
        #expect(issued.domainEvent.jsonPayload()
            == #"{"login":"petrova.a","role":"USER_ROLE_CLASS_TEACHER","channel":"LOGIN_CHANNEL_SLIP","mustChangePassword":true}"#)

        var roll = AttendanceTaken()
        roll.lessonID = "L"
        roll.marks = [.with { $0.studentID = "S0001"; $0.code = "Н" }]
        #expect(roll.domainEvent.jsonPayload() == #"{"lessonId":"L","marks":[{"studentId":"S0001","code":"Н"}]}"#)

        var backup = BackupMade()
        backup.logPosition = 1_000_000
        // The proto3 JSON mapping writes 64-bit integers as strings.
        #expect(backup.domainEvent.jsonPayload() == #"{"logPosition":"1000000"}"#)
    }

    @Test(arguments: EventKind.allCases)
    func everyEventReadsBackFromItsJSON(_ kind: EventKind) throws {
        let sample = try SampleEvents.shared.get().message(kind)
        let json = sample.domainEvent.jsonPayload()
        #expect(!json.contains("\n"), "export writes one event per line")
        let back = try kind.messageType.init(jsonString: json)
        #expect(back.payload() == sample.payload())
    }
}
