/* rests.c: the rests of split patterns (detectors.c, THEN) matched in C
 * at a label's end, where a Hyperscan call a label cost more than the
 * match (~1,200 instructions of set-up; on dense text tens of thousands
 * of labels a 16 MiB). Each matcher reports every end its rest's pattern
 * would (lg_rest_end), within the room the engine gives it;
 * tests/unit/test_patterns.c compares the engine with the whole patterns
 * compiled by Hyperscan. A rest changed in detectors.c must change here. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "detect_int.h"
#include "engine_int.h"
#include "leakguard/text.h"

/* ---- split rests: what each must start with -------------------------- */
/* A rest scan costs Hyperscan's set-up per call (~1,200 Ir), and on dense
 * text a third of the label ends have nothing after them that their rest
 * could match: a label in prose (生年月日を入力, 住所は). Each check below
 * is a condition every match of its rest at p[0..n) meets, read off the
 * pattern in detectors.c; the rest is scanned only when it holds.
 * tests/unit/test_patterns.c compares the engine with the whole patterns
 * on texts made to hit these edges. */

/* D (detectors.c) at p[i]: an ASCII or a full-width digit. */
static bool rest_digit_at(const uint8_t *p, size_t i, size_t n)
{
	return (p[i] >= '0' && p[i] <= '9') ||
	       (i + 2 < n && p[i] == 0xEF && p[i + 1] == 0xBC &&
		p[i + 2] >= 0x90 && p[i + 2] <= 0x99);
}

/* A D at most `most` bytes in (most < 48): birth_date's rest must have
 * one, with any bytes before it. The bytes that may start one (an ASCII
 * digit, 0xEF) are found sixteen at a time where 48 bytes are there to
 * read. */
static bool rest_digit_near(const uint8_t *p, size_t n, size_t most)
{
#if defined(__SSE2__)
	if (n >= 48) {
		uint64_t m = 0;
		for (int k = 0; k < 3; k++) {
			__m128i v =
			    _mm_loadu_si128((const __m128i *)(p + 16 * k));
			__m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
			__m128i dig = _mm_cmpeq_epi8(
			    _mm_min_epu8(d, _mm_set1_epi8(9)), d);
			__m128i ef =
			    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF));
			m |= (uint64_t)(uint16_t)_mm_movemask_epi8(
				 _mm_or_si128(dig, ef))
			     << (16 * k);
		}
		m &= (2ull << most) - 1; /* the bytes 0..most */
		for (; m; m &= m - 1)
			if (rest_digit_at(p, (size_t)__builtin_ctzll(m), n))
				return true;
		return false;
	}
#endif
	size_t end = n < most + 1 ? n : most + 1;
	for (size_t i = 0; i < end; i++)
		if (rest_digit_at(p, i, n))
			return true;
	return false;
}

/* The three-byte character e0 e1 e2 at p. */
static bool rest_char3(const uint8_t *p, size_t n, uint8_t e0, uint8_t e1,
		       uint8_t e2)
{
	return n >= 3 && p[0] == e0 && p[1] == e1 && p[2] == e2;
}

/* LABEL_TAIL's first character when not empty: a bracket or one of its
 * separators, ( （ space tab : = " > ： 　 ＝. */
static bool label_tail_at(const uint8_t *p, size_t n)
{
	if (p[0] == '(' || p[0] == ' ' || p[0] == '\t' || p[0] == ':' ||
	    p[0] == '=' || p[0] == '"' || p[0] == '>')
		return true;
	return rest_char3(p, n, 0xEF, 0xBC, 0x88) ||
	       rest_char3(p, n, 0xEF, 0xBC, 0x9A) ||
	       rest_char3(p, n, 0xEF, 0xBC, 0x9D) ||
	       rest_char3(p, n, 0xE3, 0x80, 0x80);
}

/* The first byte of KANJI, [\xE4-\xE9]. */
static bool kanji_lead(uint8_t c)
{
	return c >= 0xE4 && c <= 0xE9;
}

/* Whether the three bytes at p (continuation bytes after the first)
 * are the rest of NAME_START: a kanji, kana, a letter of Latin Extended
 * Additional (LATIN_MORE), or WIDE_LETTER. */
static bool name_start3(const uint8_t *p)
{
	uint8_t a = p[0], b = p[1];
	if (kanji_lead(a))
		return true;
	switch (a) {
	case 0xE3:
		return b >= 0x81 && b <= 0x83;
	case 0xE1:
		return b >= 0xB8 && b <= 0xBB;
	case 0xEF: {
		uint8_t c = p[2];
		return (b == 0xBC && c >= 0xA1 && c <= 0xBA) ||
		       (b == 0xBD && ((c >= 0x81 && c <= 0x9A) || c >= 0xA6)) ||
		       (b == 0xBE && c <= 0x9D);
	}
	default:
		return false;
	}
}

/* NAME_START's length at p[i] (a Latin letter, one with a diacritic,
 * KANJI, kana, a full-width letter or half-width kana), or 0. */
static size_t name_start_at(const uint8_t *p, size_t n, size_t i)
{
	if ((unsigned)((p[i] | 0x20) - 'a') < 26u)
		return 1;
	if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80)
		return 0;
	if (p[i] >= 0xC3 && p[i] <= 0xC8)
		return 2;
	if (p[i] == 0xC9)
		return p[i + 1] <= 0x8F ? 2 : 0;
	if (i + 2 >= n || (p[i + 2] & 0xC0) != 0x80)
		return 0;
	return name_start3(p + i) ? 3 : 0;
}

/* The length of LABEL_TAIL's separator at p[i] (one byte or three), or
 * 0. None starts as NAME_START, KANJI or D does. */
static size_t tail_sep_len(const uint8_t *p, size_t n, size_t i)
{
	uint8_t c = p[i];
	if (c == ' ' || c == '\t' || c == ':' || c == '=' || c == '"' ||
	    c == '>')
		return 1;
	return rest_char3(p + i, n - i, 0xEF, 0xBC, 0x9A) ||
		       rest_char3(p + i, n - i, 0xEF, 0xBC, 0x9D) ||
		       rest_char3(p + i, n - i, 0xE3, 0x80, 0x80)
		   ? 3
		   : 0;
}

/* Past LABEL_TAIL's separators from p[i], eight at most: a name can
 * start only where they stop. */
static size_t tail_seps(const uint8_t *p, size_t n, size_t i)
{
	for (int k = 0; k < 8 && i < n; k++) {
		size_t l = tail_sep_len(p, n, i);
		if (!l)
			break;
		i += l;
	}
	return i;
}

/* A name's first character after the separators from p[i]: the end of
 * a match then, or 0. */
static size_t name_after_tail(const uint8_t *p, size_t n, size_t i)
{
	i = tail_seps(p, n, i);
	size_t l = i < n ? name_start_at(p, n, i) : 0;
	return l ? i + l : 0;
}

/* D's length at p[i], or 0. */
static size_t rest_digit_len(const uint8_t *p, size_t n, size_t i)
{
	if (p[i] >= '0' && p[i] <= '9')
		return 1;
	return rest_digit_at(p, i, n) ? 3 : 0;
}

/* HY's length at p[i] (detectors.c: - and its three-byte look-alikes,
 * the ones lg_fold_ascii folds to -), or 0. */
static size_t rest_hyphen_len(const uint8_t *p, size_t n, size_t i)
{
	if (p[i] == '-')
		return 1;
	if (!lg_utf8_common3(p + i, n - i))
		return 0;
	size_t len;
	return lg_fold_ascii(lg_utf8_char_at(p + i, n - i, &len)) == '-' ? 3
									 : 0;
}

/* `count` Ds from p[i]: the offset after them, or 0. */
static size_t rest_digits(const uint8_t *p, size_t n, size_t i, int count)
{
	for (int k = 0; k < count; k++) {
		size_t l = i < n ? rest_digit_len(p, n, i) : 0;
		if (!l)
			return 0;
		i += l;
	}
	return i;
}

/* KANJI at p[i]: the end of a match then, or 0. */
static size_t kanji_end(const uint8_t *p, size_t n, size_t i)
{
	return i + 2 < n && kanji_lead(p[i]) && (p[i + 1] & 0xC0) == 0x80 &&
		       (p[i + 2] & 0xC0) == 0x80
		   ? i + 3
		   : 0;
}

/* The address rest's postal code and KANJI from p[i], with 〒 and the
 * space before the digits as the caller found them:
 * D{3} HY D{4} (?:[ \t]|　){0,2} KANJI. The end, or 0. */
static size_t postal_then_kanji(const uint8_t *p, size_t n, size_t i)
{
	i = rest_digits(p, n, i, 3);
	size_t h = i && i < n ? rest_hyphen_len(p, n, i) : 0;
	i = h ? rest_digits(p, n, i + h, 4) : 0;
	if (!i)
		return 0;
	for (int k = 0; k < 2 && i < n; k++) {
		if (p[i] == ' ' || p[i] == '\t')
			i++;
		else if (rest_char3(p + i, n - i, 0xE3, 0x80, 0x80))
			i += 3;
		else
			break;
	}
	return kanji_end(p, n, i);
}

/* The address rest's value at p[i]: KANJI, or (〒)? SP? then the postal
 * code and KANJI, each way one path. Its ends may repeat those from
 * other stops: push_split keeps them in order, take_splits takes an end
 * once. */
static void address_value(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	size_t e;
	if ((e = kanji_end(p, n, i)))
		lg_rest_end(r, e);
	size_t post[2] = {i, 0}, np = 1;
	if (rest_char3(p + i, n - i, 0xE3, 0x80, 0x92))
		post[np++] = i + 3;
	for (size_t j = 0; j < np; j++) {
		size_t q = post[j];
		if (q < n && (e = postal_then_kanji(p, n, q)))
			lg_rest_end(r, e);
		size_t sp = q >= n					 ? 0
			    : p[q] == ' '				 ? 1
			    : rest_char3(p + q, n - q, 0xE3, 0x80, 0x80) ? 3
									 : 0;
		if (sp && (e = postal_then_kanji(p, n, q + sp)))
			lg_rest_end(r, e);
	}
}

/* The address rest from LABEL_TAIL's separators at p[i]: a value may
 * start after each of them (a space may be the postal code's SP too). */
static void address_after_tail(rest_ctx *r, const uint8_t *p, size_t n,
			       size_t i)
{
	for (int k = 0; k <= 8 && i < n; k++) {
		address_value(r, p, n, i);
		size_t l = tail_sep_len(p, n, i);
		if (!l)
			break;
		i += l;
	}
}

/* person_name's rest from LABEL_TAIL's separators at p[i]: NAME_START
 * where they stop. */
static void name_after_seps(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	size_t e = name_after_tail(p, n, i);
	if (e)
		lg_rest_end(r, e);
}

/* A rest of LABEL_TAIL then a value (person_name's, jp_address's),
 * matched at p[0..n) in C as Hyperscan would, the start being p: a rest
 * scan was a tenth of the callbacks' cost on sparse text, nearly all of
 * it Hyperscan's set-up. Without a bracket first the separators start
 * at p; after one, they start past each closing bracket: ) ends the
 * [^()\n]{0,24} inside, and each ） in reach may close it. */
static void label_tail_rest(rest_ctx *r, const uint8_t *p, size_t n,
			    void (*value)(rest_ctx *, const uint8_t *, size_t,
					  size_t))
{
	size_t open = p[0] == '('			   ? 1
		      : rest_char3(p, n, 0xEF, 0xBC, 0x88) ? 3
							   : 0;
	if (!open) {
		value(r, p, n, 0);
		return;
	}
	for (size_t c = open; c <= open + 24 && c < n; c++) {
		if (p[c] == '(' || p[c] == '\n')
			return;
		if (p[c] == ')') {
			value(r, p, n, c + 1);
			return;
		}
		if (rest_char3(p + c, n - c, 0xEF, 0xBC, 0x89))
			value(r, p, n, c + 3);
	}
}

/* A rest GAP(gap) D{lo,hi} (card_cvv's, jp_bank_account's) matched at
 * p[0..n) in C as Hyperscan would, the start being p: the digits may
 * start at each place up to `gap` bytes in before an ASCII digit or a
 * newline (which the gap refuses; it takes full-width digits). */
static void gap_digits_rest(rest_ctx *r, const uint8_t *p, size_t n, size_t gap,
			    int lo, int hi)
{
	for (size_t i = 0; i <= gap && i < n && p[i] != '\n'; i++) {
		size_t e = i;
		for (int k = 1; k <= hi && e < n; k++) {
			size_t l = rest_digit_len(p, n, e);
			if (!l)
				break;
			e += l;
			if (k >= lo)
				lg_rest_end(r, e);
		}
		if (p[i] >= '0' && p[i] <= '9')
			return;
	}
}

/* SP's length at p[i] (a space, ASCII or ideographic), or 0. */
static size_t rest_space_len(const uint8_t *p, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	return p[i] == ' '				    ? 1
	       : rest_char3(p + i, n - i, 0xE3, 0x80, 0x80) ? 3
							    : 0;
}

/* The length of DS's separator at p[i] without its spaces (- / . HY ．
 * ／ 年 月), or 0. */
static size_t date_sep_len(const uint8_t *p, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (p[i] == '-' || p[i] == '/' || p[i] == '.')
		return 1;
	if (rest_hyphen_len(p, n, i) ||
	    rest_char3(p + i, n - i, 0xEF, 0xBC, 0x8E) ||
	    rest_char3(p + i, n - i, 0xEF, 0xBC, 0x8F) ||
	    rest_char3(p + i, n - i, 0xE5, 0xB9, 0xB4) ||
	    rest_char3(p + i, n - i, 0xE6, 0x9C, 0x88))
		return 3;
	return 0;
}

/* D{1,most} from p[b], then the three-byte mark m (月, 日) or not; each
 * an end. */
static void digits_then_mark(rest_ctx *r, const uint8_t *p, size_t n, size_t b,
			     int most, const uint8_t m[3])
{
	for (int k = 0; k < most && b < n; k++) {
		size_t l = rest_digit_len(p, n, b);
		if (!l)
			return;
		b += l;
		lg_rest_end(r, b);
		if (rest_char3(p + b, n - b, m[0], m[1], m[2]))
			lg_rest_end(r, b + 3);
	}
}

/* EXPIRY's second part from p[b]: D{1,4}, then 月 or not. */
static void expiry_year(rest_ctx *r, const uint8_t *p, size_t n, size_t b)
{
	digits_then_mark(r, p, n, b, 4, (const uint8_t *)"\xE6\x9C\x88");
}

/* EXPIRY (D{1,4} DS D{1,4}(?:月)?) from p[i], every way: DS is SP? then
 * a separator then SP?, a space before or after it taken or not. */
static void expiry_at(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	for (int k = 0; k < 4 && i < n; k++) {
		size_t l = rest_digit_len(p, n, i);
		if (!l)
			return;
		i += l;
		size_t sp1 = rest_space_len(p, n, i);
		for (size_t q = i;; q += sp1) {
			size_t d = date_sep_len(p, n, q);
			if (d) {
				size_t sp2 = rest_space_len(p, n, q + d);
				expiry_year(r, p, n, q + d);
				if (sp2)
					expiry_year(r, p, n, q + d + sp2);
			}
			if (q > i || !sp1)
				break;
		}
	}
}

/* card_expiry's rest, GAP(20) EXPIRY, matched at p[0..n) in C as
 * Hyperscan would, the start being p (the gap as gap_digits_rest's). */
static void expiry_rest(rest_ctx *r, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i <= 20 && i < n && p[i] != '\n'; i++) {
		if (rest_digit_at(p, i, n))
			expiry_at(r, p, n, i);
		if (p[i] >= '0' && p[i] <= '9')
			return;
	}
}

/* \s as Hyperscan reads it without UTF-8: tab to carriage return, space. */
static bool rest_ws(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool rest_quote_at(const uint8_t *p, size_t n, size_t i)
{
	return i < n && (p[i] == '"' || p[i] == '\'');
}

/* password's last [^\s] at p[i]: an end past it. */
static void secret_byte(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	if (i < n && !rest_ws(p[i]))
		lg_rest_end(r, i + 1);
}

/* KV's SP{0,2} after its sign from p[i], then the value's byte: a
 * three-byte space may be the byte too, so each count is a way. */
static void secret_after_sign(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	for (int k = 0;; k++) {
		secret_byte(r, p, n, i);
		size_t l = rest_space_len(p, n, i);
		if (k == 2 || !l)
			return;
		i += l;
	}
}

/* password's rest after its optional quote, from p[q]: KV, a comma
 * between quotes, or は, then [^\s]. */
static void secret_from(rest_ctx *r, const uint8_t *p, size_t n, size_t q)
{
	/* KV: SP{0,2} (?:[:=]|：|＝|=>) SP{0,2} */
	for (int k = 0, a = 0; (size_t)a < n - q; k++) {
		size_t i = q + (size_t)a;
		if (p[i] == ':' || p[i] == '=')
			secret_after_sign(r, p, n, i + 1);
		if (p[i] == '=' && i + 1 < n && p[i + 1] == '>')
			secret_after_sign(r, p, n, i + 2);
		if (rest_char3(p + i, n - i, 0xEF, 0xBC, 0x9A) ||
		    rest_char3(p + i, n - i, 0xEF, 0xBC, 0x9D))
			secret_after_sign(r, p, n, i + 3);
		size_t l = rest_space_len(p, n, i);
		if (k == 2 || !l)
			break;
		a += (int)l;
	}
	/* ["']?\s?,\s?["'] */
	for (size_t b = q; b <= q + rest_quote_at(p, n, q); b++)
		for (size_t c = b; c < n && c <= b + rest_ws(p[b]); c++)
			if (p[c] == ',')
				for (size_t e = c + 1;
				     e < n && e <= c + 1 + rest_ws(p[c + 1]);
				     e++)
					if (rest_quote_at(p, n, e))
						secret_byte(r, p, n, e + 1);
	/* は SP? */
	if (rest_char3(p + q, n - q, 0xE3, 0x81, 0xAF)) {
		secret_byte(r, p, n, q + 3);
		size_t l = rest_space_len(p, n, q + 3);
		if (l)
			secret_byte(r, p, n, q + 3 + l);
	}
}

/* password's rest, ["']?(?:KV|["']?\s?,\s?["']|は SP?)[^\s] or an XML
 * element's >[^\s<], matched at p[0..n) in C as Hyperscan would, the
 * start being p. */
static void secret_rest(rest_ctx *r, const uint8_t *p, size_t n)
{
	secret_from(r, p, n, 0);
	if (rest_quote_at(p, n, 0))
		secret_from(r, p, n, 1);
	if (n >= 2 && p[0] == '>' && p[1] != '<')
		secret_byte(r, p, n, 1);
}

/* ---- birth_date's rest: GAPN(24) DATE (detectors.c) ---- */
typedef void date_step(rest_ctx *r, const uint8_t *p, size_t n, size_t i);

/* DS from p[i] (SP? then a separator then SP?, each space taken or
 * not), then `next` where it may end. */
static void date_sep_then(rest_ctx *r, const uint8_t *p, size_t n, size_t i,
			  date_step *next)
{
	size_t sp1 = rest_space_len(p, n, i);
	for (size_t q = i;; q += sp1) {
		size_t d = date_sep_len(p, n, q);
		if (d) {
			size_t sp2 = rest_space_len(p, n, q + d);
			next(r, p, n, q + d);
			if (sp2)
				next(r, p, n, q + d + sp2);
		}
		if (q > i || !sp1)
			return;
	}
}

/* The day: D{1,2}, then 日 or not; each an end. */
static void date_day(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	digits_then_mark(r, p, n, i, 2, (const uint8_t *)"\xE6\x97\xA5");
}

/* The month: D{1,2} DS, then the day. */
static void date_month(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	for (int k = 0; k < 2 && i < n; k++) {
		size_t l = rest_digit_len(p, n, i);
		if (!l)
			return;
		i += l;
		date_sep_then(r, p, n, i, date_day);
	}
}

/* `lit` (its bytes) at p[i]. */
static bool rest_lit(const uint8_t *p, size_t n, size_t i, const char *lit)
{
	size_t l = strlen(lit);
	return l <= n - i && !memcmp(p + i, lit, l);
}

/* DATE_WESTERN at p[i]: 19 20 １９ ２０, D{2} DS, month and day. */
static void date_western(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	size_t c = rest_lit(p, n, i, "19") || rest_lit(p, n, i, "20")	    ? 2
		   : rest_lit(p, n, i, "１９") || rest_lit(p, n, i, "２０") ? 6
									    : 0;
	size_t e = c ? rest_digits(p, n, i + c, 2) : 0;
	if (e)
		date_sep_then(r, p, n, e, date_month);
}

/* An era's length at p[i] (明治 大正 昭和 平成 令和, ㍾ ㍽ ㍼ ㍻
 * ㋿, or one of MTSHRmtshr), or 0. */
static size_t era_len(const uint8_t *p, size_t n, size_t i)
{
	if (p[i] < 0x80)
		return p[i] && strchr("MTSHRmtshr", p[i]) ? 1 : 0;
	if (n - i < 3)
		return 0;
	uint32_t c = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
	uint32_t second = 0;
	switch (c) {
	case 0xE38DBE:
	case 0xE38DBD:
	case 0xE38DBC:
	case 0xE38DBB:
	case 0xE38BBF:
		return 3;
	case 0xE6988E:
		second = 0xE6B2BB;
		break; /* 明治 */
	case 0xE5A4A7:
		second = 0xE6ADA3;
		break; /* 大正 */
	case 0xE698AD:
		second = 0xE5928C;
		break; /* 昭和 */
	case 0xE5B9B3:
		second = 0xE68890;
		break; /* 平成 */
	case 0xE4BBA4:
		second = 0xE5928C;
		break; /* 令和 */
	default:
		return 0;
	}
	if (n - i < 6)
		return 0;
	uint32_t d =
	    (uint32_t)p[i + 3] << 16 | (uint32_t)p[i + 4] << 8 | p[i + 5];
	return d == second ? 6 : 0;
}

/* DATE_ERA at p[i]: an era, SP?, (D{1,2}|元) DS, month and day. */
static void date_era(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	size_t a = era_len(p, n, i);
	if (a)
		a += i;
	if (!a)
		return;
	size_t sp = rest_space_len(p, n, a);
	for (size_t q = a;; q += sp) {
		if (rest_lit(p, n, q, "元"))
			date_sep_then(r, p, n, q + 3, date_month);
		size_t y = q;
		for (int k = 0; k < 2 && y < n; k++) {
			size_t l = rest_digit_len(p, n, y);
			if (!l)
				break;
			y += l;
			date_sep_then(r, p, n, y, date_month);
		}
		if (q > a || !sp)
			return;
	}
}

/* MONTH_EN's lengths at p[i] (a name in any case, then '.' or not):
 * how many, in len. */
static size_t month_lens(const uint8_t *p, size_t n, size_t i, size_t *len)
{
	static const char *const names[] = {
	    "jan",  "january", "feb",	 "february", "mar",  "march",
	    "apr",  "april",   "may",	 "jun",	     "june", "jul",
	    "july", "aug",     "august", "sep",	     "sept", "september",
	    "oct",  "october", "nov",	 "november", "dec",  "december"};
	size_t k = 0;
	uint8_t f = i < n ? p[i] | 0x20 : 0;
	for (size_t w = 0; w < sizeof(names) / sizeof(*names); w++) {
		if (names[w][0] != f)
			continue;
		size_t l = strlen(names[w]), c = 0;
		while (c < l && i + c < n && (p[i + c] | 0x20) == names[w][c])
			c++;
		if (c < l)
			continue;
		len[k++] = l;
		if (i + l < n && p[i + l] == '.')
			len[k++] = l + 1;
	}
	return k;
}

/* (19|20)[0-9]{2} at p[i]: its end, or 0. */
static size_t year_en(const uint8_t *p, size_t n, size_t i)
{
	if (!(rest_lit(p, n, i, "19") || rest_lit(p, n, i, "20")) || i + 4 > n)
		return 0;
	bool d = p[i + 2] >= '0' && p[i + 2] <= '9' && p[i + 3] >= '0' &&
		 p[i + 3] <= '9';
	return d ? i + 4 : 0;
}

/* ,?\s(19|20)[0-9]{2} from p[i]: each end. */
static void comma_year(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	for (size_t q = i; q <= i + (i < n && p[i] == ','); q++) {
		size_t e = q < n && rest_ws(p[q]) ? year_en(p, n, q + 1) : 0;
		if (e)
			lg_rest_end(r, e);
	}
}

static bool ascii_digit(const uint8_t *p, size_t n, size_t i)
{
	return i < n && p[i] >= '0' && p[i] <= '9';
}

/* DATE_ENGLISH at p[i]: 29 Oct 1974, October 29th, 1974. */
static void date_english(rest_ctx *r, const uint8_t *p, size_t n, size_t i)
{
	size_t len[48];
	for (size_t j = i + 1; j <= i + 2 && ascii_digit(p, n, j - 1); j++) {
		if (!(j < n && rest_ws(p[j])))
			continue;
		size_t k = month_lens(p, n, j + 1, len);
		for (size_t m = 0; m < k; m++)
			comma_year(r, p, n, j + 1 + len[m]);
	}
	size_t k = month_lens(p, n, i, len);
	for (size_t m = 0; m < k; m++) {
		size_t q = i + len[m];
		if (!(q < n && rest_ws(p[q])))
			continue;
		for (size_t d = q + 2; d <= q + 3 && ascii_digit(p, n, d - 1);
		     d++) {
			comma_year(r, p, n, d);
			static const char *const sfx[] = {"st", "nd", "rd",
							  "th"};
			for (int x = 0; x < 4; x++)
				if (rest_lit(p, n, d, sfx[x]))
					comma_year(r, p, n, d + 2);
		}
	}
}

/* birth_date's rest, GAPN(24) DATE, matched at p[0..n) in C as
 * Hyperscan would, the start being p: the gap takes any byte but an
 * ASCII digit, a newline too. */
static void birth_rest(rest_ctx *r, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i <= 24 && i < n; i++) {
		uint8_t c = p[i];
		if ((c & 0xC0) == 0x80)
			continue; /* no date starts with 0x80..0xBF */
		if (c == '1' || c == '2' || c == 0xEF)
			date_western(r, p, n, i);
		if (c >= 0xE3 || (unsigned)((c | 0x20) - 'a') < 26u)
			date_era(r, p, n, i);
		if ((c >= '0' && c <= '9') ||
		    ((c | 0x20) >= 'a' && strchr("adfjmnos", c | 0x20)))
			date_english(r, p, n, i);
		if (c >= '0' && c <= '9')
			return;
	}
}

/* Whether the rest of type t's split pattern may match at p[0..n). */
bool lg_rest_may_match(lg_type t, const uint8_t *p, size_t n)
{
	if (n == 0) /* every rest reads a byte at least */
		return false;
	switch (t) {
	case LG_BIRTH_DATE:
		/* GAPN(24) DATE: a date's first D is at most 21 bytes in
		 * (an era of six, a space, 元, and a separator with a space
		 * each side: 6 + 3 + 3 + 9), an English one's 11 (a month
		 * of ten and a space) */
		return rest_digit_near(p, n, 24 + 21);
	case LG_PASSWORD:
		/* a quote, KV (its spaces, : = ： ＝), \s, a comma, は or an
		 * element's > */
		switch (p[0]) {
		case '>':
		case '\t':
		case '\n':
		case '\v':
		case '\f':
		case '\r':
		case ' ':
		case '"':
		case '\'':
		case ',':
		case ':':
		case '=':
			return true;
		default:
			return rest_char3(p, n, 0xE3, 0x80, 0x80) ||
			       rest_char3(p, n, 0xE3, 0x81, 0xAF) ||
			       rest_char3(p, n, 0xEF, 0xBC, 0x9A) ||
			       rest_char3(p, n, 0xEF, 0xBC, 0x9D);
		}
	case LG_PERSON_NAME: /* LABEL_TAIL NAME_START */
		return label_tail_at(p, n) || name_start_at(p, n, 0);
	case LG_JP_ADDRESS:
		/* LABEL_TAIL, then a postal code (〒, a space or D first)
		 * or KANJI */
		return label_tail_at(p, n) || kanji_lead(p[0]) ||
		       rest_digit_at(p, 0, n) ||
		       rest_char3(p, n, 0xE3, 0x80, 0x92);
	default:
		return true;
	}
}

bool lg_rest_match(rest_ctx *r, lg_type t, const uint8_t *p, size_t n)
{
	switch (t) {
	case LG_PERSON_NAME:
		label_tail_rest(r, p, n, name_after_seps);
		return true;
	case LG_JP_ADDRESS:
		label_tail_rest(r, p, n, address_after_tail);
		return true;
	case LG_CARD_CVV:
		gap_digits_rest(r, p, n, 16, 3, 4);
		return true;
	case LG_JP_BANK_ACCOUNT:
		gap_digits_rest(r, p, n, 24, 7, 8);
		return true;
	case LG_CARD_EXPIRY:
		expiry_rest(r, p, n);
		return true;
	case LG_PASSWORD:
		secret_rest(r, p, n);
		return true;
	case LG_BIRTH_DATE:
		birth_rest(r, p, n);
		return true;
	default:
		return false; /* Hyperscan's rest database */
	}
}
