import CLMDB

/// An error reported by LMDB, or by the operating system through LMDB.
///
/// Callers match named codes: `catch LMDBError.mapFull`.
public struct LMDBError: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Key/data pair already exists. The corresponding C error is `MDB_KEYEXIST`.
    public static let keyExists = LMDBError(rawValue: MDB_KEYEXIST)
    /// Key/data pair not found. The corresponding C error is `MDB_NOTFOUND`.
    public static let notFound = LMDBError(rawValue: MDB_NOTFOUND)
    /// A requested page was not found. The corresponding C error is `MDB_PAGE_NOTFOUND`.
    public static let pageNotFound = LMDBError(rawValue: MDB_PAGE_NOTFOUND)
    /// Located page was the wrong type. The corresponding C error is `MDB_CORRUPTED`.
    public static let corrupted = LMDBError(rawValue: MDB_CORRUPTED)
    /// Update of meta page failed or the environment had a fatal error. `MDB_PANIC`.
    public static let panic = LMDBError(rawValue: MDB_PANIC)
    /// Environment version mismatch. The corresponding C error is `MDB_VERSION_MISMATCH`.
    public static let versionMismatch = LMDBError(rawValue: MDB_VERSION_MISMATCH)
    /// The file is not an LMDB file. The corresponding C error is `MDB_INVALID`.
    public static let invalid = LMDBError(rawValue: MDB_INVALID)
    /// The environment's map size is reached. The corresponding C error is `MDB_MAP_FULL`.
    public static let mapFull = LMDBError(rawValue: MDB_MAP_FULL)
    /// The environment's database limit is reached. The corresponding C error is `MDB_DBS_FULL`.
    public static let databasesFull = LMDBError(rawValue: MDB_DBS_FULL)
    /// The environment's reader limit is reached. The corresponding C error is `MDB_READERS_FULL`.
    public static let readersFull = LMDBError(rawValue: MDB_READERS_FULL)
    /// Transaction has too many dirty pages. The corresponding C error is `MDB_TXN_FULL`.
    public static let transactionFull = LMDBError(rawValue: MDB_TXN_FULL)
    /// Another process grew the map beyond ours. The corresponding C error is `MDB_MAP_RESIZED`.
    public static let mapResized = LMDBError(rawValue: MDB_MAP_RESIZED)
    /// The database was opened with incompatible flags. The corresponding C error is `MDB_INCOMPATIBLE`.
    public static let incompatible = LMDBError(rawValue: MDB_INCOMPATIBLE)
    /// The transaction must abort, has a child, or is invalid. `MDB_BAD_TXN`.
    public static let badTransaction = LMDBError(rawValue: MDB_BAD_TXN)
    /// Unsupported size of key, database name or data. `MDB_BAD_VALSIZE`.
    public static let badValueSize = LMDBError(rawValue: MDB_BAD_VALSIZE)
    /// The database handle changed unexpectedly. The corresponding C error is `MDB_BAD_DBI`.
    public static let badDatabase = LMDBError(rawValue: MDB_BAD_DBI)
    /// No such file or directory (`ENOENT`), as reported through LMDB.
    public static let noSuchFile = LMDBError(rawValue: 2)
    /// Permission denied (`EACCES`), as reported through LMDB.
    public static let permissionDenied = LMDBError(rawValue: 13)

    public var description: String {
        String(cString: mdb_strerror(rawValue)) + " (LMDB \(rawValue))"
    }

    /// Throws for any code but success.
    @inline(__always)
    static func check(_ code: Int32) throws(LMDBError) {
        if code != 0 { throw LMDBError(rawValue: code) }
    }
}
