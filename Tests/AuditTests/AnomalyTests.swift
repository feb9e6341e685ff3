import Catalog
import EventLog
import Foundation
import Testing
@testable import Audit

@Suite struct AnomalyTests {
    /// One of each anomaly planted in a store written WITHOUT the rules, next to
    /// entries that are on time and must not be reported.
    func planted() -> RawSchool {
        var s = RawSchool()
        s.setUp()
        // late-lesson-entry: the lesson of 2 September, topic and roll entered on the 4th.
        s.lesson("2024-09-02", slot: 1, at: msk("2024-09-04", 10))
        s.roll("2024-5А/2024-09-02/1", absent: [], at: msk("2024-09-04", 10, 1))
        // late-homework: the class's last lesson of 5 September ends 09:45; homework at 12:00.
        s.lesson("2024-09-05", slot: 2, at: msk("2024-09-05", 9, 50))
        var late = HomeworkAssigned()
        late.lessonID = "2024-5А/2024-09-05/2"; late.text = "№ 1"
        s.add(late, "2024-09-05", by: teacher, at: msk("2024-09-05", 12))
        // On time: the homework of 6 September at 09:30 (the lesson ended 08:45).
        s.lesson("2024-09-06", slot: 1, at: msk("2024-09-06", 8, 50))
        var onTime = HomeworkAssigned()
        onTime.lessonID = "2024-5А/2024-09-06/1"; onTime.text = "№ 2"
        s.add(onTime, "2024-09-06", by: teacher, at: msk("2024-09-06", 9, 30))
        // after-edit-window: a grade of 6 September corrected on the 20th; one corrected in time.
        s.grade("M000001", "2024-5А/2024-09-06/1", "S0001", "3", at: msk("2024-09-06", 8, 55))
        s.grade("M000002", "2024-5А/2024-09-06/1", "S0002", "4", at: msk("2024-09-06", 8, 56))
        s.correct("M000002", lessonDate: "2024-09-06", to: "5", at: msk("2024-09-08", 10))
        s.correct("M000001", lessonDate: "2024-09-06", to: "4", by: admin, at: msk("2024-09-20", 10))
        // backdated: a grade for 10 September recorded on the 30th.
        s.lesson("2024-09-10", slot: 1, at: msk("2024-09-10", 8, 50))
        s.grade("M000003", "2024-5А/2024-09-10/1", "S0003", "5", at: msk("2024-09-30", 10))
        // ahead-of-its-day: the lesson of Friday 20 September recorded on Tuesday the 17th.
        s.lesson("2024-09-20", slot: 1, at: msk("2024-09-17", 10))
        // edit-burst: 21 corrections by T0001 within four minutes.
        s.lesson("2024-09-12", slot: 1, at: msk("2024-09-12", 8, 50))
        for i in 0..<21 {
            s.grade(String(format: "M1%05d", i), "2024-5А/2024-09-12/1", "S000\(i % 3 + 1)", "4", at: msk("2024-09-12", 8, 55))
        }
        for i in 0..<21 {
            s.correct(String(format: "M1%05d", i), lessonDate: "2024-09-12", to: "5",
                      at: msk("2024-09-13", 14).adding(seconds: Int64(i * 10)))
        }
        // blocked-user-change: P0001's login is blocked, then P0001 acknowledges a week.
        var consent = ConsentGiven()
        consent.personID = "P0001"; consent.personKind = .guardian; consent.givenOn = "2024-09-03"
        s.add(consent, "2024-09-03", at: msk("2024-09-03", 10))
        var issued = LoginIssued()
        issued.login = "p0001"; issued.personID = "P0001"; issued.personKind = .guardian; issued.role = .parent
        s.add(issued, "2024-09-03", at: msk("2024-09-03", 10, 5))
        var blocked = LoginBlocked()
        blocked.login = "p0001"; blocked.reason = "утерян пароль"
        s.add(blocked, "2024-09-13", at: msk("2024-09-13", 9))
        var ack = DiaryWeekAcknowledged()
        ack.studentID = "S0001"; ack.guardianID = "P0001"; ack.weekStart = "2024-09-09"
        s.add(ack, "2024-09-09", by: Actor(userID: "P0001", role: "parent"), at: msk("2024-09-14", 20))
        // login-without-consent: a student's login with no consent on record.
        var noConsent = LoginIssued()
        noConsent.login = "s0002"; noConsent.personID = "S0002"; noConsent.personKind = .student; noConsent.role = .student
        s.add(noConsent, "2024-09-16", at: msk("2024-09-16", 10))
        // quarter-without-backup: the only backup is in the fourth quarter; the third has none.
        var backup = BackupMade()
        backup.backupID = "B1"; backup.medium = "флешка"
        s.add(backup, "2024-10-15", by: admin, at: msk("2024-10-15", 16))
        // closed-period-change: a grade of 25 October corrected after the term was closed.
        s.lesson("2024-10-25", slot: 1, at: msk("2024-10-25", 8, 50))
        s.grade("M000004", "2024-5А/2024-10-25/1", "S0001", "3", at: msk("2024-10-25", 8, 55))
        var close = PeriodClosed()
        close.periodID = "2024-T1"
        s.add(close, "2024-10-26", by: admin, at: msk("2024-10-26", 18))
        s.correct("M000004", lessonDate: "2024-10-25", to: "4", at: msk("2024-10-27", 10))
        // period-reopened: reopened with a reason, one correction, closed again.
        var reopen = PeriodReopened()
        reopen.periodID = "2024-T1"; reopen.reason = "заявление родителя"
        s.add(reopen, "2024-11-01", by: admin, at: msk("2024-11-01", 10))
        s.correct("M000004", lessonDate: "2024-10-25", to: "5", by: admin, at: msk("2024-11-01", 11))
        s.add(close, "2024-11-01", by: admin, at: msk("2024-11-01", 12))
        return s
    }

    @Test func eachPlantedAnomalyIsFoundOnceWithItsEvents() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try await planted().write(to: dir.path)
        defer { log.close() }
        let report = try AnomalyScanner(log: log).run()
        let found = Dictionary(grouping: report.findings, by: \.kind)
        func count(_ kind: AnomalyKind) -> Int { found[kind]?.count ?? 0 }
        #expect(count(.lateLessonEntry) == 2, "\(found[.lateLessonEntry] ?? [])")
        for kind in AnomalyKind.allCases where kind != .lateLessonEntry {
            #expect(count(kind) == 1, "\(kind): \(found[kind] ?? [])")
        }
        #expect(report.counts.count == AnomalyKind.allCases.count)

        let events = try log.events(from: 1)
        func type(_ s: UInt64) -> String { events[Int(s) - 1].type }
        #expect(found[.lateHomework]?.first.map { type($0.sequences[0]) } == "HomeworkAssigned")
        #expect(found[.lateHomework]?.first?.explanation.contains("10:45") == true)
        #expect(found[.afterEditWindow]?.first?.record == "M000001")
        #expect(found[.afterEditWindow]?.first?.explanation.contains("administration") == true)
        #expect(found[.backdated]?.first?.record == "grade/M000003")
        #expect(found[.aheadOfItsDay]?.first?.record == "lesson/2024-5А/2024-09-20/1")
        #expect(found[.aheadOfItsDay]?.first?.explanation.contains("на 3 дн. раньше") == true, "\(found[.aheadOfItsDay] ?? [])")
        #expect(found[.editBurst]?.first?.sequences.count == 21)
        #expect(found[.editBurst]?.first?.actor == "T0001")
        #expect(found[.blockedUserChange]?.first.map { type($0.sequences[0]) } == "DiaryWeekAcknowledged")
        #expect(found[.loginWithoutConsent]?.first?.record == "S0002")
        #expect(found[.quarterWithoutBackup]?.first?.record == "III квартал 2024")
        #expect(found[.closedPeriodChange]?.first.map { type($0.sequences[0]) } == "GradeCorrected")
        let reopened = try #require(found[.periodReopened]?.first)
        #expect(reopened.sequences.map(type) == ["PeriodReopened", "GradeCorrected", "PeriodClosed"])
        #expect(reopened.explanation.contains("заявление родителя"))

        // Thresholds are options; a range keeps only the findings about its events.
        var lenient = AnomalyThresholds()
        lenient.burstCount = 30
        lenient.editWindowDays = 30
        lenient.backdatingDays = 30
        let relaxed = try AnomalyScanner(log: log, thresholds: lenient).run()
        #expect(relaxed.counts["edit-burst"] == 0 && relaxed.counts["after-edit-window"] == 0 && relaxed.counts["backdated"] == 0)
        let tail = try AnomalyScanner(log: log).run(from: UInt64(events.count) - 2)
        #expect(Set(tail.findings.map(\.kind)) == [.periodReopened])
        #expect(AuditText.anomalies(report).contains("логин выдан без согласия на обработку ПДн [login-without-consent]: 1"))
    }

    @Test func aStoreWrittenThroughTheRulesHasNoLoginWithoutConsent() async throws {
        let school = try await GeneratedSchool.make(weeks: 20)
        defer { school.cleanup() }
        let report = try AnomalyScanner(log: school.log).run()
        // The rules forbid these; the generator's logins and consents come in every order the rules allow.
        #expect(report.counts["login-without-consent"] == 0)
        #expect(report.counts["closed-period-change"] == 0)
        #expect(report.counts["blocked-user-change"] == 0)
        #expect(report.counts["ahead-of-its-day"] == 0)
        let logins = try school.log.events(from: 1).filter { $0.type == "LoginIssued" }
        #expect(logins.count > 50, "the generated school issues logins")
        // What the demo plants on purpose is found: late entries, late homework, the reopening.
        #expect((report.counts["late-lesson-entry"] ?? 0) > 0)
        #expect((report.counts["late-homework"] ?? 0) > 0)
    }
}
