import EventLog
import Foundation

/// The audit's reports as text for people: Russian, as the school's other
/// reports; the JSON forms are the Codable types themselves.
public enum AuditText {
    public static func history(_ entries: [HistoryEntry], of target: HistoryTarget) -> String {
        let title: String
        switch target {
        case .student(let id): title = "История ученика \(id)"
        case .lesson(let id): title = "История урока \(id)"
        case .teacher(let id): title = "История учителя \(id)"
        case .editor(let id): title = "Записи пользователя \(id)"
        }
        var out = "\(title) — событий: \(entries.count)\n"
        for e in entries {
            let at = Timestamp(isoUTC: e.recordedAt)?.russian() ?? e.recordedAt
            out += "\n#\(e.sequence)  \(at) МСК  \(e.actor.user) (\(e.actor.role))  \(e.type)  [дата \(CivilDate(iso: e.effectiveDate)?.russian ?? e.effectiveDate)]\n"
            out += "    \(e.what)\n"
            for c in e.changes { out += "    \(c.field): \(c.before.isEmpty ? "—" : c.before) → \(c.after.isEmpty ? "—" : c.after)\n" }
            if !e.reason.isEmpty { out += "    причина: \(e.reason)\n" }
        }
        return out
    }

    public static func diff(_ d: ViewDiff) -> String {
        let changed = d.differences.filter { $0.change != "added" }.count
        var out = "Изменения журнала школы \(d.school) между событиями #\(d.from) и #\(d.to) (\(d.eventsBetween) событий между ними): "
        out += "внесено \(d.differences.count - changed), изменено или удалено \(changed)\n"
        // Changes of what was already there first: that is what an auditor looks for.
        for x in d.differences.filter({ $0.change != "added" }) + d.differences.filter({ $0.change == "added" }) {
            let date = x.date.flatMap { CivilDate(iso: $0)?.russian }.map { "\($0), " } ?? ""
            let who = x.studentName.map { " · \($0)" } ?? ""
            out += "  \(x.unit) · \(x.subjectName.isEmpty ? x.subject : x.subjectName) · \(date)\(x.target)\(who): "
            out += "\(x.field): \(x.before.isEmpty ? "—" : x.before) → \(x.after.isEmpty ? "—" : x.after)  [\(sequences(x.events))]\n"
        }
        return out
    }

    public static func anomalies(_ r: AnomalyReport) -> String {
        let t = r.thresholds
        var out = "Аномалии журнала школы \(r.school), события #\(r.from)–#\(r.through)\n"
        out += "Пороги: задним числом — более \(t.backdatingDays) дн.; массовые изменения — более \(t.burstCount) оценок за \(t.burstMinutes) мин; "
        out += "ДЗ — до \(t.homeworkGraceMinutes) мин после последнего урока; окно исправлений — \(t.editWindowDays ?? 7) дн.; время UTC+\(t.utcOffsetHours)\n"
        for kind in AnomalyKind.allCases {
            let found = r.findings.filter { $0.kind == kind }
            out += "\n\(kind.title) [\(kind.rawValue)]: \(found.isEmpty ? "нет" : String(found.count))\n"
            for f in found.prefix(50) {
                out += "  \(sequences(f.sequences))  \(f.explanation)\n"
            }
            if found.count > 50 { out += "  … и ещё \(found.count - 50) (полный список: --format json)\n" }
        }
        return out
    }

    public static func verification(_ v: FullVerification) -> String {
        var out = ""
        if let failure = v.failure {
            out += "school \(v.school): NOT INTACT at event #\(failure.sequence): \(failure.reason)\n"
        } else {
            let rate = v.seconds > 0 ? Double(v.size) / v.seconds : 0
            out += "school \(v.school): chain intact, \(v.size) events checked in \(String(format: "%.2f", v.seconds)) s"
            out += " (\(String(format: "%.2f", rate / 1e6)) M events/s)\n"
            out += "  head #\(v.size) \(v.headHash.hex)\n"
            if let root = v.root { out += "  Merkle root \(root.hex), recomputed from the events\n" }
        }
        if let problem = v.storedTreeProblem { out += "  NOT INTACT: \(problem)\n" }
        let f = v.checkpointFindings
        let bad = f.checks.filter { $0.problem != nil } + f.beyondHead
        out += "  signed checkpoints: \(f.checks.count + f.beyondHead.count), \(bad.isEmpty ? "all match the log" : "\(bad.count) do NOT check out")"
        out += v.signaturesChecked ? " (signatures checked with the school's public key)\n" : " (signatures NOT checked: no public key)\n"
        for line in f.problems { out += "  \(line)\n" }
        if let last = f.checks.last, last.problem == nil, f.beyondHead.isEmpty {
            out += "  latest checkpoint: \(last.checkpoint.size) events, \(last.checkpoint.time.iso), root \(last.checkpoint.root.hex)\n"
        }
        out += v.isIntact ? "  verdict: intact\n" : "  verdict: NOT INTACT\(verdictReason(v))\n"
        return out
    }

    /// " (truncated, rewritten within #a…#b)": the named findings, for the verdict line.
    static func verdictReason(_ v: FullVerification) -> String {
        var reasons: [String] = []
        if v.failure != nil || v.storedTreeProblem != nil { reasons.append("the chain or tree does not check out") }
        if v.checkpointFindings.truncation != nil { reasons.append("truncated") }
        if let r = v.checkpointFindings.rewrite {
            reasons.append(r.from == r.through ? "rewritten at #\(r.through)" : "rewritten within #\(r.from)…#\(r.through)")
        }
        return reasons.isEmpty ? "" : " (\(reasons.joined(separator: ", ")))"
    }

    /// `#12, #13, #40` — at most ten, then how many more.
    static func sequences(_ s: [UInt64]) -> String {
        let shown = s.prefix(10).map { "#\($0)" }.joined(separator: ", ")
        return s.count > 10 ? shown + " и ещё \(s.count - 10)" : shown
    }
}

extension FullVerification: Encodable {
    enum CodingKeys: String, CodingKey {
        case school, size, headHash, root, failure, storedTreeProblem, checkpoints, beyondHead, truncated, rewritten
        case signaturesChecked, seconds, intact
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(school, forKey: .school)
        try c.encode(size, forKey: .size)
        try c.encode(headHash, forKey: .headHash)
        try c.encodeIfPresent(root, forKey: .root)
        try c.encodeIfPresent(failure.map { ["sequence": "\($0.sequence)", "reason": $0.reason] }, forKey: .failure)
        try c.encodeIfPresent(storedTreeProblem, forKey: .storedTreeProblem)
        let row = { (check: CheckpointCheck) in
            ["size": "\(check.checkpoint.size)", "time": check.checkpoint.time.iso, "root": check.checkpoint.root.hex, "problem": check.problem ?? ""]
        }
        try c.encode(checkpoints.map(row), forKey: .checkpoints)
        try c.encode(checkpointFindings.beyondHead.map(row), forKey: .beyondHead)
        try c.encodeIfPresent(checkpointFindings.truncation, forKey: .truncated)
        try c.encodeIfPresent(checkpointFindings.rewriteText, forKey: .rewritten)
        try c.encode(signaturesChecked, forKey: .signaturesChecked)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(isIntact, forKey: .intact)
    }
}
