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
		size_t n = lg_mask_value_n(c->type, c->value, c->value_len,
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
static inline __attribute__((always_inline)) unsigned
text_block(const uint8_t *q, unsigned avail, int steps, unsigned *chars,
	   __m128i *shown)
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
static inline __attribute__((always_inline)) uint32_t
snippet_start(const uint8_t *win, uint32_t from)
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

/* ---- snippets cut from a region
 * ----------------------------------------------------------- */
void lg_region_reset(lg_detect_stream *s)
{
	s->region.valid = false;
}

#if defined(__SSE2__)
/* The characters in the first `avail` of the sixteen bytes at q (win[p])
 * that text_block takes (ASCII but a newline, kana and kanji), as units
 * u on of r, their text at t. Returns how many bytes (*units:
 * characters); all sixteen units' slots are written, the caller has room
 * for them. */
static uint32_t region_block(lg_snippet_region *r, const uint8_t *q, uint32_t p,
			     unsigned avail, uint32_t u, uint32_t t,
			     uint32_t *units)
{
	__m128i shown;
	unsigned chars, a = text_block(q, avail, 16, &chars, &shown);
	if (a == 0)
		return 0;
	_mm_storeu_si128((__m128i *)(r->text + t), shown);
	_mm_storeu_si128((__m128i *)(r->mask + u), _mm_setzero_si128());
	*units = chars;
	if (chars == a) { /* ASCII: the units' offsets are p + j, t + j */
		__m128i in = _mm_add_epi32(_mm_set1_epi32((int)p),
					   _mm_setr_epi32(0, 1, 2, 3));
		for (int j = 0; j < 16; j += 4) {
			_mm_storeu_si128((__m128i *)(r->in_off + u + j), in);
			in = _mm_add_epi32(in, _mm_set1_epi32(4));
		}
		__m128i so =
		    _mm_add_epi16(_mm_set1_epi16((short)t),
				  _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7));
		_mm_storeu_si128((__m128i *)(r->s_off + u), so);
		_mm_storeu_si128((__m128i *)(r->s_off + u + 8),
				 _mm_add_epi16(so, _mm_set1_epi16(8)));
		return a;
	}
	/* the characters start where the bytes are not continuations
	 * (signed: 80..BF are below C0), text as long as the input */
	unsigned starts = ~(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
			      _mm_loadu_si128((const __m128i *)q),
			      _mm_set1_epi8((char)0xC0))) &
			  ((1u << a) - 1);
	for (; starts; starts &= starts - 1, u++) {
		uint32_t j = (uint32_t)__builtin_ctz(starts);
		r->in_off[u] = p + j;
		r->s_off[u] = (uint16_t)(t + j);
	}
	return a;
}
#endif

/* Appends the characters from win[p] on to r, each as put_at shows it,
 * up to stop (where characters start; the last may run past it) and
 * `room` of them, or a newline; returns where it stopped. */
static uint32_t region_chars(lg_snippet_region *r, const uint8_t *win,
			     size_t len, uint32_t p, uint32_t stop,
			     uint32_t room)
{
	uint32_t u = r->nunits, t = r->s_off[u];
	for (; p < stop && room > 0; room--) {
		const uint8_t *q = win + p;
#if defined(__SSE2__)
		if (stop - p >= 8 && len - p >= 16 && room >= 16) {
			uint32_t avail = stop - p < 16 ? stop - p : 16, units;
			uint32_t a = region_block(r, q, p, avail, u, t, &units);
			if (a > 0) {
				p += a;
				u += units;
				t += a;
				room -= units - 1;
				continue;
			}
		}
#endif
		r->in_off[u] = p;
		r->s_off[u] = (uint16_t)t;
		r->mask[u] = false;
		char shown = ascii_shown[q[0]];
		if (shown) {
			r->text[t++] = shown;
			p++;
		} else if (q[0] == '\n') {
			break;
		} else if (lg_utf8_common3(q, len - p)) {
			if (q[0] == 0xEF && q[1] == 0xBC && q[2] >= 0x90 &&
			    q[2] <= 0x99) {
				r->text[t++] = '*'; /* a full-width digit */
			} else if (q[0] == 0xEF && q[1] == 0xBF &&
				   q[2] == 0xBD) {
				r->text[t++] = ' '; /* U+FFFD */
			} else {
				memcpy(r->text + t, q, 3);
				t += 3;
			}
			p += 3;
		} else {
			uint32_t cp;
			size_t l = lg_utf8_decode(q, len - p, &cp);
			snippet_out so = {r->text, t, sizeof(r->text)};
			put_masked_char(q, l, &so);
			t = (uint32_t)so.o;
			p += (uint32_t)l;
		}
		u++;
	}
	r->nunits = u;
	r->s_off[u] = (uint16_t)t;
	return p;
}

/* Notes cands[k]'s unit (UINT16_MAX: none starts where it does); past
 * LG_REGION_CANDS candidates the region says nothing of the rest. */
static void region_cand(lg_snippet_region *r, size_t k, uint16_t u)
{
	if (k == r->kend && k - r->k0 < LG_REGION_CANDS) {
		r->cand_unit[k - r->k0] = u;
		r->kend = k + 1;
	}
}

/* Makes the region from win[p] on (p starts a character, or lies in a
 * candidate; cands[k] is the first candidate ending after p): on to the
 * line's end, or, once past `target` (the end of the finding it is made
 * for), to CONTEXT_CHARS units after the last candidate (what its
 * snippet shows after it): a candidate among them carries it on, so the
 * cells of a row share one region, and prose around a lone finding is
 * shown no further than the walk went. */
static void region_make(lg_detect_stream *s, candidate *cands, size_t n,
			size_t k, uint32_t p, uint32_t target)
{
	lg_snippet_region *r = &s->region;
	const uint8_t *win = s->win;
	size_t len = s->len;
	r->cands = cands;
	r->n = n;
	r->valid = true;
	r->nunits = 0;
	r->s_off[0] = 0;
	r->k0 = r->kend = k;
	uint32_t need = 0; /* the units the last candidate's snippet takes */
	for (;;) {
		uint32_t u = r->nunits, t = r->s_off[u];
		r->in_off[u] = p;
		if (p >= len || win[p] == '\n') {
			r->hard = true;
			break;
		}
		/* characters are four bytes at most, masks shorter than
		 * LG_VALUE_MAX: room for `room` of those and one of these */
		uint32_t room = (LG_REGION_TEXT - LG_VALUE_MAX - t) / 4;
		if (room > LG_REGION_UNITS - u)
			room = LG_REGION_UNITS - u;
		if (p >= target && room > (u < need ? need - u : 0))
			room = u < need ? need - u : 0;
		if (room == 0) {
			r->hard = false;
			break;
		}
		for (; k < n && cands[k].to <= p; k++) /* inside a character */
			region_cand(r, k, UINT16_MAX);
		if (k < n && cands[k].from <= p) {
			size_t ml;
			const char *m = lg_mask_of(s, &cands[k], &ml);
			memcpy(r->text + t, m, ml);
			r->mask[u] = true;
			region_cand(r, k, cands[k].from == p ? u : UINT16_MAX);
			r->nunits = u + 1;
			r->s_off[u + 1] = (uint16_t)(t + ml);
			need = u + 1 + CONTEXT_CHARS;
			p = cands[k].to < len ? cands[k].to : (uint32_t)len;
			continue;
		}
		uint32_t stop = k < n && cands[k].from < len ? cands[k].from
							     : (uint32_t)len;
		p = region_chars(r, win, len, p, stop, room);
	}
}

/* The unit win[p] lies in: the last that starts at or before it. */
static uint32_t region_find(const lg_snippet_region *r, uint32_t p)
{
	uint32_t lo = 0, hi = r->nunits; /* in_off[lo] <= p < in_off[hi] */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r->in_off[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Cuts the snippet of c from the region, if it holds it: from the unit
 * at b (or the candidate b lies in) through c's mask and CONTEXT_CHARS
 * units after it, or to the line's end. 0: it does not; else the
 * length + 1. */
static size_t region_cut(const lg_snippet_region *r, const candidate *c,
			 size_t i, uint32_t b, char *out, size_t cap)
{
	/* past 96 bytes (a run of stray continuation bytes) the walk would
	 * show some candidates as plain text: not one of its neighbours */
	if (c->from - b > 96 || r->nunits == 0 || b < r->in_off[0] ||
	    c->from >= r->in_off[r->nunits])
		return 0;
	uint32_t ub = region_find(r, b);
	if (r->in_off[ub] != b && !r->mask[ub])
		return 0;
	/* a character across the finding's start (no unit starts there):
	 * the walk before it cuts that character there, so it goes the long
	 * way */
	if (i < r->k0 || i - r->k0 >= LG_REGION_CANDS || i >= r->kend)
		return 0;
	uint32_t uc = r->cand_unit[i - r->k0];
	if (uc == UINT16_MAX || uc < ub)
		return 0;
	uint32_t ue = uc + 1 + CONTEXT_CHARS;
	if (ue > r->nunits) {
		if (!r->hard)
			return 0;
		ue = r->nunits;
	}
	size_t from = r->s_off[ub], n = (size_t)r->s_off[ue] - from;
	if (n >= cap)
		return 0; /* what would not fit is left out one by one */
	const char *text = r->text + from;
#if defined(__SSE2__)
	/* sixteen bytes at a time where the last block stays inside both
	 * the region's text and out: a call of the library's copy cost as
	 * much as the rest of the cut */
	size_t whole = (n + 15) & ~(size_t)15;
	if (whole <= cap && from + whole <= sizeof(r->text)) {
		for (size_t k = 0; k < n; k += 16)
			_mm_storeu_si128(
			    (__m128i *)(out + k),
			    _mm_loadu_si128((const __m128i *)(text + k)));
	} else
#endif
		memcpy(out, text, n);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n + 1;
}

bool lg_region_snippet(lg_detect_stream *s, candidate *cands, size_t n,
		       size_t i, char *out, size_t cap, size_t *len)
{
	const candidate *c = &cands[i];
	lg_snippet_region *r = &s->region;
	/* a finding alone (the next beyond its snippet's reach): nothing
	 * to share, and the walk is cheaper; when the region cannot hold it
	 * either (region_cut's test of i), the walk finds the snippet's
	 * start itself */
	bool alone = i + 1 == n || cands[i + 1].from >= (uint64_t)c->to + 96;
	bool mine = r->valid && r->cands == cands && r->n == n;
	if (alone && !(mine && i >= r->k0 && i < r->kend))
		return false;
	uint32_t b = snippet_start(s->win, c->from);
	size_t got = 0;
	if (mine)
		got = region_cut(r, c, i, b, out, cap);
	if (!got) {
		if (alone)
			return false;
		size_t k = i;
		while (k > 0 && cands[k - 1].to > b)
			k--;
		region_make(s, cands, n, k, b, c->to);
		got = region_cut(r, c, i, b, out, cap);
		if (!got)
			return false;
	}
	*len = got - 1;
	return true;
}
