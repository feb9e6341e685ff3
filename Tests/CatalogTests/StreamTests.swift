import Catalog
import Foundation
import Testing

@Suite struct StreamTests {
    @Test func journalEventsGoToTheirLessonOrGrade() {
        let lesson = "2024-5А/англ-1/2024-09-02/3"
        var held = LessonHeld()
        held.lessonID = lesson
        #expect(held.stream == "lesson/2024-5А/англ-1/2024-09-02/3")

        var homework = HomeworkAssigned()
        homework.lessonID = lesson
        var roll = AttendanceTaken()
        roll.lessonID = lesson
        var fix = AttendanceCorrected()
        fix.lessonID = lesson
        #expect([homework.stream, roll.stream, fix.stream] == Array(repeating: held.stream, count: 3))

        var grade = GradeRecorded()
        grade.gradeID = "M000001"
        grade.lessonID = lesson
        var corrected = GradeCorrected()
        corrected.gradeID = "M000001"
        var voided = GradeVoided()
        voided.gradeID = "M000001"
        #expect(grade.stream == "grade/M000001")
        #expect(corrected.stream == "grade/M000001")
        #expect(voided.stream == "grade/M000001")
    }

    @Test func finalGradesHaveAStreamPerStudentSubjectAndPeriod() {
        var set = FinalGradeSet()
        set.studentID = "S0001"
        set.classID = "2024-5А"
        set.subjectID = "math"
        set.periodID = "2024-T1"
        #expect(set.stream == "final/S0001/math/2024-T1")

        var corrected = FinalGradeCorrected()
        corrected.studentID = "S0001"
        corrected.subjectID = "math"
        corrected.periodID = "2024-Y"
        #expect(corrected.stream == "final/S0001/math/2024-Y")
    }

    @Test func peopleAccessAndConsent() {
        var consent = ConsentGiven()
        consent.personID = "S0001"
        consent.givenByGuardianID = "P0001"
        #expect(consent.stream == "consent/S0001")

        var signedIn = SignedIn()
        signedIn.login = "ivanova.m"
        #expect(signedIn.stream == "login/ivanova.m")

        var enrolled = StudentEnrolled()
        enrolled.studentID = "S0001"
        enrolled.classID = "2024-1А"
        #expect(enrolled.stream == "student/S0001")

        var hired = StaffHired()
        hired.staffID = "T0001"
        #expect(hired.stream == "staff/T0001")

        var linked = GuardianLinked()
        linked.guardianID = "P0001"
        linked.studentID = "S0001"
        #expect(linked.stream == "guardian/P0001")

        var acknowledged = DiaryWeekAcknowledged()
        acknowledged.studentID = "S0001"
        acknowledged.guardianID = "P0001"
        #expect(acknowledged.stream == "diary/S0001")
    }

    @Test func schoolYearStructureAndOperations() {
        #expect(SchoolRegistered().stream == "school")
        #expect(SubjectDefined().stream == "school")

        var year = AcademicYearDefined()
        year.year = 2024
        #expect(year.stream == "year/2024")
        var closed = YearClosed()
        closed.year = 2024
        #expect(closed.stream == "year/2024")

        var period = PeriodClosed()
        period.periodID = "2024-T1"
        #expect(period.stream == "period/2024-T1")

        var created = ClassCreated()
        created.classID = "2024-5А"
        #expect(created.stream == "class/2024-5А")
        var group = GroupCreated()
        group.groupID = "2024-5А/англ-1"
        group.classID = "2024-5А"
        #expect(group.stream == "group/2024-5А/англ-1")

        #expect(BackupMade().stream == "operations")
        #expect(ReportSubmitted().stream == "operations")
    }

    @Test(arguments: EventKind.allCases)
    func everyStreamIsOneOfTheArchitecture(_ kind: EventKind) throws {
        let stream = try SampleEvents.shared.get().message(kind).stream
        let whole: Set = ["school", "operations"]
        let prefixes = [
            "year/", "period/", "class/", "group/", "staff/", "student/", "guardian/",
            "consent/", "login/", "lesson/", "grade/", "final/", "diary/",
        ]
        #expect(whole.contains(stream) || prefixes.contains { stream.hasPrefix($0) }, "\(kind.name): \(stream)")
    }
}

@Suite struct DocumentedStreamTests {
    /// The schemas' doc comments say each event's stream; EventStreams.swift
    /// must agree with them.
    @Test(arguments: EventKind.allCases)
    func streamIsTheOneTheSchemaDocuments(_ kind: EventKind) throws {
        let samples = try SampleEvents.shared.get()
        let documented = try #require(samples.schema.documentedStreams[kind.name], "\(kind.name) has no Stream: line")
        let sample = try samples.message(kind)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(sample.jsonString().utf8)) as? [String: Any])
        var expected = documented
        for field in samples.schema.topLevel(kind.name)!.fields {
            guard let value = json[field.jsonName] else { continue }
            expected = expected.replacingOccurrences(of: "<\(field.name)>", with: "\(value)")
        }
        #expect(!expected.contains("<"), "\(kind.name): \(documented) names an unknown field")
        #expect(sample.stream == expected)
    }
}
