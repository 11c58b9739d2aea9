/* The commands that are not scans: --version, --ping, --wait, --reload. */
#ifndef NG_COMMANDS_H
#define NG_COMMANDS_H

#include "clamd/endpoint.h"
#include "cli/options.h"
#include "output/report.h"

/* Exit status when --ping or --wait never got an answer (clamdscan's). */
#define EXIT_PING_FAILED 21

/* Prints the daemon's VERSION reply, or, when it cannot be had, "ClamAV"
 * and the version of the libclamav here, as clamdscan prints its own (what
 * scripts probe for). l may be NULL (no usable configuration). Returns the
 * exit status. */
int command_version(const struct endpoint_list *l, const struct ng_options *o, struct report *rep);

/* Pings as --ping's value says (31 tries a second apart for a bare
 * --wait), in clamdscan's words: PONG, or why not, then --ping's or
 * --wait's (waiting) timeout line. Returns 0 when the daemon answered PONG,
 * EXIT_PING_FAILED when it never did, EXIT_BAD_PING for a value clamdscan
 * cannot read. */
int command_ping(const struct endpoint_list *l, const struct ng_options *o, struct report *rep,
		 bool waiting);

/* Prints clamd's STATS as it sent it (to its END line), or with --json one
 * object of what can be read of it plus the text. Returns the exit status. */
int command_stats(const struct endpoint_list *l, const struct ng_options *o, struct report *rep);

/* Asks VERSION (briefly, silently) and keeps what it says of the
 * signatures in rep->sig for the reports (JSON, SARIF, metrics). */
void command_signatures(const struct endpoint_list *l, const struct ng_options *o,
			struct report *rep);

/* Asks SELFCHECK before a scan and keeps the answer in rep->selfcheck; a
 * daemon without it, or not allowing it, gets a warning. */
void command_selfcheck(const struct endpoint_list *l, const struct ng_options *o,
		       struct report *rep);

/* --max-db-age: asks each daemon's VERSION and says which has signatures
 * older than the age, or of a date it does not give. Returns 0 when all
 * that answer are fresh enough, else 2 (the scan must not run). */
int command_check_db_age(const struct endpoint_list *l, const struct ng_options *o,
			 struct report *rep);

/* Sends RELOAD and requires RELOADING. Returns the exit status. */
int command_reload(const struct endpoint_list *l, const struct ng_options *o, struct report *rep);

#endif
