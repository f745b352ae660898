/* rule_eval.c: runs a rule set over events: every detection once per
 * event, then the correlations in dependency order, hits to a callback. */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define DEFAULT_MAX_GROUPS 100000

struct lg_rule_state {
	const lg_ruleset *rs;
	size_t nrules;
	bool *matched;	 /* per rule, for this event */
	bool *generates; /* per rule, fixed when the state is made */
	uint32_t *dets;	 /* the detections' rule indices */
	size_t ndets;
	uint32_t *fired; /* rules matched by the last event */
	size_t nfired;
	/* Detections grouped by their first gate: one answer per group
	 * rejects all of its detections (bit j: dets[j]); `always` are
	 * those without a gate, `cand` this event's candidates. */
	const lr_cond **gate0;
	uint64_t *gmask, *always, *cand;
	size_t ngroups, dwords;
	/* Detections whose answers dc keeps per request (bit j: dets[j]),
	 * this event's matches, and per gate group whether it holds any
	 * detection outside the cache. */
	lr_dcache *dc;
	uint64_t *cached, *hits;
	bool *gfresh;
	/* Per rule, the correlations reading it (bit k: cs[k]), cwords
	 * words each; ccand: the correlations this event's matches feed,
	 * so the others cost nothing. */
	uint64_t *users, *ccand;
	size_t cwords;
	lr_corr_state **cs; /* in rs->corr_order */
	size_t ncorr;
	lg_buf group;
	uint64_t evicted;
	lr_evalctx x; /* last: its scratch is large */
};

void lg_rule_state_free(lg_rule_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->ncorr; i++)
		lr_corr_state_free(st->cs[i]);
	free(st->cs);
	free(st->matched);
	free(st->generates);
	free(st->dets);
	free(st->fired);
	free(st->gate0);
	free(st->gmask);
	free(st->always);
	free(st->cand);
	free(st->cached);
	free(st->hits);
	free(st->gfresh);
	lr_dcache_free(st->dc);
	free(st->users);
	free(st->ccand);
	free(st->x.memo);
	if (st->x.md)
		pcre2_match_data_free(st->x.md);
	lr_prefilter_detach(&st->x);
	lg_buf_free(&st->group);
	free(st);
}

static inline void bit_set(uint64_t *w, size_t i)
{
	w[i / 64] |= 1ull << (i % 64);
}

/* The detections to run and the rules each correlation reads. */
static void index_rules(lg_rule_state *st, const lg_ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		st->generates[i] = lr_rule_generates(rs->rules[i]);
		if (!rs->rules[i]->is_corr)
			st->dets[st->ndets++] = (uint32_t)i;
	}
	for (size_t k = 0; k < rs->ncorr; k++) {
		const lr_corr *c = &rs->rules[rs->corr_order[k]]->corr;
		for (unsigned j = 0; j < c->nrefs; j++)
			for (unsigned r = 0; r < c->refs[j].n; r++)
				bit_set(st->users +
					    c->refs[j].rules[r] * st->cwords,
					k);
	}
}

static bool same_gate(const lr_cond *a, const lr_cond *b)
{
	return a == b || (a->memo != LR_NO_MEMO && a->memo == b->memo);
}

static void group_gates(lg_rule_state *st)
{
	for (size_t j = 0; j < st->ndets; j++) {
		const lr_detection *d = &st->rs->rules[st->dets[j]]->det;
		if (!d->ngate) {
			bit_set(st->always, j);
			continue;
		}
		size_t g = 0;
		while (g < st->ngroups && !same_gate(st->gate0[g], d->gate[0]))
			g++;
		if (g == st->ngroups)
			st->gate0[st->ngroups++] = d->gate[0];
		bit_set(st->gmask + g * st->dwords, j);
		if (!(st->cached[j / 64] >> (j % 64) & 1))
			st->gfresh[g] = true;
	}
}

static bool state_alloc(lg_rule_state *st, const lg_ruleset *rs)
{
	size_t n = rs->nrules + 1;
	st->matched = calloc(n, sizeof(bool));
	st->generates = calloc(n, sizeof(bool));
	st->cs = calloc(rs->ncorr + 1, sizeof(*st->cs));
	st->dets = calloc(n, sizeof(*st->dets));
	st->fired = calloc(n, sizeof(*st->fired));
	st->dwords = n / 64 + 1;
	st->cwords = rs->ncorr / 64 + 1;
	st->users = calloc(st->cwords * n, sizeof(uint64_t));
	st->ccand = calloc(st->cwords, sizeof(uint64_t));
	st->gate0 = calloc(n, sizeof(*st->gate0));
	st->gmask = calloc(st->dwords * n, sizeof(uint64_t));
	st->always = calloc(st->dwords, sizeof(uint64_t));
	st->cand = calloc(st->dwords, sizeof(uint64_t));
	st->cached = calloc(st->dwords, sizeof(uint64_t));
	st->hits = calloc(st->dwords, sizeof(uint64_t));
	st->gfresh = calloc(n, sizeof(bool));
	/* one pair is all a yes/no match needs, whatever the pattern */
	st->x.md = pcre2_match_data_create(1, NULL);
	st->x.nmemo = rs->nmemo;
	st->x.memo = calloc(rs->nmemo + 1, sizeof(*st->x.memo));
	return st->matched && st->generates && st->cs && st->x.md &&
	       st->x.memo && st->dets && st->users && st->ccand && st->fired &&
	       st->gate0 && st->gmask && st->always && st->cand && st->cached &&
	       st->hits && st->gfresh;
}

lg_rule_state *lg_rule_state_new(const lg_ruleset *rs, size_t max_groups)
{
	lg_rule_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->rs = rs;
	st->nrules = rs->nrules;
	if (!state_alloc(st, rs)) {
		lg_rule_state_free(st);
		return NULL;
	}
	index_rules(st, rs);
	/* without the cache every detection runs on every event: slower,
	 * same answers */
	st->dc = lr_dcache_new(rs, st->dets, st->ndets, st->dwords, st->cached);
	group_gates(st);
	/* without the prefilter every value is searched on its own: slower,
	 * same answers */
	(void)lr_prefilter_attach(&st->x, rs);
	size_t cap = max_groups ? max_groups : DEFAULT_MAX_GROUPS;
	for (; st->ncorr < rs->ncorr; st->ncorr++) {
		uint32_t ri = rs->corr_order[st->ncorr];
		st->cs[st->ncorr] = lr_corr_state_new(rs->rules[ri], ri, cap);
		if (!st->cs[st->ncorr]) {
			lg_rule_state_free(st);
			return NULL;
		}
	}
	return st;
}

uint64_t lg_rule_state_evicted(const lg_rule_state *st)
{
	return st->evicted;
}

/* Bit j: refs[j] matched this event (the last bit stands for the rest:
 * only temporal types, at most 32 refs, need them apart). */
static uint64_t ref_mask(const lr_corr *c, const bool *matched)
{
	uint64_t m = 0;
	for (unsigned j = 0; j < c->nrefs; j++) {
		const lr_ref *r = &c->refs[j];
		for (unsigned k = 0; k < r->n; k++) {
			if (matched[r->rules[k]]) {
				m |= 1ull << (j < 63 ? j : 63);
				break;
			}
		}
	}
	return m;
}

static void hit_names(lg_rule_hit *h, const lr_rule *r, const lg_log_event *ev)
{
	h->rule_id = r->id ? r->id : r->title;
	h->title = r->title;
	h->title_ja = r->title_ja;
	h->severity = r->level;
	h->event = ev;
}

static int detection_hit(const lr_rule *r, const lg_log_event *ev,
			 lg_rule_hit_fn fn, void *ud)
{
	lg_rule_hit h;
	memset(&h, 0, sizeof(h));
	hit_names(&h, r, ev);
	h.first_us = h.last_us = ev->time_us;
	h.count = 1;
	h.group = "";
	h.nevidence = 1;
	h.evidence[0] = (lg_evidence){ev->source, ev->line};
	return fn(&h, ud);
}

/* Notes that rule i matched: the correlations reading it run. */
static inline void feeds(lg_rule_state *st, uint32_t i)
{
	st->matched[i] = true;
	st->fired[st->nfired++] = i;
	const uint64_t *u = st->users + (size_t)i * st->cwords;
	for (size_t w = 0; w < st->cwords; w++)
		st->ccand[w] |= u[w];
}

/* One correlation fed by this event; nonzero when the callback asked to
 * stop, *status set on out of memory. */
static int run_corr(lg_rule_state *st, size_t k, const lg_log_event *ev,
		    lg_rule_hit_fn fn, void *ud, lg_status *status)
{
	uint32_t ri = lr_corr_rule_index(st->cs[k]);
	const lr_rule *r = st->rs->rules[ri];
	uint64_t mask = ref_mask(&r->corr, st->matched);
	if (!mask)
		return 0;
	lg_rule_hit h;
	int rc =
	    lr_corr_update(st->cs[k], ev, mask, &h, &st->group, &st->evicted);
	if (rc < 0)
		*status = LG_ENOMEM;
	if (rc <= 0)
		return 0;
	feeds(st, ri); /* for correlations chained on it */
	if (!st->generates[ri])
		return 0;
	hit_names(&h, r, ev);
	h.group = st->group.data ? st->group.data : "";
	return fn(&h, ud) != 0;
}

/* In dependency order: a correlation that fires adds its users, which
 * come later in that order, to the candidates still to run. */
static lg_status eval_corrs(lg_rule_state *st, const lg_log_event *ev,
			    lg_rule_hit_fn fn, void *ud)
{
	lg_status status = LG_OK;
	for (size_t w = 0; w < st->cwords; w++) {
		while (st->ccand[w]) {
			size_t k =
			    w * 64 + (size_t)__builtin_ctzll(st->ccand[w]);
			st->ccand[w] &= st->ccand[w] - 1;
			if (run_corr(st, k, ev, fn, ud, &status))
				return LG_EIO;
		}
	}
	return status;
}

/* Sets st->cand to the detections whose first gate holds, leaving out
 * those whose answers are known (`known`). */
static void candidates(lg_rule_state *st, const lg_log_event *ev, bool known)
{
	for (size_t w = 0; w < st->dwords; w++)
		st->cand[w] = st->always[w] & (known ? ~st->cached[w] : ~0ull);
	for (size_t g = 0; g < st->ngroups; g++) {
		if (known && !st->gfresh[g])
			continue;
		if (!lr_cond_match(st->gate0[g], ev, &st->x))
			continue;
		const uint64_t *m = st->gmask + g * st->dwords;
		for (size_t w = 0; w < st->dwords; w++)
			st->cand[w] |= m[w] & (known ? ~st->cached[w] : ~0ull);
	}
}

/* The detections matching this event (st->hits): the request's cached
 * answers, when it was seen lately, and the others worked out. */
static void match_detections(lg_rule_state *st, const lg_log_event *ev)
{
	uint64_t *store = NULL;
	const uint64_t *known =
	    st->dc ? lr_dcache_find(st->dc, ev, &store) : NULL;
	candidates(st, ev, known != NULL);
	for (size_t w = 0; w < st->dwords; w++) {
		st->hits[w] = known ? known[w] : 0;
		for (uint64_t b = st->cand[w]; b; b &= b - 1) {
			unsigned j = (unsigned)__builtin_ctzll(b);
			const lr_rule *r = st->rs->rules[st->dets[w * 64 + j]];
			if (lr_detection_match(&r->det, ev, &st->x))
				st->hits[w] |= 1ull << j;
		}
		if (store)
			store[w] = st->hits[w] & st->cached[w];
	}
}

/* Feeds and reports this event's matches in rule order; nonzero when the
 * callback asked to stop. */
static int run_detections(lg_rule_state *st, const lg_log_event *ev,
			  lg_rule_hit_fn fn, void *ud)
{
	match_detections(st, ev);
	for (size_t w = 0; w < st->dwords; w++) {
		for (uint64_t b = st->hits[w]; b; b &= b - 1) {
			uint32_t i =
			    st->dets[w * 64 + (size_t)__builtin_ctzll(b)];
			feeds(st, i);
			if (st->generates[i] &&
			    detection_hit(st->rs->rules[i], ev, fn, ud))
				return 1;
		}
	}
	return 0;
}

void lg_rules_prefetch(lg_rule_state *st, const lg_log_event *ev)
{
	if (st->dc)
		lr_dcache_prefetch(st->dc, ev);
}

lg_status lg_rules_eval(lg_rule_state *st, const lg_log_event *ev,
			lg_rule_hit_fn fn, void *ud)
{
	lr_eval_begin(&st->x);
	memset(st->ccand, 0, st->cwords * sizeof(uint64_t));
	for (size_t k = 0; k < st->nfired; k++) /* only the last event's */
		st->matched[st->fired[k]] = false;
	st->nfired = 0;
	if (run_detections(st, ev, fn, ud) != 0)
		return LG_EIO;
	/* windows need a time; an event without one only matches */
	if (ev->time_us == LG_TIME_NONE)
		return LG_OK;
	return eval_corrs(st, ev, fn, ud);
}
