/* Daemon commands other than scans, with clamdscan's words. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clamd/daemon.h"
#include "cli/commands.h"
#include "core/signatures.h"
#include "output/jsonout.h"
#include "util/libclamav.h"

/* Runs cmd on the first endpoint that accepts, saying on stderr why each
 * one before it did not (as clamdscan names every socket it tried).
 * Returns 0 with the reply (and who answered, when who is not NULL), or -1
 * when none answered. */
static int answer_from(const struct endpoint_list *l, unsigned timeout, const char *cmd,
		       char *reply, size_t replylen, struct report *rep, const struct endpoint **who)
{
	char err[512];

	if (l == NULL)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		if (daemon_command(&l->ep[i], timeout, cmd, reply, replylen, err, sizeof(err)) == 0) {
			if (who != NULL)
				*who = &l->ep[i];
			return 0;
		}
		report_error(rep, "%s", err);
	}
	return -1;
}

/* answer_from without caring who answered. */
static int first_answer(const struct endpoint_list *l, unsigned timeout, const char *cmd,
			char *reply, size_t replylen, struct report *rep)
{
	return answer_from(l, timeout, cmd, reply, replylen, rep, NULL);
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

/* The first number after key in text ("THREADS: live 1" for "live"), or -1. */
static long long number_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	char *end;
	long long v;

	if (p == NULL)
		return -1;
	p += strlen(key);
	while (*p == ' ' || *p == ':')
		p++;
	v = strtoll(p, &end, 10);
	return end == p ? -1 : v;
}

/* The word after key in text (up to a blank, or with line the rest of its
 * line) into buf; false if absent. */
static bool word_after(const char *text, const char *key, bool line, char *buf, size_t len)
{
	const char *p = strstr(text, key);
	size_t n = 0;

	if (p == NULL)
		return false;
	p += strlen(key);
	while (*p == ' ')
		p++;
	while (p[n] != '\0' && p[n] != '\n' && (line || (p[n] != ' ' && p[n] != '\t')))
		n++;
	snprintf(buf, len, "%.*s", (int)n, p);
	return n > 0;
}

/* STATS as one JSON object: what can be read of it (its format is not
 * stable: nothing missing or unknown is an error), and the text itself. */
static void print_stats_json(const char *daemon, const char *text)
{
	static const char *const mem[] = { "heap", "mmap", "used", "free", "releasable", "pools_used",
					   "pools_total" };
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();
	char key[40], word[64];
	long long v;

	json_object_object_add(o, "type", json_object_new_string("stats"));
	json_add_name(o, "daemon", daemon);
	if ((v = number_after(text, "POOLS:")) >= 0)
		json_object_object_add(o, "pools", json_object_new_int64(v));
	if (word_after(text, "STATE:", true, word, sizeof(word)))
		json_object_object_add(o, "state", json_object_new_string(word));
	if ((v = number_after(text, "live")) >= 0)
		json_object_object_add(o, "threads_live", json_object_new_int64(v));
	if ((v = number_after(text, "idle ")) >= 0)
		json_object_object_add(o, "threads_idle", json_object_new_int64(v));
	if ((v = number_after(text, " max")) >= 0)
		json_object_object_add(o, "threads_max", json_object_new_int64(v));
	if ((v = number_after(text, "QUEUE:")) >= 0)
		json_object_object_add(o, "queue_items", json_object_new_int64(v));
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		snprintf(key, sizeof(key), " %s ", mem[i]);
		if (word_after(text, key, false, word, sizeof(word)))
			json_object_object_add(m, mem[i], json_object_new_string(word));
	}
	json_object_object_add(o, "memory", m);
	json_add_name(o, "raw", text);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int command_stats(const struct endpoint_list *l, const struct ng_options *o, struct report *rep)
{
	static char reply[65536];
	const struct endpoint *who = NULL;
	size_t len;

	if (answer_from(l, o->timeout, "STATS", reply, sizeof(reply), rep, &who) != 0)
		return 2;
	if (strcmp(reply, "COMMAND UNAVAILABLE") == 0) {
		report_error(rep, "clamd at %s answered COMMAND UNAVAILABLE to STATS: its clamd.conf "
			     "says EnableStatsCommand no", who->name);
		return 2;
	}
	/* the spec: read to the END line */
	len = strlen(reply);
	if (len < 3 || strcmp(reply + len - 3, "END") != 0 || (len > 3 && reply[len - 4] != '\n')) {
		report_error(rep, "clamd's answer to STATS did not end with END: \"%.200s\"", reply);
		return 2;
	}
	if (o->json)
		print_stats_json(who->name, reply);
	else
		printf("%s\n", reply);
	return 0;
}

/* Seconds a question asked before a scan may take: it is not the scan. */
#define QUESTION_TIMEOUT 5

/* The first endpoint's answer to cmd within QUESTION_TIMEOUT, silently;
 * 0 or -1. */
static int quick_answer(const struct endpoint_list *l, const struct ng_options *o, const char *cmd,
			char *reply, size_t len, const struct endpoint **who)
{
	unsigned timeout = o->timeout == 0 || o->timeout > QUESTION_TIMEOUT ? QUESTION_TIMEOUT
									   : o->timeout;
	char err[512];

	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (daemon_command(&l->ep[i], timeout, cmd, reply, len, err, sizeof(err)) == 0) {
			*who = &l->ep[i];
			return 0;
		}
	return -1;
}

void command_signatures(const struct endpoint_list *l, const struct ng_options *o,
			struct report *rep)
{
	const struct endpoint *who = NULL;
	char reply[256];

	/* unknown when the daemon cannot say: the scan says why it cannot be reached */
	if (quick_answer(l, o, "VERSION", reply, sizeof(reply), &who) == 0)
		(void)signatures_parse(reply, &rep->sig);
}

void command_selfcheck(const struct endpoint_list *l, const struct ng_options *o,
		       struct report *rep)
{
	static char answer[256];
	const struct endpoint *who = NULL;

	if (quick_answer(l, o, "SELFCHECK", answer, sizeof(answer), &who) != 0) {
		report_warning(rep, "--selfcheck: no daemon could be asked");
		return;
	}
	if (strcmp(answer, "COMMAND UNAVAILABLE") == 0)
		report_warning(rep, "clamd at %s does not allow SELFCHECK (EnableSelfCheckCommand no)",
			       who->name);
	else if (strcmp(answer, "UNKNOWN COMMAND") == 0)
		report_warning(rep, "clamd at %s has no SELFCHECK command (ClamAV 1.4 has none); "
			       "EnableSelfCheckCommand is not in effect there", who->name);
	else
		report_verbose(rep, "clamd at %s: SELFCHECK: %s", who->name, answer);
	rep->selfcheck = answer;
}

/* "2024-12-03 09:34:50" for t, local time. */
static void format_local(char *buf, size_t len, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", t);
}

int command_check_db_age(const struct endpoint_list *l, const struct ng_options *o,
			 struct report *rep)
{
	long long now = (long long)time(NULL);
	int status = 0;

	for (unsigned d = 0; l != NULL && d < l->n_daemons; d++) {
		const struct endpoint *ep = NULL;
		struct signatures sig;
		char reply[256], err[512], date[40];

		for (size_t i = 0; i < l->n && ep == NULL; i++)
			if (l->ep[i].daemon == d &&
			    daemon_command(&l->ep[i], o->timeout, "VERSION", reply, sizeof(reply), err,
					   sizeof(err)) == 0)
				ep = &l->ep[i];
		if (ep == NULL)
			continue; /* not reachable: the scan says so */
		if (!signatures_parse(reply, &sig) || sig.time <= 0) {
			report_error(rep, "clamd at %s: the date of its signatures cannot be known (VERSION "
				     "answered \"%.100s\"): --max-db-age=%s refuses to scan",
				     ep->name, reply, o->max_db_age_arg);
			status = 2;
			continue;
		}
		if (now - sig.time > o->max_db_age) {
			format_local(date, sizeof(date), sig.time);
			report_error(rep, "clamd at %s: its signatures (database version %lu of %s) are "
				     "older than --max-db-age=%s: refusing to scan",
				     ep->name, sig.version, date, o->max_db_age_arg);
			status = 2;
		}
	}
	return status;
}
