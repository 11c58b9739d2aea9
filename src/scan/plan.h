/* How files reach the daemon: a pure choice, table-tested without a daemon. */
#ifndef NG_PLAN_H
#define NG_PLAN_H

#include <stdbool.h>

enum transport {
	TRANSPORT_PATH,     /* the daemon opens paths we send (per file: SCAN) */
	TRANSPORT_INSTREAM, /* we send file contents */
	TRANSPORT_FILDES,   /* we send open descriptors */
};

enum path_command { PATH_CONTSCAN, PATH_MULTISCAN, PATH_ALLMATCHSCAN };

struct plan_input {
	bool unix_socket;  /* the daemon reached is on a Unix socket */
	bool daemon_local; /* paths we send mean the same files to it */
	bool stream;       /* --stream */
	bool fdpass;       /* --fdpass */
	bool multiscan;    /* -m */
	bool allmatch;     /* -z */
	bool action;       /* --move, --copy or --remove */
	bool several;      /* more than one daemon: the scan is spread over them */
};

struct plan {
	enum transport transport;
	enum path_command path_cmd; /* with TRANSPORT_PATH */
	bool client_walk;           /* we walk directories and send files one by one
				     * (with TRANSPORT_PATH: SCAN per file) */
	bool parallel;              /* several requests in flight (IDSESSION) */
	const char *note;           /* a warning to show the user, or NULL */
};

/* The transport for these circumstances, following clamdscan's rules with
 * clamdscan-ng's corrections (see the man page, TRANSPORTS). */
struct plan plan_choose(const struct plan_input *in);

/* The clamd command name of a path command ("CONTSCAN", ...). */
const char *plan_path_command_name(enum path_command c);

#endif
