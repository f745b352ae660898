/* nginx_conf.c: finds a log_format in nginx.conf and the files it
 * includes, tokenised the way nginx's own conf parser does (comments,
 * quoted strings with backslash escapes, multi-part directives), so the
 * logs can be read with exactly the format that wrote them. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_int.h"
#include "util/util.h"

#define CONF_MAX_BYTES	 (16u << 20) /* a conf file larger is not one */
#define CONF_MAX_INCLUDE 16	     /* nesting: deeper means a loop */

static const char builtin_combined[] =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status "
    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

typedef struct conf_cx {
	const char *s;
	size_t n, i;
	unsigned line;
	const char *path; /* for messages; NULL: "(memory)" */
	const char *root; /* folder includes are relative to; NULL: none */
	const char *name; /* the log_format looked for */
	int depth;
	char **format; /* set when found */
	char *err;
	size_t errlen;
	char *missed; /* the first include that could not be read, or "" */
	size_t missedlen;
} conf_cx;

enum { TOK_WORD, TOK_SEMI, TOK_OPEN, TOK_CLOSE, TOK_EOF, TOK_ERR };

static lg_status conf_err(conf_cx *c, const char *what)
{
	snprintf(c->err, c->errlen, "%s:%u: %s", c->path ? c->path : "(conf)",
		 c->line, what);
	return LG_EINVAL;
}

static void skip_space_and_comments(conf_cx *c)
{
	while (c->i < c->n) {
		char ch = c->s[c->i];
		if (ch == '\n')
			c->line++;
		if (ch == '#') {
			const char *nl = memchr(c->s + c->i, '\n', c->n - c->i);
			c->i = nl ? (size_t)(nl - c->s) : c->n;
			continue;
		}
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		c->i++;
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

static int read_word(conf_cx *c, lg_buf *w)
{
	char q = c->s[c->i];
	bool quoted = q == '"' || q == '\'';
	c->i += quoted;
	for (; c->i < c->n; c->i++) {
		char ch = c->s[c->i];
		if (quoted && ch == q) {
			c->i++;
			return TOK_WORD;
		}
		if (!quoted &&
		    (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
		     ch == ';' || ch == '{' || ch == '}'))
			return TOK_WORD;
		if (ch == '\n')
			c->line++;
		bool ok = ch == '\\' && c->i + 1 < c->n
			      ? put_escaped(w, c->s[++c->i])
			      : lg_buf_putc(w, ch);
		if (!ok)
			return TOK_ERR;
	}
	if (quoted) {
		conf_err(c, "unterminated quoted string");
		return TOK_ERR;
	}
	return TOK_WORD;
}

/* The next token; a word's bytes in w (reset first). */
static int next_token(conf_cx *c, lg_buf *w)
{
	lg_buf_reset(w);
	if (!lg_buf_reserve(w, 64)) {
		conf_err(c, "out of memory");
		return TOK_ERR;
	}
	skip_space_and_comments(c);
	if (c->i >= c->n)
		return TOK_EOF;
	switch (c->s[c->i]) {
	case ';':
		c->i++;
		return TOK_SEMI;
	case '{':
		c->i++;
		return TOK_OPEN;
	case '}':
		c->i++;
		return TOK_CLOSE;
	}
	int t = read_word(c, w);
	if (t == TOK_ERR && !c->err[0])
		conf_err(c, "out of memory");
	return t;
}

static lg_status conf_scan(conf_cx *c);

static lg_status include_file(conf_cx *c, const char *file)
{
	errno = 0;
	FILE *fp = fopen(file, "rb");
	lg_buf text = {0};
	char chunk[8192];
	size_t k;
	bool ok = fp != NULL;
	while (ok && (k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ok = text.len + k <= CONF_MAX_BYTES &&
		     lg_buf_append(&text, chunk, k);
	if (fp && ferror(fp))
		ok = false;
	if (fp)
		fclose(fp);
	if (!ok) {
		lg_buf_free(&text);
		char msg[PATH_MAX + 64];
		snprintf(msg, sizeof(msg), "cannot read %s: %s", file,
			 strerror(errno ? errno : EIO));
		return conf_err(c, msg);
	}
	conf_cx sub = *c;
	sub.s = text.data ? text.data : "";
	sub.n = text.len;
	sub.i = 0;
	sub.line = 1;
	sub.path = file;
	sub.depth = c->depth + 1;
	lg_status st = conf_scan(&sub);
	lg_buf_free(&text);
	return st;
}

/* include PATTERN: relative to the main conf's folder, as nginx resolves
 * it. A conf copied from a server names files of that server
 * (/etc/nginx/mime.types): a missing include is noted, not fatal; the
 * note goes into the error when the log_format is not found. */
static lg_status do_include(conf_cx *c, const char *pattern)
{
	if (!c->root)
		return LG_OK;
	if (c->depth >= CONF_MAX_INCLUDE)
		return conf_err(c, "includes nested too deep (a loop?)");
	char full[PATH_MAX];
	if (pattern[0] == '/')
		snprintf(full, sizeof(full), "%s", pattern);
	else
		snprintf(full, sizeof(full), "%s/%s", c->root, pattern);
	glob_t g;
	int r = glob(full, 0, NULL, &g);
	if (r == GLOB_NOMATCH && strpbrk(pattern, "*?["))
		return LG_OK;
	if (r != 0) {
		if (c->missed && !c->missed[0])
			snprintf(c->missed, c->missedlen, "%s:%u: %s",
				 c->path ? c->path : "(conf)", c->line, full);
		return LG_OK;
	}
	lg_status st = LG_OK;
	for (size_t i = 0; i < g.gl_pathc && st == LG_OK && !*c->format; i++)
		st = include_file(c, g.gl_pathv[i]);
	globfree(&g);
	return st;
}

static lg_status found_format(conf_cx *c, const lg_buf *args, size_t nargs)
{
	/* args: "log_format\0name\0[escape=..\0]part\0part\0" */
	const char *a = args->data + strlen(args->data) + 1;
	a += strlen(a) + 1;
	size_t i = 2;
	if (i < nargs && !strncmp(a, "escape=", 7)) {
		if (strcmp(a + 7, "default") && strcmp(a + 7, "json") &&
		    strcmp(a + 7, "none"))
			return conf_err(c, "log_format escape= must be "
					   "default, json or none");
		a += strlen(a) + 1;
		i++;
	}
	if (i >= nargs)
		return conf_err(c, "log_format has a name but no format");
	lg_buf f = {0};
	for (; i < nargs; i++, a += strlen(a) + 1) {
		if (!lg_buf_puts(&f, a)) {
			lg_buf_free(&f);
			return conf_err(c, "out of memory");
		}
	}
	*c->format = f.data;
	return LG_OK;
}

static lg_status directive(conf_cx *c, const lg_buf *args, size_t nargs)
{
	const char *d = args->data;
	if (!strcmp(d, "include")) {
		if (nargs != 2)
			return conf_err(c, "include takes one file pattern");
		return do_include(c, d + 8);
	}
	if (strcmp(d, "log_format") != 0)
		return LG_OK;
	if (nargs < 2)
		return conf_err(c, "log_format without a name");
	if (strcmp(d + 11, c->name) != 0)
		return LG_OK;
	return found_format(c, args, nargs);
}

/* Words up to ';' go into args, NUL-separated; a '{' or '}' ends a
 * directive without one (blocks: their contents are read on). */
static lg_status conf_scan(conf_cx *c)
{
	lg_buf w = {0}, args = {0};
	size_t nargs = 0;
	unsigned start = c->line;
	lg_status st = LG_OK;
	while (st == LG_OK && !*c->format) {
		int t = next_token(c, &w);
		if (t == TOK_ERR) {
			st = LG_EINVAL;
		} else if (t == TOK_WORD) {
			if (nargs++ == 0)
				start = c->line;
			if (!lg_buf_append(&args, w.data, w.len + 1))
				st = conf_err(c, "out of memory");
		} else if (t == TOK_SEMI && nargs) {
			unsigned here = c->line;
			c->line = start; /* messages name the directive */
			st = directive(c, &args, nargs);
			c->line = here;
			lg_buf_reset(&args);
			nargs = 0;
		} else if (t == TOK_EOF) {
			if (nargs)
				st = conf_err(c, "the last directive has no "
						 "';'");
			break;
		} else {
			lg_buf_reset(&args);
			nargs = 0;
		}
	}
	lg_buf_free(&w);
	lg_buf_free(&args);
	return st;
}

/* The folder of path ("." for a bare name) into root. */
static void conf_root(const char *path, char *root, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(root, cap, ".");
	else if (slash == path)
		snprintf(root, cap, "/");
	else
		snprintf(root, cap, "%.*s", (int)(slash - path), path);
}

lg_status lg_nginx_conf_find(const char *text, size_t n, const char *path,
			     const char *name, int depth, char **format,
			     char *err, size_t errlen)
{
	*format = NULL;
	err[0] = '\0';
	char root[PATH_MAX];
	if (path)
		conf_root(path, root, sizeof(root));
	conf_cx c = {.s = text,
		     .n = n,
		     .line = 1,
		     .path = path,
		     .root = path ? root : NULL,
		     .name = name,
		     .depth = depth,
		     .format = format,
		     .err = err,
		     .errlen = errlen};
	lg_status st = conf_scan(&c);
	if (st != LG_OK) {
		free(*format);
		*format = NULL;
	}
	return st;
}

lg_status lg_nginx_log_format(const char *conf_path, const char *name,
			      char **format, char *err, size_t errlen)
{
	*format = NULL;
	err[0] = '\0';
	FILE *fp = fopen(conf_path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s: cannot read it: %s", conf_path,
			 strerror(errno));
		return LG_EINVAL;
	}
	fclose(fp);
	char root[PATH_MAX];
	conf_root(conf_path, root, sizeof(root));
	/* the main file goes through include_file: one reader for all */
	char missed[PATH_MAX + 64] = "";
	conf_cx c = {"", 0,	 0,   1,      conf_path, root,		name,
		     -1, format, err, errlen, missed,	 sizeof(missed)};
	lg_status st = include_file(&c, conf_path);
	if (st != LG_OK) {
		free(*format);
		*format = NULL;
		return st;
	}
	if (!*format && !strcmp(name, "combined")) {
		*format = strdup(builtin_combined);
		if (!*format) {
			snprintf(err, errlen, "out of memory");
			return LG_ENOMEM;
		}
	} else if (!*format) {
		snprintf(err, errlen,
			 "%s: no log_format \"%s\" in it or its includes%s%s",
			 conf_path, name,
			 missed[0] ? " (an include was not found: " : "",
			 missed[0] ? missed : "");
		if (missed[0] && strlen(err) + 1 < errlen)
			strcat(err, ")");
		return LG_EINVAL;
	}
	return LG_OK;
}
