import ArgumentParser
import Audit
import EventLog
import Foundation

struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Make a proof that an event is in the log, or that the log only grew.",
        discussion: """
            A proof is a JSON file (docs/log-format.md, "Proofs") that anyone can check without this
            store: letopis verify-proof, or tools/verify-export.py --proof.

            Examples:
              letopis proof inclusion --seq 1234 --out proof-1234.json
              letopis proof inclusion --seq 1234 --checkpoint 5000
              letopis proof consistency --from 5000 --to 120000 --out grew.json
            """,
        subcommands: [InclusionProofCommand.self, ConsistencyProofCommand.self]
    )
}

struct InclusionProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inclusion",
        abstract: "Prove that event --seq is in the log as a signed checkpoint saw it.",
        discussion: """
            The proof carries the event's stored bytes, the audit path (about log2 N hashes) and the
            checkpoint. --checkpoint names it: `latest` (the default: the last recorded checkpoint that
            holds the event, else a fresh one of the whole log), a tree size with a recorded
            checkpoint, or a checkpoint JSON file.
            """
    )

    @OptionGroup var school: SchoolOptions

    @Option(help: "The event's sequence number.")
    var seq: UInt64

    @Option(help: ArgumentHelp("latest, a tree size, or a checkpoint file.", valueName: "checkpoint"))
    var checkpoint: String = "latest"

    @Option(help: ArgumentHelp("Write the proof to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let (store, log) = try openAuditLog(school, writable: true)
        defer { log.close() }
        try asCommandFailure {
            let chosen = try pickCheckpoint(store: store, log: log)
            let proof = try InclusionProofDocument.make(log: log, sequence: seq, checkpoint: chosen)
            try writeDocument(auditJSON(proof), to: out)
        }
    }

    private func pickCheckpoint(store: Store, log: EventLog) throws -> SignedCheckpoint? {
        let book = try CheckpointBook(log: log)
        if checkpoint == "latest" {
            if let latest = try book.latest(), latest.size >= seq { return latest }
            let signer = try SchoolKeys.signerIfPresent(store: store, school: log.school)
            return signer == nil ? nil : try Checkpointer(log: log, signer: signer).checkpointHead()
        }
        if let size = UInt64(checkpoint) {
            guard let found = try book.checkpoint(size: size) else {
                throw CommandFailure("no checkpoint of \(size) events is recorded; see letopis checkpoint --list")
            }
            return found
        }
        guard let data = FileManager.default.contents(atPath: checkpoint) else { throw CommandFailure("cannot read \(checkpoint)") }
        return try SignedCheckpoint.parse(data)
    }
}

struct ConsistencyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Prove that the log of --to events extends the log of --from events, unchanged.",
        discussion: """
            Carries the recorded checkpoints of either size when there are any. --from must be the size \
            of a checkpoint the school signed (letopis checkpoint --list): a proof from an unsigned old \
            root shows only that the log extends some tree of that size with that root, not one the \
            school ever vouched for, so it is refused unless --allow-unsigned-from is given.
            """
    )

    @OptionGroup var school: SchoolOptions

    @Option(help: "The earlier tree size.")
    var from: UInt64

    @Option(help: "The later tree size (default: the whole log).")
    var to: UInt64?

    @Flag(help: "Make the proof even when no checkpoint of --from events was signed (it says so).")
    var allowUnsignedFrom = false

    @Option(help: ArgumentHelp("Write the proof to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let (_, log) = try openAuditLog(school)
        defer { log.close() }
        let proof: ConsistencyProofDocument
        do {
            proof = try ConsistencyProofDocument.make(log: log, from: from, to: try to ?? log.head())
        } catch {
            throw CommandFailure("\(error)")
        }
        if proof.fromCheckpoint == nil {
            let unsigned = unsignedFromText(size: proof.fromSize, root: proof.fromRoot, toSize: proof.toSize)
            guard allowUnsignedFrom else {
                let sizes = try asCommandFailure { try CheckpointBook(log: log).all().map(\.size).filter { $0 <= proof.toSize } }
                let shown = sizes.suffix(20).map(String.init).joined(separator: ", ")
                let known = sizes.isEmpty ? "none is recorded up to \(proof.toSize) events"
                    : "the signed sizes are \(sizes.count > 20 ? "…, " : "")\(shown)"
                throw CommandFailure("no checkpoint of \(proof.fromSize) events is recorded: \(unsigned); \(known) (or give --allow-unsigned-from)")
            }
            FileHandle.standardError.write(Data("letopis: warning: \(unsigned)\n".utf8))
        }
        try writeDocument(auditJSON(proof), to: out)
    }
}

/// Why a consistency proof from an unsigned old root is weak.
func unsignedFromText(size: UInt64, root: Digest32, toSize: UInt64) -> String {
    "the old root \(size)/\(root.hex) is not signed by the school: this proves only that the tree of \(toSize) events "
        + "extends a tree of \(size) events with that root, not that the school's log ever had it"
}

struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check a proof file against a signed checkpoint and the school's public key; no store needed.",
        discussion: """
            Checks the event's bytes against its hash, the audit path against the root, and the
            root against the checkpoint's Ed25519 signature. Give the key the school published
            (--public-key: a .pub file, base64, or hex); without it the key named in the checkpoint
            is used and a warning says to compare it. A receipt (a mark's, from the server:
            several inclusion proofs) is checked proof by proof, and every event of it must be
            of the receipt's record; events it lists as not yet covered are warned about.

            A consistency proof needs a signed checkpoint of its old size (in the proof, or given \
            with --checkpoint): without one the old root is nobody's word, and the proof is refused \
            unless --allow-unsigned-from is given (it still says the old root is unsigned).
            Exits 0 when the proof holds, 1 otherwise.

            Examples:
              letopis verify-proof proof-1234.json --public-key s01.pub
              letopis verify-proof mark-M000123-receipt.json --public-key s01.pub
              letopis verify-proof grew.json --checkpoint checkpoint.json --public-key s01.pub
            """
    )

    @Argument(help: "The proof file (from letopis proof) or a receipt.")
    var proof: String

    @Option(help: ArgumentHelp("A checkpoint file to check against instead of the one in the proof.", valueName: "file"))
    var checkpoint: String?

    @Option(name: .customLong("public-key"), help: ArgumentHelp("The school's public key: a file, base64 or hex.", valueName: "key"))
    var publicKey: String?

    @Flag(help: "Accept a consistency proof whose old root no signed checkpoint vouches for (it says so).")
    var allowUnsignedFrom = false

    func run() throws {
        guard let json = FileManager.default.contents(atPath: proof) else { throw CommandFailure("cannot read \(proof)") }
        let key = try publicKey.map(readPublicKey)
        let given = try checkpoint.map { path -> SignedCheckpoint in
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
            do { return try SignedCheckpoint.parse(data) } catch { throw CommandFailure("\(path) is not a checkpoint: \(error)") }
        }
        let result = ProofVerifier.verify(json: json, checkpoint: given, publicKey: key)
        var unsigned: String?
        if let consistency = try? JSONDecoder().decode(ConsistencyProofDocument.self, from: json),
           consistency.format == ConsistencyProofDocument.format,
           consistency.fromCheckpoint == nil, given?.size != consistency.fromSize {
            unsigned = unsignedFromText(size: consistency.fromSize, root: consistency.fromRoot, toSize: consistency.toSize)
        }
        let refused = unsigned != nil && !allowUnsignedFrom
        for line in result.passed { print("ok       \(line)") }
        for line in result.warnings { print("warning  \(line)") }
        if let unsigned { print(refused ? "FAILED   \(unsigned) (--allow-unsigned-from accepts it)" : "warning  \(unsigned)") }
        for line in result.failed { print("FAILED   \(line)") }
        if !result.isValid || refused {
            print("The proof does NOT hold.")
            throw ExitCode(1)
        }
        print(unsigned == nil ? "The proof holds." : "The proof holds, from an old root the school did not sign.")
    }
}

/// A public key given on the command line: a file holding it, or the key itself.
func readPublicKey(_ given: String) throws -> SchoolPublicKey {
    let text = (try? String(contentsOfFile: given, encoding: .utf8)) ?? given
    guard let key = SchoolKeys.parsePublicKey(text) else {
        // Unreadable input, like any value that does not parse: status 2.
        throw CommandFailure("\(given) is not an Ed25519 public key (PEM, base64 of 32 bytes, or 64 hex digits)", exitCode: 2)
    }
    return key
}

func writeDocument(_ data: Data, to path: String?) throws {
    let sink = try OutputSink(path: path)
    defer { sink.close() }
    sink.write(data)
    sink.write("\n")
}
