/* monitor_db: the SQLite history (monitor_db.h). */
#include "monitor/monitor_db.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct monitor_db {
	sqlite3 *h;
	sqlite3_stmt *ins_round;
	int version; /* the file's schema; below MONITOR_DB_VERSION only read-only */
	bool in_tx;
	bool stopped;
	char error[256];
};

/* Migration i takes a file from version i to version i + 1. */
static const char *const migrations[MONITOR_DB_VERSION] = {
	"CREATE TABLE targets(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, addr TEXT NOT NULL);"
	"CREATE TABLE rounds(target INTEGER NOT NULL REFERENCES targets(id), t_ms INTEGER NOT NULL,"
	" path_len INTEGER NOT NULL, reached INTEGER NOT NULL, path_hash INTEGER NOT NULL,"
	" PRIMARY KEY(target, t_ms));"
	"CREATE TABLE hops(target INTEGER NOT NULL, t_ms INTEGER NOT NULL, ttl INTEGER NOT NULL,"
	" sent INTEGER NOT NULL, recv INTEGER NOT NULL, rtt_ms REAL, responder TEXT,"
	" PRIMARY KEY(target, t_ms, ttl)) WITHOUT ROWID;",
	"CREATE INDEX rounds_by_time ON rounds(t_ms);",
	/* Version 3: a round's hops packed in its row (monitor_round_pack_hops)
	 * and its probes sent; the hops table keeps the rounds written before,
	 * and is read for them. */
	"ALTER TABLE rounds ADD COLUMN hops BLOB; ALTER TABLE rounds ADD COLUMN sent INTEGER;",
};

static void set_err(char *err, size_t errlen, const char *what, sqlite3 *h)
{
	snprintf(err, errlen, "%s: %s", what, h ? sqlite3_errmsg(h) : "out of memory");
}

static int exec(sqlite3 *h, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	set_err(err, errlen, "history database", h);
	return -1;
}

static int user_version(sqlite3 *h, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int migrate_one(sqlite3 *h, int from, char *err, size_t errlen)
{
	char bump[64];
	snprintf(bump, sizeof(bump), "PRAGMA user_version=%d;", from + 1);
	if (exec(h, "BEGIN IMMEDIATE;", err, errlen) < 0)
		return -1;
	if (exec(h, migrations[from], err, errlen) < 0 || exec(h, bump, err, errlen) < 0) {
		sqlite3_exec(h, "ROLLBACK;", NULL, NULL, NULL);
		return -1;
	}
	return exec(h, "COMMIT;", err, errlen);
}

/* Brings the file to MONITOR_DB_VERSION (a read-only open leaves it as it
 * is); a newer one is refused. *version: the schema the file now has. */
static int check_version(sqlite3 *h, const char *path, bool readonly, int *version, char *err,
                         size_t errlen)
{
	int v;
	if (user_version(h, &v) < 0) {
		set_err(err, errlen, path, h);
		return -1;
	}
	if (v > MONITOR_DB_VERSION) {
		snprintf(err, errlen, "%s: history schema version %d is newer than this hopdoc's (%d): "
		         "use a newer hopdoc, or another --db file", path, v, MONITOR_DB_VERSION);
		return -1;
	}
	if (readonly && v < 1) {
		snprintf(err, errlen, "%s: not a hopdoc history (no schema)", path);
		return -1;
	}
	for (; !readonly && v < MONITOR_DB_VERSION; v++)
		if (migrate_one(h, v, err, errlen) < 0)
			return -1;
	*version = v;
	return 0;
}

static int prepare(struct monitor_db *db, char *err, size_t errlen)
{
	static const char ins_round[] = "INSERT OR REPLACE INTO rounds(target, t_ms, path_len, "
	                                "reached, path_hash, hops, sent) VALUES(?,?,?,?,?,?,?)";
	if (sqlite3_prepare_v2(db->h, ins_round, -1, &db->ins_round, NULL) != SQLITE_OK) {
		set_err(err, errlen, "history database", db->h);
		return -1;
	}
	return 0;
}

static int setup(struct monitor_db *db, const char *path, bool readonly, char *err,
                 size_t errlen)
{
	sqlite3_busy_timeout(db->h, 2000);
	if (!readonly && exec(db->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", err,
	                      errlen) < 0)
		return -1;
	if (check_version(db->h, path, readonly, &db->version, err, errlen) < 0)
		return -1;
	return readonly ? 0 : prepare(db, err, errlen);
}

struct monitor_db *monitor_db_open(const char *path, bool readonly, char *err, size_t errlen)
{
	struct monitor_db *db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* NOFOLLOW: a path swapped for a symlink must not lead a privileged
	 * open elsewhere. */
	int flags = SQLITE_OPEN_NOFOLLOW |
	            (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		set_err(err, errlen, path, db->h);
		monitor_db_free(db);
		return NULL;
	}
	if (setup(db, path, readonly, err, errlen) < 0) {
		monitor_db_free(db);
		return NULL;
	}
	return db;
}

void monitor_db_free(struct monitor_db *db)
{
	if (!db)
		return;
	if (db->in_tx && !db->stopped)
		monitor_db_commit(db);
	sqlite3_finalize(db->ins_round);
	sqlite3_close(db->h);
	free(db);
}

int monitor_db_target(struct monitor_db *db, const char *name, const char *addr, int64_t *id,
                      char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->h, "INSERT INTO targets(name, addr) VALUES(?1, ?2) "
	                            "ON CONFLICT(name) DO UPDATE SET addr = ?2 RETURNING id",
	                            -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		set_err(err, errlen, "history database", db->h);
		return -1;
	}
	return 0;
}

/* ---- writing ---------------------------------------------------------------- */

static int stop_writes(struct monitor_db *db, const char *what)
{
	snprintf(db->error, sizeof(db->error), "history database: %s: %s; writes stopped, probing "
	         "goes on", what, sqlite3_errmsg(db->h));
	if (db->in_tx)
		sqlite3_exec(db->h, "ROLLBACK;", NULL, NULL, NULL);
	db->in_tx = false;
	db->stopped = true;
	return -1;
}

static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Probes of the round (those packed: up to path_len). */
static uint64_t round_sent(const struct monitor_round *r)
{
	uint64_t n = 0;
	for (unsigned t = 1; t <= r->path_len && t <= MONITOR_MAX_TTL; t++)
		n += r->hop[t].sent;
	return n;
}

static int add_round_row(struct monitor_db *db, int64_t target, const struct monitor_round *r)
{
	sqlite3_stmt *st = db->ins_round;
	uint8_t hops[MONITOR_HOPS_BLOB_MAX];
	size_t n = monitor_round_pack_hops(r, hops, sizeof(hops));
	sqlite3_bind_int64(st, 1, target);
	sqlite3_bind_int64(st, 2, r->t_ms);
	sqlite3_bind_int(st, 3, (int)r->path_len);
	sqlite3_bind_int(st, 4, r->reached);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)r->path_hash);
	sqlite3_bind_blob(st, 6, hops, (int)n, SQLITE_STATIC); /* stepped before it goes */
	sqlite3_bind_int64(st, 7, (sqlite3_int64)round_sent(r));
	return step_reset(st);
}

int monitor_db_add_round(struct monitor_db *db, int64_t target, const struct monitor_round *r)
{
	if (db->stopped)
		return -1;
	if (!db->in_tx) {
		if (sqlite3_exec(db->h, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK)
			return stop_writes(db, "BEGIN");
		db->in_tx = true;
	}
	if (add_round_row(db, target, r) < 0)
		return stop_writes(db, "writing a round");
	return 0;
}

int monitor_db_commit(struct monitor_db *db)
{
	if (db->stopped)
		return -1;
	if (!db->in_tx)
		return 0;
	if (sqlite3_exec(db->h, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		return stop_writes(db, "COMMIT");
	db->in_tx = false;
	return 0;
}

bool monitor_db_stopped(const struct monitor_db *db)
{
	return db->stopped;
}

const char *monitor_db_error(const struct monitor_db *db)
{
	return db->error;
}

/* ---- reading ------------------------------------------------------------------ */

int monitor_db_each_target(struct monitor_db *db, monitor_db_target_fn fn, void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "SELECT id, name, addr FROM targets ORDER BY id", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		rc = fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		        (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	return rc;
}

static void read_round(sqlite3_stmt *st, struct monitor_round *r)
{
	memset(r, 0, sizeof(*r));
	r->t_ms = sqlite3_column_int64(st, 0);
	unsigned len = (unsigned)sqlite3_column_int(st, 1);
	r->path_len = len <= MONITOR_MAX_TTL ? len : MONITOR_MAX_TTL;
	r->reached = sqlite3_column_int(st, 2) != 0;
	r->path_hash = (uint64_t)sqlite3_column_int64(st, 3);
	for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
		r->hop[t].rtt_ms = NAN;
}

/* The round's packed hops (schema 3); 1 for a round written before, whose
 * hops are rows of the hops table, -1 for a blob that is not one. */
static int read_packed_hops(sqlite3_stmt *st, struct monitor_round *r)
{
	if (sqlite3_column_type(st, 4) == SQLITE_NULL)
		return 1;
	const uint8_t *blob = sqlite3_column_blob(st, 4);
	int len = sqlite3_column_bytes(st, 4);
	return blob && monitor_round_unpack_hops(r, blob, (size_t)len) == 0 ? 0 : -1;
}

static void read_hop(sqlite3_stmt *st, struct monitor_round *r)
{
	int ttl = sqlite3_column_int(st, 0);
	if (ttl < 1 || ttl > MONITOR_MAX_TTL)
		return;
	struct monitor_hop *h = &r->hop[ttl];
	h->sent = (unsigned)sqlite3_column_int(st, 1);
	h->recv = (unsigned)sqlite3_column_int(st, 2);
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		h->rtt_ms = sqlite3_column_double(st, 3);
	const unsigned char *txt = sqlite3_column_text(st, 4);
	if (!txt || model_addr_parse((const char *)txt, &h->from) < 0)
		h->from.family = AF_UNSPEC;
}

static int grow_rounds(struct monitor_round **out, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	struct monitor_round *r = realloc(*out, c * sizeof(*r));
	if (!r)
		return -1;
	*out = r;
	*cap = c;
	return 0;
}

/* Rounds and hops come in (t_ms) order from two queries walked side by side.
 * -1 for SQLite's error, -2 for a damaged round. */
static int load(sqlite3_stmt *rs, sqlite3_stmt *hs, struct monitor_round **out, size_t *n)
{
	size_t cap = 0;
	int hrc = sqlite3_step(hs);
	while (sqlite3_step(rs) == SQLITE_ROW) {
		if (grow_rounds(out, &cap, *n) < 0)
			return -1;
		struct monitor_round *r = &(*out)[(*n)++];
		read_round(rs, r);
		if (read_packed_hops(rs, r) < 0)
			return -2;
		while (hrc == SQLITE_ROW && sqlite3_column_int64(hs, 5) < r->t_ms)
			hrc = sqlite3_step(hs);
		for (; hrc == SQLITE_ROW && sqlite3_column_int64(hs, 5) == r->t_ms;
		     hrc = sqlite3_step(hs))
			read_hop(hs, r);
	}
	return 0;
}

int monitor_db_rounds(struct monitor_db *db, int64_t target, int64_t since_ms,
                      struct monitor_round **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *rs = NULL, *hs = NULL;
	*out = NULL;
	*n = 0;
	int rc = -1;
	/* A file read as it is, from before version 3, has no packed hops: all
	 * its hops are rows of the hops table. */
	const char *rounds_sql = db->version >= 3
		? "SELECT t_ms, path_len, reached, path_hash, hops FROM rounds "
		  "WHERE target = ?1 AND t_ms >= ?2 ORDER BY t_ms"
		: "SELECT t_ms, path_len, reached, path_hash, NULL FROM rounds "
		  "WHERE target = ?1 AND t_ms >= ?2 ORDER BY t_ms";
	if (sqlite3_prepare_v2(db->h, rounds_sql, -1, &rs, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db->h, "SELECT ttl, sent, recv, rtt_ms, responder, t_ms FROM hops "
	                       "WHERE target = ?1 AND t_ms >= ?2 ORDER BY t_ms, ttl", -1, &hs,
	                       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(rs, 1, target);
		sqlite3_bind_int64(rs, 2, since_ms);
		sqlite3_bind_int64(hs, 1, target);
		sqlite3_bind_int64(hs, 2, since_ms);
		rc = load(rs, hs, out, n);
	}
	if (rc == -2)
		snprintf(err, errlen, "history database: a round's packed hops are damaged");
	else if (rc < 0)
		set_err(err, errlen, "history database", db->h);
	if (rc < 0) {
		rc = -1;
		free(*out);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(rs);
	sqlite3_finalize(hs);
	return rc;
}
