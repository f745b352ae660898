/* rule_load.c: rule files and folders into a rule set: YAML documents
 * read with libyaml, correlation references resolved, correlations put
 * in dependency order; a file that fails is dropped whole. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "rules_int.h"

/* Rule files are hand-written: anything larger is a mistake, and aliases
 * could otherwise make a small file expand into millions of values. */
#define RULE_FILE_MAX	 (16u << 20)
#define RULE_NODE_BUDGET 200000

lg_status lr_fail(lr_loadctx *cx, int line, const char *fmt, ...)
{
	if (!cx->err || !cx->errlen)
		return LG_EINVAL;
	int n = snprintf(cx->err, cx->errlen, "%s:%d: ", cx->file, line);
	if (n >= 0 && (size_t)n < cx->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(cx->err + n, cx->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return LG_EINVAL;
}

void *lr_alloc(lr_loadctx *cx, size_t n)
{
	return lg_arena_alloc(&cx->f->arena, n);
}

char *lr_strndup(lr_loadctx *cx, const char *s, size_t n)
{
	return lg_arena_strndup(&cx->f->arena, s, n);
}

bool lr_keep_re(lr_loadctx *cx, pcre2_code *re)
{
	lr_file *f = cx->f;
	if (f->nre == f->re_cap) {
		size_t nc = f->re_cap ? f->re_cap * 2 : 8;
		pcre2_code **q = realloc(f->re, nc * sizeof(*q));
		if (!q)
			return false;
		f->re = q;
		f->re_cap = nc;
	}
	f->re[f->nre++] = re;
	return true;
}

static void file_free(lr_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nre; i++)
		pcre2_code_free(f->re[i]);
	free(f->re);
	lg_arena_free(&f->arena);
	free(f);
}

lg_ruleset *lg_ruleset_new(void)
{
	return calloc(1, sizeof(lg_ruleset));
}

void lg_ruleset_free(lg_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nfiles; i++)
		file_free(rs->files[i]);
	free(rs->files);
	free(rs->rules);
	free(rs->corr_order);
	free(rs);
}

size_t lg_ruleset_count(const lg_ruleset *rs)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->nrules; i++)
		n += lr_rule_generates(rs->rules[i]);
	return n;
}

bool lg_ruleset_rule(const lg_ruleset *rs, size_t i, lg_rule_info *out)
{
	for (size_t k = 0; k < rs->nrules; k++) {
		const lr_rule *r = rs->rules[k];
		if (!lr_rule_generates(r) || i-- > 0)
			continue;
		out->id = r->id;
		out->name = r->name;
		out->title = r->title;
		out->file = r->file;
		out->line = r->line;
		out->severity = r->level;
		out->correlation = r->is_corr;
		return true;
	}
	return false;
}

static bool push_rule(lg_ruleset *rs, lr_rule *r)
{
	if (rs->nrules == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 32;
		lr_rule **q = realloc(rs->rules, nc * sizeof(*q));
		if (!q)
			return false;
		rs->rules = q;
		rs->cap = nc;
	}
	rs->rules[rs->nrules++] = r;
	return true;
}

/* ---- references ---------------------------------------------------------
 */
/* A name first (names are unique), else every document with that id. */
static lg_status resolve_ref(lr_loadctx *cx, const lg_ruleset *rs, lr_ref *ref)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const lr_rule *o = rs->rules[i];
		if (o->name && !strcmp(o->name, ref->name)) {
			ref->rules = lr_alloc(cx, sizeof(uint32_t));
			if (!ref->rules)
				return LG_ENOMEM;
			ref->rules[0] = (uint32_t)i;
			ref->n = 1;
			return LG_OK;
		}
	}
	for (size_t i = 0; i < rs->nrules; i++)
		ref->n +=
		    rs->rules[i]->id && !strcmp(rs->rules[i]->id, ref->name);
	if (ref->n == 0)
		return lr_fail(cx, ref->line,
			       "correlation refers to rule '%s', "
			       "which no document names",
			       ref->name);
	ref->rules = lr_alloc(cx, ref->n * sizeof(uint32_t));
	if (!ref->rules)
		return LG_ENOMEM;
	unsigned k = 0;
	for (size_t i = 0; i < rs->nrules; i++)
		if (rs->rules[i]->id && !strcmp(rs->rules[i]->id, ref->name))
			ref->rules[k++] = (uint32_t)i;
	return LG_OK;
}

/* Kahn's algorithm over correlation -> correlation edges: inputs come
 * before the correlations that use them, so a chained correlation sees
 * its inputs' hits from the same event. */
static lg_status order_corrs(lr_loadctx *cx, lg_ruleset *rs, size_t first)
{
	size_t n = rs->nrules;
	uint32_t *order = malloc((n + 1) * sizeof(uint32_t));
	uint32_t *indeg = calloc(n + 1, sizeof(uint32_t));
	lg_status st = order && indeg ? LG_OK : LG_ENOMEM;
	size_t nc = 0, head = 0, total = 0;
	for (size_t i = 0; st == LG_OK && i < n; i++) {
		const lr_corr *c = &rs->rules[i]->corr;
		total += rs->rules[i]->is_corr;
		for (unsigned j = 0; rs->rules[i]->is_corr && j < c->nrefs; j++)
			for (unsigned k = 0; k < c->refs[j].n; k++)
				indeg[i] +=
				    rs->rules[c->refs[j].rules[k]]->is_corr;
	}
	for (size_t i = 0; st == LG_OK && i < n; i++)
		if (rs->rules[i]->is_corr && indeg[i] == 0)
			order[nc++] = (uint32_t)i;
	while (st == LG_OK && head < nc) {
		uint32_t done = order[head++];
		/* users of `done`: any correlation naming it */
		for (size_t i = 0; i < n; i++) {
			const lr_corr *c = &rs->rules[i]->corr;
			for (unsigned j = 0;
			     rs->rules[i]->is_corr && j < c->nrefs; j++)
				for (unsigned k = 0; k < c->refs[j].n; k++)
					if (c->refs[j].rules[k] == done &&
					    --indeg[i] == 0)
						order[nc++] = (uint32_t)i;
		}
	}
	for (size_t i = first; st == LG_OK && nc < total && i < n; i++)
		if (rs->rules[i]->is_corr && indeg[i])
			st = lr_fail(cx, rs->rules[i]->line,
				     "correlation '%s' "
				     "depends on itself through its rules",
				     rs->rules[i]->title);
	free(indeg);
	if (st != LG_OK) {
		free(order);
		return st;
	}
	free(rs->corr_order);
	rs->corr_order = order;
	rs->ncorr = nc;
	return LG_OK;
}

/* Rules that raise alerts need a level and an id; whether a detection
 * raises alerts depends on the correlations naming it. */
static lg_status check_alerting(lr_loadctx *cx, lg_ruleset *rs, size_t first,
				bool *named)
{
	for (size_t i = first; i < rs->nrules; i++) {
		lr_rule *r = rs->rules[i];
		lr_rule probe = *r;
		probe.referenced |= named[i];
		if (!lr_rule_generates(&probe))
			continue;
		if (!r->has_level)
			return lr_fail(cx, r->line,
				       "rule '%s' raises alerts "
				       "but has no level (or set generate: "
				       "false)",
				       r->title);
		if (!r->id)
			return lr_fail(cx, r->line,
				       "rule '%s' raises alerts "
				       "but has no id",
				       r->title);
	}
	return LG_OK;
}

/* Resolves, checks and orders what one file added (rules[first..]). */
static lg_status link_file(lr_loadctx *cx, lg_ruleset *rs, size_t first)
{
	bool *named = calloc(rs->nrules + 1, sizeof(bool));
	if (!named)
		return LG_ENOMEM;
	lg_status st = LG_OK;
	for (size_t i = first; st == LG_OK && i < rs->nrules; i++) {
		lr_corr *c = &rs->rules[i]->corr;
		for (unsigned j = 0;
		     rs->rules[i]->is_corr && j < c->nrefs && st == LG_OK;
		     j++) {
			st = resolve_ref(cx, rs, &c->refs[j]);
			for (unsigned k = 0; st == LG_OK && k < c->refs[j].n;
			     k++)
				named[c->refs[j].rules[k]] = true;
		}
	}
	if (st == LG_OK)
		st = check_alerting(cx, rs, first, named);
	if (st == LG_OK)
		st = order_corrs(cx, rs, first);
	for (size_t i = 0; st == LG_OK && i < rs->nrules; i++)
		rs->rules[i]->referenced |= named[i];
	if (st == LG_OK)
		lr_prefilter_number(rs, first);
	free(named);
	return st;
}

/* ---- YAML ---------------------------------------------------------------
 */
static lg_status yaml_error(lr_loadctx *cx, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return LG_ENOMEM;
	return lr_fail(cx, (int)p->problem_mark.line + 1, "bad YAML: %s%s%s",
		       p->problem ? p->problem : "syntax error",
		       p->context ? " " : "", p->context ? p->context : "");
}

static lg_status load_docs(lr_loadctx *cx, lg_ruleset *rs, const char *text,
			   size_t len)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return LG_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	lg_status st = LG_OK;
	while (st == LG_OK) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			st = yaml_error(cx, &parser);
			break;
		}
		if (!yaml_document_get_root_node(&doc)) {
			yaml_document_delete(&doc);
			break; /* end of the stream */
		}
		lr_rule *r;
		st = lr_doc_build(cx, rs, &doc, &r);
		yaml_document_delete(&doc);
		if (st == LG_OK && r && !push_rule(rs, r))
			st = LG_ENOMEM;
	}
	yaml_parser_delete(&parser);
	return st;
}

static bool push_file(lg_ruleset *rs, lr_file *f)
{
	if (rs->nfiles == rs->files_cap) {
		size_t nc = rs->files_cap ? rs->files_cap * 2 : 8;
		lr_file **q = realloc(rs->files, nc * sizeof(*q));
		if (!q)
			return false;
		rs->files = q;
		rs->files_cap = nc;
	}
	rs->files[rs->nfiles++] = f;
	return true;
}

lg_status lr_ruleset_load_mem(lg_ruleset *rs, const char *name,
			      const char *text, size_t len, char *err,
			      size_t errlen)
{
	lr_file *f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", name);
		return LG_ENOMEM;
	}
	lg_arena_init(&f->arena, 16 * 1024);
	lr_loadctx cx = {name, f, err, errlen, RULE_NODE_BUDGET};
	size_t first = rs->nrules;
	lg_status st = LG_ENOMEM;
	cx.file = lr_strndup(&cx, name, strlen(name));
	if (cx.file)
		st = load_docs(&cx, rs, text, len);
	if (st == LG_OK)
		st = link_file(&cx, rs, first);
	if (st == LG_OK && !push_file(rs, f))
		st = LG_ENOMEM;
	if (st == LG_OK) /* the new rules may share conditions with older */
		lr_plan(rs);
	if (st != LG_OK) {
		if (st == LG_ENOMEM && err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		rs->nrules = first;
		file_free(f);
	}
	return st;
}

/* ---- files and folders --------------------------------------------------
 */
static lg_status read_all(const char *path, char **out, size_t *len, char *err,
			  size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return LG_EIO;
	}
	lg_buf b = {0};
	char chunk[16384];
	size_t n;
	lg_status st = LG_OK;
	while (st == LG_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > RULE_FILE_MAX) {
			snprintf(err, errlen,
				 "%s: rule file larger than 16 MiB", path);
			st = LG_EINVAL;
		} else if (!lg_buf_append(&b, chunk, n)) {
			snprintf(err, errlen, "%s: out of memory", path);
			st = LG_ENOMEM;
		}
	}
	if (st == LG_OK && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st = LG_EIO;
	}
	fclose(fp);
	if (st != LG_OK) {
		lg_buf_free(&b);
		return st;
	}
	*out = b.data;
	*len = b.len;
	return LG_OK;
}

static lg_status load_file(lg_ruleset *rs, const char *path, char *err,
			   size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	lg_status st = read_all(path, &text, &len, err, errlen);
	if (st != LG_OK)
		return st;
	st = lr_ruleset_load_mem(rs, path, text ? text : "", len, err, errlen);
	free(text);
	return st;
}

static bool is_rule_name(const char *n)
{
	size_t l = strlen(n);
	return n[0] != '.' && ((l > 4 && !strcmp(n + l - 4, ".yml")) ||
			       (l > 5 && !strcmp(n + l - 5, ".yaml")));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file is tried; the first failure is the one reported. */
static lg_status load_names(lg_ruleset *rs, const char *dir, char **names,
			    size_t n, char *err, size_t errlen)
{
	lg_status first = LG_OK;
	char one[512];
	lg_buf path = {0};
	for (size_t i = 0; i < n; i++) {
		lg_buf_reset(&path);
		if (!lg_buf_printf(&path, "%s/%s", dir, names[i])) {
			first = first ? first : LG_ENOMEM;
			break;
		}
		lg_status st = load_file(rs, path.data, one, sizeof(one));
		if (st != LG_OK && first == LG_OK) {
			first = st;
			snprintf(err, errlen, "%s", one);
		}
	}
	lg_buf_free(&path);
	return first;
}

static lg_status load_dir(lg_ruleset *rs, const char *dir, char *err,
			  size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return LG_EIO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	lg_status st = LG_OK;
	struct dirent *de;
	while (st == LG_OK && (de = readdir(d))) {
		if (!is_rule_name(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **q = realloc(names, cap * sizeof(*q));
			names = q ? q : names;
			st = q ? LG_OK : LG_ENOMEM;
		}
		if (st == LG_OK && !(names[n++] = strdup(de->d_name)))
			st = LG_ENOMEM;
	}
	closedir(d);
	if (st == LG_OK) {
		qsort(names, n, sizeof(*names), cmp_str);
		st = load_names(rs, dir, names, n, err, errlen);
	} else {
		snprintf(err, errlen, "%s: out of memory", dir);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

lg_status lg_ruleset_load(lg_ruleset *rs, const char *path, char *err,
			  size_t errlen)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return LG_EIO;
	}
	if (S_ISDIR(sb.st_mode))
		return load_dir(rs, path, err, errlen);
	return load_file(rs, path, err, errlen);
}
