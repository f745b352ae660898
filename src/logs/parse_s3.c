/* parse_s3.c: S3 server access logs: who read which object of which
 * bucket, anonymous requesters included, the signal for a bucket or
 * object left public. Fields in AWS's documented order; later additions
 * are read past. */
#include <string.h>

#include "logs/logs_int.h"

enum {
	S3_BUCKET = -20, /* s3-bucket, and cs-host: rules group by site */
	S3_TIME = -21,
	S3_MS = -22 /* total_time: milliseconds, time-taken is seconds */
};

static const struct {
	const char *name;
	int key;
} s3_cols[] = {
    {"bucket_owner", LG_KEY_NONE},
    {NULL, S3_BUCKET},
    {NULL, S3_TIME},
    {NULL, LG_FLD_C_IP},
    {NULL, LG_FLD_S3_REQUESTER},
    {"request_id", LG_KEY_NONE},
    {NULL, LG_FLD_S3_OPERATION},
    {NULL, LG_FLD_S3_KEY},
    {NULL, LG_KEY_REQUEST},
    {NULL, LG_FLD_SC_STATUS},
    {"error_code", LG_KEY_NONE},
    {NULL, LG_FLD_SC_BYTES},
    {"object_size", LG_KEY_NONE},
    {NULL, S3_MS},
    {"turn_around_time", LG_KEY_NONE},
    {NULL, LG_FLD_CS_REFERER},
    {NULL, LG_FLD_CS_USER_AGENT},
    {"version_id", LG_KEY_NONE},
    {"host_id", LG_KEY_NONE},
    {"signature_version", LG_KEY_NONE},
    {"cipher_suite", LG_KEY_NONE},
    {"authentication_type", LG_KEY_NONE},
    {"host_header", LG_KEY_NONE},
    {"tls_version", LG_KEY_NONE},
    {"access_point_arn", LG_KEY_NONE},
    {"acl_required", LG_KEY_NONE},
};

#define S3_NCOLS    (sizeof(s3_cols) / sizeof(*s3_cols))
#define S3_MIN_COLS 12 /* through bytes_sent */

static lg_parse_result s3_column(lg_log_parser *p, lg_log_event *ev, size_t i,
				 lg_slice v, size_t col)
{
	int key = s3_cols[i].key;
	if (s3_cols[i].name) {
		lg_ev_extra(ev, s3_cols[i].name, strlen(s3_cols[i].name), v.p,
			    v.n);
	} else if (key == S3_BUCKET) {
		lg_ev_set(ev, LG_FLD_S3_BUCKET, v.p, v.n);
		lg_ev_set(ev, LG_FLD_CS_HOST, v.p, v.n);
	} else if (key == S3_TIME) {
		if (v.n != 28 || v.p[0] != '[' ||
		    !lg_parser_time_clf(p, v.p + 1, &ev->time_us, &ev->tz_min))
			return lg_parse_bad(p, col,
					    "expected a time like "
					    "[06/Feb/2019:00:00:38 +0000]");
	} else if (key == S3_MS) {
		lg_slice secs;
		if (lg_ms_to_seconds(p, v.p, v.n, &secs))
			ev->f[LG_FLD_TIME_TAKEN] = secs;
	} else if (key == LG_FLD_SC_STATUS && !(v.n == 1 && v.p[0] == '-') &&
		   (v.n != 3 || (unsigned)(v.p[0] - '0') > 9)) {
		return lg_parse_bad(p, col, "expected the HTTP status");
	} else {
		lg_store_keyed(p, ev, key, "", 0, v.p, v.n);
	}
	return LG_PARSE_EVENT;
}

static lg_parse_result s3_parse(lg_log_parser *p, const char *line, size_t n,
				lg_log_event *ev)
{
	return lg_parse_columns(p, line, n, ev, S3_NCOLS, S3_MIN_COLS,
				"S3 access log", s3_column);
}

bool lg_s3_init(lg_log_parser *p, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	p->parse = s3_parse;
	return true;
}
