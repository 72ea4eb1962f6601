/* privdrop: give up privileges once the raw sockets are open.
 *
 * As root: switch to SUDO_UID/SUDO_GID when hopdoc was started through sudo,
 * else to the user "nobody"; supplementary groups are cleared. In every case
 * every capability is dropped (permitted, effective, inheritable, bounding
 * and ambient where allowed) and PR_SET_NO_NEW_PRIVS is set, so neither the
 * process nor anything it runs can regain them. Sockets already open keep
 * working: the kernel checks CAP_NET_RAW only when they are created. */
#ifndef HOPDOC_PRIVDROP_H
#define HOPDOC_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Drops privileges. 0, or -1 with a message in err (then the caller must not
 * go on: a half-dropped process is worse than none). */
int privdrop_drop(char *err, size_t errlen);

/* The uid/gid to switch to as root: from SUDO_UID/SUDO_GID (range-checked;
 * both must be valid and non-zero) or else nobody's. 0, or -1 when neither is
 * available. */
int privdrop_target(const char *sudo_uid, const char *sudo_gid, uid_t *uid, gid_t *gid);

/* Opens path (open(2) flags) with the rights of the user who started hopdoc:
 * the real uid and gid, whatever the effective ones. For a setuid install
 * that is the calling user, never root; for root (or sudo) it is root, as for
 * mtr. The kernel checks at open, so there is no window between a check and
 * the use. The fd, or -1 with errno. */
int privdrop_open_as_user(const char *path, int flags);

/* The same with O_CREAT allowed (mode as open(2)'s): the export files, made
 * before the drop so that root's run (which drops to nobody) can write
 * where its user can. */
int privdrop_create_as_user(const char *path, int flags, mode_t mode);

/* Runs fn(ctx) with the effective ids of the user who started hopdoc (as
 * privdrop_open_as_user opens), for a library that opens its own files
 * (SQLite): what it opens inside is opened as that user. fn's result, or -1
 * when the ids could not be switched (errno set). */
int privdrop_as_user(int (*fn)(void *ctx), void *ctx);

/* For commands that need no privilege at all (they read and write files):
 * becomes the user who started hopdoc, for good, and gives up every
 * capability. A root caller keeps root: it then holds no more than it
 * started with. 0, or -1 with a message in err (the caller must stop). */
int privdrop_to_caller(char *err, size_t errlen);

/* Whether the process holds any capability in its effective or permitted set. */
bool privdrop_has_caps(void);

#endif
