/* test_logparse.c: the log-line parsers on the fixtures of
 * tests/logs/formats/: exact field values and times, lines that must be
 * refused and why, nginx.conf reading, format sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/logs.h"
#include "logs/logs_int.h"

#define FIXTURE(name) LG_TEST_DATA "/formats/" name

/* ---- helpers ------------------------------------------------------------- */
typedef struct fixture {
	char *data;
	char **lines;
	size_t *lens;
	size_t n;
} fixture;

static fixture load(const char *path)
{
	fixture f = {0};
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	f.data = malloc((size_t)size + 1);
	assert_non_null(f.data);
	assert_int_equal(fread(f.data, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	f.data[size] = '\0';
	f.lines = calloc((size_t)size + 1, sizeof(*f.lines));
	f.lens = calloc((size_t)size + 1, sizeof(*f.lens));
	char *s = f.data, *end = f.data + size;
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		char *e = nl ? nl : end;
		f.lines[f.n] = s;
		f.lens[f.n++] = (size_t)(e - s);
		s = e + 1;
	}
	return f;
}

static void unload(fixture *f)
{
	free(f->data);
	free(f->lines);
	free(f->lens);
}

static lg_log_parser *parser(lg_log_format fmt, const char *nginx_format)
{
	lg_log_parser_options o = {0};
	o.nginx_format = nginx_format;
	o.syslog_year = 2025;
	o.local_tz_min = 540;
	char err[256];
	lg_log_parser *p = lg_log_parser_new(fmt, &o, err, sizeof(err));
	if (!p)
		fail_msg("parser: %s", err);
	return p;
}

/* Parses line i (0-based) of f, with every line before it first (state:
 * W3C #Fields:, postfix queue ids). */
static lg_parse_result parse_upto(lg_log_parser *p, const fixture *f, size_t i,
				  lg_log_event *ev)
{
	lg_parse_result r = LG_PARSE_BAD;
	for (size_t k = 0; k <= i; k++)
		r = lg_log_parse(p, f->lines[k], f->lens[k], ev);
	return r;
}

static void expect_field(const lg_log_event *ev, const char *name,
			 const char *want)
{
	lg_slice v = lg_log_event_get(ev, name);
	if (!want) {
		if (v.p)
			fail_msg("%s: expected absent, got \"%.*s\"", name,
				 (int)v.n, v.p);
		return;
	}
	if (!v.p)
		fail_msg("%s: expected \"%s\", got absent", name, want);
	if (v.n != strlen(want) || memcmp(v.p, want, v.n))
		fail_msg("%s: expected \"%s\", got \"%.*s\"", name, want,
			 (int)v.n, v.p);
}

static void expect_time(const lg_log_event *ev, const char *iso, int tz)
{
	char buf[40];
	lg_time_iso(ev->time_us, ev->tz_min, buf, sizeof(buf));
	assert_string_equal(buf, iso);
	assert_int_equal(ev->tz_min, tz);
}

static void expect_bad(lg_log_parser *p, const char *line, const char *why)
{
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, line, strlen(line), &ev),
			 LG_PARSE_BAD);
	if (!strstr(lg_log_parser_error(p), why))
		fail_msg("reason \"%s\" lacks \"%s\"", lg_log_parser_error(p),
			 why);
}

/* Counts of events, skips and bad lines over a whole fixture. */
static void expect_counts(lg_log_parser *p, const char *path, size_t events,
			  size_t skips, size_t bad)
{
	fixture f = load(path);
	size_t got[3] = {0};
	lg_log_event ev;
	for (size_t i = 0; i < f.n; i++)
		got[lg_log_parse(p, f.lines[i], f.lens[i], &ev)]++;
	unload(&f);
	if (got[0] != events || got[1] != skips || got[2] != bad)
		fail_msg("%s: %zu/%zu/%zu events/skips/bad, expected "
			 "%zu/%zu/%zu",
			 path, got[0], got[1], got[2], events, skips, bad);
}

/* ---- combined and common ------------------------------------------------- */
static void combined_fields_and_times(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("combined.log"));
	lg_log_parser *p = parser(LG_LOG_COMBINED, NULL);
	lg_log_event ev;
	assert_int_equal(parse_upto(p, &f, 0, &ev), LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T09:41:03+09:00", 540);
	assert_int_equal(ev.time_us, 1749861663000000LL); /* 00:41:03Z */
	expect_field(&ev, "c-ip", "203.0.113.9");
	expect_field(&ev, "cs-username", NULL);
	expect_field(&ev, "cs-method", "GET");
	expect_field(&ev, "cs-uri-stem", "/mypage/orders");
	expect_field(&ev, "c-uri-query", "id=123&gclid=abc");
	expect_field(&ev, "cs-uri-query", "/mypage/orders?id=123&gclid=abc");
	expect_field(&ev, "cs-version", "HTTP/1.1");
	expect_field(&ev, "sc-status", "200");
	expect_field(&ev, "sc-bytes", "5123");
	expect_field(&ev, "cs-referer", "https://shop.example.jp/");
	expect_field(&ev, "cs-user-agent",
		     "Mozilla/5.0 (Windows NT 10.0; "
		     "Win64; x64) AppleWebKit/537.36");
	/* IPv6, a user, "-" bytes and referer */
	assert_int_equal(lg_log_parse(p, f.lines[1], f.lens[1], &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "c-ip", "2001:db8::1");
	expect_field(&ev, "cs-username", "alice");
	expect_field(&ev, "sc-bytes", NULL);
	expect_field(&ev, "cs-referer", NULL);
	/* Apache's \" inside the agent does not end it */
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "cs-user-agent",
		     "Mozilla/5.0 \\\"compatible; evil\\\" bot");
	expect_field(&ev, "c-uri-query", "q=%E6%9D%B1%E4%BA%AC");
	lg_log_parse(p, f.lines[3], f.lens[3], &ev);
	expect_field(&ev, "cs-uri-stem", "/商品/一覧");
	expect_field(&ev, "c-uri-query", "色=赤");
	unload(&f);
	lg_log_parser_free(p);
}

static void combined_odd_lines(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("combined.log"));
	lg_log_parser *p = parser(LG_LOG_COMBINED, NULL);
	lg_log_event ev;
	/* invalid UTF-8 passes through as it was */
	assert_int_equal(lg_log_parse(p, f.lines[5], f.lens[5], &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "cs-user-agent", "Bot\xff\xfe\xc3(\x80");
	/* TLS bytes on a plain port: no method, the request kept whole */
	assert_int_equal(lg_log_parse(p, f.lines[6], f.lens[6], &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "cs-method", NULL);
	expect_field(&ev, "request",
		     "\\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00"
		     "\\xF3\\x03\\x03");
	expect_field(&ev, "sc-status", "400");
	/* a negative offset and a "-" request */
	assert_int_equal(lg_log_parse(p, f.lines[7], f.lens[7], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T00:41:10-07:00", -420);
	assert_int_equal(ev.time_us, 1749886870000000LL); /* 07:41:10Z */
	expect_field(&ev, "cs-method", NULL);
	expect_field(&ev, "cs-uri-stem", NULL);
	/* a 64 KB line */
	assert_true(f.lens[8] > 65000);
	assert_int_equal(lg_log_parse(p, f.lines[8], f.lens[8], &ev),
			 LG_PARSE_EVENT);
	assert_int_equal(ev.f[LG_FLD_C_URI_QUERY].n, 65402);
	expect_field(&ev, "sc-status", "414");
	/* trailing fields (nginx "main") are tolerated */
	assert_int_equal(lg_log_parse(p, f.lines[9], f.lens[9], &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "cs-user-agent", "Mozilla/5.0");
	/* broken lines say what and where */
	assert_int_equal(lg_log_parse(p, f.lines[10], f.lens[10], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 9: expected '[' before the time");
	assert_int_equal(lg_log_parse(p, f.lines[11], f.lens[11], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 46: no closing quote after the request");
	expect_bad(p,
		   "1.2.3.4 - - [14/Jun/2025:09:41:03 +0900] \"GET / "
		   "HTTP/1.1\" 200 5",
		   "column 64: expected a quoted referer");
	expect_bad(p,
		   "1.2.3.4 - - [14/Jun/2025:09:41:03 +0900] \"GET / "
		   "HTTP/1.1\" OK 5 \"-\" \"-\"",
		   "column 59: expected a numeric status");
	expect_bad(p, "1.2.3.4 - - [14/Foo/2025:09:41:03 +0900] \"GET / \"",
		   "column 14: the time is not");
	/* a trailing CR is ignored, a blank line is no event */
	const char crlf[] = "::1 - - [14/Jun/2025:09:41:03 +0900] \"GET / "
			    "HTTP/1.1\" 200 5 \"-\" \"ua\"\r";
	assert_int_equal(lg_log_parse(p, crlf, strlen(crlf), &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "cs-user-agent", "ua");
	assert_int_equal(lg_log_parse(p, "  ", 2, &ev), LG_PARSE_SKIP);
	expect_counts(p, FIXTURE("combined.log"), 10, 0, 2);
	unload(&f);
	lg_log_parser_free(p);
}

static void common_is_strict(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("common.log"));
	lg_log_parser *p = parser(LG_LOG_COMMON, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2000-10-10T13:55:36-07:00", -420);
	expect_field(&ev, "cs-username", "frank");
	expect_field(&ev, "cs-uri-stem", "/apache_pb.gif");
	expect_field(&ev, "cs-version", "HTTP/1.0");
	expect_field(&ev, "cs-referer", NULL);
	lg_log_parse(p, f.lines[1], f.lens[1], &ev);
	expect_field(&ev, "c-ip", "::1");
	expect_field(&ev, "sc-bytes", NULL);
	expect_bad(p,
		   "1.2.3.4 - - [14/Jun/2025:09:41:03 +0900] \"GET / "
		   "HTTP/1.1\" 200 5 \"-\" \"ua\"",
		   "column 65: unexpected text after the bytes sent");
	expect_counts(p, FIXTURE("common.log"), 4, 0, 1);
	unload(&f);
	lg_log_parser_free(p);
}

/* ---- nginx ------------------------------------------------------------- */
static const char cache_format[] =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status "
    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
    "$upstream_cache_status sess=$cookie_sessionid rt=$request_time "
    "uct=\"$upstream_connect_time\"";

static void nginx_conf_includes_and_globs(void **state)
{
	(void)state;
	char *fmt, err[512];
	const char *conf = FIXTURE("nginx.conf");
	/* defined in conf.d/10-cache.conf through a glob include,
	 * three quoted parts, one double-quoted with \" */
	assert_int_equal(
	    lg_nginx_log_format(conf, "cache", &fmt, err, sizeof(err)), LG_OK);
	assert_string_equal(fmt, cache_format);
	free(fmt);
	assert_int_equal(
	    lg_nginx_log_format(conf, "main", &fmt, err, sizeof(err)), LG_OK);
	assert_string_equal(fmt, "$remote_addr - $remote_user [$time_local] "
				 "\"$request\" $status $body_bytes_sent "
				 "\"$http_referer\" \"$http_user_agent\" "
				 "\"$http_x_forwarded_for\"");
	free(fmt);
	/* escape=json is a parameter, not part of the format */
	assert_int_equal(
	    lg_nginx_log_format(conf, "json_log", &fmt, err, sizeof(err)),
	    LG_OK);
	assert_string_equal(fmt, "{\"time\":\"$time_iso8601\",\"ip\":\"$remote_"
				 "addr\",\"uri\":\"$request_uri\",\"status\":"
				 "$status}");
	free(fmt);
	/* the second file the glob matches */
	assert_int_equal(
	    lg_nginx_log_format(conf, "other", &fmt, err, sizeof(err)), LG_OK);
	assert_string_equal(fmt, "$remote_addr $status");
	free(fmt);
	/* nginx's built-in */
	assert_int_equal(
	    lg_nginx_log_format(conf, "combined", &fmt, err, sizeof(err)),
	    LG_OK);
	assert_non_null(strstr(fmt, "\"$http_user_agent\""));
	free(fmt);
	assert_int_equal(
	    lg_nginx_log_format(conf, "nope", &fmt, err, sizeof(err)),
	    LG_EINVAL);
	assert_null(fmt);
	assert_non_null(strstr(err, "nginx.conf"));
	assert_non_null(strstr(err, "\"nope\""));
	assert_int_equal(lg_nginx_log_format(FIXTURE("missing.conf"), "x", &fmt,
					     err, sizeof(err)),
			 LG_EINVAL);
	assert_non_null(strstr(err, "missing.conf"));
}

static void nginx_conf_text_errors(void **state)
{
	(void)state;
	char *fmt, err[256];
	const char bad_quote[] = "http {\n log_format a '$status;\n}\n";
	assert_int_equal(lg_nginx_conf_find(bad_quote, strlen(bad_quote),
					    "t.conf", "a", &fmt, err,
					    sizeof(err)),
			 LG_EINVAL);
	assert_non_null(
	    strstr(err, "t.conf:4: unterminated quoted string (opened on "
			"line 2)"));
	const char bad_escape[] = "\n\nlog_format a escape=xml '$status';";
	assert_int_equal(lg_nginx_conf_find(bad_escape, strlen(bad_escape),
					    "t.conf", "a", &fmt, err,
					    sizeof(err)),
			 LG_EINVAL);
	assert_non_null(strstr(err, "t.conf:3: log_format escape="));
	/* a conf copied from a server names its files (mime.types): a
	 * missing include is no error, the formats after it still count */
	const char missing_include[] = "include nothere.conf;\n"
				       "log_format a '$remote_addr';";
	assert_int_equal(
	    lg_nginx_conf_find(missing_include, strlen(missing_include),
			       FIXTURE("x.conf"), "a", &fmt, err, sizeof(err)),
	    LG_OK);
	assert_string_equal(fmt, "$remote_addr");
	free(fmt);
	fmt = NULL;
	/* a name in a comment or in a string is not a directive */
	const char tricky[] = "# log_format a '$x';\nset $v 'log_format a';\n"
			      "log_format a \"$a\" '#not a comment';";
	assert_int_equal(lg_nginx_conf_find(tricky, strlen(tricky), NULL, "a",
					    &fmt, err, sizeof(err)),
			 LG_OK);
	assert_string_equal(fmt, "$a#not a comment");
	free(fmt);
}

static void nginx_format_lines(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("nginx_cache.log"));
	lg_log_parser *p = parser(LG_LOG_NGINX, cache_format);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T09:41:03+09:00", 540);
	expect_field(&ev, "c-ip", "203.0.113.9");
	expect_field(&ev, "cs-uri-stem", "/mypage/card");
	expect_field(&ev, "cs-version", "HTTP/2.0");
	expect_field(&ev, "cache-status", "HIT");
	expect_field(&ev, "time-taken", "0.004");
	expect_field(&ev, "cookie_sessionid", "9f8e7d6c");
	expect_field(&ev, "upstream_connect_time", "0.001");
	expect_field(&ev, "cs-user-agent",
		     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)");
	lg_log_parse(p, f.lines[1], f.lens[1], &ev);
	expect_field(&ev, "c-ip", "2001:db8:1::77");
	expect_field(&ev, "cs-username", "bob");
	expect_field(&ev, "cookie_sessionid", NULL);
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "cs-user-agent",
		     "Mozilla/5.0 \\x22quoted\\x22 agent");
	expect_field(&ev, "cache-status", NULL);
	expect_field(&ev, "c-uri-query", "v=3");
	lg_log_parse(p, f.lines[3], f.lens[3], &ev);
	expect_field(&ev, "cs-user-agent", "\xff\xfe bad utf8");
	expect_field(&ev, "cache-status", "BYPASS");
	assert_int_equal(lg_log_parse(p, f.lines[4], f.lens[4], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(
	    lg_log_parser_error(p),
	    "column 80: expected ' sess=' after $upstream_cache_status");
	lg_log_parser_free(p);
	/* the built-in combined, a $time_local without brackets, ${var} */
	p = parser(LG_LOG_NGINX, "${remote_addr} $time_local $status $msec");
	const char l2[] = "::1 14/Jun/2025:09:41:03 +0900 200 1749861663.250";
	assert_int_equal(lg_log_parse(p, l2, strlen(l2), &ev), LG_PARSE_EVENT);
	expect_field(&ev, "c-ip", "::1");
	expect_field(&ev, "sc-status", "200");
	expect_time(&ev, "2025-06-14T09:41:03+09:00", 540);
	lg_log_parser_free(p);
	char err[200];
	lg_log_parser_options o = {0};
	assert_null(lg_log_parser_new(LG_LOG_NGINX, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "log_format"));
	unload(&f);
}

/* ---- LTSV, JSON ---------------------------------------------------------- */
static void ltsv_labels(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("ltsv.log"));
	lg_log_parser *p = parser(LG_LOG_LTSV, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T09:41:03+09:00", 540);
	expect_field(&ev, "c-ip", "203.0.113.9");
	expect_field(&ev, "cs-host", "shop.example.jp");
	expect_field(&ev, "cs-uri-query", "/mypage/orders?id=42");
	expect_field(&ev, "cache-status", "HIT");
	expect_field(&ev, "time-taken", "0.012");
	expect_field(&ev, "x-forwarded-for", NULL);
	expect_field(&ev, "apptime", "0.010");
	lg_log_parse(p, f.lines[1], f.lens[1], &ev);
	expect_field(&ev, "c-ip", "2001:db8::5");
	expect_field(&ev, "c-uri-query", "q=東京");
	/* method, uri and query logged apart are joined */
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "cs-uri-query", "/api/export?format=csv");
	expect_field(&ev, "cs-username", "alice");
	expect_time(&ev, "2024-06-14T00:41:05+00:00", 0);
	assert_int_equal(ev.time_us, 1718325665123000LL);
	lg_log_parse(p, f.lines[3], f.lens[3], &ev);
	expect_field(&ev, "cs-user-agent", "\xff\xfe\xfd");
	expect_field(&ev, "session_id", "s-123");
	assert_int_equal(lg_log_parse(p, f.lines[4], f.lens[4], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 35: expected label:value, found no ':'");
	expect_bad(p, "a b:c", "column 1: the label 'a b' has bytes");
	expect_counts(p, FIXTURE("ltsv.log"), 4, 0, 2);
	unload(&f);
	lg_log_parser_free(p);
}

static void json_keys_and_nesting(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("json.log"));
	lg_log_parser *p = parser(LG_LOG_JSON, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T09:41:03+09:00", 540);
	expect_field(&ev, "cs-uri-stem", "/mypage/orders");
	expect_field(&ev, "sc-status", "200");
	expect_field(&ev, "cs-username", NULL); /* "" is unset */
	expect_field(&ev, "cs-host", "shop.example.jp");
	expect_field(&ev, "cookie_sessionid", "abc123");
	lg_log_parse(p, f.lines[1], f.lens[1], &ev);
	expect_time(&ev, "2025-06-14T00:41:04+00:00", 0);
	assert_int_equal(ev.time_us % 1000000, 250000);
	expect_field(&ev, "cs-user-agent", "Mozilla/5.0 \"quoted\" テスト");
	expect_field(&ev, "cs-uri-query", "/検索?q=%E6%9D%B1%E4%BA%AC");
	expect_field(&ev, "nested.deep.x", "1");
	expect_field(&ev, "extra", NULL);
	/* Caddy: nested request object, header arrays */
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "c-ip", "198.51.100.2");
	expect_field(&ev, "cs-uri-stem", "/v1/export");
	expect_field(&ev, "c-uri-query", "all=1");
	expect_field(&ev, "cs-user-agent", "okhttp/4.12");
	expect_field(&ev, "cs-host", "api.example.jp");
	expect_field(&ev, "time-taken", "0.25");
	lg_log_parse(p, f.lines[3], f.lens[3], &ev);
	expect_field(&ev, "cs-user-agent", "bad \xff\xfe bytes");
	lg_log_parse(p, f.lines[4], f.lens[4], &ev);
	assert_int_equal(ev.time_us, 1718325667123000LL); /* ms */
	assert_int_equal(lg_log_parse(p, f.lines[5], f.lens[5], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 42: expected a quoted key");
	expect_bad(p, "[1,2,3]", "column 1: expected '{'");
	expect_bad(p, "{\"a\":\"\\q\"}", "a bad escape");
	const char x22[] = "{\"ua\":\"a \\x22b\\x22\"}";
	assert_int_equal(lg_log_parse(p, x22, strlen(x22), &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "cs-user-agent", "a \"b\"");
	expect_bad(p, "{\"a\":1} x", "column 9: text after the JSON object");
	lg_log_parser_free(p);
	/* the user's map: dotted keys, "time" */
	const char *const map[] = {"cs-host=meta.site", "time=when",
				   "c-ip=who.addr", NULL};
	lg_log_parser_options o = {.json_map = map};
	char err[200];
	p = lg_log_parser_new(LG_LOG_JSON, &o, err, sizeof(err));
	assert_non_null(p);
	const char l[] =
	    "{\"when\":\"2025-06-14T00:00:00Z\",\"meta\":{\"site\":"
	    "\"a.jp\"},\"who\":{\"addr\":\"192.0.2.1\"}}";
	assert_int_equal(lg_log_parse(p, l, strlen(l), &ev), LG_PARSE_EVENT);
	expect_field(&ev, "cs-host", "a.jp");
	expect_field(&ev, "c-ip", "192.0.2.1");
	assert_int_equal(ev.time_us, 1749859200000000LL);
	lg_log_parser_free(p);
	const char *const bad_map[] = {"nofield=x", NULL};
	o.json_map = bad_map;
	assert_null(lg_log_parser_new(LG_LOG_JSON, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "nofield"));
	unload(&f);
}

/* ---- CloudFront, ALB, S3 ------------------------------------------------- */
static void cloudfront_fields(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("cloudfront.log"));
	lg_log_parser *p = parser(LG_LOG_CLOUDFRONT, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_SKIP);
	assert_int_equal(parse_upto(p, &f, 2, &ev), LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T00:41:03+00:00", 0);
	expect_field(&ev, "cache-status", "Hit");
	expect_field(&ev, "cs-host", "shop.example.jp"); /* x-host-header */
	expect_field(&ev, "cs-cookie", "session=abc123");
	expect_field(&ev, "cs-user-agent",
		     "Mozilla/5.0%20(Windows%20NT%2010.0)");
	expect_field(&ev, "c-uri-query", NULL);
	expect_field(&ev, "x-edge-location", "NRT57-P1");
	lg_log_parse(p, f.lines[3], f.lens[3], &ev);
	expect_field(&ev, "c-ip", "2001:db8::3");
	expect_field(&ev, "c-uri-query", "utm_source=x&gclid=123");
	expect_field(&ev, "cs-uri-query",
		     "/mypage/card?utm_source=x&gclid=123");
	expect_field(&ev, "x-forwarded-for", "198.51.100.1");
	lg_log_parse(p, f.lines[4], f.lens[4], &ev);
	expect_field(&ev, "cs-uri-stem",
		     "/%E5%95%86%E5%93%81/%E4%B8%80%E8%A6%A7");
	expect_field(&ev, "cs-host", "d111111abcdef8.cloudfront.net");
	lg_log_parse(p, f.lines[5], f.lens[5], &ev);
	expect_field(&ev, "cs-user-agent",
		     "bad\xff\xfe"
		     "agent");
	assert_int_equal(lg_log_parse(p, f.lines[6], f.lens[6], &ev),
			 LG_PARSE_BAD);
	assert_non_null(strstr(lg_log_parser_error(p), "only 3 of the 33"));
	/* a #Fields: line of its own order */
	const char hdr[] = "#Fields: time date cs-uri-stem sc-status c-ip "
			   "x-custom";
	assert_int_equal(lg_log_parse(p, hdr, strlen(hdr), &ev), LG_PARSE_SKIP);
	const char l[] = "01:02:03\t2025-01-02\t/a\t200\t192.0.2.9\tyes";
	assert_int_equal(lg_log_parse(p, l, strlen(l), &ev), LG_PARSE_EVENT);
	expect_time(&ev, "2025-01-02T01:02:03+00:00", 0);
	expect_field(&ev, "c-ip", "192.0.2.9");
	expect_field(&ev, "x-custom", "yes");
	expect_bad(p, "bad\t2025-01-02\t/a\t200\t192.0.2.9\tyes",
		   "expected a date and a time");
	unload(&f);
	lg_log_parser_free(p);
}

static void alb_fields(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("alb.log"));
	lg_log_parser *p = parser(LG_LOG_ALB, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[0], f.lens[0], &ev),
			 LG_PARSE_EVENT);
	assert_int_equal(ev.time_us, 1749861663123456LL);
	expect_field(&ev, "c-ip", "203.0.113.9");
	expect_field(&ev, "cs-host", "shop.example.jp");
	expect_field(&ev, "cs-uri-stem", "/mypage/orders");
	expect_field(&ev, "cs-uri-query", "/mypage/orders?id=5");
	expect_field(&ev, "sc-status", "200");
	expect_field(&ev, "sc-bytes", "366");
	expect_field(&ev, "time-taken", "0.001");
	expect_field(&ev, "target_status_code", "200");
	expect_field(&ev, "conn_trace_id", "TID_1234");
	lg_log_parse(p, f.lines[1], f.lens[1], &ev);
	expect_field(&ev, "c-ip", "2001:db8::7");
	expect_field(&ev, "cs-user-agent", "curl/8.5.0 \\\"x\\\"");
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "cs-method", NULL);
	expect_field(&ev, "time-taken", NULL);
	expect_field(&ev, "sc-status", "400");
	assert_int_equal(lg_log_parse(p, f.lines[3], f.lens[3], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 1: expected the request type (http, "
			    "https, h2, grpcs, ws, wss)");
	expect_bad(p, "https 2025-06-14T00:41:03Z app/x 1.2.3.4:5",
		   "the line ends after 4 fields");
	unload(&f);
	lg_log_parser_free(p);
}

static void s3_fields(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("s3.log"));
	lg_log_parser *p = parser(LG_LOG_S3, NULL);
	lg_log_event ev;
	assert_int_equal(lg_log_parse(p, f.lines[1], f.lens[1], &ev),
			 LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T00:41:04+00:00", 0);
	expect_field(&ev, "s3-bucket", "shared-files");
	expect_field(&ev, "cs-host", "shared-files");
	expect_field(&ev, "s3-requester", NULL); /* anonymous */
	expect_field(&ev, "s3-operation", "REST.GET.OBJECT");
	expect_field(&ev, "s3-key", "exports/%E9%A1%A7%E5%AE%A2.csv");
	expect_field(&ev, "cs-uri-stem", "/exports/%E9%A1%A7%E5%AE%A2.csv");
	expect_field(&ev, "c-uri-query", "x-id=GetObject");
	expect_field(&ev, "sc-bytes", "1048576");
	expect_field(&ev, "time-taken", "1.250");
	expect_field(&ev, "c-ip", "2001:db8::44");
	expect_field(&ev, "cs-referer", "https://ad.example.com/");
	lg_log_parse(p, f.lines[2], f.lens[2], &ev);
	expect_field(&ev, "error_code", "AccessDenied");
	expect_field(&ev, "s3-key", NULL);
	assert_int_equal(lg_log_parse(p, f.lines[3], f.lens[3], &ev),
			 LG_PARSE_BAD);
	assert_string_equal(lg_log_parser_error(p),
			    "column 79: expected a time like "
			    "[06/Feb/2019:00:00:38 +0000]");
	expect_counts(p, FIXTURE("s3.log"), 3, 0, 1);
	unload(&f);
	lg_log_parser_free(p);
}

/* ---- postfix ------------------------------------------------------------- */
static void postfix_joins_queue_ids(void **state)
{
	(void)state;
	fixture f = load(FIXTURE("postfix_maillog"));
	lg_log_parser *p = parser(LG_LOG_POSTFIX, NULL);
	lg_log_event ev;
	assert_int_equal(parse_upto(p, &f, 4, &ev), LG_PARSE_EVENT);
	expect_time(&ev, "2025-06-14T09:41:04+09:00", 540);
	expect_field(&ev, "mail-queue-id", "4F1A2B3C");
	expect_field(&ev, "mail-from", "alice@example.jp");
	expect_field(&ev, "mail-to", "bob@example.com");
	expect_field(&ev, "mail-status", "sent");
	expect_field(&ev, "mail-size", "1234");
	expect_field(&ev, "mail-nrcpt", "3");
	expect_field(&ev, "mail-client", "unknown[203.0.113.5]");
	expect_field(&ev, "cs-username", "alice@example.jp");
	expect_field(&ev, "c-ip", "203.0.113.5");
	expect_field(&ev, "relay", "mx.example.com[198.51.100.25]:25");
	lg_log_parse(p, f.lines[5], f.lens[5], &ev);
	expect_field(&ev, "mail-status", "bounced");
	expect_field(&ev, "dsn", "5.1.1");
	/* removed: the queue id is forgotten */
	assert_int_equal(lg_log_parse(p, f.lines[6], f.lens[6], &ev),
			 LG_PARSE_SKIP);
	assert_int_equal(lg_log_parse(p, f.lines[4], f.lens[4], &ev),
			 LG_PARSE_EVENT);
	expect_field(&ev, "mail-from", NULL);
	/* another program's syslog line is skipped */
	assert_int_equal(lg_log_parse(p, f.lines[8], f.lens[8], &ev),
			 LG_PARSE_SKIP);
	/* RFC 3339 times, an IPv6 client, orig_to */
	assert_int_equal(parse_upto(p, &f, 11, &ev), LG_PARSE_EVENT);
	assert_int_equal(ev.time_us, 1749861722500000LL);
	expect_field(&ev, "mail-client", "mail.example.org[2001:db8::25]");
	expect_field(&ev, "c-ip", "2001:db8::25");
	expect_field(&ev, "mail-size", "98765");
	expect_field(&ev, "orig_to", "postmaster@example.jp");
	/* "Jun  4", a queue id never seen */
	lg_log_parse(p, f.lines[12], f.lens[12], &ev);
	expect_time(&ev, "2025-06-04T01:02:03+09:00", 540);
	expect_field(&ev, "mail-status", "deferred");
	expect_field(&ev, "mail-from", NULL);
	assert_int_equal(lg_log_parse(p, f.lines[14], f.lens[14], &ev),
			 LG_PARSE_BAD);
	assert_non_null(
	    strstr(lg_log_parser_error(p), "column 1: expected a syslog time"));
	unload(&f);
	lg_log_parser_free(p);
}

static void postfix_map_is_bounded(void **state)
{
	(void)state;
	lg_log_parser *p = parser(LG_LOG_POSTFIX, NULL);
	lg_log_event ev;
	char line[200];
	/* 50,001 senders: the first is evicted, the second still known */
	for (int i = 0; i <= 50000; i++) {
		int n = snprintf(line, sizeof(line),
				 "Jun 14 09:41:03 mx postfix/qmgr[1]: Q%07d: "
				 "from=<s%d@example.jp>, size=1, nrcpt=1",
				 i, i);
		assert_int_equal(lg_log_parse(p, line, (size_t)n, &ev),
				 LG_PARSE_SKIP);
	}
	const char first[] = "Jun 14 09:41:04 mx postfix/smtp[2]: Q0000000: "
			     "to=<r@example.com>, status=sent (ok)";
	lg_log_parse(p, first, strlen(first), &ev);
	expect_field(&ev, "mail-from", NULL);
	const char second[] = "Jun 14 09:41:04 mx postfix/smtp[2]: Q0000001: "
			      "to=<r@example.com>, status=sent (ok)";
	lg_log_parse(p, second, strlen(second), &ev);
	expect_field(&ev, "mail-from", "s1@example.jp");
	expect_field(&ev, "response", "ok");
	lg_log_parser_free(p);
}

/* ---- sniffing, names, times ---------------------------------------------- */
static void sniff_each_fixture(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		lg_log_format fmt;
	} cases[] = {
	    {FIXTURE("combined.log"), LG_LOG_COMBINED},
	    {FIXTURE("common.log"), LG_LOG_COMMON},
	    {FIXTURE("nginx_cache.log"), LG_LOG_COMBINED},
	    {FIXTURE("ltsv.log"), LG_LOG_LTSV},
	    {FIXTURE("json.log"), LG_LOG_JSON},
	    {FIXTURE("cloudfront.log"), LG_LOG_CLOUDFRONT},
	    {FIXTURE("alb.log"), LG_LOG_ALB},
	    {FIXTURE("s3.log"), LG_LOG_S3},
	    {FIXTURE("postfix_maillog"), LG_LOG_POSTFIX},
	    {FIXTURE("nginx.conf"), LG_LOG_AUTO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		fixture f = load(cases[i].file);
		lg_log_format got =
		    lg_log_sniff((const char *const *)f.lines, f.lens, f.n);
		if (got != cases[i].fmt)
			fail_msg("%s sniffs as %s, not %s", cases[i].file,
				 lg_log_format_name(got),
				 lg_log_format_name(cases[i].fmt));
		unload(&f);
	}
	/* CloudFront without its header still reads as CloudFront */
	fixture f = load(FIXTURE("cloudfront.log"));
	assert_int_equal(
	    lg_log_sniff((const char *const *)f.lines + 2, f.lens + 2, 3),
	    LG_LOG_CLOUDFRONT);
	unload(&f);
	/* syslog from other programs is not postfix; prose is nothing */
	const char *other[] = {"Jun 14 09:41:07 mail dovecot: imap-login: x",
			       "Jun 14 09:41:08 mail sshd[1]: Accepted key"};
	size_t olen[] = {strlen(other[0]), strlen(other[1])};
	assert_int_equal(lg_log_sniff(other, olen, 2), LG_LOG_AUTO);
	const char *prose[] = {"Dear customer,", "your order has shipped."};
	size_t plen[] = {strlen(prose[0]), strlen(prose[1])};
	assert_int_equal(lg_log_sniff(prose, plen, 2), LG_LOG_AUTO);
	assert_int_equal(lg_log_sniff(NULL, NULL, 0), LG_LOG_AUTO);
}

static void format_names(void **state)
{
	(void)state;
	for (int f = 0; f < LG_LOG_FORMAT_COUNT; f++) {
		lg_log_format back;
		assert_true(lg_log_format_parse(lg_log_format_name(f), &back));
		assert_int_equal(back, f);
	}
	lg_log_format f;
	assert_true(lg_log_format_parse("CloudFront", &f));
	assert_int_equal(f, LG_LOG_CLOUDFRONT);
	assert_false(lg_log_format_parse("syslog-ng", &f));
	char err[200];
	assert_null(lg_log_parser_new(LG_LOG_AUTO, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "sniff"));
	lg_log_parser *p = parser(LG_LOG_S3, NULL);
	assert_int_equal(lg_log_parser_format(p), LG_LOG_S3);
	lg_log_parser_free(p);
}

static void times(void **state)
{
	(void)state;
	int64_t us;
	int tz;
	assert_true(lg_time_iso8601("2025-06-14T09:41:03.123456+09:00", 32, 0,
				    &us, &tz));
	assert_int_equal(us, 1749861663123456LL);
	assert_int_equal(tz, 540);
	assert_true(
	    lg_time_iso8601("2025-06-14 00:41:03-0130", 24, 0, &us, &tz));
	assert_int_equal(tz, -90);
	assert_int_equal(us, 1749861663000000LL + 90 * 60000000LL);
	/* no offset: the local one */
	assert_true(lg_time_iso8601("2025-06-14T09:41:03", 19, 540, &us, &tz));
	assert_int_equal(us, 1749861663000000LL);
	assert_false(lg_time_iso8601("2025-13-14T09:41:03Z", 20, 0, &us, &tz));
	assert_false(lg_time_iso8601("2025-06-14T09:41:03+9", 21, 0, &us, &tz));
	assert_true(lg_time_clf("29/Feb/2024:23:59:60 +0000", 26, &us, &tz));
	assert_true(lg_time_epoch("1749861663", 10, &us));
	assert_int_equal(us, 1749861663000000LL);
	assert_true(lg_time_epoch("1749861663250", 13, &us));
	assert_int_equal(us, 1749861663250000LL);
	assert_false(lg_time_epoch("17498x", 6, &us));
	assert_true(
	    lg_time_any("[10/Oct/2000:13:55:36 -0700]", 28, 0, &us, &tz));
	assert_int_equal(tz, -420);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(combined_fields_and_times),
	    cmocka_unit_test(combined_odd_lines),
	    cmocka_unit_test(common_is_strict),
	    cmocka_unit_test(nginx_conf_includes_and_globs),
	    cmocka_unit_test(nginx_conf_text_errors),
	    cmocka_unit_test(nginx_format_lines),
	    cmocka_unit_test(ltsv_labels),
	    cmocka_unit_test(json_keys_and_nesting),
	    cmocka_unit_test(cloudfront_fields),
	    cmocka_unit_test(alb_fields),
	    cmocka_unit_test(s3_fields),
	    cmocka_unit_test(postfix_joins_queue_ids),
	    cmocka_unit_test(postfix_map_is_bounded),
	    cmocka_unit_test(sniff_each_fixture),
	    cmocka_unit_test(format_names),
	    cmocka_unit_test(times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
