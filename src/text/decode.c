/* decode.c: encoding detection and streaming conversion to UTF-8. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "leakguard/text.h"
#include "text_int.h"
#include "util/util.h"

struct lg_decoder {
	iconv_t cd;
	uint8_t pending[16]; /* bytes of a character split across feeds */
	size_t npending;
	uint64_t consumed; /* input bytes fully consumed so far */
	bool utf16;	   /* invalid units are two bytes wide */
};

/* The high byte of a UTF-16 code unit in Japanese text: ASCII (00), kana
 * and CJK punctuation (30), kanji (4E-9F), full-width forms (FF). */
static bool japanese_high_byte(uint8_t b)
{
	return b == 0x00 || b == 0x30 || (b >= 0x4E && b <= 0x9F) || b == 0xFF;
}

/* A control byte that text does not use (tab, line breaks, form feed and
 * the ISO-2022-JP escape are text's). */
static bool noise_byte(uint8_t b)
{
	return b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' &&
	       b != 0x1B;
}

static void count_byte(lg_sniff_counts *c, uint8_t b, size_t side, bool paired)
{
	if (paired) {
		c->zero[side] += b == 0;
		c->japanese[side] += japanese_high_byte(b);
		c->control[side] += b > 0 && b < 0x20;
	}
	c->nul += b == 0;
	c->noise += noise_byte(b);
}

/* A run of blocks' sums, each [even, odd]: NULs, Japanese high bytes,
 * control bytes, noise. */
static inline void add_counts(lg_sniff_counts *c, size_t sums[4][2])
{
	for (int side = 0; side < 2; side++) {
		c->zero[side] += sums[0][side];
		c->japanese[side] += sums[1][side];
		c->control[side] += sums[2][side];
		c->nul += sums[0][side];
		c->noise += sums[3][side];
	}
}

#if defined(__SSE2__)
/* The even and the odd bytes' sums of per-byte counts acc (each < 256). */
static void add_sides(__m128i acc, size_t sum[2])
{
	const __m128i even = _mm_set1_epi16(0x00FF), zero = _mm_setzero_si128();
	__m128i e = _mm_sad_epu8(_mm_and_si128(acc, even), zero);
	__m128i o = _mm_sad_epu8(_mm_andnot_si128(even, acc), zero);
	sum[0] += (size_t)_mm_cvtsi128_si32(e) +
		  (size_t)_mm_cvtsi128_si32(_mm_srli_si128(e, 8));
	sum[1] += (size_t)_mm_cvtsi128_si32(o) +
		  (size_t)_mm_cvtsi128_si32(_mm_srli_si128(o, 8));
}

/* Lanes of v within [lo, lo + span]. */
static __m128i in_range(__m128i v, uint8_t lo, uint8_t span)
{
	__m128i d = _mm_sub_epi8(v, _mm_set1_epi8((char)lo));
	return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((char)span)), d);
}

/* lg_sniff_count's first n / 16 * 16 bytes, sixteen at a time: each
 * class's lanes (0xFF) are subtracted from per-byte counters, summed
 * before they can wrap. Returns the bytes counted. */
static size_t count_blocks_sse2(const uint8_t *p, size_t n, lg_sniff_counts *c)
{
	const __m128i z = _mm_setzero_si128();
	size_t i = 0;
	while (i + 16 <= n) {
		__m128i zero = z, jap = z, ctl = z, noise = z;
		for (int k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			__m128i nul = _mm_cmpeq_epi8(v, z);
			__m128i j = _mm_or_si128(
			    _mm_or_si128(nul, in_range(v, 0x4E, 0x9F - 0x4E)),
			    _mm_or_si128(
				_mm_cmpeq_epi8(v, _mm_set1_epi8(0x30)),
				_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xFF))));
			__m128i cc = in_range(v, 0x01, 0x1E);
			__m128i text = _mm_or_si128(
			    _mm_or_si128(in_range(v, '\t', 1),
					 in_range(v, '\f', 1)),
			    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x1B)));
			zero = _mm_sub_epi8(zero, nul);
			jap = _mm_sub_epi8(jap, j);
			ctl = _mm_sub_epi8(ctl, cc);
			noise = _mm_sub_epi8(
			    noise,
			    _mm_or_si128(nul, _mm_andnot_si128(text, cc)));
		}
		size_t sums[4][2] = {{0}};
		__m128i acc[4] = {zero, jap, ctl, noise};
		for (int k = 0; k < 4; k++)
			add_sides(acc[k], sums[k]);
		add_counts(c, sums);
	}
	return i;
}
#endif

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))

/* add_sides for thirty-two per-byte counts. */
AVX2 static void add_sides_avx2(__m256i acc, size_t sum[2])
{
	const __m256i even = _mm256_set1_epi16(0x00FF),
		      zero = _mm256_setzero_si256();
	__m256i e = _mm256_sad_epu8(_mm256_and_si256(acc, even), zero);
	__m256i o = _mm256_sad_epu8(_mm256_andnot_si256(even, acc), zero);
	__m128i e2 = _mm_add_epi64(_mm256_castsi256_si128(e),
				   _mm256_extracti128_si256(e, 1));
	__m128i o2 = _mm_add_epi64(_mm256_castsi256_si128(o),
				   _mm256_extracti128_si256(o, 1));
	sum[0] += (size_t)_mm_cvtsi128_si64(e2) +
		  (size_t)_mm_cvtsi128_si64(_mm_srli_si128(e2, 8));
	sum[1] += (size_t)_mm_cvtsi128_si64(o2) +
		  (size_t)_mm_cvtsi128_si64(_mm_srli_si128(o2, 8));
}

AVX2 static __m256i in_range_avx2(__m256i v, uint8_t lo, uint8_t span)
{
	__m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8((char)lo));
	return _mm256_cmpeq_epi8(
	    _mm256_min_epu8(d, _mm256_set1_epi8((char)span)), d);
}

/* count_blocks_sse2 thirty-two bytes at a time. */
AVX2 static size_t count_blocks_avx2(const uint8_t *p, size_t n,
				     lg_sniff_counts *c)
{
	const __m256i z = _mm256_setzero_si256();
	size_t i = 0;
	while (i + 32 <= n) {
		__m256i zero = z, jap = z, ctl = z, noise = z;
		for (int k = 0; k < 255 && i + 32 <= n; k++, i += 32) {
			__m256i v =
			    _mm256_loadu_si256((const __m256i *)(p + i));
			__m256i nul = _mm256_cmpeq_epi8(v, z);
			__m256i j = _mm256_or_si256(
			    _mm256_or_si256(
				nul, in_range_avx2(v, 0x4E, 0x9F - 0x4E)),
			    _mm256_or_si256(
				_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x30)),
				_mm256_cmpeq_epi8(
				    v, _mm256_set1_epi8((char)0xFF))));
			__m256i cc = in_range_avx2(v, 0x01, 0x1E);
			__m256i text = _mm256_or_si256(
			    _mm256_or_si256(in_range_avx2(v, '\t', 1),
					    in_range_avx2(v, '\f', 1)),
			    _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x1B)));
			zero = _mm256_sub_epi8(zero, nul);
			jap = _mm256_sub_epi8(jap, j);
			ctl = _mm256_sub_epi8(ctl, cc);
			noise = _mm256_sub_epi8(
			    noise, _mm256_or_si256(
				       nul, _mm256_andnot_si256(text, cc)));
		}
		size_t sums[4][2] = {{0}};
		__m256i acc[4] = {zero, jap, ctl, noise};
		for (int k = 0; k < 4; k++)
			add_sides_avx2(acc[k], sums[k]);
		add_counts(c, sums);
	}
	return i;
}
#endif

void lg_sniff_count(const uint8_t *p, size_t n, lg_sniff_counts *c)
{
	memset(c, 0, sizeof(*c));
	size_t i = 0;
#if defined(__x86_64__)
	if (lg_cpu() & LG_CPU_AVX2)
		i = count_blocks_avx2(p, n, c); /* a multiple of 32 */
#endif
#if defined(__SSE2__)
	i += count_blocks_sse2(p + i, n - i, c); /* of 16: even */
#endif
	for (; i < n; i++)
		count_byte(c, p[i], i & 1, i + 1 < n || (i & 1));
}

/* UTF-16 text without a BOM still shows itself: ASCII characters leave one
 * NUL in every pair, on the same side, and Japanese characters leave a
 * kana/kanji high byte there. */
static const char *sniff_utf16(const lg_sniff_counts *c, size_t n)
{
	size_t pairs = n / 2;
	size_t even = c->zero[0], odd = c->zero[1];
	size_t jeven = c->japanese[0], jodd = c->japanese[1];
	size_t ceven = c->control[0], codd = c->control[1];
	if (pairs < 8)
		return NULL;
	if (odd * 10 >= pairs * 3 && even * 50 < pairs)
		return "UTF-16LE";
	if (even * 10 >= pairs * 3 && odd * 50 < pairs)
		return "UTF-16BE";
	/* mostly Japanese: nearly every high byte fits, the low bytes vary */
	if (jodd * 100 >= pairs * 97 && jeven * 100 < pairs * 60 &&
	    ceven * 4 < pairs)
		return "UTF-16LE";
	if (jeven * 100 >= pairs * 97 && jodd * 100 < pairs * 60 &&
	    codd * 4 < pairs)
		return "UTF-16BE";
	return NULL;
}

/* NUL bytes, or more than 10% control bytes that text does not use. */
static bool sniff_binary(const lg_sniff_counts *c, size_t n)
{
	return c->nul > 0 || (n > 0 && c->noise * 10 > n);
}

static bool has_iso2022jp_escape(const uint8_t *p, size_t n)
{
	const uint8_t *e = p, *end = n > 2 ? p + n - 2 : p;
	while ((e = memchr(e, 0x1B, (size_t)(end - e))) != NULL) {
		if (e[1] == '$' && (e[2] == 'B' || e[2] == '@'))
			return true;
		e++;
	}
	return false;
}

/* Double-byte characters of a sample read as CP932 or EUC-JP: how many,
 * and how many of them are what most Japanese text is written in: kana,
 * punctuation, full-width letters, the NEC signs (①, ㈱) and the common
 * (level 1) kanji. Not the Greek, Cyrillic and box-drawing rows, nor the
 * level 2 kanji, which a Latin-1 letter read as a lead makes (à to ü are
 * E0-FC), a Greek DOS text's letters too. pairs is -1 when the bytes are
 * not of the encoding (a lead without a trail, a byte it never uses). */
typedef struct ja_pairs {
	long pairs, common;
} ja_pairs;

/* CP932: rows 1-4 (81 40 to 83 96: Greek follows), row 13 (87), level 1
 * kanji (88 9F to 98 72). */
static bool cp932_common(uint8_t lead, uint8_t trail)
{
	return (lead >= 0x81 && lead <= 0x82) ||
	       (lead == 0x83 && trail <= 0x96) || lead == 0x87 ||
	       (lead >= 0x88 && lead <= 0x97) ||
	       (lead == 0x98 && trail <= 0x72);
}

static ja_pairs cp932_pairs(const uint8_t *p, size_t n)
{
	ja_pairs c = {0, 0};
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b < 0x80 || (b >= 0xA1 && b <= 0xDF))
			continue; /* ASCII, half-width katakana */
		if (!((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)))
			return (ja_pairs){-1, 0};
		if (i + 1 >= n)
			break; /* cut by the sample's end */
		uint8_t t = p[++i];
		if (t < 0x40 || t == 0x7F || t > 0xFC)
			return (ja_pairs){-1, 0};
		c.pairs++;
		c.common += cp932_common(b, t);
	}
	return c;
}

/* The same for EUC-JP: JIS X 0208 pairs, 8E half-width kana, 8F JIS X
 * 0212 triples. */
static ja_pairs eucjp_pairs(const uint8_t *p, size_t n)
{
	ja_pairs c = {0, 0};
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b < 0x80)
			continue;
		size_t need = b == 0x8F ? 2 : 1;
		if (b != 0x8E && b != 0x8F && (b < 0xA1 || b > 0xFE))
			return (ja_pairs){-1, 0};
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n)
				return c;
			if (p[i + k] < 0xA1 || p[i + k] > 0xFE)
				return (ja_pairs){-1, 0};
		}
		i += need;
		c.pairs++;
		c.common += b == 0x8E || (b >= 0xA1 && b <= 0xA5) ||
			    b == 0xAD || (b >= 0xB0 && b <= 0xCF);
	}
	return c;
}

/* Japanese first: short CP932 or EUC-JP files are often called ISO-8859-1
 * by uchardet, or nothing. Well-formed double-byte Japanese wins over a
 * single-byte Western guess when most of its characters are common ones
 * ("Jürgen Müller" and "âgée" are well-formed CP932 too, of rare kanji).
 * Returns NULL when the bytes are neither. */
/* Which of the two readings is Japanese of common characters. */
static const char *japanese_reading(ja_pairs sj, ja_pairs euc)
{
	/* EUC-JP never uses 81-9F as a lead (8E/8F aside): text that does
	 * is CP932 even where both readings are well-formed */
	const ja_pairs *c = NULL;
	if (euc.pairs > 0 && (sj.pairs < 0 || !sj.common))
		c = &euc;
	else if (sj.pairs > 0)
		c = &sj;
	if (!c || c->common * 2 < c->pairs)
		return NULL;
	return c == &euc ? "EUC-JP-MS" : "CP932";
}

const char *lg_japanese_by_structure(const uint8_t *p, size_t n)
{
	return japanese_reading(cp932_pairs(p, n), eucjp_pairs(p, n));
}

const char *lg_japanese_line(const uint8_t *p, size_t n)
{
	ja_pairs sj = cp932_pairs(p, n), euc = eucjp_pairs(p, n);
	const char *ja = japanese_reading(sj, euc);
	const ja_pairs *c = ja && !strcmp(ja, "CP932") ? &sj : &euc;
	return ja && c->pairs >= 2 && c->common * 5 >= c->pairs * 4 ? ja : NULL;
}

static void add_pairs(ja_pairs *sum, ja_pairs line)
{
	if (sum->pairs < 0 || line.pairs < 0) {
		sum->pairs = -1;
		return;
	}
	sum->pairs += line.pairs;
	sum->common += line.common;
}

/* A sample with lines of both UTF-8 (not ASCII) and Japanese in CP932
 * or EUC-JP (an export with rows a web form appended; a log two programs
 * write): the encoding most of those lines are in, each line then read in
 * its own (mixed.c). NULL when the sample is not such. */
static const char *japanese_beside_utf8(const uint8_t *p, size_t n)
{
	ja_pairs sj = {0, 0}, euc = {0, 0};
	size_t utf8 = 0, other = 0;
	for (size_t a = 0, b; a < n; a = b) {
		const uint8_t *nl = memchr(p + a, '\n', n - a);
		b = nl ? (size_t)(nl + 1 - p) : n;
		size_t incomplete,
		    v = lg_utf8_valid_prefix(p + a, b - a, &incomplete);
		if (v + incomplete < b - a) {
			add_pairs(&sj, cp932_pairs(p + a, b - a));
			add_pairs(&euc, eucjp_pairs(p + a, b - a));
			other++;
			continue;
		}
		size_t i = a;
		while (i < b && p[i] < 0x80)
			i++;
		utf8 += i < b;
	}
	const char *ja = utf8 ? japanese_reading(sj, euc) : NULL;
	return !ja || utf8 < other ? ja : "UTF-8";
}

/* No answer from uchardet, which wants more than a short file's few
 * characters ("田中様 TEL …" in EUC-JP, a CSV whose only non-ASCII is
 * 〒): well-formed Japanese by structure, or half-width katakana alone in
 * CP932 (ｻﾄｳ ﾀﾛｳ, as bank transfer files write names); else UTF-8, its bad
 * bytes told. p is not UTF-8. */
static const char *japanese_unsure(const uint8_t *p, size_t n)
{
	const char *ja = lg_japanese_by_structure(p, n);
	if (ja)
		return ja;
	return cp932_pairs(p, n).pairs == 0 ? "CP932" : "UTF-8";
}

/* Maps uchardet's answer to the iconv name we decode with. */
static void sniff_uchardet(const uint8_t *p, size_t n, lg_sniff *out)
{
	const char *cs = japanese_beside_utf8(p, n);
	if (cs) {
		snprintf(out->encoding, sizeof(out->encoding), "%s", cs);
		return;
	}
	uchardet_t ud = uchardet_new();
	cs = "";
	if (ud && uchardet_handle_data(ud, (const char *)p, n) == 0) {
		uchardet_data_end(ud);
		cs = uchardet_get_charset(ud);
	}
	if (!lg_ascii_casecmp(cs, "SHIFT_JIS") ||
	    !lg_ascii_casecmp(cs, "WINDOWS-31J"))
		cs = "CP932"; /* what Windows/Excel write as "Shift_JIS" */
	else if (!lg_ascii_casecmp(cs, "EUC-JP"))
		cs = "EUC-JP-MS"; /* EUC-JP with the Windows extensions */
	else if (!*cs || !lg_ascii_casecmp(cs, "ASCII"))
		cs = japanese_unsure(p, n); /* no answer: a few characters */
	else if (lg_ascii_casecmp(cs, "ISO-2022-JP") != 0 &&
		 lg_ascii_ncasecmp(cs, "UTF-", 4) != 0) {
		const char *ja = lg_japanese_by_structure(p, n);
		if (ja)
			cs = ja;
	}
	snprintf(out->encoding, sizeof(out->encoding), "%s", cs);
	if (ud)
		uchardet_delete(ud);
}

void lg_text_sniff(const uint8_t *p, size_t n, lg_sniff *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->encoding, "UTF-8");
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		out->bom_len = 3;
		return;
	}
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
		       (p[0] == 0xFE && p[1] == 0xFF))) {
		strcpy(out->encoding, p[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
		out->bom_len = 2;
		return;
	}
	lg_sniff_counts c;
	lg_sniff_count(p, n, &c);
	const char *u16 = sniff_utf16(&c, n);
	if (u16) {
		strcpy(out->encoding, u16);
		return;
	}
	if (sniff_binary(&c, n)) {
		out->binary = true;
		return;
	}
	if (has_iso2022jp_escape(p, n)) {
		strcpy(out->encoding, "ISO-2022-JP-3");
		return;
	}
	size_t incomplete, valid = lg_utf8_valid_prefix(p, n, &incomplete);
	if (valid + incomplete == n) {
		out->utf8_valid = valid;
		return; /* UTF-8, or plain ASCII */
	}
	sniff_uchardet(p, n, out);
}

lg_decoder *lg_decoder_new(const char *encoding, char *err, size_t errlen)
{
	lg_decoder *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cd = iconv_open("UTF-8", encoding);
	if (d->cd == (iconv_t)-1) {
		snprintf(err, errlen, "unknown encoding '%s'", encoding);
		free(d);
		return NULL;
	}
	d->utf16 = !lg_ascii_ncasecmp(encoding, "UTF-16", 6);
	return d;
}

lg_status lg_text_grow(uint8_t **out, size_t *cap, size_t need)
{
	if (need <= *cap)
		return LG_OK;
	size_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	uint8_t *p = realloc(*out, ncap);
	if (!p)
		return LG_ENOMEM;
	*out = p;
	*cap = ncap;
	return LG_OK;
}

/* Converts as much of in[0..n) as iconv takes. Returns bytes consumed; on
 * an invalid sequence writes U+FFFD, counts it and skips one unit. Stops
 * before an incomplete trailing character (EINVAL). */
static lg_status decoder_run(lg_decoder *d, const uint8_t *in, size_t n,
			     uint8_t **out, size_t *len, size_t *cap,
			     lg_decode_stats *st, size_t *used)
{
	char *ip = (char *)in;
	size_t ileft = n;
	while (ileft > 0) {
		if (lg_text_grow(out, cap, *len + ileft * 4 + 16) != LG_OK)
			return LG_ENOMEM;
		char *op = (char *)*out + *len;
		size_t oleft = *cap - *len;
		size_t r = iconv(d->cd, &ip, &ileft, &op, &oleft);
		*len = (size_t)((uint8_t *)op - *out);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			break; /* incomplete character: keep for later */
		/* EILSEQ: replace one unit and carry on */
		uint64_t at = d->consumed + (uint64_t)(ip - (char *)in);
		if (st->invalid++ == 0)
			st->first_invalid = at;
		size_t skip = d->utf16 && ileft >= 2 ? 2 : 1;
		ip += skip;
		ileft -= skip;
		memcpy(*out + *len, "\xEF\xBF\xBD", 3);
		*len += 3;
		/* the shift state stays: ISO-2022-JP text after a bad byte is
		 * still in the character set it was in */
	}
	*used = n - ileft;
	return LG_OK;
}

lg_status lg_decoder_feed(lg_decoder *d, const uint8_t *in, size_t n, bool eof,
			  uint8_t **out, size_t *len, size_t *cap,
			  lg_decode_stats *st)
{
	size_t used;
	lg_status rc;
	/* finish a character split across the previous feed first */
	while (d->npending > 0 && n > 0) {
		d->pending[d->npending++] = *in++;
		n--;
		uint64_t before = d->consumed;
		rc = decoder_run(d, d->pending, d->npending, out, len, cap, st,
				 &used);
		if (rc != LG_OK)
			return rc;
		d->consumed = before + used;
		memmove(d->pending, d->pending + used, d->npending - used);
		d->npending -= used;
		if (d->npending >= sizeof(d->pending) - 1)
			d->npending = 0; /* cannot happen for real charsets */
	}
	rc = decoder_run(d, in, n, out, len, cap, st, &used);
	if (rc != LG_OK)
		return rc;
	d->consumed += used;
	if (used < n) {
		size_t rest = n - used;
		if (rest > sizeof(d->pending) - 1)
			rest = sizeof(d->pending) - 1;
		memcpy(d->pending, in + used, rest);
		d->npending = rest;
	}
	if (eof && d->npending > 0) {
		st->truncated = true;
		st->truncated_at = d->consumed;
		if (lg_text_grow(out, cap, *len + 3) != LG_OK)
			return LG_ENOMEM;
		memcpy(*out + *len, "\xEF\xBF\xBD", 3);
		*len += 3;
		d->npending = 0;
	}
	return LG_OK;
}

void lg_decoder_skip(lg_decoder *d, size_t n)
{
	d->consumed += n;
}

void lg_decoder_reset(lg_decoder *d, uint64_t at)
{
	iconv(d->cd, NULL, NULL, NULL, NULL);
	d->npending = 0;
	d->consumed = at;
}

void lg_decoder_free(lg_decoder *d)
{
	if (!d)
		return;
	iconv_close(d->cd);
	free(d);
}
