/* parse_nginx.c: lines written by an nginx log_format: the format is
 * compiled once into (variable, literal that follows it) steps and each
 * line is matched against them, a value ending where its next literal
 * begins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_int.h"

typedef struct nginx_step {
	const char *name; /* the variable without '$', in fmt->text */
	size_t nlen;
	int key;	 /* lg_common_key's meaning, LG_KEY_NONE: extra */
	size_t min_len;	 /* a value shorter cannot be (time_local's
			    inner space must not end it) */
	const char *lit; /* the literal after the variable, may be empty */
	size_t litlen;
} nginx_step;

typedef struct nginx_fmt {
	char *text; /* owned copy: names and literals point into it */
	size_t leadlen;
	nginx_step *steps;
	size_t nsteps;
} nginx_fmt;

static void nginx_free(void *state)
{
	nginx_fmt *f = state;
	free(f->steps);
	free(f->text);
	free(f);
}

static bool var_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The variable at s ("$name" or "${name}"): its name and the length of
 * its spelling, 0 when s is a literal '$'. */
static size_t var_at(const char *s, const char **name, size_t *nlen)
{
	if (s[1] == '{') {
		const char *close = strchr(s + 2, '}');
		if (!close || close == s + 2)
			return 0;
		*name = s + 2;
		*nlen = (size_t)(close - s - 2);
		return *nlen + 3;
	}
	size_t k = 1;
	while (var_char(s[k]))
		k++;
	*name = s + 1;
	*nlen = k - 1;
	return k > 1 ? k : 0;
}

/* Literal text from s up to the next variable; the variable's spelling
 * length goes to *vlen (0 at the end). */
static size_t literal_len(const char *s, const char **name, size_t *nlen,
			  size_t *vlen)
{
	size_t i = 0;
	*vlen = 0;
	for (; s[i]; i++) {
		if (s[i] == '$' && (*vlen = var_at(s + i, name, nlen)) != 0)
			break;
	}
	return i;
}

static bool nginx_compile(nginx_fmt *f, char *err, size_t errlen)
{
	const char *name;
	size_t nlen, vlen;
	f->leadlen = literal_len(f->text, &name, &nlen, &vlen);
	const char *s = f->text + f->leadlen;
	size_t cap = 0;
	while (vlen) {
		if (f->nsteps == cap) {
			cap = cap ? cap * 2 : 16;
			nginx_step *st = realloc(f->steps, cap * sizeof(*st));
			if (!st) {
				snprintf(err, errlen,
					 "out of memory for the "
					 "nginx format");
				return false;
			}
			f->steps = st;
		}
		nginx_step *st = &f->steps[f->nsteps++];
		st->name = name;
		st->nlen = nlen;
		st->key = lg_common_key(name, nlen, false);
		st->min_len =
		    nlen == 10 && !strncmp(name, "time_local", 10) ? 26 : 0;
		s += vlen;
		st->lit = s;
		st->litlen = literal_len(s, &name, &nlen, &vlen);
		s += st->litlen;
	}
	return true;
}

static lg_parse_result nginx_parse(lg_log_parser *p, const char *line, size_t n,
				   lg_log_event *ev);

bool lg_nginx_init(lg_log_parser *p, const char *format, char *err,
		   size_t errlen)
{
	if (!format || !*format) {
		snprintf(err, errlen,
			 "the nginx format needs a log_format "
			 "string (--nginx-format or "
			 "--nginx-conf)");
		return false;
	}
	nginx_fmt *f = calloc(1, sizeof(*f));
	if (!f || !(f->text = strdup(format))) {
		free(f);
		snprintf(err, errlen, "out of memory for the nginx format");
		return false;
	}
	p->state = f;
	p->free_state = nginx_free;
	p->parse = nginx_parse;
	if (!nginx_compile(f, err, errlen))
		return false;
	if (f->nsteps == 0) {
		snprintf(err, errlen,
			 "the nginx format \"%.60s\" has no variables", format);
		return false;
	}
	return true;
}

/* Where the literal `lit` next occurs from s, a quote only unescaped. */
static const char *find_literal(const char *s, const char *end, const char *lit,
				size_t litlen)
{
	const char *from = s;
	while (from < end) {
		const char *c =
		    lit[0] == '"' ? lg_close_quote(from, end)
				  : memchr(from, lit[0], (size_t)(end - from));
		if (!c || (size_t)(end - c) < litlen)
			return NULL;
		if (!memcmp(c, lit, litlen))
			return c;
		from = c + 1;
	}
	return NULL;
}

/* The end of step i's value starting at s. */
static const char *value_end(const nginx_fmt *f, size_t i, const char *s,
			     const char *end)
{
	const nginx_step *st = &f->steps[i];
	if (i + 1 == f->nsteps) { /* the last literal closes the line */
		if ((size_t)(end - s) < st->litlen ||
		    memcmp(end - st->litlen, st->lit, st->litlen))
			return NULL;
		return end - st->litlen;
	}
	if (st->litlen == 0) { /* "$a$b": nothing to end at but a space */
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		return sp ? sp : end;
	}
	const char *from = s;
	if (st->min_len && (size_t)(end - s) > st->min_len)
		from = s + st->min_len;
	return find_literal(from, end, st->lit, st->litlen);
}

static lg_parse_result nginx_parse(lg_log_parser *p, const char *line, size_t n,
				   lg_log_event *ev)
{
	const nginx_fmt *f = p->state;
	const char *end = line + n;
	if (n < f->leadlen || memcmp(line, f->text, f->leadlen))
		return lg_parse_bad(p, 1,
				    "expected the line to start with "
				    "'%.*s'",
				    (int)f->leadlen, f->text);
	const char *s = line + f->leadlen;
	for (size_t i = 0; i < f->nsteps; i++) {
		const nginx_step *st = &f->steps[i];
		const char *e = value_end(f, i, s, end);
		if (!e || e < s)
			return lg_parse_bad(
			    p, (size_t)(s - line) + 1,
			    "expected '%.*s' after $%.*s",
			    (int)(st->litlen > 12 ? 12 : st->litlen), st->lit,
			    (int)st->nlen, st->name);
		lg_store_keyed(p, ev, st->key, st->name, st->nlen, s,
			       (size_t)(e - s));
		s = e + st->litlen;
	}
	lg_finish_uri(p, ev);
	return LG_PARSE_EVENT;
}
