/* monitor_db: hopdoc monitor's history in SQLite.
 *
 * WAL mode; the monitor adds rounds inside one open transaction and commits
 * it once a second (monitor_db_commit), so a kill -9 loses at most the last
 * second and a restart goes on in the same file. The schema's version is
 * PRAGMA user_version; opening a file of an older version migrates it step
 * by step (one transaction per step), a newer one is refused with a message.
 * A write that fails (a full disk) rolls the open transaction back and stops
 * writes for good (monitor_db_stopped); the caller goes on probing.
 *
 * Schema (version 3):
 *   targets(id, name UNIQUE, addr)
 *   rounds(target, t_ms, path_len, reached, path_hash, hops BLOB NULL, sent NULL)
 *                                                     PRIMARY KEY (target, t_ms)
 *   hops(target, t_ms, ttl, sent, recv, rtt_ms NULL, responder NULL)
 *                                                     PRIMARY KEY (target, t_ms, ttl)
 *   index rounds_by_time(t_ms)                        (added by version 2)
 * Version 3 packs a round's hops into rounds.hops (monitor_round_pack_hops)
 * and keeps its probes sent in rounds.sent:
 * one row per round rather than one per hop too. Rounds written by version
 * 2 keep hops NULL and their hops in the hops table, where reading finds
 * them; new rounds write no hops rows.
 * Tests: tests/unit/monitor/test_monitor_db.c tests/lab/t_monitor.sh. */
#ifndef HOPDOC_MONITOR_DB_H
#define HOPDOC_MONITOR_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/monitor_round.h"

#define MONITOR_DB_VERSION 3

struct monitor_db;

/* Opens (readonly: never creates or migrates) or creates and migrates path.
 * NULL with a message in err. */
struct monitor_db *monitor_db_open(const char *path, bool readonly, char *err, size_t errlen);
void monitor_db_free(struct monitor_db *db);

/* The id of target `name` (its address as text), added when new. */
int monitor_db_target(struct monitor_db *db, const char *name, const char *addr, int64_t *id,
                      char *err, size_t errlen);

/* Adds one round inside the open transaction (begun when none is). 0, or -1
 * with writes stopped (monitor_db_error says why). */
int monitor_db_add_round(struct monitor_db *db, int64_t target, const struct monitor_round *r);

/* Commits the open transaction, if any. 0, or -1 with writes stopped. */
int monitor_db_commit(struct monitor_db *db);

bool monitor_db_stopped(const struct monitor_db *db);
const char *monitor_db_error(const struct monitor_db *db);

/* Reading. Every target, in id order; fn returns 0 to go on. */
typedef int (*monitor_db_target_fn)(void *ctx, int64_t id, const char *name, const char *addr);
int monitor_db_each_target(struct monitor_db *db, monitor_db_target_fn fn, void *ctx);

/* The rounds of target since Unix ms since_ms, oldest first, into a new
 * array (*out, free()), *n of them. 0, or -1 with a message in err. */
int monitor_db_rounds(struct monitor_db *db, int64_t target, int64_t since_ms,
                      struct monitor_round **out, size_t *n, char *err, size_t errlen);

#endif
