/* parse_alb.c: AWS Application Load Balancer access logs: space-separated
 * fields in AWS's documented order, some quoted; fields AWS appends later
 * are read past. */
#include <string.h>

#include "logs/logs_int.h"

/* What each position is; NULL names a position read elsewhere. */
static const struct {
	const char *name;
	int key;
} alb_cols[] = {
    {"type", LG_KEY_NONE},
    {NULL, LG_KEY_TIME},
    {"elb", LG_KEY_NONE},
    {NULL, LG_FLD_C_IP}, /* client:port */
    {"target", LG_KEY_NONE},
    {"request_processing_time", LG_KEY_NONE},
    {NULL, LG_FLD_TIME_TAKEN}, /* target_processing_time */
    {"response_processing_time", LG_KEY_NONE},
    {NULL, LG_FLD_SC_STATUS}, /* elb_status_code */
    {"target_status_code", LG_KEY_NONE},
    {"received_bytes", LG_KEY_NONE},
    {NULL, LG_FLD_SC_BYTES},
    {NULL, LG_KEY_REQUEST},
    {NULL, LG_FLD_CS_USER_AGENT},
    {"ssl_cipher", LG_KEY_NONE},
    {"ssl_protocol", LG_KEY_NONE},
    {"target_group_arn", LG_KEY_NONE},
    {"trace_id", LG_KEY_NONE},
    {"domain_name", LG_KEY_NONE},
    {"chosen_cert_arn", LG_KEY_NONE},
    {"matched_rule_priority", LG_KEY_NONE},
    {"request_creation_time", LG_KEY_NONE},
    {"actions_executed", LG_KEY_NONE},
    {"redirect_url", LG_KEY_NONE},
    {"error_reason", LG_KEY_NONE},
    {"target_port_list", LG_KEY_NONE},
    {"target_status_code_list", LG_KEY_NONE},
    {"classification", LG_KEY_NONE},
    {"classification_reason", LG_KEY_NONE},
    {"conn_trace_id", LG_KEY_NONE},
};

#define ALB_NCOLS    (sizeof(alb_cols) / sizeof(*alb_cols))
#define ALB_MIN_COLS 14 /* through user_agent: what every version has */

static bool alb_type_ok(lg_slice t)
{
	static const char *const types[] = {"http",  "https", "h2",
					    "grpcs", "ws",    "wss"};
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		if (strlen(types[i]) == t.n && !memcmp(types[i], t.p, t.n))
			return true;
	}
	return false;
}

/* "192.0.2.1:5000", "[2001:db8::1]:5000" or "2001:db8::1:5000": the
 * port is after the last colon. */
static void set_client(lg_log_event *ev, lg_slice v)
{
	if (v.n && v.p[0] == '[') {
		const char *close = memchr(v.p, ']', v.n);
		if (close) {
			lg_ev_set(ev, LG_FLD_C_IP, v.p + 1,
				  (size_t)(close - v.p - 1));
			return;
		}
	}
	const char *colon = memrchr(v.p, ':', v.n);
	lg_ev_set(ev, LG_FLD_C_IP, v.p, colon ? (size_t)(colon - v.p) : v.n);
}

static lg_parse_result alb_column(lg_log_parser *p, lg_log_event *ev, size_t i,
				  lg_slice v, size_t col)
{
	int key = alb_cols[i].key;
	if (i == 0 && !alb_type_ok(v))
		return lg_parse_bad(p, col,
				    "expected the request type (http, https, "
				    "h2, grpcs, ws, wss)");
	if (i == 1 && !lg_time_iso8601(v.p, v.n, 0, &ev->time_us, &ev->tz_min))
		return lg_parse_bad(p, col, "expected an ISO 8601 time");
	if (key == LG_FLD_C_IP)
		set_client(ev, v);
	else if (key == LG_FLD_TIME_TAKEN && v.n == 2 && !memcmp(v.p, "-1", 2))
		; /* -1: the request never reached a target */
	else if (alb_cols[i].name)
		lg_ev_extra(ev, alb_cols[i].name, strlen(alb_cols[i].name), v.p,
			    v.n);
	else if (key != LG_KEY_TIME)
		lg_store_keyed(p, ev, key, "", 0, v.p, v.n);
	return LG_PARSE_EVENT;
}

static lg_parse_result alb_parse(lg_log_parser *p, const char *line, size_t n,
				 lg_log_event *ev)
{
	if (lg_parse_columns(p, line, n, ev, ALB_NCOLS, ALB_MIN_COLS, "ALB",
			     alb_column) == LG_PARSE_BAD)
		return LG_PARSE_BAD;
	lg_slice dn = lg_log_event_get(ev, "domain_name");
	if (!ev->f[LG_FLD_CS_HOST].p && dn.p)
		ev->f[LG_FLD_CS_HOST] = dn;
	return LG_PARSE_EVENT;
}

bool lg_alb_init(lg_log_parser *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	p->parse = alb_parse;
	return true;
}
