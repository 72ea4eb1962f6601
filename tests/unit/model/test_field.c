/* field: the one table of mtr's fields, as renderers, importers and -o use it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/field.h"

static void letters_are_mtrs_and_unique(void **state)
{
	(void)state;
	char buf[32];
	const char *known = field_letters(buf, sizeof(buf));
	assert_int_equal(strlen(known), strlen("LDRSNBAWVGJMXI "));
	for (const char *c = "LDRSNBAWVGJMXI "; *c; c++) {
		assert_non_null(strchr(known, *c));
		assert_int_equal(strchr(known, *c), strrchr(known, *c));
		assert_int_equal(field_for(*c)->letter, *c);
	}
	for (const char *c = FIELD_DEFAULT; *c; c++)
		assert_non_null(field_for(*c));
	assert_null(field_for('Q'));
	assert_null(field_for('\0'));
	assert_string_equal(field_letters(buf, 4), "LRD");
}

/* A cell is a leading blank and the number: mtr's widths follow its formats. */
static void widths_fit_the_formats(void **state)
{
	(void)state;
	static const int width[] = { [FIELD_GAP] = 1, [FIELD_PCT] = 6, [FIELD_INT4] = 5,
				     [FIELD_INT5] = 6, [FIELD_MS5] = 6, [FIELD_MS4] = 5 };
	size_t n;
	const struct field *f = field_table(&n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f[i].width, width[f[i].style]);
		if (f[i].extra_key)
			assert_true(f[i].has != 0); /* an extra key only for a figure a hop may lack */
	}
}

static void titles_from_every_format(void **state)
{
	(void)state;
	static const struct {
		const char *title;
		char letter;
	} cases[] = { { "Loss%", 'L' }, { "loss %", 'L' }, { "Loss", 'L' },  { "%", 'L' },
		      { "Avrg", 'A' },   { "Worst", 'W' },  { "Recv", 'R' },  { "Rcv", 'R' },
		      { "Sent", 'S' },   { "STDEV", 'V' },  { "Jint", 'I' },  { "Drop", 'D' } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct field *f = field_by_title(cases[i].title);
		assert_non_null(f);
		assert_int_equal(f->letter, cases[i].letter);
	}
	assert_null(field_by_title(" "));
	assert_null(field_by_title("Verlies"));
	assert_int_equal(field_by_title("Late")->letter, '\0'); /* hopdoc's, no -o letter */
}

static void figures_land_in_the_hop(void **state)
{
	(void)state;
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	*field_count(field_for('S'), &h) = 20;
	*field_real(field_for('A'), &h) = 12.5;
	*field_real(field_for('L'), &h) = 15.0;
	assert_int_equal(h.snt, 20);
	assert_true(h.avg == 12.5 && h.loss_pct == 15.0);
	assert_null(field_real(field_for('S'), &h));
	assert_null(field_count(field_for('A'), &h));
	assert_true(field_get(field_for('S'), &h) == 20.0);
	assert_true(field_get(field_for('A'), &h) == 12.5);
	assert_int_equal(field_for('V')->has, MODEL_HAS_STDEV);
	assert_int_equal(field_for('B')->has, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(letters_are_mtrs_and_unique),
		cmocka_unit_test(widths_fit_the_formats),
		cmocka_unit_test(titles_from_every_format),
		cmocka_unit_test(figures_land_in_the_hop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
