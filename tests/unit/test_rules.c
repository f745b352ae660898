/* test_rules.c: the logs rules engine: Sigma detections (modifiers,
 * wildcards, keywords, conditions), correlations (windows, chaining,
 * baseline, eviction) and the load errors a rule author sees. */
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

#include "leakguard/logs.h"
#include "logs/rules_int.h"

/* ---- fixtures -----------------------------------------------------------
 */
typedef struct env {
	char dir[64];
	int seq;
} env;

static int setup(void **state)
{
	env *e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	strcpy(e->dir, "/tmp/lg_rules_XXXXXX");
	if (!mkdtemp(e->dir)) {
		free(e);
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

/* Writes `text` to DIR/name and returns the path (static per call). */
static void write_file(env *e, const char *name, const char *text, char *path,
		       size_t cap)
{
	snprintf(path, cap, "%s/%s", e->dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Loads `text` as a fresh file into rs; returns the status, err filled. */
static lg_status load_text(env *e, lg_ruleset *rs, const char *text, char *err,
			   size_t errlen)
{
	char name[32], path[160];
	snprintf(name, sizeof(name), "r%03d.yml", e->seq++);
	write_file(e, name, text, path, sizeof(path));
	err[0] = '\0';
	return lg_ruleset_load(rs, path, err, errlen);
}

/* An event from "field=value|field=value"; "@=SECONDS" sets the time.
 * Names that are not fields become extras. */
typedef struct evbuf {
	lg_log_event ev;
	char text[1024];
} evbuf;

static lg_log_event *ev_of(evbuf *b, const char *spec)
{
	memset(&b->ev, 0, sizeof(b->ev));
	b->ev.time_us = LG_TIME_NONE;
	b->ev.source = "access.log";
	snprintf(b->text, sizeof(b->text), "%s", spec);
	for (char *tok = strtok(b->text, "|"); tok; tok = strtok(NULL, "|")) {
		char *eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq = '\0';
		lg_slice v = {eq + 1, strlen(eq + 1)};
		lg_field f;
		if (!strcmp(tok, "@"))
			b->ev.time_us = atoll(eq + 1) * 1000000LL;
		else if (!strcmp(tok, "#"))
			b->ev.line = (uint64_t)atoll(eq + 1);
		else if (lg_field_from_name(tok, &f))
			b->ev.f[f] = v;
		else {
			b->ev.extra_name[b->ev.nextra] =
			    (lg_slice){tok, strlen(tok)};
			b->ev.extra_value[b->ev.nextra++] = v;
		}
	}
	return &b->ev;
}

typedef struct hitrec {
	char id[64], group[160];
	uint64_t count, distinct;
	double sum;
	int64_t first, last;
	unsigned nev;
	uint64_t lines[LG_HIT_MAX_EVIDENCE];
} hitrec;

typedef struct hits {
	hitrec h[256];
	int n;
} hits;

static int collect(const lg_rule_hit *h, void *ud)
{
	hits *hs = ud;
	assert_true(hs->n < 256);
	hitrec *r = &hs->h[hs->n++];
	snprintf(r->id, sizeof(r->id), "%s", h->rule_id);
	snprintf(r->group, sizeof(r->group), "%s", h->group);
	r->count = h->count;
	r->distinct = h->distinct;
	r->sum = h->sum;
	r->first = h->first_us / 1000000;
	r->last = h->last_us / 1000000;
	r->nev = h->nevidence;
	for (unsigned i = 0; i < h->nevidence; i++)
		r->lines[i] = h->evidence[i].line;
	return 0;
}

static int count_id(const hits *hs, const char *id)
{
	int n = 0;
	for (int i = 0; i < hs->n; i++)
		n += !strcmp(hs->h[i].id, id);
	return n;
}

/* A run: rules loaded from one text, events fed one by one. */
typedef struct run {
	lg_ruleset *rs;
	lg_rule_state *st;
	hits hs;
} run;

static run *run_new(env *e, const char *text, size_t max_groups)
{
	run *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->rs = lg_ruleset_new();
	char err[512];
	lg_status s = load_text(e, r->rs, text, err, sizeof(err));
	if (s != LG_OK)
		fail_msg("load: %s", err);
	r->st = lg_rule_state_new(r->rs, max_groups);
	assert_non_null(r->st);
	return r;
}

static void feed(run *r, const char *spec)
{
	evbuf b;
	assert_int_equal(lg_rules_eval(r->st, ev_of(&b, spec), collect, &r->hs),
			 LG_OK);
}

static void run_free(run *r)
{
	lg_rule_state_free(r->st);
	lg_ruleset_free(r->rs);
	free(r);
}

/* Whether a one-document rule with this detection body matches. */
static bool matches(env *e, const char *detection, const char *spec)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "title: t\nid: t\nlevel: low\ndetection:\n%s", detection);
	run *r = run_new(e, text, 0);
	feed(r, spec);
	bool m = r->hs.n > 0;
	run_free(r);
	return m;
}

#define SEL(x) "  sel:\n" x "  condition: sel\n"

/* ---- values and modifiers -----------------------------------------------
 */
static void equals_is_case_insensitive_unless_cased(void **state)
{
	env *e = *state;
	assert_true(matches(e, SEL("    cs-method: get\n"), "cs-method=GET"));
	assert_false(matches(e, SEL("    cs-method: get\n"), "cs-method=GETX"));
	assert_false(
	    matches(e, SEL("    cs-method|cased: get\n"), "cs-method=GET"));
	assert_true(
	    matches(e, SEL("    cs-method|cased: GET\n"), "cs-method=GET"));
	/* numbers compare as their text */
	assert_true(matches(e, SEL("    sc-status: 200\n"), "sc-status=200"));
	assert_false(matches(e, SEL("    sc-status: 200\n"), "sc-status=2000"));
	assert_true(matches(e, SEL("    cache-hit: true\n"), "cache-hit=TRUE"));
	/* an absent field equals nothing */
	assert_false(matches(e, SEL("    cs-method: get\n"), "c-ip=1.2.3.4"));
}

static void contains_startswith_endswith(void **state)
{
	env *e = *state;
	const char *ev = "cs-uri-query=/Mypage/Orders/123?x=1";
	assert_true(
	    matches(e, SEL("    cs-uri-query|contains: orders/\n"), ev));
	assert_false(
	    matches(e, SEL("    cs-uri-query|contains: order/\n"), ev));
	assert_true(matches(e, SEL("    cs-uri-query|contains: '?x='\n"), ev));
	assert_true(
	    matches(e, SEL("    cs-uri-query|startswith: /mypage\n"), ev));
	assert_false(
	    matches(e, SEL("    cs-uri-query|startswith: /orders\n"), ev));
	assert_true(matches(e, SEL("    cs-uri-query|endswith: '?X=1'\n"), ev));
	assert_false(
	    matches(e, SEL("    cs-uri-query|contains|cased: orders\n"), ev));
	assert_true(
	    matches(e, SEL("    cs-uri-query|contains|cased: Orders\n"), ev));
}

static void wildcards_and_escapes(void **state)
{
	env *e = *state;
	assert_true(matches(e, SEL("    cs-uri-stem: '/orders/*/edit'\n"),
			    "cs-uri-stem=/ORDERS/42/edit"));
	assert_false(matches(e, SEL("    cs-uri-stem: '/orders/*/edit'\n"),
			     "cs-uri-stem=/orders/42/view"));
	assert_true(
	    matches(e, SEL("    cs-uri-stem: '/a?c'\n"), "cs-uri-stem=/abc"));
	assert_false(
	    matches(e, SEL("    cs-uri-stem: '/a?c'\n"), "cs-uri-stem=/abbc"));
	assert_true(matches(e, SEL("    cs-uri-stem: '*.php'\n"),
			    "cs-uri-stem=/x/shell.PHP"));
	/* \* is a literal star */
	assert_true(
	    matches(e, SEL("    cs-uri-stem: '/a\\*b'\n"), "cs-uri-stem=/a*b"));
	assert_false(matches(e, SEL("    cs-uri-stem: '/a\\*b'\n"),
			     "cs-uri-stem=/axxb"));
	/* the glob's literal core is there, the order is not */
	const char *sf = SEL("    cs-uri-query|contains: 'select * from'\n");
	assert_true(matches(e, sf, "cs-uri-query=/?q=SELECT id FROM users"));
	assert_false(matches(e, sf, "cs-uri-query=/?q=from x select y"));
	assert_false(matches(e, sf, "cs-uri-query=/?q=selec from"));
	const char *nc = SEL("    cs-uri-query|contains|neq:\n"
			     "      - admin\n      - debug\n");
	assert_true(matches(e, nc, "cs-uri-query=/shop"));
	assert_false(matches(e, nc, "cs-uri-query=/DEBUG/x"));
	/* contains with a wildcard inside: *a*b* */
	assert_true(matches(e, SEL("    cs-uri-stem|contains: 'wp-*.php'\n"),
			    "cs-uri-stem=/blog/wp-login.php?x"));
}

static void lists_are_or_unless_all(void **state)
{
	env *e = *state;
	const char *any = SEL("    sc-status:\n      - 401\n      - 403\n");
	assert_true(matches(e, any, "sc-status=403"));
	assert_false(matches(e, any, "sc-status=404"));
	const char *all = SEL(
	    "    cs-uri-query|contains|all:\n      - union\n      - select\n");
	assert_true(matches(e, all, "cs-uri-query=/?q=UNION%20SELECT"));
	assert_false(matches(e, all, "cs-uri-query=/?q=union"));
	/* a map ANDs its fields; a list of maps ORs them */
	const char *map = SEL("    cs-method: POST\n    sc-status: 200\n");
	assert_true(matches(e, map, "cs-method=post|sc-status=200"));
	assert_false(matches(e, map, "cs-method=post|sc-status=500"));
	const char *maps = SEL("    - cs-method: PUT\n    - sc-status: 500\n");
	assert_true(matches(e, maps, "cs-method=get|sc-status=500"));
	assert_false(matches(e, maps, "cs-method=get|sc-status=200"));
}

static void null_and_exists(void **state)
{
	env *e = *state;
	assert_true(matches(e, SEL("    cs-username: null\n"), "c-ip=1.1.1.1"));
	assert_true(matches(e, SEL("    cs-username: null\n"), "cs-username="));
	assert_false(
	    matches(e, SEL("    cs-username: null\n"), "cs-username=a"));
	assert_true(
	    matches(e, SEL("    cs-username|exists: true\n"), "cs-username=a"));
	assert_false(
	    matches(e, SEL("    cs-username|exists: true\n"), "c-ip=1.1.1.1"));
	assert_true(
	    matches(e, SEL("    cs-username|exists: false\n"), "c-ip=1.1.1.1"));
	assert_true(
	    matches(e, SEL("    cs-username|neq: null\n"), "cs-username=a"));
}

static void numeric_compare(void **state)
{
	env *e = *state;
	assert_true(
	    matches(e, SEL("    sc-bytes|gt: 1000\n"), "sc-bytes=1001"));
	assert_false(
	    matches(e, SEL("    sc-bytes|gt: 1000\n"), "sc-bytes=1000"));
	assert_true(
	    matches(e, SEL("    sc-bytes|gte: 1000\n"), "sc-bytes=1000"));
	assert_true(
	    matches(e, SEL("    time-taken|lt: 0.5\n"), "time-taken=0.004"));
	assert_false(
	    matches(e, SEL("    time-taken|lt: 0.5\n"), "time-taken=1.5"));
	assert_true(
	    matches(e, SEL("    time-taken|lte: 1.5\n"), "time-taken=1.5"));
	assert_true(matches(e, SEL("    sc-bytes|gt: 1e3\n"), "sc-bytes=2e3"));
	/* not a number never matches, in either direction */
	assert_false(matches(e, SEL("    sc-bytes|gt: 1\n"), "sc-bytes=abc"));
	assert_false(matches(e, SEL("    sc-bytes|lt: 1\n"), "sc-bytes=abc"));
	assert_false(matches(e, SEL("    sc-bytes|lt: 1\n"), "c-ip=1.1.1.1"));
}

static void regular_expressions(void **state)
{
	env *e = *state;
	const char *re = SEL("    cs-uri-query|re: '/orders/[0-9]+$'\n");
	assert_true(matches(e, re, "cs-uri-query=/orders/123"));
	assert_false(matches(e, re, "cs-uri-query=/ORDERS/123"));
	assert_false(matches(e, re, "cs-uri-query=/orders/12a"));
	assert_true(matches(e, SEL("    cs-uri-query|re: '(?i)/orders/'\n"),
			    "cs-uri-query=/ORDERS/1"));
	assert_true(matches(e, SEL("    cs-uri-query|re|i: '/orders/'\n"),
			    "cs-uri-query=/ORDERS/1"));
	/* characters, not bytes: ? binds 氏, [あ-ん] and . are one each */
	const char *name = SEL("    cs-uri-query|re: '^氏?名=[あ-ん].$'\n");
	assert_true(matches(e, name, "cs-uri-query=名=さと"));
	assert_true(matches(e, name, "cs-uri-query=氏名=はな"));
	assert_false(matches(e, name, "cs-uri-query=氏名=ハナ"));
	/* a field that is not UTF-8 still matches where it is */
	assert_true(matches(e, SEL("    cs-uri-query|re: '名=.'\n"),
			    "cs-uri-query=\x82\xa0名=\xe3\x81\x82"));
	assert_false(matches(e, SEL("    cs-uri-query|re: '名=.$'\n"),
			     "cs-uri-query=名=\xe3\x81"));
}

static void cidr_networks(void **state)
{
	env *e = *state;
	const char *v4 = SEL("    c-ip|cidr:\n      - 10.0.0.0/8\n"
			     "      - 192.168.1.0/24\n");
	assert_true(matches(e, v4, "c-ip=10.2.3.4"));
	assert_true(matches(e, v4, "c-ip=192.168.1.77"));
	assert_false(matches(e, v4, "c-ip=192.168.2.1"));
	assert_false(matches(e, v4, "c-ip=not-an-ip"));
	assert_false(matches(e, v4, "c-ip=10.2.3.4.5"));
	assert_true(matches(e, v4, "c-ip=::ffff:10.9.9.9"));
	const char *v6 = SEL("    c-ip|cidr: '2001:db8::/32'\n");
	assert_true(matches(e, v6, "c-ip=2001:db8:1::5"));
	assert_false(matches(e, v6, "c-ip=2001:db9::5"));
	assert_false(matches(e, v6, "c-ip=10.0.0.1"));
}

static void not_equal(void **state)
{
	env *e = *state;
	const char *neq =
	    SEL("    cs-method|neq:\n      - GET\n      - HEAD\n");
	assert_true(matches(e, neq, "cs-method=POST"));
	assert_false(matches(e, neq, "cs-method=get"));
	assert_false(matches(e, neq, "cs-method=HEAD"));
	assert_false(matches(e, neq, "c-ip=1.1.1.1")); /* absent */
}

static void keywords_search_the_request(void **state)
{
	env *e = *state;
	const char *kw = "  keywords:\n    - 'UNION SELECT'\n    - '../../'\n"
			 "  condition: keywords\n";
	assert_true(matches(e, kw, "cs-uri-query=/p?id=1 union select 2"));
	assert_true(matches(e, kw, "cs-user-agent=x ../../etc"));
	assert_true(matches(e, kw, "cs-referer=http://a/../../b"));
	assert_true(matches(e, kw, "cs-uri-query=/a|uri-decoded=/x/../../y"));
	assert_false(matches(e, kw, "cs-host=../../|cs-uri-query=/"));
}

static void extra_fields_by_name(void **state)
{
	env *e = *state;
	assert_true(matches(e, SEL("    upstream_status: 502\n"),
			    "upstream_status=502"));
	assert_true(matches(e, SEL("    Upstream_Status: 502\n"),
			    "upstream_status=502"));
	assert_false(
	    matches(e, SEL("    upstream_status: 502\n"), "other=502"));
	/* extras are searched without the per-field prefilter */
	assert_true(matches(e, SEL("    upstream|contains: SERVER\n"),
			    "upstream=app-server-2"));
	assert_false(matches(e, SEL("    upstream|contains: servers\n"),
			     "upstream=app-server-2"));
	/* aliases from other taxonomies resolve to the same field */
	assert_true(matches(e, SEL("    c-useragent|contains: curl\n"),
			    "cs-user-agent=curl/8.0"));
}

static void unsupported_and_unknown_modifiers(void **state)
{
	env *e = *state;
	lg_ruleset *rs = lg_ruleset_new();
	char err[512];
	assert_int_equal(load_text(e, rs,
				   "title: t\nid: t\nlevel: low\ndetection:\n"
				   "  sel:\n    cs-uri-query|base64: x\n"
				   "  condition: sel\n",
				   err, sizeof(err)),
			 LG_EINVAL);
	assert_non_null(strstr(err, ":6: unsupported modifier 'base64'"));
	lg_ruleset_free(rs);
}

/* ---- conditions ---------------------------------------------------------
 */
#define THREE                                                                  \
	"  a:\n    cs-method: A\n  b:\n    cs-host: B\n  c:\n    c-ip: C\n"

static void condition_operators_and_precedence(void **state)
{
	env *e = *state;
	/* or < and < not: "a or b and not c" is a or (b and (not c)) */
	const char *d = THREE "  condition: a or b and not c\n";
	assert_true(matches(e, d, "cs-method=A|c-ip=C"));
	assert_true(matches(e, d, "cs-host=B"));
	assert_false(matches(e, d, "cs-host=B|c-ip=C"));
	assert_false(matches(e, d, "c-ip=C"));
	const char *p = THREE "  condition: (a or b) and not c\n";
	assert_false(matches(e, p, "cs-method=A|c-ip=C"));
	assert_true(matches(e, p, "cs-method=A"));
	const char *n = THREE "  condition: not a and not b\n";
	assert_true(matches(e, n, "c-ip=C"));
	assert_false(matches(e, n, "cs-host=B"));
	const char *nn = THREE "  condition: not (a or b)\n";
	assert_false(matches(e, nn, "cs-host=B"));
	assert_true(matches(e, nn, "c-ip=X"));
}

static void condition_of_patterns_and_them(void **state)
{
	env *e = *state;
	const char *sel =
	    "  sel_a:\n    cs-method: A\n  sel_b:\n    cs-host: B\n"
	    "  _hidden:\n    c-ip: C\n";
	char d[512];
	snprintf(d, sizeof(d), "%s  condition: 1 of sel_*\n", sel);
	assert_true(matches(e, d, "cs-host=B"));
	assert_false(matches(e, d, "c-ip=C"));
	snprintf(d, sizeof(d), "%s  condition: all of sel_*\n", sel);
	assert_false(matches(e, d, "cs-host=B"));
	assert_true(matches(e, d, "cs-host=B|cs-method=A"));
	snprintf(d, sizeof(d), "%s  condition: 1 of them\n", sel);
	assert_false(matches(e, d, "c-ip=C")); /* _ is not in them */
	assert_true(matches(e, d, "cs-method=A"));
	snprintf(d, sizeof(d), "%s  condition: all of them\n", sel);
	assert_true(matches(e, d, "cs-host=B|cs-method=A"));
	snprintf(d, sizeof(d),
		 "%s  condition: all of them and not 1 of _hidden\n", sel);
	assert_false(matches(e, d, "cs-host=B|cs-method=A|c-ip=C"));
	/* a list of conditions is OR-ed */
	snprintf(d, sizeof(d), "%s  condition:\n    - sel_a\n    - _hidden\n",
		 sel);
	assert_true(matches(e, d, "c-ip=C"));
	assert_false(matches(e, d, "cs-host=B"));
}

/* ---- load errors --------------------------------------------------------
 */
static void expect_error(env *e, const char *text, const char *want)
{
	lg_ruleset *rs = lg_ruleset_new();
	char err[512];
	lg_status s = load_text(e, rs, text, err, sizeof(err));
	if (s == LG_OK || !strstr(err, want) || !strstr(err, ".yml:"))
		fail_msg("want '%s', got status %d '%s'", want, s, err);
	assert_int_equal(lg_ruleset_count(rs), 0);
	lg_ruleset_free(rs);
}

#define HEAD "title: t\nid: t\nlevel: low\n"

static void load_errors_name_file_and_line(void **state)
{
	env *e = *state;
	expect_error(e,
		     HEAD "detection:\n  sel:\n    cs-uri|contans: x\n"
			  "  condition: sel\n",
		     ":6: unknown modifier 'contans'");
	expect_error(e,
		     HEAD "detection:\n  selection:\n    cs-method: GET\n"
			  "  condition: selction\n",
		     ":7: condition refers to 'selction', which is not "
		     "defined");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a: 1\n"
			  "  condition: 1 of filter_*\n",
		     ":7: condition pattern 'filter_*' matches no search");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a: 1\n"
			  "  condition: sel and (sel\n",
		     ":7: condition ends where ')' was expected");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a: 1\n"
			  "  condition: sel | count() > 5\n",
		     ":7: '|' aggregations are obsolete");
	expect_error(e, HEAD "detection:\n  sel:\n    a: [1, 2\n",
		     ":7: bad YAML");
	expect_error(e, HEAD "detection:\n  sel:\n    a: 1\n",
		     ":4: detection has no condition");
	expect_error(e,
		     "id: t\nlevel: low\ndetection:\n  sel:\n    a: 1\n"
		     "  condition: sel\n",
		     ":1: rule has no title");
	expect_error(e,
		     "title: t\nid: t\ndetection:\n  sel:\n    a: 1\n"
		     "  condition: sel\n",
		     ":1: rule 't' raises alerts but has no level");
	expect_error(e, HEAD "level: severe\n", ":4: unknown level 'severe'");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    c-ip|cidr: 10.0.0.0/33\n"
			  "  condition: sel\n",
		     ":6: '10.0.0.0/33' is not a network");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a|re: '(x'\n"
			  "  condition: sel\n",
		     ":6: bad regular expression '(x'");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a|gt: many\n"
			  "  condition: sel\n",
		     ":6: 'many' is not a number");
	expect_error(e,
		     HEAD "detection:\n  sel:\n    a|contains|re: x\n"
			  "  condition: sel\n",
		     ":6: modifier 're' cannot be combined");
	expect_error(e,
		     HEAD "correlation:\n  type: event_count\n"
			  "  rules: foo\n  timespan: 5m\n"
			  "  condition:\n    gte: 3\n",
		     ":6: correlation refers to rule 'foo', which no document "
		     "names");
	expect_error(e, HEAD "correlation:\n  type: event_counts\n",
		     ":5: unknown correlation type 'event_counts'");
	expect_error(e,
		     HEAD "name: n\ncorrelation:\n  type: event_count\n"
			  "  rules: n\n  timespan: 5m\n"
			  "  condition:\n    gte: 3\n",
		     ":1: correlation 't' depends on itself");
	expect_error(e,
		     HEAD "name: d\ndetection:\n  s:\n    a: 1\n"
			  "  condition: s\n---\n" HEAD
			  "correlation:\n  type: value_count\n"
			  "  rules: d\n  timespan: 5m\n"
			  "  condition:\n    gte: 3\n",
		     ":13: value_count needs 'field' in its condition");
	expect_error(e,
		     HEAD "name: d\ndetection:\n  s:\n    a: 1\n"
			  "  condition: s\n---\n" HEAD
			  "correlation:\n  type: event_count\n"
			  "  rules: d\n  timespan: 5 minutes\n",
		     ":16: bad timespan");
	expect_error(e,
		     HEAD "name: d\ndetection:\n  s:\n    a: 1\n"
			  "  condition: s\n---\n" HEAD "name: d\n"
			  "detection:\n  s:\n    a: 1\n  condition: s\n",
		     ":10: name 'd' is already used at ");
	expect_error(e, "- just\n- a list\n", ":1: a rule document must be");
	expect_error(e, HEAD "description: x\n", ":1: document has neither");
}

static void failed_file_leaves_nothing_and_folders_load_in_order(void **state)
{
	env *e = *state;
	char sub[128], path[200];
	snprintf(sub, sizeof(sub), "%s/set", e->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	const char *good = HEAD "detection:\n  s:\n    a: 1\n  condition: s\n";
	write_file(e, "set/a.yml", good, path, sizeof(path));
	/* the first document is fine, the second is not: neither stays */
	write_file(e, "set/b.yml",
		   "title: b1\nid: b1\nlevel: low\ndetection:\n  s:\n    a: 1\n"
		   "  condition: s\n---\ntitle: b2\nid: b2\nlevel: low\n"
		   "detection:\n  s:\n    a|nope: 1\n  condition: s\n",
		   path, sizeof(path));
	write_file(e, "set/c.yaml", good, path, sizeof(path));
	write_file(e, "set/d.txt", "not yaml: [", path, sizeof(path));
	lg_ruleset *rs = lg_ruleset_new();
	char err[512];
	assert_int_equal(lg_ruleset_load(rs, sub, err, sizeof(err)), LG_EINVAL);
	assert_non_null(strstr(err, "set/b.yml:14: unknown modifier 'nope'"));
	assert_int_equal(lg_ruleset_count(rs), 2);
	lg_ruleset_free(rs);
}

/* ---- correlations -------------------------------------------------------
 */
static const char login_rules[] =
    "title: Login failed\nname: login_failed\ndetection:\n  sel:\n"
    "    cs-uri-stem|endswith: /login\n    sc-status: 401\n"
    "  condition: sel\n---\n"
    "title: Login ok\nname: login_ok\ndetection:\n  sel:\n"
    "    cs-uri-stem|endswith: /login\n    sc-status: 302\n"
    "  condition: sel\n---\n"
    "title: Failure burst\nname: burst\nid: login-burst\nlevel: medium\n"
    "correlation:\n  type: event_count\n  rules: login_failed\n"
    "  group-by: c-ip\n  timespan: 10m\n  condition:\n    gte: 3\n---\n"
    "title: Success after failures\nid: brute-success\nlevel: high\n"
    "correlation:\n  type: temporal_ordered\n  rules: [burst, login_ok]\n"
    "  group-by: [c-ip]\n  timespan: 30m\n";

#define FAIL(ip, t, n)                                                         \
	"cs-uri-stem=/login|sc-status=401|c-ip=" ip "|@=" #t "|#=" #n
#define OK(ip, t) "cs-uri-stem=/login|sc-status=302|c-ip=" ip "|@=" #t

static void event_count_fires_goes_on_and_slides(void **state)
{
	run *r = run_new(*state, login_rules, 0);
	/* the detections feed correlations: they raise nothing themselves */
	assert_int_equal(lg_ruleset_count(r->rs), 2);
	feed(r, FAIL("10.0.0.1", 1000, 1));
	feed(r, FAIL("10.0.0.1", 1100, 2));
	assert_int_equal(r->hs.n, 0);
	feed(r, FAIL("10.0.0.1", 1200, 3));
	assert_int_equal(count_id(&r->hs, "login-burst"), 1);
	hitrec *h = &r->hs.h[0];
	assert_int_equal(h->count, 3);
	assert_int_equal(h->first, 1000);
	assert_int_equal(h->last, 1200);
	assert_string_equal(h->group, "c-ip=10.0.0.1");
	assert_int_equal(h->nev, 3);
	assert_int_equal(h->lines[0], 1);
	assert_int_equal(h->lines[2], 3);
	/* while it goes on, each further failure is a hit of one, for the
	 * caller to merge into the same alert */
	feed(r, FAIL("10.0.0.1", 1300, 4));
	feed(r, FAIL("10.0.0.1", 1400, 5));
	assert_int_equal(count_id(&r->hs, "login-burst"), 3);
	assert_int_equal(r->hs.h[2].count, 1);
	assert_int_equal(r->hs.h[2].first, 1400);
	assert_int_equal(r->hs.h[2].nev, 1);
	assert_int_equal(r->hs.h[2].lines[0], 5);
	/* a quiet timespan ends the episode: two more are not three */
	feed(r, FAIL("10.0.0.1", 2100, 6));
	feed(r, FAIL("10.0.0.1", 2200, 7));
	assert_int_equal(count_id(&r->hs, "login-burst"), 3);
	feed(r, FAIL("10.0.0.1", 2300, 8));
	assert_int_equal(count_id(&r->hs, "login-burst"), 4);
	assert_int_equal(r->hs.h[3].count, 3);
	assert_int_equal(r->hs.h[3].first, 2100);
	/* another address: 0 falls out of the 10-minute window by 700 */
	feed(r, FAIL("10.0.0.2", 0, 9));
	feed(r, FAIL("10.0.0.2", 400, 10));
	feed(r, FAIL("10.0.0.2", 700, 11));
	assert_int_equal(count_id(&r->hs, "login-burst"), 4);
	feed(r, FAIL("10.0.0.2", 800, 12));
	assert_int_equal(count_id(&r->hs, "login-burst"), 5);
	assert_int_equal(r->hs.h[4].first, 400);
	run_free(r);
}

static void temporal_ordered_chains_on_a_correlation(void **state)
{
	run *r = run_new(*state, login_rules, 0);
	/* success first, then failures: not "success after failures" */
	feed(r, OK("10.0.0.3", 50));
	feed(r, FAIL("10.0.0.3", 100, 1));
	feed(r, FAIL("10.0.0.3", 110, 2));
	feed(r, FAIL("10.0.0.3", 120, 3));
	assert_int_equal(count_id(&r->hs, "login-burst"), 1);
	assert_int_equal(count_id(&r->hs, "brute-success"), 0);
	feed(r, OK("10.0.0.4", 130)); /* another group */
	assert_int_equal(count_id(&r->hs, "brute-success"), 0);
	feed(r, OK("10.0.0.3", 200));
	assert_int_equal(count_id(&r->hs, "brute-success"), 1);
	hitrec *h = &r->hs.h[r->hs.n - 1];
	assert_string_equal(h->group, "c-ip=10.0.0.3");
	assert_int_equal(h->first, 120);
	assert_int_equal(h->last, 200);
	/* the burst must lie within 30 minutes of the success */
	feed(r, FAIL("10.0.0.5", 1000, 4));
	feed(r, FAIL("10.0.0.5", 1001, 5));
	feed(r, FAIL("10.0.0.5", 1002, 6));
	feed(r, OK("10.0.0.5", 2802)); /* 1002 + 30 min */
	assert_int_equal(count_id(&r->hs, "brute-success"), 1);
	run_free(r);
}

static void generate_defaults_and_overrides(void **state)
{
	env *e = *state;
	char text[4096];
	/* burst only feeds brute-success; login_failed speaks for itself */
	snprintf(text, sizeof(text), "%s",
		 "title: Login failed\nname: login_failed\nid: lf\nlevel: low\n"
		 "generate: true\ndetection:\n  sel:\n    sc-status: 401\n"
		 "  condition: sel\n---\n"
		 "title: Login ok\nname: login_ok\ndetection:\n  sel:\n"
		 "    sc-status: 302\n  condition: sel\n---\n"
		 "title: Burst\nname: burst\ngenerate: false\n"
		 "correlation:\n  type: event_count\n  rules: login_failed\n"
		 "  group-by: c-ip\n  timespan: 10m\n  condition:\n"
		 "    gte: 2\n---\n"
		 "title: Success after failures\nid: bs\nlevel: high\n"
		 "correlation:\n  type: temporal_ordered\n"
		 "  rules: [burst, login_ok]\n  group-by: c-ip\n"
		 "  timespan: 30m\n");
	run *r = run_new(e, text, 0);
	assert_int_equal(lg_ruleset_count(r->rs), 2);
	feed(r, "sc-status=401|c-ip=a|@=10");
	feed(r, "sc-status=401|c-ip=a|@=20");
	feed(r, "sc-status=302|c-ip=a|@=30");
	assert_int_equal(count_id(&r->hs, "lf"), 2);
	assert_int_equal(count_id(&r->hs, "burst"), 0);
	assert_int_equal(count_id(&r->hs, "bs"), 1);
	assert_int_equal(r->hs.n, 3);
	run_free(r);
}

static const char enum_rules[] =
    "title: Order view\nname: order_view\ndetection:\n  sel:\n"
    "    cs-uri-stem|startswith: /orders/\n  condition: sel\n---\n"
    "title: Order enumeration\nid: enumeration\nlevel: high\n"
    "correlation:\n  type: value_count\n  rules: order_view\n"
    "  group-by: cs-username\n  timespan: 5m\n"
    "  condition:\n    field: cs-uri-stem\n    gte: 3\n";

static void value_count_counts_distinct_values(void **state)
{
	run *r = run_new(*state, enum_rules, 0);
	feed(r, "cs-uri-stem=/orders/1|cs-username=bob|@=100");
	feed(r, "cs-uri-stem=/orders/1|cs-username=bob|@=101");
	feed(r, "cs-uri-stem=/ORDERS/1|cs-username=bob|@=102");
	feed(r, "cs-uri-stem=/orders/2|cs-username=bob|@=103");
	feed(r, "cs-uri-stem=/orders/3|cs-username=eve|@=104");
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-uri-stem=/orders/3|cs-username=BOB|@=105");
	assert_int_equal(r->hs.n, 1);
	assert_int_equal(r->hs.h[0].distinct, 3);
	assert_int_equal(r->hs.h[0].count, 5);
	assert_int_equal(r->hs.h[0].first, 100);
	assert_string_equal(r->hs.h[0].group, "cs-username=BOB");
	/* values older than 5 minutes no longer count */
	feed(r, "cs-uri-stem=/orders/7|cs-username=eve|@=250");
	feed(r, "cs-uri-stem=/orders/8|cs-username=eve|@=500");
	assert_int_equal(r->hs.n, 1);
	feed(r, "cs-uri-stem=/orders/9|cs-username=eve|@=501");
	assert_int_equal(r->hs.n, 2);
	assert_int_equal(r->hs.h[1].first, 250);
	run_free(r);
}

static void read_page(run *r, int page, const char *ip, int t)
{
	char spec[128];
	snprintf(spec, sizeof(spec), "cs-uri-stem=/p/%d|c-ip=%s|@=%d", page, ip,
		 t);
	feed(r, spec);
}

/* A crawler-sized group: hundreds of values (found through the group's
 * index), values past the window not counted however many are still
 * held, and a value back after a gap counted afresh. */
static void value_count_of_many_values_stays_exact(void **state)
{
	run *r =
	    run_new(*state,
		    "title: Read\nname: read\ndetection:\n  sel:\n"
		    "    cs-uri-stem|startswith: /p/\n  condition: sel\n---\n"
		    "title: Walk\nid: walk\nlevel: high\ncorrelation:\n"
		    "  type: value_count\n  rules: read\n  group-by: c-ip\n"
		    "  timespan: 10m\n  condition:\n    field: cs-uri-stem\n"
		    "    gte: 151\n",
		    0);
	for (int i = 0; i < 120; i++) { /* pages 0..119 at 0..119 s */
		read_page(r, i, "a", i);
		read_page(r, i % 3, "a", i); /* and the first three, again */
	}
	/* pages 120..268 at 670..818 s: the first ones leave the window as
	 * these come, so at most 150 are ever in it together */
	for (int i = 120; i < 269; i++)
		read_page(r, i, "a", 550 + i);
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-uri-stem=/p/5|c-ip=a|@=849"); /* back after a gap */
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-uri-stem=/p/500|c-ip=a|@=850");
	assert_int_equal(r->hs.n, 1);
	assert_int_equal(r->hs.h[0].distinct, 151);
	assert_int_equal(r->hs.h[0].count, 151);
	assert_int_equal(r->hs.h[0].first, 670);
	/* a value seen again after the window, still held: counted once */
	feed(r, "cs-uri-stem=/p/x|c-ip=b|@=0");
	feed(r, "cs-uri-stem=/p/x|c-ip=b|@=700");
	for (int i = 0; i < 150; i++)
		read_page(r, i, "b", 701 + i);
	assert_int_equal(r->hs.n, 2);
	assert_int_equal(r->hs.h[1].distinct, 151);
	assert_int_equal(r->hs.h[1].count, 151);
	run_free(r);
}

static const char export_rules[] =
    "title: Export\nname: export\ndetection:\n  sel:\n"
    "    cs-uri-stem|startswith: /export\n  condition: sel\n---\n"
    "title: Bulk export\nid: bulk-export\nlevel: high\n"
    "correlation:\n  type: value_sum\n  rules: export\n"
    "  group-by: cs-username\n  timespan: 1h\n"
    "  condition:\n    field: sc-bytes\n    gt: 1000\n";

static void value_sum_adds_numbers_and_skips_others(void **state)
{
	run *r = run_new(*state, export_rules, 0);
	feed(r, "cs-uri-stem=/export|cs-username=u|sc-bytes=400|@=10");
	feed(r, "cs-uri-stem=/export|cs-username=u|sc-bytes=400|@=20");
	feed(r, "cs-uri-stem=/export|cs-username=u|sc-bytes=abc|@=30");
	feed(r, "cs-uri-stem=/export|cs-username=u|@=35");
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-uri-stem=/export|cs-username=u|sc-bytes=300|@=40");
	assert_int_equal(r->hs.n, 1);
	assert_true(r->hs.h[0].sum == 1100);
	assert_int_equal(r->hs.h[0].count, 3);
	assert_int_equal(r->hs.h[0].first, 10);
	run_free(r);
}

static void value_sum_stays_bounded_over_many_events(void **state)
{
	run *r = run_new(*state, export_rules, 0);
	/* 5,000 tiny exports a second apart: merged, never past the cap;
	 * the sum within the hour is kept (one per second: 3,600 × 1) */
	char spec[128];
	for (int i = 0; i < 5000; i++) {
		snprintf(spec, sizeof(spec),
			 "cs-uri-stem=/export|cs-username=u|sc-bytes=0.25|@=%d",
			 100000 + i);
		feed(r, spec);
	}
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-uri-stem=/export|cs-username=u|sc-bytes=200|@=105000");
	assert_int_equal(r->hs.n, 1);
	/* about 3,600 × 0.25 in the window, within a merge bucket */
	assert_true(r->hs.h[0].sum > 1000 && r->hs.h[0].sum < 1150);
	run_free(r);
}

static void temporal_needs_every_rule_in_the_window(void **state)
{
	run *r =
	    run_new(*state,
		    "title: A\nname: a\ndetection:\n  s:\n    cs-method: A\n"
		    "  condition: s\n---\ntitle: B\nname: b\ndetection:\n  s:\n"
		    "    cs-method: B\n  condition: s\n---\n"
		    "title: Both\nid: both\nlevel: low\ncorrelation:\n"
		    "  type: temporal\n  rules: [a, b]\n  group-by: c-ip\n"
		    "  timespan: 5m\n",
		    0);
	feed(r, "cs-method=B|c-ip=1|@=0");
	feed(r, "cs-method=A|c-ip=2|@=10");
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-method=A|c-ip=1|@=100"); /* any order */
	assert_int_equal(r->hs.n, 1);
	assert_int_equal(r->hs.h[0].count, 2);
	assert_int_equal(r->hs.h[0].first, 0);
	feed(r, "cs-method=B|c-ip=2|@=400"); /* A at 10 is too old */
	assert_int_equal(r->hs.n, 1);
	feed(r, "cs-method=A|c-ip=2|@=450");
	assert_int_equal(r->hs.n, 2);
	run_free(r);
}

static const char baseline_rules[] =
    "title: Export\nname: export\ndetection:\n  sel:\n"
    "    cs-uri-stem|startswith: /export\n  condition: sel\n---\n"
    "title: Export far above the user's own history\nid: export-spike\n"
    "level: high\ncorrelation:\n  type: value_sum\n  rules: export\n"
    "  group-by: cs-username\n  timespan: 1h\n"
    "  condition:\n    field: sc-bytes\n    gte: 1\n"
    "  baseline:\n    ratio: 5\n    min: 1000\n    history: 7d\n";

static void feed_export(run *r, const char *user, long bytes, long t)
{
	char spec[160];
	snprintf(spec, sizeof(spec),
		 "cs-uri-stem=/export|cs-username=%s|sc-bytes=%ld|@=%ld", user,
		 bytes, t);
	feed(r, spec);
}

static void baseline_compares_with_the_groups_own_history(void **state)
{
	run *r = run_new(*state, baseline_rules, 0);
	const long t0 = 1699999200; /* on an hour */
	for (int h = 0; h < 5; h++) {
		feed_export(r, "small", 200, t0 + h * 3600);
		feed_export(r, "large", 900, t0 + h * 3600);
	}
	assert_int_equal(r->hs.n, 0); /* under min */
	/* small: 1200 in the hour is 6 times its usual 200 */
	feed_export(r, "small", 600, t0 + 5 * 3600);
	feed_export(r, "large", 1200, t0 + 5 * 3600);
	assert_int_equal(r->hs.n, 0);
	feed_export(r, "small", 600, t0 + 5 * 3600 + 60);
	assert_int_equal(r->hs.n, 1);
	assert_string_equal(r->hs.h[0].group, "cs-username=small");
	assert_true(r->hs.h[0].sum == 1200);
	/* large: 1200 + 2000 is under 5 × 900 */
	feed_export(r, "large", 2000, t0 + 5 * 3600 + 60);
	assert_int_equal(r->hs.n, 1);
	/* no history yet: only min and the condition apply */
	feed_export(r, "new", 1500, t0 + 5 * 3600 + 120);
	assert_int_equal(r->hs.n, 2);
	assert_string_equal(r->hs.h[1].group, "cs-username=new");
	run_free(r);
}

static void groups_are_evicted_least_recent_first(void **state)
{
	run *r = run_new(
	    *state,
	    "title: Any\nname: any\ndetection:\n  s:\n    cs-method: GET\n"
	    "  condition: s\n---\ntitle: Two\nid: two\nlevel: low\n"
	    "correlation:\n  type: event_count\n  rules: any\n"
	    "  group-by: c-ip\n  timespan: 10m\n  condition:\n    gte: 2\n",
	    2);
	feed(r, "cs-method=GET|c-ip=A|@=1");
	feed(r, "cs-method=GET|c-ip=B|@=2");
	feed(r, "cs-method=GET|c-ip=C|@=3"); /* A goes */
	assert_int_equal(lg_rule_state_evicted(r->st), 1);
	feed(r, "cs-method=GET|c-ip=A|@=4"); /* B goes; A starts again */
	assert_int_equal(lg_rule_state_evicted(r->st), 2);
	assert_int_equal(r->hs.n, 0);
	feed(r, "cs-method=GET|c-ip=C|@=5"); /* C was kept */
	assert_int_equal(r->hs.n, 1);
	assert_string_equal(r->hs.h[0].group, "c-ip=C");
	feed(r, "cs-method=GET|c-ip=A|@=6");
	assert_int_equal(r->hs.n, 2);
	assert_int_equal(lg_rule_state_evicted(r->st), 2);
	/* many groups through a table of two */
	char spec[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(spec, sizeof(spec), "cs-method=GET|c-ip=X%d|@=%d", i,
			 10 + i);
		feed(r, spec);
	}
	assert_int_equal(lg_rule_state_evicted(r->st), 1002);
	assert_int_equal(r->hs.n, 2);
	run_free(r);
}

static void group_text_hides_cookies(void **state)
{
	run *r = run_new(
	    *state,
	    "title: Any\nname: any\ndetection:\n  s:\n    cs-method: GET\n"
	    "  condition: s\n---\ntitle: One\nid: one\nlevel: low\n"
	    "correlation:\n  type: event_count\n  rules: any\n"
	    "  group-by: [cs-cookie, c-ip, cs-username, upstream]\n"
	    "  timespan: 10m\n  condition:\n    gte: 1\n",
	    0);
	feed(r, "cs-method=GET|cs-cookie=sid=secret|c-ip=1.2.3.4|"
		"upstream=u1|@=1");
	assert_int_equal(r->hs.n, 1);
	assert_string_equal(r->hs.h[0].group,
			    "cs-cookie=<hidden>,c-ip=1.2.3.4,cs-username=,"
			    "upstream=u1");
	run_free(r);
}

static void events_without_time_only_match(void **state)
{
	run *r = run_new(
	    *state,
	    "title: Any\nname: any\nid: any\nlevel: low\ngenerate: true\n"
	    "detection:\n  s:\n    cs-method: GET\n  condition: s\n---\n"
	    "title: One\nid: one\nlevel: low\ncorrelation:\n"
	    "  type: event_count\n  rules: any\n  timespan: 10m\n"
	    "  condition:\n    gte: 1\n",
	    0);
	feed(r, "cs-method=GET");
	assert_int_equal(count_id(&r->hs, "any"), 1);
	assert_int_equal(count_id(&r->hs, "one"), 0);
	feed(r, "cs-method=GET|@=5");
	assert_int_equal(count_id(&r->hs, "any"), 2);
	assert_int_equal(count_id(&r->hs, "one"), 1);
	assert_string_equal(r->hs.h[r->hs.n - 1].group, "");
	run_free(r);
}

static void evidence_keeps_the_first_and_the_last(void **state)
{
	run *r = run_new(
	    *state,
	    "title: Any\nname: any\ndetection:\n  s:\n    cs-method: GET\n"
	    "  condition: s\n---\ntitle: Ten\nid: ten\nlevel: low\n"
	    "correlation:\n  type: event_count\n  rules: any\n"
	    "  timespan: 10m\n  condition:\n    gt: 9\n---\n"
	    "title: Distinct\nid: distinct\nlevel: low\n"
	    "correlation:\n  type: value_count\n  rules: any\n"
	    "  timespan: 10m\n  condition:\n    field: c-ip\n    gte: 10\n",
	    0);
	char spec[64];
	for (int i = 1; i <= 10; i++) {
		snprintf(spec, sizeof(spec), "cs-method=GET|c-ip=%d|@=%d|#=%d",
			 i, i, i);
		feed(r, spec);
	}
	assert_int_equal(r->hs.n, 2);
	for (int k = 0; k < 2; k++) {
		hitrec *h = &r->hs.h[k];
		assert_int_equal(h->count, 10);
		assert_int_equal(h->nev, LG_HIT_MAX_EVIDENCE);
		assert_int_equal(h->lines[0], 1);
		assert_int_equal(h->lines[3], 4);
		assert_int_equal(h->lines[4], 10);
	}
	run_free(r);
}

static void documents_sharing_an_id_are_one_family(void **state)
{
	run *r = run_new(
	    *state,
	    "title: Cache leak (CloudFront)\nid: cache-leak\nlevel: critical\n"
	    "detection:\n  s:\n    cache-status: Hit\n    cs-cookie|exists: "
	    "true\n  condition: s\n---\n"
	    "title: Cache leak (nginx)\nid: cache-leak\nlevel: critical\n"
	    "detection:\n  s:\n    cache-status: HIT\n    private-path: true\n"
	    "  condition: s\n",
	    0);
	assert_int_equal(lg_ruleset_count(r->rs), 2);
	feed(r, "cache-status=HIT|private-path=true");
	feed(r, "cache-status=Hit|cs-cookie=a");
	assert_int_equal(count_id(&r->hs, "cache-leak"), 2);
	run_free(r);
}

static void loading_from_memory(void **state)
{
	(void)state;
	lg_ruleset *rs = lg_ruleset_new();
	char err[256];
	const char *y = "title: t\nid: t\nlevel: low\ndetection:\n  s:\n"
			"    a: 1\n  condition: s\n";
	assert_int_equal(
	    lr_ruleset_load_mem(rs, "mem.yml", y, strlen(y), err, sizeof(err)),
	    LG_OK);
	assert_int_equal(lg_ruleset_count(rs), 1);
	assert_int_equal(
	    lr_ruleset_load_mem(rs, "mem2.yml", "a: [", 4, err, sizeof(err)),
	    LG_EINVAL);
	assert_non_null(strstr(err, "mem2.yml:"));
	assert_non_null(strstr(err, ": bad YAML: "));
	assert_int_equal(lg_ruleset_count(rs), 1);
	lg_ruleset_free(rs);
}

/* ---- shared conditions, gates and quick rejections ----------------------
 */
/* Rules sharing a condition are answered once per event: every rule still
 * gets its own answer, and conditions that differ only in case or
 * `cased` are not taken for one another. */
static void shared_conditions_answer_each_rule(void **state)
{
	env *e = *state;
	run *r =
	    run_new(e,
		    "title: a\nid: a\nlevel: low\ndetection:\n"
		    "  s:\n    sc-status: 200\n    private-path: 'true'\n"
		    "  condition: s\n---\n"
		    "title: b\nid: b\nlevel: low\ndetection:\n"
		    "  s:\n    sc-status: 200\n    cs-method: POST\n"
		    "  condition: s\n---\n"
		    "title: c\nid: c\nlevel: low\ndetection:\n"
		    "  s:\n    cs-method|cased: POST\n"
		    "  condition: s\n---\n"
		    "title: d\nid: d\nlevel: low\ndetection:\n"
		    "  s:\n    X-Up: Fail\n  condition: s\n---\n"
		    "title: f\nid: f\nlevel: low\ndetection:\n"
		    "  s:\n    x-up|cased: fail\n  condition: s\n---\n"
		    "title: g\nid: g\nlevel: low\ndetection:\n"
		    "  s:\n    sc-status: 200\n  n:\n    private-path: 'true'\n"
		    "  condition: s and not n\n",
		    0);
	feed(r, "sc-status=200|private-path=true|cs-method=post|x-up=FAIL");
	assert_int_equal(count_id(&r->hs, "a"), 1);
	assert_int_equal(count_id(&r->hs, "b"), 1);
	assert_int_equal(count_id(&r->hs, "c"), 0); /* cased: not "post" */
	assert_int_equal(count_id(&r->hs, "d"), 1);
	assert_int_equal(count_id(&r->hs, "f"), 0);
	assert_int_equal(count_id(&r->hs, "g"), 0);
	feed(r, "sc-status=200|cs-method=POST|X-UP=fail");
	assert_int_equal(count_id(&r->hs, "a"), 1);
	assert_int_equal(count_id(&r->hs, "b"), 2);
	assert_int_equal(count_id(&r->hs, "c"), 1);
	assert_int_equal(count_id(&r->hs, "f"), 1);
	assert_int_equal(count_id(&r->hs, "g"), 1);
	feed(r, "sc-status=404|private-path=true"); /* answers are per event */
	assert_int_equal(count_id(&r->hs, "a"), 1);
	assert_int_equal(count_id(&r->hs, "g"), 1);
	run_free(r);
}

/* A detection is skipped when a condition its whole condition needs
 * fails; conditions under `or` or `not` are never taken for gates. */
static int count_hits(const lg_rule_hit *h, void *ud)
{
	(void)h;
	++*(int *)ud;
	return 0;
}

/* Answers remembered per request (rule_dcache.c) are the answers worked
 * out: a request seen again, one differing in any field a cached rule
 * reads, absent against empty, and rules reading the visitor's fields
 * (never cached) beside them, each in rule order. */
static void remembered_requests_answer_as_before(void **state)
{
	env *e = *state;
	run *r = run_new(
	    e,
	    "title: a\nid: a\nlevel: low\ndetection:\n"
	    "  s:\n    sc-status: 200\n    cs-uri-stem|endswith: .sql\n"
	    "  condition: s\n---\n"
	    "title: u\nid: u\nlevel: low\ndetection:\n"
	    "  s:\n    cs-username: bob\n    cs-uri-stem|endswith: .sql\n"
	    "  condition: s\n---\n"
	    "title: n\nid: n\nlevel: low\ndetection:\n"
	    "  s:\n    cs-uri-query|contains: 'x'\n  n:\n    cs-method|exists: "
	    "false\n"
	    "  condition: s and n\n---\n"
	    "title: k\nid: k\nlevel: low\ndetection:\n"
	    "  keywords:\n    - union select\n  condition: keywords\n",
	    0);
	const char *dump = "sc-status=200|cs-uri-stem=/db.sql|cs-uri-query=/"
			   "db.sql|cs-method=GET";
	char spec[256];
	for (int i = 0; i < 3; i++) { /* the same request, three visitors */
		snprintf(spec, sizeof(spec), "%s|cs-username=%s", dump,
			 i == 1 ? "bob" : "eve");
		feed(r, spec);
	}
	assert_int_equal(count_id(&r->hs, "a"), 3);
	assert_int_equal(count_id(&r->hs, "u"), 1);
	assert_string_equal(r->hs.h[0].id, "a");
	assert_string_equal(r->hs.h[2].id, "u"); /* rule order kept */
	feed(r, "sc-status=404|cs-uri-stem=/db.sql|cs-uri-query=/db.sql|"
		"cs-method=GET|cs-username=bob");
	assert_int_equal(count_id(&r->hs, "a"), 3); /* status differs */
	assert_int_equal(count_id(&r->hs, "u"), 2);
	feed(r, "cs-uri-query=/x"); /* method absent */
	feed(r, "cs-uri-query=/x|cs-method=");
	feed(r, "cs-uri-query=/x");
	assert_int_equal(count_id(&r->hs, "n"), 2);
	feed(r, "cs-uri-query=/x|cs-user-agent=union select");
	feed(r, "cs-uri-query=/x|cs-user-agent=curl");
	assert_int_equal(count_id(&r->hs, "k"), 1);
	assert_int_equal(count_id(&r->hs, "n"), 4);
	/* many requests: slots are taken over, answers stay right */
	int got = 0, want = 0;
	for (int i = 0; i < 40000; i++) {
		bool sql = (i % 5000) % 7 != 0;
		snprintf(spec, sizeof(spec),
			 "sc-status=200|cs-uri-stem=/d%d.%s", i % 5000,
			 sql ? "sql" : "txt");
		evbuf b;
		assert_int_equal(
		    lg_rules_eval(r->st, ev_of(&b, spec), count_hits, &got),
		    LG_OK);
		want += sql;
	}
	assert_int_equal(got, want);
	run_free(r);
}

static void gates_skip_only_what_cannot_match(void **state)
{
	env *e = *state;
	const char *alt =
	    "  a:\n    cs-method: POST\n  b:\n    sc-status: 500\n"
	    "  condition: a or b\n";
	assert_true(matches(e, alt, "cs-method=GET|sc-status=500"));
	assert_true(matches(e, alt, "cs-method=POST"));
	const char *neg =
	    "  a:\n    cs-method: POST\n  b:\n    sc-status: 500\n"
	    "  condition: not a and not b\n";
	assert_true(matches(e, neg, "cs-method=GET|sc-status=200"));
	assert_true(matches(e, neg, "c-ip=1.2.3.4"));
	const char *two = "  s:\n    - cs-method: POST\n    - sc-status: 500\n"
			  "  condition: s\n";
	assert_true(matches(e, two, "cs-method=GET|sc-status=500"));
	const char *of =
	    "  s1:\n    cs-method: POST\n  s2:\n    sc-status: 500\n"
	    "  condition: all of s*\n";
	assert_false(matches(e, of, "cs-method=POST|sc-status=200"));
	assert_true(matches(e, of, "cs-method=post|sc-status=500"));
	/* absent fields: null and exists: false hold, the rest fail */
	const char *anon = SEL("    cs-username: null\n    sc-status: 200\n");
	assert_true(matches(e, anon, "sc-status=200"));
	assert_true(matches(e, anon, "sc-status=200|cs-username="));
	assert_false(matches(e, anon, "sc-status=200|cs-username=bob"));
	const char *ex =
	    SEL("    object-id|exists: true\n    sc-status: 200\n");
	assert_false(matches(e, ex, "sc-status=200"));
	assert_true(matches(e, ex, "sc-status=200|object-id=7"));
	assert_true(
	    matches(e, SEL("    object-id|exists: false\n"), "sc-status=200"));
	/* two condition texts are or-ed: neither gates the other */
	const char *texts =
	    "  a:\n    cs-method: POST\n  b:\n    sc-status: 500\n"
	    "  condition:\n    - a\n    - b\n";
	assert_true(matches(e, texts, "cs-method=GET|sc-status=500"));
}

/* A list of endswith/equals values rejects a field by its last two bytes
 * first; what it lets through is compared as before. */
static void endswith_lists_by_last_bytes(void **state)
{
	env *e = *state;
	const char *dump = SEL("    cs-uri-stem|endswith:\n      - .sql\n"
			       "      - '~'\n      - .BAK\n");
	assert_true(matches(e, dump, "cs-uri-stem=/db.SQL"));
	assert_true(matches(e, dump, "cs-uri-stem=/a.php~"));
	assert_true(matches(e, dump, "cs-uri-stem=~"));
	assert_true(matches(e, dump, "cs-uri-stem=/x.bak"));
	assert_false(matches(e, dump, "cs-uri-stem=/x.sq"));
	assert_false(matches(e, dump, "cs-uri-stem=/x.nql"));
	assert_false(matches(e, dump, "cs-uri-stem=l"));
	assert_false(matches(e, dump, "cs-uri-stem="));
	assert_false(matches(e, dump, "c-ip=1.2.3.4"));
	const char *neq = SEL("    cs-uri-stem|endswith|neq: .php\n");
	assert_true(matches(e, neq, "cs-uri-stem=/a.js"));
	assert_true(matches(e, neq, "cs-uri-stem="));
	assert_false(matches(e, neq, "cs-uri-stem=/a.PHP"));
	assert_false(matches(e, neq, "c-ip=1.2.3.4"));
	const char *cased = SEL("    cs-uri-stem|endswith|cased: .PHP\n");
	assert_true(matches(e, cased, "cs-uri-stem=/a.PHP"));
	assert_false(matches(e, cased, "cs-uri-stem=/a.php"));
	/* equals lists too; numbers are text, and compare as numbers only
	 * under gt/gte/lt/lte (leading zeros and all) */
	const char *st = SEL("    sc-status:\n      - 401\n      - 403\n");
	assert_true(matches(e, st, "sc-status=403"));
	assert_false(matches(e, st, "sc-status=0403"));
	assert_false(matches(e, st, "sc-status=4403"));
	assert_true(
	    matches(e, SEL("    sc-status|gte: 400\n"), "sc-status=0404"));
	assert_false(
	    matches(e, SEL("    sc-status|gte: 400\n"), "sc-status=0200"));
	const char *m = SEL("    cs-method:\n      - post\n      - PUT\n");
	assert_true(matches(e, m, "cs-method=POST"));
	assert_true(matches(e, m, "cs-method=put"));
	assert_false(matches(e, m, "cs-method=XPOST"));
}

/* Contains lists answered by the prefilter: a glob's literal core being
 * absent rejects the whole list, being there still needs the glob. */
static void prefiltered_lists_with_globs(void **state)
{
	env *e = *state;
	const char *kw = SEL("    uri-decoded|contains:\n"
			     "      - union select\n"
			     "      - 'select * from'\n");
	assert_true(matches(e, kw, "uri-decoded=/?q=SELECT a FROM b"));
	assert_true(matches(e, kw, "uri-decoded=/?q=1 UNION SELECT 2"));
	assert_false(matches(e, kw, "uri-decoded=/?q=from a select b"));
	assert_false(matches(e, kw, "uri-decoded=/products/12"));
	assert_false(matches(e, kw, "c-ip=1.2.3.4"));
	const char *nk = SEL("    uri-decoded|contains|neq:\n"
			     "      - union select\n"
			     "      - 'select * from'\n");
	assert_true(matches(e, nk, "uri-decoded=/products/12"));
	assert_true(matches(e, nk, "uri-decoded=/?q=from a select b"));
	assert_false(matches(e, nk, "uri-decoded=/?q=select a from b"));
	assert_false(matches(e, nk, "c-ip=1.2.3.4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(equals_is_case_insensitive_unless_cased),
	    cmocka_unit_test(shared_conditions_answer_each_rule),
	    cmocka_unit_test(remembered_requests_answer_as_before),
	    cmocka_unit_test(gates_skip_only_what_cannot_match),
	    cmocka_unit_test(endswith_lists_by_last_bytes),
	    cmocka_unit_test(prefiltered_lists_with_globs),
	    cmocka_unit_test(contains_startswith_endswith),
	    cmocka_unit_test(wildcards_and_escapes),
	    cmocka_unit_test(lists_are_or_unless_all),
	    cmocka_unit_test(null_and_exists),
	    cmocka_unit_test(numeric_compare),
	    cmocka_unit_test(regular_expressions),
	    cmocka_unit_test(cidr_networks),
	    cmocka_unit_test(not_equal),
	    cmocka_unit_test(keywords_search_the_request),
	    cmocka_unit_test(extra_fields_by_name),
	    cmocka_unit_test(unsupported_and_unknown_modifiers),
	    cmocka_unit_test(condition_operators_and_precedence),
	    cmocka_unit_test(condition_of_patterns_and_them),
	    cmocka_unit_test(load_errors_name_file_and_line),
	    cmocka_unit_test(
		failed_file_leaves_nothing_and_folders_load_in_order),
	    cmocka_unit_test(event_count_fires_goes_on_and_slides),
	    cmocka_unit_test(temporal_ordered_chains_on_a_correlation),
	    cmocka_unit_test(generate_defaults_and_overrides),
	    cmocka_unit_test(value_count_counts_distinct_values),
	    cmocka_unit_test(value_count_of_many_values_stays_exact),
	    cmocka_unit_test(value_sum_adds_numbers_and_skips_others),
	    cmocka_unit_test(value_sum_stays_bounded_over_many_events),
	    cmocka_unit_test(temporal_needs_every_rule_in_the_window),
	    cmocka_unit_test(baseline_compares_with_the_groups_own_history),
	    cmocka_unit_test(groups_are_evicted_least_recent_first),
	    cmocka_unit_test(group_text_hides_cookies),
	    cmocka_unit_test(events_without_time_only_match),
	    cmocka_unit_test(evidence_keeps_the_first_and_the_last),
	    cmocka_unit_test(documents_sharing_an_id_are_one_family),
	    cmocka_unit_test(loading_from_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
