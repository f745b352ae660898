/* context.c: the masked snippet shown around a finding. Digits around it
 * are starred too, so the snippet never shows a neighbouring number, and
 * so are the other findings in it (the name beside a phone number).
 *
 * A dense text has a finding every few hundred bytes, and each is in the
 * snippets of its neighbours: masks are made once per candidate, and runs
 * of characters shown as they are are copied whole. */
#include <limits.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine_int.h"
#include "leakguard/text.h"

#define CONTEXT_CHARS 24

void lg_masks_reset(lg_detect_stream *s)
{
	s->mask_epoch = s->mask_epoch + 1 ? s->mask_epoch + 1 : 1;
	s->nmasks = 0;
}

const char *lg_mask_of(lg_detect_stream *s, candidate *c, size_t *len)
{
	if (c->mask_epoch != s->mask_epoch) {
		/* full: start over; masks made before are made again if
		 * asked for (their candidates' epoch is an old one) */
		if (s->nmasks + LG_VALUE_MAX > sizeof(s->masks))
			lg_masks_reset(s);
		size_t n = lg_mask_value(c->type, c->value,
					 s->masks + s->nmasks, LG_VALUE_MAX);
		c->mask_at = (uint32_t)s->nmasks;
		c->mask_len = (uint8_t)n;
		c->mask_epoch = s->mask_epoch;
		s->nmasks += n + 1;
	}
	*len = c->mask_len;
	return s->masks + c->mask_at;
}

typedef struct snippet_out {
	char *out;
	size_t o, cap;
} snippet_out;

/* Appends p[0..n) when it fits whole (with the NUL), else nothing. */
static void put_bytes(snippet_out *so, const void *p, size_t n)
{
	if (so->o + n < so->cap) {
		memcpy(so->out + so->o, p, n);
		so->o += n;
	}
}

static void put_masked_char(const uint8_t *p, size_t len, snippet_out *so)
{
	/* plain ASCII and ordinary multibyte characters need no decoding:
	 * only digits (full-width EF BC 90..99) and controls are changed */
	if (len == 1 && p[0] >= 0x20 && p[0] != 0x7F &&
	    !(p[0] >= '0' && p[0] <= '9')) {
		put_bytes(so, p, 1);
		return;
	}
	if (len == 3 && p[0] != 0xEF) {
		put_bytes(so, p, 3);
		return;
	}
	uint32_t cp;
	lg_utf8_decode(p, len, &cp);
	int a = lg_fold_ascii(cp);
	if (a >= '0' && a <= '9')
		put_bytes(so, "*", 1);
	else if (cp < 0x20 || cp == 0x7F || cp == 0xFFFD)
		put_bytes(so, " ", 1);
	else
		put_bytes(so, p, len);
}

/* How put_masked_char shows an ASCII byte: digits starred, controls as
 * spaces, the rest as it is; 0 for a newline (where the snippet ends)
 * and for bytes of 0x80 and up (not ASCII). One look-up a character in
 * the runs of put_run. */
static const char ascii_shown[256] = {
    ' ', ' ', ' ',  ' ', ' ', ' ', ' ', ' ', ' ', ' ',	0,   ' ', ' ', ' ', ' ',
    ' ', ' ', ' ',  ' ', ' ', ' ', ' ', ' ', ' ', ' ',	' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ',  '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',',
    '-', '.', '/',  '*', '*', '*', '*', '*', '*', '*',	'*', '*', '*', ':', ';',
    '<', '=', '>',  '?', '@', 'A', 'B', 'C', 'D', 'E',	'F', 'G', 'H', 'I', 'J',
    'K', 'L', 'M',  'N', 'O', 'P', 'Q', 'R', 'S', 'T',	'U', 'V', 'W', 'X', 'Y',
    'Z', '[', '\\', ']', '^', '_', '`', 'a', 'b', 'c',	'd', 'e', 'f', 'g', 'h',
    'i', 'j', 'k',  'l', 'm', 'n', 'o', 'p', 'q', 'r',	's', 't', 'u', 'v', 'w',
    'x', 'y', 'z',  '{', '|', '}', '~', ' ',
};

#if defined(__SSE2__)
/* How many of the first `avail` of the sixteen bytes at q (their
 * characters: *chars, at most `steps`) put_run writes without decoding,
 * as whole characters: ASCII but a newline, and the three-byte
 * characters led by E1..EE but ED (kana and kanji; EF's full-width digits
 * and U+FFFD are changed, so they go one by one). Their shown form
 * (digits starred, controls as spaces, the rest as it is) in *shown. */
static unsigned text_block(const uint8_t *q, unsigned avail, int steps,
			   unsigned *chars, __m128i *shown)
{
	__m128i v = _mm_loadu_si128((const __m128i *)q);
	unsigned high = (unsigned)_mm_movemask_epi8(v);
	unsigned nl =
	    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
	if (!(high & ((1u << avail) - 1))) { /* ASCII: a byte a character */
		unsigned t = (unsigned)__builtin_ctz(nl | 1u << avail);
		*chars = t = t < (unsigned)steps ? t : (unsigned)steps;
		avail = t;
	} else {
		/* signed: continuations are -128..-65, the leads -31..-18 */
		__m128i cont = _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xC0));
		__m128i lead = _mm_andnot_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xED)),
		    _mm_and_si128(
			_mm_cmpgt_epi8(v, _mm_set1_epi8((char)0xE0)),
			_mm_cmplt_epi8(v, _mm_set1_epi8((char)0xEF))));
		unsigned l = (unsigned)_mm_movemask_epi8(lead);
		unsigned c = (unsigned)_mm_movemask_epi8(cont);
		unsigned wrong = nl | (high & ~(l | c)) |
				 ((c ^ (l << 1 | l << 2)) & 0xFFFFu);
		unsigned k = (unsigned)__builtin_ctz(wrong | 1u << avail);
		/* a character the block's end or a wrong byte cuts waits */
		if (k >= 1 && (l >> (k - 1) & 1))
			k--;
		else if (k >= 2 && (l >> (k - 2) & 1))
			k -= 2;
		unsigned starts = (~high | l) & ((1u << k) - 1);
		unsigned n = lg_pop16(starts);
		if (n > (unsigned)steps) { /* to character steps + 1 */
			for (int i = 0; i < steps; i++)
				starts &= starts - 1;
			k = (unsigned)__builtin_ctz(starts);
			n = (unsigned)steps;
		}
		*chars = n;
		avail = k;
	}
	/* (v - '0') <= 9 unsigned: a digit; v <= 0x1F unsigned or DEL: a
	 * control (the bytes of 0x80 and up are neither) */
	__m128i d0 = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	__m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d0, _mm_set1_epi8(9)), d0);
	__m128i ctl = _mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
	v = _mm_or_si128(_mm_andnot_si128(digit, v),
			 _mm_and_si128(digit, _mm_set1_epi8('*')));
	v = _mm_or_si128(_mm_andnot_si128(ctl, v),
			 _mm_and_si128(ctl, _mm_set1_epi8(' ')));
	*shown = v;
	return avail;
}
#endif

/* Writes the characters from win[p] on as put_masked_char would, up to
 * stop (where characters start), lim (where they end) and *steps of them
 * (counted down), without decoding: ASCII and the three-byte characters
 * of E1..EF (not ED). Stops before a newline and before any other
 * character. None is more bytes out than in, and the caller has checked
 * that lim - p more bytes fit. Returns where it stopped. Sixteen bytes
 * at a time (text_block) where sixteen can be read (before stop) and
 * stored (before the end of out; only the used part counts). */
static uint32_t put_run(const uint8_t *win, uint32_t p, uint32_t stop,
			uint32_t lim, int *steps, snippet_out *so)
{
	char *d = so->out + so->o;
	int k = *steps;
	while (p < stop && k > 0) {
		const uint8_t *q = win + p;
#if defined(__SSE2__)
		if (stop - p >= 16 && (size_t)(d - so->out) + 16 <= so->cap) {
			__m128i shown;
			unsigned chars,
			    t = text_block(q, 16, k, &chars, &shown);
			if (t > 0) {
				_mm_storeu_si128((__m128i *)d, shown);
				d += t;
				p += t;
				k -= (int)chars;
				continue;
			}
		}
#endif
		char shown = ascii_shown[q[0]];
		if (shown) {
			*d++ = shown;
			p++;
		} else if (q[0] == '\n') {
			break;
		} else if (lg_utf8_common3(q, lim - p)) {
			if (q[0] == 0xEF && q[1] == 0xBC && q[2] >= 0x90 &&
			    q[2] <= 0x99) {
				*d++ = '*'; /* a full-width digit */
			} else if (q[0] == 0xEF && q[1] == 0xBF &&
				   q[2] == 0xBD) {
				*d++ = ' '; /* U+FFFD */
			} else {
				memcpy(d, q, 3);
				d += 3;
			}
			p += 3;
		} else {
			break;
		}
		k--;
	}
	*steps = k;
	so->o = (size_t)(d - so->out);
	return p;
}

typedef struct snippet_walk {
	const lg_snippet_others *x;
	size_t k;     /* the other finding at or after the walk */
	size_t shown; /* the one last written, + 1 (0: none) */
} snippet_walk;

/* Whether offset p lies in one of the other findings, which are sorted
 * and do not overlap; sw->k walks forward with p. */
static bool in_other(snippet_walk *sw, uint32_t p)
{
	const lg_snippet_others *x = sw->x;
	while (sw->k < x->n && x->c[sw->k].to <= p)
		sw->k++;
	return sw->k < x->n && x->c[sw->k].from <= p;
}

/* Where the next other finding starts (lim when none before it); after
 * in_other said false at the walk's offset. */
static uint32_t next_other(const snippet_walk *sw, uint32_t lim)
{
	const lg_snippet_others *x = sw->x;
	if (sw->k < x->n && x->c[sw->k].from < lim)
		return x->c[sw->k].from;
	return lim;
}

/* Appends candidate c's mask. Kept masks are read sixteen bytes at a
 * time: each starts at least LG_VALUE_MAX bytes before the end of
 * s->masks (lg_mask_of) and is shorter. */
static void put_mask(snippet_out *so, lg_detect_stream *s, candidate *c)
{
	size_t n;
	if (c->mask_epoch != s->mask_epoch)
		lg_mask_of(s, c, &n); /* made and kept */
	const char *m = s->masks + c->mask_at;
	n = c->mask_len;
#if defined(__SSE2__)
	_Static_assert(LG_VALUE_MAX % 16 == 0, "blocks end inside the room");
	if (so->o + n + 16 < so->cap) {
		for (size_t i = 0; i < n; i += 16)
			_mm_storeu_si128(
			    (__m128i *)(so->out + so->o + i),
			    _mm_loadu_si128((const __m128i *)(m + i)));
		so->o += n;
		return;
	}
#endif
	put_bytes(so, m, n);
}

/* Writes what is at win[at] (not past lim) and returns where the walk
 * goes on: inside another finding, its mask once and that finding's end;
 * else a run of plain characters (up to *steps of them) or one character
 * decoded. Inlined in walk: it runs five times a snippet in dense text,
 * and the calls alone were a twentieth of the snippet's cost. */
static inline __attribute__((always_inline)) uint32_t
put_at(const uint8_t *win, uint32_t at, uint32_t lim, snippet_walk *sw,
       int *steps, snippet_out *so)
{
	if (in_other(sw, at)) {
		candidate *c = &sw->x->c[sw->k];
		if (sw->shown != sw->k + 1) {
			put_mask(so, sw->x->s, c);
			sw->shown = sw->k + 1;
		}
		(*steps)--;
		return c->to < lim ? c->to : lim;
	}
	/* all that put_run can take fits (up to the next other finding, the
	 * last character past its start; three bytes a character at most):
	 * no checks one by one */
	uint32_t stop = next_other(sw, lim);
	uint64_t end = lim - stop > 2 ? stop + 2 : lim;
	if (end - at > (uint64_t)*steps * 3)
		end = at + (uint64_t)*steps * 3;
	if (so->o + (end - at) < so->cap) {
		uint32_t q = put_run(win, at, stop, lim, steps, so);
		if (q > at)
			return q;
	}
	uint32_t cp;
	size_t l = lg_utf8_decode(win + at, lim - at, &cp);
	put_masked_char(win + at, l, so);
	(*steps)--;
	return at + (uint32_t)l;
}

/* Writes win[at..lim) as the snippet shows it, up to *steps characters
 * (another finding is one) and, when to_newline, up to a newline. One
 * loop for both sides, so that put_at is inlined in it. */
static void walk(const uint8_t *win, uint32_t at, uint32_t lim, bool to_newline,
		 int *steps, snippet_walk *sw, snippet_out *so)
{
	while (*steps > 0 && at < lim) {
		if (to_newline && win[at] == '\n')
			break;
		at = put_at(win, at, lim, sw, steps, so);
	}
}

/* Where the snippet starts: CONTEXT_CHARS steps back from `from`, each
 * to the nearest byte before that is not a continuation (10xxxxxx); the
 * walk stops where the byte before is a newline. */
static uint32_t snippet_start(const uint8_t *win, uint32_t from)
{
	uint32_t b = from;
	int k = CONTEXT_CHARS;
#if defined(__SSE2__)
	/* sixteen bytes below b at a time: the steps land on the block's
	 * character starts, highest first, and the walk stops on one whose
	 * byte before is a newline */
	while (b >= 16 && k > 0 && win[b - 1] != '\n') {
		__m128i v = _mm_loadu_si128((const __m128i *)(win + b - 16));
		unsigned starts = ~(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
				      v, _mm_set1_epi8((char)0xC0))) &
				  0xFFFF; /* signed: 80..BF are below C0 */
		if (!starts)
			break; /* continuations only: the walk below */
		unsigned after_nl = (unsigned)_mm_movemask_epi8(
					_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')))
				    << 1;
		if (b > 16 && win[b - 17] == '\n')
			after_nl |= 1;
		unsigned stops = starts & after_nl;
		if (stops) /* no landing below the highest stop */
			starts &= ~0u << (31 - __builtin_clz(stops));
		int c = (int)lg_pop16(starts);
		if (c >= k) {
			for (int drop = c - k; drop > 0; drop--)
				starts &= starts - 1; /* the lowest c - k */
			return b - 16 + (uint32_t)__builtin_ctz(starts);
		}
		b = b - 16 + (uint32_t)__builtin_ctz(starts);
		if (stops)
			return b;
		k -= c;
	}
#endif
	for (; k > 0 && b > 0 && win[b - 1] != '\n'; k--) {
		b--;
		while (b > 0 && (win[b] & 0xC0) == 0x80)
			b--;
	}
	return b;
}

size_t lg_context_snippet(const uint8_t *win, size_t len, uint32_t from,
			  uint32_t to, const char *masked, size_t mlen,
			  const lg_snippet_others *x, char *out, size_t cap)
{
	snippet_out so = {out, 0, cap};
	snippet_walk sw = {x, 0, 0};
	uint32_t b = snippet_start(win, from);
	int any = INT_MAX; /* before the item: up to it, however many */
	walk(win, b, from, false, &any, &sw, &so);
	put_bytes(&so, masked, mlen);
	int steps = CONTEXT_CHARS;
	walk(win, to, (uint32_t)len, true, &steps, &sw, &so);
	/* trim trailing spaces (CR of CRLF lines) */
	while (so.o > 0 && out[so.o - 1] == ' ')
		so.o--;
	out[so.o] = '\0';
	return so.o;
}
