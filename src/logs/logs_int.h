/* logs_int.h: internals of the logs engine shared between its files: the
 * parser object, per-format constructors and the helpers every line parser
 * uses (times, request lines, extras, scratch). */
#ifndef LG_LOGS_INT_H
#define LG_LOGS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leakguard/logs.h"

typedef lg_parse_result (*lg_parse_fn)(lg_log_parser *p, const char *line,
				       size_t n, lg_log_event *ev);

struct lg_log_parser {
	lg_log_format fmt;
	lg_parse_fn parse;
	void (*free_state)(void *state);
	void *state; /* the format's own: compiled nginx format, W3C
			columns, postfix queue map */
	int syslog_year;
	int local_tz_min;
	int64_t now_s; /* taken once at creation: syslog year guessing */
	/* true when the last line was recognisably this format's, event or
	 * skip; a postfix parser skips other programs' syslog lines but they
	 * must not make a file sniff as postfix */
	bool recognized;
	/* per-line scratch: values that are not bytes of the line (decoded
	 * JSON strings, joined paths); sized at the start of each line so it
	 * never moves while slices point into it */
	char *scratch;
	size_t scratch_len, scratch_cap;
	/* the last CLF time read and its value: a busy log writes the same
	 * second on many lines in a row */
	char clf_text[26];
	bool clf_ok;
	int clf_tz_min;
	int64_t clf_us;
	char err[200];
};

/* ---- per-format constructors: fill p->parse, p->state, p->free_state.
 * Return false with a message in err (options wrong, out of memory). */
bool lg_clf_init(lg_log_parser *p, bool combined, char *err, size_t errlen);
bool lg_nginx_init(lg_log_parser *p, const char *format, char *err,
		   size_t errlen);
bool lg_ltsv_init(lg_log_parser *p, char *err, size_t errlen);
bool lg_json_init(lg_log_parser *p, const char *const *map, char *err,
		  size_t errlen);
bool lg_w3c_init(lg_log_parser *p, char *err, size_t errlen);
bool lg_alb_init(lg_log_parser *p, char *err, size_t errlen);
bool lg_s3_init(lg_log_parser *p, char *err, size_t errlen);
bool lg_postfix_init(lg_log_parser *p, char *err, size_t errlen);

/* ---- line helpers (parse.c) ---------------------------------------------- */
/* Sets the parser's error to "column COL: reason" (COL 1-based) and returns
 * LG_PARSE_BAD. */
lg_parse_result lg_parse_bad(lg_log_parser *p, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A line of space-separated, possibly quoted columns (ALB, S3): each
 * column goes to fn with its index and 1-based byte column. LG_PARSE_BAD
 * for an unclosed quote, a column fn refuses, or fewer than min_cols
 * columns (`what` names the format in that message). */
typedef lg_parse_result (*lg_column_fn)(lg_log_parser *p, lg_log_event *ev,
					size_t i, lg_slice v, size_t col);
lg_parse_result lg_parse_columns(lg_log_parser *p, const char *line, size_t n,
				 lg_log_event *ev, size_t ncols,
				 size_t min_cols, const char *what,
				 lg_column_fn fn);

/* Sets a field from logged bytes; "-" is stored as absent. */
static inline void lg_ev_set(lg_log_event *ev, lg_field f, const char *s,
			     size_t n)
{
	if (n == 1 && s[0] == '-')
		return;
	ev->f[f].p = s;
	ev->f[f].n = n;
}

/* The closing '"' of a quoted value starting at `start`: the first quote
 * not escaped by an odd run of backslashes (Apache writes \" inside
 * values, nginx's escape=json too; its default escaping writes \x22).
 * NULL when there is none before end. */
static inline const char *lg_close_quote(const char *start, const char *end)
{
	const char *s = start;
	while (s < end) {
		const char *q = memchr(s, '"', (size_t)(end - s));
		if (!q)
			return NULL;
		size_t bs = 0;
		while (q - bs > start && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (!(bs & 1))
			return q;
		s = q + 1;
	}
	return NULL;
}

/* The next space-separated field at *s: "quoted" (escape-aware, quotes
 * dropped), [bracketed] (kept whole: S3's time holds a space) or bare.
 * Returns 1 with *s past the field and its space, 0 at the end of the
 * line, -1 when a quote is not closed. */
int lg_next_field(const char **s, const char *end, lg_slice *out);

/* Adds an extra field (dropped when the event has LG_LOG_MAX_EXTRA). */
void lg_ev_extra(lg_log_event *ev, const char *name, size_t nlen, const char *v,
		 size_t vlen);

/* n bytes of the line's scratch, or NULL when it is used up (the scratch
 * holds at least twice the line plus 4 KB, so only adversarial lines get
 * NULL: callers then leave the field absent). */
char *lg_scratch(lg_log_parser *p, size_t n);

/* Splits an HTTP request line "GET /p?q HTTP/1.1" into cs-method,
 * cs-uri-stem, c-uri-query, cs-uri-query and cs-version. A line that is not
 * a request (TLS bytes on a plain port, "-") leaves them absent and is kept
 * as the extra "request". */
void lg_split_request(lg_log_event *ev, const char *s, size_t n);
/* Splits a request target: an absolute URL loses its scheme and host (the
 * host goes to cs-host when that is absent), then path and query. */
void lg_split_target(lg_log_event *ev, const char *s, size_t n);
/* Completes the URI fields from whichever the line had: the stem and query
 * from cs-uri-query, or cs-uri-query joined from stem and query. */
void lg_finish_uri(lg_log_parser *p, lg_log_event *ev);

/* Formats milliseconds as seconds ("1234" -> "1.234") into the scratch. */
bool lg_ms_to_seconds(lg_log_parser *p, const char *s, size_t n, lg_slice *out);

/* ---- times (parse.c) ----------------------------------------------------- */
int64_t lg_days_from_civil(int y, unsigned m, unsigned d);
/* "Jan".."Dec" -> 1..12, 0 otherwise. */
int lg_month_abbr(const char *s);
/* "10/Oct/2000:13:55:36 -0700" exactly (no brackets). */
bool lg_time_clf(const char *s, size_t n, int64_t *us, int *tz_min);
/* The same for 26 bytes at s, answered from p's last one when equal. */
bool lg_parser_time_clf(lg_log_parser *p, const char *s, int64_t *us,
			int *tz_min);
/* "2025-06-14T09:41:03[.frac][Z|+09:00|+0900]"; a space may replace the T;
 * without an offset the time is taken as local_tz_min. */
bool lg_time_iso8601(const char *s, size_t n, int local_tz_min, int64_t *us,
		     int *tz_min);
/* "1718325663", "1718325663.123" (nginx $msec) or milliseconds /
 * microseconds since the epoch when the number is too large for seconds. */
bool lg_time_epoch(const char *s, size_t n, int64_t *us);
/* Any of the three, brackets around a CLF time allowed. */
bool lg_time_any(const char *s, size_t n, int local_tz_min, int64_t *us,
		 int *tz_min);
/* Parses 1..n decimal digits; false on anything else or overflow. */
bool lg_parse_uint(const char *s, size_t n, uint64_t *out);

/* ---- shared key maps (LTSV labels, JSON keys) ---------------------------- */
/* What a well-known key means beyond a plain lg_field. */
enum {
	LG_KEY_NONE = -1,
	LG_KEY_TIME = -2,    /* a time in any format */
	LG_KEY_REQUEST = -3, /* a whole request line */
	LG_KEY_QUERY = -4    /* the query alone, to be joined */
};
/* The meaning of a key (case-insensitive): an lg_field, or LG_KEY_*.
 * `ltsv` picks the LTSV reading of "host" (the client, as ltsv.org's
 * Apache example logs %h) over the JSON one (the virtual host). */
int lg_common_key(const char *k, size_t n, bool ltsv);
/* Stores a value under the meaning lg_common_key gave it; LG_KEY_NONE and
 * an unreadable time become the extra `name`. */
void lg_store_keyed(lg_log_parser *p, lg_log_event *ev, int key,
		    const char *name, size_t nlen, const char *v, size_t n);

/* ---- nginx configuration (nginx_conf.c) ---------------------------------- */
/* Finds log_format `name` in conf text held in memory (read by the
 * nginxconf engine). `path` names the text in messages and is where
 * relative includes are resolved from (NULL: include directives are
 * ignored). *format is malloc'd, or NULL when the text does not define the
 * name. */
lg_status lg_nginx_conf_find(const char *text, size_t n, const char *path,
			     const char *name, char **format, char *err,
			     size_t errlen);

#endif
