/* strbuf: growth, all-or-nothing appends, out of memory reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

static void grows_past_any_fixed_size(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_string_equal(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_appendf(&sb, "hop %d,", i), 0);
	assert_int_equal(strbuf_append(&sb, "end"), 0);
	const char *s = strbuf_str(&sb);
	assert_int_equal(strlen(s), sb.len);
	assert_true(sb.len > 6000);
	assert_memory_equal(s, "hop 0,hop 1,", 12);
	assert_string_equal(s + sb.len - 11, "hop 999,end");
	char *taken = strbuf_take(&sb);
	assert_non_null(taken);
	assert_int_equal(strlen(taken), 7890 + 3);
	assert_null(sb.buf);
	free(taken);
}

static void take_of_nothing_is_empty_string(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	char *s = strbuf_take(&sb);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void adopt_then_append(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	char *s = malloc(4);
	assert_non_null(s);
	memcpy(s, "abc", 4);
	strbuf_adopt(&sb, s);
	assert_int_equal(strbuf_appendf(&sb, "%s%d", "def", 42), 0);
	assert_string_equal(strbuf_str(&sb), "abcdef42");
	strbuf_free(&sb);
}

/* Memory that runs out beyond the first 64 bytes. */
static void *grow_then_fail(void *p, size_t n)
{
	return n > 64 ? NULL : realloc(p, n);
}

static void out_of_memory_is_an_error_not_a_cut(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb.grow = grow_then_fail;
	assert_int_equal(strbuf_append(&sb, "whole sentence."), 0);
	char longer[200];
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(strbuf_append(&sb, longer), -1);
	assert_true(strbuf_failed(&sb));
	/* What was there stays whole; nothing of the failed append. */
	assert_string_equal(strbuf_str(&sb), "whole sentence.");
	/* Sticky: a later small append fails too, so one check at the end does. */
	assert_int_equal(strbuf_append(&sb, "!"), -1);
	assert_null(strbuf_take(&sb));
	assert_null(sb.buf);
	assert_false(strbuf_failed(&sb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grows_past_any_fixed_size),
	    cmocka_unit_test(take_of_nothing_is_empty_string),
	    cmocka_unit_test(adopt_then_append),
	    cmocka_unit_test(out_of_memory_is_an_error_not_a_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
