/* parse_keys.c: the names LTSV labels and JSON keys give the usual
 * access-log fields (nginx variable names, ltsv.org's labels, shipper
 * names), mapped to event fields so neither format needs a map for them. */
#include <string.h>

#include "logs/logs_int.h"
#include "util/util.h"

static const struct {
	const char *key;
	int meaning;
} common_keys[] = {
    {"remote_addr", LG_FLD_C_IP},
    {"client_ip", LG_FLD_C_IP},
    {"clientip", LG_FLD_C_IP},
    {"ip", LG_FLD_C_IP},
    {"remote_ip", LG_FLD_C_IP},
    {"c-ip", LG_FLD_C_IP},
    {"remote_user", LG_FLD_CS_USERNAME},
    {"user", LG_FLD_CS_USERNAME},
    {"cs-username", LG_FLD_CS_USERNAME},
    {"time_local", LG_KEY_TIME},
    {"time_iso8601", LG_KEY_TIME},
    {"@timestamp", LG_KEY_TIME},
    {"timestamp", LG_KEY_TIME},
    {"time", LG_KEY_TIME},
    {"msec", LG_KEY_TIME},
    {"ts", LG_KEY_TIME},
    {"request", LG_KEY_REQUEST},
    {"req", LG_KEY_REQUEST},
    {"request_method", LG_FLD_CS_METHOD},
    {"method", LG_FLD_CS_METHOD},
    {"cs-method", LG_FLD_CS_METHOD},
    {"request_uri", LG_FLD_CS_URI_QUERY},
    {"uri", LG_FLD_CS_URI_STEM},
    {"path", LG_FLD_CS_URI_STEM},
    {"cs-uri-stem", LG_FLD_CS_URI_STEM},
    {"query_string", LG_KEY_QUERY},
    {"args", LG_KEY_QUERY},
    {"query", LG_KEY_QUERY},
    {"status", LG_FLD_SC_STATUS},
    {"status_code", LG_FLD_SC_STATUS},
    {"sc-status", LG_FLD_SC_STATUS},
    {"body_bytes_sent", LG_FLD_SC_BYTES},
    {"bytes_sent", LG_FLD_SC_BYTES},
    {"size", LG_FLD_SC_BYTES},
    {"sc-bytes", LG_FLD_SC_BYTES},
    {"http_referer", LG_FLD_CS_REFERER},
    {"referer", LG_FLD_CS_REFERER},
    {"referrer", LG_FLD_CS_REFERER},
    {"http_user_agent", LG_FLD_CS_USER_AGENT},
    {"user_agent", LG_FLD_CS_USER_AGENT},
    {"user-agent", LG_FLD_CS_USER_AGENT},
    {"useragent", LG_FLD_CS_USER_AGENT},
    {"ua", LG_FLD_CS_USER_AGENT},
    {"http_host", LG_FLD_CS_HOST},
    {"vhost", LG_FLD_CS_HOST},
    {"server_name", LG_FLD_CS_HOST},
    {"http_cookie", LG_FLD_CS_COOKIE},
    {"cookie", LG_FLD_CS_COOKIE},
    {"upstream_cache_status", LG_FLD_CACHE_STATUS},
    {"cache_status", LG_FLD_CACHE_STATUS},
    {"cache", LG_FLD_CACHE_STATUS},
    {"sent_http_x_cache", LG_FLD_CACHE_STATUS},
    {"sent_http_cf_cache_status", LG_FLD_CACHE_STATUS},
    {"request_time", LG_FLD_TIME_TAKEN},
    {"duration", LG_FLD_TIME_TAKEN},
    {"time-taken", LG_FLD_TIME_TAKEN},
    {"http_x_forwarded_for", LG_FLD_X_FORWARDED_FOR},
    {"x_forwarded_for", LG_FLD_X_FORWARDED_FOR},
    {"forwardedfor", LG_FLD_X_FORWARDED_FOR},
    {"x-forwarded-for", LG_FLD_X_FORWARDED_FOR},
    {"server_protocol", LG_FLD_CS_VERSION},
    {"protocol", LG_FLD_CS_VERSION},
    {"proto", LG_FLD_CS_VERSION},
};

int lg_common_key(const char *k, size_t n, bool ltsv)
{
	if (n == 4 && !lg_ascii_ncasecmp(k, "host", 4))
		return ltsv ? LG_FLD_C_IP : LG_FLD_CS_HOST;
	for (size_t i = 0; i < sizeof(common_keys) / sizeof(*common_keys);
	     i++) {
		const char *c = common_keys[i].key;
		if ((c[0] | 0x20) == (k[0] | 0x20) && strlen(c) == n &&
		    !lg_ascii_ncasecmp(c, k, n))
			return common_keys[i].meaning;
	}
	return LG_KEY_NONE;
}

/* The first value a line gives a field wins: JSON logs often carry both
 * "host" and "server_name", and the first is the more specific one. */
void lg_store_keyed(lg_log_parser *p, lg_log_event *ev, int key,
		    const char *name, size_t nlen, const char *v, size_t n)
{
	/* "-" and "" (nginx's escape=json writes "" for an unset variable)
	 * are both absent */
	if ((n == 1 && v[0] == '-') || n == 0)
		return;
	switch (key) {
	case LG_KEY_NONE:
		lg_ev_extra(ev, name, nlen, v, n);
		return;
	case LG_KEY_TIME:
		if (ev->time_us != LG_TIME_NONE)
			return;
		/* a time we cannot read is kept for the reader to see */
		if (!(n == 26 &&
		      lg_parser_time_clf(p, v, &ev->time_us, &ev->tz_min)) &&
		    !lg_time_any(v, n, p->local_tz_min, &ev->time_us,
				 &ev->tz_min)) {
			ev->time_us = LG_TIME_NONE;
			lg_ev_extra(ev, name, nlen, v, n);
		}
		return;
	case LG_KEY_REQUEST:
		if (!ev->f[LG_FLD_CS_METHOD].p && !ev->f[LG_FLD_CS_URI_QUERY].p)
			lg_split_request(ev, v, n);
		return;
	case LG_KEY_QUERY:
		if (n && v[0] == '?') /* Apache's %q carries the '?' */
			v++, n--;
		if (!ev->f[LG_FLD_C_URI_QUERY].p && n)
			ev->f[LG_FLD_C_URI_QUERY] = (lg_slice){v, n};
		return;
	default:
		if (key >= 0 && key < LG_FLD_DERIVED && !ev->f[key].p)
			ev->f[key] = (lg_slice){v, n};
	}
}
