import Catalog
import EventLog

/// The people and classes of one generated school, before anything is
/// recorded: what the simulation then records through the commands.
struct SchoolPlan {
    var id: String
    var number: Int
    var shortName: String
    var fullName: String
    var address: String
    var classes: [ClassPlan] = []
    var students: [StudentPlan] = []
    var families: [FamilyPlan] = []
    var guardians: [GuardianPlan] = []
    var staff: [StaffPlan] = []
    var moves: [MovePlan] = []
}

struct ClassPlan {
    var id: String
    var grade: Int
    var letter: String
    var name: String
    /// Staff index of the class teacher.
    var teacher = -1
    /// The students on the first day.
    var initial: [Int] = []
}

struct StudentPlan {
    var id: String
    var name: PersonName
    var sex: Sex
    var bornOn: CivilDate
    var snils: String
    var grade: Int
    /// The class on the first day, or the class an arrival joins.
    var classIndex: Int
    var family: Int
    /// Latent ability (standard normal): drives every mark the student gets.
    var skill: Double
    /// How often the student falls ill, relative to the average.
    var frailty: Double
    var arrival: Arrival?
    var departure: Departure?
}

struct Arrival {
    var on: CivilDate
    var origin: String
    var originSchoolID: String
    var orderNumber: String
}

struct Departure {
    var on: CivilDate
    var destination: String
    var destinationSchoolID: String
    var orderNumber: String
    var reason: String
}

struct MovePlan {
    var student: Int
    var on: CivilDate
    var toClass: Int
    var orderNumber: String
}

struct FamilyPlan {
    var surname: String
    var guardians: [Int] = []
    var children: [Int] = []
    /// Refused consent to process personal data: no logins in this family.
    var refuses = false
}

struct GuardianPlan {
    var id: String
    var name: PersonName
    var relation: GuardianRelation
    var email: String
    var phone: String
    var family: Int
}

struct StaffPlan {
    var id: String
    var name: PersonName
    var female: Bool
    var position: String
    var specialty: Specialty?
    var roles: [Role]
    var email: String
    var snils: String
    var hiredOn: CivilDate
}

/// Makes valid SNILS numbers, unique within the district.
struct SNILSMaker {
    private var next: Int

    /// The students' numbers of a district: from 110 000 000 up, by the seed.
    init(seed: UInt64) { next = 110_000_000 + Int(seed % 400) * 1_000_000 }

    init(base: Int) { next = base }

    mutating func make() -> String {
        next += 1_013
        let digits = String(next).compactMap { $0.wholeNumberValue }
        var sum = 0
        for i in 0..<9 { sum += digits[i] * (9 - i) }
        var check = sum % 101
        if check == 100 { check = 0 }
        let d = digits.map(String.init).joined()
        let checkText = check < 10 ? "0\(check)" : "\(check)"
        return "\(d.prefix(3))-\(d.dropFirst(3).prefix(3))-\(d.dropFirst(6)) \(checkText)"
    }
}

/// Names people as Russian documents do.
struct NameMaker {
    var rng: SeededGenerator

    mutating func child(surname: String, female: Bool, father: RussianNames.Father) -> PersonName {
        var name = PersonName()
        name.last = female ? RussianNames.feminine(surname) : surname
        name.first = rng.pick(female ? RussianNames.girls : RussianNames.boys)
        name.middle = female ? father.daughter : father.son
        return name
    }

    mutating func adult(surname: String, female: Bool) -> (PersonName, RussianNames.Father?) {
        var name = PersonName()
        name.last = female ? RussianNames.feminine(surname) : surname
        let ownFather = rng.pick(RussianNames.men)
        name.middle = female ? ownFather.daughter : ownFather.son
        if female {
            name.first = rng.pick(RussianNames.women)
            return (name, nil)
        }
        let himself = rng.pick(RussianNames.men)
        name.first = himself.name
        return (name, himself)
    }

    mutating func email(_ name: PersonName, domain: String? = nil) -> String {
        let last = RussianNames.latin(name.last), first = RussianNames.latin(name.first)
        let user: String
        switch rng.int(0...3) {
        case 0: user = "\(first).\(last)"
        case 1: user = "\(last).\(first.prefix(1))\(rng.int(70...99))"
        case 2: user = "\(first)\(last.prefix(3))\(rng.int(1...999))"
        default: user = "\(last)\(rng.int(1975...1996))"
        }
        return "\(user)@\(domain ?? rng.pick(RussianNames.mailDomains))"
    }

    mutating func phone() -> String {
        "+7 9\(rng.int(10...99)) \(rng.int(100...999))-\(rng.int(10...99))-\(rng.int(10...99))"
    }
}
