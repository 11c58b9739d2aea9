/* Command-line options: one table, one struct, a parser that never exits.
 * The parser reads a command line as clamdscan 1.4.6 reads it: any
 * unambiguous prefix of an option, booleans that take =yes/no, the first
 * of a repeated option winning, clamscan's options accepted and ignored
 * with clamdscan's warning, options after the targets. */
#ifndef NG_OPTIONS_H
#define NG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "clamd/endpoint.h"
#include "core/patterns.h"
#include "core/shard.h"
#include "core/result.h"

/* Requests in flight with -m: see docs/benchmarks.md for the choice. */
#define OPTIONS_DEFAULT_INFLIGHT 16
/* Each request in flight holds a descriptor: keep well under RLIMIT_NOFILE. */
#define OPTIONS_MAX_INFLIGHT 256
/* --socket, --host and --pool given, at most this many in all. */
#define OPTIONS_MAX_DAEMONS 16
/* --exclude, --include and their -dir forms: at most this many of each. */
#define OPTIONS_MAX_FILTERS 64
/* Warnings kept for ignored options; further ones are counted. */
#define OPTIONS_MAX_WARNINGS 64

/* How often a --pool's name is resolved again during a scan, by default. */
#define OPTIONS_DEFAULT_POOL_REFRESH 30

/* Exit status of a --ping value clamdscan cannot read (its CL_ERROR). */
#define EXIT_BAD_PING 34

/* What main() should do once options are parsed. */
enum ng_command {
	CMD_SCAN,
	CMD_HELP,
	CMD_VERSION,
	CMD_PING,
	CMD_RELOAD,
	CMD_STATS,
};

/* Every option with a meaning here; clamscan's ignored ones are in
 * clamscan_options.h. */
enum opt_id {
	/* clamdscan's */
	O_HELP, O_VERSION, O_VERBOSE, O_QUIET, O_STDOUT, O_CONFIG_FILE, O_LOG, O_FILE_LIST,
	O_PING, O_WAIT, O_MULTISCAN, O_ALLMATCH, O_REMOVE, O_MOVE, O_COPY, O_NO_SUMMARY,
	O_RELOAD, O_INFECTED, O_FDPASS, O_STREAM,
	/* clamdscan-ng's own */
	O_SOCKET, O_HOST, O_TIMEOUT, O_MAX_INFLIGHT, O_LOCAL, O_LOCAL_FALLBACK, O_JSON, O_SARIF,
	O_PROGRESS, O_NO_PROGRESS, O_METRICS, O_STATS, O_SELFCHECK, O_SARIF_ROOT, O_MAX_DB_AGE,
	O_FAIL_ON_LIMITS, O_JUNIT, O_SHARD, O_POOL, O_POOL_REFRESH,
	O_COUNT
};

/* One row of the table: the parser, --help, the man page, the README and
 * the completion all follow it (tests/options-doc.bats checks them). */
struct option_def {
	enum opt_id id;
	const char *name;     /* long name, without "--" */
	char shortopt;        /* its letter, or 0 */
	bool takes_value;     /* a required value; else a yes/no flag (--X=no allowed) */
	bool ours;            /* clamdscan-ng's own: no clamdscan has it */
	bool repeatable;      /* every occurrence counts; else the first wins */
	const char *metavar;  /* the value's name in --help, or NULL */
	const char *help;     /* what it does, one line */
};

extern const struct option_def option_defs[];
extern const size_t option_defs_count;

/* A daemon named on the command line: --socket=PATH or --host=HOST[:PORT]. */
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
	enum ng_action action;   /* move wins over copy, copy over remove, as in clamdscan */
	const char *action_dir;  /* --move / --copy */
	const char *ping_arg;    /* --ping's A[:I], read when used (options_ping_values) */
	bool ping_given;
	unsigned timeout; /* --timeout seconds; 0 = wait forever */
	unsigned pool_refresh; /* --pool-refresh seconds; 0 = only when a daemon fails */
	unsigned max_inflight; /* -m per-file requests in flight (local: threads) */
	bool max_inflight_given;
	bool local;          /* --local: scan here with libclamav, never a daemon */
	bool local_fallback; /* --local-fallback: scan here when no daemon answers */
	const char *database; /* --database=DIR for a local scan, or NULL */
	bool json;              /* --json: JSON Lines on stdout instead of the text report */
	const char *sarif_file; /* --sarif=FILE, or NULL */
	const char *metrics_file; /* --metrics=FILE, or NULL */
	const char *junit_file; /* --junit=FILE, or NULL */
	const char *sarif_root; /* --sarif-root=DIR, or NULL: the current directory */
	/* clamscan's --exclude, --exclude-dir, --include, --include-dir, which
	 * clamdscan ignores: used here, in every mode */
	const char *filters[FILTER_KINDS][OPTIONS_MAX_FILTERS];
	size_t n_filters[FILTER_KINDS];
	bool selfcheck;         /* --selfcheck: ask SELFCHECK before scanning */
	long long max_db_age;   /* --max-db-age in seconds, or 0 */
	bool fail_on_limits;    /* a file over the daemon's size limits is an error */
	struct shard shard;     /* --shard=K/N; n 0: all files */
	const char *max_db_age_arg; /* as given, for messages */
	struct ng_daemon_arg daemons[OPTIONS_MAX_DAEMONS]; /* in the order given; replace */
	size_t n_daemons;                                  /* clamd.conf's sockets */
	int progress; /* --progress 1, --no-progress 0, -1: when stderr is a terminal */
	/* clamdscan's warnings for the clamscan options it ignores, in order */
	const char *warnings[OPTIONS_MAX_WARNINGS];
	size_t n_warnings;
	char **targets;   /* points into argv (moved to its front) */
	size_t n_targets;
	char error[256];
};

/* Fills *o from argv; returns OPTS_OK or OPTS_USAGE with o->error set (the
 * warnings met before the error are kept). argv is reordered: the targets
 * end up in front of the options' words; no memory is allocated. */
enum ng_opts_status options_parse(int argc, char **argv, struct ng_options *o);

/* --ping's attempts and interval (default 30 and 1 for --wait, 1 and 1
 * for --ping), read as clamdscan reads them: any whole numbers ("0" still
 * tries once). Returns 0, or -1 with clamdscan's warning in why when a
 * part is not a number. */
int options_ping_values(const struct ng_options *o, unsigned long *attempts,
			unsigned long *interval, char *why, size_t len);

/* Writes the --help text to out. */
void options_help(FILE *out);

#endif
