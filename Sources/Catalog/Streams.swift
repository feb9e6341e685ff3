/// The stream names of docs/ARCHITECTURE.md, built in one place so that the
/// events (EventStreams.swift) and the code that reads a stream back agree.
public enum Streams {
    public static let school = "school"
    public static let operations = "operations"

    public static func year(_ year: Int32) -> String { "year/\(year)" }
    public static func period(_ periodID: String) -> String { "period/\(periodID)" }
    public static func `class`(_ classID: String) -> String { "class/\(classID)" }
    public static func group(_ groupID: String) -> String { "group/\(groupID)" }
    public static func staff(_ staffID: String) -> String { "staff/\(staffID)" }
    public static func student(_ studentID: String) -> String { "student/\(studentID)" }
    public static func guardian(_ guardianID: String) -> String { "guardian/\(guardianID)" }
    public static func consent(_ personID: String) -> String { "consent/\(personID)" }
    public static func login(_ login: String) -> String { "login/\(login)" }
    public static func lesson(_ lessonID: String) -> String { "lesson/\(lessonID)" }
    public static func grade(_ gradeID: String) -> String { "grade/\(gradeID)" }
    public static func diary(_ studentID: String) -> String { "diary/\(studentID)" }

    public static func final(student: String, subject: String, period: String) -> String {
        "final/\(student)/\(subject)/\(period)"
    }
}
