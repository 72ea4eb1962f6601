/* privdrop: setresuid/setresgid, libcap and PR_SET_NO_NEW_PRIVS. */
#include "probe/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static int parse_id(const char *s, unsigned long *out)
{
	if (!s || *s < '0' || *s > '9') /* strtoul would skip spaces and take signs */
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v >= (unsigned long)UINT_MAX)
		return -1;
	*out = v;
	return 0;
}

int privdrop_target(const char *sudo_uid, const char *sudo_gid, uid_t *uid, gid_t *gid)
{
	unsigned long u, g;
	if (parse_id(sudo_uid, &u) == 0 && parse_id(sudo_gid, &g) == 0) {
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return 0;
	}
	const struct passwd *pw = getpwnam("nobody");
	if (!pw || pw->pw_uid == 0)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int switch_user(char *err, size_t errlen)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	/* A setuid-root binary run by a user goes back to that user: the
	 * environment is the caller's to forge, so SUDO_* counts only when the
	 * real uid is root (as under sudo). */
	if (uid == 0 && privdrop_target(getenv("SUDO_UID"), getenv("SUDO_GID"), &uid, &gid) < 0) {
		snprintf(err, errlen, "no unprivileged user to switch to (SUDO_UID or nobody)");
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "cannot switch to uid %lu: %s", (unsigned long)uid,
		         strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) { /* paranoia: the switch must be one-way */
		snprintf(err, errlen, "could regain root after dropping it");
		return -1;
	}
	return 0;
}

static int become(uid_t uid, gid_t gid)
{
	/* The group first: changing it needs the privileged uid. */
	if (getegid() != gid && setegid(gid) < 0)
		return -1;
	if (geteuid() != uid && seteuid(uid) < 0)
		return -1;
	return 0;
}

int privdrop_open_as_user(const char *path, int flags)
{
	return privdrop_create_as_user(path, flags & ~O_CREAT, 0);
}

int privdrop_as_user(int (*fn)(void *ctx), void *ctx)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	if (euid == getuid() && egid == getgid())
		return fn(ctx);
	if (become(getuid(), getgid()) < 0) {
		int e = errno;
		(void)become(euid, egid);
		errno = e;
		return -1;
	}
	int rc = fn(ctx);
	int e = errno;
	if (seteuid(euid) < 0 || setegid(egid) < 0) /* the uid back first, then the gid */
		return -1; /* the caller stops: it cannot be left half-switched */
	errno = e;
	return rc;
}

struct open_args {
	const char *path;
	int flags;
	mode_t mode;
	int fd;
};

static int open_cb(void *ctx)
{
	struct open_args *a = ctx;
	a->fd = open(a->path, a->flags, a->mode);
	return a->fd < 0 ? -1 : 0;
}

int privdrop_create_as_user(const char *path, int flags, mode_t mode)
{
	struct open_args a = { path, flags, mode, -1 };
	if (privdrop_as_user(open_cb, &a) < 0 && a.fd >= 0) {
		int e = errno;
		close(a.fd); /* opened, but the ids did not come back */
		errno = e;
		return -1;
	}
	return a.fd;
}

static void drop_bounding_set(void)
{
	/* Needs CAP_SETPCAP; without it the bounding set is left alone, which is
	 * harmless once the permitted set is empty and NO_NEW_PRIVS is set. */
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
		if (CAP_IS_SUPPORTED(c))
			cap_drop_bound(c);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

static int clear_caps(char *err, size_t errlen)
{
	cap_t none = cap_init(); /* an empty set */
	if (!none) {
		snprintf(err, errlen, "cap_init: %s", strerror(errno));
		return -1;
	}
	int rc = cap_set_proc(none);
	int e = errno;
	cap_free(none);
	if (rc < 0) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(e));
		return -1;
	}
	return 0;
}

bool privdrop_has_caps(void)
{
	cap_t cur = cap_get_proc();
	if (!cur)
		return true;
	cap_t none = cap_init();
	bool has = !none || cap_compare(cur, none) != 0;
	cap_free(none);
	cap_free(cur);
	return has;
}

/* No capability left, and none to be had again by anything we run. */
static int give_up_caps(char *err, size_t errlen)
{
	if (clear_caps(err, errlen) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	if (privdrop_has_caps()) {
		snprintf(err, errlen, "capabilities remain after dropping them");
		return -1;
	}
	return 0;
}

int privdrop_drop(char *err, size_t errlen)
{
	drop_bounding_set();
	if ((geteuid() == 0 || getuid() == 0) && switch_user(err, errlen) < 0)
		return -1;
	return give_up_caps(err, errlen);
}

int privdrop_to_caller(char *err, size_t errlen)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (uid == 0)
		return 0;
	drop_bounding_set();
	/* The supplementary groups are the caller's own: setuid does not
	 * change them, so they stay. */
	if ((geteuid() != uid || getegid() != gid) &&
	    (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)) {
		snprintf(err, errlen, "cannot switch to uid %lu: %s", (unsigned long)uid, strerror(errno));
		return -1;
	}
	return give_up_caps(err, errlen);
}
