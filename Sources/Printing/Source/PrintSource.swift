import Audit
import EventLog
import Foundation
import Projections

/// The log state books are printed from and verified against: a checkpoint
/// (tree size and Merkle root, signed when the school has a key) and the
/// views exactly at its size.
public final class PrintSource: @unchecked Sendable {
    // @unchecked: the live runner reads in its own LMDB read transaction per
    // call; replayed views are read under `memoryLock`.
    public let stamp: BookStamp
    private let runner: ProjectionRunner?
    private let memory: MemoryViews?
    /// Replayed views create a table's cache on its first read (a table no
    /// event wrote), so their readers take turns.
    private let memoryLock = NSLock()

    /// The views at `position` (the head when nil). The checkpoint of that
    /// size is used if recorded, else signed and recorded with `signer`; without
    /// one the root is computed and left unsigned (as verifying needs no more).
    /// The live views serve when they can be brought exactly to the position;
    /// when they are past it, the log is replayed up to it in memory.
    public init(log: EventLog, signer: CheckpointSigner?, position: UInt64? = nil) throws {
        let head = try log.head()
        let size = min(position ?? head, head)
        guard size > 0 else { throw PrintError("the log of \(log.school) is empty") }
        let checkpoint = try Checkpointer(log: log, signer: signer).checkpoint(size: size)
        let root = try checkpoint?.root ?? log.merkleRoot(size: size).root
        stamp = BookStamp(school: log.school, position: size, root: root.hex, signedAt: checkpoint?.time.iso)
        let runner = try ProjectionRunner(log: log)
        if runner.position <= size {
            try runner.catchUp(through: size)
        }
        if runner.position == size {
            self.runner = runner
            memory = nil
        } else {
            self.runner = nil
            memory = try Projections.replay(log: log, through: size)
        }
    }

    /// Runs `body` over the views at the stamp's position.
    public func read<R>(_ body: (any ViewSource) throws -> R) throws -> R {
        if let memory {
            memoryLock.lock()
            defer { memoryLock.unlock() }
            return try body(memory)
        }
        return try runner!.read { try body($0) }
    }

    /// The book of one class.
    public func book(class klass: ClassRow) throws -> JournalBook {
        let year = try read { try ClassYear.gather($0, class: klass) }
        return BookLayout.book(year, stamp: stamp)
    }

    /// The class named `name` in `year`.
    public func resolveClass(_ name: String, year: Int?) throws -> ClassRow {
        try read { try ClassYear.resolveClass($0, name, year: year) }
    }

    /// Every class of `year`.
    public func classes(year: Int?) throws -> [ClassRow] {
        try read { try ClassYear.classes($0, year: year) }
    }

    /// Recomputes the book of `klass` and checks page `page` against `digest`.
    public func verify(class klass: ClassRow, page: Int, digest: String) throws -> PageCheck {
        try book(class: klass).check(page: page, digest: digest)
    }
}
