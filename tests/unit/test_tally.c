/* The accounting check: every request ends as exactly one outcome. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/result.h"

/* Requests that all ended, one way or another, balance. */
static void balanced_when_every_request_ended(void **state)
{
	struct tally t = { .submitted = 6, .clean = 3, .infected = 2, .failed = 1 };

	(void)state;
	assert_true(tally_balanced(&t));
}

/* A request with no outcome (lost) unbalances the tally. */
static void unbalanced_when_a_request_is_lost(void **state)
{
	struct tally t = { .submitted = 6, .clean = 3, .infected = 2, .failed = 0 };

	(void)state;
	assert_false(tally_balanced(&t));
}

/* A request counted twice (reported twice) unbalances it too. */
static void unbalanced_when_a_request_is_counted_twice(void **state)
{
	struct tally t = { .submitted = 2, .clean = 2, .infected = 1, .failed = 0 };

	(void)state;
	assert_false(tally_balanced(&t));
}

/* Errors outside requests (unopenable files) do not enter the balance. */
static void errors_outside_requests_do_not_count(void **state)
{
	struct tally t = { .submitted = 1, .clean = 1, .errors = 5 };

	(void)state;
	assert_true(tally_balanced(&t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(balanced_when_every_request_ended),
		cmocka_unit_test(unbalanced_when_a_request_is_lost),
		cmocka_unit_test(unbalanced_when_a_request_is_counted_twice),
		cmocka_unit_test(errors_outside_requests_do_not_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
