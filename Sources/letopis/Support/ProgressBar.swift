import Foundation

/// A progress bar on standard error when it is a terminal; silent otherwise, so
/// logs and pipes stay clean.
final class ProgressBar: @unchecked Sendable {
    private let total: UInt64
    private let unit: String
    private let label: String
    private let enabled: Bool
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private let lock = NSLock()

    init(total: UInt64, unit: String, label: String) {
        self.total = total
        self.unit = unit
        self.label = label
        self.enabled = isatty(STDERR_FILENO) == 1 && total > 0
    }

    func update(_ done: UInt64) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) > 0.1 || done >= total else { return }
        lastDrawn = now
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(started)
        let line = String(format: "\r%@ %@ %3.0f%% %@/%@ %@ %.1fs", label, bar, fraction * 100,
                          grouped(done), grouped(total), unit, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// 1234567 → "1 234 567", as Russian texts group digits.
func grouped(_ value: UInt64) -> String {
    let digits = Array(String(value))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
        out.append(d)
    }
    return out
}
