/* parse.c: the log parser object (format names, creation, per-line
 * dispatch) and the helpers every format shares: errors with columns,
 * extras, scratch, request-line splitting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/logs_int.h"
#include "util/util.h"

static const char *const format_names[LG_LOG_FORMAT_COUNT] = {
    [LG_LOG_AUTO] = "auto",
    [LG_LOG_COMBINED] = "combined",
    [LG_LOG_COMMON] = "common",
    [LG_LOG_NGINX] = "nginx",
    [LG_LOG_LTSV] = "ltsv",
    [LG_LOG_JSON] = "json",
    [LG_LOG_CLOUDFRONT] = "cloudfront",
    [LG_LOG_ALB] = "alb",
    [LG_LOG_S3] = "s3",
    [LG_LOG_POSTFIX] = "postfix",
};

/* Names users reach for that mean one of ours. */
static const struct {
	const char *alias;
	lg_log_format fmt;
} format_aliases[] = {
    {"apache", LG_LOG_COMBINED}, {"clf", LG_LOG_COMMON},
    {"w3c", LG_LOG_CLOUDFRONT},	 {"elb", LG_LOG_ALB},
    {"maillog", LG_LOG_POSTFIX}, {"jsonl", LG_LOG_JSON},
};

const char *lg_log_format_name(lg_log_format f)
{
	return (unsigned)f < LG_LOG_FORMAT_COUNT ? format_names[f] : "unknown";
}

bool lg_log_format_parse(const char *name, lg_log_format *out)
{
	for (int f = 0; f < LG_LOG_FORMAT_COUNT; f++) {
		if (!lg_ascii_casecmp(name, format_names[f])) {
			*out = (lg_log_format)f;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(format_aliases) / sizeof(*format_aliases);
	     i++) {
		if (!lg_ascii_casecmp(name, format_aliases[i].alias)) {
			*out = format_aliases[i].fmt;
			return true;
		}
	}
	return false;
}

static bool parser_init_format(lg_log_parser *p, const lg_log_parser_options *o,
			       char *err, size_t errlen)
{
	switch (p->fmt) {
	case LG_LOG_COMBINED:
		return lg_clf_init(p, true, err, errlen);
	case LG_LOG_COMMON:
		return lg_clf_init(p, false, err, errlen);
	case LG_LOG_NGINX:
		return lg_nginx_init(p, o->nginx_format, err, errlen);
	case LG_LOG_LTSV:
		return lg_ltsv_init(p, err, errlen);
	case LG_LOG_JSON:
		return lg_json_init(p, o->json_map, err, errlen);
	case LG_LOG_CLOUDFRONT:
		return lg_w3c_init(p, err, errlen);
	case LG_LOG_ALB:
		return lg_alb_init(p, err, errlen);
	case LG_LOG_S3:
		return lg_s3_init(p, err, errlen);
	case LG_LOG_POSTFIX:
		return lg_postfix_init(p, err, errlen);
	default:
		snprintf(err, errlen,
			 "a parser needs a log format, not \"%s\" (sniff "
			 "first)",
			 lg_log_format_name(p->fmt));
		return false;
	}
}

lg_log_parser *lg_log_parser_new(lg_log_format fmt,
				 const lg_log_parser_options *o, char *err,
				 size_t errlen)
{
	static const lg_log_parser_options none = {0};
	if (!o)
		o = &none;
	lg_log_parser *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory for a log parser");
		return NULL;
	}
	p->fmt = fmt;
	p->syslog_year = o->syslog_year;
	p->local_tz_min = o->local_tz_min;
	p->now_s = (int64_t)time(NULL);
	if (!parser_init_format(p, o, err, errlen)) {
		lg_log_parser_free(p);
		return NULL;
	}
	return p;
}

/* Only what a parser writes is cleared: source and line belong to the
 * reader, and extras past nextra are never read. */
static void event_clear(lg_log_event *ev)
{
	ev->time_us = LG_TIME_NONE;
	ev->tz_min = 0;
	memset(ev->f, 0, sizeof(ev->f));
	ev->nextra = 0;
}

/* Room for everything a line can put in the scratch: decoded strings are
 * never longer than the line, joined paths at most the line again. */
static bool scratch_fit(lg_log_parser *p, size_t n)
{
	p->scratch_len = 0;
	if (n > (SIZE_MAX - 4096) / 2)
		return false;
	size_t need = 2 * n + 4096;
	if (need <= p->scratch_cap)
		return true;
	char *s = realloc(p->scratch, need);
	if (!s)
		return false;
	p->scratch = s;
	p->scratch_cap = need;
	return true;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

lg_parse_result lg_log_parse(lg_log_parser *p, const char *line, size_t n,
			     lg_log_event *ev)
{
	event_clear(ev);
	p->err[0] = '\0';
	p->recognized = false;
	if (n && line[n - 1] == '\r')
		n--;
	if (is_blank(line, n))
		return LG_PARSE_SKIP; /* blank lines carry nothing */
	if (!scratch_fit(p, n))
		return lg_parse_bad(p, 1, "out of memory for a %zu-byte line",
				    n);
	lg_parse_result r = p->parse(p, line, n, ev);
	if (r == LG_PARSE_BAD)
		event_clear(ev);
	else if (r == LG_PARSE_EVENT)
		p->recognized = true;
	return r;
}

const char *lg_log_parser_error(const lg_log_parser *p)
{
	return p->err;
}

lg_log_format lg_log_parser_format(const lg_log_parser *p)
{
	return p->fmt;
}

void lg_log_parser_free(lg_log_parser *p)
{
	if (!p)
		return;
	if (p->free_state && p->state)
		p->free_state(p->state);
	free(p->scratch);
	free(p);
}

lg_parse_result lg_parse_bad(lg_log_parser *p, size_t col, const char *fmt, ...)
{
	int k = snprintf(p->err, sizeof(p->err), "column %zu: ", col);
	if (k < 0 || (size_t)k >= sizeof(p->err))
		return LG_PARSE_BAD;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + k, sizeof(p->err) - (size_t)k, fmt, ap);
	va_end(ap);
	return LG_PARSE_BAD;
}

void lg_ev_extra(lg_log_event *ev, const char *name, size_t nlen, const char *v,
		 size_t vlen)
{
	if ((vlen == 1 && v[0] == '-') || ev->nextra >= LG_LOG_MAX_EXTRA)
		return;
	ev->extra_name[ev->nextra] = (lg_slice){name, nlen};
	ev->extra_value[ev->nextra] = (lg_slice){v, vlen};
	ev->nextra++;
}

char *lg_scratch(lg_log_parser *p, size_t n)
{
	if (n > p->scratch_cap - p->scratch_len)
		return NULL;
	char *s = p->scratch + p->scratch_len;
	p->scratch_len += n;
	return s;
}

int lg_next_field(const char **s, const char *end, lg_slice *out)
{
	const char *b = *s, *e;
	if (b >= end)
		return 0;
	if (*b == '"') {
		e = lg_close_quote(b + 1, end);
		if (!e)
			return -1;
		*out = (lg_slice){b + 1, (size_t)(e - b - 1)};
		e++;
	} else if (*b == '[' && (e = memchr(b, ']', (size_t)(end - b))) &&
		   (e + 1 == end || e[1] == ' ')) {
		/* "[2001:db8::1]:443" is an address, not a bracketed field */
		e++;
		*out = (lg_slice){b, (size_t)(e - b)};
	} else {
		e = memchr(b, ' ', (size_t)(end - b));
		if (!e)
			e = end;
		*out = (lg_slice){b, (size_t)(e - b)};
	}
	*s = e < end && *e == ' ' ? e + 1 : e;
	return 1;
}

static bool starts_with_ci(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && !lg_ascii_ncasecmp(s, pre, k);
}

/* The host of an absolute URL, without a numeric port (ALB logs
 * "https://example.com:443/": the Host rules compare is example.com). */
static void set_url_host(lg_log_event *ev, const char *h, size_t n)
{
	const char *colon = memrchr(h, ':', n);
	uint64_t port;
	/* an IPv6 literal's own colons are inside its brackets */
	if (colon && (h[0] != '[' || colon[-1] == ']') &&
	    lg_parse_uint(colon + 1, n - (size_t)(colon - h) - 1, &port))
		n = (size_t)(colon - h);
	lg_ev_set(ev, LG_FLD_CS_HOST, h, n);
}

void lg_split_target(lg_log_event *ev, const char *s, size_t n)
{
	/* absolute-form (proxies, ALB): the path is what rules look at;
	 * most targets are a path, told by their first byte */
	size_t skip = n == 0 || (s[0] != 'h' && s[0] != 'H') ? 0
		      : starts_with_ci(s, n, "http://")	     ? 7
		      : starts_with_ci(s, n, "https://")     ? 8
							     : 0;
	if (skip) {
		const char *slash = memchr(s + skip, '/', n - skip);
		size_t host_end = slash ? (size_t)(slash - s) : n;
		if (!ev->f[LG_FLD_CS_HOST].p && host_end > skip)
			set_url_host(ev, s + skip, host_end - skip);
		if (slash) {
			n -= host_end;
			s += host_end;
		}
	}
	lg_ev_set(ev, LG_FLD_CS_URI_QUERY, s, n);
	const char *q = memchr(s, '?', n);
	if (q) {
		lg_ev_set(ev, LG_FLD_CS_URI_STEM, s, (size_t)(q - s));
		ev->f[LG_FLD_C_URI_QUERY] =
		    (lg_slice){q + 1, n - (size_t)(q - s) - 1};
	} else {
		lg_ev_set(ev, LG_FLD_CS_URI_STEM, s, n);
	}
}

/* "HTTP/1.1", or "-" where ALB logs "- - -" for a request it could not
 * read. */
static bool version_token(const char *s, size_t n)
{
	return (n == 1 && s[0] == '-') || (n > 5 && !strncmp(s, "HTTP/", 5));
}

void lg_split_request(lg_log_event *ev, const char *s, size_t n)
{
	while (n && s[n - 1] == ' ')
		n--;
	const char *sp1 = memchr(s, ' ', n);
	if (!sp1 || sp1 == s) {
		lg_ev_extra(ev, "request", 7, s, n);
		return;
	}
	size_t mlen = (size_t)(sp1 - s);
	const char *t = sp1 + 1;
	size_t rest = n - mlen - 1;
	/* the version is after the last space: a target logged unescaped
	 * may hold spaces of its own */
	const char *sp2 = memrchr(t, ' ', rest);
	size_t tlen = rest;
	if (sp2 && version_token(sp2 + 1, rest - (size_t)(sp2 - t) - 1)) {
		tlen = (size_t)(sp2 - t);
		lg_ev_set(ev, LG_FLD_CS_VERSION, sp2 + 1, rest - tlen - 1);
	}
	lg_ev_set(ev, LG_FLD_CS_METHOD, s, mlen);
	if (tlen && !(tlen == 1 && t[0] == '-'))
		lg_split_target(ev, t, tlen);
}

void lg_finish_uri(lg_log_parser *p, lg_log_event *ev)
{
	lg_slice whole = ev->f[LG_FLD_CS_URI_QUERY];
	lg_slice stem = ev->f[LG_FLD_CS_URI_STEM];
	lg_slice query = ev->f[LG_FLD_C_URI_QUERY];
	/* a "uri" key that holds the query too (Caddy's request.uri) */
	if (!whole.p && stem.p && !query.p && memchr(stem.p, '?', stem.n)) {
		lg_split_target(ev, stem.p, stem.n);
		return;
	}
	if (whole.p && !stem.p) {
		lg_slice keep = query;
		lg_split_target(ev, whole.p, whole.n);
		if (keep.p)
			ev->f[LG_FLD_C_URI_QUERY] = keep;
		return;
	}
	if (whole.p || !stem.p)
		return;
	if (!query.p || !query.n) {
		ev->f[LG_FLD_CS_URI_QUERY] = stem;
		return;
	}
	char *s = lg_scratch(p, stem.n + 1 + query.n);
	if (!s)
		return;
	memcpy(s, stem.p, stem.n);
	s[stem.n] = '?';
	memcpy(s + stem.n + 1, query.p, query.n);
	ev->f[LG_FLD_CS_URI_QUERY] = (lg_slice){s, stem.n + 1 + query.n};
}

bool lg_ms_to_seconds(lg_log_parser *p, const char *s, size_t n, lg_slice *out)
{
	uint64_t ms;
	if (!lg_parse_uint(s, n, &ms))
		return false;
	char *d = lg_scratch(p, 32);
	if (!d)
		return false;
	int k = snprintf(d, 32, "%llu.%03u", (unsigned long long)(ms / 1000),
			 (unsigned)(ms % 1000));
	*out = (lg_slice){d, (size_t)k};
	return true;
}

lg_parse_result lg_parse_columns(lg_log_parser *p, const char *line, size_t n,
				 lg_log_event *ev, size_t ncols,
				 size_t min_cols, const char *what,
				 lg_column_fn fn)
{
	const char *s = line, *end = line + n;
	size_t i = 0;
	lg_slice v;
	for (; i < ncols; i++) {
		size_t col = (size_t)(s - line) + 1;
		int r = lg_next_field(&s, end, &v);
		if (r < 0)
			return lg_parse_bad(p, col, "no closing quote");
		if (r == 0)
			break;
		if (fn(p, ev, i, v, col) == LG_PARSE_BAD)
			return LG_PARSE_BAD;
	}
	if (i < min_cols)
		return lg_parse_bad(p, n + 1,
				    "the line ends after %zu fields; %s lines "
				    "have at least %zu",
				    i, what, min_cols);
	return LG_PARSE_EVENT;
}
