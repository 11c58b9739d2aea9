/* Unit tests for src/plan.c: the choice of transport. */
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

/* What the spec's "Mode selection" and "Option interactions" say, written
 * independently of plan.c. */
struct expect {
	enum transport transport;
	enum path_command path_cmd; /* only meaningful with TRANSPORT_PATH */
	bool client_walk;
	bool parallel;
	bool note;
};

static struct expect oracle(const struct plan_input *in)
{
	struct expect e = { 0 };
	bool path_mode = in->daemon_local && !in->stream && !in->fdpass && !in->action;

	if (path_mode && in->several) {
		/* several daemons: files one by one (SCAN), so they can be shared out;
		 * ALLMATCHSCAN is not allowed in IDSESSION, which -z is told */
		e.transport = TRANSPORT_PATH;
		e.client_walk = true;
		e.parallel = in->multiscan;
		e.note = in->allmatch;
		return e;
	}
	if (path_mode) {
		/* path commands: CONTSCAN, MULTISCAN with -m, ALLMATCHSCAN with -z; -m wins */
		e.transport = TRANSPORT_PATH;
		e.path_cmd = in->multiscan ? PATH_MULTISCAN
					   : in->allmatch ? PATH_ALLMATCHSCAN : PATH_CONTSCAN;
		return e;
	}
	/* every other case sends files one by one, in parallel with -m (IDSESSION) */
	e.client_walk = true;
	e.parallel = in->multiscan;
	if (in->fdpass) {
		/* --fdpass needs a Unix socket; on TCP it falls back to streaming, with a warning.
		 * (--fdpass with --stream is refused by the option parser; here --fdpass decides.) */
		e.transport = in->unix_socket ? TRANSPORT_FILDES : TRANSPORT_INSTREAM;
		e.note = !in->unix_socket;
	} else if (in->stream || !in->daemon_local) {
		e.transport = TRANSPORT_INSTREAM;
	} else {
		/* an action on a local daemon: descriptors over a Unix socket, contents over TCP */
		e.transport = in->unix_socket ? TRANSPORT_FILDES : TRANSPORT_INSTREAM;
	}
	return e;
}

static const char *transport_name(enum transport t)
{
	switch (t) {
	case TRANSPORT_PATH:
		return "PATH";
	case TRANSPORT_INSTREAM:
		return "INSTREAM";
	case TRANSPORT_FILDES:
		return "FILDES";
	}
	return "?";
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
	};

	return in;
}

static void describe(const struct plan_input *in, char *buf, size_t size)
{
	snprintf(buf, size,
		 "unix=%d local=%d stream=%d fdpass=%d multiscan=%d allmatch=%d action=%d several=%d",
		 in->unix_socket, in->daemon_local, in->stream, in->fdpass, in->multiscan,
		 in->allmatch, in->action, in->several);
}

/* Checks plan_choose against the oracle for one input. */
static void check_row(const struct plan_input *in)
{
	struct expect e = oracle(in);
	struct plan p = plan_choose(in);
	char what[200];

	describe(in, what, sizeof(what));
	if (p.transport != e.transport)
		fail_msg("%s: transport %s, expected %s", what, transport_name(p.transport),
			 transport_name(e.transport));
	if (e.transport == TRANSPORT_PATH && p.path_cmd != e.path_cmd)
		fail_msg("%s: path command %s, expected %s", what, plan_path_command_name(p.path_cmd),
			 plan_path_command_name(e.path_cmd));
	if (p.client_walk != e.client_walk)
		fail_msg("%s: client_walk %d, expected %d", what, p.client_walk, e.client_walk);
	if (p.parallel != e.parallel)
		fail_msg("%s: parallel %d, expected %d", what, p.parallel, e.parallel);
	if ((p.note != NULL) != e.note)
		fail_msg("%s: note %s, expected %s", what, p.note ? p.note : "(none)",
			 e.note ? "a warning" : "none");
	if (p.note != NULL && strstr(p.note, in->fdpass ? "--fdpass" : "-z") == NULL)
		fail_msg("%s: note '%s' does not name the option it is about", what, p.note);
}

/* All 256 combinations of the eight inputs follow the spec's rules. */
static void every_combination_matches_rules(void **state)
{
	unsigned rows = 0;

	(void)state;
	for (unsigned bits = 0; bits < 256; bits++) {
		struct plan_input in = input_from_bits(bits);

		check_row(&in);
		rows++;
	}
	assert_int_equal(rows, 256);
}

/* The oracle itself gives the expected answer for a few hand-checked rows. */
static void oracle_sanity(void **state)
{
	struct plan_input local_unix = { .unix_socket = true, .daemon_local = true };
	struct plan_input remote_tcp = { .unix_socket = false, .daemon_local = false };
	struct expect e;

	(void)state;
	e = oracle(&local_unix);
	assert_int_equal(e.transport, TRANSPORT_PATH);
	assert_int_equal(e.path_cmd, PATH_CONTSCAN);
	assert_false(e.client_walk);
	e = oracle(&remote_tcp);
	assert_int_equal(e.transport, TRANSPORT_INSTREAM);
	assert_true(e.client_walk);
}

/* Local Unix socket, no options: path mode with CONTSCAN, daemon walks, no note. */
static void local_unix_default_is_contscan(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_int_equal(p.path_cmd, PATH_CONTSCAN);
	assert_false(p.client_walk);
	assert_false(p.parallel);
	assert_null(p.note);
}

/* A local daemon on TCP also gets path commands. */
static void local_tcp_default_is_contscan(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_int_equal(p.path_cmd, PATH_CONTSCAN);
	assert_false(p.client_walk);
	assert_null(p.note);
}

/* -m on a local daemon is server-side MULTISCAN, not client parallelism. */
static void local_multiscan_is_multiscan_command(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_int_equal(p.path_cmd, PATH_MULTISCAN);
	assert_false(p.client_walk);
	assert_false(p.parallel);
}

/* -z on a local daemon is ALLMATCHSCAN. */
static void local_allmatch_is_allmatchscan(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .allmatch = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_int_equal(p.path_cmd, PATH_ALLMATCHSCAN);
	assert_false(p.client_walk);
}

/* -m and -z together: -m wins (MULTISCAN). */
static void multiscan_wins_over_allmatch(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .multiscan = true,
				 .allmatch = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_int_equal(p.path_cmd, PATH_MULTISCAN);
}

/* --stream on a local daemon: INSTREAM, client walks, no note. */
static void stream_is_instream(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .stream = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_false(p.parallel);
	assert_null(p.note);
}

/* --stream with -m: client-driven parallel INSTREAM (IDSESSION), not MULTISCAN. */
static void stream_multiscan_is_parallel_instream(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .stream = true,
				 .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_true(p.parallel);
}

/* A remote daemon over TCP always gets INSTREAM, even with -z (which then has no effect). */
static void remote_tcp_is_instream(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = false, .allmatch = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_false(p.parallel);
	assert_null(p.note);
}

/* A remote daemon with -m: parallel INSTREAM. */
static void remote_tcp_multiscan_is_parallel_instream(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = false, .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_true(p.parallel);
}

/* --fdpass on a Unix socket: FILDES, no note. */
static void fdpass_unix_is_fildes(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .fdpass = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_FILDES);
	assert_true(p.client_walk);
	assert_false(p.parallel);
	assert_null(p.note);
}

/* --fdpass with -m on a Unix socket: parallel FILDES (IDSESSION). */
static void fdpass_unix_multiscan_is_parallel_fildes(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .fdpass = true,
				 .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_FILDES);
	assert_true(p.client_walk);
	assert_true(p.parallel);
}

/* --fdpass on TCP: INSTREAM instead, with a warning that mentions --fdpass. */
static void fdpass_tcp_is_instream_with_note(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = true, .fdpass = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_non_null(p.note);
	assert_non_null(strstr(p.note, "--fdpass"));
}

/* --fdpass on a remote TCP daemon: INSTREAM with the same warning. */
static void fdpass_remote_tcp_is_instream_with_note(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = false, .fdpass = true,
				 .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_true(p.parallel);
	assert_non_null(p.note);
}

/* An action on a local Unix-socket daemon: per-file FILDES, so the result maps to the file acted on. */
static void action_local_unix_is_fildes(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .action = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_FILDES);
	assert_true(p.client_walk);
	assert_false(p.parallel);
	assert_null(p.note);
}

/* An action with -m on a local Unix socket: parallel per-file FILDES, not MULTISCAN. */
static void action_multiscan_local_unix_is_parallel_fildes(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .action = true,
				 .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_FILDES);
	assert_true(p.client_walk);
	assert_true(p.parallel);
}

/* An action on a local TCP daemon: per-file INSTREAM. */
static void action_local_tcp_is_instream(void **state)
{
	struct plan_input in = { .unix_socket = false, .daemon_local = true, .action = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_null(p.note);
}

/* An action with --stream on a Unix socket stays INSTREAM (the user's choice). */
static void action_with_stream_is_instream(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .action = true,
				 .stream = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
}

/* plan_path_command_name gives clamd's command names. */
static void path_command_names(void **state)
{
	(void)state;
	assert_string_equal(plan_path_command_name(PATH_CONTSCAN), "CONTSCAN");
	assert_string_equal(plan_path_command_name(PATH_MULTISCAN), "MULTISCAN");
	assert_string_equal(plan_path_command_name(PATH_ALLMATCHSCAN), "ALLMATCHSCAN");
}

/* Several local daemons: the walk is ours and each file is one SCAN, so
 * the files can be shared out; -m sends several at once. */
static void several_local_daemons_scan_file_by_file(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = true, .several = true,
				 .multiscan = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_PATH);
	assert_true(p.client_walk);
	assert_true(p.parallel);
	assert_null(p.note);
}

/* Several daemons, one of them elsewhere: every file is streamed. */
static void several_daemons_not_all_local_stream(void **state)
{
	struct plan_input in = { .unix_socket = true, .daemon_local = false, .several = true };
	struct plan p = plan_choose(&in);

	(void)state;
	assert_int_equal(p.transport, TRANSPORT_INSTREAM);
	assert_true(p.client_walk);
	assert_false(p.parallel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oracle_sanity),
		cmocka_unit_test(every_combination_matches_rules),
		cmocka_unit_test(local_unix_default_is_contscan),
		cmocka_unit_test(local_tcp_default_is_contscan),
		cmocka_unit_test(local_multiscan_is_multiscan_command),
		cmocka_unit_test(local_allmatch_is_allmatchscan),
		cmocka_unit_test(multiscan_wins_over_allmatch),
		cmocka_unit_test(stream_is_instream),
		cmocka_unit_test(stream_multiscan_is_parallel_instream),
		cmocka_unit_test(remote_tcp_is_instream),
		cmocka_unit_test(remote_tcp_multiscan_is_parallel_instream),
		cmocka_unit_test(fdpass_unix_is_fildes),
		cmocka_unit_test(fdpass_unix_multiscan_is_parallel_fildes),
		cmocka_unit_test(fdpass_tcp_is_instream_with_note),
		cmocka_unit_test(fdpass_remote_tcp_is_instream_with_note),
		cmocka_unit_test(action_local_unix_is_fildes),
		cmocka_unit_test(action_multiscan_local_unix_is_parallel_fildes),
		cmocka_unit_test(action_local_tcp_is_instream),
		cmocka_unit_test(action_with_stream_is_instream),
		cmocka_unit_test(path_command_names),
		cmocka_unit_test(several_local_daemons_scan_file_by_file),
		cmocka_unit_test(several_daemons_not_all_local_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
