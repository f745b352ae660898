/* jsonrec.c: writes one record as a JSON object straight into a buffer.
 * A scan can emit millions of findings; building a jansson tree for each
 * cost more than finding them. Strings are escaped per RFC 8259; invalid
 * UTF-8 (a file name, say) becomes U+FFFD so the line stays valid JSON.
 *
 * The record's room is reserved once (no string grows more than six
 * times when escaped) and written through a pointer; runs of bytes that
 * need no escaping (ASCII and the common three-byte characters) are found
 * and copied sixteen bytes at a time, thirty-two with AVX2. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#define LG_AVX2_PATH 1 /* chosen at run time where the CPU has AVX2 */
#endif
#include <stdint.h>
#include <string.h>

#include "leakguard/text.h"
#include "output_int.h"

#define ESCAPED_MAX 6 /* bytes out per byte in, at most: \u00XX */

/* Writes a string literal's bytes (without its NUL). */
#define PUT_LIT(d, lit)                                                        \
	(memcpy((d), (lit), sizeof(lit) - 1), (d) + sizeof(lit) - 1)

static char *put_u_escape(char *d, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	d[0] = '\\';
	d[1] = 'u';
	d[2] = hex[cp >> 12 & 15];
	d[3] = hex[cp >> 8 & 15];
	d[4] = hex[cp >> 4 & 15];
	d[5] = hex[cp & 15];
	return d + 6;
}

#if defined(__SSE2__)
/* The bytes of v that JSON does not take as they are, one bit each:
 * controls, '"', '\\', and (signed: below ' ' too) bytes of 0x80 and up,
 * looked at one character at a time. */
static unsigned not_plain(__m128i v)
{
	__m128i bad =
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
			 _mm_cmplt_epi8(v, _mm_set1_epi8(' ')));
	return (unsigned)_mm_movemask_epi8(bad);
}

/* How many of the first `avail` bytes of v go out as they are: printable
 * ASCII but '"' and '\\', and whole three-byte characters led by E3..EF
 * but ED (kana, kanji, full-width forms; put_char copies them too). One
 * bit a byte: a continuation byte must be one of the two after such a
 * lead, and a character the block's end cuts is left to the next block,
 * so a block always starts at a character. Japanese snippets are mostly
 * such characters and ASCII: a block of them is taken whole, where
 * put_char took a character at a time. */
static unsigned plain_prefix(__m128i v, unsigned avail)
{
	unsigned ascii_bad = not_plain(v); /* every byte >= 0x80 too */
	if (!(ascii_bad & ((1u << avail) - 1)))
		return avail; /* plain ASCII: most blocks, most short strings */
	/* signed bytes: continuations are -128..-65, these leads -29..-17 */
	__m128i cont = _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xC0));
	__m128i lead = _mm_andnot_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED)),
	    _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xE2)),
			  _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xF0))));
	unsigned l = (unsigned)_mm_movemask_epi8(lead);
	unsigned c = (unsigned)_mm_movemask_epi8(cont);
	unsigned high = (unsigned)_mm_movemask_epi8(v);
	unsigned wrong = (ascii_bad & ~high) | (high & ~(l | c)) |
			 ((c ^ (l << 1 | l << 2)) & 0xFFFF);
	unsigned k = (unsigned)__builtin_ctz(wrong | 1u << avail);
	/* a lead whose character is not all before k waits */
	if (k >= 1 && (l >> (k - 1) & 1))
		return k - 1;
	if (k >= 2 && (l >> (k - 2) & 1))
		return k - 2;
	return k;
}

/* Up to eight bytes of p[0..n) (n < 8) in a word, little-endian (the
 * SSE2 path is x86's): overlapping loads, never past p + n. */
static inline uint64_t load_short(const uint8_t *p, size_t n)
{
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return a | (uint64_t)b << ((n - 4) * 8);
	}
	if (n == 0)
		return 0;
	return p[0] | (uint64_t)p[n / 2] << (n / 2 * 8) |
	       (uint64_t)p[n - 1] << ((n - 1) * 8);
}

/* The n < 16 bytes at p, zeros after them. */
static inline __m128i load_tail(const uint8_t *p, size_t n)
{
	uint64_t lo, hi = 0;
	if (n >= 8) {
		memcpy(&lo, p, 8);
		hi = load_short(p + 8, n - 8);
	} else {
		lo = load_short(p, n);
	}
	return _mm_set_epi64x((long long)hi, (long long)lo);
}
#endif

#if LG_AVX2_PATH
/* plain_prefix over the thirty-two bytes at p, stored at d whole: a
 * snippet of kana and kanji takes half the blocks. */
__attribute__((target("avx2"))) static unsigned plain_prefix32(const uint8_t *p,
							       char *d)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	_mm256_storeu_si256((__m256i *)d, v);
	__m256i bad = _mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
			    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8(' '), v));
	uint32_t ascii_bad = (uint32_t)_mm256_movemask_epi8(bad);
	if (!ascii_bad)
		return 32;
	__m256i cont = _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xC0), v);
	__m256i lead = _mm256_andnot_si256(
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xED)),
	    _mm256_and_si256(
		_mm256_cmpgt_epi8(v, _mm256_set1_epi8((char)0xE2)),
		_mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xF0), v)));
	uint64_t l = (uint32_t)_mm256_movemask_epi8(lead);
	uint64_t c = (uint32_t)_mm256_movemask_epi8(cont);
	uint64_t high = (uint32_t)_mm256_movemask_epi8(v);
	uint64_t wrong = (ascii_bad & ~high) | (high & ~(l | c)) |
			 ((c ^ (l << 1 | l << 2)) & 0xFFFFFFFFu);
	unsigned k = (unsigned)__builtin_ctzll(wrong | 1ULL << 32);
	if (k >= 1 && (l >> (k - 1) & 1))
		return k - 1;
	if (k >= 2 && (l >> (k - 2) & 1))
		return k - 2;
	return k;
}
#endif

/* Writes the character at p[i] (escaped when it must be) and returns
 * where the next one starts: printable ASCII but '"' and '\\', and
 * valid UTF-8 but U+0085, U+2028 and U+2029 (line breaks to JavaScript)
 * go as they are. */
static size_t put_char(const uint8_t *p, size_t i, size_t n, char **dp)
{
	char *d = *dp;
	uint8_t c = p[i];
	if (c < 0x80) {
		if (c == '"' || c == '\\') {
			d[0] = '\\';
			d[1] = (char)c;
			d += 2;
		} else if (c < 0x20) {
			d = put_u_escape(d, c);
		} else {
			*d++ = (char)c;
		}
		*dp = d;
		return i + 1;
	}
	if (c >= 0xE3 && lg_utf8_common3(p + i, n - i)) {
		memcpy(d, p + i, 3); /* U+3000..U+FFFF: not U+2028, U+2029 */
		*dp = d + 3;
		return i + 3;
	}
	uint32_t cp;
	size_t len = lg_utf8_decode(p + i, n - i, &cp);
	if ((cp == 0xFFFD && len == 1) || cp == 0x85 || cp == 0x2028 ||
	    cp == 0x2029) {
		d = put_u_escape(d, cp);
	} else {
		memcpy(d, p + i, len);
		d += len;
	}
	*dp = d;
	return i + len;
}

#if !defined(__SSE2__)
/* Printable ASCII but '"' and '\\': what JSON takes as it is. */
static bool plain_ascii(uint8_t c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}
#endif

#if LG_AVX2_PATH
/* The string's bytes, sixty-four at a time with AVX-512BW: loads and
 * stores masked to the string and to the bytes taken, so a snippet's
 * tail needs no copy and nothing past either end is touched. The
 * classes are plain_prefix32's, as mask registers. */
__attribute__((target("avx512f,avx512bw,bmi,bmi2"))) static char *
put_string_avx512(char *d, const uint8_t *p, size_t n)
{
	const __m512i quote = _mm512_set1_epi8('"'),
		      bslash = _mm512_set1_epi8('\\'),
		      space = _mm512_set1_epi8(' '),
		      c0 = _mm512_set1_epi8((char)0xC0),
		      e2 = _mm512_set1_epi8((char)0xE2),
		      ed = _mm512_set1_epi8((char)0xED),
		      f0 = _mm512_set1_epi8((char)0xF0);
	size_t i = 0;
	while (i < n) {
		size_t avail = n - i < 64 ? n - i : 64;
		__mmask64 in = _bzhi_u64(~0ULL, (unsigned)avail);
		__m512i v = _mm512_maskz_loadu_epi8(in, p + i);
		/* signed: bytes of 0x80 and up are below ' ' too */
		uint64_t ascii_bad = (_mm512_cmpeq_epi8_mask(v, quote) |
				      _mm512_cmpeq_epi8_mask(v, bslash) |
				      _mm512_cmplt_epi8_mask(v, space)) &
				     in;
		unsigned k = (unsigned)avail;
		if (ascii_bad) {
			uint64_t high = _mm512_movepi8_mask(v) & in;
			uint64_t c = _mm512_cmplt_epi8_mask(v, c0) & in;
			uint64_t l = _mm512_cmpgt_epi8_mask(v, e2) &
				     _mm512_cmplt_epi8_mask(v, f0) &
				     ~_mm512_cmpeq_epi8_mask(v, ed) & in;
			uint64_t wrong = (ascii_bad & ~high) |
					 (high & ~(l | c)) |
					 ((c ^ (l << 1 | l << 2)) & in);
			if (wrong)
				k = (unsigned)__builtin_ctzll(wrong);
			/* a lead whose character is not all before k waits */
			if (k >= 1 && (l >> (k - 1) & 1))
				k -= 1;
			else if (k >= 2 && (l >> (k - 2) & 1))
				k -= 2;
		}
		_mm512_mask_storeu_epi8(d, _bzhi_u64(~0ULL, k), v);
		d += k;
		i += k;
		if (k < avail)
			i = put_char(p, i, n, &d);
	}
	return d;
}
#endif

/* Writes s[0..n) as a JSON string; room for ESCAPED_MAX * n + 2 bytes
 * is reserved, and sixteen more (see lg_record_json_write). */
static char *put_string_loop(char *d, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	*d++ = '"';
#if LG_AVX2_PATH
	if (lg_cpu() & LG_CPU_AVX512) {
		d = put_string_avx512(d, p, n);
		*d++ = '"';
		return d;
	}
	bool avx2 = n >= 32 && (lg_cpu() & LG_CPU_AVX2);
#endif
	while (i < n) {
#if LG_AVX2_PATH
		if (avx2 && n - i >= 32) {
			unsigned k = plain_prefix32(p + i, d);
			d += k;
			i += k;
			if (k < 32)
				i = put_char(p, i, n, &d);
			continue;
		}
#endif
#if defined(__SSE2__)
		/* sixteen bytes at a time, stored whole; the string's last
		 * few through a copy, never read past its end */
		size_t left = n - i;
		__m128i v;
		if (left >= 16)
			v = _mm_loadu_si128((const __m128i *)(p + i));
		else
			v = load_tail(p + i, left);
		unsigned k = plain_prefix(v, left < 16 ? (unsigned)left : 16);
		_mm_storeu_si128((__m128i *)d, v);
		d += k;
		i += k;
		if (k < 16 && i < n)
			i = put_char(p, i, n, &d);
#else
		while (i < n && plain_ascii(p[i]))
			*d++ = (char)p[i++];
		if (i < n)
			i = put_char(p, i, n, &d);
#endif
	}
	*d++ = '"';
	return d;
}

/* put_string_loop, with short plain ASCII strings (a record's type and
 * tier, most paths and masks) written in line: a call cost about as much
 * as the writing. */
static inline __attribute__((always_inline)) char *
put_string(char *d, const char *s, size_t n)
{
#if defined(__SSE2__)
	if (n < 16) {
		__m128i v = load_tail((const uint8_t *)s, n);
		if (!(not_plain(v) & ((1u << n) - 1))) {
			d[0] = '"';
			_mm_storeu_si128((__m128i *)(d + 1), v);
			d[n + 1] = '"';
			return d + n + 2;
		}
	}
#endif
	return put_string_loop(d, s, n);
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The eight decimal digits of v < 10^8 (leading zeros too) as the bytes
 * of a word, the first digit in the lowest byte, each 0..9 (not ASCII):
 * split into halves, pairs and digits in all lanes at once, dividing by
 * multiplying (exact for the lanes' ranges: below 10^4, then 100). */
static inline uint64_t digits8(uint64_t v)
{
	uint64_t y = v / 10000 | (v % 10000) << 32;
	uint64_t z = (y * 10486 >> 20) & 0x0000007F0000007FULL;
	y = z | (y - z * 100) << 16;
	z = (y * 103 >> 10) & 0x000F000F000F000FULL;
	return z | (y - z * 10) << 8;
}

/* Writes 10 <= v < 10^8 in decimal: digits8's word without its leading
 * zeros, stored whole (eight bytes). */
static inline char *put_below_1e8(char *d, uint64_t v)
{
	uint64_t w = digits8(v);
	unsigned zeros = (unsigned)__builtin_ctzll(w) & ~7u; /* v >= 10 */
	w = (w + 0x3030303030303030ULL) >> zeros;
	memcpy(d, &w, 8);
	return d + 8 - zeros / 8;
}

/* Eight digits of v < 10^8, leading zeros too. */
static inline char *put_8_digits(char *d, uint64_t v)
{
	uint64_t w = digits8(v) + 0x3030303030303030ULL;
	memcpy(d, &w, 8);
	return d + 8;
}

/* Writes v in decimal, eight digits a step (digits8); stores may pass the
 * number's end by seven bytes, inside the room reserved for twenty
 * digits a number. One and two digits (most columns and lengths) go
 * straight. */
static inline __attribute__((always_inline)) char *put_u64(char *d, uint64_t v)
{
	if (v < 10) {
		*d = (char)('0' + v);
		return d + 1;
	}
	if (v < 100) {
		d[0] = (char)('0' + v / 10);
		d[1] = (char)('0' + v % 10);
		return d + 2;
	}
	if (v < 100000000)
		return put_below_1e8(d, v);
	uint64_t hi = v / 100000000, top = hi;
	if (hi >= 100000000) /* twenty digits at most: top < 1845 */
		top = hi / 100000000;
	if (top < 10)
		*d++ = (char)('0' + top);
	else
		d = put_below_1e8(d, top);
	if (top != hi)
		d = put_8_digits(d, hi % 100000000);
	return put_8_digits(d, v % 100000000);
}
#else
/* Decimal digits of v: from its highest bit (a guess one short at most),
 * then one compare. */
static unsigned decimal_len(uint64_t v)
{
	static const uint64_t tens[20] = {1ULL,
					  10ULL,
					  100ULL,
					  1000ULL,
					  10000ULL,
					  100000ULL,
					  1000000ULL,
					  10000000ULL,
					  100000000ULL,
					  1000000000ULL,
					  10000000000ULL,
					  100000000000ULL,
					  1000000000000ULL,
					  10000000000000ULL,
					  100000000000000ULL,
					  1000000000000000ULL,
					  10000000000000000ULL,
					  100000000000000000ULL,
					  1000000000000000000ULL,
					  10000000000000000000ULL};
	/* bits * 1233 / 4096 is floor(bits * log10(2)) for bits <= 64 */
	unsigned bits = 64u - (unsigned)__builtin_clzll(v | 1);
	unsigned n = bits * 1233u >> 12;
	return n + ((v | 1) >= tens[n]); /* 0 has a digit too */
}

/* Writes v in decimal, two digits at a time from the last, in place. */
static inline char *put_u64(char *d, uint64_t v)
{
	static const char pairs[] = "00010203040506070809"
				    "10111213141516171819"
				    "20212223242526272829"
				    "30313233343536373839"
				    "40414243444546474849"
				    "50515253545556575859"
				    "60616263646566676869"
				    "70717273747576777879"
				    "80818283848586878889"
				    "90919293949596979899";
	char *end = d + decimal_len(v), *o = end;
	while (v > UINT32_MAX) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		o -= 2;
		o[0] = pairs[k];
		o[1] = pairs[k + 1];
	}
	/* the rest (all of a line, column or offset below 4 GiB) in 32-bit
	 * arithmetic: fewer instructions a division */
	uint32_t x = (uint32_t)v;
	while (x >= 100) {
		uint32_t q = x / 100;
		unsigned k = (x - q * 100) * 2;
		x = q;
		o -= 2;
		o[0] = pairs[k];
		o[1] = pairs[k + 1];
	}
	if (x >= 10) {
		o[-2] = pairs[x * 2];
		o[-1] = pairs[x * 2 + 1];
	} else {
		o[-1] = (char)('0' + x);
	}
	return end;
}

#endif

char *lg_put_u64(char *d, uint64_t v)
{
	return put_u64(d, v);
}

/* The confidence to two decimals, as a JSON library writes the double:
 * 0.9, not 0.90. */
static char *put_confidence(char *d, double confidence)
{
	unsigned hundredths = (unsigned)(confidence * 100 + 0.5);
	d[0] = (char)('0' + hundredths / 100 % 10);
	d[1] = '.';
	d[2] = (char)('0' + hundredths / 10 % 10);
	d[3] = (char)('0' + hundredths % 10);
	return d + (d[3] == '0' ? 3 : 4);
}

bool lg_json_put_string(lg_buf *b, const char *s)
{
	size_t n = strlen(s);
	/* put_string's last sixteen-byte store may reach past the quote */
	if (!lg_buf_reserve(b, ESCAPED_MAX * n + 2 + 16))
		return false;
	char *d = put_string(b->data + b->len, s, n);
	b->len = (size_t)(d - b->data);
	b->data[b->len] = '\0';
	return true;
}

bool lg_record_json_write(lg_buf *b, const lg_record *r)
{
	return lg_record_json_line(b, r, false);
}

bool lg_record_json_line(lg_buf *b, const lg_record *r, bool newline)
{
	size_t lp = strlen(r->path),
	       lt = r->type_len ? r->type_len : strlen(r->type),
	       lr = r->tier_len ? r->tier_len : strlen(r->tier),
	       lm = r->masked_len ? r->masked_len : strlen(r->masked),
	       lc = r->context_len ? r->context_len : strlen(r->context),
	       lv = !r->value	   ? 0
		    : r->value_len ? r->value_len
				   : strlen(r->value);
	/* the keys, punctuation and numbers take less than 256 - 16 bytes:
	 * put_string's last sixteen-byte store stays inside */
	size_t text = lp + lt + lr + lm + lc + lv;
	size_t need = 256 + ESCAPED_MAX * text;
	/* the room is there but when the batch grows: no call */
	if (need >= b->cap - b->len && !lg_buf_reserve(b, need))
		return false;
	char *d = b->data + b->len;
	d = PUT_LIT(d, "{\"path\":");
	d = put_string(d, r->path, lp);
	d = PUT_LIT(d, ",\"type\":");
	d = put_string(d, r->type, lt);
	d = PUT_LIT(d, ",\"confidence\":");
	d = put_confidence(d, r->confidence);
	d = PUT_LIT(d, ",\"tier\":");
	d = put_string(d, r->tier, lr);
	d = PUT_LIT(d, ",\"line\":");
	d = put_u64(d, r->line);
	d = PUT_LIT(d, ",\"column\":");
	d = put_u64(d, r->column);
	d = PUT_LIT(d, ",\"offset\":");
	d = put_u64(d, r->offset);
	d = PUT_LIT(d, ",\"length\":");
	d = put_u64(d, r->length);
	d = PUT_LIT(d, ",\"masked\":");
	d = put_string(d, r->masked, lm);
	d = PUT_LIT(d, ",\"context\":");
	d = put_string(d, r->context, lc);
	if (r->value) {
		d = PUT_LIT(d, ",\"value\":");
		d = put_string(d, r->value, lv);
	}
	*d++ = '}';
	if (newline)
		*d++ = '\n';
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return true;
}

/* A file's records line, as jansson wrote it (compact, keys in order):
 * path, kind, the rows and people, the non-zero type counts, and
 * "capped" only when set. */
bool lg_records_json_line(lg_buf *b, const lg_file_records *r)
{
	size_t text = strlen(r->path);
	for (unsigned i = 0; i < r->ntypes; i++)
		text += strlen(r->type_ids[i]) + 24; /* quotes, colon, count */
	size_t need = 256 + ESCAPED_MAX * text;
	if (need >= b->cap - b->len && !lg_buf_reserve(b, need))
		return false;
	char *d = b->data + b->len;
	d = PUT_LIT(d, "{\"path\":");
	d = put_string(d, r->path, strlen(r->path));
	d = PUT_LIT(d, ",\"kind\":\"records\",\"rows_with_pii\":");
	d = put_u64(d, r->rows);
	d = PUT_LIT(d, ",\"people\":");
	d = put_u64(d, r->people);
	d = PUT_LIT(d, ",\"types\":{");
	bool first = true;
	for (unsigned i = 0; i < r->ntypes; i++) {
		if (!r->type_counts[i])
			continue;
		if (!first)
			*d++ = ',';
		first = false;
		d = put_string(d, r->type_ids[i], strlen(r->type_ids[i]));
		*d++ = ':';
		d = put_u64(d, r->type_counts[i]);
	}
	*d++ = '}';
	if (r->capped)
		d = PUT_LIT(d, ",\"capped\":true");
	d = PUT_LIT(d, "}\n");
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return true;
}
