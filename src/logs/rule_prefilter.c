/* rule_prefilter.c: every case-insensitive `contains` value and keyword
 * of the rule set compiled into one Hyperscan database per field, so a
 * field is scanned once per event for all of them (the Suricata way),
 * instead of once per value per rule. */
#include <hs/hs.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

struct lr_prefilter {
	hs_database_t *db[LG_FLD_COUNT];
};

const lg_field lr_keyword_fields[4] = {LG_FLD_CS_URI_QUERY,
				       LG_FLD_CS_USER_AGENT, LG_FLD_CS_REFERER,
				       LG_FLD_URI_DECODED};

/* Calls fn for every condition of the detections in rules[first..]. */
static void each_cond(const lg_ruleset *rs, size_t first,
		      void (*fn)(lr_cond *c, void *ud), void *ud)
{
	for (size_t i = first; i < rs->nrules; i++) {
		const lr_detection *d = &rs->rules[i]->det;
		for (unsigned s = 0; !rs->rules[i]->is_corr && s < d->nsearch;
		     s++)
			for (unsigned a = 0; a < d->search[s].nsets; a++) {
				lr_andset *set = &d->search[s].sets[a];
				for (unsigned c = 0; c < set->ncond; c++)
					fn(&set->conds[c], ud);
			}
	}
}

static void number_cond(lr_cond *c, void *ud)
{
	uint32_t *npid = ud;
	if (!c->keywords && c->ref.field < 0)
		return; /* extras have no database */
	unsigned plain = 0, with = 0;
	for (unsigned i = 0; i < c->nvalues; i++) {
		lr_value *v = &c->values[i];
		if (v->cased)
			continue;
		if ((v->kind == LR_CONTAINS && v->n > 0) ||
		    (v->kind == LR_GLOB && v->req_n > 0))
			v->pid = ++*npid;
		plain += v->kind == LR_CONTAINS && v->pid;
		with += v->pid != 0;
	}
	/* the values' ids are consecutive: an OR of them is a range */
	if (with && with == c->nvalues) {
		c->pid_lo = c->values[0].pid;
		c->pid_hi = c->values[c->nvalues - 1].pid;
		c->pid_exact = plain == c->nvalues;
	}
}

void lr_prefilter_number(lg_ruleset *rs, size_t first)
{
	each_cond(rs, first, number_cond, &rs->npid);
}

/* The literals of one field's database. */
typedef struct lits {
	int field;
	const char **expr;
	size_t *len;
	unsigned *flags, *ids;
	unsigned n, cap;
	bool oom;
} lits;

static bool in_field(const lr_cond *c, int f)
{
	if (!c->keywords)
		return c->ref.field == f;
	for (unsigned k = 0; k < 4; k++)
		if ((int)lr_keyword_fields[k] == f)
			return true;
	return false;
}

static void collect_cond(lr_cond *c, void *ud)
{
	lits *l = ud;
	if (!in_field(c, l->field))
		return;
	for (unsigned i = 0; i < c->nvalues && !l->oom; i++) {
		const lr_value *v = &c->values[i];
		if (!v->pid)
			continue;
		if (l->n == l->cap) {
			unsigned nc = l->cap ? l->cap * 2 : 32;
			const char **e = realloc(l->expr, nc * sizeof(*e));
			l->expr = e ? e : l->expr;
			size_t *ln =
			    e ? realloc(l->len, nc * sizeof(*ln)) : NULL;
			l->len = ln ? ln : l->len;
			unsigned *fl =
			    ln ? realloc(l->flags, nc * sizeof(*fl)) : NULL;
			l->flags = fl ? fl : l->flags;
			unsigned *id =
			    fl ? realloc(l->ids, nc * sizeof(*id)) : NULL;
			l->ids = id ? id : l->ids;
			if (!id) {
				l->oom = true;
				return;
			}
			l->cap = nc;
		}
		bool g = v->kind == LR_GLOB;
		l->expr[l->n] = g ? v->req : v->s;
		l->len[l->n] = g ? v->req_n : v->n;
		l->flags[l->n] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
		l->ids[l->n++] = v->pid;
	}
}

static bool compile_field(const lg_ruleset *rs, int f, lr_prefilter *pf)
{
	lits l = {.field = f};
	each_cond(rs, 0, collect_cond, &l);
	bool ok = !l.oom;
	hs_database_t **db = &pf->db[f];
	if (ok && l.n) {
		hs_compile_error_t *ce = NULL;
		ok = hs_compile_lit_multi(l.expr, l.flags, l.ids, l.len, l.n,
					  HS_MODE_BLOCK, NULL, db,
					  &ce) == HS_SUCCESS;
		if (ce)
			hs_free_compile_error(ce);
	}
	free(l.expr);
	free(l.len);
	free(l.flags);
	free(l.ids);
	return ok;
}

void lr_prefilter_detach(lr_evalctx *x)
{
	lr_prefilter *pf = (lr_prefilter *)x->pf;
	if (pf)
		for (int f = 0; f < LG_FLD_COUNT; f++)
			if (pf->db[f])
				hs_free_database(pf->db[f]);
	free(pf);
	if (x->hs_scratch)
		hs_free_scratch(x->hs_scratch);
	free(x->bits);
	x->pf = NULL;
	x->hs_scratch = NULL;
	x->bits = NULL;
}

bool lr_prefilter_attach(lr_evalctx *x, const lg_ruleset *rs)
{
	if (rs->npid == 0)
		return true; /* nothing to scan for */
	lr_prefilter *pf = calloc(1, sizeof(*pf));
	x->nwords = rs->npid / 64 + 1;
	x->bits = calloc(x->nwords, sizeof(uint64_t));
	x->pf = pf;
	bool ok = pf && x->bits;
	hs_scratch_t *scratch = NULL;
	for (int f = 0; ok && f < LG_FLD_COUNT; f++) {
		ok = compile_field(rs, f, pf);
		if (ok && pf->db[f])
			ok =
			    hs_alloc_scratch(pf->db[f], &scratch) == HS_SUCCESS;
	}
	x->hs_scratch = scratch;
	if (!ok)
		lr_prefilter_detach(x);
	return ok;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned flags, void *ud)
{
	(void)from;
	(void)to;
	(void)flags;
	uint64_t *bits = ud;
	bits[id / 64] |= 1ull << (id % 64);
	return 0;
}

bool lr_prefilter_scan(lr_evalctx *x, const lg_log_event *ev, int f)
{
	if (!x->pf || !x->pf->db[f])
		return false;
	if (x->scanned[f] == x->gen)
		return true;
	if (x->bits_gen != x->gen) {
		memset(x->bits, 0, x->nwords * sizeof(uint64_t));
		x->bits_gen = x->gen;
	}
	lg_slice s = ev->f[f];
	if (s.p && s.n > UINT32_MAX)
		return false;
	if (s.p && hs_scan(x->pf->db[f], s.p, (unsigned)s.n, 0, x->hs_scratch,
			   on_match, x->bits) != HS_SUCCESS)
		return false;
	x->scanned[f] = x->gen;
	return true;
}

/* ---- shared conditions --------------------------------------------------
 */
/* Conditions are the same when every value compares the same way; the
 * prefilter ids differ but name equal literals of the same field, so
 * their answers agree too. */
static bool value_same(const lr_value *a, const lr_value *b)
{
	if (a->kind != b->kind || a->cased != b->cased ||
	    a->exists != b->exists || a->n != b->n ||
	    a->net.bits != b->net.bits || a->net.v4 != b->net.v4 ||
	    memcmp(a->net.addr, b->net.addr, sizeof(a->net.addr)) != 0 ||
	    memcmp(&a->num, &b->num, sizeof(a->num)) != 0)
		return false;
	if (a->n && (!a->s || !b->s || memcmp(a->s, b->s, a->n) != 0))
		return false;
	if (!a->glob_mask != !b->glob_mask)
		return false;
	return !a->glob_mask || !memcmp(a->glob_mask, b->glob_mask, a->n);
}

static bool cond_same(const lr_cond *a, const lr_cond *b)
{
	if (a->ref.field != b->ref.field || a->keywords != b->keywords ||
	    a->all != b->all || a->neg != b->neg || a->fold != b->fold ||
	    a->nvalues != b->nvalues || !a->pid_lo != !b->pid_lo ||
	    a->pid_exact != b->pid_exact)
		return false;
	if (a->ref.field < 0 &&
	    (a->ref.n != b->ref.n ||
	     lg_ascii_ncasecmp(a->ref.name, b->ref.name, a->ref.n) != 0))
		return false;
	for (unsigned i = 0; i < a->nvalues; i++)
		if (!value_same(&a->values[i], &b->values[i]))
			return false;
	return true;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ lr_lower(b[i])) * 1099511628211ULL;
	return h;
}

static uint64_t cond_hash(const lr_cond *c)
{
	uint64_t h = 14695981039346656037ULL;
	int f = c->ref.field;
	h = mix(h, &f, sizeof(f));
	if (f < 0)
		h = mix(h, c->ref.name, c->ref.n);
	unsigned k = c->keywords | c->all << 1 | c->neg << 2 | c->nvalues << 3;
	h = mix(h, &k, sizeof(k));
	for (unsigned i = 0; i < c->nvalues; i++) {
		const lr_value *v = &c->values[i];
		unsigned vk = v->kind | (unsigned)v->cased << 8;
		h = mix(h, &vk, sizeof(vk));
		if (v->s)
			h = mix(h, v->s, v->n);
	}
	return h;
}

typedef struct interner {
	const lr_cond **slot;
	uint32_t mask, next;
} interner;

static void count_cond(lr_cond *c, void *ud)
{
	(void)c;
	(*(size_t *)ud)++;
}

static void intern_cond(lr_cond *c, void *ud)
{
	interner *t = ud;
	bool re = false; /* a pattern is kept compiled, not as text */
	for (unsigned i = 0; i < c->nvalues; i++)
		re |= c->values[i].kind == LR_RE;
	uint32_t i = (uint32_t)cond_hash(c) & t->mask;
	while (!re && t->slot[i] && !cond_same(t->slot[i], c))
		i = (i + 1) & t->mask;
	if (!re && t->slot[i]) {
		c->memo = t->slot[i]->memo;
		return;
	}
	c->memo = t->next++;
	if (!re)
		t->slot[i] = c;
}

static void no_memo(lr_cond *c, void *ud)
{
	(void)ud;
	c->memo = LR_NO_MEMO;
}

void lr_plan(lg_ruleset *rs)
{
	size_t n = 0;
	each_cond(rs, 0, count_cond, &n);
	size_t cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	interner t = {calloc(cap, sizeof(*t.slot)), (uint32_t)(cap - 1), 0};
	if (t.slot && n < UINT32_MAX / 4) {
		each_cond(rs, 0, intern_cond, &t);
		rs->nmemo = t.next;
	} else {
		each_cond(rs, 0, no_memo, NULL);
		rs->nmemo = 0;
	}
	free(t.slot);
	for (size_t i = 0; i < rs->nrules; i++)
		if (!rs->rules[i]->is_corr)
			lr_gate_plan(&rs->rules[i]->det);
}
