/* test_nginxconf.c: the nginx configuration reader (tokens as nginx reads
 * them, includes, errors naming file and line) and the audit's rules:
 * inheritance, private locations, each rule firing on the broken site
 * and none on its fixed twin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "leakguard/audit.h"
#include "leakguard/nginxconf.h"

#ifndef LG_CASES
#define LG_CASES "tests/cases"
#endif

static lg_ngx_conf *read_text(const char *text, char *err, size_t errlen)
{
	lg_ngx_conf *c = NULL;
	lg_status st = lg_ngx_read_text(text, strlen(text), "t.conf", NULL, &c,
					err, errlen);
	if (st != LG_OK)
		return NULL;
	return c;
}

static void tokens_as_nginx_reads_them(void **state)
{
	(void)state;
	char err[256];
	const char text[] = "# a comment; with { braces }\n"
			    "set $a \"two\\\"words\\n\" ;\n"
			    "set $b 'it''s'x;\n"
			    "return 200 ${var}}x;\n"
			    "log_format m '$a'\n"
			    "   \"$b\"  # trailing comment\n"
			    "   'multi\nline';\n"
			    "a#b c\\;d;\n"
			    "http { server { listen 80; } }\n";
	/* 'it''s'x: after a quoted string nginx wants a space */
	lg_ngx_conf *c = read_text(text, err, sizeof(err));
	assert_null(c);
	assert_non_null(strstr(err, "t.conf:3: unexpected \"'\""));
	const char good[] = "# a comment; with { braces }\n"
			    "set $a \"two\\\"words\\n\" ;\n"
			    "return 200 ${var}}x;\n"
			    "log_format m '$a'\n"
			    "   \"$b\"  # trailing comment\n"
			    "   'multi\nline';\n"
			    "a#b c\\;d;\n"
			    "http { server { listen 80; } }\n";
	c = read_text(good, err, sizeof(err));
	assert_non_null(c);
	const lg_ngx_directive *d = lg_ngx_first(c);
	assert_string_equal(d->name, "set");
	assert_int_equal(d->line, 2);
	assert_int_equal(d->nargs, 2);
	assert_string_equal(d->args[1], "two\"words\n");
	d = d->next;
	/* "${var}" keeps its brace, and a '}' inside a word is a letter */
	assert_string_equal(d->args[1], "${var}}x");
	d = d->next;
	assert_string_equal(d->name, "log_format");
	assert_int_equal(d->line, 4);
	assert_int_equal(d->nargs, 4);
	assert_string_equal(d->args[3], "multi\nline");
	d = d->next;
	/* '#' inside a word is no comment; "\;" is no end */
	assert_string_equal(d->name, "a#b");
	assert_string_equal(d->args[0], "c\\;d");
	assert_int_equal(d->line, 8);
	d = d->next;
	assert_string_equal(d->name, "http");
	assert_true(d->block);
	assert_string_equal(d->children->name, "server");
	assert_string_equal(d->children->children->args[0], "80");
	assert_ptr_equal(d->children->children->parent, d->children);
	assert_null(d->next);
	char line[128];
	lg_ngx_format(lg_ngx_first(c), line, sizeof(line));
	assert_string_equal(line, "set $a 'two\"words\n';");
	lg_ngx_free(c);
}

static void syntax_errors_name_the_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *err;
	} cases[] = {
	    {"a;\n;\n", "t.conf:2: unexpected \";\""},
	    {"http {\n server {\n", "t.conf:3: unexpected end of file, "
				    "expecting \"}\" (block \"server\""},
	    {"a;\n}\n", "t.conf:2: unexpected \"}\""},
	    {"a b\n}", "t.conf:2: unexpected \"}\": the directive"},
	    {"a b", "t.conf:1: unexpected end of file, expecting \";\""},
	    {"a 'b\n\n", "t.conf:3: unterminated quoted string (opened on "
			 "line 1)"},
	    {"a \"b\"c;", "t.conf:1: unexpected \"c\" after a quoted"},
	    {"{ a; }", "t.conf:1: unexpected \"{\""},
	    {"include a b;", "t.conf:1: include takes one file pattern"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char err[256] = "";
		lg_ngx_conf *c = read_text(cases[i].text, err, sizeof(err));
		assert_null(c);
		if (!strstr(err, cases[i].err))
			fail_msg("%s: got '%s'", cases[i].text, err);
	}
	char err[256];
	lg_ngx_conf *c;
	assert_int_equal(
	    lg_ngx_read_file("/nonexistent/x.conf", NULL, &c, err, sizeof(err)),
	    LG_EINVAL);
	assert_non_null(strstr(err, "/nonexistent/x.conf: cannot read it"));
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void includes_globs_depth_and_confinement(void **state)
{
	(void)state;
	char dir[] = "/tmp/lgngx.XXXXXX", path[600], sub[600], err[512];
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(
	    dir, "nginx.conf",
	    "http {\n    include conf.d/*.conf;\n    include "
	    "missing.types;\n    include none/*.conf;\n    gzip on;\n}\n");
	write_file(dir, "conf.d/b.conf", "\n\nserver { listen 2; }\n");
	write_file(dir, "conf.d/a.conf", "server { listen 1; }\n");
	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	lg_ngx_conf *c;
	assert_int_equal(lg_ngx_read_file(path, NULL, &c, err, sizeof(err)),
			 LG_OK);
	const lg_ngx_directive *http = lg_ngx_first(c);
	const lg_ngx_directive *s1 = http->children, *s2 = s1->next;
	/* spliced in place, in glob order, each with its own file and line */
	assert_string_equal(s1->args ? s1->children->args[0] : "", "1");
	assert_non_null(strstr(s1->file, "conf.d/a.conf"));
	assert_int_equal(s1->line, 1);
	assert_ptr_equal(s1->parent, http);
	assert_string_equal(s2->children->args[0], "2");
	assert_int_equal(s2->line, 3);
	assert_true(s2->file_seq > s1->file_seq);
	assert_string_equal(s2->next->name, "gzip");
	assert_int_equal(s2->next->line, 5);
	assert_int_equal(lg_ngx_file_count(c), 3);
	/* a missing plain name is noted, a glob that matches nothing is not */
	assert_non_null(lg_ngx_missed_include(c));
	assert_non_null(strstr(lg_ngx_missed_include(c), "nginx.conf:3: "));
	assert_non_null(strstr(lg_ngx_missed_include(c), "missing.types"));
	lg_ngx_free(c);

	/* a file that includes itself: stopped, with where */
	write_file(dir, "loop.conf", "a;\ninclude loop.conf;\n");
	snprintf(path, sizeof(path), "%s/loop.conf", dir);
	assert_int_equal(lg_ngx_read_file(path, NULL, &c, err, sizeof(err)),
			 LG_EINVAL);
	assert_non_null(strstr(err, "loop.conf:2: includes nested too deep"));

	/* a '}' in an included file cannot close the includer's block */
	write_file(dir, "close.conf", "}\n");
	write_file(dir, "opener.conf", "http {\ninclude close.conf;\n}\n");
	snprintf(path, sizeof(path), "%s/opener.conf", dir);
	assert_int_equal(lg_ngx_read_file(path, NULL, &c, err, sizeof(err)),
			 LG_EINVAL);
	assert_non_null(strstr(err, "close.conf:1: unexpected \"}\""));

	/* confined: absolute and ".." patterns are not followed */
	lg_ngx_options o = {.include_root = sub, .confine_includes = true};
	const char text[] = "include ../nginx.conf;\ninclude /etc/*.conf;\n"
			    "include *.conf;\n";
	assert_int_equal(lg_ngx_read_text(text, strlen(text), NULL, &o, &c, err,
					  sizeof(err)),
			 LG_OK);
	assert_non_null(strstr(lg_ngx_missed_include(c), "../nginx.conf"));
	/* *.conf in conf.d: a.conf and b.conf's servers */
	assert_string_equal(lg_ngx_first(c)->name, "server");
	assert_int_equal(lg_ngx_file_count(c), 3);
	lg_ngx_free(c);
	/* bounds: one file's size */
	o = (lg_ngx_options){.max_file_bytes = 4};
	assert_int_equal(lg_ngx_read_text(text, strlen(text), NULL, &o, &c, err,
					  sizeof(err)),
			 LG_EINVAL);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the audit ----------------------------------------------------------- */
typedef struct seen {
	char ids[32][64];
	lg_severity sev[32];
	unsigned line[32];
	size_t n;
} seen;

static int collect(const lg_check *c, void *ud)
{
	seen *s = ud;
	if (s->n < 32) {
		snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", c->id);
		s->sev[s->n] = c->severity;
		s->line[s->n] = (unsigned)c->line;
		s->n++;
	}
	return 0;
}

static int find(const seen *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->ids[i], id))
			return (int)i;
	}
	return -1;
}

/* The checks' findings on a configuration read (freed here). */
static seen audit_conf(lg_ngx_conf *c, const char *const *private_paths)
{
	seen s = {0};
	lg_nginx_audit_options o = {.private_paths = private_paths};
	assert_int_equal(lg_audit_nginx(c, &o, collect, &s), LG_OK);
	lg_ngx_free(c);
	return s;
}

static seen audit_text(const char *text, const char *const *private_paths)
{
	char err[256];
	lg_ngx_conf *c = read_text(text, err, sizeof(err));
	if (!c)
		fail_msg("%s", err);
	return audit_conf(c, private_paths);
}

static void inheritance_follows_nginx(void **state)
{
	(void)state;
	/* hidden at http, but the location's own proxy_hide_header replaces
	 * the whole list: Set-Cookie is no longer hidden there */
	seen s =
	    audit_text("http {\n proxy_cache z;\n proxy_hide_header "
		       "Set-Cookie;\n proxy_ignore_headers Set-Cookie;\n"
		       " server {\n  location /a { proxy_pass http://u; }\n"
		       "  location /b { proxy_pass http://u;\n"
		       "    proxy_hide_header X-Powered-By; }\n }\n}\n",
		       (const char *const[]){"/mypage", NULL});
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "nginx.cache-ignores-set-cookie");
	assert_int_equal(s.line[0], 4); /* the directive that does it */
	/* proxy_cache off in the location: nothing is cached there */
	s = audit_text("http { proxy_cache z; proxy_ignore_headers Set-Cookie;"
		       " server { location / { proxy_pass http://u; "
		       "proxy_cache off; } } }",
		       NULL);
	assert_int_equal(s.n, 0);
	/* add_header: the location's own list replaces the server's */
	s = audit_text("http { server { add_header Cache-Control public;\n"
		       " location /mypage/ { add_header X-A b; }\n"
		       " location /account/ { }\n } }",
		       NULL);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.ids[0], "nginx.private-cache-control-public");
	assert_int_equal(s.sev[0], LG_SEV_CRITICAL);
	/* no pass: nothing to cache */
	s = audit_text("http { proxy_cache z; server { location /mypage/ "
		       "{ root /srv; } } }",
		       NULL);
	assert_int_equal(s.n, 0);
}

static void private_locations(void **state)
{
	(void)state;
	const char *const priv[] = {"/mypage", NULL};
	static const struct {
		const char *loc;
		bool private_;
	} cases[] = {
	    {"location /mypage/", true},
	    {"location = /mypage", true},
	    {"location ^~ /mypage/cards", true},
	    {"location =/mypage", true},
	    {"location ~ ^/mypage/", true},
	    {"location ~* ^/MyPage", true},
	    {"location ~ ^/(mypage|account)/", true},
	    {"location ~ \\.php$", true}, /* unanchored: anywhere */
	    {"location @app", true},
	    {"location /static/", false},
	    {"location ~ ^/static/", false},
	    {"location = /", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 "http { proxy_cache z; server {\n location / { "
			 "proxy_cache off; proxy_pass http://u; }\n %s { "
			 "proxy_pass http://u; } } }",
			 cases[i].loc);
		seen s = audit_text(text, priv);
		bool hit = find(&s, "nginx.private-cache-no-bypass") >= 0;
		if (hit != cases[i].private_)
			fail_msg("%s: private %d", cases[i].loc, hit);
	}
	/* "location /" serves /mypage when nothing closer does */
	seen s = audit_text("http { proxy_cache z; server { location / { "
			    "proxy_pass http://u; } } }",
			    priv);
	assert_true(find(&s, "nginx.private-cache-no-bypass") >= 0);
	s = audit_text("http { proxy_cache z; server { location / { "
		       "proxy_pass http://u; } location /mypage/ { proxy_pass "
		       "http://u; proxy_cache off; } } }",
		       priv);
	assert_int_equal(s.n, 0);
	/* nested: inherits the outer location's cache */
	s = audit_text("http { server { location /m { proxy_cache z; "
		       "location /mypage/ { proxy_pass http://u; } } } }",
		       priv);
	assert_true(find(&s, "nginx.private-cache-no-bypass") >= 0);
}

static void bypass_needs_the_session(void **state)
{
	(void)state;
	const char *const priv[] = {"/mypage", NULL};
	const char *fmt = "http { %s proxy_cache z; server { location /mypage/ "
			  "{ proxy_pass http://u; %s } } }";
	static const struct {
		const char *http, *loc;
		bool safe;
	} cases[] = {
	    {"", "proxy_no_cache $cookie_sid; proxy_cache_bypass $cookie_sid;",
	     true},
	    {"",
	     "proxy_no_cache $http_authorization; proxy_cache_bypass "
	     "${http_cookie};",
	     true},
	    {"map $cookie_PHPSESSID $in { default 1; \"\" 0; }",
	     "proxy_no_cache $in; proxy_cache_bypass $in;", true},
	    {"", "proxy_no_cache $cookie_sid;", false},
	    {"",
	     "proxy_no_cache $cookie_nocache; proxy_cache_bypass "
	     "$arg_nocache;",
	     false},
	    {"", "proxy_cache_key $scheme$host$request_uri$cookie_session;",
	     true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[512];
		snprintf(text, sizeof(text), fmt, cases[i].http, cases[i].loc);
		seen s = audit_text(text, priv);
		bool safe = find(&s, "nginx.private-cache-no-bypass") < 0;
		if (safe != cases[i].safe)
			fail_msg("%s: safe %d", cases[i].loc, safe);
	}
}

static seen audit_case(const char *name, const char *const *priv)
{
	char path[512], err[512];
	snprintf(path, sizeof(path), "%s/%s/nginx.conf", LG_CASES, name);
	lg_ngx_conf *c;
	if (lg_ngx_read_file(path, NULL, &c, err, sizeof(err)) != LG_OK)
		fail_msg("%s", err);
	return audit_conf(c, priv);
}

static void every_rule_fires_on_broken_none_on_fixed(void **state)
{
	(void)state;
	static const char *const ids[] = {
	    "nginx.cache-ignores-set-cookie",
	    "nginx.cache-ignores-cache-control",
	    "nginx.cache-ignores-expires",
	    "nginx.cache-ignores-vary",
	    "nginx.private-cache-no-bypass",
	    "nginx.cache-key-no-session",
	    "nginx.private-cache-valid",
	    "nginx.cache-methods-post",
	    "nginx.cache-key-incomplete",
	    "nginx.private-cache-control-public",
	    "nginx.autoindex-on",
	};
	const char *const priv[] = {"/mypage", "/api/me", "/files", NULL};
	seen s = audit_case("audit_nginx_broken_config_leaks", priv);
	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		if (find(&s, ids[i]) < 0)
			fail_msg("%s did not fire", ids[i]);
	}
	/* a listed private folder is critical; Cache-Control ignored on a
	 * private path too */
	assert_int_equal(s.sev[find(&s, "nginx.autoindex-on")],
			 LG_SEV_CRITICAL);
	assert_int_equal(s.sev[find(&s, "nginx.cache-ignores-cache-control")],
			 LG_SEV_CRITICAL);
	s = audit_case("audit_nginx_fixed_config_passes", priv);
	assert_int_equal(s.n, 0);
	s = audit_case("audit_nginx_fixed_config_passes", NULL);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tokens_as_nginx_reads_them),
	    cmocka_unit_test(syntax_errors_name_the_line),
	    cmocka_unit_test(includes_globs_depth_and_confinement),
	    cmocka_unit_test(inheritance_follows_nginx),
	    cmocka_unit_test(private_locations),
	    cmocka_unit_test(bypass_needs_the_session),
	    cmocka_unit_test(every_rule_fires_on_broken_none_on_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
