/* Unit tests for src/progress.c: the text of the progress line. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "output/progress.h"

/* A short name fits whole after the head. */
static void name_fits(void **state)
{
	char buf[256];

	(void)state;
	progress_format(buf, sizeof(buf), "3 files", "/a/b", 40);
	assert_string_equal(buf, "3 files: /a/b");
}

/* Too long: the tail is kept, after "...", within the width. */
static void long_name_keeps_tail(void **state)
{
	char buf[256];

	(void)state;
	progress_format(buf, sizeof(buf), "h", "/very/long/path/to/file.txt", 16);
	assert_string_equal(buf, "h: ...o/file.txt");
	assert_int_equal(strlen(buf), 16);
}

/* Control characters, C1 controls and invalid UTF-8 become "?"; valid
 * UTF-8 passes whole and counts one column a character. */
static void names_made_harmless(void **state)
{
	char buf[256];

	(void)state;
	progress_format(buf, sizeof(buf), "h", "a\033[2Jb\nc\x7f", 80);
	assert_string_equal(buf, "h: a?[2Jb?c?");
	progress_format(buf, sizeof(buf), "h", "x\xc2\x9b" "31m\xff\xc3(", 80);
	assert_string_equal(buf, "h: x?31m?" "?(");
	progress_format(buf, sizeof(buf), "h", "caf\xc3\xa9", 80);
	assert_string_equal(buf, "h: caf\xc3\xa9");
	/* 7 columns: "h: " + "..." + one character, é being one column */
	progress_format(buf, sizeof(buf), "h", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 7);
	assert_string_equal(buf, "h: ...\xc3\xa9");
}

/* A terminal narrower than the head: the head is cut, no name. */
static void narrow_terminal(void **state)
{
	char buf[256];

	(void)state;
	progress_format(buf, sizeof(buf), "12 files, 3 MiB", "/x", 5);
	assert_string_equal(buf, "12 fi");
	progress_format(buf, sizeof(buf), "ab", "/x", 1);
	assert_string_equal(buf, "a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_fits),
		cmocka_unit_test(long_name_keeps_tail),
		cmocka_unit_test(names_made_harmless),
		cmocka_unit_test(narrow_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
