extension EventKind {
    /// The kind an envelope's type names, or nil when the catalog has none.
    /// A hash lookup: `init(rawValue:)` compares the name with every case in
    /// turn, and this runs once for every event read from the log.
    public init?(name: String) {
        guard let kind = Self.byName[name] else { return nil }
        self = kind
    }

    private static let byName: [String: EventKind] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    /// The envelope's type, e.g. `GradeRecorded`.
    public var name: String { rawValue }

    public var schemaVersion: UInt16 { messageType.schemaVersion }
}
