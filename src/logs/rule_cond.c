/* rule_cond.c: Sigma detection conditions ("selection and not 1 of
 * filter_*") parsed into a small tree with n-ary and/or, and evaluated
 * with short-circuit over the event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* Deeper nesting than this is no rule anyone writes; the limit keeps the
 * parser's and the evaluator's recursion off the end of the stack. */
#define COND_MAX_DEPTH 64

typedef enum tok_kind { T_END, T_LP, T_RP, T_WORD, T_BAD } tok_kind;

typedef struct cparse {
	lr_loadctx *cx;
	lr_detection *d;
	const char *s;
	size_t pos;
	int line;
	int depth;
	tok_kind tk;
	const char *tp;
	size_t tn;
	lr_node *nodes;
	unsigned nnodes, nodes_cap;
	uint32_t *list;
	unsigned nlist, list_cap;
	uint32_t *scratch; /* operands being collected, per nesting level */
	unsigned nscratch, scratch_cap;
} cparse;

static void next(cparse *p)
{
	const char *s = p->s;
	while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' ||
	       s[p->pos] == '\r')
		p->pos++;
	p->tp = s + p->pos;
	p->tn = 1;
	char c = s[p->pos];
	if (!c) {
		p->tk = T_END;
		p->tn = 0;
		return;
	}
	p->pos++;
	if (c == '(' || c == ')') {
		p->tk = c == '(' ? T_LP : T_RP;
		return;
	}
	if (c == '|') {
		p->tk = T_BAD;
		return;
	}
	while (s[p->pos] && !strchr(" \t\r\n()|", s[p->pos]))
		p->pos++;
	p->tk = T_WORD;
	p->tn = (size_t)(s + p->pos - p->tp);
}

static bool is_word(const cparse *p, const char *w)
{
	return p->tk == T_WORD && p->tn == strlen(w) &&
	       !lg_ascii_ncasecmp(p->tp, w, p->tn);
}

static bool grow(void **a, unsigned *cap, unsigned need, size_t elem)
{
	if (need <= *cap)
		return true;
	unsigned nc = *cap ? *cap * 2 : 16;
	while (nc < need)
		nc *= 2;
	void *q = realloc(*a, nc * elem);
	if (!q)
		return false;
	*a = q;
	*cap = nc;
	return true;
}

/* Appends a node; returns its index, or -1 when out of memory. */
static long add_node(cparse *p, lr_op op, uint32_t a, uint32_t b)
{
	if (!grow((void **)&p->nodes, &p->nodes_cap, p->nnodes + 1,
		  sizeof(lr_node)))
		return -1;
	p->nodes[p->nnodes] = (lr_node){op, a, b};
	return p->nnodes++;
}

static bool push_list(cparse *p, uint32_t v)
{
	if (!grow((void **)&p->list, &p->list_cap, p->nlist + 1,
		  sizeof(uint32_t)))
		return false;
	p->list[p->nlist++] = v;
	return true;
}

static bool push_scratch(cparse *p, uint32_t v)
{
	if (!grow((void **)&p->scratch, &p->scratch_cap, p->nscratch + 1,
		  sizeof(uint32_t)))
		return false;
	p->scratch[p->nscratch++] = v;
	return true;
}

static lg_status fail_here(cparse *p, const char *what)
{
	if (p->tk == T_BAD)
		return lr_fail(p->cx, p->line,
			       "'|' aggregations are obsolete in "
			       "Sigma 2: use a correlation document");
	if (p->tk == T_END)
		return lr_fail(p->cx, p->line,
			       "condition ends where %s was "
			       "expected",
			       what);
	return lr_fail(p->cx, p->line,
		       "unexpected '%.*s' in condition, "
		       "%s was expected",
		       (int)(p->tn > 40 ? 40 : p->tn), p->tp, what);
}

/* '*' matches any run: "filter_*", "*_login". */
static bool name_glob(const char *pat, size_t pn, const char *s)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0, sn = strlen(s);
	while (si < sn) {
		if (pi < pn && pat[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && pat[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && pat[pi] == '*')
		pi++;
	return pi == pn;
}

static lg_status parse_or(cparse *p, uint32_t *out);

/* "1 of selection_*", "all of them" */
static lg_status parse_of(cparse *p, bool all, uint32_t *out)
{
	next(p);
	if (!is_word(p, "of"))
		return fail_here(p, "'of'");
	next(p);
	if (p->tk != T_WORD)
		return fail_here(p, "a search pattern or 'them'");
	bool them = is_word(p, "them");
	unsigned start = p->nlist;
	for (unsigned i = 0; i < p->d->nsearch; i++) {
		const char *name = p->d->search[i].name;
		bool in = them ? name[0] != '_' : name_glob(p->tp, p->tn, name);
		if (in && !push_list(p, i))
			return LG_ENOMEM;
	}
	if (p->nlist == start)
		return lr_fail(p->cx, p->line,
			       "condition pattern '%.*s' "
			       "matches no search identifier",
			       (int)(p->tn > 60 ? 60 : p->tn), p->tp);
	long n = add_node(p, all ? LR_OP_ALL_OF : LR_OP_ONE_OF, start,
			  p->nlist - start);
	if (n < 0)
		return LG_ENOMEM;
	*out = (uint32_t)n;
	next(p);
	return LG_OK;
}

static lg_status parse_ident(cparse *p, uint32_t *out)
{
	for (unsigned i = 0; i < p->d->nsearch; i++) {
		const char *name = p->d->search[i].name;
		if (strlen(name) == p->tn && !memcmp(name, p->tp, p->tn)) {
			long n = add_node(p, LR_OP_REF, i, 0);
			if (n < 0)
				return LG_ENOMEM;
			*out = (uint32_t)n;
			next(p);
			return LG_OK;
		}
	}
	return lr_fail(p->cx, p->line,
		       "condition refers to '%.*s', which is not defined",
		       (int)(p->tn > 60 ? 60 : p->tn), p->tp);
}

static lg_status parse_unary(cparse *p, uint32_t *out)
{
	if (++p->depth > COND_MAX_DEPTH)
		return lr_fail(p->cx, p->line, "condition nested too deeply");
	lg_status st;
	if (is_word(p, "not")) {
		next(p);
		uint32_t a;
		st = parse_unary(p, &a);
		long n = st == LG_OK ? add_node(p, LR_OP_NOT, a, 0) : 0;
		if (n < 0)
			st = LG_ENOMEM;
		*out = (uint32_t)n;
	} else if (p->tk == T_LP) {
		next(p);
		st = parse_or(p, out);
		if (st == LG_OK && p->tk != T_RP)
			st = fail_here(p, "')'");
		if (st == LG_OK)
			next(p);
	} else if (is_word(p, "1") || is_word(p, "all") || is_word(p, "any")) {
		st = parse_of(p, is_word(p, "all"), out);
	} else if (p->tk == T_WORD && !is_word(p, "and") && !is_word(p, "or")) {
		st = parse_ident(p, out);
	} else {
		st = fail_here(p, "a search identifier");
	}
	p->depth--;
	return st;
}

/* Collects `sub (word sub)*` into one n-ary node. */
static lg_status parse_chain(cparse *p, const char *word, lr_op op,
			     lg_status (*sub)(cparse *, uint32_t *),
			     uint32_t *out)
{
	unsigned mark = p->nscratch;
	lg_status st;
	for (;;) {
		uint32_t a;
		if ((st = sub(p, &a)) != LG_OK)
			return st;
		if (!push_scratch(p, a))
			return LG_ENOMEM;
		if (!is_word(p, word))
			break;
		next(p);
	}
	unsigned n = p->nscratch - mark;
	if (n == 1) {
		*out = p->scratch[mark];
		p->nscratch = mark;
		return LG_OK;
	}
	unsigned start = p->nlist;
	for (unsigned i = 0; i < n; i++)
		if (!push_list(p, p->scratch[mark + i]))
			return LG_ENOMEM;
	p->nscratch = mark;
	long node = add_node(p, op, start, n);
	if (node < 0)
		return LG_ENOMEM;
	*out = (uint32_t)node;
	return LG_OK;
}

static lg_status parse_and(cparse *p, uint32_t *out)
{
	return parse_chain(p, "and", LR_OP_AND, parse_unary, out);
}

static lg_status parse_or(cparse *p, uint32_t *out)
{
	return parse_chain(p, "or", LR_OP_OR, parse_and, out);
}

/* Moves the parse's arrays into the file's arena. */
static lg_status cond_finish(cparse *p, uint32_t root)
{
	lr_detection *d = p->d;
	d->nodes = lr_alloc(p->cx, p->nnodes * sizeof(lr_node));
	d->list = lr_alloc(p->cx, (p->nlist + 1) * sizeof(uint32_t));
	if (!d->nodes || !d->list)
		return LG_ENOMEM;
	memcpy(d->nodes, p->nodes, p->nnodes * sizeof(lr_node));
	if (p->nlist)
		memcpy(d->list, p->list, p->nlist * sizeof(uint32_t));
	d->nnodes = p->nnodes;
	d->root = root;
	return LG_OK;
}

static lg_status cond_parse_all(cparse *p, const char *const *texts,
				const int *lines, unsigned ntexts)
{
	for (unsigned i = 0; i < ntexts; i++) {
		p->s = texts[i];
		p->pos = 0;
		p->line = lines[i];
		next(p);
		uint32_t root;
		lg_status st = parse_or(p, &root);
		if (st == LG_OK && p->tk != T_END)
			st = fail_here(p, "'and', 'or' or the end");
		if (st == LG_OK && !push_scratch(p, root))
			st = LG_ENOMEM;
		if (st != LG_OK)
			return st;
	}
	/* a list of conditions is OR-ed */
	unsigned start = p->nlist;
	for (unsigned i = 0; i < ntexts; i++)
		if (!push_list(p, p->scratch[i]))
			return LG_ENOMEM;
	uint32_t root = p->scratch[0];
	if (ntexts > 1) {
		long n = add_node(p, LR_OP_OR, start, ntexts);
		if (n < 0)
			return LG_ENOMEM;
		root = (uint32_t)n;
	}
	return cond_finish(p, root);
}

lg_status lr_cond_compile(lr_loadctx *cx, lr_detection *d,
			  const char *const *texts, const int *lines,
			  unsigned ntexts)
{
	if (ntexts == 0)
		return lr_fail(cx, 0, "no condition");
	cparse p = {.cx = cx, .d = d};
	lg_status st = cond_parse_all(&p, texts, lines, ntexts);
	if (st == LG_ENOMEM)
		snprintf(cx->err, cx->errlen, "%s: out of memory", cx->file);
	free(p.nodes);
	free(p.list);
	free(p.scratch);
	return st;
}

static bool eval(const lr_detection *d, uint32_t ni, const lg_log_event *ev,
		 lr_evalctx *x)
{
	const lr_node *n = &d->nodes[ni];
	const uint32_t *l = d->list + n->a;
	switch (n->op) {
	case LR_OP_REF:
		return lr_search_match(&d->search[n->a], ev, x);
	case LR_OP_NOT:
		return !eval(d, n->a, ev, x);
	case LR_OP_AND:
		for (uint32_t i = 0; i < n->b; i++)
			if (!eval(d, l[i], ev, x))
				return false;
		return true;
	case LR_OP_OR:
		for (uint32_t i = 0; i < n->b; i++)
			if (eval(d, l[i], ev, x))
				return true;
		return false;
	case LR_OP_ONE_OF:
		for (uint32_t i = 0; i < n->b; i++)
			if (lr_search_match(&d->search[l[i]], ev, x))
				return true;
		return false;
	case LR_OP_ALL_OF:
		for (uint32_t i = 0; i < n->b; i++)
			if (!lr_search_match(&d->search[l[i]], ev, x))
				return false;
		return true;
	}
	return false;
}

bool lr_detection_match(const lr_detection *d, const lg_log_event *ev,
			lr_evalctx *x)
{
	for (unsigned i = 0; i < d->ngate; i++)
		if (!lr_cond_match(d->gate[i], ev, x))
			return false;
	return eval(d, d->root, ev, x);
}

/* ---- gates --------------------------------------------------------------
 */
/* How soon a gate should be tried: cheap tests first, and among them a
 * flag that must be set (`private-path: 'true'`), which few events have. */
static int gate_rank(const lr_cond *c)
{
	const lr_value *v = &c->values[0];
	bool simple = true;
	for (unsigned i = 0; i < c->nvalues; i++)
		simple &= c->values[i].kind == LR_EQ ||
			  c->values[i].kind == LR_NULL ||
			  c->values[i].kind == LR_EXISTS;
	if (c->keywords || c->ref.field < 0)
		return 6;
	if (simple && c->nvalues == 1)
		return v->kind == LR_EQ && v->n == 4 && !memcmp(v->s, "true", 4)
			   ? 0
			   : 1;
	if (simple)
		return 2;
	if (c->pid_lo && !c->all)
		return 4; /* one range test once the field is scanned */
	return v->kind >= LR_LT || v->kind == LR_STARTS || v->kind == LR_ENDS
		   ? 3
		   : 5;
}

static void gate_add(lr_detection *d, const lr_cond *c)
{
	for (unsigned i = 0; i < d->ngate; i++)
		if (d->gate[i] == c ||
		    (c->memo != LR_NO_MEMO && d->gate[i]->memo == c->memo))
			return;
	int r = gate_rank(c);
	if (d->ngate == LR_MAX_GATE && gate_rank(d->gate[d->ngate - 1]) <= r)
		return;
	unsigned i = d->ngate < LR_MAX_GATE ? d->ngate++ : d->ngate - 1;
	for (; i > 0 && gate_rank(d->gate[i - 1]) > r; i--)
		d->gate[i] = d->gate[i - 1];
	d->gate[i] = c;
}

/* A search of one map needs every condition of the map. */
static void gate_search(lr_detection *d, const lr_search *s)
{
	if (s->nsets != 1)
		return;
	for (unsigned i = 0; i < s->sets[0].ncond; i++)
		if (s->sets[0].conds[i].nvalues > 0)
			gate_add(d, &s->sets[0].conds[i]);
}

/* Walks the nodes the root needs: and-ed terms, not or-ed or negated. */
static void gate_walk(lr_detection *d, uint32_t ni, int depth)
{
	const lr_node *n = &d->nodes[ni];
	const uint32_t *l = d->list + n->a;
	if (depth > COND_MAX_DEPTH)
		return;
	switch (n->op) {
	case LR_OP_REF:
		gate_search(d, &d->search[n->a]);
		break;
	case LR_OP_AND:
		for (uint32_t i = 0; i < n->b; i++)
			gate_walk(d, l[i], depth + 1);
		break;
	case LR_OP_ALL_OF:
		for (uint32_t i = 0; i < n->b; i++)
			gate_search(d, &d->search[l[i]]);
		break;
	case LR_OP_ONE_OF:
		if (n->b == 1)
			gate_search(d, &d->search[l[0]]);
		break;
	default:
		break;
	}
}

void lr_gate_plan(lr_detection *d)
{
	d->ngate = 0;
	if (d->nodes)
		gate_walk(d, d->root, 0);
}
