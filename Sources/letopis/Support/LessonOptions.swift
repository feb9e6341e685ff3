import ArgumentParser
import EventLog
import Records

/// Which lesson an entry is about: its id, or its class (or group), date and slot.
struct LessonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The lesson's id, e.g. 2024-5А/2024-09-02/1.", valueName: "id"))
    var lesson: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А, or its id 2024-5А.", valueName: "class"))
    var schoolClass: String?

    @Option(help: ArgumentHelp("A group of the class, e.g. англ-1.", valueName: "name"))
    var group: String?

    @Option(help: ArgumentHelp("The lesson's date: дд.мм.гггг, YYYY-MM-DD or today (default).", valueName: "date"))
    var date: EntryDate = .today

    @Option(help: ArgumentHelp("The lesson's number in the day.", valueName: "n"))
    var slot: Int32?

    func lessonID(in state: SchoolState) throws -> String {
        if let lesson { return lesson }
        guard let schoolClass, let slot else {
            throw CommandFailure("say which lesson: --lesson ID, or --class 5А --date 02.09.2024 --slot 1")
        }
        let unit = try state.unitID(class: schoolClass, group: group, on: date.date)
        return "\(unit)/\(date.date.iso)/\(slot)"
    }
}
