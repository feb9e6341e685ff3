import Audit
import Catalog
import District
import EventLog
import Foundation
import Projections
import Testing

@Suite struct ReconciliationTests {
    @Test func generatedSchoolsReconcileWithoutDiscrepancies() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        for id in ["s01", "s02", "s03"] { try await schools.backUpInSeptember(id) }
        let district = try schools.district()
        defer { district.close() }
        let imported = try district.importAll(try ["s01", "s02", "s03"].map { try schools.bundle($0, to: "\($0)-1.bundle") })
        #expect(imported.allSatisfy { $0.heldBefore == 0 && $0.added > 1_000 })

        let report = try Reconciler(district: district, options: ReconcileOptions(asOf: Template.asOf)).run()
        #expect(report.schools == ["s01", "s02", "s03"])
        #expect(report.isClean, "\(report.text)")

        // The generator moved students between the schools: the check had something to match.
        var transfers = 0
        for id in ["s01", "s02", "s03"] {
            for (_, event) in try schools.events(id) {
                if case .studentLeft(let e) = event, !e.destinationSchoolID.isEmpty { transfers += 1 }
            }
        }
        #expect(transfers >= 3)

        // The district's views: the schools' own reports side by side.
        let views = DistrictReports(district: district)
        let rollout = try views.rollout(asOf: CivilDate(iso: "2024-10-31")!.daysSinceEpoch)
        #expect(rollout.schools.map(\.id) == ["s01", "s02", "s03"])
        #expect(rollout.total.students == rollout.schools.map(\.total.students).reduce(0, +))
        #expect(rollout.total.students > 60)
        let contingent = try views.contingent(date: CivilDate(iso: "2024-09-20")!.daysSinceEpoch)
        #expect(contingent.total == contingent.schools.map(\.report.total).reduce(0, +))
        #expect(contingent.text.contains("Итого по району"))
        let academic = try views.academic(period: "1 четверть", subject: nil, today: Template.asOf.daysSinceEpoch)
        #expect(academic.schools.count == 3)
        #expect(academic.schools.allSatisfy { !$0.classes.isEmpty })
        #expect(academic.total.assessed > 0)
    }

    @Test func everyPlantedDiscrepancyIsFoundOnce() async throws {
        let schools = try await Template.copy()
        defer { schools.close() }
        // s02 has no backup in the third quarter: the first plant.
        for id in ["s01", "s03"] { try await schools.backUpInSeptember(id) }
        let district = try schools.district()
        defer { district.close() }
        try district.importAll(try ["s01", "s02", "s03"].map { try schools.bundle($0, to: "\($0)-1.bundle") })

        // A student of s01 enrolled in s02 as well, on the same day.
        let s01 = try schools.events("s01")
        let leavers = Set(s01.compactMap { _, e -> String? in if case .studentLeft(let m) = e { m.studentID } else { nil } })
        let settled = s01.compactMap { _, e -> StudentEnrolled? in
            if case .studentEnrolled(let m) = e, !leavers.contains(m.studentID) { m } else { nil }
        }
        #expect(settled.count >= 2)
        let s02Class = try schools.events("s02").compactMap { _, e -> String? in
            if case .classCreated(let m) = e, m.grade == 5 { m.classID } else { nil }
        }.first!
        var twice = settled[0]
        twice.studentID = "S9001"
        twice.classID = s02Class
        twice.orderNumber = "900-у"
        try await schools.append("s02", twice, on: twice.enrolledOn)

        // s01 sends a student to s03, who never arrives there.
        var left = StudentLeft()
        left.studentID = settled[1].studentID
        left.classID = settled[1].classID
        left.on = "2024-10-15"
        left.destination = "МБОУ СОШ s03"
        left.destinationSchoolID = "s03"
        left.orderNumber = "901-о"
        left.reason = "перевод в другую образовательную организацию по заявлению родителей"
        try await schools.append("s01", left, on: left.on)

        // s03 receives a student from s02 that s02 never let go.
        let s03Class = try schools.events("s03").compactMap { _, e -> String? in
            if case .classCreated(let m) = e, m.grade == 6 { m.classID } else { nil }
        }.first!
        var arrived = StudentArrived()
        arrived.studentID = "S9002"
        arrived.name = Self.name("Новикова", "Дарья")
        arrived.sex = .female
        arrived.bornOn = "2013-03-03"
        arrived.snils = "999-000-001 01"
        arrived.classID = s03Class
        arrived.on = "2024-10-20"
        arrived.origin = "МБОУ СОШ s02"
        arrived.originSchoolID = "s02"
        arrived.orderNumber = "902-у"
        try await schools.append("s03", arrived, on: arrived.on)

        // s03 opened a class that got no final grade for the first term.
        var klass = ClassCreated()
        klass.classID = "2024-5Я"; klass.year = 2024; klass.grade = 5; klass.letter = "Я"; klass.name = "5Я"
        try await schools.append("s03", klass, on: "2024-09-01")
        var pupil = StudentEnrolled()
        pupil.studentID = "S9003"
        pupil.name = Self.name("Орлов", "Пётр")
        pupil.sex = .male
        pupil.bornOn = "2013-05-05"
        pupil.snils = "999-000-002 02"
        pupil.classID = "2024-5Я"
        pupil.enrolledOn = "2024-09-02"
        pupil.orderNumber = "903-у"
        try await schools.append("s03", pupil, on: "2024-09-02")

        // s02 reports one student more than its log holds.
        let s02Log = schools.log("s02")
        let views = try Projections.replay(log: s02Log, through: try s02Log.head())
        let truth = try RolloutReport.school(views, asOf: CivilDate(iso: "2024-11-08")!.daysSinceEpoch)
        var report = ReportSubmitted()
        report.report = "rollout"
        report.asOf = "2024-11-08"
        report.figures = [("students", Double(truth.total.students + 1), "Обучающиеся, всего"),
                          ("parents", Double(truth.total.parents), "Родители (законные представители), всего")].map {
            var f = ReportSubmitted.Figure()
            f.key = $0.0; f.value = $0.1; f.label = $0.2
            return f
        }
        try await schools.append("s02", report, on: "2024-11-09")

        // The second bundles; s03 signs its own with a date long past.
        let second = try ["s01", "s02", "s03"].map { id in
            try schools.bundle(id, to: "\(id)-2.bundle",
                               time: id == "s03" ? Timestamp(CivilDate(iso: "2024-09-20")!, hour: 12) : Timestamp(CivilDate(iso: "2024-11-09")!, hour: 16))
        }
        let imported = try district.importAll(second)
        #expect(imported.map(\.added) == [1, 2, 3])

        let result = try Reconciler(district: district, options: ReconcileOptions(asOf: Template.asOf)).run()
        for kind in DiscrepancyKind.allCases {
            #expect(result.counts[kind.rawValue] == 1, "\(kind.rawValue)\n\(result.text)")
        }
        #expect(result.discrepancies.count == DiscrepancyKind.allCases.count)
        func found(_ kind: DiscrepancyKind) -> Discrepancy? { result.discrepancies.first { $0.kind == kind } }
        #expect(found(.doubleEnrolment)?.schools == ["s01", "s02"])
        #expect(found(.doubleEnrolment)?.record == "СНИЛС \(settled[0].snils)")
        #expect(found(.departureWithoutArrival)?.events.map(\.school) == ["s01"])
        #expect(found(.arrivalWithoutDeparture)?.schools == ["s03", "s02"])
        #expect(found(.reportFigures)?.schools == ["s02"])
        #expect(found(.reportFigures)?.explanation.contains("students") == true)
        #expect(found(.reportFigures)?.explanation.contains("parents") == false)
        #expect(found(.periodWithoutFinals)?.explanation.contains("5Я") == true)
        #expect(found(.staleBundle)?.schools == ["s03"])
        #expect(found(.quarterWithoutBackup)?.schools == ["s02"])
        // Every event named is one the district holds, with its id.
        for d in result.discrepancies {
            #expect(!d.events.isEmpty, "\(d.kind)")
            for ref in d.events {
                #expect(try district.event(of: ref.school, at: ref.sequence)?.id.uuidString.lowercased() == ref.id)
            }
        }
    }

    static func name(_ last: String, _ first: String) -> PersonName {
        var n = PersonName()
        n.last = last; n.first = first
        return n
    }
}
