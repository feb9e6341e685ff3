import Hummingbird

extension Parts {
    /// The web pages, on the router beside the API: the same sessions, the same
    /// anti-forgery guard (a form's field `csrf`), the same controllers' code.
    func addPages(to router: Router<AppRequestContext>) {
        let renderer = PageRenderer.shared
        SignInPages(signIn: signInController, campus: campus, renderer: renderer).addRoutes(to: router)
        TeacherPages(journal: JournalController(configuration: configuration), renderer: renderer, configuration: configuration)
            .addRoutes(to: router)
        DiaryPages(diary: DiaryController(configuration: configuration), renderer: renderer, configuration: configuration)
            .addRoutes(to: router)
        MarkPages(marks: MarkController(configuration: configuration), journal: JournalController(configuration: configuration),
                  renderer: renderer, configuration: configuration).addRoutes(to: router)
        HistoryPages(renderer: renderer).addRoutes(to: router)
        JournalPages(journal: JournalController(configuration: configuration), renderer: renderer, configuration: configuration)
            .addRoutes(to: router)
        ClassPages(access: AccessController(passwords: passwords, configuration: configuration), renderer: renderer,
                   configuration: configuration).addRoutes(to: router)
        SchoolPages(renderer: renderer, configuration: configuration).addRoutes(to: router)
        SchoolRecordsPages(renderer: renderer, configuration: configuration).addRoutes(to: router)
    }

    var signInController: SignInController {
        SignInController(campus: campus, sessions: sessions, throttle: throttle, passwords: passwords, telemetry: telemetry,
                         configuration: configuration)
    }
}
