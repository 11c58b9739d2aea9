/* Unit tests for src/scan/plan.c: the choice of driver and request. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "scan/plan.h"

/* What clamdscan's client.c and the spec's "Mode selection" say, with
 * clamdscan-ng's corrections, written independently of plan.c. */
struct expect {
	enum driver_kind driver;
	enum request_kind request; /* with DRIVER_IDSESSION */
	bool ordered;
	bool open_files;
	bool want_path;
	bool daemon_walk;
	bool allmatch;
	bool names_given;
	bool note;
};

static struct expect oracle(const struct plan_input *in)
{
	struct expect e = { .driver = DRIVER_IDSESSION, .ordered = !in->multiscan };
	/* clamdscan: a remote daemon or --stream makes the scan "remote" */
	bool remote = !in->daemon_local || in->stream;

	if (in->local) {
		e.driver = DRIVER_LOCAL;
		e.open_files = true;
		e.allmatch = in->allmatch && !in->action;
		return e;
	}
	if (in->stdin_target) {
		/* "-": FILDES on a local Unix socket when it is a regular file */
		e.ordered = true;
		e.open_files = true;
		e.request = !remote && in->unix_socket && in->stdin_regular ? REQUEST_FILDES
									    : REQUEST_INSTREAM;
		return e;
	}
	/* --fdpass without a Unix socket is ignored, as clamdscan ignores it */
	if (!remote && !(in->fdpass && in->unix_socket) && !in->action) {
		/* path mode: our walk stands in for clamd's, one SCAN per file;
		 * -z (without -m, one daemon) needs ALLMATCHSCAN, one per file */
		e.want_path = true;
		e.daemon_walk = true;
		e.request = REQUEST_SCAN;
		e.note = in->allmatch && in->several;
		if (in->allmatch && !in->multiscan && !in->several) {
			/* clamdscan walks for -z itself: its walk's rules, not clamd's */
			e.driver = DRIVER_PATH;
			e.allmatch = true;
			e.daemon_walk = false;
		}
		return e;
	}
	/* clamdscan's IDSESSION (-m) and action walks name files as walked
	 * from the name the user gave; its other walks by their real paths */
	e.names_given = in->action || in->multiscan;
	/* every other case opens files and sends contents or descriptors:
	 * --stream wins over --fdpass; --fdpass passes descriptors wherever
	 * a daemon is on a Unix socket (the others get contents); without
	 * either, an action on local daemons passes the descriptor it will
	 * act on, and a daemon elsewhere gets contents */
	e.open_files = true;
	if (in->stream)
		e.request = REQUEST_INSTREAM;
	else if (in->fdpass || in->daemon_local)
		e.request = in->unix_socket ? REQUEST_FILDES : REQUEST_INSTREAM;
	else
		e.request = REQUEST_INSTREAM;
	return e;
}

static struct plan_input input_from_bits(unsigned bits)
{
	struct plan_input in = {
		.unix_socket = bits & 1,
		.daemon_local = bits & 2,
		.stream = bits & 4,
		.fdpass = bits & 8,
		.multiscan = bits & 16,
		.allmatch = bits & 32,
		.action = bits & 64,
		.several = bits & 128,
		.local = bits & 256,
		.stdin_target = bits & 512,
		.stdin_regular = bits & 1024,
	};

	return in;
}

static void describe(const struct plan_input *in, char *buf, size_t size)
{
	snprintf(buf, size,
		 "unix=%d local_daemon=%d stream=%d fdpass=%d m=%d z=%d action=%d several=%d "
		 "local=%d stdin=%d stdin_regular=%d",
		 in->unix_socket, in->daemon_local, in->stream, in->fdpass, in->multiscan,
		 in->allmatch, in->action, in->several, in->local, in->stdin_target,
		 in->stdin_regular);
}

/* Checks plan_choose against the oracle for one input. */
static void check_row(const struct plan_input *in)
{
	struct expect e = oracle(in);
	struct plan p = plan_choose(in);
	char what[300];

	describe(in, what, sizeof(what));
	if (p.driver != e.driver)
		fail_msg("%s: driver %d, expected %d", what, p.driver, e.driver);
	if (e.driver == DRIVER_IDSESSION && p.request != e.request)
		fail_msg("%s: request %d, expected %d", what, p.request, e.request);
	if (p.ordered != e.ordered || p.open_files != e.open_files || p.want_path != e.want_path ||
	    p.daemon_walk != e.daemon_walk || p.allmatch != e.allmatch ||
	    p.names_given != e.names_given)
		fail_msg("%s: ordered %d open %d path %d daemon_walk %d allmatch %d, expected %d %d %d %d %d",
			 what, p.ordered, p.open_files, p.want_path, p.daemon_walk, p.allmatch, e.ordered,
			 e.open_files, e.want_path, e.daemon_walk, e.allmatch);
	if ((p.note != NULL) != e.note)
		fail_msg("%s: note %s, expected %s", what, p.note ? p.note : "(none)",
			 e.note ? "a warning" : "none");
	if (p.note != NULL && strstr(p.note, "-z") == NULL)
		fail_msg("%s: note '%s' does not name the option it is about", what, p.note);
}

/* All 2048 combinations of the eleven inputs follow the rules. */
static void every_combination_matches_rules(void **state)
{
	unsigned rows = 0;

	(void)state;
	for (unsigned bits = 0; bits < 2048; bits++) {
		struct plan_input in = input_from_bits(bits);

		check_row(&in);
		rows++;
	}
	assert_int_equal(rows, 2048);
}

/* Local Unix socket, no options: path mode, one SCAN per file, in order. */
static void local_unix_default_is_scan_per_file(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.driver, DRIVER_IDSESSION);
	assert_int_equal(p.request, REQUEST_SCAN);
	assert_true(p.ordered);
	assert_true(p.want_path);
	assert_true(p.daemon_walk);
	assert_false(p.open_files);
	assert_null(p.note);
}

/* -m on a local daemon: SCAN per file, several in flight, completion order. */
static void local_multiscan_is_parallel_scan(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.driver, DRIVER_IDSESSION);
	assert_int_equal(p.request, REQUEST_SCAN);
	assert_false(p.ordered);
}

/* -z on a local daemon: ALLMATCHSCAN per file; -m wins over -z. */
static void allmatch_is_path_driver_unless_multiscan(void **state)
{
	struct plan_input z = { .unix_socket = true, .daemon_local = true, .allmatch = true };
	struct plan_input zm = { .unix_socket = true, .daemon_local = true, .allmatch = true,
				 .multiscan = true };

	(void)state;
	assert_int_equal(plan_choose(&z).driver, DRIVER_PATH);
	assert_true(plan_choose(&z).allmatch);
	assert_int_equal(plan_choose(&zm).driver, DRIVER_IDSESSION);
	assert_false(plan_choose(&zm).allmatch);
}

/* --stream and --fdpass together: INSTREAM, as clamdscan chooses (it makes
 * the scan "remote" before looking at --fdpass); no refusal, no note. */
static void stream_wins_over_fdpass(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .stream = true,
				 .fdpass = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.request, REQUEST_INSTREAM);
	assert_true(p.open_files);
	assert_null(p.note);
}

/* --fdpass on a local TCP daemon means nothing: path mode, as clamdscan
 * scans then; on a remote one, contents. */
static void fdpass_tcp_is_ignored(void **state)
{
	struct plan_input local = { .unix_socket = false, .daemon_local = true, .fdpass = true };
	struct plan_input remote = { .unix_socket = false, .daemon_local = false, .fdpass = true };

	(void)state;
	assert_true(plan_choose(&local).daemon_walk);
	assert_int_equal(plan_choose(&local).request, REQUEST_SCAN);
	assert_null(plan_choose(&local).note);
	assert_int_equal(plan_choose(&remote).request, REQUEST_INSTREAM);
	assert_null(plan_choose(&remote).note);
}

/* An action on a local Unix-socket daemon: the very descriptor acted on. */
static void action_local_unix_is_fildes(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .action = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.request, REQUEST_FILDES);
	assert_true(p.open_files);
	assert_false(p.daemon_walk);
}

/* A remote daemon: contents, even with -z (which then has no effect). */
static void remote_is_instream(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = false, .allmatch = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.driver, DRIVER_IDSESSION);
	assert_int_equal(p.request, REQUEST_INSTREAM);
	assert_null(p.note);
}

/* Standard input: its descriptor when it is a regular file on a local Unix
 * socket, else its contents; always one request, in order. */
static void stdin_rows(void **state)
{
	struct plan_input reg = { .unix_socket = true, .daemon_local = true, .stdin_target = true,
				  .stdin_regular = true, .multiscan = true };
	struct plan_input pipe = { .unix_socket = true, .daemon_local = true, .stdin_target = true };
	struct plan_input streamed = reg;

	(void)state;
	streamed.stream = true;
	assert_int_equal(plan_choose(&reg).request, REQUEST_FILDES);
	assert_true(plan_choose(&reg).ordered);
	assert_int_equal(plan_choose(&pipe).request, REQUEST_INSTREAM);
	assert_int_equal(plan_choose(&streamed).request, REQUEST_INSTREAM);
}

/* Local scanning: libclamav, files opened; -z gives way to an action. */
static void local_rows(void **state)
{
	struct plan_input in = { .local = true, .allmatch = true, .stream = true };
	struct plan_input act = { .local = true, .allmatch = true, .action = true };

	(void)state;
	assert_int_equal(plan_choose(&in).driver, DRIVER_LOCAL);
	assert_true(plan_choose(&in).allmatch);
	assert_true(plan_choose(&in).open_files);
	assert_false(plan_choose(&act).allmatch);
}

/* Several daemons with -z: a note names -z (no ALLMATCHSCAN in a session). */
static void several_daemons_with_allmatch_note(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .several = true,
				 .allmatch = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.driver, DRIVER_IDSESSION);
	assert_int_equal(p.request, REQUEST_SCAN);
	assert_non_null(p.note);
	assert_non_null(strstr(p.note, "-z"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_combination_matches_rules),
		cmocka_unit_test(local_unix_default_is_scan_per_file),
		cmocka_unit_test(local_multiscan_is_parallel_scan),
		cmocka_unit_test(allmatch_is_path_driver_unless_multiscan),
		cmocka_unit_test(stream_wins_over_fdpass),
		cmocka_unit_test(fdpass_tcp_is_ignored),
		cmocka_unit_test(action_local_unix_is_fildes),
		cmocka_unit_test(remote_is_instream),
		cmocka_unit_test(stdin_rows),
		cmocka_unit_test(local_rows),
		cmocka_unit_test(several_daemons_with_allmatch_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
