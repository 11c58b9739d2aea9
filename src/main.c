/* clamdscan-ng: the only place that exits. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "action/quarantine.h"
#include "clamd/endpoint.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "core/conf.h"
#include "output/report.h"
#include "output/junit.h"
#include "output/metrics.h"
#include "output/sarif.h"
#include "scan/scan.h"
#include "util/fdio.h"
#include "util/interrupt.h"

/* Loads clamd.conf and the endpoints it names (or those of --socket and
 * --host instead); reports and returns -1 on error. A local scan needs no
 * endpoints, and runs on clamd's defaults where the daemon (and so its
 * default configuration) is not installed; with --local-fallback, why no
 * daemon can be tried goes into no_daemon. */
static int load_configuration(const struct ng_options *o, struct ng_conf *conf,
			      struct endpoint_list *eps, struct report *rep, char *no_daemon,
			      size_t len)
{
	const char *path = o->config_file ? o->config_file : CLAMD_CONF_DEFAULT;
	bool local = o->local || o->local_fallback;
	char err[512];

	eps->n = 0;
	/* daemons named on the command line need no configuration file but -c's */
	if ((local || o->n_daemons > 0) && o->config_file == NULL && access(path, F_OK) != 0 &&
	    errno == ENOENT) {
		report_verbose(rep, "%s: not found; using clamd's defaults", path);
		if (o->n_daemons == 0) {
			snprintf(no_daemon, len, "no configuration file %s", path);
			return 0;
		}
	} else {
		int rc = conf_load(conf, path, err, sizeof(err));

		/* clamdscan's order: what is wrong (or worth a warning), then the verdict */
		for (size_t i = 0; i < conf->n_warnings; i++)
			report_warning(rep, "%s", conf->warnings[i]);
		if (rc != 0) {
			report_error(rep, "%s", err);
			report_error(rep, "Can't parse clamd configuration file %s", path);
			return -1;
		}
	}
	if (o->local)
		return 0;
	if (o->n_daemons > 0) {
		/* instead of LocalSocket/TCPSocket/TCPAddr; a bad one is an error even
		 * with --local-fallback: the user named it */
		if (endpoints_from_args(o->daemons, o->n_daemons, eps, err, sizeof(err)) != 0) {
			report_error(rep, "%s", err);
			return -1;
		}
		return 0;
	}
	if (endpoints_from_conf(conf, eps, err, sizeof(err)) != 0) {
		if (o->local_fallback) {
			snprintf(no_daemon, len, "%s: %s", path, err);
			return 0;
		}
		report_error(rep, "%s: %s", path, err);
		return -1;
	}
	return 0;
}

/* Compiles the command line's --exclude and the like into f. Returns 0,
 * or -1 after saying which pattern cannot be used. */
static int compile_filters(const struct ng_options *o, struct path_filters *f,
			   struct report *rep)
{
	static const char *const names[FILTER_KINDS] = { "--exclude", "--exclude-dir", "--include",
							 "--include-dir" };
	char why[256];

	for (int k = 0; k < FILTER_KINDS; k++)
		for (size_t i = 0; i < o->n_filters[k]; i++) {
			int rc = patterns_add(&f->p[k], o->filters[k][i], why, sizeof(why));

			if (rc != 0) {
				/* the user asked for it: never scan more than asked */
				report_error(rep, "%s '%s' cannot be used: %s", names[k], o->filters[k][i],
					     why);
				return -1;
			}
		}
	return 0;
}

/* Says why a report file (what: "SARIF report") could not be created. */
static void cannot_create(struct report *rep, const char *what, const char *path)
{
	report_error(rep, "Can't write the %s %s: %s", what, path,
		     errno == ELOOP ? "it is a symbolic link (refused: it could be redirected)"
				    : strerror(errno));
}

/* Creates the --sarif and --metrics files, which the report writes from
 * then on. Returns 0, or -1 after saying why. */
static int open_report_files(const struct ng_options *o, struct report *rep)
{
	struct output_sink sink;

	if (o->sarif_file != NULL) {
		/* code scanning places results by paths relative to the checkout */
		char *base = o->sarif_root != NULL ? realpath(o->sarif_root, NULL) : getcwd(NULL, 0);
		int rc;

		if (base == NULL) {
			report_error(rep, "--sarif-root %s: %s", o->sarif_root != NULL ? o->sarif_root : ".",
				     strerror(errno));
			return -1;
		}
		rc = sarif_output_open(o->sarif_file, base, &sink);
		free(base);
		if (rc != 0) {
			cannot_create(rep, "SARIF report", o->sarif_file);
			return -1;
		}
		report_add_sink(rep, sink);
	}
	if (o->junit_file != NULL) {
		if (junit_output_open(o->junit_file, &sink) != 0) {
			cannot_create(rep, "JUnit report", o->junit_file);
			return -1;
		}
		report_add_sink(rep, sink);
	}
	if (o->metrics_file != NULL) {
		if (metrics_output_open(o->metrics_file, &sink) != 0) {
			cannot_create(rep, "metrics file", o->metrics_file);
			return -1;
		}
		report_add_sink(rep, sink);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ng_options o;
	struct ng_conf conf;
	struct endpoint_list eps;
	struct report rep;
	struct report_opts ro;
	struct scan_settings ss;
	struct quarantine q = { .dirfd = -1 };
	struct path_filters filters = { 0 };
	char err[600], no_daemon[600] = "";
	struct file_id own[6];
	size_t n_own;
	int status = 2;
	enum ng_opts_status rc;

	/* every send uses MSG_NOSIGNAL; this also covers writes to a closed stdout */
	signal(SIGPIPE, SIG_IGN);
	/* each result line reaches a file or pipe when it is known, as
	 * clamdscan's do: a run killed later has not lost it */
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd_raise_limit();
	if (interrupt_install() != 0)
		fprintf(stderr, "WARNING: Can't handle signals: %s\n", strerror(errno));

	rc = options_parse(argc, argv, &o);
	/* as clamdscan: said while parsing, on stderr whatever --stdout or
	 * --quiet say, never in the log, before --help or an error */
	for (size_t i = 0; i < o.n_warnings; i++)
		fprintf(stderr, "WARNING: %s\n", o.warnings[i]);
	if (rc != OPTS_OK) {
		fprintf(stderr, "ERROR: %s\n", o.error);
		fprintf(stderr, "Try '%s --help' for more information.\n", PACKAGE_NAME);
		return 2;
	}
	if (o.command == CMD_HELP) {
		options_help(stdout);
		return 0;
	}
	ro = (struct report_opts){
		.quiet = o.quiet,
		.infected_only = o.infected_only,
		.verbose = o.verbose,
		.to_stdout = o.to_stdout,
		.json = o.json,
		.actions = o.action != ACTION_NONE,
		/* clamdscan answers --version and --ping before it opens the log */
		.log_file = o.command == CMD_VERSION || o.command == CMD_PING ? NULL : o.log_file,
	};
	if (report_open(&rep, &ro) != 0) {
		/* clamdscan's words; a symbolic link is refused (ELOOP) */
		fprintf(stderr, "ERROR: Failed to open log file %s: %s\n", o.log_file, strerror(errno));
		return 2;
	}
	conf_init(&conf);
	/* before anything is scanned: a CI job must not get a scan without its report */
	if (o.command == CMD_SCAN && (compile_filters(&o, &filters, &rep) != 0 ||
				      open_report_files(&o, &rep) != 0))
		goto out;
	if (load_configuration(&o, &conf, &eps, &rep, no_daemon, sizeof(no_daemon)) != 0) {
		status = o.command == CMD_VERSION ? command_version(NULL, &o, &rep) : 2;
		goto out;
	}

	switch (o.command) {
	case CMD_VERSION:
		status = command_version(eps.n > 0 ? &eps : NULL, &o, &rep);
		goto out;
	case CMD_PING:
		status = command_ping(&eps, &o, &rep, false);
		goto out;
	case CMD_RELOAD:
		status = command_reload(&eps, &o, &rep);
		goto out;
	case CMD_STATS:
		status = command_stats(&eps, &o, &rep);
		goto out;
	case CMD_HELP:
	case CMD_SCAN:
		break;
	}
	if (o.wait && no_daemon[0] == '\0') {
		struct timeval start, end;

		int waited;

		gettimeofday(&start, NULL);
		waited = command_ping(&eps, &o, &rep, true);
		if (waited != 0 && (waited == EXIT_BAD_PING || !o.local_fallback)) {
			/* as clamdscan: a summary of nothing scanned, and its status */
			struct tally none = { 0 };

			gettimeofday(&end, NULL);
			if (!o.no_summary)
				report_summary(&rep, &none, &start, &end);
			status = waited;
			goto out;
		}
		if (waited != 0)
			snprintf(no_daemon, sizeof(no_daemon), "no answer to PING");
	}
	if (o.max_db_age > 0 && !o.local && no_daemon[0] == '\0' &&
	    command_check_db_age(&eps, &o, &rep) != 0) {
		status = 2;
		goto out;
	}
	if (eps.n > 0 && !o.local) {
		/* what the reports say of the signatures, and whether they are current */
		if (o.json || o.sarif_file != NULL || o.metrics_file != NULL || o.junit_file != NULL)
			command_signatures(&eps, &o, &rep);
		if (o.selfcheck)
			command_selfcheck(&eps, &o, &rep);
	}
	if (quarantine_open(&q, o.action, o.action_dir, &rep, err, sizeof(err)) != 0) {
		/* before anything is scanned: no silent scan without the action asked for */
		report_error(&rep, "%s", err);
		status = 2;
		goto out;
	}
	if (o.action != ACTION_NONE && o.allmatch)
		report_warning(&rep, "--allmatch is ignored when quarantine actions are enabled.");
	n_own = report_own_files(&rep, own, sizeof(own) / sizeof(own[0]));
	ss = (struct scan_settings){
		.targets = o.targets,
		.n_targets = o.n_targets,
		.file_list = o.file_list,
		.multiscan = o.multiscan,
		.allmatch = o.allmatch,
		.stream = o.stream,
		.fdpass = o.fdpass,
		.action = o.action,
		.timeout = o.timeout,
		.pool_refresh = o.pool_refresh,
		.max_inflight = o.max_inflight,
		.max_inflight_given = o.max_inflight_given,
		.local = o.local,
		.local_fallback = o.local_fallback,
		.no_daemon = no_daemon[0] != '\0' ? no_daemon : NULL,
		.database = o.database,
		.max_db_age = o.max_db_age,
		.fail_on_limits = o.fail_on_limits,
		.shard = o.shard.n > 1 ? &o.shard : NULL,
		.progress = o.progress,
		.quiet = o.quiet,
		.no_summary = o.no_summary,
		.filters = filters_any(&filters) ? &filters : NULL,
		.own = own,
		.n_own = n_own,
	};
	status = scan_run(&ss, &conf, &eps, &rep, o.action != ACTION_NONE ? &q : NULL);
out:
	quarantine_close(&q);
	conf_free(&conf);
	filters_free(&filters);
	/* asked to stop: never "all clean", even when the signal came late */
	if (interrupt_signal() != 0 && status == 0)
		status = 2;
	/* results the user never received are not a success */
	if (report_close(&rep, status) != 0 && status == 0)
		status = 2;
	return status;
}
