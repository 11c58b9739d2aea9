/* Unit tests for src/driver/confirm.c: when an OK can be believed. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "driver/confirm.h"

/* A request sent and answered, in the order the daemon saw them. */
struct sent {
	unsigned long mark, number;
};

static struct sent send_one(struct confirm *c)
{
	struct sent s;

	s.mark = confirm_sent(c, &s.number);
	return s;
}

/* An answer proves nothing by itself: a daemon being stopped answers OK
 * for what it dropped. */
static void an_answer_alone_is_not_believed(void **state)
{
	struct confirm c;
	struct sent a;
	unsigned long ia;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	ia = confirm_answer(&c, a.mark, a.number);
	assert_false(confirm_believed(&c, ia));
	assert_true(confirm_uncovered(&c));
}

/* A request sent after the answer arrived, once answered, proves it. */
static void a_later_request_answered_proves_it(void **state)
{
	struct confirm c;
	struct sent a, b;
	unsigned long ia, ib;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	ia = confirm_answer(&c, a.mark, a.number);
	b = send_one(&c); /* sent after a's answer arrived */
	assert_false(confirm_uncovered(&c)); /* b's answer will prove it */
	assert_false(confirm_believed(&c, ia));
	ib = confirm_answer(&c, b.mark, b.number);
	assert_true(confirm_believed(&c, ia));
	assert_false(confirm_believed(&c, ib));
}

/* A request sent before the answer arrived proves nothing about it, even
 * when its own answer comes later. */
static void an_earlier_request_proves_nothing(void **state)
{
	struct confirm c;
	struct sent a, b;
	unsigned long ia;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	b = send_one(&c); /* in flight together */
	ia = confirm_answer(&c, a.mark, a.number);
	assert_true(confirm_uncovered(&c)); /* b was sent before ia arrived */
	confirm_answer(&c, b.mark, b.number);
	assert_false(confirm_believed(&c, ia));
}

/* A PING is a request like any other: its PONG proves what came before. */
static void a_ping_proves_what_came_before(void **state)
{
	struct confirm c;
	struct sent a, b, ping;
	unsigned long ia, ib, ip;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	b = send_one(&c);
	ia = confirm_answer(&c, a.mark, a.number);
	ib = confirm_answer(&c, b.mark, b.number);
	ping = send_one(&c);
	ip = confirm_answer(&c, ping.mark, ping.number);
	assert_true(confirm_believed(&c, ia));
	assert_true(confirm_believed(&c, ib));
	assert_false(confirm_believed(&c, ip));
	/* the PONG's own "answer" needs no proof: nothing waits that it leaves */
	assert_true(confirm_uncovered(&c));
}

/* Answers out of order: proof goes by what had arrived when a request was
 * sent, whatever order the answers then come in. */
static void out_of_order_answers(void **state)
{
	struct confirm c;
	struct sent a, b, d;
	unsigned long ia, ib;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	b = send_one(&c);
	ib = confirm_answer(&c, b.mark, b.number); /* b first */
	d = send_one(&c);                           /* after b's answer, before a's */
	ia = confirm_answer(&c, a.mark, a.number);
	confirm_answer(&c, d.mark, d.number);
	assert_true(confirm_believed(&c, ib));
	assert_false(confirm_believed(&c, ia)); /* arrived after d was sent */
}

/* A session that ended leaves its answers to be proved another way: the
 * newest request is no longer coming. */
static void a_drop_uncovers(void **state)
{
	struct confirm c;
	struct sent a;

	(void)state;
	confirm_init(&c);
	a = send_one(&c);
	confirm_answer(&c, a.mark, a.number);
	send_one(&c);
	assert_false(confirm_uncovered(&c));
	confirm_dropped(&c);
	assert_true(confirm_uncovered(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_answer_alone_is_not_believed),
		cmocka_unit_test(a_later_request_answered_proves_it),
		cmocka_unit_test(an_earlier_request_proves_nothing),
		cmocka_unit_test(a_ping_proves_what_came_before),
		cmocka_unit_test(out_of_order_answers),
		cmocka_unit_test(a_drop_uncovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
