/* test_validators.c: the check-digit, issuer-range, calendar and numbering
 * plan validators against published vectors (research/dlp.md sections 4
 * and 7.3: python-stdnum doctests, card brands' public test PANs, the
 * statutes' worked examples). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/detect.h"
#include "leakguard/text.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- Luhn ------------------------------------------------------------------
 */
static void luhn_stdnum_vectors(void **state)
{
	(void)state;
	/* python-stdnum tests/test_luhn.doctest */
	assert_true(lg_luhn_valid(S("49927398716")));
	assert_false(lg_luhn_valid(S("4992739871")));
	assert_true(lg_luhn_valid(S("490154203237518")));
	assert_true(lg_luhn_valid(S("1428572")));
	assert_true(lg_luhn_valid(S("3984382462386423786482364872364827347")));
	/* one digit changed, two adjacent digits swapped: both caught */
	assert_false(lg_luhn_valid(S("49927398717")));
	assert_false(lg_luhn_valid(S("49927398761")));
	/* not digits at all */
	assert_false(lg_luhn_valid(S("4992739871a")));
	assert_false(lg_luhn_valid(S("4111-1111-1111-1111")));
	assert_false(lg_luhn_valid("", 0));
	/* n bounds the input: the valid prefix of a longer string */
	assert_true(lg_luhn_valid("49927398716999", 11));
}

/* ---- card brands ------------------------------------------------------------
 */
static void assert_brand(const char *pan, const char *brand)
{
	const char *got = lg_card_brand(pan, strlen(pan));
	if (!brand) {
		if (got)
			fail_msg("%s: expected no brand, got %s", pan, got);
		return;
	}
	if (!got)
		fail_msg("%s: expected %s, got NULL", pan, brand);
	if (strcmp(got, brand) != 0)
		fail_msg("%s: expected %s, got %s", pan, brand, got);
}

static void card_brand_public_test_pans(void **state)
{
	(void)state;
	assert_brand("4111111111111111", "Visa");
	assert_brand("5555555555554444", "Mastercard");
	/* the 2-series (2221-2720), check digits computed */
	assert_brand("2221000000000009", "Mastercard");
	assert_brand("2720999999999996", "Mastercard");
	assert_brand("378282246310005", "American Express");
	assert_brand("6011111111111117", "Discover");
	assert_brand("3530111333300000", "JCB");
	assert_brand("3566002020360505", "JCB");
	/* JCB 3528-3589 ends, check digits computed */
	assert_brand("3528000000000007", "JCB");
	assert_brand("3589999999999994", "JCB");
	assert_brand("30569309025904", "Diners Club");
	assert_brand("36227206271667", "Diners Club");
	assert_brand("6200000000000005", "UnionPay");
}

static void card_brand_rejects_non_cards(void **state)
{
	(void)state;
	/* Luhn-valid, but no issuer uses the range */
	assert_brand("9999999999999995", NULL);
	assert_brand("9000000000000001", NULL);
	assert_brand("1234567890123452", NULL);
	/* just outside Mastercard 2221-2720 */
	assert_brand("2220000000000000", NULL);
	assert_brand("2721000000000004", NULL);
	/* just outside JCB 3528-3589 */
	assert_brand("3527000000000008", NULL);
	assert_brand("3590000000000000", NULL);
	/* a brand's prefix with a length it does not issue */
	assert_brand("34000000000000", NULL); /* Amex is 15 */
	assert_brand("37828224631003", NULL);
	assert_brand("378282246310005002", NULL);
	assert_brand("5100000000000008", "Mastercard");
	assert_brand("510000000000003", NULL); /* 15 digits */
	/* Luhn fails */
	assert_brand("4111111111111112", NULL);
	assert_brand("5555555555554445", NULL);
	assert_brand("3530111333300001", NULL);
	/* too short / too long for any card */
	assert_brand("49927398716", NULL);
	assert_brand("41111111111111111110", NULL);
}

/* The issuer ranges as first written, over a prefix of 1 to 4 digits, and
 * the plain Luhn sum: lg_card_brand keeps them as four-digit ranges and
 * sums only numbers in a range, which must come to the same brand. */
static const struct {
	const char *brand;
	unsigned plen, lo, hi, minlen, maxlen;
} ref_iins[] = {
    {"Visa", 1, 4, 4, 16, 19},
    {"Mastercard", 2, 51, 55, 16, 16},
    {"Mastercard", 4, 2221, 2720, 16, 16},
    {"JCB", 4, 3528, 3589, 16, 19},
    {"JCB", 4, 2131, 2131, 15, 15},
    {"JCB", 4, 1800, 1800, 15, 15},
    {"American Express", 2, 34, 34, 15, 15},
    {"American Express", 2, 37, 37, 15, 15},
    {"Diners Club", 3, 300, 305, 14, 16},
    {"Diners Club", 4, 3095, 3095, 14, 16},
    {"Diners Club", 2, 36, 36, 14, 16},
    {"Diners Club", 2, 38, 39, 14, 16},
    {"Discover", 4, 6011, 6011, 16, 19},
    {"Discover", 3, 644, 649, 16, 19},
    {"Discover", 2, 65, 65, 16, 19},
    {"UnionPay", 2, 62, 62, 16, 19},
};

static bool ref_luhn(const char *d, size_t n)
{
	int sum = 0;
	for (size_t k = 0; k < n; k++) {
		int v = d[n - 1 - k] - '0';
		if (v < 0 || v > 9)
			return false;
		if (k % 2 == 1)
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return n > 0 && sum % 10 == 0;
}

static const char *ref_brand(const char *d, size_t n)
{
	if (n < 13 || n > 19 || !ref_luhn(d, n))
		return NULL;
	for (size_t i = 0; i < sizeof(ref_iins) / sizeof(*ref_iins); i++) {
		unsigned v = 0;
		for (unsigned k = 0; k < ref_iins[i].plen; k++)
			v = v * 10 + (unsigned)(d[k] - '0');
		if (v >= ref_iins[i].lo && v <= ref_iins[i].hi &&
		    n >= ref_iins[i].minlen && n <= ref_iins[i].maxlen)
			return ref_iins[i].brand;
	}
	return NULL;
}

/* Every four-digit prefix, at every length from 12 to 20, with each last
 * digit (one of the ten passes Luhn). */
static void card_brand_agrees_with_reference(void **state)
{
	(void)state;
	char d[21];
	uint32_t seed = 7;
	for (unsigned iin = 0; iin < 10000; iin++) {
		for (size_t n = 12; n <= 20; n++) {
			snprintf(d, sizeof(d), "%04u", iin);
			for (size_t k = 4; k < n; k++) {
				seed = seed * 1103515245u + 12345u;
				d[k] = (char)('0' + (seed >> 16) % 10);
			}
			d[n] = '\0';
			for (char last = '0'; last <= '9'; last++) {
				d[n - 1] = last;
				const char *want = ref_brand(d, n);
				const char *got = lg_card_brand(d, n);
				if (want != got &&
				    (!want || !got || strcmp(want, got)))
					fail_msg("%s: expected %s, got %s", d,
						 want ? want : "NULL",
						 got ? got : "NULL");
				assert_int_equal(lg_luhn_valid(d, n),
						 ref_luhn(d, n));
			}
		}
	}
	/* a letter anywhere: no sum, no brand */
	assert_false(lg_luhn_valid(S("41111111111111a1")));
	assert_null(lg_card_brand(S("4a11111111111111")));
	assert_null(lg_card_brand(S("41111111111111a1")));
}

/* ---- My Number
 * --------------------------------------------------------------- */
static void my_number_vectors(void **state)
{
	(void)state;
	/* python-stdnum jp/in_.py doctest */
	assert_true(lg_my_number_valid("621498320257"));
	assert_false(lg_my_number_valid("621498320258"));
	assert_false(lg_my_number_valid("62149832025X"));
	/* JPMyNumber README */
	assert_true(lg_my_number_valid("123456789018"));
	assert_true(lg_my_number_valid("111111111118"));
	/* remainder 1 and remainder 0 both give check digit 0 */
	assert_true(lg_my_number_valid("100000000030"));
	assert_true(lg_my_number_valid("100000000080"));
	assert_false(lg_my_number_valid("100000000031"));
	assert_false(lg_my_number_valid("100000000081"));
	/* every wrong last digit of the stdnum vector fails */
	char d[13] = "621498320257";
	for (char c = '0'; c <= '9'; c++) {
		d[11] = c;
		if (c == '7')
			assert_true(lg_my_number_valid(d));
		else
			assert_false(lg_my_number_valid(d));
	}
	/* too short (the NUL is not a digit) */
	assert_false(lg_my_number_valid("62149832025"));
}

/* ---- corporate number
 * ----------------------------------------------------------- */
/* python-stdnum tests/test_jp_cn.doctest: 40 valid random numbers */
static const char *const corporate_valid[] = {
    "1020281079130", "1092280840134", "1878613755182", "2014614971152",
    "2154272766021", "2156020645218", "2190501102051", "2506450764947",
    "2877943595076", "3102603003473", "3677889020488", "3932580304272",
    "4133937187596", "4322035819249", "4422212699405", "4434215752536",
    "4894094830853", "5385009332457", "5703079264765", "5864353627704",
    "6402078819006", "6457924394338", "6671470548996", "6821550923715",
    "6862173718594", "7030204178342", "7044157771432", "7179487563592",
    "7360581582900", "7631172336579", "7896877317434", "8085647298491",
    "8166975505797", "8451632537189", "8455957905624", "8865890851034",
    "8911879336082", "9196934167858", "9680537896732", "9863806292730",
};

static void corporate_number_vectors(void **state)
{
	(void)state;
	assert_int_equal(sizeof(corporate_valid) / sizeof(*corporate_valid),
			 40);
	for (size_t i = 0; i < 40; i++) {
		if (!lg_corporate_number_valid(corporate_valid[i]))
			fail_msg("%s should be valid", corporate_valid[i]);
		/* any other first (check) digit is wrong */
		char d[14];
		memcpy(d, corporate_valid[i], 14);
		d[0] = d[0] == '9' ? '1' : (char)(d[0] + 1);
		if (lg_corporate_number_valid(d))
			fail_msg("%s should be invalid", d);
	}
	/* stdnum doctest, expydoc example, the National Tax Agency's own */
	assert_true(lg_corporate_number_valid("5835678256246"));
	assert_false(lg_corporate_number_valid("2835678256246"));
	assert_true(lg_corporate_number_valid("7123456789012"));
	assert_true(lg_corporate_number_valid("7000012050002"));
	/* InvalidFormat */
	assert_false(lg_corporate_number_valid("2aaaa78256246"));
	assert_false(lg_corporate_number_valid("583567825624"));
}

/* ---- driver's licence
 * ------------------------------------------------------------- */
static void drivers_license_check_digit(void **state)
{
	(void)state;
	/* jiko0 worked example: 30 90 123456, check 2, reissue 0 */
	assert_true(lg_drivers_license_check_digit("309012345620"));
	/* the reissue digit is not part of the check */
	assert_true(lg_drivers_license_check_digit("309012345629"));
	/* otupy's blog example fails (computed check = 9) */
	assert_false(lg_drivers_license_check_digit("309212345610"));
	assert_true(lg_drivers_license_check_digit("309212345690"));
	assert_false(lg_drivers_license_check_digit("3090123456X0"));
}

/* ---- dates
 * ---------------------------------------------------------------------- */
static void assert_date(const char *s, const char *iso)
{
	char out[11];
	memset(out, 0, sizeof(out));
	bool ok = lg_parse_date(s, strlen(s), out);
	if (!iso) {
		if (ok)
			fail_msg("'%s': expected rejected, got %s", s, out);
		return;
	}
	if (!ok)
		fail_msg("'%s': expected %s, got rejected", s, iso);
	if (strcmp(out, iso) != 0)
		fail_msg("'%s': expected %s, got %s", s, iso, out);
}

static void date_western(void **state)
{
	(void)state;
	assert_date("2024-02-29", "2024-02-29");
	assert_date("2023-02-29", NULL);
	assert_date("2000-02-29", "2000-02-29"); /* divisible by 400 */
	assert_date("1900-02-29", NULL);	 /* by 100, not 400 */
	assert_date("2024年1月15日", "2024-01-15");
	assert_date("2024年01月15日", "2024-01-15");
	assert_date("1985.04.12", "1985-04-12");
	assert_date("1985/4/12", "1985-04-12");
	assert_date("2024-04-31", NULL);
	assert_date("2024-13-01", NULL);
	assert_date("2024-00-10", NULL);
	assert_date("2024-01-00", NULL);
	assert_date("2024-01-32", NULL);
}

static void date_japanese_era(void **state)
{
	(void)state;
	assert_date("昭和60年4月12日", "1985-04-12");
	/* 平成 began on 1989-01-08; the 7th was still 昭和 64 */
	assert_date("平成元年1月8日", "1989-01-08");
	assert_date("平成元年1月7日", NULL);
	assert_date("昭和64年1月7日", "1989-01-07");
	assert_date("昭和64年1月8日", NULL);
	/* 令和 began on 2019-05-01 */
	assert_date("令和元年5月1日", "2019-05-01");
	assert_date("令和元年4月30日", NULL);
	assert_date("平成31年4月30日", "2019-04-30");
	assert_date("平成31年5月1日", NULL);
	/* 大正 ended 1926-12-24, 昭和 began the 25th */
	assert_date("大正15年12月24日", "1926-12-24");
	assert_date("大正15年12月25日", NULL);
	assert_date("昭和元年12月25日", "1926-12-25");
	assert_date("昭和元年12月24日", NULL);
	assert_date("明治45年7月29日", "1912-07-29");
	assert_date("明治45年7月30日", NULL);
	assert_date("大正元年7月30日", "1912-07-30");
	/* 平成4 was a leap year (1992), 平成5 was not */
	assert_date("平成4年2月29日", "1992-02-29");
	assert_date("平成5年2月29日", NULL);
	/* letters and separators */
	assert_date("S60.4.12", "1985-04-12");
	assert_date("H1.1.8", "1989-01-08");
	assert_date("H1.1.7", NULL);
	assert_date("R2/5/1", "2020-05-01");
	assert_date("R1/5/1", "2019-05-01");
	assert_date("s60-4-12", "1985-04-12");
	/* the one-character era forms */
	assert_date("㍻元年1月8日", "1989-01-08");
	assert_date("㍼60年4月12日", "1985-04-12");
	assert_date("㋿2年5月1日", "2020-05-01");
	assert_date("㍻元年1月7日", NULL);
}

/* Every era by its kanji, its sign and its letter in either case, and
 * every English month by its name and abbreviation in any case, day first
 * or month first: each way a date begins. */
static void date_every_beginning(void **state)
{
	(void)state;
	static const struct {
		const char *kanji, *sign, *letter, *iso;
	} eras[] = {
	    {"明治", "㍾", "M", "1869-02-03"},
	    {"大正", "㍽", "T", "1913-02-03"},
	    {"昭和", "㍼", "S", "1927-02-03"},
	    {"平成", "㍻", "H", "1990-02-03"},
	    {"令和", "㋿", "R", "2020-02-03"},
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(eras) / sizeof(*eras); i++) {
		snprintf(buf, sizeof(buf), "%s2年2月3日", eras[i].kanji);
		assert_date(buf, eras[i].iso);
		snprintf(buf, sizeof(buf), "%s2年2月3日", eras[i].sign);
		assert_date(buf, eras[i].iso);
		snprintf(buf, sizeof(buf), "%s2.2.3", eras[i].letter);
		assert_date(buf, eras[i].iso);
		snprintf(buf, sizeof(buf), "%c2.2.3", eras[i].letter[0] | 0x20);
		assert_date(buf, eras[i].iso);
	}
	static const char *const months[] = {"January", "February", "March",
					     "April",	"May",	    "June",
					     "July",	"August",   "September",
					     "October", "November", "December"};
	for (int m = 0; m < 12; m++) {
		char iso[16], abbr[4], upper[16];
		snprintf(iso, sizeof(iso), "1990-%02d-03", m + 1);
		snprintf(abbr, sizeof(abbr), "%.3s", months[m]);
		for (size_t k = 0; months[m][k] && k + 1 < sizeof(upper); k++)
			upper[k] = (char)(months[m][k] & ~0x20);
		upper[strlen(months[m])] = '\0';
		snprintf(buf, sizeof(buf), "%s 3, 1990", months[m]);
		assert_date(buf, iso);
		snprintf(buf, sizeof(buf), "%s. 3rd, 1990", abbr);
		assert_date(buf, iso);
		snprintf(buf, sizeof(buf), "%s 3 1990", upper);
		assert_date(buf, iso);
		snprintf(buf, sizeof(buf), "%c%s 3, 1990", months[m][0] | 0x20,
			 months[m] + 1);
		assert_date(buf, iso);
		snprintf(buf, sizeof(buf), "3 %s 1990", abbr);
		assert_date(buf, iso);
	}
	assert_date("Sept 3, 1990", "1990-09-03");
	/* nothing else begins a date */
	assert_date("Xmas 3, 1990", NULL);
	assert_date("年2月3日", NULL);
	assert_date("-1990-02-03", NULL);
}

/* Dates as documents write them, folded first the way the engine does:
 * full-width digits and ideographic spaces. */
static void date_after_fold(void **state)
{
	(void)state;
	static const struct {
		const char *raw, *iso;
	} cases[] = {
	    {"昭和６０年４月１２日", "1985-04-12"},
	    {"平成元年　１月　８日", "1989-01-08"},
	    {"１９８５／０４／１２", "1985-04-12"},
	    {"Ｓ６０．４．１２", "1985-04-12"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char fold[128];
		size_t n =
		    lg_fold((const uint8_t *)cases[i].raw, strlen(cases[i].raw),
			    fold, NULL, sizeof(fold));
		char iso[11] = {0};
		if (!lg_parse_date(fold, n, iso))
			fail_msg("'%s' (folded '%s') rejected", cases[i].raw,
				 fold);
		assert_string_equal(iso, cases[i].iso);
	}
}

/* ---- phone numbers
 * --------------------------------------------------------------- */
static void phone_kind(void **state)
{
	(void)state;
	assert_int_equal(lg_jp_phone_kind(S("09012345678")), 'm');
	assert_int_equal(lg_jp_phone_kind(S("08012345678")), 'm');
	assert_int_equal(lg_jp_phone_kind(S("07012345678")), 'm');
	assert_int_equal(lg_jp_phone_kind(S("05012345678")), 'm'); /* IP */
	assert_int_equal(lg_jp_phone_kind(S("0312345678")), 'f');
	assert_int_equal(lg_jp_phone_kind(S("0612345678")), 'f');
	assert_int_equal(lg_jp_phone_kind(S("0112345678")), 'f');
	assert_int_equal(lg_jp_phone_kind(S("0120123456")), 't');
	assert_int_equal(lg_jp_phone_kind(S("0570123456")), 't');
	/* a mobile prefix with 10 digits */
	assert_int_equal(lg_jp_phone_kind(S("0901234567")), 0);
	/* 00 is a carrier/international prefix */
	assert_int_equal(lg_jp_phone_kind(S("0012345678")), 0);
	/* not a leading 0, wrong length, not digits */
	assert_int_equal(lg_jp_phone_kind(S("3123456789")), 0);
	assert_int_equal(lg_jp_phone_kind(S("031234567")), 0);
	assert_int_equal(lg_jp_phone_kind(S("090123456789")), 0);
	assert_int_equal(lg_jp_phone_kind(S("03-1234-5678")), 0);
}

/* 0800 free dial is 11 digits and not a mobile: 080-0 is not assigned to
 * mobiles (research/dlp.md 7.3, chiilabo). */
static void phone_kind_0800_is_free_dial(void **state)
{
	(void)state;
	assert_int_equal(lg_jp_phone_kind(S("08001234567")), 't');
	assert_int_equal(lg_jp_phone_kind(S("08009876543")), 't');
	assert_int_equal(lg_jp_phone_kind(S("08012345678")), 'm');
}

static void email_domains_reserved_for_examples(void **state)
{
	(void)state;
	assert_true(lg_email_domain_reserved("aperson@example.com"));
	assert_true(lg_email_domain_reserved("Taro@MAIL.EXAMPLE.CO.JP"));
	assert_true(lg_email_domain_reserved("a@shop.test"));
	assert_true(lg_email_domain_reserved("reports@bench.invalid"));
	assert_false(lg_email_domain_reserved("a@example-co.jp"));
	assert_false(lg_email_domain_reserved("a@myexample.com"));
	assert_false(lg_email_domain_reserved("saito@gmail.com"));
	assert_false(lg_email_domain_reserved("no-at-sign"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(luhn_stdnum_vectors),
	    cmocka_unit_test(card_brand_public_test_pans),
	    cmocka_unit_test(card_brand_rejects_non_cards),
	    cmocka_unit_test(card_brand_agrees_with_reference),
	    cmocka_unit_test(my_number_vectors),
	    cmocka_unit_test(corporate_number_vectors),
	    cmocka_unit_test(drivers_license_check_digit),
	    cmocka_unit_test(date_western),
	    cmocka_unit_test(date_japanese_era),
	    cmocka_unit_test(date_after_fold),
	    cmocka_unit_test(date_every_beginning),
	    cmocka_unit_test(phone_kind),
	    cmocka_unit_test(phone_kind_0800_is_free_dial),
	    cmocka_unit_test(email_domains_reserved_for_examples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
