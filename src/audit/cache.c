/* cache.c: `audit cache`, live: fetches a URL as each identity and
 * anonymously, twice each, and proves from what came back whether a
 * shared cache hands one user's page, session or personal data to
 * another (the ticket-site incident of issue 5: four hours of users
 * seeing each other's cards and addresses after a cache change). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "leakguard/audit.h"
#include "leakguard/detect.h"
#include "leakguard/text.h"
#include "util/util.h"

#define N_(s) (s)

#define MAX_VALUES 256 /* personal-data values kept per body */
#define MIN_SESSION_LEN                                                        \
	8 /* a shorter cookie value is a setting, not                          \
	   * a session id */

/* A personal-data value found in one body. */
typedef struct pii {
	lg_type type;
	char value[LG_VALUE_MAX];
	char masked[LG_VALUE_MAX];
} pii;

/* One request and what came back. */
typedef struct probe {
	const char *who; /* identity name, or "anonymous" */
	int client;	 /* who made it: identity i is i, the anonymous
			  * fetches each their own (a fresh visitor) */
	int nth;	 /* 1 or 2 */
	bool auth;
	lg_http_response rs;
	pii *values;
	size_t nvalues;
	bool oom;
} probe;

typedef struct run {
	const lg_cache_config *cfg;
	const char *target; /* the URL as given */
	lg_check_fn fn;
	void *ud;
	int rc;
	char emitted[16][40]; /* header-rule ids already reported */
	size_t nemitted;
} run;

static void emit(run *r, const char *id, lg_severity sev, const char *identity,
		 const char *evidence, const char *why, const char *fix)
{
	if (r->rc)
		return;
	lg_check c = {id, sev, r->target, 0, identity, evidence, why, fix};
	r->rc = r->fn(&c, r->ud);
}

/* ---- bodies to personal-data values ------------------------------------
 */
static int on_finding(const lg_finding *f, void *ud)
{
	probe *p = ud;
	for (size_t i = 0; i < p->nvalues; i++)
		if (p->values[i].type == f->type &&
		    !strcmp(p->values[i].value, f->value))
			return 0;
	if (p->nvalues == MAX_VALUES)
		return 0;
	if (!p->values && !(p->values = calloc(MAX_VALUES, sizeof(pii)))) {
		p->oom = true;
		return 1;
	}
	pii *v = &p->values[p->nvalues++];
	v->type = f->type;
	lg_copy_cut(v->value, sizeof(v->value), f->value);
	lg_copy_cut(v->masked, sizeof(v->masked), f->masked);
	return 0;
}

/* The iconv name of a Content-Type's charset into enc, "" when none. */
static void content_charset(const char *ct, char *enc, size_t cap)
{
	enc[0] = '\0';
	const char *c = ct ? lg_ascii_casestr(ct, "charset=") : NULL;
	if (!c)
		return;
	c += 8;
	if (*c == '"')
		c++;
	size_t n = strcspn(c, "\"; \t");
	snprintf(enc, cap, "%.*s", (int)n, c);
	/* what Japanese servers call Shift_JIS is Windows' CP932 */
	if (!lg_ascii_casecmp(enc, "shift_jis") ||
	    !lg_ascii_casecmp(enc, "sjis") ||
	    !lg_ascii_casecmp(enc, "x-sjis") ||
	    !lg_ascii_casecmp(enc, "windows-31j"))
		snprintf(enc, cap, "CP932");
}

static bool not_text(const char *ct)
{
	static const char *const kinds[] = {
	    "image/", "audio/", "video/", "font/", "application/octet-stream"};
	for (size_t i = 0; ct && i < sizeof(kinds) / sizeof(*kinds); i++)
		if (!lg_ascii_ncasecmp(ct, kinds[i], strlen(kinds[i])))
			return true;
	return false;
}

/* The body as UTF-8 text (decoded from its charset, HTML tags dropped)
 * into *out; false when out of memory. An unknown charset is read as
 * the sniffer guesses. */
static bool body_text(const lg_http_response *rs, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	const char *ct = lg_http_header(rs, "Content-Type", NULL);
	if (!rs->body_len || not_text(ct))
		return true;
	char enc[40];
	content_charset(ct, enc, sizeof(enc));
	lg_sniff sn;
	lg_text_sniff(rs->body, rs->body_len < 65536 ? rs->body_len : 65536,
		      &sn);
	if (!enc[0]) {
		if (sn.binary)
			return true;
		snprintf(enc, sizeof(enc), "%s", sn.encoding);
	}
	uint8_t *u = NULL;
	size_t ulen = 0, cap = 0;
	char err[128];
	lg_decoder *d =
	    lg_ascii_casecmp(enc, "UTF-8") && lg_ascii_casecmp(enc, "utf8")
		? lg_decoder_new(enc, err, sizeof(err))
		: NULL;
	if (!d && lg_ascii_casecmp(enc, sn.encoding) &&
	    lg_ascii_casecmp(enc, "UTF-8"))
		d = lg_decoder_new(sn.encoding, err, sizeof(err));
	if (d) {
		lg_decode_stats st = {0};
		lg_status s = lg_decoder_feed(d, rs->body, rs->body_len, true,
					      &u, &ulen, &cap, &st);
		lg_decoder_free(d);
		if (s != LG_OK) {
			free(u);
			return false;
		}
	} else {
		if (!(u = malloc(rs->body_len + 1)))
			return false;
		memcpy(u, rs->body, rs->body_len);
		ulen = rs->body_len;
	}
	bool html =
	    (ct && lg_ascii_casestr(ct, "html")) || lg_html_sniff(u, ulen);
	if (!html) {
		*out = u;
		*len = ulen;
		return true;
	}
	lg_html *h = lg_html_new();
	uint8_t *t = NULL;
	size_t tlen = 0, tcap = 0;
	lg_status s =
	    h ? lg_html_feed(h, u, ulen, true, &t, &tlen, &tcap) : LG_ENOMEM;
	lg_html_free(h);
	free(u);
	if (s != LG_OK) {
		free(t);
		return false;
	}
	*out = t;
	*len = tlen;
	return true;
}

static lg_status scan_body(const lg_cache_config *cfg, probe *p)
{
	uint8_t *text;
	size_t len;
	if (!body_text(&p->rs, &text, &len))
		return LG_ENOMEM;
	lg_status s = LG_OK;
	if (len)
		s = lg_detect_buffer(cfg->detector, text, len, on_finding, p);
	free(text);
	return p->oom ? LG_ENOMEM : s;
}

/* ---- the requests -------------------------------------------------------
 */
/* A parameter no application reads, random per URL and shared by every
 * identity, so the probe's cache entries are its own. */
static void buster_value(char out[17])
{
	uint64_t x = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &x, sizeof(x)) != sizeof(x))
		x = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	if (fd >= 0)
		close(fd);
	snprintf(out, 17, "%016llx", (unsigned long long)x);
}

/* url with `suffix` appended to its path and the buster (when not NULL)
 * to its query; the fragment is dropped. NULL when out of memory. */
static char *probe_url(const char *url, const char *suffix, const char *buster)
{
	size_t frag = strcspn(url, "#");
	size_t path_end = strcspn(url, "?#");
	lg_buf b = {0};
	bool ok = lg_buf_append(&b, url, path_end) &&
		  lg_buf_puts(&b, suffix ? suffix : "") &&
		  lg_buf_append(&b, url + path_end, frag - path_end);
	if (ok && buster)
		ok = lg_buf_printf(&b, "%clgcb=%s",
				   url[path_end] == '?' ? '&' : '?', buster);
	if (!ok) {
		lg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static lg_status fetch(const lg_cache_config *cfg, const char *url,
		       const lg_cache_identity *id, probe *p, char *err,
		       size_t errlen)
{
	lg_http_request rq = {
	    .url = url,
	    .headers = id ? id->headers : NULL,
	    .nheaders = id ? id->nheaders : 0,
	    .max_body = cfg->max_body,
	    .timeout_ms = cfg->timeout_ms,
	};
	lg_status s = lg_http_fetch(&rq, &p->rs);
	if (s == LG_EIO)
		snprintf(err, errlen, "%s", p->rs.error);
	if (s == LG_OK)
		s = scan_body(cfg, p);
	return s;
}

static void probe_free(probe *p)
{
	lg_http_response_free(&p->rs);
	free(p->values);
}

/* ---- the probe checks ----------------------------------------------------
 */
static bool header_rule_new(run *r, const char *id)
{
	for (size_t i = 0; i < r->nemitted; i++)
		if (!strcmp(r->emitted[i], id))
			return false;
	if (r->nemitted < sizeof(r->emitted) / sizeof(*r->emitted))
		lg_copy_cut(r->emitted[r->nemitted++], sizeof(*r->emitted), id);
	return true;
}

/* Passes a header rule on to the run once per URL, whichever identity
 * first showed it. */
static int on_header_rule(const lg_check *c, void *ud)
{
	run *r = ud;
	if (header_rule_new(r, c->id)) {
		if (!r->rc)
			r->rc = r->fn(c, r->ud);
	}
	return r->rc;
}

static void check_headers(run *r, probe *ps, size_t n)
{
	for (size_t i = 0; i < n && !r->rc; i++)
		lg_cache_header_rules(&ps[i].rs, ps[i].auth, ps[i].nvalues > 0,
				      r->target, ps[i].who, on_header_rule, r);
}

/* PRB-04: an authenticated response served from a cache. */
static void check_hits(run *r, probe *ps, size_t n)
{
	lg_buf ev = {0};
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		char h[512];
		if (!ps[i].auth || !lg_cache_hit(&ps[i].rs, h, sizeof(h)))
			continue;
		if (!first)
			first = ps[i].who;
		lg_buf_printf(&ev, "%s%s #%d: %s", ev.len ? " | " : "",
			      ps[i].who, ps[i].nth, h);
	}
	if (first)
		emit(r, "cache.hit-authenticated", LG_SEV_HIGH, first,
		     ev.data ? ev.data : "",
		     N_("a response to a logged-in request came from a cache: "
			"what is stored under this URL is one user's page, "
			"ready for the next visitor"),
		     N_("bypass the cache for requests with a session cookie "
			"or Authorization (nginx: proxy_no_cache and "
			"proxy_cache_bypass on $cookie_SESSION and "
			"$http_authorization) and send 'private, no-store'"));
	lg_buf_free(&ev);
}

/* The name=value of a Set-Cookie into out; false for a short value
 * (a setting) or an emptied one (a logout). */
static bool session_cookie(const char *sc, char *out, size_t cap)
{
	size_t n = strcspn(sc, ";");
	const char *eq = memchr(sc, '=', n);
	if (!eq || (size_t)(sc + n - eq - 1) < MIN_SESSION_LEN)
		return false;
	snprintf(out, cap, "%.*s", (int)n, sc);
	return true;
}

static bool sets_cookie(const probe *p, const char *pair)
{
	size_t at = 0;
	const char *sc;
	char c[512];
	while ((sc = lg_http_header(&p->rs, "Set-Cookie", &at)))
		if (session_cookie(sc, c, sizeof(c)) && !strcmp(c, pair))
			return true;
	return false;
}

/* PRB-02 and PRB-06: the same session cookie set for two clients. */
static void check_cookie_replay(run *r, probe *ps, size_t n)
{
	for (size_t i = 0; i < n && !r->rc; i++) {
		size_t at = 0;
		const char *sc;
		char pair[512];
		while ((sc = lg_http_header(&ps[i].rs, "Set-Cookie", &at))) {
			if (!session_cookie(sc, pair, sizeof(pair)))
				continue;
			size_t j = 0;
			for (; j < i; j++)
				if (sets_cookie(&ps[j], pair))
					break;
			if (j < i)
				continue; /* reported from its first */
			lg_buf ev = {0};
			for (j = i + 1; j < n; j++)
				if (ps[j].client != ps[i].client &&
				    sets_cookie(&ps[j], pair))
					lg_buf_printf(&ev, "%s%s #%d",
						      ev.len ? ", " : "",
						      ps[j].who, ps[j].nth);
			if (ev.len) {
				char head[160];
				snprintf(head, sizeof(head),
					 "Set-Cookie %.*s=… given to %s #%d, "
					 "then to ",
					 (int)strcspn(pair, "="), pair,
					 ps[i].who, ps[i].nth);
				lg_buf b = {0};
				lg_buf_printf(&b, "%s%s", head, ev.data);
				emit(r, "cache.set-cookie-replayed",
				     LG_SEV_CRITICAL, ps[i].who,
				     b.data ? b.data : head,
				     N_("the same session cookie was set for "
					"different visitors: a cache stored "
					"the response with its Set-Cookie and "
					"replays it, so they share one "
					"session (one account)"),
				     N_("never cache responses that set a "
					"cookie (nginx: remove "
					"'proxy_ignore_headers Set-Cookie', or "
					"add 'proxy_hide_header Set-Cookie'), "
					"send 'private, no-store' with them, "
					"and revoke the sessions handed out"));
				lg_buf_free(&b);
			}
			lg_buf_free(&ev);
		}
	}
}

static const pii *find_value(const probe *p, const pii *v)
{
	for (size_t i = 0; i < p->nvalues; i++)
		if (p->values[i].type == v->type &&
		    !strcmp(p->values[i].value, v->value))
			return &p->values[i];
	return NULL;
}

static bool same_body(const probe *a, const probe *b)
{
	return a->rs.body_len == b->rs.body_len &&
	       (!a->rs.body_len ||
		!memcmp(a->rs.body, b->rs.body, a->rs.body_len));
}

/* Appends to ev the values of `owner` found in `got`, leaving out those
 * `before[0..nbefore)` (other clients' earlier responses) already held:
 * when bob was served alice's page, they are alice's, not bob's. Returns
 * how many. */
static size_t crossed_values(const probe *owner, const probe *got,
			     const probe *before, size_t nbefore, lg_buf *ev)
{
	size_t k = 0;
	for (size_t v = 0; v < owner->nvalues; v++) {
		if (!find_value(got, &owner->values[v]))
			continue;
		size_t b = 0;
		while (b < nbefore &&
		       (before[b].client == owner->client ||
			!find_value(&before[b], &owner->values[v])))
			b++;
		if (b < nbefore)
			continue;
		if (k < 8)
			lg_buf_printf(ev, "%s%s %s", k ? ", " : "",
				      lg_type_id(owner->values[v].type),
				      owner->values[v].masked);
		k++;
	}
	if (k > 8)
		lg_buf_printf(ev, " (+%zu more)", k - 8);
	return k;
}

static const char *const crossed_why =
    N_("personal data in one user's page reached another visitor: a "
       "shared cache stored the page of the first and serves it to the "
       "others (the incident this check exists for)");
static const char *const crossed_fix =
    N_("turn the cache off for personal pages now and purge it; then "
       "bypass it for requests with a session cookie or Authorization and "
       "send 'Cache-Control: private, no-store' from the application");

/* PRB-01: an identity's values in the body another client received. */
static void check_crossed(run *r, probe *ps, size_t n)
{
	for (size_t i = 0; i < n && !r->rc; i++) {
		if (!ps[i].auth || !ps[i].nvalues || ps[i].nth != 1)
			continue;
		const char *last = NULL;
		for (size_t j = i + 1; j < n && !r->rc; j++) {
			if (ps[j].client == ps[i].client ||
			    (last && !strcmp(last, ps[j].who)))
				continue;
			lg_buf ev = {0};
			lg_buf_printf(&ev, "%s #%d received %s's ", ps[j].who,
				      ps[j].nth, ps[i].who);
			size_t k = crossed_values(&ps[i], &ps[j], ps, i, &ev);
			if (k && same_body(&ps[i], &ps[j]))
				lg_buf_puts(&ev, "; the same body byte for "
						 "byte");
			if (k) {
				last = ps[j].who; /* once per receiver */
				emit(r, "cache.personal-data-crossed",
				     LG_SEV_CRITICAL, ps[j].who,
				     ev.data ? ev.data : "", crossed_why,
				     crossed_fix);
			}
			lg_buf_free(&ev);
		}
	}
}

/* ---- web cache deception (PRB-05) ----------------------------------------
 */
/* Paths a static-file cache rule matches while the application still
 * serves the personal page (Omer Gil's web cache deception). */
static const char *const deception_suffixes[] = {
    "/lg%s.css", ";lg%s.js", "%%2Flg%s.css", "/lg%s.png", ".css", "/"};

static const char *const deception_why =
    N_("web cache deception: the page answers under a path that looks like "
       "a static file, the cache stores it as one, and anyone who opens the "
       "same link gets the user's page");
static const char *const deception_fix =
    N_("make the application answer 404 for unknown paths under personal "
       "pages, and cache static files by location (a folder), never by "
       "extension alone");

/* One deception path: as the first identity, then anonymously; when the
 * anonymous visitor received the owner's data, appends the path to
 * `paths` and (the first time) the data to `values`. */
static lg_status deception_probe(run *r, const char *suffix, const char *buster,
				 const probe *owner, lg_buf *paths,
				 lg_buf *values, char *err, size_t errlen)
{
	const lg_cache_config *cfg = r->cfg;
	char *url = probe_url(r->target, suffix, buster);
	if (!url)
		return LG_ENOMEM;
	probe as[2] = {{.who = cfg->identities[0].name, .auth = true},
		       {.who = "anonymous", .client = -1}};
	lg_status s = fetch(cfg, url, &cfg->identities[0], &as[0], err, errlen);
	if (s == LG_OK)
		s = fetch(cfg, url, NULL, &as[1], err, errlen);
	if (s == LG_OK && as[1].rs.status == 200) {
		lg_buf got = {0};
		/* the owner's values from the page itself, or from the
		 * probe's own response */
		size_t k = crossed_values(owner, &as[1], NULL, 0, &got);
		if (!k)
			k = crossed_values(&as[0], &as[1], NULL, 0, &got);
		if (k) {
			lg_buf_printf(paths, "%s%s", paths->len ? ", " : "",
				      suffix);
			if (!values->len)
				lg_buf_puts(values, got.data);
		}
		lg_buf_free(&got);
	}
	probe_free(&as[0]);
	probe_free(&as[1]);
	free(url);
	return s;
}

/* PRB-05: one check per URL naming every path that leaked. */
static lg_status check_deception(run *r, const char *buster, const probe *owner,
				 char *err, size_t errlen)
{
	lg_status s = LG_OK;
	lg_buf paths = {0}, values = {0};
	for (size_t v = 0;
	     v < sizeof(deception_suffixes) / sizeof(*deception_suffixes) &&
	     s == LG_OK;
	     v++) {
		char suffix[64], rnd[17];
		buster_value(rnd);
		snprintf(suffix, sizeof(suffix), deception_suffixes[v], rnd);
		s = deception_probe(r, suffix,
				    r->cfg->no_buster ? NULL : buster, owner,
				    &paths, &values, err, errlen);
	}
	if (s == LG_OK && paths.len) {
		lg_buf ev = {0};
		lg_buf_printf(&ev, "anonymous received %s's %s under %s",
			      owner->who, values.data ? values.data : "",
			      paths.data);
		emit(r, "cache.deception", LG_SEV_CRITICAL, "anonymous",
		     ev.data ? ev.data : paths.data, deception_why,
		     deception_fix);
		lg_buf_free(&ev);
	}
	lg_buf_free(&paths);
	lg_buf_free(&values);
	return s;
}

/* ---- the run ------------------------------------------------------------
 */
lg_status lg_cache_audit(const lg_cache_config *cfg, const char *url,
			 lg_check_fn fn, void *ud, char *err, size_t errlen)
{
	err[0] = '\0';
	if (lg_ascii_ncasecmp(url, "http://", 7) &&
	    lg_ascii_ncasecmp(url, "https://", 8)) {
		snprintf(err, errlen, "not an http(s) URL");
		return LG_EINVAL;
	}
	if (!cfg->nidentities || cfg->nidentities > LG_CACHE_MAX_IDENTITIES ||
	    !cfg->detector) {
		snprintf(err, errlen, "1 to %d identities are needed",
			 LG_CACHE_MAX_IDENTITIES);
		return LG_EINVAL;
	}
	char buster[17];
	buster_value(buster);
	char *u = probe_url(url, NULL, cfg->no_buster ? NULL : buster);
	size_t n = 2 * (cfg->nidentities + 1);
	probe *ps = calloc(n, sizeof(*ps));
	if (!u || !ps) {
		free(u);
		free(ps);
		return LG_ENOMEM;
	}
	/* alice #1, alice #2, bob #1, bob #2, ..., anonymous #1, #2: the
	 * first identity's page is stored first, if anything stores it */
	lg_status s = LG_OK;
	for (size_t i = 0; i < n && s == LG_OK; i++) {
		size_t who = i / 2;
		bool anon = who == cfg->nidentities;
		ps[i].who = anon ? "anonymous" : cfg->identities[who].name;
		ps[i].client = (int)(anon ? who + i % 2 : who);
		ps[i].nth = (int)(i % 2) + 1;
		ps[i].auth = !anon;
		s = fetch(cfg, u, anon ? NULL : &cfg->identities[who], &ps[i],
			  err, errlen);
	}
	run r = {.cfg = cfg, .target = url, .fn = fn, .ud = ud};
	if (s == LG_OK) {
		check_crossed(&r, ps, n);
		check_cookie_replay(&r, ps, n);
		check_hits(&r, ps, n);
		check_headers(&r, ps, n);
		if (cfg->deception && !r.rc)
			s = check_deception(&r, buster, &ps[0], err, errlen);
	}
	for (size_t i = 0; i < n; i++)
		probe_free(&ps[i]);
	free(ps);
	free(u);
	return s;
}
