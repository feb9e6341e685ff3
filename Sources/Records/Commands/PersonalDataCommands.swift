import Catalog
import EventLog

/// Consents under 152-ФЗ and parents' applications (plans/001 item 10,
/// plans/002, plans/003 items 8 and 13). Class teachers act within their class.
private let consentRoles: Set<Role> = [.coordinator, .administration, .classTeacher]

/// Records a consent given, or refused, on paper.
public struct RecordConsent: Command {
    public var personID: String
    public var given: Bool
    /// The guardian who signed for a minor; empty when the person signed.
    public var byGuardianID: String
    public var documentRef: String
    public var on: CivilDate

    public init(personID: String, given: Bool = true, byGuardianID: String = "", documentRef: String, on: CivilDate) {
        self.personID = personID
        self.given = given
        self.byGuardianID = byGuardianID
        self.documentRef = documentRef
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "согласие \(personID) на обработку персональных данных"
        let role = try c.authorize(consentRoles, for: record)
        let kind = try c.state.personKind(personID, record: record)
        try c.requireOwnClass(person: personID, role: role, record: record)
        try requireText(documentRef, field: "номер документа", record: record)
        if !byGuardianID.isEmpty {
            let guardian = try c.state.requireGuardian(byGuardianID)
            guard kind == .student, guardian.children[personID] != nil else {
                throw RuleViolation(.invalidInput, record: record, detail: "\(byGuardianID) не является родителем (законным представителем) \(personID)",
                                    remedy: "Родитель подписывает согласие только за своего ребёнка.")
            }
        }
        if given, c.state.consents[personID]?.isGiven == true {
            throw RuleViolation(.duplicateRecord, record: record, detail: "согласие уже записано",
                                remedy: "Ничего делать не нужно.")
        }
        if given {
            var e = ConsentGiven()
            e.personID = personID
            e.personKind = kind
            e.givenByGuardianID = byGuardianID
            e.documentRef = documentRef
            e.givenOn = on.iso
            return Decision(on, [e])
        }
        var e = ConsentRefused()
        e.personID = personID
        e.personKind = kind
        e.refusedByGuardianID = byGuardianID
        e.documentRef = documentRef
        e.refusedOn = on.iso
        return Decision(on, [e] + blockLogin(of: personID, reason: "отказ от согласия на обработку ПДн", state: c.state))
    }
}

/// A withdrawn consent also blocks the person's login, in the same batch.
public struct WithdrawConsent: Command {
    public var personID: String
    public var documentRef: String
    public var on: CivilDate
    public var reason: String

    public init(personID: String, documentRef: String, on: CivilDate, reason: String) {
        self.personID = personID
        self.documentRef = documentRef
        self.on = on
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "согласие \(personID) на обработку персональных данных"
        let role = try c.authorize(consentRoles, for: record)
        let kind = try c.state.personKind(personID, record: record)
        try c.requireOwnClass(person: personID, role: role, record: record)
        guard c.state.consents[personID]?.isGiven == true else {
            throw RuleViolation(.unknownRecord, record: record, detail: "записанного согласия нет",
                                remedy: "Отзывать нечего.")
        }
        var e = ConsentWithdrawn()
        e.personID = personID
        e.documentRef = documentRef
        e.withdrawnOn = on.iso
        e.reason = reason
        e.personKind = kind
        return Decision(on, [e] + blockLogin(of: personID, reason: "согласие на обработку ПДн отозвано", state: c.state))
    }
}

public struct RegisterParentApplication: Command {
    public var guardianID: String
    public var studentID: String
    public var documentRef: String
    public var on: CivilDate

    public init(guardianID: String, studentID: String, documentRef: String, on: CivilDate) {
        self.guardianID = guardianID
        self.studentID = studentID
        self.documentRef = documentRef
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "заявление родителя \(guardianID) по ученику \(studentID)"
        let role = try c.authorize(consentRoles, for: record)
        let guardian = try c.state.requireGuardian(guardianID)
        try c.requireOwnClass(person: studentID, role: role, record: record)
        guard guardian.children[studentID] != nil else {
            throw RuleViolation(.invalidInput, record: record, detail: "\(guardianID) не связан(а) с учеником \(studentID)",
                                remedy: "Сначала свяжите родителя с учеником.")
        }
        guard !c.state.applications.contains(GuardianStudent(guardianID: guardianID, studentID: studentID)) else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "заявление уже зарегистрировано", remedy: "Ничего делать не нужно.")
        }
        var e = ParentApplicationRegistered()
        e.applicationID = c.state.nextApplicationID
        e.guardianID = guardianID
        e.studentID = studentID
        e.registeredOn = on.iso
        e.documentRef = documentRef
        return Decision(on, [e])
    }
}

extension SchoolState {
    func personKind(_ personID: String, record: String) throws(RuleViolation) -> PersonKind {
        if staff[personID] != nil { return .staff }
        if students[personID] != nil { return .student }
        if guardians[personID] != nil { return .guardian }
        throw RuleViolation(.unknownRecord, record: record, detail: "\(personID) нет ни в одном реестре",
                            remedy: "Укажите код сотрудника (T…), ученика (S…) или родителя (P…).")
    }

    var nextApplicationID: String {
        let digits = String(applicationCount + 1)
        return "A" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
