import EventLog
import Foundation
import HTTPTypes
import Records
@testable import Server
import Testing

/// Rendered pages kept until the school records something (`PageCache`):
/// the kept page is the page rendered anew, byte for byte; it carries each
/// session's own anti-forgery token; and it is gone as soon as anything is
/// recorded, so a write shows at the next read.
@Suite struct PageCacheTests {
    /// The pages the test reads, for a server on a fresh copy of the template.
    static func pages(_ t: Template) -> [(path: String, who: Who)] {
        let heldWeek = CivilDate(iso: String(t.heldLesson.split(separator: "/")[1]))!.weekStart
        return [("/diary?student=\(t.child)&week=\(heldWeek.iso)", .parent),
                ("/diary?student=\(t.child)&week=\(Template.monday.iso)", .parent),
                ("/teacher/journal?unit=\(urlEncoded(t.classID))&subject=\(urlEncoded(t.subject))", .teacher)]
    }

    /// A page with the session's token taken out, to compare two sessions' pages.
    static func withoutToken(_ reply: Reply, _ visitor: Visitor) -> String {
        reply.text.replacingOccurrences(of: visitor.csrfToken ?? "-", with: "TOKEN")
    }

    @Test func aKeptPageIsThePageRenderedAnewWithTheSessionsOwnToken() async throws {
        // The same pages from a server that renders every request.
        let rendered = try await TestServer.run(signIn: [.teacher, .parent], configure: { $0.pageCache = false }) { server in
            var texts: [String] = []
            for (path, who) in Self.pages(server.template) {
                let reply = try await server.page(path, as: server.visitor(who))
                try #require(reply.status == .ok, "\(path): \(reply)")
                texts.append(Self.withoutToken(reply, server.visitor(who)))
            }
            #expect(server.served.pages.count == 0, "pages were kept with the cache off")
            return texts
        }
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let parent = server.visitor(.parent)
            // A second session of the same parent (another device): its own token.
            let phone = Visitor(.parent, sample: server.template.sample(.parent))
            try #require(try await server.signInAgain(.parent, as: phone).status == .ok)
            try #require(phone.csrfToken != nil && phone.csrfToken != parent.csrfToken)
            for (index, (path, who)) in Self.pages(server.template).enumerated() {
                let visitor = server.visitor(who)
                let first = try await server.page(path, as: visitor)
                let kept = server.served.pages.count
                let again = try await server.page(path, as: visitor)
                #expect(kept > 0 && server.served.pages.count == kept, "\(path): the page was not kept (\(kept) kept)")
                #expect(first.body == again.body, "\(path): the kept page differs from the first")
                #expect(Self.withoutToken(again, visitor) == rendered[index], "\(path): the kept page differs from one rendered anew")
                #expect(again.text.contains(try #require(visitor.csrfToken)), "\(path): the page lacks the session's token")
                #expect(!again.text.contains(server.served.pages.tokenMark), "\(path): the token's mark was left in the page")
                if who == .parent {
                    let other = try await server.page(path, as: phone)
                    #expect(other.text.contains(phone.csrfToken!) && !other.text.contains(parent.csrfToken!),
                            "\(path): a kept page carried another session's token")
                    #expect(Self.withoutToken(other, phone) == rendered[index])
                }
            }
        }
    }

    @Test func aPageIsRenderedAnewOnceSomethingIsRecorded() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template
            let (diary, _) = Self.pages(t)[0]
            let (journal, _) = Self.pages(t)[2]
            let parent = server.visitor(.parent), teacher = server.visitor(.teacher)
            let marks = { (reply: Reply) in reply.text.components(separatedBy: "/diary/mark?grade=").count - 1 }
            let diaryBefore = marks(try await server.page(diary, as: parent))
            let journalBefore = marks(try await server.page(journal, as: teacher))
            _ = try await server.page(diary, as: parent)

            // The teacher records a grade through the API; the very next reads show it.
            let recorded = try await server.post("/api/v1/grades", ["lesson": t.heldLesson, "student": t.child, "value": "4",
                                                                    "workType": t.workType], as: teacher)
            try #require(recorded.status == .created, "\(recorded)")
            #expect(marks(try await server.page(diary, as: parent)) == diaryBefore + 1, "the diary was served from before the grade")
            #expect(marks(try await server.page(journal, as: teacher)) == journalBefore + 1, "the journal was served from before the grade")

            // A notice («Сохранено») is shown once, and never kept for the next read.
            let saved = try await server.page(journal + "&saved=column", as: teacher)
            #expect(saved.text.contains("Оценки столбца сохранены."))
            #expect(!(try await server.page(journal, as: teacher)).text.contains("Оценки столбца сохранены."))
        }
    }
}
