/* test_detect.c: the detector end to end: each type in the forms Japanese
 * documents write it (plain, spaced, hyphenated, full-width, other
 * encodings decoded first), the labels that gate or raise it, the negative
 * contexts that lower it, CSV headers, positions, and streaming across
 * feed and window boundaries. */
#include <iconv.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/engine_int.h"
#include "findings.h"
#include "leakguard/detect.h"
#include "leakguard/text.h"
#include "text/text_int.h"
#include "util/util.h"

#define DEFAULT_MIN 0.5
#define HIGH	    0.85

static lg_detector *det;     /* min_confidence 0.5: what users get */
static lg_detector *det_all; /* min_confidence 0.01: to read confidences */

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	det = lg_detector_new(&(lg_detect_config){DEFAULT_MIN, 0}, err,
			      sizeof(err));
	if (!det) {
		fprintf(stderr, "lg_detector_new: %s\n", err);
		return -1;
	}
	det_all =
	    lg_detector_new(&(lg_detect_config){0.01, 0}, err, sizeof(err));
	if (!det_all) {
		fprintf(stderr, "lg_detector_new: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	lg_detector_free(det);
	lg_detector_free(det_all);
	return 0;
}

/* ---- collecting findings (findings.h) ------------------------------- */
static found scan(const lg_detector *d, const char *text)
{
	return scan_n(d, text, strlen(text));
}

static const lg_finding *first_of(const found *r, lg_type t)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].type == t)
			return &r->f[i];
	}
	return NULL;
}

static void dump(const char *text, const found *r)
{
	fprintf(stderr, "  text: %s\n", text);
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "  - %s conf=%.2f off=%llu len=%u value=%s\n",
			lg_type_id(r->f[i].type), r->f[i].confidence,
			(unsigned long long)r->f[i].offset, r->f[i].length,
			r->f[i].value);
}

/* Exactly one finding of type t in text, with this value, at or above
 * min_conf; returns a copy. */
static lg_finding expect_one(const lg_detector *d, const char *text, lg_type t,
			     const char *value, double min_conf)
{
	found r = scan(d, text);
	const lg_finding *f = first_of(&r, t);
	if (count_of(&r, t) != 1 || strcmp(f->value, value) != 0 ||
	    f->confidence + 1e-9 < min_conf) {
		dump(text, &r);
		fail_msg("expected one %s '%s' at >= %.2f", lg_type_id(t),
			 value, min_conf);
	}
	lg_finding copy = *f;
	free(r.f);
	return copy;
}

static void expect_none(const lg_detector *d, const char *text, lg_type t)
{
	found r = scan(d, text);
	if (count_of(&r, t) != 0) {
		dump(text, &r);
		fail_msg("expected no %s", lg_type_id(t));
	}
	free(r.f);
}

/* expect_none for each of texts[0..n). */
static void expect_none_in(const lg_detector *d, const char *const *texts,
			   size_t n, lg_type t)
{
	for (size_t i = 0; i < n; i++)
		expect_none(d, texts[i], t);
}
#define NELEM(a) (sizeof(a) / sizeof(*(a)))

/* The confidence of the one finding of type t (-1: none). */
static double confidence_of(const char *text, lg_type t)
{
	found r = scan(det_all, text);
	double c = count_of(&r, t) == 1 ? first_of(&r, t)->confidence : -1;
	if (count_of(&r, t) > 1) {
		dump(text, &r);
		fail_msg("more than one %s", lg_type_id(t));
	}
	free(r.f);
	return c;
}

/* `fmt` with one %s for the form */
static char *fmt1(const char *fmt, const char *s)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf), fmt, s);
	return buf;
}

/* ---- type ids
 * ------------------------------------------------------------------ */
static void type_ids_round_trip(void **state)
{
	(void)state;
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		lg_type back;
		assert_true(lg_type_from_id(lg_type_id((lg_type)t), &back));
		assert_int_equal(back, t);
		assert_true(strlen(lg_type_description((lg_type)t)) > 0);
	}
	assert_string_equal(lg_type_id(LG_JP_MY_NUMBER), "jp_my_number");
	assert_string_equal(lg_type_id(LG_CREDIT_CARD), "credit_card");
	lg_type dummy;
	assert_false(lg_type_from_id("no_such_type", &dummy));
	assert_int_equal(lg_tier_of(0.85), LG_TIER_HIGH);
	assert_int_equal(lg_tier_of(0.75), LG_TIER_MEDIUM);
	assert_int_equal(lg_tier_of(0.5), LG_TIER_LOW);
}

/* ---- credit cards
 * ---------------------------------------------------------------- */
static void credit_card_forms(void **state)
{
	(void)state;
	static const char *const forms[] = {
	    "4111111111111111",
	    "4111 1111 1111 1111",
	    "4111-1111-1111-1111",
	    "４１１１１１１１１１１１１１１１",
	    "４１１１－１１１１－１１１１－１１１１",
	    "４１１１　１１１１　１１１１　１１１１",
	    "4111‐1111‐1111‐1111", /* U+2010 HYPHEN */
	    "4111−1111−1111−1111", /* U+2212 MINUS SIGN */
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		/* no label: the validator alone is enough to report */
		char *text = fmt1("番号は%sです。", forms[i]);
		lg_finding f = expect_one(det, text, LG_CREDIT_CARD,
					  "4111111111111111", DEFAULT_MIN);
		assert_int_equal(f.offset, strlen("番号は"));
		assert_int_equal(f.length, strlen(forms[i]));
		assert_int_equal(f.line, 1);
		assert_int_equal(f.column, 4);
		/* with its label: high */
		expect_one(det, fmt1("カード番号：%s", forms[i]),
			   LG_CREDIT_CARD, "4111111111111111", HIGH);
	}
}

static void credit_card_brands(void **state)
{
	(void)state;
	static const struct {
		const char *text, *value;
	} cases[] = {
	    {"AMEX 3782 822463 10005", "378282246310005"},
	    {"JCB 3530 1113 3330 0000", "3530111333300000"},
	    {"JCB ３５６６－００２０－２０３６－０５０５", "3566002020360505"},
	    {"Diners 3056 930902 5904", "30569309025904"},
	    {"Mastercard 2221-0000-0000-0009", "2221000000000009"},
	    {"UnionPay 6200000000000005", "6200000000000005"},
	    {"Discover 6011-1111-1111-1117", "6011111111111117"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_one(det, cases[i].text, LG_CREDIT_CARD, cases[i].value,
			   HIGH);
}

static void credit_card_rejects(void **state)
{
	(void)state;
	/* Luhn fails */
	expect_none(det_all, "カード番号：4111 1111 1111 1112", LG_CREDIT_CARD);
	/* Luhn passes but no issuer */
	expect_none(det_all, "カード番号：9999 9999 9999 9995", LG_CREDIT_CARD);
	/* a piece of a longer digit run is not a card */
	expect_none(det_all, "ID 94111111111111111", LG_CREDIT_CARD);
	expect_none(det_all, "ID 41111111111111119999", LG_CREDIT_CARD);
}

/* ---- My Number
 * -------------------------------------------------------------------- */
static void my_number_forms(void **state)
{
	(void)state;
	static const char *const forms[] = {
	    "621498320257",
	    "6214 9832 0257",
	    "6214-9832-0257",
	    "６２１４９８３２０２５７",
	    "６２１４ー９８３２ー０２５７", /* ー used as a hyphen */
	    "６２１４－９８３２－０２５７",
	    "６２１４　９８３２　０２５７",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		lg_finding f =
		    expect_one(det, fmt1("マイナンバー：%s", forms[i]),
			       LG_JP_MY_NUMBER, "621498320257", HIGH);
		assert_int_equal(f.offset, strlen("マイナンバー："));
		assert_int_equal(f.length, strlen(forms[i]));
		expect_one(det, fmt1("個人番号 %s", forms[i]), LG_JP_MY_NUMBER,
			   "621498320257", HIGH);
		/* the label is what makes it: without, confidence is lower */
		double bare =
		    confidence_of(fmt1("番号 %s", forms[i]), LG_JP_MY_NUMBER);
		assert_true(bare < HIGH);
	}
	/* the statute's check digit rejects ...0258 whatever the label */
	expect_none(det_all, "マイナンバー：621498320258", LG_JP_MY_NUMBER);
	expect_none(det_all, "マイナンバー：６２１４ー９８３２ー０２５８",
		    LG_JP_MY_NUMBER);
}

/* The sentence of the brief, in each encoding a file may use, decoded to
 * UTF-8 first: found the same way every time. */
static const char sentence[] =
    "マイナンバー：６２１４ー９８３２ー０２５７　山田太郎様\n";

static void my_number_in_each_encoding(void **state)
{
	(void)state;
	static const char *const encs[] = {
	    "CP932", "EUC-JP", "ISO-2022-JP", "UTF-16LE", "UTF-16BE", "UTF-8"};
	for (size_t i = 0; i < sizeof(encs) / sizeof(*encs); i++) {
		iconv_t cd = iconv_open(encs[i], "UTF-8");
		assert_true(cd != (iconv_t)-1);
		char bytes[512], *ip = (char *)sentence, *op = bytes;
		size_t il = strlen(sentence), ol = sizeof(bytes);
		assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
		assert_true(iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1);
		iconv_close(cd);
		size_t n = sizeof(bytes) - ol;

		lg_sniff sn;
		lg_text_sniff((const uint8_t *)bytes, n, &sn);
		const char *enc = sn.binary ? encs[i] : sn.encoding;
		char err[128];
		lg_decoder *dec = lg_decoder_new(enc, err, sizeof(err));
		assert_non_null(dec);
		uint8_t *out = NULL;
		size_t len = 0, cap = 0;
		lg_decode_stats st = {0};
		assert_int_equal(
		    lg_decoder_feed(dec, (const uint8_t *)bytes + sn.bom_len,
				    n - sn.bom_len, true, &out, &len, &cap,
				    &st),
		    LG_OK);
		lg_decoder_free(dec);
		assert_int_equal(st.invalid, 0);
		assert_int_equal(len, strlen(sentence));
		assert_memory_equal(out, sentence, len);
		found r = scan_n(det, out, len);
		const lg_finding *f = first_of(&r, LG_JP_MY_NUMBER);
		if (!f || count_of(&r, LG_JP_MY_NUMBER) != 1) {
			dump(sentence, &r);
			fail_msg("%s: no single jp_my_number", encs[i]);
		}
		assert_string_equal(f->value, "621498320257");
		assert_true(f->confidence >= HIGH);
		assert_int_equal(f->column, 8);
		free(r.f);
		free(out);
	}
}

/* ---- corporate numbers
 * ---------------------------------------------------------- */
static void corporate_number_forms(void **state)
{
	(void)state;
	static const char *const forms[] = {
	    "5835678256246",
	    "5-8356-7825-6246",
	    "５８３５６７８２５６２４６",
	    "５－８３５６－７８２５－６２４６",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++)
		expect_one(det, fmt1("法人番号：%s", forms[i]),
			   LG_JP_CORPORATE_NUMBER, "5835678256246", HIGH);
	/* an invoice registration number: T + the corporate number */
	lg_finding f =
	    expect_one(det, "登録番号 T7000012050002", LG_JP_CORPORATE_NUMBER,
		       "7000012050002", DEFAULT_MIN);
	/* the span covers the T: redacting it leaves no digits behind */
	assert_int_equal(f.offset, strlen("登録番号 "));
	assert_int_equal(f.length, strlen("T7000012050002"));
	expect_one(det, "適格請求書発行事業者 T-7000012050002",
		   LG_JP_CORPORATE_NUMBER, "7000012050002", DEFAULT_MIN);
	expect_none(det_all, "法人番号：2835678256246", LG_JP_CORPORATE_NUMBER);
}

/* ---- phones
 * ------------------------------------------------------------------------ */
static void phone_forms(void **state)
{
	(void)state;
	static const struct {
		const char *form, *value;
	} cases[] = {
	    {"090-1234-5678", "09012345678"},
	    {"09012345678", "09012345678"},
	    {"090 1234 5678", "09012345678"},
	    {"０９０－１２３４－５６７８", "09012345678"},
	    {"０９０ー１２３４ー５６７８", "09012345678"},
	    {"+81-90-1234-5678", "09012345678"},
	    {"+81 90 1234 5678", "09012345678"},
	    {"03-1234-5678", "0312345678"},
	    {"(03)1234-5678", "0312345678"},
	    {"03(1234)5678", "0312345678"},
	    {"０３（１２３４）５６７８", "0312345678"},
	    {"0120123456", "0120123456"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		expect_one(det, fmt1("電話番号：%s", cases[i].form),
			   LG_JP_PHONE, cases[i].value, HIGH - 0.15);
		expect_one(det_all, fmt1("こちらへ %s まで", cases[i].form),
			   LG_JP_PHONE, cases[i].value, 0.01);
	}
	/* a mobile number is personal even without a label */
	expect_one(det, "こちらへ 090-1234-5678 まで", LG_JP_PHONE,
		   "09012345678", DEFAULT_MIN);
	/* the telephone signs are its labels, as 電話 is */
	expect_one(det, "℡03-3211-4567", LG_JP_PHONE, "0332114567", HIGH);
	expect_one(det, "☏ 03-3211-4567", LG_JP_PHONE, "0332114567", HIGH);
	/* not phone numbers */
	expect_none(det_all, "電話：090-1234-567", LG_JP_PHONE);
	expect_none(det_all, "電話：00-1234-5678", LG_JP_PHONE);
}

/* Two numbers a space apart (a label or a cell holding two phones) read
 * as one run of 21 digits fit nothing: each is found; a card's groups,
 * which spaces join too, stay one number. */
static void two_phones_a_space_apart(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "電話: 03-1234-5678 090-1111-2222", "TEL 0312345678 09011112222",
	    "連絡先\t03-1234-5678 090-1111-2222\n"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		found r = scan(det, texts[i]);
		const lg_finding *f = first_of(&r, LG_JP_PHONE);
		if (count_of(&r, LG_JP_PHONE) != 2 ||
		    strcmp(f->value, "0312345678") ||
		    strcmp(r.f[r.n - 1].value, "09011112222")) {
			dump(texts[i], &r);
			fail_msg("expected two phones");
		}
		free(r.f);
	}
	expect_one(det, "カード番号 4111 1111 1111 1111", LG_CREDIT_CARD,
		   "4111111111111111", HIGH);
	expect_none(det_all, "受付 2025-11-03 10:14 伝票 1234 5678 9012 3456 7",
		    LG_JP_PHONE);
}

/* Free dial and navi dial are written 0120-XXX-XXX and 0570-XXX-XXX
 * (research/dlp.md 7.3): three digits last, not four. */
static void phone_free_dial_grouping(void **state)
{
	(void)state;
	expect_one(det, "電話番号：0120-123-456", LG_JP_PHONE, "0120123456",
		   DEFAULT_MIN);
	expect_one(det, "TEL ０５７０－１２３－４５６", LG_JP_PHONE,
		   "0570123456", DEFAULT_MIN);
}

/* ---- e-mail
 * ------------------------------------------------------------------------- */
static void email_forms(void **state)
{
	(void)state;
	expect_one(det, "連絡先: taro.yamada@leakguard-mail.jp です", LG_EMAIL,
		   "taro.yamada@leakguard-mail.jp", DEFAULT_MIN);
	expect_one(det, "Mail: Hanako.Sato+dlp@Mail.Leakguard.CO.JP", LG_EMAIL,
		   "hanako.sato+dlp@mail.leakguard.co.jp", DEFAULT_MIN);
	expect_one(det, "メール：taro＠leakguard-mail.jp", LG_EMAIL,
		   "taro@leakguard-mail.jp", DEFAULT_MIN);
	/* typed in an IME's full-width mode, whole or in part */
	expect_one(det,
		   "連絡先 ｓａｔｏ＿ｈ１２＠ｋａｉｓｈａ．ｃｏ．ｊｐ です",
		   LG_EMAIL, "sato_h12@kaisha.co.jp", DEFAULT_MIN);
	expect_one(det, "mail：hanako.s＠ｇｍａｉｌ．ｃｏｍ。", LG_EMAIL,
		   "hanako.s@gmail.com", DEFAULT_MIN);
	expect_one(det, "mail: k.ito@kaisha.ｃｏ．ｊｐ", LG_EMAIL,
		   "k.ito@kaisha.co.jp", DEFAULT_MIN);
	expect_none(det_all, "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ ａ＠ｂ．ｃ",
		    LG_EMAIL);
	/* the domains reserved for examples are placeholders */
	expect_none(det_all, "メール: user@example.com", LG_EMAIL);
	expect_none(det_all, "メール: yamada@example.co.jp", LG_EMAIL);
	expect_none(det_all, "メール: foo@mail.example.org", LG_EMAIL);
	expect_none(det_all, "mail: Someone@Mail.EXAMPLE.NE.JP", LG_EMAIL);
	/* a domain that only ends like one is not reserved */
	expect_one(det, "mail: foo@myexample.com", LG_EMAIL,
		   "foo@myexample.com", DEFAULT_MIN);
	/* every letter lowered, eight bytes at a time and one by one */
	expect_one(
	    det, "mail: ABCDEFGHIJKLMNOPQRSTUVWXYZ_az09@QUIZ.Leakguard.JP",
	    LG_EMAIL, "abcdefghijklmnopqrstuvwxyz_az09@quiz.leakguard.jp",
	    DEFAULT_MIN);
	/* a message's id is no address: a mail log's, a header's (folded
	 * too); the sender's beside it is */
	expect_none(det_all,
		    "postfix/cleanup[2345]: 4Wz1X2Y3Z4: "
		    "message-id=<20240612100102.4Wz1X2Y3Z4@mx1.kawasemi.co.jp>",
		    LG_EMAIL);
	expect_none(
	    det_all,
	    "Message-ID: <CABcAi1hw7cr4xtigckaGXB5X8wddLf@mail.gmail.com>\n"
	    "In-Reply-To: <20240611.5@mx.kawasemi.jp>\n"
	    "References: <abc.def@mail.kawasemi.jp>\n"
	    "\t<20240610.9@mx.kawasemi.jp>\n",
	    LG_EMAIL);
	expect_one(det,
		   "Message-ID: <20240611.5@mx.kawasemi.jp>\n"
		   "Return-Path: <bounce.sato@kawasemi.jp>\n",
		   LG_EMAIL, "bounce.sato@kawasemi.jp", DEFAULT_MIN);
	expect_one(det,
		   "4Wz1X2Y3Z4: from=<sato.sales@kawasemi.co.jp>, size=2345",
		   LG_EMAIL, "sato.sales@kawasemi.co.jp", DEFAULT_MIN);
}

/* ---- postal codes
 * -------------------------------------------------------------------- */
static void postal_code_forms(void **state)
{
	(void)state;
	expect_one(det, "〒160-0021 東京都新宿区歌舞伎町", LG_JP_POSTAL_CODE,
		   "1600021", HIGH);
	expect_one(det, "〒１６０－００２１", LG_JP_POSTAL_CODE, "1600021",
		   HIGH);
	expect_one(det, "郵便番号：160-0021", LG_JP_POSTAL_CODE, "1600021",
		   HIGH);
}

/* ---- keyword-gated types: only with their label
 * --------------------------------------- */
typedef struct gated {
	lg_type type;
	const char *labelled, *value;
	const char *bare;
} gated;

static const gated gated_cases[] = {
    {LG_JP_DRIVERS_LICENSE, "運転免許証番号：309012345620", "309012345620",
     "番号：309012345620"},
    {LG_JP_DRIVERS_LICENSE, "免許証番号 第３０９０１２３４５６２０号",
     "309012345620", "第３０９０１２３４５６２０号"},
    {LG_JP_PASSPORT, "旅券番号：TK1234567", "TK1234567", "記号 TK1234567"},
    {LG_JP_PASSPORT, "パスポート番号 ＴＫ１２３４５６７", "TK1234567",
     "ＴＫ１２３４５６７"},
    {LG_JP_RESIDENCE_CARD, "在留カード番号：AB12345678CD", "AB12345678CD",
     "番号 AB12345678CD"},
    {LG_JP_BANK_ACCOUNT, "口座番号：1234567", "1234567", "番号：1234567"},
    {LG_JP_BANK_ACCOUNT, "普通預金 口座番号 7654321", "7654321",
     "預金 7654321"},
    {LG_CARD_CVV, "セキュリティコード：123", "123", "コード：123"},
    {LG_CARD_CVV, "CVV: 4567", "4567", "No: 4567"},
    {LG_CARD_EXPIRY, "有効期限：12/28", "2028-12", "期日：12/28"},
    {LG_CARD_EXPIRY, "有効期限 2028年12月", "2028-12", "2028年12月"},
    {LG_PASSWORD, "パスワード：Tr0ub4dor#3", "Tr0ub4dor#3",
     "合言葉 Tr0ub4dor#3"},
    {LG_PASSWORD, "password=Xk9#mQ2vLp", "Xk9#mQ2vLp", "Xk9#mQ2vLp"},
    {LG_BIRTH_DATE, "生年月日：昭和60年4月12日", "1985-04-12",
     "昭和60年4月12日に"},
    {LG_BIRTH_DATE, "生年月日 1985/04/12", "1985-04-12", "日付 1985/04/12"},
    {LG_BIRTH_DATE, "誕生日：１９８５年４月１２日", "1985-04-12",
     "１９８５年４月１２日"},
    {LG_BIRTH_DATE, "生年月日 H1.1.8", "1989-01-08", "H1.1.8"},
};

static void keyword_gated_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gated_cases) / sizeof(*gated_cases);
	     i++) {
		const gated *g = &gated_cases[i];
		expect_one(det, g->labelled, g->type, g->value, DEFAULT_MIN);
		/* not even at the lowest threshold without the label */
		expect_none(det_all, g->bare, g->type);
	}
}

static void drivers_license_check_digit_raises(void **state)
{
	(void)state;
	double good = confidence_of("運転免許証番号：309012345620",
				    LG_JP_DRIVERS_LICENSE);
	double bad = confidence_of("運転免許証番号：309212345610",
				   LG_JP_DRIVERS_LICENSE);
	/* unofficial check digit: raises, never rejects */
	assert_true(bad >= DEFAULT_MIN);
	assert_true(good > bad);
}

/* A birth date on the line before another's label (a match's text then
 * starts on it) is not that label's date: both are found. */
static void birth_dates_on_lines_one_after_another(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    "1985年4月12日生まれ\n生年月日 1990/01/01 (36歳)\n",
	    "1985年4月12日生まれ\n誕生日：1990年1月1日\n",
	    "1985年4月12日生まれ\n1990年1月1日生まれ\n",
	    "生年月日 1990/01/01\n1985年4月12日生まれ\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		found r = scan(det, texts[i]);
		bool first = false, second = false;
		for (size_t k = 0; k < r.n; k++) {
			if (r.f[k].type != LG_BIRTH_DATE)
				continue;
			first |= !strcmp(r.f[k].value, "1985-04-12");
			second |= !strcmp(r.f[k].value, "1990-01-01");
		}
		if (count_of(&r, LG_BIRTH_DATE) != 2 || !first || !second) {
			dump(texts[i], &r);
			fail_msg("expected both birth dates");
		}
		free(r.f);
	}
}

static void birth_date_not_in_other_date_contexts(void **state)
{
	(void)state;
	expect_none(det, "契約日：1985年4月12日", LG_BIRTH_DATE);
	/* the wrong era for the date */
	expect_none(det_all, "生年月日：平成元年1月7日", LG_BIRTH_DATE);
	expect_none(det_all, "生年月日：2023年2月29日", LG_BIRTH_DATE);
}

/* ---- placeholders
 * ----------------------------------------------------------------------- */
static void placeholders_not_reported(void **state)
{
	(void)state;
	expect_none(det_all, "password: ********", LG_PASSWORD);
	expect_none(det_all, "パスワード：＊＊＊＊＊＊＊＊", LG_PASSWORD);
	expect_none(det_all, "password: <your password>", LG_PASSWORD);
	expect_none(det_all, "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
		    LG_AWS_ACCESS_KEY_ID);
	expect_none(det_all,
		    "aws_secret_access_key = "
		    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		    LG_AWS_SECRET_ACCESS_KEY);
	expect_none(det_all, "mail: someone@example.com", LG_EMAIL);
}

/* A placeholder word is a placeholder whole: no prefix of it ("changem",
 * "dumm") may be reported in its place. */
static void password_placeholder_not_reported_by_prefix(void **state)
{
	(void)state;
	expect_none(det_all, "password=changeme", LG_PASSWORD);
	expect_none(det_all, "パスワード：dummy", LG_PASSWORD);
	expect_none(det_all, "pwd: sample123", LG_PASSWORD);
}

/* Each placeholder word, in any case, anywhere in a password (< ends the
 * value: <your password> is above); the type names only whole. */
static void password_placeholder_words(void **state)
{
	(void)state;
	static const char *const words[] = {
	    "Example", "SAMPLE", "dUmmy", "ChangeMe", "YOUR",
	    "xXxX",    "****",	 "${",	  "{{",	      "%S",
	    "Null",    "NONE",	 "True",  "faLSE",    "PassWord",
	    "Secret",  "HOGE",	 "tEsT",  "Redacted"};
	char buf[128];
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		snprintf(buf, sizeof(buf), "password=Qz7%sk9W", words[i]);
		expect_none(det_all, buf, LG_PASSWORD);
		snprintf(buf, sizeof(buf), "password=%sQz7k9W", words[i]);
		expect_none(det_all, buf, LG_PASSWORD);
		snprintf(buf, sizeof(buf), "password=Qz7k9W%s", words[i]);
		expect_none(det_all, buf, LG_PASSWORD);
	}
	expect_none(det_all, "password: WideString", LG_PASSWORD);
	expect_none(det_all, "password: Boolean", LG_PASSWORD);
	/* a word cut short, or a type name inside a longer value */
	expect_one(det_all, "password=Qz7exampl9W", LG_PASSWORD, "Qz7exampl9W",
		   0.5);
	expect_one(det_all, "password=Qz7xxx9Wtes", LG_PASSWORD, "Qz7xxx9Wtes",
		   0.5);
	expect_one(det_all, "password: Boolean7", LG_PASSWORD, "Boolean7", 0.5);
}

/* ---- what the evaluation corpus taught
 * ------------------------------------------------------------------------- */
static void card_expiry_is_month_and_year_of_a_card(void **state)
{
	(void)state;
	expect_one(det, "カード有効期限：09/28", LG_CARD_EXPIRY, "2028-09",
		   HIGH);
	/* a day after the month: some other document's date */
	expect_none(det, "有効期限：2026年2月5日", LG_CARD_EXPIRY);
	expect_none(det, "有効期限：2024/03/22", LG_CARD_EXPIRY);
	/* a passport's, a licence's, a quote's expiry */
	expect_none(det, "旅券有効期限：2026/02", LG_CARD_EXPIRY);
	expect_none(det, "免許証の有効期限：令和7年11月", LG_CARD_EXPIRY);
	expect_none(det, "見積有効期限 2025/01", LG_CARD_EXPIRY);
	/* every word of the list, each looked for by its first byte */
	static const char *const other[] = {
	    "旅券",	    "パスポート", "免許",  "見積",     "在留",
	    "保険証",	    "証明書",	  "契約",  "ポイント", "クーポン",
	    "マイナンバー", "passport",	  "licen", "quote"};
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++) {
		char text[96];
		snprintf(text, sizeof(text), "%s有効期限：2026/02", other[i]);
		expect_none(det, text, LG_CARD_EXPIRY);
		/* the word cut short is not the word */
		snprintf(text, sizeof(text), "%.*s有効期限：2026/02",
			 (int)strlen(other[i]) - 1, other[i]);
		expect_one(det, text, LG_CARD_EXPIRY, "2026-02", DEFAULT_MIN);
	}
	/* exp( and exp[ are the exponential function, EXP and Exp. labels */
	expect_none(det, "y = exp(2015-02 * x)", LG_CARD_EXPIRY);
	expect_none(det, "IntegerPart[N[Exp[2010-01]]]", LG_CARD_EXPIRY);
	expect_one(det, "EXP 12/25", LG_CARD_EXPIRY, "2025-12", HIGH);
	expect_one(det, "Exp. 2027-03", LG_CARD_EXPIRY, "2027-03", HIGH);
	/* a column of licence expiry dates is not a column of card expiries */
	expect_none(det, "氏名,免許証有効期限\n橋本 智子,2028/02/09\n",
		    LG_CARD_EXPIRY);
	expect_one(det, "氏名,有効期限\n橋本 智子,02/28\n", LG_CARD_EXPIRY,
		   "2028-02", HIGH);
}

/* A label and a prefecture both lead to one address: one finding (their
 * matches are the same span, validated once), as confident as either. */
static void address_after_label_and_prefecture_is_one(void **state)
{
	(void)state;
	expect_one(det, "住所：東京都新宿区西新宿2-8-1", LG_JP_ADDRESS,
		   "東京都新宿区西新宿2-8-1", HIGH);
	expect_one(det, "東京都新宿区西新宿2-8-1", LG_JP_ADDRESS,
		   "東京都新宿区西新宿2-8-1", DEFAULT_MIN);
}

static void postal_code_of_seven_bare_digits_needs_a_label(void **state)
{
	(void)state;
	expect_one(det, "zip:1710022", LG_JP_POSTAL_CODE, "1710022",
		   DEFAULT_MIN);
	expect_one(det, "郵便番号 1500002", LG_JP_POSTAL_CODE, "1500002",
		   DEFAULT_MIN);
	expect_none(det, "数量 1500002 個", LG_JP_POSTAL_CODE);
	expect_one(det,
		   "氏名,郵便番号,住所\n山本 さくら,1350062,東京都江東区\n",
		   LG_JP_POSTAL_CODE, "1350062", HIGH);
	expect_one(det, "Shibuya-ku, Tokyo 150-0002, Japan", LG_JP_POSTAL_CODE,
		   "1500002", DEFAULT_MIN);
	/* another number between: the label names that one (a package
	 * list's name, version and monthly downloads) */
	expect_none(det,
		    "@electron-forge/maker-zip\t8.0.1\t1430417\tZIP maker\n",
		    LG_JP_POSTAL_CODE);
	/* a range of numbers is no code */
	expect_none(det, "an anonymous port (in the range 600-1023) is used",
		    LG_JP_POSTAL_CODE);
	expect_none(det, "allowed ports 600-1023", LG_JP_POSTAL_CODE);
}

/* A number joined to a word by a hyphen is the tail of an identifier:
 * an OSS-Fuzz test case, an invoice id. Alone, or after a space, it is a
 * card again. */
static void identifier_tails_are_no_cards(void **state)
{
	(void)state;
	expect_none(det,
		    "clusterfuzz-testcase-minimized-hb-fuzzer-6264625609834496",
		    LG_CREDIT_CARD);
	expect_none(det, "INV-4012888888881881 paid", LG_CREDIT_CARD);
	expect_none(det, "ref-123456789018 filed", LG_JP_MY_NUMBER);
	expect_one(det, "fuzzer 6264625609834496", LG_CREDIT_CARD,
		   "6264625609834496", DEFAULT_MIN);
	expect_one(det, "カード番号 4012-8888-8888-1881", LG_CREDIT_CARD,
		   "4012888888881881", HIGH);
	/* a phone may be written after its label so */
	expect_one(det, "TEL-0312345678", LG_JP_PHONE, "0312345678",
		   DEFAULT_MIN);
}

static void phone_with_country_code_unseparated(void **state)
{
	(void)state;
	expect_one(det, "mobile: +817017892120", LG_JP_PHONE, "07017892120",
		   DEFAULT_MIN);
	expect_one(det, "hotline +81-3-6016-3127", LG_JP_PHONE, "0360163127",
		   DEFAULT_MIN);
	expect_one(det, "配送センター：0120-533-826", LG_JP_PHONE, "0120533826",
		   DEFAULT_MIN);
	/* three groups: an area code of two to five digits, a local part of
	 * four at most; a drawing's formula is no number */
	expect_one(det, "TEL 03 1234 5678", LG_JP_PHONE, "0312345678",
		   DEFAULT_MIN);
	expect_one(det, "tel 01267 2 3456", LG_JP_PHONE, "0126723456",
		   DEFAULT_MIN);
	expect_none(det, "<v:f eqn=\"sum 0 21600 5400\"/>", LG_JP_PHONE);
	expect_none(det, "tel 045 12345 678", LG_JP_PHONE);
}

static void birth_date_in_english(void **state)
{
	(void)state;
	expect_one(det, "Date of Birth: 29 Oct 1974", LG_BIRTH_DATE,
		   "1974-10-29", HIGH);
	expect_one(det, "born August 31, 1982 in Osaka", LG_BIRTH_DATE,
		   "1982-08-31", HIGH);
	expect_one(det, "DOB: Sept. 3rd, 1990", LG_BIRTH_DATE, "1990-09-03",
		   HIGH);
	expect_none(det, "Date of Birth: 31 Feb 1990", LG_BIRTH_DATE);
}

static void table_header_below_a_title(void **state)
{
	(void)state;
	/* Excel exports put a title and a date above the header row */
	expect_one(det,
		   "社員名簿\n作成日：2024/05/01\n\n氏名\t生年月日\t部署\n"
		   "佐藤 花子\t1983/03/14\t営業部\n",
		   LG_BIRTH_DATE, "1983-03-14", HIGH);
	/* an e-mail header with a comma is not a table header */
	expect_one(det,
		   "Date: Sat, 20 Jan 2024 13:09:50 +0900\nSubject: x\n\n"
		   "携帯：070-3558-1987\n",
		   LG_JP_PHONE, "07035581987", HIGH);
	/* nor is a JSON log line */
	expect_one(det,
		   "{\"event\":\"order.created\",\"order_no\":1}\n"
		   "{\"login_id\":\"y-tanaka@gmail.com\"}\n",
		   LG_EMAIL, "y-tanaka@gmail.com", DEFAULT_MIN);
}

static void ids_as_forms_write_them(void **state)
{
	(void)state;
	expect_one(det, "運転免許証番号　30 23 504238 60",
		   LG_JP_DRIVERS_LICENSE, "302350423860", HIGH);
	expect_one(det, "登録番号：T5-8356-7825-6246", LG_JP_CORPORATE_NUMBER,
		   "5835678256246", 0.8);
	/* the T prefix is the evidence; "invoice" does not undo it */
	expect_one(det, "Our invoice registration number is T5835678256246.",
		   LG_JP_CORPORATE_NUMBER, "5835678256246", 0.8);
	expect_one(det,
		   "+ aws configure set aws_secret_access_key "
		   "q3Zr8Lw2Yk5Vn7Pb1Tc9Xs4Hd6Fg0Jm8Aq2We5Ru",
		   LG_AWS_SECRET_ACCESS_KEY,
		   "q3Zr8Lw2Yk5Vn7Pb1Tc9Xs4Hd6Fg0Jm8Aq2We5Ru", HIGH);
	expect_none(det, "SLACK_BOT_TOKEN=xoxb-your-bot-token", LG_SLACK_TOKEN);
}

static void passwords_as_people_write_them(void **state)
{
	(void)state;
	expect_one(det, "\"password\": \"osaka.momo78\",", LG_PASSWORD,
		   "osaka.momo78", HIGH);
	expect_one(det, "define( 'DB_PASSWORD', 'kT9#mQ2x' );", LG_PASSWORD,
		   "kT9#mQ2x", HIGH);
	expect_one(det, "新しいパスワードは pochi-momo53 です", LG_PASSWORD,
		   "pochi-momo53", HIGH);
	expect_one(det, "仮パスワード：ppPc6urWHl（初回ログイン後に変更）",
		   LG_PASSWORD, "ppPc6urWHl", HIGH);
	expect_none(det, "パスワードは必ず変更してください", LG_PASSWORD);
	/* ID and PW as a Japanese mail sends them (a zip's password sent
	 * apart), full-width too; PW as a word of prose is no label */
	expect_one(det, "ID：yamada PW：Sakura2024!", LG_PASSWORD,
		   "Sakura2024!", HIGH);
	expect_one(det, "ID: tanaka / pw=hana8765", LG_PASSWORD, "hana8765",
		   HIGH);
	expect_one(det, "ＩＤ：sato　ＰＷ：Xy7-kq93", LG_PASSWORD, "Xy7-kq93",
		   HIGH);
	expect_none(det, "PW変更のお願い PWの再発行 PW: 別途お送りします",
		    LG_PASSWORD);
	expect_none(det, "pwd(1) and pwm: fan", LG_PASSWORD);
	/* パス, as ID／パス: not the end of another word (キャンパス,
	 * インストールパス, フリーパス), nor a path after it */
	expect_one(det, "ID：tanaka01　パス：Tk8#2xQm", LG_PASSWORD, "Tk8#2xQm",
		   HIGH);
	expect_one(det, "ログインID: sato / パス: Haru2025!", LG_PASSWORD,
		   "Haru2025!", HIGH);
	/* ・ parts words: パス after it starts one */
	expect_one(det, "ログインID・パス：Mk7#pq2R", LG_PASSWORD, "Mk7#pq2R",
		   HIGH);
	expect_none(det,
		    "インストールパス：D:\\Apps\\Tool フリーパス：2024Spring "
		    "バイパス: Route16x",
		    LG_PASSWORD);
	expect_none(det, "パス：C:\\Users\\tanaka\\Documents", LG_PASSWORD);
	expect_none(det, "パス: ./conf/app.ini パス: ~/Backup2024",
		    LG_PASSWORD);
	/* a value in Japanese brackets */
	expect_one(det, "パスワードは「Haru2025」です。", LG_PASSWORD,
		   "Haru2025", HIGH);
	expect_one(det, "パスワード：『abc-9876』", LG_PASSWORD, "abc-9876",
		   HIGH);
	expect_none(det, "パスワードは「こちら」をご覧ください", LG_PASSWORD);
	expect_none(det, "パスワードは「」です", LG_PASSWORD);
	expect_none(det, "パスワードは「Haru2025 です", LG_PASSWORD);
	/* a PIN after 暗証番号: four digits and up */
	expect_one(det, "暗証番号：4321", LG_PASSWORD, "4321", HIGH);
	expect_one(det, "キャッシュカードの暗証番号は『0815』です", LG_PASSWORD,
		   "0815", HIGH);
	expect_none(det, "暗証番号：123 暗証番号：4桁の数字 暗証番号：****",
		    LG_PASSWORD);
	/* an XML element's value (Maven's settings.xml), not a comparison */
	expect_one(det, "      <password>Kx9#mq2Lw7</password>", LG_PASSWORD,
		   "Kx9#mq2Lw7", HIGH);
	expect_one(det, "<パスワード>Haru2024!x</パスワード>", LG_PASSWORD,
		   "Haru2024!x", HIGH);
	expect_none(det, "<password></password> <password>${env.PW}</password>",
		    LG_PASSWORD);
	expect_none(det, "if (password>Limit2024) return;", LG_PASSWORD);
	expect_none(det,
		    "proxy_url=\"socks5h://<username>:<password>@proxy-host\"",
		    LG_PASSWORD);
}

/* A user list's passwords and PINs under their columns; not a column
 * about passwords (their hashes, their expiry), nor a "header" made of a
 * row holding a hash with "pwd" in it (pip's RECORD), nor a form's
 * "passwd:" line (nsswitch.conf). */
static void password_columns_of_a_user_list(void **state)
{
	(void)state;
	static const char users[] =
	    "会員ID,パスワード,氏名,暗証番号,パスワード有効期限,password_hash\n"
	    "m001,Haru2025x,佐藤 花子,4321,2026/12/31,$2y$10$abcdefghijklmn\n"
	    "m002,kT9#mQ2x,鈴木 一郎,0815,2027/01/31,$2y$10$bcdefghijklmno\n"
	    "m003,未設定,高橋 直樹,****,2027/02/28,-\n";
	found r = scan(det, users);
	if (count_of(&r, LG_PASSWORD) != 4) {
		dump(users, &r);
		fail_msg("expected four passwords and PINs");
	}
	free(r.f);
	static const char record[] =
	    "pkg/a.py,sha256=RPiaI_HzhvgRuZnLyVd-mlx_ySKFjQaZYJ3FCgOC3jw,236\n"
	    "pkg/b.py,sha256=Tv16zg_pWD1Dv3IphsxFu8nwWdLeXYcqJ8CC5yHwjH8,2110\n"
	    "pkg/c.py,sha256=NNJHXwRg2_Zn46ZhJyDxZtvZzsPWhb6JjXa7BjM45eg,2770\n"
	    "pkg/d.py,sha256=-ZR_-jl_If9IIBYLINIwlQrlTSmu5k1VUKDc3ie7WR4,868\n";
	expect_none(det, record, LG_PASSWORD);
	expect_none(det,
		    "passwd:\t  db files hesiod\ngroup:\t  db files hesiod\n"
		    "shadow:\t  db files\n",
		    LG_PASSWORD);
}

/* English labels are words: cid in "incident", exp in "export", pass in
 * "compass", dob in "Adobe" are not labels; card_cvv, DB_PASSWORD are. */
static void english_labels_are_words(void **state)
{
	(void)state;
	expect_none(det_all, "incident 1234 was closed", LG_CARD_CVV);
	expect_none(det_all, "the decided amount 500 yen", LG_CARD_CVV);
	expect_none(det_all, "expected 2025/12 release", LG_CARD_EXPIRY);
	expect_none(det_all, "export 10/25 data", LG_CARD_EXPIRY);
	expect_none(det_all, "compass: 1234abcd", LG_PASSWORD);
	expect_none(det_all, "Adobe 2024/01/15 license", LG_BIRTH_DATE);
	expect_none(det_all, "stubborn 1985-04-12", LG_BIRTH_DATE);
	expect_one(det, "{\"card_cvv\":\"082\"}", LG_CARD_CVV, "082", HIGH);
	expect_one(det, "Exp. 12/28", LG_CARD_EXPIRY, "2028-12", HIGH);
	expect_one(det, "DB_PASSWORD=Kw7rT9qLm2", LG_PASSWORD, "Kw7rT9qLm2",
		   HIGH);
	expect_one(det, "user=bob,password=abc123x", LG_PASSWORD, "abc123x",
		   HIGH);
	expect_one(det, "DOB: 1985-04-12", LG_BIRTH_DATE, "1985-04-12", HIGH);
}

/* What test suites print: automake's and DejaGnu's results a line each
 * (PASS: name), DejaGnu's tests named *.exp. Among them PASS names a
 * test and .exp a file; alone, PASS labels a password, exp an expiry. */
static void test_logs_are_not_secrets(void **state)
{
	(void)state;
	static const char *const logs[] = {
	    "PASS: gdb.base/break.exp: break main\n"
	    "PASS: gdb.base/break.exp: run until function breakpoint\n",
	    "FAIL: test-archive\nPASS: test-zip-reader\n",
	    "PASS: test-zip-reader\r\nXFAIL: test-7z\r\n",
	    "# of expected passes 42\nUNSUPPORTED: tls\nPASS: objdump -W\n",
	    "Running /build/binutils/testsuite/binutils-all/strings.exp ...\n"
	    "PASS: strings: decoding little-endian multibyte strings\n"
	    "Running /build/binutils/testsuite/binutils-all/size.exp ...\n",
	    "\tcd testsuite && bash config-sub.sh\n"
	    "\tPASS: config.sub checks (882 tests)\n"
	    "\tPASS: config.sub idempotency checks (819 tests)\n",
	};
	expect_none_in(det_all, logs, NELEM(logs), LG_PASSWORD);
	expect_none(det_all,
		    "PASS: gdb.linespec/ls-errs.exp: lang=C: 'break 2010-03'\n",
		    LG_CARD_EXPIRY);
	expect_none(det_all, "see ls-errs.exp: 2010-03\n", LG_CARD_EXPIRY);
	/* a record's format, lists of names, Perl's variables */
	static const char *const code[] = {
	    "The format is name:passwd:uid:gid:gecos:dir:shell\n",
	    "the \"proxy_pass\", \"fastcgi_pass\", \"scgi_pass\" directives\n",
	    "keywords = ('pwd', 're_syntax', 'read', 'refchan')\n",
	    "    my $pass = $assert->{pass};\n",
	    "    $PASSWORD = $CPAN::Config->{password} || \"\";\n",
	    "PASS: gdb.linespec/cpcompletion.exp: template-ret-type: cmd\n",
	    "sshd[812]: open /etc/passwd: Permission denied\n",
	    "lsof: can't read /etc/security/passwd: Permission denied\n",
	    /* declarations: a type (Pascal, Python's annotations) */
	    "function Check(password: CFStringRef; error: Ptr): cbool;\n",
	    "procedure glSamplePass( pass: GLenum );\n",
	    "    property Password : TSQLStringType Read FPassword;\n",
	    "def hash(password: ReadableBuffer, salt: ReadableBuffer): ...\n",
	    "    password: ReadableBuffer | None = None,\n",
	    "        is_password: FilterOrBool = False,\n",
	    "    private_key_password: Incomplete\n",
	    "    lpszPassword:PAnsiChar         // @parm new password\n",
	    "  ShortPasswd: String='';\n",
	    "  ODSessionProxyPassword: CFStringRef { available in 10.6 }\n",
	    /* assignments of a variable, a constant, a number in hex */
	    "  TheServer.Password:=Response;\n",
	    "    CURLOPT_PASSWORD:=CURLOPTTYPE_STRINGPOINT+174,\n",
	    "  SEC_OPT_PASSWORD = $00007009;\n",
	    "#define CEDB_PASSWORD 0x20\nflags: password = 0x00000020;\n",
	    /* expressions, arguments, a resource's key and its message */
	    "      String password = proxyUser + \":\" + proxyPass;\n",
	    "    String pass = userpass.substring (colon+1);\n",
	    "  return Buffer.from(password, 'base64').toString('utf8')\n",
	    "    { \"keystore.password\", \"Keystore-Kennwort\" },\n",
	};
	expect_none_in(det, code, NELEM(code), LG_PASSWORD);
	/* a name in camelCase ending in Password or Passwd labels one;
	 * Pass ends the names of compiler passes */
	expect_one(det, "const dbPassword = \"S3cr3t!x\";\n", LG_PASSWORD,
		   "S3cr3t!x", HIGH);
	expect_none(det, "struct CoroSplitPass : PassInfoMixin<CoroSplitPass>",
		    LG_PASSWORD);
	expect_one(det, "userPasswd=Qz7kLm2x\n", LG_PASSWORD, "Qz7kLm2x", HIGH);
	expect_none(det, "bypass: Qz7kLm2x\n", LG_PASSWORD);
	expect_none(det, "  confirmPassword: string;\n", LG_PASSWORD);
	/* people's passwords hold digits or symbols, whatever follows */
	expect_one(det, "password: Summer2024; please change it\n", LG_PASSWORD,
		   "Summer2024", HIGH);
	expect_one(det, "(password: Kw7#rT9q)\n", LG_PASSWORD, "Kw7#rT9q",
		   HIGH);
	expect_one(det, "\"password\",\"Xk9#mQ2vLp\"\n", LG_PASSWORD,
		   "Xk9#mQ2vLp", HIGH);
	expect_one(det, "password: $ecret99Xq\n", LG_PASSWORD, "$ecret99Xq",
		   HIGH);
	/* a memo's credentials, and the label exp on its own */
	expect_one(det, "USER: admin\nPASS: Qz7#kLm2\n", LG_PASSWORD,
		   "Qz7#kLm2", HIGH);
	expect_one(det, "PASS: Qz7#kLm2\n", LG_PASSWORD, "Qz7#kLm2", HIGH);
	expect_one(det, "ftp memo\n  PASS: Qz7#kLm2\n  host: 10.0.0.5\n",
		   LG_PASSWORD, "Qz7#kLm2", HIGH);
	expect_one(det, "card .exp: 12/28", LG_CARD_EXPIRY, "2028-12", HIGH);
	expect_one(det, "Card Exp: 12/28", LG_CARD_EXPIRY, "2028-12", HIGH);
	/* a ChangeLog's tab-indented lines are no TSV table whose column
	 * names an address */
	expect_none(det,
		    "\t* addtiffo.c (main): Possibly address Coverity\n"
		    "\t1024226 \"Untrusted value as argument\".\n",
		    LG_JP_POSTAL_CODE);
	expect_one(det, "会員番号\t住所\t郵便番号\nA001\t東京都\t1600021\n",
		   LG_JP_POSTAL_CODE, "1600021", HIGH);
}

/* Keywords around a value: a keyword's space is one white-space byte or
 * none, and an ASCII keyword counts only as a word of its own. */
static void keywords_are_words(void **state)
{
	(void)state;
	static const char *const labelled[] = {
	    "card number: 4111 1111 1111 1111",
	    "cardnumber 4111 1111 1111 1111",
	    "Card\tNumber 4111 1111 1111 1111",
	    "(CARD NO)4111 1111 1111 1111",
	};
	for (size_t i = 0; i < sizeof(labelled) / sizeof(*labelled); i++)
		expect_one(det, labelled[i], LG_CREDIT_CARD, "4111111111111111",
			   HIGH);
	static const char *const inside[] = {
	    "discardnumber 4111 1111 1111 1111",
	    "cardnumbers 4111 1111 1111 1111",
	    "card_number_hash 4111 1111 1111 1111",
	};
	for (size_t i = 0; i < sizeof(inside) / sizeof(*inside); i++) {
		lg_finding f = expect_one(det, inside[i], LG_CREDIT_CARD,
					  "4111111111111111", 0);
		if (f.confidence >= HIGH)
			fail_msg("'%s': %.2f, as if labelled", inside[i],
				 f.confidence);
	}
}

/* What a sweep over real documentation and headers without personal
 * data taught (/usr/share/doc, /usr/include): each of these was reported. */
static void documentation_is_not_personal_data(void **state)
{
	(void)state;
	/* US ZIP+4 in the GPL's old address: two groups are no phone */
	expect_none(det_all, " * Boston, MA 021110-1307, USA.", LG_JP_PHONE);
	/* an enclave CID, an HTML mail's content id */
	expect_none(det_all, "NE_ERR_INVALID_ENCLAVE_CID\t(275)", LG_CARD_CVV);
	expect_none(det_all, "<img src=\"cid:image001.png@01D9\">",
		    LG_CARD_CVV);
	/* libxml2's XML_SCHEMAV_CVC_* error codes */
	expect_none(det_all, "XML_SCHEMAV_CVC_FACET_VALID, /* 1855 */",
		    LG_CARD_CVV);
	/* a file list: man3/exp10.3 */
	expect_none(det_all, "man3/exp.3 man3/exp10.3 man3/exp10f.3",
		    LG_CARD_EXPIRY);
	/* code that declares or assigns a password field */
	expect_none(det_all, "  Password : pchar = 'geen';", LG_PASSWORD);
	expect_none(det_all, "password = g_strdup(value);", LG_PASSWORD);
	expect_none(det_all, "pass = :doInitialization", LG_PASSWORD);
	expect_none(det_all, "PASSWORD = SEC_ERROR_BASE + 5,", LG_PASSWORD);
	expect_none(det_all, "password = salt;", LG_PASSWORD);
	/* seven bare digits near "address" in a comment are no postal code */
	expect_none(det, "/* attach at address */\n#define SHM_EXEC 0100000",
		    LG_JP_POSTAL_CODE);
	/* while real ones stay */
	expect_one(det, "MAIL_PASSWORD=!&@U?OM_BiS%yrIo-E*", LG_PASSWORD,
		   "!&@U?OM_BiS%yrIo-E*", HIGH);
	expect_one(det, "DB_PASSWORD=dfmtdvlyqsx", LG_PASSWORD, "dfmtdvlyqsx",
		   HIGH);
	expect_one(det, "電話でも構いません（09055516623）。", LG_JP_PHONE,
		   "09055516623", DEFAULT_MIN);
	expect_one(det, "配送センター：0120-533-826（9:00〜21:00）",
		   LG_JP_PHONE, "0120533826", DEFAULT_MIN);
	/* a word ending in T before a number is no T-number prefix */
	expect_one(det, "CONTACT 090-1234-5678", LG_JP_PHONE, "09012345678",
		   DEFAULT_MIN);
	expect_none(det_all, "AT5835678256246", LG_JP_CORPORATE_NUMBER);
	expect_one(det, "Ｔ５８３５６７８２５６２４６", LG_JP_CORPORATE_NUMBER,
		   "5835678256246", 0.8);
	/* pretty-printed JSON is no table: its "id" is no column name */
	expect_one(det,
		   "{\n  \"id\": 746270,\n  \"subject\": \"注文\",\n"
		   "  \"phone\": \"090-8475-1367\"\n}\n",
		   LG_JP_PHONE, "09084751367", HIGH);
}

static void secrets_reported(void **state)
{
	(void)state;
	expect_one(det, "aws_access_key_id = AKIA2E0A8F3B244C9986",
		   LG_AWS_ACCESS_KEY_ID, "AKIA2E0A8F3B244C9986", HIGH);
	expect_one(det,
		   "aws_secret_access_key = "
		   "q8Jf2LxN0pR4sT6vW9yB1cD3eF5gH7jK9mP2nQ4r",
		   LG_AWS_SECRET_ACCESS_KEY,
		   "q8Jf2LxN0pR4sT6vW9yB1cD3eF5gH7jK9mP2nQ4r", HIGH);
	expect_one(det, "token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A",
		   LG_GITHUB_TOKEN, "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A",
		   HIGH);
	/* a key is its BEGIN line with a body: base64, as a file holds it
	 * or as code spells it, or an armoured (PGP) or encrypted key's
	 * headers and blank line */
	static const char *const keys[] = {
	    "-----BEGIN RSA PRIVATE KEY-----\n"
	    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8aW+"
	    "Ik0rRz0wW5cM8B1Uy1kQm\n",
	    "-----BEGIN OPENSSH PRIVATE KEY-----\r\n"
	    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2"
	    "gtZW\r\n",
	    "key = \"-----BEGIN PRIVATE KEY-----\\n\"\n"
	    "      "
	    "\"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n\"\n",
	    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQVYBGF3c2sBDADH\n",
	    "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG "
	    "v2\n\nlQO+\n",
	    "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: DES-EDE3-CBC,8A2E4C6B1D3F5A7C\n\nq0Zs\n",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		found r = scan(det, keys[i]);
		if (count_of(&r, LG_PRIVATE_KEY) != 1)
			fail_msg("no private key in: %s", keys[i]);
		free(r.f);
	}
	/* the BEGIN line named, not a key under it */
	static const char *const mentions[] = {
	    "/* The \"-----BEGIN PGP PRIVATE KEY BLOCK-----\" marker */\n",
	    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
	    "-----BEGIN RSA PRIVATE KEY-----\n(your key here)\n",
	    "-----BEGIN EC PRIVATE KEY----- goes first, then the base64\n",
	};
	expect_none_in(det, mentions, NELEM(mentions), LG_PRIVATE_KEY);
}

/* ---- negative contexts
 * ------------------------------------------------------------------- */
static const char *const negatives[] = {
    "注文番号", "追跡番号",  "お問い合わせ番号", "請求書番号",
    "JAN",	"ISBN",	     "invoice",		 "order",
    "tracking", "Order No.", "Invoice #",	 "Tracking number"};

static void negative_context_lowers_card(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(negatives) / sizeof(*negatives); i++) {
		char text[256];
		snprintf(text, sizeof(text), "%s: 4111111111111111",
			 negatives[i]);
		expect_none(det, text, LG_CREDIT_CARD);
		double c = confidence_of(text, LG_CREDIT_CARD);
		if (!(c >= 0 && c < DEFAULT_MIN))
			fail_msg("'%s': credit_card confidence %.2f", text, c);
		/* the same number without the negative label is reported */
		assert_true(confidence_of("番号: 4111111111111111",
					  LG_CREDIT_CARD) >= DEFAULT_MIN);
	}
}

static void negative_context_lowers_phone(void **state)
{
	(void)state;
	static const char *const numbers[] = {"03-1234-5678", "0312345678",
					      "06-1234-5678"};
	for (size_t i = 0; i < sizeof(negatives) / sizeof(*negatives); i++) {
		for (size_t k = 0; k < 3; k++) {
			char text[256];
			snprintf(text, sizeof(text), "%s: %s", negatives[i],
				 numbers[k]);
			expect_none(det, text, LG_JP_PHONE);
		}
	}
}

/* An 11-digit number after 追跡番号 is a tracking number even when it
 * starts 090: the negative label must beat the mobile-number floor. */
static void negative_context_lowers_mobile_shaped(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(negatives) / sizeof(*negatives); i++) {
		char text[256];
		snprintf(text, sizeof(text), "%s: 09012345678", negatives[i]);
		double c = confidence_of(text, LG_JP_PHONE);
		if (c >= DEFAULT_MIN)
			fail_msg("'%s': jp_phone confidence %.2f", text, c);
	}
}

static void nearest_label_wins(void **state)
{
	(void)state;
	/* a card label, then an order label right before the number */
	double c = confidence_of("カード番号ではなく注文番号：4111111111111111",
				 LG_CREDIT_CARD);
	assert_true(c >= 0 && c < DEFAULT_MIN);
	/* an order label, then the card label right before the number */
	c = confidence_of("注文番号とは別のカード番号：4111111111111111",
			  LG_CREDIT_CARD);
	assert_true(c >= HIGH);
	/* My Number: negative nearer than the positive */
	c = confidence_of("マイナンバーではなく注文番号 621498320257",
			  LG_JP_MY_NUMBER);
	assert_true(c < DEFAULT_MIN);
}

/* Each candidate's labels, with many candidates in a window: pattern
 * matches (e-mail) come before digit runs (phones) among the candidates,
 * and their keyword windows, interleaved in the text, apart by more than
 * a rule, are sorted before they are joined and the keywords looked for
 * in them (labels.c). Every value keeps its own label, in every KiB of
 * the window, and a value with none (one in ten) gets none. */
static void labels_of_many_candidates(void **state)
{
	(void)state;
	/* a rule longer than a phone's keyword window */
	const char *rule =
	    "ーーーーーーーーーーーーーーーーーーーーーーーーー"
	    "ーーーーーーーーーーーーーーーーーーーーーーーーー\n";
	lg_buf b = {0};
	enum { LINES = 400 };
	for (int i = 0; i < LINES; i++) {
		if (i % 10 == 9)
			assert_true(lg_buf_printf(&b, "03-%04d-%04d\n%s",
						  1000 + i, 2000 + i, rule));
		else
			assert_true(
			    lg_buf_printf(&b,
					  "電話番号：03-%04d-%04d\n%"
					  "sメール：taro%d@docomo.ne.jp\n%s",
					  1000 + i, 2000 + i, rule, i, rule));
	}
	found r = scan_n(det_all, b.data, b.len);
	size_t phones = 0, mails = 0, bare = 0;
	for (size_t i = 0; i < r.n; i++) {
		const lg_finding *f = &r.f[i];
		if (f->type == LG_EMAIL) {
			mails++;
			assert_true(f->confidence >= 0.97 - 1e-9);
		} else if (f->type == LG_JP_PHONE) {
			phones++;
			char d[5] = {0}; /* 03 dddd dddd: the line's number */
			memcpy(d, f->value + 2, 4);
			bool labelled = (atoi(d) - 1000) % 10 != 9;
			bare += !labelled;
			if (labelled != (f->confidence >= 0.93 - 1e-9))
				dump(b.data, &r);
			assert_true(labelled == (f->confidence >= 0.93 - 1e-9));
		}
	}
	assert_int_equal(phones, LINES);
	assert_int_equal(mails, LINES - LINES / 10);
	assert_int_equal(bare, LINES / 10);
	free(r.f);
	lg_buf_free(&b);
}

/* Labels in and around a table (labels.c notes each candidate's window
 * before the keywords are looked for): a value its column decides needs
 * no keyword, one in a column that does not decide reads its own row only
 * (a label at the row's start counts, one a row up does not), and values
 * in prose before and after the table keep their labels. */
static void labels_in_and_around_tables(void **state)
{
	(void)state;
	static const char text[] = "電話：03-1111-2222\n"
				   "\n"
				   "区分,備考,個人番号\n"
				   "電話,03-2222-3333,621498320257\n"
				   "メモ,03-3333-4444,123456789018\n"
				   "\n"
				   "tel 03-4444-5555\n"
				   "03-5555-6666\n"
				   "注文番号 100000000030\n";
	static const struct {
		lg_type type;
		const char *value;
		double lo, hi; /* its confidence, within */
	} want[] = {
	    {LG_JP_PHONE, "0311112222", 0.93, 0.93},
	    {LG_JP_PHONE, "0322223333", 0.93, 0.93}, /* 電話 in its row */
	    {LG_JP_MY_NUMBER, "621498320257", HIGH, 1},
	    {LG_JP_PHONE, "0333334444", 0.55, 0.55}, /* 電話 a row up */
	    {LG_JP_MY_NUMBER, "123456789018", HIGH, 1},
	    {LG_JP_PHONE, "0344445555", 0.93, 0.93},
	    {LG_JP_PHONE, "0355556666", 0.93, 0.93},	 /* tel, a line up */
	    {LG_JP_MY_NUMBER, "100000000030", 0.2, 0.2}, /* an order's */
	};
	found r = scan(det_all, text);
	size_t k = 0;
	for (size_t i = 0; i < r.n; i++) {
		const lg_finding *f = &r.f[i];
		if (f->type != LG_JP_PHONE && f->type != LG_JP_MY_NUMBER)
			continue;
		if (k >= sizeof(want) / sizeof(*want) ||
		    f->type != want[k].type ||
		    strcmp(f->value, want[k].value) != 0 ||
		    f->confidence + 1e-9 < want[k].lo ||
		    f->confidence - 1e-9 > want[k].hi) {
			dump(text, &r);
			fail_msg("finding %zu: %s %s %.2f", k,
				 lg_type_id(f->type), f->value, f->confidence);
		}
		k++;
	}
	if (k != sizeof(want) / sizeof(*want))
		dump(text, &r);
	assert_int_equal(k, sizeof(want) / sizeof(*want));
	free(r.f);
}

/* ---- CSV headers
 * -------------------------------------------------------------------------- */
static void csv_header_names_columns(void **state)
{
	(void)state;
	static const char csv[] = "氏名,個人番号,注文番号\n"
				  "山田太郎,621498320257,123456789018\n"
				  "佐藤花子,123456789018,621498320257\n"
				  "鈴木一郎,100000000030,100000000080\n";
	found r = scan(det, csv);
	static const struct {
		const char *value;
		uint64_t line;
	} want[] = {
	    {"621498320257", 2}, {"123456789018", 3}, {"100000000030", 4}};
	if (count_of(&r, LG_JP_MY_NUMBER) != 3)
		dump(csv, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 3);
	size_t k = 0;
	for (size_t i = 0; i < r.n; i++) {
		const lg_finding *f = &r.f[i];
		if (f->type != LG_JP_MY_NUMBER)
			continue;
		assert_string_equal(f->value, want[k].value);
		assert_int_equal(f->line, want[k].line);
		assert_int_equal(f->column, 6); /* after 4 kanji and ',' */
		assert_true(f->confidence >= HIGH);
		/* the offset points at the cell */
		assert_memory_equal(csv + f->offset, want[k].value, 12);
		k++;
	}
	free(r.f);
	/* the 注文番号 column's values are not My Numbers, at any
	 * threshold worth reporting */
	r = scan(det_all, csv);
	for (size_t i = 0; i < r.n; i++) {
		const lg_finding *f = &r.f[i];
		if (f->type == LG_JP_MY_NUMBER && f->column > 6)
			assert_true(f->confidence < DEFAULT_MIN);
	}
	free(r.f);
}

static void csv_header_gates_cell_types(void **state)
{
	(void)state;
	static const char csv[] = "氏名,口座番号,有効期限\n"
				  "山田太郎,1234567,12/28\n";
	found r = scan(det, csv);
	const lg_finding *a = first_of(&r, LG_JP_BANK_ACCOUNT);
	const lg_finding *e = first_of(&r, LG_CARD_EXPIRY);
	if (!a || !e)
		dump(csv, &r);
	assert_non_null(a);
	assert_string_equal(a->value, "1234567");
	assert_int_equal(a->line, 2);
	assert_non_null(e);
	assert_string_equal(e->value, "2028-12");
	free(r.f);
}

/* An older system's export: half-width katakana column names (as bank
 * and core systems write them) gate their types as the kanji ones do,
 * and a birth date column's dates may be YYYYMMDD. */
static void csv_half_width_headers_and_compact_dates(void **state)
{
	(void)state;
	static const char csv[] =
	    "ｶｲｲﾝNO,ｼﾒｲ,ｾｲﾈﾝｶﾞｯﾋﾟ,ﾃﾞﾝﾜﾊﾞﾝｺﾞｳ,ﾕｳﾋﾞﾝﾊﾞﾝｺﾞｳ,ｺｳｻﾞﾊﾞﾝｺﾞｳ\n"
	    "0001,ｻﾄｳ ﾊﾅｺ,19850412,09012345678,1000005,1234567\n"
	    "0002,ﾀﾅｶ ｲﾁﾛｳ,19900229,08098765432,5300001,7654321\n";
	found r = scan(det, csv);
	static const struct {
		lg_type t;
		const char *value;
	} want[] = {{LG_BIRTH_DATE, "1985-04-12"},
		    {LG_JP_POSTAL_CODE, "1000005"},
		    {LG_JP_BANK_ACCOUNT, "1234567"}};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const lg_finding *f = first_of(&r, want[i].t);
		if (!f || strcmp(f->value, want[i].value))
			dump(csv, &r);
		assert_non_null(f);
		assert_string_equal(f->value, want[i].value);
	}
	/* 1990 was no leap year: 19900229 is no date */
	size_t dates = 0;
	for (size_t i = 0; i < r.n; i++)
		dates += r.f[i].type == LG_BIRTH_DATE;
	assert_int_equal(dates, 1);
	free(r.f);
	/* outside such a column eight digits are no date */
	expect_none(det, "受付番号 19850412\n", LG_BIRTH_DATE);
}

/* Excel keeps a number's leading zeros as a formula, ="0123": its cells
 * are read as the number (a birth date column's YYYYMMDD, an account). */
static void csv_excel_formula_cells(void **state)
{
	(void)state;
	static const char csv[] = "氏名,生年月日,口座番号\n"
				  "佐藤 花子,=\"19850412\",=\"0123456\"\n";
	found r = scan(det, csv);
	const lg_finding *b = first_of(&r, LG_BIRTH_DATE);
	const lg_finding *a = first_of(&r, LG_JP_BANK_ACCOUNT);
	if (!b || !a)
		dump(csv, &r);
	assert_non_null(b);
	assert_string_equal(b->value, "1985-04-12");
	assert_non_null(a);
	assert_string_equal(a->value, "0123456");
	free(r.f);
}

/* Outside a table, lines after blank ones are ruled out as headers 64
 * bytes at a time (table.c, prose_skip): prose of every kind before a
 * table, at every offset against those blocks, with LF and CRLF blank
 * lines, must leave its header found. A 口座番号 column is what makes
 * the 7 digits an account, so the account is found only with it. */
static void csv_header_after_prose_at_every_offset(void **state)
{
	(void)state;
	static const char *const prose[] = {
	    "Hi all, see notes\nThanks,\n\n",	/* a candidate, no header */
	    "order 12, shipped\n\n\n\n",	/* digits; empty lines */
	    "Thanks\r\n\r\nplain text\r\n\r\n", /* CRLF blank lines */
	    "a\n\r\n;b\r\n\n",			/* a CR line, a ; line */
	};
	static const char *const blank[] = {"\n", "\r\n"};
	char longline[700];
	memset(longline, 'w', sizeof(longline) - 2);
	longline[300] = ','; /* a delimiter, but too long to be a header */
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	for (size_t k = 0; k < sizeof(prose) / sizeof(*prose); k++) {
		for (size_t b = 0; b < 2; b++) {
			for (size_t pad = 0; pad < 140; pad++) {
				char text[4096];
				size_t n = 0;
				memset(text, 'x', pad);
				n = pad;
				n += (size_t)snprintf(
				    text + n, sizeof(text) - n,
				    "intro\n\n%s\n%s%s%s氏名,口座番号%"
				    "s山田太郎,1234567%s",
				    prose[k], longline, prose[k], blank[b],
				    blank[b], blank[b]);
				assert_true(n < sizeof(text));
				found r = scan(det, text);
				const lg_finding *a =
				    first_of(&r, LG_JP_BANK_ACCOUNT);
				if (!a)
					dump(text, &r);
				assert_non_null(a);
				assert_string_equal(a->value, "1234567");
				free(r.f);
			}
		}
	}
	/* without the header the 7 digits are no account */
	found r = scan(det, "intro\n\nHi all,\n\n山田太郎,1234567\n");
	assert_null(first_of(&r, LG_JP_BANK_ACCOUNT));
	free(r.f);
}

/* A row is read in one pass for its end and its fields: a quoted cell's
 * delimiters, past the row's first blocks, are no fields, so the rows fit
 * the header and its 個人番号 column holds down to the last row (which
 * has no newline); CRLF rows. */
static void csv_quoted_cells_past_the_first_block(void **state)
{
	(void)state;
	lg_buf b = {0};
	lg_buf_puts(&b, "個人番号,区分,支店,備考,状態\r\n");
	for (int i = 0; i < 4; i++)
		lg_buf_puts(&b, "621498320257,一般,東京都千代田区丸の内支店,"
				"\"午前中指定, 置き配可, 再配達は不要\",A\r\n");
	lg_buf_puts(&b, "621498320257,一般,東京都千代田区丸の内支店,"
			"\"午前中指定, 置き配可\",B");
	found r = scan_n(det, b.data, b.len);
	if (count_of(&r, LG_JP_MY_NUMBER) != 5)
		dump(b.data, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 5);
	free(r.f);
	lg_buf_free(&b);
}

/* A cell's column is the delimiters before it, outside quotes: past the
 * first SIMD block of its line, and after a quoted cell with a delimiter
 * in it (which, counted, would put it in the 注文番号 column). */
static void csv_column_after_quoted_cells(void **state)
{
	(void)state;
	static const char csv[] =
	    "メモ\n\n"
	    "支店,区分,個人番号,注文番号\n"
	    "東京都千代田区丸の内支店,一般,621498320257,123456789018\n"
	    "\"大阪府大阪市北区梅田支店, 本店\",一般,621498320257,"
	    "123456789018\n"
	    "\"東京, 大阪\",一般,621498320257,123456789018\n";
	found r = scan(det, csv);
	if (count_of(&r, LG_JP_MY_NUMBER) != 3)
		dump(csv, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 3);
	for (size_t i = 0; i < r.n; i++) {
		if (r.f[i].type == LG_JP_MY_NUMBER)
			assert_string_equal(r.f[i].value, "621498320257");
	}
	free(r.f);
}

/* Rows that are only counted go many to a pass; a row that does not fit
 * goes line by line, and one that fits after it starts the count of
 * misfits again: two misfits, a row that fits, two more and one that
 * fits keep the table; x, y, z end it, so the last value is in none. */
static void csv_rows_counted_in_blocks(void **state)
{
	(void)state;
	static const char csv[] =
	    "メモ\n\n"
	    "個人番号,区分,備考\n"
	    "621498320257,一般,短い\n"
	    "621498320257,一般,やや長めの備考欄の文章です。二行目に続きます\n"
	    "621498320257,一般,a,b,c\n"
	    "621498320257,一般,a,b,c\n"
	    "621498320257,一般,ok\n"
	    "621498320257,一般,a,b,c\n"
	    "621498320257,一般,a,b,c\n"
	    "621498320257,一般,ok\n"
	    "x\ny\nz\n"
	    "621498320257,一般,ok\n";
	found r = scan(det, csv);
	if (count_of(&r, LG_JP_MY_NUMBER) != 8)
		dump(csv, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 8);
	for (size_t i = 0; i < r.n; i++) {
		if (r.f[i].type == LG_JP_MY_NUMBER)
			assert_true(r.f[i].line >= 4 && r.f[i].line <= 11);
	}
	free(r.f);
}

/* A row whose quoted cell goes on to the next line is one row: the value
 * on its second line is in the 個人番号 column, counted from the row's
 * start (the rows that are only counted many to a pass stop at a quote). */
static void csv_quoted_line_breaks_in_counted_rows(void **state)
{
	(void)state;
	lg_buf b = {0};
	lg_buf_puts(&b, "メモ\n\n番号,備考,個人番号\n");
	for (int i = 1; i <= 6; i++)
		lg_buf_printf(&b,
			      "%d,\"東京都千代田区丸の内\n一丁目一番一号\","
			      "621498320257\n",
			      i);
	lg_buf_puts(&b, "7,本店,621498320257\n");
	found r = scan_n(det, b.data, b.len);
	if (count_of(&r, LG_JP_MY_NUMBER) != 7)
		dump(b.data, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 7);
	free(r.f);
	lg_buf_free(&b);
}

/* A header line read before is not read again, but headers of the same
 * length are told apart by their bytes: the column that is 個人番号 in
 * each block holds My Numbers, the 注文番号 one does not. */
static void csv_repeated_headers_of_one_length(void **state)
{
	(void)state;
	static const char csv[] = "メモ\n\n"
				  "個人番号,注文番号\n"
				  "621498320257,123456789018\n\n"
				  "注文番号,個人番号\n"
				  "621498320257,123456789018\n\n"
				  "個人番号,注文番号\n"
				  "621498320257,123456789018\n\n"
				  "注文番号,個人番号\n"
				  "621498320257,123456789018\n";
	found r = scan(det, csv);
	if (count_of(&r, LG_JP_MY_NUMBER) != 4)
		dump(csv, &r);
	assert_int_equal(count_of(&r, LG_JP_MY_NUMBER), 4);
	for (size_t i = 0; i < r.n; i++) {
		const lg_finding *f = &r.f[i];
		if (f->type != LG_JP_MY_NUMBER)
			continue;
		/* blocks 1 and 3: the first column; 2 and 4: the second */
		bool first = f->line == 4 || f->line == 10;
		assert_string_equal(f->value,
				    first ? "621498320257" : "123456789018");
	}
	free(r.f);
}

/* ---- positions
 * ----------------------------------------------------------------------------
 */
static void line_column_offset(void **state)
{
	(void)state;
	static const char text[] =
	    "氏名：山田太郎\n"
	    "住所：東京都新宿区\n"
	    "電話：090-1234-5678、メール：taro@leakguard-mail.jp\n";
	found r = scan(det, text);
	const lg_finding *p = first_of(&r, LG_JP_PHONE);
	const lg_finding *m = first_of(&r, LG_EMAIL);
	if (!p || !m)
		dump(text, &r);
	assert_non_null(p);
	assert_int_equal(p->line, 3);
	assert_int_equal(p->column, 4); /* 電 話 ： then the number */
	size_t off = strlen("氏名：山田太郎\n住所：東京都新宿区\n電話：");
	assert_int_equal(p->offset, off);
	assert_int_equal(p->length, strlen("090-1234-5678"));
	assert_memory_equal(text + p->offset, "090-1234-5678", p->length);
	assert_non_null(m);
	assert_int_equal(m->line, 3);
	/* 電話：(3) + 13 + 、メール：(5) */
	assert_int_equal(m->column, 3 + 13 + 5 + 1);
	assert_memory_equal(text + m->offset, "taro@leakguard-mail.jp",
			    m->length);
	/* findings come in text order */
	assert_true(p < m);
	free(r.f);
}

static void column_counts_characters_not_bytes(void **state)
{
	(void)state;
	/* a 4-byte emoji, full-width letters, CRLF line ends */
	static const char text[] = "a\r\n😀ＡＢ電話 090-1234-5678\r\n";
	found r = scan(det, text);
	const lg_finding *p = first_of(&r, LG_JP_PHONE);
	assert_non_null(p);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->column, 7);
	assert_int_equal(p->offset, 3 + 4 + 3 + 3 + 3 + 3 + 1);
	free(r.f);
}

/* Lines and columns are counted once over the text, a block at a time,
 * and carried from window to window: checked against a count from the
 * start for each finding, with gaps short (a dense text) and long, lines
 * that begin in one window and go on in the next, multibyte characters
 * and stray continuation bytes. */
/* Each finding's line and column against a count of the text byte by
 * byte (a column counts characters, from 1); returns the text's lines. */
static uint64_t check_lines_columns(const found *r, const char *text,
				    size_t len)
{
	uint64_t line = 1, col = 0, at = 0;
	for (size_t i = 0; i < r->n; i++) {
		for (; at < r->f[i].offset; at++) {
			uint8_t c = (uint8_t)text[at];
			if (c == '\n') {
				line++;
				col = 0;
			} else if ((c & 0xC0) != 0x80) {
				col++;
			}
		}
		assert_int_equal(r->f[i].line, line);
		assert_int_equal(r->f[i].column, col + 1);
	}
	for (; at < len; at++)
		line += text[at] == '\n';
	return line;
}

/* xorshift64: the random texts of the line tests */
static uint64_t next_rng(uint64_t *rng)
{
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	return *rng;
}

static void line_column_over_windows(void **state)
{
	(void)state;
	static const char *const fill[] = {
	    "a",	" ",	"\n", "\xE3\x81\x82", "\xF0\x9F\x98\x80",
	    "\xC3\xA9", "\x80", "-"};
	uint64_t rng = 0x2545F4914F6CDD1DULL;
	lg_buf t = {0};
	size_t emails = 0;
	while (t.len < (3u << 20)) {
		next_rng(&rng);
		size_t gap = rng % 8 ? rng >> 8 & 255 : rng >> 8 & 0x3FFFF;
		bool one_line = rng >> 40 & 1; /* a long line across windows */
		for (size_t k = 0; k < gap; k++) {
			const char *piece = fill[next_rng(&rng) % 8];
			if (one_line && piece[0] == '\n')
				piece = "a";
			lg_buf_puts(&t, piece);
		}
		lg_buf_printf(&t, " taro%zu@gmail.com ", emails++);
	}
	/* each path of the line cursor the CPU has, the widest last */
	for (int k = 0; k < LG_CPU_STEPS; k++) {
		if (!lg_cpu_limit(lg_cpu_step(k)))
			continue;
		found r = scan_n(det, t.data, t.len);
		assert_true(r.n >= emails / 2);
		check_lines_columns(&r, t.data, t.len);
		free(r.f);
	}
	lg_cpu_limit(LG_CPU_ALL);
	lg_buf_free(&t);
}

/* The stream's line index against a byte-by-byte count of the window:
 * every boundary it holds and its running sum. */
static void check_line_index(const lg_detect_stream *s)
{
	uint32_t nl = 0;
	for (size_t i = 0; i < s->nl_to; i++) {
		if (i % LG_LINE_STEP == 0)
			assert_int_equal(s->nl_at[i / LG_LINE_STEP], nl);
		nl += s->win[i] == '\n';
	}
	if (s->nl_to % LG_LINE_STEP == 0)
		assert_int_equal(s->nl_at[s->nl_to / LG_LINE_STEP], nl);
	assert_int_equal(s->nl_sum, nl);
}

/* Lines and columns by way of the line index (lg_detect_fresh slices and
 * commits of any size, as a reader into the window makes them): sparse
 * stretches whose findings jump from the index, dense ones that turn it
 * off for the next window, long lines across windows and lines that end
 * right at a boundary, checked against a count from the start, and the
 * index itself against the window after each step. */
static void line_column_from_index(void **state)
{
	(void)state;
	static const char *const fill[] = {
	    "a",	" ",	"\n",  "\xE3\x81\x82", "\xF0\x9F\x98\x80",
	    "\xC3\xA9", "\x80", "\n\n"};
	uint64_t rng = 0x9E3779B97F4A7C15ULL;
	lg_buf t = {0};
	size_t emails = 0;
	while (t.len < (4u << 20)) {
		/* a stretch of one density, a window or so long */
		unsigned mode = next_rng(&rng) % 4;
		size_t until = t.len + (next_rng(&rng) & 0xFFFFF);
		while (t.len < until) {
			uint64_t r = next_rng(&rng);
			size_t gap = mode == 0	 ? r >> 8 & 127 /* dense */
				     : mode == 1 ? r >> 8 & 0x3FFF
				     : mode == 2 ? 200 + (r >> 8 & 511)
						 : r >> 8 & 0x1FFFF;
			bool one_line = mode == 3 && r >> 40 & 1;
			for (size_t k = 0; k < gap; k++) {
				const char *piece = fill[next_rng(&rng) % 8];
				if (one_line && piece[0] == '\n')
					piece = "a";
				lg_buf_puts(&t, piece);
			}
			if (r >> 50 & 1) /* a newline just before it */
				lg_buf_puts(&t, "\n");
			lg_buf_printf(&t, "taro%zu@gmail.com ", emails++);
		}
	}
	for (int k = 0; k < LG_CPU_STEPS; k++) {
		if (!lg_cpu_limit(lg_cpu_step(k)))
			continue;
		found r = {0};
		lg_detect_stream *s = lg_detect_stream_new(det);
		assert_non_null(s);
		lg_detect_begin(s, collect, &r);
		for (size_t done = 0; done < t.len;) {
			size_t room;
			uint8_t *at = lg_detect_room(s, &room);
			size_t take = next_rng(&rng) % 3
					  ? room
					  : next_rng(&rng) % room + 1;
			if (take > t.len - done)
				take = t.len - done;
			memcpy(at, t.data + done, take);
			for (size_t fresh = 0; next_rng(&rng) % 4;) {
				fresh += next_rng(&rng) % (take / 4 + 1);
				if (fresh > take)
					break;
				lg_detect_fresh(s, fresh);
				check_line_index(s);
			}
			assert_int_equal(lg_detect_commit(s, take), LG_OK);
			check_line_index(s);
			done += take;
		}
		assert_int_equal(lg_detect_end(s), LG_OK);
		assert_true(r.n >= emails / 2);
		assert_int_equal(lg_detect_newlines(s),
				 check_lines_columns(&r, t.data, t.len) - 1);
		lg_detect_stream_free(s);
		free(r.f);
	}
	lg_cpu_limit(LG_CPU_ALL);
	lg_buf_free(&t);
}

/* The snippet and masked value are safe to show: no digits of the item
 * or its neighbours. */
static void context_is_masked(void **state)
{
	(void)state;
	static const char text[] =
	    "注文 0312 カード番号：4111-1111-1111-1111 有効 9999";
	found r = scan(det, text);
	const lg_finding *f = first_of(&r, LG_CREDIT_CARD);
	assert_non_null(f);
	assert_string_equal(f->value, "4111111111111111");
	assert_null(strstr(f->masked, "41111111"));
	assert_non_null(strstr(f->context, f->masked));
	assert_non_null(strstr(f->context, "カード番号"));
	assert_null(strstr(f->context, "0312"));
	assert_null(strstr(f->context, "9999"));
	assert_null(strstr(f->context, "1111-1111"));
	free(r.f);
}

/* A finding's snippet, confidence and overlaps come out as one window
 * over the whole text gives them, wherever the 1 MiB windows' edges
 * fall: the text is scanned whole and from each of several paragraph
 * starts, and every finding past the first KiB after the cut must match,
 * snippet included.
 * Before windows built context around their share, a window's last
 * finding showed the next one unmasked (山本 beside a phone number) and
 * an address lost the raise of its postal code; and a CSV header whose
 * line ran to a window's edge was judged by neither window, so its block
 * lost its columns. */
static void findings_do_not_depend_on_window_edges(void **state)
{
	(void)state;
	static const char *const lines[] = {
	    "住所: 〒551－4653 兵庫県神戸市中央区三宮町3-10-12第二ビル4F\n",
	    "担当: 山本（内線 2041、携帯 0120-249-384）\n",
	    "連絡先 090-3456-7812 yoshida63@biglobe.ne.jp 〒255-0003\n",
	    "お客様 佐藤花子様 hanako.sato@example.co.jp 03-5555-0199\n",
	    "会議メモ: 2025-11-23 17:56 見積 12,480円 数量 18\n",
	    /* a CSV block after a blank line, its header long enough to
	     * reach over most windows' edges: the header names the columns,
	     * without it 1988-06-25 is no birth date */
	    "\n会員ID,生年月日,電話番号,備考,予備,予備,予備,予備,予備,予備,"
	    "予備,"
	    "予備,予備,予備,予備,予備,予備,予備,予備,予備,予備,予備,予備,"
	    "予備\nM40876066,1988-06-25,"
	    "045-312-5649,,,,,,,,,,,,,,,,,,,,,\nM02859004,1960-05-20,"
	    "03-2290-5927,,,,,,,,,,,,,,,,,,,,,\n\n",
	};
	size_t cap = (3u << 20) + 4096, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (unsigned k = 0; n + 256 < cap - 4096; k++) {
		const char *l = lines[(k * 7 + k / 7) % 6];
		size_t len = strlen(l);
		memcpy(text + n, l, len);
		n += len;
		if (k % 3 == 2)
			text[n++] = '\n'; /* a paragraph: where cuts go */
	}
	found whole = scan_n(det_all, text, n);
	assert_true(whole.n > 50000);
	const size_t starts[] = {1000,	 123457,	333331, 555557,
				 777777, 1048576 + 999, 1500007};
	for (size_t c = 0; c < sizeof(starts) / sizeof(starts[0]); c++) {
		const char *p = strstr(text + starts[c], "\n\n");
		assert_non_null(p);
		size_t cut = (size_t)(p + 2 - text);
		found part = scan_n(det_all, text + cut, n - cut);
		/* the first lines after a cut lack the labels before it */
		size_t i = 0, k = 0;
		while (i < whole.n && whole.f[i].offset < cut + 1024)
			i++;
		while (k < part.n && part.f[k].offset < 1024)
			k++;
		assert_int_equal(whole.n - i, part.n - k);
		for (; k < part.n; k++, i++) {
			const lg_finding *a = &whole.f[i], *b = &part.f[k];
			if (a->offset - cut != b->offset ||
			    a->type != b->type ||
			    strcmp(a->context, b->context) ||
			    strcmp(a->masked, b->masked) ||
			    fabs(a->confidence - b->confidence) > 1e-9)
				fail_msg(
				    "cut %zu: %s@%llu '%s' vs %s@%llu '%s'",
				    cut, lg_type_id(a->type),
				    (unsigned long long)a->offset, a->context,
				    lg_type_id(b->type),
				    (unsigned long long)b->offset, b->context);
		}
		free(part.f);
	}
	free(whole.f);
	free(text);
}

/* After the item each other finding is one step of the snippet, however
 * long: three tokens take it past 96 bytes, and the e-mail address after
 * them is masked too, not shown as text. */
static void context_masks_findings_past_long_ones(void **state)
{
	(void)state;
	static const char text[] = "mail taro.yamada@gmail.com "
				   "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 "
				   "ghp_bB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA6 "
				   "ghp_cB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA7 "
				   "hanako.suzuki@gmail.com\n";
	found r = scan(det, text);
	const lg_finding *f = first_of(&r, LG_EMAIL);
	assert_non_null(f);
	assert_string_equal(f->value, "taro.yamada@gmail.com");
	assert_null(strstr(f->context, "hanako"));
	assert_non_null(strstr(f->context, "h***@gmail.com"));
	free(r.f);
}

static void type_mask_selects(void **state)
{
	(void)state;
	char err[128];
	lg_detector *only = lg_detector_new(
	    &(lg_detect_config){DEFAULT_MIN, 1u << LG_EMAIL}, err, sizeof(err));
	assert_non_null(only);
	found r = scan(only, "カード番号：4111111111111111 mail: "
			     "taro@leakguard-mail.jp");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.f[0].type, LG_EMAIL);
	free(r.f);
	lg_detector_free(only);
}

static int stop_after_first(const lg_finding *f, void *ud)
{
	(void)f;
	(*(int *)ud)++;
	return 1;
}

static void callback_can_stop(void **state)
{
	(void)state;
	int calls = 0;
	static const char text[] = "カード番号：4111111111111111\n"
				   "電話：090-1234-5678\n"
				   "mail: taro@leakguard-mail.jp\n";
	assert_int_equal(lg_detect_buffer(det, (const uint8_t *)text,
					  strlen(text), stop_after_first,
					  &calls),
			 LG_OK);
	assert_int_equal(calls, 1);
}

/* ---- digit runs at every place in a block ---------------------------------
 * numbers.c judges runs of digits 64 bytes at a time, and reads one by one
 * those it cannot judge (a run crossing a block's end, a full-width digit,
 * a look-alike joiner, the last bytes of the text). Each form is put after
 * every length of filler up to more than two blocks, among the short
 * numbers, dates, addresses and full-width digits it skips, with text after
 * it and at the very end of the text. */
typedef struct run_form {
	const char *form, *value;
	lg_type type;
} run_form;

static const run_form run_forms[] = {
    {"4111 1111 1111 1111", "4111111111111111", LG_CREDIT_CARD},
    {"4111111111111111", "4111111111111111", LG_CREDIT_CARD},
    /* the longest cards: their digits copied in three words */
    {"4111111111111111110", "4111111111111111110", LG_CREDIT_CARD},
    {"352811111111111117", "352811111111111117", LG_CREDIT_CARD},
    {"４１１１－１１１１－１１１１－１１１１", "4111111111111111",
     LG_CREDIT_CARD},
    {"4111‐1111‐1111‐1111", "4111111111111111", LG_CREDIT_CARD},
    {"4111-１１１１-１１１１-１１１１", "4111111111111111", LG_CREDIT_CARD},
    {"6214-9832-0257", "621498320257", LG_JP_MY_NUMBER},
    {"６２１４ー９８３２ー０２５７", "621498320257", LG_JP_MY_NUMBER},
    {"5-8356-7825-6246", "5835678256246", LG_JP_CORPORATE_NUMBER},
    {"T7000012050002", "7000012050002", LG_JP_CORPORATE_NUMBER},
    {"090-1234-5678", "09012345678", LG_JP_PHONE},
    {"０９０ー１２３４ー５６７８", "09012345678", LG_JP_PHONE},
    {"+81 90 1234 5678", "09012345678", LG_JP_PHONE},
    {"+81312345678", "0312345678", LG_JP_PHONE},
    {"03(1234)5678", "0312345678", LG_JP_PHONE},
    {"(03) 1234-5678", "0312345678", LG_JP_PHONE},
    {"03(1234)-5678", "0312345678", LG_JP_PHONE},
    {"(03)1234-5678", "0312345678", LG_JP_PHONE},
    {"0120-533-826（9:00〜21:00）", "0120533826", LG_JP_PHONE},
    {"〒160-0021", "1600021", LG_JP_POSTAL_CODE},
    {"〒１６０－００２１", "1600021", LG_JP_POSTAL_CODE},
};

/* What no numeric type takes, wherever it is. */
static const char *const run_nonforms[] = {
    "4111111111111112",	    /* Luhn */
    "4111111111111111111",  /* Luhn, nineteen digits */
    "4111 1111 1111 11112", /* a digit too many */
    "090-1234-5678x",	    /* part of a token */
    "1234567890",	    /* no leading 0 */
    "192.168.100.200",	    /* dotted */
    "2025-11-03 10:14:22",  "20251103-123456", "１２３４５６７８",
};

/* Filler of exactly n bytes: whole characters of a text full of short
 * numbers, then '#' (no digit, joiner or letter) up to n. */
static void run_filler(lg_buf *b, size_t n)
{
	static const char pat[] =
	    "at 10:14:22 on 2025-11-03 from 10.1.2.3 (v1.2) qty ２３個 "
	    "¥1,980 - 12 345 ー 67 ｰ8 ok 1999/12/31 ";
	size_t i = 0, start = b->len;
	while (b->len - start < n) {
		const char *c = pat + i % (sizeof(pat) - 1);
		unsigned char lead = (unsigned char)*c;
		size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : 3;
		if (b->len - start + len >= n) /* keep the last byte '#' */
			break;
		lg_buf_append(b, c, len);
		i += len;
	}
	while (b->len - start < n)
		lg_buf_putc(b, '#');
}

/* Filler, the form, a tail, and more filler to make the text long enough
 * for whole blocks after the form (or none: the form ends the text). */
static void run_text(lg_buf *b, size_t pad, const char *form, const char *tail,
		     bool more)
{
	run_filler(b, pad);
	lg_buf_puts(b, form);
	lg_buf_puts(b, tail);
	if (more)
		run_filler(b, 160);
}

static bool numeric_type(lg_type t)
{
	return t == LG_CREDIT_CARD || t == LG_JP_MY_NUMBER ||
	       t == LG_JP_CORPORATE_NUMBER || t == LG_JP_PHONE ||
	       t == LG_JP_POSTAL_CODE;
}

static size_t numeric_count(const found *r)
{
	return count_of(r, LG_CREDIT_CARD) + count_of(r, LG_JP_MY_NUMBER) +
	       count_of(r, LG_JP_CORPORATE_NUMBER) + count_of(r, LG_JP_PHONE) +
	       count_of(r, LG_JP_POSTAL_CODE);
}

/* The vector byte classes (SSSE3, AVX2, AVX-512BW: those the machine has)
 * agree with the scalar ones, for bytes drawn mostly from those the
 * classes tell apart. */
static void digit_classes_agree(void **state)
{
	(void)state;
	static const uint8_t pick[] = {'0',  '5',  '9',	 '/',  ':',  ' ',
				       '-',  '.',  '(',	 ')',  ',',  0xE2,
				       0xE3, 0xEF, 0xBC, 0x90, 0x99, 0x9A,
				       0x8F, 0xD0, 0x30, 0x2D, 'a',  0x80};
	uint32_t seed = 12345;
	uint8_t block[66];
	for (int round = 0; round < 20000; round++) {
		for (size_t k = 0; k < sizeof(block); k++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t r = seed >> 8;
			block[k] = r % 4 == 0 ? (uint8_t)(r >> 8)
					      : pick[(r >> 8) % sizeof(pick)];
		}
		uint64_t want[4], got[4];
		assert_true(lg_digit_classes(block, 0, want));
		for (int isa = 1; isa <= 3; isa++) {
			if (!lg_digit_classes(block, isa, got))
				continue;
			assert_memory_equal(want, got, sizeof(want));
		}
	}
	/* the scalar classes themselves, on a known block */
	memset(block, 'x', sizeof(block));
	memcpy(block, "12-3", 4);
	memcpy(block + 60, "\xEF\xBC\x99", 3); /* ９ at byte 60 */
	block[63] = 0xE3;
	uint64_t m[4];
	assert_true(lg_digit_classes(block, 0, m));
	assert_true(m[0] == 0xB);
	assert_true(m[1] == 0x4);
	assert_true(m[2] == ((uint64_t)1 << 60 | (uint64_t)1 << 63));
	assert_true(m[3] == (uint64_t)1 << 60);
}

/* The Luhn sum numbers.c takes eight digits at a time, against
 * lg_luhn_valid, on numbers of 9 to 24 digits: random ones, and each with
 * every last digit (one of the ten passes). */
static void luhn_by_words_agrees(void **state)
{
	(void)state;
	uint32_t seed = 777;
	char d[32];
	size_t valid = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 9 + (size_t)round % 16;
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			d[k] = (char)('0' + (seed >> 16) % 10);
		}
		d[n] = '\0';
		for (char last = '0'; last <= '9'; last++) {
			d[n - 1] = last;
			bool want = lg_luhn_valid(d, n);
			valid += want;
			if (lg_luhn_digits(d, n) != want)
				fail_msg("%s: Luhn %d", d, want);
		}
	}
	assert_int_equal(valid, 20000);
	/* all nines and all zeros, the bytes' extremes */
	for (size_t n = 9; n <= 24; n++) {
		memset(d, '9', n);
		assert_true(lg_luhn_digits(d, n) == lg_luhn_valid(d, n));
		memset(d, '0', n);
		assert_true(lg_luhn_digits(d, n));
	}
}

/* Of the characters with lead byte E2, E3 or EF (U+2000 to U+2FFF,
 * U+3000 to U+3FFF: kana, 、。「」, U+F000 to U+FFFF: full-width forms),
 * numbers.c joins digit groups by those lg_fold_ascii folds to a hyphen
 * or a space and by the full-width brackets, the E3 and EF ones told
 * without decoding: each between the groups of a phone number. */
static void wide_joiners_are_the_folding_ones(void **state)
{
	(void)state;
	static const uint8_t leads[] = {0xE2, 0xE3, 0xEF};
	size_t joined = 0;
	for (size_t l = 0; l < sizeof(leads); l++) {
		for (unsigned x = 0x80; x < 0xC0; x++) {
			for (unsigned y = 0x80; y < 0xC0; y++) {
				const uint8_t c[3] = {leads[l], (uint8_t)x,
						      (uint8_t)y};
				uint32_t cp;
				if (lg_utf8_decode(c, 3, &cp) != 3)
					continue; /* EF BF BE and such */
				int a = lg_fold_ascii(cp);
				bool joins = a == '-' || a == ' ' ||
					     cp == 0xFF08 || cp == 0xFF09;
				char text[64];
				snprintf(text, sizeof(text),
					 "tel 090%.3s1234%.3s5678\n",
					 (const char *)c, (const char *)c);
				found r = scan(det, text);
				if ((count_of(&r, LG_JP_PHONE) == 1) != joins) {
					dump(text, &r);
					fail_msg("U+%04X joins: %d",
						 (unsigned)cp, joins);
				}
				joined += joins;
				free(r.f);
			}
		}
	}
	/* ‐‑‒–—― ⁃ − ⎯ ⏤ ─━, 　ー, （）－﹘﹣ｰ */
	assert_int_equal(joined, 12 + 2 + 6);
}

static void digit_runs_at_every_block_phase(void **state)
{
	(void)state;
	static const char *const tails[] = {"", "#", " です。\n", "、12:00"};
	for (size_t v = 0; v < 2 * sizeof(tails) / sizeof(*tails); v++) {
		const char *tail = tails[v / 2];
		bool more = v % 2 == 1 && *tail;
		for (size_t pad = 0; pad < 150; pad++) {
			for (size_t k = 0;
			     k < sizeof(run_forms) / sizeof(*run_forms); k++) {
				const run_form *x = &run_forms[k];
				lg_buf b = {0};
				run_text(&b, pad, x->form, tail, more);
				found r = scan_n(det_all, b.data, b.len);
				const lg_finding *f = first_of(&r, x->type);
				if (count_of(&r, x->type) != 1 ||
				    strcmp(f->value, x->value) != 0 ||
				    f->offset != pad) {
					dump(b.data, &r);
					fail_msg("%s after %zu bytes", x->form,
						 pad);
				}
				free(r.f);
				lg_buf_free(&b);
			}
			for (size_t k = 0;
			     k < sizeof(run_nonforms) / sizeof(*run_nonforms);
			     k++) {
				lg_buf b = {0};
				run_text(&b, pad, run_nonforms[k], tail, more);
				found r = scan_n(det_all, b.data, b.len);
				if (numeric_count(&r) != 0) {
					dump(b.data, &r);
					fail_msg("%s after %zu bytes",
						 run_nonforms[k], pad);
				}
				free(r.f);
				lg_buf_free(&b);
			}
		}
	}
}

/* The block pass judges most runs from its masks alone and builds the
 * plain ones from them; a text shorter than a block is read run by run
 * with parse_run. Numbers that pass their check digits, cut into random
 * groups with random joiners, prefixes and what follows them, must give
 * the same numeric findings both ways, at every phase of the block. */
static const char *rnd_pick(uint32_t *seed, const char *const *set, size_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return set[(*seed >> 16) % n];
}

#define PICK(seed, set) rnd_pick(seed, set, sizeof(set) / sizeof(*set))

/* A number cut into groups, between a prefix and a suffix, in x (room for
 * 64 bytes); returns its length. */
static size_t random_number_text(uint32_t *seed, char *x)
{
	static const char *const lead[] = {"",	     "",  "",  "ID ",
					   "12:00 ", "#", "x", "2025-11-03 "};
	static const char *const prefix[] = {
	    "", "", "", "", "+", "T", "〒", "(", "（", "+81 ", "T-", "〒 "};
	static const char *const number[] = {
	    "4111111111111111", "378282246310005", "30569309025904",
	    "621498320257",	"5835678256246",   "7000012050002",
	    "09012345678",	"0312345678",	   "0120533826",
	    "1600021",		"9012345678",	   "312345678",
	    "20251027645590",	"4111111111111",   "12345678"};
	/* up to six bytes: a bracket and a look-alike, three bytes each */
	static const char *const joiner[] = {
	    "-", "-",  " ",  ".",  "(",	 ")",	")-",	"ー",	"－",
	    "‐", "　", ") ", "）", "（", ")ー", "）ー", "）　", "）-"};
	static const char *const suffix[] = {
	    "",	 "",  "",	  "x",	    "円", "です", ")",
	    "-", " ", "（9:00）", "(9:00)", ".5", "-1",	  "、"};
	size_t n = 0;
#define PUT(str)                                                               \
	do {                                                                   \
		const char *s_ = (str);                                        \
		memcpy(x + n, s_, strlen(s_));                                 \
		n += strlen(s_);                                               \
	} while (0)
	PUT(PICK(seed, lead));
	PUT(PICK(seed, prefix));
	const char *num = PICK(seed, number);
	size_t len = strlen(num), at = 0;
	*seed = *seed * 1103515245u + 12345u;
	unsigned cuts = (*seed >> 16) % 4;
	for (unsigned c = 0; c < cuts && at < len; c++) {
		*seed = *seed * 1103515245u + 12345u;
		size_t g = 1 + (*seed >> 16) % 8;
		if (at + g >= len)
			break;
		memcpy(x + n, num + at, g);
		n += g;
		at += g;
		PUT(PICK(seed, joiner));
	}
	memcpy(x + n, num + at, len - at);
	n += len - at;
	PUT(PICK(seed, suffix));
#undef PUT
	return n;
}

static void digit_runs_agree_with_parsing(void **state)
{
	(void)state;
	uint32_t seed = 4242;
	for (int round = 0; round < 20000; round++) {
		char x[80];
		size_t n = random_number_text(&seed, x);
		x[n++] = '\n';
		found want = scan_n(det_all, x, n);
		/* eight phases of the 64-byte block, one of them past it */
		for (size_t t = 0; t < 8; t++) {
			seed = seed * 1103515245u + 12345u;
			size_t pad =
			    t == 7 ? 64 + (seed >> 16) % 8 : (seed >> 16) % 64;
			lg_buf b = {0};
			for (size_t k = 0; k < pad; k++)
				lg_buf_putc(&b, '#');
			lg_buf_append(&b, x, n);
			for (size_t k = 0; k < 130; k++)
				lg_buf_putc(&b, '#');
			found got = scan_n(det_all, b.data, b.len);
			size_t nw = 0, ng = 0;
			for (size_t i = 0, j = 0;; i++, j++) {
				while (i < want.n &&
				       !numeric_type(want.f[i].type))
					i++;
				while (j < got.n &&
				       !numeric_type(got.f[j].type))
					j++;
				if (i >= want.n || j >= got.n) {
					nw += i < want.n;
					ng += j < got.n;
					break;
				}
				const lg_finding *a = &want.f[i],
						 *g = &got.f[j];
				if (a->type != g->type ||
				    a->offset + pad != g->offset ||
				    a->length != g->length ||
				    strcmp(a->value, g->value)) {
					nw = ng = 1;
					break;
				}
			}
			if (nw || ng) {
				dump(b.data, &got);
				dump(x, &want);
				fail_msg("'%.*s' after %zu bytes", (int)n, x,
					 pad);
			}
			free(got.f);
			lg_buf_free(&b);
		}
		free(want.f);
	}
}

/* ---- streaming
 * -----------------------------------------------------------------------------
 */
static int same_finding(const lg_finding *a, const lg_finding *b)
{
	return a->type == b->type && a->offset == b->offset &&
	       a->length == b->length && a->line == b->line &&
	       a->column == b->column && !strcmp(a->value, b->value) &&
	       !strcmp(a->masked, b->masked) &&
	       a->confidence > b->confidence - 1e-9 &&
	       a->confidence < b->confidence + 1e-9;
}

static found scan_stream(const lg_detector *d, const uint8_t *text, size_t n,
			 size_t piece)
{
	found r = {0};
	lg_detect_stream *s = lg_detect_stream_new(d);
	assert_non_null(s);
	lg_detect_begin(s, collect, &r);
	for (size_t off = 0, k; off < n; off += k) {
		size_t room;
		uint8_t *dst = lg_detect_room(s, &room);
		assert_true(room > 0);
		if (piece == 0) { /* as the file reader: into the window */
			k = n - off < room ? n - off : room;
			memcpy(dst, text + off, k);
			assert_int_equal(lg_detect_commit(s, k), LG_OK);
			continue;
		}
		k = n - off < piece ? n - off : piece;
		assert_int_equal(lg_detect_feed(s, text + off, k), LG_OK);
	}
	assert_int_equal(lg_detect_end(s), LG_OK);
	lg_detect_stream_free(s);
	return r;
}

static void assert_same_findings(const found *a, const found *b,
				 const char *what)
{
	if (a->n != b->n)
		fail_msg("%s: %zu findings, one-shot gave %zu", what, a->n,
			 b->n);
	for (size_t i = 0; i < a->n; i++) {
		if (!same_finding(&a->f[i], &b->f[i]))
			fail_msg("%s: finding %zu differs: %s@%llu '%s' vs "
				 "%s@%llu '%s'",
				 what, i, lg_type_id(a->f[i].type),
				 (unsigned long long)a->f[i].offset,
				 a->f[i].value, lg_type_id(b->f[i].type),
				 (unsigned long long)b->f[i].offset,
				 b->f[i].value);
	}
}

/* The copies of the block pass (scalar, SSSE3, AVX2, AVX2 with PEXT,
 * AVX-512: those the machine has) find the same, in texts dense with
 * runs: numbers that pass their check digits among dates, times,
 * addresses, order numbers of eight and nine digits and short numbers,
 * several runs to a block. The PEXT copies count the digits of all the
 * runs of a block at once and drop those with a count no type has; the
 * others try runs one by one: a run of any count dropped wrongly, next to
 * runs of any other, would be missing from theirs. */
static void digit_scan_copies_agree(void **state)
{
	(void)state;
	static const char *const noise[] = {
	    "2025-11-03", "12:00:59", "10.1.2.3", "12345678", "123456789",
	    "1",	  "12 34",    "(5)",	  "1-2-3",    "1234567",
	    "160-0021",	  "0312345",  "12-34-56", "０",	      "ー",
	    "x",	  "、",	      ".",	  "(",	      ")"};
	static const char *const gap[] = {" ", "\n", ",", "", "-", "  ", ":"};
	uint32_t seed = 2718;
	size_t numeric = 0;
	for (int round = 0; round < 400; round++) {
		lg_buf b = {0};
		while (b.len < 3000) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 3 == 0) {
				char x[80];
				size_t n = random_number_text(&seed, x);
				lg_buf_append(&b, x, n);
			} else {
				lg_buf_puts(&b, PICK(&seed, noise));
			}
			lg_buf_puts(&b, PICK(&seed, gap));
		}
		/* the scalar copy, then SSSE3, AVX2, AVX2 with PEXT, AVX-512 */
		assert_true(lg_cpu_limit(lg_cpu_step(0)));
		found want = scan_n(det_all, b.data, b.len);
		numeric += numeric_count(&want);
		for (int k = 1; k < LG_CPU_STEPS; k++) {
			if (!lg_cpu_limit(lg_cpu_step(k)))
				continue;
			found got = scan_n(det_all, b.data, b.len);
			char what[32];
			snprintf(what, sizeof(what), "copy %d", k);
			assert_same_findings(&got, &want, what);
			free(got.f);
		}
		lg_cpu_limit(LG_CPU_ALL);
		free(want.f);
		lg_buf_free(&b);
	}
	/* the texts do hold numbers to find */
	assert_true(numeric > 1000);
}

/* What the test placed in a text, to check findings against. */
typedef struct placed {
	lg_type type;
	uint64_t offset;
	uint32_t length;
	const char *value;
} placed;

typedef struct item {
	lg_type type;
	const char *label, *text, *value;
} item;

static const item items[] = {
    {LG_CREDIT_CARD, "カード番号：", "4111 1111 1111 1111", "4111111111111111"},
    {LG_JP_MY_NUMBER, "マイナンバー：", "6214-9832-0257", "621498320257"},
    {LG_JP_PHONE, "電話：", "090-1234-5678", "09012345678"},
    {LG_EMAIL, "メール：", "hanako.sato@leakguard-mail.jp",
     "hanako.sato@leakguard-mail.jp"},
    {LG_JP_DRIVERS_LICENSE, "運転免許証番号：", "309012345620", "309012345620"},
    {LG_JP_CORPORATE_NUMBER, "法人番号：", "5835678256246", "5835678256246"},
    {LG_CREDIT_CARD, "クレジットカード ",
     "３５３０－１１１３－３３３０－０"
     "０００",
     "3530111333300000"},
    /* cut after ".co" it would still look like an address */
    {LG_EMAIL, "mail: ", "taro@mail.leakguard.co.jp",
     "taro@mail.leakguard.co.jp"},
    {LG_JP_PHONE, "TEL ", "０３－１２３４－５６７８", "0312345678"},
};
#define NITEMS (sizeof(items) / sizeof(*items))

static const char filler_line[] = "これは試験用の文章です。\n";

/* Appends filler (Japanese lines, then '.' padding) up to `to` bytes. */
static void fill_to(lg_buf *b, size_t to)
{
	size_t fl = strlen(filler_line);
	while (b->len + fl <= to)
		assert_true(lg_buf_append(b, filler_line, fl));
	while (b->len < to)
		assert_true(lg_buf_putc(b, '.'));
}

/* Places item `it` so that its value starts at byte `at`. */
static placed place(lg_buf *b, const item *it, size_t at)
{
	size_t ll = strlen(it->label);
	assert_true(at >= b->len + ll + 1);
	fill_to(b, at - ll - 1);
	assert_true(lg_buf_putc(b, '\n'));
	assert_true(lg_buf_puts(b, it->label));
	assert_int_equal(b->len, at);
	assert_true(lg_buf_puts(b, it->text));
	assert_true(lg_buf_putc(b, '\n'));
	return (placed){it->type, at, (uint32_t)strlen(it->text), it->value};
}

/* Line and column of byte `off`, counting on from a previous answer at
 * *from (offsets asked in increasing order). */
static void line_col_at(const uint8_t *t, uint64_t *from, uint64_t off,
			uint64_t *line, uint64_t *col)
{
	for (uint64_t i = *from; i < off; i++) {
		if (t[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if ((t[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
	*from = off;
}

static void assert_found_as_placed(const found *r, const placed *p, size_t np,
				   const uint8_t *text, const char *what)
{
	if (r->n != np) {
		for (size_t i = 0; i < r->n; i++)
			fprintf(stderr, "  got %s@%llu '%s'\n",
				lg_type_id(r->f[i].type),
				(unsigned long long)r->f[i].offset,
				r->f[i].value);
		for (size_t i = 0; i < np; i++)
			fprintf(stderr, "  want %s@%llu '%s'\n",
				lg_type_id(p[i].type),
				(unsigned long long)p[i].offset, p[i].value);
		fail_msg("%s: %zu findings, %zu placed", what, r->n, np);
	}
	uint64_t at = 0, line = 1, col = 1;
	for (size_t i = 0; i < np; i++) {
		const lg_finding *f = &r->f[i];
		line_col_at(text, &at, p[i].offset, &line, &col);
		if (f->type != p[i].type || f->offset != p[i].offset ||
		    f->length != p[i].length || strcmp(f->value, p[i].value) ||
		    f->line != line || f->column != col)
			fail_msg("%s: #%zu got %s@%llu+%u '%s' %llu:%llu, "
				 "want %s@%llu+%u '%s' %llu:%llu",
				 what, i, lg_type_id(f->type),
				 (unsigned long long)f->offset, f->length,
				 f->value, (unsigned long long)f->line,
				 (unsigned long long)f->column,
				 lg_type_id(p[i].type),
				 (unsigned long long)p[i].offset, p[i].length,
				 p[i].value, (unsigned long long)line,
				 (unsigned long long)col);
		if (f->confidence < DEFAULT_MIN)
			fail_msg("%s: #%zu confidence %.2f", what, i,
				 f->confidence);
	}
}

static void stream_feed_boundary(void **state)
{
	(void)state;
	/* a card number across byte 4096 (and across many 7-byte feeds) */
	for (size_t shift = 0; shift < 19; shift += 3) {
		lg_buf b = {0};
		placed p[3];
		p[0] = place(&b, &items[2], 1000);
		p[1] = place(&b, &items[0], 4096 - 8 + shift);
		p[2] = place(&b, &items[1], 8192 - 5);
		fill_to(&b, b.len + 300);
		const uint8_t *t = (const uint8_t *)b.data;
		found one = scan_n(det, t, b.len);
		assert_found_as_placed(&one, p, 3, t, "one-shot");
		size_t pieces[] = {0, 1, 7, 4096, 4095, 4097};
		for (size_t k = 0; k < sizeof(pieces) / sizeof(*pieces); k++) {
			found s = scan_stream(det, t, b.len, pieces[k]);
			char what[64];
			snprintf(what, sizeof(what), "%zu-byte feeds",
				 pieces[k]);
			assert_same_findings(&s, &one, what);
			free(s.f);
		}
		free(one.f);
		lg_buf_free(&b);
	}
}

#define MiB ((size_t)1 << 20)

/* Where an item goes relative to a boundary B. */
enum spot_mode {
	ACROSS,	     /* the value straddles B */
	ENDS_AT,     /* the value's last byte is just before B */
	ENDS_AFTER,  /* ... one byte after B */
	STARTS_AT,   /* the value's first byte is at B */
	LABEL_ACROSS /* the label straddles B, the value follows */
};

static size_t spot_offset(size_t boundary, enum spot_mode mode, const item *it)
{
	size_t len = strlen(it->text);
	switch (mode) {
	case ACROSS:
		return boundary - len / 2;
	case ENDS_AT:
		return boundary - len;
	case ENDS_AFTER:
		return boundary - len + 1;
	case STARTS_AT:
		return boundary;
	default:
		return boundary + 4;
	}
}

static void stream_3mb_window_boundaries(void **state)
{
	(void)state;
	/* near k MiB (where a window starts), k MiB + 1 KiB (where one
	 * window's share ends) and k MiB + 1 KiB + 160 (where it stops
	 * reading) */
	static const struct {
		size_t k, rel;
		enum spot_mode mode;
	} spots[] = {
	    {1, 0, LABEL_ACROSS}, {1, 1024, ENDS_AT},	 {1, 1184, ACROSS},
	    {2, 0, ACROSS},	  {2, 1024, ACROSS},	 {2, 1184, STARTS_AT},
	    {3, 0, STARTS_AT},	  {3, 1024, ENDS_AFTER}, {3, 1184, ENDS_AT},
	};
	lg_buf b = {0};
	placed p[64];
	size_t np = 0, it = 0;
	p[np++] = place(&b, &items[it++ % NITEMS], 100);
	p[np++] = place(&b, &items[it++ % NITEMS], 300000);
	size_t k_prev = 0;
	for (size_t i = 0; i < sizeof(spots) / sizeof(*spots); i++) {
		if (spots[i].k != k_prev) {
			/* something in the middle of each window too */
			size_t mid = (spots[i].k - 1) * MiB + 700000;
			p[np++] = place(&b, &items[it++ % NITEMS], mid);
			k_prev = spots[i].k;
		}
		const item *x = &items[it++ % NITEMS];
		size_t at = spot_offset(spots[i].k * MiB + spots[i].rel,
					spots[i].mode, x);
		p[np++] = place(&b, x, at);
	}
	p[np++] = place(&b, &items[it++ % NITEMS], 3 * MiB + 100000);
	fill_to(&b, 3 * MiB + 200000);
	const uint8_t *t = (const uint8_t *)b.data;

	found one = scan_n(det, t, b.len);
	assert_found_as_placed(&one, p, np, t, "one-shot 3 MB");
	/* 0: each time the window's whole room, filled in place */
	size_t pieces[] = {0, 1, 7, 4096, 65536 + 3, MiB, MiB + 1};
	for (size_t k = 0; k < sizeof(pieces) / sizeof(*pieces); k++) {
		found s = scan_stream(det, t, b.len, pieces[k]);
		char what[64];
		snprintf(what, sizeof(what), "3 MB in %zu-byte feeds",
			 pieces[k]);
		assert_found_as_placed(&s, p, np, t, what);
		assert_same_findings(&s, &one, what);
		free(s.f);
	}
	free(one.f);
	lg_buf_free(&b);
}

/* Wherever the window boundaries fall, and whatever their sizes: items
 * packed densely around 1 MiB and 2 MiB, the packing shifted one byte at a
 * time so that every byte of every kind of item meets every boundary. */
static void stream_boundaries_every_phase(void **state)
{
	(void)state;
	for (size_t shift = 0; shift < 96; shift++) {
		lg_buf b = {0};
		placed p[256];
		size_t np = 0, it = shift % NITEMS;
		for (size_t k = 1; k <= 2; k++) {
			size_t at = k * MiB - 2600 + shift;
			while (at < k * MiB + 2600) {
				const item *x = &items[it++ % NITEMS];
				at += strlen(x->label) + 1;
				p[np++] = place(&b, x, at);
				at += strlen(x->text) + 1 + 7;
			}
		}
		fill_to(&b, 2 * MiB + 8000);
		const uint8_t *t = (const uint8_t *)b.data;
		found one = scan_n(det, t, b.len);
		char what[64];
		snprintf(what, sizeof(what), "dense, shift %zu", shift);
		assert_found_as_placed(&one, p, np, t, what);
		free(one.f);
		lg_buf_free(&b);
	}
}

/* A stream is reusable: begin resets positions and the table state. */
static void stream_begin_resets(void **state)
{
	(void)state;
	static const char csv[] = "氏名,個人番号\n山田太郎,621498320257\n";
	static const char plain[] = "番号 621498320257\n電話 090-1234-5678\n";
	lg_detect_stream *s = lg_detect_stream_new(det);
	assert_non_null(s);
	for (int round = 0; round < 2; round++) {
		found a = {0};
		lg_detect_begin(s, collect, &a);
		assert_int_equal(
		    lg_detect_feed(s, (const uint8_t *)csv, strlen(csv)),
		    LG_OK);
		assert_int_equal(lg_detect_end(s), LG_OK);
		assert_int_equal(count_of(&a, LG_JP_MY_NUMBER), 1);
		assert_int_equal(a.f[0].line, 2);
		free(a.f);
		found b = {0};
		lg_detect_begin(s, collect, &b);
		assert_int_equal(
		    lg_detect_feed(s, (const uint8_t *)plain, strlen(plain)),
		    LG_OK);
		assert_int_equal(lg_detect_end(s), LG_OK);
		/* no 個人番号 column any more: the bare number is not high */
		const lg_finding *m = first_of(&b, LG_JP_MY_NUMBER);
		assert_true(!m || m->confidence < HIGH);
		const lg_finding *ph = first_of(&b, LG_JP_PHONE);
		assert_non_null(ph);
		assert_int_equal(ph->line, 2);
		assert_int_equal(ph->offset,
				 strlen("番号 621498320257\n電話 "));
		free(b.f);
	}
	lg_detect_stream_free(s);
}

/* More values in one window than one 64 KiB value block holds (the
 * engine keeps them in blocks it reuses), then a sparser text on the same
 * stream: every value is the one written. */
static void values_fill_many_blocks(void **state)
{
	(void)state;
	enum { DENSE = 6000, SPARSE = 40 };
	lg_detect_stream *st = lg_detect_stream_new(det);
	assert_non_null(st);
	for (int round = 0; round < 2; round++) {
		size_t n = round == 0 ? DENSE : SPARSE;
		lg_buf t = {0};
		for (size_t i = 0; i < n; i++)
			lg_buf_printf(&t, "連絡先 taro%05zu@gmail.com\n", i);
		found r = {0};
		lg_detect_begin(st, collect, &r);
		assert_int_equal(
		    lg_detect_feed(st, (const uint8_t *)t.data, t.len), LG_OK);
		assert_int_equal(lg_detect_end(st), LG_OK);
		assert_int_equal(count_of(&r, LG_EMAIL), n);
		size_t k = 0;
		for (size_t i = 0; i < r.n; i++) {
			if (r.f[i].type != LG_EMAIL)
				continue;
			char want[32];
			snprintf(want, sizeof(want), "taro%05zu@gmail.com",
				 k++);
			assert_string_equal(r.f[i].value, want);
		}
		free(r.f);
		lg_buf_free(&t);
	}
	lg_detect_stream_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(type_ids_round_trip),
	    cmocka_unit_test(keywords_are_words),
	    cmocka_unit_test(credit_card_forms),
	    cmocka_unit_test(credit_card_brands),
	    cmocka_unit_test(credit_card_rejects),
	    cmocka_unit_test(my_number_forms),
	    cmocka_unit_test(my_number_in_each_encoding),
	    cmocka_unit_test(corporate_number_forms),
	    cmocka_unit_test(phone_forms),
	    cmocka_unit_test(two_phones_a_space_apart),
	    cmocka_unit_test(phone_free_dial_grouping),
	    cmocka_unit_test(email_forms),
	    cmocka_unit_test(postal_code_forms),
	    cmocka_unit_test(keyword_gated_types),
	    cmocka_unit_test(drivers_license_check_digit_raises),
	    cmocka_unit_test(birth_date_not_in_other_date_contexts),
	    cmocka_unit_test(birth_dates_on_lines_one_after_another),
	    cmocka_unit_test(password_columns_of_a_user_list),
	    cmocka_unit_test(placeholders_not_reported),
	    cmocka_unit_test(password_placeholder_not_reported_by_prefix),
	    cmocka_unit_test(password_placeholder_words),
	    cmocka_unit_test(secrets_reported),
	    cmocka_unit_test(documentation_is_not_personal_data),
	    cmocka_unit_test(english_labels_are_words),
	    cmocka_unit_test(card_expiry_is_month_and_year_of_a_card),
	    cmocka_unit_test(address_after_label_and_prefecture_is_one),
	    cmocka_unit_test(postal_code_of_seven_bare_digits_needs_a_label),
	    cmocka_unit_test(phone_with_country_code_unseparated),
	    cmocka_unit_test(birth_date_in_english),
	    cmocka_unit_test(table_header_below_a_title),
	    cmocka_unit_test(ids_as_forms_write_them),
	    cmocka_unit_test(passwords_as_people_write_them),
	    cmocka_unit_test(test_logs_are_not_secrets),
	    cmocka_unit_test(identifier_tails_are_no_cards),
	    cmocka_unit_test(negative_context_lowers_card),
	    cmocka_unit_test(negative_context_lowers_phone),
	    cmocka_unit_test(negative_context_lowers_mobile_shaped),
	    cmocka_unit_test(nearest_label_wins),
	    cmocka_unit_test(labels_of_many_candidates),
	    cmocka_unit_test(labels_in_and_around_tables),
	    cmocka_unit_test(csv_header_names_columns),
	    cmocka_unit_test(csv_header_gates_cell_types),
	    cmocka_unit_test(csv_half_width_headers_and_compact_dates),
	    cmocka_unit_test(csv_excel_formula_cells),
	    cmocka_unit_test(csv_header_after_prose_at_every_offset),
	    cmocka_unit_test(csv_quoted_cells_past_the_first_block),
	    cmocka_unit_test(csv_repeated_headers_of_one_length),
	    cmocka_unit_test(csv_column_after_quoted_cells),
	    cmocka_unit_test(csv_rows_counted_in_blocks),
	    cmocka_unit_test(csv_quoted_line_breaks_in_counted_rows),
	    cmocka_unit_test(line_column_offset),
	    cmocka_unit_test(line_column_over_windows),
	    cmocka_unit_test(line_column_from_index),
	    cmocka_unit_test(column_counts_characters_not_bytes),
	    cmocka_unit_test(context_is_masked),
	    cmocka_unit_test(context_masks_findings_past_long_ones),
	    cmocka_unit_test(findings_do_not_depend_on_window_edges),
	    cmocka_unit_test(type_mask_selects),
	    cmocka_unit_test(callback_can_stop),
	    cmocka_unit_test(digit_classes_agree),
	    cmocka_unit_test(digit_runs_at_every_block_phase),
	    cmocka_unit_test(luhn_by_words_agrees),
	    cmocka_unit_test(wide_joiners_are_the_folding_ones),
	    cmocka_unit_test(digit_runs_agree_with_parsing),
	    cmocka_unit_test(digit_scan_copies_agree),
	    cmocka_unit_test(stream_feed_boundary),
	    cmocka_unit_test(stream_3mb_window_boundaries),
	    cmocka_unit_test(stream_boundaries_every_phase),
	    cmocka_unit_test(stream_begin_resets),
	    cmocka_unit_test(values_fill_many_blocks),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
