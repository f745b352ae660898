/* rule_eval.c: runs a rule set over events: every detection once per
 * event, then the correlations in dependency order, hits to a callback. */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

#define DEFAULT_MAX_GROUPS 100000

struct lg_rule_state {
	const lg_ruleset *rs;
	size_t nrules;
	bool *matched;	    /* per rule, for this event */
	bool *generates;    /* per rule, fixed when the state is made */
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
	if (st->x.md)
		pcre2_match_data_free(st->x.md);
	lr_prefilter_detach(&st->x);
	lg_buf_free(&st->group);
	free(st);
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
	/* one pair is all a yes/no match needs, whatever the pattern */
	st->x.md = pcre2_match_data_create(1, NULL);
	if (!st->matched || !st->generates || !st->cs || !st->x.md) {
		lg_rule_state_free(st);
		return NULL;
	}
	for (size_t i = 0; i < rs->nrules; i++)
		st->generates[i] = lr_rule_generates(rs->rules[i]);
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

static lg_status eval_corrs(lg_rule_state *st, const lg_log_event *ev,
			    lg_rule_hit_fn fn, void *ud)
{
	lg_status status = LG_OK;
	for (size_t k = 0; k < st->ncorr; k++) {
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
	for (size_t i = 0; i < st->nrules; i++) {
		const lr_rule *r = st->rs->rules[i];
		bool m = !r->is_corr && lr_detection_match(&r->det, ev, &st->x);
		st->matched[i] = m;
		if (m && st->generates[i] && detection_hit(r, ev, fn, ud) != 0)
			return LG_EIO;
	}
	/* windows need a time; an event without one only matches */
	if (ev->time_us == LG_TIME_NONE)
		return LG_OK;
	return eval_corrs(st, ev, fn, ud);
}
