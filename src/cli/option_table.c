/* The one table of clamdscan-ng's options (clamdscan's and its own), and
 * the --help generated from it. The man page, the README and the
 * completion are checked against it by tests/docs.bats. */
#include "config.h"

#include <stdio.h>

#include "cli/options.h"

const struct option_def option_defs[] = {
	{ O_HELP, "help", 'h', false, false, false, NULL, "Show this help" },
	{ O_VERSION, "version", 'V', false, false, false, NULL,
	  "Print the daemon's version (without one: ClamAV and the local libclamav's) and exit" },
	{ O_VERBOSE, "verbose", 'v', false, false, false, NULL, "Be verbose" },
	{ O_QUIET, "quiet", 0, false, false, false, NULL, "Be quiet, only output error messages" },
	{ O_STDOUT, "stdout", 0, false, false, false, NULL, "Write messages to stdout instead of stderr" },
	{ O_LOG, "log", 'l', true, false, false, "FILE", "Append the scan report to FILE" },
	{ O_FILE_LIST, "file-list", 'f', true, false, false, "FILE",
	  "Scan the files listed in FILE, one per line" },
	{ O_CONFIG_FILE, "config-file", 'c', true, false, false, "FILE",
	  "Read clamd's configuration from FILE (default " CLAMD_CONF_DEFAULT ")" },
	{ O_PING, "ping", 'p', true, false, false, "A[:I]",
	  "Ping clamd up to A times, I seconds apart (default 1), until it answers; exit 0 if it does, 21 if not" },
	{ O_WAIT, "wait", 'w', false, false, false, NULL,
	  "Wait for clamd to answer before scanning (31 tries a second apart, or as --ping says)" },
	{ O_MULTISCAN, "multiscan", 'm', false, false, false, NULL,
	  "Scan in parallel: several files in flight per daemon" },
	{ O_ALLMATCH, "allmatch", 'z', false, false, false, NULL,
	  "Continue scanning a file after a match (path mode)" },
	{ O_REMOVE, "remove", 0, false, false, false, NULL, "Remove infected files. Be careful!" },
	{ O_MOVE, "move", 0, true, false, false, "DIRECTORY", "Move infected files into DIRECTORY" },
	{ O_COPY, "copy", 0, true, false, false, "DIRECTORY", "Copy infected files into DIRECTORY" },
	{ O_NO_SUMMARY, "no-summary", 0, false, false, false, NULL, "Do not print the scan summary" },
	{ O_INFECTED, "infected", 'i', false, false, false, NULL, "Only print infected files" },
	{ O_RELOAD, "reload", 0, false, false, false, NULL, "Ask clamd to reload its signature database" },
	{ O_FDPASS, "fdpass", 0, false, false, false, NULL,
	  "Pass open file descriptors to clamd (Unix socket only)" },
	{ O_STREAM, "stream", 0, false, false, false, NULL,
	  "Send file contents to clamd (INSTREAM); wins over --fdpass" },
	{ O_SOCKET, "socket", 0, true, true, true, "PATH",
	  "Use clamd on the Unix socket PATH instead of the configuration's sockets (repeatable)" },
	{ O_HOST, "host", 0, true, true, true, "HOST[:PORT]",
	  "Use clamd at HOST, port 3310 by default ([ADDRESS]:PORT for IPv6; repeatable: a scan "
	  "is spread over several daemons)" },
	{ O_POOL, "pool", 0, true, true, true, "NAME[:PORT]",
	  "Spread the scan over every address NAME resolves to (A and AAAA), each one daemon, "
	  "port 3310 by default; NAME is resolved again when a daemon fails and every "
	  "--pool-refresh seconds (repeatable; files are streamed)" },
	{ O_POOL_REFRESH, "pool-refresh", 0, true, true, false, "SECONDS",
	  "With --pool: resolve the names again every SECONDS during a scan (default 30, "
	  "0 = only when a daemon fails)" },
	{ O_TIMEOUT, "timeout", 0, true, true, false, "SECONDS",
	  "Give up on a daemon silent for SECONDS (default 300, 0 = wait forever)" },
	{ O_MAX_INFLIGHT, "max-inflight", 0, true, true, false, "N",
	  "With -m: requests in flight per daemon (default 16, at most 256); with -m --local: "
	  "scanning threads (default: one per CPU)" },
	{ O_LOCAL, "local", 0, false, true, false, NULL, "Scan here with libclamav; never contact a daemon" },
	{ O_LOCAL_FALLBACK, "local-fallback", 0, false, true, false, NULL,
	  "Scan here with libclamav when no daemon can be reached (said on stderr)" },
	{ O_JSON, "json", 0, false, true, false, NULL,
	  "Report as JSON Lines on stdout: one object per result line, then a summary object" },
	{ O_SARIF, "sarif", 0, true, true, false, "FILE",
	  "Also write the findings and scan errors to FILE as a SARIF 2.1.0 log" },
	{ O_PROGRESS, "progress", 0, false, true, false, NULL,
	  "Show a progress line on stderr (default: when stderr is a terminal and not --quiet)" },
	{ O_NO_PROGRESS, "no-progress", 0, false, true, false, NULL, "Never show the progress line" },
	{ O_SHARD, "shard", 0, true, true, false, "K/N",
	  "Scan only the K-th of N disjoint parts of the files (by a hash of their path in the target)" },
	{ O_JUNIT, "junit", 0, true, true, false, "FILE",
	  "Also write a JUnit XML report to FILE (GitLab, Jenkins): a test per target and per finding" },
	{ O_SARIF_ROOT, "sarif-root", 0, true, true, false, "DIR",
	  "Name files under DIR relative to it in the SARIF report (default: the current directory)" },
	{ O_MAX_DB_AGE, "max-db-age", 0, true, true, false, "AGE",
	  "Refuse to scan with signatures older than AGE (e.g. 36h, 7d) or of an unknown date" },
	{ O_FAIL_ON_LIMITS, "fail-on-limits", 0, false, true, false, NULL,
	  "A file over clamd's MaxFileSize or MaxScanSize (answered OK, not scanned whole) is an error" },
	{ O_METRICS, "metrics", 0, true, true, false, "FILE",
	  "At the end, write the run's figures to FILE for Prometheus (node_exporter's textfile collector)" },
	{ O_STATS, "stats", 0, false, true, false, NULL,
	  "Print clamd's STATS (threads, queue, memory) and exit; with --json as one object" },
	{ O_SELFCHECK, "selfcheck", 0, false, true, false, NULL,
	  "Ask clamd whether its signatures are current (SELFCHECK) before scanning" },
};

const size_t option_defs_count = sizeof(option_defs) / sizeof(option_defs[0]);

void options_help(FILE *out)
{
	fputs("\n"
	      "                      clamdscan-ng " PACKAGE_VERSION "\n"
	      "           A client for the ClamAV daemon (clamd), compatible with clamdscan\n"
	      "\n"
	      "    clamdscan-ng [options] [file/directory/-]\n"
	      "\n",
	      out);
	for (size_t i = 0; i < option_defs_count; i++) {
		const struct option_def *d = &option_defs[i];
		char left[64], shortform[16] = "";

		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->metavar ? "=" : "",
			 d->metavar ? d->metavar : "");
		if (d->shortopt != 0)
			snprintf(shortform, sizeof(shortform), "-%c%s%s", d->shortopt,
				 d->metavar ? " " : "", d->metavar ? d->metavar : "");
		fprintf(out, "    %-26s %-10s %s\n", left, shortform, d->help);
	}
	fputs("\n"
	      "clamscan's options are accepted and ignored with a warning, as clamdscan does;\n"
	      "--database=DIR is for --local and --local-fallback.\n"
	      "Exit status: 0 nothing found, 1 infection found, 2 error, 21 --ping got no answer,\n"
	      "34 --ping value not understood.\n"
	      "\n",
	      out);
}
