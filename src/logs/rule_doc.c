/* rule_doc.c: one YAML document to one rule: a Sigma detection (search
 * identifiers, field modifiers, condition) or a correlation (type, rules,
 * group-by, timespan, condition, leakguard's baseline). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "rules_int.h"

typedef yaml_document_t ydoc;
typedef yaml_node_t ynode;

/* Past this many thresholds a ring of timestamps per group would cost
 * more than the merged queue value_sum uses. */
#define RING_MAX     1024
#define DISTINCT_MAX 4096

static int yline(const ynode *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *yscalar(const ynode *n)
{
	return n && n->type == YAML_SCALAR_NODE
		   ? (const char *)n->data.scalar.value
		   : NULL;
}

/* YAML's null: a plain ~, null or nothing. */
static bool ynull(const ynode *n)
{
	if (!n || n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !lg_ascii_casecmp(s, "null");
}

static lg_status spend(lr_loadctx *cx, const ynode *n)
{
	if (cx->budget == 0)
		return lr_fail(cx, yline(n),
			       "rule file too large (or too many "
			       "YAML aliases)");
	cx->budget--;
	return LG_OK;
}

static char *ydup(lr_loadctx *cx, const ynode *n)
{
	return lr_strndup(cx, (const char *)n->data.scalar.value,
			  n->data.scalar.length);
}

/* A scalar or a list of scalars, as items [0, *n). */
static lg_status yitems(lr_loadctx *cx, ydoc *d, ynode *v, const char *what,
			ynode ***items, unsigned *n)
{
	if (v->type == YAML_SCALAR_NODE) {
		*items = lr_alloc(cx, sizeof(ynode *));
		if (!*items)
			return LG_ENOMEM;
		(*items)[0] = v;
		*n = 1;
		return LG_OK;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return lr_fail(cx, yline(v),
			       "%s must be a value or a list of "
			       "values",
			       what);
	yaml_node_item_t *it = v->data.sequence.items.start;
	unsigned cnt = (unsigned)(v->data.sequence.items.top - it);
	if (cnt == 0)
		return lr_fail(cx, yline(v), "%s is an empty list", what);
	*items = lr_alloc(cx, cnt * sizeof(ynode *));
	if (!*items)
		return LG_ENOMEM;
	for (unsigned i = 0; i < cnt; i++) {
		ynode *e = yaml_document_get_node(d, it[i]);
		if (!yscalar(e))
			return lr_fail(cx, yline(e),
				       "%s must be a value or a "
				       "list of values",
				       what);
		lg_status st = spend(cx, e);
		if (st != LG_OK)
			return st;
		(*items)[i] = e;
	}
	*n = cnt;
	return LG_OK;
}

static lg_status parse_bool(lr_loadctx *cx, const ynode *v, bool *out)
{
	const char *s = yscalar(v);
	if (s &&
	    (!lg_ascii_casecmp(s, "true") || !lg_ascii_casecmp(s, "yes"))) {
		*out = true;
		return LG_OK;
	}
	if (s &&
	    (!lg_ascii_casecmp(s, "false") || !lg_ascii_casecmp(s, "no"))) {
		*out = false;
		return LG_OK;
	}
	return lr_fail(cx, yline(v), "expected true or false");
}

/* ---- detection ----------------------------------------------------------
 */
static lg_status build_cond(lr_loadctx *cx, ydoc *d, const ynode *k, ynode *v,
			    lr_cond *c)
{
	const char *key = yscalar(k);
	const char *bar = strchr(key, '|');
	size_t fn = bar ? (size_t)(bar - key) : strlen(key);
	if (fn == 0)
		return lr_fail(cx, yline(k),
			       "a field name is missing before "
			       "'|'");
	char *name = lr_strndup(cx, key, fn);
	if (!name)
		return LG_ENOMEM;
	lr_fieldref_set(cx, &c->ref, name);
	lr_mods m;
	lg_status st = lr_mods_parse(cx, yline(k), bar ? bar + 1 : NULL, &m);
	ynode **items;
	if (st == LG_OK)
		st = yitems(cx, d, v, "the value of a field", &items,
			    &c->nvalues);
	if (st != LG_OK)
		return st;
	c->all = m.all;
	c->neg = m.neg;
	c->values = lr_alloc(cx, c->nvalues * sizeof(lr_value));
	if (!c->values)
		return LG_ENOMEM;
	for (unsigned i = 0; i < c->nvalues && st == LG_OK; i++) {
		ynode *e = items[i];
		st = lr_value_compile(
		    cx, yline(e), &m, ynull(e) ? NULL : yscalar(e),
		    ynull(e) ? 0 : e->data.scalar.length, &c->values[i]);
	}
	if (st == LG_OK) /* values past a failed one are not set */
		lr_cond_finish(c);
	return st;
}

static lg_status build_andset(lr_loadctx *cx, ydoc *d, ynode *map, lr_andset *a)
{
	yaml_node_pair_t *p = map->data.mapping.pairs.start;
	a->ncond = (unsigned)(map->data.mapping.pairs.top - p);
	if (a->ncond == 0)
		return lr_fail(cx, yline(map), "a search map needs a field");
	a->conds = lr_alloc(cx, a->ncond * sizeof(lr_cond));
	if (!a->conds)
		return LG_ENOMEM;
	memset(a->conds, 0, a->ncond * sizeof(lr_cond));
	for (unsigned i = 0; i < a->ncond; i++) {
		ynode *k = yaml_document_get_node(d, p[i].key);
		ynode *v = yaml_document_get_node(d, p[i].value);
		lg_status st = spend(cx, k);
		if (st == LG_OK && !yscalar(k))
			st = lr_fail(cx, yline(k), "a field name must be text");
		if (st == LG_OK)
			st = build_cond(cx, d, k, v, &a->conds[i]);
		if (st != LG_OK)
			return st;
	}
	return LG_OK;
}

/* A list of plain strings: Sigma keywords, searched in the request. */
static lg_status build_keywords(lr_loadctx *cx, ydoc *d, ynode *v, lr_search *s)
{
	s->nsets = 1;
	s->sets = lr_alloc(cx, sizeof(lr_andset));
	lr_cond *c = lr_alloc(cx, sizeof(lr_cond));
	if (!s->sets || !c)
		return LG_ENOMEM;
	memset(c, 0, sizeof(*c));
	s->sets[0] = (lr_andset){1, c};
	c->keywords = true;
	ynode **items;
	lg_status st = yitems(cx, d, v, "a keyword list", &items, &c->nvalues);
	if (st != LG_OK)
		return st;
	c->values = lr_alloc(cx, c->nvalues * sizeof(lr_value));
	if (!c->values)
		return LG_ENOMEM;
	lr_mods m = {.kind = LR_CONTAINS};
	for (unsigned i = 0; i < c->nvalues && st == LG_OK; i++) {
		if (ynull(items[i]))
			return lr_fail(cx, yline(items[i]),
				       "a keyword cannot be null");
		st = lr_value_compile(
		    cx, yline(items[i]), &m, yscalar(items[i]),
		    items[i]->data.scalar.length, &c->values[i]);
	}
	return st;
}

static lg_status build_search(lr_loadctx *cx, ydoc *d, const ynode *k, ynode *v,
			      lr_search *s)
{
	s->name = ydup(cx, k);
	if (!s->name)
		return LG_ENOMEM;
	if (v->type == YAML_MAPPING_NODE) {
		s->nsets = 1;
		s->sets = lr_alloc(cx, sizeof(lr_andset));
		return s->sets ? build_andset(cx, d, v, s->sets) : LG_ENOMEM;
	}
	if (v->type != YAML_SEQUENCE_NODE || ynull(v))
		return lr_fail(cx, yline(v),
			       "search '%s' must be a map of "
			       "fields or a list",
			       s->name);
	yaml_node_item_t *it = v->data.sequence.items.start;
	unsigned n = (unsigned)(v->data.sequence.items.top - it);
	if (n == 0)
		return lr_fail(cx, yline(v), "search '%s' is empty", s->name);
	if (yaml_document_get_node(d, it[0])->type == YAML_SCALAR_NODE)
		return build_keywords(cx, d, v, s);
	s->nsets = n;
	s->sets = lr_alloc(cx, n * sizeof(lr_andset));
	if (!s->sets)
		return LG_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		ynode *e = yaml_document_get_node(d, it[i]);
		if (e->type != YAML_MAPPING_NODE)
			return lr_fail(cx, yline(e),
				       "search '%s' mixes maps "
				       "and keywords",
				       s->name);
		lg_status st = build_andset(cx, d, e, &s->sets[i]);
		if (st != LG_OK)
			return st;
	}
	return LG_OK;
}

static lg_status add_search(lr_loadctx *cx, ydoc *d, lr_detection *det,
			    const ynode *k, ynode *v)
{
	for (unsigned j = 0; j < det->nsearch; j++)
		if (!strcmp(det->search[j].name, yscalar(k)))
			return lr_fail(cx, yline(k),
				       "search '%s' is defined "
				       "twice",
				       yscalar(k));
	lr_search *s = &det->search[det->nsearch++];
	return build_search(cx, d, k, v, s);
}

static lg_status build_detection(lr_loadctx *cx, ydoc *d, ynode *dn, int line,
				 lr_detection *det)
{
	if (dn->type != YAML_MAPPING_NODE)
		return lr_fail(cx, yline(dn), "detection must be a mapping");
	yaml_node_pair_t *p = dn->data.mapping.pairs.start;
	unsigned np = (unsigned)(dn->data.mapping.pairs.top - p);
	det->search = lr_alloc(cx, (np + 1) * sizeof(lr_search));
	if (!det->search)
		return LG_ENOMEM;
	ynode **conds = NULL;
	unsigned ncond = 0;
	lg_status st = LG_OK;
	for (unsigned i = 0; i < np && st == LG_OK; i++) {
		ynode *k = yaml_document_get_node(d, p[i].key);
		ynode *v = yaml_document_get_node(d, p[i].value);
		const char *key = yscalar(k);
		if (!key)
			st =
			    lr_fail(cx, yline(k), "a search name must be text");
		else if (!strcmp(key, "condition"))
			st = conds ? lr_fail(cx, yline(k), "two conditions")
				   : yitems(cx, d, v, "condition", &conds,
					    &ncond);
		else if (!strcmp(key, "timeframe"))
			st = lr_fail(cx, yline(k),
				     "'timeframe' is obsolete "
				     "in Sigma 2: use a correlation document");
		else
			st = add_search(cx, d, det, k, v);
	}
	if (st != LG_OK)
		return st;
	if (!conds)
		return lr_fail(cx, line, "detection has no condition");
	const char **texts = lr_alloc(cx, ncond * sizeof(char *));
	int *lines = lr_alloc(cx, ncond * sizeof(int));
	if (!texts || !lines)
		return LG_ENOMEM;
	for (unsigned i = 0; i < ncond; i++) {
		texts[i] = yscalar(conds[i]);
		lines[i] = yline(conds[i]);
	}
	return lr_cond_compile(cx, det, texts, lines, ncond);
}

/* ---- correlation --------------------------------------------------------
 */
static const char *const corr_types[] = {
    "event_count", "value_count", "value_sum", "temporal", "temporal_ordered"};
static const char *const cmp_names[] = {"gt", "gte", "lt", "lte", "eq", "neq"};

/* "30s", "10m", "2h", "1d", "1w" */
static bool parse_span(const char *s, int64_t *us)
{
	int64_t v = 0;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9' && v < 1000000000; i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || v == 0 || !s[i] || s[i + 1])
		return false;
	static const char units[] = "smhdw";
	static const int64_t secs[] = {1, 60, 3600, 86400, 604800};
	const char *u = strchr(units, s[i]);
	if (!u || v > 20 * 365 * 86400LL / secs[u - units])
		return false;
	*us = v * secs[u - units] * 1000000;
	return true;
}

static lg_status build_refs(lr_loadctx *cx, ydoc *d, ynode *v, lr_corr *c)
{
	ynode **items;
	lg_status st = yitems(cx, d, v, "rules", &items, &c->nrefs);
	if (st != LG_OK)
		return st;
	c->refs = lr_alloc(cx, c->nrefs * sizeof(lr_ref));
	if (!c->refs)
		return LG_ENOMEM;
	memset(c->refs, 0, c->nrefs * sizeof(lr_ref));
	for (unsigned i = 0; i < c->nrefs; i++) {
		c->refs[i].name = ydup(cx, items[i]);
		c->refs[i].line = yline(items[i]);
		if (!c->refs[i].name)
			return LG_ENOMEM;
	}
	if ((c->type == LR_TEMPORAL || c->type == LR_TEMPORAL_ORDERED) &&
	    c->nrefs > 32)
		return lr_fail(cx, yline(v),
			       "a temporal correlation takes at "
			       "most 32 rules");
	return LG_OK;
}

static lg_status build_group(lr_loadctx *cx, ydoc *d, ynode *v, lr_corr *c)
{
	ynode **items;
	lg_status st = yitems(cx, d, v, "group-by", &items, &c->ngroup);
	if (st != LG_OK)
		return st;
	c->group = lr_alloc(cx, c->ngroup * sizeof(lr_fieldref));
	if (!c->group)
		return LG_ENOMEM;
	for (unsigned i = 0; i < c->ngroup; i++) {
		char *name = ydup(cx, items[i]);
		if (!name)
			return LG_ENOMEM;
		lr_fieldref_set(cx, &c->group[i], name);
	}
	return LG_OK;
}

static lg_status cond_entry(lr_loadctx *cx, const ynode *k, const ynode *v,
			    lr_corr *c)
{
	const char *key = yscalar(k), *val = yscalar(v);
	if (key && val && !strcmp(key, "field")) {
		char *name = ydup(cx, v);
		if (!name)
			return LG_ENOMEM;
		lr_fieldref_set(cx, &c->field, name);
		return LG_OK;
	}
	for (unsigned j = 0; key && j < 6; j++) {
		if (strcmp(key, cmp_names[j]) != 0)
			continue;
		if (!val || !lr_parse_number(val, strlen(val), &c->cmp[j]))
			return lr_fail(cx, yline(v), "'%s' takes a number",
				       key);
		c->cmp_mask |= 1u << j;
		return LG_OK;
	}
	return lr_fail(cx, yline(k),
		       "unknown correlation condition '%.40s' "
		       "(gt, gte, lt, lte, eq, neq, field)",
		       key ? key : "?");
}

static lg_status build_corr_cond(lr_loadctx *cx, ydoc *d, ynode *v, lr_corr *c)
{
	if (v->type != YAML_MAPPING_NODE)
		return lr_fail(cx, yline(v),
			       "a correlation condition is a "
			       "mapping (gte: 10)");
	yaml_node_pair_t *p = v->data.mapping.pairs.start;
	for (; p < v->data.mapping.pairs.top; p++) {
		lg_status st =
		    cond_entry(cx, yaml_document_get_node(d, p->key),
			       yaml_document_get_node(d, p->value), c);
		if (st != LG_OK)
			return st;
	}
	return LG_OK;
}

static lg_status build_baseline(lr_loadctx *cx, ydoc *d, ynode *v, lr_corr *c)
{
	if (v->type != YAML_MAPPING_NODE)
		return lr_fail(cx, yline(v),
			       "baseline is a mapping (ratio, "
			       "min, history)");
	c->baseline = true;
	c->history_us = 7 * 86400 * 1000000LL;
	yaml_node_pair_t *p = v->data.mapping.pairs.start;
	for (; p < v->data.mapping.pairs.top; p++) {
		ynode *k = yaml_document_get_node(d, p->key);
		ynode *e = yaml_document_get_node(d, p->value);
		const char *key = yscalar(k), *val = yscalar(e);
		bool ok = key && val;
		if (ok && !strcmp(key, "ratio"))
			ok =
			    lr_parse_number(val, strlen(val), &c->base_ratio) &&
			    c->base_ratio > 0;
		else if (ok && !strcmp(key, "min"))
			ok = lr_parse_number(val, strlen(val), &c->base_min);
		else if (ok && !strcmp(key, "history"))
			ok = parse_span(val, &c->history_us);
		else
			return lr_fail(cx, yline(k),
				       "unknown baseline key "
				       "(ratio, min, history)");
		if (!ok)
			return lr_fail(cx, yline(e), "bad baseline %s", key);
	}
	if (c->base_ratio <= 0)
		return lr_fail(cx, yline(v), "baseline needs a ratio");
	return LG_OK;
}

/* The count a condition must be able to see: a ring of that many
 * timestamps (or values) answers it exactly. */
static double needed_count(const lr_corr *c)
{
	double need = 1;
	for (unsigned j = 0; j < 6; j++) {
		if (!(c->cmp_mask & (1u << j)))
			continue;
		double v = c->cmp[j];
		double n =
		    j == LR_CMP_GTE || j == LR_CMP_LT ? ceil(v) : floor(v) + 1;
		if (n > need)
			need = n;
	}
	return need;
}

static lg_status corr_check(lr_loadctx *cx, int line, lr_corr *c)
{
	c->no_actor = c->ngroup > 0;
	for (unsigned i = 0; i < c->ngroup; i++)
		if (c->group[i].field >= 0 &&
		    lg_field_is_who((lg_field)c->group[i].field))
			c->no_actor = false;
	bool counted = c->type <= LR_VALUE_SUM;
	if (counted && !c->cmp_mask)
		return lr_fail(cx, line,
			       "correlation condition needs gt, gte, "
			       "lt, lte, eq or neq");
	if ((c->type == LR_VALUE_COUNT || c->type == LR_VALUE_SUM) &&
	    !c->field.name)
		return lr_fail(cx, line, "%s needs 'field' in its condition",
			       corr_types[c->type]);
	if (c->baseline && c->type != LR_EVENT_COUNT && c->type != LR_VALUE_SUM)
		return lr_fail(cx, line,
			       "baseline applies to event_count and "
			       "value_sum only");
	if (c->baseline && c->history_us <= c->span_us)
		return lr_fail(cx, line,
			       "baseline history must be longer "
			       "than the timespan");
	double need = needed_count(c);
	if (c->type == LR_EVENT_COUNT) {
		c->use_sum = c->baseline || need > RING_MAX;
		c->cap = c->use_sum ? 0 : (unsigned)need;
	} else if (c->type == LR_VALUE_COUNT) {
		if (need > DISTINCT_MAX)
			return lr_fail(cx, line,
				       "value_count thresholds above "
				       "%d are not supported",
				       DISTINCT_MAX);
		c->cap = need * 2 < 64 ? 64 : (unsigned)need * 2;
		if (c->cap > DISTINCT_MAX)
			c->cap = DISTINCT_MAX;
	}
	return LG_OK;
}

static lg_status corr_key(lr_loadctx *cx, ydoc *d, const ynode *k, ynode *v,
			  lr_corr *c, unsigned *seen)
{
	const char *key = yscalar(k), *val = yscalar(v);
	static const char *const keys[] = {"type",     "rules",	    "group-by",
					   "timespan", "condition", "baseline"};
	unsigned j = 0;
	while (key && j < 6 && strcmp(key, keys[j]) != 0)
		j++;
	if (!key || j == 6) {
		if (key && !strcmp(key, "aliases"))
			return lr_fail(cx, yline(k),
				       "correlation aliases are "
				       "not supported");
		return lr_fail(cx, yline(k),
			       "unknown key '%.40s' in "
			       "correlation",
			       key ? key : "?");
	}
	*seen |= 1u << j;
	switch (j) {
	case 0:
		for (unsigned t = 0; val && t < 5; t++) {
			if (!strcmp(val, corr_types[t])) {
				c->type = (lr_corr_type)t;
				return LG_OK;
			}
		}
		return lr_fail(cx, yline(v), "unknown correlation type '%.40s'",
			       val ? val : "?");
	case 1:
		return build_refs(cx, d, v, c);
	case 2:
		return build_group(cx, d, v, c);
	case 3:
		if (!val || !parse_span(val, &c->span_us))
			return lr_fail(cx, yline(v),
				       "bad timespan (use 30s, "
				       "10m, 2h, 1d)");
		return LG_OK;
	case 4:
		return build_corr_cond(cx, d, v, c);
	default:
		return build_baseline(cx, d, v, c);
	}
}

static lg_status build_corr(lr_loadctx *cx, ydoc *d, ynode *cn, int line,
			    lr_corr *c)
{
	if (cn->type != YAML_MAPPING_NODE)
		return lr_fail(cx, yline(cn), "correlation must be a mapping");
	unsigned seen = 0;
	/* the type first: rules and condition are checked against it */
	yaml_node_pair_t *p = cn->data.mapping.pairs.start;
	for (; p < cn->data.mapping.pairs.top; p++) {
		const char *key = yscalar(yaml_document_get_node(d, p->key));
		if (key && !strcmp(key, "type")) {
			lg_status st = corr_key(
			    cx, d, yaml_document_get_node(d, p->key),
			    yaml_document_get_node(d, p->value), c, &seen);
			if (st != LG_OK)
				return st;
		}
	}
	if (!(seen & 1))
		return lr_fail(cx, line, "correlation needs a type");
	for (p = cn->data.mapping.pairs.start; p < cn->data.mapping.pairs.top;
	     p++) {
		ynode *k = yaml_document_get_node(d, p->key);
		if (yscalar(k) && !strcmp(yscalar(k), "type"))
			continue;
		lg_status st = corr_key(
		    cx, d, k, yaml_document_get_node(d, p->value), c, &seen);
		if (st != LG_OK)
			return st;
	}
	if (!(seen & 2))
		return lr_fail(cx, line, "correlation needs rules");
	if (!(seen & 8))
		return lr_fail(cx, line, "correlation needs a timespan");
	return corr_check(cx, line, c);
}

/* ---- the document -------------------------------------------------------
 */
static lg_status top_key(lr_loadctx *cx, lr_rule *r, const char *key, ynode *v,
			 ynode **det, ynode **corr)
{
	const char **str = !strcmp(key, "title")      ? &r->title
			   : !strcmp(key, "title_ja") ? &r->title_ja
			   : !strcmp(key, "id")	      ? &r->id
			   : !strcmp(key, "name")     ? &r->name
						      : NULL;
	if (str) {
		if (!yscalar(v) || ynull(v) || !v->data.scalar.length)
			return lr_fail(cx, yline(v), "%s must be text", key);
		*str = ydup(cx, v);
		return *str ? LG_OK : LG_ENOMEM;
	}
	if (!strcmp(key, "level")) {
		if (!yscalar(v) || !lg_severity_parse(yscalar(v), &r->level))
			return lr_fail(cx, yline(v),
				       "unknown level '%.40s' "
				       "(informational, low, medium, high, "
				       "critical)",
				       yscalar(v) ? yscalar(v) : "?");
		r->has_level = true;
		return LG_OK;
	}
	if (!strcmp(key, "generate")) {
		r->generate_set = true;
		return parse_bool(cx, v, &r->generate);
	}
	if (!strcmp(key, "detection"))
		*det = v;
	else if (!strcmp(key, "correlation"))
		*corr = v;
	return LG_OK; /* description, logsource, tags, author, …: kept out */
}

static lg_status doc_body(lr_loadctx *cx, ydoc *d, ynode *root, lr_rule *r)
{
	ynode *det = NULL, *corr = NULL;
	int body_line = r->line; /* of "detection:" or "correlation:" */
	yaml_node_pair_t *p = root->data.mapping.pairs.start;
	for (; p < root->data.mapping.pairs.top; p++) {
		ynode *k = yaml_document_get_node(d, p->key);
		const char *key = yscalar(k);
		if (!key)
			return lr_fail(cx, yline(k), "keys must be text");
		if (!strcmp(key, "detection") || !strcmp(key, "correlation"))
			body_line = yline(k);
		lg_status st =
		    top_key(cx, r, key, yaml_document_get_node(d, p->value),
			    &det, &corr);
		if (st != LG_OK)
			return st;
	}
	if (!r->title)
		return lr_fail(cx, r->line, "rule has no title");
	if (det && corr)
		return lr_fail(cx, r->line,
			       "a document is a detection or a "
			       "correlation, not both");
	if (!det && !corr)
		return lr_fail(cx, r->line,
			       "document has neither detection "
			       "nor correlation");
	if (!r->id)
		r->id = r->name;
	r->is_corr = corr != NULL;
	return corr ? build_corr(cx, d, corr, body_line, &r->corr)
		    : build_detection(cx, d, det, body_line, &r->det);
}

static lg_status check_name(lr_loadctx *cx, const lg_ruleset *rs,
			    const lr_rule *r)
{
	for (size_t i = 0; r->name && i < rs->nrules; i++) {
		const lr_rule *o = rs->rules[i];
		if (o->name && !strcmp(o->name, r->name))
			return lr_fail(cx, r->line,
				       "name '%s' is already used "
				       "at %s:%d",
				       r->name, o->file, o->line);
	}
	return LG_OK;
}

lg_status lr_doc_build(lr_loadctx *cx, const lg_ruleset *rs, ydoc *d,
		       lr_rule **out)
{
	*out = NULL;
	ynode *root = yaml_document_get_root_node(d);
	if (!root || ynull(root))
		return LG_OK;
	if (root->type != YAML_MAPPING_NODE)
		return lr_fail(cx, yline(root),
			       "a rule document must be a "
			       "mapping of keys");
	lr_rule *r = lr_alloc(cx, sizeof(*r));
	if (!r)
		return LG_ENOMEM;
	memset(r, 0, sizeof(*r));
	r->file = cx->file;
	r->line = yline(root);
	lg_status st = doc_body(cx, d, root, r);
	if (st == LG_OK)
		st = check_name(cx, rs, r);
	if (st == LG_OK)
		*out = r;
	return st;
}
