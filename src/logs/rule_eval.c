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
	uint32_t *fired; /* correlations matched by the last event */
	size_t nfired;
	/* Bit sets of nwords words: the rules that matched this event, and
	 * per correlation (in cs order) the rules it reads, so that a
	 * correlation none of whose rules matched costs one AND. */
	uint64_t *mbits, *watch;
	size_t nwords;
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
	free(st->mbits);
	free(st->watch);
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
				bit_set(st->watch + k * st->nwords,
					c->refs[j].rules[r]);
	}
}

lg_rule_state *lg_rule_state_new(const lg_ruleset *rs, size_t max_groups)
{
	lg_rule_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->rs = rs;
	st->nrules = rs->nrules;
	st->matched = calloc(rs->nrules + 1, sizeof(bool));
	st->generates = calloc(rs->nrules + 1, sizeof(bool));
	st->cs = calloc(rs->ncorr + 1, sizeof(*st->cs));
	st->dets = calloc(rs->nrules + 1, sizeof(*st->dets));
	st->fired = calloc(rs->ncorr + 1, sizeof(*st->fired));
	st->nwords = rs->nrules / 64 + 1;
	st->mbits = calloc(st->nwords, sizeof(uint64_t));
	st->watch = calloc(st->nwords * (rs->ncorr + 1), sizeof(uint64_t));
	/* one pair is all a yes/no match needs, whatever the pattern */
	st->x.md = pcre2_match_data_create(1, NULL);
	st->x.nmemo = rs->nmemo;
	st->x.memo = calloc(rs->nmemo + 1, sizeof(*st->x.memo));
	if (!st->matched || !st->generates || !st->cs || !st->x.md ||
	    !st->x.memo || !st->dets || !st->mbits || !st->watch ||
	    !st->fired) {
		lg_rule_state_free(st);
		return NULL;
	}
	index_rules(st, rs);
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

/* Whether any rule that correlation k reads matched this event. */
static inline bool watched(const lg_rule_state *st, size_t k)
{
	const uint64_t *w = st->watch + k * st->nwords;
	uint64_t any = 0;
	for (size_t i = 0; i < st->nwords; i++)
		any |= w[i] & st->mbits[i];
	return any != 0;
}

static lg_status eval_corrs(lg_rule_state *st, const lg_log_event *ev,
			    lg_rule_hit_fn fn, void *ud)
{
	lg_status status = LG_OK;
	for (size_t k = 0; k < st->ncorr; k++) {
		if (!watched(st, k))
			continue;
		uint32_t ri = lr_corr_rule_index(st->cs[k]);
		const lr_rule *r = st->rs->rules[ri];
		uint64_t mask = ref_mask(&r->corr, st->matched);
		if (!mask)
			continue;
		lg_rule_hit h;
		int rc = lr_corr_update(st->cs[k], ev, mask, &h, &st->group,
					&st->evicted);
		if (rc < 0)
			status = LG_ENOMEM;
		if (rc <= 0)
			continue;
		st->matched[ri] = true; /* for correlations chained on it */
		bit_set(st->mbits, ri);
		st->fired[st->nfired++] = ri;
		if (!st->generates[ri])
			continue;
		hit_names(&h, r, ev);
		h.group = st->group.data ? st->group.data : "";
		if (fn(&h, ud) != 0)
			return LG_EIO;
	}
	return status;
}

lg_status lg_rules_eval(lg_rule_state *st, const lg_log_event *ev,
			lg_rule_hit_fn fn, void *ud)
{
	lr_eval_begin(&st->x);
	memset(st->mbits, 0, st->nwords * sizeof(uint64_t));
	for (size_t k = 0; k < st->nfired; k++) /* only this event's */
		st->matched[st->fired[k]] = false;
	st->nfired = 0;
	for (size_t j = 0; j < st->ndets; j++) {
		uint32_t i = st->dets[j];
		const lr_rule *r = st->rs->rules[i];
		const lr_detection *d = &r->det;
		/* the first gate inline: most detections stop there */
		bool m = (!d->ngate || lr_cond_match(d->gate[0], ev, &st->x)) &&
			 lr_detection_match(d, ev, &st->x);
		st->matched[i] = m;
		if (!m)
			continue;
		bit_set(st->mbits, i);
		if (st->generates[i] && detection_hit(r, ev, fn, ud) != 0)
			return LG_EIO;
	}
	/* windows need a time; an event without one only matches */
	if (ev->time_us == LG_TIME_NONE)
		return LG_OK;
	return eval_corrs(st, ev, fn, ud);
}
