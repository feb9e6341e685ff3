import CLMDB

/// A named database inside an environment. The handle stays valid until the
/// environment closes; it is shared by all transactions.
public struct Database: Hashable, Sendable {
    let handle: MDB_dbi
    public let name: String

    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Keys are compared as native unsigned integers (`MDB_INTEGERKEY`).
        public static let integerKeys = Flags(rawValue: UInt32(MDB_INTEGERKEY))
        /// Several sorted values per key (`MDB_DUPSORT`).
        public static let duplicateSort = Flags(rawValue: UInt32(MDB_DUPSORT))
    }
}

/// Flags for a single put.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with `keyExists` instead of overwriting (`MDB_NOOVERWRITE`).
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// The key is greater than every key in the database (`MDB_APPEND`):
    /// a fast append at the right edge of the tree.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
}
