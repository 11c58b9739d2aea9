/* Daemon commands other than scans. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "clamd/daemon.h"

/* Runs cmd on the first endpoint that accepts. Returns 0 with the reply, or
 * -1 with the last failure in err. */
static int first_answer(const struct endpoint_list *l, unsigned timeout, const char *cmd,
			char *reply, size_t replylen, char *err, size_t errlen)
{
	snprintf(err, errlen, "no daemon configured");
	for (size_t i = 0; i < l->n; i++)
		if (daemon_command(&l->ep[i], timeout, cmd, reply, replylen, err, errlen) == 0)
			return 0;
	return -1;
}

int command_version(const struct endpoint_list *l, const struct ng_options *o, struct report *rep)
{
	char reply[1024], err[512];

	if (l != NULL && first_answer(l, o->timeout, "VERSION", reply, sizeof(reply), err,
				      sizeof(err)) == 0 &&
	    strncmp(reply, "ClamAV ", 7) == 0) {
		printf("%s\n", reply);
		return 0;
	}
	if (o->verbose)
		report_warning(rep, "could not get the daemon's version; showing the client's");
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return 0;
}

/* Sleeps for whole seconds, resuming after signals. */
static void sleep_seconds(unsigned s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int command_ping(const struct endpoint_list *l, const struct ng_options *o, struct report *rep,
		 bool quiet_success)
{
	unsigned attempts = o->ping_given ? o->ping_attempts : 30;
	char reply[256], err[512];

	for (unsigned i = 1; i <= attempts; i++) {
		if (first_answer(l, o->timeout, "PING", reply, sizeof(reply), err, sizeof(err)) == 0) {
			if (strcmp(reply, "PONG") == 0) {
				if (!quiet_success)
					report_info(rep, "PONG");
				return 0;
			}
			snprintf(err, sizeof(err), "answered \"%s\" instead of PONG", reply);
		}
		report_verbose(rep, "PING %u of %u failed: %s", i, attempts, err);
		if (i < attempts) {
			report_info(rep, "Could not connect, will PING again in %u seconds",
				    o->ping_interval);
			sleep_seconds(o->ping_interval);
		}
	}
	report_info(rep, "PING timeout exceeded; No response from clamd");
	report_error(rep, "%s", err);
	return EXIT_PING_FAILED;
}

int command_reload(const struct endpoint_list *l, const struct ng_options *o, struct report *rep)
{
	char reply[256], err[512];

	if (first_answer(l, o->timeout, "RELOAD", reply, sizeof(reply), err, sizeof(err)) != 0) {
		report_error(rep, "%s", err);
		report_error(rep, "Clamd did not reload the database");
		return 2;
	}
	if (strcmp(reply, "RELOADING") != 0) {
		report_error(rep, "clamd answered \"%s\" to RELOAD", reply);
		report_error(rep, "Clamd did not reload the database");
		return 2;
	}
	report_verbose(rep, "RELOADING");
	return 0;
}
