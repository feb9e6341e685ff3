import Foundation
import HTTPTypes
import ProgramRunner
import Records
@testable import Server
import Testing

/// A mark's history and receipt: recorded, corrected with a reason, read by
/// its parent over the API and as a page; hidden (404, the log unchanged) from
/// another family and a teacher of another class; its receipt checked by the
/// real `letopis verify-proof` once a signed checkpoint covers it, and refused
/// once one byte of an event in it is changed.
@Suite struct MarkHistoryTests {
    @Test func aCorrectedMarkShowsWhoWhenAndWhyToItsParentAndItsReceiptVerifiesOffline() async throws {
        try await TestServer.run(signIn: [.teacher, .parent, .otherParent, .otherTeacher]) { t in
            let template = t.template
            let teacher = t.visitor(.teacher), parent = t.visitor(.parent)

            let recorded = try await t.post("/api/v1/grades", ["lesson": template.heldLesson, "student": template.child, "value": "3",
                                                               "workType": template.workType], as: teacher)
            #expect(recorded.status == .created, "\(recorded)")
            let grade = try #require(recorded.json["id"] as? String)
            let corrected = try await t.post("/api/v1/grades/\(grade)/correction", ["value": "4", "reason": "ошибка при вводе"], as: teacher)
            #expect(corrected.status == .created, "\(corrected)")

            // The history, as the parent reads it.
            let history = try await t.get("/api/v1/grades/\(grade)/history", as: parent)
            #expect(history.status == .ok, "\(history)")
            let json = history.json
            #expect(json["grade"] as? String == grade && json["student"] as? String == template.child)
            let setBy = try #require(json["setBy"] as? [String: Any])
            #expect(setBy["id"] as? String == template.personID(.teacher) && setBy["roleName"] as? String == "учитель", "\(setBy)")
            #expect((setBy["name"] as? String ?? "").isEmpty == false)
            #expect((json["setAt"] as? String ?? "").hasSuffix("Z") && (json["setAtMoscow"] as? String ?? "").hasSuffix("+03:00"), "\(json)")
            let lesson = try #require(json["lesson"] as? [String: Any])
            #expect(lesson["id"] as? String == template.heldLesson)
            let changes = try #require(json["changes"] as? [[String: Any]])
            try #require(changes.count == 1, "\(changes)")
            let change = changes[0]
            #expect(change["kind"] as? String == "correction" && change["reason"] as? String == "ошибка при вводе", "\(change)")
            #expect((change["before"] as? [String: Any])?["value"] as? String == "3")
            #expect((change["after"] as? [String: Any])?["value"] as? String == "4")
            #expect((change["by"] as? [String: Any])?["id"] as? String == template.personID(.teacher))
            #expect((change["sequence"] as? Int ?? 0) > (json["sequence"] as? Int ?? .max))
            #expect((json["current"] as? [String: Any])?["value"] as? String == "4" && json["voided"] as? Bool == false)

            // The page: from the diary's mark, in Russian, with the receipt to download.
            let week = String(template.heldLesson.split(separator: "/").dropLast().last ?? "")
            let diary = try await t.page("/diary?student=\(template.child)&week=\(week)", as: parent)
            #expect(diary.text.contains("/diary/mark?grade=\(grade)"), "the diary's mark links to its history")
            let page = try await t.page("/diary/mark?grade=\(grade)", as: parent)
            #expect(page.status == .ok, "\(page)")
            expectPageHeaders(page, "the mark's history")
            for text in ["История оценки", "поставлена", "исправлена", "ошибка при вводе", "учитель", setBy["name"] as? String ?? "?",
                         "/api/v1/grades/\(grade)/receipt", "Время московское"] {
                #expect(page.text.contains(text), "the page shows \(text)")
            }
            #expect(!page.text.contains("<script"), "no script on the page")

            // Another family's parent and a teacher of another class: 404 as for no mark, the log unchanged.
            let head = try t.log.head()
            for who in [Who.otherParent, .otherTeacher] {
                for path in ["/api/v1/grades/\(grade)/history", "/api/v1/grades/\(grade)/receipt"] {
                    let refused = try await t.get(path, as: t.visitor(who))
                    #expect(refused.status == .notFound && refused.rule == "not-found", "\(who) \(path): \(refused)")
                }
                let refused = try await t.page("/diary/mark?grade=\(grade)", as: t.visitor(who))
                #expect(refused.status == .notFound && refused.text.contains("Такой записи нет."), "\(who): \(refused)")
            }
            let missing = try await t.get("/api/v1/grades/M999999/history", as: parent)
            #expect(missing.status == .notFound && missing.rule == "not-found", "\(missing)")
            #expect(try t.log.head() == head, "a refused read records nothing")

            // Before a signed checkpoint covers them, the receipt says so and proves nothing.
            let early = try await t.get("/api/v1/grades/\(grade)/receipt", as: parent)
            #expect(early.status == .ok, "\(early)")
            #expect(early.headers[.contentDisposition] == "attachment; filename=\"mark-\(grade)-receipt.json\"")
            #expect((early.json["pending"] as? [Any])?.count == 2 && (early.json["proofs"] as? [Any])?.isEmpty == true, "\(early)")
            #expect((early.json["note"] as? String ?? "").contains("next signed checkpoint"))

            // The school's key and a checkpoint of the log as it is, by the command line.
            let store = t.store.path
            let key = try letopis(["key", "create"], store: store)
            #expect(key.status == 0, "\(key.err)")
            let checkpoint = try letopis(["checkpoint"], store: store)
            #expect(checkpoint.status == 0, "\(checkpoint.err)")
            let exported = try letopis(["key", "export"], store: store)
            let publicKey = t.store.directory + "/s01.pub"
            try exported.out.write(toFile: publicKey, atomically: true, encoding: .utf8)

            let receipt = try await t.get("/api/v1/grades/\(grade)/receipt", as: parent)
            #expect(receipt.status == .ok, "\(receipt)")
            #expect((receipt.json["proofs"] as? [Any])?.count == 2 && (receipt.json["pending"] as? [Any])?.isEmpty == true, "\(receipt)")
            let file = t.store.directory + "/mark-\(grade)-receipt.json"
            try receipt.body.write(to: URL(fileURLWithPath: file))
            let verified = try ProgramRunner.run(ProgramRunner.letopis, ["verify-proof", file, "--public-key", publicKey])
            #expect(verified.status == 0, "\(verified.out)\(verified.err)")
            #expect(verified.out.contains("The proof holds."), "\(verified.out)")

            // One byte of the correction's stored event changed: the receipt no longer holds.
            var object = try #require(try JSONSerialization.jsonObject(with: receipt.body) as? [String: Any])
            var proofs = try #require(object["proofs"] as? [[String: Any]])
            var stored = try #require(Data(base64Encoded: proofs[1]["stored"] as? String ?? ""))
            stored[stored.count / 2] ^= 0x01
            proofs[1]["stored"] = stored.base64EncodedString()
            object["proofs"] = proofs
            let tampered = t.store.directory + "/tampered.json"
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: tampered))
            let refused = try ProgramRunner.run(ProgramRunner.letopis, ["verify-proof", tampered, "--public-key", publicKey])
            #expect(refused.status == 1, "\(refused.out)\(refused.err)")
            #expect(refused.out.contains("FAILED") && refused.out.contains("does NOT hold"), "\(refused.out)")

            // Voided after the checkpoint: the history ends with the void; the receipt proves what the
            // checkpoint covers and names the void as not yet covered, signing nothing.
            let voided = try await t.post("/api/v1/grades/\(grade)/void", ["reason": "поставлена не тому ученику"], as: teacher)
            #expect(voided.status == .created, "\(voided)")
            let after = try await t.get("/api/v1/grades/\(grade)/history", as: parent)
            let last = (after.json["changes"] as? [[String: Any]])?.last ?? [:]
            #expect(last["kind"] as? String == "void" && last["reason"] as? String == "поставлена не тому ученику" && last["after"] == nil,
                    "\(after)")
            #expect(after.json["voided"] as? Bool == true)
            let voidPage = try await t.page("/diary/mark?grade=\(grade)", as: parent)
            #expect(voidPage.text.contains("аннулирована") && voidPage.text.contains("поставлена не тому ученику"), "\(voidPage)")
            let later = try await t.get("/api/v1/grades/\(grade)/receipt", as: parent)
            #expect((later.json["proofs"] as? [Any])?.count == 2 && (later.json["pending"] as? [Any])?.count == 1, "\(later)")
            #expect((later.json["note"] as? String ?? "").contains("not yet covered"))
        }
    }
}

extension TestServer {
    /// A mark of the template's child that the teacher gave in their own lesson
    /// of the class (the matrix's mark: its readers are the child's and the lesson's).
    func childsGrade() -> String {
        let child = template.child, teacher = template.personID(.teacher), classID = template.classID
        return served.recorder.withState { state in
            state.grades.values.filter { grade in
                grade.studentID == child && !grade.voided
                    && state.lessons[grade.lessonID].map { $0.teacherID == teacher && $0.unitID == classID && !$0.voided } == true
            }.map(\.id).sorted().first ?? "none"
        }
    }
}
