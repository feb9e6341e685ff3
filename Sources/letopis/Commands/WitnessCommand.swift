import ArgumentParser
import Audit
import EventLog
import Foundation

struct WitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Cosign schools' checkpoints as a witness (district, auditor, parent committee), and keep the cosignatures at the school.",
        discussion: """
            A checkpoint signed by the school alone proves nothing against the school itself: it
            holds its key and could rewrite its log and sign it again. A witness keeps its own key
            and, for each school, the last checkpoint it cosigned; it cosigns a newer one only when
            a consistency proof shows that it extends that one. The school stores the cosignatures,
            and letopis audit verify fails a log that disagrees with any of them, naming the witness.
            docs/log-format.md ("Witness cosignatures") defines the cosignature byte for byte.

            Examples:
              letopis witness key --witness-dir committee --name "Родительский комитет школы № 1" --kind committee
              letopis witness cosign --witness-dir committee --store school --school s01 --out s01.cosig.json
              letopis witness cosign --witness-dir committee --checkpoint cp.json --proof grew.json --school-key s01.pub
              letopis witness add --store school --cosignature s01.cosig.json
              letopis witness list --store school
              letopis witness list --witness-dir committee
            """,
        subcommands: [WitnessKeyCommand.self, WitnessCosignCommand.self, WitnessAddCommand.self, WitnessListCommand.self]
    )
}

struct WitnessKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Make a witness's Ed25519 key and name in a directory of its own.",
        discussion: """
            DIR/witness.key is the private key (PKCS#8 PEM, mode 0600, DIR mode 0700); DIR/witness.pub
            the public key to publish. A witness keeps its key: an existing one is never replaced.

            Example:
              letopis witness key --witness-dir auditor --name "Аудитор Петров П. П." --kind auditor
            """)

    @Option(name: .customLong("witness-dir"), help: ArgumentHelp("The witness's directory.", valueName: "dir"))
    var witnessDir: String

    @Option(help: "The witness's name, as cosignatures will show it.")
    var name: String

    @Option(help: "district, auditor, committee or witness.")
    var kind = "witness"

    func run() throws {
        let witness = try asCommandFailure { try WitnessDirectory.create(at: witnessDir, name: name, kind: kind) }
        print("Made the key of \(witness.identity.summary) in \(witnessDir): public key \(witness.identity.publicKey) (\(witness.publicKeyPath))")
    }
}

struct WitnessCosignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosign",
        abstract: "Cosign a school's checkpoint if it extends the last one this witness cosigned.",
        discussion: """
            The checkpoint comes from a file (--checkpoint, as letopis checkpoint --out writes it) with
            a consistency proof from the size last cosigned (--proof, as letopis proof consistency
            writes it), or else from the school's store (--store, --school: its latest checkpoint, the
            proof made from its log). The first time, the school's public key is needed (--school-key,
            else STORE/keys/<school>.pub); it is kept, and another key is refused later. Refused:
            a checkpoint not signed with that key, smaller than the last one cosigned, or not
            extending it. Exit status 0 when cosigned, 1 when refused.

            Examples:
              letopis witness cosign --witness-dir district-witness --store school --school s01 --out s01.cosig.json
              letopis witness cosign --witness-dir auditor --checkpoint cp.json --proof grew.json --school-key s01.pub
            """)

    @Option(name: .customLong("witness-dir"), help: ArgumentHelp("The witness's directory.", valueName: "dir"))
    var witnessDir: String

    @Option(help: ArgumentHelp("The school's signed checkpoint (JSON).", valueName: "file"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("A consistency proof from the size last cosigned to the checkpoint's.", valueName: "file"))
    var proof: String?

    /// Without --checkpoint: the school store whose latest checkpoint is cosigned, the proof made from its log.
    @OptionGroup var school: SchoolOptions

    @Option(name: .customLong("school-key"), help: ArgumentHelp("The school's public key: a file, base64 or hex.", valueName: "key"))
    var schoolKey: String?

    @Option(help: ArgumentHelp("Write the cosignature to this file instead of standard output.", valueName: "file"))
    var out: String?

    func validate() throws {
        if checkpoint == nil && proof != nil { throw ValidationError("--proof goes with --checkpoint; from a store the proof is made from the log") }
    }

    func run() throws {
        let witness = try asCommandFailure { try WitnessDirectory.open(at: witnessDir) }
        var key = try schoolKey.map(readPublicKey)
        let signed: SignedCheckpoint
        var consistency: WitnessDirectory.Consistency
        if let checkpoint {
            signed = try asCommandFailure { try readCheckpointFile(checkpoint) }
            consistency = .proof(try proof.map { path in
                try asCommandFailure {
                    guard let data = FileManager.default.contents(atPath: path) else { throw AuditError.notFound("cannot read the proof file \(path)") }
                    do {
                        return try JSONDecoder().decode(ConsistencyProofDocument.self, from: data)
                    } catch {
                        throw AuditError.invalid("\(path) is not a \(ConsistencyProofDocument.format) document: \(error)")
                    }
                }
            })
        } else {
            let (schoolStore, log) = try openAuditLog(school)
            defer { log.close() }
            guard let latest = try asCommandFailure({ try CheckpointBook(log: log).latest() }) else {
                throw CommandFailure("the school \(log.school) has recorded no checkpoint to cosign; make one with letopis checkpoint")
            }
            signed = latest
            if key == nil, try asCommandFailure({ try witness.last(of: log.school) }) == nil {
                key = try asCommandFailure { try SchoolKeys.publicKey(store: schoolStore, school: log.school) }
            }
            consistency = .proof(nil)
            if let last = try asCommandFailure({ try witness.last(of: log.school) }), last.checkpoint.size > 0,
               last.checkpoint.size < latest.size {
                consistency = .proof(try asCommandFailure { try ConsistencyProofDocument.make(log: log, from: last.checkpoint.size, to: latest.size) })
            }
        }
        let cosignature: Cosignature
        do {
            cosignature = try witness.cosign(signed, schoolKey: key, consistency: consistency)
        } catch let refusal as WitnessRefusal {
            throw CommandFailure("\(refusal)")
        } catch {
            throw CommandFailure("\(error)")
        }
        try writeDocument(Data(cosignature.json().utf8), to: out)
        if let out {
            print("\(witness.identity.summary) cosigned \(cosignature.size) events of \(cosignature.school) (root \(cosignature.root.hex)): \(out)")
        }
    }
}

/// A checkpoint file: the checkpoint's JSON, as letopis checkpoint --out writes it.
func readCheckpointFile(_ path: String) throws -> SignedCheckpoint {
    guard let data = FileManager.default.contents(atPath: path) else { throw AuditError.notFound("cannot read the checkpoint file \(path)") }
    do {
        return try SignedCheckpoint.parse(data)
    } catch {
        throw AuditError.invalid("\(path) is not a \(SignedCheckpoint.format) document: \(error)")
    }
}

struct WitnessAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Store a witness's cosignature at the school, beside the checkpoint it cosigns.",
        discussion: """
            Refused unless the cosignature's signature checks with the witness key it names and it is
            of a checkpoint the school recorded, whose tree is the log's. Compare the witness key with
            the one the witness published: anyone can make a witness key.

            Example:
              letopis witness add --store school --school s01 --cosignature s01-3.bundle.cosignature.json
            """)

    @OptionGroup var school: SchoolOptions

    @Option(help: ArgumentHelp("The cosignature file.", valueName: "file"))
    var cosignature: String

    func run() throws {
        let (_, log) = try openAuditLog(school, writable: true)
        defer { log.close() }
        let c = try asCommandFailure { try Cosignature.read(file: cosignature) }
        let added = try asCommandFailure { try CosignatureBook(log: log).add(c) }
        switch added {
        case .added:
            print("stored: \(c.size) events of \(c.school) witnessed by \(c.signer), cosigned \(c.time.iso)")
        case .alreadyHeld(let held):
            print("already held: \(held.size) events of \(held.school) witnessed by \(held.signer), cosigned \(held.time.iso)")
        }
    }
}

struct WitnessListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The cosignatures a school holds, or what a witness last cosigned of each school.",
        discussion: """
            Examples:
              letopis witness list --store school
              letopis witness list --witness-dir district/witness
            """)

    @Option(name: .customLong("witness-dir"), help: ArgumentHelp("List this witness's last cosigned checkpoints instead.", valueName: "dir"))
    var witnessDir: String?

    @OptionGroup var school: SchoolOptions

    func run() throws {
        if let witnessDir {
            let witness = try asCommandFailure { try WitnessDirectory.open(at: witnessDir) }
            print("\(witness.identity.summary), key \(witness.identity.publicKey)")
            let schools = try asCommandFailure { try witness.schools() }
            if schools.isEmpty { print("  nothing cosigned yet") }
            for s in schools {
                print("  \(s.school): \(s.checkpoint.size) events, root \(s.checkpoint.root.hex), checkpoint \(s.checkpoint.time.iso), cosigned \(s.cosignature.time.iso)")
            }
            return
        }
        let (_, log) = try openAuditLog(school)
        defer { log.close() }
        let all = try asCommandFailure { try CosignatureBook(log: log).all() }
        if all.isEmpty { print("\(log.school): no cosignatures held") }
        for c in all {
            print("\(c.size)\t\(c.time.iso)\t\(c.kind) \"\(c.witness)\"\t\(c.witnessKeyBase64)\t\(c.root.hex)")
        }
    }
}

/// What `letopis audit verify` adds: the cosignatures held by the school and
/// those given as files, checked against the log's events.
func witnessAudit(log: EventLog, files: [String]) throws -> WitnessAudit {
    try asCommandFailure {
        let given = try files.map { (source: $0, cosignature: try Cosignature.read(file: $0)) }
        return try WitnessAudit.check(log: log, given: given)
    }
}
