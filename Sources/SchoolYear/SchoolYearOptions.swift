/// What `letopis demo` asks the generator for.
public struct SchoolYearOptions: Sendable {
    /// The same seed gives the same district, byte for byte.
    public var seed: UInt64 = 2024
    /// The calendar year the academic year starts in.
    public var year = 2024
    public var schools = 1
    /// Students per school, about.
    public var students = 1_000
    /// Simulate only the first weeks of the year (nil: the whole year).
    public var weeks: Int?
    /// The grades the schools have (all of 1–11 by default).
    public var grades = Array(1...11)
    /// The class size from which English is taught in two groups (informatics
    /// and labour from five more).
    public var splitThreshold = 20
    /// PBKDF2 rounds of the generated password hashes. The demo's 1,000 is far
    /// below a real server's 210,000 and stated in every hash.
    public var hashRounds = 1_000

    public init() {}

    /// The school ids of the store: `s01`, `s02`, …
    public var schoolIDs: [String] {
        (1...max(1, schools)).map { $0 < 10 ? "s0\($0)" : "s\($0)" }
    }
}
