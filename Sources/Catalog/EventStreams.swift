// The stream of every event, by schema file. Written by hand so that a reader
// sees in one place which thing each event belongs to; a new event without a
// stream here does not compile.

// MARK: institution.proto

extension SchoolRegistered { public var stream: String { Streams.school } }
extension AcademicYearDefined { public var stream: String { Streams.year(year) } }
extension ReportingPeriodsDefined { public var stream: String { Streams.year(year) } }
extension BellScheduleDefined { public var stream: String { Streams.school } }
extension SubjectDefined { public var stream: String { Streams.school } }
extension WorkTypeDefined { public var stream: String { Streams.school } }
extension AttendanceCodeDefined { public var stream: String { Streams.school } }
extension ReferenceEntryDefined { public var stream: String { Streams.school } }

// MARK: structure.proto

extension ClassCreated { public var stream: String { Streams.class(classID) } }
extension ClassTeacherAssigned { public var stream: String { Streams.class(classID) } }
extension GroupCreated { public var stream: String { Streams.group(groupID) } }
extension StudentAddedToGroup { public var stream: String { Streams.group(groupID) } }
extension StudentRemovedFromGroup { public var stream: String { Streams.group(groupID) } }
// The curriculum and the timetable are the year's, not one class's: a timetable
// change touches several classes and groups at once.
extension CurriculumHoursSet { public var stream: String { Streams.year(year) } }
extension TimetableEntryAdded { public var stream: String { Streams.year(year) } }
extension TimetableEntryEnded { public var stream: String { Streams.year(year) } }

// MARK: people.proto

extension StaffHired { public var stream: String { Streams.staff(staffID) } }
extension StaffLeft { public var stream: String { Streams.staff(staffID) } }
extension RoleGranted { public var stream: String { Streams.staff(staffID) } }
extension RoleRevoked { public var stream: String { Streams.staff(staffID) } }
extension StudentEnrolled { public var stream: String { Streams.student(studentID) } }
extension StudentMoved { public var stream: String { Streams.student(studentID) } }
extension StudentPromoted { public var stream: String { Streams.student(studentID) } }
extension StudentGraduated { public var stream: String { Streams.student(studentID) } }
extension StudentLeft { public var stream: String { Streams.student(studentID) } }
extension StudentArrived { public var stream: String { Streams.student(studentID) } }
extension GuardianRegistered { public var stream: String { Streams.guardian(guardianID) } }
// A link is the guardian's act and what the guardian's access depends on.
extension GuardianLinked { public var stream: String { Streams.guardian(guardianID) } }
extension GuardianUnlinked { public var stream: String { Streams.guardian(guardianID) } }

// MARK: personal_data.proto

extension ConsentGiven { public var stream: String { Streams.consent(personID) } }
extension ConsentRefused { public var stream: String { Streams.consent(personID) } }
extension ConsentWithdrawn { public var stream: String { Streams.consent(personID) } }
extension ParentApplicationRegistered { public var stream: String { Streams.guardian(guardianID) } }

// MARK: access.proto

extension LoginIssued { public var stream: String { Streams.login(login) } }
extension LoginActivated { public var stream: String { Streams.login(login) } }
extension PasswordChanged { public var stream: String { Streams.login(login) } }
extension PasswordReset { public var stream: String { Streams.login(login) } }
extension LoginBlocked { public var stream: String { Streams.login(login) } }
extension LoginUnblocked { public var stream: String { Streams.login(login) } }
extension SecondFactorEnrolled { public var stream: String { Streams.login(login) } }
extension SecondFactorRemoved { public var stream: String { Streams.login(login) } }
extension SecondFactorRequired { public var stream: String { Streams.school } }
extension SignedIn { public var stream: String { Streams.login(login) } }

// MARK: journal.proto

extension LessonHeld { public var stream: String { Streams.lesson(lessonID) } }
extension LessonTopicRecorded { public var stream: String { Streams.lesson(lessonID) } }
extension HomeworkAssigned { public var stream: String { Streams.lesson(lessonID) } }
extension AttendanceTaken { public var stream: String { Streams.lesson(lessonID) } }
extension AttendanceCorrected { public var stream: String { Streams.lesson(lessonID) } }
extension LessonVoided { public var stream: String { Streams.lesson(lessonID) } }
extension GradeRecorded { public var stream: String { Streams.grade(gradeID) } }
extension GradeCorrected { public var stream: String { Streams.grade(gradeID) } }
extension GradeVoided { public var stream: String { Streams.grade(gradeID) } }
extension FinalGradeSet {
    public var stream: String { Streams.final(student: studentID, subject: subjectID, period: periodID) }
}
extension FinalGradeCorrected {
    public var stream: String { Streams.final(student: studentID, subject: subjectID, period: periodID) }
}
extension PeriodClosed { public var stream: String { Streams.period(periodID) } }
extension PeriodReopened { public var stream: String { Streams.period(periodID) } }
extension YearClosed { public var stream: String { Streams.year(year) } }

// MARK: diary.proto

extension DiaryWeekAcknowledged { public var stream: String { Streams.diary(studentID) } }

// MARK: operations.proto

extension BackupMade { public var stream: String { Streams.operations } }
extension ReportSubmitted { public var stream: String { Streams.operations } }
extension JournalArchived { public var stream: String { Streams.operations } }
