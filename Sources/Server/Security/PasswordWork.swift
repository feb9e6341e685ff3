import NIOPosix
import Records
import Synchronization

/// Password hashing (PBKDF2, 600,000 rounds: about 0.3 s of a core) on threads
/// of its own, so that sign-ins never hold up the threads that answer the
/// journal's and the diary's requests. At most `queue` sign-ins wait; more are
/// answered "busy, try again" at once rather than piling up.
final class PasswordWork: Sendable {
    private let pool: NIOThreadPool
    private let waiting = Atomic<Int>(0)
    private let queue: Int
    /// Makes the hashes of new passwords.
    let hasher: PasswordHasher
    /// A hash of nothing at the same rounds: an unknown login is checked against
    /// it, and takes as long as a real one.
    let decoy: String

    struct Busy: Error {}

    init(threads: Int, queue: Int, rounds: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        self.queue = queue
        hasher = PasswordHasher(rounds: rounds)
        decoy = hasher.hash(TemporaryPassword.generate())
    }

    /// The hash of a new password, made on the hashing threads.
    func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await run { hasher.hash(password) }
    }

    /// Whether a stored hash has fewer rounds than the server makes now.
    func needsRehash(_ stored: String) -> Bool { PasswordHasher.needsRehash(stored, rounds: hasher.rounds) }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard waiting.add(1, ordering: .relaxed).newValue <= queue else {
            waiting.subtract(1, ordering: .relaxed)
            throw Busy()
        }
        defer { waiting.subtract(1, ordering: .relaxed) }
        return try await pool.runIfActive(work)
    }

    func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
