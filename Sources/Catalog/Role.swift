import EventLog

/// The role a user acts in, as the envelope's actor names it
/// (docs/ARCHITECTURE.md). Payloads carry the same roles as `UserRole`.
public enum Role: String, Hashable, Sendable, CaseIterable, Codable {
    case coordinator
    case teacher
    case classTeacher = "class-teacher"
    case administration
    case parent
    case student
    case district
    case system
    /// Reads every record of the school and writes none.
    case auditor

    /// Nil for `.unspecified` and for values this build does not know.
    public init?(_ userRole: UserRole) {
        switch userRole {
        case .coordinator: self = .coordinator
        case .teacher: self = .teacher
        case .classTeacher: self = .classTeacher
        case .administration: self = .administration
        case .parent: self = .parent
        case .student: self = .student
        case .district: self = .district
        case .system: self = .system
        case .auditor: self = .auditor
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    public var userRole: UserRole {
        switch self {
        case .coordinator: .coordinator
        case .teacher: .teacher
        case .classTeacher: .classTeacher
        case .administration: .administration
        case .parent: .parent
        case .student: .student
        case .district: .district
        case .system: .system
        case .auditor: .auditor
        }
    }
}

extension Actor {
    public init(userID: String, role: Role) {
        self.init(userID: userID, role: role.rawValue)
    }

    /// Nil when the envelope names a role this build does not know.
    public var knownRole: Role? { Role(rawValue: role) }
}
