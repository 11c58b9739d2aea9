/* The machine-readable outputs beside the text report (--json, --sarif,
 * --metrics): one small interface, so report.c tells each of them every
 * result and message the same way, and adding one touches nothing else. */
#ifndef NG_SINK_H
#define NG_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "core/result.h"
#include "core/signatures.h"

/* What the end of a run tells the outputs. */
struct run_end {
	const struct tally *t;           /* NULL when nothing was scanned */
	const struct timeval *start, *end;
	const char *const *daemons;      /* the clamds scanned with */
	size_t n_daemons;
	unsigned n_unreachable;          /* daemons named that could not be reached */
	bool local;                      /* libclamav in this process instead */
	bool complete;                   /* no error, every request answered, not interrupted */
	const struct signatures *sig;    /* the signatures scanned with, or NULL */
	const char *selfcheck;           /* the daemon's answer to SELFCHECK, or NULL */
	int status;                      /* the exit status (at finish only) */
};

/* Each entry may be NULL: that output has nothing to say about it. */
struct output_ops {
	const char *name;
	/* fd: a descriptor of the very file found (for a fingerprint), or -1 */
	void (*found)(void *self, const char *path, const char *signature, int fd);
	void (*ok)(void *self, const char *path);
	/* a command-line target ended clean, printed or not (-i) */
	void (*target_ok)(void *self, const char *path);
	void (*excluded)(void *self, const char *path);
	/* a file answered clean though over the daemon's size limit name */
	void (*limits)(void *self, const char *path, const char *name, unsigned long long limit,
		       unsigned long long size);
	/* a file not scanned (path NULL: the run itself) */
	void (*error)(void *self, const char *path, const char *message);
	/* what --move, --copy or --remove did: dest when done and moved or
	 * copied, failure's words when not done */
	void (*action)(void *self, const char *path, enum ng_action a, const char *dest,
		       const char *failure);
	/* a message of the run: error, else a warning */
	void (*message)(void *self, bool error, const char *text);
	/* the moment the summary is printed */
	void (*summary)(void *self, const struct run_end *e);
	/* completes the output and frees self; 0, or -1 with errno when it
	 * could not be written whole. Always called, once. */
	int (*finish)(void *self, const struct run_end *e);
};

struct output_sink {
	const struct output_ops *ops;
	void *self;
	const char *file;                /* where it goes (NULL: stdout) */
	int fd;                          /* the descriptor written, never to be scanned; -1 */
};

#endif
