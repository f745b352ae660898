/* cache_rules.c: what a response's headers say to a shared cache (RFC
 * 9111, RFC 9213 targeted fields, the vendors' status headers): the pure
 * rules of `audit cache`, HDR-01..06 and the hit evidence of PRB-04. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/audit.h"
#include "util/curl_api.h"
#include "util/util.h"

#define N_(s) (s)

/* Skips spaces and tabs. */
static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The seconds of "name=N" or "name=\"N\"" at p (after the '='); -1 when
 * not a number. */
static long directive_seconds(const char *p)
{
	if (*p == '"')
		p++;
	if (!lg_is_digit((unsigned char)*p))
		return -1;
	long v = 0;
	for (; lg_is_digit((unsigned char)*p); p++)
		v = v > 100000000L ? v : v * 10 + (*p - '0');
	return v;
}

void lg_cache_control_parse(const char *value, lg_cache_control *out)
{
	memset(out, 0, sizeof(*out));
	out->max_age = out->s_maxage = -1;
	if (!value)
		return;
	out->present = true;
	const char *p = value;
	while (*p) {
		p = skip_ws(p);
		size_t n = strcspn(p, "=,");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		const char *arg = NULL;
		const char *q = p + strcspn(p, "=,");
		if (*q == '=')
			arg = skip_ws(q + 1);
#define IS(name) (n == sizeof(name) - 1 && !lg_ascii_ncasecmp(p, name, n))
		if (IS("no-store"))
			out->no_store = true;
		else if (IS("private"))
			out->private_ = true; /* qualified or not: caches
					       * treat both alike (5.2.2.7) */
		else if (IS("public"))
			out->public_ = true;
		else if (IS("no-cache"))
			out->no_cache = true;
		else if (IS("must-revalidate"))
			out->must_revalidate = true;
		else if (IS("max-age") && arg)
			out->max_age = directive_seconds(arg);
		else if (IS("s-maxage") && arg)
			out->s_maxage = directive_seconds(arg);
#undef IS
		/* to the next comma outside a quoted string */
		bool quoted = false;
		for (p = q; *p && (quoted || *p != ','); p++)
			if (*p == '"')
				quoted = !quoted;
		if (*p == ',')
			p++;
	}
}

/* RFC 9110 section 15.1: the statuses a cache may store without explicit
 * freshness. */
static bool heuristic_status(long status)
{
	static const long codes[] = {200, 203, 204, 206, 300, 301,
				     308, 404, 405, 410, 414, 501};
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (codes[i] == status)
			return true;
	return false;
}

/* An Expires in the future of the response's Date (or of now without
 * one); "0" and unparseable dates are already expired (RFC 9111 5.3), and
 * so is every Expires when libcurl, which reads HTTP dates, cannot be
 * loaded (the response then came from a file, not a fetch). */
static bool expires_fresh(const lg_http_response *rs)
{
	const char *e = lg_http_header(rs, "Expires", NULL);
	if (!e || lg_curl_ready())
		return false;
	time_t t = curl_getdate(e, NULL);
	if (t <= 0)
		return false;
	const char *d = lg_http_header(rs, "Date", NULL);
	time_t now = d ? curl_getdate(d, NULL) : time(NULL);
	return t > now;
}

/* Explicit freshness a shared cache obeys (s-maxage over max-age over
 * Expires), or public (heuristically fresh, 5.2.2.9). */
static bool explicit_shared_freshness(const lg_http_response *rs,
				      const lg_cache_control *cc)
{
	if (cc->s_maxage >= 0)
		return cc->s_maxage > 0;
	if (cc->max_age >= 0)
		return cc->max_age > 0;
	return cc->public_ || expires_fresh(rs);
}

static bool cc_of(const lg_http_response *rs, lg_cache_control *cc)
{
	lg_cache_control_parse(lg_http_header(rs, "Cache-Control", NULL), cc);
	return !cc->no_store && !cc->private_;
}

bool lg_cache_shared_storable(const lg_http_response *rs)
{
	lg_cache_control cc;
	if (!cc_of(rs, &cc))
		return false;
	if (explicit_shared_freshness(rs, &cc))
		return true;
	/* no explicit expiry at all: heuristics may apply (4.2.2) */
	return cc.max_age < 0 && cc.s_maxage < 0 && !cc.no_cache &&
	       !lg_http_header(rs, "Expires", NULL) &&
	       heuristic_status(rs->status);
}

/* Appends "Name: value" to ev (cap > 0), "; "-separated. */
static void evidence_add(char *ev, size_t cap, const char *name,
			 const char *value)
{
	size_t len = strlen(ev);
	if (len + 1 >= cap)
		return;
	snprintf(ev + len, cap - len, "%s%s: %s", len ? "; " : "", name,
		 value ? value : "(none)");
}

static bool word_in(const char *value, const char *word)
{
	return value && lg_ascii_casestr(value, word) != NULL;
}

/* HIT, STALE, UPDATING, REVALIDATED: a stored response was served. */
static bool status_says_hit(const char *v)
{
	return word_in(v, "hit") || word_in(v, "stale") ||
	       word_in(v, "updating") || word_in(v, "revalidated");
}

bool lg_cache_hit(const lg_http_response *rs, char *evidence, size_t cap)
{
	bool hit = false;
	if (cap)
		evidence[0] = '\0';
	const char *v = lg_http_header(rs, "Age", NULL);
	if (v && atol(v) > 0) {
		hit = true;
		evidence_add(evidence, cap, "Age", v);
	}
	static const char *const status_headers[] = {
	    "X-Cache", "X-Cache-Status", "CF-Cache-Status", "X-Proxy-Cache",
	    "X-Cache-Lookup"};
	for (size_t i = 0; i < sizeof(status_headers) / sizeof(*status_headers);
	     i++) {
		v = lg_http_header(rs, status_headers[i], NULL);
		if (v && status_says_hit(v) && !word_in(v, "miss")) {
			hit = true;
			evidence_add(evidence, cap, status_headers[i], v);
		}
	}
	/* RFC 9211: "cache; hit" or "cache; hit=?1" */
	v = lg_http_header(rs, "Cache-Status", NULL);
	if (v && (strstr(v, ";hit") || strstr(v, "; hit"))) {
		hit = true;
		evidence_add(evidence, cap, "Cache-Status", v);
	}
	/* Varnish: the request's id and the stored object's */
	v = lg_http_header(rs, "X-Varnish", NULL);
	if (v && strchr(skip_ws(v), ' ')) {
		hit = true;
		evidence_add(evidence, cap, "X-Varnish", v);
	}
	if (hit && (v = lg_http_header(rs, "Via", NULL)))
		evidence_add(evidence, cap, "Via", v);
	return hit;
}

bool lg_cache_override(const lg_http_response *rs, char *evidence, size_t cap)
{
	/* RFC 9213: a cache that reads one of these ignores Cache-Control;
	 * Varnish ignores "private" once Surrogate-Control is there */
	static const char *const targeted[] = {
	    "CDN-Cache-Control", "Cloudflare-CDN-Cache-Control",
	    "Surrogate-Control", "Akamai-Cache-Control"};
	if (cap)
		evidence[0] = '\0';
	for (size_t i = 0; i < sizeof(targeted) / sizeof(*targeted); i++) {
		const char *v = lg_http_header(rs, targeted[i], NULL);
		if (!v)
			continue;
		lg_cache_control cc;
		lg_cache_control_parse(v, &cc);
		if (cc.no_store || cc.private_)
			continue;
		if (cc.s_maxage > 0 || cc.max_age > 0 || cc.public_) {
			evidence_add(evidence, cap, targeted[i], v);
			return true;
		}
	}
	/* nginx: a positive X-Accel-Expires skips the private/no-store test
	 * (ngx_http_upstream_process_cache_control) */
	const char *v = lg_http_header(rs, "X-Accel-Expires", NULL);
	if (v && (*skip_ws(v) == '@' || atol(v) > 0)) {
		evidence_add(evidence, cap, "X-Accel-Expires", v);
		return true;
	}
	return false;
}

/* Whether Vary keys the response on the identity (or fails every match). */
static bool vary_on_identity(const lg_http_response *rs)
{
	size_t at = 0;
	const char *v;
	while ((v = lg_http_header(rs, "Vary", &at)))
		if (word_in(v, "cookie") || word_in(v, "authorization") ||
		    strchr(v, '*'))
			return true;
	return false;
}

typedef struct rule_out {
	const char *target, *identity;
	lg_check_fn fn;
	void *ud;
	int rc;
} rule_out;

static void emit(rule_out *o, const char *id, lg_severity sev,
		 const char *evidence, const char *why, const char *fix)
{
	if (o->rc)
		return;
	lg_check c = {id, sev, o->target, 0, o->identity, evidence, why, fix};
	o->rc = o->fn(&c, o->ud);
}

/* HDR-04: RFC 9111 7.3, Set-Cookie does not stop a cache. */
static void rule_set_cookie(rule_out *o, const lg_http_response *rs,
			    const lg_cache_control *cc, const char *ccv)
{
	const char *sc = lg_http_header(rs, "Set-Cookie", NULL);
	if (!sc || cc->no_store || cc->private_)
		return;
	char ev[512] = "";
	evidence_add(ev, sizeof(ev), "Cache-Control", ccv);
	char name[64];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(sc, "="), sc);
	evidence_add(ev, sizeof(ev), "Set-Cookie", name);
	strncat(ev, "=…", sizeof(ev) - strlen(ev) - 1);
	emit(o, "cache.set-cookie-storable", LG_SEV_HIGH, ev,
	     N_("the response sets a cookie but may be stored: a shared cache "
		"that stores it hands the same cookie (a session) to every "
		"later visitor (RFC 9111 section 7.3)"),
	     N_("send 'Cache-Control: private, no-store' with every response "
		"that sets a cookie, and never cache Set-Cookie at the proxy "
		"(nginx: do not ignore Set-Cookie, or hide it)"));
}

static void rule_storable(rule_out *o, const lg_http_response *rs,
			  const lg_cache_control *cc, const char *ccv,
			  bool personalised)
{
	char ev[512] = "";
	evidence_add(ev, sizeof(ev), "Cache-Control", ccv);
	const char *ex = lg_http_header(rs, "Expires", NULL);
	if (ex)
		evidence_add(ev, sizeof(ev), "Expires", ex);
	if (cc->public_ || cc->s_maxage >= 0) {
		/* HDR-02 (RFC 9111 3.5): reusable even for Authorization */
		emit(o, "cache.shared-allowed", LG_SEV_CRITICAL, ev,
		     N_("the response to a logged-in request says 'public' or "
			"'s-maxage': every shared cache may store it and hand "
			"it to other users, even for requests with "
			"Authorization (RFC 9111 section 3.5)"),
		     N_("send 'Cache-Control: private, no-store' on pages for "
			"a logged-in user; keep 'public' and 's-maxage' for "
			"pages that are the same for everyone"));
	} else if (!cc->present ? lg_cache_shared_storable(rs)
				: explicit_shared_freshness(rs, cc)) {
		/* HDR-01 */
		emit(o, "cache.shared-storable", LG_SEV_CRITICAL, ev,
		     N_("the response to a logged-in request has neither "
			"'private' nor 'no-store': a shared cache (CDN, proxy) "
			"may store it and serve it to other users (RFC 9111 "
			"section 3)"),
		     N_("send 'Cache-Control: private, no-store' on pages for "
			"a logged-in user, and make the proxy bypass its cache "
			"for requests with a session cookie or Authorization"));
	} else if (lg_cache_shared_storable(rs)) {
		/* HDR-06: heuristic freshness (RFC 9111 4.2.2) */
		char st[16];
		snprintf(st, sizeof(st), "%ld", rs->status);
		evidence_add(ev, sizeof(ev), "status", st);
		emit(o, "cache.heuristic", LG_SEV_MEDIUM, ev,
		     N_("the response to a logged-in request has no explicit "
			"freshness and no 'private'/'no-store': a cache may "
			"store it for a heuristic time (RFC 9111 section "
			"4.2.2)"),
		     N_("send 'Cache-Control: private, no-store' on pages for "
			"a logged-in user"));
	} else {
		return;
	}
	if (personalised && !vary_on_identity(rs)) {
		char vev[600];
		snprintf(vev, sizeof(vev), "%s; Vary: %s", ev,
			 lg_http_header(rs, "Vary", NULL)
			     ? lg_http_header(rs, "Vary", NULL)
			     : "(none)");
		emit(
		    o, "cache.vary-missing", LG_SEV_MEDIUM, vev,
		    N_("a storable response with personal data does not vary "
		       "on Cookie or Authorization: a cache keys it by URL "
		       "alone, the same for every user"),
		    N_("make personal pages uncacheable ('private, no-store'); "
		       "'Vary: Cookie' alone is not enough (several CDNs "
		       "ignore it)"));
	}
}

int lg_cache_header_rules(const lg_http_response *rs, bool authenticated,
			  bool personalised, const char *target,
			  const char *identity, lg_check_fn fn, void *ud)
{
	rule_out o = {target, identity, fn, ud, 0};
	const char *ccv = lg_http_header(rs, "Cache-Control", NULL);
	lg_cache_control cc;
	lg_cache_control_parse(ccv, &cc);
	if (authenticated && !cc.no_store && !cc.private_)
		rule_storable(&o, rs, &cc, ccv, personalised);
	char ev[512];
	if (authenticated && lg_cache_override(rs, ev, sizeof(ev)))
		emit(&o, "cache.cdn-override", LG_SEV_HIGH, ev,
		     N_("a CDN or proxy header gives the response a time to "
			"live of its own: the cache that reads it ignores "
			"Cache-Control, 'private' included (RFC 9213, Varnish "
			"Surrogate-Control, nginx X-Accel-Expires)"),
		     N_("remove CDN-Cache-Control, Surrogate-Control and "
			"X-Accel-Expires from personal pages, or set them to "
			"no-store"));
	if (authenticated && cc.must_revalidate && !cc.no_store &&
	    !cc.private_) {
		ev[0] = '\0';
		evidence_add(ev, sizeof(ev), "Cache-Control", ccv);
		emit(&o, "cache.must-revalidate", LG_SEV_MEDIUM, ev,
		     N_("'must-revalidate' without 'private' lets a shared "
			"cache reuse a response to a request with "
			"Authorization (RFC 9111 section 3.5)"),
		     N_("add 'private, no-store' to responses for a logged-in "
			"user"));
	}
	rule_set_cookie(&o, rs, &cc, ccv);
	return o.rc;
}
