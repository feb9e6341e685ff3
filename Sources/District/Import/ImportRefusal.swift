/// Why the district refused a bundle: the file, the school and bundle it
/// claims to be, the rule broken, and — when it is about one event — which.
/// A refused bundle changes nothing in the district's store.
public struct ImportRefusal: Error, CustomStringConvertible, Sendable {
    public enum Rule: String, Sendable {
        /// The file is not a readable bundle, or its bytes do not match its SHA-256.
        case damaged
        /// No school of that id is registered with the district.
        case unknownSchool = "unknown-school"
        /// The checkpoint is not signed by the school's registered key.
        case signature
        /// An event's hash, link or position does not check out.
        case chain
        /// The events do not give the root the school signed.
        case root
        /// The bundle does not start where the district's copy ends: an earlier
        /// bundle is missing.
        case outOfOrder = "out-of-order"
        /// The district already holds what the bundle carries (imported again, or older).
        case replayed
        /// The school's log no longer extends what the district holds.
        case historyRewritten = "history-rewritten"
        /// The school's log disagrees with a checkpoint the district cosigned as witness.
        case witnessed = "disagrees-with-witness"
    }

    public var file: String
    /// "school s01, bundle 2, events #10…#20", when the header could be read.
    public var bundle: String?
    public var school: String?
    public var rule: Rule
    public var detail: String
    /// The event the refusal is about (the first divergent one for a rewrite).
    public var position: UInt64?

    public var description: String {
        "refused \(file)" + (bundle.map { " (\($0))" } ?? "") + " [\(rule.rawValue)]: \(detail). Nothing was imported from it."
    }
}
