/* test_logsite.c: the logs engine's own parts: site configuration,
 * derived fields (actor, path classes, cache hits, mail), the gzip-aware
 * line reader and ISO 8601 times. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "leakguard/logs.h"
#include "logs/logs_site.h"
#include "logs/reader.h"

static char tmpdir[] = "/tmp/lgsite.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static lg_site *site_from(const char *yaml)
{
	char err[256] = "";
	lg_site *s = NULL;
	const char *key =
	    write_file("key.bin", "0123456789abcdef0123456789abcdef");
	char text[2048];
	snprintf(text, sizeof(text), "session_key_file: %s\n%s", key, yaml);
	const char *p = write_file("site.yaml", text);
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_OK);
	return s;
}

static lg_slice sl(const char *s)
{
	return (lg_slice){s, strlen(s)};
}

static void assert_field(const lg_log_event *ev, lg_field f, const char *want)
{
	if (!want) {
		assert_null(ev->f[f].p);
		return;
	}
	assert_non_null(ev->f[f].p);
	char got[4200];
	snprintf(got, sizeof(got), "%.*s", (int)ev->f[f].n, ev->f[f].p);
	assert_string_equal(got, want);
}

/* 2025-06-16 (a Monday) at hh:mm JST, as UTC microseconds */
static int64_t jst(int day, int hh, int mm)
{
	int64_t base = 1749999600LL; /* 2025-06-16T00:00:00+09:00 */
	return (base + (day - 16) * 86400LL + hh * 3600LL + mm * 60LL) *
	       1000000LL;
}

static lg_log_event web_event(const char *ip, const char *path)
{
	lg_log_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.f[LG_FLD_C_IP] = sl(ip);
	ev.f[LG_FLD_CS_URI_STEM] = sl(path);
	ev.f[LG_FLD_CS_URI_QUERY] = sl(path);
	ev.time_us = jst(16, 10, 0);
	ev.tz_min = 540;
	return ev;
}

static void defaults_classify_paths(void **state)
{
	(void)state;
	char err[256];
	lg_site *s = NULL;
	setenv("XDG_DATA_HOME", tmpdir, 1);
	assert_int_equal(lg_site_load(NULL, &s, err, sizeof(err)), LG_OK);
	lg_derive_buf b = {0};
	lg_log_event ev = web_event("192.168.1.20", "/mypage/cards");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_PRIVATE_PATH, "true");
	assert_field(&ev, LG_FLD_LOGIN_PATH, "false");
	assert_field(&ev, LG_FLD_INTERNAL_CLIENT, "true");
	ev = web_event("2001:db8::7", "/login");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_LOGIN_PATH, "true");
	assert_field(&ev, LG_FLD_PRIVATE_PATH, "false");
	assert_field(&ev, LG_FLD_INTERNAL_CLIENT, "false");
	lg_site_free(s);
	/* the key made on first use is kept, private to the user */
	char key[600];
	snprintf(key, sizeof(key), "%s/leakguard/session.key", tmpdir);
	assert_int_equal(access(key, R_OK), 0);
}

static void config_errors_name_file_and_line(void **state)
{
	(void)state;
	char err[256] = "";
	lg_site *s = NULL;
	const char *p = write_file("bad.yaml", "private_paths: [/mypage]\n"
					       "internal_networks:\n"
					       "  - 10.0.0.0/8\n"
					       "  - 10.0.0.0/33\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "bad.yaml:3:"));
	assert_non_null(strstr(err, "10.0.0.0/33"));
	p = write_file("bad2.yaml", "privat_paths: [/x]\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "bad2.yaml:1: unknown key 'privat_paths'"));
	p = write_file("bad3.yaml", "office_hours: 9-17\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "office_hours"));
	p = write_file("bad5.yaml", "session_cookie: [sid, \"my session\"]\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "bad5.yaml:1: session_cookie 'my session' "
				    "is not a cookie name"));
	/* a relative key file is beside the configuration */
	char sub[600], conf[700], key[700];
	snprintf(sub, sizeof(sub), "%s/conf", tmpdir);
	mkdir(sub, 0700);
	snprintf(conf, sizeof(conf), "%s/site.yaml", sub);
	snprintf(key, sizeof(key), "%s/k.bin", sub);
	FILE *f = fopen(key, "w");
	fputs("0123456789abcdef0123456789abcdef", f);
	fclose(f);
	f = fopen(conf, "w");
	fputs("session_key_file: k.bin\n", f);
	fclose(f);
	assert_int_equal(lg_site_load(conf, &s, err, sizeof(err)), LG_OK);
	lg_site_free(s);
	s = NULL;
	p = write_file("bad6.yaml", "session_key_file: nothere.bin\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "/nothere.bin: cannot read a 32-byte"));
	p = write_file("bad4.yaml", "private_paths: [/a\n");
	assert_int_equal(lg_site_load(p, &s, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "bad4.yaml:"));
}

static void actor_is_user_then_session_then_address(void **state)
{
	(void)state;
	lg_site *s = site_from("session_cookie: sid\n");
	lg_derive_buf b = {0};
	lg_log_event ev = web_event("203.0.113.9", "/mypage");
	ev.f[LG_FLD_CS_USERNAME] = sl("tanaka");
	ev.f[LG_FLD_CS_COOKIE] = sl("lang=ja; sid=8f2e7c1d9a");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_ACTOR, "tanaka");
	assert_field(&ev, LG_FLD_ACTOR_KIND, "user");
	/* the session is a keyed hash: stable, never the cookie itself */
	char session[32];
	snprintf(session, sizeof(session), "%.*s", (int)ev.f[LG_FLD_SESSION].n,
		 ev.f[LG_FLD_SESSION].p);
	assert_int_equal(strlen(session), 18);
	assert_memory_equal(session, "s:", 2);
	assert_null(strstr(session, "8f2e7c1d9a"));

	ev = web_event("203.0.113.9", "/mypage");
	ev.f[LG_FLD_CS_COOKIE] = sl("sid=8f2e7c1d9a");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_ACTOR, session);
	assert_field(&ev, LG_FLD_ACTOR_KIND, "session");

	/* nginx's $cookie_sid logged as its own field */
	ev = web_event("198.51.100.4", "/mypage");
	ev.nextra = 1;
	ev.extra_name[0] = sl("cookie_sid");
	ev.extra_value[0] = sl("8f2e7c1d9a");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_ACTOR, session);

	ev = web_event("198.51.100.4", "/");
	ev.f[LG_FLD_CS_USER_AGENT] = sl("Mozilla/5.0");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_ACTOR_KIND, "ip");
	assert_memory_equal(ev.f[LG_FLD_ACTOR].p, "198.51.100.4 ua:", 16);
	lg_site_free(s);
}

static void object_ids_become_a_pattern(void **state)
{
	(void)state;
	lg_site *s = site_from("");
	lg_derive_buf b = {0};
	lg_log_event ev =
	    web_event("1.2.3.4", "/mypage/orders/1029384/receipt.pdf");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_PATH_ID_PATTERN,
		     "/mypage/orders/{id}/receipt.pdf");
	assert_field(&ev, LG_FLD_OBJECT_ID, "1029384");
	ev = web_event("1.2.3.4",
		       "/api/users/3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f.json");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_PATH_ID_PATTERN, "/api/users/{id}.json");
	ev = web_event("1.2.3.4", "/products/shoes/summer");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_PATH_ID_PATTERN, "/products/shoes/summer");
	assert_field(&ev, LG_FLD_OBJECT_ID, NULL);
	lg_site_free(s);
}

static void assert_same_field(const lg_log_event *a, const lg_log_event *b,
			      lg_field f)
{
	assert_int_equal(!a->f[f].p, !b->f[f].p);
	assert_int_equal(a->f[f].n, b->f[f].n);
	if (a->f[f].p)
		assert_memory_equal(a->f[f].p, b->f[f].p, a->f[f].n);
}

/* A path seen again is answered from what it derived the first time
 * (pattern, object id, classes): the same as worked out afresh, also
 * after thousands of other paths, for paths too long to keep, and for
 * S3 lines, whose classes read the bucket. */
static void remembered_paths_derive_as_before(void **state)
{
	(void)state;
	lg_site *s = site_from("private_paths: [/mypage/, /account]\n"
			       "shared_paths: [/shared/, s3://etl/shared/]\n"
			       "login_paths: [/login]\nexport_paths: [/admin/"
			       "export]\n");
	static lg_derive_buf fresh, kept;
	char longp[400];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	const char *paths[] = {
	    "/mypage/orders/1029384/receipt.pdf",
	    "/mypage",
	    "/products/shoes",
	    "/shared/list.csv",
	    "/login",
	    "/admin/export/2025-06.csv",
	    "/api/users/3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f",
	    longp};
	static const lg_field fields[] = {
	    LG_FLD_PATH_ID_PATTERN, LG_FLD_OBJECT_ID,  LG_FLD_PRIVATE_PATH,
	    LG_FLD_SHARED_PATH,	    LG_FLD_LOGIN_PATH, LG_FLD_EXPORT_PATH};
	char other[64];
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
			lg_log_event a = web_event("1.2.3.4", paths[i]);
			lg_log_event k = web_event("1.2.3.4", paths[i]);
			memset(&fresh, 0, sizeof(fresh));
			lg_logs_derive(s, &a, &fresh);
			lg_logs_derive(s, &k, &kept); /* kept, if not yet */
			k = web_event("1.2.3.4", paths[i]);
			lg_logs_derive(s, &k, &kept); /* answered from it */
			for (size_t f = 0; f < sizeof(fields) / sizeof(*fields);
			     f++)
				assert_same_field(&a, &k, fields[f]);
		}
		for (int j = 0; j < 5000; j++) { /* others take the slots */
			snprintf(other, sizeof(other), "/items/%d/%d", round,
				 j);
			lg_log_event o = web_event("1.2.3.4", other);
			lg_logs_derive(s, &o, &kept);
		}
	}
	lg_log_event ev = web_event("1.2.3.4", "/etl");
	ev.f[LG_FLD_S3_BUCKET] = sl("etl");
	ev.f[LG_FLD_S3_KEY] = sl("shared/a.csv");
	lg_logs_derive(s, &ev, &kept);
	assert_field(&ev, LG_FLD_SHARED_PATH, "true");
	ev.f[LG_FLD_S3_KEY] = sl("private/a.csv");
	lg_logs_derive(s, &ev, &kept);
	assert_field(&ev, LG_FLD_SHARED_PATH, "false");
	lg_site_free(s);
}

static void shared_s3_prefix_and_ad_clicks(void **state)
{
	(void)state;
	lg_site *s =
	    site_from("shared_paths: [/shared/, s3://etl-share/shared/]\n"
		      "internal_networks: [10.0.0.0/8, 203.0.113.0/28]\n");
	lg_derive_buf b = {0};
	lg_log_event ev = web_event("198.51.100.23", "/etl-share");
	ev.f[LG_FLD_CS_URI_STEM] = (lg_slice){0};
	ev.f[LG_FLD_S3_BUCKET] = sl("etl-share");
	ev.f[LG_FLD_S3_KEY] = (lg_slice){0};
	ev.f[LG_FLD_C_URI_QUERY] = sl("list-type=2&prefix=shared%2F2025-09%2F");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_SHARED_PATH, "true"); /* prefix encoded */
	assert_field(&ev, LG_FLD_AD_CLICK, "false");
	ev.f[LG_FLD_C_URI_QUERY] = sl("prefix=public/&delimiter=/");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_SHARED_PATH, "false");
	ev.f[LG_FLD_C_URI_QUERY] = sl("prefix=shared/2025-09/&gclid=Cj0KCQ");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_SHARED_PATH, "true");
	assert_field(&ev, LG_FLD_AD_CLICK, "true");
	ev.f[LG_FLD_S3_KEY] = sl("shared/2025-09/list.csv");
	ev.f[LG_FLD_C_URI_QUERY] = (lg_slice){0};
	ev.f[LG_FLD_CS_REFERER] = sl("https://search.yahoo.co.jp/?yclid=YSS.1");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_SHARED_PATH, "true");
	assert_field(&ev, LG_FLD_AD_CLICK, "true");
	ev = web_event("203.0.113.14", "/shared/2025-09/list.csv");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_SHARED_PATH, "true");
	assert_field(&ev, LG_FLD_INTERNAL_CLIENT, "true");
	assert_field(&ev, LG_FLD_AD_CLICK, "false");
	ev = web_event("203.0.113.16", "/");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_INTERNAL_CLIENT, "false"); /* outside /28 */
	lg_site_free(s);
}

static void every_cache_says_hit_its_own_way(void **state)
{
	(void)state;
	static const char *const hits[] = {
	    "HIT",	"Hit", "RefreshHit",	      "STALE",
	    "UPDATING", "hit", "Hit from cloudfront", "TCP_MEM_HIT",
	    "HIT, MISS"};
	static const char *const misses[] = {"MISS",	  "BYPASS",  "EXPIRED",
					     "Miss",	  "dynamic", "Error",
					     "MISS, MISS"};
	lg_site *s = site_from("");
	lg_derive_buf b = {0};
	for (size_t i = 0; i < sizeof(hits) / sizeof(*hits); i++) {
		lg_log_event ev = web_event("1.2.3.4", "/mypage");
		ev.f[LG_FLD_CACHE_STATUS] = sl(hits[i]);
		lg_logs_derive(s, &ev, &b);
		assert_field(&ev, LG_FLD_CACHE_HIT, "true");
	}
	for (size_t i = 0; i < sizeof(misses) / sizeof(*misses); i++) {
		lg_log_event ev = web_event("1.2.3.4", "/mypage");
		ev.f[LG_FLD_CACHE_STATUS] = sl(misses[i]);
		lg_logs_derive(s, &ev, &b);
		assert_field(&ev, LG_FLD_CACHE_HIT, "false");
	}
	lg_log_event ev = web_event("1.2.3.4", "/mypage");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_CACHE_HIT, NULL); /* no cache field */
	lg_site_free(s);
}

static void mail_recipients_inside_and_outside(void **state)
{
	(void)state;
	lg_site *s = site_from("internal_mail_domains: [corp.example.co.jp]\n");
	lg_derive_buf b = {0};
	lg_log_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.f[LG_FLD_MAIL_FROM] = sl("sato@corp.example.co.jp");
	ev.f[LG_FLD_MAIL_TO] = sl("Yamada@Client.Example.com");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_MAIL_TO_DOMAIN, "client.example.com");
	assert_field(&ev, LG_FLD_MAIL_TO_EXTERNAL, "true");
	assert_field(&ev, LG_FLD_ACTOR, "sato@corp.example.co.jp");
	ev.f[LG_FLD_MAIL_TO] = sl("kato@osaka.corp.example.co.jp");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_MAIL_TO_EXTERNAL, "false"); /* subdomain */
	lg_site_free(s);
	/* none configured: outside is another domain than the sender's */
	s = site_from("");
	ev.f[LG_FLD_MAIL_TO] = sl("suzuki@corp.example.co.jp");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_MAIL_TO_EXTERNAL, "false");
	ev.f[LG_FLD_MAIL_TO] = sl("a@gmail.com");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_MAIL_TO_EXTERNAL, "true");
	lg_site_free(s);
}

static void office_hours_in_the_sites_zone(void **state)
{
	(void)state;
	lg_site *s = site_from("office_hours: \"09:00-18:00\"\n"
			       "timezone: \"+09:00\"\n");
	lg_derive_buf b = {0};
	lg_log_event ev = web_event("1.2.3.4", "/");
	ev.tz_min = 0; /* a UTC log: the site's zone still decides */
	ev.time_us = jst(16, 10, 0);
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_OFF_HOURS, "false");
	ev.time_us = jst(16, 2, 30);
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_OFF_HOURS, "true");
	ev.time_us = jst(16, 18, 0);
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_OFF_HOURS, "true");
	ev.time_us = jst(21, 11, 0); /* Saturday */
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_OFF_HOURS, "true");
	lg_site_free(s);
}

static void requests_are_decoded_twice(void **state)
{
	(void)state;
	lg_site *s = site_from("");
	lg_derive_buf b = {0};
	lg_log_event ev = web_event(
	    "1.2.3.4",
	    "/download?file=%252e%252e%252f%252e%252e%252fetc%252fpasswd");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_URI_DECODED,
		     "/download?file=../../etc/passwd");
	ev = web_event("1.2.3.4", "/item?id=1%27+UNION+SELECT+card_no");
	lg_logs_derive(s, &ev, &b);
	assert_field(&ev, LG_FLD_URI_DECODED,
		     "/item?id=1' UNION SELECT card_no");
	lg_site_free(s);
}

/* The hand-written IPv4 reader agrees with inet_pton, and IPv6 still
 * goes through it. */
static void addresses_are_read_like_inet_pton(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "1.2.3.4",	       "255.255.255.255", "256.1.1.1",
	    "01.2.3.4",	       "1.2.3",		  "1.2.3.4.5",
	    "1..2.3",	       "0.0.0.0",	  "10.0.0.1 ",
	    "a.b.c.d",	       "1.2.3.04",	  "192.168.100.200",
	    "1.2.3.",	       ".1.2.3",	  "2001:db8::7",
	    "::ffff:10.0.0.1", "fe80::1%eth0",	  "-"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint8_t got[16], v4[4], v6[16];
		const char *c = cases[i];
		bool ok = lg_addr_parse(c, strlen(c), got);
		bool is4 = inet_pton(AF_INET, c, v4) == 1;
		bool is6 = !is4 && inet_pton(AF_INET6, c, v6) == 1;
		assert_int_equal(ok, is4 || is6);
		if (is4)
			assert_memory_equal(got + 12, v4, 4);
		if (is6)
			assert_memory_equal(got, v6, 16);
	}
}

/* ---- reader -------------------------------------------------------------- */
static void reader_reads_gzip_crlf_and_a_last_line(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/access.log.1.gz", tmpdir);
	gzFile gz = gzopen(path, "wb");
	assert_non_null(gz);
	gzputs(gz, "first line\r\n\nthird");
	gzclose(gz);
	lg_line_reader r;
	assert_true(lg_reader_open(&r, path));
	const char *peek[4];
	size_t lens[4];
	assert_int_equal(lg_reader_peek(&r, peek, lens, 4), 2);
	const char *line;
	size_t n;
	bool cut;
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_int_equal(n, 10);
	assert_memory_equal(line, "first line", 10);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_int_equal(n, 0);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_int_equal(n, 5);
	assert_int_equal(r.lineno, 3);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 0);
	lg_reader_close(&r);
}

static void reader_cuts_a_huge_line_and_goes_on(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/huge.log", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("short\n", f);
	for (int i = 0; i < 3 << 20; i++)
		fputc('x', f);
	fputs("\nafter\n", f);
	fclose(f);
	lg_line_reader r;
	assert_true(lg_reader_open(&r, path));
	const char *line;
	size_t n;
	bool cut;
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_false(cut);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_true(cut);
	assert_int_equal(n, LG_READER_MAX_LINE);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 1);
	assert_false(cut);
	assert_int_equal(n, 5);
	assert_memory_equal(line, "after", 5);
	assert_int_equal(r.lineno, 3);
	assert_int_equal(lg_reader_next(&r, &line, &n, &cut), 0);
	lg_reader_close(&r);
}

static void reader_reports_a_corrupt_gzip(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/cut.gz", tmpdir);
	gzFile gz = gzopen(path, "wb");
	for (int i = 0; i < 20000; i++)
		gzprintf(gz, "line %d with some text to compress\n", i);
	gzclose(gz);
	assert_int_equal(truncate(path, 2000), 0);
	lg_line_reader r;
	assert_true(lg_reader_open(&r, path));
	const char *line;
	size_t n;
	bool cut;
	int rc;
	while ((rc = lg_reader_next(&r, &line, &n, &cut)) == 1)
		;
	assert_int_equal(rc, -1);
	assert_true(r.errmsg[0] != '\0');
	lg_reader_close(&r);
	assert_false(lg_reader_open(&r, "/nonexistent/access.log"));
	assert_non_null(strstr(r.errmsg, "No such file"));
}

static void times_print_with_their_offset(void **state)
{
	(void)state;
	char t[40];
	lg_time_iso(jst(16, 9, 41) + 3000000, 540, t, sizeof(t));
	assert_string_equal(t, "2025-06-16T09:41:03+09:00");
	lg_time_iso(jst(16, 9, 41), 0, t, sizeof(t));
	assert_string_equal(t, "2025-06-16T00:41:00+00:00");
	lg_time_iso(0, -300, t, sizeof(t));
	assert_string_equal(t, "1969-12-31T19:00:00-05:00");
	lg_time_iso(LG_TIME_NONE, 0, t, sizeof(t));
	assert_string_equal(t, "-");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_classify_paths),
	    cmocka_unit_test(config_errors_name_file_and_line),
	    cmocka_unit_test(actor_is_user_then_session_then_address),
	    cmocka_unit_test(object_ids_become_a_pattern),
	    cmocka_unit_test(remembered_paths_derive_as_before),
	    cmocka_unit_test(shared_s3_prefix_and_ad_clicks),
	    cmocka_unit_test(every_cache_says_hit_its_own_way),
	    cmocka_unit_test(mail_recipients_inside_and_outside),
	    cmocka_unit_test(office_hours_in_the_sites_zone),
	    cmocka_unit_test(requests_are_decoded_twice),
	    cmocka_unit_test(addresses_are_read_like_inet_pton),
	    cmocka_unit_test(reader_reads_gzip_crlf_and_a_last_line),
	    cmocka_unit_test(reader_cuts_a_huge_line_and_goes_on),
	    cmocka_unit_test(reader_reports_a_corrupt_gzip),
	    cmocka_unit_test(times_print_with_their_offset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
