/* test_people.c: how many people a text's findings are about: table rows
 * linked by shared identifiers, prose counted by distinct values, and
 * what is not about people (company numbers, keys) left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/scan.h"

/* A finding of type t on line `line` whose normalised value is v. */
static void add(lg_people *p, lg_type t, uint64_t line, const char *v)
{
	lg_finding f;
	memset(&f, 0, sizeof(f));
	f.type = t;
	f.line = line;
	f.column = 1;
	snprintf(f.value, sizeof(f.value), "%s", v);
	assert_true(lg_people_add(p, &f));
}

static void table_rows_sharing_a_value_are_one_person(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	assert_non_null(p);
	/* 2: yamada; 3: sato; 4: yamada again by mail, new phone; 5: a
	 * card-only row; 6: yamada's phone with a third mail: all one */
	add(p, LG_EMAIL, 2, "taro.yamada@gmail.com");
	add(p, LG_JP_PHONE, 2, "09012345678");
	add(p, LG_EMAIL, 3, "hanako.sato@yahoo.co.jp");
	add(p, LG_EMAIL, 4, "taro.yamada@gmail.com");
	add(p, LG_JP_PHONE, 4, "08011112222");
	add(p, LG_CREDIT_CARD, 5, "5555555555554444");
	add(p, LG_BIRTH_DATE, 5, "1985-04-12");
	add(p, LG_JP_PHONE, 6, "08011112222");
	add(p, LG_EMAIL, 6, "t.yamada@softbank.ne.jp");
	add(p, LG_JP_POSTAL_CODE, 7, "1500001"); /* a row without keys */
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 6);
	assert_int_equal(c.people, 4); /* yamada, sato, card row, row 7 */
	assert_int_equal(c.findings, 10);
	assert_int_equal(c.per_type[LG_EMAIL], 4);
	assert_false(c.capped);
	/* the accumulator starts afresh for the next text */
	add(p, LG_EMAIL, 1, "taro.yamada@gmail.com");
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 1);
	assert_int_equal(c.people, 1);
	assert_int_equal(c.per_type[LG_JP_PHONE], 0);
	lg_people_free(p);
}

/* A name and a birth date on one row are a key: the same member listed
 * twice with no phone or mail is one person; a namesake born another day
 * is another. */
static void a_name_with_a_birth_date_is_a_person(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	assert_non_null(p);
	add(p, LG_PERSON_NAME, 2, "高橋 健太");
	add(p, LG_BIRTH_DATE, 2, "1985-04-12");
	add(p, LG_PERSON_NAME, 3, "高橋 健太");
	add(p, LG_BIRTH_DATE, 3, "1985-04-12");
	add(p, LG_PERSON_NAME, 4, "高橋 健太");
	add(p, LG_BIRTH_DATE, 4, "1990-01-30");
	add(p, LG_PERSON_NAME, 5, "高橋 健太"); /* no date: a row alone */
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 4);
	assert_int_equal(c.people, 3);
	lg_people_free(p);
}

/* A shipping list repeats the sender's (the shop's) phone on every row:
 * a value on half the rows or more links no one. A customer who ordered
 * twice is still one. */
static void a_value_on_most_rows_is_the_files_own(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	assert_non_null(p);
	const char *buyers[] = {"09011110001", "09011110002", "09011110003",
				"09011110001", "09011110004", "09011110005"};
	for (int r = 0; r < 6; r++) {
		add(p, LG_JP_PHONE, (uint64_t)r + 2, buyers[r]);
		add(p, LG_JP_PHONE, (uint64_t)r + 2, "0312345678"); /* shop */
	}
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 6);
	assert_int_equal(c.people, 5);
	lg_people_free(p);
}

static void prose_counts_the_most_distinct_values_of_a_kind(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	add(p, LG_EMAIL, 3, "taro.yamada@gmail.com");
	add(p, LG_JP_PHONE, 4, "09012345678");
	add(p, LG_EMAIL, 5, "t.yamada@softbank.ne.jp");
	add(p, LG_EMAIL, 9, "taro.yamada@gmail.com");
	lg_people_counts c;
	lg_people_end(p, false, &c);
	assert_int_equal(c.rows, 4);
	assert_int_equal(c.people, 2);
	/* personal data without anything that tells people apart: someone */
	add(p, LG_BIRTH_DATE, 2, "1985-04-12");
	add(p, LG_JP_POSTAL_CODE, 3, "1500001");
	lg_people_end(p, false, &c);
	assert_int_equal(c.people, 1);
	lg_people_free(p);
}

static void company_numbers_and_keys_are_nobodys(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	add(p, LG_JP_CORPORATE_NUMBER, 1, "7000012050002");
	add(p, LG_AWS_ACCESS_KEY_ID, 2, "AKIAIOSFODNN7EXAMPLE");
	add(p, LG_PASSWORD, 3, "hunter2");
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_int_equal(c.findings, 3);
	assert_int_equal(c.rows, 0);
	assert_int_equal(c.people, 0);
	lg_people_free(p);
}

/* A list far larger than a shop's: linking stops at its bound and says
 * so; rows are still counted. */
static void huge_lists_say_their_count_is_approximate(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	char v[32];
	for (uint64_t i = 0; i < (1u << 20) + 10; i++) {
		snprintf(v, sizeof(v), "u%llu@example.org",
			 (unsigned long long)i);
		add(p, LG_EMAIL, i + 2, v);
	}
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_true(c.capped);
	assert_int_equal(c.rows, (1u << 20) + 10);
	assert_int_equal(c.people, (1u << 20) + 10);
	lg_people_free(p);
}

/* A map past a few thousand keys moves from the heap to a mapping of its
 * own (huge pages): keys seen before the move still link rows after it,
 * and a second text starts on an empty map. */
static void keys_survive_the_maps_moves(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	char v[32];
	enum { KEYS = 40000 };
	for (int text = 0; text < 2; text++) {
		/* row i and row KEYS + i hold one address: one person */
		for (uint64_t i = 0; i < 2 * KEYS; i++) {
			snprintf(v, sizeof(v), "u%llu.%d@example.org",
				 (unsigned long long)(i % KEYS), text);
			add(p, LG_EMAIL, i + 2, v);
		}
		lg_people_counts c;
		lg_people_end(p, true, &c);
		assert_false(c.capped);
		assert_int_equal(c.rows, 2 * KEYS);
		assert_int_equal(c.people, KEYS);
	}
	lg_people_free(p);
}

/* Each key is looked up when the next finding comes (its slot fetched
 * meanwhile): the last one of a text still counts, in a table (it links
 * two rows) and in prose (it is the second phone). */
static void the_last_key_of_a_text_counts(void **state)
{
	(void)state;
	lg_people *p = lg_people_new();
	add(p, LG_EMAIL, 2, "taro.yamada@gmail.com");
	add(p, LG_EMAIL, 3, "taro.yamada@gmail.com");
	lg_people_counts c;
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 2);
	assert_int_equal(c.people, 1);
	add(p, LG_EMAIL, 2, "taro.yamada@gmail.com");
	add(p, LG_JP_PHONE, 3, "09012345678");
	add(p, LG_JP_PHONE, 4, "08011112222");
	lg_people_end(p, false, &c);
	assert_int_equal(c.people, 2);
	/* a key twice on one row, the second time pending */
	add(p, LG_EMAIL, 2, "taro.yamada@gmail.com");
	add(p, LG_EMAIL, 2, "taro.yamada@gmail.com");
	add(p, LG_JP_PHONE, 3, "09012345678");
	lg_people_end(p, true, &c);
	assert_int_equal(c.rows, 2);
	assert_int_equal(c.people, 2);
	lg_people_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_rows_sharing_a_value_are_one_person),
	    cmocka_unit_test(a_name_with_a_birth_date_is_a_person),
	    cmocka_unit_test(a_value_on_most_rows_is_the_files_own),
	    cmocka_unit_test(prose_counts_the_most_distinct_values_of_a_kind),
	    cmocka_unit_test(company_numbers_and_keys_are_nobodys),
	    cmocka_unit_test(huge_lists_say_their_count_is_approximate),
	    cmocka_unit_test(the_last_key_of_a_text_counts),
	    cmocka_unit_test(keys_survive_the_maps_moves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
