import ArgumentParser
import Audit
import EventLog
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check every school log in the store: hash chain, Merkle tree and the school's signed checkpoints.",
        discussion: """
            What it proves: every event's hash is recomputed from its stored bytes and the previous \
            event's hash, and the Merkle tree from the events, compared with the stored one; then every \
            checkpoint the school recorded is held against the log. A checkpoint of more events than \
            the log holds means the log was cut ("truncated: the log ends at #N, the school signed a \
            checkpoint of M events at …"); one whose root the events no longer give means they were \
            rewritten, even with every later hash recomputed ("rewritten within #a…#b": after the last \
            checkpoint that still matches, up to the first that does not). Signatures are checked with \
            the school's public key in the store (STORE/keys/<school>.pub).

            What it does not prove: that the key in the store is the one the school published (compare \
            it, or use letopis audit verify --public-key); anything about events after the last \
            checkpoint, which nobody signed yet; nor anything against the school itself, which holds \
            the private key and could rewrite its log, delete its checkpoints and sign new ones. Only \
            copies of checkpoints held elsewhere catch that (exports, proofs already handed out, and \
            witnesses): the witnesses' cosignatures the school holds (letopis witness add) are checked \
            against the events too, and a log that disagrees with one fails, naming the witness.

            Exit status: 0 when every log checks out; 1 when any finding is named (a broken chain or \
            tree, a cut or rewritten log, a checkpoint with a bad signature) or the store cannot be \
            read; 2 when the command line is refused.

            Example:
              letopis verify --store ./letopis-store
            """
    )

    @OptionGroup var options: StoreOptions

    @Option(help: "Check only this school's log.")
    var school: String?

    func run() throws {
        let store = try options.openStore()
        let schools = try school.map { [$0] } ?? store.schoolIDs()
        guard !schools.isEmpty else { throw CommandFailure("\(store.path) holds no school log yet") }
        var failed = false
        for id in schools {
            let log = try store.openLog(school: id, options: .init(readOnly: true))
            defer { log.close() }
            let total = try log.head()
            let progress = ProgressBar(total: total, unit: "events", label: "verifying \(id)")
            let report = try log.verify { progress.update($0) }
            progress.finish()
            let key = try? SchoolKeys.publicKey(store: store, school: id)
            // The stored tree is the events' own once the chain and nodes checked out.
            let findings = try CheckpointFindings.check(log: log, head: total, publicKey: key) { size in
                report.isIntact ? try log.merkleRoot(size: size).root : nil
            }
            if let failure = report.failure {
                print("school \(id): NOT INTACT at event #\(failure.sequence): \(failure.reason)")
            } else {
                let root = report.merkleRoot.map { ", Merkle root \($0.hex)" } ?? ""
                let state = findings.isIntact ? "intact" : "chain intact"
                print("school \(id): \(state), \(report.count) events, head #\(report.through) \(report.headHash.hex)\(root)")
            }
            print(checkpointLine(findings))
            for problem in findings.problems { print("  NOT INTACT: \(problem)") }
            // The witnesses' cosignatures the school holds: the one check a school re-signing its own rewrite cannot pass.
            let witnessed = try WitnessAudit.check(log: log)
            for line in witnessed.lines { print(line) }
            if !report.isIntact || !findings.isIntact || !witnessed.isIntact { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    private func checkpointLine(_ f: CheckpointFindings) -> String {
        let count = f.checks.count + f.beyondHead.count
        let bad = f.checks.filter { $0.problem != nil }.count + f.beyondHead.count
        let signed = f.signaturesChecked ? "signatures checked with the school's public key in the store"
            : "signatures NOT checked: the store has no public key of \(f.school)"
        return "  signed checkpoints: \(count), \(bad == 0 ? "all match the log" : "\(bad) do NOT check out") (\(signed))"
    }
}
