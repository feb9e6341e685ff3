import Audit
import EventLog
import Foundation

/// The district as a witness of its schools' logs: it cosigns the checkpoint of
/// every bundle it imports with a key of its own (`STORE/witness`, laid out as
/// any witness's directory), after checking that the school's log still has the
/// tree it cosigned before. It checks that from the events (its copy and the
/// bundle's), so it needs no proof from the school; and since it keeps what it
/// signed apart from its copy of the logs, a rewrite of that copy is caught too.
extension DistrictStore {
    public var witnessPath: String { store.path + "/witness" }

    /// The district's witness, or nil when it has no key yet.
    public func witness() throws -> WitnessDirectory? {
        FileManager.default.fileExists(atPath: witnessPath + "/witness.key") ? try WitnessDirectory.open(at: witnessPath) : nil
    }

    /// The district's witness, made with `name` when it has none.
    public func ensureWitness(name: String) throws -> (witness: WitnessDirectory, created: Bool) {
        if let existing = try witness() { return (existing, false) }
        return (try WitnessDirectory.create(at: witnessPath, name: name, kind: "district"), true)
    }
}

extension BundleImporter {
    /// Cosigns the bundle's checkpoint once the tree of the district's copy
    /// extended by the bundle is found to have, at the size last cosigned, the
    /// root then cosigned.
    func cosign(
        _ file: BundleFile, with witness: WitnessDirectory, schoolKey: SchoolPublicKey, now: Timestamp
    ) throws -> Cosignature {
        try witness.cosign(file.header.checkpoint, schoolKey: schoolKey, consistency: .checked { last in
            try root(of: file, at: last.size) == last.root
        }, now: now)
    }

    /// The root of the first `size` events of the school's log as it would be
    /// held after the import: the district's copy before the bundle's first
    /// event, then the bundle's events (those it repeats were found equal).
    func root(of file: BundleFile, at size: UInt64) throws -> Digest32 {
        let h = file.header
        var tree = MerkleFrontier()
        let fromHeld = min(size, h.from - 1)
        if fromHeld >= 1 {
            try district.scanEvents(of: h.school, from: 1, through: fromHeld) { _, stored in
                tree.append(eventHash: Digest32(bytes: UnsafeRawBufferPointer(rebasing: stored[(stored.count - 32)...])))
                return true
            }
        }
        if size >= h.from {
            file.forEachEvent { sequence, stored in
                if sequence <= size {
                    tree.append(eventHash: Digest32(bytes: UnsafeRawBufferPointer(rebasing: stored[(stored.count - 32)...])))
                }
            }
        }
        guard tree.size == size else {
            throw DistrictError("the district's copy of \(h.school) and the bundle give \(tree.size) events, not the \(size) the district cosigned")
        }
        return tree.root
    }

    /// A refusal for a rewritten history, with the checkpoint the district
    /// witnessed that the rewrite contradicts.
    func naming(_ witness: WitnessDirectory?, in refusal: ImportRefusal) -> ImportRefusal {
        guard refusal.rule == .historyRewritten, let witness, let school = refusal.school,
              let last = try? witness.last(of: school), last.checkpoint.size > 0
        else { return refusal }
        if let position = refusal.position, position > last.checkpoint.size { return refusal }
        var named = refusal
        named.detail += "; it disagrees with the checkpoint of \(last.checkpoint.size) events (root \(last.checkpoint.root.hex)) that \(last.cosignature.signer) witnessed at \(last.cosignature.time.iso)"
        return named
    }
}
