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

#endif
