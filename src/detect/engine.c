/* engine.c: the detector's pipeline over a window of text. Hyperscan finds
 * the patterns, numbers.c the digit runs, table.c the table cells; each
 * candidate is boundary-checked, validated, scored by the labels around
 * it (labels.c), de-overlapped and reported in text order with its line
 * and column.
 *
 * Windows overlap so that a match across two feeds is found exactly once:
 * each window owns the matches that END in (owned_from, owned_to]; owned_to
 * stays GUARD bytes short of the window's end (to see what follows a match)
 * and the next window starts OVERLAP bytes before it (to see what precedes
 * it: the match itself and its keyword window). */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <hs.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_int.h"
#include "engine_int.h"
#include "leakguard/text.h"
#include "util/util.h"

#define CHUNK	   (1u << 20)
#define MAX_MATCH  512u /* longest candidate, bytes */
#define MAX_BEFORE 256u /* longest keyword window before, bytes */
#define OVERLAP	   (MAX_MATCH + MAX_BEFORE + 256u)
/* what a window reads past its share: the keyword window after a match,
 * and the findings a snippet at the share's end shows (its reach, 96
 * bytes, and a long neighbour there), built as context (lg_share) */
#define GUARD	   416u
#define LINE_STEP  LG_LINE_STEP
#define LINE_DENSE 512u /* see slide_window */

/* ---- byte-level character classes ---------------------------------------- */
static bool is_fw_digit(const uint8_t *p, const uint8_t *end)
{
	return end - p >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 &&
	       p[2] <= 0x99;
}

/* The UTF-8 character ending just before p (start of text at lo). */
const uint8_t *lg_char_before(const uint8_t *p, const uint8_t *lo)
{
	if (p <= lo)
		return NULL;
	const uint8_t *q = p - 1;
	while (q > lo && (*q & 0xC0) == 0x80 && p - q < 4)
		q--;
	return q;
}

static bool digit_at(const uint8_t *p, const uint8_t *end)
{
	return p && p < end &&
	       ((*p >= '0' && *p <= '9') || is_fw_digit(p, end));
}

bool lg_alnum_at(const uint8_t *p, const uint8_t *end)
{
	if (!p || p >= end)
		return false;
	if ((*p >= '0' && *p <= '9') || (unsigned)((*p | 0x20) - 'a') < 26u ||
	    *p == '_')
		return true;
	uint32_t cp;
	lg_utf8_decode(p, (size_t)(end - p), &cp);
	int a = lg_fold_ascii(cp);
	return cp >= 0xFF10 && a > 0 &&
	       ((a >= '0' && a <= '9') || (unsigned)((a | 0x20) - 'a') < 26u);
}

/* A joiner inside a number: hyphen look-alike, '.', or one space. */
static bool joiner_at(const uint8_t *p, const uint8_t *end)
{
	if (!p || p >= end)
		return false;
	if (*p == '-' || *p == '.' || *p == ' ')
		return true;
	uint32_t cp;
	lg_utf8_decode(p, (size_t)(end - p), &cp);
	return cp != '-' && lg_fold_ascii(cp) == '-';
}

static size_t char_len(const uint8_t *p, const uint8_t *end)
{
	uint32_t cp;
	return lg_utf8_decode(p, (size_t)(end - p), &cp);
}

/* A number must not be a piece of a longer one or of a token: no letter
 * or digit next to it, and no digit behind a joiner next to it. */
static bool digit_run_ok(const uint8_t *lo, const uint8_t *s, const uint8_t *e,
			 const uint8_t *hi)
{
	const uint8_t *b = lg_char_before(s, lo);
	if (lg_alnum_at(b, hi))
		return false;
	if (joiner_at(b, hi) && digit_at(lg_char_before(b, lo), hi))
		return false;
	if (lg_alnum_at(e, hi))
		return false;
	if (joiner_at(e, hi) && e < hi && digit_at(e + char_len(e, hi), hi))
		return false;
	return true;
}

static bool email_local_byte(uint8_t c)
{
	return (c >= '0' && c <= '9') || (unsigned)((c | 0x20) - 'a') < 26u ||
	       c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* An e-mail character for the word edges, NUL included: the edge test
 * was once strchr("._%+-", c), which finds NUL as the string's end */
static bool email_char(uint8_t c)
{
	return email_local_byte(c) || c == '\0';
}

static bool word_ok(lg_type t, const uint8_t *lo, const uint8_t *s,
		    const uint8_t *e, const uint8_t *hi)
{
	if (t == LG_EMAIL) {
		if (s > lo && email_char(s[-1]))
			return false;
		if (e < hi && (email_char(*e) && *e != '.'))
			return false;
		return !(e + 1 < hi && *e == '.' && email_char(e[1]));
	}
	return !lg_alnum_at(lg_char_before(s, lo), hi) && !lg_alnum_at(e, hi);
}

/* ---- Hyperscan callback: cheap filtering only ---------------------------- */
typedef struct scan_ctx {
	lg_detect_stream *s;
	lg_share sh;
	bool as_found; /* keep matches as the patterns report them */
} scan_ctx;

bool lg_vec_grow(void **data, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 256;
	void *p = realloc(*data, ncap * size);
	if (!p)
		return false;
	*data = p;
	*cap = ncap;
	return true;
}

/* A match of type t's pattern at [from, to) of the window, as Hyperscan
 * reports it (from is 0 without start of match): extended to its span,
 * kept when it ends in the window's share (as its own or as context)
 * and its edges are right. */
static void take_match(scan_ctx *x, lg_type t, uint32_t from, uint32_t to)
{
	lg_detect_stream *s = x->s;
	const lg_detector_def *def = &lg_detector_defs[t];
	const uint8_t *w = s->win, *hi = s->win + s->len;
	if (x->as_found) {
		raw_match m = {t, from, to, true};
		if (!lg_vec_push((void **)&s->raws, &s->nraws, &s->capraws,
				 sizeof(m), &m))
			s->oom = true;
		return;
	}
	if (def->extend && !def->extend(w, s->len, &from, &to))
		return;
	if (to <= x->sh.ctx_lo || to > x->sh.ctx_hi || to - from > MAX_MATCH)
		return;
	/* an anchored match starts with its label: only its end can touch a
	 * longer number */
	const uint8_t *lo = def->flags & LG_ANCHORED ? w + from : w;
	if ((def->flags & LG_DIGIT_RUN) &&
	    !digit_run_ok(lo, w + from, w + to, hi))
		return;
	if ((def->flags & LG_WORD) && !word_ok(t, lo, w + from, w + to, hi))
		return;
	raw_match m = {t, from, to, to > x->sh.own_lo && to <= x->sh.own_hi};
	if (!lg_vec_push((void **)&s->raws, &s->nraws, &s->capraws, sizeof(m),
			 &m))
		s->oom = true;
}

/* A split pattern's label ended at label.to: its rest, run from there
 * (engine_int.h). */
struct rest_ctx {
	lg_detect_stream *s;
	split_match label;
};

static bool split_before(const split_match *p, const split_match *q)
{
	if (p->to != q->to)
		return p->to < q->to;
	if (p->type != q->type)
		return p->type < q->type;
	return p->from < q->from;
}

/* A match of the rest ending `to` bytes after the label's end. Keeps the
 * splits in order of end, type and start as they come: label ends come
 * in order and a rest's ends soon after them, so each goes near the
 * back. */
void lg_rest_end(rest_ctx *r, size_t to)
{
	lg_detect_stream *s = r->s;
	split_match m = {r->label.type, r->label.from,
			 r->label.to + (uint32_t)to};
	if (!lg_vec_push((void **)&s->splits, &s->nsplits, &s->capsplits,
			 sizeof(m), &m)) {
		s->oom = true;
		return;
	}
	size_t i = s->nsplits - 1;
	for (; i > 0 && split_before(&m, &s->splits[i - 1]); i--)
		s->splits[i] = s->splits[i - 1];
	s->splits[i] = m;
}

static int on_rest(unsigned id, unsigned long long from, unsigned long long to,
		   unsigned flags, void *ud)
{
	(void)id;
	(void)from;
	(void)flags;
	lg_rest_end(ud, (size_t)to);
	return 0;
}

/* A kanji (U+4E00..9FFF, lead bytes E4..E9), kana (E3 81..83) or
 * half-width katakana (EF BD A6..BF, EF BE 80..9F: ｻﾄｳ ﾊﾅｺ 様, as banks'
 * systems print names) at p, byte by byte as the pattern reads it. */
static bool kanji_or_kana(const uint8_t *p)
{
	bool tail = (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80;
	return tail && ((p[0] >= 0xE4 && p[0] <= 0xE9) ||
			(p[0] == 0xE3 && p[1] >= 0x81 && p[1] <= 0x83) ||
			(p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0xA6) ||
			(p[0] == 0xEF && p[1] == 0xBE && p[2] <= 0x9F));
}

/* The honorific pattern (detectors.c, CHECKED_BEFORE) ending at `to`,
 * where Hyperscan found the honorific: the leftmost start of a kanji or
 * kana, one space (ASCII or ideographic) or none, then the honorific; or
 * -1 when nothing before it fits. 様 and 殿 are three bytes (lead E6),
 * さま and さん six. */
static int64_t honorific_start(const uint8_t *w, uint32_t to)
{
	uint32_t at = to - (to >= 3 && w[to - 3] == 0xE6 ? 3u : 6u);
	if (at >= 6 && w[at - 3] == 0xE3 && w[at - 2] == 0x80 &&
	    w[at - 1] == 0x80 && kanji_or_kana(w + at - 6))
		return at - 6;
	if (at >= 4 && w[at - 1] == ' ' && kanji_or_kana(w + at - 4))
		return at - 4;
	if (at >= 3 && kanji_or_kana(w + at - 3))
		return at - 3;
	return -1;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ud)
{
	(void)flags;
	scan_ctx *x = ud;
	lg_detect_stream *s = x->s;
	const lg_detector *d = s->det;
	lg_type t = d->pattern_type[id];
	if (d->honorific[id]) {
		int64_t st = honorific_start(s->win, (uint32_t)to);
		if (st < 0)
			return 0;
		/* what Hyperscan reports for the pattern whole */
		from = lg_detector_defs[t].flags & LG_NO_SOM
			   ? 0
			   : (unsigned long long)st;
	}
	if (!d->rest_db[id]) {
		take_match(x, t, (uint32_t)from, (uint32_t)to);
		return 0;
	}
	/* no match is longer than MAX_MATCH: the rest need not look further */
	size_t room = s->len - (size_t)to;
	if (room > MAX_MATCH)
		room = MAX_MATCH;
	if (!lg_rest_may_match(t, s->win + to, room))
		return 0;
	rest_ctx r = {s, {t, (uint32_t)from, (uint32_t)to}};
	if (lg_rest_match(&r, t, s->win + to, room))
		return 0; /* matched in C (rests.c) */
	if (hs_scan(d->rest_db[id], (const char *)s->win + to, (unsigned)room,
		    0, s->rest_scratch, on_rest, &r) != HS_SUCCESS)
		s->oom = true; /* cannot happen: the scratch is the rest's */
	return 0;
}

/* The split patterns' matches, as Hyperscan would report the whole
 * pattern: an end once, with its leftmost start. Several label ends may
 * reach one (生年 and 生年月日 before one date). */
static void take_splits(scan_ctx *x)
{
	lg_detect_stream *s = x->s;
	for (size_t i = 0; i < s->nsplits; i++) {
		const split_match *m = &s->splits[i];
		if (i > 0 && m->type == m[-1].type && m->to == m[-1].to)
			continue;
		uint32_t from =
		    lg_detector_defs[m->type].flags & LG_NO_SOM ? 0 : m->from;
		take_match(x, m->type, from, m->to);
	}
}

static bool email_label_byte(uint8_t c)
{
	return (c >= '0' && c <= '9') || (unsigned)((c | 0x20) - 'a') < 26u ||
	       c == '-';
}

static bool ascii_letter(uint8_t c)
{
	return (unsigned)((c | 0x20) - 'a') < 26u;
}

/* The character at w[*e] if it is an ASCII one or a full-width form of
 * one, *e moved past it; else 0, *e kept. */
static uint8_t email_step(const uint8_t *w, size_t len, size_t *e)
{
	if (*e >= len)
		return 0;
	if (w[*e] < 0x80)
		return w[(*e)++];
	uint8_t c = lg_wide_ascii(w + *e, len - *e);
	*e += c ? 3 : 0;
	return c;
}

/* email_end from the label at w[next] on, where a character of it, its
 * dot or its letters may be full-width. */
static __attribute__((noinline)) size_t email_end_wide(const uint8_t *w,
						       size_t len, size_t next)
{
	size_t e = next, k = 0, was;
	for (;; k++) {
		was = e;
		uint8_t c = email_step(w, len, &e);
		if (!c || !email_label_byte(c))
			break;
		if (k == 63)
			return 0;
	}
	e = was; /* the first character after the label */
	uint8_t dot = email_step(w, len, &e);
	uint8_t a = email_step(w, len, &e), b = email_step(w, len, &e);
	return k && dot == '.' && ascii_letter(a) && ascii_letter(b) ? e : 0;
}

/* The end of email's pattern for the at sign at w[at..next), or 0: a
 * local-part character before it, then 1..63 label characters, a dot and
 * two letters, each ASCII or its full-width form. The label must be the
 * whole run of label characters, as a shorter one is followed by another
 * label character, not a dot. */
static size_t email_end(const uint8_t *w, size_t len, size_t at, size_t next)
{
	if (at == 0 ||
	    !(email_local_byte(w[at - 1]) ||
	      (at >= 3 && email_local_byte(lg_wide_ascii(w + at - 3, 3)))))
		return 0;
	size_t e = next;
	while (e < len && e - next < 64 && email_label_byte(w[e]))
		e++;
	if (e > next && e - next <= 63 && len - e >= 3 && w[e] == '.' &&
	    ascii_letter(w[e + 1]) && ascii_letter(w[e + 2]))
		return e + 3;
	/* a full-width form in the label, its dot or its letters: step by
	 * step */
	for (size_t i = e; i < len && i < e + 3; i++)
		if (w[i] >= 0x80)
			return email_end_wide(w, len, next);
	return 0;
}

/* Whether w[i] starts an at sign: '@', its full-width form (EF BC A0),
 * or %40 (a form's address sent in a URL: ?email=taro%40mail.jp). */
static bool at_sign(const uint8_t *w, size_t len, size_t i)
{
	if (w[i] == '@')
		return true;
	if (len - i < 3)
		return false;
	return (w[i] == 0xEF && w[i + 1] == 0xBC && w[i + 2] == 0xA0) ||
	       (w[i] == '%' && w[i + 1] == '4' && w[i + 2] == '0');
}

#if defined(__x86_64__)
/* The first at sign among the bytes of w from i that m has bits for, or
 * SIZE_MAX. */
static size_t first_at(const uint8_t *w, size_t len, size_t i, uint64_t m)
{
	for (; m; m &= m - 1) {
		size_t k = i + (size_t)__builtin_ctzll(m);
		if (at_sign(w, len, k))
			return k;
	}
	return SIZE_MAX;
}

/* The first at sign of a 128-byte step at w[i], its two 64-bit masks m
 * and n, or SIZE_MAX. */
static size_t first_at128(const uint8_t *w, size_t len, size_t i, uint64_t m,
			  uint64_t n)
{
	size_t k = first_at(w, len, i, m);
	return k != SIZE_MAX ? k : first_at(w, len, i + 64, n);
}

/* The bytes of v that may start an at sign: '@', the lead byte EF of the
 * full-width form and the % of %40, the rare EF and % checked for the
 * two bytes after them (a memchr pass per byte costs a compare each). */
__attribute__((target("avx512bw"))) static inline uint64_t
at_lead_avx512(__m512i v)
{
	const __m512i at = _mm512_set1_epi8('@'), ef = _mm512_set1_epi8(-0x11),
		      pc = _mm512_set1_epi8('%');
	return _mm512_cmpeq_epi8_mask(v, at) | _mm512_cmpeq_epi8_mask(v, ef) |
	       _mm512_cmpeq_epi8_mask(v, pc);
}

/* The next at sign in w[i..len), 128 bytes at a time, or the first i
 * from which less than that is left. */
__attribute__((target("avx512bw"))) static size_t
next_at_avx512(const uint8_t *w, size_t i, size_t len)
{
	for (; i + 128 <= len; i += 128) {
		uint64_t m = at_lead_avx512(_mm512_loadu_si512(w + i));
		uint64_t n = at_lead_avx512(_mm512_loadu_si512(w + i + 64));
		size_t k = (m | n) ? first_at128(w, len, i, m, n) : SIZE_MAX;
		if (k != SIZE_MAX)
			return k;
	}
	return i;
}

/* The same with AVX2, the 128 bytes as four blocks. */
__attribute__((target("avx2"))) static inline uint32_t at_lead_avx2(__m256i v)
{
	const __m256i at = _mm256_set1_epi8('@'), ef = _mm256_set1_epi8(-0x11),
		      pc = _mm256_set1_epi8('%');
	__m256i m =
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, at), _mm256_cmpeq_epi8(v, ef));
	return (uint32_t)_mm256_movemask_epi8(
	    _mm256_or_si256(m, _mm256_cmpeq_epi8(v, pc)));
}

__attribute__((target("avx2"))) static uint64_t at_leads_avx2(const uint8_t *q)
{
	return at_lead_avx2(_mm256_loadu_si256((const __m256i *)q)) |
	       (uint64_t)at_lead_avx2(
		   _mm256_loadu_si256((const __m256i *)(q + 32)))
		   << 32;
}

__attribute__((target("avx2"))) static size_t next_at_avx2(const uint8_t *w,
							   size_t i, size_t len)
{
	for (; i + 128 <= len; i += 128) {
		uint64_t m = at_leads_avx2(w + i),
			 n = at_leads_avx2(w + i + 64);
		size_t k = (m | n) ? first_at128(w, len, i, m, n) : SIZE_MAX;
		if (k != SIZE_MAX)
			return k;
	}
	return i;
}
#endif

/* The first b in w[i..stop), or stop. */
static size_t next_byte(const uint8_t *w, size_t i, size_t stop, uint8_t b)
{
	const uint8_t *f = memchr(w + i, b, stop - i);
	return f ? (size_t)(f - w) : stop;
}

/* The next at sign in w[i..len), or len. */
static size_t next_at(const uint8_t *w, size_t i, size_t len)
{
#if defined(__x86_64__)
	if (lg_cpu() & LG_CPU_AVX512)
		i = next_at_avx512(w, i, len);
	else if (lg_cpu() & LG_CPU_AVX2)
		i = next_at_avx2(w, i, len);
	if (i < len && at_sign(w, len, i))
		return i;
#endif
	/* the rest, or all of it: the full-width forms and %40 before the
	 * next '@' */
	const uint8_t *p = memchr(w + i, '@', len - i);
	size_t stop = p ? (size_t)(p - w) : len;
	size_t ef = next_byte(w, i, stop, 0xEF),
	       pc = next_byte(w, i, stop, '%');
	while ((i = ef < pc ? ef : pc) < stop) {
		if (at_sign(w, len, i))
			return i;
		if (i == ef)
			ef = next_byte(w, i + 1, stop, 0xEF);
		else
			pc = next_byte(w, i + 1, stop, '%');
	}
	return stop;
}

size_t lg_email_ends(const uint8_t *w, size_t len, lg_email_fn fn, void *ud)
{
	size_t found = 0;
	for (size_t i = next_at(w, 0, len); i < len;
	     i = next_at(w, i + 1, len)) {
		size_t end = email_end(w, len, i, i + (w[i] == '@' ? 1 : 3));
		if (end) {
			found++;
			fn((uint32_t)end, ud);
		}
	}
	return found;
}

static void on_email(uint32_t end, void *ud)
{
	take_match(ud, LG_EMAIL, 0, end);
}

/* ---- candidates
 * --------------------------------------------------------------- */
#define VALUE_BLOCK 65536u /* bytes; a window's values fill a few */

/* A copy of value (cut below LG_VALUE_MAX bytes) in the window's value
 * blocks, its length in *len; NULL when out of memory. Blocks are kept
 * from window to window, and never move while a window's candidates
 * point into them. */
static const char *keep_value(lg_detect_stream *s, const char *value,
			      size_t *len)
{
	if (s->val_used + LG_VALUE_MAX > VALUE_BLOCK) {
		s->val_block++;
		s->val_used = 0;
	}
	if (s->val_block == s->nval_blocks) {
		char *b = malloc(VALUE_BLOCK);
		if (!b || !lg_vec_push((void **)&s->val_blocks, &s->nval_blocks,
				       &s->capval_blocks, sizeof(b), &b)) {
			free(b);
			return NULL;
		}
	}
	char *d = s->val_blocks[s->val_block] + s->val_used;
	*len = lg_copy_cut(d, LG_VALUE_MAX, value);
	s->val_used += *len + 1;
	return d;
}

/* Appends candidate c (its value and length aside: they are set here),
 * its value kept apart (keep_value). */
static bool push_candidate(lg_detect_stream *s, const candidate *c,
			   const char *value)
{
	size_t n = 0;
	const char *v = keep_value(s, value, &n);
	if (!v || (s->ncands == s->capcands &&
		   !lg_vec_grow((void **)&s->cands, &s->capcands,
				sizeof(candidate)))) {
		s->oom = true;
		return false;
	}
	candidate *to = &s->cands[s->ncands++];
	*to = *c;
	to->value_len = (uint8_t)n;
	to->value = v;
	return true;
}

/* Types whose validator reads only the raw bytes: names.c has its own
 * character reader and MeCab, and a name is a fifth of a dense text's
 * candidates. Their fold is NULL (a validator that comes to need
 * it must be taken off this list). */
#define RAW_ONLY_TYPES ((lg_type_mask)1 << LG_PERSON_NAME)

/* Folds raw[from..to) and runs the type's validator. */
static bool run_validator(lg_detect_stream *s, lg_type t, uint32_t from,
			  uint32_t to, bool column, lg_candidate *c)
{
	/* every field zero but the value past its first byte: a validator
	 * writes its value whole before reading it, and the value is most
	 * of the record */
	const size_t vo = offsetof(lg_candidate, value),
		     ve = vo + sizeof(c->value);
	memset(c, 0, vo);
	c->value[0] = '\0';
	memset((char *)c + ve, 0, sizeof(*c) - ve);
	c->raw = s->win + from;
	c->raw_len = to - from;
	if (!(RAW_ONLY_TYPES >> t & 1)) {
		c->fold_len =
		    lg_fold(c->raw, c->raw_len, s->fold, NULL, sizeof(s->fold));
		c->fold = s->fold;
	}
	c->span_len = c->raw_len;
	c->from_column = column;
	c->morph = s->morph;
	return lg_detector_defs[t].validate(c);
}

/* A raw match its validator confirms becomes a candidate, scored later:
 * keywords are looked for only around confirmed candidates. */
static void validate_raw(lg_detect_stream *s, const raw_match *m)
{
	lg_candidate c;
	if (!run_validator(s, m->type, m->from, m->to, false, &c))
		return;
	uint32_t st = m->from + (uint32_t)c.span_off;
	candidate proto = {.type = m->type,
			   .from = st,
			   .to = st + (uint32_t)c.span_len,
			   .adjust = c.adjust,
			   .kind = c.kind,
			   .owned = m->owned};
	push_candidate(s, &proto, c.value);
}

/* How many raw matches ahead a name's memo set is loaded: enough for the
 * load to arrive, few enough that it is still there. */
#define MEMO_AHEAD 4

static void validate_raws(lg_detect_stream *s)
{
	for (size_t i = 0; i < s->nraws; i++) {
		const raw_match *a =
		    i + MEMO_AHEAD < s->nraws ? &s->raws[i + MEMO_AHEAD] : NULL;
		if (a && a->type == LG_PERSON_NAME)
			lg_memo_prefetch(s->morph, LG_MEMO_NAME,
					 s->win + a->from, a->to - a->from);
		validate_raw(s, &s->raws[i]);
	}
}

/* Scores the candidates by their labels; drops those below the threshold
 * or that need a label they lack. */
static void score_candidates(lg_detect_stream *s)
{
	if (s->oom)
		return; /* the label pass did not finish: no notes to read */
	size_t out = 0, cursor = 0;
	for (size_t i = 0; i < s->ncands; i++) {
		candidate *c = &s->cands[i];
		if (!c->scored) {
			double conf = lg_label_confidence(s, i, &cursor);
			if (conf < 0)
				continue;
			conf += c->adjust;
			c->conf = conf > 1 ? 1 : conf;
			c->scored = true;
		}
		if (c->conf + 1e-9 < s->det->min_confidence)
			continue;
		if (out != i)
			s->cands[out] = *c;
		out++;
	}
	s->ncands = out;
}

/* [from, to) is said to hold one value of type t: checked whole, as a
 * table's cell (column) or as the text after a label. */
static void whole_value(lg_detect_stream *s, lg_type t, uint32_t from,
			uint32_t to, bool column)
{
	lg_candidate c;
	if (!((s->det->types >> t) & 1u) ||
	    !run_validator(s, t, from, to, column, &c))
		return; /* not a selected type (--types), or not its value */
	double conf = lg_detector_defs[t].strong + c.adjust;
	if (conf > 1)
		conf = 1;
	candidate proto = {.type = t,
			   .from = from + (uint32_t)c.span_off,
			   .to = from + (uint32_t)(c.span_off + c.span_len),
			   .conf = conf,
			   .scored = true,
			   .owned = true};
	push_candidate(s, &proto, c.value);
}

/* A table cell under a header that names a keyword-gated type is checked
 * whole against that type (a 有効期限 column holds expiry dates). */
void lg_detect_column_cell(lg_detect_stream *s, lg_type t, uint32_t from,
			   uint32_t to)
{
	whole_value(s, t, from, to, true);
}

void lg_detect_cells(lg_detect_stream *s, lg_type t, const lg_text_span *spans,
		     size_t n)
{
	s->cells = spans;
	s->ncells = n;
	s->cell_type = t;
}

/* The caller's cells (lg_detect_cells) that end in this window's share. */
static void own_cells(lg_detect_stream *s, uint64_t own_hi)
{
	for (size_t i = 0; i < s->ncells; i++) {
		const lg_text_span *c = &s->cells[i];
		if (c->from >= s->base && c->to > s->owned_from &&
		    c->to <= own_hi && c->from < c->to)
			whole_value(s, s->cell_type,
				    (uint32_t)(c->from - s->base),
				    (uint32_t)(c->to - s->base), false);
	}
}

/* ---- text order ---------------------------------------------------------
 * Candidates by start, then longest first, then type. They come as a few
 * runs already in that order (table cells, Hyperscan's matches, the digit
 * runs): qsort moving records was a tenth of a dense run. A 16-byte key per
 * candidate is merge-sorted instead (stable, as glibc's qsort is, so equal
 * candidates keep their order) and each record is moved once. */
typedef struct cand_key {
	uint64_t key;
	uint32_t idx;
} cand_key;

#define POS_BITS 21u /* window offsets: CHUNK + OVERLAP + GUARD < 2 MiB */
_Static_assert(CHUNK + OVERLAP + GUARD < (1u << POS_BITS),
	       "window offsets fit the sort key");
_Static_assert(LG_TYPE_COUNT <= 64, "types fit the sort key");

static uint64_t order_key(const candidate *c)
{
	uint64_t pmax = (1u << POS_BITS) - 1;
	return (uint64_t)c->from << (POS_BITS + 6) | (pmax - c->to) << 6 |
	       (uint64_t)c->type;
}

static bool key_before(const cand_key *a, const cand_key *b)
{
	return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

/* The end of the run in order that starts at k[lo]. */
static size_t run_end(const cand_key *k, size_t lo, size_t n)
{
	size_t i = lo + 1;
	while (i < n && !key_before(&k[i], &k[i - 1]))
		i++;
	return i;
}

/* Natural merge sort of k[0..n) using tmp; returns where the result is
 * (k or tmp). The runs already in order are merged pairwise, pass after
 * pass: the candidates come as few long runs with short disorders (a
 * match that Hyperscan reports by its end, a span a validator narrows),
 * so there are far fewer passes than log2(n). */
static cand_key *merge_sort_keys(cand_key *k, cand_key *tmp, size_t n)
{
	for (;;) {
		size_t runs = 0;
		for (size_t lo = 0; lo < n; runs++) {
			size_t mid = run_end(k, lo, n);
			size_t hi = mid < n ? run_end(k, mid, n) : n;
			size_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)
				tmp[o++] =
				    key_before(&k[j], &k[i]) ? k[j++] : k[i++];
			while (i < mid)
				tmp[o++] = k[i++];
			while (j < hi)
				tmp[o++] = k[j++];
			lo = hi;
		}
		cand_key *t = k;
		k = tmp;
		tmp = t;
		if (runs <= 1)
			return k;
	}
}

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (*cap >= n)
		return true;
	void *q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static bool same_raw(const raw_match *a, const raw_match *b)
{
	return a->type == b->type && a->from == b->from && a->to == b->to &&
	       a->owned == b->owned;
}

/* Drops the address raws that repeat one before them: an address after
 * its label is matched twice, by the label's pattern and by its
 * prefecture, and lg_extend_address makes both one span (it starts
 * from the end: the prefecture before it). Validated and scored twice,
 * the second would always lose to the first (resolve_overlaps keeps the
 * first of two alike): a quarter of a dense text's addresses. No other
 * type's raws repeat (its extender keeps the match's start, or its
 * matches end apart). A hash of the window's address raws by span; a
 * slot holds the window's stamp above the raw's index, so the table is
 * cleared only when it grows or the stamp wraps. Order is kept; out of
 * memory, all are kept: the result is the same. */
static void drop_repeated_raws(lg_detect_stream *s)
{
	raw_match *r = s->raws;
	size_t n = s->nraws, naddr = 0, cap = s->capraw_slots;
	for (size_t i = 0; i < n; i++)
		naddr += r[i].type == LG_JP_ADDRESS;
	if (naddr < 2)
		return;
	if (cap < 2 * naddr) {
		for (cap = cap ? cap : 64; cap < 2 * naddr;)
			cap *= 2;
		uint64_t *p = realloc(s->raw_slots, cap * sizeof(*p));
		if (!p)
			return;
		memset(p, 0, cap * sizeof(*p));
		s->raw_slots = p;
		s->capraw_slots = cap;
		s->raw_stamp = 0;
	}
	if (++s->raw_stamp == 0) {
		memset(s->raw_slots, 0, cap * sizeof(uint64_t));
		s->raw_stamp = 1;
	}
	const uint64_t stamp = (uint64_t)s->raw_stamp << 32;
	uint64_t *slot = s->raw_slots;
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (r[i].type == LG_JP_ADDRESS) {
			uint64_t k = (uint64_t)r[i].from << 32 | r[i].to;
			size_t h = (size_t)((k * 0x9E3779B97F4A7C15u) >> 32) &
				   (cap - 1);
			bool seen = false;
			for (; (slot[h] & ~0xFFFFFFFFull) == stamp && !seen;
			     h = (h + 1) & (cap - 1))
				seen = same_raw(&r[(uint32_t)slot[h]], &r[i]);
			if (seen)
				continue;
			slot[h] = stamp | out;
		}
		if (out != i)
			r[out] = r[i];
		out++;
	}
	s->nraws = out;
}

/* Puts each candidate where k gives it: gathered in order into the
 * stream's second array, which then becomes the first. A candidate is a
 * few words, so copying the run from the first one out of place costs
 * less than following the permutation's cycles, whose dependent loads
 * missed the cache. False when out of memory. */
static bool permute_candidates(lg_detect_stream *s, const cand_key *k, size_t n)
{
	size_t first = 0;
	while (first < n && k[first].idx == first)
		first++;
	if (first == n)
		return true;
	if (!grow((void **)&s->cands_alt, &s->capcands_alt, s->capcands,
		  sizeof(candidate)))
		return false;
	candidate *c = s->cands, *to = s->cands_alt;
	memcpy(to, c, first * sizeof(*c));
	for (size_t i = first; i < n; i++)
		to[i] = c[k[i].idx];
	s->cands = to;
	s->cands_alt = c;
	size_t cap = s->capcands;
	s->capcands = s->capcands_alt;
	s->capcands_alt = cap;
	return true;
}

/* Puts the window's candidates in text order; false when out of memory. */
static bool order_candidates(lg_detect_stream *s)
{
	size_t n = s->ncands;
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = order_key(&s->cands[i - 1]) <= order_key(&s->cands[i]);
	if (sorted)
		return true;
	if (!grow((void **)&s->keys, &s->capkeys, 2 * n, sizeof(cand_key)))
		return false;
	cand_key *k = s->keys;
	for (size_t i = 0; i < n; i++)
		k[i] = (cand_key){order_key(&s->cands[i]), (uint32_t)i};
	return permute_candidates(s, merge_sort_keys(k, k + n, n), n);
}

/* Of overlapping candidates keep the most confident (then the longest):
 * one item of text is one finding. */
static size_t resolve_overlaps(candidate *c, size_t n)
{
	if (n == 0)
		return 0;
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && c[i].from < c[out - 1].to) {
			candidate *k = &c[out - 1];
			double dk = k->conf, di = c[i].conf;
			bool better = di > dk + 1e-9 ||
				      (di > dk - 1e-9 &&
				       c[i].to - c[i].from > k->to - k->from);
			if (better)
				*k = c[i];
			continue;
		}
		if (out != i)
			c[out] = c[i];
		out++;
	}
	return out;
}

/* A postal code right before an address (〒160-0023 東京都…) confirms
 * it: the two are written together on every form and label. */
#define POSTAL_REACH 24u /* bytes between the code's end and the address */

static void postal_raises_addresses(candidate *c, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (c[i].type != LG_JP_ADDRESS)
			continue;
		for (size_t k = i;
		     k-- > 0 && c[k].to + POSTAL_REACH >= c[i].from;) {
			if (c[k].type != LG_JP_POSTAL_CODE)
				continue;
			c[i].conf = c[i].conf + 0.07 > 1 ? 1 : c[i].conf + 0.07;
			break;
		}
	}
}

/* ---- reporting
 * ------------------------------------------------------------------ */
/* Asks for the next candidate's text and value (c[1]) while this one
 * (c[0]) is reported: the line cursor reads from the line index's
 * boundary before it (at most LINE_STEP back), its snippet the characters
 * around it and emit its value, which a sparse text's candidate
 * (kilobytes on, its value kept long before) finds out of the caches. A
 * near one is in them already. */
static inline void prefetch_finding(const lg_detect_stream *s,
				    const candidate *c)
{
	uint32_t at = c[1].from;
	if (at - c[0].from < LINE_STEP)
		return;
	__builtin_prefetch(c[1].value);
	for (uint32_t p = at - at % LINE_STEP; p < at + 64; p += 64)
		__builtin_prefetch(s->win + p);
}

/* Characters in p[0..n): bytes that are not UTF-8 continuation bytes
 * (10xxxxxx), eight at a time. */
static uint64_t count_chars(const uint8_t *p, size_t n)
{
	uint64_t chars = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		/* bit 7 set and bit 6 clear: a continuation byte */
		uint64_t cont = x & ~(x << 1) & 0x8080808080808080ULL;
		/* one bit per byte, at bit 7: sum them with a multiply */
		chars += 8 - (((cont >> 7) * 0x0101010101010101ULL) >> 56);
	}
	for (; i < n; i++)
		chars += (p[i] & 0xC0) != 0x80;
	return chars;
}

/* Newlines in p[0..n). */
static uint64_t count_newlines(const uint8_t *p, size_t n)
{
	return lg_count_byte(p, n, '\n');
}

#if defined(__SSE2__)
/* The sum of v's sixteen bytes. */
static unsigned sum_bytes(__m128i v)
{
	__m128i sad = _mm_sad_epu8(v, _mm_setzero_si128());
	return (unsigned)_mm_cvtsi128_si32(sad) +
	       (unsigned)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sad, sad));
}

/* A block's newlines (bits in nl) to *line, and *col to the characters
 * after the last of them: starts has a bit for each byte that begins a
 * character (not 10xxxxxx). */
static inline void block_lines(unsigned nl, unsigned starts, uint64_t *line,
			       uint64_t *col)
{
	if (nl) {
		*line += lg_pop16(nl);
		*col = 0;
		starts &= ~0u << (32 - __builtin_clz(nl));
	}
	*col += lg_pop16(starts);
}
#endif

/* The newlines in p[0..n) (added to *line) and the characters after the
 * last of them (to *col, which starts over at each newline), in one pass:
 * the short gaps between the findings of a dense text, sixteen bytes at a
 * time. A block without a newline only adds up its continuation bytes,
 * bytewise. Reads p[0..n), and a whole block at the end where readable
 * (the bytes that may be read from p on) allows. */
static inline __attribute__((always_inline)) void
lines_and_column(const uint8_t *p, size_t n, size_t readable, uint64_t *line,
		 uint64_t *col)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i nlv = _mm_set1_epi8('\n'), c0 = _mm_set1_epi8((char)0xC0);
	__m128i conts = _mm_setzero_si128(); /* per byte, < 255 blocks */
	unsigned nconts = 0;
	uint64_t c = *col;
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned nl =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nlv));
		/* signed: the continuation bytes 80..BF are below C0 */
		__m128i cont = _mm_cmplt_epi8(v, c0);
		if (!nl) {
			conts = _mm_sub_epi8(conts, cont);
			c += 16;
			if (++nconts == 255) {
				c -= sum_bytes(conts);
				conts = _mm_setzero_si128();
				nconts = 0;
			}
			continue;
		}
		conts = _mm_setzero_si128();
		nconts = 0;
		block_lines(nl, ~(unsigned)_mm_movemask_epi8(cont) & 0xFFFFu,
			    line, &c);
	}
	c -= sum_bytes(conts);
	if (i < n && readable - i >= 16) { /* the last few, masked */
		unsigned in = (1u << (n - i)) - 1;
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned nl =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nlv));
		unsigned cont =
		    (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, c0));
		block_lines(nl & in, ~cont & in, line, &c);
		i = n;
	}
	*col = c;
#else
	(void)readable;
#endif
	for (; i < n; i++) {
		if (p[i] == '\n') {
			(*line)++;
			*col = 0;
		} else {
			*col += (p[i] & 0xC0) != 0x80;
		}
	}
}

#if defined(__x86_64__)
/* lines_and_column with AVX-512BW, in one pass over the gap from its end
 * back: sixty-four bytes a step, the characters counted (their starts as
 * a mask register) only after the gap's last newline, then its newlines
 * alone. The step at the gap's start is a masked load (nothing before p
 * is read). A sparse text's gap of kilobytes was three passes (newlines
 * counted, the last found by memrchr, its line's characters counted),
 * and a dense text's gap of a few hundred bytes was three calls. */
__attribute__((target("avx512f,avx512bw,bmi2,popcnt"))) static void
lines_and_column_avx512(const uint8_t *p, size_t n, uint64_t *line,
			uint64_t *col)
{
	const __m512i nlv = _mm512_set1_epi8('\n'),
		      c0 = _mm512_set1_epi8((char)0xC0);
	uint64_t chars = 0;
	size_t i = n; /* p[i..n) looked at */
	for (;;) {
		if (i == 0) { /* no newline: the line goes on */
			*col += chars;
			return;
		}
		size_t take = i < 64 ? i : 64;
		__mmask64 in = _bzhi_u64(~0ULL, (unsigned)take);
		__m512i v = _mm512_maskz_loadu_epi8(in, p + i - take);
		/* signed: the continuation bytes 80..BF are below C0 */
		uint64_t starts = ~_mm512_cmplt_epi8_mask(v, c0) & in;
		uint64_t nl = _mm512_cmpeq_epi8_mask(v, nlv) & in;
		i -= take;
		if (nl) {
			unsigned last = 63u - (unsigned)__builtin_clzll(nl);
			if (last < 63)
				chars += (uint64_t)__builtin_popcountll(
				    starts >> (last + 1));
			*col = chars;
			*line += (uint64_t)__builtin_popcountll(nl);
			break;
		}
		chars += (uint64_t)__builtin_popcountll(starts);
	}
	/* before the last newline's block: newlines only, p[0..i) */
	uint64_t lines = 0;
	size_t j = 0;
	for (; j + 64 <= i; j += 64)
		lines += (uint64_t)__builtin_popcountll(_mm512_cmpeq_epi8_mask(
		    _mm512_loadu_si512((const void *)(p + j)), nlv));
	if (j < i) {
		__mmask64 in = _bzhi_u64(~0ULL, (unsigned)(i - j));
		lines +=
		    (uint64_t)__builtin_popcountll(_mm512_mask_cmpeq_epi8_mask(
			in, _mm512_maskz_loadu_epi8(in, p + j), nlv));
	}
	*line += lines;
}
#endif

#if defined(__x86_64__)
/* The newlines in the bits of `in` of the thirty-two bytes at q. */
__attribute__((target("avx2,popcnt"))) static inline unsigned
newlines32(const uint8_t *q, uint32_t in)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)q);
	uint32_t nl = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
	return (unsigned)__builtin_popcount(nl & in);
}

/* lines_and_column_avx512 with AVX2, for a CPU without AVX-512BW: the
 * same pass from the gap's end back, thirty-two bytes a step. Without
 * masked loads, the block at the gap's start is the thirty-two bytes
 * from p (readable: 32 or more) with the bits past the gap dropped, and
 * the newlines before the last one's block end on a block that overlaps
 * the ones counted. One pass where lines_and_column took sixteen bytes
 * a step and a longer gap three (the newlines, the last of them, its
 * line's characters). */
__attribute__((target("avx2,popcnt"))) static void
lines_and_column_avx2(const uint8_t *p, size_t n, uint64_t *line, uint64_t *col)
{
	const __m256i nlv = _mm256_set1_epi8('\n'),
		      c0 = _mm256_set1_epi8((char)0xC0);
	uint64_t chars = 0;
	size_t i = n; /* p[i..n) looked at */
	for (;;) {
		if (i == 0) { /* no newline: the line goes on */
			*col += chars;
			return;
		}
		const uint8_t *q = i >= 32 ? p + i - 32 : p;
		uint32_t in = i >= 32 ? ~0u : (1u << i) - 1;
		__m256i v = _mm256_loadu_si256((const __m256i *)q);
		/* signed: the continuation bytes 80..BF are below C0 */
		uint32_t starts =
		    ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(c0, v)) &
		    in;
		uint32_t nl =
		    (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nlv)) &
		    in;
		i = (size_t)(q - p);
		if (nl) {
			unsigned last = 31u - (unsigned)__builtin_clz(nl);
			if (last < 31)
				chars += (uint64_t)__builtin_popcount(
				    starts >> (last + 1));
			*col = chars;
			*line += (uint64_t)__builtin_popcount(nl);
			break;
		}
		chars += (uint64_t)__builtin_popcount(starts);
	}
	/* before the last newline's block: newlines only, p[0..i); the
	 * last few in the block ending at i, or below 32 the one at p */
	uint64_t lines = 0;
	size_t j = 0;
	for (; j + 32 <= i; j += 32)
		lines += newlines32(p + j, ~0u);
	if (j < i && i >= 32)
		lines += newlines32(p + i - 32, ~0u << (32 - (i - j)));
	else if (j < i)
		lines += newlines32(p, (1u << i) - 1);
	*line += lines;
}
#endif

/* The newlines in p[0..n) to *line and the column after them to *col
 * (readable: the bytes that may be read from p on). With AVX-512BW, one
 * pass of any gap (lines_and_column_avx512); with AVX2, the same with
 * thirty-two bytes a step where 32 can be read. Else a gap of 128 bytes or
 * more has its newlines counted by the wider pass of lg_count_byte and
 * only its last line's characters counted: cheaper from about 100 bytes
 * on (callgrind, both bench files). */
static inline __attribute__((always_inline)) void
walk_lines(const uint8_t *p, size_t n, size_t readable, uint64_t *line,
	   uint64_t *col)
{
#if defined(__x86_64__)
	if (lg_cpu() & LG_CPU_AVX512) {
		lines_and_column_avx512(p, n, line, col);
		return;
	}
	if (readable >= 32 && (lg_cpu() & LG_CPU_AVX2)) {
		lines_and_column_avx2(p, n, line, col);
		return;
	}
#endif
	if (n < 128) {
		lines_and_column(p, n, readable, line, col);
		return;
	}
	uint64_t lines = count_newlines(p, n);
	if (lines) {
		const uint8_t *last = memrchr(p, '\n', n);
		*line += lines;
		*col = count_chars(last + 1, (size_t)(p + n - (last + 1)));
	} else {
		*col += count_chars(p, n);
	}
}

/* Indexes the window's newlines up to win[upto]: the count before each
 * LINE_STEP boundary, taken while the text is fresh in the caches (just
 * read or copied in). The line cursor then starts from the boundary
 * before a finding instead of walking the kilobytes since the last one
 * (a sparse text's), which have left the caches by then. */
static void index_lines(lg_detect_stream *s, size_t upto)
{
	size_t i = s->nl_to;
	if (upto <= i || s->nl_off)
		return;
	uint32_t sum = s->nl_sum;
	size_t head = (LINE_STEP - i % LINE_STEP) % LINE_STEP;
	if (head) { /* to the next boundary */
		if (head > upto - i)
			head = upto - i;
		sum += (uint32_t)count_newlines(s->win + i, head);
		i += head;
		if (i % LINE_STEP == 0)
			s->nl_at[i / LINE_STEP] = sum;
	}
	if (i % LINE_STEP == 0)
		sum = lg_count_byte_steps(s->win + i, upto - i, '\n', LINE_STEP,
					  sum, s->nl_at + i / LINE_STEP + 1);
	s->nl_to = upto;
	s->nl_sum = sum;
}

/* Newlines in win[0, at), from the index (at <= nl_to). */
static uint32_t newlines_before(const lg_detect_stream *s, size_t at)
{
	size_t k = at - at % LINE_STEP;
	return s->nl_at[k / LINE_STEP] +
	       (uint32_t)count_newlines(s->win + k, at - k);
}

/* The cursor to window offset end by way of the index's boundary k before
 * it, when that is a step or more ahead of the cursor: only win[k, end)
 * is walked (the text since the last finding has left the caches; a
 * boundary is at most a step back), the cursor's own step to count its
 * newlines from the index, and the line before k only where no newline
 * follows it. False, nothing done, where the index does not reach. */
static __attribute__((noinline)) bool cursor_jump(lg_detect_stream *s,
						  size_t end)
{
	size_t at = (size_t)(s->cur_pos - s->base);
	size_t k = end - end % LINE_STEP;
	if (k > s->nl_to)
		k = s->nl_to - s->nl_to % LINE_STEP;
	if (k < at + LINE_STEP)
		return false;
	uint64_t tail = 0, col = 0;
	walk_lines(s->win + k, end - k, s->len - k, &tail, &col);
	uint64_t lines =
	    tail + s->nl_at[k / LINE_STEP] - newlines_before(s, at);
	if (!tail && lines) { /* the line at k began after the cursor */
		const uint8_t *last =
		    (const uint8_t *)memrchr(s->win + at, '\n', k - at);
		col += count_chars(last + 1, (size_t)(s->win + k - (last + 1)));
	} else if (!tail) { /* the cursor's line goes on past k */
		col += s->cur_col + count_chars(s->win + at, k - at);
	}
	s->cur_line += lines;
	s->cur_col = col;
	return true;
}

/* Moves the line cursor forward to absolute offset `to`: lines and the
 * column are counted once over all the text, never walked again, and a
 * gap of a step or more from the line index where it can. */
static void cursor_advance(lg_detect_stream *s, uint64_t to)
{
	size_t at = (size_t)(s->cur_pos - s->base);
	size_t n = (size_t)(to - s->cur_pos);
	if (n < LINE_STEP || s->nl_to < at + LINE_STEP ||
	    !cursor_jump(s, at + n))
		walk_lines(s->win + at, n, s->len - at, &s->cur_line,
			   &s->cur_col);
	s->cur_pos = to;
}

/* The candidates around cands[i] that its snippet may show: those within
 * a snippet's reach (24 characters of at most 4 bytes) on either side.
 * After the item another finding is one step however long it is: each
 * one shown carries the reach on by its length, or a finding past 96
 * bytes would be shown as plain text (its digits starred, no more). */
static lg_snippet_others neighbours(lg_detect_stream *s, size_t i, size_t n)
{
	const candidate *c = &s->cands[i];
	size_t lo = i, hi = i + 1;
	while (lo > 0 && s->cands[lo - 1].to + 96 > c->from)
		lo--;
	uint64_t reach = (uint64_t)c->to + 96;
	while (hi < n && s->cands[hi].from < reach) {
		reach += s->cands[hi].to - s->cands[hi].from;
		hi++;
	}
	return (lg_snippet_others){s, s->cands + lo, hi - lo};
}

/* Copies a kept value or mask (n < LG_VALUE_MAX bytes) and its NUL into
 * a finding's array, sixteen bytes at a time: a value is kept with
 * LG_VALUE_MAX bytes of room in its block (keep_value), a mask with as
 * many in s->masks (lg_mask_of), and the arrays are that long, so the
 * last block stays inside all three. Two calls of the library's copy
 * cost more (dense text: a finding every few hundred bytes). */
static inline void copy_kept(char *d, const char *src, size_t n)
{
#if defined(__SSE2__)
	_Static_assert(LG_VALUE_MAX % 16 == 0, "blocks end inside the room");
	for (size_t i = 0; i <= n; i += 16)
		_mm_storeu_si128((__m128i *)(d + i),
				 _mm_loadu_si128((const __m128i *)(src + i)));
#else
	memcpy(d, src, n + 1);
#endif
}

/* Fills in the finding field by field: the struct is large (its strings
 * are arrays) and only their used parts are written. */
static void emit(lg_detect_stream *s, size_t i, size_t n)
{
	candidate *c = &s->cands[i];
	lg_finding f;
	f.type = c->type;
	f.confidence = c->conf;
	f.offset = s->base + c->from;
	f.length = c->to - c->from;
	cursor_advance(s, f.offset);
	s->nl_emits++;
	f.line = s->cur_line;
	f.column = s->cur_col + 1;
	const label_range *rec = table_record_at(s, c->from);
	f.row =
	    f.line -
	    (rec ? count_newlines(s->win + rec->from, c->from - rec->from) : 0);
	f.value_len = c->value_len; /* the arrays are alike: no cut */
	copy_kept(f.value, c->value, c->value_len);
	size_t ml, cl;
	const char *m = lg_mask_of(s, c, &ml);
	copy_kept(f.masked, m, ml);
	if (!lg_region_snippet(s, s->cands, n, i, f.context, sizeof(f.context),
			       &cl)) {
		lg_snippet_others others = neighbours(s, i, n);
		cl = lg_context_snippet(s->win, s->len, c->from, c->to,
					f.masked, ml, &others, f.context,
					sizeof(f.context));
	}
	f.masked_len = (uint16_t)ml;
	f.context_len = (uint16_t)cl;
	if (s->fn && s->fn(&f, s->ud) != 0)
		s->stopped = true;
	s->last_end = s->base + c->to;
}

/* The detectors' patterns over the window: Hyperscan's database (with
 * the rests of split patterns), then email's matcher. */
static lg_status find_matches(scan_ctx *x)
{
	lg_detect_stream *s = x->s;
	s->nsplits = 0;
	if (s->len > 0 && s->det->db &&
	    hs_scan(s->det->db, (const char *)s->win, (unsigned)s->len, 0,
		    s->scratch, on_match, x) != HS_SUCCESS)
		return LG_EINTERNAL;
	take_splits(x);
	if ((s->det->types >> LG_EMAIL) & 1u)
		lg_email_ends(s->win, s->len, on_email, x);
	return s->oom ? LG_ENOMEM : LG_OK;
}

lg_status lg_detect_pattern_matches(lg_detect_stream *s)
{
	scan_ctx x = {s, {0, 0, s->len, s->len}, true};
	s->nraws = 0;
	return find_matches(&x);
}

/* The context a window builds around its own share (lg_share): before
 * it, enough for the snippets of findings starting up to 160 bytes before
 * own_lo (a snippet reaches 96 bytes back); after it, all but the last
 * bytes read, where a match could still run on past the window. */
#define CTX_BACK 256u
#define CTX_TAIL 64u
static lg_share window_share(const lg_detect_stream *s, uint64_t own_lo,
			     uint64_t own_hi, bool final)
{
	lg_share sh = {own_lo > CTX_BACK ? own_lo - CTX_BACK : 0, own_lo,
		       own_hi, final ? s->len : s->len - CTX_TAIL};
	if (sh.ctx_hi < own_hi)
		sh.ctx_hi = own_hi;
	return sh;
}

static lg_status scan_window(lg_detect_stream *s, bool final)
{
	uint64_t end = s->base + s->len;
	uint64_t own_hi = final ? end : (end > GUARD ? end - GUARD : 0);
	if (own_hi <= s->owned_from && !final)
		return LG_OK;
	s->nraws = s->nhits = s->ncands = 0;
	s->bare_memo.k = NULL;		/* learned of the last window's bytes */
	s->val_block = s->val_used = 0; /* the values go with the candidates */
	uint64_t own_lo = s->owned_from - s->base;
	/* tables first: they say where a table ends, which the column
	 * verdicts need, and may end this window's share before a header */
	if (s->base == 0 && s->owned_from == 0)
		table_detect_header(s);
	uint64_t rel_hi = table_scan_cells(s, own_lo, own_hi - s->base, final);
	own_hi = s->base + rel_hi;
	if (s->ncells)
		own_cells(s, own_hi);
	scan_ctx x = {s, window_share(s, own_lo, rel_hi, final), false};
	lg_status rc = find_matches(&x);
	if (rc != LG_OK)
		return rc;
	lg_number_runs(s, &x.sh);
	drop_repeated_raws(s);
	validate_raws(s);
	if (lg_labels_scan(s) != LG_OK)
		return LG_EINTERNAL;
	score_candidates(s);
	if (s->oom)
		return LG_ENOMEM;
	if (!order_candidates(s))
		return LG_ENOMEM;
	size_t n = resolve_overlaps(s->cands, s->ncands);
	postal_raises_addresses(s->cands, n);
	lg_region_reset(s); /* the candidates are new */
	for (size_t i = 0; i < n && !s->stopped; i++) {
		if (!s->cands[i].owned ||
		    s->base + s->cands[i].from < s->last_end)
			continue; /* context, or overlaps what the previous
				   * window reported */
		if (!s->nl_off && i + 1 < n)
			prefetch_finding(s, s->cands + i);
		emit(s, i, n);
	}
	/* later findings start at least MAX_MATCH before own_hi */
	uint64_t safe = own_hi > MAX_MATCH ? own_hi - MAX_MATCH : 0;
	if (safe > s->cur_pos)
		cursor_advance(s, safe);
	s->owned_from = own_hi;
	return LG_OK;
}

/* Drops what no later window needs. */
static void slide_window(lg_detect_stream *s)
{
	uint64_t keep_from =
	    s->owned_from > OVERLAP ? s->owned_from - OVERLAP : 0;
	if (keep_from > s->cur_pos)
		keep_from = s->cur_pos;
	if (keep_from <= s->base)
		return;
	/* findings under LINE_DENSE bytes apart on average are mostly
	 * walked to from the last one: the next window goes without the
	 * index, which would cost more than it saves */
	s->nl_off = s->nl_emits > s->len / LINE_DENSE;
	s->nl_emits = 0;
	size_t drop = (size_t)(keep_from - s->base);
	memmove(s->win, s->win + drop, s->len - drop);
	s->len -= drop;
	s->base = keep_from;
	/* the index starts over with the kept text, fresh from the move */
	s->nl_to = 0;
	s->nl_sum = 0;
}

uint8_t *lg_detect_room(lg_detect_stream *s, size_t *room)
{
	*room = s->cap - s->len;
	return s->win + s->len;
}

void lg_detect_fresh(lg_detect_stream *s, size_t n)
{
	index_lines(s, s->len + n);
}

void lg_detect_unfresh(lg_detect_stream *s)
{
	if (s->nl_to <= s->len)
		return;
	size_t k = s->len - s->len % LINE_STEP; /* indexed, and committed */
	s->nl_to = k;
	s->nl_sum = s->nl_at[k / LINE_STEP];
}

lg_status lg_detect_commit(lg_detect_stream *s, size_t n)
{
	s->len += n;
	index_lines(s, s->len);
	if (s->len < s->cap || s->stopped)
		return LG_OK;
	lg_status rc = scan_window(s, false);
	if (rc == LG_OK)
		slide_window(s);
	return rc;
}

lg_status lg_detect_feed(lg_detect_stream *s, const uint8_t *text, size_t n)
{
	while (n > 0 && !s->stopped) {
		size_t room;
		uint8_t *p = lg_detect_room(s, &room);
		size_t take = n < room ? n : room;
		memcpy(p, text, take);
		text += take;
		n -= take;
		lg_status rc = lg_detect_commit(s, take);
		if (rc != LG_OK)
			return rc;
	}
	return LG_OK;
}

lg_status lg_detect_end(lg_detect_stream *s)
{
	if (s->stopped)
		return LG_OK;
	lg_status rc = scan_window(s, true);
	if (rc == LG_OK)
		cursor_advance(s, s->base + s->len); /* every line counted */
	return rc;
}

bool lg_detect_tabular(const lg_detect_stream *s)
{
	return s->saw_table;
}

uint64_t lg_detect_newlines(const lg_detect_stream *s)
{
	return s->cur_line - 1;
}

void lg_detect_begin(lg_detect_stream *s, lg_finding_fn fn, void *ud)
{
	s->fn = fn;
	s->ud = ud;
	s->len = 0;
	s->base = s->owned_from = s->last_end = 0;
	s->cur_pos = 0;
	s->cur_line = 1;
	s->cur_col = 0;
	s->nl_to = 0;
	s->nl_sum = 0;
	s->nl_emits = 0;
	s->nl_off = false;
	s->stopped = s->oom = s->saw_table = false;
	s->ncells = 0;
	table_reset(s);
	lg_masks_reset(s);
	lg_region_reset(s);
}

void lg_detect_begin_after(lg_detect_stream *s, lg_finding_fn fn, void *ud,
			   size_t context)
{
	lg_detect_begin(s, fn, ud);
	/* the context's bytes are a window's overlap: read, not owned */
	s->owned_from = context;
}

lg_detect_stream *lg_detect_stream_new(const lg_detector *d)
{
	lg_detect_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->det = d;
	s->cap = CHUNK + OVERLAP + GUARD;
	/* read by every pass, between which the dictionaries, memos and
	 * Hyperscan's tables are: one huge page (lg_huge_alloc) */
	s->win = lg_huge_alloc(s->cap);
	s->nl_at = calloc(s->cap / LINE_STEP + 1, sizeof(*s->nl_at));
	s->morph = lg_morph_new(d);
	if (!s->win || !s->nl_at || (d->morph_model && !s->morph) ||
	    hs_clone_scratch(d->scratch, &s->scratch) != HS_SUCCESS ||
	    hs_clone_scratch(d->scratch, &s->rest_scratch) != HS_SUCCESS) {
		lg_detect_stream_free(s);
		return NULL;
	}
	lg_detect_begin(s, NULL, NULL);
	return s;
}

void lg_detect_stream_free(lg_detect_stream *s)
{
	if (!s)
		return;
	if (s->scratch)
		hs_free_scratch(s->scratch);
	if (s->rest_scratch)
		hs_free_scratch(s->rest_scratch);
	free(s->splits);
	lg_huge_free(s->win, s->cap);
	free(s->nl_at);
	free(s->raws);
	free(s->raw_slots);
	free(s->hits);
	free(s->ranges);
	free(s->notes);
	free(s->spans);
	free(s->span_cols);
	free(s->records);
	free(s->cands);
	free(s->cands_alt);
	for (size_t i = 0; i < s->nval_blocks; i++)
		free(s->val_blocks[i]);
	free(s->val_blocks);
	free(s->keys);
	lg_morph_free(s->morph);
	free(s);
}

lg_status lg_detect_buffer(const lg_detector *d, const uint8_t *text, size_t n,
			   lg_finding_fn fn, void *ud)
{
	lg_detect_stream *s = lg_detect_stream_new(d);
	if (!s)
		return LG_ENOMEM;
	lg_detect_begin(s, fn, ud);
	lg_status rc = lg_detect_feed(s, text, n);
	if (rc == LG_OK)
		rc = lg_detect_end(s);
	lg_detect_stream_free(s);
	return rc;
}
