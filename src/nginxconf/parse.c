/* parse.c: nginx configuration text into a tree of directives, token by
 * token as nginx's own src/core/ngx_conf_file.c reads it: '#' comments
 * at the start of a token, "..." and '...' with \" \' \\ \t \r \n
 * escapes, ';' '{' '}' (a '}' inside an unquoted word is part of it, as
 * is the '{' of "${var}"), and include with globs, resolved against the
 * main file's folder, spliced where it stands. Bounded: include depth,
 * bytes per file and in all, block nesting. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/nginxconf.h"
#include "util/util.h"

#define NGX_DEPTH_DEFAULT  16
#define NGX_FILE_DEFAULT   (16u << 20)
#define NGX_TOTAL_DEFAULT  (64u << 20)
#define NGX_MAX_FILES	   4096 /* globs within globs: a loop */
#define NGX_MAX_NESTING	   64	/* blocks within blocks */
#define NGX_MAX_PATH_BYTES 4096

/* A directive and the last of its children, to append in order. */
typedef struct ngx_node {
	lg_ngx_directive d;
	struct ngx_node *tail;
} ngx_node;

struct lg_ngx_conf {
	lg_arena arena;
	ngx_node root; /* a block with no name: the main file's top level */
	char *missed;
	unsigned nfiles;
};

typedef struct ngx_parser {
	lg_ngx_conf *conf;
	const char *root; /* include root; NULL: includes skipped */
	bool confine;
	unsigned max_depth;
	size_t max_file, max_total, total;
	char *err;
	size_t errlen;
	lg_buf word;
	lg_buf args; /* the words of the directive being read, NUL-ended */
	size_t nargs;
	bool nomem; /* a token could not be kept */
} ngx_parser;

typedef struct ngx_text {
	const char *s, *path;
	size_t n, i;
	unsigned line, seq;
} ngx_text;

enum { T_WORD, T_SEMI, T_OPEN, T_CLOSE, T_EOF, T_ERR };

static lg_status fail(ngx_parser *p, const ngx_text *t, unsigned line,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lg_status fail(ngx_parser *p, const ngx_text *t, unsigned line,
		      const char *fmt, ...)
{
	int k = snprintf(p->err, p->errlen,
			 "%s:%u: ", t->path ? t->path : "(conf)", line);
	if (k >= 0 && (size_t)k < p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return LG_EINVAL;
}

static lg_status oom(ngx_parser *p)
{
	snprintf(p->err, p->errlen, "out of memory");
	return LG_ENOMEM;
}

static int token_oom(ngx_parser *p)
{
	p->nomem = true;
	oom(p);
	return T_ERR;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_space_and_comments(ngx_text *t)
{
	while (t->i < t->n) {
		char ch = t->s[t->i];
		if (ch == '#') {
			const char *nl = memchr(t->s + t->i, '\n', t->n - t->i);
			t->i = nl ? (size_t)(nl - t->s) : t->n;
			continue;
		}
		if (!is_space(ch))
			return;
		t->line += ch == '\n';
		t->i++;
	}
}

/* nginx turns \t \r \n into their bytes and \" \' \\ into the character;
 * any other backslash stays as written. */
static bool put_escaped(lg_buf *w, char next)
{
	switch (next) {
	case 't':
		return lg_buf_putc(w, '\t');
	case 'r':
		return lg_buf_putc(w, '\r');
	case 'n':
		return lg_buf_putc(w, '\n');
	case '"':
	case '\'':
	case '\\':
		return lg_buf_putc(w, next);
	default:
		return lg_buf_putc(w, '\\') && lg_buf_putc(w, next);
	}
}

/* A quoted word: after the closing quote nginx wants a space, ';', '{'
 * (or ')', which it skips like a space). */
/* One character of a word, or the escaped one after a backslash. */
static bool put_word_char(ngx_parser *p, ngx_text *t, char ch)
{
	if (ch == '\\' && t->i + 1 < t->n) {
		t->line += t->s[t->i + 1] == '\n';
		return put_escaped(&p->word, t->s[++t->i]);
	}
	return lg_buf_putc(&p->word, ch);
}

static int read_quoted(ngx_parser *p, ngx_text *t)
{
	char q = t->s[t->i++];
	unsigned start = t->line;
	for (; t->i < t->n; t->i++) {
		char ch = t->s[t->i];
		t->line += ch == '\n';
		if (ch == q)
			break;
		if (!put_word_char(p, t, ch))
			return token_oom(p);
	}
	if (t->i >= t->n) {
		fail(p, t, t->line,
		     "unterminated quoted string (opened on line %u)", start);
		return T_ERR;
	}
	t->i++;
	if (t->i < t->n && t->s[t->i] == ')')
		t->i++;
	else if (t->i < t->n && !is_space(t->s[t->i]) && t->s[t->i] != ';' &&
		 t->s[t->i] != '{') {
		fail(p, t, t->line, "unexpected \"%c\" after a quoted string",
		     t->s[t->i]);
		return T_ERR;
	}
	return T_WORD;
}

static int read_word(ngx_parser *p, ngx_text *t)
{
	bool variable = false;
	for (; t->i < t->n; t->i++) {
		char ch = t->s[t->i];
		if (ch == '{' && variable) {
			/* "${name}": the brace belongs to the word */
		} else if (is_space(ch) || ch == ';' || ch == '{') {
			break;
		}
		variable = ch == '$';
		if (!put_word_char(p, t, ch))
			return token_oom(p);
	}
	return T_WORD;
}

/* The next token; a word's bytes in p->word (reset first). */
static int next_token(ngx_parser *p, ngx_text *t)
{
	lg_buf_reset(&p->word);
	if (!lg_buf_reserve(&p->word, 64))
		return token_oom(p);
	p->word.data[0] = '\0';
	skip_space_and_comments(t);
	if (t->i >= t->n)
		return T_EOF;
	switch (t->s[t->i]) {
	case ';':
		t->i++;
		return T_SEMI;
	case '{':
		t->i++;
		return T_OPEN;
	case '}':
		t->i++;
		return T_CLOSE;
	case '"':
	case '\'':
		return read_quoted(p, t);
	default:
		return read_word(p, t);
	}
}

/* ---- the tree ------------------------------------------------------------ */
static ngx_node *add_directive(ngx_parser *p, ngx_node *parent,
			       const ngx_text *t, unsigned line)
{
	lg_arena *a = &p->conf->arena;
	ngx_node *n = lg_arena_alloc(a, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->d.args =
	    lg_arena_alloc(a, (p->nargs ? p->nargs : 1) * sizeof(*n->d.args));
	if (!n->d.args)
		return NULL;
	const char *w = p->args.data;
	for (size_t k = 0; k < p->nargs; k++) {
		size_t len = strlen(w);
		char *copy = lg_arena_strndup(a, w, len);
		if (!copy)
			return NULL;
		if (k == 0)
			n->d.name = copy;
		else
			n->d.args[k - 1] = copy;
		w += len + 1;
	}
	n->d.nargs = p->nargs - 1;
	n->d.file = t->path;
	n->d.file_seq = t->seq;
	n->d.line = line;
	n->d.parent = parent == &p->conf->root ? NULL : &parent->d;
	if (parent->tail)
		parent->tail->d.next = &n->d;
	else
		parent->d.children = &n->d;
	parent->tail = n;
	return n;
}

static lg_status read_text(ngx_parser *p, ngx_text *t, ngx_node *base,
			   unsigned depth);

/* Whether an include pattern would leave the root (absolute, or a ".."
 * part). */
static bool pattern_escapes(const char *pat)
{
	if (pat[0] == '/')
		return true;
	for (const char *s = pat; (s = strstr(s, "..")) != NULL; s += 2) {
		bool starts = s == pat || s[-1] == '/';
		bool ends = s[2] == '\0' || s[2] == '/';
		if (starts && ends)
			return true;
	}
	return false;
}

static lg_status read_file(ngx_parser *p, const char *path, ngx_node *base,
			   unsigned depth, const ngx_text *from, unsigned line);

static void note_missed(ngx_parser *p, const ngx_text *t, unsigned line,
			const char *pattern)
{
	if (p->conf->missed)
		return;
	lg_buf b = {0};
	if (lg_buf_printf(&b, "%s:%u: %s", t->path ? t->path : "(conf)", line,
			  pattern))
		p->conf->missed =
		    lg_arena_strndup(&p->conf->arena, b.data, b.len);
	lg_buf_free(&b);
}

/* include PATTERN: nginx resolves a relative pattern against its conf
 * prefix, the main file's folder; a glob that matches nothing is fine,
 * a plain name that is missing is noted. */
static lg_status do_include(ngx_parser *p, const ngx_text *t, ngx_node *base,
			    unsigned depth, unsigned line)
{
	if (p->nargs != 2)
		return fail(p, t, line, "include takes one file pattern");
	const char *pattern = p->args.data + sizeof("include");
	if (!p->root)
		return LG_OK;
	if (depth + 1 > p->max_depth)
		return fail(p, t, line, "includes nested too deep (a loop?)");
	if (p->confine && pattern_escapes(pattern)) {
		note_missed(p, t, line, pattern);
		return LG_OK;
	}
	lg_buf full = {0};
	bool ok = pattern[0] == '/' || !strcmp(p->root, ".")
		      ? lg_buf_puts(&full, pattern)
		      : lg_buf_printf(&full, "%s/%s", p->root, pattern);
	if (!ok) {
		lg_buf_free(&full);
		return oom(p);
	}
	glob_t g;
	int r = full.len < NGX_MAX_PATH_BYTES ? glob(full.data, 0, NULL, &g)
					      : GLOB_NOMATCH;
	if (r != 0) {
		if (r == GLOB_NOSPACE) {
			globfree(&g);
			lg_buf_free(&full);
			return oom(p);
		}
		if (!strpbrk(pattern, "*?["))
			note_missed(p, t, line, full.data);
		if (r != GLOB_NOMATCH)
			globfree(&g);
		lg_buf_free(&full);
		return LG_OK;
	}
	lg_buf_free(&full);
	/* the included file's words must not join the include's */
	lg_buf saved = p->args;
	size_t saved_n = p->nargs;
	p->args = (lg_buf){0};
	p->nargs = 0;
	lg_status st = LG_OK;
	for (size_t i = 0; i < g.gl_pathc && st == LG_OK; i++)
		st = read_file(p, g.gl_pathv[i], base, depth + 1, t, line);
	globfree(&g);
	lg_buf_free(&p->args);
	p->args = saved;
	p->nargs = saved_n;
	return st;
}

/* A ';' or '{' ended p->args: an include is read in place, anything else
 * becomes a directive (a block one becomes the new parent). */
static lg_status end_directive(ngx_parser *p, ngx_text *t, ngx_node **cur,
			       unsigned line, bool block, unsigned depth,
			       unsigned *nesting)
{
	if (!block && !strcmp(p->args.data, "include"))
		return do_include(p, t, *cur, depth, line);
	ngx_node *n = add_directive(p, *cur, t, line);
	if (!n)
		return oom(p);
	if (block) {
		if (++*nesting > NGX_MAX_NESTING)
			return fail(p, t, line, "blocks nested too deep");
		n->d.block = true;
		*cur = n;
	}
	return LG_OK;
}

/* Reads t's directives into base: blocks opened in t must close in t. */
static lg_status read_text(ngx_parser *p, ngx_text *t, ngx_node *base,
			   unsigned depth)
{
	ngx_node *cur = base;
	unsigned nesting = 0, start = t->line;
	lg_status st = LG_OK;
	lg_buf_reset(&p->args);
	p->nargs = 0;
	while (st == LG_OK) {
		int tok = next_token(p, t);
		if (tok == T_ERR)
			return p->nomem ? LG_ENOMEM : LG_EINVAL;
		if (tok == T_WORD) {
			if (p->nargs++ == 0)
				start = t->line;
			if (!lg_buf_append(&p->args, p->word.data,
					   p->word.len + 1))
				return oom(p);
			continue;
		}
		if (tok == T_EOF) {
			if (p->nargs)
				return fail(p, t, t->line,
					    "unexpected end of file, expecting "
					    "\";\" or \"}\"");
			if (cur != base)
				return fail(p, t, t->line,
					    "unexpected end of file, expecting "
					    "\"}\" (block \"%s\" opened on "
					    "line %u)",
					    cur->d.name, cur->d.line);
			return LG_OK;
		}
		if (tok == T_CLOSE) {
			if (p->nargs)
				return fail(p, t, t->line,
					    "unexpected \"}\": the directive "
					    "before it has no \";\"");
			if (cur == base)
				return fail(p, t, t->line, "unexpected \"}\"");
			ngx_node *parent = cur->d.parent
					       ? (ngx_node *)cur->d.parent
					       : &p->conf->root;
			cur = parent;
			nesting--;
			continue;
		}
		if (!p->nargs)
			return fail(p, t, t->line, "unexpected \"%c\"",
				    tok == T_SEMI ? ';' : '{');
		st = end_directive(p, t, &cur, start, tok == T_OPEN, depth,
				   &nesting);
		lg_buf_reset(&p->args);
		p->nargs = 0;
	}
	return st;
}

static lg_status read_file(ngx_parser *p, const char *path, ngx_node *base,
			   unsigned depth, const ngx_text *from, unsigned line)
{
	if (p->conf->nfiles >= NGX_MAX_FILES)
		return fail(p, from, line,
			    "more than %u files included "
			    "(a loop?)",
			    NGX_MAX_FILES);
	errno = 0;
	FILE *fp = fopen(path, "rb");
	lg_buf text = {0};
	char chunk[8192];
	size_t k;
	bool ok = fp != NULL, big = false;
	while (ok && (k = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		big = text.len + k > p->max_file ||
		      p->total + text.len + k > p->max_total;
		ok = !big && lg_buf_append(&text, chunk, k);
	}
	int e = errno ? errno : EIO;
	if (fp && ferror(fp))
		ok = false;
	if (fp)
		fclose(fp);
	if (!ok) {
		lg_buf_free(&text);
		char why[128];
		snprintf(why, sizeof(why), "%s",
			 big ? "too large for a configuration" : strerror(e));
		if (!from) {
			snprintf(p->err, p->errlen, "%s: cannot read it: %s",
				 path, why);
			return LG_EINVAL;
		}
		return fail(p, from, line, "cannot read %s: %s", path, why);
	}
	p->total += text.len;
	ngx_text t = {
	    .s = text.data ? text.data : "",
	    .n = text.len,
	    .line = 1,
	    .seq = p->conf->nfiles++,
	    .path = lg_arena_strndup(&p->conf->arena, path, strlen(path))};
	lg_status st = t.path ? read_text(p, &t, base, depth) : oom(p);
	lg_buf_free(&text);
	return st;
}

/* ---- public -------------------------------------------------------------- */
static lg_status start(ngx_parser *p, const lg_ngx_options *o,
		       lg_ngx_conf **out, char *err, size_t errlen)
{
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	memset(p, 0, sizeof(*p));
	p->conf = calloc(1, sizeof(*p->conf));
	if (!p->conf) {
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	lg_arena_init(&p->conf->arena, 64 << 10);
	p->conf->root.d.block = true;
	p->conf->root.d.name = "";
	p->err = err;
	p->errlen = errlen;
	p->confine = o && o->confine_includes;
	p->max_depth = o && o->max_depth ? o->max_depth : NGX_DEPTH_DEFAULT;
	p->max_file =
	    o && o->max_file_bytes ? o->max_file_bytes : NGX_FILE_DEFAULT;
	p->max_total =
	    o && o->max_total_bytes ? o->max_total_bytes : NGX_TOTAL_DEFAULT;
	return LG_OK;
}

static lg_status finish(ngx_parser *p, lg_status st, lg_ngx_conf **out)
{
	lg_buf_free(&p->word);
	lg_buf_free(&p->args);
	if (st != LG_OK) {
		lg_ngx_free(p->conf);
		return st;
	}
	*out = p->conf;
	return LG_OK;
}

/* The folder of path ("." for a bare name), in the conf's arena. */
static const char *folder_of(lg_ngx_conf *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	if (slash == path)
		return "/";
	return lg_arena_strndup(&c->arena, path, (size_t)(slash - path));
}

lg_status lg_ngx_read_file(const char *path, const lg_ngx_options *o,
			   lg_ngx_conf **out, char *err, size_t errlen)
{
	ngx_parser p;
	lg_status st = start(&p, o, out, err, errlen);
	if (st != LG_OK)
		return st;
	p.root =
	    o && o->include_root ? o->include_root : folder_of(p.conf, path);
	st = p.root ? read_file(&p, path, &p.conf->root, 0, NULL, 0) : oom(&p);
	return finish(&p, st, out);
}

lg_status lg_ngx_read_text(const char *text, size_t n, const char *name,
			   const lg_ngx_options *o, lg_ngx_conf **out,
			   char *err, size_t errlen)
{
	ngx_parser p;
	lg_status st = start(&p, o, out, err, errlen);
	if (st != LG_OK)
		return st;
	if (o && o->include_root)
		p.root = o->include_root;
	else if (name && !(p.root = folder_of(p.conf, name)))
		return finish(&p, oom(&p), out);
	if (n > p.max_file || n > p.max_total) {
		snprintf(err, errlen, "%s: too large for a configuration",
			 name ? name : "(conf)");
		return finish(&p, LG_EINVAL, out);
	}
	p.total = n;
	p.conf->nfiles = 1;
	ngx_text t = {.s = text, .n = n, .line = 1, .path = name};
	st = read_text(&p, &t, &p.conf->root, 0);
	return finish(&p, st, out);
}

const lg_ngx_directive *lg_ngx_first(const lg_ngx_conf *c)
{
	return c->root.d.children;
}

const char *lg_ngx_missed_include(const lg_ngx_conf *c)
{
	return c->missed;
}

unsigned lg_ngx_file_count(const lg_ngx_conf *c)
{
	return c->nfiles;
}

void lg_ngx_free(lg_ngx_conf *c)
{
	if (!c)
		return;
	lg_arena_free(&c->arena);
	free(c);
}

static bool needs_quotes(const char *a)
{
	return !a[0] || strpbrk(a, " \t\r\n;{}\"'#") != NULL;
}

void lg_ngx_format(const lg_ngx_directive *d, char *out, size_t cap)
{
	lg_buf b = {0};
	bool ok = lg_buf_puts(&b, d->name);
	for (size_t i = 0; ok && i < d->nargs; i++) {
		const char *a = d->args[i];
		ok = lg_buf_putc(&b, ' ');
		if (!needs_quotes(a)) {
			ok = ok && lg_buf_puts(&b, a);
			continue;
		}
		char q = strchr(a, '"') && !strchr(a, '\'') ? '\'' : '"';
		ok = ok && lg_buf_putc(&b, q);
		for (; ok && *a; a++) {
			if (*a == q || *a == '\\')
				ok = lg_buf_putc(&b, '\\');
			ok = ok && lg_buf_putc(&b, *a);
		}
		ok = ok && lg_buf_putc(&b, q);
	}
	ok = ok && lg_buf_puts(&b, d->block ? " {" : ";");
	lg_copy_cut(out, cap, ok && b.data ? b.data : d->name);
	lg_buf_free(&b);
}
