import Audit
import EventLog
import Foundation
import LMDB

/// Imports school bundles into the district's store. Every check runs before
/// anything is written; a bundle that passes them all is written in one LMDB
/// write transaction, so a refused bundle changes nothing:
///
/// 1. the file is a bundle (layout) and the school is registered;
/// 2. the checkpoint is the school's, for the bundle's last event, signed with
///    the key registered with the district (not the key the bundle names);
/// 3. the bundle starts where the district's copy ends (else out of order), or
///    repeats held events byte for byte (else the history was rewritten, and
///    the first divergent event is named) and adds some (else a replay);
/// 4. the consistency proof leads from the held tree to the signed one;
/// 5. every event hashes to its stored hash, links to the one before (the first
///    new one to the last held), sits at its sequence and names the school;
/// 6. the held tree extended by the new events has the signed root;
/// 7. the file's bytes match its SHA-256;
/// 8. when the district is a witness (a key in `STORE/witness`), the tree agrees
///    with the last checkpoint of the school it cosigned, and it cosigns this one
///    (DistrictWitness.swift).
public struct BundleImporter {
    public let district: DistrictStore
    /// The district as witness; nil: none (the store's own, when it has one).
    public let witness: WitnessDirectory?

    public init(district: DistrictStore, witness: WitnessDirectory? = nil) {
        self.district = district
        self.witness = witness
    }

    /// What an import added.
    public struct Imported: Sendable {
        public var header: BundleHeader
        /// Events new to the district.
        public var added: UInt64
        /// Events held before and after.
        public var heldBefore: UInt64
        public var heldAfter: UInt64
        /// The district's cosignature of the bundle's checkpoint, when the district is a witness.
        public var cosignature: Cosignature?
    }

    public func importBundle(at path: String, now: Timestamp = .now()) throws(ImportRefusal) -> Imported {
        let file: BundleFile
        do {
            file = try BundleFile(path: path)
        } catch {
            throw ImportRefusal(file: path, bundle: nil, school: nil, rule: .damaged, detail: error.reason)
        }
        let h = file.header
        func refuse(_ rule: ImportRefusal.Rule, _ detail: String, at position: UInt64? = nil) -> ImportRefusal {
            ImportRefusal(file: path, bundle: h.summary, school: h.school, rule: rule, detail: detail, position: position)
        }
        let witness: WitnessDirectory?
        do {
            witness = try self.witness ?? district.witness()
        } catch {
            throw refuse(.damaged, "the district's witness key cannot be read: \(error)")
        }
        do {
            return try check(file, witness: witness, make: refuse, now: now)
        } catch let refusal as ImportRefusal {
            throw naming(witness, in: refusal)
        } catch let refusal as WitnessRefusal {
            let who = witness.map { "\($0.identity.summary) (key \($0.identity.publicKey))" } ?? "the district"
            throw refuse(.witnessed, "\(who) refuses to cosign it [\(refusal.rule.rawValue)]: \(refusal.detail)")
        } catch {
            throw refuse(.damaged, "the district's store failed: \(error)")
        }
    }

    private func check(
        _ file: BundleFile, witness: WitnessDirectory?, make: (ImportRefusal.Rule, String, UInt64?) -> ImportRefusal, now: Timestamp
    ) throws -> Imported {
        let h = file.header
        func refuse(_ rule: ImportRefusal.Rule, _ detail: String, at position: UInt64? = nil) -> ImportRefusal { make(rule, detail, position) }

        // 1–2: whose, and signed by whom.
        guard let school = try district.registered(h.school), let key = school.key else {
            throw refuse(.unknownSchool, "the school \(h.school) is not registered with the district; register it with its public key first (letopis district register-school)")
        }
        let cp = h.checkpoint
        guard cp.school == h.school, cp.size == h.to else {
            throw refuse(.signature, "its checkpoint is of school \(cp.school) and \(cp.size) events, but the bundle is of \(h.school) up to #\(h.to)")
        }
        guard cp.isSigned(by: key) else {
            throw refuse(.signature, "its checkpoint (\(cp.size) events, root \(cp.root.hex)) is not signed by the key registered for \(h.school)")
        }
        // The header's other fields (the bundle's number above all, which orders the school's bundles) are signed too:
        // a header changed in transit must not lock the school's genuine bundles out as replays.
        guard let signature = h.signature.flatMap({ Data(base64Encoded: $0) }), key.isValidSignature(signature, for: try h.signedBytes) else {
            throw refuse(.signature, h.signature == nil
                ? "its header is not signed (a bundle made by an older letopis): make it again at the school"
                : "its header (number \(h.number), events #\(h.from)…#\(h.to)) is not signed by the key registered for \(h.school): it was changed after the school made it")
        }

        // 3: where it starts against what is held.
        let held = try district.head(of: h.school)
        let m = held?.size ?? 0
        if h.from > m + 1 {
            let next = (held?.lastBundle ?? 0) + 1
            throw refuse(.outOfOrder, "it starts at #\(h.from), but the district holds \(h.school) only up to #\(m); import bundle \(next) of \(h.school) first")
        }
        // The held hashes the bundle repeats, and the one before its first event.
        var heldHashes: [Digest32] = []
        let overlapFrom = max(h.from, 2) - 1
        if h.from <= m {
            try district.scanEvents(of: h.school, from: overlapFrom, through: min(m, h.to)) { _, stored in
                heldHashes.append(Digest32(bytes: UnsafeRawBufferPointer(rebasing: stored[(stored.count - 32)...])))
                return true
            }
        }

        // 4: the proof from the held tree, when the bundle continues it.
        if h.from == m + 1 && m > 0 {
            let p = h.consistency
            guard p.fromSize == m, p.toSize == h.to else {
                throw refuse(.outOfOrder, "its consistency proof leads from \(p.fromSize) to \(p.toSize) events, but the district holds \(m) of \(h.school)")
            }
            guard Merkle.verifyConsistency(firstSize: m, firstRoot: held!.root, secondSize: h.to, secondRoot: cp.root, path: p.path) else {
                throw refuse(.historyRewritten,
                             "the tree of \(h.to) events the school now signs does not extend the tree of \(m) events the district holds (root \(held!.root.hex)): the school rewrote events at or before #\(m); a full bundle (letopis bundle --full) names the first one",
                             at: nil)
            }
        }

        // 5–6: the events.
        guard var tree = MerkleFrontier(size: held?.size ?? 0, checking: held?.frontier ?? []) else {
            throw refuse(.damaged, "the district's record of \(h.school) is damaged (Merkle edge)")
        }
        var previous: Digest32 = .zero
        if h.from > 1 {
            previous = h.from == m + 1 ? held!.lastHash : heldHashes[0]
        }
        let schoolBytes = Array(h.school.utf8)
        var failure: ImportRefusal?
        file.forEachEvent { sequence, stored in
            guard failure == nil else { return }
            guard stored.count >= 64 + 47 + 4 else {
                failure = refuse(.chain, "event #\(sequence) is only \(stored.count) bytes", at: sequence)
                return
            }
            let hash = Digest32(bytes: UnsafeRawBufferPointer(rebasing: stored[(stored.count - 32)...]))
            let link = Digest32(bytes: UnsafeRawBufferPointer(rebasing: stored[0..<32]))
            if link != previous {
                if sequence == m + 1 && m > 0 {
                    failure = refuse(.historyRewritten,
                                     "event #\(sequence) does not follow the last event the district holds (#\(m), hash \(previous.hex)): the school rewrote events at or before #\(m)",
                                     at: nil)
                } else {
                    failure = refuse(.chain, "event #\(sequence): its previous hash does not match the hash of #\(sequence - 1)", at: sequence)
                }
                return
            }
            let body = UnsafeRawBufferPointer(rebasing: stored[0..<(stored.count - 32)])
            let recomputed = sha256(body)
            guard recomputed == hash else {
                failure = refuse(.chain, "event #\(sequence): its content does not match its hash (changed after it was written)", at: sequence)
                return
            }
            guard stored[32] == 1, BigEndianKey.decode(stored, at: 33) == sequence else {
                failure = refuse(.chain, "event #\(sequence): its header does not match its position", at: sequence)
                return
            }
            let nameAt = 32 + 47
            let nameLength = Int(UInt32(bigEndian: stored.loadUnaligned(fromByteOffset: nameAt, as: UInt32.self)))
            guard nameAt + 4 + nameLength <= stored.count - 32,
                  UnsafeRawBufferPointer(rebasing: stored[(nameAt + 4)..<(nameAt + 4 + nameLength)]).elementsEqual(schoolBytes) else {
                failure = refuse(.chain, "event #\(sequence) is not an event of \(h.school)", at: sequence)
                return
            }
            // Sound in itself: does it repeat what is held?
            if sequence <= m {
                let heldHash = heldHashes[Int(sequence - overlapFrom)]
                if hash != heldHash {
                    failure = refuse(.historyRewritten,
                                     "event #\(sequence) differs from the event #\(sequence) the district holds of \(h.school) (hash \(hash.hex), held \(heldHash.hex)): the school rewrote its history from there",
                                     at: sequence)
                    return
                }
            }
            if sequence > m { tree.append(eventHash: hash) }
            previous = hash
        }
        if let failure { throw failure }
        if let held, h.number <= held.lastBundle || (h.to <= m && h.eventCount > 0) {
            throw refuse(.replayed, "the district already holds \(h.school) up to #\(m), from its bundle \(held.lastBundle); this is bundle \(h.number) again or an older one")
        }
        guard tree.size == h.to, tree.root == cp.root else {
            throw refuse(.root, "events #1…#\(h.to) give the Merkle root \(tree.root.hex), but the school signed \(cp.root.hex)")
        }
        // 7: nothing else in the file was touched.
        let digests = file.digests()
        guard digests.matches else {
            throw refuse(.damaged, "its bytes do not match the SHA-256 at its end: the file was changed or damaged after it was made")
        }

        // 8: what the district witnessed before, and its cosignature of this checkpoint.
        let cosignature = try witness.map { try cosign(file, with: $0, schoolKey: key, now: now) }

        // Everything checks out: one write transaction.
        let newHead = SchoolHead(school: h.school, size: h.to, root: cp.root, lastHash: previous, frontier: tree.nodes,
                                 checkpoint: cp, lastBundle: h.number, importedAt: now.iso)
        let record = ImportedBundle(number: h.number, from: h.from, to: h.to, checkpoint: cp, sha256: digests.file,
                                    file: (file.path as NSString).lastPathComponent, importedAt: now.iso)
        try district.environment.write { txn in
            // Another import may have come first.
            guard (try district.head(of: h.school, txn)?.size ?? 0) == m else {
                throw refuse(.replayed, "another import of \(h.school) finished first; import again")
            }
            // One key buffer, its last 8 bytes rewritten for each event.
            var key = DistrictStore.eventKey(h.school, 0)
            let at = key.count - 8
            try file.forEachEvent { sequence, stored in
                guard sequence > m else { return }
                try key.withUnsafeMutableBytes { raw in
                    raw.storeBytes(of: sequence.bigEndian, toByteOffset: at, as: UInt64.self)
                    try txn.put(district.events, key: UnsafeRawBufferPointer(raw), value: stored)
                }
            }
            try txn.put(district.heads, key: Array(h.school.utf8), value: try DistrictJSON.encode(newHead))
            try txn.put(district.bundles, key: DistrictStore.bundleKey(h.school, h.number), value: try DistrictJSON.encode(record))
        }
        return Imported(header: h, added: h.to - m, heldBefore: m, heldAfter: h.to, cosignature: cosignature)
    }
}
