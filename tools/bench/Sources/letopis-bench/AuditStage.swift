import Audit
import EventLog
import Foundation

/// Stage 5: the audit engine on a big store — full verification (hash chain and
/// Merkle root, on every core), proof generation and verification, and the as-of
/// journal of one class. On a demo store given with `--store`, or on a school of
/// `--audit-events` events (2 million by default) generated here.
struct AuditStage {
    var rounds: Int
    var storePath: String?
    var school: String?
    var events: Int
    var journal: (className: String, subject: String, period: String)
    var proofs = 1_000

    struct Outcome {
        var section: Section
        var targets: [Target]
    }

    func run(scratch: String) async throws -> Outcome {
        let log: EventLog
        var journal = self.journal
        if let storePath {
            let store = try Store.open(at: storePath)
            guard let id = try school ?? store.schoolIDs().first else { throw BenchError("\(storePath) holds no school") }
            log = try store.openLog(school: id)
            progress("audit stage: the store \(storePath), school \(id), \(try log.head()) events")
        } else {
            log = try EventLog.create(at: scratch + "/audit", school: AuditStore.school, options: .init(durable: false))
            try await AuditStore.generate(into: log, events: events)
            journal = ("2024-5А", "Математика", "2024-T1")
        }
        defer { log.close() }
        let head = try log.head()
        let load = loadAverage()
        var section = Section(
            id: "audit",
            title: "5. Audit — \(head) events\(storePath.map { " of the demo store \($0)" } ?? " of a generated school (44 classes, lessons, grades)")",
            setup: "\(rounds) rounds; \(ProcessInfo.processInfo.activeProcessorCount) cores; load at start \(load); "
                + "\(proofs) random proofs per round; as-of journal \(journal.className) · \(journal.subject) · \(journal.period)")

        // 1. Full verification: chain + Merkle root, every core, then one core.
        var rates: [Double] = [], cpuRates: [Double] = [], single: [Double] = []
        for round in 1...rounds {
            progress("audit stage: full verification, round \(round)/\(rounds) (load \(loadAverage()))")
            let c0 = processCPUNanos(), t0 = wallNanos()
            let report = try LogVerifier.verify(log: log, publicKey: nil)
            let wall = Double(wallNanos() - t0) / 1e9, cpu = Double(processCPUNanos() - c0) / 1e9
            precondition(report.isIntact && report.size == head, "verification failed: \(String(describing: report.failure))")
            rates.append(Double(head) / wall)
            cpuRates.append(Double(head) / cpu)
            let s0 = wallNanos()
            _ = try LogVerifier.verify(log: log, publicKey: nil, threads: 1)
            single.append(Double(head) / (Double(wallNanos() - s0) / 1e9))
        }
        section.add(.letopis, "verify, all cores", "events/s", rates, note: "chain, every hash, Merkle root, checkpoints")
        section.add(.letopis, "verify, per CPU-second", "events/s", cpuRates, note: "process CPU, all threads")
        section.add(.letopis, "verify, one thread", "events/s", single)

        // 2. Proofs: generation (audit path from the stored tree) and verification.
        var rng = SplitMix64(seed: 7)
        var genP50: [Double] = [], genP99: [Double] = [], docP50: [Double] = [], conP50: [Double] = [], conP99: [Double] = []
        var verP50: [Double] = [], verP99: [Double] = [], cverP50: [Double] = [], sigP50: [Double] = []
        // A key made for the run: the stage measures signature checks, and the store's own key stays where it is.
        let signer = CheckpointSigner(throwawayFor: log.school)
        let root = try log.merkleRoot().root
        let checkpoint = try signer.sign(size: head, root: root, time: .now())
        for round in 1...rounds {
            progress("audit stage: proofs, round \(round)/\(rounds)")
            var gen: [UInt64] = [], doc: [UInt64] = [], con: [UInt64] = [], ver: [UInt64] = [], cver: [UInt64] = [], sig: [UInt64] = []
            for _ in 0..<proofs {
                let sequence = rng.next() % head + 1
                var t0 = wallNanos()
                let proof = try log.inclusionProof(sequence: sequence, treeSize: head)
                gen.append(wallNanos() - t0)
                t0 = wallNanos()
                let document = try InclusionProofDocument.make(log: log, sequence: sequence, checkpoint: checkpoint)
                doc.append(wallNanos() - t0)
                t0 = wallNanos()
                let ok = Merkle.verifyInclusion(eventHash: document.eventHash, sequence: sequence, treeSize: head, path: proof.path, root: root)
                ver.append(wallNanos() - t0)
                precondition(ok, "an inclusion proof did not verify")
                t0 = wallNanos()
                let signed = checkpoint.isSigned(by: signer.publicKey)
                sig.append(wallNanos() - t0)
                precondition(signed)
                let m = rng.next() % head + 1
                t0 = wallNanos()
                let consistency = try log.consistencyProof(from: m, to: head)
                con.append(wallNanos() - t0)
                let mRoot = try log.merkleRoot(size: m).root
                t0 = wallNanos()
                let consistent = Merkle.verifyConsistency(firstSize: m, firstRoot: mRoot, secondSize: head, secondRoot: root, path: consistency.path)
                cver.append(wallNanos() - t0)
                precondition(consistent, "a consistency proof did not verify")
            }
            genP50.append(percentileMillis(gen, 50) * 1000); genP99.append(percentileMillis(gen, 99) * 1000)
            docP50.append(percentileMillis(doc, 50) * 1000)
            conP50.append(percentileMillis(con, 50) * 1000); conP99.append(percentileMillis(con, 99) * 1000)
            verP50.append(percentileMillis(ver, 50) * 1000); verP99.append(percentileMillis(ver, 99) * 1000)
            cverP50.append(percentileMillis(cver, 50) * 1000); sigP50.append(percentileMillis(sig, 50) * 1000)
        }
        section.add(.letopis, "make inclusion proof, p50", "µs", higherIsBetter: false, genP50)
        section.add(.letopis, "make inclusion proof, p99", "µs", higherIsBetter: false, genP99)
        section.add(.letopis, "make proof document, p50", "µs", higherIsBetter: false, docP50, note: "event bytes, path, root")
        section.add(.letopis, "make consistency proof, p50", "µs", higherIsBetter: false, conP50)
        section.add(.letopis, "make consistency proof, p99", "µs", higherIsBetter: false, conP99)
        section.add(.letopis, "check inclusion proof, p50", "µs", higherIsBetter: false, verP50)
        section.add(.letopis, "check inclusion proof, p99", "µs", higherIsBetter: false, verP99)
        section.add(.letopis, "check consistency proof, p50", "µs", higherIsBetter: false, cverP50)
        section.add(.letopis, "check signature, p50", "µs", higherIsBetter: false, sigP50, note: "Ed25519 over the checkpoint")

        // 3. As-of journal of one class: the index built once, then replays at two points.
        progress("audit stage: building the audit index")
        let i0 = wallNanos()
        try Checkpointer(log: log, signer: nil).catchUp()
        let indexSeconds = Double(wallNanos() - i0) / 1e9
        var atHead: [Double] = [], atMoment: [Double] = []
        // A moment late in the log, where the journal's class exists (the generated store's last year).
        let moment = try log.event(at: max(head * 3 / 4, head > 100_000 ? head - 100_000 : 1))!.recordedAt
        var lessons = 0
        for round in 1...rounds {
            progress("audit stage: as-of journal, round \(round)/\(rounds)")
            var t0 = wallNanos()
            let now = try AsOfViews(log: log, at: .sequence(head))
                .classJournal(class: journal.className, group: nil, subject: journal.subject, period: journal.period)
            atHead.append(Double(wallNanos() - t0) / 1e6)
            lessons = now.lessons.count
            t0 = wallNanos()
            _ = try AsOfViews(log: log, at: .time(moment))
                .classJournal(class: journal.className, group: nil, subject: journal.subject, period: journal.period)
            atMoment.append(Double(wallNanos() - t0) / 1e6)
        }
        section.add(.letopis, "as-of journal, last event", "ms", higherIsBetter: false, atHead,
                    note: "\(lessons) lessons, \(try log.head()) events in the log")
        section.add(.letopis, "as-of journal, date-time", "ms", higherIsBetter: false, atMoment, note: "late in the log: the date-time resolved to a prefix first")
        section.add(.letopis, "audit index, built once", "s", higherIsBetter: false, [indexSeconds])

        let verify = median(rates), p50 = median(genP50), p99 = median(genP99), v99 = median(verP99), asOf = max(median(atHead), median(atMoment))
        let targets = [
            Target(name: "full verification", goal: "≥ 1,000,000 events/s (chain + Merkle root)",
                   measured: "\(formatValue(verify, unit: "")) events/s on \(ProcessInfo.processInfo.activeProcessorCount) cores, \(formatValue(median(single), unit: "")) on one",
                   met: verify >= 1_000_000),
            Target(name: "proof generation", goal: "< 1 ms", measured: String(format: "p50 %.1f µs, p99 %.1f µs", p50, p99), met: p99 < 1_000),
            Target(name: "proof verification", goal: "< 100 µs",
                   measured: String(format: "p99 %.1f µs (path), + %.0f µs for the Ed25519 signature", v99, median(sigP50)),
                   met: v99 + median(sigP50) < 100),
            Target(name: "as-of journal of one class", goal: "< 1 s", measured: String(format: "%.0f ms", asOf), met: asOf < 1_000),
        ]
        return Outcome(section: section, targets: targets)
    }
}
