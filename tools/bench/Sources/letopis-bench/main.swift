// letopis-bench: the EventLog against SQLite (GRDB) and raw LMDB (C), in one run.
//
//     tools/bench/run [--quick] [--rounds N] [--only bulk,single,concurrent,scan]
//     tools/bench/run --only audit [--store DIR] [--audit-events N]
//
// Every stage runs the systems in the same process, interleaved (the order
// rotates batch by batch), for several rounds; the table shows each round and
// the median, and every peer figure as Letopis ÷ peer.

import EventLog
import Foundation

// MARK: - Configuration

struct Config {
    var rounds = 3
    var batchSize = 10_000
    var bulkEventsPerRound = 500_000
    var singlesPerRound = 700
    var singleChunk = 50
    var writers = 64
    var perWriter = 300
    var perWriterSQLite = 50
    var randomStreams = false
    var scratch: String?
    var out: String?
    var stages: Set<String> = ["bulk", "single", "concurrent", "scan"]
    /// The audit stage (only with --only audit): a demo store to read, or events to generate.
    var auditStore: String?
    var auditSchool: String?
    var auditEvents = 2_000_000
    var auditClass = "5А", auditSubject = "Математика", auditPeriod = "1 четверть"

    static func parse(_ args: [String]) throws -> Config {
        var c = Config()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchError("\(args[i - 1]) needs a value") }
            return args[i]
        }
        func number() throws -> Int {
            let text = try value()
            guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else {
                throw BenchError("\(args[i - 1]) needs a positive number, not \(text)")
            }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--quick":
                c.bulkEventsPerRound = 100_000
                c.singlesPerRound = 150
                c.perWriter = 60
                c.perWriterSQLite = 20
            case "--rounds": c.rounds = try number()
            case "--bulk-events": c.bulkEventsPerRound = try number()
            case "--batch": c.batchSize = try number()
            case "--singles": c.singlesPerRound = try number()
            case "--writers": c.writers = try number()
            case "--per-writer": c.perWriter = try number()
            case "--per-writer-sqlite": c.perWriterSQLite = try number()
            case "--random-streams": c.randomStreams = true
            case "--scratch": c.scratch = try value()
            case "--out": c.out = try value()
            case "--only": c.stages = Set(try value().split(separator: ",").map(String.init))
            case "--store": c.auditStore = try value()
            case "--school": c.auditSchool = try value()
            case "--audit-events": c.auditEvents = try number()
            case "--class": c.auditClass = try value()
            case "--subject": c.auditSubject = try value()
            case "--period": c.auditPeriod = try value()
            case "-h", "--help":
                print("""
                    usage: letopis-bench [--quick] [--rounds N] [--bulk-events N] [--batch N] [--singles N]
                                         [--writers N] [--per-writer N] [--per-writer-sqlite N] [--random-streams]
                                         [--only bulk,single,concurrent,scan,audit] [--scratch DIR] [--out DIR]
                    audit stage (only with --only audit): [--store DEMO-STORE [--school ID]] [--audit-events N]
                                         [--class 5А --subject Математика --period "1 четверть"]
                      without --store it generates a school of N events (default 2,000,000) with lessons
                    """)
                exit(0)
            default: throw BenchError("unknown option \(args[i]) (try --help)")
            }
            i += 1
        }
        c.bulkEventsPerRound = max(c.batchSize, c.bulkEventsPerRound / c.batchSize * c.batchSize)
        return c
    }
}

let config: Config
do {
    config = try Config.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("letopis-bench: \(error)\n".utf8))
    exit(2)
}

// MARK: - Stores

let fm = FileManager.default
let scratchRoot = config.scratch ?? (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")
let scratch = scratchRoot + "/letopis-bench-\(getpid())"
try? fm.removeItem(atPath: scratch)
try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
progress("stores in \(scratch)")

let iso = ISO8601DateFormatter()
var results = Results(
    startedAt: iso.string(from: Date()),
    host: [
        "hostname": ProcessInfo.processInfo.hostName,
        "cores": String(ProcessInfo.processInfo.activeProcessorCount),
        "memoryGiB": String(ProcessInfo.processInfo.physicalMemory >> 30),
        "os": ProcessInfo.processInfo.operatingSystemVersionString,
    ],
    config: [
        "rounds": config.rounds, "batchSize": config.batchSize, "bulkEventsPerRound": config.bulkEventsPerRound,
        "singlesPerRound": config.singlesPerRound, "writers": config.writers, "perWriter": config.perWriter,
        "perWriterSQLite": config.perWriterSQLite, "randomStreams": config.randomStreams ? 1 : 0,
        "auditEvents": config.stages.contains("audit") && config.auditStore == nil ? config.auditEvents : 0,
    ])
results.loadAverages["start"] = loadAverage()

let log = try EventLog.create(at: scratch + "/letopis", school: Workload.school)  // durable by default
let sqlite = try SQLiteLog(path: scratch + "/sqlite.db")
let raw = try RawLMDB(path: scratch + "/raw")
let rawTables = try RawLMDB(path: scratch + "/raw-tables", tables: true)
var workload = Workload(seed: 2024, randomStreams: config.randomStreams)

/// The order of the systems for the `n`-th slice of a stage: it rotates, so
/// that none always runs right after another one's fsyncs.
func order(_ n: Int, _ all: [System] = System.peers) -> [System] {
    (0..<all.count).map { all[($0 + n) % all.count] }
}

// MARK: - 1. Bulk append

if config.stages.contains("bulk") {
    var rates: [System: [Double]] = [:]
    var cpu: [System: [Double]] = [:]
    var written: [System: [Double]] = [:]
    let batches = config.bulkEventsPerRound / config.batchSize
    for round in 1...config.rounds {
        progress("bulk append, round \(round)/\(config.rounds): making \(config.bulkEventsPerRound) events")
        let events = (0..<batches).map { _ in workload.batch(config.batchSize) }
        let rows = events.map { $0.map(SQLiteLog.Row.init) }
        let sizes = events.map { $0.map { UInt32(Workload.storedSize($0)) } }
        let tableBatches = events.map(RawLMDB.TableBatch.init)
        var wall: [System: UInt64] = [:]
        var cpuTime: [System: UInt64] = [:]
        var bytes: [System: UInt64] = [:]
        progress("bulk append, round \(round)/\(config.rounds): appending (load \(loadAverage()))")
        for b in 0..<batches {
            for system in order(b + round, System.allCases) {
                let w0 = bytesWritten()
                let c0 = processCPUNanos()
                let t0 = wallNanos()
                switch system {
                case .letopis: try await log.append(events[b])
                case .sqlite: try sqlite.append(rows[b])
                case .raw: try raw.append(sizes: sizes[b])
                case .rawTables: try rawTables.append(tableBatches[b])
                }
                wall[system, default: 0] += wallNanos() - t0
                cpuTime[system, default: 0] += processCPUNanos() - c0
                bytes[system, default: 0] += bytesWritten() - w0
            }
        }
        for system in System.allCases {
            rates[system, default: []].append(Double(config.bulkEventsPerRound) / (Double(wall[system]!) / 1e9))
            cpu[system, default: []].append(Double(cpuTime[system]!) / 1000 / Double(config.bulkEventsPerRound))
            written[system, default: []].append(Double(bytes[system]!) / Double(config.bulkEventsPerRound))
        }
        if round == 1 {
            // The raw peer must write values of the very size Letopis stores.
            var storedFirst = 0
            try log.scanStored(from: 1, through: 1) { _, value in storedFirst = value.count; return false }
            precondition(storedFirst == Int(sizes[0][0]), "stored size \(storedFirst) ≠ computed \(sizes[0][0])")
        }
    }
    let total = UInt64(config.rounds * config.bulkEventsPerRound)
    let counts = (try log.head(), raw.head, UInt64(try sqlite.count()), rawTables.head)
    precondition(counts == (total, total, total, total), "bulk counts differ: \(counts), expected \(total)")
    let meanSize = Double(workload.batch(2_000).map(Workload.storedSize).reduce(0, +)) / 2_000
    var section = Section(
        id: "bulk",
        title: "1. Bulk append — durable transactions of \(config.batchSize) events",
        setup: "\(config.rounds) rounds × \(config.bulkEventsPerRound) events into stores that keep growing; "
            + "payload 150–250 B, Letopis stores ≈\(Int(meanSize)) B/event; systems interleaved batch by batch\n  streams: "
            + (config.randomStreams ? "RANDOM — every event to one of 500,000 grade streams at random (worst case for the stream index)"
                : "85 % new grade streams in id order, 10 % corrections of recent grades, 5 % attendance on lesson streams"))
    for system in System.allCases {
        section.add(system, "throughput", "events/s", rates[system]!,
                    note: system == .rawTables ? "diagnostic: raw C + Letopis's id, stream, Merkle tables, no hashing" : nil)
    }
    for system in System.allCases {
        section.add(system, "CPU per event", "µs", higherIsBetter: false, cpu[system]!,
                    note: system == .letopis ? "process CPU, all threads" : nil)
    }
    for system in System.allCases {
        section.add(system, "written per event", "bytes", higherIsBetter: false, written[system]!,
                    note: system == .letopis ? "bytes passed to write(2) per event, all tables" : nil)
    }
    section.computeRatios()
    results.sections.append(section)
    results.loadAverages["after bulk"] = loadAverage()
}

// MARK: - 2. Single durable appends

if config.stages.contains("single") {
    var rates: [System: [Double]] = [:]
    var p50: [System: [Double]] = [:]
    var p99: [System: [Double]] = [:]
    let chunks = max(1, config.singlesPerRound / config.singleChunk)
    let perRound = chunks * config.singleChunk
    for round in 1...config.rounds {
        progress("single durable appends, round \(round)/\(config.rounds) (load \(loadAverage()))")
        let events = workload.batch(perRound)
        let rows = events.map(SQLiteLog.Row.init)
        let sizes = events.map { [UInt32(Workload.storedSize($0))] }
        var latencies: [System: [UInt64]] = [:]
        for c in 0..<chunks {
            for system in order(c + round) {
                var samples: [UInt64] = []
                samples.reserveCapacity(config.singleChunk)
                for i in (c * config.singleChunk)..<((c + 1) * config.singleChunk) {
                    let t0 = wallNanos()
                    switch system {
                    case .letopis: try await log.append([events[i]])
                    case .sqlite: try sqlite.append([rows[i]])
                    case .raw: try raw.append(sizes: sizes[i])
                    case .rawTables: break
                    }
                    samples.append(wallNanos() - t0)
                }
                latencies[system, default: []].append(contentsOf: samples)
            }
        }
        for system in System.peers {
            let samples = latencies[system]!
            let seconds = Double(samples.reduce(0, +)) / 1e9
            rates[system, default: []].append(Double(samples.count) / seconds)
            p50[system, default: []].append(percentileMillis(samples, 50))
            p99[system, default: []].append(percentileMillis(samples, 99))
        }
    }
    var section = Section(
        id: "single",
        title: "2. Single durable appends — one event per transaction, awaited one after another",
        setup: "\(config.rounds) rounds × \(perRound) appends per system, interleaved in runs of \(config.singleChunk)")
    for system in System.peers { section.add(system, "commits", "commits/s", rates[system]!) }
    for system in System.peers { section.add(system, "latency p50", "ms", higherIsBetter: false, p50[system]!) }
    for system in System.peers { section.add(system, "latency p99", "ms", higherIsBetter: false, p99[system]!) }
    section.computeRatios()
    results.sections.append(section)
    results.loadAverages["after single"] = loadAverage()
}

// MARK: - 3. Concurrent writers

/// `writers` tasks, each appending its events one by one; returns the wall
/// time of the whole and every append's latency.
func concurrentRun<Item: Sendable>(
    _ perWriter: [[Item]], _ append: @escaping @Sendable (Item) async throws -> Void
) async throws -> (nanos: UInt64, latencies: [UInt64]) {
    let start = wallNanos()
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for items in perWriter {
            group.addTask {
                var samples: [UInt64] = []
                samples.reserveCapacity(items.count)
                for item in items {
                    let t0 = wallNanos()
                    try await append(item)
                    samples.append(wallNanos() - t0)
                }
                return samples
            }
        }
        var all: [UInt64] = []
        for try await samples in group { all.append(contentsOf: samples) }
        return all
    }
    return (wallNanos() - start, latencies)
}

if config.stages.contains("concurrent") {
    var rates: [System: [Double]] = [:]
    var p50: [System: [Double]] = [:]
    var p99: [System: [Double]] = [:]
    var cpu: [Double] = []
    var groupSizes: [Double] = []
    let systems: [System] = [.letopis, .sqlite]
    for round in 1...config.rounds {
        // Made in one sequence and dealt out in turn, so that events reach the log
        // roughly in the order they were made (ids and new grade ids grow), as
        // when each caller makes its event just before appending it.
        func dealt<T>(_ items: [T]) -> [[T]] {
            (0..<config.writers).map { w in stride(from: w, to: items.count, by: config.writers).map { items[$0] } }
        }
        let forLetopis = dealt(workload.batch(config.writers * config.perWriter))
        let forSQLite = dealt(workload.batch(config.writers * config.perWriterSQLite).map(SQLiteLog.Row.init))
        for system in (round % 2 == 1 ? systems : systems.reversed()) {
            progress("\(config.writers) concurrent writers, round \(round)/\(config.rounds), \(system.rawValue) (load \(loadAverage()))")
            let c0 = processCPUNanos()
            let run: (nanos: UInt64, latencies: [UInt64])
            switch system {
            case .letopis:
                let log = log
                let first = try log.head() + 1
                run = try await concurrentRun(forLetopis) { event in try await log.append([event]) }
                cpu.append(Double(processCPUNanos() - c0) / 1000 / Double(run.latencies.count))
                // Every event of one group commit carries the same recorded-at.
                var commits = Set<Int64>()
                try log.scan(from: first) { event in commits.insert(event.recordedAt.microseconds); return true }
                groupSizes.append(Double(run.latencies.count) / Double(max(1, commits.count)))
            case .sqlite:
                let sqlite = sqlite
                run = try await concurrentRun(forSQLite) { row in try await sqlite.appendAsync(row) }
            case .raw, .rawTables:
                continue
            }
            rates[system, default: []].append(Double(run.latencies.count) / (Double(run.nanos) / 1e9))
            p50[system, default: []].append(percentileMillis(run.latencies, 50))
            p99[system, default: []].append(percentileMillis(run.latencies, 99))
        }
    }
    var section = Section(
        id: "concurrent",
        title: "3. \(config.writers) concurrent writers — each task appends single events, awaiting each",
        setup: "\(config.rounds) rounds; Letopis \(config.writers)×\(config.perWriter) events (group commit), "
            + "SQLite \(config.writers)×\(config.perWriterSQLite) rows, one transaction per row (GRDB DatabasePool, async write)")
    for system in systems { section.add(system, "throughput", "events/s", rates[system]!) }
    for system in systems { section.add(system, "latency p50", "ms", higherIsBetter: false, p50[system]!) }
    for system in systems { section.add(system, "latency p99", "ms", higherIsBetter: false, p99[system]!) }
    section.add(.letopis, "CPU per event", "µs", higherIsBetter: false, cpu, note: "process CPU, all threads")
    section.add(.letopis, "events per group commit", "events", groupSizes,
                note: "mean; one recorded-at per commit")
    section.computeRatios()
    results.sections.append(section)
    results.loadAverages["after concurrent"] = loadAverage()
}

// MARK: - 4. Full scans

if config.stages.contains("scan") {
    let head = try log.head()
    let rawHead = raw.head
    let rows = try sqlite.count()
    enum Scan: CaseIterable { case verify, decode, stored, raw, sqlite }
    var rates: [Scan: [Double]] = [:]
    var cpuRates: [Scan: [Double]] = [:]
    for round in 1...config.rounds {
        progress("full scans, round \(round)/\(config.rounds) over \(head) events (load \(loadAverage()))")
        let all = Scan.allCases
        for k in 0..<all.count {
            let scan = all[(k + round) % all.count]
            let t0 = wallNanos()
            let c0 = threadCPUNanos()
            var count = 0
            switch scan {
            case .verify:
                let report = try log.verify()
                precondition(report.isIntact, "verify failed: \(String(describing: report.failure))")
                precondition(report.merkleRoot != nil)
                count = Int(report.count)
            case .decode:
                var bytes = 0
                try log.scan { event in
                    count += 1
                    bytes &+= event.payload.count &+ event.stream.utf8.count
                    return true
                }
                precondition(bytes > 0)
            case .stored:
                var sum = 0
                try log.scanStored { _, value in
                    count += 1
                    sum &+= value.count &+ Int(value[value.count - 1])
                    return true
                }
                precondition(sum > 0)
            case .raw:
                count = Int(try raw.scan().count)
            case .sqlite:
                count = try sqlite.scanAll().count
            }
            let cpuNanos = threadCPUNanos() - c0
            let nanos = wallNanos() - t0
            let expected = scan == .raw ? Int(rawHead) : scan == .sqlite ? rows : Int(head)
            precondition(count == expected, "\(scan) saw \(count) of \(expected)")
            rates[scan, default: []].append(Double(count) / (Double(nanos) / 1e9))
            cpuRates[scan, default: []].append(Double(count) / (Double(cpuNanos) / 1e9))
        }
    }
    var section = Section(
        id: "scan",
        title: "4. Full scans — \(head) Letopis events (\(rawHead) raw C, \(rows) SQLite rows), warm page cache",
        setup: "\(config.rounds) rounds, interleaved; one thread each. \"per CPU-s\" divides by the thread's CPU time "
            + "(events/s on one core, whatever else the machine runs)")
    section.add(.letopis, "verify (hash chain + Merkle)", "events/s", rates[.verify]!)
    section.add(.letopis, "verify, per CPU-second", "events/s", cpuRates[.verify]!)
    section.add(.letopis, "scan, decoding every event", "events/s", rates[.decode]!)
    section.add(.raw, "scan, decoding every event", "events/s", rates[.raw]!, note: "C cursor, no decoding, no hashing")
    section.add(.sqlite, "scan, decoding every event", "events/s", rates[.sqlite]!, note: "SELECT *, every column read")
    section.add(.letopis, "scan, per CPU-second", "events/s", cpuRates[.decode]!)
    section.add(.raw, "scan, per CPU-second", "events/s", cpuRates[.raw]!)
    section.add(.sqlite, "scan, per CPU-second", "events/s", cpuRates[.sqlite]!)
    section.add(.letopis, "scanStored (raw bytes)", "events/s", rates[.stored]!)
    section.add(.raw, "scanStored (raw bytes)", "events/s", rates[.raw]!, note: "same C scan as above")
    section.computeRatios()
    // Verify against the peers' plain scans too: what hashing costs over reading.
    for scan in [Scan.raw, .sqlite] {
        section.figures.append(Figure(
            system: scan == .raw ? .raw : .sqlite, metric: "verify vs plain scan", unit: "events/s", higherIsBetter: true,
            rounds: rates[scan]!, median: median(rates[scan]!),
            letopisRatio: median(rates[.verify]!) / median(rates[scan]!),
            note: "Letopis verify ÷ peer's plain scan"))
    }
    results.sections.append(section)
    results.loadAverages["after scan"] = loadAverage()
}

// MARK: - 5. Audit

if config.stages.contains("audit") {
    let stage = AuditStage(
        rounds: config.rounds, storePath: config.auditStore, school: config.auditSchool, events: config.auditEvents,
        journal: (config.auditClass, config.auditSubject, config.auditPeriod))
    let outcome = try await stage.run(scratch: scratch)
    results.sections.append(outcome.section)
    results.targets += outcome.targets
    results.loadAverages["after audit"] = loadAverage()
}

log.close()
try? sqlite.pool.close()
try? fm.removeItem(atPath: scratch)

// MARK: - Targets

@MainActor func section(_ id: String) -> Section? { results.sections.first { $0.id == id } }

if let bulk = section("bulk"), let ours = bulk.figure(.letopis, "throughput"),
   let c = bulk.figure(.raw, "throughput"), let s = bulk.figure(.sqlite, "throughput") {
    let ofC = ours.median / c.median
    results.targets.append(Target(
        name: "bulk append vs raw C", goal: "≥ 60 % of raw C LMDB",
        measured: String(format: "%.0f %% (%@ vs %@ events/s)", ofC * 100,
                         formatValue(ours.median, unit: ""), formatValue(c.median, unit: "")),
        met: ofC >= 0.60))
    results.targets.append(Target(
        name: "bulk append vs SQLite", goal: "ahead of SQLite (GRDB)",
        measured: String(format: "%.2f× (%@ vs %@ events/s)", ours.median / s.median,
                         formatValue(ours.median, unit: ""), formatValue(s.median, unit: "")),
        met: ours.median > s.median))
}
if let scan = section("scan"), let cpu = scan.figure(.letopis, "verify, per CPU-second"),
   let wall = scan.figure(.letopis, "verify (hash chain + Merkle)") {
    results.targets.append(Target(
        name: "verify", goal: "≥ 1,000,000 events/s on one core (judged per CPU-second)",
        measured: "\(formatValue(cpu.median, unit: "")) events per CPU-second, \(formatValue(wall.median, unit: "")) events/s wall",
        met: cpu.median >= 1_000_000))
}
if let conc = section("concurrent"), let rate = conc.figure(.letopis, "throughput"),
   let p99 = conc.figure(.letopis, "latency p99") {
    results.targets.append(Target(
        name: "\(config.writers) concurrent writers", goal: "≥ 20,000 events/s with p99 < 20 ms",
        measured: "\(formatValue(rate.median, unit: "")) events/s, p99 \(formatValue(p99.median, unit: "ms")) ms",
        met: rate.median >= 20_000 && p99.median < 20))
}

// MARK: - Output

results.finishedAt = iso.string(from: Date())
results.loadAverages["end"] = loadAverage()
print(render(results))
print("\nload average (1/5/15 min): " + ["start", "after bulk", "after single", "after concurrent", "after scan", "after audit", "end"]
    .compactMap { key in results.loadAverages[key].map { "\(key) \($0)" } }.joined(separator: "; "))

let outDir = config.out ?? (fm.currentDirectoryPath + "/results")
try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
let stamp: String = {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HHmmss'Z'"
    return f.string(from: Date())
}()
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
let file = outDir + (config.stages == ["audit"] ? "/audit-\(stamp).json" : "/eventlog-\(stamp).json")
try encoder.encode(results).write(to: URL(fileURLWithPath: file))
print("results written to \(file)")
