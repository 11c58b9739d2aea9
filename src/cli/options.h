/* Command-line options: one table, one struct, a parser that never exits. */
#ifndef NG_OPTIONS_H
#define NG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Requests in flight with -m: see the README's benchmark for the choice. */
#define OPTIONS_DEFAULT_INFLIGHT 16
/* Each request in flight holds a descriptor: keep well under RLIMIT_NOFILE. */
#define OPTIONS_MAX_INFLIGHT 256

#include "clamd/endpoint.h"
#include "core/result.h"

/* What main() should do once options are parsed. */
enum ng_command {
	CMD_SCAN,
	CMD_HELP,
	CMD_VERSION,
	CMD_PING,
	CMD_RELOAD,
};

/* --socket and --host given, at most this many in all. */
#define OPTIONS_MAX_DAEMONS 16


enum ng_opts_status {
	OPTS_OK = 0,
	OPTS_USAGE, /* bad usage: message in ng_options.error, exit 2 */
};

struct ng_options {
	enum ng_command command;
	bool verbose;
	bool quiet;
	bool to_stdout;     /* --stdout: messages go to stdout, not stderr */
	bool infected_only; /* -i */
	bool no_summary;
	bool multiscan;
	bool allmatch;
	bool stream;
	bool fdpass;
	bool wait;
	const char *config_file; /* -c; NULL means the configured default */
	const char *log_file;
	const char *file_list;
	enum ng_action action;
	const char *action_dir; /* --move / --copy */
	unsigned ping_attempts;  /* --ping A[:I] */
	unsigned ping_interval;  /* seconds */
	bool ping_given;
	unsigned timeout; /* --timeout seconds; 0 = wait forever */
	unsigned max_inflight; /* -m per-file requests in flight (local: threads) */
	bool max_inflight_given;
	bool local;          /* --local: scan here with libclamav, never a daemon */
	bool local_fallback; /* --local-fallback: scan here when no daemon answers */
	const char *database; /* --database=DIR, or NULL for DatabaseDirectory */
	bool json;              /* --json: JSON Lines on stdout instead of the text report */
	const char *sarif_file; /* --sarif=FILE, or NULL */
	struct ng_daemon_arg daemons[OPTIONS_MAX_DAEMONS]; /* in the order given; replace */
	size_t n_daemons;                                  /* clamd.conf's sockets */
	int progress; /* --progress 1, --no-progress 0, -1: when stderr is a terminal */
	int ignored[8];   /* clamscan options given, for the warning */
	size_t n_ignored;
	char **targets;   /* points into argv */
	size_t n_targets;
	char error[256];
};

/* Fills *o from argv; returns OPTS_OK or OPTS_USAGE with o->error set.
 * o->targets points into argv: no memory is allocated. */
enum ng_opts_status options_parse(int argc, char **argv, struct ng_options *o);

/* The name of an ignored clamscan option recorded in ng_options.ignored. */
const char *options_ignored_name(int c);

/* Writes the --help text to out. */
void options_help(FILE *out);

#endif
