/* monitor_db: the history file: rounds in and out, migrations, a newer
 * schema refused, and a write that fails (file size limit) stopping writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/monitor_db.h"

static char dir[64];
static char path[96];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hd_mondb.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.db", dir);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	static const char *const tails[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s%s", path, tails[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void round_at(struct monitor_round *r, int64_t t_ms, unsigned len)
{
	memset(r, 0, sizeof(*r));
	r->t_ms = t_ms;
	r->path_len = len;
	r->reached = true;
	r->path_hash = 0xfeedfacecafebeefULL;
	for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
		r->hop[t].rtt_ms = NAN;
	for (unsigned t = 1; t <= len; t++) {
		char a[32];
		snprintf(a, sizeof(a), "192.0.2.%u", t);
		r->hop[t] = (struct monitor_hop){ .sent = 1, .recv = t != 2, .rtt_ms = t != 2 ? t : NAN };
		if (t != 2)
			assert_int_equal(model_addr_parse(a, &r->hop[t].from), 0);
	}
}

static void rounds_go_in_and_come_back(void **state)
{
	(void)state;
	char err[256];
	struct monitor_db *db = monitor_db_open(path, false, err, sizeof(err));
	assert_non_null(db);
	int64_t id, id2, again;
	assert_int_equal(monitor_db_target(db, "a.example", "192.0.2.9", &id, err, sizeof(err)), 0);
	assert_int_equal(monitor_db_target(db, "b.example", "192.0.2.8", &id2, err, sizeof(err)), 0);
	assert_int_equal(monitor_db_target(db, "a.example", "192.0.2.9", &again, err, sizeof(err)), 0);
	assert_int_equal(id, again);
	assert_int_not_equal(id, id2);
	struct monitor_round r;
	for (int i = 0; i < 5; i++) {
		round_at(&r, 1000 + i * 1000, 4);
		assert_int_equal(monitor_db_add_round(db, id, &r), 0);
	}
	assert_int_equal(monitor_db_commit(db), 0);
	monitor_db_free(db);

	db = monitor_db_open(path, true, err, sizeof(err));
	assert_non_null(db);
	struct monitor_round *out;
	size_t n;
	assert_int_equal(monitor_db_rounds(db, id, 2000, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].t_ms, 2000);
	assert_int_equal(out[0].path_len, 4);
	assert_true(out[0].reached);
	assert_true(out[0].path_hash == 0xfeedfacecafebeefULL);
	assert_int_equal(out[0].hop[2].recv, 0);
	assert_true(isnan(out[0].hop[2].rtt_ms));
	assert_int_equal(out[0].hop[2].from.family, AF_UNSPEC);
	assert_true(fabs(out[3].hop[4].rtt_ms - 4.0) < 1e-9);
	assert_int_equal(out[3].hop[4].from.family, AF_INET);
	free(out);
	assert_int_equal(monitor_db_rounds(db, id2, 0, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	free(out);
	monitor_db_free(db);
}

static void set_version(int v)
{
	sqlite3 *h;
	char sql[64];
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", v);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static bool has_index(void)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master WHERE "
	                                    "name = 'rounds_by_time'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	bool yes = sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	sqlite3_close(h);
	return yes;
}

/* A version 1 file as that hopdoc wrote it: one round, its hops as rows. */
static void write_version1_file(void)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"CREATE TABLE targets(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, addr TEXT NOT NULL);"
		"CREATE TABLE rounds(target INTEGER NOT NULL REFERENCES targets(id), t_ms INTEGER NOT NULL,"
		" path_len INTEGER NOT NULL, reached INTEGER NOT NULL, path_hash INTEGER NOT NULL,"
		" PRIMARY KEY(target, t_ms));"
		"CREATE TABLE hops(target INTEGER NOT NULL, t_ms INTEGER NOT NULL, ttl INTEGER NOT NULL,"
		" sent INTEGER NOT NULL, recv INTEGER NOT NULL, rtt_ms REAL, responder TEXT,"
		" PRIMARY KEY(target, t_ms, ttl)) WITHOUT ROWID;"
		"INSERT INTO targets VALUES(1, 'old.example', '192.0.2.9');"
		"INSERT INTO rounds VALUES(1, 1000, 2, 1, 7);"
		"INSERT INTO hops VALUES(1, 1000, 1, 1, 1, 1.5, '192.0.2.1');"
		"INSERT INTO hops VALUES(1, 1000, 2, 1, 1, 2.5, '192.0.2.9');"
		"PRAGMA user_version=1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void an_older_file_is_migrated_a_newer_refused(void **state)
{
	(void)state;
	char err[256];
	write_version1_file();
	assert_false(has_index());
	struct monitor_db *db = monitor_db_open(path, false, err, sizeof(err));
	assert_non_null(db);
	assert_true(has_index()); /* the step to 2 */
	int64_t id;
	assert_int_equal(monitor_db_target(db, "old.example", "192.0.2.9", &id, err, sizeof(err)), 0);
	assert_int_equal(id, 1);
	struct monitor_round r;
	round_at(&r, 2000, 3); /* the step to 3: packed hops */
	assert_int_equal(monitor_db_add_round(db, id, &r), 0);
	monitor_db_free(db);
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT sent FROM rounds WHERE t_ms = 2000", -1, &st,
	                                    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 3); /* the round's probes */
	sqlite3_finalize(st);
	sqlite3_close(h);

	db = monitor_db_open(path, true, err, sizeof(err));
	assert_non_null(db);
	struct monitor_round *out;
	size_t n;
	assert_int_equal(monitor_db_rounds(db, id, 0, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].path_hash, 7); /* the old round, its hops from the rows */
	assert_true(fabs(out[0].hop[2].rtt_ms - 2.5) < 1e-9);
	assert_int_equal(out[0].hop[2].from.bytes[3], 9);
	assert_int_equal(out[1].path_len, 3); /* the new one, from its blob */
	assert_int_equal(out[1].hop[3].recv, 1);
	assert_true(fabs(out[1].hop[3].rtt_ms - 3.0) < 1e-9);
	assert_true(isnan(out[1].hop[2].rtt_ms));
	assert_int_equal(out[1].hop[3].from.bytes[3], 3);
	free(out);
	monitor_db_free(db);

	set_version(MONITOR_DB_VERSION + 1);
	assert_null(monitor_db_open(path, false, err, sizeof(err)));
	assert_non_null(strstr(err, "newer than this hopdoc's"));
	assert_null(monitor_db_open(path, true, err, sizeof(err)));
}

/* `hopdoc history` opens read-only and migrates nothing: an older file is
 * read as it is, its hops from the rows of the hops table. */
static void an_older_file_reads_without_migration(void **state)
{
	(void)state;
	char err[256];
	write_version1_file();
	struct monitor_db *db = monitor_db_open(path, true, err, sizeof(err));
	assert_non_null(db);
	struct monitor_round *out;
	size_t n;
	assert_int_equal(monitor_db_rounds(db, 1, 0, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].path_hash, 7);
	assert_true(fabs(out[0].hop[1].rtt_ms - 1.5) < 1e-9);
	assert_int_equal(out[0].hop[2].from.bytes[3], 9);
	free(out);
	monitor_db_free(db);
	assert_false(has_index()); /* still version 1 */
}

/* A blob that is not one (a damaged or foreign file) fails the read with a
 * message rather than reading garbage. */
static void a_bad_blob_fails_the_read(void **state)
{
	(void)state;
	char err[256];
	struct monitor_db *db = monitor_db_open(path, false, err, sizeof(err));
	assert_non_null(db);
	int64_t id;
	assert_int_equal(monitor_db_target(db, "x", "192.0.2.1", &id, err, sizeof(err)), 0);
	struct monitor_round r;
	round_at(&r, 1000, 2);
	assert_int_equal(monitor_db_add_round(db, id, &r), 0);
	monitor_db_free(db);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE rounds SET hops = x'0102'", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(h);
	db = monitor_db_open(path, true, err, sizeof(err));
	assert_non_null(db);
	struct monitor_round *out;
	size_t n;
	assert_int_equal(monitor_db_rounds(db, id, 0, &out, &n, err, sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, "damaged"));
	monitor_db_free(db);
}

static void a_failed_write_stops_writes(void **state)
{
	(void)state;
	char err[256];
	struct monitor_db *db = monitor_db_open(path, false, err, sizeof(err));
	assert_non_null(db);
	int64_t id;
	assert_int_equal(monitor_db_target(db, "x", "192.0.2.1", &id, err, sizeof(err)), 0);
	struct rlimit old, small = { .rlim_cur = 256 * 1024, .rlim_max = RLIM_INFINITY };
	getrlimit(RLIMIT_FSIZE, &old);
	small.rlim_max = old.rlim_max;
	signal(SIGXFSZ, SIG_IGN); /* write() says EFBIG instead, as a full disk says ENOSPC */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	struct monitor_round r;
	int rc = 0;
	for (int i = 0; i < 20000 && rc == 0; i++) {
		round_at(&r, 1000 + i, 30);
		rc = monitor_db_add_round(db, id, &r);
		if (rc == 0 && i % 50 == 49)
			rc = monitor_db_commit(db);
	}
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(rc, -1);
	assert_true(monitor_db_stopped(db));
	assert_non_null(strstr(monitor_db_error(db), "writes stopped"));
	assert_int_equal(monitor_db_add_round(db, id, &r), -1); /* and stays stopped */
	monitor_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rounds_go_in_and_come_back, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(an_older_file_reads_without_migration, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(an_older_file_is_migrated_a_newer_refused, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(a_bad_blob_fails_the_read, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_failed_write_stops_writes, make_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
