/* rule_corr.c: Sigma correlations over a stream of events: per-group
 * sliding windows with bounded state (LRU groups, capped rings, merged
 * queues, hashed distinct values) and the hits they raise.
 *
 * leakguard extension: `baseline:` in an event_count or value_sum
 * correlation, { ratio: N, min: M, history: 7d }. Besides its condition,
 * the window's aggregate must then be at least M and at least N times the
 * group's own average over its previous completed windows within
 * `history` (a bulk export by a user who never exports much, a mail burst
 * from a sender who usually sends a few). Completed windows are the
 * group's tumbling windows of `timespan` (aligned to the epoch) in which
 * it had events; their totals are kept in 8 buckets of history/8 each,
 * so the history costs a fixed 8 entries per group. A group with no
 * completed window yet is judged by the condition and `min` alone; an
 * evicted group forgets its history. */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define NONE	     UINT32_MAX
#define SUM_CAP	     256 /* entries of a value_sum queue before merging */
#define HIST_BUCKETS 8
#define NFIRST	     (LG_HIT_MAX_EVIDENCE - 1)

typedef struct lr_evid {
	int64_t t;
	const char *src;
	uint64_t line;
} lr_evid;

typedef struct lr_valent { /* value_count: one distinct value */
	uint64_t h;
	int64_t t; /* last seen */
	uint32_t cnt;
} lr_valent;

typedef struct lr_sument { /* value_sum: one event or a merged run */
	int64_t t;	   /* the latest event's time */
	double v;
	uint32_t n;
} lr_sument;

typedef struct lr_hist {
	int64_t bucket;
	double sum;
	uint32_t nwin;
} lr_hist;

typedef struct lr_group { /* what every update reads first, then the rest */
	uint64_t key;
	uint32_t prev, next;   /* LRU list, most recent first */
	uint32_t n, head, cap; /* entries, ring head, allocated */
	uint32_t nfirst;
	union {
		lr_evid *ring;	 /* event_count */
		lr_valent *vals; /* value_count */
		lr_sument *sums; /* value_sum, event_count with baseline */
		lr_evid *steps;	 /* temporal: t = seen (or chain start) */
	} u;
	int64_t fired;	/* last event of a firing episode, INT64_MIN: none */
	int64_t last_t; /* its latest event */
	uint32_t *ix;	/* value_count: position + 1 per slot (vals_find) */
	uint32_t ixmask;
	int64_t cur_win; /* baseline: the tumbling window being filled */
	double cur_agg;
	lr_hist *hist;
	lr_evid first[NFIRST]; /* oldest contributing events kept */
} lr_group;

struct lr_corr_state {
	const lr_rule *rule;
	uint32_t index; /* of the rule in the set */
	lr_group *groups;
	uint32_t ngroups, groups_cap, max_groups;
	uint32_t *slots; /* group index + 1; 0 = empty */
	uint32_t mask;
	uint32_t lru_head, lru_tail;
};

/* ---- group table --------------------------------------------------------
 */
lr_corr_state *lr_corr_state_new(const lr_rule *r, uint32_t index,
				 size_t max_groups)
{
	lr_corr_state *cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	cs->rule = r;
	cs->index = index;
	cs->max_groups =
	    (uint32_t)(max_groups > (1u << 28) ? 1u << 28 : max_groups);
	cs->lru_head = cs->lru_tail = NONE;
	return cs;
}

static void group_data_free(lr_group *g)
{
	free(g->u.ring);
	free(g->hist);
	free(g->ix);
}

void lr_corr_state_free(lr_corr_state *cs)
{
	if (!cs)
		return;
	for (uint32_t i = 0; i < cs->ngroups; i++)
		group_data_free(&cs->groups[i]);
	free(cs->groups);
	free(cs->slots);
	free(cs);
}

uint32_t lr_corr_rule_index(const lr_corr_state *cs)
{
	return cs->index;
}

static void lru_unlink(lr_corr_state *cs, uint32_t i)
{
	lr_group *g = &cs->groups[i];
	if (g->prev != NONE)
		cs->groups[g->prev].next = g->next;
	else
		cs->lru_head = g->next;
	if (g->next != NONE)
		cs->groups[g->next].prev = g->prev;
	else
		cs->lru_tail = g->prev;
}

static void lru_push_front(lr_corr_state *cs, uint32_t i)
{
	lr_group *g = &cs->groups[i];
	g->prev = NONE;
	g->next = cs->lru_head;
	if (cs->lru_head != NONE)
		cs->groups[cs->lru_head].prev = i;
	cs->lru_head = i;
	if (cs->lru_tail == NONE)
		cs->lru_tail = i;
}

static void slot_insert(lr_corr_state *cs, uint64_t key, uint32_t gi)
{
	uint32_t i = (uint32_t)key & cs->mask;
	while (cs->slots[i])
		i = (i + 1) & cs->mask;
	cs->slots[i] = gi + 1;
}

/* Backward-shift deletion keeps linear probing free of tombstones. */
static void slot_delete(lr_corr_state *cs, uint32_t i)
{
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & cs->mask;
		if (!cs->slots[j])
			break;
		uint32_t home =
		    (uint32_t)cs->groups[cs->slots[j] - 1].key & cs->mask;
		bool in_range =
		    i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!in_range) {
			cs->slots[i] = cs->slots[j];
			i = j;
		}
	}
	cs->slots[i] = 0;
}

static uint32_t slot_find(const lr_corr_state *cs, uint64_t key)
{
	if (!cs->slots)
		return NONE;
	uint32_t i = (uint32_t)key & cs->mask;
	while (cs->slots[i]) {
		if (cs->groups[cs->slots[i] - 1].key == key)
			return i;
		i = (i + 1) & cs->mask;
	}
	return NONE;
}

static bool slots_grow(lr_corr_state *cs, uint32_t need)
{
	uint32_t cap = cs->slots ? cs->mask + 1 : 0;
	if ((uint64_t)need * 2 <= cap)
		return true;
	uint32_t nc = cap ? cap * 2 : 64;
	while ((uint64_t)need * 2 > nc)
		nc *= 2;
	uint32_t *s = calloc(nc, sizeof(uint32_t));
	if (!s)
		return false;
	free(cs->slots);
	cs->slots = s;
	cs->mask = nc - 1;
	for (uint32_t g = 0; g < cs->ngroups; g++)
		slot_insert(cs, cs->groups[g].key, g);
	return true;
}

static void group_clear(lr_group *g)
{
	g->n = g->head = g->nfirst = 0;
	g->fired = INT64_MIN;
	if (g->ix)
		memset(g->ix, 0, (g->ixmask + 1) * sizeof(*g->ix));
}

/* Takes the least recently updated group for a new key; `evicted`
 * counts the ones still holding a live window (NULL: it is stale). */
static uint32_t evict_lru(lr_corr_state *cs, uint64_t *evicted)
{
	uint32_t gi = cs->lru_tail;
	slot_delete(cs, slot_find(cs, cs->groups[gi].key));
	lru_unlink(cs, gi);
	lr_group *g = &cs->groups[gi];
	group_clear(g);
	g->cur_win = INT64_MIN;
	g->cur_agg = 0;
	if (g->hist)
		memset(g->hist, 0, HIST_BUCKETS * sizeof(lr_hist));
	if (evicted)
		(*evicted)++;
	return gi;
}

/* A group nothing of which is in any window any more (the timespan, or
 * the baseline's history, has passed since its last event) is reused
 * before the table grows: the table holds the groups active now, not
 * every actor of the day, which keeps it small and in cache. */
static bool lru_tail_stale(const lr_corr_state *cs, int64_t now)
{
	if (!cs->ngroups)
		return false;
	const lr_corr *c = &cs->rule->corr;
	int64_t keep = c->baseline && c->history_us > c->span_us ? c->history_us
								 : c->span_us;
	return cs->groups[cs->lru_tail].last_t < now - keep;
}

static uint32_t group_add(lr_corr_state *cs, uint64_t key, uint64_t *evicted,
			  int64_t now)
{
	uint32_t gi;
	if (lru_tail_stale(cs, now)) {
		gi = evict_lru(cs, NULL);
	} else if (cs->ngroups >= cs->max_groups) {
		gi = evict_lru(cs, evicted);
	} else {
		if (!slots_grow(cs, cs->ngroups + 1))
			return NONE;
		if (cs->ngroups == cs->groups_cap) {
			uint32_t nc = cs->groups_cap ? cs->groups_cap * 2 : 16;
			lr_group *q = realloc(cs->groups, nc * sizeof(*q));
			if (!q)
				return NONE;
			cs->groups = q;
			cs->groups_cap = nc;
		}
		gi = cs->ngroups++;
		memset(&cs->groups[gi], 0, sizeof(lr_group));
		cs->groups[gi].cur_win = INT64_MIN;
		cs->groups[gi].fired = INT64_MIN;
	}
	cs->groups[gi].key = key;
	slot_insert(cs, key, gi);
	lru_push_front(cs, gi);
	return gi;
}

/* The group of `key`, made most recent; NONE when memory is out. */
static uint32_t group_get(lr_corr_state *cs, uint64_t key, uint64_t *evicted,
			  int64_t now)
{
	uint32_t s = slot_find(cs, key);
	if (s == NONE)
		return group_add(cs, key, evicted, now);
	uint32_t gi = cs->slots[s] - 1;
	if (cs->lru_head != gi) {
		lru_unlink(cs, gi);
		lru_push_front(cs, gi);
	}
	return gi;
}

/* ---- keys ---------------------------------------------------------------
 */
#define FNV_BASIS 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* ASCII A-Z in the eight bytes of w made lowercase, all at once. */
static uint64_t lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t seven = w & ~high;
	uint64_t ge_a = seven + ones * (0x80 - 'A');
	uint64_t gt_z = seven + ones * (0x80 - 'Z' - 1);
	uint64_t upper = (ge_a ^ gt_z) & ~w & high;
	return w | (upper >> 2);
}

/* A case-insensitive hash, eight bytes a step: group keys (host, URL,
 * bytes) and values are hashed for every event a correlation sees. The
 * values are never kept beyond the run, so any good mix will do. */
static uint64_t hash_lower(uint64_t h, const char *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ lower8(w)) * 0xFF51AFD7ED558CCDULL;
		h ^= h >> 32;
	}
	if (i < n) {
		uint64_t w = 0;
		memcpy(&w, p + i, n - i);
		h = (h ^ lower8(w) ^ (uint64_t)(n - i) << 59) * FNV_PRIME;
		h ^= h >> 29;
	}
	return h;
}

/* Group values compare case-insensitively: "Alice" and "alice" are one
 * user; an absent field is the empty value. */
static uint64_t group_key(const lr_corr *c, const lg_log_event *ev)
{
	uint64_t h = FNV_BASIS;
	for (unsigned i = 0; i < c->ngroup; i++) {
		lg_slice s = lr_field_get(ev, &c->group[i]);
		h = hash_lower(h, s.p, s.p ? s.n : 0);
		h = (h ^ 0x1f) * FNV_PRIME; /* field separator */
	}
	return h;
}

static bool group_text(const lr_corr *c, const lg_log_event *ev, lg_buf *b)
{
	lg_buf_reset(b);
	bool ok = lg_buf_putc(b, '\0'); /* data non-NULL even when empty */
	lg_buf_reset(b);
	for (unsigned i = 0; ok && i < c->ngroup; i++) {
		const lr_fieldref *r = &c->group[i];
		lg_slice s = lr_field_get(ev, r);
		const char *name =
		    r->field >= 0 ? lg_field_name(r->field) : r->name;
		ok = (!i || lg_buf_putc(b, ',')) && lg_buf_puts(b, name) &&
		     lg_buf_putc(b, '=');
		/* the cookie is a credential: never in an alert */
		if (ok && r->field == LG_FLD_CS_COOKIE)
			ok = lg_buf_puts(b, "<hidden>");
		else if (ok && s.p)
			ok = lg_buf_append(b, s.p, s.n);
	}
	return ok;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* ---- windows ------------------------------------------------------------
 */
static void first_prune(lr_group *g, int64_t cut)
{
	uint32_t k = 0;
	while (k < g->nfirst && g->first[k].t <= cut)
		k++;
	if (k) {
		memmove(g->first, g->first + k,
			(g->nfirst - k) * sizeof(lr_evid));
		g->nfirst -= k;
	}
}

static void first_note(lr_group *g, const lr_evid *e, int64_t cut)
{
	first_prune(g, cut);
	if (g->nfirst < NFIRST)
		g->first[g->nfirst++] = *e;
}

/* Resizes a ring/queue to `nc` entries, oldest first at 0. */
static bool entries_resize(lr_group *g, uint32_t nc, size_t esz)
{
	char *q = malloc((size_t)nc * esz);
	if (!q)
		return false;
	char *old = (char *)g->u.ring;
	for (uint32_t i = 0; i < g->n; i++)
		memcpy(q + i * esz, old + ((g->head + i) % g->cap) * esz, esz);
	free(old);
	g->u.ring = (lr_evid *)q;
	g->cap = nc;
	g->head = 0;
	return true;
}

static uint32_t grown(uint32_t cap, uint32_t max, uint32_t min)
{
	uint32_t nc = cap ? cap * 2 : min;
	return nc > max ? max : nc;
}

/* event_count: the last `cap` timestamps are enough to decide. */
static bool ring_add(lr_group *g, uint32_t cap, const lr_evid *e, int64_t cut)
{
	while (g->n && g->u.ring[g->head].t <= cut) {
		g->head = (g->head + 1) % g->cap;
		g->n--;
	}
	if (g->n == g->cap && g->cap < cap &&
	    !entries_resize(g, grown(g->cap, cap, 4), sizeof(lr_evid)))
		return false;
	if (g->n == g->cap) { /* full: the oldest makes way */
		g->head = (g->head + 1) % g->cap;
		g->n--;
	}
	g->u.ring[(g->head + g->n) % g->cap] = *e;
	g->n++;
	return true;
}

/* value_count: distinct hashes with last-seen times, in an array, and an
 * index into it (linear probing, twice the array's size) so that a value
 * is found without reading them all: a crawler's group holds hundreds.
 * Values past the window are swept out only when the count matters
 * (vals_settle), so most events cost a probe, not a pass. */
static void ix_insert(lr_group *g, uint32_t pos)
{
	uint32_t i = (uint32_t)g->u.vals[pos].h & g->ixmask;
	while (g->ix[i])
		i = (i + 1) & g->ixmask;
	g->ix[i] = pos + 1;
}

/* (Re)builds the index for the array's capacity; false without memory
 * (the group then goes on without one). */
static bool ix_build(lr_group *g)
{
	uint32_t size = 16;
	while (size < 2 * g->cap)
		size *= 2;
	if (!g->ix || g->ixmask + 1 != size) {
		uint32_t *ix = realloc(g->ix, size * sizeof(*ix));
		if (!ix) {
			free(g->ix);
			g->ix = NULL;
			return false;
		}
		g->ix = ix;
		g->ixmask = size - 1;
	}
	memset(g->ix, 0, size * sizeof(*g->ix));
	for (uint32_t i = 0; i < g->n; i++)
		ix_insert(g, i);
	return true;
}

static uint32_t vals_find(const lr_group *g, uint64_t h)
{
	if (!g->ix) {
		for (uint32_t i = 0; i < g->n; i++)
			if (g->u.vals[i].h == h)
				return i;
		return NONE;
	}
	for (uint32_t i = (uint32_t)h & g->ixmask; g->ix[i];
	     i = (i + 1) & g->ixmask)
		if (g->u.vals[g->ix[i] - 1].h == h)
			return g->ix[i] - 1;
	return NONE;
}

/* Drops the values last seen at or before cut. */
static void vals_sweep(lr_group *g, int64_t cut)
{
	uint32_t n = g->n;
	for (uint32_t i = 0; i < g->n;) {
		if (g->u.vals[i].t <= cut)
			g->u.vals[i] = g->u.vals[--g->n];
		else
			i++;
	}
	if (g->n != n && g->ix)
		(void)ix_build(g);
}

static bool vals_add(lr_group *g, uint32_t cap, uint64_t h, int64_t now,
		     int64_t cut)
{
	uint32_t found = vals_find(g, h);
	if (found != NONE) {
		lr_valent *v = &g->u.vals[found];
		v->cnt = v->t <= cut ? 1 : v->cnt + 1; /* back after a gap */
		v->t = now;
		return true;
	}
	if (g->n == g->cap)
		vals_sweep(g, cut);
	if (g->n == g->cap && g->cap < cap) {
		if (!entries_resize(g, grown(g->cap, cap, 8),
				    sizeof(lr_valent)))
			return false;
		if (g->cap >= 16)
			(void)ix_build(g);
	}
	if (g->n < g->cap) {
		g->u.vals[g->n] = (lr_valent){h, now, 1};
		if (g->ix)
			ix_insert(g, g->n);
		g->n++;
		return true;
	}
	uint32_t oldest = 0; /* full of live values: the oldest makes way */
	for (uint32_t i = 1; i < g->n; i++)
		if (g->u.vals[i].t < g->u.vals[oldest].t)
			oldest = i;
	g->u.vals[oldest] = (lr_valent){h, now, 1};
	if (g->ix)
		(void)ix_build(g);
	return true;
}

/* Merges neighbours within ever coarser time buckets (a minute, two, …)
 * until half the queue is free: sums stay exact, times approximate. */
static void sums_merge(lr_group *g)
{
	lr_sument *s = g->u.sums;
	for (int64_t gran = 60 * 1000000LL; g->n > SUM_CAP / 2; gran *= 2) {
		uint32_t o = 0;
		for (uint32_t i = 0; i < g->n; i++) {
			if (o && floordiv(s[o - 1].t, gran) ==
				     floordiv(s[i].t, gran)) {
				s[o - 1].t =
				    s[i].t > s[o - 1].t ? s[i].t : s[o - 1].t;
				s[o - 1].v += s[i].v;
				s[o - 1].n += s[i].n;
			} else {
				s[o++] = s[i];
			}
		}
		g->n = o;
	}
}

static bool sums_add(lr_group *g, int64_t now, double v, int64_t cut)
{
	while (g->n && g->u.sums[g->head].t <= cut) {
		g->head++;
		g->n--;
	}
	if (g->head + g->n == g->cap) {
		if (g->head > 0) {
			memmove(g->u.sums, g->u.sums + g->head,
				g->n * sizeof(lr_sument));
			g->head = 0;
		} else if (g->cap < SUM_CAP) {
			if (!entries_resize(g, grown(g->cap, SUM_CAP, 8),
					    sizeof(lr_sument)))
				return false;
		} else {
			sums_merge(g);
		}
	}
	g->u.sums[g->head + g->n++] = (lr_sument){now, v, 1};
	return true;
}

static bool steps_init(lr_group *g, unsigned n)
{
	if (!g->u.steps) {
		g->u.steps = malloc(n * sizeof(lr_evid));
		if (!g->u.steps)
			return false;
		g->cap = n;
	}
	if (g->n == 0) {
		for (unsigned k = 0; k < n; k++)
			g->u.steps[k].t = INT64_MIN;
		g->n = 1; /* initialised; the steps say what was seen */
	}
	return true;
}

/* temporal: each rule's last sighting; temporal_ordered: per step, the
 * latest start of a chain that reached it, so the freshest chain wins. */
static void steps_add(lr_group *g, const lr_corr *c, uint64_t refmask,
		      const lr_evid *e, int64_t cut)
{
	lr_evid *st = g->u.steps;
	for (unsigned k = 0; k < c->nrefs; k++)
		if (st[k].t != INT64_MIN && st[k].t <= cut)
			st[k].t = INT64_MIN;
	for (unsigned k = c->nrefs; k-- > 0;) {
		if (!((refmask >> k) & 1))
			continue;
		if (c->type == LR_TEMPORAL || k == 0)
			st[k] = *e;
		else if (st[k - 1].t != INT64_MIN && st[k - 1].t >= st[k].t)
			st[k] = (lr_evid){st[k - 1].t, e->src, e->line};
	}
}

static unsigned steps_seen(const lr_group *g, const lr_corr *c)
{
	unsigned n = 0;
	for (unsigned k = 0; k < c->nrefs; k++)
		n += g->u.steps[k].t != INT64_MIN;
	return n;
}

/* ---- conditions and baseline --------------------------------------------
 */
static bool cmp_ok(const lr_corr *c, double x)
{
	unsigned m = c->cmp_mask;
	const double *v = c->cmp;
	return (!(m & 1u << LR_CMP_GT) || x > v[LR_CMP_GT]) &&
	       (!(m & 1u << LR_CMP_GTE) || x >= v[LR_CMP_GTE]) &&
	       (!(m & 1u << LR_CMP_LT) || x < v[LR_CMP_LT]) &&
	       (!(m & 1u << LR_CMP_LTE) || x <= v[LR_CMP_LTE]) &&
	       (!(m & 1u << LR_CMP_EQ) || x == v[LR_CMP_EQ]) &&
	       (!(m & 1u << LR_CMP_NEQ) || x != v[LR_CMP_NEQ]);
}

static int64_t hist_bucket_len(const lr_corr *c)
{
	int64_t b = c->history_us / HIST_BUCKETS;
	return b > 0 ? b : 1;
}

/* Closes the tumbling window when the event opens a new one. */
static bool base_add(lr_group *g, const lr_corr *c, int64_t now, double v)
{
	if (!g->hist && !(g->hist = calloc(HIST_BUCKETS, sizeof(lr_hist))))
		return false;
	int64_t w = floordiv(now, c->span_us);
	if (w != g->cur_win) {
		if (g->cur_win != INT64_MIN && g->cur_agg > 0) {
			int64_t b = floordiv(g->cur_win * c->span_us,
					     hist_bucket_len(c));
			lr_hist *h =
			    &g->hist[((b % HIST_BUCKETS) + HIST_BUCKETS) %
				     HIST_BUCKETS];
			if (h->bucket != b || !h->nwin)
				*h = (lr_hist){b, 0, 0};
			h->sum += g->cur_agg;
			h->nwin++;
		}
		g->cur_win = w;
		g->cur_agg = 0;
	}
	g->cur_agg += v;
	return true;
}

static bool base_ok(const lr_group *g, const lr_corr *c, int64_t now,
		    double agg)
{
	if (agg < c->base_min)
		return false;
	int64_t nb = floordiv(now, hist_bucket_len(c));
	double sum = 0;
	uint32_t nwin = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		const lr_hist *h = &g->hist[i];
		if (h->nwin && h->bucket > nb - HIST_BUCKETS &&
		    h->bucket <= nb) {
			sum += h->sum;
			nwin += h->nwin;
		}
	}
	return nwin == 0 || agg >= c->base_ratio * sum / nwin;
}

/* ---- hits ---------------------------------------------------------------
 */
static void evid_add(lg_rule_hit *h, const lr_evid *e, const lr_evid *cur)
{
	if (h->nevidence >= LG_HIT_MAX_EVIDENCE - 1 ||
	    (e->src == cur->src && e->line == cur->line && e->t == cur->t))
		return;
	h->evidence[h->nevidence++] = (lg_evidence){e->src, e->line};
}

/* Counts, span and evidence of a group whose condition became true. */
static void hit_fill(const lr_group *g, const lr_corr *c, const lr_evid *cur,
		     lg_rule_hit *h)
{
	h->first_us = cur->t;
	if (c->type == LR_EVENT_COUNT && !c->use_sum) {
		h->count = g->n;
		h->first_us = g->u.ring[g->head].t;
		for (uint32_t i = 0; i < g->n; i++)
			evid_add(h, &g->u.ring[(g->head + i) % g->cap], cur);
	} else if (c->type == LR_VALUE_COUNT) {
		h->distinct = g->n;
		for (uint32_t i = 0; i < g->n; i++) {
			h->count += g->u.vals[i].cnt;
			if (g->u.vals[i].t < h->first_us)
				h->first_us = g->u.vals[i].t;
		}
	} else if (c->type <= LR_VALUE_SUM) {
		for (uint32_t i = 0; i < g->n; i++) {
			h->count += g->u.sums[g->head + i].n;
			h->sum += g->u.sums[g->head + i].v;
		}
		if (g->n)
			h->first_us = g->u.sums[g->head].t;
		if (c->type == LR_EVENT_COUNT)
			h->sum = 0;
	} else {
		h->count = h->distinct = steps_seen(g, c);
		for (unsigned k = 0; k < c->nrefs; k++) {
			const lr_evid *s = &g->u.steps[k];
			if (s->t != INT64_MIN && s->t < h->first_us)
				h->first_us = s->t;
			if (s->t != INT64_MIN)
				evid_add(h, s, cur);
		}
	}
	if (c->type != LR_TEMPORAL && c->type != LR_TEMPORAL_ORDERED &&
	    !(c->type == LR_EVENT_COUNT && !c->use_sum))
		for (uint32_t i = 0; i < g->nfirst; i++)
			evid_add(h, &g->first[i], cur);
	if (g->nfirst && g->first[0].t < h->first_us)
		h->first_us = g->first[0].t;
	h->evidence[h->nevidence++] = (lg_evidence){cur->src, cur->line};
	h->last_us = cur->t;
}

static double sums_total(const lr_group *g)
{
	double s = 0;
	for (uint32_t i = 0; i < g->n; i++)
		s += g->u.sums[g->head + i].v;
	return s;
}

/* Makes g->n the exact count of values in the window when it decides
 * something: always, unless the condition is only gt/gte (a count that
 * fails it with expired values still in fails it without them) and the
 * group has not fired (a firing group reports its count). */
static void vals_settle(lr_group *g, const lr_corr *c, int64_t cut)
{
	bool lower = !(c->cmp_mask & ~(1u << LR_CMP_GT | 1u << LR_CMP_GTE));
	if (lower && g->fired == INT64_MIN && !cmp_ok(c, g->n))
		return;
	vals_sweep(g, cut);
}

/* Adds the event to its group's window and sets *agg to what the
 * condition judges; false when memory is out. */
static bool window_add(lr_group *g, const lr_corr *c, const lr_evid *e,
		       uint64_t refmask, double v, uint64_t vh, double *agg)
{
	int64_t cut = e->t - c->span_us;
	bool ok = true;
	switch (c->type) {
	case LR_EVENT_COUNT:
		ok = c->use_sum ? sums_add(g, e->t, 1, cut)
				: ring_add(g, c->cap, e, cut);
		*agg = c->use_sum ? sums_total(g) : g->n;
		break;
	case LR_VALUE_COUNT:
		ok = vals_add(g, c->cap, vh, e->t, cut);
		vals_settle(g, c, cut);
		*agg = g->n;
		break;
	case LR_VALUE_SUM:
		ok = sums_add(g, e->t, v, cut);
		*agg = sums_total(g);
		break;
	default:
		ok = steps_init(g, c->nrefs);
		if (ok)
			steps_add(g, c, refmask, e, cut);
		*agg = ok ? steps_seen(g, c) : 0;
		break;
	}
	/* the ring keeps its own evidence; the others keep the first */
	bool ring = c->type == LR_EVENT_COUNT && !c->use_sum;
	if (ok && !ring && c->type < LR_TEMPORAL)
		first_note(g, e, cut);
	if (ok && c->baseline)
		ok = base_add(g, c, e->t, v);
	return ok;
}

static bool fires(const lr_group *g, const lr_corr *c, int64_t now, double agg)
{
	if (c->type == LR_TEMPORAL_ORDERED)
		return g->u.steps[c->nrefs - 1].t != INT64_MIN;
	if (c->type == LR_TEMPORAL)
		return c->cmp_mask ? cmp_ok(c, agg) : agg == c->nrefs;
	if (!cmp_ok(c, agg))
		return false;
	return !c->baseline || base_ok(g, c, now, agg);
}

/* The value the event brings: false when it brings none (value_sum of a
 * field that is not a number, value_count of an absent field). */
static bool event_value(const lr_corr *c, const lg_log_event *ev, double *v,
			uint64_t *vh)
{
	*v = 1;
	*vh = 0;
	if (c->type != LR_VALUE_SUM && c->type != LR_VALUE_COUNT)
		return true;
	lg_slice s = lr_field_get(ev, &c->field);
	if (!s.p || !s.n)
		return false;
	if (c->type == LR_VALUE_COUNT) {
		*vh = hash_lower(FNV_BASIS, s.p, s.n);
		return true;
	}
	return lr_parse_number(s.p, s.n, v);
}

/* Once a group has fired, each further event of it within the timespan
 * of the last is a hit of its own (count 1, the window's distinct values
 * so far), which the caller merges into the open alert: 2,000 failed
 * logins read as one alert of 2,000, not one of 30 and silence. A gap
 * longer than the timespan ends the episode; the next needs the
 * condition again. */
static int continuation(lr_group *g, const lr_corr *c, const lr_evid *e,
			double v, const lg_log_event *ev, lg_rule_hit *h,
			lg_buf *group)
{
	memset(h, 0, sizeof(*h));
	h->span_us = c->span_us;
	h->no_actor = c->no_actor;
	h->count = 1;
	h->distinct = c->type == LR_VALUE_COUNT ? g->n : 0;
	h->sum = c->type == LR_VALUE_SUM ? v : 0;
	h->first_us = h->last_us = e->t;
	h->evidence[h->nevidence++] = (lg_evidence){e->src, e->line};
	g->fired = e->t;
	return group_text(c, ev, group) ? 1 : -1;
}

/* A firing episode ends after a quiet timespan: the window starts anew. */
static void episode_end(lr_group *g, const lr_corr *c, int64_t t)
{
	if (g->fired != INT64_MIN && t - g->fired > c->span_us)
		group_clear(g);
}

int lr_corr_update(lr_corr_state *cs, const lg_log_event *ev, uint64_t refmask,
		   lg_rule_hit *h, lg_buf *group, uint64_t *evicted)
{
	const lr_corr *c = &cs->rule->corr;
	double v, agg = 0;
	uint64_t vh;
	if (!event_value(c, ev, &v, &vh))
		return 0;
	uint32_t gi = group_get(cs, group_key(c, ev), evicted, ev->time_us);
	if (gi == NONE)
		return -1;
	lr_group *g = &cs->groups[gi];
	lr_evid e = {ev->time_us, ev->source, ev->line};
	episode_end(g, c, e.t);
	g->last_t = e.t;
	if (!window_add(g, c, &e, refmask, v, vh, &agg))
		return -1;
	if (g->fired != INT64_MIN)
		return continuation(g, c, &e, v, ev, h, group);
	if (!fires(g, c, e.t, agg))
		return 0;
	memset(h, 0, sizeof(*h));
	hit_fill(g, c, &e, h);
	h->span_us = c->span_us;
	h->no_actor = c->no_actor;
	if (!group_text(c, ev, group))
		return -1;
	g->fired = e.t;
	return 1;
}
