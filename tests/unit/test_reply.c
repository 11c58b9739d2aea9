/* Unit tests for src/reply.c: the record splitter and the reply line parser. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/reply.h"

/* ---------------------------------------------------------------------------
 * Splitter helpers
 * ------------------------------------------------------------------------ */

#define MAX_RECS 32

/* Records drained from a splitter, copied out (the splitter reuses its buffer). */
struct recs {
	char text[MAX_RECS][128];
	size_t len[MAX_RECS];
	size_t n;
	int last; /* the last splitter_next result */
};

/* Drains every complete record from s into out. */
static void drain(struct reply_splitter *s, struct recs *out)
{
	char *rec;
	size_t len;
	int rc;

	while ((rc = splitter_next(s, &rec, &len)) == 1) {
		assert_true(out->n < MAX_RECS);
		assert_true(len < sizeof(out->text[0]));
		memcpy(out->text[out->n], rec, len);
		out->text[out->n][len] = '\0';
		/* the record is NUL-terminated in place */
		assert_int_equal(rec[len], '\0');
		out->len[out->n] = len;
		out->n++;
	}
	out->last = rc;
}

/* Feeds data in chunks of at most chunk bytes, draining after each. */
static void feed_chunks(struct reply_splitter *s, const char *data, size_t n, size_t chunk,
			struct recs *out)
{
	size_t off = 0;

	while (off < n) {
		size_t c = n - off < chunk ? n - off : chunk;

		assert_int_equal(splitter_feed(s, data + off, c), c);
		off += c;
		drain(s, out);
	}
}

static void assert_same_recs(const struct recs *a, const struct recs *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->len[i], b->len[i]);
		assert_memory_equal(a->text[i], b->text[i], a->len[i]);
	}
}

/* A NUL-terminated stream: four records (one empty) and a tail of 4 bytes. */
static const char stream0[] = "abc\0/p: OK\0\0/x y: Eicar FOUND\0tail";
#define STREAM0_LEN (sizeof(stream0) - 1)

static void assert_stream0_recs(const struct recs *r)
{
	assert_int_equal(r->n, 4);
	assert_string_equal(r->text[0], "abc");
	assert_int_equal(r->len[0], 3);
	assert_string_equal(r->text[1], "/p: OK");
	assert_int_equal(r->len[1], 6);
	assert_string_equal(r->text[2], "");
	assert_int_equal(r->len[2], 0);
	assert_string_equal(r->text[3], "/x y: Eicar FOUND");
	assert_int_equal(r->len[3], 17);
}

/* ---------------------------------------------------------------------------
 * Splitter tests
 * ------------------------------------------------------------------------ */

/* Feeding the whole stream at once yields every record, in order, and keeps the tail pending. */
static void splitter_one_piece_yields_all_records(void **state)
{
	struct reply_splitter s;
	struct recs r = { 0 };

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 64), 0);
	assert_int_equal(splitter_feed(&s, stream0, STREAM0_LEN), STREAM0_LEN);
	drain(&s, &r);
	assert_stream0_recs(&r);
	assert_int_equal(r.last, 0);
	assert_int_equal(splitter_pending(&s), 4);
	splitter_free(&s);
}

/* Feeding one byte at a time yields exactly the same records as one piece. */
static void splitter_byte_by_byte_same_as_one_piece(void **state)
{
	struct reply_splitter s1, s2;
	struct recs whole = { 0 }, bytes = { 0 };

	(void)state;
	assert_int_equal(splitter_init(&s1, '\0', 64), 0);
	assert_int_equal(splitter_init(&s2, '\0', 64), 0);
	feed_chunks(&s1, stream0, STREAM0_LEN, STREAM0_LEN, &whole);
	feed_chunks(&s2, stream0, STREAM0_LEN, 1, &bytes);
	assert_stream0_recs(&bytes);
	assert_same_recs(&whole, &bytes);
	assert_int_equal(splitter_pending(&s1), 4);
	assert_int_equal(splitter_pending(&s2), 4);
	splitter_free(&s1);
	splitter_free(&s2);
}

/* Every chunk size and every single split point gives the same records. */
static void splitter_any_feed_boundary_same_records(void **state)
{
	(void)state;
	for (size_t chunk = 1; chunk <= STREAM0_LEN; chunk++) {
		struct reply_splitter s;
		struct recs r = { 0 };

		assert_int_equal(splitter_init(&s, '\0', 64), 0);
		feed_chunks(&s, stream0, STREAM0_LEN, chunk, &r);
		assert_stream0_recs(&r);
		assert_int_equal(splitter_pending(&s), 4);
		splitter_free(&s);
	}
	for (size_t cut = 0; cut <= STREAM0_LEN; cut++) {
		struct reply_splitter s;
		struct recs r = { 0 };

		assert_int_equal(splitter_init(&s, '\0', 64), 0);
		assert_int_equal(splitter_feed(&s, stream0, cut), cut);
		drain(&s, &r);
		assert_int_equal(splitter_feed(&s, stream0 + cut, STREAM0_LEN - cut), STREAM0_LEN - cut);
		drain(&s, &r);
		assert_stream0_recs(&r);
		assert_int_equal(splitter_pending(&s), 4);
		splitter_free(&s);
	}
}

/* Several records in one feed come out one per splitter_next call, then 0. */
static void splitter_several_records_in_one_feed(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 64), 0);
	assert_int_equal(splitter_feed(&s, "1: a: OK\0" "2: b: OK\0" "3: c: OK\0", 27), 27);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "1: a: OK");
	assert_int_equal(len, 8);
	assert_int_equal(splitter_pending(&s), 18);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "2: b: OK");
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "3: c: OK");
	assert_int_equal(splitter_pending(&s), 0);
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	splitter_free(&s);
}

/* With '\n' as terminator, lines split on newlines and NUL bytes are record content. */
static void splitter_newline_terminator_mode(void **state)
{
	static const char data[] = "PONG\nstream: OK\na\0b\n\nrest";
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\n', 64), 0);
	assert_int_equal(splitter_feed(&s, data, sizeof(data) - 1), 25);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "PONG");
	assert_int_equal(len, 4);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "stream: OK");
	assert_int_equal(len, 10);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(rec, "a\0b", 4);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_int_equal(len, 0);
	assert_string_equal(rec, "");
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 4);
	splitter_free(&s);
}

/* In '\n' mode a NUL byte does not end a record (and vice versa). */
static void splitter_nul_mode_ignores_newlines(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 64), 0);
	assert_int_equal(splitter_feed(&s, "a\nb\0", 4), 4);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_int_equal(len, 3);
	assert_string_equal(rec, "a\nb");
	splitter_free(&s);
}

/* More than max_record bytes with no terminator fill the buffer: -1, and -1 ever after. */
static void splitter_full_unterminated_record_is_overlong_and_sticky(void **state)
{
	struct reply_splitter s;
	char *rec = NULL, *dst = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 8), 0);
	assert_int_equal(splitter_feed(&s, "abcdefghi", 9), 9);
	assert_int_equal(splitter_next(&s, &rec, &len), -1);
	assert_true(s.overlong);
	assert_int_equal(splitter_space(&s, &dst), 0);
	/* no room left: a terminator cannot rescue the stream */
	assert_int_equal(splitter_feed(&s, "\0", 1), 0);
	assert_int_equal(splitter_next(&s, &rec, &len), -1);
	assert_int_equal(splitter_next(&s, &rec, &len), -1);
	splitter_free(&s);
}

/* Overlong detection also works when the record started after earlier records (after compaction). */
static void splitter_overlong_after_compaction(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 8), 0);
	assert_int_equal(splitter_feed(&s, "a\0bcdef", 7), 7);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "a");
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 5);
	/* compaction makes room for 4 more bytes; only 4 of 5 are taken */
	assert_int_equal(splitter_feed(&s, "ghijk", 5), 4);
	assert_int_equal(splitter_pending(&s), 9);
	assert_int_equal(splitter_next(&s, &rec, &len), -1);
	assert_int_equal(splitter_next(&s, &rec, &len), -1);
	splitter_free(&s);
}

/* A record of max_record bytes plus its terminator fits exactly and is returned. */
static void splitter_max_record_plus_terminator_accepted(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 8), 0);
	assert_int_equal(splitter_feed(&s, "abcdefgh\0", 9), 9);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_int_equal(len, 8);
	assert_string_equal(rec, "abcdefgh");
	assert_int_equal(splitter_pending(&s), 0);
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	/* the stream stays usable */
	assert_int_equal(splitter_feed(&s, "next\0", 5), 5);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "next");
	splitter_free(&s);
}

/* The same at the real limit, REPLY_MAX_RECORD, fed one byte at a time. */
static void splitter_real_limit_byte_by_byte(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;
	char c = 'x';

	(void)state;
	assert_int_equal(splitter_init(&s, '\n', REPLY_MAX_RECORD), 0);
	for (size_t i = 0; i < REPLY_MAX_RECORD - 1; i++) {
		assert_int_equal(splitter_feed(&s, &c, 1), 1);
		assert_int_equal(splitter_next(&s, &rec, &len), 0);
	}
	assert_int_equal(splitter_feed(&s, "\n", 1), 1);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_int_equal(len, REPLY_MAX_RECORD - 1);
	assert_int_equal(rec[0], 'x');
	assert_int_equal(rec[len - 1], 'x');
	assert_int_equal(rec[len], '\0');
	splitter_free(&s);
}

/* Bytes after the last terminator are counted as pending until completed. */
static void splitter_pending_counts_unterminated_tail(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 64), 0);
	assert_int_equal(splitter_pending(&s), 0);
	assert_int_equal(splitter_feed(&s, "PON", 3), 3);
	assert_int_equal(splitter_pending(&s), 3);
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 3);
	assert_int_equal(splitter_feed(&s, "G\0x", 3), 3);
	assert_int_equal(splitter_pending(&s), 6);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "PONG");
	assert_int_equal(splitter_pending(&s), 1);
	splitter_free(&s);
}

/* splitter_space on an empty splitter offers the whole buffer; commit makes the bytes visible. */
static void splitter_space_commit_roundtrip(void **state)
{
	struct reply_splitter s;
	char *dst = NULL, *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 16), 0);
	assert_int_equal(splitter_space(&s, &dst), 17);
	assert_ptr_equal(dst, s.buf);
	memcpy(dst, "ab\0c", 4);
	splitter_commit(&s, 4);
	assert_int_equal(splitter_pending(&s), 4);
	assert_int_equal(splitter_space(&s, &dst), 13);
	assert_ptr_equal(dst, s.buf + 4);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "ab");
	assert_int_equal(splitter_pending(&s), 1);
	splitter_free(&s);
}

/* After records are consumed, splitter_space moves the leftover to the front so all free room is offered. */
static void splitter_space_compacts_leftover(void **state)
{
	struct reply_splitter s;
	char *dst = NULL, *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 16), 0);
	assert_int_equal(splitter_feed(&s, "hello\0wor", 9), 9);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "hello");
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_space(&s, &dst), 14);
	assert_int_equal(s.start, 0);
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.buf, "wor", 3);
	assert_ptr_equal(dst, s.buf + 3);
	memcpy(dst, "ld\0", 3);
	splitter_commit(&s, 3);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "world");
	assert_int_equal(len, 5);
	assert_int_equal(splitter_pending(&s), 0);
	/* everything consumed: the whole buffer is free again */
	assert_int_equal(splitter_space(&s, &dst), 17);
	assert_ptr_equal(dst, s.buf);
	splitter_free(&s);
}

/* Committing fewer bytes than offered only exposes the committed ones. */
static void splitter_partial_commit(void **state)
{
	struct reply_splitter s;
	char *dst = NULL, *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 16), 0);
	assert_int_equal(splitter_space(&s, &dst), 17);
	memcpy(dst, "ab\0cd\0", 6);
	splitter_commit(&s, 2); /* only "ab" */
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 2);
	assert_int_equal(splitter_space(&s, &dst), 15);
	memcpy(dst, "\0", 1);
	splitter_commit(&s, 1);
	assert_int_equal(splitter_next(&s, &rec, &len), 1);
	assert_string_equal(rec, "ab");
	splitter_free(&s);
}

/* A feed larger than the free room takes only what fits; the rest can be fed after draining. */
static void splitter_feed_takes_only_what_fits(void **state)
{
	struct reply_splitter s;
	struct recs r = { 0 };
	const char data[] = "aaa\0bbb\0ccc\0ddd\0";
	size_t off = 0, took;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 6), 0);
	took = splitter_feed(&s, data, 16);
	assert_int_equal(took, 7);
	off += took;
	drain(&s, &r);
	while (off < 16) {
		took = splitter_feed(&s, data + off, 16 - off);
		assert_true(took > 0);
		off += took;
		drain(&s, &r);
	}
	assert_int_equal(r.n, 4);
	assert_string_equal(r.text[0], "aaa");
	assert_string_equal(r.text[1], "bbb");
	assert_string_equal(r.text[2], "ccc");
	assert_string_equal(r.text[3], "ddd");
	assert_int_equal(splitter_pending(&s), 0);
	splitter_free(&s);
}

/* Consecutive terminators give empty records of length 0. */
static void splitter_empty_records(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len = 99;

	(void)state;
	assert_int_equal(splitter_init(&s, '\0', 8), 0);
	assert_int_equal(splitter_feed(&s, "\0\0\0", 3), 3);
	for (int i = 0; i < 3; i++) {
		len = 99;
		assert_int_equal(splitter_next(&s, &rec, &len), 1);
		assert_int_equal(len, 0);
		assert_string_equal(rec, "");
	}
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 0);
	splitter_free(&s);
}

/* A fresh splitter has nothing to return and nothing pending. */
static void splitter_empty_needs_more(void **state)
{
	struct reply_splitter s;
	char *rec;
	size_t len;

	(void)state;
	assert_int_equal(splitter_init(&s, '\n', 8), 0);
	assert_int_equal(splitter_next(&s, &rec, &len), 0);
	assert_int_equal(splitter_pending(&s), 0);
	assert_false(s.overlong);
	splitter_free(&s);
	assert_null(s.buf);
}

/* ---------------------------------------------------------------------------
 * reply_parse
 * ------------------------------------------------------------------------ */

/* Parses a copy of line (reply_parse writes into it); buf must outlive r. */
static int parse(char *buf, size_t size, const char *line, bool with_id, const char *hint,
		 struct reply *r)
{
	assert_true(strlen(line) < size);
	strcpy(buf, line);
	return reply_parse(buf, with_id, hint, r);
}

#define PARSE(line, with_id, hint) parse(buf, sizeof(buf), (line), (with_id), (hint), &r)

/* "path: OK" is a clean result naming the path. */
static void parse_ok(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/clean.txt: OK", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OK);
	assert_int_equal(r.id, -1);
	assert_string_equal(r.path, "/tmp/clean.txt");
	assert_string_equal(r.detail, "OK");
}

/* "path: Sig FOUND" gives the path and the signature. */
static void parse_found(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/eicar.com: Eicar-Test-Signature FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_int_equal(r.id, -1);
	assert_string_equal(r.path, "/tmp/eicar.com");
	assert_string_equal(r.detail, "Eicar-Test-Signature");
}

/* An ERROR message containing ": " is split at the first ": " when there is no hint. */
static void parse_error_message_with_colon_no_hint(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/nonexist: File path check failure: No such file or directory. ERROR",
			       false, NULL), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_string_equal(r.path, "/nonexist");
	assert_string_equal(r.detail, "File path check failure: No such file or directory.");
}

/* The same ERROR line with the request's path as hint gives the same split. */
static void parse_error_message_with_colon_and_hint(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/nonexist: File path check failure: No such file or directory. ERROR",
			       false, "/nonexist"), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_string_equal(r.path, "/nonexist");
	assert_string_equal(r.detail, "File path check failure: No such file or directory.");
}

/* With a hint, an ERROR for a path holding ": " keeps the whole path. */
static void parse_error_path_with_colon_uses_hint(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/a: b: Can't open file or directory ERROR", false, "/tmp/a: b"), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_string_equal(r.path, "/tmp/a: b");
	assert_string_equal(r.detail, "Can't open file or directory");
}

/* A hint that the line does not start with is ignored: the first ": " splits. */
static void parse_error_hint_not_matching_falls_back(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/other: lstat() failed: Permission denied. ERROR", false, "/nonexist"), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_string_equal(r.path, "/other");
	assert_string_equal(r.detail, "lstat() failed: Permission denied.");
}

/* A hint that is a prefix of the path but not followed by ": " does not split there. */
static void parse_error_hint_prefix_only(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/ab: Access denied. ERROR", false, "/tmp/a"), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_string_equal(r.path, "/tmp/ab");
	assert_string_equal(r.detail, "Access denied.");
}

/* A FOUND path containing ": " survives: the last ": " ends the path. */
static void parse_found_path_with_colon_space(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/sp ace: colon.com: Eicar FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_string_equal(r.path, "/tmp/sp ace: colon.com");
	assert_string_equal(r.detail, "Eicar");
}

/* An OK path containing ": " survives whole. */
static void parse_ok_path_with_colon_space(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/tmp/sp ace: colon.com: OK", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OK);
	assert_string_equal(r.path, "/tmp/sp ace: colon.com");
}

/* An infected file named "x: OK" is FOUND, not OK. */
static void parse_infected_file_named_x_colon_ok(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/d/x: OK: Eicar-Test-Signature FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_string_equal(r.path, "/d/x: OK");
	assert_string_equal(r.detail, "Eicar-Test-Signature");
}

/* A clean file named "a FOUND" is OK, not FOUND. */
static void parse_clean_file_named_a_found(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/d/a FOUND: OK", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OK);
	assert_string_equal(r.path, "/d/a FOUND");
}

/* An INSTREAM result names the pseudo-path "stream". */
static void parse_stream_ok(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("stream: OK", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OK);
	assert_string_equal(r.path, "stream");
	assert_string_equal(r.detail, "OK");
}

/* A FILDES result names the pseudo-path "fd[N]". */
static void parse_fildes_found(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("fd[10]: Sig FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_string_equal(r.path, "fd[10]");
	assert_string_equal(r.detail, "Sig");
}

/* A session reply "12: /p: OK" gives id 12 and the result. */
static void parse_session_id_ok(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("12: /p: OK", true, NULL), 0);
	assert_int_equal(r.id, 12);
	assert_int_equal(r.status, REPLY_OK);
	assert_string_equal(r.path, "/p");
}

/* Session ids combine with FOUND and with ERROR replies that name no path. */
static void parse_session_id_found_and_error(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("3: stream: Eicar FOUND", true, NULL), 0);
	assert_int_equal(r.id, 3);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_string_equal(r.path, "stream");
	assert_string_equal(r.detail, "Eicar");

	assert_int_equal(PARSE("7: INSTREAM size limit exceeded. ERROR", true, NULL), 0);
	assert_int_equal(r.id, 7);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_null(r.path);
	assert_string_equal(r.detail, "INSTREAM size limit exceeded.");
}

/* Without with_id, a leading "12: " is part of the path and id stays -1. */
static void parse_without_id_keeps_number_in_path(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("12: /p: OK", false, NULL), 0);
	assert_int_equal(r.id, -1);
	assert_int_equal(r.status, REPLY_OK);
	assert_string_equal(r.path, "12: /p");
}

/* with_id on a line that does not start with "N: " is an error (-1). */
static void parse_with_id_missing_id_fails(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/p: OK", true, NULL), -1);
	assert_int_equal(PARSE("12:/p: OK", true, NULL), -1);
	assert_int_equal(PARSE("x12: /p: OK", true, NULL), -1);
	assert_int_equal(PARSE("", true, NULL), -1);
	assert_int_equal(PARSE("12", true, NULL), -1);
}

/* An id too large to be a request number is rejected (-1). */
static void parse_with_id_huge_id_fails(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("99999999999999999999999999: /p: OK", true, NULL), -1);
	assert_int_equal(PARSE("9223372036854775808: /p: OK", true, NULL), -1);
}

/* An ERROR without a path ("INSTREAM size limit exceeded. ERROR") has a NULL path. */
static void parse_error_without_path(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("INSTREAM size limit exceeded. ERROR", false, NULL), 0);
	assert_int_equal(r.status, REPLY_ERROR);
	assert_null(r.path);
	assert_string_equal(r.detail, "INSTREAM size limit exceeded.");
}

/* PONG is REPLY_OTHER with the whole text as detail and no path. */
static void parse_pong_is_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("PONG", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "PONG");
	assert_int_equal(r.id, -1);
}

/* "UNKNOWN COMMAND" and "COMMAND UNAVAILABLE" are REPLY_OTHER, text untouched. */
static void parse_command_errors_are_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("UNKNOWN COMMAND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "UNKNOWN COMMAND");

	assert_int_equal(PARSE("COMMAND UNAVAILABLE", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "COMMAND UNAVAILABLE");
}

/* An empty line is REPLY_OTHER with an empty detail. */
static void parse_empty_is_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "");
}

/* " FOUND" alone names no path: REPLY_OTHER, text restored. */
static void parse_found_alone_is_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE(" FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, " FOUND");

	assert_int_equal(PARSE("Eicar FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "Eicar FOUND");
}

/* "x: FOUND" has an empty signature: not a result, REPLY_OTHER with the text intact. */
static void parse_found_empty_signature_is_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("x: FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "x: FOUND");

	assert_int_equal(PARSE("x:  FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "x:  FOUND");
}

/* A signature name with spaces before FOUND is kept whole. */
static void parse_found_signature_with_space(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("/f: Heuristics.Limits Exceeded FOUND", false, NULL), 0);
	assert_int_equal(r.status, REPLY_FOUND);
	assert_string_equal(r.path, "/f");
	assert_string_equal(r.detail, "Heuristics.Limits Exceeded");
}

/* Words OK/FOUND/ERROR without their exact suffix form are REPLY_OTHER. */
static void parse_near_misses_are_other(void **state)
{
	char buf[256];
	struct reply r;

	(void)state;
	assert_int_equal(PARSE("OK", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_string_equal(r.detail, "OK");

	assert_int_equal(PARSE("/p: OKAY", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_string_equal(r.detail, "/p: OKAY");

	assert_int_equal(PARSE("/p: Sig FOUNDx", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_string_equal(r.detail, "/p: Sig FOUNDx");

	assert_int_equal(PARSE("ERROR", false, NULL), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_string_equal(r.detail, "ERROR");
}

/* ": OK" and ": Sig FOUND" name no file, so they are no verdict. */
static void parse_empty_path_is_not_a_result(void **state)
{
	char ok[] = ": OK", found[] = ": Eicar FOUND";
	struct reply r;

	(void)state;
	assert_int_equal(reply_parse(ok, false, NULL, &r), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
	assert_int_equal(reply_parse(found, false, NULL, &r), 0);
	assert_int_equal(r.status, REPLY_OTHER);
	assert_null(r.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splitter_one_piece_yields_all_records),
		cmocka_unit_test(splitter_byte_by_byte_same_as_one_piece),
		cmocka_unit_test(splitter_any_feed_boundary_same_records),
		cmocka_unit_test(splitter_several_records_in_one_feed),
		cmocka_unit_test(splitter_newline_terminator_mode),
		cmocka_unit_test(splitter_nul_mode_ignores_newlines),
		cmocka_unit_test(splitter_full_unterminated_record_is_overlong_and_sticky),
		cmocka_unit_test(splitter_overlong_after_compaction),
		cmocka_unit_test(splitter_max_record_plus_terminator_accepted),
		cmocka_unit_test(splitter_real_limit_byte_by_byte),
		cmocka_unit_test(splitter_pending_counts_unterminated_tail),
		cmocka_unit_test(splitter_space_commit_roundtrip),
		cmocka_unit_test(parse_empty_path_is_not_a_result),
		cmocka_unit_test(splitter_space_compacts_leftover),
		cmocka_unit_test(splitter_partial_commit),
		cmocka_unit_test(splitter_feed_takes_only_what_fits),
		cmocka_unit_test(splitter_empty_records),
		cmocka_unit_test(splitter_empty_needs_more),
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_found),
		cmocka_unit_test(parse_error_message_with_colon_no_hint),
		cmocka_unit_test(parse_error_message_with_colon_and_hint),
		cmocka_unit_test(parse_error_path_with_colon_uses_hint),
		cmocka_unit_test(parse_error_hint_not_matching_falls_back),
		cmocka_unit_test(parse_error_hint_prefix_only),
		cmocka_unit_test(parse_found_path_with_colon_space),
		cmocka_unit_test(parse_ok_path_with_colon_space),
		cmocka_unit_test(parse_infected_file_named_x_colon_ok),
		cmocka_unit_test(parse_clean_file_named_a_found),
		cmocka_unit_test(parse_stream_ok),
		cmocka_unit_test(parse_fildes_found),
		cmocka_unit_test(parse_session_id_ok),
		cmocka_unit_test(parse_session_id_found_and_error),
		cmocka_unit_test(parse_without_id_keeps_number_in_path),
		cmocka_unit_test(parse_with_id_missing_id_fails),
		cmocka_unit_test(parse_with_id_huge_id_fails),
		cmocka_unit_test(parse_error_without_path),
		cmocka_unit_test(parse_pong_is_other),
		cmocka_unit_test(parse_command_errors_are_other),
		cmocka_unit_test(parse_empty_is_other),
		cmocka_unit_test(parse_found_alone_is_other),
		cmocka_unit_test(parse_found_empty_signature_is_other),
		cmocka_unit_test(parse_found_signature_with_space),
		cmocka_unit_test(parse_near_misses_are_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
