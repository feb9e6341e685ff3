import Catalog
import Foundation
import EventLog

/// The schools of one district and their people, decided from the seed before
/// anything is recorded. Students who move from one school of the store to
/// another appear in both plans with the same name, birth date and SNILS.
struct DistrictPlan {
    static let town = "Краснореченск"
    static let townGenitive = "Краснореченска"
    static let district = "Краснореченский городской округ"
    /// Schools outside the store that students come from and go to.
    static let outsideSchools = [
        "МБОУ СОШ № 12 г. Пензы", "МБОУ «Лицей № 2» г. Сызрани", "МАОУ СОШ № 5 г. Саранска", "МБОУ СОШ № 3 г. Кузнецка",
        "ГБОУ Школа № 1524 г. Москвы", "МБОУ «Гимназия № 1» г. Ульяновска", "МОУ СОШ с. Лопатино",
    ]

    var schools: [SchoolPlan] = []

    init(options: SchoolYearOptions) {
        let ids = options.schoolIDs
        var snils = SNILSMaker(seed: options.seed)
        var numbers = SeededGenerator(seed: options.seed, stream: "school numbers")
        var number = 1
        for (k, id) in ids.enumerated() {
            if k > 0 { number += numbers.int(1...3) }
            var rng = SeededGenerator(seed: options.seed, stream: "people \(id)")
            schools.append(Self.school(id: id, number: number, options: options, snils: &snils, rng: &rng))
        }
        let calendar = SchoolCalendar(year: options.year)
        for k in schools.indices {
            var rng = SeededGenerator(seed: options.seed, stream: "movements \(schools[k].id)")
            planOutsideMovements(school: k, calendar: calendar, options: options, snils: &snils, rng: &rng)
        }
        if schools.count > 1 {
            var rng = SeededGenerator(seed: options.seed, stream: "transfers")
            planTransfers(calendar: calendar, options: options, rng: &rng)
        }
        for k in schools.indices { numberOrders(school: k, year: options.year) }
    }

    private static func school(id: String, number: Int, options: SchoolYearOptions, snils: inout SNILSMaker,
                               rng: inout SeededGenerator) -> SchoolPlan {
        var plan = SchoolPlan(
            id: id, number: number, shortName: "МБОУ СОШ № \(number) г. \(townGenitive)",
            fullName: "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № \(number)» г. \(townGenitive)",
            address: "г. \(town), \(rng.pick(RussianNames.streets)), д. \(rng.int(1...60))")
        var names = NameMaker(rng: SeededGenerator(seed: rng.next()))
        // Fewer students in 10–11: about a third of ninth-graders go on to college.
        let weights = options.grades.map { $0 <= 4 ? 1.0 : $0 <= 9 ? 0.95 : 0.5 }
        let total = weights.reduce(0, +)
        for (grade, weight) in zip(options.grades, weights) {
            let count = max(3, Int((Double(options.students) * weight / total * rng.uniform(0.92, 1.08)).rounded()))
            let parallels = max(1, min(6, Int((Double(count) / 26).rounded())))
            for p in 0..<parallels {
                let letter = String(Array("АБВГДЕ")[p])
                let size = count / parallels + (p < count % parallels ? 1 : 0)
                let classIndex = plan.classes.count
                plan.classes.append(ClassPlan(id: "\(options.year)-\(grade)\(letter)", grade: grade, letter: letter, name: "\(grade)\(letter)"))
                for _ in 0..<size {
                    let student = addStudent(to: &plan, grade: grade, classIndex: classIndex, year: options.year,
                                             names: &names, snils: &snils, rng: &rng)
                    plan.classes[classIndex].initial.append(student)
                }
            }
        }
        return plan
    }

    /// A student with a family: a new one, or (one time in eight) the family of
    /// a brother or sister in another grade.
    @discardableResult
    static func addStudent(to plan: inout SchoolPlan, grade: Int, classIndex: Int, year: Int, names: inout NameMaker,
                           snils: inout SNILSMaker, rng: inout SeededGenerator, newFamily: Bool = false) -> Int {
        let female = rng.chance(0.49)
        var family = -1
        if !newFamily && !plan.families.isEmpty && rng.chance(0.13) {
            for _ in 0..<5 {
                let candidate = rng.int(below: plan.families.count)
                let children = plan.families[candidate].children
                if children.count < 3 && !children.contains(where: { plan.students[$0].grade == grade }) {
                    family = candidate
                    break
                }
            }
        }
        let father: RussianNames.Father
        if family < 0 {
            family = plan.families.count
            plan.families.append(FamilyPlan(surname: rng.pick(RussianNames.surnames), refuses: rng.chance(0.015)))
            father = addGuardians(to: &plan, family: family, names: &names, rng: &rng)
        } else {
            let first = plan.students[plan.families[family].children[0]]
            let patronymic = first.name.middle
            father = RussianNames.men.first { $0.son == patronymic || $0.daughter == patronymic } ?? rng.pick(RussianNames.men)
        }
        let index = plan.students.count
        let born = CivilDate(year: year - 6 - grade, month: 9, day: 1)!.adding(days: -rng.int(30...400))
        plan.students.append(StudentPlan(
            id: code("S", index + 1, width: 4),
            name: names.child(surname: plan.families[family].surname, female: female, father: father),
            sex: female ? .female : .male, bornOn: born, snils: snils.make(), grade: grade, classIndex: classIndex,
            family: family, skill: rng.normal(), frailty: exp(0.5 * rng.normal()), arrival: nil, departure: nil))
        plan.families[family].children.append(index)
        return index
    }

    /// Mother and father as most families register; now and then only one, or
    /// a grandmother as the legal representative. Returns the children's father.
    private static func addGuardians(to plan: inout SchoolPlan, family: Int, names: inout NameMaker,
                                     rng: inout SeededGenerator) -> RussianNames.Father {
        let surname = plan.families[family].surname
        var father = rng.pick(RussianNames.men)
        func add(_ name: PersonName, _ relation: GuardianRelation, emailChance: Double) {
            let id = code("P", plan.guardians.count + 1, width: 4)
            let email = rng.chance(emailChance) ? names.email(name) : ""
            plan.guardians.append(GuardianPlan(id: id, name: name, relation: relation, email: email, phone: names.phone(), family: family))
            plan.families[family].guardians.append(plan.guardians.count - 1)
        }
        if rng.chance(0.01) {
            let (grandmother, _) = names.adult(surname: rng.chance(0.5) ? surname : rng.pick(RussianNames.surnames), female: true)
            add(grandmother, .otherLegalRepresentative, emailChance: 0.2)
            return father
        }
        let hasMother = rng.chance(0.96)
        if hasMother {
            // One mother in ten kept her own surname.
            let (mother, _) = names.adult(surname: rng.chance(0.9) ? surname : rng.pick(RussianNames.surnames), female: true)
            add(mother, .mother, emailChance: 0.6)
        }
        if !hasMother || rng.chance(0.72) {
            let (man, himself) = names.adult(surname: surname, female: false)
            father = himself!
            add(man, .father, emailChance: 0.45)
        }
        return father
    }

    static func code(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
