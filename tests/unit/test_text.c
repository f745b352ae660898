/* test_text.c: encoding sniffing, streaming decoding to UTF-8 and the ASCII
 * fold, on Japanese text encoded by the system iconv the way business
 * files are (CP932, EUC-JP, ISO-2022-JP, UTF-16 with and without BOM). */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "text/text_int.h"

#include "leakguard/text.h"
#include "util/util.h"

/* The sentence of the brief and a document around it: long enough for a
 * charset detector to have something to go on. */
#define SENTENCE "マイナンバー：６２１４ー９８３２ー０２５７　山田太郎様"
static const char document[] =
    "お客様各位\n"
    "いつも弊社サービスをご利用いただき、誠にありがとうございます。\n"
    "下記の内容にてご登録を承りましたので、ご確認ください。\n" SENTENCE "\n"
    "ご不明な点がございましたら、担当者までお問い合わせください。\n"
    "今後ともよろしくお願い申し上げます。\n";

/* ---- helpers ------------------------------------------------------------- */
typedef struct bytes {
	uint8_t *p;
	size_t n;
} bytes;

/* UTF-8 to `to` with the system iconv (what a file saved as `to` holds). */
static bytes encode(const char *utf8, const char *to)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(utf8), cap = inleft * 4 + 64;
	bytes b = {malloc(cap), 0};
	assert_non_null(b.p);
	char *ip = (char *)utf8, *op = (char *)b.p;
	size_t oleft = cap;
	assert_true(iconv(cd, &ip, &inleft, &op, &oleft) != (size_t)-1);
	assert_true(iconv(cd, NULL, NULL, &op, &oleft) != (size_t)-1);
	iconv_close(cd);
	b.n = cap - oleft;
	return b;
}

static bytes concat(const void *a, size_t na, const void *b, size_t nb)
{
	bytes r = {malloc(na + nb + 1), na + nb};
	assert_non_null(r.p);
	if (na) /* a is NULL when empty */
		memcpy(r.p, a, na);
	memcpy(r.p + na, b, nb);
	return r;
}

typedef struct decoded {
	uint8_t *out;
	size_t len, cap;
	lg_decode_stats st;
} decoded;

/* Decodes in[0..n) with `enc`, `chunk` bytes per feed (0: all at once),
 * eof on the last feed. */
static decoded decode(const char *enc, const uint8_t *in, size_t n,
		      size_t chunk)
{
	char err[128];
	decoded r;
	memset(&r, 0, sizeof(r));
	lg_decoder *d = lg_decoder_new(enc, err, sizeof(err));
	if (!d)
		fail_msg("lg_decoder_new(%s): %s", enc, err);
	if (chunk == 0)
		chunk = n ? n : 1;
	size_t off = 0;
	do {
		size_t k = n - off < chunk ? n - off : chunk;
		bool eof = off + k == n;
		assert_int_equal(lg_decoder_feed(d, in + off, k, eof, &r.out,
						 &r.len, &r.cap, &r.st),
				 LG_OK);
		off += k;
	} while (off < n);
	lg_decoder_free(d);
	return r;
}

static void assert_decodes_to(const decoded *r, const char *utf8)
{
	size_t n = strlen(utf8);
	if (r->len != n || memcmp(r->out, utf8, n) != 0)
		fail_msg("decoded %zu bytes '%.*s', expected %zu bytes '%s'",
			 r->len, (int)r->len, (const char *)r->out, n, utf8);
}

/* ---- sniff + decode round trips
 * ---------------------------------------------- */
/* Sniffs `b`, checks the encoding name (NULL: do not check), then decodes
 * with what the sniff said, whole and one byte at a time. */
static void round_trip(const bytes *b, const char *want_enc, size_t want_bom,
		       const char *utf8)
{
	lg_sniff sn;
	lg_text_sniff(b->p, b->n, &sn);
	assert_false(sn.binary);
	if (want_enc && strcasecmp(sn.encoding, want_enc) != 0)
		fail_msg("sniffed '%s', expected '%s'", sn.encoding, want_enc);
	assert_int_equal(sn.bom_len, want_bom);
	size_t sizes[] = {0, 1, 2, 3, 5, 7, 4096};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		decoded r = decode(sn.encoding, b->p + sn.bom_len,
				   b->n - sn.bom_len, sizes[i]);
		assert_decodes_to(&r, utf8);
		assert_int_equal(r.st.invalid, 0);
		assert_false(r.st.truncated);
		free(r.out);
	}
}

static void sniff_decode_utf8(void **state)
{
	(void)state;
	bytes b = {(uint8_t *)document, strlen(document)};
	round_trip(&b, "UTF-8", 0, document);
	bytes bom = concat("\xEF\xBB\xBF", 3, document, strlen(document));
	round_trip(&bom, "UTF-8", 3, document);
	free(bom.p);
}

static void sniff_decode_cp932(void **state)
{
	(void)state;
	bytes b = encode(document, "CP932");
	round_trip(&b, "CP932", 0, document);
	free(b.p);
}

static void sniff_decode_shift_jis(void **state)
{
	(void)state;
	/* plain Shift_JIS bytes of this text are the same as CP932's */
	bytes b = encode(document, "SHIFT_JIS");
	round_trip(&b, "CP932", 0, document);
	free(b.p);
}

static void sniff_decode_euc_jp(void **state)
{
	(void)state;
	bytes b = encode(document, "EUC-JP");
	round_trip(&b, "EUC-JP-MS", 0, document);
	free(b.p);
}

static void sniff_decode_iso2022jp(void **state)
{
	(void)state;
	bytes b = encode(document, "ISO-2022-JP");
	lg_sniff sn;
	lg_text_sniff(b.p, b.n, &sn);
	if (strncasecmp(sn.encoding, "ISO-2022-JP", 11) != 0)
		fail_msg("sniffed '%s', expected ISO-2022-JP*", sn.encoding);
	round_trip(&b, NULL, 0, document);
	free(b.p);
}

static void sniff_decode_utf16_bom(void **state)
{
	(void)state;
	bytes le = encode(document, "UTF-16LE");
	bytes lebom = concat("\xFF\xFE", 2, le.p, le.n);
	round_trip(&lebom, "UTF-16LE", 2, document);
	bytes be = encode(document, "UTF-16BE");
	bytes bebom = concat("\xFE\xFF", 2, be.p, be.n);
	round_trip(&bebom, "UTF-16BE", 2, document);
	free(le.p);
	free(lebom.p);
	free(be.p);
	free(bebom.p);
}

/* A CSV export with ASCII in it, UTF-16 without a BOM: the NUL pattern. */
static const char csv_doc[] = "id,name,my_number,tel\n"
			      "1,山田太郎,621498320257,090-1234-5678\n"
			      "2,佐藤花子,123456789018,03-1234-5678\n";

static void sniff_decode_utf16_no_bom_ascii_rich(void **state)
{
	(void)state;
	bytes le = encode(csv_doc, "UTF-16LE");
	round_trip(&le, "UTF-16LE", 0, csv_doc);
	bytes be = encode(csv_doc, "UTF-16BE");
	round_trip(&be, "UTF-16BE", 0, csv_doc);
	free(le.p);
	free(be.p);
}

/* A Japanese document in UTF-16 without a BOM: few ASCII characters, but
 * it is text, not binary, and must be decoded, not skipped. */
static void sniff_utf16_no_bom_japanese_is_text(void **state)
{
	(void)state;
	bytes le = encode(document, "UTF-16LE");
	lg_sniff sn;
	lg_text_sniff(le.p, le.n, &sn);
	if (sn.binary || strcasecmp(sn.encoding, "UTF-16LE") != 0)
		fail_msg("BOM-less UTF-16LE Japanese: sniffed '%s' binary=%d",
			 sn.encoding, sn.binary);
	free(le.p);
}

/* test, run on each vector path the CPU has (lg_cpu_step), the widest
 * last: AVX-512BW, AVX2, SSSE3, SSE2 or bytes. */
static void each_cpu_path(void (*test)(void **), void **state)
{
	for (int k = 0; k < LG_CPU_STEPS; k++) {
		if (lg_cpu_limit(lg_cpu_step(k)))
			test(state);
	}
	lg_cpu_limit(LG_CPU_ALL);
}

/* The random numbers of the sniff tests: a linear congruence's high
 * bits. */
static uint32_t next_lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* The sniff's counts the way its first code counted them, a byte at a
 * time: the reference for lg_sniff_count's sixteen-byte steps. */
static void reference_sniff_count(const uint8_t *p, size_t n,
				  lg_sniff_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i + 1 < n; i += 2) {
		for (size_t side = 0; side < 2; side++) {
			uint8_t b = p[i + side];
			c->zero[side] += b == 0;
			c->japanese[side] += b == 0 || b == 0x30 ||
					     (b >= 0x4E && b <= 0x9F) ||
					     b == 0xFF;
			c->control[side] += b > 0 && b < 0x20;
		}
	}
	for (size_t i = 0; i < n; i++) {
		c->nul += p[i] == 0;
		c->noise += p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' &&
			    p[i] != '\t' && p[i] != '\f' && p[i] != 0x1B;
	}
}

/* Random samples of the bytes each class turns on (their edges too), of
 * every length up to 9,000 (past the counters' 255-step flush), odd
 * ones included: the counts must be the reference's. */
static void sniff_counts_random(void **state)
{
	(void)state;
	static const uint8_t alphabet[] = {
	    0x00, 0x01, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
	    0x1A, 0x1B, 0x1F, 0x20, 0x2F, 0x30, 0x31, 0x4D, 0x4E,
	    0x61, 0x9F, 0xA0, 0xE3, 0x81, 0xFE, 0xFF};
	uint32_t seed = 7;
	uint8_t buf[9000];
	for (int round = 0; round < 3000; round++) {
		size_t n = next_lcg(&seed) % (round < 2000 ? 300 : sizeof(buf));
		/* 0: mostly 'a'; 1: one byte throughout (a counter's every
		 * step, till its flush); else any */
		unsigned bias = next_lcg(&seed) % 4;
		uint8_t one = alphabet[next_lcg(&seed) % sizeof(alphabet)];
		for (size_t i = 0; i < n; i++) {
			uint32_t r = next_lcg(&seed);
			buf[i] = bias == 1 ? one
				 : bias == 0 && r % 8
				     ? 'a'
				     : alphabet[r % sizeof(alphabet)];
		}
		lg_sniff_counts want, got;
		reference_sniff_count(buf, n, &want);
		lg_sniff_count(buf, n, &got);
		if (memcmp(&want, &got, sizeof(want)) != 0)
			fail_msg(
			    "round %d, %zu bytes: zero %zu/%zu %zu/%zu, "
			    "japanese %zu/%zu %zu/%zu, control %zu/%zu "
			    "%zu/%zu, nul %zu/%zu, noise %zu/%zu",
			    round, n, got.zero[0], want.zero[0], got.zero[1],
			    want.zero[1], got.japanese[0], want.japanese[0],
			    got.japanese[1], want.japanese[1], got.control[0],
			    want.control[0], got.control[1], want.control[1],
			    got.nul, want.nul, got.noise, want.noise);
	}
}

static void sniff_counts_match_reference(void **state)
{
	each_cpu_path(sniff_counts_random, state);
}

/* An ISO-2022-JP escape is seen up to the sample's last three bytes, and
 * not when the sample cuts it. */
static void sniff_iso2022jp_escape_at_the_end(void **state)
{
	(void)state;
	char t[64];
	memset(t, 'a', sizeof(t));
	memcpy(t + sizeof(t) - 3, "\x1B$B", 3);
	lg_sniff sn;
	lg_text_sniff((const uint8_t *)t, sizeof(t), &sn);
	assert_string_equal(sn.encoding, "ISO-2022-JP-3");
	lg_text_sniff((const uint8_t *)t, sizeof(t) - 1, &sn); /* ESC $ */
	assert_string_equal(sn.encoding, "UTF-8");
	t[sizeof(t) - 1] = '@';
	t[10] = 0x1B; /* a lone escape before it */
	lg_text_sniff((const uint8_t *)t, sizeof(t), &sn);
	assert_string_equal(sn.encoding, "ISO-2022-JP-3");
}

/* The sniff says how much of a UTF-8 sample it found valid: whole
 * characters, a cut one at the end left out; nothing for other text. */
static void sniff_tells_the_valid_utf8_prefix(void **state)
{
	(void)state;
	lg_sniff sn;
	const char *cut =
	    "\xE3\x81\x82\xE3\x81\x84\xE3\x81"; /* あい, half う */
	lg_text_sniff((const uint8_t *)cut, strlen(cut), &sn);
	assert_string_equal(sn.encoding, "UTF-8");
	assert_int_equal(sn.utf8_valid, 6);
	static const char bad[] = "abc\xFF"
				  " def",
			  bom[] = "\xEF\xBB\xBF"
				  "abc";
	lg_text_sniff((const uint8_t *)bad, sizeof(bad) - 1, &sn);
	assert_int_equal(sn.utf8_valid, 0);
	lg_text_sniff((const uint8_t *)bom, sizeof(bom) - 1, &sn);
	assert_int_equal(sn.bom_len, 3);
	assert_int_equal(sn.utf8_valid, 0);
}

static void sniff_the_sentence_alone(void **state)
{
	(void)state;
	/* the single line, as a short file would hold it */
	bytes sj = encode(SENTENCE "\n", "CP932");
	lg_sniff sn;
	lg_text_sniff(sj.p, sj.n, &sn);
	decoded r = decode(sn.encoding, sj.p, sj.n, 0);
	assert_decodes_to(&r, SENTENCE "\n");
	free(r.out);
	free(sj.p);
	bytes jis = encode(SENTENCE, "ISO-2022-JP");
	lg_text_sniff(jis.p, jis.n, &sn);
	round_trip(&jis, NULL, 0, SENTENCE);
	free(jis.p);
}

/* A short CP932 form that uchardet 0.0.7 calls ISO-8859-1: Japanese
 * first, well-formed double-byte text is read as CP932; real Latin-1 stays
 * Latin-1. */
static void sniff_short_cp932_form_is_not_latin1(void **state)
{
	(void)state;
	static const char form[] =
	    "外国人従業員 在留資格確認票\n\nさくら商事合同会社 人事部\n\n"
	    "氏名：GURUNG RAM\n国籍・地域：ネパール\n生年月日：1998-09-18\n"
	    "在留カード番号：QA53960297KN\n";
	bytes sj = encode(form, "CP932");
	lg_sniff sn;
	lg_text_sniff(sj.p, sj.n, &sn);
	assert_false(sn.binary);
	assert_string_equal(sn.encoding, "CP932");
	free(sj.p);
	bytes euc = encode(form, "EUC-JP");
	lg_text_sniff(euc.p, euc.n, &sn);
	assert_string_equal(sn.encoding, "EUC-JP-MS");
	free(euc.p);
	/* Latin-1 bytes, each escape closed off from the letters after it */
	static const char latin1[] = "Caf\xe9 cr\xe8"
				     "me br\xfbl\xe9"
				     "e, d\xe9j\xe0 vu \xe0 la fa\xe7"
				     "on de M\xfcller, \xa9 2024\n";
	lg_text_sniff((const uint8_t *)latin1, strlen(latin1), &sn);
	assert_true(strcmp(sn.encoding, "CP932") != 0 &&
		    strcmp(sn.encoding, "EUC-JP-MS") != 0);
}

/* Files too short for uchardet to name (it answers nothing): a line of
 * EUC-JP, a CSV whose only non-ASCII character is 〒, a bank transfer
 * line in half-width katakana; each is read in its encoding, not as UTF-8
 * with bad bytes. */
static void sniff_short_japanese_uchardet_cannot_name(void **state)
{
	(void)state;
	static const struct {
		const char *text, *enc, *want;
	} cases[] = {
	    {"田中様 TEL 06-6123-4567\n", "EUC-JP", "EUC-JP-MS"},
	    {"name,tel,zip\nYamada,03-1234-5678,〒100-0001\n", "CP932",
	     "CP932"},
	    {"ｻﾄｳ ﾀﾛｳ,ﾌﾂｳ,1234567\n", "CP932", "CP932"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bytes b = encode(cases[i].text, cases[i].enc);
		lg_sniff sn;
		lg_text_sniff(b.p, b.n, &sn);
		if (strcmp(sn.encoding, cases[i].want) != 0)
			fail_msg("%s in %s: sniffed '%s'", cases[i].text,
				 cases[i].enc, sn.encoding);
		free(b.p);
	}
}

/* Latin-1 that reads as well-formed CP932 (ü then a letter is a lead and
 * a trail): uchardet's ISO-8859-1 stands, since its "characters" stand
 * alone between ASCII letters, where Japanese writes them in runs. */
static void sniff_latin1_names_stay_latin1(void **state)
{
	(void)state;
	static const char *const texts[] = {
	    /* octal: a hex escape would run on into the e after it */
	    ("Name: J\374rgen M\374ller\nAddress: K\366nigstra\337e 5, "
	     "M\374nchen\n"),
	    "Gr\374\337e aus K\366ln\n",
	    "L'\351l\350ve tr\350s \342g\351e\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		lg_sniff sn;
		lg_text_sniff((const uint8_t *)texts[i], strlen(texts[i]), &sn);
		if (!strcmp(sn.encoding, "CP932") ||
		    !strcmp(sn.encoding, "EUC-JP-MS") ||
		    !strcmp(sn.encoding, "UTF-8"))
			fail_msg("%s: sniffed '%s'", texts[i], sn.encoding);
	}
}

/* An obviously correct validator (RFC 3629 table 3-7), one character at a
 * time, to hold the vectorised fast path to. */
static size_t reference_valid_prefix(const uint8_t *p, size_t n,
				     size_t *incomplete)
{
	size_t i = 0;
	*incomplete = 0;
	while (i < n) {
		uint8_t c = p[i];
		size_t len = c < 0x80		      ? 1
			     : c >= 0xC2 && c <= 0xDF ? 2
			     : c >= 0xE0 && c <= 0xEF ? 3
			     : c >= 0xF0 && c <= 0xF4 ? 4
						      : 0;
		if (len == 0)
			return i;
		uint8_t lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		for (size_t k = 1; k < len; k++) {
			if (i + k >= n) {
				*incomplete = n - i;
				return i;
			}
			uint8_t b = p[i + k];
			if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
				return i;
		}
		i += len;
	}
	return i;
}

/* Random text that is mostly Japanese UTF-8, with every kind of damage
 * (cut characters, stray continuations, overlongs, surrogates, bytes
 * above F4) at random places: the fast paths (SSSE3, AVX2) must agree
 * everywhere. */
static void utf8_random_text(void **state)
{
	(void)state;
	static const char *const pieces[] = {"マイナンバー",
					     "山田太郎",
					     "abc ",
					     "0123",
					     "\xE3\x81",
					     "\x81",
					     "\xC0\xAF",
					     "\xED\xA0\x80",
					     "\xF4\x90\x80\x80",
					     "\xF0\x9F\x98\x80",
					     "\xFF",
					     "\xE0\x80\x80",
					     "é",
					     "\n"};
	uint32_t seed = 12345;
	uint8_t buf[600];
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		while (n < sizeof(buf) - 8) {
			seed = seed * 1103515245u + 12345u;
			unsigned pick = (seed >> 16) % 100;
			/* mostly valid text, now and then damage; every other
			 * round long runs of ASCII (the SIMD steps skip them
			 * four blocks at a time) */
			const char *piece = pick < 90 ? pieces[pick % 4]
						      : pieces[4 + pick % 10];
			if (round & 1 && pick < 97)
				piece = pieces[2 + pick % 2];
			size_t len = strlen(piece);
			if (n + len > sizeof(buf))
				break;
			memcpy(buf + n, piece, len);
			n += len;
			if (((seed >> 8) & 63) == 0)
				break;
		}
		size_t want_inc, got_inc;
		size_t want = reference_valid_prefix(buf, n, &want_inc);
		size_t got = lg_utf8_valid_prefix(buf, n, &got_inc);
		if (want != got || want_inc != got_inc)
			fail_msg(
			    "round %d, %zu bytes: prefix %zu/%zu, incomplete "
			    "%zu/%zu",
			    round, n, got, want, got_inc, want_inc);
	}
}

static void utf8_valid_prefix_matches_reference(void **state)
{
	each_cpu_path(utf8_random_text, state);
}

static void sniff_binary_and_ascii(void **state)
{
	(void)state;
	lg_sniff sn;
	static const uint8_t zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00"
				     "abcdefgh";
	lg_text_sniff(zip, sizeof(zip) - 1, &sn);
	assert_true(sn.binary);
	/* control bytes among letters A-M: no NUL, and not UTF-16 either
	 * (0x41-0x4D is no kanji high byte) */
	uint8_t noise[64];
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i % 2 ? 0x01 + i % 7 : 'A' + i % 13);
	lg_text_sniff(noise, sizeof(noise), &sn);
	assert_true(sn.binary);
	static const char ascii[] = "name: Taro Yamada\r\ntel: 03-1234-5678\n";
	lg_text_sniff((const uint8_t *)ascii, strlen(ascii), &sn);
	assert_false(sn.binary);
	assert_string_equal(sn.encoding, "UTF-8");
	assert_int_equal(sn.bom_len, 0);
	lg_text_sniff((const uint8_t *)"", 0, &sn);
	assert_false(sn.binary);
	assert_string_equal(sn.encoding, "UTF-8");
}

static void sniff_utf8_cut_mid_character(void **state)
{
	(void)state;
	/* the first 64 KiB of a file may end inside a character: cut the
	 * document one and two bytes into the す of 申し上げます */
	const char *p = strstr(document, "申し上げます");
	assert_non_null(p);
	size_t su = (size_t)(p - document) + strlen("申し上げま");
	for (size_t k = 1; k <= 2; k++) {
		lg_sniff sn;
		lg_text_sniff((const uint8_t *)document, su + k, &sn);
		assert_false(sn.binary);
		assert_string_equal(sn.encoding, "UTF-8");
		assert_int_equal(sn.bom_len, 0);
	}
}

/* ---- decoder details
 * ------------------------------------------------------------- */
static void decoder_unknown_encoding(void **state)
{
	(void)state;
	char err[128] = "";
	assert_null(lg_decoder_new("NO-SUCH-CHARSET-42", err, sizeof(err)));
	assert_non_null(strstr(err, "NO-SUCH-CHARSET-42"));
}

static void decoder_split_character_across_feeds(void **state)
{
	(void)state;
	/* 漢 = E6 BC A2: split after each byte, no eof in between */
	char err[64];
	lg_decoder *d = lg_decoder_new("UTF-8", err, sizeof(err));
	assert_non_null(d);
	decoded r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(lg_decoder_feed(d, (const uint8_t *)"a\xE6", 2, false,
					 &r.out, &r.len, &r.cap, &r.st),
			 LG_OK);
	assert_int_equal(lg_decoder_feed(d, (const uint8_t *)"\xBC", 1, false,
					 &r.out, &r.len, &r.cap, &r.st),
			 LG_OK);
	assert_int_equal(lg_decoder_feed(d, (const uint8_t *)"\xA2z", 2, true,
					 &r.out, &r.len, &r.cap, &r.st),
			 LG_OK);
	assert_decodes_to(&r, "a漢z");
	assert_int_equal(r.st.invalid, 0);
	assert_false(r.st.truncated);
	lg_decoder_free(d);
	free(r.out);
}

static void decoder_counts_invalid_utf8(void **state)
{
	(void)state;
	static const uint8_t in[] = "abc\xFF"
				    "def\xC0\x80g";
	size_t sizes[] = {0, 1, 2, 3};
	for (size_t i = 0; i < 4; i++) {
		decoded r = decode("UTF-8", in, sizeof(in) - 1, sizes[i]);
		/* 0xFF, then an overlong C0 80: two ill-formed bytes, each
		 * replaced (Unicode's maximal-subpart practice) */
		assert_int_equal(r.st.first_invalid, 3);
		assert_int_equal(r.st.invalid, 3);
		assert_false(r.st.truncated);
		assert_decodes_to(&r, "abc\xEF\xBF\xBD"
				      "def\xEF\xBF\xBD\xEF\xBF\xBDg");
		free(r.out);
	}
}

static void decoder_counts_invalid_cp932(void **state)
{
	(void)state;
	/* "あい" in CP932 with an undefined byte 0x80 after them, and a lead
	 * byte followed by a space (not a trail byte) later */
	static const uint8_t in[] = "\x82\xA0\x82\xA2\x80xy\x81 z";
	size_t sizes[] = {0, 1, 2, 3};
	for (size_t i = 0; i < 4; i++) {
		decoded r = decode("CP932", in, sizeof(in) - 1, sizes[i]);
		assert_int_equal(r.st.invalid, 2);
		assert_int_equal(r.st.first_invalid, 4);
		assert_false(r.st.truncated);
		assert_decodes_to(&r, "あい\xEF\xBF\xBDxy\xEF\xBF\xBD z");
		free(r.out);
	}
}

static void decoder_counts_invalid_utf16(void **state)
{
	(void)state;
	/* a lone low surrogate DC00 between "A" and "B" */
	static const uint8_t in[] = {'A', 0, 0x00, 0xDC, 'B', 0};
	decoded r = decode("UTF-16LE", in, sizeof(in), 0);
	assert_int_equal(r.st.invalid, 1);
	assert_int_equal(r.st.first_invalid, 2);
	assert_decodes_to(&r, "A\xEF\xBF\xBD"
			      "B");
	free(r.out);
}

/* An invalid byte inside an ISO-2022-JP kanji run: the characters after it
 * are still kanji (the escape's shift state holds), not ASCII pairs. */
static void decoder_iso2022jp_invalid_keeps_shift_state(void **state)
{
	(void)state;
	/* ESC $ B 山(3B 33) 0x80 田(45 44) ESC ( B */
	static const uint8_t in[] = "\x1B$B\x3B\x33\x80\x45\x44\x1B(B!";
	decoded r = decode("ISO-2022-JP", in, sizeof(in) - 1, 0);
	assert_int_equal(r.st.invalid, 1);
	assert_int_equal(r.st.first_invalid, 5);
	assert_decodes_to(&r, "山\xEF\xBF\xBD田!");
	free(r.out);
	/* were the state lost, ６２１４ (23 36 23 32 23 31 23 34) would come
	 * out as the ASCII "#6#2#1#4": digits the detectors would match */
	static const uint8_t fw[] = "\x1B$B\x80\x23\x36\x23\x32\x23\x31\x23"
				    "\x34\x1B(B";
	r = decode("ISO-2022-JP", fw, sizeof(fw) - 1, 0);
	assert_int_equal(r.st.invalid, 1);
	assert_decodes_to(&r, "\xEF\xBF\xBD６２１４");
	free(r.out);
}

static void decoder_truncated_shift_jis_lead(void **state)
{
	(void)state;
	/* "abc" then a lone lead byte 0x82 at the end of the input */
	static const uint8_t in[] = "abc\x82";
	size_t sizes[] = {0, 1, 3};
	for (size_t i = 0; i < 3; i++) {
		decoded r = decode("CP932", in, 4, sizes[i]);
		assert_true(r.st.truncated);
		assert_int_equal(r.st.truncated_at, 3);
		assert_int_equal(r.st.invalid, 0);
		assert_true(r.len >= 3);
		assert_memory_equal(r.out, "abc", 3);
		/* whatever stands in for the cut character, it is not text */
		assert_true(
		    r.len == 3 ||
		    (r.len == 6 && !memcmp(r.out + 3, "\xEF\xBF\xBD", 3)));
		free(r.out);
	}
	/* the same byte not at EOF is just held for the next feed */
	char err[64];
	lg_decoder *d = lg_decoder_new("CP932", err, sizeof(err));
	assert_non_null(d);
	decoded r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(
	    lg_decoder_feed(d, in, 4, false, &r.out, &r.len, &r.cap, &r.st),
	    LG_OK);
	assert_false(r.st.truncated);
	assert_int_equal(r.len, 3);
	assert_int_equal(lg_decoder_feed(d, (const uint8_t *)"\xA0", 1, true,
					 &r.out, &r.len, &r.cap, &r.st),
			 LG_OK);
	assert_decodes_to(&r, "abcあ");
	assert_false(r.st.truncated);
	lg_decoder_free(d);
	free(r.out);
}

static void decoder_truncated_utf8_at_eof(void **state)
{
	(void)state;
	static const uint8_t in[] = "x\xE3\x83"; /* first 2 bytes of マ */
	decoded r = decode("UTF-8", in, 3, 0);
	assert_true(r.st.truncated);
	assert_int_equal(r.st.truncated_at, 1);
	assert_int_equal(r.out[0], 'x');
	free(r.out);
}

/* ---- UTF-8 helpers
 * ------------------------------------------------------------- */
static void utf8_valid_prefix(void **state)
{
	(void)state;
	size_t inc = 99;
	const uint8_t *p = (const uint8_t *)"abc漢字";
	assert_int_equal(lg_utf8_valid_prefix(p, 9, &inc), 9);
	assert_int_equal(inc, 0);
	/* cut inside 字: not invalid, incomplete */
	assert_int_equal(lg_utf8_valid_prefix(p, 8, &inc), 6);
	assert_int_equal(inc, 2);
	assert_int_equal(lg_utf8_valid_prefix(p, 7, &inc), 6);
	assert_int_equal(inc, 1);
	/* invalid: overlong, surrogate, above U+10FFFF, stray continuation */
	static const char *const bad[] = {
	    "\xC0\xAF", "\xE0\x80\xAF",	    "\xED\xA0\x80", "\xF4\x90\x80\x80",
	    "\x80",	"\xF5\x80\x80\x80", "\xE6\x41\x41"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		uint8_t buf[32];
		memcpy(buf, "0123456789ab", 12); /* past the 8-byte fast path */
		size_t bl = strlen(bad[i]);
		memcpy(buf + 12, bad[i], bl);
		inc = 99;
		assert_int_equal(lg_utf8_valid_prefix(buf, 12 + bl, &inc), 12);
		assert_int_equal(inc, 0);
	}
	/* the largest code point and a 4-byte character are valid */
	p = (const uint8_t *)"\xF4\x8F\xBF\xBF\xF0\x9F\x98\x80";
	assert_int_equal(lg_utf8_valid_prefix(p, 8, &inc), 8);
	assert_int_equal(inc, 0);
	assert_int_equal(lg_utf8_valid_prefix(p, 0, &inc), 0);
	assert_int_equal(inc, 0);
}

static void utf8_decode(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(lg_utf8_decode((const uint8_t *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(lg_utf8_decode((const uint8_t *)"é", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(lg_utf8_decode((const uint8_t *)"漢", 3, &cp), 3);
	assert_int_equal(cp, 0x6F22);
	assert_int_equal(lg_utf8_decode((const uint8_t *)"０", 3, &cp), 3);
	assert_int_equal(cp, 0xFF10);
	assert_int_equal(
	    lg_utf8_decode((const uint8_t *)"\xF0\x9F\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(lg_utf8_decode((const uint8_t *)"\xFF", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	/* a sequence cut by n is not decoded past n */
	assert_int_equal(lg_utf8_decode((const uint8_t *)"漢", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(
	    lg_utf8_decode((const uint8_t *)"\xED\xA0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

/* ---- fold
 * ---------------------------------------------------------------------- */
static const uint32_t hyphen_lookalikes[17] = {
    0xFF0D, 0xFE63, 0x2212, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015,
    0x2043, 0xFE58, 0x23AF, 0x23E4, 0x30FC, 0xFF70, 0x2500, 0x2501};

static void fold_ascii_table(void **state)
{
	(void)state;
	for (uint32_t c = 0; c < 0x80; c++)
		assert_int_equal(lg_fold_ascii(c), (int)c);
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(lg_fold_ascii(0xFF10 + i), '0' + (int)i);
	for (uint32_t i = 0; i < 26; i++) {
		assert_int_equal(lg_fold_ascii(0xFF21 + i), 'A' + (int)i);
		assert_int_equal(lg_fold_ascii(0xFF41 + i), 'a' + (int)i);
	}
	for (size_t i = 0; i < 17; i++) {
		if (lg_fold_ascii(hyphen_lookalikes[i]) != '-')
			fail_msg("U+%04X does not fold to '-'",
				 (unsigned)hyphen_lookalikes[i]);
	}
	assert_int_equal(lg_fold_ascii(0x3000), ' ');
	assert_int_equal(lg_fold_ascii(0xFF1A), ':'); /* ： */
	assert_int_equal(lg_fold_ascii(0xFF20), '@'); /* ＠ */
	assert_int_equal(lg_fold_ascii(0xFF0E), '.'); /* ． */
	assert_int_equal(lg_fold_ascii(0xFF0F), '/'); /* ／ */
	/* no ASCII stand-in */
	assert_int_equal(lg_fold_ascii(0x3042), -1); /* あ */
	assert_int_equal(lg_fold_ascii(0x6F22), -1); /* 漢 */
	assert_int_equal(lg_fold_ascii(0x301C), -1); /* 〜 WAVE DASH */
	assert_int_equal(lg_fold_ascii(0x3012), -1); /* 〒 */
	assert_int_equal(lg_fold_ascii(0xFFFD), -1);
	assert_int_equal(lg_fold_ascii(0xFF00), -1);
	assert_int_equal(lg_fold_ascii(0xFF5F), -1);
}

static size_t put_utf8(uint32_t cp, uint8_t *o)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xC0 | cp >> 6);
		o[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (uint8_t)(0xE0 | cp >> 12);
	o[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
	o[2] = (uint8_t)(0x80 | (cp & 0x3F));
	return 3;
}

static void fold_hyphens_between_digits(void **state)
{
	(void)state;
	/* "1<h>2" for each look-alike: folds to "1-2", map to each source */
	for (size_t i = 0; i < 17; i++) {
		uint8_t src[8];
		size_t n = 0;
		src[n++] = '1';
		size_t hl = put_utf8(hyphen_lookalikes[i], src + n);
		n += hl;
		src[n++] = '2';
		char out[16];
		uint32_t map[16];
		size_t len = lg_fold(src, n, out, map, sizeof(out));
		assert_int_equal(len, 3);
		assert_string_equal(out, "1-2");
		assert_int_equal(map[0], 0);
		assert_int_equal(map[1], 1);
		assert_int_equal(map[2], 1 + hl);
		assert_int_equal(map[3], n);
	}
}

static void fold_with_map(void **state)
{
	(void)state;
	static const char src[] = SENTENCE;
	char out[128];
	uint32_t map[128];
	size_t len =
	    lg_fold((const uint8_t *)src, strlen(src), out, map, sizeof(out));
	static const char want[] = "マイナンバ-:6214-9832-0257 山田太郎様";
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	/* every output byte points at the start of its source character */
	static const char tail[] = "山田太郎様";
	size_t pre = strlen("マイナンバ"); /* 15 bytes copied through */
	for (size_t i = 0; i < pre; i++)
		assert_int_equal(map[i], i / 3 * 3);
	/* ー ： ６２１４ ー ９８３２ ー ０２５７ and U+3000: 17 characters
	 * folded to one byte each, each from 3 source bytes */
	for (size_t k = 0; k < 17; k++)
		assert_int_equal(map[pre + k], pre + 3 * k);
	size_t o = pre + 17, s = pre + 3 * 17;
	for (size_t i = 0; i < strlen(tail); i++)
		assert_int_equal(map[o + i], s + i / 3 * 3);
	assert_int_equal(map[len], strlen(src));
	/* the digits of the number map back to the full-width digits */
	const char *six = strchr(out, '6');
	assert_non_null(six);
	assert_memory_equal(src + map[six - out], "６", 3);
}

static void fold_respects_cap(void **state)
{
	(void)state;
	char out[8];
	uint32_t map[8];
	/* 漢(3) 字(3) ab: with cap 5 only 漢 fits whole */
	size_t len = lg_fold((const uint8_t *)"漢字ab", 8, out, map, 5);
	assert_int_equal(len, 3);
	assert_string_equal(out, "漢");
	assert_int_equal(map[3], 3);
	/* a character is never split; ASCII fills to cap - 1 */
	len = lg_fold((const uint8_t *)"０１２３４５６７８９", 30, out, map,
		      sizeof(out));
	assert_int_equal(len, 7);
	assert_string_equal(out, "0123456");
	assert_int_equal(map[7], 21);
	assert_int_equal(lg_fold((const uint8_t *)"x", 1, out, NULL, 0), 0);
	len = lg_fold((const uint8_t *)"ab", 2, out, NULL, sizeof(out));
	assert_int_equal(len, 2);
	assert_string_equal(out, "ab");
}

/* lg_fold as one character at a time, decoded and folded: what its
 * shortcuts (ASCII, and the three-byte leads no fold touches) must equal. */
static size_t fold_reference(const uint8_t *s, size_t n, char *out,
			     uint32_t *map, size_t cap)
{
	size_t o = 0, i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = lg_utf8_decode(s + i, n - i, &cp);
		int a = lg_fold_ascii(cp);
		size_t outlen = a >= 0 ? 1 : len;
		if (o + outlen >= cap)
			break;
		for (size_t k = 0; k < outlen; k++) {
			out[o + k] = a >= 0 ? (char)a : (char)s[i + k];
			map[o + k] = (uint32_t)i;
		}
		o += outlen;
		i += len;
	}
	out[o] = '\0';
	map[o] = (uint32_t)i;
	return o;
}

static void fold_check(const uint8_t *s, size_t n, size_t cap)
{
	char want[64], got[64];
	uint32_t wmap[64], gmap[64];
	size_t wl = fold_reference(s, n, want, wmap, cap);
	size_t gl = lg_fold(s, n, got, gmap, cap);
	assert_int_equal(gl, wl);
	assert_memory_equal(got, want, wl + 1);
	assert_memory_equal(gmap, wmap, (wl + 1) * sizeof(*wmap));
	/* without a map (a stretch at a time when nothing is cut), and
	 * the map's entries one at a time */
	gl = lg_fold(s, n, got, NULL, cap);
	assert_int_equal(gl, wl);
	assert_memory_equal(got, want, wl + 1);
	for (size_t o = 0; o <= wl; o++)
		assert_int_equal(lg_fold_offset(s, n, wl, o), wmap[o]);
}

/* Every BMP character, between ASCII and after a kanji, at every cap; and
 * random bytes, most of them lead and continuation bytes. */
/* 20000 strings of n bytes drawn from pick, each checked with a cap from
 * cap0 to cap0 + caps - 1. */
static void random_folds(const uint8_t *pick, size_t npick, uint32_t *seed,
			 size_t n, int cap0, int caps)
{
	uint8_t s[64];
	for (int round = 0; round < 20000; round++) {
		for (size_t k = 0; k < n; k++) {
			*seed = *seed * 1103515245u + 12345u;
			s[k] = pick[(*seed >> 8) % npick];
		}
		fold_check(s, n, (size_t)(cap0 + round % caps));
	}
}

static void fold_matches_reference(void **state)
{
	(void)state;
	for (uint32_t cp = 0; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		uint8_t s[16];
		size_t n = 0;
		s[n++] = 'a';
		n += put_utf8(cp, s + n);
		n += put_utf8(0x6F22, s + n); /* 漢 */
		n += put_utf8(cp, s + n);
		s[n++] = '1';
		for (size_t cap = 1; cap <= n + 1; cap++)
			fold_check(s, n, cap);
	}
	/* ASCII runs of every length around a kanji and a folded ー */
	for (size_t a = 0; a < 20; a++) {
		for (size_t b = 0; b < 12; b++) {
			uint8_t s[48];
			size_t n = 0;
			for (size_t k = 0; k < a; k++)
				s[n++] = (uint8_t)('a' + k);
			n += put_utf8(0x6F22, s + n);
			for (size_t k = 0; k < b; k++)
				s[n++] = (uint8_t)('0' + k % 10);
			n += put_utf8(0x30FC, s + n);
			s[n++] = 'z';
			for (size_t cap = 1; cap <= n + 1; cap++)
				fold_check(s, n, cap);
		}
	}
	static const uint8_t pick[] = {'a',  '1',  '-',	 0x80, 0x83, 0x8D,
				       0x90, 0xBC, 0xBD, 0xBF, 0xC3, 0xE2,
				       0xE3, 0xE4, 0xE9, 0xED, 0xEF, 0xF0};
	uint32_t seed = 7;
	random_folds(pick, sizeof(pick), &seed, 24, 1, 40);
	/* longer, for the sixteen-byte steps of the search for what folds */
	random_folds(pick, sizeof(pick), &seed, 48, 40, 25);
}

/* Short texts, all ASCII (told by a few words) or with one character
 * that folds, or one lone byte past ASCII, at each place: the words that
 * look for a byte past ASCII must each be looked at. */
static void fold_short_texts(void **state)
{
	(void)state;
	static const char *const odd[] = {"－", "　",	"１",
					  "漢", "\xE3", "\x80"};
	for (size_t n = 1; n <= 30; n++) {
		uint8_t s[40];
		for (size_t k = 0; k < n; k++)
			s[k] = (uint8_t)('0' + k % 10);
		for (size_t cap = 1; cap <= n + 1; cap++)
			fold_check(s, n, cap);
		for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++) {
			size_t l = strlen(odd[i]);
			for (size_t at = 0; at + l <= n; at++) {
				uint8_t t[40];
				memcpy(t, s, n);
				memcpy(t + at, odd[i], l);
				for (size_t cap = 1; cap <= n + 1; cap++)
					fold_check(t, n, cap);
			}
		}
	}
}

static void fold_invalid_bytes_pass_through(void **state)
{
	(void)state;
	char out[16];
	uint32_t map[16];
	size_t len =
	    lg_fold((const uint8_t *)"\xFF１", 4, out, map, sizeof(out));
	assert_int_equal(len, 2);
	assert_int_equal((uint8_t)out[0], 0xFF);
	assert_int_equal(out[1], '1');
	assert_int_equal(map[0], 0);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], 4);
}

/* The plain definition: after the first \n\n or \n\r\n at or after from. */
static size_t blank_line_ref(const uint8_t *p, size_t from, size_t n)
{
	for (size_t i = from; i + 1 < n; i++) {
		if (p[i] == '\n' && p[i + 1] == '\n')
			return i + 2;
		if (p[i] == '\n' && i + 2 < n && p[i + 1] == '\r' &&
		    p[i + 2] == '\n')
			return i + 3;
	}
	return n;
}

/* lg_count_byte against a byte-by-byte count: every length up to past
 * the 255-block accumulator's limit (4080 bytes), every alignment, and
 * bytes that differ from the one counted only in their high bit. */
static void count_byte_everywhere(void **state)
{
	(void)state;
	static uint8_t buf[4200];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		uint8_t r = (uint8_t)(x >> 16);
		buf[i] = r % 5 == 0   ? ','
			 : r % 7 == 0 ? (uint8_t)(',' | 0x80)
				      : r;
	}
	for (size_t off = 0; off < 16; off++) {
		for (size_t n = 0; off + n <= sizeof(buf);
		     n += n < 64 ? 1 : 97) {
			uint64_t want = 0;
			for (size_t i = 0; i < n; i++)
				want += buf[off + i] == ',';
			assert_int_equal(lg_count_byte(buf + off, n, ','),
					 want);
		}
	}
	memset(buf, '\n', sizeof(buf));
	assert_int_equal(lg_count_byte(buf, sizeof(buf), '\n'), sizeof(buf));
}

/* lg_count_byte_steps against a byte-by-byte count: each step's running
 * sum and the total, for steps of one to many blocks, every alignment of
 * the tail and text from newline-thick to newline-free. */
static void count_byte_steps_everywhere(void **state)
{
	(void)state;
	static uint8_t buf[5000];
	static uint32_t sums[5000 / 64 + 1];
	uint32_t x = 4242;
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			unsigned r = (x >> 16) % 64;
			buf[i] = r < (unsigned)(16 >> (2 * round))
				     ? '\n'
				     : (uint8_t)((x >> 8) | 0x80);
		}
		const size_t steps[] = {64, 128, 256, 1024, 8128};
		for (size_t k = 0; k < 5; k++) {
			size_t step = steps[k];
			for (size_t n = 0; n <= sizeof(buf);
			     n += n < 300 ? 1 : 61) {
				uint32_t total = lg_count_byte_steps(
				    buf, n, '\n', step, 7, sums);
				uint32_t want = 7;
				for (size_t i = 0; i < n; i++) {
					want += buf[i] == '\n';
					if ((i + 1) % step == 0)
						assert_int_equal(sums[i / step],
								 want);
				}
				assert_int_equal(total, want);
			}
		}
	}
}

/* A blank line (LF or CRLF) at every place across the 16-byte blocks,
 * searched from before, on and after it, and cut by the end. */
static void after_blank_line_everywhere(void **state)
{
	(void)state;
	static const char line[] = "顧客,電話\r\n";
	const char *blanks[] = {"\n\n", "\r\n\r\n", "\n\r\n"};
	for (size_t b = 0; b < 3; b++) {
		for (size_t k = 0; k < 70; k++) {
			uint8_t t[160];
			size_t n = 0;
			for (; n < k; n++)
				t[n] = (uint8_t)line[n % (sizeof(line) - 1)];
			size_t bl = strlen(blanks[b]);
			memcpy(t + n, blanks[b], bl);
			n += bl;
			memcpy(t + n, "0312345678\n", 11);
			n += 11;
			for (size_t from = 0; from < n; from += 5) {
				for (size_t cut = from; cut <= n; cut += 7)
					assert_int_equal(
					    lg_after_blank_line(t, from, cut),
					    blank_line_ref(t, from, cut));
			}
		}
	}
	/* none: n itself */
	const uint8_t none[] = "line one\r\nline two\n";
	assert_int_equal(lg_after_blank_line(none, 0, sizeof(none) - 1),
			 sizeof(none) - 1);
	const uint8_t two[] = "a\n\nb\n\nc";
	assert_int_equal(lg_after_blank_line(two, 0, 7), 3);
	assert_int_equal(lg_after_blank_line(two, 3, 7), 6);
}

/* lg_after_blank_line against the plain definition on text thick with
 * newlines, CRs and "\n\r" that no newline follows (a candidate the
 * block search must turn down), from every start, cut at many ends:
 * every place in and across the 64-byte blocks and their halves. */
static void after_blank_line_crowded(void **state)
{
	(void)state;
	static uint8_t t[600];
	uint32_t x = 777;
	for (int round = 0; round < 8; round++) {
		for (size_t i = 0; i < sizeof(t); i++) {
			x = x * 1103515245u + 12345u;
			unsigned r = (x >> 16) % 16;
			/* later rounds have fewer blank lines */
			t[i] = r < 2 ? '\n' : r < 4 ? '\r' : (uint8_t)('a' + r);
			if (t[i] == '\n' && i > 0 && t[i - 1] == '\n' &&
			    (x >> 8) % 8 < (unsigned)round)
				t[i] = 'x';
		}
		for (size_t from = 0; from < 200; from++) {
			for (size_t cut = from; cut <= sizeof(t); cut += 13)
				assert_int_equal(
				    lg_after_blank_line(t, from, cut),
				    blank_line_ref(t, from, cut));
		}
	}
	/* a lone "\n\r" in each place of a block, a blank line later */
	for (size_t k = 0; k < 130; k++) {
		memset(t, 'a', 300);
		t[k] = '\n';
		t[k + 1] = '\r';
		memcpy(t + 200, "\n\r\n", 3);
		assert_int_equal(lg_after_blank_line(t, 0, 300), 203);
	}
}

static void count_byte_each_path(void **state)
{
	each_cpu_path(count_byte_everywhere, state);
}

static void count_byte_steps_each_path(void **state)
{
	each_cpu_path(count_byte_steps_everywhere, state);
}

static void after_blank_line_everywhere_each_path(void **state)
{
	each_cpu_path(after_blank_line_everywhere, state);
}

static void after_blank_line_crowded_each_path(void **state)
{
	each_cpu_path(after_blank_line_crowded, state);
}

/* ---- lines in another encoding (mixed.c) --------------------------------- */
typedef struct mixed_run {
	decoded d;
	lg_utf8_tally tally;
	lg_mixed_stats st;
} mixed_run;

/* Reads in[0..n) as `enc` text line by line, `chunk` bytes a feed (0:
 * all at once); mark as lg_mixed_new takes it. */
static mixed_run read_mixed(const char *enc, const bytes *in, size_t chunk,
			    uint64_t mark)
{
	char err[128];
	mixed_run r;
	memset(&r, 0, sizeof(r));
	lg_mixed *m = lg_mixed_new(enc, 0, mark, err, sizeof(err));
	if (!m)
		fail_msg("lg_mixed_new(%s): %s", enc, err);
	if (chunk == 0)
		chunk = in->n ? in->n : 1;
	size_t off = 0;
	do {
		size_t k = in->n - off < chunk ? in->n - off : chunk;
		assert_int_equal(
		    lg_mixed_feed(m, in->p + off, k, off + k == in->n, &r.d.out,
				  &r.d.len, &r.d.cap, &r.tally, &r.d.st),
		    LG_OK);
		off += k;
	} while (off < in->n);
	r.st = *lg_mixed_stats_of(m);
	lg_mixed_free(m);
	return r;
}

static void append(bytes *b, const void *p, size_t n)
{
	bytes r = concat(b->p, b->n, p, n);
	free(b->p);
	*b = r;
}

static void append_as(bytes *b, const char *utf8, const char *enc)
{
	bytes e = encode(utf8, enc);
	append(b, e.p, e.n);
	free(e.p);
}

static const size_t feeds[] = {0, 1, 2, 3, 7, 64, 4096};

/* A UTF-8 log an older program appends to in CP932, a line in EUC-JP,
 * one in Latin-1 (not Japanese: its bad byte is counted, the line left
 * as it is), the last line without its newline. */
static void utf8_text_reads_its_cp932_and_eucjp_lines(void **state)
{
	(void)state;
	static const char l1[] = "2024-05-30 10:02 web 受付 件名：資料請求\n",
			  l2[] =
			      "窓口受付 氏名：佐々木 恵 電話：03-3211-4567\n",
			  l3[] = "電話受付 住所：東京都千代田区丸の内1-1-1\n",
			  l4[] = "Name: J\xFCrgen M\xFCller\n",
			  l5[] = "2024-05-31 受付完了";
	bytes in = {NULL, 0};
	append(&in, l1, strlen(l1));
	append_as(&in, l2, "CP932");
	append_as(&in, l3, "EUC-JP");
	append(&in, l4, strlen(l4));
	append(&in, l5, strlen(l5));
	char want[512];
	snprintf(want, sizeof(want), "%s%s%s%s%s", l1, l2, l3, l4, l5);
	for (size_t i = 0; i < sizeof(feeds) / sizeof(*feeds); i++) {
		mixed_run r = read_mixed("UTF-8", &in, feeds[i], 0);
		assert_decodes_to(&r.d, want);
		assert_int_equal(r.st.lines, 2);
		assert_string_equal(r.st.encoding, "CP932/EUC-JP-MS");
		assert_int_equal(r.st.first_line, strlen(l1));
		assert_int_equal(r.tally.invalid, 2); /* the two ü */
		assert_int_equal(r.tally.first_invalid,
				 in.n - strlen(l5) - strlen(l4) + 7);
		assert_int_equal(r.st.grow,
				 (int64_t)strlen(want) - (int64_t)in.n);
		assert_int_equal(r.st.other.invalid, 0);
		free(r.d.out);
	}
	free(in.p);
}

/* A CP932 export with rows a web form appended in UTF-8; a row of
 * half-width katakana (ﾃｱ is valid UTF-8 of two bytes, ñ) stays CP932. */
static void cp932_text_reads_its_utf8_lines(void **state)
{
	(void)state;
	static const char head[] = "顧客番号,氏名,フリガナ,電話番号\n"
				   "C0001,佐藤 花子,ｻﾄｳ ﾊﾅｺ,03-5555-1000\n",
			  kana[] = "C0002,ﾃｱ,ﾃｱ,03-5555-1001\n",
			  web[] =
			      "C9001,中村 美咲,ナカムラ ミサキ,090-2222-3333\n";
	bytes in = {NULL, 0};
	append_as(&in, head, "CP932");
	append_as(&in, kana, "CP932");
	append(&in, web, strlen(web));
	char want[512];
	snprintf(want, sizeof(want), "%s%s%s", head, kana, web);
	for (size_t i = 0; i < sizeof(feeds) / sizeof(*feeds); i++) {
		mixed_run r = read_mixed("CP932", &in, feeds[i], 0);
		assert_decodes_to(&r.d, want);
		assert_int_equal(r.st.lines, 1);
		assert_string_equal(r.st.encoding, "UTF-8");
		assert_int_equal(r.st.first_line, in.n - strlen(web));
		assert_int_equal(r.d.st.invalid, 0);
		free(r.d.out);
	}
	free(in.p);
}

/* In a Korean text (EUC-KR) a line of syllables whose pairs are valid
 * UTF-8 of two bytes (창 is C3 A2: â) stays Korean; a line of UTF-8
 * hangul (three bytes each) is UTF-8. */
static void cjk_text_takes_utf8_lines_of_three_bytes(void **state)
{
	(void)state;
	static const char own[] = "책 창 처\n", utf8[] = "이름: 김민수\n";
	bytes in = {NULL, 0};
	append_as(&in, own, "EUC-KR");
	append(&in, utf8, strlen(utf8));
	mixed_run r = read_mixed("EUC-KR", &in, 0, 0);
	assert_decodes_to(&r.d, "책 창 처\n이름: 김민수\n");
	assert_int_equal(r.st.lines, 1);
	assert_int_equal(r.st.first_line, in.n - strlen(utf8));
	free(r.d.out);
	free(in.p);
	/* Thai alike: รก is C3 A1 in TIS-620 */
	bytes thai = encode("รก รก\n", "TIS-620");
	r = read_mixed("TIS-620", &thai, 0, 0);
	assert_decodes_to(&r.d, "รก รก\n");
	assert_int_equal(r.st.lines, 0);
	free(r.d.out);
	free(thai.p);
}

/* A Debian changelog: Latin-1, with a maintainer's name in UTF-8. */
static void latin1_text_reads_its_utf8_lines(void **state)
{
	(void)state;
	static const char l1[] = " -- Fran\xE7ois Dupont <fd@example.org>\n",
			  l2[] = " -- Tomasz K\xC5\x82oczko <tk@example.org>\n";
	bytes in = concat(l1, strlen(l1), l2, strlen(l2));
	mixed_run r = read_mixed("ISO-8859-1", &in, 0, 0);
	assert_decodes_to(&r.d, " -- François Dupont <fd@example.org>\n"
				" -- Tomasz Kłoczko <tk@example.org>\n");
	assert_int_equal(r.st.lines, 1);
	free(r.d.out);
	free(in.p);
}

/* A line over 64 KiB is decided on its start and read on in that
 * encoding to its end, whatever the feeds. */
static void long_line_goes_on_as_it_began(void **state)
{
	(void)state;
	lg_buf line = {0};
	for (int i = 0; i < 8000; i++)
		assert_true(lg_buf_puts(&line, "佐藤花子、"));
	assert_true(lg_buf_puts(&line, "\nend\n"));
	bytes in = {NULL, 0};
	append(&in, "ok\n", 3);
	append_as(&in, line.data, "CP932");
	char *want = malloc(line.len + 4);
	assert_non_null(want);
	snprintf(want, line.len + 4, "ok\n%s", line.data);
	size_t sizes[] = {0, 4096, 65537};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		mixed_run r = read_mixed("UTF-8", &in, sizes[i], 0);
		assert_decodes_to(&r.d, want);
		assert_int_equal(r.st.lines, 1);
		assert_int_equal(r.tally.invalid, 0);
		free(r.d.out);
	}
	free(want);
	free(in.p);
	lg_buf_free(&line);
}

/* A cut file's part: the lines before the mark are its prefix (the part
 * before's own): their growth is told apart, and they are not counted. */
static void mark_parts_a_prefix(void **state)
{
	(void)state;
	static const char l1[] = "氏名：佐々木 恵\n", l2[] = "web 受付\n",
			  l3[] = "電話受付 高橋 健\n";
	bytes in = {NULL, 0};
	append_as(&in, l1, "CP932");
	size_t mark = in.n;
	append(&in, l2, strlen(l2));
	append_as(&in, l3, "CP932");
	mixed_run r = read_mixed("UTF-8", &in, 0, mark);
	assert_int_equal(r.st.grow_before_mark,
			 (int64_t)strlen(l1) - (int64_t)mark);
	assert_int_equal(r.st.grow,
			 (int64_t)(strlen(l1) + strlen(l2) + strlen(l3)) -
			     (int64_t)in.n);
	assert_int_equal(r.st.lines, 1);
	assert_int_equal(r.st.first_line, mark + strlen(l2));
	free(r.d.out);
	free(in.p);
}

/* A sample of both: the encoding most of its non-ASCII lines are in. */
static void sniff_takes_the_most_lines_encoding(void **state)
{
	(void)state;
	static const char utf8[] = "C9001,中村 美咲,090-2222-3333\n";
	bytes most_cp932 = {NULL, 0}, most_utf8 = {NULL, 0};
	for (int i = 0; i < 3; i++)
		append_as(&most_cp932, "C0001,佐藤 花子,03-5555-1000\n",
			  "CP932");
	append(&most_cp932, utf8, strlen(utf8));
	append_as(&most_utf8, "2024/05/30 窓口受付 氏名：佐々木 恵\n",
		  "EUC-JP");
	for (int i = 0; i < 3; i++)
		append(&most_utf8, utf8, strlen(utf8));
	lg_sniff sn;
	lg_text_sniff(most_cp932.p, most_cp932.n, &sn);
	assert_string_equal(sn.encoding, "CP932");
	lg_text_sniff(most_utf8.p, most_utf8.n, &sn);
	assert_string_equal(sn.encoding, "UTF-8");
	assert_int_equal(sn.utf8_valid, 0);
	free(most_cp932.p);
	free(most_utf8.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sniff_decode_utf8),
	    cmocka_unit_test(sniff_decode_cp932),
	    cmocka_unit_test(sniff_decode_shift_jis),
	    cmocka_unit_test(sniff_decode_euc_jp),
	    cmocka_unit_test(sniff_decode_iso2022jp),
	    cmocka_unit_test(sniff_decode_utf16_bom),
	    cmocka_unit_test(sniff_decode_utf16_no_bom_ascii_rich),
	    cmocka_unit_test(sniff_utf16_no_bom_japanese_is_text),
	    cmocka_unit_test(sniff_counts_match_reference),
	    cmocka_unit_test(sniff_iso2022jp_escape_at_the_end),
	    cmocka_unit_test(sniff_tells_the_valid_utf8_prefix),
	    cmocka_unit_test(sniff_the_sentence_alone),
	    cmocka_unit_test(sniff_short_cp932_form_is_not_latin1),
	    cmocka_unit_test(sniff_short_japanese_uchardet_cannot_name),
	    cmocka_unit_test(sniff_latin1_names_stay_latin1),
	    cmocka_unit_test(utf8_valid_prefix_matches_reference),
	    cmocka_unit_test(sniff_binary_and_ascii),
	    cmocka_unit_test(sniff_utf8_cut_mid_character),
	    cmocka_unit_test(decoder_unknown_encoding),
	    cmocka_unit_test(decoder_split_character_across_feeds),
	    cmocka_unit_test(decoder_counts_invalid_utf8),
	    cmocka_unit_test(decoder_counts_invalid_cp932),
	    cmocka_unit_test(decoder_counts_invalid_utf16),
	    cmocka_unit_test(decoder_iso2022jp_invalid_keeps_shift_state),
	    cmocka_unit_test(decoder_truncated_shift_jis_lead),
	    cmocka_unit_test(decoder_truncated_utf8_at_eof),
	    cmocka_unit_test(utf8_valid_prefix),
	    cmocka_unit_test(utf8_decode),
	    cmocka_unit_test(fold_ascii_table),
	    cmocka_unit_test(fold_hyphens_between_digits),
	    cmocka_unit_test(fold_with_map),
	    cmocka_unit_test(fold_respects_cap),
	    cmocka_unit_test(fold_invalid_bytes_pass_through),
	    cmocka_unit_test(fold_matches_reference),
	    cmocka_unit_test(fold_short_texts),
	    cmocka_unit_test(after_blank_line_everywhere_each_path),
	    cmocka_unit_test(after_blank_line_crowded_each_path),
	    cmocka_unit_test(count_byte_each_path),
	    cmocka_unit_test(count_byte_steps_each_path),
	    cmocka_unit_test(utf8_text_reads_its_cp932_and_eucjp_lines),
	    cmocka_unit_test(cp932_text_reads_its_utf8_lines),
	    cmocka_unit_test(latin1_text_reads_its_utf8_lines),
	    cmocka_unit_test(cjk_text_takes_utf8_lines_of_three_bytes),
	    cmocka_unit_test(long_line_goes_on_as_it_began),
	    cmocka_unit_test(mark_parts_a_prefix),
	    cmocka_unit_test(sniff_takes_the_most_lines_encoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
