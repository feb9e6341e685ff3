#include "rawlmdb.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>

struct rawlmdb {
    MDB_env *env;
    MDB_dbi dbi;
    uint64_t head;
    int tables;
    MDB_dbi ids, streams, merkle;
    unsigned char greatest_id[16];
    int have_id;
};

static void big_endian(uint64_t v, unsigned char out[8]) {
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static rawlmdb *open_store(const char *path, int durable, int tables, int *error) {
    rawlmdb *db = calloc(1, sizeof *db);
    if (!db) { *error = ENOMEM; return NULL; }
    int rc = mdb_env_create(&db->env);
    if (rc) goto fail_free;
    if ((rc = mdb_env_set_maxdbs(db->env, 4))) goto fail_env;
    if ((rc = mdb_env_set_mapsize(db->env, (size_t)64 << 30))) goto fail_env;
    unsigned flags = MDB_NOTLS | (durable ? 0 : MDB_NOSYNC);
    if ((rc = mdb_env_open(db->env, path, flags, 0640))) goto fail_env;
    MDB_txn *txn;
    if ((rc = mdb_txn_begin(db->env, NULL, 0, &txn))) goto fail_env;
    if ((rc = mdb_dbi_open(txn, "events", MDB_CREATE, &db->dbi))) { mdb_txn_abort(txn); goto fail_env; }
    if (tables) {
        db->tables = 1;
        if ((rc = mdb_dbi_open(txn, "ids", MDB_CREATE, &db->ids))
            || (rc = mdb_dbi_open(txn, "streams", MDB_CREATE, &db->streams))
            || (rc = mdb_dbi_open(txn, "merkle", MDB_CREATE, &db->merkle))) {
            mdb_txn_abort(txn);
            goto fail_env;
        }
    }
    if ((rc = mdb_txn_commit(txn))) goto fail_env;
    return db;
fail_env:
    mdb_env_close(db->env);
fail_free:
    free(db);
    *error = rc;
    return NULL;
}

rawlmdb *rawlmdb_open(const char *path, int durable, int *error) {
    return open_store(path, durable, 0, error);
}

rawlmdb *rawlmdb_open_tables(const char *path, int durable, int *error) {
    return open_store(path, durable, 1, error);
}

void rawlmdb_close(rawlmdb *db) {
    if (!db) return;
    mdb_env_close(db->env);
    free(db);
}

int rawlmdb_append(rawlmdb *db, const uint32_t *sizes, size_t count,
                   const uint8_t *pool, size_t pool_size) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, 0, &txn);
    if (rc) return rc;
    uint64_t seq = db->head;
    unsigned char key[8];
    for (size_t i = 0; i < count; i++) {
        seq++;
        big_endian(seq, key);
        size_t span = pool_size - sizes[i];
        size_t offset = span ? (size_t)((seq * 2654435761u) % span) : 0;
        MDB_val k = { sizeof key, key };
        MDB_val v = { sizes[i], (void *)(pool + offset) };
        if ((rc = mdb_put(txn, db->dbi, &k, &v, MDB_APPEND))) {
            mdb_txn_abort(txn);
            return rc;
        }
    }
    if ((rc = mdb_txn_commit(txn))) return rc;
    db->head = seq;
    return 0;
}

/* The stream's version as the transaction sees it: the last key
   "stream ‖ 0 ‖ version" before "stream ‖ 1". */
static int stream_version(MDB_cursor *cursor, const char *stream, size_t length, uint64_t *version) {
    unsigned char probe[512];
    memcpy(probe, stream, length);
    probe[length] = 1;
    MDB_val k = { length + 1, probe }, v;
    int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
    if (rc == 0) rc = mdb_cursor_get(cursor, &k, &v, MDB_PREV);
    else if (rc == MDB_NOTFOUND) rc = mdb_cursor_get(cursor, &k, &v, MDB_LAST);
    *version = 0;
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return rc;
    const unsigned char *key = k.mv_data;
    if (k.mv_size == length + 9 && key[length] == 0 && memcmp(key, stream, length) == 0) {
        uint64_t n = 0;
        for (int i = 0; i < 8; i++) n = (n << 8) | key[length + 1 + i];
        *version = n;
    }
    return 0;
}

int rawlmdb_append_tables(rawlmdb *db, const uint32_t *sizes, size_t count,
                          const uint8_t *pool, size_t pool_size, const uint8_t *ids,
                          const char *streams, const uint32_t *stream_lengths) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, 0, &txn);
    if (rc) return rc;
    MDB_cursor *cursor;
    if ((rc = mdb_cursor_open(txn, db->streams, &cursor))) { mdb_txn_abort(txn); return rc; }
    uint64_t seq = db->head;
    unsigned char key[8], seq_key[8], stream_key[512 + 9], merkle_key[9];
    unsigned char greatest[16];
    int have_id = db->have_id;
    memcpy(greatest, db->greatest_id, 16);
    const char *stream = streams;
    for (size_t i = 0; i < count && rc == 0; i++) {
        seq++;
        big_endian(seq, key);
        memcpy(seq_key, key, 8);
        size_t span = pool_size - sizes[i];
        size_t offset = span ? (size_t)((seq * 2654435761u) % span) : 0;
        MDB_val k = { sizeof key, key };
        MDB_val v = { sizes[i], (void *)(pool + offset) };
        if ((rc = mdb_put(txn, db->dbi, &k, &v, MDB_APPEND))) break;
        /* id → sequence, appending while ids grow */
        const unsigned char *id = ids + 16 * i;
        int grows = !have_id || memcmp(id, greatest, 16) > 0;
        MDB_val ik = { 16, (void *)id }, iv = { 8, seq_key };
        if ((rc = mdb_put(txn, db->ids, &ik, &iv, grows ? MDB_APPEND : MDB_NOOVERWRITE))) break;
        if (grows) { memcpy(greatest, id, 16); have_id = 1; }
        /* stream ‖ 0 ‖ version → sequence */
        size_t length = stream_lengths[i];
        uint64_t version;
        if ((rc = stream_version(cursor, stream, length, &version))) break;
        memcpy(stream_key, stream, length);
        stream_key[length] = 0;
        big_endian(version + 1, stream_key + length + 1);
        MDB_val sk = { length + 9, stream_key }, sv = { 8, seq_key };
        if ((rc = mdb_put(txn, db->streams, &sk, &sv, 0))) break;
        stream += length;
        /* Merkle subtrees of 16 leaves and up that this leaf completes */
        uint64_t leaf = seq - 1;
        for (int level = 1; (leaf >> (level - 1)) & 1; level++) {
            if (level < 4) continue;
            merkle_key[0] = (unsigned char)level;
            big_endian(leaf >> level, merkle_key + 1);
            MDB_val mk = { 9, merkle_key }, mv = { 32, (void *)(pool + (seq & 1023)) };
            if ((rc = mdb_put(txn, db->merkle, &mk, &mv, 0))) break;
        }
    }
    mdb_cursor_close(cursor);
    if (rc) { mdb_txn_abort(txn); return rc; }
    if ((rc = mdb_txn_commit(txn))) return rc;
    db->head = seq;
    memcpy(db->greatest_id, greatest, 16);
    db->have_id = have_id;
    return 0;
}

uint64_t rawlmdb_head(const rawlmdb *db) { return db->head; }

int rawlmdb_scan(rawlmdb *db, uint64_t *count, uint64_t *bytes, uint64_t *checksum) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn);
    if (rc) return rc;
    MDB_cursor *cursor;
    if ((rc = mdb_cursor_open(txn, db->dbi, &cursor))) { mdb_txn_abort(txn); return rc; }
    uint64_t n = 0, total = 0, sum = 0;
    MDB_val k, v;
    for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        const unsigned char *p = v.mv_data;
        n++;
        total += v.mv_size;
        sum += p[0] ^ p[v.mv_size - 1];
    }
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    if (rc != MDB_NOTFOUND) return rc;
    *count = n;
    *bytes = total;
    *checksum = sum;
    return 0;
}

const char *rawlmdb_strerror(int rc) { return mdb_strerror(rc); }
