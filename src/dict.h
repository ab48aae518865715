/* dict.h - the dictionary in LMDB: the only module that includes <lmdb.h>. One
 * environment directory holds named databases:
 *   entities  id → packed entry record (entry.h), tombstones included
 *   meta      "version" → u64 LE, "updated" → unix seconds u64 LE, "sources" → text
 *   blobs     "snapshot" → compiled snapshot blob for fast start, keyed by version
 * Every write is one transaction that bumps the version: a process killed mid-write
 * leaves the previous version whole. MDB_* codes never leave this file. */
#ifndef NT_DICT_H
#define NT_DICT_H

#include "arena.h"
#include "entry.h"
#include "newstag.h"

typedef struct dict dict;
typedef struct dict_txn dict_txn;

enum dict_open_flag { DICT_RDONLY = 1, DICT_CREATE = 2 };

/* Opens (creating with DICT_CREATE) the environment in directory `path`. Returns a new
 * handle (dict_close). NT_EIO with a message in errbuf. Map size: 4 GiB (sparse). */
nt_err dict_open(const char *path, int flags, dict **out, char *errbuf, size_t errlen);
void dict_close(dict *d);

/* Current version (0 for an empty dictionary). */
nt_err dict_version(dict *d, uint64_t *version);
/* Counts of live entries (tombstones excluded). */
nt_err dict_count(dict *d, size_t *n);

/* Calls fn for every live entry in id order, inside one read transaction; entries are
 * borrowed for the duration of the call. A non-zero return from fn stops the walk and
 * is returned. *version gets the version read. */
typedef nt_err (*dict_visit_fn)(void *ctx, const ent_entry *e);
nt_err dict_foreach(dict *d, dict_visit_fn fn, void *ctx, uint64_t *version);

/* Looks up `id`. On NT_OK *out borrows memory of `a`. NT_ENOTFOUND (also for tombstones). */
nt_err dict_get(dict *d, nt_str id, arena *a, ent_entry *out);

/* Prefix search for the HTTP API: live entries whose id or folded name starts with
 * `prefix` (empty = all), of `type` (-1 = any), after id `cursor` (exclusive, empty =
 * from the start); at most `limit`. Entries come from `a`. *next gets the cursor for the
 * next page (empty when done). */
nt_err dict_search(dict *d, nt_str prefix, int type, nt_str cursor, size_t limit, arena *a,
                   ent_entry **out, size_t *n_out, nt_str *next);

/* A write batch: begin, put/del any number of times, commit (bumps the version once) or
 * abort. Only one write transaction runs at a time (LMDB serialises writers). */
nt_err dict_write_begin(dict *d, dict_txn **out);
/* Upserts e. Import semantics (e->origin == ENT_ORIGIN_IMPORT): an existing API entry or
 * tombstone with that id wins and *skipped is set to 1. API writes always replace. */
nt_err dict_write_put(dict_txn *t, const ent_entry *e, int *skipped);
/* Deletes `id` through the API: leaves a tombstone so imports never bring it back.
 * NT_ENOTFOUND if no live entry has that id. */
nt_err dict_write_del(dict_txn *t, nt_str id);
/* Deletes import-origin entries not seen in this batch (a source file dropped an entry).
 * `seen` answers whether an id was put in this batch. */
nt_err dict_write_prune(dict_txn *t, bool (*seen)(void *ctx, nt_str id), void *ctx,
                        size_t *pruned);
nt_err dict_write_set_meta(dict_txn *t, const char *key, nt_str value);
/* Commits; *version (may be NULL) gets the new version. */
nt_err dict_write_commit(dict_txn *t, uint64_t *version);
void dict_write_abort(dict_txn *t);

/* Cached artefacts (the compiled matcher) in the `blobs` database. Writing one is its own
 * transaction and does not change the dictionary version. dict_blob_get returns a new
 * malloc'd copy in *data (caller frees). NT_ENOTFOUND. */
nt_err dict_blob_put(dict *d, const char *key, const void *data, size_t len);
nt_err dict_blob_get(dict *d, const char *key, void **data, size_t *len);

/* Reads meta `key` into the arena; NT_ENOTFOUND. */
nt_err dict_meta_get(dict *d, const char *key, arena *a, nt_str *out);

#endif
