import EventLog
import Foundation

/// A count out of a total, and the percentage to one decimal (nil of nothing).
public struct Share: Codable, Sendable, Equatable {
    public var count: Int
    public var total: Int
    public var percent: Double?

    public init(_ count: Int, of total: Int) {
        self.count = count
        self.total = total
        percent = total > 0 ? (Double(count) * 100 / Double(total)).rounded(places: 1) : nil
    }

    static func + (a: Share, b: Share) -> Share { Share(a.count + b.count, of: a.total + b.total) }

    /// «12,5 % (5 из 40)».
    public var russian: String {
        guard let percent else { return "— (0 из 0)" }
        return RussianNumber.decimal(percent, places: 1) + " % (\(count) из \(total))"
    }
}

/// The rollout report (Appendix 2 of the regional order): the shares of
/// people with logins, activation, applications, consents, teachers at work in
/// the journal and how full the journal is, by class, per school and for the district.
public struct RolloutReport: Codable, Sendable, Equatable {
    public struct Figures: Codable, Sendable, Equatable {
        public var students: Int
        public var studentsWithLogin: Share
        public var studentsWithConsent: Share
        public var parents: Int
        public var parentsWithLogin: Share
        /// Of the parents with a login, those who activated it.
        public var parentsActivated: Share
        public var parentsWithApplication: Share
        public var parentsWithConsent: Share
        /// Timetabled lessons up to the date with a topic and the roll entered.
        public var journalFill: Share

        static let zero = Figures(
            students: 0, studentsWithLogin: Share(0, of: 0), studentsWithConsent: Share(0, of: 0), parents: 0,
            parentsWithLogin: Share(0, of: 0), parentsActivated: Share(0, of: 0), parentsWithApplication: Share(0, of: 0),
            parentsWithConsent: Share(0, of: 0), journalFill: Share(0, of: 0))

        static func + (a: Figures, b: Figures) -> Figures {
            Figures(students: a.students + b.students, studentsWithLogin: a.studentsWithLogin + b.studentsWithLogin,
                    studentsWithConsent: a.studentsWithConsent + b.studentsWithConsent, parents: a.parents + b.parents,
                    parentsWithLogin: a.parentsWithLogin + b.parentsWithLogin,
                    parentsActivated: a.parentsActivated + b.parentsActivated,
                    parentsWithApplication: a.parentsWithApplication + b.parentsWithApplication,
                    parentsWithConsent: a.parentsWithConsent + b.parentsWithConsent,
                    journalFill: a.journalFill + b.journalFill)
        }
    }

    public struct Teachers: Codable, Sendable, Equatable {
        /// Staff holding the teacher's or class teacher's role on the date.
        public var teachers: Int
        public var withLogin: Share
        public var withConsent: Share
        /// Were the actor of a journal entry within the 7 days up to the date.
        public var activeLast7Days: Share

        static func + (a: Teachers, b: Teachers) -> Teachers {
            Teachers(teachers: a.teachers + b.teachers, withLogin: a.withLogin + b.withLogin,
                     withConsent: a.withConsent + b.withConsent, activeLast7Days: a.activeLast7Days + b.activeLast7Days)
        }
    }

    public struct ClassLine: Codable, Sendable, Equatable {
        public var classID: String, name: String
        public var figures: Figures
    }

    public struct School: Codable, Sendable, Equatable {
        public var id: String, name: String
        public var classes: [ClassLine]
        /// The school as a whole: a parent of children in two classes counts once.
        public var total: Figures
        public var teachers: Teachers
    }

    public var asOf: String
    /// `school` or `district`.
    public var scope: String
    public var district: String
    public var schools: [School]
    /// The sum over the schools.
    public var total: Figures
    public var teachers: Teachers
}

extension RolloutReport {
    /// The report of several schools (a district), each read from its own views.
    public static func combine(_ schools: [School], asOf: Day, scope: String, district: String) -> RolloutReport {
        RolloutReport(
            asOf: asOf.iso, scope: scope, district: district, schools: schools,
            total: schools.map(\.total).reduce(.zero, +),
            teachers: schools.map(\.teachers).reduce(Teachers(
                teachers: 0, withLogin: Share(0, of: 0), withConsent: Share(0, of: 0), activeLast7Days: Share(0, of: 0)), +))
    }

    /// One school's part of the report as of the end of `date`.
    public static func school(_ source: any ViewSource, asOf date: Day) throws -> School {
        let lookup = Lookup(source)
        let schoolRow = try lookup.school()
        let year = try lookup.academicYear(of: date)
        let yearRow = try source.get(ViewTables.years, RowKey(String(year)))
        let classes = try lookup.classes().filter { $0.year == year }.sorted(by: Lookup.classOrder)
        let groups = try lookup.groups()
        let timetable = try source.rows(ViewTables.timetable).map(\.row)

        var allStudents = Set<String>(), allParents = Set<String>()
        var lines: [ClassLine] = []
        var filled = Share(0, of: 0)
        for klass in classes {
            let students = try lookup.roster(klass.id, from: date, to: date).map(\.student.id)
            var parents = Set<String>()
            for student in students {
                try source.scan(ViewTables.guardianship, prefix: RowKey(student)) { key, row in
                    if row.spans.contains(day: date) { parents.insert(key.textParts[1]) }
                    return true
                }
            }
            let units = [klass.id] + groups.filter { $0.classID == klass.id }.map(\.id)
            let fill = try journalFill(source, units: Set(units), grade: klass.grade, year: yearRow, timetable: timetable, upTo: date)
            filled = filled + fill
            allStudents.formUnion(students)
            allParents.formUnion(parents)
            lines.append(ClassLine(classID: klass.id, name: klass.name, figures: try figures(
                source, students: students, parents: parents.sorted(), date: date, fill: fill)))
        }
        let total = try figures(source, students: allStudents.sorted(), parents: allParents.sorted(), date: date, fill: filled)
        return School(id: schoolRow?.id ?? "", name: schoolRow?.shortName ?? "", classes: lines, total: total,
                      teachers: try teachers(source, date: date))
    }

    static func figures(_ source: any ViewSource, students: [String], parents: [String], date: Day, fill: Share) throws -> Figures {
        var studentLogins = 0, studentConsents = 0
        for id in students {
            let person = try source.get(ViewTables.persons, RowKey(id))
            if try hasLogin(source, person, on: date) != nil { studentLogins += 1 }
            if person?.consentInForce(on: date) == true { studentConsents += 1 }
        }
        var withLogin = 0, activated = 0, applied = 0, consents = 0
        for id in parents {
            let person = try source.get(ViewTables.persons, RowKey(id))
            if let login = try hasLogin(source, person, on: date) {
                withLogin += 1
                if login.activatedOn.map({ $0 <= date }) == true { activated += 1 }
            }
            if person?.applications.contains(where: { $0.on <= date }) == true { applied += 1 }
            if person?.consentInForce(on: date) == true { consents += 1 }
        }
        return Figures(
            students: students.count, studentsWithLogin: Share(studentLogins, of: students.count),
            studentsWithConsent: Share(studentConsents, of: students.count), parents: parents.count,
            parentsWithLogin: Share(withLogin, of: parents.count), parentsActivated: Share(activated, of: withLogin),
            parentsWithApplication: Share(applied, of: parents.count), parentsWithConsent: Share(consents, of: parents.count),
            journalFill: fill)
    }

    /// A login issued by the date and not blocked on it (a withdrawn consent
    /// blocks the login, so it no longer counts); activated ones first.
    static func hasLogin(_ source: any ViewSource, _ person: PersonAccessRow?, on date: Day) throws -> LoginRow? {
        guard let person else { return nil }
        var best: LoginRow?
        for login in person.logins {
            guard let row = try source.get(ViewTables.logins, RowKey(login)), row.usable(on: date) else { continue }
            if best == nil || (best!.activatedOn == nil && row.activatedOn != nil) { best = row }
        }
        return best
    }

    static func teachers(_ source: any ViewSource, date: Day) throws -> Teachers {
        let staff = try source.rows(ViewTables.staff).map(\.row).filter { $0.teaches(on: date) }
        var withLogin = 0, consents = 0, active = 0
        for member in staff {
            let person = try source.get(ViewTables.persons, RowKey(member.id))
            if try hasLogin(source, person, on: date) != nil { withLogin += 1 }
            if person?.consentInForce(on: date) == true { consents += 1 }
            let prefix = RowKey(member.id)
            var worked = false
            try source.scan(ViewTables.journalEntries, prefix: prefix, from: prefix.appending(day: date - 6)) { key, _ in
                worked = key.day(at: prefix.bytes.count) <= date
                return false
            }
            if worked { active += 1 }
        }
        return Teachers(teachers: staff.count, withLogin: Share(withLogin, of: staff.count),
                        withConsent: Share(consents, of: staff.count), activeLast7Days: Share(active, of: staff.count))
    }

    /// Timetabled lessons of the units on school days up to `date` (holidays of
    /// the grade skipped), and how many were held with a topic and the roll
    /// entered by that date.
    static func journalFill(
        _ source: any ViewSource, units: Set<String>, grade: Int32, year: YearRow?, timetable: [TimetableRow], upTo date: Day
    ) throws -> Share {
        guard let year else { return Share(0, of: 0) }
        var timetabled = 0, filled = 0
        for entry in timetable where units.contains(entry.unit) {
            let first = max(entry.valid.from, year.starts)
            let last = min((entry.valid.to ?? .max) - 1, date, year.ends)
            guard first <= last else { continue }
            var day = first + Int32((Int(entry.weekday) - first.civil.weekday + 7) % 7)
            while day <= last {
                if year.isSchoolDay(day, grade: grade) {
                    timetabled += 1
                    let key = LessonRef(unit: entry.unit, day: day, slot: entry.slot).key
                    if let lesson = try source.get(ViewTables.lessons, key), lesson.isShown,
                       let topicOn = lesson.topicOn, topicOn <= date,
                       let rollOn = lesson.attendanceOn, rollOn <= date {
                        filled += 1
                    }
                }
                day += 7
            }
        }
        return Share(filled, of: timetabled)
    }
}
