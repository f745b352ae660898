/* audit.h: checks before a change or an ad ships: that personal pages
 * stay out of shared caches (audit cache: live, as several identities),
 * that an nginx configuration does not cache or list them (audit nginx),
 * and that a share link is one file that expires (audit link). Every
 * check comes out as one lg_check: an id, a severity, where, what was
 * seen (masked), why it leaks and the fix. */
#ifndef LEAKGUARD_AUDIT_H
#define LEAKGUARD_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "leakguard/leakguard.h"
#include "leakguard/logs.h" /* lg_severity */

/* One check that failed. Strings are borrowed for the callback's call.
 * `why` and `fix` are English message ids, translated when printed
 * (po/translate.py); `evidence` is data (headers, masked values, the
 * directive as written) and is never translated. */
typedef struct lg_check {
	const char *id; /* stable, e.g. "cache.shared-storable" */
	lg_severity severity;
	const char *target;   /* the URL, or the configuration file */
	uint64_t line;	      /* in target, for configurations; 0: none */
	const char *identity; /* the --as identity it concerns, or NULL */
	const char *evidence;
	const char *why;
	const char *fix;
} lg_check;

/* Called for each failed check; return non-zero to stop. */
typedef int (*lg_check_fn)(const lg_check *c, void *ud);

/* ---- writers (src/output/checks.c) ---------------------------------------
 */
struct json_t;
/* The check as a new JSON object ({"id","severity","target","line",
 * "identity","evidence","why","fix"}; why/fix translated). NULL when out
 * of memory. */
struct json_t *lg_check_json(const lg_check *c);
/* Human-readable, translated; colour only when asked (a tty). */
void lg_check_print_text(FILE *f, const lg_check *c, bool color);

/* ---- HTTP, as the audits fetch (src/audit/http.c) ------------------------
 */
typedef struct lg_http_request {
	const char *url;
	bool head;		    /* HEAD instead of GET */
	const char *const *headers; /* "Name: value", nheaders of them */
	size_t nheaders;	    /* (no cookies are kept between
				     * requests: each is its own) */
	size_t max_body;	    /* bytes kept; 0: 8 MiB */
	long timeout_ms;	    /* 0: 15 s */
	int max_redirects;	    /* 0: redirects are not followed */
} lg_http_request;

typedef struct lg_http_response {
	long status;	/* 0 when no response came */
	char **headers; /* the final response's, "Name: value" */
	size_t nheaders;
	uint8_t *body; /* NUL-terminated; body_len bytes */
	size_t body_len;
	bool truncated;	 /* the body was longer than max_body */
	char *final_url; /* after redirects */
	char error[256]; /* why no response came */
} lg_http_response;

/* Fetches rq->url. LG_OK with a response (any status); LG_EIO with
 * rs->error when none came (refused, timeout, TLS); LG_ENOMEM. Free rs
 * with lg_http_response_free in every case. */
lg_status lg_http_fetch(const lg_http_request *rq, lg_http_response *rs);
void lg_http_response_free(lg_http_response *rs);
/* The first value of header `name` (any case), or NULL; *index (when not
 * NULL) starts the search there and is set past the match, to walk
 * repeated headers (Set-Cookie). */
const char *lg_http_header(const lg_http_response *rs, const char *name,
			   size_t *index);

/* ---- audit cache (src/audit/cache.c) -------------------------------------
 */
/* The live check of issue 5 (a ticket site's "strengthened" cache showed
 * logged-in users each other's cards and addresses): every URL is fetched
 * twice as each identity, in order, then twice anonymously, with a
 * cache-buster shared by all so no real user's cache entry is touched;
 * the responses' headers are judged against RFC 9111 (HDR-01..06), hits
 * on authenticated responses and replayed Set-Cookies are looked for
 * (PRB-04, PRB-02), and every body is scanned: personal data of one
 * identity reaching another or the anonymous visitor is the decisive
 * failure (PRB-01). Check ids are "cache.*" (see cache.c). */
struct lg_detector;

#define LG_CACHE_MAX_IDENTITIES 16

/* One identity: a name and the request headers that make it (a Cookie,
 * an Authorization). Borrowed. */
typedef struct lg_cache_identity {
	const char *name;
	const char *const *headers; /* "Name: value" */
	size_t nheaders;
} lg_cache_identity;

typedef struct lg_cache_config {
	const lg_cache_identity *identities; /* 1..LG_CACHE_MAX_IDENTITIES;
					      * the first is fetched first */
	size_t nidentities;
	const struct lg_detector *detector; /* scans the bodies; required */
	bool no_buster;			    /* fetch the URLs as given */
	bool deception;	 /* add the web cache deception probes (PRB-05) */
	long timeout_ms; /* per request; 0: 15 s */
	size_t max_body; /* per response; 0: 8 MiB */
} lg_cache_config;

/* Audits one URL: 2 * (nidentities + 1) requests (12 more per identity
 * with deception), then fn for each failed check. LG_OK when every
 * request got a response (whatever its status); LG_EIO with err when one
 * did not (nothing is reported for the URL then); LG_EINVAL for a URL
 * that is not http(s); LG_ENOMEM. */
lg_status lg_cache_audit(const lg_cache_config *cfg, const char *url,
			 lg_check_fn fn, void *ud, char *err, size_t errlen);

/* A response's Cache-Control, as a shared cache reads it. */
typedef struct lg_cache_control {
	bool present, no_store, private_, public_, no_cache, must_revalidate;
	long max_age, s_maxage; /* seconds; -1: absent */
} lg_cache_control;
void lg_cache_control_parse(const char *value, lg_cache_control *out);

/* Whether RFC 9111 section 3 lets a shared cache store the response
 * (no no-store, no private; explicit freshness or a heuristically
 * cacheable status). */
bool lg_cache_shared_storable(const lg_http_response *rs);
/* Whether the response says it came from a cache (Age > 0, X-Cache HIT,
 * X-Cache-Status, CF-Cache-Status, Cache-Status hit, X-Varnish with two
 * ids); the headers that say so go to evidence (cap > 0). */
bool lg_cache_hit(const lg_http_response *rs, char *evidence, size_t cap);
/* The first CDN/proxy override header that gives the response a positive
 * time to live despite Cache-Control (CDN-Cache-Control, Cloudflare-CDN-
 * Cache-Control, Surrogate-Control, X-Accel-Expires), as "Name: value" in
 * evidence; false when none. */
bool lg_cache_override(const lg_http_response *rs, char *evidence, size_t cap);
/* The header rules on one response: HDR-01..06 and the missing Vary when
 * `authenticated` (the request carried an identity), only the Set-Cookie
 * rule (HDR-04) otherwise; `personalised`: its body held personal data.
 * Calls fn per failed check (target and identity as given); returns what
 * the last fn call returned, 0 when none. */
int lg_cache_header_rules(const lg_http_response *rs, bool authenticated,
			  bool personalised, const char *target,
			  const char *identity, lg_check_fn fn, void *ud);

/* ---- audit nginx (src/audit/nginx.c) -------------------------------------
 */
struct lg_ngx_conf; /* leakguard/nginxconf.h */

/* Paths that show one user's own data, when none are given: /mypage,
 * /member, /account, /cart, /checkout, /order, /api/me, /user, /profile
 * (NULL-terminated). */
extern const char *const lg_nginx_default_private[];

typedef struct lg_nginx_audit_options {
	/* path prefixes that show one user's data (NULL-terminated); NULL:
	 * lg_nginx_default_private */
	const char *const *private_paths;
	/* session cookie names (NULL-terminated; NULL: none): $cookie_NAME
	 * of one of them, or of a name holding sess, sid, auth, token or
	 * login, separates users; so do $http_cookie and
	 * $http_authorization */
	const char *const *session_cookies;
} lg_nginx_audit_options;

/* Checks every location of every server in conf (with what it inherits
 * from server and http) for caching and listing of private pages; fn
 * gets each failed check (target and line: the directive's file and
 * line), ordered by file and line. LG_ENOMEM when the findings cannot be
 * kept. */
lg_status lg_audit_nginx(const struct lg_ngx_conf *conf,
			 const lg_nginx_audit_options *o, lg_check_fn fn,
			 void *ud);

/* ---- audit link (src/audit/link.c) ----------------------------------------
 */

/* What a share link is, from its shape alone (lg_link_classify). */
typedef enum lg_link_provider {
	LG_LINK_WEB, /* no known share-link or object-store shape */
	LG_LINK_GOOGLE_DRIVE,
	LG_LINK_GOOGLE_DOCS,
	LG_LINK_DROPBOX,
	LG_LINK_SHAREPOINT, /* and OneDrive for Business */
	LG_LINK_ONEDRIVE,   /* 1drv.ms, onedrive.live.com */
	LG_LINK_BOX,
	LG_LINK_S3,
	LG_LINK_GCS,
	LG_LINK_AZURE_BLOB
} lg_link_provider;

typedef enum lg_link_kind {
	LG_LINK_UNKNOWN, /* cannot tell from the URL (Box /s/, Drive open?id=)
			  */
	LG_LINK_FILE,
	LG_LINK_FOLDER, /* a folder or container: today's and future files */
	LG_LINK_LISTING /* the URL asks for a listing (bucket root, comp=list)
			 */
} lg_link_kind;

typedef enum lg_link_expiry {
	LG_EXPIRY_PERMANENT, /* a plain share link or a public object */
	LG_EXPIRY_AT,	     /* signed, expires at `expires_at` */
	LG_EXPIRY_NOT_IN_URL /* signed, but the expiry is elsewhere (Azure si=
			      * stored access policy) or missing */
} lg_link_expiry;

typedef struct lg_link_info {
	lg_link_provider provider;
	lg_link_kind kind;
	lg_link_expiry expiry;
	const char *signature; /* "sigv4", "sigv2", "goog4", "goog2", "sas";
				* NULL: not signed */
	int64_t signed_at;     /* UTC seconds; -1 when not in the URL */
	int64_t expires_at;    /* UTC seconds when expiry == LG_EXPIRY_AT */
	bool writable;	       /* a SAS granting write, delete or create */
	bool listable;	       /* a SAS granting list (sp= with l) */
	bool zip_download;     /* a Dropbox folder link with dl=1 */
	char why_kind[96];     /* the part of the URL that decided `kind` */
	char note[96];	       /* about the expiry (bounds, stored policy) */
} lg_link_info;

/* Classifies `url` by its shape. LG_OK; LG_EINVAL when it is not an
 * http(s) URL with a host. Touches no network. */
lg_status lg_link_classify(const char *url, lg_link_info *out);
const char *lg_link_provider_name(lg_link_provider p); /* "google-drive" */
const char *lg_link_kind_name(lg_link_kind k);	       /* "folder" */

/* Parses "7d", "12h", "30m", "600s" (or plain seconds) into *secs. */
bool lg_duration_parse(const char *s, int64_t *secs);
/* Parses an ISO 8601 UTC time ("2024-05-01T09:00:00Z", "2024-05-01",
 * "20240501T090000Z") into seconds since the epoch. */
bool lg_utc_parse(const char *s, int64_t *secs);

/* `url` with the values of signature parameters (X-Amz-Signature, sig,
 * Signature, X-Goog-Signature, X-Amz-Security-Token) replaced by "***",
 * so a report does not hand out a working link. Caller frees; NULL when
 * out of memory. */
char *lg_link_redact(const char *url);

typedef struct lg_link_policy {
	int64_t now;	    /* UTC seconds */
	int64_t max_expiry; /* seconds a signed link may still live */
} lg_link_policy;

/* The checks the URL's shape fails (link.folder, link.listing,
 * link.permanent, link.expiry-too-long, link.expired, link.ambiguous,
 * link.expiry-not-in-url, link.writable); their target is the redacted
 * URL. Returns what fn returned to stop, else 0. */
int lg_link_check_shape(const char *url, const lg_link_info *li,
			const lg_link_policy *pol, lg_check_fn fn, void *ud);

/* ---- directory listings (src/audit/listing.c) ---- */
typedef enum lg_listing_server {
	LG_LISTING_NONE,
	LG_LISTING_APACHE,
	LG_LISTING_NGINX,      /* autoindex, HTML */
	LG_LISTING_NGINX_JSON, /* autoindex_format json */
	LG_LISTING_NGINX_XML,  /* autoindex_format xml */
	LG_LISTING_IIS,
	LG_LISTING_PYTHON,   /* python -m http.server */
	LG_LISTING_INDEX_OF, /* "Index of" title and heading, server unknown */
	LG_LISTING_S3,	     /* ListBucketResult (S3, GCS XML API, MinIO) */
	LG_LISTING_AZURE     /* EnumerationResults */
} lg_listing_server;

typedef struct lg_listing_entry {
	char *href; /* as written: relative or absolute URL, or an S3 key */
	bool dir;
	int64_t size; /* bytes; -1 when the listing does not say */
} lg_listing_entry;

typedef struct lg_listing {
	lg_listing_server server;
	lg_listing_entry *entries;
	size_t n;
	bool truncated; /* more entries than kept, or IsTruncated */
	char *base;	/* S3 <Name>, Azure ContainerName; or NULL */
} lg_listing;

/* Which server wrote `body` as a directory listing, by at least two of
 * its marks (an "Index of" title alone is not enough); NONE when it is
 * not one. Any bytes; `n` need not end in NUL. */
lg_listing_server lg_listing_recognise(const char *body, size_t n);
/* Recognises and reads up to max_entries entries (parent links, sort
 * links and links off the listing dropped). LG_OK (server NONE when not
 * a listing), LG_ENOMEM. Free with lg_listing_free in every case. */
lg_status lg_listing_parse(const char *body, size_t n, size_t max_entries,
			   lg_listing *out);
void lg_listing_free(lg_listing *l);
const char *lg_listing_server_name(lg_listing_server s);

/* ---- what a reachable link exposes (src/audit/link_probe.c) ---- */
struct lg_detector;
typedef struct lg_link_probe_options {
	const struct lg_detector *detector;
	size_t max_files;   /* files fetched and scanned; 0: 100 */
	uint64_t max_bytes; /* fetched in all; 0: 64 MiB */
	long timeout_ms;    /* per request; 0: 15 s */
} lg_link_probe_options;

/* Fetches `url` without cookies (up to 5 redirects): a sign-in page or
 * 401/403 gives link.not-public; a directory listing is walked (bounded)
 * and every file fetched and scanned, giving one link.exposes check with
 * the counts; a single file is scanned (link.personal-data). LG_OK;
 * LG_EIO when nothing answered (`err` says why); LG_ENOMEM. */
lg_status lg_link_probe(const char *url, const lg_link_info *li,
			const lg_link_probe_options *opt, lg_check_fn fn,
			void *ud, char *err, size_t errlen);

#endif
