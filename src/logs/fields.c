/* fields.c: the names of event fields as rules write them, field lookup
 * on an event, severities and ISO 8601 times. */
#include <stdio.h>
#include <string.h>

#include "leakguard/logs.h"
#include "util/util.h"

static const char *const field_names[LG_FLD_COUNT] = {
    [LG_FLD_C_IP] = "c-ip",
    [LG_FLD_CS_USERNAME] = "cs-username",
    [LG_FLD_CS_METHOD] = "cs-method",
    [LG_FLD_CS_HOST] = "cs-host",
    [LG_FLD_CS_URI_STEM] = "cs-uri-stem",
    [LG_FLD_CS_URI_QUERY] = "cs-uri-query",
    [LG_FLD_C_URI_QUERY] = "c-uri-query",
    [LG_FLD_CS_VERSION] = "cs-version",
    [LG_FLD_SC_STATUS] = "sc-status",
    [LG_FLD_SC_BYTES] = "sc-bytes",
    [LG_FLD_CS_REFERER] = "cs-referer",
    [LG_FLD_CS_USER_AGENT] = "cs-user-agent",
    [LG_FLD_CS_COOKIE] = "cs-cookie",
    [LG_FLD_CACHE_STATUS] = "cache-status",
    [LG_FLD_TIME_TAKEN] = "time-taken",
    [LG_FLD_X_FORWARDED_FOR] = "x-forwarded-for",
    [LG_FLD_S3_BUCKET] = "s3-bucket",
    [LG_FLD_S3_OPERATION] = "s3-operation",
    [LG_FLD_S3_KEY] = "s3-key",
    [LG_FLD_S3_REQUESTER] = "s3-requester",
    [LG_FLD_MAIL_QUEUE_ID] = "mail-queue-id",
    [LG_FLD_MAIL_FROM] = "mail-from",
    [LG_FLD_MAIL_TO] = "mail-to",
    [LG_FLD_MAIL_STATUS] = "mail-status",
    [LG_FLD_MAIL_SIZE] = "mail-size",
    [LG_FLD_MAIL_NRCPT] = "mail-nrcpt",
    [LG_FLD_MAIL_CLIENT] = "mail-client",
    [LG_FLD_ACTOR] = "actor",
    [LG_FLD_ACTOR_KIND] = "actor-kind",
    [LG_FLD_SESSION] = "session",
    [LG_FLD_PATH_ID_PATTERN] = "path-pattern",
    [LG_FLD_OBJECT_ID] = "object-id",
    [LG_FLD_PRIVATE_PATH] = "private-path",
    [LG_FLD_SHARED_PATH] = "shared-path",
    [LG_FLD_LOGIN_PATH] = "login-path",
    [LG_FLD_EXPORT_PATH] = "export-path",
    [LG_FLD_INTERNAL_CLIENT] = "internal-client",
    [LG_FLD_CACHE_HIT] = "cache-hit",
    [LG_FLD_AD_CLICK] = "ad-click",
    [LG_FLD_MAIL_TO_DOMAIN] = "mail-to-domain",
    [LG_FLD_MAIL_TO_EXTERNAL] = "mail-to-external",
    [LG_FLD_OFF_HOURS] = "off-hours",
    [LG_FLD_URI_DECODED] = "uri-decoded",
};

/* Other taxonomies' names for the same fields: Sigma's proxy category and
 * common log-shipper names. */
static const struct {
	const char *alias;
	lg_field field;
} field_aliases[] = {
    {"c-uri", LG_FLD_CS_URI_QUERY},
    {"cs-uri", LG_FLD_CS_URI_QUERY},
    {"c-uri-stem", LG_FLD_CS_URI_STEM},
    {"c-useragent", LG_FLD_CS_USER_AGENT},
    {"cs-referrer", LG_FLD_CS_REFERER},
    {"src_ip", LG_FLD_C_IP},
    {"cs(host)", LG_FLD_CS_HOST},
    {"cs(referer)", LG_FLD_CS_REFERER},
    {"cs(user-agent)", LG_FLD_CS_USER_AGENT},
    {"cs(cookie)", LG_FLD_CS_COOKIE},
};

const char *lg_field_name(lg_field f)
{
	return (unsigned)f < LG_FLD_COUNT ? field_names[f] : NULL;
}

bool lg_field_from_name(const char *name, lg_field *out)
{
	for (int f = 0; f < LG_FLD_COUNT; f++) {
		if (field_names[f] && !lg_ascii_casecmp(name, field_names[f])) {
			*out = (lg_field)f;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(field_aliases) / sizeof(*field_aliases);
	     i++) {
		if (!lg_ascii_casecmp(name, field_aliases[i].alias)) {
			*out = field_aliases[i].field;
			return true;
		}
	}
	return false;
}

bool lg_field_is_who(lg_field f)
{
	switch (f) {
	case LG_FLD_C_IP:
	case LG_FLD_CS_USERNAME:
	case LG_FLD_X_FORWARDED_FOR:
	case LG_FLD_S3_REQUESTER:
	case LG_FLD_MAIL_QUEUE_ID:
	case LG_FLD_MAIL_FROM:
	case LG_FLD_MAIL_CLIENT:
	case LG_FLD_ACTOR:
	case LG_FLD_SESSION:
		return true;
	default:
		return false;
	}
}

lg_slice lg_log_event_extra(const lg_log_event *ev, const char *name, size_t n)
{
	for (unsigned i = 0; i < ev->nextra; i++) {
		if (ev->extra_name[i].n == n &&
		    !lg_ascii_ncasecmp(ev->extra_name[i].p, name, n))
			return ev->extra_value[i];
	}
	return (lg_slice){NULL, 0};
}

lg_slice lg_log_event_get(const lg_log_event *ev, const char *name)
{
	lg_field f;
	if (lg_field_from_name(name, &f))
		return ev->f[f];
	return lg_log_event_extra(ev, name, strlen(name));
}

static const char *const severity_names[] = {"informational", "low", "medium",
					     "high", "critical"};

const char *lg_severity_name(lg_severity s)
{
	return (unsigned)s <= LG_SEV_CRITICAL ? severity_names[s] : "unknown";
}

bool lg_severity_parse(const char *name, lg_severity *out)
{
	for (int s = 0; s <= LG_SEV_CRITICAL; s++) {
		if (!lg_ascii_casecmp(name, severity_names[s])) {
			*out = (lg_severity)s;
			return true;
		}
	}
	if (!lg_ascii_casecmp(name, "info")) {
		*out = LG_SEV_INFO;
		return true;
	}
	return false;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm),
 * and back. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

void lg_time_iso(int64_t time_us, int tz_min, char *out, size_t cap)
{
	if (time_us == LG_TIME_NONE) {
		snprintf(out, cap, "-");
		return;
	}
	int64_t secs = time_us / 1000000 - (time_us % 1000000 < 0);
	secs += (int64_t)tz_min * 60;
	int64_t days = secs / 86400 - (secs % 86400 < 0);
	int64_t sod = secs - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int off = tz_min < 0 ? -tz_min : tz_min;
	snprintf(out, cap, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
		 (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
		 tz_min < 0 ? '-' : '+', off / 60, off % 60);
}
