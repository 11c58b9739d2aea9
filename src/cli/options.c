/* Command-line parsing: clamdscan's options, read as clamdscan reads them
 * (its common/optparser.c on ClamAV's getopt), plus clamdscan-ng's own. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/clamscan_options.h"
#include "cli/options.h"

/* clamdscan's --wait without --ping: its CLAMDSCAN_DEFAULT_PING_ATTEMPTS. */
#define WAIT_ATTEMPTS 31


/* What one word of the command line names. */
struct match {
	const struct option_def *def;         /* one of ours or clamdscan's, or */
	const struct clamscan_option *ignored; /* a clamscan option clamdscan ignores */
};

/* Formats a usage error into o->error; returns OPTS_USAGE. */
static enum ng_opts_status usage_error(struct ng_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum ng_opts_status usage_error(struct ng_options *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
	return OPTS_USAGE;
}

/* True when name[0..len) is all of, or (prefix) a beginning of, full. */
static bool names(const char *full, const char *name, size_t len, bool prefix)
{
	return strncmp(full, name, len) == 0 && (prefix || full[len] == '\0');
}

/* Adds m to the candidates unless it is there already; past MAX_FOUND
 * they are only counted (an abbreviation that fits so many is ambiguous
 * whatever they are). */
#define MAX_FOUND 4
static void candidate(struct match *found, size_t *n, struct match m)
{
	for (size_t i = 0; i < *n && i < MAX_FOUND; i++)
		if (found[i].def == m.def && found[i].ignored == m.ignored)
			return;
	if (*n < MAX_FOUND)
		found[(*n)++] = m;
	else
		(*n)++;
}

/* Finds the option name[0..len) stands for, as clamdscan's getopt does: the
 * whole name, else the one option (of clamdscan's and clamscan's) it
 * begins; our own options only when it begins none of those, so no
 * abbreviation clamdscan reads one way is read another. Returns 1, 0 when
 * none fits, -1 when several do (ambiguous). */
static int find_long(const char *name, size_t len, struct match *m)
{
	struct match found[MAX_FOUND];
	size_t n = 0;

	for (int pass = 0; pass < 3 && n == 0; pass++) {
		bool prefix = pass > 0;
		bool ours = pass == 2;

		for (size_t i = 0; i < option_defs_count; i++)
			if ((pass == 0 || option_defs[i].ours == ours) &&
			    names(option_defs[i].name, name, len, prefix))
				candidate(found, &n, (struct match){ &option_defs[i], NULL });
		for (size_t i = 0; pass < 2 && i < clamscan_options_count; i++)
			if (names(clamscan_options[i].name, name, len, prefix))
				candidate(found, &n, (struct match){ NULL, &clamscan_options[i] });
	}
	if (n == 1)
		*m = found[0];
	return n == 1 ? 1 : n == 0 ? 0 : -1;
}

/* The option of the letter c, or 0 when none has it. */
static int find_short(char c, struct match *m)
{
	for (size_t i = 0; i < option_defs_count; i++)
		if (option_defs[i].shortopt == c) {
			*m = (struct match){ &option_defs[i], NULL };
			return 1;
		}
	for (size_t i = 0; i < clamscan_options_count; i++)
		if (clamscan_options[i].shortopt == c) {
			*m = (struct match){ NULL, &clamscan_options[i] };
			return 1;
		}
	return 0;
}

/* yes|true|1 and no|false|0 in any case, as clamdscan reads a flag's value. */
static int parse_flag_value(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };

	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* Parses a whole decimal number in [min, max]; returns 0 or -1. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* An age: a whole number with s, m, h, d or w (seconds without). Returns
 * the seconds, or -1. */
static long long parse_age(const char *s)
{
	static const struct {
		char unit;
		long long seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v <= 0 || v > 100LL * 365 * 86400)
		return -1;
	if (*end == '\0')
		return v;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (end[0] == units[i].unit && end[1] == '\0')
			return v * units[i].seconds;
	return -1;
}

/* "--name (-c)" or "--name", as clamdscan names an option in messages. */
static void option_label(char *buf, size_t len, const char *name, char shortopt)
{
	if (shortopt != 0)
		snprintf(buf, len, "--%s (-%c)", name, shortopt);
	else
		snprintf(buf, len, "--%s", name);
}

/* Records --socket (tcp false), --host or --pool after checking its form;
 * the name is resolved later, when the endpoints are built. */
static enum ng_opts_status add_daemon(struct ng_options *o, bool tcp, bool pool, const char *arg)
{
	const char *opt = pool ? "pool" : tcp ? "host" : "socket";
	char host[256], why[200];
	unsigned port;

	if (arg[0] == '\0')
		return usage_error(o, "--%s needs a %s, not an empty value", opt,
				   pool ? "NAME[:PORT]" : tcp ? "HOST[:PORT]" : "socket path");
	if (tcp && endpoint_parse_host(arg, host, sizeof(host), &port, why, sizeof(why)) != 0)
		return usage_error(o, "invalid argument '%s' for --%s: %s", arg, opt, why);
	if (o->n_daemons >= OPTIONS_MAX_DAEMONS)
		return usage_error(o, "too many --socket, --host and --pool options: at most %d",
				   OPTIONS_MAX_DAEMONS);
	o->daemons[o->n_daemons].tcp = tcp;
	o->daemons[o->n_daemons].pool = pool;
	o->daemons[o->n_daemons].value = arg;
	o->n_daemons++;
	return OPTS_OK;
}

/* What parsing keeps between words. */
struct parse {
	struct ng_options *o;
	bool given[O_COUNT];
	bool remove, help, version, reload, stats;
	const char *move_dir, *copy_dir;
	const char *database;     /* -d/--database's value, ours only with a local scan */
};

/* The warning for an ignored clamscan option, as clamdscan words it. */
static void warn_ignored(struct parse *p, const struct clamscan_option *c)
{
	static char texts[OPTIONS_MAX_WARNINGS][128];
	struct ng_options *o = p->o;
	char label[80];

	if (o->n_warnings >= OPTIONS_MAX_WARNINGS)
		return;
	option_label(label, sizeof(label), c->name, c->shortopt);
	snprintf(texts[o->n_warnings], sizeof(texts[0]), "Ignoring %s option %s",
		 c->deprecated ? "deprecated" : "unsupported", label);
	o->warnings[o->n_warnings] = texts[o->n_warnings];
	o->n_warnings++;
}

/* Applies one of our or clamdscan's options with its value (NULL for a flag
 * given without one). The first of a repeated option wins, as in clamdscan. */
static enum ng_opts_status apply(struct parse *p, const struct option_def *d, const char *value)
{
	struct ng_options *o = p->o;
	bool on = true;
	char label[80];

	option_label(label, sizeof(label), d->name, d->shortopt);
	if (!d->takes_value && value != NULL && parse_flag_value(value, &on) != 0)
		return usage_error(o, "Incorrect argument format for option %s", label);
	if (d->takes_value && value[0] == '\0')
		return usage_error(o, "Option %s requires a non-empty string argument", label);
	if (p->given[d->id] && !d->repeatable)
		return OPTS_OK;
	p->given[d->id] = true;
	switch (d->id) {
	case O_HELP: p->help = on; break;
	case O_VERSION: p->version = on; break;
	case O_VERBOSE: o->verbose = on; break;
	case O_QUIET: o->quiet = on; break;
	case O_STDOUT: o->to_stdout = on; break;
	case O_CONFIG_FILE: o->config_file = value; break;
	case O_LOG: o->log_file = value; break;
	case O_FILE_LIST: o->file_list = value; break;
	case O_PING:
		o->ping_arg = value;
		o->ping_given = true;
		break;
	case O_WAIT: o->wait = on; break;
	case O_MULTISCAN: o->multiscan = on; break;
	case O_ALLMATCH: o->allmatch = on; break;
	case O_REMOVE: p->remove = on; break;
	case O_MOVE: p->move_dir = value; break;
	case O_COPY: p->copy_dir = value; break;
	case O_NO_SUMMARY: o->no_summary = on; break;
	case O_INFECTED: o->infected_only = on; break;
	case O_RELOAD: p->reload = on; break;
	case O_FDPASS: o->fdpass = on; break;
	case O_STREAM: o->stream = on; break;
	case O_SOCKET: return add_daemon(o, false, false, value);
	case O_HOST: return add_daemon(o, true, false, value);
	case O_POOL: return add_daemon(o, true, true, value);
	case O_POOL_REFRESH:
		if (parse_uint(value, 0, 86400, &o->pool_refresh) != 0)
			return usage_error(o, "invalid argument '%s' for --pool-refresh: expected whole seconds "
					   "(0 = only when a daemon fails)", value);
		break;
	case O_TIMEOUT:
		if (parse_uint(value, 0, 86400 * 365, &o->timeout) != 0)
			return usage_error(o, "invalid argument '%s' for --timeout: expected whole seconds (0 = no limit)",
					   value);
		break;
	case O_MAX_INFLIGHT:
		if (parse_uint(value, 1, OPTIONS_MAX_INFLIGHT, &o->max_inflight) != 0)
			return usage_error(o, "invalid argument '%s' for --max-inflight: expected 1 to %d",
					   value, OPTIONS_MAX_INFLIGHT);
		o->max_inflight_given = true;
		break;
	case O_LOCAL: o->local = on; break;
	case O_LOCAL_FALLBACK: o->local_fallback = on; break;
	case O_JSON: o->json = on; break;
	case O_SARIF: o->sarif_file = value; break;
	case O_METRICS: o->metrics_file = value; break;
	case O_JUNIT: o->junit_file = value; break;
	case O_SHARD:
		if (shard_parse(value, &o->shard) != 0)
			return usage_error(o, "invalid argument '%s' for --shard: expected K/N with 1 <= K <= N",
					   value);
		break;
	case O_SARIF_ROOT: o->sarif_root = value; break;
	case O_FAIL_ON_LIMITS: o->fail_on_limits = on; break;
	case O_MAX_DB_AGE:
		if ((o->max_db_age = parse_age(value)) < 0)
			return usage_error(o, "invalid argument '%s' for --max-db-age: expected a number "
					   "with s, m, h, d or w (36h, 7d)", value);
		o->max_db_age_arg = value;
		break;
	case O_STATS: p->stats = on; break;
	case O_SELFCHECK: o->selfcheck = on; break;
	case O_PROGRESS:
	case O_NO_PROGRESS:
		/* one setting: the first of the two given wins */
		if (o->progress < 0)
			o->progress = (d->id == O_PROGRESS) == on ? 1 : 0;
		break;
	case O_COUNT:
	default:
		break;
	}
	return OPTS_OK;
}

/* The filter clamscan's option name is, or -1. */
static int filter_of(const char *name)
{
	static const char *const names[FILTER_KINDS] = {
		[FILTER_EXCLUDE] = "exclude",
		[FILTER_EXCLUDE_DIR] = "exclude-dir",
		[FILTER_INCLUDE] = "include",
		[FILTER_INCLUDE_DIR] = "include-dir",
	};

	for (int k = 0; k < FILTER_KINDS; k++)
		if (strcmp(name, names[k]) == 0)
			return k;
	return -1;
}

/* A clamscan option: clamdscan's warning, its value (if any) consumed and
 * never looked at; but --database is ours with a local scan, and the
 * filters (--exclude, --include and their -dir forms) are ours always. */
static enum ng_opts_status apply_ignored(struct parse *p, const struct clamscan_option *c,
					 const char *value)
{
	struct ng_options *o = p->o;
	int k = filter_of(c->name);

	/* an empty pattern would match everything: clamdscan's warning instead */
	if (k >= 0 && value != NULL && value[0] != '\0') {
		if (o->n_filters[k] >= OPTIONS_MAX_FILTERS)
			return usage_error(o, "too many --%s options: at most %d", c->name,
					   OPTIONS_MAX_FILTERS);
		o->filters[k][o->n_filters[k]++] = value;
		return OPTS_OK;
	}
	if (strcmp(c->name, "database") == 0 && p->database == NULL)
		p->database = value;
	warn_ignored(p, c);
	return OPTS_OK;
}

/* Parses one "--name[=value]" word at argv[*i], taking the next word as
 * its value when it needs one. */
static enum ng_opts_status long_option(struct parse *p, int argc, char **argv, int *i)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq != NULL ? (size_t)(eq - word) : strlen(word);
	const char *value = eq != NULL ? eq + 1 : NULL;
	struct match m;
	int rc = find_long(word, len, &m);
	bool needs;

	if (rc < 0)
		return usage_error(p->o, "option '--%.*s' is ambiguous", (int)len, word);
	if (rc == 0)
		return usage_error(p->o, "unrecognized option '--%.*s'", (int)len, word);
	needs = m.def != NULL ? m.def->takes_value : m.ignored->takes_value;
	if (needs && value == NULL) {
		if (*i + 1 >= argc)
			return usage_error(p->o, "option '--%s' requires an argument",
					   m.def != NULL ? m.def->name : m.ignored->name);
		value = argv[++*i];
	}
	if (m.ignored != NULL)
		return apply_ignored(p, m.ignored, value);
	return apply(p, m.def, value);
}

/* Parses a cluster of short options "-abc" at argv[*i]; a letter that
 * needs a value takes the rest of the word, or the next word. */
static enum ng_opts_status short_options(struct parse *p, int argc, char **argv, int *i)
{
	const char *word = argv[*i];

	for (size_t k = 1; word[k] != '\0'; k++) {
		struct match m;
		bool needs;
		const char *value = NULL;
		enum ng_opts_status st;

		if (!find_short(word[k], &m))
			return usage_error(p->o, "invalid option -- '%c'", word[k]);
		needs = m.def != NULL ? m.def->takes_value : m.ignored->takes_value;
		if (needs) {
			if (word[k + 1] != '\0')
				value = word + k + 1;
			else if (*i + 1 < argc)
				value = argv[++*i];
			else
				return usage_error(p->o, "option requires an argument -- '%c'", word[k]);
		}
		st = m.ignored != NULL ? apply_ignored(p, m.ignored, value) : apply(p, m.def, value);
		if (st != OPTS_OK)
			return st;
		if (needs)
			break;
	}
	return OPTS_OK;
}

/* What depends on several options, once all are read. */
static enum ng_opts_status settle(struct parse *p)
{
	struct ng_options *o = p->o;

	/* clamdscan: move wins over copy, copy over remove, whatever the order */
	if (p->move_dir != NULL) {
		o->action = ACTION_MOVE;
		o->action_dir = p->move_dir;
	} else if (p->copy_dir != NULL) {
		o->action = ACTION_COPY;
		o->action_dir = p->copy_dir;
	} else if (p->remove) {
		o->action = ACTION_REMOVE;
	}
	/* --database is clamscan's, ignored, unless a local scan takes it */
	if (p->database != NULL && (o->local || o->local_fallback)) {
		size_t kept = 0;

		o->database = p->database;
		for (size_t i = 0; i < o->n_warnings; i++)
			if (strstr(o->warnings[i], "--database ") == NULL)
				o->warnings[kept++] = o->warnings[i];
		o->n_warnings = kept;
	}
	if (o->local && o->local_fallback)
		return usage_error(o, "--local and --local-fallback cannot be used together: choose one");
	if (o->local && (o->ping_given || o->wait || p->reload || p->stats || o->selfcheck))
		return usage_error(o, "--local never contacts a daemon: it cannot be combined with %s",
				   p->reload ? "--reload" : p->stats ? "--stats" : o->selfcheck ? "--selfcheck"
				   : o->wait ? "--wait" : "--ping");
	if (o->local && o->n_daemons > 0)
		return usage_error(o, "--local never contacts a daemon: it cannot be combined with %s",
				   o->daemons[0].pool ? "--pool" : o->daemons[0].tcp ? "--host" : "--socket");
	/* the same precedence whatever the order on the command line */
	if (p->help)
		o->command = CMD_HELP;
	else if (p->version)
		o->command = CMD_VERSION;
	else if (o->ping_given && !o->wait)
		o->command = CMD_PING;
	else if (p->reload)
		o->command = CMD_RELOAD;
	else if (p->stats)
		o->command = CMD_STATS;
	return OPTS_OK;
}

enum ng_opts_status options_parse(int argc, char **argv, struct ng_options *o)
{
	struct parse p;
	enum ng_opts_status st = OPTS_OK;
	int i, n_targets = 0;
	bool only_targets = false;

	memset(o, 0, sizeof(*o));
	memset(&p, 0, sizeof(p));
	p.o = o;
	o->command = CMD_SCAN;
	o->timeout = 300;
	o->pool_refresh = OPTIONS_DEFAULT_POOL_REFRESH;
	o->max_inflight = OPTIONS_DEFAULT_INFLIGHT;
	o->progress = -1;
	for (i = 1; i < argc && st == OPTS_OK; i++) {
		char *word = argv[i];

		if (!only_targets && strcmp(word, "--") == 0) {
			only_targets = true;
		} else if (only_targets || word[0] != '-' || word[1] == '\0') {
			/* a target ("-" is standard input): moved to the front, in order,
			 * as GNU getopt lets options follow targets */
			argv[1 + n_targets++] = word;
			/* POSIX asks that options stop at the first target */
			only_targets = only_targets || getenv("POSIXLY_CORRECT") != NULL;
		} else if (word[1] == '-') {
			st = long_option(&p, argc, argv, &i);
		} else {
			st = short_options(&p, argc, argv, &i);
		}
	}
	o->targets = argv + 1;
	o->n_targets = (size_t)n_targets;
	argv[1 + n_targets] = NULL; /* a slot already read: argv[argc] at the latest */
	if (st != OPTS_OK)
		return st;
	return settle(&p);
}

/* clamdscan's reading of a number: leading blanks and a sign taken, the
 * whole rest must be digits. Returns 0, or -1. */
static int clamdscan_number(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

int options_ping_values(const struct ng_options *o, unsigned long *attempts,
			unsigned long *interval, char *why, size_t len)
{
	char buf[128];
	char *colon;

	*interval = 1;
	if (o->ping_arg == NULL) {
		*attempts = o->wait ? WAIT_ATTEMPTS : 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", o->ping_arg);
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (colon[1] != '\0' && clamdscan_number(colon + 1, interval) != 0) {
			snprintf(why, len, "interval_str would go past end of buffer");
			return -1;
		}
	}
	if (clamdscan_number(buf, attempts) != 0) {
		snprintf(why, len, "attempt_str would go past end of buffer");
		return -1;
	}
	if (*attempts == 0)
		*attempts = 1; /* clamdscan tries once all the same */
	return 0;
}
