import Audit
import EventLog
import Foundation

/// What a bundle says about itself (docs/district.md, "The bundle file"). The
/// checkpoint is the part the school signs; everything else is checked
/// against it, against the events and against what the district holds.
public struct BundleHeader: Codable, Sendable, Equatable {
    public static let format = "letopis-bundle-v1"

    public var format = BundleHeader.format
    public var school: String
    /// 1 for the school's first bundle, then +1.
    public var number: UInt64
    /// The first and last sequence carried: the events since the previous
    /// bundle, or from 1 in a full bundle. `from` = `to` + 1 when nothing is new.
    public var from: UInt64
    public var to: UInt64
    /// The checkpoint of the school's previous bundle; nil in its first.
    public var previous: SignedCheckpoint?
    /// The school's signature over the tree of events 1 … `to`.
    public var checkpoint: SignedCheckpoint
    /// From the previous bundle's tree (size 0 in the first) to `checkpoint`'s.
    public var consistency: ConsistencyProof
    /// When the bundle was made, UTC.
    public var madeAt: String
    /// The school's Ed25519 signature (base64) over `signedBytes`: every field
    /// above, the bundle's number among them, is the school's word.
    public var signature: String?

    /// What the school signs: a line naming the document, then the header's
    /// JSON without its signature.
    public var signedBytes: [UInt8] {
        get throws {
            var unsigned = self
            unsigned.signature = nil
            return Array("letopis-bundle-header-v1\n".utf8) + (try DistrictJSON.encode(unsigned))
        }
    }

    public var eventCount: UInt64 { to >= from ? to - from + 1 : 0 }

    /// "school s01, bundle 2, events #10…#20"
    public var summary: String {
        let range = eventCount == 0 ? "no new events after #\(to)" : "events #\(from)…#\(to)"
        return "school \(school), bundle \(number), \(range)"
    }
}

/// The magic line a bundle file starts with.
enum BundleLayout {
    static let magic = Array("letopis-bundle-v1\n".utf8)
    /// Bigger values are refused before anything is allocated for them.
    static let maxHeader = 1 << 20
    static let maxEvent = 1 << 20
}

/// JSON as bundles and the district's tables hold it: keys sorted, compact.
enum DistrictJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: some Collection<UInt8>) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
