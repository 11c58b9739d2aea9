/* The daemon's rights, for a walk that stands in for the daemon's own:
 * whom clamd.conf's User names, and what that user may read and search,
 * by the permission bits as the kernel checks them. */
#include "config.h"

#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/walk.h"
#include "scan/walk_int.h"

/* ---- the daemon's rights ------------------------------------------------------ */

bool walk_identity_of(struct walk_identity *id, const char *user)
{
	struct passwd *pw;

	memset(id, 0, sizeof(*id));
	if (user == NULL || (pw = getpwnam(user)) == NULL || pw->pw_uid == 0 || pw->pw_uid == geteuid())
		return false;
	id->n_groups = (int)(sizeof(id->groups) / sizeof(id->groups[0]));
	if (getgrouplist(user, pw->pw_gid, id->groups, &id->n_groups) < 0) {
		id->groups[0] = pw->pw_gid;
		id->n_groups = 1;
	}
	id->uid = pw->pw_uid;
	id->set = true;
	return true;
}

/* Whether the daemon's user holds the permission bits want (4 read, 1
 * search) on st, by owner, group and others as the kernel checks them
 * (ACLs aside). */
bool daemon_may(const struct walk_identity *id, const struct stat *st, unsigned want)
{
	if (!id->set)
		return true;
	if (st->st_uid == id->uid)
		return ((st->st_mode >> 6) & want) == want;
	for (int i = 0; i < id->n_groups; i++)
		if (id->groups[i] == st->st_gid)
			return ((st->st_mode >> 3) & want) == want;
	return (st->st_mode & want) == want;
}

/* Whether the daemon's user can search every directory above path. */
bool daemon_reaches(const struct walk_identity *id, const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	if (!id->set)
		return true;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *slash = strchr(buf + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (stat(buf, &st) == 0 && !daemon_may(id, &st, 1)) {
			*slash = '/';
			return false;
		}
		*slash = '/';
	}
	return stat("/", &st) != 0 || daemon_may(id, &st, 1);
}
