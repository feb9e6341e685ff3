import Foundation
import Projections

/// The school's reports as both doors make them, so that a page's download and
/// `letopis report … --format csv|json` give the same bytes for the same store.
public enum SchoolReports {
    /// The rollout report of one school on `day` (the district's name from its register).
    public static func rollout(_ source: any ViewSource, on day: Day) throws -> RolloutReport {
        RolloutReport.combine([try RolloutReport.school(source, asOf: day)], asOf: day, scope: "school",
                              district: try Lookup(source).school()?.district ?? "")
    }
}

/// The audit commands' JSON (`letopis audit … --format json`): keys sorted,
/// slashes as they are, pretty-printed, one document ended by a newline.
public enum AuditJSON {
    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }
}
