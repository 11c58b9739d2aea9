/* Command-line parsing: clamdscan's options plus clamdscan-ng's own. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/endpoint.h"
#include "cli/options.h"

/* Long-only options get values above the char range. */
enum {
	OPT_QUIET = 256,
	OPT_STDOUT,
	OPT_NO_SUMMARY,
	OPT_RELOAD,
	OPT_REMOVE,
	OPT_MOVE,
	OPT_COPY,
	OPT_FDPASS,
	OPT_STREAM,
	OPT_TIMEOUT,
	OPT_MAX_INFLIGHT,
	OPT_LOCAL,
	OPT_LOCAL_FALLBACK,
	OPT_DATABASE,
	OPT_JSON,
	OPT_SARIF,
	OPT_SOCKET,
	OPT_HOST,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_IGNORED_FLAG, /* clamscan options clamdscan accepts and ignores */
	OPT_IGNORED_ARG,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "stdout", no_argument, NULL, OPT_STDOUT },
	{ "config-file", required_argument, NULL, 'c' },
	{ "log", required_argument, NULL, 'l' },
	{ "file-list", required_argument, NULL, 'f' },
	{ "ping", required_argument, NULL, 'p' },
	{ "wait", no_argument, NULL, 'w' },
	{ "multiscan", no_argument, NULL, 'm' },
	{ "allmatch", no_argument, NULL, 'z' },
	{ "remove", no_argument, NULL, OPT_REMOVE },
	{ "move", required_argument, NULL, OPT_MOVE },
	{ "copy", required_argument, NULL, OPT_COPY },
	{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
	{ "reload", no_argument, NULL, OPT_RELOAD },
	{ "infected", no_argument, NULL, 'i' },
	{ "fdpass", no_argument, NULL, OPT_FDPASS },
	{ "stream", no_argument, NULL, OPT_STREAM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT },
	{ "local", no_argument, NULL, OPT_LOCAL },
	{ "local-fallback", no_argument, NULL, OPT_LOCAL_FALLBACK },
	{ "database", required_argument, NULL, OPT_DATABASE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sarif", required_argument, NULL, OPT_SARIF },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	/* clamscan's tree options: clamdscan takes them and ignores them,
	 * so command lines written for either tool keep working. */
	{ "recursive", optional_argument, NULL, 'r' },
	{ "bell", no_argument, NULL, OPT_IGNORED_FLAG },
	{ "cross-fs", optional_argument, NULL, OPT_IGNORED_ARG },
	{ NULL, 0, NULL, 0 },
};

/* the leading ":" makes getopt tell a missing argument (':') from an unknown option */
static const char short_options[] = ":hVvc:l:f:p:wmzir";

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

/* Parses --ping's A[:I]: A attempts, optionally I seconds apart. */
static int parse_ping(const char *arg, struct ng_options *o)
{
	char buf[64];
	char *colon;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (parse_uint(colon + 1, 0, 3600, &o->ping_interval) != 0)
			return -1;
	}
	return parse_uint(buf, 1, 1000000, &o->ping_attempts);
}

/* Records a quarantine action; only one may be chosen. */
static enum ng_opts_status set_action(struct ng_options *o, enum ng_action a, const char *dir,
				      const char *name)
{
	if (o->action != ACTION_NONE && o->action != a)
		return usage_error(o, "--%s cannot be combined with another of --move, --copy, --remove",
				   name);
	o->action = a;
	o->action_dir = dir;
	return OPTS_OK;
}

/* Records --socket (tcp false) or --host after checking its form; the
 * host is resolved later, when the endpoints are built. */
static enum ng_opts_status add_daemon(struct ng_options *o, bool tcp, const char *arg)
{
	char host[256], why[200];
	unsigned port;

	if (arg[0] == '\0')
		return usage_error(o, "--%s needs a %s, not an empty value", tcp ? "host" : "socket",
				   tcp ? "HOST[:PORT]" : "socket path");
	if (tcp && endpoint_parse_host(arg, host, sizeof(host), &port, why, sizeof(why)) != 0)
		return usage_error(o, "invalid argument '%s' for --host: %s", arg, why);
	if (o->n_daemons >= OPTIONS_MAX_DAEMONS)
		return usage_error(o, "too many --socket and --host options: at most %d",
				   OPTIONS_MAX_DAEMONS);
	o->daemons[o->n_daemons].tcp = tcp;
	o->daemons[o->n_daemons].value = arg;
	o->n_daemons++;
	return OPTS_OK;
}

/* Names the option at argv[optind - 1] for an error message. */
static const char *offending(int argc, char **argv)
{
	if (optind - 1 < argc && optind >= 1)
		return argv[optind - 1];
	return "?";
}

enum ng_opts_status options_parse(int argc, char **argv, struct ng_options *o)
{
	int c;
	enum ng_opts_status st;

	bool help = false, version = false, reload = false;

	memset(o, 0, sizeof(*o));
	o->command = CMD_SCAN;
	o->timeout = 300;
	o->max_inflight = OPTIONS_DEFAULT_INFLIGHT;
	o->ping_interval = 1;
	o->progress = -1;

	opterr = 0; /* we word our own messages */
	optind = 0; /* 0, not 1: glibc then also forgets a half-read "-xyz" cluster */
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		st = OPTS_OK;
		switch (c) {
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_STDOUT:
			o->to_stdout = true;
			break;
		case 'c':
			o->config_file = optarg;
			break;
		case 'l':
			o->log_file = optarg;
			break;
		case 'f':
			o->file_list = optarg;
			break;
		case 'p':
			if (parse_ping(optarg, o) != 0)
				return usage_error(o, "invalid argument '%s' for --ping: expected ATTEMPTS[:INTERVAL]",
						   optarg);
			o->ping_given = true;
			break;
		case 'w':
			o->wait = true;
			break;
		case 'm':
			o->multiscan = true;
			break;
		case 'z':
			o->allmatch = true;
			break;
		case 'i':
			o->infected_only = true;
			break;
		case OPT_NO_SUMMARY:
			o->no_summary = true;
			break;
		case OPT_RELOAD:
			reload = true;
			break;
		case OPT_REMOVE:
			st = set_action(o, ACTION_REMOVE, NULL, "remove");
			break;
		case OPT_MOVE:
			st = set_action(o, ACTION_MOVE, optarg, "move");
			break;
		case OPT_COPY:
			st = set_action(o, ACTION_COPY, optarg, "copy");
			break;
		case OPT_FDPASS:
			o->fdpass = true;
			break;
		case OPT_STREAM:
			o->stream = true;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 0, 86400 * 365, &o->timeout) != 0)
				return usage_error(o, "invalid argument '%s' for --timeout: expected whole seconds (0 = no limit)",
						   optarg);
			break;
		case OPT_MAX_INFLIGHT:
			if (parse_uint(optarg, 1, OPTIONS_MAX_INFLIGHT, &o->max_inflight) != 0)
				return usage_error(o, "invalid argument '%s' for --max-inflight: expected 1 to %d",
						   optarg, OPTIONS_MAX_INFLIGHT);
			o->max_inflight_given = true;
			break;
		case OPT_LOCAL:
			o->local = true;
			break;
		case OPT_LOCAL_FALLBACK:
			o->local_fallback = true;
			break;
		case OPT_DATABASE:
			o->database = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_SARIF:
			if (optarg[0] == '\0')
				return usage_error(o, "--sarif needs a file name, not an empty value");
			o->sarif_file = optarg;
			break;
		case OPT_SOCKET:
			st = add_daemon(o, false, optarg);
			break;
		case OPT_HOST:
			st = add_daemon(o, true, optarg);
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case 'r':
		case OPT_IGNORED_FLAG:
		case OPT_IGNORED_ARG:
			if (o->n_ignored < sizeof(o->ignored) / sizeof(o->ignored[0]))
				o->ignored[o->n_ignored++] = c;
			break;
		case ':':
			return usage_error(o, "option '%s' requires an argument", offending(argc, argv));
		case '?':
		default:
			if (strncmp(offending(argc, argv), "--", 2) == 0)
				return optopt != 0 ? usage_error(o, "option '%s' doesn't allow an argument",
								 offending(argc, argv))
						   : usage_error(o, "unrecognized option '%s'",
								 offending(argc, argv));
			return usage_error(o, "invalid option -- '%c'", optopt);
		}
		if (st != OPTS_OK)
			return st;
	}
	if (o->local && o->local_fallback)
		return usage_error(o, "--local and --local-fallback cannot be used together: choose one");
	if (o->local && (o->ping_given || o->wait || reload))
		return usage_error(o, "--local never contacts a daemon: it cannot be combined with %s",
				   reload ? "--reload" : o->wait ? "--wait" : "--ping");
	if (o->local && o->n_daemons > 0)
		return usage_error(o, "--local never contacts a daemon: it cannot be combined with %s",
				   o->daemons[0].tcp ? "--host" : "--socket");
	if (o->database != NULL && !o->local && !o->local_fallback)
		return usage_error(o, "--database is for local scanning: add --local or --local-fallback");
	/* the same precedence whatever the order on the command line */
	if (help)
		o->command = CMD_HELP;
	else if (version)
		o->command = CMD_VERSION;
	else if (o->ping_given && !o->wait)
		o->command = CMD_PING;
	else if (reload)
		o->command = CMD_RELOAD;
	o->targets = argv + optind;
	o->n_targets = (size_t)(argc - optind);
	return OPTS_OK;
}

const char *options_ignored_name(int c)
{
	switch (c) {
	case 'r':
		return "--recursive (-r)";
	case OPT_IGNORED_FLAG:
		return "--bell";
	default:
		return "--cross-fs";
	}
}

void options_help(FILE *out)
{
	fputs("\n"
	      "                      clamdscan-ng " PACKAGE_VERSION "\n"
	      "           A client for the ClamAV daemon (clamd), compatible with clamdscan\n"
	      "\n"
	      "    clamdscan-ng [options] [file/directory/-]\n"
	      "\n"
	      "    --help              -h             Show this help\n"
	      "    --version           -V             Print the daemon's version (or this program's) and exit\n"
	      "    --verbose           -v             Be verbose\n"
	      "    --quiet                            Be quiet, only output error messages\n"
	      "    --stdout                           Write messages to stdout instead of stderr\n"
	      "    --log=FILE          -l FILE        Append the scan report to FILE\n"
	      "    --file-list=FILE    -f FILE        Scan the files listed in FILE, one per line\n"
	      "    --config-file=FILE  -c FILE        Read clamd's configuration from FILE\n"
	      "                                       (default " CLAMD_CONF_DEFAULT ")\n"
	      "    --socket=PATH                      Use clamd on the Unix socket PATH instead of\n"
	      "                                       the configuration's sockets (repeatable)\n"
	      "    --host=HOST[:PORT]                 Use clamd at HOST, port 3310 by default\n"
	      "                                       ([ADDRESS]:PORT for IPv6; repeatable); with\n"
	      "                                       several daemons the scan is spread over them\n"
	      "    --ping=A[:I]        -p A[:I]       Ping clamd up to A times, I seconds apart (default 1),\n"
	      "                                       until it answers; exit 0 if it does, 21 if not\n"
	      "    --wait              -w             Wait for clamd to answer before scanning (30 tries a\n"
	      "                                       second apart, or as --ping says)\n"
	      "    --multiscan         -m             Scan in parallel inside the daemon\n"
	      "    --allmatch          -z             Continue scanning a file after a match (path mode)\n"
	      "    --remove                           Remove infected files. Be careful!\n"
	      "    --move=DIRECTORY                   Move infected files into DIRECTORY\n"
	      "    --copy=DIRECTORY                   Copy infected files into DIRECTORY\n"
	      "    --no-summary                       Do not print the scan summary\n"
	      "    --json                             Report as JSON Lines on stdout: one object per\n"
	      "                                       result line, then a summary object\n"
	      "    --sarif=FILE                       Also write the findings and scan errors to FILE\n"
	      "                                       as a SARIF 2.1.0 log\n"
	      "    --progress                         Show a progress line on stderr (default: when\n"
	      "                                       stderr is a terminal and not --quiet)\n"
	      "    --no-progress                      Never show the progress line\n"
	      "    --infected          -i             Only print infected files\n"
	      "    --reload                           Ask clamd to reload its signature database\n"
	      "    --fdpass                           Pass open file descriptors to clamd (Unix socket only)\n"
	      "    --stream                           Send file contents to clamd (INSTREAM)\n"
	      "    --timeout=SECONDS                  Give up on a daemon that makes no progress for\n"
	      "                                       SECONDS (default 300, 0 = wait forever)\n"
	      "    --max-inflight=N                   With -m and --stream/--fdpass: requests in\n"
	      "                                       flight at once per daemon (default 16, at\n"
	      "                                       most 256);\n"
	      "                                       with -m and --local: scanning threads\n"
	      "                                       (default: one per CPU)\n"
	      "    --local                            Scan here with libclamav; never contact a daemon\n"
	      "    --local-fallback                   Scan here with libclamav when no daemon can be\n"
	      "                                       reached (said on stderr)\n"
	      "    --database=DIR                     Signature databases for --local and\n"
	      "                                       --local-fallback (default: DatabaseDirectory)\n"
	      "    --recursive         -r             Accepted and ignored, as clamdscan does\n"
	      "\n"
	      "Exit status: 0 nothing found, 1 infection found, 2 error, 21 --ping got no answer.\n"
	      "\n",
	      out);
}
