import ArgumentParser
import Audit
import EventLog
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "The school's Ed25519 key that signs its checkpoints.",
        discussion: """
            The private key is STORE/keys/<school>.key (mode 0600, in a directory of mode 0700),
            apart from the log: backups and exports never carry it. Letopis refuses a key file
            that others may read. The public key, STORE/keys/<school>.pub, is what auditors check
            signatures with: publish it, or hand it over on paper.

            Examples:
              letopis key export --format pem > s01.pub
              letopis key create --school s01          (for a store made before keys existed)
            """,
        subcommands: [KeyExportCommand.self, KeyCreateCommand.self]
    )
}

struct KeyExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the school's public key.")

    @OptionGroup var school: SchoolOptions

    @Option(help: "base64 (the 32 raw bytes) or pem (SubjectPublicKeyInfo, for openssl and Python).")
    var format: KeyFormat = .base64

    enum KeyFormat: String, ExpressibleByArgument, CaseIterable { case base64, pem }

    func run() throws {
        let store = try school.storeOptions.openStore()
        let id = try school.schoolID(in: store)
        do {
            let key = try SchoolKeys.publicKey(store: store, school: id)
            switch format {
            case .base64: print(Data(key.rawRepresentation).base64EncodedString())
            case .pem: print(SchoolKeys.pem(key), terminator: "")
            }
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

struct KeyCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create the school's signing key unless it has one (letopis init does this).")

    @OptionGroup var school: SchoolOptions

    func run() throws {
        let store = try school.storeOptions.openStore()
        let id = try school.schoolID(in: store)
        let existed = FileManager.default.fileExists(atPath: store.keyPath(school: id))
        do {
            let signer = try SchoolKeys.ensure(store: store, school: id)
            // Sign the checkpoints due for periods closed and backups recorded before the key existed.
            let log = try store.openLog(school: id)
            defer { log.close() }
            let signed = try Checkpointer(log: log, signer: signer).catchUp().signed
            if !signed.isEmpty { print("Signed \(signed.count) checkpoints due (periods closed, backups recorded).") }
            let key = Data(signer.publicKey.rawRepresentation).base64EncodedString()
            print(existed ? "The school \(id) already has a key; public key \(key)"
                          : "Created the key of \(id): \(store.keyPath(school: id)) (private), public key \(key)")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
