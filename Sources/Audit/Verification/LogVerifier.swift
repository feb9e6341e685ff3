import Crypto
import EventLog
import Foundation

/// What a full verification found.
public struct FullVerification: Sendable {
    public var school: String
    /// Events checked: 1 … size.
    public var size: UInt64 = 0
    public var headHash = Digest32.zero
    /// Recomputed from the events (nil after a failure).
    public var root: Digest32?
    /// The first event that does not check out, and why.
    public var failure: (sequence: UInt64, reason: String)?
    /// Set when the log's stored Merkle tree gives another root than the events.
    public var storedTreeProblem: String?
    /// The recorded checkpoints held against the events: truncation, rewrite, signatures.
    public var checkpointFindings: CheckpointFindings
    public var seconds = 0.0

    /// The checkpoints of at most `size` events.
    public var checkpoints: [CheckpointCheck] { checkpointFindings.checks }
    /// False when no public key was at hand: signatures were not checked.
    public var signaturesChecked: Bool { checkpointFindings.signaturesChecked }

    public var isIntact: Bool {
        failure == nil && storedTreeProblem == nil && checkpointFindings.isIntact
    }
}

/// Re-checks a log from its stored bytes: every event's hash and link, its
/// header against its position, the Merkle root recomputed from the events, and
/// every signed checkpoint (its root against the recomputed tree of its size,
/// its signature against the school's public key; one beyond the head means the
/// log was cut). Runs on several threads:
/// ranges of 2^16 events are checked and hashed into subtrees independently,
/// then joined in order.
public enum LogVerifier {
    static let chunkLevel = 16
    static let chunkSize = UInt64(1) << UInt64(chunkLevel)

    public static func verify(
        log: EventLog, through: UInt64? = nil, publicKey: Curve25519.Signing.PublicKey?,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ((UInt64) -> Void)? = nil
    ) throws -> FullVerification {
        let started = Date()
        let head = try log.head()
        let size = min(through ?? .max, head)
        let checkpoints = try CheckpointBook(log: log).all().filter { $0.size <= size }
        let wanted = Set(checkpoints.map(\.size))
        let chunkCount = Int((size + chunkSize - 1) / chunkSize)
        let work = ChunkQueue(count: chunkCount, progress: progress)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunkCount))) { _ in
            while let c = work.next() {
                let first = UInt64(c) * chunkSize + 1
                work.finish(c, Result { try check(log, from: first, through: min(size, first + chunkSize - 1), wanted: wanted) })
            }
        }
        let results = try work.results()

        var report = FullVerification(school: log.school, checkpointFindings: CheckpointFindings(school: log.school, head: size))
        var edge = MerkleEdge()
        var rootAt: [UInt64: Digest32] = [:]
        var previous = Digest32.zero
        for (c, chunk) in results.enumerated() {
            guard let chunk else { break }
            let first = UInt64(c) * chunkSize + 1
            if chunk.firstPrevious != previous, chunk.count > 0 {
                report.failure = (first, "its previous hash does not match the hash of #\(first - 1)")
                break
            }
            for (s, local) in chunk.edges {
                var joined = edge
                joined.append(local)
                rootAt[s] = joined.root
            }
            edge.append(chunk.edge)
            previous = chunk.lastHash
            report.size = first + chunk.count - 1
            if let failure = chunk.failure {
                report.failure = failure
                break
            }
        }
        if report.failure == nil && report.size < size {
            report.failure = (report.size + 1, "missing from the store")
        }
        report.headHash = previous
        if report.failure == nil {
            report.root = edge.root
            rootAt[size] = edge.root
            let stored = try log.merkleRoot(size: size).root
            if stored != edge.root {
                report.storedTreeProblem = "the log's stored Merkle tree gives the root \(stored.hex), the events give \(edge.root.hex)"
            }
        }
        var findings = try CheckpointFindings.check(log: log, head: size, publicKey: publicKey) { rootAt[$0] }
        // Checkpoints past a `through` short of the head are simply not asked about.
        findings.beyondHead.removeAll { $0.checkpoint.size <= head }
        report.checkpointFindings = findings
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Hands chunks to the threads and collects their results.
    final class ChunkQueue: @unchecked Sendable {
        // @unchecked: every field is touched only under `lock`.
        private let lock = NSLock()
        private let count: Int
        private var nextChunk = 0
        private var done: UInt64 = 0
        private var failed: (any Error)?
        private var finished: [ChunkResult?]
        private let progress: ((UInt64) -> Void)?

        init(count: Int, progress: ((UInt64) -> Void)?) {
            self.count = count
            self.progress = progress
            finished = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.withLock {
                guard nextChunk < count, failed == nil else { return nil }
                defer { nextChunk += 1 }
                return nextChunk
            }
        }

        func finish(_ c: Int, _ result: Result<ChunkResult, any Error>) {
            lock.withLock {
                switch result {
                case .success(let chunk):
                    finished[c] = chunk
                    done += chunk.count
                    progress?(done)
                case .failure(let error):
                    failed = error
                }
            }
        }

        func results() throws -> [ChunkResult?] {
            try lock.withLock {
                if let failed { throw failed }
                return finished
            }
        }
    }

    struct ChunkResult {
        var count: UInt64 = 0
        var firstPrevious = Digest32.zero
        var lastHash = Digest32.zero
        var edge = MerkleEdge()
        /// The edge within the chunk at each wanted size that falls in it.
        var edges: [(UInt64, MerkleEdge)] = []
        var failure: (UInt64, String)?
    }

    /// Checks events `from` … `through` (one chunk, starting at a multiple of
    /// 2^16 plus one, so that its subtrees are subtrees of the whole tree).
    static func check(_ log: EventLog, from: UInt64, through: UInt64, wanted: Set<UInt64>) throws -> ChunkResult {
        var r = ChunkResult()
        var expected = from
        var previous = Digest32.zero
        try log.scanStored(from: from, through: through) { sequence, value in
            guard sequence == expected else {
                r.failure = (expected, "missing: the next stored event is #\(sequence)")
                return false
            }
            guard value.count >= 64 + 47 + 24 else {
                r.failure = (sequence, "its stored value is only \(value.count) bytes")
                return false
            }
            let storedPrevious = Digest32(bytes: value)
            if sequence == from {
                r.firstPrevious = storedPrevious
            } else if storedPrevious != previous {
                r.failure = (sequence, "its previous hash does not match the hash of #\(sequence - 1)")
                return false
            }
            let hash = Digest32(bytes: UnsafeRawBufferPointer(rebasing: value[(value.count - 32)...]))
            guard sha256(UnsafeRawBufferPointer(rebasing: value[..<(value.count - 32)])) == hash else {
                r.failure = (sequence, "its content does not match its hash (changed after it was written)")
                return false
            }
            guard value[32] == 1, UInt64(bigEndian: value.loadUnaligned(fromByteOffset: 33, as: UInt64.self)) == sequence else {
                r.failure = (sequence, "its header does not match its position")
                return false
            }
            r.edge.appendLeaf(eventHash: hash)
            if wanted.contains(sequence) { r.edges.append((sequence, r.edge)) }
            previous = hash
            r.lastHash = hash
            r.count += 1
            expected += 1
            return true
        }
        if r.failure == nil && expected <= through {
            r.failure = (expected, "missing from the store")
        }
        return r
    }
}
