/* labels.c: the labels around a candidate. Keywords are matched only in
 * the windows around a chunk's candidates; the label nearest a value
 * decides, Purview-style: a strong or weak keyword of its type raises its
 * confidence, a negative one (注文番号, tracking) or another field's label
 * in between takes it away, and a table column's name outranks both. */
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "engine_int.h"
#include "util/util.h"

/* ---- labels: keywords only where a candidate can use them --------------- */
typedef struct kw_ctx {
	lg_detect_stream *s;
	uint32_t base; /* window offset of the scanned range */
	uint32_t len;  /* its length */
} kw_ctx;

static bool word_byte(uint8_t c)
{
	return (c >= '0' && c <= '9') || (unsigned)((c | 0x20) - 'a') < 26u ||
	       c == '_';
}

/* A hit ends at `to` (range-relative) and is as long as its literal; an
 * ASCII keyword must stand as a word where it begins or ends with a
 * letter or digit, as \b would have it (the range's edges count as
 * word edges). */
static int on_keyword(unsigned id, unsigned long long from,
		      unsigned long long to, unsigned flags, void *ud)
{
	(void)flags;
	(void)from;
	kw_ctx *k = ud;
	const lg_detector *d = k->s->det;
	uint32_t end = (uint32_t)to, start = end - d->kw_len[id];
	const uint8_t *r = k->s->win + k->base;
	if ((d->kw_edge[id] & 1u) && start > 0 && word_byte(r[start - 1]))
		return 0;
	if ((d->kw_edge[id] & 2u) && end < k->len && word_byte(r[end]))
		return 0;
	kw_hit h = {d->kw_list[id], k->base + start, k->base + end};
	if (!lg_vec_push((void **)&k->s->hits, &k->s->nhits, &k->s->caphits,
			 sizeof(h), &h))
		k->s->oom = true;
	return 0;
}

/* Sorts r[0..n) by start into out[0..n); every start is below len. The
 * ranges come in a few runs already in order (the pattern matches, the
 * digit runs), interleaved: qsort's comparison call per pair was a sixth
 * of the label pass. A counting sort by the 1 KiB of window (or more, for
 * a longer window) each starts in, then an insertion sort that moves each
 * range only among the few in its bucket. Order among equal starts does
 * not matter: the ranges are only joined. */
#define SORT_BUCKETS 2048u

static void sort_ranges(const label_range *r, label_range *out, size_t n,
			size_t len)
{
	unsigned shift = 10;
	while ((len >> shift) >= SORT_BUCKETS)
		shift++;
	/* only the buckets the window reaches: a small file's few */
	size_t buckets = (len >> shift) + 1;
	uint32_t at[SORT_BUCKETS];
	memset(at, 0, buckets * sizeof(*at));
	for (size_t i = 0; i < n; i++)
		at[r[i].from >> shift]++;
	uint32_t sum = 0;
	for (size_t b = 0; b < buckets; b++) {
		uint32_t k = at[b];
		at[b] = sum;
		sum += k;
	}
	for (size_t i = 0; i < n; i++)
		out[at[r[i].from >> shift]++] = r[i];
	for (size_t i = 1; i < n; i++) {
		label_range x = out[i];
		size_t k = i;
		for (; k > 0 && out[k - 1].from > x.from; k--)
			out[k] = out[k - 1];
		out[k] = x;
	}
}

/* ---- windows whose keywords cannot matter -------------------------------
 * A candidate's score reads only the keywords of its own type's lists:
 * another field's label only cancels a positive one (gather_labels). A
 * window holding none of them scores as one without keywords, and needs
 * no scan; d->kw_need holds literals of which each such keyword holds one
 * (compile.c). Seven bare digits are a postal code only under a strong
 * postal label (kind_adjust), so only those lists matter to them. */
static const kw_need *need_of(const lg_detector *d, const candidate *c)
{
	bool strong_only = c->type == LG_JP_POSTAL_CODE && c->kind == 'b';
	return &d->kw_need[c->type][strong_only];
}

/* The bytes at p are literal w, ASCII letters in either case (as the
 * keyword database is caseless). */
static bool literal_at(const uint8_t *p, const char *w, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		uint8_t a = p[i], b = (uint8_t)w[i];
		if (a != b && !((unsigned)((b | 0x20) - 'a') < 26u &&
				(a | 0x20) == (b | 0x20)))
			return false;
	}
	return true;
}

/* One of the literals in `which` (bit j: k->lit[j]) lies wholly in
 * [from, to) with its pair at p. */
static bool need_found(const kw_need *k, const uint8_t *w, uint32_t from,
		       uint32_t to, uint32_t p, unsigned which)
{
	for (; which; which &= which - 1) {
		unsigned j = (unsigned)__builtin_ctz(which);
		uint32_t at = k->lit[j].at;
		if (p - from < at || p - at + k->lit[j].len > to)
			continue;
		if (literal_at(w + p - at, k->lit[j].word, k->lit[j].len))
			return true;
	}
	return false;
}

/* The literals whose pair may start at p (p + 1 inside the window). */
static unsigned pair_at(const kw_need *k, const uint8_t *w, uint32_t p)
{
	uint8_t x = w[p], y = w[p + 1];
	return k->nib[0][x & 15] & k->nib[1][x >> 4] & k->nib[2][y & 15] &
	       k->nib[3][y >> 4];
}

static bool may_hold_scalar(const kw_need *k, const uint8_t *w, uint32_t from,
			    uint32_t to)
{
	for (uint32_t p = from; p + 1 < to; p++) {
		unsigned m = pair_at(k, w, p);
		if (m && need_found(k, w, from, to, p, m))
			return true;
	}
	return false;
}

#if defined(__x86_64__)
/* need_found for each position p + i of a block whose bit i is set in
 * bits, which[i] its literals. */
static bool block_found(const kw_need *k, const uint8_t *w, uint32_t from,
			uint32_t to, uint32_t p, uint32_t bits,
			const uint8_t *which)
{
	for (; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctz(bits);
		if (need_found(k, w, from, to, p + i, which[i]))
			return true;
	}
	return false;
}

/* 16 positions at a time; the last block overlaps the one before it
 * rather than leaving a tail. Needs to - from >= 17: the second load
 * reads the byte after each position. */
__attribute__((target("ssse3"))) static bool
may_hold_ssse3(const kw_need *k, const uint8_t *w, uint32_t from, uint32_t to)
{
	const __m128i low = _mm_set1_epi8(0x0F), zero = _mm_setzero_si128();
	__m128i t[4];
	for (int i = 0; i < 4; i++)
		t[i] = _mm_loadu_si128((const __m128i *)k->nib[i]);
	uint32_t last = to - 17;
	for (uint32_t p = from;; p += 16) {
		if (p > last)
			p = last;
		__m128i x = _mm_loadu_si128((const __m128i *)(w + p));
		__m128i y = _mm_loadu_si128((const __m128i *)(w + p + 1));
		__m128i m = _mm_and_si128(
		    _mm_and_si128(
			_mm_shuffle_epi8(t[0], _mm_and_si128(x, low)),
			_mm_shuffle_epi8(
			    t[1], _mm_and_si128(_mm_srli_epi16(x, 4), low))),
		    _mm_and_si128(
			_mm_shuffle_epi8(t[2], _mm_and_si128(y, low)),
			_mm_shuffle_epi8(
			    t[3], _mm_and_si128(_mm_srli_epi16(y, 4), low))));
		unsigned bits =
		    ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(m, zero)) &
		    0xFFFFu;
		uint8_t which[16];
		_mm_storeu_si128((__m128i *)which, m);
		if (bits && block_found(k, w, from, to, p, bits, which))
			return true;
		if (p == last)
			return false;
	}
}

/* The same, 32 positions at a time; needs to - from >= 33. */
__attribute__((target("avx2"))) static bool
may_hold_avx2(const kw_need *k, const uint8_t *w, uint32_t from, uint32_t to)
{
	const __m256i low = _mm256_set1_epi8(0x0F),
		      zero = _mm256_setzero_si256();
	__m256i t[4];
	for (int i = 0; i < 4; i++)
		t[i] = _mm256_broadcastsi128_si256(
		    _mm_loadu_si128((const __m128i *)k->nib[i]));
	uint32_t last = to - 33;
	for (uint32_t p = from;; p += 32) {
		if (p > last)
			p = last;
		__m256i x = _mm256_loadu_si256((const __m256i *)(w + p));
		__m256i y = _mm256_loadu_si256((const __m256i *)(w + p + 1));
		__m256i m = _mm256_and_si256(
		    _mm256_and_si256(
			_mm256_shuffle_epi8(t[0], _mm256_and_si256(x, low)),
			_mm256_shuffle_epi8(
			    t[1],
			    _mm256_and_si256(_mm256_srli_epi16(x, 4), low))),
		    _mm256_and_si256(
			_mm256_shuffle_epi8(t[2], _mm256_and_si256(y, low)),
			_mm256_shuffle_epi8(
			    t[3],
			    _mm256_and_si256(_mm256_srli_epi16(y, 4), low))));
		uint32_t bits =
		    ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, zero));
		uint8_t which[32];
		_mm256_storeu_si256((__m256i *)which, m);
		if (bits && block_found(k, w, from, to, p, bits, which))
			return true;
		if (p == last)
			return false;
	}
}
#endif

/* Whether [from, to) may hold a keyword of need set k: false only when
 * it surely holds none. Hyperscan needs SSSE3, so a detector exists only
 * where it runs; the check is kept for the rule's sake. */
static bool may_hold(const kw_need *k, const uint8_t *w, uint32_t from,
		     uint32_t to)
{
	if (k->scan || to < from + 2)
		return true; /* too many literals, or an odd window: scanned */
#if defined(__x86_64__)
	unsigned cpu = lg_cpu();
	if ((cpu & LG_CPU_AVX2) && to - from >= 33)
		return may_hold_avx2(k, w, from, to);
	if ((cpu & LG_CPU_SSSE3) && to - from >= 17)
		return may_hold_ssse3(k, w, from, to);
#endif
	return may_hold_scalar(k, w, from, to);
}

static bool may_hold_memo(need_memo *m, const kw_need *k, const uint8_t *w,
			  uint32_t from, uint32_t to)
{
	uint32_t lo = from;
	if (m->k == k && from >= m->from && from <= m->to) {
		if (to <= m->to)
			return false;
		/* a literal ending past m->to starts after m->to - maxlen */
		uint32_t back =
		    m->to + 1 > k->maxlen ? m->to + 1 - k->maxlen : 0;
		lo = back > m->from ? back : m->from;
	} else {
		m->k = k;
		m->from = from;
	}
	/* true may come of a literal before `from`: the window is scanned,
	 * which only costs */
	if (may_hold(k, w, lo, to)) {
		m->k = NULL;
		return true;
	}
	m->to = to;
	return false;
}

static double kind_adjust(lg_type t, char kind, double conf, bool negative);

bool lg_bare_postal_moot(lg_detect_stream *s, uint32_t from, uint32_t to)
{
	const lg_detector *d = s->det;
	const lg_detector_def *def = &lg_detector_defs[LG_JP_POSTAL_CODE];
	uint32_t lo = 0, hi = (uint32_t)s->len;
	/* the most a label short of a strong one leaves them */
	double ceiling = kind_adjust(LG_JP_POSTAL_CODE, 'b', def->weak, false);
	if (d->kw_scan_all || ceiling + 1e-9 >= d->min_confidence ||
	    table_column_verdict(s, LG_JP_POSTAL_CODE, from, &lo, &hi) != 0)
		return false;
	/* the window note_window would give it, before a row narrows it */
	uint32_t wf = from > def->before ? from - def->before : 0;
	uint32_t wt =
	    to + def->after < s->len ? to + def->after : (uint32_t)s->len;
	return !may_hold_memo(&s->bare_memo, &d->kw_need[LG_JP_POSTAL_CODE][1],
			      s->win, wf, wt);
}

/* The label windows of this window's candidates, sorted and merged. Only
 * keywords wholly inside a candidate's window count (gather_labels), so
 * a range reaches one byte past each window, for the word-edge check of
 * a keyword at its edge (on_keyword); windows closer than KW_JOIN are
 * scanned as one. A value in a table column that decides it needs no
 * keywords, and one in a table row needs them only on its row: the
 * keyword scan costs some 7 instructions a byte, and in a table of
 * values a fifth of the windows went. */
#define KW_EDGE 1u
#define KW_JOIN 32u

/* Notes the window (or column verdict) of s->cands[i]; false when its
 * column decides and no keyword is needed. */
static bool note_window(lg_detect_stream *s, size_t i)
{
	const candidate *c = &s->cands[i];
	const lg_detector_def *def = &lg_detector_defs[c->type];
	uint32_t lo = 0, hi = (uint32_t)s->len;
	label_note *n = &s->notes[i];
	n->bare = false;
	n->column = table_column_verdict(s, c->type, c->from, &lo, &hi);
	if (n->column != 0)
		return false;
	n->from = c->from > def->before ? c->from - def->before : 0;
	n->to = c->to + def->after;
	if (n->from < lo)
		n->from = lo;
	if (n->to > hi)
		n->to = hi;
	return true;
}

static bool label_ranges(lg_detect_stream *s)
{
	need_memo memo = {NULL, 0, 0};
	s->nranges = 0;
	while (s->capnotes < s->ncands)
		if (!lg_vec_grow((void **)&s->notes, &s->capnotes,
				 sizeof(*s->notes)))
			return false;
	for (size_t i = 0; i < s->ncands; i++) {
		const candidate *c = &s->cands[i];
		if (c->scored ||
		    (lg_detector_defs[c->type].flags & LG_ANCHORED))
			continue; /* a cell, or the label is part of the match
				   */
		if (!note_window(s, i))
			continue;
		label_note *n = &s->notes[i];
		n->bare = !s->det->kw_scan_all &&
			  !may_hold_memo(&memo, need_of(s->det, c), s->win,
					 n->from, n->to);
		if (n->bare)
			continue;
		uint32_t hi = n->to + KW_EDGE;
		label_range r = {n->from > KW_EDGE ? n->from - KW_EDGE : 0,
				 hi < s->len ? hi : (uint32_t)s->len};
		if (!lg_vec_push((void **)&s->ranges, &s->nranges,
				 &s->capranges, sizeof(r), &r))
			return false;
	}
	if (s->nranges == 0)
		return true;
	/* the vector's second half is the sort's room */
	while (s->capranges < 2 * s->nranges)
		if (!lg_vec_grow((void **)&s->ranges, &s->capranges,
				 sizeof(*s->ranges)))
			return false;
	label_range *sorted = s->ranges + s->nranges;
	sort_ranges(s->ranges, sorted, s->nranges, s->len);
	/* joined from the sorted copy back into the first half */
	size_t out = 0;
	s->ranges[0] = sorted[0];
	for (size_t i = 1; i < s->nranges; i++) {
		label_range *last = &s->ranges[out];
		if (sorted[i].from <= last->to + KW_JOIN) {
			if (sorted[i].to > last->to)
				last->to = sorted[i].to;
		} else {
			s->ranges[++out] = sorted[i];
		}
	}
	s->nranges = out + 1;
	return true;
}

/* Keyword hits in each range, in text order (sorted by end, as the
 * label look-ups need). */
lg_status lg_labels_scan(lg_detect_stream *s)
{
	if (!label_ranges(s)) {
		s->oom = true;
		return LG_OK;
	}
	for (size_t i = 0; i < s->nranges; i++) {
		kw_ctx k = {s, s->ranges[i].from,
			    s->ranges[i].to - s->ranges[i].from};
		if (hs_scan(s->det->kw_db, (const char *)s->win + k.base,
			    s->ranges[i].to - k.base, 0, s->scratch, on_keyword,
			    &k) != HS_SUCCESS)
			return LG_EINTERNAL;
	}
	return LG_OK;
}

/* ---- scoring
 * ------------------------------------------------------------------ */
/* Index of the first keyword hit that ends at or after `pos`. The
 * candidates come in a few runs in text order, so the last one's index
 * (*cursor) is near: from it, steps that double, then halving; a
 * binary search over the whole list per candidate was a fifth of the
 * scoring. */
static size_t first_hit_from(const lg_detect_stream *s, uint32_t pos,
			     size_t *cursor)
{
	size_t lo = 0, hi = *cursor < s->nhits ? *cursor : s->nhits;
	if (hi == 0 || s->hits[hi - 1].to < pos) {
		/* at or after the cursor: the answer is in [lo, hi] */
		lo = hi;
		for (size_t step = 1; hi < s->nhits && s->hits[hi].to < pos;
		     step *= 2) {
			lo = hi + 1;
			hi = s->nhits - hi > step ? hi + step : s->nhits;
		}
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->hits[mid].to < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	*cursor = lo;
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

/* Only separators between a's end and b: "JAN: " labels what follows;
 * with `lines`, line ends too (a form's label on the line above). */
static bool only_separators(const uint8_t *w, uint32_t a, uint32_t b,
			    bool lines)
{
	while (a < b) {
		if (strchr(" \t:=#", w[a]) ||
		    (lines && (w[a] == '\n' || w[a] == '\r'))) {
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

static inline void label_consider(label_view *v, const lg_keyword_list *k,
				  lg_type t, uint32_t dist, int side)
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

/* Whether hit h, a label of the seven bare digits [st, en), names them:
 * one before them on their line ("郵便番号 1600021", "ZIP: 1600021"), or
 * on a line above with nothing but separators between (a form). A postal
 * word elsewhere around an id is no label of it: "ZIP" in "fix a ZIP read
 * vulnerability" two lines below "Closes: #1023392"; nor is one with
 * another number between, which it may name ("maker-zip\t8.0.1\t1430417"
 * in a list of packages and their downloads). Other lists' hits (another
 * field's label, a negative word) count as they do for all. */
static bool label_of_bare(const uint8_t *w, const kw_hit *h,
			  const lg_keyword_list *k, lg_type t, uint32_t st,
			  uint32_t en, int side)
{
	if (!((k->types >> t) & 1u) || k->strength >= LG_KW_NEGATIVE)
		return true;
	if (side != 0)
		return false;
	for (uint32_t i = h->to; i < st; i++) {
		if (w[i] >= '0' && w[i] <= '9')
			return false;
	}
	return !crosses_line(w, h, st, en) ||
	       only_separators(w, h->to, st, true);
}

/* Collects the labels around [st, en) within its window [wlo, whi] (the
 * type's, limited to e.g. the current line of a table: note_window); with
 * `bare`, of seven bare digits (label_of_bare). */
static void gather_labels(const lg_detect_stream *s, lg_type t, uint32_t st,
			  uint32_t en, const label_note *n, size_t *cursor,
			  bool bare, label_view *v)
{
	uint32_t wlo = n->from, whi = n->to;
	*v = (label_view){{FAR, FAR}, FAR, {FAR, FAR}};
	/* positives count only when no other field's label sits between */
	label_view raw = *v;
	for (size_t i = first_hit_from(s, wlo, cursor); i < s->nhits; i++) {
		const kw_hit *h = &s->hits[i];
		if (h->to > whi + 64)
			break; /* hits come sorted by end; none later can fit */
		/* wholly before the value or wholly after it, in the window:
		 * where it is, before what it is (most hits are in no
		 * window's side but the next candidate's) */
		int side;
		if (h->to <= st && h->from >= wlo)
			side = 0;
		else if (h->from >= en && h->to <= whi)
			side = 1;
		else
			continue;
		const lg_keyword_list *k = &lg_keyword_lists[h->list];
		if (k->strength == LG_KW_NEGATIVE_DIRECT &&
		    !(side == 0 && only_separators(s->win, h->to, st, false)))
			continue;
		if (bare && !label_of_bare(s->win, h, k, t, st, en, side))
			continue;
		/* a negative label names the value on its own line ("order
		 * #5086283" one line up says nothing of a phone number) */
		if (k->strength >= LG_KW_NEGATIVE &&
		    crosses_line(s->win, h, st, en))
			continue;
		label_consider(&raw, k, t, side ? h->from - en : st - h->to,
			       side);
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

double lg_label_confidence(const lg_detect_stream *s, size_t i, size_t *cursor)
{
	const candidate *c = &s->cands[i];
	lg_type t = c->type;
	const lg_detector_def *def = &lg_detector_defs[t];
	if (def->flags & LG_ANCHORED)
		return def->strong; /* its label is part of the match */
	const label_note *n = &s->notes[i];
	label_view v = {{FAR, FAR}, FAR, {FAR, FAR}};
	bool negative = false;
	/* else the column alone decides, or no keyword would count */
	if (n->column == 0 && !n->bare)
		gather_labels(s, t, c->from, c->to, n, cursor,
			      t == LG_JP_POSTAL_CODE && c->kind == 'b', &v);
	double conf = label_confidence(def, &v, n->column, &negative);
	return conf < 0 ? conf : kind_adjust(t, c->kind, conf, negative);
}

size_t lg_keyword_at(const uint8_t *p, size_t n)
{
	size_t best = 0;
	for (size_t i = 0; i < lg_keyword_list_count; i++) {
		for (const char *const *w = lg_keyword_lists[i].words; *w;
		     w++) {
			size_t l = strlen(*w);
			if (l > best && l <= n &&
			    !lg_ascii_ncasecmp((const char *)p, *w, l))
				best = l;
		}
	}
	return best;
}
