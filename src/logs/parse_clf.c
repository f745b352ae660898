/* parse_clf.c: Apache/nginx "combined" and "common" access log lines,
 * scanned by hand (memchr, fixed-width time) because they are the bulk of
 * what users feed in and the product's speed goal is set on them. */
#include <string.h>

#include "logs/logs_int.h"

#define COL(s) ((size_t)((s)-line) + 1)

/* Reads `"value"` at *s (after the space before it); on success *s is just
 * past the closing quote. */
static bool quoted(const char **s, const char *end, lg_slice *out)
{
	const char *q = *s;
	if (q >= end || *q != '"')
		return false;
	const char *close = lg_close_quote(q + 1, end);
	if (!close)
		return false;
	*out = (lg_slice){q + 1, (size_t)(close - q - 1)};
	*s = close + 1;
	return true;
}

/* A run of digits (or a lone "-") up to a space or the end. */
static const char *number_field(const char *s, const char *end, bool dash_ok)
{
	const char *e = s;
	while (e < end && (unsigned)(*e - '0') <= 9)
		e++;
	if (e == s && dash_ok && s < end && *s == '-')
		e++;
	if (e == s || (e < end && *e != ' '))
		return NULL;
	return e;
}

/* host ident user [time] */
static lg_parse_result clf_head(lg_log_parser *p, const char *line,
				const char *end, lg_log_event *ev,
				const char **out)
{
	const char *sp = memchr(line, ' ', (size_t)(end - line));
	if (!sp || sp == line)
		return lg_parse_bad(p, 1,
				    "expected the client address and "
				    "a space");
	lg_ev_set(ev, LG_FLD_C_IP, line, (size_t)(sp - line));
	const char *ident = sp + 1;
	sp = memchr(ident, ' ', (size_t)(end - ident));
	if (!sp)
		return lg_parse_bad(p, COL(ident),
				    "expected the ident field and a space");
	const char *user = sp + 1;
	/* the user may hold spaces (HTTP basic auth allows them): it ends
	 * at " [" */
	const char *br = memchr(user, '[', (size_t)(end - user));
	if (!br || br == user || br[-1] != ' ')
		return lg_parse_bad(p, COL(user),
				    "expected '[' before the time");
	lg_ev_set(ev, LG_FLD_CS_USERNAME, user, (size_t)(br - 1 - user));
	if (end - br < 28 || br[27] != ']')
		return lg_parse_bad(p, COL(br + 1),
				    "expected a time like "
				    "[10/Oct/2000:13:55:36 -0700]");
	if (!lg_parser_time_clf(p, br + 1, &ev->time_us, &ev->tz_min))
		return lg_parse_bad(p, COL(br + 1),
				    "the time is not dd/Mon/yyyy:hh:mm:ss "
				    "+zzzz");
	*out = br + 28;
	return LG_PARSE_EVENT;
}

/* "request" status bytes */
static lg_parse_result clf_request(lg_log_parser *p, const char *line,
				   const char *s, const char *end,
				   lg_log_event *ev, const char **out)
{
	lg_slice req;
	if (s >= end || *s != ' ')
		return lg_parse_bad(p, COL(s),
				    "expected a space after the "
				    "time");
	s++;
	if (!quoted(&s, end, &req))
		return lg_parse_bad(p, COL(s),
				    s < end && *s == '"'
					? "no closing quote after the request"
					: "expected '\"' before the request");
	lg_split_request(ev, req.p, req.n);
	if (s >= end || *s != ' ')
		return lg_parse_bad(p, COL(s),
				    "expected a space after the "
				    "request");
	s++;
	const char *e = number_field(s, end, false);
	if (!e)
		return lg_parse_bad(p, COL(s), "expected a numeric status");
	lg_ev_set(ev, LG_FLD_SC_STATUS, s, (size_t)(e - s));
	if (e >= end)
		return lg_parse_bad(p, COL(e),
				    "expected the bytes sent after "
				    "the status");
	s = e + 1;
	e = number_field(s, end, true);
	if (!e)
		return lg_parse_bad(p, COL(s),
				    "expected the bytes sent as a "
				    "number or '-'");
	lg_ev_set(ev, LG_FLD_SC_BYTES, s, (size_t)(e - s));
	*out = e;
	return LG_PARSE_EVENT;
}

static lg_parse_result combined_parse(lg_log_parser *p, const char *line,
				      size_t n, lg_log_event *ev)
{
	const char *end = line + n, *s;
	if (clf_head(p, line, end, ev, &s) == LG_PARSE_BAD ||
	    clf_request(p, line, s, end, ev, &s) == LG_PARSE_BAD)
		return LG_PARSE_BAD;
	lg_slice ref, ua;
	if (s >= end || *s != ' ' || (s++, !quoted(&s, end, &ref)))
		return lg_parse_bad(p, COL(s),
				    "expected a quoted referer after the bytes "
				    "(a common-format line?)");
	if (s >= end || *s != ' ' || (s++, !quoted(&s, end, &ua)))
		return lg_parse_bad(p, COL(s),
				    "expected a quoted user agent after the "
				    "referer");
	lg_ev_set(ev, LG_FLD_CS_REFERER, ref.p, ref.n);
	lg_ev_set(ev, LG_FLD_CS_USER_AGENT, ua.p, ua.n);
	/* anything after (nginx's "main" adds "$http_x_forwarded_for",
	 * vhost_combined variants add more) is tolerated, not read */
	return LG_PARSE_EVENT;
}

static lg_parse_result common_parse(lg_log_parser *p, const char *line,
				    size_t n, lg_log_event *ev)
{
	const char *end = line + n, *s;
	if (clf_head(p, line, end, ev, &s) == LG_PARSE_BAD ||
	    clf_request(p, line, s, end, ev, &s) == LG_PARSE_BAD)
		return LG_PARSE_BAD;
	while (s < end && *s == ' ')
		s++;
	/* a referer here means the file is combined: saying so keeps the
	 * sniffer from calling a combined file common */
	if (s < end)
		return lg_parse_bad(p, COL(s),
				    "unexpected text after the bytes sent (a "
				    "combined-format line?)");
	return LG_PARSE_EVENT;
}

bool lg_clf_init(lg_log_parser *p, bool combined, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	p->parse = combined ? combined_parse : common_parse;
	return true;
}
