/* Unit tests for src/driver/tracker.c: which request a session reply
 * answers, and what no honest daemon sends. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/tracker.h"

/* A fake request: the name clamd would give it in a reply. */
struct fake {
	const char *name;
};

static bool names(const void *req, const char *path)
{
	return strcmp(((const struct fake *)req)->name, path) == 0;
}

static struct tracker *new_tracker(void)
{
	struct tracker *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	tracker_init(t);
	tracker_start(t);
	return t;
}

/* Feeds one record (copied: it is cut up, and out points into the copy,
 * which lives until the next feed); returns tracker_record's result. */
static int feed(struct tracker *t, const char *text, struct tracked *out, char *why, size_t len)
{
	static char rec[512];

	snprintf(rec, sizeof(rec), "%s", text);
	why[0] = '\0';
	return tracker_record(t, rec, names, out, why, len);
}

/* Replies are matched by id, in any order, and each ends one request. */
static void replies_match_by_id(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" }, b = { "stream" };
	struct tracked got;
	char why[300];

	(void)state;
	assert_int_equal(tracker_send(t, &a), 1);
	assert_int_equal(tracker_send(t, &b), 2);
	assert_int_equal(t->inflight, 2);
	assert_int_equal(feed(t, "2: stream: Eicar FOUND", &got, why, sizeof(why)), 0);
	assert_ptr_equal(got.req, &b);
	assert_int_equal(got.r.status, REPLY_FOUND);
	assert_string_equal(got.r.detail, "Eicar");
	assert_int_equal(feed(t, "1: /a: OK", &got, why, sizeof(why)), 0);
	assert_ptr_equal(got.req, &a);
	assert_int_equal(got.r.status, REPLY_OK);
	assert_int_equal(t->inflight, 0);
	free(t);
}

/* An id never sent, or answered twice, is a protocol violation. */
static void unknown_and_repeated_ids_are_violations(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "7: /a: OK", &got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "never sent"));
	assert_int_equal(feed(t, "1: /a: OK", &got, why, sizeof(why)), 0);
	assert_int_equal(feed(t, "1: /a: OK", &got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "already answered"));
	assert_int_equal(feed(t, "0: /a: OK", &got, why, sizeof(why)), -1);
	free(t);
}

/* A verdict naming another file than the one sent is refused: a hostile
 * daemon cannot put a FOUND (or an OK) on a file it was not asked about. */
static void reply_naming_another_file_is_a_violation(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/srv/a" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "1: /etc/passwd: Eicar FOUND", &got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "was not sent"));
	tracker_send(t, &a);
	assert_int_equal(feed(t, "2: /srv/a/../b: OK", &got, why, sizeof(why)), -1);
	free(t);
}

/* A PING is answered by PONG and nothing else. */
static void ping_wants_pong(void **state)
{
	struct tracker *t = new_tracker();
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, tracker_ping);
	assert_true(t->ping_out);
	assert_int_equal(t->inflight, 0);
	assert_int_equal(feed(t, "1: PONG", &got, why, sizeof(why)), 0);
	assert_ptr_equal(got.req, tracker_ping);
	assert_false(t->ping_out);
	tracker_send(t, tracker_ping);
	assert_int_equal(feed(t, "2: /x: OK", &got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "to PING"));
	free(t);
}

/* "COMMAND UNAVAILABLE" and the like answer a request without a verdict:
 * matched, not a violation (the driver makes it the file's error). */
static void an_answer_without_verdict_is_matched(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "1: COMMAND UNAVAILABLE", &got, why, sizeof(why)), 0);
	assert_int_equal(got.r.status, REPLY_OTHER);
	assert_int_equal(t->inflight, 0);
	free(t);
}

/* clamd's notices about a file are matched to it: Excluded, Empty file. */
static void notices_are_matched(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a: b" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "1: /a: b: Excluded", &got, why, sizeof(why)), 0);
	assert_int_equal(got.r.status, REPLY_EXCLUDED);
	tracker_send(t, &a);
	assert_int_equal(feed(t, "2: /a: b: Excluded (another filesystem)", &got, why, sizeof(why)), 0);
	assert_int_equal(got.r.status, REPLY_EXCLUDED);
	tracker_send(t, &a);
	assert_int_equal(feed(t, "3: /a: b: Empty file", &got, why, sizeof(why)), 0);
	assert_int_equal(got.r.status, REPLY_EMPTY);
	free(t);
}

/* clamd answers a SCAN of a special file twice under one id: "Not
 * supported file type ERROR", then OK. The OK says nothing more; any
 * further record for that id is still a violation. */
static void special_file_double_reply(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/fifo" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "1: /fifo: Not supported file type ERROR", &got, why, sizeof(why)), 0);
	assert_ptr_equal(got.req, &a);
	assert_int_equal(got.r.status, REPLY_ERROR);
	assert_int_equal(feed(t, "1: /fifo: OK", &got, why, sizeof(why)), 0);
	assert_null(got.req);
	assert_int_equal(feed(t, "1: /fifo: OK", &got, why, sizeof(why)), -1);
	free(t);
}

/* A record that is no session reply is a violation. */
static void garbage_is_a_violation(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" };
	struct tracked got;
	char why[300];

	(void)state;
	tracker_send(t, &a);
	assert_int_equal(feed(t, "HELLO THERE", &got, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not a session reply"));
	assert_int_equal(feed(t, "1:/a: OK", &got, why, sizeof(why)), -1);
	free(t);
}

static void count(void *arg, const void *req)
{
	(void)req;
	(*(int *)arg)++;
}

/* A dropped session hands back what it never answered, and a new session
 * numbers ids from 1 again while the answers' numbering goes on. */
static void drop_and_restart(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" }, b = { "/b" };
	struct tracked got;
	char why[300];
	int n = 0;
	unsigned long first;

	(void)state;
	tracker_send(t, &a);
	tracker_send(t, &b);
	assert_int_equal(feed(t, "1: /a: OK", &got, why, sizeof(why)), 0);
	first = got.index;
	tracker_drop(t, count, &n);
	assert_int_equal(n, 1);
	assert_int_equal(t->inflight, 0);
	tracker_start(t);
	assert_int_equal(tracker_send(t, &b), 1);
	assert_int_equal(feed(t, "1: /b: OK", &got, why, sizeof(why)), 0);
	assert_true(got.index > first);
	free(t);
}

/* The ids run out: the last one is kept for a PING. */
static void ids_run_out(void **state)
{
	struct tracker *t = new_tracker();
	struct fake a = { "/a" };

	(void)state;
	while (!tracker_ids_used_up(t))
		tracker_send(t, &a);
	assert_int_equal(t->next_id, TRACKER_IDS + 1);
	assert_int_equal(tracker_send(t, tracker_ping), TRACKER_IDS + 1);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies_match_by_id),
		cmocka_unit_test(unknown_and_repeated_ids_are_violations),
		cmocka_unit_test(reply_naming_another_file_is_a_violation),
		cmocka_unit_test(ping_wants_pong),
		cmocka_unit_test(an_answer_without_verdict_is_matched),
		cmocka_unit_test(notices_are_matched),
		cmocka_unit_test(special_file_double_reply),
		cmocka_unit_test(garbage_is_a_violation),
		cmocka_unit_test(drop_and_restart),
		cmocka_unit_test(ids_run_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
