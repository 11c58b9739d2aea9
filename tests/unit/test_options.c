/* Unit tests for src/options.c: the command-line parser. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/endpoint.h"
#include "cli/options.h"

/* Declares argv (NULL-terminated, writable array) and argc for one command line. */
#define ARGV(...)                                                   \
	char *argv[] = { "clamdscan-ng", __VA_ARGS__, NULL };       \
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1

/* Fails unless haystack contains needle, showing both. */
static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("'%s' does not contain '%s'", haystack, needle);
}

/* The boolean fields, so a test can check that an option sets one and no other. */
static const struct {
	const char *name;
	size_t offset;
} bool_fields[] = {
	{ "verbose", offsetof(struct ng_options, verbose) },
	{ "quiet", offsetof(struct ng_options, quiet) },
	{ "to_stdout", offsetof(struct ng_options, to_stdout) },
	{ "infected_only", offsetof(struct ng_options, infected_only) },
	{ "no_summary", offsetof(struct ng_options, no_summary) },
	{ "multiscan", offsetof(struct ng_options, multiscan) },
	{ "allmatch", offsetof(struct ng_options, allmatch) },
	{ "stream", offsetof(struct ng_options, stream) },
	{ "fdpass", offsetof(struct ng_options, fdpass) },
	{ "wait", offsetof(struct ng_options, wait) },
	{ "ping_given", offsetof(struct ng_options, ping_given) },
	{ "local", offsetof(struct ng_options, local) },
	{ "local_fallback", offsetof(struct ng_options, local_fallback) },
	{ "max_inflight_given", offsetof(struct ng_options, max_inflight_given) },
};
#define N_BOOL_FIELDS (sizeof(bool_fields) / sizeof(bool_fields[0]))

static bool bool_field(const struct ng_options *o, size_t offset)
{
	return *(const bool *)((const char *)o + offset);
}

/* Asserts that exactly the named boolean field is true. */
static void assert_only_flag(const struct ng_options *o, const char *name, const char *arg)
{
	for (size_t i = 0; i < N_BOOL_FIELDS; i++) {
		bool want = strcmp(bool_fields[i].name, name) == 0;

		if (bool_field(o, bool_fields[i].offset) != want)
			fail_msg("after '%s', %s is %d, expected %d", arg, bool_fields[i].name,
				 bool_field(o, bool_fields[i].offset), want);
	}
}

/* With no options: scan command, timeout 300, ping interval 1, nothing else set. */
static void defaults_without_options(void **state)
{
	struct ng_options o;
	char *argv[] = { "clamdscan-ng", NULL };

	(void)state;
	memset(&o, 0x5a, sizeof(o));
	assert_int_equal(options_parse(1, argv, &o), OPTS_OK);
	assert_int_equal(o.command, CMD_SCAN);
	assert_int_equal(o.timeout, 300);
	assert_null(o.ping_arg);
	assert_int_equal(o.action, ACTION_NONE);
	assert_null(o.action_dir);
	assert_null(o.config_file);
	assert_null(o.log_file);
	assert_null(o.file_list);
	assert_int_equal(o.n_targets, 0);
	assert_int_equal(o.n_warnings, 0);
	assert_string_equal(o.error, "");
	assert_only_flag(&o, "", "(nothing)");
}

/* Each flag option, long and short, sets its own field and no other. */
static void each_flag_sets_its_field(void **state)
{
	static const struct {
		const char *arg;
		const char *field;
	} cases[] = {
		{ "--verbose", "verbose" },        { "-v", "verbose" },
		{ "--quiet", "quiet" },            { "--stdout", "to_stdout" },
		{ "--infected", "infected_only" }, { "-i", "infected_only" },
		{ "--no-summary", "no_summary" },  { "--multiscan", "multiscan" },
		{ "-m", "multiscan" },             { "--allmatch", "allmatch" },
		{ "-z", "allmatch" },              { "--stream", "stream" },
		{ "--fdpass", "fdpass" },          { "--wait", "wait" },
		{ "-w", "wait" },                  { "--local", "local" },
		{ "--local-fallback", "local_fallback" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ng_options o;
		char *argv[] = { "clamdscan-ng", (char *)cases[i].arg, NULL };

		if (options_parse(2, argv, &o) != OPTS_OK)
			fail_msg("'%s' refused: %s", cases[i].arg, o.error);
		assert_only_flag(&o, cases[i].field, cases[i].arg);
		assert_int_equal(o.command, CMD_SCAN);
		assert_int_equal(o.n_targets, 0);
	}
}

/* Clustered short flags "-vmzwi" set all five. */
static void clustered_short_flags(void **state)
{
	struct ng_options o;
	ARGV("-vmzwi");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_true(o.verbose);
	assert_true(o.multiscan);
	assert_true(o.allmatch);
	assert_true(o.wait);
	assert_true(o.infected_only);
	assert_false(o.quiet);
	assert_int_equal(o.n_targets, 0);
}

/* -c/--config-file, -l/--log and -f/--file-list store their argument in every spelling. */
static void file_options_store_argument(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("-c", "/etc/a.conf", "-l", "/tmp/log", "-f", "/tmp/list");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_string_equal(o.config_file, "/etc/a.conf");
		assert_string_equal(o.log_file, "/tmp/log");
		assert_string_equal(o.file_list, "/tmp/list");
		assert_int_equal(o.n_targets, 0);
	}
	{
		struct ng_options o;
		ARGV("--config-file", "/etc/b.conf", "--log=/tmp/log2", "--file-list", "/tmp/list2");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_string_equal(o.config_file, "/etc/b.conf");
		assert_string_equal(o.log_file, "/tmp/log2");
		assert_string_equal(o.file_list, "/tmp/list2");
	}
	{
		struct ng_options o;
		ARGV("--config-file=/etc/c.conf", "-l/tmp/log3", "-f/tmp/list3");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_string_equal(o.config_file, "/etc/c.conf");
		assert_string_equal(o.log_file, "/tmp/log3");
		assert_string_equal(o.file_list, "/tmp/list3");
	}
}

/* --remove, --move DIR and --copy=DIR set the action and its directory. */
static void action_options(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--remove");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.action, ACTION_REMOVE);
		assert_null(o.action_dir);
	}
	{
		struct ng_options o;
		ARGV("--move", "/quarantine", "/scan");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.action, ACTION_MOVE);
		assert_string_equal(o.action_dir, "/quarantine");
		assert_int_equal(o.n_targets, 1);
		assert_string_equal(o.targets[0], "/scan");
	}
	{
		struct ng_options o;
		ARGV("--copy=/q2");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.action, ACTION_COPY);
		assert_string_equal(o.action_dir, "/q2");
		assert_int_equal(o.n_targets, 0);
	}
}

/* Two actions: move wins over copy, copy over remove, in either order,
 * and the first of a repeated one wins: clamdscan's reading, no refusal. */
static void actions_precedence(void **state)
{
	static const struct {
		const char *args[4];
		enum ng_action want;
		const char *dir;
	} cases[] = {
		{ { "--move", "/q", "--remove", NULL }, ACTION_MOVE, "/q" },
		{ { "--remove", "--move=/q", NULL, NULL }, ACTION_MOVE, "/q" },
		{ { "--copy", "/a", "--move", "/b" }, ACTION_MOVE, "/b" },
		{ { "--remove", "--copy=/c", NULL, NULL }, ACTION_COPY, "/c" },
		{ { "--move=/first", "--move=/second", NULL, NULL }, ACTION_MOVE, "/first" },
		{ { "--remove=no", "--remove", NULL, NULL }, ACTION_NONE, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ng_options o;
		char *argv[6] = { "clamdscan-ng" };
		int argc = 1;

		for (size_t j = 0; j < 4 && cases[i].args[j] != NULL; j++)
			argv[argc++] = (char *)cases[i].args[j];
		argv[argc] = NULL;
		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.action, cases[i].want);
		if (cases[i].dir != NULL)
			assert_string_equal(o.action_dir, cases[i].dir);
		else
			assert_null(o.action_dir);
	}
}

/* --stream with --fdpass is accepted (clamdscan takes both; --stream wins). */
static void stream_with_fdpass_is_accepted(void **state)
{
	struct ng_options o;
	ARGV("--fdpass", "/x", "--stream");

	(void)state;
	/* clamdscan takes both (--stream wins): so do we; the plan chooses */
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_true(o.stream);
	assert_true(o.fdpass);
}

/* --database=DIR is ours with --local or --local-fallback (no warning);
 * --max-inflight is remembered as given. */
static void local_options(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--local", "--database=/db", "/scan");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_true(o.local);
		assert_false(o.local_fallback);
		assert_string_equal(o.database, "/db");
		assert_false(o.max_inflight_given);
		assert_int_equal(o.n_targets, 1);
		assert_int_equal(o.n_warnings, 0);
	}
	{
		struct ng_options o;
		ARGV("--database", "/db2", "--local-fallback", "-m", "--max-inflight=3");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_true(o.local_fallback);
		assert_string_equal(o.database, "/db2");
		assert_true(o.max_inflight_given);
		assert_int_equal(o.max_inflight, 3);
	}
	{
		/* transports are for a daemon: accepted, and ignored by a local scan */
		struct ng_options o;
		ARGV("--local", "--stream");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_true(o.local);
		assert_true(o.stream);
	}
	{
		/* --version needs no daemon */
		struct ng_options o;
		ARGV("--local", "--version");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_VERSION);
	}
}

/* --local refuses daemon-only commands and --local-fallback. */
static void local_conflicts_are_usage_errors(void **state)
{
	static const struct {
		const char *args[3];
		const char *needle;
	} cases[] = {
		{ { "--local", "--local-fallback", NULL }, "--local-fallback" },
		{ { "--local", "--ping", "2" }, "--ping" },
		{ { "--wait", "--local", NULL }, "--wait" },
		{ { "--local", "--reload", NULL }, "--reload" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ng_options o;
		char *argv[5] = { "clamdscan-ng" };
		int argc = 1;

		for (size_t j = 0; j < 3 && cases[i].args[j] != NULL; j++)
			argv[argc++] = (char *)cases[i].args[j];
		argv[argc] = NULL;
		if (options_parse(argc, argv, &o) != OPTS_USAGE)
			fail_msg("case %zu was accepted", i);
		assert_contains(o.error, cases[i].needle);
	}
}

/* Reads --ping's value after parsing, as the commands do. */
static void ping_values(const char *arg, bool wait, unsigned long *a, unsigned long *i, int *rc)
{
	struct ng_options o;
	char *argv[] = { "clamdscan-ng", "--ping", (char *)arg, wait ? "--wait" : NULL, NULL };
	char why[128];

	if (options_parse(wait ? 4 : 3, argv, &o) != OPTS_OK)
		fail_msg("--ping '%s' refused: %s", arg, o.error);
	assert_true(o.ping_given);
	assert_int_equal(o.command, wait ? CMD_SCAN : CMD_PING);
	*rc = options_ping_values(&o, a, i, why, sizeof(why));
}

/* --ping A[:I]: attempts and interval (default 1), read as clamdscan reads
 * them: "0" still tries once, "3:" keeps the default interval. */
static void ping_attempts_and_interval(void **state)
{
	static const struct {
		const char *arg;
		unsigned long attempts, interval;
	} cases[] = {
		{ "3:2", 3, 2 }, { "3", 3, 1 }, { "5:0", 5, 0 }, { "0", 1, 1 },
		{ "3:", 3, 1 }, { ":2", 1, 2 }, { "0:1", 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long a, iv;
		int rc;

		ping_values(cases[i].arg, false, &a, &iv, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(a, cases[i].attempts);
		assert_int_equal(iv, cases[i].interval);
	}
}

/* -p and --ping= spellings; with --wait it stays a scan, and a bare --wait
 * tries 31 times, as clamdscan. */
static void ping_spellings_and_wait(void **state)
{
	unsigned long a, iv;
	int rc;

	(void)state;
	{
		struct ng_options o;
		ARGV("-p", "7");
		char why[64];

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(options_ping_values(&o, &a, &iv, why, sizeof(why)), 0);
		assert_int_equal(a, 7);
	}
	ping_values("4:3", true, &a, &iv, &rc);
	assert_int_equal(a, 4);
	assert_int_equal(iv, 3);
	{
		struct ng_options o;
		ARGV("-w", "/tmp");
		char why[64];

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_SCAN);
		assert_int_equal(options_ping_values(&o, &a, &iv, why, sizeof(why)), 0);
		assert_int_equal(a, 31);
		assert_int_equal(iv, 1);
	}
}

/* A --ping value that is not whole numbers is accepted by the parser and
 * refused when used, with clamdscan's warning; an empty one is a usage error. */
static void ping_bad_values(void **state)
{
	static const char *const bad[] = { "x", "1:x", "2x", "1:2:3", "1.5" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long a, iv;
		int rc;

		ping_values(bad[i], false, &a, &iv, &rc);
		if (rc != -1)
			fail_msg("--ping '%s' was read", bad[i]);
	}
	{
		struct ng_options o;
		ARGV("--ping=");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
		assert_contains(o.error, "--ping (-p) requires a non-empty string argument");
	}
}

/* --timeout takes whole seconds, 0 meaning no limit. */
static void timeout_values(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--timeout", "0");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.timeout, 0);
	}
	{
		struct ng_options o;
		ARGV("--timeout=60");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.timeout, 60);
	}
	{
		struct ng_options o;
		ARGV("--timeout", "31536000");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.timeout, 31536000);
	}
}

/* Bad --timeout values are usage errors naming --timeout and the value. */
static void timeout_bad_values_are_usage_errors(void **state)
{
	static const char *const bad[] = { "x", "-1", "1.5", "10s", "99999999999999999999" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ng_options o;
		char *argv[] = { "clamdscan-ng", "--timeout", (char *)bad[i], NULL };
		char quoted[64];

		if (options_parse(3, argv, &o) != OPTS_USAGE)
			fail_msg("--timeout '%s' was accepted", bad[i]);
		assert_contains(o.error, "--timeout");
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_contains(o.error, quoted);
	}
	{
		struct ng_options o;
		ARGV("--timeout=");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
		assert_contains(o.error, "--timeout requires a non-empty string argument");
	}
}

/* An unknown long option is a usage error naming it. */
static void unknown_long_option_is_usage_error(void **state)
{
	struct ng_options o;
	ARGV("/tmp", "--bogus-option");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
	assert_contains(o.error, "--bogus-option");
}

/* An unknown short option is a usage error naming the letter. */
static void unknown_short_option_is_usage_error(void **state)
{
	struct ng_options o;
	ARGV("-x", "/tmp");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
	assert_contains(o.error, "'x'");
}

/* A long option missing its argument (--copy at the end) is a usage error saying so. */
static void missing_argument_long_option(void **state)
{
	struct ng_options o;
	ARGV("/tmp", "--copy");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
	assert_contains(o.error, "--copy");
	assert_contains(o.error, "requires an argument");
}

/* A short option missing its argument (-c at the end) is a usage error saying so. */
static void missing_argument_short_option(void **state)
{
	struct ng_options o;
	ARGV("/tmp", "-c");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
	if (strstr(o.error, "'c'") == NULL && strstr(o.error, "-c") == NULL)
		fail_msg("'%s' does not name -c", o.error);
	assert_contains(o.error, "requires an argument");
}

/* A flag takes =yes|true|1|no|false|0 in any case, as clamdscan's do;
 * anything else is a usage error naming the option. */
static void flag_values(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--stream=yes", "--fdpass=FALSE", "--multiscan=1", "-i", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_true(o.stream);
		assert_false(o.fdpass);
		assert_true(o.multiscan);
		assert_int_equal(o.n_targets, 1);
	}
	{
		struct ng_options o;
		ARGV("--help=no", "--version");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_VERSION);
	}
	{
		struct ng_options o;
		ARGV("--stream=bogus", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
		assert_contains(o.error, "Incorrect argument format for option --stream");
	}
	{
		struct ng_options o;
		ARGV("--multiscan=", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
		assert_contains(o.error, "--multiscan (-m)");
	}
}

/* The first of a repeated option wins, as in clamdscan: files, flags. */
static void first_occurrence_wins(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--log=a", "-l", "b", "-c", "A", "--config-file=B", "-f", "L1", "--file-list", "L2");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_string_equal(o.log_file, "a");
		assert_string_equal(o.config_file, "A");
		assert_string_equal(o.file_list, "L1");
	}
	{
		struct ng_options o;
		ARGV("--stream=no", "--stream", "--timeout=5", "--timeout=9");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_false(o.stream);
		assert_int_equal(o.timeout, 5);
	}
}

/* Any unambiguous beginning of an option's name stands for it, over
 * clamdscan's whole table (clamscan's names included): ours only where no
 * clamdscan name begins so. */
static void abbreviations(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--mu", "--no-s", "--inf", "--lo", "L", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_true(o.multiscan);
		assert_true(o.no_summary);
		assert_true(o.infected_only);
		assert_string_equal(o.log_file, "L");
		assert_int_equal(o.n_targets, 1);
	}
	{
		/* clamdscan reads --j as clamscan's --jar, --ti as --timelimit */
		struct ng_options o;
		ARGV("--j", "--ti", "5", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_false(o.json);
		assert_int_equal(o.timeout, 300);
		assert_int_equal(o.n_warnings, 2);
		assert_contains(o.warnings[0], "--jar");
		assert_contains(o.warnings[1], "--timelimit");
		assert_int_equal(o.n_targets, 1);
	}
	{
		/* no clamdscan name begins "timeo": ours */
		struct ng_options o;
		ARGV("--timeo=7", "--local-f");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.timeout, 7);
		assert_true(o.local_fallback);
	}
	{
		struct ng_options o;
		ARGV("--st", "/tmp");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_USAGE);
		assert_contains(o.error, "ambiguous");
	}
}

/* Targets are collected in order, around options, after "--", "-" included, pointing into argv. */
static void targets_collected_in_order(void **state)
{
	struct ng_options o;
	ARGV("a", "-v", "b", "--timeout", "5", "-", "--", "-c", "--stream");
	char *a = argv[1], *b = argv[3], *dash = argv[6], *c = argv[8], *s = argv[9];

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_true(o.verbose);
	assert_int_equal(o.timeout, 5);
	assert_null(o.config_file);
	assert_false(o.stream);
	assert_int_equal(o.n_targets, 5);
	assert_ptr_equal(o.targets[0], a);
	assert_ptr_equal(o.targets[1], b);
	assert_ptr_equal(o.targets[2], dash);
	assert_ptr_equal(o.targets[3], c);
	assert_ptr_equal(o.targets[4], s);
	assert_string_equal(o.targets[0], "a");
	assert_string_equal(o.targets[2], "-");
	assert_string_equal(o.targets[3], "-c");
	assert_null(o.targets[o.n_targets]);
}

/* clamscan's options are accepted with clamdscan's warning, one per
 * occurrence, in order; a value they take is consumed, never checked. */
static void clamscan_options_ignored(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("-r", "/tmp", "--recursive=yes", "--bell", "--cross-fs=no");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.n_warnings, 4);
		assert_string_equal(o.warnings[0], "Ignoring unsupported option --recursive (-r)");
		assert_string_equal(o.warnings[1], "Ignoring unsupported option --recursive (-r)");
		assert_string_equal(o.warnings[2], "Ignoring unsupported option --bell");
		assert_string_equal(o.warnings[3], "Ignoring unsupported option --cross-fs");
		assert_int_equal(o.n_targets, 1);
		assert_string_equal(o.targets[0], "/tmp");
	}
	{
		/* the next word is the value of --max-filesize, not a target */
		struct ng_options o;
		ARGV("--max-filesize", "tree", "--disable-summary", "-rd", "x", "-a");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.n_targets, 0);
		assert_int_equal(o.n_warnings, 5);
		assert_string_equal(o.warnings[1], "Ignoring deprecated option --disable-summary");
		assert_string_equal(o.warnings[3], "Ignoring unsupported option --database (-d)");
		assert_string_equal(o.warnings[4], "Ignoring unsupported option --archive-verbose (-a)");
		assert_null(o.database);
		assert_false(o.no_summary);
	}
}

/* More ignored options than the warnings hold are accepted; the count stops. */
static void many_ignored_options_capped(void **state)
{
	struct ng_options o;
	char *argv[OPTIONS_MAX_WARNINGS + 10];
	int argc = 0;

	(void)state;
	argv[argc++] = "clamdscan-ng";
	while (argc < OPTIONS_MAX_WARNINGS + 8)
		argv[argc++] = "-r";
	argv[argc++] = "/t";
	argv[argc] = NULL;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_int_equal(o.n_warnings, OPTIONS_MAX_WARNINGS);
	assert_int_equal(o.n_targets, 1);
}

/* -V and --version set CMD_VERSION. */
static void version_command(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("-V");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_VERSION);
	}
	{
		struct ng_options o;
		ARGV("--version");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_VERSION);
	}
}

/* -h and --help set CMD_HELP, and win over -V in either order. */
static void help_command(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--help");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_HELP);
	}
	{
		struct ng_options o;
		ARGV("-h", "-V");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_HELP);
	}
	{
		struct ng_options o;
		ARGV("-V", "-h");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_HELP);
	}
}

/* --reload sets CMD_RELOAD. */
static void reload_command(void **state)
{
	struct ng_options o;
	ARGV("--reload");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_int_equal(o.command, CMD_RELOAD);
	assert_int_equal(o.n_targets, 0);
}

/* -h wins over --reload whatever the order, as it wins over -V. */
static void help_wins_over_reload_in_either_order(void **state)
{
	(void)state;
	{
		struct ng_options o;
		ARGV("--reload", "-h");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_HELP);
	}
	{
		struct ng_options o;
		ARGV("-h", "--reload");

		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.command, CMD_HELP);
	}
}

/* A second parse starts from scratch: nothing of the first one's options is kept. */
static void second_parse_starts_clean(void **state)
{
	struct ng_options o;
	char *argv1[] = { "clamdscan-ng", "-v", "--stream", "--move", "/q", "a", NULL };
	char *argv2[] = { "clamdscan-ng", "b", NULL };

	(void)state;
	assert_int_equal(options_parse(6, argv1, &o), OPTS_OK);
	assert_true(o.verbose);
	assert_int_equal(o.n_targets, 1);
	assert_int_equal(options_parse(2, argv2, &o), OPTS_OK);
	assert_false(o.verbose);
	assert_false(o.stream);
	assert_int_equal(o.action, ACTION_NONE);
	assert_int_equal(o.n_targets, 1);
	assert_string_equal(o.targets[0], "b");
}

/* A parse that stopped inside a cluster of short options ("-xm") leaves nothing for the next parse. */
static void parse_after_error_in_short_cluster_starts_clean(void **state)
{
	struct ng_options o;
	char *argv1[] = { "clamdscan-ng", "-xm", NULL };
	char *argv2[] = { "clamdscan-ng", "file", NULL };

	(void)state;
	assert_int_equal(options_parse(2, argv1, &o), OPTS_USAGE);
	assert_contains(o.error, "'x'");
	assert_int_equal(options_parse(2, argv2, &o), OPTS_OK);
	assert_false(o.multiscan);
	assert_int_equal(o.n_targets, 1);
	assert_string_equal(o.targets[0], "file");
}

/* The help text lists clamdscan-ng's options. */
static void help_text_lists_options(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	(void)state;
	assert_non_null(f);
	options_help(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	assert_contains(text, "--stream");
	assert_contains(text, "--fdpass");
	assert_contains(text, "--timeout");
	assert_contains(text, "--ping");
	assert_contains(text, "--multiscan");
	assert_contains(text, "--local ");
	assert_contains(text, "--local-fallback");
	assert_contains(text, "--database=DIR");
	assert_contains(text, "--socket=PATH");
	assert_contains(text, "--host=HOST[:PORT]");
	assert_contains(text, "--progress");
	assert_contains(text, "--no-progress");
	free(text);
}

/* --socket and --host are kept in command-line order, marked by kind. */
static void daemons_in_order(void **state)
{
	struct ng_options o;
	ARGV("--host=a.example:1", "--socket", "/s1", "--host=[::1]", "--socket=/s2", "x");

	(void)state;
	assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
	assert_int_equal(o.n_daemons, 4);
	assert_true(o.daemons[0].tcp);
	assert_string_equal(o.daemons[0].value, "a.example:1");
	assert_false(o.daemons[1].tcp);
	assert_string_equal(o.daemons[1].value, "/s1");
	assert_true(o.daemons[2].tcp);
	assert_false(o.daemons[3].tcp);
	assert_int_equal(o.n_targets, 1);
}

/* HOST[:PORT] splitting: defaults, brackets, bare IPv6, and the errors. */
static void host_parsing(void **state)
{
	static const struct {
		const char *arg;
		const char *host; /* NULL: refused */
		unsigned port;
	} cases[] = {
		{ "localhost", "localhost", 3310 },
		{ "127.0.0.1:3311", "127.0.0.1", 3311 },
		{ "[::1]:65535", "::1", 65535 },
		{ "[::1]", "::1", 3310 },
		{ "::1", "::1", 3310 },
		{ "fe80::1%lo", "fe80::1%lo", 3310 },
		{ "h:1", "h", 1 },
		{ "h:0", NULL, 0 },
		{ "h:65536", NULL, 0 },
		{ "h:99999999999999999999", NULL, 0 },
		{ "h:", NULL, 0 },
		{ "h:-1", NULL, 0 },
		{ "h:+1", NULL, 0 },
		{ "h:1x", NULL, 0 },
		{ ":3310", NULL, 0 },
		{ "", NULL, 0 },
		{ "[::1", NULL, 0 },
		{ "::1]:3310", NULL, 0 },
		{ "[]:3310", NULL, 0 },
		{ "[::1]x", NULL, 0 },
		{ "[::1]:", NULL, 0 },
		{ "[[::1]]:1", NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char host[256], err[200] = "";
		unsigned port = 0;
		int rc = endpoint_parse_host(cases[i].arg, host, sizeof(host), &port, err, sizeof(err));

		if (cases[i].host == NULL) {
			if (rc != -1 || err[0] == '\0')
				fail_msg("'%s' accepted", cases[i].arg);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s' refused: %s", cases[i].arg, err);
		assert_string_equal(host, cases[i].host);
		assert_int_equal(port, cases[i].port);
	}
}

/* A bad --host or --socket is a usage error naming the option. */
static void bad_daemon_options(void **state)
{
	static const char *const bad[] = { "--host=h:0", "--host=[::1", "--host=", "--socket=" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ng_options o;
		char *argv[] = { "clamdscan-ng", (char *)bad[i], NULL };

		assert_int_equal(options_parse(2, argv, &o), OPTS_USAGE);
		assert_contains(o.error, strncmp(bad[i], "--host", 6) == 0 ? "--host" : "--socket");
	}
}

/* --progress and --no-progress: the first one wins; neither means automatic. */
static void progress_flags(void **state)
{
	struct ng_options o;

	(void)state;
	{
		ARGV("x");
		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.progress, -1);
	}
	{
		ARGV("--progress", "x");
		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.progress, 1);
	}
	{
		ARGV("--progress", "--no-progress", "x");
		assert_int_equal(options_parse(argc, argv, &o), OPTS_OK);
		assert_int_equal(o.progress, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_without_options),
		cmocka_unit_test(each_flag_sets_its_field),
		cmocka_unit_test(clustered_short_flags),
		cmocka_unit_test(file_options_store_argument),
		cmocka_unit_test(action_options),
		cmocka_unit_test(actions_precedence),
		cmocka_unit_test(stream_with_fdpass_is_accepted),
		cmocka_unit_test(local_options),
		cmocka_unit_test(local_conflicts_are_usage_errors),
		cmocka_unit_test(ping_attempts_and_interval),
		cmocka_unit_test(ping_spellings_and_wait),
		cmocka_unit_test(ping_bad_values),
		cmocka_unit_test(timeout_values),
		cmocka_unit_test(timeout_bad_values_are_usage_errors),
		cmocka_unit_test(unknown_long_option_is_usage_error),
		cmocka_unit_test(unknown_short_option_is_usage_error),
		cmocka_unit_test(missing_argument_long_option),
		cmocka_unit_test(missing_argument_short_option),
		cmocka_unit_test(flag_values),
		cmocka_unit_test(first_occurrence_wins),
		cmocka_unit_test(abbreviations),
		cmocka_unit_test(targets_collected_in_order),
		cmocka_unit_test(clamscan_options_ignored),
		cmocka_unit_test(many_ignored_options_capped),
		cmocka_unit_test(version_command),
		cmocka_unit_test(help_command),
		cmocka_unit_test(reload_command),
		cmocka_unit_test(help_wins_over_reload_in_either_order),
		cmocka_unit_test(second_parse_starts_clean),
		cmocka_unit_test(parse_after_error_in_short_cluster_starts_clean),
		cmocka_unit_test(help_text_lists_options),
		cmocka_unit_test(daemons_in_order),
		cmocka_unit_test(host_parsing),
		cmocka_unit_test(bad_daemon_options),
		cmocka_unit_test(progress_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
