/* Unit tests for src/conf.c: the clamd.conf reader. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"

#define MIB (1024ULL * 1024ULL)

/* Parses text as "test.conf" into a fresh conf; returns conf_parse's result. */
static int parse_text(struct ng_conf *c, const char *text, char *err, size_t errlen)
{
	conf_init(c);
	err[0] = '\0';
	return conf_parse(c, "test.conf", text, err, errlen);
}

/* Asserts that text fails to parse with an error naming "test.conf:LINE:" and needle. */
static void assert_parse_error(const char *text, unsigned line, const char *needle)
{
	struct ng_conf c;
	char err[512], where[64];

	if (parse_text(&c, text, err, sizeof(err)) != -1)
		fail_msg("'%s' was accepted; an error was expected", text);
	snprintf(where, sizeof(where), "test.conf:%u: ", line);
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, where);
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, needle);
	conf_free(&c);
}

/* Writes text to a new temporary file; returns its malloc'd path. */
static char *temp_file(const char *text)
{
	char tmpl[] = "/tmp/test_conf.XXXXXX";
	int fd = mkstemp(tmpl);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	return strdup(tmpl);
}

/* conf_init gives clamd's defaults: 100M stream limit, recursion 15, no symlinks, nothing set. */
static void defaults_match_clamd(void **state)
{
	struct ng_conf c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	conf_init(&c);
	assert_int_equal(c.stream_max_length, 100 * MIB);
	assert_int_equal(c.max_dir_recursion, 15);
	assert_false(c.follow_dir_symlinks);
	assert_false(c.follow_file_symlinks);
	assert_null(c.local_socket);
	assert_int_equal(c.tcp_port, 0);
	assert_int_equal(c.n_tcp_addr, 0);
	assert_int_equal(c.exclude.n, 0);
	assert_true(c.cross_filesystems);
	assert_true(c.enable_version_command);
	assert_null(c.database_directory);
	assert_int_equal(c.max_file_size, 100 * MIB);
	assert_int_equal(c.max_scan_size, 400 * MIB);
	assert_int_equal(c.max_recursion, 17);
	assert_int_equal(c.max_files, 10000);
	assert_true(c.scan_archive);
	assert_false(c.alert_exceeds_max);
	conf_free(&c);
}

/* An empty text and a text of only comments and blank lines keep the defaults. */
static void comments_and_blank_lines_keep_defaults(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "", err, sizeof(err)), 0);
	assert_int_equal(c.stream_max_length, 100 * MIB);
	conf_free(&c);

	assert_int_equal(parse_text(&c,
				    "# clamd.conf\n"
				    "\n"
				    "   \n"
				    "\t# indented comment\n"
				    "#LocalSocket relative\n"
				    "#TCPSocket abc\n"
				    "#Example\n",
				    err, sizeof(err)), 0);
	assert_null(c.local_socket);
	assert_int_equal(c.tcp_port, 0);
	assert_int_equal(c.stream_max_length, 100 * MIB);
	assert_int_equal(c.max_dir_recursion, 15);
	conf_free(&c);
}

/* Every key the client reads is stored. */
static void every_key_is_read(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "LocalSocket /run/clamav/clamd.ctl\n"
				    "TCPSocket 3310\n"
				    "TCPAddr 127.0.0.1\n"
				    "StreamMaxLength 25M\n"
				    "MaxDirectoryRecursion 20\n"
				    "FollowDirectorySymlinks yes\n"
				    "FollowFileSymlinks true\n"
				    "ExcludePath ^/proc/\n",
				    err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.local_socket, "/run/clamav/clamd.ctl");
	assert_int_equal(c.tcp_port, 3310);
	assert_int_equal(c.n_tcp_addr, 1);
	assert_string_equal(c.tcp_addr[0], "127.0.0.1");
	assert_int_equal(c.stream_max_length, 25 * MIB);
	assert_int_equal(c.max_dir_recursion, 20);
	assert_true(c.follow_dir_symlinks);
	assert_true(c.follow_file_symlinks);
	assert_int_equal(c.exclude.n, 1);
	assert_true(conf_excluded(&c, "/proc/1"));
	conf_free(&c);
}

/* The keys a local (libclamav) scan applies are stored; a later line wins. */
static void local_scan_keys_are_read(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "DatabaseDirectory /tmp/first\n"
				    "DatabaseDirectory \"/srv/clam db\"\n"
				    "MaxFileSize 25M\n"
				    "MaxScanSize 512K\n"
				    "MaxRecursion 5\n"
				    "MaxFiles 0\n"
				    "ScanArchive no\n"
				    "AlertExceedsMax yes\n",
				    err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.database_directory, "/srv/clam db");
	assert_int_equal(c.max_file_size, 25 * MIB);
	assert_int_equal(c.max_scan_size, 512 * 1024);
	assert_int_equal(c.max_recursion, 5);
	assert_int_equal(c.max_files, 0);
	assert_false(c.scan_archive);
	assert_true(c.alert_exceeds_max);
	conf_free(&c);
	assert_null(c.database_directory);
	/* the two sizes and the two numbers do not land in each other's field */
	assert_int_equal(parse_text(&c, "MaxScanSize 1M\nMaxFiles 7\n", err, sizeof(err)), 0);
	assert_int_equal(c.max_file_size, 100 * MIB);
	assert_int_equal(c.max_scan_size, 1 * MIB);
	assert_int_equal(c.max_recursion, 17);
	assert_int_equal(c.max_files, 7);
	conf_free(&c);
}

/* Bad values for the local scan keys name file, line and key. */
static void local_scan_bad_values_are_errors(void **state)
{
	(void)state;
	assert_parse_error("MaxFileSize 12Q\n", 1, "MaxFileSize");
	assert_parse_error("# x\nMaxScanSize lots\n", 2, "MaxScanSize");
	assert_parse_error("MaxRecursion -1\n", 1, "MaxRecursion");
	assert_parse_error("MaxFiles 4294967296\n", 1, "MaxFiles");
	assert_parse_error("ScanArchive maybe\n", 1, "ScanArchive");
	assert_parse_error("AlertExceedsMax 2\n", 1, "AlertExceedsMax");
	assert_parse_error("DatabaseDirectory\n", 1, "Missing argument for option DatabaseDirectory");
}

/* Repeated TCPAddr lines are all kept, in order. */
static void tcpaddr_repeated_kept_in_order(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "TCPAddr 127.0.0.1\n"
				    "TCPSocket 3310\n"
				    "TCPAddr ::1\n"
				    "TCPAddr localhost\n",
				    err, sizeof(err)), 0);
	assert_int_equal(c.n_tcp_addr, 3);
	assert_string_equal(c.tcp_addr[0], "127.0.0.1");
	assert_string_equal(c.tcp_addr[1], "::1");
	assert_string_equal(c.tcp_addr[2], "localhost");
	conf_free(&c);
}

/* Any number of TCPAddr lines is read, as clamd reads them. */
static void tcpaddr_many_are_kept(void **state)
{
	char text[4096] = "";
	struct ng_conf c;
	char err[256];

	(void)state;
	for (int i = 0; i < 100; i++) {
		char line[64];

		snprintf(line, sizeof(line), "TCPAddr 10.0.0.%d\n", i + 1);
		strcat(text, line);
	}
	assert_int_equal(parse_text(&c, text, err, sizeof(err)), 0);
	assert_int_equal(c.n_tcp_addr, 100);
	assert_string_equal(c.tcp_addr[99], "10.0.0.100");
	conf_free(&c);
}

/* A later LocalSocket replaces an earlier one. */
static void local_socket_last_wins(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "LocalSocket /a.sock\nLocalSocket /b.sock\n", err, sizeof(err)), 0);
	assert_string_equal(c.local_socket, "/b.sock");
	conf_free(&c);
	assert_null(c.local_socket);
}

/* StreamMaxLength takes K, M (either case) or plain bytes. */
static void stream_max_length_units(void **state)
{
	static const struct {
		const char *text;
		uint64_t want;
	} cases[] = {
		{ "StreamMaxLength 25M\n", 25 * MIB },
		{ "StreamMaxLength 25m\n", 25 * MIB },
		{ "StreamMaxLength 512K\n", 512 * 1024 },
		{ "StreamMaxLength 512k\n", 512 * 1024 },
		{ "StreamMaxLength 1048576\n", 1048576 },
		/* clamd reads 0 as "no limit" */
		{ "StreamMaxLength 0\n", CONF_UNLIMITED },
		{ "StreamMaxLength 4096M\n", 4096 * MIB },
		{ "StreamMaxLength 8G\n", 8192 * MIB },
		/* strtoll with base 0, as clamd: a leading 0 is octal */
		{ "StreamMaxLength 010M\n", 8 * MIB },
		/* ClamAV 1.5's inline comments */
		{ "StreamMaxLength 2M # two\n", 2 * MIB },
		{ "StreamMaxLength 3M#three\n", 3 * MIB },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ng_conf c;
		char err[256];

		assert_int_equal(parse_text(&c, cases[i].text, err, sizeof(err)), 0);
		assert_int_equal(c.stream_max_length, cases[i].want);
		conf_free(&c);
	}
}

/* StreamMaxLength with an unknown suffix is an error naming file, line and key. */
static void stream_max_length_bad_suffix_is_error(void **state)
{
	(void)state;
	assert_parse_error("# limits\nStreamMaxLength 12Q\n", 2, "StreamMaxLength");
	assert_parse_error("StreamMaxLength M\n", 1, "StreamMaxLength");
	assert_parse_error("StreamMaxLength -1\n", 1, "StreamMaxLength");
	assert_parse_error("StreamMaxLength 12MB\n", 1, "StreamMaxLength");
}

/* A size too large for clamd is its largest value, with clamd's warning,
 * and never wraps around to a small one. */
static void stream_max_length_too_large_is_clamped(void **state)
{
	static const char *const texts[] = {
		/* 2^44 M = 2^64 bytes: must not wrap around to 0 */
		"StreamMaxLength 17592186044416M\n",
		/* 2^54 K + 1K would wrap to 1024 */
		"StreamMaxLength 18014398509481985K\n",
		"StreamMaxLength 99999999999999999999999\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct ng_conf c;
		char err[256];

		assert_int_equal(parse_text(&c, texts[i], err, sizeof(err)), 0);
		assert_int_equal(c.stream_max_length, (uint64_t)LLONG_MAX);
		assert_int_equal(c.n_warnings, 1);
		assert_non_null(strstr(c.warnings[0], "test.conf:1: Numerical value for option StreamMaxLength too high"));
		conf_free(&c);
	}
}

/* MaxDirectoryRecursion takes a whole number, 0 included. */
static void max_dir_recursion_values(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "MaxDirectoryRecursion 0\n", err, sizeof(err)), 0);
	assert_int_equal(c.max_dir_recursion, 0);
	conf_free(&c);
	assert_int_equal(parse_text(&c, "MaxDirectoryRecursion 255\n", err, sizeof(err)), 0);
	assert_int_equal(c.max_dir_recursion, 255);
	conf_free(&c);
	assert_parse_error("MaxDirectoryRecursion many\n", 1, "MaxDirectoryRecursion");
	assert_parse_error("MaxDirectoryRecursion -3\n", 1, "MaxDirectoryRecursion");
}

/* The Follow*Symlinks keys take yes/no/true/false and set only their own flag. */
static void follow_symlinks_booleans(void **state)
{
	static const struct {
		const char *text;
		bool dir, file;
	} cases[] = {
		{ "FollowDirectorySymlinks yes\n", true, false },
		{ "FollowDirectorySymlinks true\n", true, false },
		{ "FollowDirectorySymlinks no\n", false, false },
		{ "FollowDirectorySymlinks false\n", false, false },
		{ "FollowFileSymlinks yes\n", false, true },
		{ "FollowFileSymlinks true\n", false, true },
		{ "FollowFileSymlinks no\n", false, false },
		{ "FollowFileSymlinks false\n", false, false },
		{ "FollowFileSymlinks yes\nFollowFileSymlinks no\n", false, false },
		{ "FollowFileSymlinks YES\n", false, true },
		{ "FollowFileSymlinks 1\n", false, true },
		{ "FollowFileSymlinks yes # 1.5 comment\n", false, true },
		{ "FollowDirectorySymlinks yes\nFollowFileSymlinks yes\n", true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ng_conf c;
		char err[256];

		assert_int_equal(parse_text(&c, cases[i].text, err, sizeof(err)), 0);
		assert_int_equal(c.follow_dir_symlinks, cases[i].dir);
		assert_int_equal(c.follow_file_symlinks, cases[i].file);
		conf_free(&c);
	}
}

/* A boolean key with a value that is not yes/no is an error naming the key. */
static void follow_symlinks_bad_value_is_error(void **state)
{
	(void)state;
	assert_parse_error("FollowFileSymlinks maybe\n", 1, "FollowFileSymlinks");
	assert_parse_error("\n\nFollowDirectorySymlinks 2\n", 3, "FollowDirectorySymlinks");
	/* clamd's words only: "on" is refused by clamd, so here too */
	assert_parse_error("FollowFileSymlinks on\n", 1, "FollowFileSymlinks");
	assert_parse_error("FollowFileSymlinks yes please\n", 1, "FollowFileSymlinks");
}

/* Keys of clamd's that the client does not use are checked as clamd checks
 * them; a key clamd does not know is an error, as for clamd and clamdscan. */
static void other_keys_checked_as_clamd_does(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "LogFile /var/log/clamav/clamd.log\n"
				    "Foreground yes\n"
				    "MaxThreads 12\n"
				    "BytecodeMode ForceJIT\n"
				    "TCPSocket 3310\n",
				    err, sizeof(err)), 0);
	assert_int_equal(c.tcp_port, 3310);
	assert_null(c.local_socket);
	assert_int_equal(c.n_warnings, 0);
	conf_free(&c);
	assert_parse_error("TCPSocket 3310\nSomethingNew (\n", 2, "Unknown option SomethingNew");
	assert_parse_error("Foreground\n", 1, "Missing argument");
	assert_parse_error("MaxThreads lots\n", 1, "Incorrect argument format for option MaxThreads");
	assert_parse_error("BytecodeMode Fast\n", 1, "BytecodeMode");
	assert_parse_error("localsocket /s\n", 1, "Unknown option localsocket");
}

/* Keys ClamAV 1.5 added are known, and EnableVersionCommand is kept;
 * a key 1.5 removed is still accepted (a 1.4 file). */
static void keys_of_1_4_and_1_5_known(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "EnableVersionCommand no\n"
				    "EnableStatsCommand yes\n"
				    "JsonStorePDFURIs no\n"
				    "DevCollectHashes no\n",
				    err, sizeof(err)), 0);
	assert_false(c.enable_version_command);
	conf_free(&c);
}

/* A deprecated key is a warning naming file and line, not an error. */
static void deprecated_key_warns(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "# x\nArchiveMaxFiles 10\nTCPSocket 1\n", err, sizeof(err)), 0);
	assert_int_equal(c.n_warnings, 1);
	assert_string_equal(c.warnings[0], "test.conf:2: Ignoring deprecated option ArchiveMaxFiles");
	assert_int_equal(c.tcp_port, 1);
	conf_free(&c);
}

/* A comment after a value is cut as ClamAV 1.5 cuts it: at the first '#',
 * with the blanks before it; 1.4 files without comments read the same. */
static void inline_comments_cut(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "LocalSocket /run/clamav/clamd.ctl # main socket\n"
				    "TCPSocket 3310  # port\n"
				    "TCPAddr 127.0.0.1 #\n"
				    "MaxDirectoryRecursion 4 # deep enough\n"
				    "CrossFilesystems no # only this one\n"
				    "ExcludePath ^/proc/ # kernel\n"
				    "DatabaseDirectory \"/srv/clam db\" # quoted\n",
				    err, sizeof(err)), 0);
	assert_string_equal(c.local_socket, "/run/clamav/clamd.ctl");
	assert_int_equal(c.tcp_port, 3310);
	assert_string_equal(c.tcp_addr[0], "127.0.0.1");
	assert_int_equal(c.max_dir_recursion, 4);
	assert_false(c.cross_filesystems);
	assert_true(conf_excluded(&c, "/proc/1"));
	assert_false(conf_excluded(&c, "/procx"));
	assert_string_equal(c.database_directory, "/srv/clam db");
	conf_free(&c);
	/* nothing left but the comment: no value */
	assert_parse_error("LocalSocket #only a comment\n", 1, "LocalSocket");
	/* 1.5 allows only spaces between a number and its comment */
	assert_parse_error("TCPSocket 3310\t# port\n", 1, "TCPSocket");
}

/* A value in double quotes is read without the quotes (spaces kept). */
static void quoted_value(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "LocalSocket \"/tmp/my socket\"\n", err, sizeof(err)), 0);
	assert_string_equal(c.local_socket, "/tmp/my socket");
	conf_free(&c);
}

/* Tabs between key and value, trailing blanks and CRLF line ends are accepted. */
static void whitespace_and_crlf(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "  TCPSocket\t3311  \r\n"
				    "LocalSocket /s.sock\r\n"
				    "StreamMaxLength 1M\r\n",
				    err, sizeof(err)), 0);
	assert_int_equal(c.tcp_port, 3311);
	assert_string_equal(c.local_socket, "/s.sock");
	assert_int_equal(c.stream_max_length, MIB);
	conf_free(&c);
}

/* A last line without a newline is still read. */
static void last_line_without_newline(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "TCPSocket 1\nTCPSocket 65535", err, sizeof(err)), 0);
	assert_int_equal(c.tcp_port, 65535);
	conf_free(&c);
}

/* TCPSocket that is not a number is an error naming file, line and key. */
static void tcpsocket_not_a_number_is_error(void **state)
{
	(void)state;
	assert_parse_error("TCPSocket abc\n", 1, "TCPSocket");
	assert_parse_error("TCPSocket 33 10\n", 1, "TCPSocket");
	assert_parse_error("TCPSocket -1\n", 1, "TCPSocket");
}

/* TCPSocket outside 1..65535 is an error naming file, line and key. */
static void tcpsocket_out_of_range_is_error(void **state)
{
	(void)state;
	assert_parse_error("# c\nTCPSocket 70000\n", 2, "TCPSocket");
	assert_parse_error("TCPSocket 0\n", 1, "TCPSocket");
	assert_parse_error("TCPSocket 65536\n", 1, "TCPSocket");
	assert_parse_error("TCPSocket 99999999999999999999999\n", 1, "TCPSocket");
}

/* A relative LocalSocket is an error naming file, line and key. */
static void local_socket_relative_is_error(void **state)
{
	(void)state;
	assert_parse_error("LocalSocket relative/path\n", 1, "LocalSocket");
}

/* clamd takes any ExcludePath and excludes nothing with one it cannot
 * compile: the same here, with a warning naming file and line. */
static void exclude_path_invalid_regex_warns(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "ExcludePath ^/proc/\nExcludePath (\n", err, sizeof(err)), 0);
	assert_int_equal(c.n_warnings, 1);
	assert_non_null(strstr(c.warnings[0], "test.conf:2: ExcludePath '(' cannot be used"));
	assert_true(conf_excluded(&c, "/proc/x"));
	assert_false(conf_excluded(&c, "/srv/("));
	conf_free(&c);
}

/* ExcludePath as clamd matches it: a pattern ending in '/' also excludes the
 * directory itself, and only the first 512 bytes of a path are looked at. */
static void exclude_path_matched_as_clamd(void **state)
{
	struct ng_conf c;
	char err[256], longpath[700];

	(void)state;
	assert_int_equal(parse_text(&c, "ExcludePath ^/srv/proc/\nExcludePath x$\n", err,
				    sizeof(err)), 0);
	assert_true(conf_excluded(&c, "/srv/proc"));
	assert_true(conf_excluded(&c, "/srv/proc/1/maps"));
	assert_false(conf_excluded(&c, "/srv/process"));
	memset(longpath, 'a', sizeof(longpath) - 2);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 2] = 'x';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_false(conf_excluded(&c, longpath)); /* the 'x' is past byte 512 */
	longpath[511] = 'x';
	longpath[512] = '\0';
	assert_true(conf_excluded(&c, longpath));
	/* '.' matches a newline, and '^'/'$' only the ends, as regexec(3) */
	assert_true(conf_excluded(&c, "/srv/proc\nx"));
	conf_free(&c);
	assert_int_equal(parse_text(&c, "ExcludePath ^/a.b$\n", err, sizeof(err)), 0);
	assert_true(conf_excluded(&c, "/a\nb"));
	assert_false(conf_excluded(&c, "/x\n/a.b\nz"));
	conf_free(&c);
}

/* clamd's regcomp (Henry Spencer's) makes an escaped letter or digit
 * ordinary and a backslash in brackets literal: a lab clamd 1.4.6 with
 * these two lines excluded ".../xd" and ".../y\]" and nothing else here. */
static void exclude_path_escapes_as_clamd(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c, "ExcludePath /x\\d$\nExcludePath /y[\\]]$\n", err,
				    sizeof(err)), 0);
	assert_int_equal(c.n_warnings, 0);
	assert_true(conf_excluded(&c, "/t/xd"));
	assert_false(conf_excluded(&c, "/t/x1"));
	assert_true(conf_excluded(&c, "/t/y\\]"));
	assert_false(conf_excluded(&c, "/t/y\\"));
	assert_false(conf_excluded(&c, "/t/y]"));
	conf_free(&c);
	/* classes pass whole; "[]a]" and "[^]a]" begin with a member ']' */
	assert_int_equal(parse_text(&c, "ExcludePath ^/[[:digit:]]+$\nExcludePath ^/k[]a]$\n"
				    "ExcludePath ^/n[^]a]$\n", err, sizeof(err)), 0);
	assert_int_equal(c.n_warnings, 0);
	assert_true(conf_excluded(&c, "/123"));
	assert_true(conf_excluded(&c, "/k]"));
	assert_true(conf_excluded(&c, "/nb"));
	assert_false(conf_excluded(&c, "/n]"));
	conf_free(&c);
}

/* A key the client reads, given with no value, is an error naming the key. */
static void read_key_without_value_is_error(void **state)
{
	static const char *const keys[] = {
		"LocalSocket", "TCPSocket", "TCPAddr", "StreamMaxLength", "MaxDirectoryRecursion",
		"FollowDirectorySymlinks", "FollowFileSymlinks", "ExcludePath", "LogFile",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "# one\n\n%s   \n", keys[i]);
		assert_parse_error(text, 3, keys[i]);
	}
}

/* The "Example" line of an unedited sample configuration is an error. */
static void example_line_is_error(void **state)
{
	(void)state;
	assert_parse_error("##\n## Example config file\n##\nExample\nLocalSocket /s\n", 4, "Example");
}

/* A line longer than the reader's buffer is an error, not a silent cut. */
static void overlong_line_is_error(void **state)
{
	char *text = malloc(6000);

	(void)state;
	assert_non_null(text);
	strcpy(text, "TCPSocket 3310\nLocalSocket /");
	memset(text + strlen(text), 'a', 5000);
	text[15 + 13 + 5000] = '\0';
	assert_parse_error(text, 2, "line too long");
	free(text);
}

/* conf_excluded matches paths against every ExcludePath (POSIX extended regex). */
static void excluded_matches_patterns(void **state)
{
	struct ng_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse_text(&c,
				    "ExcludePath ^/proc/\n"
				    "ExcludePath \\.(tmp|bak)$\n",
				    err, sizeof(err)), 0);
	assert_int_equal(c.exclude.n, 2);
	assert_true(conf_excluded(&c, "/proc/1/maps"));
	assert_false(conf_excluded(&c, "/tmp/proc/x"));
	assert_true(conf_excluded(&c, "/proc")); /* clamd appends the '/' first */
	assert_true(conf_excluded(&c, "/home/u/a.tmp"));
	assert_true(conf_excluded(&c, "/home/u/a.bak"));
	assert_false(conf_excluded(&c, "/home/u/a.tmpx"));
	assert_false(conf_excluded(&c, "/home/u/abak"));
	conf_free(&c);
}

/* With no ExcludePath nothing is excluded. */
static void excluded_nothing_without_patterns(void **state)
{
	struct ng_conf c;

	(void)state;
	conf_init(&c);
	assert_false(conf_excluded(&c, "/proc/1/maps"));
	assert_false(conf_excluded(&c, ""));
	conf_free(&c);
}

/* conf_load reads a file and reports errors as "PATH:LINE:". */
static void load_file_and_error_names_path_line(void **state)
{
	struct ng_conf c;
	char err[512], want[300];
	char *path = temp_file("LocalSocket /run/clamd.sock\nStreamMaxLength 2M\n");

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.local_socket, "/run/clamd.sock");
	assert_int_equal(c.stream_max_length, 2 * MIB);
	conf_free(&c);
	unlink(path);
	free(path);

	path = temp_file("TCPSocket 3310\n\nTCPSocket abc\n");
	conf_init(&c);
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: ", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	assert_non_null(strstr(err, "TCPSocket"));
	assert_int_equal(c.tcp_port, 3310); /* what was read before the error is kept */
	conf_free(&c);
	unlink(path);
	free(path);
}

/* conf_load on a missing file fails with an error naming the path. */
static void load_missing_file_names_path(void **state)
{
	struct ng_conf c;
	char err[512];
	const char *path = "/nonexistent-dir-for-test/clamd.conf";

	(void)state;
	conf_init(&c);
	err[0] = '\0';
	assert_int_equal(conf_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file or directory"));
	conf_free(&c);
}

/* conf_load on a directory fails with an error naming the path. */
static void load_directory_is_error(void **state)
{
	struct ng_conf c;
	char err[512];
	char tmpl[] = "/tmp/test_conf_dir.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	conf_init(&c);
	err[0] = '\0';
	assert_int_equal(conf_load(&c, tmpl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, tmpl));
	assert_null(c.local_socket);
	conf_free(&c);
	assert_int_equal(rmdir(tmpl), 0);
}

/* conf_load refuses a file holding a NUL byte. */
static void load_file_with_nul_is_error(void **state)
{
	struct ng_conf c;
	char err[512];
	char tmpl[] = "/tmp/test_conf.XXXXXX";
	int fd = mkstemp(tmpl);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "TCPSocket 1\n\0x\n", 15), 15);
	assert_int_equal(close(fd), 0);
	conf_init(&c);
	assert_int_equal(conf_load(&c, tmpl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, tmpl));
	conf_free(&c);
	unlink(tmpl);
}

/* Patterns that make glibc's regcomp take gigabytes or minutes (nested,
 * stacked or long runs of repetitions) are read at once and match in
 * linear time; none is refused. */
static void exclude_path_explosive_regex_is_bounded(void **state)
{
	static const char *const bad[] = {
		"ExcludePath ((((((((((((((((((((a)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+\n",
		"ExcludePath ((((((a){2,9}){2,9}){2,9}){2,9}){2,9}){2,9}\n",
		"ExcludePath a?b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?q?r?s?t?u?v?w?x?y?z?A?B?C?D?E?F?G?\n",
		"ExcludePath (x+x+)+y\n",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ng_conf c;
		char path[4096];

		conf_init(&c);
		assert_int_equal(conf_parse(&c, "x.conf", bad[i], err, sizeof(err)), 0);
		memset(path, 'x', sizeof(path) - 1);
		path[sizeof(path) - 1] = '\0';
		(void)conf_excluded(&c, path); /* returns promptly: the test's timeout says so */
		conf_free(&c);
	}
}

/* Seventy ExcludePath lines and one alternation of forty branches, which
 * clamd accepts, are all read and all used. */
static void exclude_path_no_count_or_branch_cap(void **state)
{
	char *text = malloc(70 * 64 + 2048);
	struct ng_conf c;
	char err[256], alt[2048] = "ExcludePath ^/srv/(", path[64];

	(void)state;
	assert_non_null(text);
	text[0] = '\0';
	for (int i = 0; i < 70; i++) {
		char line[64];

		snprintf(line, sizeof(line), "ExcludePath ^/data/dir%d/\n", i);
		strcat(text, line);
	}
	for (int i = 0; i < 40; i++) {
		char branch[32];

		snprintf(branch, sizeof(branch), "%sb%d+", i > 0 ? "|" : "", i);
		strcat(alt, branch);
	}
	strcat(alt, ")/\n");
	strcat(text, alt);
	assert_int_equal(parse_text(&c, text, err, sizeof(err)), 0);
	assert_int_equal(c.exclude.n, 71);
	assert_int_equal(c.n_warnings, 0);
	assert_true(conf_excluded(&c, "/data/dir69/f"));
	assert_true(conf_excluded(&c, "/data/dir0"));
	assert_false(conf_excluded(&c, "/data/dir70/f"));
	snprintf(path, sizeof(path), "/srv/b39999/x");
	assert_true(conf_excluded(&c, path));
	assert_false(conf_excluded(&c, "/srv/b40/x"));
	conf_free(&c);
	free(text);
}

/* Ordinary patterns, including bounded repetition, are accepted. */
static void exclude_path_ordinary_regexes_accepted(void **state)
{
	struct ng_conf c;
	char err[512];

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_parse(&c, "x.conf",
				    "ExcludePath ^/proc/\n"
				    "ExcludePath \\.(tmp|bak)$\n"
				    "ExcludePath [[:digit:]]{1,1000}x\n"
				    "ExcludePath ^/srv/(a+|b+)/cache[]/]\n",
				    err, sizeof(err)),
			 0);
	assert_int_equal(c.exclude.n, 4);
	assert_int_equal(c.n_warnings, 0);
	assert_true(conf_excluded(&c, "/srv/aaa/cache/x"));
	assert_true(conf_excluded(&c, "/home/x/file.bak"));
	assert_false(conf_excluded(&c, "/home/x/file.txt"));
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_match_clamd),
		cmocka_unit_test(comments_and_blank_lines_keep_defaults),
		cmocka_unit_test(every_key_is_read),
		cmocka_unit_test(local_scan_keys_are_read),
		cmocka_unit_test(local_scan_bad_values_are_errors),
		cmocka_unit_test(tcpaddr_repeated_kept_in_order),
		cmocka_unit_test(tcpaddr_many_are_kept),
		cmocka_unit_test(local_socket_last_wins),
		cmocka_unit_test(stream_max_length_units),
		cmocka_unit_test(stream_max_length_bad_suffix_is_error),
		cmocka_unit_test(stream_max_length_too_large_is_clamped),
		cmocka_unit_test(max_dir_recursion_values),
		cmocka_unit_test(follow_symlinks_booleans),
		cmocka_unit_test(follow_symlinks_bad_value_is_error),
		cmocka_unit_test(other_keys_checked_as_clamd_does),
		cmocka_unit_test(keys_of_1_4_and_1_5_known),
		cmocka_unit_test(deprecated_key_warns),
		cmocka_unit_test(inline_comments_cut),
		cmocka_unit_test(quoted_value),
		cmocka_unit_test(whitespace_and_crlf),
		cmocka_unit_test(last_line_without_newline),
		cmocka_unit_test(tcpsocket_not_a_number_is_error),
		cmocka_unit_test(tcpsocket_out_of_range_is_error),
		cmocka_unit_test(local_socket_relative_is_error),
		cmocka_unit_test(exclude_path_invalid_regex_warns),
		cmocka_unit_test(exclude_path_matched_as_clamd),
		cmocka_unit_test(exclude_path_escapes_as_clamd),
		cmocka_unit_test(exclude_path_explosive_regex_is_bounded),
		cmocka_unit_test(exclude_path_no_count_or_branch_cap),
		cmocka_unit_test(exclude_path_ordinary_regexes_accepted),
		cmocka_unit_test(read_key_without_value_is_error),
		cmocka_unit_test(example_line_is_error),
		cmocka_unit_test(overlong_line_is_error),
		cmocka_unit_test(excluded_matches_patterns),
		cmocka_unit_test(excluded_nothing_without_patterns),
		cmocka_unit_test(load_file_and_error_names_path_line),
		cmocka_unit_test(load_missing_file_names_path),
		cmocka_unit_test(load_directory_is_error),
		cmocka_unit_test(load_file_with_nul_is_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
