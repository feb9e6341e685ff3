/*
 * What each of the log's tables costs a bulk append, in C against LMDB alone
 * (no hashing, no Swift): the ceiling any implementation of those tables can
 * reach on this machine. Run through tools/bench/diagnostics/table-costs.
 *
 * Every variant appends the same events (389-byte values, as Letopis stores
 * them on average) in durable transactions of 10,000 events; each variant
 * adds one table to the one before:
 *   0  events only, MDB_APPEND (the raw peer of tools/bench/run)
 *   1  + event ids, growing (UUIDv7), MDB_APPEND
 *   2  + the stream-version lookup of every event
 *   3  + the stream index put (stream ‖ 0 ‖ version → sequence)
 *   4  + the stored Merkle nodes (one per 16 events)
 * Streams: a share of events (NEW_STREAMS %, default 85) open a new grade
 * stream, whose keys grow; the rest go to existing streams, two thirds to a
 * recent grade (a correction) and one third to one of 5,000 lesson streams.
 */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NEW_STREAMS
#define NEW_STREAMS 85
#endif

enum { EVENTS = 500000, BATCH = 10000, VALUE = 389 };

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void big_endian(uint64_t v, unsigned char *out) {
    for (int i = 7; i >= 0; i--) { out[i] = v & 0xff; v >>= 8; }
}

static void check(int rc, const char *what) {
    if (rc) { fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc)); exit(1); }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: table-costs VARIANT(0-4) EMPTY-DIR\n"); return 2; }
    int variant = atoi(argv[1]);
    MDB_env *env;
    check(mdb_env_create(&env), "create");
    check(mdb_env_set_maxdbs(env, 8), "maxdbs");
    check(mdb_env_set_mapsize(env, (size_t)16 << 30), "mapsize");
    check(mdb_env_open(env, argv[2], MDB_NOTLS, 0640), "open");
    MDB_txn *txn;
    MDB_dbi events, ids, streams, merkle;
    check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
    check(mdb_dbi_open(txn, "events", MDB_CREATE, &events), "dbi");
    check(mdb_dbi_open(txn, "ids", MDB_CREATE, &ids), "dbi");
    check(mdb_dbi_open(txn, "streams", MDB_CREATE, &streams), "dbi");
    check(mdb_dbi_open(txn, "merkle", MDB_CREATE, &merkle), "dbi");
    check(mdb_txn_commit(txn), "commit");

    unsigned char value[VALUE];
    memset(value, 7, sizeof value);
    uint64_t sequence = 0, grades = 0;
    srand(1);
    double started = seconds();
    for (int b = 0; b < EVENTS / BATCH; b++) {
        check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
        MDB_cursor *cursor;
        check(mdb_cursor_open(txn, streams, &cursor), "cursor");
        for (int i = 0; i < BATCH; i++) {
            unsigned char key[8];
            big_endian(++sequence, key);
            MDB_val k = {8, key}, v = {VALUE, value};
            check(mdb_put(txn, events, &k, &v, MDB_APPEND), "put event");
            if (variant >= 1) {
                unsigned char id[16];
                big_endian(sequence, id);
                big_endian(0x7a11, id + 8);
                MDB_val ik = {16, id}, iv = {8, key};
                check(mdb_put(txn, ids, &ik, &iv, MDB_APPEND), "put id");
            }
            if (variant >= 2) {
                char stream[64];
                int r = rand() % 100;
                if (r < NEW_STREAMS || grades == 0) {
                    snprintf(stream, sizeof stream, "grade/%016llx", (unsigned long long)++grades);
                } else if (r < NEW_STREAMS + (100 - NEW_STREAMS) * 2 / 3) {
                    uint64_t back = rand() % (grades < 100000 ? grades : 100000);
                    snprintf(stream, sizeof stream, "grade/%016llx", (unsigned long long)(grades - back));
                } else {
                    snprintf(stream, sizeof stream, "lesson/2024-5A/%05d", rand() % 5000);
                }
                size_t length = strlen(stream);
                unsigned char probe[80];
                memcpy(probe, stream, length);
                probe[length] = 1;
                MDB_val sk = {length + 1, probe}, sv;
                uint64_t version = 0;
                int rc = mdb_cursor_get(cursor, &sk, &sv, MDB_SET_RANGE);
                rc = rc == 0 ? mdb_cursor_get(cursor, &sk, &sv, MDB_PREV) : mdb_cursor_get(cursor, &sk, &sv, MDB_LAST);
                if (rc == 0 && sk.mv_size == length + 9 && memcmp(sk.mv_data, stream, length) == 0) {
                    const unsigned char *q = (const unsigned char *)sk.mv_data + length + 1;
                    for (int j = 0; j < 8; j++) version = version << 8 | q[j];
                }
                if (variant >= 3) {
                    probe[length] = 0;
                    big_endian(version + 1, probe + length + 1);
                    MDB_val pk = {length + 9, probe}, pv = {8, key};
                    check(mdb_put(txn, streams, &pk, &pv, 0), "put stream");
                }
            }
            if (variant >= 4 && sequence % 16 == 0) {
                unsigned char node[9];
                node[0] = 4;
                big_endian(sequence / 16, node + 1);
                MDB_val nk = {9, node}, nv = {32, value};
                check(mdb_put(txn, merkle, &nk, &nv, 0), "put node");
            }
        }
        mdb_cursor_close(cursor);
        check(mdb_txn_commit(txn), "commit");
    }
    printf("%.0f\n", EVENTS / (seconds() - started));
    mdb_env_close(env);
    return 0;
}
