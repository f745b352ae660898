/* parse_w3c.c: W3C extended logs as CloudFront writes them: '#Fields:'
 * says the column order (CloudFront's 33 standard fields are assumed
 * until one is seen), values are TAB-separated and URL-encoded and kept
 * as logged, '-' is absent, date and time are UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_int.h"
#include "util/util.h"

enum {
	W3C_DATE = -10,
	W3C_TIME = -11,
	W3C_HOST_HEADER = -12 /* x-host-header: the Host the viewer sent */
};

#define W3C_MAX_COLS 128

static const char cloudfront_fields[] =
    "date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
    "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query "
    "cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
    "cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol "
    "ssl-cipher x-edge-response-result-type cs-protocol-version "
    "fle-status fle-encrypted-fields c-port time-to-first-byte "
    "x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end";

static const struct {
	const char *name;
	int key;
} w3c_names[] = {
    {"date", W3C_DATE},
    {"time", W3C_TIME},
    {"c-ip", LG_FLD_C_IP},
    {"cs-username", LG_FLD_CS_USERNAME},
    {"cs-method", LG_FLD_CS_METHOD},
    {"cs(Host)", LG_FLD_CS_HOST},
    {"x-host-header", W3C_HOST_HEADER},
    {"cs-uri-stem", LG_FLD_CS_URI_STEM},
    /* W3C's cs-uri-query is the query alone: our c-uri-query */
    {"cs-uri-query", LG_KEY_QUERY},
    {"sc-status", LG_FLD_SC_STATUS},
    {"sc-bytes", LG_FLD_SC_BYTES},
    {"cs(Referer)", LG_FLD_CS_REFERER},
    {"cs(User-Agent)", LG_FLD_CS_USER_AGENT},
    {"cs(Cookie)", LG_FLD_CS_COOKIE},
    {"x-edge-result-type", LG_FLD_CACHE_STATUS},
    {"time-taken", LG_FLD_TIME_TAKEN},
    {"x-forwarded-for", LG_FLD_X_FORWARDED_FOR},
    {"cs-protocol-version", LG_FLD_CS_VERSION},
};

typedef struct w3c_col {
	const char *name; /* in fields */
	size_t nlen;
	int key;
} w3c_col;

typedef struct w3c_state {
	char *fields; /* the #Fields: names, owned */
	w3c_col cols[W3C_MAX_COLS];
	size_t ncols;
} w3c_state;

static void w3c_free(void *state)
{
	w3c_state *w = state;
	free(w->fields);
	free(w);
}

static int w3c_key(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(w3c_names) / sizeof(*w3c_names); i++) {
		if (strlen(w3c_names[i].name) == n &&
		    !lg_ascii_ncasecmp(w3c_names[i].name, name, n))
			return w3c_names[i].key;
	}
	return LG_KEY_NONE;
}

/* Takes the space-separated names in `names` (owned from now on). */
static void set_columns(w3c_state *w, char *names)
{
	free(w->fields);
	w->fields = names;
	w->ncols = 0;
	char *s = names;
	while (*s && w->ncols < W3C_MAX_COLS) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t k = strcspn(s, " \t");
		if (!k)
			break;
		w->cols[w->ncols++] = (w3c_col){s, k, w3c_key(s, k)};
		s += k;
	}
}

static lg_parse_result w3c_header(lg_log_parser *p, const char *line, size_t n)
{
	p->recognized = true;
	static const char tag[] = "#Fields:";
	if (n < sizeof(tag) - 1 ||
	    lg_ascii_ncasecmp(line, tag, sizeof(tag) - 1))
		return LG_PARSE_SKIP; /* #Version:, #Date:, comments */
	char *names = strndup(line + 8, n - 8);
	if (!names)
		return lg_parse_bad(p, 1,
				    "out of memory for the #Fields: "
				    "line");
	set_columns(p->state, names);
	return LG_PARSE_SKIP;
}

/* date and time columns joined and read as UTC */
static bool w3c_time(lg_slice d, lg_slice t, lg_log_event *ev)
{
	char buf[40];
	if (!d.p || !t.p || d.n + t.n + 1 >= sizeof(buf))
		return false;
	memcpy(buf, d.p, d.n);
	buf[d.n] = 'T';
	memcpy(buf + d.n + 1, t.p, t.n);
	return lg_time_iso8601(buf, d.n + t.n + 1, 0, &ev->time_us,
			       &ev->tz_min);
}

static lg_parse_result w3c_parse(lg_log_parser *p, const char *line, size_t n,
				 lg_log_event *ev)
{
	if (line[0] == '#')
		return w3c_header(p, line, n);
	const w3c_state *w = p->state;
	char sep = memchr(line, '\t', n) ? '\t' : ' ';
	const char *s = line, *end = line + n;
	lg_slice date = {0}, tim = {0}, host = {0};
	size_t col = 0;
	for (; s <= end && col < w->ncols; col++) {
		const char *e = memchr(s, sep, (size_t)(end - s));
		if (!e)
			e = end;
		const w3c_col *c = &w->cols[col];
		size_t vn = (size_t)(e - s);
		if (c->key == W3C_DATE)
			date = (lg_slice){s, vn};
		else if (c->key == W3C_TIME)
			tim = (lg_slice){s, vn};
		else if (c->key == W3C_HOST_HEADER)
			host = (lg_slice){s, vn};
		else
			lg_store_keyed(p, ev, c->key, c->name, c->nlen, s, vn);
		s = e + 1;
	}
	if (col < 9 && col < w->ncols)
		return lg_parse_bad(p, n + 1,
				    "only %zu of the %zu fields #Fields: names",
				    col, w->ncols);
	if (!w3c_time(date, tim, ev))
		return lg_parse_bad(p, 1,
				    "expected a date and a time like "
				    "2019-12-04<TAB>21:02:31");
	if (host.p && !(host.n == 1 && host.p[0] == '-'))
		ev->f[LG_FLD_CS_HOST] = host;
	lg_finish_uri(p, ev);
	return LG_PARSE_EVENT;
}

bool lg_w3c_init(lg_log_parser *p, char *err, size_t errlen)
{
	w3c_state *w = calloc(1, sizeof(*w));
	char *names = strdup(cloudfront_fields);
	if (!w || !names) {
		free(w);
		free(names);
		snprintf(err, errlen, "out of memory for the W3C parser");
		return false;
	}
	set_columns(w, names);
	p->state = w;
	p->free_state = w3c_free;
	p->parse = w3c_parse;
	return true;
}
