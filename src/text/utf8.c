/* utf8.c: UTF-8 validation and decoding, and the ASCII fold for matching. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "leakguard/text.h"
#include "text_int.h"

/* Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
static size_t utf8_seq_len(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* RFC 3629 table 3-7: the second byte's range depends on the lead byte. */
static bool utf8_second_ok(uint8_t lead, uint8_t b)
{
	switch (lead) {
	case 0xE0:
		return b >= 0xA0 && b <= 0xBF;
	case 0xED:
		return b >= 0x80 && b <= 0x9F; /* no surrogates */
	case 0xF0:
		return b >= 0x90 && b <= 0xBF;
	case 0xF4:
		return b >= 0x80 && b <= 0x8F;
	default:
		return b >= 0x80 && b <= 0xBF;
	}
}

/* Returns the sequence length at p when valid, 0 when invalid; *cut is set
 * when the sequence is valid so far but runs past the end. */
static size_t utf8_check(const uint8_t *p, size_t n, bool *cut)
{
	size_t len = utf8_seq_len(p[0]);
	*cut = false;
	if (len <= 1)
		return len;
	for (size_t k = 1; k < len; k++) {
		if (k >= n) {
			*cut = true;
			return 0;
		}
		bool ok =
		    k == 1 ? utf8_second_ok(p[0], p[1]) : (p[k] & 0xC0) == 0x80;
		if (!ok)
			return 0;
	}
	return len;
}

size_t lg_utf8_valid_prefix(const uint8_t *p, size_t n, size_t *incomplete)
{
	size_t i = lg_utf8_valid_blocks(p, n);
	*incomplete = 0;
	while (i < n) {
		/* ASCII fast path, eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* kana and most kanji: E1-EC or EE-EF and two continuation
		 * bytes, the common case of Japanese text */
		if (lg_utf8_common3(p + i, n - i)) {
			i += 3;
			continue;
		}
		bool cut;
		size_t len = utf8_check(p + i, n - i, &cut);
		if (len == 0) {
			if (cut)
				*incomplete = n - i;
			return i;
		}
		i += len;
	}
	return i;
}

size_t lg_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (lg_utf8_common3(p, n)) {
		*cp = ((uint32_t)(p[0] & 0x0F) << 12) |
		      ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	}
	bool cut;
	size_t len = utf8_check(p, n, &cut);
	switch (len) {
	case 1:
		*cp = p[0];
		return 1;
	case 2:
		*cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	case 3:
		*cp = ((uint32_t)(p[0] & 0x0F) << 12) |
		      ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	case 4:
		*cp = ((uint32_t)(p[0] & 0x07) << 18) |
		      ((uint32_t)(p[1] & 0x3F) << 12) |
		      ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		return 4;
	default:
		*cp = 0xFFFD;
		return 1;
	}
}

/* The hyphen look-alikes geolonia's address normaliser folds (18 with '-'
 * itself); NFKC leaves most of them alone, so they are listed here. */
static bool is_hyphen_lookalike(uint32_t cp)
{
	switch (cp) {
	case 0xFF0D:
	case 0xFE63:
	case 0x2212:
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x2043:
	case 0xFE58:
	case 0x23AF:
	case 0x23E4:
	case 0x30FC:
	case 0xFF70:
	case 0x2500:
	case 0x2501:
		return true;
	default:
		return false;
	}
}

int lg_fold_ascii(uint32_t cp)
{
	if (cp < 0x80)
		return (int)cp;
	if (cp >= 0xFF01 && cp <= 0xFF5E && cp != 0xFF0D)
		return (int)(cp - 0xFF01 + 0x21); /* full-width ASCII block */
	if (cp == 0x3000)
		return ' ';
	if (is_hyphen_lookalike(cp))
		return '-';
	return -1;
}

static bool ascii8(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return !(w & 0x8080808080808080ULL);
}

/* The two characters of the E3 lead byte that fold: 　 (U+3000) and ー
 * (U+30FC). */
static bool e3_folds(const uint8_t *p)
{
	return p[0] == 0xE3 && ((p[1] == 0x80 && p[2] == 0x80) ||
				(p[1] == 0x83 && p[2] == 0xBC));
}

#if defined(__SSE2__)
/* Of the sixteen bytes at p (18 readable), those that start E2.., EF..,
 * E3 80 80 or E3 83 BC: the kana (E3 81.., E3 82.., most of E3 83..) are
 * passed over, as of E3's characters only 　 and ー fold. */
static unsigned fold_lead_bits(const uint8_t *p)
{
	const __m128i e2 = _mm_set1_epi8((char)0xE2),
		      e3 = _mm_set1_epi8((char)0xE3),
		      ef = _mm_set1_epi8((char)0xEF),
		      x80 = _mm_set1_epi8((char)0x80),
		      x83 = _mm_set1_epi8((char)0x83),
		      xbc = _mm_set1_epi8((char)0xBC);
	__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
	__m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
	__m128i space =
	    _mm_and_si128(_mm_cmpeq_epi8(v1, x80), _mm_cmpeq_epi8(v2, x80));
	__m128i bar =
	    _mm_and_si128(_mm_cmpeq_epi8(v1, x83), _mm_cmpeq_epi8(v2, xbc));
	__m128i m = _mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(v0, e2), _mm_cmpeq_epi8(v0, ef)),
	    _mm_and_si128(_mm_cmpeq_epi8(v0, e3), _mm_or_si128(space, bar)));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Whether s[0..n) is all ASCII, told eight bytes at a time (the last
 * word overlapping the one before; four bytes twice below eight): most
 * texts to fold are (e-mail addresses, phone numbers, postal codes,
 * dates), and a byte at a time, or the search for what folds, cost more
 * than this check. False below four bytes. */
static bool all_ascii(const uint8_t *s, size_t n)
{
	const uint64_t high = 0x8080808080808080u;
	if (n < 4)
		return false;
	if (n < 8) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return !((a | b) & (uint32_t)high);
	}
	uint64_t w;
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & high)
			return false;
	}
	memcpy(&w, s + n - 8, 8);
	return !(w & high);
}

/* The first byte at or after i where a character that folds may start
 * (three bytes from the end or more); n when none. Every character with an
 * ASCII stand-in past ASCII is three bytes long and starts with E2, E3 or
 * EF; fold3 has the last word. */
static size_t next_fold_lead(const uint8_t *s, size_t n, size_t i)
{
#if defined(__SSE2__)
	for (; i + 18 <= n; i += 16) {
		unsigned bits = fold_lead_bits(s + i);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
	if (i + 3 > n)
		return n;
	if (n >= 18) { /* the last step again, less what was looked at */
		size_t b = n - 18;
		unsigned bits = fold_lead_bits(s + b) >> (i - b);
		return bits ? i + (size_t)__builtin_ctz(bits) : n;
	}
	/* a short text (a phone number, a postal code): byte by byte */
#endif
	while (i + 3 <= n && (uint8_t)(s[i] - 0xE2) > 1 && s[i] != 0xEF)
		i++;
	return i + 3 <= n ? i : n;
}

/* The ASCII stand-in of the character at p, whose lead next_fold_lead
 * found; -1 when it has none or is not a valid three-byte character
 * (which the fold copies a byte at a time). */
static int fold3(const uint8_t *p, size_t n)
{
	if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return -1;
	if (p[0] == 0xE3 && !e3_folds(p))
		return -1; /* kana: the common case of Japanese text */
	uint32_t cp = ((uint32_t)(p[0] & 0x0F) << 12) |
		      ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	return lg_fold_ascii(cp);
}

/* lg_fold without a map, of a text shorter than cap (so never cut): the
 * bytes between the characters that fold are copied a stretch at a
 * time. */
static size_t fold_short(const uint8_t *s, size_t n, char *out)
{
	size_t o = 0, seg = 0, i = 0;
	if (all_ascii(s, n)) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	while ((i = next_fold_lead(s, n, i)) < n) {
		int a = fold3(s + i, n - i);
		if (a < 0) {
			i++;
			continue;
		}
		memcpy(out + o, s + seg, i - seg);
		o += i - seg;
		out[o++] = (char)a;
		i += 3;
		seg = i;
	}
	memcpy(out + o, s + seg, n - seg);
	o += n - seg;
	out[o] = '\0';
	return o;
}

/* lg_fold with a map, or of a text it may cut: apart from the common
 * case, whose call it made cost more (its registers kept and restored). */
static __attribute__((noinline)) size_t
fold_mapped(const uint8_t *s, size_t n, char *out, uint32_t *map, size_t cap)
{
	size_t o = 0, i = 0;
	while (i < n) {
		/* ASCII, and the three-byte characters no fold touches (all
		 * but the E2 and EF ones, the ideographic space E3 80 80 and
		 * the long vowel mark E3 83 BC), are copied as they are */
		if (i + 8 <= n && o + 8 < cap && ascii8(s + i)) {
			memcpy(out + o, s + i, 8);
			if (map) {
				for (unsigned k = 0; k < 8; k++)
					map[o + k] = (uint32_t)(i + k);
			}
			o += 8;
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			if (o + 1 >= cap)
				break;
			out[o] = (char)s[i];
			if (map)
				map[o] = (uint32_t)i;
			o++;
			i++;
			continue;
		}
		if (s[i] != 0xE2 && s[i] != 0xEF &&
		    lg_utf8_common3(s + i, n - i) && !e3_folds(s + i)) {
			if (o + 3 >= cap)
				break;
			memcpy(out + o, s + i, 3);
			if (map)
				map[o] = map[o + 1] = map[o + 2] = (uint32_t)i;
			o += 3;
			i += 3;
			continue;
		}
		uint32_t cp;
		size_t len = lg_utf8_decode(s + i, n - i, &cp);
		int a = lg_fold_ascii(cp);
		size_t outlen = a >= 0 ? 1 : len;
		if (o + outlen >= cap)
			break;
		for (size_t k = 0; k < outlen; k++) {
			out[o + k] = a >= 0 ? (char)a : (char)s[i + k];
			if (map)
				map[o + k] = (uint32_t)i;
		}
		o += outlen;
		i += len;
	}
	out[o] = '\0';
	if (map)
		map[o] = (uint32_t)i; /* one past the last folded character */
	return o;
}

size_t lg_fold(const uint8_t *s, size_t n, char *out, uint32_t *map, size_t cap)
{
	if (cap == 0)
		return 0;
	if (!map && n < cap)
		return fold_short(s, n, out);
	return fold_mapped(s, n, out, map, cap);
}

/* Where the character at r starts: r itself, or the lead byte of a valid
 * sequence r is a continuation byte of (a stray continuation byte is a
 * character of its own, as lg_utf8_decode reads it). */
static size_t char_start(const uint8_t *s, size_t n, size_t r)
{
	size_t l = r;
	while (l > 0 && r - l < 3 && (s[l] & 0xC0) == 0x80)
		l--;
	if ((s[l] & 0xC0) == 0x80 || l == r)
		return r;
	uint32_t cp;
	return lg_utf8_decode(s + l, n - l, &cp) > r - l ? l : r;
}

size_t lg_fold_offset(const uint8_t *s, size_t n, size_t folded, size_t o)
{
	if (o == 0)
		return 0; /* the first character's */
	if (folded == n)  /* nothing folded, nothing cut */
		return o >= n ? n : char_start(s, n, o);
	/* delta: raw bytes less folded bytes before the character looked
	 * at; only the characters that fold (three bytes to one) add to it */
	size_t delta = 0, i = 0;
	while ((i = next_fold_lead(s, n, i)) < n) {
		if (fold3(s + i, n - i) < 0) {
			i++;
			continue;
		}
		if (o <= i - delta)
			break; /* o is before this character, or its byte */
		delta += 2;
		i += 3;
	}
	size_t r = o + delta;
	return r >= n ? n : char_start(s, n, r);
}

void lg_utf8_tally_add(lg_utf8_tally *t, const uint8_t *p, size_t n, bool eof)
{
	/* what the sniff checked is not checked again (a small file is all
	 * sample) */
	size_t i = t->known_valid < n ? t->known_valid : n;
	t->known_valid -= i;
	/* the rest of a character the previous piece ended inside */
	while (t->ncarry > 0 && i < n && (p[i] & 0xC0) == 0x80 && i < 3)
		i++;
	t->ncarry = 0;
	while (i < n) {
		size_t incomplete;
		i += lg_utf8_valid_prefix(p + i, n - i, &incomplete);
		if (i >= n)
			break;
		if (incomplete && !eof) {
			t->ncarry = incomplete;
			break;
		}
		if (t->invalid++ == 0)
			t->first_invalid = t->consumed + i;
		i++;
	}
	t->consumed += n;
}

void lg_utf8_tally_skip(lg_utf8_tally *t, size_t n)
{
	t->known_valid = t->known_valid > n ? t->known_valid - n : 0;
	t->ncarry = 0;
	t->consumed += n;
}
