import Foundation
import HTTPTypes
@testable import Server
import Testing

/// The web pages: Russian HTML with its headers, the sign-in with a slip and
/// the forced password, the teacher's day and lesson recorded through the
/// forms, the diary week, refusals shown with the rule's words, anti-forgery,
/// escaping of what people typed.
@Suite struct PagesTests {
    @Test func theSignInPageIsRussianHTMLForAPhoneWithItsStylesheet() async throws {
        try await TestServer.run(signIn: []) { server in
            let page = try await server.page("/sign-in", as: server.visitor(.anonymous))
            #expect(page.status == .ok, "\(page)")
            expectPageHeaders(page, "the sign-in page")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.text.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(page.text.contains("Вход в электронный журнал"))
            #expect(page.text.contains(#"<label for="login">Логин</label>"#) && page.text.contains(#"<label for="password">Пароль</label>"#))
            let link = try #require(page.text.range(of: #"/static/style\.css\?v=[0-9a-f]+"#, options: .regularExpression))
            let css = try await server.page(String(page.text[link]), as: nil)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8", "\(css)")
            #expect(css.headers[.cacheControl]?.contains("max-age=31536000") == true, "\(css.headers)")
            #expect(css.text.contains("--ink") && css.text.count < 16_000)
            expectPageHeaders(css, "the stylesheet")

            // A page that does not exist, asked for by a browser: a page; by the API's clients: JSON.
            let missing = try await server.page("/no/such/page", as: nil)
            #expect(missing.status == .notFound && missing.text.contains("Такой записи нет."), "\(missing)")
            expectPageHeaders(missing, "a missing page")
            let api = try await server.get("/no/such/page", as: nil)
            #expect(api.status == .notFound && api.rule == "not-found", "\(api)")
        }
    }

    @Test func aSlipSignsInThroughThePagesWithTheForcedPasswordAndSignsOut() async throws {
        try await TestServer.run(signIn: []) { server in
            // The auditor's login was issued for the tests: never used (a staff member's start page is the day too).
            let sample = server.template.sample(.auditor)
            let browser = server.visitor(.auditor)
            let head = try server.log.head()

            // A wrong password and an unknown login: the form again, with the same words.
            let wrong = try await server.submit("/sign-in", [("login", sample.login), ("password", "Неверный-пароль")], as: browser)
            let unknown = try await server.submit("/sign-in", [("login", "nobody.xx"), ("password", "Неверный-пароль")],
                                                  as: server.visitor(.anonymous))
            for reply in [wrong, unknown] {
                #expect(reply.status == .unauthorized && reply.text.contains("Неверный логин или пароль."), "\(reply)")
                expectPageHeaders(reply, "a failed sign-in")
            }

            let first = try await server.submit("/sign-in", [("login", sample.login), ("password", sample.temporaryPassword)], as: browser)
            #expect(first.status == .seeOther && first.location == "/password", "\(first)")
            #expect(try server.log.head() == head, "a sign-in that is not finished records nothing")
            // Until the new password is set, the pages lead back to it.
            #expect(try await server.page("/teacher/day", as: browser).location == "/password")
            #expect(try await server.page("/", as: browser).location == "/password")

            let form = try await server.page("/password", as: browser)
            #expect(form.status == .ok && form.text.contains("Задайте свой пароль"), "\(form)")
            expectPageHeaders(form, "the new password's page")
            #expect(!form.text.contains(#"name="current""#), "the temporary password is not asked again")
            #expect(form.text.contains(#"action="/sign-out""#), "no way out of the forced change")

            let before = try server.snapshot()
            let short = try await server.submit("/password", [("new", "1234567"), ("repeat", "1234567")], as: browser)
            #expect(short.status == .unprocessableContent, "\(short)")
            #expect(short.text.contains("В пароле 7 симв., а нужно не меньше 8.") && short.text.contains("Придумайте пароль подлиннее"),
                    "\(short)")
            expectPageHeaders(short, "a refused password")
            let common = try await server.submit("/password", [("new", "password"), ("repeat", "password")], as: browser)
            #expect(common.status == .unprocessableContent && common.text.contains("слишком распространён"), "\(common)")
            let differ = try await server.submit("/password", [("new", sample.password), ("repeat", sample.password + "!")], as: browser)
            #expect(differ.status == .unprocessableContent && differ.text.contains("не совпадают"), "\(differ)")
            #expect(try server.snapshot() == before, "a refused password recorded something")

            let changed = try await server.submit("/password", [("new", sample.password), ("repeat", sample.password)], as: browser)
            #expect(changed.status == .seeOther && changed.location == "/teacher/day", "\(changed)")
            let recorded = try server.events(after: head)
            #expect(recorded.map(\.type) == ["LoginActivated", "PasswordChanged", "SignedIn"], "\(recorded.map(\.type))")
            #expect(try await server.page("/", as: browser).location == "/teacher/day")
            let day = try await server.page("/teacher/day", as: browser)
            #expect(day.status == .ok && day.text.contains("Выйти"), "\(day)")

            let out = try await server.submit("/sign-out", [], as: browser)
            #expect(out.status == .seeOther && out.location == "/sign-in", "\(out)")
            #expect(try await server.page("/teacher/day", as: browser).location == "/sign-in")
            #expect(try await server.get("/api/v1/me", as: browser).status == .unauthorized, "the session outlived the sign-out")

            // The own password now: straight in.
            let again = try await server.submit("/sign-in", [("login", sample.login), ("password", sample.password)], as: browser)
            #expect(again.status == .seeOther && again.location == "/", "\(again)")
            #expect(try await server.page("/", as: browser).location == "/teacher/day")
        }
    }

    @Test func theTeacherEntersALessonThroughTheFormsAndTheDiaryShowsItEscaped() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher)
            let day = try await server.page("/teacher/day", as: teacher)
            #expect(day.status == .ok, "\(day)")
            expectPageHeaders(day, "the teacher's day")
            let link = "/teacher/lesson?id=\(urlEncoded(t.mondayLesson))"
            #expect(day.text.contains(#"href="\#(link)""#), "the day does not lead to the Monday lesson")
            #expect(day.text.contains("Не записано: тема, посещаемость, домашнее задание."), "\(day.text)")
            #expect(day.text.contains("Тема и посещаемость — до конца дня 23.09.2024"))

            let planned = try await server.page(link, as: teacher)
            #expect(planned.status == .ok && planned.text.contains("Сначала запишите тему"), "\(planned)")
            expectPageHeaders(planned, "a lesson not held yet")

            let head = try server.log.head()
            let script = "<script>alert(1)</script>"
            let topic = try await server.submit("/teacher/lesson/topic", [("lesson", t.mondayLesson), ("topic", script)], as: teacher)
            #expect(topic.status == .seeOther && topic.location == link + "&saved=topic", "\(topic)")
            let roll = try await server.submit("/teacher/lesson/attendance", [("lesson", t.mondayLesson), ("absence-\(t.child)", "Н"),
                                                                               ("absence-\(t.classmate)", "")], as: teacher)
            #expect(roll.status == .seeOther, "\(roll)")
            for (student, value) in [(t.classmate, "5"), (t.classmate, "4")] {
                let grade = try await server.submit("/teacher/lesson/grade", [("lesson", t.mondayLesson), ("student", student),
                                                                              ("value", value), ("workType", t.workType),
                                                                              ("comment", "у доски")], as: teacher)
                #expect(grade.status == .seeOther && grade.location == link + "&saved=grade", "\(grade)")
            }
            let homework = try await server.submit("/teacher/lesson/homework", [("lesson", t.mondayLesson), ("text", "§ 3 <b>жирно</b>"),
                                                                                ("dueOn", "2024-09-25")], as: teacher)
            #expect(homework.status == .seeOther, "\(homework)")
            let recorded = try server.events(after: head)
            #expect(recorded.count >= 5, "\(recorded.map(\.type))")
            let taken = try await server.page(link, as: teacher)
            #expect(taken.text.contains(#"action="/teacher/lesson/attendance/correction""#), "no way to correct the roll")

            // A roll already taken is corrected one student at a time, with a reason.
            let noReason = try await server.submit("/teacher/lesson/attendance/correction", [("lesson", t.mondayLesson),
                                                                                            ("student", t.child), ("code", "Б")],
                                                   as: teacher)
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("reason-required"), "\(noReason)")
            let corrected = try await server.submit("/teacher/lesson/attendance/correction", [("lesson", t.mondayLesson), ("student", t.child),
                                                                                             ("code", "Б"), ("reason", "справка")], as: teacher)
            #expect(corrected.status == .seeOther && corrected.location == link + "&saved=correction", "\(corrected)")
            let lesson = try await server.page(link + "&saved=grade", as: teacher)
            #expect(lesson.status == .ok, "\(lesson)")
            expectPageHeaders(lesson, "the lesson page")
            #expect(lesson.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the topic is not shown escaped")
            #expect(!lesson.text.contains(script) && !lesson.text.contains("<b>жирно"), "what a teacher typed went out as HTML")
            #expect(lesson.text.contains("Оценка сохранена."))
            #expect(lesson.text.contains("Посещаемость записана."))
            #expect(lesson.text.contains("<strong>Б — "), "the corrected absence is not shown")
            #expect(lesson.text.contains("(Б)"), "the absent student is not shown as such while grading")
            #expect(lesson.text.components(separatedBy: #"<span class="mark">"#).count - 1 == 2, "two marks of the classmate")
            #expect(lesson.text.contains("(к 25.09.2024)"))
            let commented = try await server.submit("/teacher/lesson/grade", [("lesson", t.mondayLesson), ("student", t.child),
                                                                              ("value", "4"), ("workType", t.workType),
                                                                              ("comment", "<i>устно</i>")], as: teacher)
            #expect(commented.status == .seeOther, "\(commented)")

            // The parent reads the same in the child's diary, escaped too.
            let diary = try await server.page("/diary?week=\(Template.monday.iso)", as: server.visitor(.parent))
            #expect(diary.status == .ok, "\(diary)")
            expectPageHeaders(diary, "the diary")
            #expect(diary.text.contains("Тема: &lt;script&gt;alert(1)&lt;/script&gt;"), "\(diary.text)")
            #expect(diary.text.contains("Комментарий учителя: &lt;i&gt;устно&lt;/i&gt;"), "the teacher's comment is not in the diary")
            #expect(!diary.text.contains(script))
            #expect(diary.text.contains(#"<span class="tag absent">Б — "#), "the child's absence is not in the diary")
        }
    }

    @Test func aRefusedEntryShowsTheRulesRussianMessageAndRecordsNothing() async throws {
        try await TestServer.run(signIn: [.teacher, .classTeacher]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher)
            let lessonPage = "http://localhost/teacher/lesson?id=\(urlEncoded(t.heldLesson))"
            let before = try server.snapshot()
            let seven = try await server.submit("/teacher/lesson/grade", [("lesson", t.heldLesson), ("student", t.child), ("value", "7"),
                                                                          ("workType", t.workType)], as: teacher,
                                                headers: [.referer: lessonPage])
            #expect(seven.status == .unprocessableContent, "\(seven)")
            expectPageHeaders(seven, "a refused grade")
            #expect(seven.text.contains("Запись не принята"))
            #expect(seven.text.contains(#"<span class="who">"#) && seven.text.contains("Выйти"), "the refusal lost the person's frame")
            #expect(seven.text.contains("оценка — 1–5 или особая отметка"), "the rule's summary is not shown: \(seven.text)")
            #expect(seven.text.contains("invalid-grade-value"))
            #expect(seven.text.contains("Что делать:"))
            #expect(seven.text.contains(#"href="/teacher/lesson?id=\#(urlEncoded(t.heldLesson))""#), "no way back to the lesson")

            // Someone who sees the lesson but may not enter it: the rule that says so.
            let other = try await server.submit("/teacher/lesson/grade", [("lesson", t.heldLesson), ("student", t.child), ("value", "5"),
                                                                          ("workType", t.workType)], as: server.visitor(.classTeacher))
            #expect(other.status == .forbidden && other.text.contains("Нет права на эту запись") && other.text.contains("not-lesson-teacher"),
                    "\(other)")
            // A topic changed without a reason.
            _ = try await server.submit("/teacher/lesson/topic", [("lesson", t.heldLesson), ("topic", "Другая тема")], as: teacher)
            #expect(try server.snapshot() == before, "a refused entry recorded something")
        }
    }

    @Test func aFormWithoutTheTokenOrFromAnotherOriginIsRefusedAndRecordsNothing() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher), parent = server.visitor(.parent)
            let token = try #require(teacher.csrfToken)
            let topic = [("lesson", t.mondayLesson), ("topic", "Тема")]
            let acknowledgement = [("student", t.child), ("week", Template.monday.iso)]
            let attempts: [(String, Visitor, String, [(String, String)], String??, String??, HTTPFields)] = [
                ("no csrf field", teacher, "/teacher/lesson/topic", topic, .some(nil), .some(Template.origin), [:]),
                ("a wrong csrf field", teacher, "/teacher/lesson/topic", topic, .some(String(token.reversed())), .some(Template.origin), [:]),
                ("another session's token", teacher, "/teacher/lesson/topic", topic, .some(parent.csrfToken), .some(Template.origin), [:]),
                ("a foreign Origin", teacher, "/teacher/lesson/topic", topic, .none, .some("https://evil.example"), [:]),
                ("no Origin, a foreign Referer", teacher, "/teacher/lesson/topic", topic, .none, .some(nil),
                 [.referer: "https://evil.example/form"]),
                ("no Origin nor Referer", teacher, "/teacher/lesson/topic", topic, .none, .some(nil), [:]),
                ("the parent's «Ознакомлен» without the token", parent, "/diary/acknowledgement", acknowledgement, .some(nil),
                 .some(Template.origin), [:]),
                ("the parent's «Ознакомлен» from another origin", parent, "/diary/acknowledgement", acknowledgement, .none,
                 .some("https://evil.example"), [:]),
                ("signing out from another origin", parent, "/sign-out", [], .none, .some("https://evil.example"), [:]),
            ]
            let before = try server.snapshot()
            for (what, visitor, path, fields, csrf, origin, headers) in attempts {
                let reply = try await server.submit(path, fields, as: visitor, csrf: csrf, origin: origin, headers: headers)
                #expect(reply.status == .forbidden && reply.text.contains("Запрос отклонён"), "\(what): \(reply)")
                expectPageHeaders(reply, what)
            }
            #expect(try server.snapshot() == before, "a refused form recorded something")
            #expect(try await server.page("/teacher/day", as: teacher).status == .ok, "a refusal ended the session")
            #expect(try await server.page("/diary", as: parent).status == .ok, "a refusal ended the session")

            // With the token, from the server's own page (its Referer will do): recorded.
            let own = try await server.submit("/teacher/lesson/topic", topic, as: teacher, origin: .some(nil),
                                              headers: [.referer: "http://localhost/teacher/day"])
            #expect(own.status == .seeOther, "\(own)")
            #expect(try server.snapshot().count > before.count)
        }
    }

    @Test func aParentReadsTheWeekSwitchesWeeksAndAcknowledgesIt() async throws {
        try await TestServer.run(signIn: [.parent, .otherParent, .student]) { server in
            let t = server.template
            let parent = server.visitor(.parent)
            let childName = server.served.recorder.withState { $0.students[t.child]!.name.full }
            let week = try await server.page("/diary?week=2024-09-18", as: parent)
            #expect(week.status == .ok, "\(week)")
            expectPageHeaders(week, "the diary week")
            #expect(week.text.contains("Дневник: \(childName)"))
            #expect(week.text.contains("16.09.2024 — 21.09.2024"))
            #expect(week.text.contains("week=2024-09-09") && week.text.contains("week=2024-09-23"), "no links to the weeks around")
            for weekday in ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота"] {
                #expect(week.text.contains("<h2>\(weekday), "), "\(weekday) is missing")
            }
            #expect(week.text.contains(#"<details class="mark">"#), "no marks in a week of lessons")
            #expect(week.text.contains(", вес "), "a mark without its weight")
            #expect(week.text.contains(#"action="/diary/acknowledgement""#))

            let head = try server.log.head()
            let signed = try await server.submit("/diary/acknowledgement", [("student", t.child), ("week", "2024-09-18")], as: parent)
            #expect(signed.status == .seeOther && signed.location == "/diary?student=\(t.child)&week=2024-09-16&saved=acknowledged",
                    "\(signed)")
            let types = try server.events(after: head).map(\.type)
            #expect(types == ["DiaryWeekAcknowledged"], "\(types)")
            let after = try await server.page(signed.location ?? "", as: parent)
            #expect(after.text.contains("Отмечено: «Ознакомлен».") && after.text.contains("Ознакомлен: "), "\(after.text)")
            #expect(!after.text.contains(#"action="/diary/acknowledgement""#), "the form is still offered")

            // The period's averages and finals, from the diary.
            #expect(after.text.contains(#"href="/diary/finals?student=\#(t.child)""#))
            let finals = try await server.page("/diary/finals?student=\(t.child)", as: parent)
            #expect(finals.status == .ok && finals.text.contains("Итоги: \(childName)") && finals.text.contains("Средневзвешенный"),
                    "\(finals)")
            #expect(finals.text.contains(#"<th scope="row">"#), "no subject in the period's finals")
            expectPageHeaders(finals, "the period's finals")

            // The student reads their own week, and signs nothing.
            let own = try await server.page("/diary?week=2024-09-18", as: server.visitor(.student))
            #expect(own.status == .ok && own.text.contains("Дневник: \(childName)") && !own.text.contains(#"action="/diary/acknowledgement""#))

            // Another family's child: the very page of a child that does not exist.
            let foreign = try await server.page("/diary?student=\(t.child)", as: server.visitor(.otherParent))
            let none = try await server.page("/diary?student=S9999", as: server.visitor(.otherParent))
            #expect(foreign.status == .notFound && foreign.body == none.body, "\(foreign)")
            let ownChild = try await server.page("/diary", as: server.visitor(.otherParent))
            #expect(ownChild.status == .ok && !ownChild.text.contains(childName))
        }
    }

    @Test func aParentWithTwoChildrenSwitchesBetweenThem() async throws {
        try await TestServer.run(signIn: [.parent]) { server in
            // The template's parent has one child: a family of the generated school with two, for this test.
            let family = server.served.recorder.withState { state -> (String, String)? in
                state.guardians.values.sorted { $0.id < $1.id }.first { g in
                    g.children.count >= 2 && g.children.keys.allSatisfy { state.consents[$0]?.isGiven == true }
                        && state.consents[g.id]?.isGiven == true
                        && state.loginByPerson[g.id].flatMap { state.logins[$0] }.map { !$0.blocked && $0.activated } == true
                }.map { ($0.id, $0.children.keys.sorted()[1]) }
            }
            guard let family else {
                Issue.record("no family with two children and consents in the template")
                return
            }
            let (guardian, second) = family
            let viewer = try #require(server.served.recorder.withState { $0.viewer(guardian, on: Template.monday) })
            #expect(server.served.recorder.withState { $0.children(of: viewer).count } >= 2)
            // Signed in through the API as that guardian: a reset slip, then the page shows both children.
            let login = try #require(server.served.recorder.withState { $0.loginByPerson[guardian] })
            let coordinator = server.visitor(.coordinator)
            try await server.activate(.coordinator)
            let reset = try await server.post("/api/v1/logins/\(login)/reset", [:], as: coordinator)
            try #require(reset.status == .created, "\(reset)")
            let browser = Visitor(.anonymous, sample: nil)
            let first = try await server.submit("/sign-in", [("login", login), ("password", reset.json["temporaryPassword"] as? String ?? "")],
                                                as: browser)
            try #require(first.location == "/password", "\(first)")
            _ = try await server.page("/password", as: browser)
            let set = try await server.submit("/password", [("new", "Два-ребёнка-пароль"), ("repeat", "Два-ребёнка-пароль")], as: browser)
            try #require(set.location == "/diary", "\(set)")
            let week = try await server.page("/diary", as: browser)
            #expect(week.status == .ok && week.text.contains(#"<nav class="children" aria-label="Дети">"#), "\(week)")
            #expect(week.text.contains("student=\(second)&amp;week=") || week.text.contains("student=\(second)&week="), "no link to the second child")
            let switched = try await server.page("/diary?student=\(second)", as: browser)
            #expect(switched.status == .ok && switched.text.contains(#"aria-current="page">"#), "\(switched)")
        }
    }

    @Test func aTeacherWithASecondFactorTypesTheCodeOnItsPage() async throws {
        try await TestServer.run(signIn: [.teacher]) { server in
            let (app, recovery) = try await server.enrolSecondFactor(.teacher)
            let sample = server.template.sample(.teacher)
            let browser = Visitor(.teacher, sample: sample)
            let first = try await server.submit("/sign-in", [("login", sample.login), ("password", sample.password)], as: browser)
            #expect(first.status == .seeOther && first.location == "/second-factor", "\(first)")
            #expect(try await server.page("/teacher/day", as: browser).location == "/second-factor")
            let form = try await server.page("/second-factor", as: browser)
            #expect(form.status == .ok && form.text.contains(#"autocomplete="one-time-code""#), "\(form)")
            expectPageHeaders(form, "the code's page")
            let before = try server.snapshot()
            let wrong = try await server.submit("/second-factor", [("code", app.code(at: Date() - 600))], as: browser)
            #expect(wrong.status == .unauthorized && wrong.text.contains("Код не подошёл."), "\(wrong)")
            expectPageHeaders(wrong, "a wrong code")
            #expect(try server.snapshot() == before)
            // The app's next code (the one now was spent confirming the enrolment).
            let good = try await server.submit("/second-factor", [("code", app.code(at: Date() + 30))], as: browser)
            #expect(good.status == .seeOther && good.location == "/", "\(good)")
            #expect(try server.events(after: UInt64(before.count)).map(\.type) == ["SignedIn"])
            #expect(try await server.page("/", as: browser).location == "/teacher/day")

            // Without the phone: a recovery code, on the same page.
            let tablet = Visitor(.teacher, sample: sample)
            _ = try await server.submit("/sign-in", [("login", sample.login), ("password", sample.password)], as: tablet)
            _ = try await server.page("/second-factor", as: tablet)
            let recovered = try await server.submit("/second-factor", [("recovery", try #require(recovery.first))], as: tablet)
            #expect(recovered.status == .seeOther && recovered.location == "/", "\(recovered)")
            #expect(try await server.page("/teacher/day", as: tablet).status == .ok)
        }
    }

    @Test func aSecondFactorTheSchoolRequiresIsEnrolledThroughThePages() async throws {
        try await TestServer.run(signIn: [.administration, .parent]) { server in
            let policy = try await server.post("/api/v1/second-factor/policy", ["roles": ["teacher"]], as: server.visitor(.administration))
            try #require(policy.status == .created, "\(policy)")
            let sample = server.template.sample(.teacher)
            let browser = Visitor(.teacher, sample: sample)
            let first = try await server.submit("/sign-in", [("login", sample.login), ("password", sample.temporaryPassword)], as: browser)
            #expect(first.location == "/password", "\(first)")
            _ = try await server.page("/password", as: browser)
            let set = try await server.submit("/password", [("new", sample.password), ("repeat", sample.password)], as: browser)
            #expect(set.status == .seeOther && set.location == "/second-factor/enrolment", "\(set)")
            #expect(try await server.page("/teacher/day", as: browser).location == "/second-factor/enrolment")

            let intro = try await server.page("/second-factor/enrolment", as: browser)
            #expect(intro.status == .ok && intro.text.contains("Школа требует второй фактор"), "\(intro)")
            expectPageHeaders(intro, "the enrolment's page")
            let started = try await server.submit("/second-factor/enrolment", [], as: browser)
            #expect(started.status == .ok, "\(started)")
            expectPageHeaders(started, "the key's page")
            let keyRange = try #require(started.text.range(of: #"id="key">[A-Z2-7 ]+<"#, options: .regularExpression))
            let key = started.text[keyRange].dropFirst(#"id="key">"#.count).dropLast().filter { $0 != " " }
            let app = Authenticator(base32: String(key))
            let head = try server.log.head()
            let wrong = try await server.submit("/second-factor/enrolment/confirmation", [("code", app.code(at: Date() - 600))], as: browser)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("Код не подошёл."), "\(wrong)")
            #expect(wrong.text.contains(String(started.text[keyRange])), "the same key is not shown again")
            #expect(try server.log.head() == head)
            let confirmed = try await server.submit("/second-factor/enrolment/confirmation", [("code", app.code())], as: browser)
            #expect(confirmed.status == .ok && confirmed.text.contains("Приложение подключено"), "\(confirmed)")
            expectPageHeaders(confirmed, "the recovery codes' page")
            #expect(confirmed.text.components(separatedBy: #"<li class="code">"#).count - 1 == 10, "not ten recovery codes")
            #expect(try server.events(after: head).map(\.type) == ["SecondFactorEnrolled", "SignedIn"])
            #expect(try await server.page("/", as: browser).location == "/teacher/day")
            #expect(try await server.page("/teacher/day", as: browser).status == .ok)

            // A parent has none to enrol: the API's refusal, as a page.
            let parent = try await server.submit("/second-factor/enrolment", [], as: server.visitor(.parent))
            #expect(parent.status == .forbidden && parent.text.contains("Второй фактор подключают сотрудники школы."), "\(parent)")
        }
    }

    @Test func theSessionsPageListsTheOwnSessionsAndEndsOne() async throws {
        try await TestServer.run(signIn: [.teacher]) { server in
            let teacher = server.visitor(.teacher)
            let phone = Visitor(.teacher, sample: server.template.sample(.teacher))
            try await server.signInAgain(.teacher, as: phone)
            let page = try await server.page("/sessions", as: teacher)
            #expect(page.status == .ok, "\(page)")
            expectPageHeaders(page, "«Мои сеансы»")
            #expect(page.text.contains("Этот сеанс"))
            let handles = page.text.components(separatedBy: #"name="handle" value=""#).dropFirst().map { String($0.prefix(16)) }
            #expect(handles.count == 2, "\(handles)")
            let current = SignedInSession.handle(ofKey: "session." + (teacher.cookie ?? ""))
            let other = try #require(handles.first { $0 != current })
            let ended = try await server.submit("/sessions/end", [("handle", other)], as: teacher)
            #expect(ended.status == .seeOther && ended.location == "/sessions?saved=ended", "\(ended)")
            #expect(try await server.get("/api/v1/me", as: phone).status == .unauthorized, "the other session goes on")
            let after = try await server.page("/sessions?saved=ended", as: teacher)
            #expect(after.text.contains("Сеанс завершён.") && after.text.components(separatedBy: #"name="handle""#).count == 2)
            // Ending this one signs out here.
            let out = try await server.submit("/sessions/end", [("handle", current)], as: teacher)
            #expect(out.location == "/sign-in", "\(out)")
            #expect(try await server.page("/sessions", as: teacher).location == "/sign-in")
        }
    }
}
