import Catalog
import EventLog

/// The register of parents and other legal representatives, and whom they
/// represent (plans/003 item 14).
private let registerRoles: Set<Role> = [.system, .coordinator, .administration]

public struct RegisterGuardian: Command {
    public var name: PersonName
    public var phone: String
    public var email: String
    public var snils: String
    public var guardianID: String?
    public var on: CivilDate

    public init(name: PersonName, phone: String = "", email: String = "", snils: String = "", guardianID: String? = nil, on: CivilDate) {
        self.name = name
        self.phone = phone
        self.email = email
        self.snils = snils
        self.guardianID = guardianID
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let id = guardianID ?? c.state.nextID("P", width: 4, among: c.state.guardians.keys)
        let record = "guardian \(id) (\(name.full))"
        try c.authorize(registerRoles, for: record)
        try requireName(name, record: record)
        guard c.state.guardians[id] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "the id is taken", remedy: "Use another id.")
        }
        if !snils.isEmpty {
            try requireSNILS(snils, record: record)
            if let same = c.state.guardianBySNILS[snils.filter(\.isNumber)].flatMap({ c.state.guardians[$0] }) {
                throw RuleViolation(.duplicateRecord, record: record,
                                    detail: "SNILS \(snils) is already \(same.id) \(same.name.full), in the register",
                                    remedy: "Link \(same.id) to the other child instead (letopis guardian link).")
            }
        }
        // Without SNILS, the same name with the same phone or e-mail is the same person.
        let contacts = { (phone: String, email: String) in
            [phone.filter(\.isNumber), email.lowercased()].filter { !$0.isEmpty } }
        let namesakes = (c.state.guardiansByName[name.full.lowercased()] ?? []).compactMap { c.state.guardians[$0] }
        if let same = namesakes.first(where: { !Set(contacts($0.phone, $0.email)).isDisjoint(with: contacts(phone, email)) }) {
            throw RuleViolation(.duplicateRecord, record: record,
                                detail: "\(same.id) \(same.name.full) is already in the register, with the same name and phone or e-mail",
                                remedy: "Link \(same.id) to the other child instead (letopis guardian link).")
        }
        var registered = GuardianRegistered()
        registered.guardianID = id
        registered.name = name
        registered.phone = phone
        registered.email = email
        registered.snils = snils
        return Decision(on, [registered])
    }
}

public struct LinkGuardian: Command {
    public var guardianID: String
    public var studentID: String
    public var relation: GuardianRelation
    public var on: CivilDate

    public init(guardianID: String, studentID: String, relation: GuardianRelation, on: CivilDate) {
        self.guardianID = guardianID
        self.studentID = studentID
        self.relation = relation
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "guardian \(guardianID), student \(studentID)"
        try c.authorize(registerRoles, for: record)
        let guardian = try c.state.requireGuardian(guardianID)
        _ = try c.state.requireStudent(studentID)
        guard guardian.children[studentID] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "already linked", remedy: "Nothing to do.")
        }
        var linked = GuardianLinked()
        linked.guardianID = guardianID
        linked.studentID = studentID
        linked.relation = relation
        return Decision(on, [linked])
    }
}
