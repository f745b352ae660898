/* nginx.c: `audit nginx`: finds where an nginx configuration caches or
 * lists pages that show one user's data. Each location is checked with
 * what it inherits: nginx takes a directive from server or http only
 * when the location has none of it (and for the array directives,
 * add_header, *_hide_header, *_ignore_headers, *_no_cache, one occurrence
 * replaces them all). Rules: docs/research audits §1.3 and §1.7 (NGX-01
 * to NGX-07). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/audit.h"
#include "leakguard/nginxconf.h"
#include "util/util.h"

#define N_(s) (s)

#define MAX_LEVELS    80 /* http, server, nested locations */
#define MAX_EFFECTIVE 64

const char *const lg_nginx_default_private[] = {
    "/mypage", "/member", "/account", "/cart",	  "/checkout",
    "/order",  "/api/me", "/user",    "/profile", NULL};

/* The upstream modules that cache, each with the same directives. */
static const char *const modules[] = {"proxy", "fastcgi", "uwsgi", "scgi"};

typedef enum rule {
	R_SET_COOKIE,
	R_CACHE_CONTROL,
	R_EXPIRES,
	R_VARY,
	R_NO_BYPASS,
	R_KEY_NO_SESSION,
	R_VALID,
	R_POST,
	R_NO_KEY,
	R_PUBLIC,
	R_AUTOINDEX,
	R_COUNT
} rule;

typedef struct rule_text {
	const char *id, *why, *fix;
} rule_text;

static const rule_text rules[R_COUNT] = {
    [R_SET_COOKIE] =
	{"nginx.cache-ignores-set-cookie",
	 N_("The cache stores responses that set a cookie, and the "
	    "Set-Cookie header is not hidden: the first visitor's session "
	    "cookie is handed to every later visitor, who is then logged in "
	    "as them (NGX-01)."),
	 N_("Add proxy_hide_header Set-Cookie (fastcgi_hide_header, "
	    "uwsgi_hide_header, scgi_hide_header for those modules) in the "
	    "same block, or remove Set-Cookie from the ignored headers.")},
    [R_CACHE_CONTROL] =
	{"nginx.cache-ignores-cache-control",
	 N_("Cache-Control from the application is ignored: pages it marks "
	    "private or no-store are cached and served to other visitors "
	    "(NGX-02)."),
	 N_("Remove Cache-Control (and Expires) from the ignored headers, "
	    "at least for private paths, so the application's private and "
	    "no-store are obeyed.")},
    [R_EXPIRES] =
	{"nginx.cache-ignores-expires",
	 N_("Expires or X-Accel-Expires from the application is ignored: an "
	    "application that stops caching with them (X-Accel-Expires: 0) "
	    "is overruled."),
	 N_("Remove Expires and X-Accel-Expires from the ignored headers.")},
    [R_VARY] = {"nginx.cache-ignores-vary",
		N_("Vary is ignored: responses the application varies by "
		   "cookie or language, and Vary: *, are cached as one "
		   "(NGX-05)."),
		N_("Remove Vary from the ignored headers.")},
    [R_NO_BYPASS] =
	{"nginx.private-cache-no-bypass",
	 N_("A private path is cached, and neither proxy_no_cache with "
	    "proxy_cache_bypass nor the cache key depends on the session "
	    "cookie or Authorization: nginx ignores both, so one user's page "
	    "is stored and served to the next (NGX-03)."),
	 N_("Turn the cache off on private paths (proxy_cache off), or add "
	    "proxy_no_cache and proxy_cache_bypass with the session cookie "
	    "and $http_authorization (e.g. proxy_no_cache $cookie_sid "
	    "$http_authorization; and the same for proxy_cache_bypass).")},
    [R_KEY_NO_SESSION] =
	{"nginx.cache-key-no-session",
	 N_("The cache key of a private path has no session cookie or "
	    "Authorization in it: every user's request for the page maps to "
	    "the same cached copy."),
	 N_("Bypass the cache for logged-in requests (proxy_no_cache and "
	    "proxy_cache_bypass with the session cookie), or do not cache "
	    "private paths.")},
    [R_VALID] =
	{"nginx.private-cache-valid",
	 N_("proxy_cache_valid caches responses that carry no caching "
	    "headers, on a private path: a personal page the application "
	    "did not mark private is stored for that time (NGX-04)."),
	 N_("Remove proxy_cache_valid from private paths, or bypass the "
	    "cache there for logged-in requests.")},
    [R_POST] = {"nginx.cache-methods-post",
		N_("POST responses are cached: the answer to one user's form "
		   "(an order, a profile change) can be served to another "
		   "(NGX-06)."),
		N_("Cache GET and HEAD only: remove POST from "
		   "proxy_cache_methods.")},
    [R_NO_KEY] =
	{"nginx.cache-key-incomplete",
	 N_("fastcgi_cache, uwsgi_cache and scgi_cache have no default key: "
	    "without one, or without $request_method and $host in it, "
	    "different pages, methods or sites share a cached copy "
	    "(NGX-07)."),
	 N_("Set a key such as fastcgi_cache_key "
	    "\"$scheme$request_method$host$request_uri\" where the cache is "
	    "turned on.")},
    [R_PUBLIC] =
	{"nginx.private-cache-control-public",
	 N_("add_header sends Cache-Control public or s-maxage on a private "
	    "path: every shared cache and CDN on the way may store the page "
	    "and serve it to others, even for requests with Authorization."),
	 N_("Send Cache-Control: private, no-store on private paths, and "
	    "remove public and s-maxage there.")},
    [R_AUTOINDEX] =
	{"nginx.autoindex-on",
	 N_("autoindex on lists the files of a folder to anyone who asks: "
	    "exports, backups and uploads left there can be found and "
	    "downloaded."),
	 N_("Turn it off (autoindex off, the default) and serve only the "
	    "files meant to be public.")},
};

typedef struct finding {
	rule r;
	lg_severity sev;
	const lg_ngx_directive *at;
	char evidence[512];
} finding;

/* What the audit walks with. */
typedef struct audit_cx {
	const char *const *private_paths;
	const char *const *cookies;
	/* variables that a map sets from the session ("$skip" of `map
	 * $cookie_sid $skip`) */
	const char *session_vars[64];
	size_t nsession_vars;
	finding *f;
	size_t n, cap;
	bool oom;
} audit_cx;

/* One location (or a server's own level) and the levels above it. */
typedef struct scope {
	const lg_ngx_directive *level[MAX_LEVELS];
	size_t nlevels; /* level[0] is http; the last the innermost */
	const lg_ngx_directive *loc; /* NULL: the server's own level */
	bool private_;
} scope;

static void add(audit_cx *cx, rule r, lg_severity sev,
		const lg_ngx_directive *at, const lg_ngx_directive *also)
{
	for (size_t i = 0; i < cx->n; i++) {
		if (cx->f[i].r == r && cx->f[i].at == at) {
			if (sev > cx->f[i].sev)
				cx->f[i].sev = sev;
			return;
		}
	}
	if (cx->n == cx->cap) {
		size_t cap = cx->cap ? cx->cap * 2 : 16;
		finding *f = realloc(cx->f, cap * sizeof(*f));
		if (!f) {
			cx->oom = true;
			return;
		}
		cx->f = f;
		cx->cap = cap;
	}
	finding *f = &cx->f[cx->n++];
	f->r = r;
	f->sev = sev;
	f->at = at;
	lg_ngx_format(at, f->evidence, sizeof(f->evidence));
	size_t k = strlen(f->evidence);
	if (also && k + 8 < sizeof(f->evidence)) { /* a block: what in it
						    * is the matter */
		lg_ngx_format(also, f->evidence + k + 1,
			      sizeof(f->evidence) - k - 1);
		f->evidence[k] = ' ';
		k = strlen(f->evidence);
		if (k + 2 < sizeof(f->evidence))
			memcpy(f->evidence + k, " }", 3);
	}
}

/* ---- what a level says ----------------------------------------------- */
static bool named(const lg_ngx_directive *d, const char *module,
		  const char *suffix)
{
	if (!module)
		return !strcmp(d->name, suffix);
	size_t m = strlen(module);
	return !strncmp(d->name, module, m) && d->name[m] == '_' &&
	       !strcmp(d->name + m + 1, suffix);
}

/* The directives `module_suffix` that apply in s: those of the innermost
 * level that has any (nginx's merge: inner replaces outer). */
static size_t effective(const scope *s, const char *module, const char *suffix,
			const lg_ngx_directive **out)
{
	for (size_t l = s->nlevels; l-- > 0;) {
		size_t n = 0;
		for (const lg_ngx_directive *d = s->level[l]->children; d;
		     d = d->next) {
			if (named(d, module, suffix) && n < MAX_EFFECTIVE)
				out[n++] = d;
		}
		if (n)
			return n;
	}
	return 0;
}

/* The last of them: for the one-value directives. */
static const lg_ngx_directive *effective1(const scope *s, const char *module,
					  const char *suffix)
{
	const lg_ngx_directive *v[MAX_EFFECTIVE];
	size_t n = effective(s, module, suffix, v);
	return n ? v[n - 1] : NULL;
}

static bool has_arg(const lg_ngx_directive *d, const char *word)
{
	for (size_t i = 0; i < d->nargs; i++) {
		if (!lg_ascii_casecmp(d->args[i], word))
			return true;
	}
	return false;
}

static bool cookie_is_session(const audit_cx *cx, const char *name, size_t n)
{
	for (const char *const *c = cx->cookies; c && *c; c++) {
		if (strlen(*c) == n && !lg_ascii_ncasecmp(*c, name, n))
			return true;
	}
	static const char *const hints[] = {"sess", "sid", "auth", "token",
					    "login"};
	char low[128];
	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(name[i] |
				(name[i] >= 'A' && name[i] <= 'Z' ? 0x20 : 0));
	low[n] = '\0';
	for (size_t i = 0; i < sizeof(hints) / sizeof(*hints); i++) {
		if (strstr(low, hints[i]))
			return true;
	}
	return false;
}

static bool var_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Whether text names a variable that tells users apart: $http_cookie,
 * $http_authorization, $cookie_<session>, or one a map sets from them. */
static bool text_has_session(const audit_cx *cx, const char *text)
{
	for (const char *s = strchr(text, '$'); s; s = strchr(s + 1, '$')) {
		const char *v = s + 1 + (s[1] == '{');
		size_t n = 0;
		while (var_char(v[n]))
			n++;
		if ((n == 11 && !lg_ascii_ncasecmp(v, "http_cookie", 11)) ||
		    (n == 18 &&
		     !lg_ascii_ncasecmp(v, "http_authorization", 18)))
			return true;
		if (n > 7 && !lg_ascii_ncasecmp(v, "cookie_", 7) &&
		    cookie_is_session(cx, v + 7, n - 7))
			return true;
		for (size_t i = 0; i < cx->nsession_vars; i++) {
			if (strlen(cx->session_vars[i]) == n &&
			    !strncmp(cx->session_vars[i], v, n))
				return true;
		}
	}
	return false;
}

static bool directives_have_session(const audit_cx *cx,
				    const lg_ngx_directive *const *d, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < d[k]->nargs; i++) {
			if (text_has_session(cx, d[k]->args[i]))
				return true;
		}
	}
	return false;
}

/* ---- private paths --------------------------------------------------- */
typedef enum loc_kind { LOC_PREFIX, LOC_EXACT, LOC_REGEX, LOC_NAMED } loc_kind;

/* A location's kind and the literal path it starts with: a regex's
 * literal is what follows '^' up to the first special character ("" when
 * unanchored: it could match anywhere). */
static loc_kind location_literal(const lg_ngx_directive *loc, char *lit,
				 size_t cap)
{
	lit[0] = '\0';
	if (loc->nargs == 0)
		return LOC_NAMED;
	const char *m = loc->args[0], *uri = loc->nargs > 1 ? loc->args[1] : "";
	loc_kind k = LOC_PREFIX;
	if (loc->nargs == 1) { /* "=/x", "~^/x", "^~/x", "/x", "@x" */
		uri = m;
		if (m[0] == '@')
			return LOC_NAMED;
		if (m[0] == '=') {
			k = LOC_EXACT;
			uri = m + 1;
		} else if (m[0] == '~') {
			k = LOC_REGEX;
			uri = m + 1 + (m[1] == '*');
		} else if (m[0] == '^' && m[1] == '~') {
			uri = m + 2;
		}
	} else if (!strcmp(m, "=")) {
		k = LOC_EXACT;
	} else if (!strcmp(m, "~") || !strcmp(m, "~*")) {
		k = LOC_REGEX;
	}
	if (k != LOC_REGEX) {
		snprintf(lit, cap, "%s", uri);
		return k;
	}
	if (uri[0] != '^')
		return k;
	size_t n = 0;
	for (const char *s = uri + 1; *s && n + 1 < cap; s++) {
		if (s[0] == '\\' && (s[1] == '/' || s[1] == '.' || s[1] == '-'))
			lit[n++] = *++s;
		else if (strchr(".*+?[](){}|\\$^", *s))
			break;
		else
			lit[n++] = *s;
	}
	/* "^/a?" makes its last character optional */
	if (n && uri[1 + n] && strchr("*?{", uri[1 + n]))
		n--;
	lit[n] = '\0';
	return k;
}

static bool starts_with(const char *s, const char *prefix, bool nocase)
{
	size_t n = strlen(prefix);
	return nocase ? !lg_ascii_ncasecmp(s, prefix, n)
		      : !strncmp(s, prefix, n);
}

/* The longest prefix (or exact) location of the server that a request
 * for probe would reach, among its locations at any depth. */
static const lg_ngx_directive *longest_prefix(const lg_ngx_directive *blk,
					      const char *probe,
					      const lg_ngx_directive *best,
					      size_t *best_len)
{
	for (const lg_ngx_directive *d = blk->children; d; d = d->next) {
		if (strcmp(d->name, "location") || !d->block)
			continue;
		char lit[512];
		loc_kind k = location_literal(d, lit, sizeof(lit));
		size_t n = strlen(lit);
		bool hit =
		    (k == LOC_PREFIX && starts_with(probe, lit, false)) ||
		    (k == LOC_EXACT && !strcmp(probe, lit));
		if (hit && (!best || n > *best_len)) {
			best = d;
			*best_len = n;
		}
		best = longest_prefix(d, probe, best, best_len);
	}
	return best;
}

/* A private prefix as a request path: "/mypage" asks for "/mypage/", so
 * that "location /mypage/" answers it rather than "location /". */
static void probe_of(const char *p, char *out, size_t cap)
{
	size_t n = strlen(p);
	snprintf(out, cap, "%s%s", p, n && p[n - 1] == '/' ? "" : "/");
}

/* Whether loc (in server) serves private paths: its literal lies in a
 * private prefix, or it is the location a private prefix falls to. A
 * regex location counts when its literal start could begin a private
 * path; a named location (try_files fallback) always counts: it serves
 * whatever falls to it. */
static bool location_private(const audit_cx *cx, const lg_ngx_directive *server,
			     const lg_ngx_directive *loc)
{
	char lit[512], probe[512];
	loc_kind k = location_literal(loc, lit, sizeof(lit));
	if (k == LOC_NAMED)
		return true;
	bool nocase = k == LOC_REGEX && loc->args[0][1] == '*';
	for (const char *const *p = cx->private_paths; *p; p++) {
		if (**p != '/')
			continue; /* s3:// prefixes are the logs' */
		if (starts_with(lit, *p, nocase))
			return true;
		if (k == LOC_REGEX && starts_with(*p, lit, nocase))
			return true;
		probe_of(*p, probe, sizeof(probe));
		size_t best_len = 0;
		if (k != LOC_REGEX &&
		    longest_prefix(server, probe, NULL, &best_len) == loc)
			return true;
	}
	return false;
}

/* The server's own level serves what no location takes. */
static bool server_private(const audit_cx *cx, const lg_ngx_directive *server)
{
	char probe[512];
	for (const char *const *p = cx->private_paths; *p; p++) {
		size_t best_len = 0;
		probe_of(*p, probe, sizeof(probe));
		if (**p == '/' &&
		    !longest_prefix(server, probe, NULL, &best_len))
			return true;
	}
	return false;
}

/* ---- the rules ------------------------------------------------------- */
static void check_ignored(audit_cx *cx, const scope *s, const char *m)
{
	const lg_ngx_directive *ign[MAX_EFFECTIVE], *hide[MAX_EFFECTIVE];
	size_t ni = effective(s, m, "ignore_headers", ign);
	size_t nh = effective(s, m, "hide_header", hide);
	bool hidden = false;
	for (size_t i = 0; i < nh; i++)
		hidden |= has_arg(hide[i], "Set-Cookie");
	for (size_t i = 0; i < ni; i++) {
		const lg_ngx_directive *d = ign[i];
		bool cc = has_arg(d, "Cache-Control");
		if (has_arg(d, "Set-Cookie") && !hidden)
			add(cx, R_SET_COOKIE, LG_SEV_CRITICAL, d, NULL);
		if (cc)
			add(cx, R_CACHE_CONTROL,
			    s->private_ ? LG_SEV_CRITICAL : LG_SEV_HIGH, d,
			    NULL);
		if (has_arg(d, "X-Accel-Expires") ||
		    (has_arg(d, "Expires") && !cc))
			add(cx, R_EXPIRES, LG_SEV_MEDIUM, d, NULL);
		if (has_arg(d, "Vary"))
			add(cx, R_VARY, LG_SEV_MEDIUM, d, NULL);
	}
}

static void check_private_cache(audit_cx *cx, const scope *s, const char *m,
				const lg_ngx_directive *cache)
{
	const lg_ngx_directive *v[MAX_EFFECTIVE];
	size_t n = effective(s, m, "no_cache", v);
	bool no_cache = directives_have_session(cx, v, n);
	n = effective(s, m, "cache_bypass", v);
	bool bypass = no_cache && directives_have_session(cx, v, n);
	if (bypass)
		return; /* logged-in requests never reach the cache */
	const lg_ngx_directive *key = effective1(s, m, "cache_key");
	bool key_session = key && directives_have_session(cx, &key, 1);
	if (!key_session)
		add(cx, R_NO_BYPASS, LG_SEV_HIGH, s->loc, cache);
	if (key && !key_session)
		add(cx, R_KEY_NO_SESSION, LG_SEV_HIGH, key, NULL);
	n = effective(s, m, "cache_valid", v);
	for (size_t i = 0; i < n; i++)
		add(cx, R_VALID, LG_SEV_HIGH, v[i], NULL);
}

static void check_module(audit_cx *cx, const scope *s, const char *m)
{
	const lg_ngx_directive *pass = NULL;
	for (const lg_ngx_directive *d = s->loc->children; d && !pass;
	     d = d->next) {
		if (named(d, m, "pass"))
			pass = d;
	}
	const lg_ngx_directive *cache = effective1(s, m, "cache");
	if (!pass || !cache || !cache->nargs || !strcmp(cache->args[0], "off"))
		return;
	check_ignored(cx, s, m);
	if (s->private_)
		check_private_cache(cx, s, m, cache);
	const lg_ngx_directive *methods = effective1(s, m, "cache_methods");
	if (methods && has_arg(methods, "POST"))
		add(cx, R_POST, LG_SEV_MEDIUM, methods, NULL);
	if (!strcmp(m, "proxy"))
		return; /* proxy_cache_key has a default */
	const lg_ngx_directive *key = effective1(s, m, "cache_key");
	if (!key) {
		add(cx, R_NO_KEY, LG_SEV_MEDIUM, cache, NULL);
		return;
	}
	const char *k = key->nargs ? key->args[0] : "";
	if (!strstr(k, "$request_method") ||
	    !(strstr(k, "$host") || strstr(k, "$http_host") ||
	      strstr(k, "$server_name")))
		add(cx, R_NO_KEY, LG_SEV_MEDIUM, key, NULL);
}

static void check_scope(audit_cx *cx, const scope *s)
{
	if (s->private_) {
		const lg_ngx_directive *h[MAX_EFFECTIVE];
		size_t n = effective(s, NULL, "add_header", h);
		for (size_t i = 0; i < n; i++) {
			if (h[i]->nargs >= 2 &&
			    !lg_ascii_casecmp(h[i]->args[0], "Cache-Control") &&
			    (lg_ascii_casestr(h[i]->args[1], "public") ||
			     lg_ascii_casestr(h[i]->args[1], "s-maxage")))
				add(cx, R_PUBLIC, LG_SEV_CRITICAL, h[i], NULL);
		}
	}
	const lg_ngx_directive *ai = effective1(s, NULL, "autoindex");
	if (ai && ai->nargs && !strcmp(ai->args[0], "on"))
		add(cx, R_AUTOINDEX,
		    s->private_ ? LG_SEV_CRITICAL : LG_SEV_HIGH, ai, NULL);
	if (!s->loc)
		return; /* *_pass belongs in a location */
	for (size_t i = 0; i < sizeof(modules) / sizeof(*modules); i++)
		check_module(cx, s, modules[i]);
}

static void walk_locations(audit_cx *cx, scope *s,
			   const lg_ngx_directive *server,
			   const lg_ngx_directive *blk)
{
	for (const lg_ngx_directive *d = blk->children; d; d = d->next) {
		if (strcmp(d->name, "location") || !d->block ||
		    s->nlevels >= MAX_LEVELS)
			continue;
		s->level[s->nlevels++] = d;
		const lg_ngx_directive *outer = s->loc;
		bool outer_private = s->private_;
		s->loc = d;
		s->private_ = location_private(cx, server, d);
		check_scope(cx, s);
		walk_locations(cx, s, server, d);
		s->loc = outer;
		s->private_ = outer_private;
		s->nlevels--;
	}
}

/* map $cookie_sid $logged_in { ... }: $logged_in tells users apart. */
static void collect_session_maps(audit_cx *cx, const lg_ngx_directive *d)
{
	for (; d; d = d->next) {
		if (!strcmp(d->name, "map") && d->nargs >= 2 &&
		    d->args[1][0] == '$' &&
		    cx->nsession_vars <
			sizeof(cx->session_vars) / sizeof(*cx->session_vars) &&
		    text_has_session(cx, d->args[0]))
			cx->session_vars[cx->nsession_vars++] = d->args[1] + 1;
		if (strcmp(d->name, "map"))
			collect_session_maps(cx, d->children);
	}
}

static int by_place(const void *a, const void *b)
{
	const finding *x = a, *y = b;
	if (x->at->file_seq != y->at->file_seq)
		return x->at->file_seq < y->at->file_seq ? -1 : 1;
	if (x->at->line != y->at->line)
		return x->at->line < y->at->line ? -1 : 1;
	return (int)x->r - (int)y->r;
}

lg_status lg_audit_nginx(const struct lg_ngx_conf *conf,
			 const lg_nginx_audit_options *o, lg_check_fn fn,
			 void *ud)
{
	audit_cx cx = {.private_paths = o && o->private_paths
					    ? o->private_paths
					    : lg_nginx_default_private,
		       .cookies = o ? o->session_cookies : NULL};
	collect_session_maps(&cx, lg_ngx_first(conf));
	for (const lg_ngx_directive *http = lg_ngx_first(conf); http;
	     http = http->next) {
		if (strcmp(http->name, "http") || !http->block)
			continue;
		for (const lg_ngx_directive *srv = http->children; srv;
		     srv = srv->next) {
			if (strcmp(srv->name, "server") || !srv->block)
				continue;
			scope s = {.level = {http, srv}, .nlevels = 2};
			s.private_ = server_private(&cx, srv);
			check_scope(&cx, &s);
			walk_locations(&cx, &s, srv, srv);
		}
	}
	if (cx.oom) {
		free(cx.f);
		return LG_ENOMEM;
	}
	if (cx.n)
		qsort(cx.f, cx.n, sizeof(*cx.f), by_place);
	for (size_t i = 0; i < cx.n; i++) {
		const finding *f = &cx.f[i];
		lg_check c = {.id = rules[f->r].id,
			      .severity = f->sev,
			      .target = f->at->file ? f->at->file : "(conf)",
			      .line = f->at->line,
			      .evidence = f->evidence,
			      .why = rules[f->r].why,
			      .fix = rules[f->r].fix};
		if (fn(&c, ud))
			break;
	}
	free(cx.f);
	return LG_OK;
}
