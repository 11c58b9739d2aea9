/* The walk's types: what it is asked (walk_opts, with the daemon's
 * identity) and what it gives back (walk_event). They are apart from
 * walk.h so that the walk's own files share them, through walk_int.h,
 * without including the header walk.c implements (a cycle). Include
 * scan/walk.h, which includes this. */
#ifndef NG_WALK_TYPES_H
#define NG_WALK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/conf.h"
#include "core/file_id.h"
#include "core/item.h"
#include "core/shard.h"

/* At most this many files and directories the walk passes over: the
 * quarantine and the run's own files (log, SARIF, stdout, stderr). */
#define WALK_MAX_SKIP 8

/* Whom the daemon runs as (clamd.conf's User), when that is not us: its
 * walk cannot enter what that user may not read, and ours must not
 * either, to say what clamd says. */
struct walk_identity {
	bool set;
	uid_t uid;
	gid_t groups[64]; /* its primary group and the others initgroups gives it */
	int n_groups;
};

/* How a walk names what it finds: clamdscan names files three ways. */
enum walk_names {
	WALK_NAMES_DAEMON, /* clamd's walk (path mode): as walked from the target's real
			    * path, through the links it follows */
	WALK_NAMES_REAL,   /* clamdscan's own walk: where each file really is */
	WALK_NAMES_GIVEN,  /* clamdscan's walks for IDSESSION and actions: as walked from
			    * the name the user gave, links and all */
};

struct walk_opts {
	const struct ng_conf *conf;
	bool open_files;   /* open every file (its contents or descriptor go to the scanner) */
	bool want_path;    /* give every file the path a daemon can open (SCAN, ALLMATCHSCAN);
			    * one too long for a command is opened instead */
	bool hold_dirs;    /* an action may follow: hold each file's directory */
	bool same_fs;      /* CrossFilesystems no applies: other filesystems are passed over */
	enum walk_names names;     /* how files are named */
	bool skip_proc;    /* files on /proc's filesystem are passed over */
	struct file_id skip[WALK_MAX_SKIP];
	size_t n_skip;
	struct walk_identity daemon; /* with a daemon walk: the daemon's rights, when not ours */
	const struct path_filters *filters; /* the command line's --exclude and the like, or NULL */
	const struct shard *shard;           /* --shard: only this part of the files, or NULL */
};

enum walk_event_kind {
	WALK_ITEM,        /* item: a regular file to scan; the caller owns it */
	WALK_EXCLUDED,    /* ExcludePath matched; a directory is not entered */
	WALK_OTHER_FS,    /* on another filesystem (CrossFilesystems no, or /proc): passed over */
	WALK_SPECIAL,     /* a FIFO, socket or device, or a link to a kind not followed */
	WALK_TOO_DEEP,    /* a directory deeper than MaxDirectoryRecursion: not entered */
	WALK_UNREADABLE,  /* a directory that cannot be read, or an entry that cannot be looked at (err) */
	WALK_OPEN_FAILED, /* a file that could not be opened (err) */
	WALK_CHANGED,     /* swapped between the walk's look and our open: not scanned */
	WALK_SKIPPED,     /* the quarantine or a file of this run's own: passed over */
	WALK_CYCLE,       /* a directory met again through a link: not entered again */
	WALK_NOMEM,       /* out of memory for this file */
	WALK_OTHER_SHARD, /* a file left to another --shard */
	WALK_NEED_FDS,    /* no descriptor free to open the next file: make room (end
			   * files in flight) and ask again; it is tried again */
};

struct walk_event {
	enum walk_event_kind kind;
	struct scan_item *item; /* WALK_ITEM */
	const char *shown;      /* the path as printed; valid until the next walk_next */
	int err;                /* errno, where one applies */
	bool is_dir;            /* the event is about a directory */
	const char *what;       /* WALK_SKIPPED: which of the run's own files it is */
};

#endif
