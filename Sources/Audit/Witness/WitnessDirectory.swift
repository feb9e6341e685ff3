import Crypto
import EventLog
import Foundation

/// A witness's own directory: its key, its name, and for each school the last
/// checkpoint it cosigned, against which the next one is checked.
///
///     DIR/witness.key              the private key, PKCS#8 PEM, mode 0600 (DIR is 0700)
///     DIR/witness.pub              the public key, SubjectPublicKeyInfo PEM
///     DIR/witness.json             {"format":"letopis-witness-v1","kind":…,"name":…,"publicKey":…}
///     DIR/schools/<school>.json    what it last cosigned of that school (`WitnessedSchool`)
///
/// A witness cosigns a newer checkpoint only when it is signed with the school's
/// key the witness knows, is not smaller than the last one it cosigned, and
/// extends it (a consistency proof, or the witness's own check of the events).
public final class WitnessDirectory: @unchecked Sendable {
    // @unchecked: the key and identity are immutable once loaded; the state files are written atomically.
    public let path: String
    public let identity: WitnessIdentity
    let key: Curve25519.Signing.PrivateKey

    static let stateFormat = "letopis-witness-state-v1"

    var keyPath: String { path + "/witness.key" }
    public var publicKeyPath: String { path + "/witness.pub" }
    var identityPath: String { path + "/witness.json" }
    func statePath(_ school: String) -> String { path + "/schools/" + school + ".json" }

    private init(path: String, identity: WitnessIdentity, key: Curve25519.Signing.PrivateKey) {
        self.path = path
        self.identity = identity
        self.key = key
    }

    public var publicKey: Curve25519.Signing.PublicKey { key.publicKey }

    /// Makes a new witness key in `path` (a new or empty directory).
    public static func create(at path: String, name: String, kind: String = "witness", time: Timestamp = .now()) throws -> WitnessDirectory {
        try Cosignature.validate(name: name)
        try Cosignature.validate(kind: kind)
        if FileManager.default.fileExists(atPath: path + "/witness.key") {
            throw AuditError.invalid("\(path) already holds a witness key (\(path)/witness.key); a witness keeps its key")
        }
        try SchoolKeys.makePrivateDirectory(path)
        let key = Curve25519.Signing.PrivateKey()
        let identity = WitnessIdentity(name: name, kind: kind, publicKey: Data(key.publicKey.rawRepresentation).base64EncodedString(),
                                       createdAt: time.iso)
        try SchoolKeys.writeNew(path + "/witness.key", contents: SchoolKeys.pem(label: "PRIVATE KEY", der: SchoolKeys.pkcs8Prefix + Array(key.rawRepresentation)),
                                mode: 0o600)
        do {
            try SchoolKeys.pem(key.publicKey).write(toFile: path + "/witness.pub", atomically: true, encoding: .utf8)
            try AuditJSON.encode(identity, pretty: true).write(to: URL(fileURLWithPath: path + "/witness.json"), options: .atomic)
        } catch {
            throw AuditError.key("cannot write the witness's files in \(path): \(error)")
        }
        return WitnessDirectory(path: path, identity: identity, key: key)
    }

    /// Opens the witness of `path`, refusing a key file that others may read.
    public static func open(at path: String) throws -> WitnessDirectory {
        let key = try SchoolKeys.readPrivateKey(
            at: path + "/witness.key", missing: "\(path) holds no witness key; make one with letopis witness key --witness-dir \(path) --name NAME")
        guard let data = FileManager.default.contents(atPath: path + "/witness.json"),
              let identity = try? JSONDecoder().decode(WitnessIdentity.self, from: data), identity.format == WitnessIdentity.format
        else {
            throw AuditError.invalid("\(path)/witness.json is missing or is not a \(WitnessIdentity.format) document")
        }
        guard identity.publicKey == Data(key.publicKey.rawRepresentation).base64EncodedString() else {
            throw AuditError.key("\(path)/witness.json names the key \(identity.publicKey), but witness.key is another key")
        }
        try Cosignature.validate(name: identity.name)
        try Cosignature.validate(kind: identity.kind)
        return WitnessDirectory(path: path, identity: identity, key: key)
    }

    /// What the witness last cosigned of `school`, if anything.
    public func last(of school: String) throws -> WitnessedSchool? {
        let file = statePath(school)
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        do {
            let state = try JSONDecoder().decode(WitnessedSchool.self, from: data)
            guard state.format == Self.stateFormat, state.school == school else { throw AuditError.invalid("another document") }
            return state
        } catch {
            throw AuditError.invalid("\(file) is not the witness's record of \(school) (\(Self.stateFormat)): \(error)")
        }
    }

    /// Every school the witness has cosigned for, by id.
    public func schools() throws -> [WitnessedSchool] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path + "/schools")) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().compactMap { try last(of: String($0.dropLast(5))) }
    }

    /// How the witness knows that a checkpoint extends the last one it cosigned.
    public enum Consistency {
        /// A consistency proof from the last cosigned size to the checkpoint's (nil: none given).
        case proof(ConsistencyProofDocument?)
        /// The witness checked it itself (it holds the events): true when the
        /// tree of the checkpoint extends the given earlier checkpoint.
        case checked((SignedCheckpoint) throws -> Bool)
    }

    /// Cosigns `checkpoint` after the checks above, and keeps it as the school's last.
    /// `schoolKey` is needed the first time; afterwards the key kept then is used,
    /// and another key given is refused.
    public func cosign(
        _ checkpoint: SignedCheckpoint, schoolKey given: SchoolPublicKey?, consistency: Consistency, now: Timestamp = .now()
    ) throws -> Cosignature {
        let school = checkpoint.school
        try Store.validate(schoolID: school)
        let state = try last(of: school)
        let what = "the checkpoint of \(school) of \(checkpoint.size) events (root \(checkpoint.root.hex), \(checkpoint.time.iso))"
        let key: SchoolPublicKey
        if let state {
            guard let pinned = state.key else { throw AuditError.invalid("\(statePath(school)) holds no readable school key") }
            if let given, given.rawRepresentation != pinned.rawRepresentation {
                throw WitnessRefusal(.schoolKey, "\(identity.summary) knows \(school) by the key \(state.schoolKey), not \(Data(given.rawRepresentation).base64EncodedString()); a school's key is not replaced")
            }
            key = pinned
        } else if let given {
            key = given
        } else {
            throw WitnessRefusal(.schoolKey, "\(identity.summary) has not cosigned for \(school) before: give the school's public key, from the school by a channel you trust")
        }
        guard checkpoint.isSigned(by: key) else {
            throw WitnessRefusal(.signature, "\(what) is not signed by the key of \(school) (\(Data(key.rawRepresentation).base64EncodedString()))")
        }
        if let last = state?.checkpoint, last.size > 0 {
            let lastText = "the checkpoint of \(last.size) events (root \(last.root.hex)) it cosigned at \(state!.cosignature.time.iso)"
            if checkpoint.size < last.size {
                throw WitnessRefusal(.smaller, "\(what) is smaller than \(lastText): a log only grows")
            }
            if checkpoint.size == last.size {
                guard checkpoint.root == last.root else {
                    throw WitnessRefusal(.inconsistent, "\(what) has another root than \(lastText): the school's log was rewritten")
                }
            } else {
                switch consistency {
                case .proof(nil):
                    throw WitnessRefusal(.noProof, "\(identity.summary) needs a consistency proof from \(last.size) to \(checkpoint.size) events of \(school) (letopis proof consistency --from \(last.size) --to \(checkpoint.size) at the school)")
                case .proof(let proof?):
                    guard proof.school == school, proof.fromSize == last.size, proof.toSize == checkpoint.size else {
                        throw WitnessRefusal(.noProof, "the consistency proof given is of \(proof.school) from \(proof.fromSize) to \(proof.toSize) events; \(identity.summary) needs one of \(school) from \(last.size) to \(checkpoint.size)")
                    }
                    guard proof.fromRoot == last.root, proof.toRoot == checkpoint.root,
                          Merkle.verifyConsistency(firstSize: last.size, firstRoot: last.root, secondSize: checkpoint.size,
                                                   secondRoot: checkpoint.root, path: proof.path)
                    else {
                        throw WitnessRefusal(.inconsistent, "\(what) does not extend \(lastText): the school's log was rewritten")
                    }
                case .checked(let extends):
                    guard try extends(last) else {
                        throw WitnessRefusal(.inconsistent, "\(what) does not extend \(lastText): the school's log was rewritten")
                    }
                }
            }
        }
        let message = Cosignature.message(witness: identity.name, kind: identity.kind, school: school, size: checkpoint.size,
                                          root: checkpoint.root, checkpointTime: checkpoint.time, time: now)
        let cosignature = Cosignature(
            witness: identity.name, kind: identity.kind, witnessKey: Array(self.key.publicKey.rawRepresentation), school: school, size: checkpoint.size,
            root: checkpoint.root, checkpointTime: checkpoint.time, time: now, signature: Array(try self.key.signature(for: message)))
        let record = WitnessedSchool(school: school, schoolKey: Data(key.rawRepresentation).base64EncodedString(),
                                     checkpoint: checkpoint, cosignature: cosignature)
        do {
            try FileManager.default.createDirectory(atPath: path + "/schools", withIntermediateDirectories: true)
            try AuditJSON.encode(record, pretty: true).write(to: URL(fileURLWithPath: statePath(school)), options: .atomic)
        } catch {
            throw AuditError.invalid("cannot keep the cosigned checkpoint in \(statePath(school)): \(error); nothing was cosigned")
        }
        return cosignature
    }
}

/// Who a witness is, as `witness.json` holds it.
public struct WitnessIdentity: Codable, Sendable, Equatable {
    public static let format = "letopis-witness-v1"
    public var format = WitnessIdentity.format
    public var name: String
    public var kind: String
    /// Base64 of the raw 32-byte public key.
    public var publicKey: String
    public var createdAt: String

    /// `district "Ромашкинский район"`
    public var summary: String { "\(kind) \"\(name)\"" }
}

/// What a witness last cosigned of one school, and the school key it checks with.
public struct WitnessedSchool: Codable, Sendable, Equatable {
    public var format = WitnessDirectory.stateFormat
    public var school: String
    /// Base64 of the school's raw 32-byte public key, kept from the first cosigning.
    public var schoolKey: String
    public var checkpoint: SignedCheckpoint
    public var cosignature: Cosignature

    public var key: SchoolPublicKey? {
        Data(base64Encoded: schoolKey).flatMap { try? SchoolPublicKey(rawRepresentation: $0) }
    }
}

/// Why a witness refused to cosign: the rule and what was found.
public struct WitnessRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Rule: String, Sendable {
        /// The checkpoint is not signed by the school's key.
        case signature
        /// No school key is known, or another one was given.
        case schoolKey = "school-key"
        /// Smaller than the last checkpoint cosigned.
        case smaller
        /// No usable consistency proof from the last checkpoint cosigned.
        case noProof = "no-proof"
        /// The checkpoint does not extend the last one cosigned.
        case inconsistent
    }

    public var rule: Rule
    public var detail: String

    public init(_ rule: Rule, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public var description: String { "refused to cosign [\(rule.rawValue)]: \(detail). Nothing was cosigned." }
}
