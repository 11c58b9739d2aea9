/* Daemon commands other than scans, with clamdscan's words. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clamd/daemon.h"
#include "cli/commands.h"
#include "util/libclamav.h"

/* Runs cmd on the first endpoint that accepts, saying on stderr why each
 * one before it did not (as clamdscan names every socket it tried).
 * Returns 0 with the reply, or -1 when none answered. */
static int first_answer(const struct endpoint_list *l, unsigned timeout, const char *cmd,
			char *reply, size_t replylen, struct report *rep)
{
	char err[512];

	if (l == NULL)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		if (daemon_command(&l->ep[i], timeout, cmd, reply, replylen, err, sizeof(err)) == 0)
			return 0;
		report_error(rep, "%s", err);
	}
	return -1;
}

int command_version(const struct endpoint_list *l, const struct ng_options *o, struct report *rep)
{
	char reply[1024];

	if (first_answer(l, o->timeout, "VERSION", reply, sizeof(reply), rep) == 0) {
		if (strcmp(reply, "COMMAND UNAVAILABLE") != 0) {
			printf("%s\n", reply);
			return 0;
		}
		/* ClamAV 1.5's EnableVersionCommand no: as 1.5's clamdscan */
		report_warning(rep, "VERSION command disabled in clamd, printing the local version.");
	}
	/* what scripts probe for ("ClamAV"): the libclamav here, as clamdscan
	 * prints its own; our name only where no parser reads it */
	printf("ClamAV %s\n", libclamav_version());
	if (o->verbose)
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	return 0;
}

/* Sleeps for whole seconds, resuming after signals. */
static void sleep_seconds(unsigned long s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int command_ping(const struct endpoint_list *l, const struct ng_options *o, struct report *rep,
		 bool waiting)
{
	unsigned long attempts, interval;
	const char *unit;
	char reply[256], why[128];

	if (options_ping_values(o, &attempts, &interval, why, sizeof(why)) != 0) {
		/* clamdscan's words and status for an --ping value it cannot read */
		report_warning(rep, "%s", why);
		return EXIT_BAD_PING;
	}
	unit = interval == 1 ? "second" : "seconds";
	for (unsigned long i = 1; i <= attempts; i++) {
		if (first_answer(l, o->timeout, "PING", reply, sizeof(reply), rep) == 0) {
			if (strcmp(reply, "PONG") == 0) {
				if (!waiting)
					report_info(rep, "PONG");
				return 0;
			}
			report_error(rep, "clamd answered \"%s\" instead of PONG", reply);
		}
		if (i == attempts)
			break;
		/* clamdscan says this when pinging; when waiting, only with -v */
		if (!waiting)
			report_info(rep, "Could not connect, will PING again in %lu %s", interval, unit);
		else
			report_verbose(rep, "Could not connect, will try again in %lu %s", interval, unit);
		sleep_seconds(interval);
	}
	if (waiting)
		report_info(rep, "Wait timeout exceeded; Could not connect to clamd");
	else
		report_info(rep, "PING timeout exceeded; No response from clamd");
	return EXIT_PING_FAILED;
}

int command_reload(const struct endpoint_list *l, const struct ng_options *o, struct report *rep)
{
	char reply[256];

	/* a daemon that cannot be reached has said why already */
	if (first_answer(l, o->timeout, "RELOAD", reply, sizeof(reply), rep) != 0)
		return 2;
	if (strcmp(reply, "RELOADING") != 0) {
		report_error(rep, "clamd answered \"%s\" to RELOAD", reply);
		report_error(rep, "Clamd did not reload the database");
		return 2;
	}
	report_verbose(rep, "RELOADING");
	return 0;
}
