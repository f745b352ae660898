/* logs.h: access, CDN, storage and mail logs: lines parsed into events with
 * named fields, Sigma-style rules and correlations over the events, and the
 * alerts they raise. */
#ifndef LEAKGUARD_LOGS_H
#define LEAKGUARD_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/leakguard.h"

/* ---- formats --------------------------------------------------------------
 */
typedef enum lg_log_format {
	LG_LOG_AUTO = 0,   /* sniffed from the first lines */
	LG_LOG_COMBINED,   /* Apache/nginx combined */
	LG_LOG_COMMON,	   /* Apache/nginx common (no referer, agent) */
	LG_LOG_NGINX,	   /* an nginx log_format string (from nginx.conf) */
	LG_LOG_LTSV,	   /* label:value, TAB-separated */
	LG_LOG_JSON,	   /* one JSON object per line */
	LG_LOG_CLOUDFRONT, /* CloudFront standard log (W3C #Fields:) */
	LG_LOG_ALB,	   /* AWS Application Load Balancer */
	LG_LOG_S3,	   /* S3 server access log */
	LG_LOG_POSTFIX,	   /* postfix in syslog (maillog) */
	LG_LOG_FORMAT_COUNT
} lg_log_format;

/* The format's name as --log-format takes it ("combined", "cloudfront"). */
const char *lg_log_format_name(lg_log_format f);
/* Returns true and sets *out when `name` (case-insensitive) is a format. */
bool lg_log_format_parse(const char *name, lg_log_format *out);

/* ---- events ---------------------------------------------------------------
 */
/* Fields, named after Sigma's webserver taxonomy (W3C names) where it has
 * one. cs-uri-query follows Sigma's convention: the whole path and query
 * (web rules match "../../etc/" in it); c-uri-query is the query alone.
 * The fields after LG_FLD_DERIVED are not read from the line: the engine
 * computes them from the site configuration (lg_logs_derive). */
typedef enum lg_field {
	LG_FLD_C_IP = 0,      /* "c-ip": client address */
	LG_FLD_CS_USERNAME,   /* "cs-username": authenticated user */
	LG_FLD_CS_METHOD,     /* "cs-method" */
	LG_FLD_CS_HOST,	      /* "cs-host": virtual host / Host header */
	LG_FLD_CS_URI_STEM,   /* "cs-uri-stem": the path, as logged */
	LG_FLD_CS_URI_QUERY,  /* "cs-uri-query": path?query, as logged */
	LG_FLD_C_URI_QUERY,   /* "c-uri-query": the query alone */
	LG_FLD_CS_VERSION,    /* "cs-version": HTTP/1.1 */
	LG_FLD_SC_STATUS,     /* "sc-status" */
	LG_FLD_SC_BYTES,      /* "sc-bytes": bytes sent to the client */
	LG_FLD_CS_REFERER,    /* "cs-referer" */
	LG_FLD_CS_USER_AGENT, /* "cs-user-agent" */
	LG_FLD_CS_COOKIE,     /* "cs-cookie": never printed or stored */
	LG_FLD_CACHE_STATUS, /* "cache-status": HIT, Hit, RefreshHit, MISS, … */
	LG_FLD_TIME_TAKEN,   /* "time-taken": seconds */
	LG_FLD_X_FORWARDED_FOR, /* "x-forwarded-for" */
	LG_FLD_S3_BUCKET,	/* "s3-bucket" */
	LG_FLD_S3_OPERATION,	/* "s3-operation": REST.GET.OBJECT, … */
	LG_FLD_S3_KEY,		/* "s3-key": object key, "-" for none */
	LG_FLD_S3_REQUESTER,	/* "s3-requester": "-" when anonymous */
	LG_FLD_MAIL_QUEUE_ID,	/* "mail-queue-id": postfix queue id */
	LG_FLD_MAIL_FROM,	/* "mail-from": envelope sender */
	LG_FLD_MAIL_TO,		/* "mail-to": one envelope recipient */
	LG_FLD_MAIL_STATUS,	/* "mail-status": sent, bounced, deferred */
	LG_FLD_MAIL_SIZE,	/* "mail-size": bytes */
	LG_FLD_MAIL_NRCPT,	/* "mail-nrcpt": recipients of the message */
	LG_FLD_MAIL_CLIENT,	/* "mail-client": submitting host */
	LG_FLD_DERIVED,		/* ---- computed by the engine ---- */
	LG_FLD_ACTOR = LG_FLD_DERIVED, /* "actor": user, session or address */
	LG_FLD_ACTOR_KIND,	       /* "actor-kind": user|session|ip */
	LG_FLD_SESSION,		       /* "session": keyed hash of the cookie */
	LG_FLD_PATH_ID_PATTERN,	       /* "path-pattern": /orders/{id} */
	LG_FLD_OBJECT_ID,	/* "object-id": the {id} of path-pattern */
	LG_FLD_PRIVATE_PATH,	/* "private-path": true|false */
	LG_FLD_SHARED_PATH,	/* "shared-path" */
	LG_FLD_LOGIN_PATH,	/* "login-path" */
	LG_FLD_EXPORT_PATH,	/* "export-path" */
	LG_FLD_INTERNAL_CLIENT, /* "internal-client": c-ip in internal_networks
				 */
	LG_FLD_CACHE_HIT,	/* "cache-hit": true|false, any CDN's words */
	LG_FLD_AD_CLICK,	/* "ad-click": gclid, yclid, fbclid, ldtag_cl */
	LG_FLD_MAIL_TO_DOMAIN,	/* "mail-to-domain" */
	LG_FLD_MAIL_TO_EXTERNAL, /* "mail-to-external": true|false */
	LG_FLD_OFF_HOURS,	 /* "off-hours": true outside office hours */
	LG_FLD_URI_DECODED,	 /* "uri-decoded": cs-uri-query URL-decoded
				    (twice), for the attack rules */
	LG_FLD_COUNT
} lg_field;

/* The field's name in rules ("c-ip"); NULL for no such field. */
const char *lg_field_name(lg_field f);
/* Returns true and sets *out when `name` names a field (case-insensitive).
 * Aliases from other taxonomies are accepted: "c-uri" = cs-uri-query,
 * "c-useragent" = cs-user-agent, "cs-referrer" = cs-referer,
 * "src_ip" = c-ip. */
bool lg_field_from_name(const char *name, lg_field *out);
/* Whether a field says who did something (an address, a user, a session,
 * a sender, a message), so a group by it is about one actor. */
bool lg_field_is_who(lg_field f);

/* A piece of text: not NUL-terminated. p == NULL: the field is absent
 * ("-" in a log is present and empty-valued only where the format says so;
 * parsers store "-" as absent). */
typedef struct lg_slice {
	const char *p;
	size_t n;
} lg_slice;

#define LG_LOG_MAX_EXTRA 32
#define LG_TIME_NONE	 INT64_MIN

/* One parsed line. Slices point into the line or into the parser's
 * scratch and are valid until the parser's next call. */
typedef struct lg_log_event {
	int64_t time_us; /* UTC, microseconds since the epoch; LG_TIME_NONE */
	int tz_min;	 /* the line's own UTC offset in minutes */
	lg_slice f[LG_FLD_COUNT];
	/* fields that have no lg_field (LTSV labels, JSON keys, nginx
	 * variables), by the name the line gives them */
	unsigned nextra;
	lg_slice extra_name[LG_LOG_MAX_EXTRA];
	lg_slice extra_value[LG_LOG_MAX_EXTRA];
	const char *source;   /* file name, set by the reader */
	lg_log_format format; /* the file's format, set by the reader */
	uint64_t line;	      /* 1-based line number in source */
} lg_log_event;

/* The value of a field by name: an lg_field or an extra. {NULL, 0} when
 * absent. */
lg_slice lg_log_event_get(const lg_log_event *ev, const char *name);
/* The value of the extra field called name[0..n) (case-insensitive):
 * the fast path when the name is known not to be an lg_field. */
lg_slice lg_log_event_extra(const lg_log_event *ev, const char *name, size_t n);

/* ---- parsers --------------------------------------------------------------
 */
typedef struct lg_log_parser lg_log_parser;

/* What a line was. */
typedef enum lg_parse_result {
	LG_PARSE_EVENT, /* an event: *ev is filled */
	LG_PARSE_SKIP,	/* understood, but no event (a W3C #Fields: header, a
			   postfix connect line) */
	LG_PARSE_BAD	/* does not parse: reason in the parser's error */
} lg_parse_result;

/* Options of a parser; everything may be zero. */
typedef struct lg_log_parser_options {
	/* LG_LOG_NGINX: the log_format string, variables and all (the
	 * quoted parts of the directive joined) */
	const char *nginx_format;
	/* LG_LOG_JSON: extra "field=key" mappings (a dotted key reaches into
	 * objects: request.uri), NULL-terminated; common names (remote_addr,
	 * request_uri, status, time_iso8601, @timestamp, …) need none */
	const char *const *json_map;
	/* Times without a year or an offset (syslog's "Jun 14 09:41:03"):
	 * the year to assume (0: the current year, or the previous one for a
	 * date that would lie more than a day in the future) and the offset
	 * of the local time they are written in, minutes east of UTC (the
	 * caller passes the machine's own when the user gives none) */
	int syslog_year;
	int local_tz_min;
} lg_log_parser_options;

/* A parser for one format (not LG_LOG_AUTO). NULL with a message in err
 * when the options are wrong (an nginx format with an unknown variable
 * is fine: it becomes an extra field) or memory is out. */
lg_log_parser *lg_log_parser_new(lg_log_format fmt,
				 const lg_log_parser_options *o, char *err,
				 size_t errlen);
/* Parses one line (no newline; a trailing CR is ignored). The parser keeps
 * state across lines where the format needs it (W3C #Fields:, postfix
 * queue ids). */
lg_parse_result lg_log_parse(lg_log_parser *p, const char *line, size_t n,
			     lg_log_event *ev);
/* Why the last line was LG_PARSE_BAD: a short English reason ("no closing
 * quote after the request"). Owned by the parser. */
const char *lg_log_parser_error(const lg_log_parser *p);
lg_log_format lg_log_parser_format(const lg_log_parser *p);
void lg_log_parser_free(lg_log_parser *p);

/* Sniffs the format from a file's first lines: the format that parses the
 * most of them (W3C #Version/#Fields headers say CloudFront). Returns
 * LG_LOG_AUTO when none parses at least half of them. */
lg_log_format lg_log_sniff(const char *const *lines, const size_t *lens,
			   size_t n);

/* Reads nginx.conf (and the files its include directives name, relative
 * to the conf's folder, globs allowed) and returns in *format the
 * log_format called `name`, its quoted parts joined, malloc'd; "combined"
 * is nginx's built-in one when the conf does not define it. LG_EINVAL
 * with "FILE:LINE: reason" in err when the name is not defined or the conf
 * cannot be read. */
lg_status lg_nginx_log_format(const char *conf_path, const char *name,
			      char **format, char *err, size_t errlen);

/* ---- time -----------------------------------------------------------------
 */
/* Formats time_us with the offset tz_min as ISO 8601 with offset
 * ("2025-06-14T09:41:03+09:00"); out must hold 32 bytes. */
void lg_time_iso(int64_t time_us, int tz_min, char *out, size_t cap);

/* ---- rules ----------------------------------------------------------------
 */
typedef enum lg_severity {
	LG_SEV_INFO = 0, /* Sigma "informational" */
	LG_SEV_LOW,
	LG_SEV_MEDIUM,
	LG_SEV_HIGH,
	LG_SEV_CRITICAL
} lg_severity;

const char *lg_severity_name(lg_severity s); /* "critical", … */
bool lg_severity_parse(const char *name, lg_severity *out);

typedef struct lg_ruleset lg_ruleset;

/* An empty rule set. NULL when out of memory. */
lg_ruleset *lg_ruleset_new(void);
/* Loads one YAML file (several documents separated by ---) or every
 * *.yml / *.yaml file in a folder, in name order. LG_EINVAL with
 * "FILE:LINE: reason" in err for a rule that is wrong; nothing of that
 * file is kept then. */
lg_status lg_ruleset_load(lg_ruleset *rs, const char *path, char *err,
			  size_t errlen);
/* Rules that raise alerts (detections with generate, and correlations) */
size_t lg_ruleset_count(const lg_ruleset *rs);

/* What one alerting rule is; strings owned by the rule set. */
typedef struct lg_rule_info {
	const char *id, *name, *title, *file;
	int line;
	lg_severity severity;
	bool correlation;
} lg_rule_info;

/* The i-th alerting rule (i < lg_ruleset_count), in load order. */
bool lg_ruleset_rule(const lg_ruleset *rs, size_t i, lg_rule_info *out);
void lg_ruleset_free(lg_ruleset *rs);

/* What a rule raised: one event matched, or a correlation's condition
 * became true. Borrowed for the callback. */
#define LG_HIT_MAX_EVIDENCE 5
typedef struct lg_evidence {
	const char *source; /* file; lives as long as the reader's sources */
	uint64_t line;
} lg_evidence;

typedef struct lg_rule_hit {
	const char *rule_id; /* stable id: "cache-leak" */
	const char *title;
	const char *title_ja; /* the rule's Japanese title, or NULL */
	lg_severity severity;
	const lg_log_event *event; /* the event that completed it */
	int64_t first_us, last_us; /* span of the contributing events */
	uint64_t count;		   /* events that contributed */
	uint64_t distinct;	   /* value_count: distinct values */
	double sum;		   /* value_sum: the sum */
	const char *group;	   /* "c-ip=203.0.113.9" group-by values */
	int64_t span_us;	   /* a correlation's timespan, 0 otherwise */
	bool no_actor; /* grouped by what (a page, a script), not by who:
			  the event that completed it names a bystander */
	unsigned nevidence;
	lg_evidence evidence[LG_HIT_MAX_EVIDENCE];
} lg_rule_hit;

typedef int (*lg_rule_hit_fn)(const lg_rule_hit *h, void *ud);

/* Per-run state of the correlations: per group windows, bounded. */
typedef struct lg_rule_state lg_rule_state;

/* `max_groups` caps the groups each correlation keeps (the oldest are
 * evicted first); 0 means 100,000. */
lg_rule_state *lg_rule_state_new(const lg_ruleset *rs, size_t max_groups);
/* Optional, before the fields are derived: lets the state start fetching
 * what the coming lg_rules_eval of this event will read (answers are the
 * same without it). */
void lg_rules_prefetch(lg_rule_state *st, const lg_log_event *ev);
/* Runs every rule over one event (events in time order). Calls fn for
 * each hit. Returns LG_ENOMEM when state cannot grow (the event is
 * still evaluated by what fits). */
lg_status lg_rules_eval(lg_rule_state *st, const lg_log_event *ev,
			lg_rule_hit_fn fn, void *ud);
/* Groups evicted to stay within max_groups, over all correlations. */
uint64_t lg_rule_state_evicted(const lg_rule_state *st);
void lg_rule_state_free(lg_rule_state *st);

/* ---- site configuration ----------------------------------------------------
 */
/* What the site's paths, networks and mail domains mean (site.yaml):
 * private_paths, shared_paths, login_paths, export_paths (prefixes of
 * the path; "s3://bucket/prefix" for S3 logs), internal_networks (CIDR),
 * internal_mail_domains, session_cookie, user_field, office_hours
 * ("08:00-20:00"), timezone ("+09:00"), json_fields (field: key),
 * session_key_file. Every key is optional; see lg_site_load. */
typedef struct lg_site lg_site;

/* Loads a site configuration; path NULL gives the defaults (private
 * /mypage, /account, /api/me, …; login /login, /signin, …; RFC 1918 and
 * loopback networks internal; office hours 08:00-20:00 on weekdays in the
 * log's own time zone). LG_EINVAL with "FILE:LINE: reason" in err. */
lg_status lg_site_load(const char *path, lg_site **out, char *err,
		       size_t errlen);
void lg_site_free(lg_site *s);
/* The site's time zone (minutes east of UTC) in *tz_min, when the
 * configuration gives one: the zone syslog times are written in. */
bool lg_site_timezone(const lg_site *s, int *tz_min);
/* The JSON field mappings of the site ("field=key" strings,
 * NULL-terminated, owned by the site), for lg_log_parser_options. */
const char *const *lg_site_json_map(const lg_site *s);
/* The site's private path prefixes and session cookie names
 * (NULL-terminated, owned by the site; the defaults when the
 * configuration gives none): what `audit nginx` checks against. */
const char *const *lg_site_private_paths(const lg_site *s);
const char *const *lg_site_session_cookies(const lg_site *s);

/* ---- the engine: log files in, alerts out -----------------------------------
 */
#define LG_ALERT_MAX_EVIDENCE 8

/* An alert: the hits of one rule for one actor (or one correlation group)
 * merged while they keep coming within the merge window. Borrowed for
 * the callback. Absent parts are NULL. */
typedef struct lg_alert {
	const char *rule_id, *title;
	const char *title_ja; /* NULL when the rule has none */
	lg_severity severity;
	int64_t first_us, last_us;
	int tz_min; /* the offset the log's own times were written in */
	const char *actor_ip, *actor_user, *actor_session;
	const char *host, *path;
	const char *group; /* the correlation's group-by values */
	uint64_t count, distinct, hits;
	double sum;	   /* value_sum rules: the sum (bytes exported) */
	const char *state; /* live runs: "open" (hits still come) or
			      "closed"; NULL in batch runs */
	unsigned nevidence;
	lg_evidence evidence[LG_ALERT_MAX_EVIDENCE];
} lg_alert;

typedef int (*lg_alert_fn)(const lg_alert *a, void *ud);

/* A line that did not parse, for the summary's samples. */
typedef struct lg_unparsed_sample {
	const char *source;
	uint64_t line;
	char reason[120];
} lg_unparsed_sample;

#define LG_LOGS_MAX_SAMPLES 5
#define LG_LOGS_TOP_ACTORS  5

typedef struct lg_logs_summary {
	uint64_t files, file_errors;
	uint64_t lines, events, skipped, unparsed;
	uint64_t bytes;
	int64_t first_us, last_us; /* time span of the events */
	int tz_min;
	uint64_t alerts, by_severity[LG_SEV_CRITICAL + 1];
	/* alerts per rule id, in order of first appearance */
	unsigned nrules;
	const char *rule_ids[64];
	uint64_t rule_alerts[64];
	/* actors with most alerts */
	unsigned nactors;
	char top_actor[LG_LOGS_TOP_ACTORS][96];
	uint64_t top_actor_alerts[LG_LOGS_TOP_ACTORS];
	/* first and last timestamps of alerts at medium or above */
	int64_t first_alert_us, last_alert_us;
	uint64_t evicted; /* correlation groups dropped to bound memory */
	unsigned nsamples;
	lg_unparsed_sample samples[LG_LOGS_MAX_SAMPLES];
	double seconds;
} lg_logs_summary;

/* Called for a file that cannot be read, with the reason. */
typedef void (*lg_logs_error_fn)(const char *source, const char *reason,
				 void *ud);

typedef struct lg_logs_options {
	lg_log_format format;	      /* LG_LOG_AUTO: sniffed per file */
	lg_log_parser_options parser; /* nginx_format, json_map, … */
	const lg_site *site;	      /* NULL: defaults */
	const lg_ruleset *rules;      /* required */
	int64_t merge_window_us;      /* 0: 30 minutes */
	size_t max_groups;	      /* 0: lg_rule_state_new's default */
	lg_alert_fn on_alert;
	lg_logs_error_fn on_error;
	void *ud;
} lg_logs_options;

/* Reads the files (plain or gzip, by content; "-" is stdin), merged in
 * time order, runs the rules and calls on_alert for each alert once it is
 * complete (at the end, in order of first_seen). One unreadable file is
 * reported through on_error and counted; the rest go on. Lines that do
 * not parse are counted and sampled, never fatal. Returns LG_ENOMEM,
 * LG_EINVAL (bad options, message in err) or LG_OK. */
lg_status lg_logs_run(const char *const *paths, size_t npaths,
		      const lg_logs_options *o, lg_logs_summary *sum, char *err,
		      size_t errlen);

/* ---- live: following logs as they grow ------------------------------------
 */
typedef struct lg_store lg_store;

typedef struct lg_follow_options {
	lg_store *store;      /* required: read positions and alerts */
	bool from_start;      /* a file never seen before is read from its
				 start (default: from its end, like tail -f) */
	unsigned poll_ms;     /* how often files are looked at; 0: 250 */
	unsigned idle_exit_s; /* stop after this many seconds without a new
				 line; 0: run until *stop */
	volatile int *stop;   /* set non-zero (a signal handler) to stop */
} lg_follow_options;

/* Follows the files as they grow and rotate (rename and a new file,
 * copytruncate, compression of the renamed file), resuming each at the
 * position kept in the store: a restart, even after kill -9, neither
 * loses nor repeats a line, because positions and alerts are committed
 * together. Alerts reach o->on_alert twice: "open" as soon as their
 * first hit is committed (within a poll of the line being written), and
 * "closed" with their totals once the merge window has passed. Returns
 * when *stop is set or the idle time has passed; LG_EIO when the store
 * fails. */
lg_status lg_logs_follow(const char *const *paths, size_t npaths,
			 const lg_logs_options *o, const lg_follow_options *f,
			 lg_logs_summary *sum, char *err, size_t errlen);

#endif
