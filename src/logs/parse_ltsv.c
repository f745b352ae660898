/* parse_ltsv.c: LTSV lines (label:value fields separated by TABs, as
 * ltsv.org specifies them and as many Japanese nginx setups log). Labels
 * are not standardised: the usual ones map to event fields, the rest are
 * kept as extras under their own label. */
#include <string.h>

#include "logs/logs_int.h"

/* lbyte = [0-9A-Za-z_.-] (ltsv.org); anything else is not a label, which
 * also keeps a combined line with a ':' in it from reading as LTSV. */
static bool label_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* "reqtime" is %D microseconds in ltsv.org's Apache example but nginx
 * users log $request_time seconds under it: only a decimal point says
 * which. */
static int ltsv_key(const char *k, size_t n, const char *v, size_t vn)
{
	if (n == 7 && !memcmp(k, "reqtime", 7))
		return memchr(v, '.', vn) ? LG_FLD_TIME_TAKEN : LG_KEY_NONE;
	return lg_common_key(k, n, true);
}

static lg_parse_result ltsv_parse(lg_log_parser *p, const char *line, size_t n,
				  lg_log_event *ev)
{
	const char *s = line, *end = line + n;
	unsigned fields = 0;
	while (s < end) {
		const char *tab = memchr(s, '\t', (size_t)(end - s));
		const char *fe = tab ? tab : end;
		if (fe > s) { /* an empty field (a trailing TAB) is no harm */
			const char *colon = memchr(s, ':', (size_t)(fe - s));
			if (!colon)
				return lg_parse_bad(p, (size_t)(s - line) + 1,
						    "expected label:value, "
						    "found no ':'");
			size_t ln = (size_t)(colon - s);
			if (!label_ok(s, ln))
				return lg_parse_bad(
				    p, (size_t)(s - line) + 1,
				    "the label '%.*s' has bytes other than "
				    "letters, digits, '_', '.', '-'",
				    (int)(ln > 24 ? 24 : ln), s);
			const char *v = colon + 1;
			size_t vn = (size_t)(fe - v);
			lg_store_keyed(p, ev, ltsv_key(s, ln, v, vn), s, ln, v,
				       vn);
			fields++;
		}
		s = fe + 1;
	}
	if (!fields)
		return lg_parse_bad(p, 1, "no label:value fields");
	lg_finish_uri(p, ev);
	return LG_PARSE_EVENT;
}

bool lg_ltsv_init(lg_log_parser *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	p->parse = ltsv_parse;
	return true;
}
