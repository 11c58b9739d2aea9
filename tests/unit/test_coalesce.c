/* Unit tests for src/driver/coalesce.c: how long to sleep so that one
 * wake-up reads several replies. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "driver/coalesce.h"

/* Nothing is known before two reads: read at once. */
static void unknown_pace_reads_now(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	assert_int_equal(coalesce_delay_us(&c, 16, 8), 0);
	coalesce_read(&c, 1000, 1, 15, 8);
	assert_int_equal(coalesce_delay_us(&c, 16, 8), 0);
}

/* A daemon answering every 250 us with 16 out and 8 to keep: sleep for 8
 * replies. */
static void sleeps_for_the_surplus(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 1000, 1, 15, 8);
	coalesce_read(&c, 3000, 8, 8, 8); /* 8 replies in 2000 us */
	assert_int_equal(c.interval_us, 250);
	assert_int_equal(coalesce_delay_us(&c, 16, 8), 8 * 250);
	/* too few to be worth a sleep */
	assert_int_equal(coalesce_delay_us(&c, 8 + COALESCE_MIN_BATCH - 1, 8), 0);
	assert_int_equal(coalesce_delay_us(&c, 8, 8), 0);
	assert_int_equal(coalesce_delay_us(&c, 3, 8), 0);
}

/* A daemon faster than the client: sleeping would cost more than it saves. */
static void a_fast_daemon_is_read_at_once(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 1000, 1, 15, 8);
	coalesce_read(&c, 1080, 8, 8, 8); /* 10 us a reply */
	assert_int_equal(coalesce_delay_us(&c, 16, 8), 0);
}

/* The estimate moves by a quarter towards each new measure. */
static void the_estimate_is_a_moving_average(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 0, 1, 15, 8);
	coalesce_read(&c, 8000, 8, 8, 8);  /* 1000 us */
	coalesce_read(&c, 24000, 8, 8, 8); /* 2000 us */
	assert_int_equal(c.interval_us, 1250);
}

/* A read that finds nothing left may include time the daemon sat idle (the
 * client slept too long): it never makes the estimate longer, only shorter. */
static void a_drained_read_only_shortens(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 0, 1, 15, 8);
	coalesce_read(&c, 2000, 8, 8, 8); /* 250 us */
	coalesce_read(&c, 102000, 8, 0, 8); /* 12500 us a reply, but it drained */
	assert_int_equal(c.interval_us, 250);
	coalesce_read(&c, 102800, 8, 0, 8); /* 100 us: believed, halfway */
	assert_int_equal(c.interval_us, 175);
}

/* Fewer left than were to be kept: the daemon may have had threads idle,
 * so that read, too, may only shorten the estimate. */
static void a_read_below_keep_only_shortens(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 0, 1, 15, 8);
	coalesce_read(&c, 2000, 8, 8, 8); /* 250 us */
	coalesce_read(&c, 8000, 12, 4, 8); /* 500 us a reply, 4 left of 8 */
	assert_int_equal(c.interval_us, 250);
	coalesce_read(&c, 8600, 4, 7, 8); /* 150 us */
	assert_int_equal(c.interval_us, 200);
	coalesce_read(&c, 10600, 8, 8, 8); /* 250 us, as many left as kept */
	assert_int_equal(c.interval_us, 212);
}

/* Never a sleep past COALESCE_MAX_US, whatever the daemon's pace. */
static void the_sleep_is_capped(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 0, 1, 15, 8);
	coalesce_read(&c, 10 * 1000 * 1000, 1, 15, 8); /* 10 s for one reply */
	assert_int_equal(c.interval_us, COALESCE_MAX_US);
	assert_int_equal(coalesce_delay_us(&c, 256, 128), COALESCE_MAX_US);
}

/* A new session starts a new measure, keeping the estimate: the first read
 * after it does not count the time the session was down. */
static void a_reset_forgets_the_last_read(void **state)
{
	struct coalesce c;

	(void)state;
	coalesce_init(&c);
	coalesce_read(&c, 0, 1, 15, 8);
	coalesce_read(&c, 2000, 8, 8, 8);
	coalesce_reset(&c);
	coalesce_read(&c, 5000000, 8, 8, 8);
	assert_int_equal(c.interval_us, 250);
	coalesce_read(&c, 5002000, 8, 8, 8);
	assert_int_equal(c.interval_us, 250);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_pace_reads_now),
		cmocka_unit_test(sleeps_for_the_surplus),
		cmocka_unit_test(a_fast_daemon_is_read_at_once),
		cmocka_unit_test(the_estimate_is_a_moving_average),
		cmocka_unit_test(a_drained_read_only_shortens),
		cmocka_unit_test(a_read_below_keep_only_shortens),
		cmocka_unit_test(the_sleep_is_capped),
		cmocka_unit_test(a_reset_forgets_the_last_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
