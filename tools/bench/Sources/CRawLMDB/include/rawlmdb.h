// Peer B of the EventLog benchmark: LMDB used directly from C, with nothing
// on top (no hashing, no side tables), as the ceiling of this machine.
#ifndef RAWLMDB_H
#define RAWLMDB_H

#include <stddef.h>
#include <stdint.h>

typedef struct rawlmdb rawlmdb;

/// Creates an environment in the existing directory `path` with one named
/// database keyed by big-endian UInt64 sequence. `durable` 0 sets MDB_NOSYNC.
/// Returns NULL and sets *error to the LMDB code on failure.
rawlmdb *rawlmdb_open(const char *path, int durable, int *error);

void rawlmdb_close(rawlmdb *db);

/// Appends `count` values in ONE write transaction with MDB_APPEND, under keys
/// next_sequence, next_sequence + 1, ...; value i is `sizes[i]` bytes taken from
/// `pool` (of `pool_size` bytes) at a varying offset. Returns 0 or an LMDB code.
int rawlmdb_append(rawlmdb *db, const uint32_t *sizes, size_t count,
                   const uint8_t *pool, size_t pool_size);

/// Opens a second kind of store: the events table plus the side tables Letopis
/// keeps (event id → sequence, stream ‖ 0 ‖ version → sequence, Merkle nodes
/// of 16 leaves and up), written as Letopis writes them but from C and with no
/// hashing: what the design costs in LMDB alone.
rawlmdb *rawlmdb_open_tables(const char *path, int durable, int *error);

/// Like rawlmdb_append, also writing the side tables: `ids` holds 16 bytes per
/// event; `streams` holds the stream names one after another, `stream_lengths`
/// their lengths. The stream version is looked up in the transaction, as
/// Letopis does.
int rawlmdb_append_tables(rawlmdb *db, const uint32_t *sizes, size_t count,
                          const uint8_t *pool, size_t pool_size, const uint8_t *ids,
                          const char *streams, const uint32_t *stream_lengths);

/// The number of entries appended so far (the last sequence).
uint64_t rawlmdb_head(const rawlmdb *db);

/// Walks every entry with a cursor in one read transaction, touching the first
/// and last byte of each value. Returns 0 or an LMDB code.
int rawlmdb_scan(rawlmdb *db, uint64_t *count, uint64_t *bytes, uint64_t *checksum);

/// LMDB's (or the system's) text for an error code.
const char *rawlmdb_strerror(int rc);

#endif
