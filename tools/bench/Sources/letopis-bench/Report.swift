import Foundation

// MARK: - Clocks and statistics

/// Monotonic wall clock, nanoseconds.
@inline(__always)
func wallNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread, nanoseconds.
func threadCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CPU time of the whole process (every thread), nanoseconds.
func processCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Nearest-rank percentile of nanosecond samples, in milliseconds.
func percentileMillis(_ samples: [UInt64], _ p: Double) -> Double {
    guard !samples.isEmpty else { return .nan }
    let sorted = samples.sorted()
    let rank = max(0, min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
    return Double(sorted[rank]) / 1_000_000
}

/// Bytes this process has handed to write system calls so far (`wchar` in
/// /proc/self/io): what a store writes per commit, pages and log alike.
func bytesWritten() -> UInt64 {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return UInt64(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

/// Prints progress on standard error, so that standard output holds the table only.
func progress(_ text: String) {
    FileHandle.standardError.write(Data(("· " + text + "\n").utf8))
}

// MARK: - Results

enum System: String, Codable, CaseIterable {
    case letopis = "Letopis"
    case sqlite = "SQLite (GRDB)"
    case raw = "raw C LMDB"
    case rawTables = "C, same tables"

    /// The peers every stage compares with; `rawTables` is only a diagnostic of bulk appends.
    static let peers: [System] = [.letopis, .sqlite, .raw]
}

/// One figure of one system: its value in each round and their median.
struct Figure: Codable {
    var system: System
    var metric: String
    var unit: String
    var higherIsBetter: Bool
    var rounds: [Double]
    var median: Double
    /// For a peer's figure: Letopis's median divided by this one.
    var letopisRatio: Double?
    var note: String?
}

struct Section: Codable {
    var id: String
    var title: String
    var setup: String
    var figures: [Figure] = []

    mutating func add(_ system: System, _ metric: String, _ unit: String, higherIsBetter: Bool = true,
                      _ rounds: [Double], note: String? = nil) {
        figures.append(Figure(system: system, metric: metric, unit: unit, higherIsBetter: higherIsBetter,
                              rounds: rounds, median: median(rounds), letopisRatio: nil, note: note))
    }

    func figure(_ system: System, _ metric: String) -> Figure? {
        figures.first { $0.system == system && $0.metric == metric }
    }

    /// Fills every peer figure's ratio from the Letopis figure of the same metric.
    mutating func computeRatios() {
        for i in figures.indices where figures[i].system != .letopis {
            if let ours = figure(.letopis, figures[i].metric), figures[i].median > 0 {
                figures[i].letopisRatio = ours.median / figures[i].median
            }
        }
    }
}

struct Target: Codable {
    var name: String
    var goal: String
    var measured: String
    var met: Bool
}

struct Results: Codable {
    var tool = "tools/bench (letopis-bench)"
    var startedAt: String
    var finishedAt: String = ""
    var host: [String: String]
    var config: [String: Int]
    var sections: [Section] = []
    var targets: [Target] = []
    var loadAverages: [String: String] = [:]
}

// MARK: - Printing

func formatValue(_ value: Double, unit: String) -> String {
    guard value.isFinite else { return "n/a" }
    if unit == "ms" || unit == "µs" {
        return value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value)
            : String(format: "%.2f", value)
    }
    if value >= 10_000_000 { return String(format: "%.1f M", value / 1_000_000) }
    if value >= 1_000_000 { return String(format: "%.2f M", value / 1_000_000) }
    if value >= 10_000 { return String(format: "%.0f k", value / 1_000) }
    if value >= 1_000 { return String(format: "%.2f k", value / 1_000) }
    if value >= 10 { return String(format: "%.0f", value) }
    return String(format: "%.2f", value)
}

func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let count = s.count
    guard count < width else { return s }
    let fill = String(repeating: " ", count: width - count)
    return right ? fill + s : s + fill
}

func render(_ results: Results) -> String {
    var out = ""
    let roundCount = results.sections.flatMap(\.figures).map(\.rounds.count).max() ?? 1
    for section in results.sections {
        out += "\n\(section.title)\n  \(section.setup)\n"
        var header = "  " + pad("metric", 40) + pad("system", 16) + pad("median", 11, right: true)
        for r in 1...roundCount { header += pad("r\(r)", 10, right: true) }
        header += pad("Letopis ÷ peer", 17, right: true)
        out += header + "\n"
        out += "  " + String(repeating: "-", count: header.count - 2) + "\n"
        var lastMetric = ""
        for f in section.figures {
            let metric = f.metric == lastMetric ? "" : "\(f.metric) (\(f.unit))"
            lastMetric = f.metric
            var line = "  " + pad(metric, 40) + pad(f.system.rawValue, 16)
                + pad(formatValue(f.median, unit: f.unit), 11, right: true)
            for r in 0..<roundCount {
                line += pad(r < f.rounds.count ? formatValue(f.rounds[r], unit: f.unit) : "", 10, right: true)
            }
            if let ratio = f.letopisRatio {
                let pct = f.higherIsBetter ? String(format: "%.2f× (%.0f %%)", ratio, ratio * 100)
                    : String(format: "%.2f×", ratio)
                line += pad(pct, 17, right: true)
            }
            if let note = f.note { line += "   " + note }
            out += line + "\n"
        }
    }
    out += "\nTargets\n"
    for t in results.targets {
        out += "  [\(t.met ? "MET " : "MISS")] \(t.name): \(t.goal) — measured \(t.measured)\n"
    }
    return out
}
