/* How files reach a scanner: a pure choice, table-tested without a daemon. */
#ifndef NG_PLAN_H
#define NG_PLAN_H

#include <stdbool.h>

#include "driver/driver.h"

struct plan_input {
	bool unix_socket;   /* some daemon is on a Unix socket */
	bool daemon_local;  /* every daemon is on this host: our paths are its paths */
	bool stream;        /* --stream */
	bool fdpass;        /* --fdpass */
	bool multiscan;     /* -m */
	bool allmatch;      /* -z */
	bool action;        /* --move, --copy or --remove */
	bool several;       /* more than one daemon: the scan is spread over them */
	bool local;         /* libclamav in this process instead of a daemon */
	bool stdin_target;  /* the one target is "-" */
	bool stdin_regular; /* standard input is a regular file */
};

struct plan {
	enum driver_kind driver;
	enum request_kind request; /* with DRIVER_IDSESSION */
	bool ordered;       /* outcomes in walk order (no -m) */
	bool open_files;    /* the walk opens every file (its contents or descriptor go) */
	bool want_path;     /* the daemon opens files by path (SCAN, ALLMATCHSCAN) */
	bool daemon_walk;   /* the walk stands in for clamd's own (path mode): its rules, its
			     * silences, and files behind followed links shown under the link */
	bool allmatch;      /* every signature of a file is reported */
	bool names_given;   /* files named as walked from the name the user gave, as
			     * clamdscan's IDSESSION and action walks name them */
	const char *note;   /* a warning to show the user, or NULL */
};

/* The driver and request for these circumstances, following clamdscan's
 * rules with clamdscan-ng's corrections (see the man page, TRANSPORTS). */
struct plan plan_choose(const struct plan_input *in);

#endif
