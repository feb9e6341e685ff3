import CLMDB
import Foundation

/// One LMDB environment: a directory with `data.mdb` and `lock.mdb`.
///
/// `@unchecked Sendable` is true here because LMDB itself is thread-safe for this
/// use: the environment is opened with `MDB_NOTLS`, so read transactions may be
/// used from any thread or task, and LMDB serializes write transactions with its
/// own lock. The only Swift state shared between threads (the database-handle
/// cache and the map size) is guarded by locks below.
public final class Environment: @unchecked Sendable {
    public struct Options: Sendable {
        /// Create the directory and the files when they do not exist.
        public var create = false
        /// Open read-only: nothing can be written, not even the lock file's readers.
        public var readOnly = false
        /// `false` skips the fsync at commit (`MDB_NOSYNC`): only for scratch stores.
        public var durable = true
        /// No lock file at all (`MDB_NOLOCK`): only for a one-shot read-only look
        /// at a directory that may not be ours, so that nothing is written to it.
        public var noLock = false
        public var maxDatabases: UInt32 = 64
        public var maxReaders: UInt32 = 1024
        /// Address space reserved at open; it doubles whenever a write fills it.
        public var initialMapSize = 1 << 30
        public var maxMapSize = 1 << 42
        public var fileMode: mode_t = 0o640

        public init() {}
    }

    public let path: String
    public let options: Options
    let env: OpaquePointer
    /// Readers and writers hold it shared; growing the map holds it exclusively,
    /// because LMDB allows `mdb_env_set_mapsize` only with no transaction open.
    private let resizeLock = ReadWriteLock()
    private let handleLock = NSLock()
    private var handles: [String: Database] = [:]
    private var closed = false

    /// Opens (or, with `options.create`, creates) the environment in `path`.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        self.path = path
        self.options = options
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard options.create else { throw .noSuchFile }
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw .permissionDenied
            }
        } else if !options.create && !fm.fileExists(atPath: path + "/data.mdb") {
            // Opening must never create a store by accident.
            throw .noSuchFile
        }
        var pointer: OpaquePointer?
        try LMDBError.check(mdb_env_create(&pointer))
        guard let env = pointer else { throw .panic }
        self.env = env
        do {
            try LMDBError.check(mdb_env_set_maxdbs(env, options.maxDatabases))
            try LMDBError.check(mdb_env_set_maxreaders(env, options.maxReaders))
            let existing = (try? fm.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int) ?? 0
            var mapSize = options.initialMapSize
            while mapSize < existing * 2 && mapSize < options.maxMapSize { mapSize *= 2 }
            try LMDBError.check(mdb_env_set_mapsize(env, mapSize))
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            if !options.durable { flags |= UInt32(MDB_NOSYNC) }
            if options.noLock { flags |= UInt32(MDB_NOLOCK) }
            try LMDBError.check(mdb_env_open(env, path, flags, options.fileMode))
            if !options.readOnly {
                // Slots left by processes that died mid-read would pin old pages forever.
                var dead: Int32 = 0
                try LMDBError.check(mdb_reader_check(env, &dead))
            }
        } catch {
            // deinit still runs for a fully initialized object: mark it closed so
            // the handle is not closed twice.
            closed = true
            mdb_env_close(env)
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the environment. No transaction may be running.
    public func close() {
        handleLock.lock()
        defer { handleLock.unlock() }
        guard !closed else { return }
        closed = true
        mdb_env_close(env)
    }

    /// Opens a named database, creating it when `create` is set (in its own write
    /// transaction). Handles are cached: LMDB forbids opening one concurrently.
    public func database(_ name: String, create: Bool = true, flags: Database.Flags = []) throws(LMDBError) -> Database {
        handleLock.lock()
        defer { handleLock.unlock() }
        if let cached = handles[name] { return cached }
        var dbi: MDB_dbi = 0
        var openFlags = flags.rawValue
        if create && !options.readOnly { openFlags |= UInt32(MDB_CREATE) }
        let begin: () throws(LMDBError) -> OpaquePointer = { () throws(LMDBError) in
            var txn: OpaquePointer?
            let readOnly = !create || self.options.readOnly
            try LMDBError.check(mdb_txn_begin(self.env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn))
            return txn!
        }
        resizeLock.lockShared()
        defer { resizeLock.unlock() }
        let txn = try begin()
        let rc = mdb_dbi_open(txn, name, openFlags, &dbi)
        guard rc == 0 else {
            mdb_txn_abort(txn)
            throw LMDBError(rawValue: rc)
        }
        // Committing (even a read transaction) keeps the handle open for everyone.
        try LMDBError.check(mdb_txn_commit(txn))
        let db = Database(handle: dbi, name: name)
        handles[name] = db
        return db
    }

    /// Runs `body` in a read transaction. Bytes seen inside must be copied out
    /// before `body` returns.
    public func read<R>(_ body: (Transaction) throws -> R) throws -> R {
        while true {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
            if rc == MDB_MAP_RESIZED {
                resizeLock.unlock()
                try adoptGrownMap()
                continue
            }
            guard rc == 0, let txn else {
                resizeLock.unlock()
                throw LMDBError(rawValue: rc)
            }
            let transaction = Transaction(txn, readOnly: true)
            defer {
                transaction.end()
                mdb_txn_abort(txn)
                resizeLock.unlock()
            }
            return try body(transaction)
        }
    }

    /// Runs `body` in a write transaction and commits it; any error aborts it, so
    /// nothing of a failed body is ever written. When the map is full the
    /// transaction is aborted, the map doubled and `body` run again from the
    /// start: `body` must therefore change nothing outside the transaction.
    public func write<R>(_ body: (Transaction) throws -> R) throws -> R {
        precondition(!options.readOnly, "write transaction on a read-only environment")
        while true {
            resizeLock.lockShared()
            var txn: OpaquePointer?
            let rc = mdb_txn_begin(env, nil, 0, &txn)
            if rc == MDB_MAP_RESIZED {
                resizeLock.unlock()
                try adoptGrownMap()
                continue
            }
            guard rc == 0, let txn else {
                resizeLock.unlock()
                throw LMDBError(rawValue: rc)
            }
            let transaction = Transaction(txn, readOnly: false)
            let result: R
            do {
                result = try body(transaction)
            } catch {
                // A full map may surface wrapped in a caller's error type: the
                // transaction remembers it, so the retry does not depend on that.
                let mapWasFull = transaction.sawMapFull || (error as? LMDBError) == .mapFull
                transaction.end()
                mdb_txn_abort(txn)
                resizeLock.unlock()
                if mapWasFull {
                    try grow()
                    continue
                }
                throw error
            }
            transaction.end()
            let commit = mdb_txn_commit(txn)  // frees the transaction even when it fails
            resizeLock.unlock()
            if commit == MDB_MAP_FULL {
                try grow()
                continue
            }
            try LMDBError.check(commit)
            return result
        }
    }

    /// The current size of the memory map in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// Forces buffered writes to disk (useful after non-durable bulk loads).
    public func sync() throws(LMDBError) {
        try LMDBError.check(mdb_env_sync(env, 1))
    }

    /// Writes a consistent copy of the environment into the directory `to`
    /// (which must exist and be empty), compacting free pages.
    public func copy(to directory: String) throws(LMDBError) {
        try LMDBError.check(mdb_env_copy2(env, directory, UInt32(MDB_CP_COMPACT)))
    }

    /// Bytes used by the data file.
    public var usedBytes: Int {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        mdb_env_info(env, &info)
        mdb_env_stat(env, &stat)
        return (info.me_last_pgno + 1) * Int(stat.ms_psize)
    }

    private func grow() throws(LMDBError) {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        let current = mapSize
        guard current < options.maxMapSize else { throw .mapFull }
        try LMDBError.check(mdb_env_set_mapsize(env, min(current * 2, options.maxMapSize)))
    }

    /// Another process grew the map: take its size (LMDB reads it from the file).
    private func adoptGrownMap() throws(LMDBError) {
        resizeLock.lockExclusive()
        defer { resizeLock.unlock() }
        try LMDBError.check(mdb_env_set_mapsize(env, 0))
    }
}

/// A thin pthread read-write lock; Foundation has none on Linux.
final class ReadWriteLock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() {
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func lockShared() { pthread_rwlock_rdlock(lock) }
    func lockExclusive() { pthread_rwlock_wrlock(lock) }
    func unlock() { pthread_rwlock_unlock(lock) }
}
