/* engine.c: one Hyperscan pass over a window of text finds every pattern
 * and keyword; candidates are boundary-checked, validated, scored by the
 * nearest label around them, de-overlapped and reported in text order.
 *
 * Windows overlap so that a match across two feeds is found exactly once:
 * each window owns the matches that END in (owned_from, owned_to]; owned_to
 * stays GUARD bytes short of the window's end (to see what follows a match)
 * and the next window starts OVERLAP bytes before it (to see what precedes
 * it: the match itself and its keyword window). */
#include <hs.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect_int.h"
#include "engine_int.h"
#include "leakguard/text.h"

#define CHUNK	   (1u << 20)
#define MAX_MATCH  512u /* longest candidate, bytes */
#define MAX_BEFORE 256u /* longest keyword window before, bytes */
#define OVERLAP	   (MAX_MATCH + MAX_BEFORE + 256u)
#define GUARD	   160u /* keyword window after + boundary look-ahead */

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

static bool email_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (unsigned)((c | 0x20) - 'a') < 26u ||
	       strchr("._%+-", c) != NULL;
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
	uint64_t own_lo, own_hi; /* relative to window start */
} scan_ctx;

bool lg_vec_push(void **data, size_t *len, size_t *cap, size_t size,
		 const void *item)
{
	if (*len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		void *p = realloc(*data, ncap * size);
		if (!p)
			return false;
		*data = p;
		*cap = ncap;
	}
	memcpy((char *)*data + *len * size, item, size);
	(*len)++;
	return true;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ud)
{
	(void)flags;
	scan_ctx *x = ud;
	lg_detect_stream *s = x->s;
	const lg_detector *d = s->det;
	lg_type t = d->pattern_type[id];
	const lg_detector_def *def = &lg_detector_defs[t];
	const uint8_t *w = s->win, *hi = s->win + s->len;
	uint32_t f32 = (uint32_t)from, t32 = (uint32_t)to;
	if (def->extend && !def->extend(w, s->len, &f32, &t32))
		return 0;
	from = f32;
	to = t32;
	if (to <= x->own_lo || to > x->own_hi || to - from > MAX_MATCH)
		return 0;
	/* an anchored match starts with its label: only its end can touch a
	 * longer number */
	const uint8_t *lo = def->flags & LG_ANCHORED ? w + from : w;
	if ((def->flags & LG_DIGIT_RUN) &&
	    !digit_run_ok(lo, w + from, w + to, hi))
		return 0;
	if ((def->flags & LG_WORD) && !word_ok(t, lo, w + from, w + to, hi))
		return 0;
	raw_match m = {t, (uint32_t)from, (uint32_t)to};
	if (!lg_vec_push((void **)&s->raws, &s->nraws, &s->capraws, sizeof(m),
			 &m))
		s->oom = true;
	return 0;
}

/* ---- scoring
 * ------------------------------------------------------------------ */
/* Index of the first keyword hit that ends at or after `pos`. */
static size_t first_hit_from(const lg_detect_stream *s, uint32_t pos)
{
	size_t lo = 0, hi = s->nhits;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->hits[mid].to < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef struct label_view {
	uint32_t pos_dist[2]; /* nearest strong / weak positive */
	uint32_t neg_dist;    /* nearest negative */
	uint32_t
	    foreign_dist[2]; /* nearest label of another type: before/after */
} label_view;

#define FAR UINT32_MAX

/* A line break between keyword hit h and the value [st, en). */
static bool crosses_line(const uint8_t *w, const kw_hit *h, uint32_t st,
			 uint32_t en)
{
	if (h->to <= st)
		return memchr(w + h->to, '\n', st - h->to) != NULL;
	return h->from > en && memchr(w + en, '\n', h->from - en) != NULL;
}

/* Only separators between a's end and b: "JAN: " labels what follows. */
static bool only_separators(const uint8_t *w, uint32_t a, uint32_t b)
{
	while (a < b) {
		if (strchr(" \t:=#", w[a])) {
			a++;
		} else if (b - a >= 3 && (!memcmp(w + a, "：", 3) ||
					  !memcmp(w + a, "　", 3))) {
			a += 3;
		} else {
			return false;
		}
	}
	return true;
}

static void label_consider(label_view *v, const lg_keyword_list *k, lg_type t,
			   uint32_t dist, int side)
{
	bool mine = (k->types >> t) & 1u;
	if (!mine) {
		if (k->strength < LG_KW_NEGATIVE &&
		    dist < v->foreign_dist[side])
			v->foreign_dist[side] = dist;
		return;
	}
	if (k->strength >= LG_KW_NEGATIVE) {
		if (dist < v->neg_dist)
			v->neg_dist = dist;
		return;
	}
	/* a label of another field between this one and the value wins */
	uint32_t *slot = &v->pos_dist[k->strength == LG_KW_STRONG ? 0 : 1];
	if (dist < *slot)
		*slot = dist;
}

/* Collects the labels around [s, e) within the type's window (limited to
 * [lo, hi), e.g. the current line of a table). */
static void gather_labels(const lg_detect_stream *s, lg_type t, uint32_t st,
			  uint32_t en, uint32_t lo, uint32_t hi, label_view *v)
{
	const lg_detector_def *def = &lg_detector_defs[t];
	uint32_t wlo = st > def->before ? st - def->before : 0;
	uint32_t whi = en + def->after;
	if (wlo < lo)
		wlo = lo;
	if (whi > hi)
		whi = hi;
	*v = (label_view){{FAR, FAR}, FAR, {FAR, FAR}};
	/* positives count only when no other field's label sits between */
	label_view raw = *v;
	for (size_t i = first_hit_from(s, wlo); i < s->nhits; i++) {
		const kw_hit *h = &s->hits[i];
		if (h->to > whi + 64)
			break; /* hits come sorted by end; none later can fit */
		if (h->from >= whi)
			continue;
		const lg_keyword_list *k =
		    &lg_keyword_lists[s->det->kw_list[h->kw]];
		if (k->strength == LG_KW_NEGATIVE_DIRECT &&
		    !(h->to <= st && only_separators(s->win, h->to, st)))
			continue;
		/* a negative label names the value on its own line ("order
		 * #5086283" one line up says nothing of a phone number) */
		if (k->strength >= LG_KW_NEGATIVE &&
		    crosses_line(s->win, h, st, en))
			continue;
		if (h->to <= st && h->from >= wlo)
			label_consider(&raw, k, t, st - h->to, 0);
		else if (h->from >= en && h->to <= whi)
			label_consider(&raw, k, t, h->from - en, 1);
	}
	*v = raw;
	for (int k = 0; k < 2; k++) {
		if (v->pos_dist[k] != FAR &&
		    v->pos_dist[k] > v->foreign_dist[0] &&
		    v->pos_dist[k] > v->foreign_dist[1])
			v->pos_dist[k] = FAR;
	}
}

/* Confidence from labels; < 0 means: not reported at all. */
static double label_confidence(const lg_detector_def *def, const label_view *v,
			       int column, bool *negative)
{
	bool required = def->flags & LG_KW_REQUIRED;
	if (column > 0)
		return def->strong;
	if (column < 0) {
		*negative = true;
		return required ? -1 : (def->base < 0.2 ? def->base : 0.2);
	}
	uint32_t pos =
	    v->pos_dist[0] < v->pos_dist[1] ? v->pos_dist[0] : v->pos_dist[1];
	if (v->neg_dist != FAR && v->neg_dist < pos) {
		*negative = true;
		return required ? -1 : (def->base < 0.2 ? def->base : 0.2);
	}
	if (v->pos_dist[0] != FAR)
		return def->strong;
	if (v->pos_dist[1] != FAR)
		return def->weak > 0 ? def->weak : def->strong;
	return required ? -1 : def->base;
}

/* Base confidence refinements by what the validator learned; a label that
 * says the number is something else keeps the last word. */
static double kind_adjust(lg_type t, char kind, double conf, bool negative)
{
	/* T + 13 digits is an invoice registration number whatever the words
	 * around it (invoice, 請求書) say */
	if (t == LG_JP_CORPORATE_NUMBER && kind == 'T' && conf < 0.8)
		return 0.8;
	if (t == LG_JP_POSTAL_CODE && kind == 'b' &&
	    conf < lg_detector_defs[t].strong)
		return 0.3; /* seven bare digits: only under a postal label */
	if (negative)
		return conf;
	if (t == LG_JP_PHONE && kind == 'm' && conf < 0.7)
		return 0.7; /* an 11-digit 0X0 number is a personal phone */
	if (t == LG_JP_POSTAL_CODE && kind == 'p' && conf < 0.9)
		return 0.9; /* 〒 marks it */
	return conf;
}

/* ---- candidates
 * --------------------------------------------------------------- */
static bool push_candidate(lg_detect_stream *s, lg_type t, uint32_t st,
			   uint32_t en, double conf, const char *value)
{
	candidate c = {t, st, en, conf, {0}};
	snprintf(c.value, sizeof(c.value), "%s", value);
	if (!lg_vec_push((void **)&s->cands, &s->ncands, &s->capcands,
			 sizeof(c), &c)) {
		s->oom = true;
		return false;
	}
	return true;
}

/* Folds raw[from..to) and runs the type's validator. */
static bool run_validator(lg_detect_stream *s, lg_type t, uint32_t from,
			  uint32_t to, bool column, lg_candidate *c)
{
	memset(c, 0, sizeof(*c));
	c->raw = s->win + from;
	c->raw_len = to - from;
	c->fold_len =
	    lg_fold(c->raw, c->raw_len, s->fold, s->fold_map, sizeof(s->fold));
	c->fold = s->fold;
	c->map = s->fold_map;
	c->span_len = c->raw_len;
	c->from_column = column;
	return lg_detector_defs[t].validate(c);
}

static void evaluate_raw(lg_detect_stream *s, const raw_match *m)
{
	lg_candidate c;
	if (!run_validator(s, m->type, m->from, m->to, false, &c))
		return;
	const lg_detector_def *def = &lg_detector_defs[m->type];
	uint32_t st = m->from + (uint32_t)c.span_off;
	uint32_t en = st + (uint32_t)c.span_len;
	double conf;
	bool negative = false;
	if (def->flags & LG_ANCHORED) {
		conf = def->strong;
	} else {
		uint32_t lo = 0, hi = (uint32_t)s->len;
		int column = table_column_verdict(s, m->type, st, &lo, &hi);
		label_view v;
		gather_labels(s, m->type, st, en, lo, hi, &v);
		conf = label_confidence(def, &v, column, &negative);
	}
	if (conf < 0)
		return;
	conf = kind_adjust(m->type, c.kind, conf, negative) + c.adjust;
	if (conf > 1)
		conf = 1;
	if (conf + 1e-9 < s->det->min_confidence)
		return;
	push_candidate(s, m->type, st, en, conf, c.value);
}

/* A table cell under a header that names a keyword-gated type is checked
 * whole against that type (a 有効期限 column holds expiry dates). */
void lg_detect_column_cell(lg_detect_stream *s, lg_type t, uint32_t from,
			   uint32_t to)
{
	lg_candidate c;
	if (!run_validator(s, t, from, to, true, &c))
		return;
	double conf = lg_detector_defs[t].strong + c.adjust;
	if (conf > 1)
		conf = 1;
	if (conf + 1e-9 >= s->det->min_confidence)
		push_candidate(s, t, from + (uint32_t)c.span_off,
			       from + (uint32_t)(c.span_off + c.span_len), conf,
			       c.value);
}

static int cand_cmp(const void *a, const void *b)
{
	const candidate *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to > y->to ? -1 : 1;
	return (int)x->type - (int)y->type;
}

/* Of overlapping candidates keep the most confident (then the longest):
 * one item of text is one finding. */
static size_t resolve_overlaps(candidate *c, size_t n)
{
	if (n == 0)
		return 0;
	qsort(c, n, sizeof(*c), cand_cmp);
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
		c[out++] = c[i];
	}
	return out;
}

/* ---- reporting
 * ------------------------------------------------------------------ */
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

/* Newlines in p[0..n), sixteen bytes at a time. */
static uint64_t count_newlines(const uint8_t *p, size_t n)
{
	uint64_t lines = 0;
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		/* popcount of a 16-bit mask, without the libgcc call */
		m = m - ((m >> 1) & 0x5555);
		m = (m & 0x3333) + ((m >> 2) & 0x3333);
		m = (m + (m >> 4)) & 0x0F0F;
		lines += (m + (m >> 8)) & 0x1F;
	}
#endif
	for (; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

/* Moves the line cursor forward to absolute offset `to`: lines are
 * counted over all the text, a column only when a finding needs it. */
static void cursor_advance(lg_detect_stream *s, uint64_t to)
{
	const uint8_t *p = s->win + (s->cur_pos - s->base);
	size_t n = (size_t)(to - s->cur_pos);
	uint64_t lines = count_newlines(p, n);
	if (lines) {
		const uint8_t *last = memrchr(p, '\n', n);
		s->cur_line += lines;
		s->line_start = s->base + (uint64_t)(last - s->win) + 1;
		s->col_carry = 0;
	}
	s->cur_pos = to;
}

/* The 1-based column of absolute offset `at` (the cursor is there). */
static uint64_t cursor_column(const lg_detect_stream *s, uint64_t at)
{
	uint64_t from = s->line_start > s->base ? s->line_start : s->base;
	return s->col_carry +
	       count_chars(s->win + (from - s->base), (size_t)(at - from)) + 1;
}

static void emit(lg_detect_stream *s, const candidate *c)
{
	lg_finding f;
	memset(&f, 0, sizeof(f));
	f.type = c->type;
	f.confidence = c->conf;
	f.offset = s->base + c->from;
	f.length = c->to - c->from;
	cursor_advance(s, f.offset);
	f.line = s->cur_line;
	f.column = cursor_column(s, f.offset);
	snprintf(f.value, sizeof(f.value), "%s", c->value);
	lg_mask_value(c->type, c->value, f.masked, sizeof(f.masked));
	lg_context_snippet(s->win, s->len, c->from, c->to, f.masked, f.context,
			   sizeof(f.context));
	if (s->fn && s->fn(&f, s->ud) != 0)
		s->stopped = true;
	s->last_end = s->base + c->to;
}

/* ---- labels: keywords only where a candidate can use them --------------- */
typedef struct kw_ctx {
	lg_detect_stream *s;
	uint32_t base; /* window offset of the scanned range */
} kw_ctx;

static int on_keyword(unsigned id, unsigned long long from,
		      unsigned long long to, unsigned flags, void *ud)
{
	(void)flags;
	kw_ctx *k = ud;
	kw_hit h = {id, k->base + (uint32_t)from, k->base + (uint32_t)to};
	if (!lg_vec_push((void **)&k->s->hits, &k->s->nhits, &k->s->caphits,
			 sizeof(h), &h))
		k->s->oom = true;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const label_range *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* The label windows of this window's candidates, sorted and merged.
 * KW_MARGIN beyond each lets a keyword that ends inside a window be found
 * whole, and keeps the range's edge (where Hyperscan's \b sees a word
 * start) outside every window. */
#define KW_MARGIN 64u

static bool label_ranges(lg_detect_stream *s)
{
	s->nranges = 0;
	for (size_t i = 0; i < s->nraws; i++) {
		const lg_detector_def *def = &lg_detector_defs[s->raws[i].type];
		if (def->flags & LG_ANCHORED)
			continue; /* the label is part of the match */
		uint32_t lo = s->raws[i].from, hi = s->raws[i].to;
		lo = lo > def->before + KW_MARGIN ? lo - def->before - KW_MARGIN
						  : 0;
		hi = hi + def->after + KW_MARGIN;
		label_range r = {lo, hi < s->len ? hi : (uint32_t)s->len};
		if (!lg_vec_push((void **)&s->ranges, &s->nranges,
				 &s->capranges, sizeof(r), &r))
			return false;
	}
	if (s->nranges == 0)
		return true;
	qsort(s->ranges, s->nranges, sizeof(*s->ranges), range_cmp);
	size_t out = 0;
	for (size_t i = 1; i < s->nranges; i++) {
		label_range *last = &s->ranges[out];
		if (s->ranges[i].from <= last->to + KW_MARGIN) {
			if (s->ranges[i].to > last->to)
				last->to = s->ranges[i].to;
		} else {
			s->ranges[++out] = s->ranges[i];
		}
	}
	s->nranges = out + 1;
	return true;
}

/* Keyword hits in each range, in text order (sorted by end, as the
 * label look-ups need). */
static lg_status scan_labels(lg_detect_stream *s)
{
	if (!label_ranges(s)) {
		s->oom = true;
		return LG_OK;
	}
	for (size_t i = 0; i < s->nranges; i++) {
		kw_ctx k = {s, s->ranges[i].from};
		if (hs_scan(s->det->kw_db, (const char *)s->win + k.base,
			    s->ranges[i].to - k.base, 0, s->scratch, on_keyword,
			    &k) != HS_SUCCESS)
			return LG_EINTERNAL;
	}
	return LG_OK;
}

static lg_status scan_window(lg_detect_stream *s, bool final)
{
	uint64_t end = s->base + s->len;
	uint64_t own_hi = final ? end : (end > GUARD ? end - GUARD : 0);
	if (own_hi <= s->owned_from && !final)
		return LG_OK;
	s->nraws = s->nhits = s->ncands = 0;
	scan_ctx x = {s, s->owned_from - s->base, own_hi - s->base};
	if (s->len > 0 && s->det->db &&
	    hs_scan(s->det->db, (const char *)s->win, (unsigned)s->len, 0,
		    s->scratch, on_match, &x) != HS_SUCCESS)
		return LG_EINTERNAL;
	lg_number_runs(s, x.own_lo, x.own_hi);
	if (scan_labels(s) != LG_OK)
		return LG_EINTERNAL;
	if (s->base == 0 && s->owned_from == 0)
		table_detect_header(s);
	/* cells first: they find where a table ends, which the column
	 * verdicts of the raw matches need */
	table_scan_cells(s, x.own_lo, x.own_hi, final);
	for (size_t i = 0; i < s->nraws; i++)
		evaluate_raw(s, &s->raws[i]);
	if (s->oom)
		return LG_ENOMEM;
	size_t n = resolve_overlaps(s->cands, s->ncands);
	for (size_t i = 0; i < n && !s->stopped; i++) {
		if (s->base + s->cands[i].from < s->last_end)
			continue; /* overlaps what the previous window reported
				   */
		emit(s, &s->cands[i]);
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
	/* a line that began before what is dropped keeps its column count */
	if (s->line_start < keep_from) {
		uint64_t from =
		    s->line_start > s->base ? s->line_start : s->base;
		s->col_carry += count_chars(s->win + (from - s->base),
					    (size_t)(keep_from - from));
		s->line_start = keep_from;
	}
	size_t drop = (size_t)(keep_from - s->base);
	memmove(s->win, s->win + drop, s->len - drop);
	s->len -= drop;
	s->base = keep_from;
}

lg_status lg_detect_feed(lg_detect_stream *s, const uint8_t *text, size_t n)
{
	while (n > 0 && !s->stopped) {
		size_t room = s->cap - s->len;
		size_t take = n < room ? n : room;
		memcpy(s->win + s->len, text, take);
		s->len += take;
		text += take;
		n -= take;
		if (s->len == s->cap) {
			lg_status rc = scan_window(s, false);
			if (rc != LG_OK)
				return rc;
			slide_window(s);
		}
	}
	return LG_OK;
}

lg_status lg_detect_end(lg_detect_stream *s)
{
	if (s->stopped)
		return LG_OK;
	return scan_window(s, true);
}

void lg_detect_begin(lg_detect_stream *s, lg_finding_fn fn, void *ud)
{
	s->fn = fn;
	s->ud = ud;
	s->len = 0;
	s->base = s->owned_from = s->last_end = 0;
	s->cur_pos = 0;
	s->cur_line = 1;
	s->line_start = 0;
	s->col_carry = 0;
	s->stopped = s->oom = false;
	table_reset(s);
}

lg_detect_stream *lg_detect_stream_new(const lg_detector *d)
{
	lg_detect_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->det = d;
	s->cap = CHUNK + OVERLAP + GUARD;
	s->win = malloc(s->cap);
	if (!s->win ||
	    hs_clone_scratch(d->scratch, &s->scratch) != HS_SUCCESS) {
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
	free(s->win);
	free(s->raws);
	free(s->hits);
	free(s->ranges);
	free(s->cands);
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
