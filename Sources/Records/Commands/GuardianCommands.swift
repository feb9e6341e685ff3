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
        let id = guardianID ?? c.state.nextID("P", width: 4)
        let record = "родитель \(id) (\(name.full))"
        try c.authorize(registerRoles, for: record)
        try requireName(name, record: record)
        guard c.state.guardians[id] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "код \(id) уже занят", remedy: "Укажите другой код.")
        }
        if !snils.isEmpty {
            try requireSNILS(snils, record: record)
            if let same = c.state.guardian(withSNILS: snils) {
                throw RuleViolation(.duplicateRecord, record: record,
                                    detail: "СНИЛС \(snils) уже есть в реестре: \(same.id) \(same.name.full)",
                                    remedy: "Вместо повторной регистрации свяжите \(same.id) с ребёнком.")
            }
        }
        if let same = c.state.guardian(sameAs: name, phone: phone, email: email) {
            throw RuleViolation(.duplicateRecord, record: record,
                                detail: "\(same.id) \(same.name.full) уже есть в реестре — с теми же ФИО и телефоном или e-mail",
                                remedy: "Вместо повторной регистрации свяжите \(same.id) с ребёнком.")
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
        let record = "родитель \(guardianID), ученик \(studentID)"
        try c.authorize(registerRoles, for: record)
        let guardian = try c.state.requireGuardian(guardianID)
        _ = try c.state.requireStudent(studentID)
        guard guardian.children[studentID] == nil else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "родитель уже связан с этим учеником", remedy: "Ничего делать не нужно.")
        }
        // Two parents of one child under the same full name are one person entered twice
        // (a register loaded again, a guardian without SNILS or contacts registered anew).
        let fullName = guardian.name.full.lowercased()
        if let twin = (c.state.guardiansByName[fullName] ?? []).first(where: { $0 != guardianID && c.state.guardians[$0]?.children[studentID] != nil }) {
            throw RuleViolation(.duplicateRecord, record: record,
                                detail: "у ученика уже есть родитель \(twin) с теми же ФИО (\(guardian.name.full))",
                                remedy: "Это, скорее всего, тот же человек: укажите его код \(twin) вместо новой записи.")
        }
        var linked = GuardianLinked()
        linked.guardianID = guardianID
        linked.studentID = studentID
        linked.relation = relation
        return Decision(on, [linked])
    }
}

extension SchoolState {
    /// The guardian in the register with this SNILS, however it is written.
    func guardian(withSNILS snils: String) -> Guardian? {
        guardianBySNILS[snils.filter(\.isASCIIDigit)].flatMap { guardians[$0] }
    }

    /// The guardian in the register who is this person by name and contacts.
    func guardian(sameAs name: PersonName, phone: String, email: String) -> Guardian? {
        (guardiansByName[name.full.lowercased()] ?? []).lazy.compactMap { guardians[$0] }
            .first { $0.isSamePerson(name: name, phone: phone, email: email) }
    }
}

extension Guardian {
    /// Without SNILS, the same name with the same phone or e-mail is the same person.
    func isSamePerson(name: PersonName, phone: String, email: String) -> Bool {
        let contacts = { (phone: String, email: String) in
            Set([phone.filter(\.isASCIIDigit), email.lowercased()].filter { !$0.isEmpty }) }
        return self.name.full.lowercased() == name.full.lowercased()
            && !contacts(self.phone, self.email).isDisjoint(with: contacts(phone, email))
    }
}
