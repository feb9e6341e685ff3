import Catalog
import EventLog
import Records

/// The director's orders during the year, recorded by the coordinator before
/// the first lesson: departures, arrivals (with their guardians) and moves
/// between parallels, with the group changes each brings.
extension SchoolSimulation {
    func contingent(on day: CivilDate) {
        var second = 8 * 3600
        func tick() -> Int { second += 40; return second }
        for (s, student) in plan.students.enumerated() {
            if let departure = student.departure, departure.on == day, classOf[s] >= 0 {
                batches.add(day, minute: 0, second: tick(), RecordDeparture(
                    studentID: student.id, on: day, destination: departure.destination,
                    destinationSchoolID: departure.destinationSchoolID, orderNumber: departure.orderNumber,
                    reason: departure.reason), as: coordinator)
                remove(s)
                counts.departures += 1
                if !departure.destinationSchoolID.isEmpty { counts.transfersOut += 1 }
            }
            if let arrival = student.arrival, arrival.on == day {
                let klass = plan.classes[student.classIndex]
                batches.add(day, minute: 0, second: tick(), EnrollStudent(
                    name: student.name, sex: student.sex, bornOn: student.bornOn, snils: student.snils, classID: klass.id,
                    on: day, orderNumber: arrival.orderNumber, origin: (arrival.origin, arrival.originSchoolID),
                    studentID: student.id), as: coordinator)
                registerFamily(student.family, on: day, second: tick(), as: coordinator)
                second += 30
                place(s, in: student.classIndex)
                for g in groupsOf(s) {
                    batches.add(day, minute: 0, second: tick(), ChangeGroupMembership(
                        groupID: staffing.groups[g].id, studentID: student.id, joins: true, on: day), as: coordinator)
                }
                counts.arrivals += 1
                if !arrival.originSchoolID.isEmpty { counts.transfersIn += 1 }
            }
        }
        for move in plan.moves where move.on == day && classOf[move.student] >= 0 {
            let s = move.student
            let id = plan.students[s].id
            for g in groupsOf(s) {
                batches.add(day, minute: 0, second: tick(), ChangeGroupMembership(
                    groupID: staffing.groups[g].id, studentID: id, joins: false, on: day), as: coordinator)
            }
            batches.add(day, minute: 0, second: tick(), MoveStudent(
                studentID: id, toClassID: plan.classes[move.toClass].id, on: day, orderNumber: move.orderNumber,
                reason: "по заявлению родителей (законных представителей)"), as: coordinator)
            remove(s)
            place(s, in: move.toClass)
            for g in groupsOf(s) {
                batches.add(day, minute: 0, second: tick(), ChangeGroupMembership(
                    groupID: staffing.groups[g].id, studentID: id, joins: true, on: day), as: coordinator)
            }
            counts.moves += 1
        }
    }

    func groupsOf(_ s: Int) -> [Int] { groupMembers.indices.filter { groupMembers[$0].contains(s) } }

    /// Takes a student out of their class and groups in the generator's model.
    func remove(_ s: Int) {
        let c = classOf[s]
        guard c >= 0 else { return }
        rosters[c].removeAll { $0 == s }
        for g in groupMembers.indices { groupMembers[g].removeAll { $0 == s } }
        classOf[s] = -1
        pendingNotes[s] = nil
    }

    /// The class a student is in on a day by the plan (for the office work
    /// planned ahead: consents and logins go through that class's teacher).
    func plannedClass(of s: Int, on day: CivilDate) -> Int? {
        let student = plan.students[s]
        if let arrival = student.arrival, day < arrival.on { return nil }
        if let departure = student.departure, day >= departure.on { return nil }
        if let move = plan.moves.first(where: { $0.student == s }), day >= move.on { return move.toClass }
        return student.classIndex
    }
}
