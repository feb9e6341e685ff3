import EventLog

/// The Russian school year starting in September of `year`: its first and last
/// day, the breaks and public holidays, and the reporting periods — terms
/// (четверти) for grades 1–9, half-years (полугодия) for 10–11.
///
/// The dates follow what most regions do (2024/25 as the model): the year
/// starts on 1 September (2 September when that is a Sunday) and ends on
/// 26 May; the autumn break is the nine days from the last Saturday on or before
/// 28 October; the winter break runs 29 December–8 January; first grades have
/// an extra February week from the Saturday before the third Monday of
/// February; the spring break is the nine days from the last Saturday of
/// March. Public holidays (4 November, 23 February, 8 March, 1 and 9 May) that
/// fall on a Sunday move to the Monday; the transfers the government decrees
/// each year are not modelled.
public struct SchoolCalendar: Sendable {
    public struct Break: Sendable {
        public var name: String
        public var from: CivilDate
        public var through: CivilDate
        /// Empty: every grade.
        public var grades: [Int]

        func covers(_ date: CivilDate, grade: Int) -> Bool {
            from <= date && date <= through && (grades.isEmpty || grades.contains(grade))
        }
    }

    public struct Period: Sendable {
        public var id: String
        public var name: String
        public var from: CivilDate
        public var through: CivilDate
        /// Terms for grades 1–9, half-years for 10–11.
        public var halfYear: Bool
    }

    public let year: Int
    public let startsOn: CivilDate
    public let endsOn: CivilDate
    public let breaks: [Break]
    public let terms: [Period]
    public let halfYears: [Period]

    public init(year: Int) {
        self.year = year
        let next = year + 1
        let first = CivilDate(year: year, month: 9, day: 1)!
        startsOn = first.weekday == 7 ? first.adding(days: 1) : first
        endsOn = CivilDate(year: next, month: 5, day: 26)!

        let oct28 = CivilDate(year: year, month: 10, day: 28)!
        let autumn = oct28.adding(days: -((oct28.weekday - 6 + 7) % 7))
        let winter = CivilDate(year: year, month: 12, day: 29)!
        let winterEnd = CivilDate(year: next, month: 1, day: 8)!
        let feb1 = CivilDate(year: next, month: 2, day: 1)!
        let thirdMonday = feb1.adding(days: (8 - feb1.weekday) % 7 + 14)
        let february = thirdMonday.adding(days: -2)
        let march31 = CivilDate(year: next, month: 3, day: 31)!
        let spring = march31.adding(days: -((march31.weekday - 6 + 7) % 7))

        var breaks = [
            Break(name: "осенние каникулы", from: autumn, through: autumn.adding(days: 8), grades: []),
            Break(name: "зимние каникулы", from: winter, through: winterEnd, grades: []),
            Break(name: "дополнительные каникулы для первоклассников", from: february, through: february.adding(days: 8), grades: [1]),
            Break(name: "весенние каникулы", from: spring, through: spring.adding(days: 8), grades: []),
        ]
        let publicHolidays: [(String, Int, Int, Int)] = [
            ("День народного единства", year, 11, 4), ("День защитника Отечества", next, 2, 23),
            ("Международный женский день", next, 3, 8), ("Праздник Весны и Труда", next, 5, 1), ("День Победы", next, 5, 9),
        ]
        for (name, y, m, d) in publicHolidays {
            var day = CivilDate(year: y, month: m, day: d)!
            if day.weekday == 7 { day = day.adding(days: 1) }
            if breaks.contains(where: { $0.grades.isEmpty && $0.from <= day && day <= $0.through }) { continue }
            breaks.append(Break(name: name, from: day, through: day, grades: []))
        }
        self.breaks = breaks.sorted { $0.from < $1.from }

        let y = String(year)
        terms = [
            Period(id: "\(y)-T1", name: "1 четверть", from: startsOn, through: autumn.adding(days: -1), halfYear: false),
            Period(id: "\(y)-T2", name: "2 четверть", from: autumn.adding(days: 9), through: winter.adding(days: -1), halfYear: false),
            Period(id: "\(y)-T3", name: "3 четверть", from: winterEnd.adding(days: 1), through: spring.adding(days: -1), halfYear: false),
            Period(id: "\(y)-T4", name: "4 четверть", from: spring.adding(days: 9), through: endsOn, halfYear: false),
        ]
        halfYears = [
            Period(id: "\(y)-H1", name: "1 полугодие", from: startsOn, through: winter.adding(days: -1), halfYear: true),
            Period(id: "\(y)-H2", name: "2 полугодие", from: winterEnd.adding(days: 1), through: endsOn, halfYear: true),
        ]
    }

    /// The periods a grade is graded in.
    public func periods(grade: Int) -> [Period] { grade >= 10 ? halfYears : terms }

    public func period(of date: CivilDate, grade: Int) -> Period? {
        periods(grade: grade).first { $0.from <= date && date <= $0.through }
    }

    /// The period id of the year's final grades.
    public var yearPeriodID: String { "\(year)-Y" }

    public func breakOn(_ date: CivilDate, grade: Int) -> Break? { breaks.first { $0.covers(date, grade: grade) } }

    /// Lessons take place: inside the year, on the grade's school days (five
    /// or six a week), outside breaks and holidays.
    public func isSchoolDay(_ date: CivilDate, grade: Int) -> Bool {
        date >= startsOn && date <= endsOn && date.weekday <= Curriculum.schoolDaysPerWeek(grade: grade)
            && breakOn(date, grade: grade) == nil
    }

    /// A working day of the staff (Monday–Friday outside breaks and holidays),
    /// for the office work: consents, logins, orders.
    public func isOfficeDay(_ date: CivilDate) -> Bool {
        date.weekday <= 5 && !breaks.contains { $0.grades.isEmpty && $0.from <= date && date <= $0.through && $0.from == $0.through }
    }
}

/// Moscow time (UTC+3, no daylight saving since 2014): the school's clock.
func moscow(_ date: CivilDate, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Timestamp {
    let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second - 3 * 3600)
    return Timestamp(microseconds: seconds * 1_000_000)
}
