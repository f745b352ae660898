/* jsonrec.c: writes one record as a JSON object straight into a buffer.
 * A scan can emit millions of findings; building a jansson tree for each
 * cost more than finding them. Strings are escaped per RFC 8259; invalid
 * UTF-8 (a file name, say) becomes U+FFFD so the line stays valid JSON.
 *
 * The record's room is reserved once (no string grows more than six
 * times when escaped) and written through a pointer; runs of bytes that
 * need no escaping are found sixteen at a time. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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
#endif

/* Copies the bytes from i on that JSON takes as they are (printable
 * ASCII but '"' and '\\') to *d, sixteen at a time, and returns where
 * they end. Strings of sixteen bytes or more only; the last block is
 * read where the string ends, over bytes already written. May store up
 * to sixteen bytes past what it copies, which the reserve allows. */
static size_t plain_ascii_blocks(const uint8_t *p, size_t i, size_t n, char **d)
{
#if defined(__SSE2__)
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned m = not_plain(v);
		_mm_storeu_si128((__m128i *)*d, v);
		if (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			*d += k;
			return i + k;
		}
		*d += 16;
		i += 16;
	}
	if (i < n && n >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + n - 16));
		unsigned m = not_plain(v) >> (i - (n - 16));
		size_t k = m ? (size_t)__builtin_ctz(m) : n - i;
		memcpy(*d, p + i, k);
		*d += k;
		return i + k;
	}
#else
	(void)p;
	(void)n;
	(void)d;
#endif
	return i;
}

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

/* Printable ASCII but '"' and '\\': what JSON takes as it is. */
static const uint8_t json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: '"' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
};

static bool plain_ascii(uint8_t c)
{
	return json_plain[c];
}

/* Writes s[0..n) as a JSON string; room for ESCAPED_MAX * n + 2 bytes
 * is reserved. */
static char *put_string(char *d, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	*d++ = '"';
	while (i < n) {
		i = plain_ascii_blocks(p, i, n, &d);
		while (i < n && plain_ascii(p[i]))
			*d++ = (char)p[i++];
		while (i < n && !plain_ascii(p[i]))
			i = put_char(p, i, n, &d);
	}
	*d++ = '"';
	return d;
}

/* Writes v in decimal, two digits at a time. */
static char *put_u64(char *d, uint64_t v)
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
	char digits[20];
	size_t n = sizeof(digits);
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		n -= 2;
		digits[n] = pairs[k];
		digits[n + 1] = pairs[k + 1];
	}
	if (v >= 10) {
		n -= 2;
		digits[n] = pairs[v * 2];
		digits[n + 1] = pairs[v * 2 + 1];
	} else {
		digits[--n] = (char)('0' + v);
	}
	memcpy(d, digits + n, sizeof(digits) - n);
	return d + sizeof(digits) - n;
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

bool lg_record_json_write(lg_buf *b, const lg_record *r)
{
	size_t lp = strlen(r->path), lt = strlen(r->type), lr = strlen(r->tier),
	       lm = strlen(r->masked), lc = strlen(r->context),
	       lv = r->value ? strlen(r->value) : 0;
	/* the keys, punctuation and numbers take less than 256 bytes */
	size_t text = lp + lt + lr + lm + lc + lv;
	if (!lg_buf_reserve(b, 256 + ESCAPED_MAX * text))
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
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return true;
}
