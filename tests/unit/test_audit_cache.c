/* test_audit_cache.c: the header rules of `audit cache` as pure functions
 * over a response's headers: what a shared cache may store (RFC 9111
 * section 3), what says a response came from a cache, which CDN/proxy
 * headers override Cache-Control, and which checks HDR-01..06 raise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leakguard/audit.h"

/* A response with `status` and the NULL-terminated header lines. */
static lg_http_response response(long status, const char *const *lines)
{
	lg_http_response rs;
	memset(&rs, 0, sizeof(rs));
	rs.status = status;
	while (lines && lines[rs.nheaders])
		rs.nheaders++;
	rs.headers = (char **)lines;
	return rs;
}

#define RS(status, ...)                                                        \
	response(status, (const char *const[]){__VA_ARGS__, NULL})

static void cache_control_is_parsed_as_caches_read_it(void **state)
{
	(void)state;
	lg_cache_control cc;
	lg_cache_control_parse("Public, MAX-AGE=600, s-maxage=\"30\"", &cc);
	assert_true(cc.present && cc.public_);
	assert_int_equal(cc.max_age, 600);
	assert_int_equal(cc.s_maxage, 30);
	assert_false(cc.private_ || cc.no_store);
	/* the qualified form counts as private (RFC 9111 5.2.2.7) */
	lg_cache_control_parse("private=\"Set-Cookie, X-A\", max-age=60", &cc);
	assert_true(cc.private_);
	assert_int_equal(cc.max_age, 60);
	lg_cache_control_parse("no-store", &cc);
	assert_true(cc.no_store);
	assert_int_equal(cc.max_age, -1);
	lg_cache_control_parse(NULL, &cc);
	assert_false(cc.present);
}

static void what_a_shared_cache_may_store(void **state)
{
	(void)state;
	lg_http_response rs = RS(200, "Cache-Control: public, max-age=600");
	assert_true(lg_cache_shared_storable(&rs));
	rs = RS(200, "Cache-Control: max-age=60");
	assert_true(lg_cache_shared_storable(&rs));
	rs = RS(200, "Cache-Control: private, max-age=60");
	assert_false(lg_cache_shared_storable(&rs));
	rs = RS(200, "Cache-Control: no-store");
	assert_false(lg_cache_shared_storable(&rs));
	/* no Cache-Control: 200 is heuristically cacheable, 302 is not */
	rs = RS(200, "Content-Type: text/html");
	assert_true(lg_cache_shared_storable(&rs));
	rs = RS(302, "Location: /login");
	assert_false(lg_cache_shared_storable(&rs));
	rs = RS(200, "Cache-Control: no-cache");
	assert_false(lg_cache_shared_storable(&rs));
	/* s-maxage wins over max-age for a shared cache */
	rs = RS(200, "Cache-Control: max-age=600, s-maxage=0");
	assert_false(lg_cache_shared_storable(&rs));
	/* Expires in the future of Date, or long past */
	rs = RS(200, "Date: Tue, 01 Dec 2026 10:00:00 GMT",
		"Expires: Tue, 01 Dec 2026 11:00:00 GMT");
	assert_true(lg_cache_shared_storable(&rs));
	rs = RS(200, "Date: Tue, 01 Dec 2026 10:00:00 GMT", "Expires: 0");
	assert_false(lg_cache_shared_storable(&rs));
}

static void hits_are_told_from_misses(void **state)
{
	(void)state;
	char ev[256];
	lg_http_response rs = RS(200, "X-Cache-Status: HIT");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));
	assert_string_equal(ev, "X-Cache-Status: HIT");
	rs = RS(200, "X-Cache: Hit from cloudfront",
		"Via: 1.1 x.cloudfront.net");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));
	assert_non_null(strstr(ev, "Via: 1.1"));
	rs = RS(200, "CF-Cache-Status: REVALIDATED");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));
	rs = RS(200, "Age: 12");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));
	rs = RS(200, "Cache-Status: ExampleCDN; hit; ttl=30");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));
	rs = RS(200, "X-Varnish: 32770 98313");
	assert_true(lg_cache_hit(&rs, ev, sizeof(ev)));

	rs = RS(200, "X-Cache-Status: MISS", "Age: 0", "X-Varnish: 32770");
	assert_false(lg_cache_hit(&rs, ev, sizeof(ev)));
	rs = RS(200, "X-Cache: Miss from cloudfront");
	assert_false(lg_cache_hit(&rs, ev, sizeof(ev)));
	rs = RS(200, "CF-Cache-Status: DYNAMIC", "Via: 1.1 varnish");
	assert_false(lg_cache_hit(&rs, ev, sizeof(ev)));
	assert_string_equal(ev, "");
}

static void overrides_with_a_ttl_are_found(void **state)
{
	(void)state;
	char ev[256];
	lg_http_response rs =
	    RS(200, "Cache-Control: private", "CDN-Cache-Control: max-age=600");
	assert_true(lg_cache_override(&rs, ev, sizeof(ev)));
	assert_string_equal(ev, "CDN-Cache-Control: max-age=600");
	rs = RS(200, "Surrogate-Control: max-age=300");
	assert_true(lg_cache_override(&rs, ev, sizeof(ev)));
	rs = RS(200, "X-Accel-Expires: 60");
	assert_true(lg_cache_override(&rs, ev, sizeof(ev)));

	rs = RS(200, "X-Accel-Expires: 0", "CDN-Cache-Control: no-store",
		"Surrogate-Control: max-age=0");
	assert_false(lg_cache_override(&rs, ev, sizeof(ev)));
}

typedef struct seen {
	char ids[16][40];
	lg_severity sev[16];
	size_t n;
} seen;

static int collect(const lg_check *c, void *ud)
{
	seen *s = ud;
	assert_true(s->n < 16);
	assert_non_null(c->why);
	assert_non_null(c->fix);
	strcpy(s->ids[s->n], c->id);
	s->sev[s->n++] = c->severity;
	return 0;
}

/* The ids raised for rs, space-separated, into out. */
static const char *rules(const lg_http_response *rs, bool auth, bool personal,
			 char *out)
{
	seen s = {0};
	lg_cache_header_rules(rs, auth, personal, "http://x/", "alice", collect,
			      &s);
	out[0] = '\0';
	for (size_t i = 0; i < s.n; i++)
		strcat(strcat(out, i ? " " : ""), s.ids[i]);
	return out;
}

static void header_rules_on_logged_in_responses(void **state)
{
	(void)state;
	char ids[640];
	lg_http_response rs = RS(200, "Content-Type: text/html");
	assert_string_equal(rules(&rs, true, true, ids),
			    "cache.shared-storable cache.vary-missing");
	rs = RS(200, "Cache-Control: public, max-age=600", "Vary: Cookie",
		"Set-Cookie: sid=0123456789abcdef; Path=/");
	assert_string_equal(rules(&rs, true, true, ids),
			    "cache.shared-allowed cache.set-cookie-storable");
	rs = RS(200, "Cache-Control: must-revalidate, max-age=60");
	assert_string_equal(rules(&rs, true, false, ids),
			    "cache.shared-storable cache.must-revalidate");
	rs = RS(200, "Cache-Control: no-transform");
	assert_string_equal(rules(&rs, true, false, ids), "cache.heuristic");
	rs = RS(200, "Cache-Control: private", "CDN-Cache-Control: max-age=60");
	assert_string_equal(rules(&rs, true, true, ids), "cache.cdn-override");
	/* the right answer: nothing */
	rs = RS(200, "Cache-Control: private, no-store",
		"Set-Cookie: sid=0123456789abcdef");
	assert_string_equal(rules(&rs, true, true, ids), "");
	rs = RS(200, "Cache-Control: no-cache");
	assert_string_equal(rules(&rs, true, true, ids), "");
	/* an anonymous response: only its Set-Cookie matters */
	rs = RS(200, "Set-Cookie: sid=0123456789abcdef");
	assert_string_equal(rules(&rs, false, false, ids),
			    "cache.set-cookie-storable");
	rs = RS(200, "Cache-Control: public, max-age=60");
	assert_string_equal(rules(&rs, false, false, ids), "");
}

static void severities_follow_the_research_table(void **state)
{
	(void)state;
	seen s = {0};
	lg_http_response rs =
	    RS(200, "Cache-Control: s-maxage=60", "Set-Cookie: a=0123456789",
	       "Surrogate-Control: max-age=60");
	lg_cache_header_rules(&rs, true, false, "u", "alice", collect, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], "cache.shared-allowed");
	assert_int_equal(s.sev[0], LG_SEV_CRITICAL);
	assert_string_equal(s.ids[1], "cache.cdn-override");
	assert_int_equal(s.sev[1], LG_SEV_HIGH);
	assert_string_equal(s.ids[2], "cache.set-cookie-storable");
	assert_int_equal(s.sev[2], LG_SEV_HIGH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cache_control_is_parsed_as_caches_read_it),
	    cmocka_unit_test(what_a_shared_cache_may_store),
	    cmocka_unit_test(hits_are_told_from_misses),
	    cmocka_unit_test(overrides_with_a_ttl_are_found),
	    cmocka_unit_test(header_rules_on_logged_in_responses),
	    cmocka_unit_test(severities_follow_the_research_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
