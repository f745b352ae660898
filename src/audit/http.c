/* http.c: one request as the audits make it, through libcurl: its own
 * handle (no cookie carried from one request to the next, so identities
 * never mix), the final response's headers kept in order, the body kept
 * up to a bound. */
#include <stdlib.h>
#include <string.h>

#include "leakguard/audit.h"
#include "util/curl_api.h"
#include "util/util.h"

#define DEFAULT_MAX_BODY (8u << 20)

typedef struct fetch {
	lg_http_response *rs;
	size_t max_body, cap;
	bool oom;
} fetch;

static void headers_clear(lg_http_response *rs)
{
	for (size_t i = 0; i < rs->nheaders; i++)
		free(rs->headers[i]);
	free(rs->headers);
	rs->headers = NULL;
	rs->nheaders = 0;
}

/* A header line; a status line starts a new response (after a redirect
 * or a 100 Continue), whose headers replace the ones before. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	fetch *f = ud;
	size_t len = size * n;
	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		headers_clear(f->rs);
		return len;
	}
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	if (!len)
		return size * n;
	char **h = realloc(f->rs->headers,
			   (f->rs->nheaders + 1) * sizeof(*f->rs->headers));
	char *line = h ? strndup(p, len) : NULL;
	if (!line) {
		if (h)
			f->rs->headers = h;
		f->oom = true;
		return 0;
	}
	f->rs->headers = h;
	f->rs->headers[f->rs->nheaders++] = line;
	return size * n;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	fetch *f = ud;
	lg_http_response *rs = f->rs;
	size_t len = size * n, take = len;
	if (rs->body_len + take > f->max_body) {
		take = f->max_body - rs->body_len;
		rs->truncated = true;
	}
	if (rs->body_len + take + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		while (cap < rs->body_len + take + 1)
			cap *= 2;
		uint8_t *b = realloc(rs->body, cap);
		if (!b) {
			f->oom = true;
			return 0;
		}
		rs->body = b;
		f->cap = cap;
	}
	memcpy(rs->body + rs->body_len, p, take);
	rs->body_len += take;
	rs->body[rs->body_len] = '\0';
	return len; /* past the bound: read on, keep nothing */
}

static struct curl_slist *header_list(const lg_http_request *rq, bool *oom)
{
	struct curl_slist *l = NULL;
	for (size_t i = 0; i < rq->nheaders; i++) {
		struct curl_slist *n = curl_slist_append(l, rq->headers[i]);
		if (!n) {
			*oom = true;
			break;
		}
		l = n;
	}
	return l;
}

static bool set_options(CURL *e, const lg_http_request *rq, fetch *f,
			struct curl_slist *hl)
{
	return !curl_easy_setopt(e, CURLOPT_URL, rq->url) &&
	       !curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl) &&
	       !curl_easy_setopt(e, CURLOPT_NOBODY, rq->head ? 1L : 0L) &&
	       !curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) &&
	       !curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") &&
	       !curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
				 "http,https") &&
	       !curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION,
				 rq->max_redirects > 0 ? 1L : 0L) &&
	       !curl_easy_setopt(e, CURLOPT_MAXREDIRS,
				 (long)rq->max_redirects) &&
	       !curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
				 rq->timeout_ms ? rq->timeout_ms : 15000L) &&
	       !curl_easy_setopt(e, CURLOPT_USERAGENT,
				 "leakguard-audit/" LG_VERSION) &&
	       !curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) &&
	       !curl_easy_setopt(e, CURLOPT_HEADERDATA, f) &&
	       !curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) &&
	       !curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
}

lg_status lg_http_fetch(const lg_http_request *rq, lg_http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	const char *why = lg_curl_ready();
	if (why) {
		snprintf(rs->error, sizeof(rs->error), "libcurl: %s", why);
		return LG_EIO;
	}
	fetch f = {rs, rq->max_body ? rq->max_body : DEFAULT_MAX_BODY, 0,
		   false};
	CURL *e = curl_easy_init();
	struct curl_slist *hl = e ? header_list(rq, &f.oom) : NULL;
	if (!e || f.oom || !set_options(e, rq, &f, hl)) {
		curl_slist_free_all(hl);
		if (e)
			curl_easy_cleanup(e);
		return LG_ENOMEM;
	}
	CURLcode r = curl_easy_perform(e);
	if (r == CURLE_OK) {
		char *u = NULL;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &rs->status);
		curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &u);
		rs->final_url = u ? strdup(u) : NULL;
	} else {
		snprintf(rs->error, sizeof(rs->error), "%s",
			 curl_easy_strerror(r));
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(e);
	if (f.oom)
		return LG_ENOMEM;
	return r == CURLE_OK ? LG_OK : LG_EIO;
}

void lg_http_response_free(lg_http_response *rs)
{
	headers_clear(rs);
	free(rs->body);
	free(rs->final_url);
	rs->body = NULL;
	rs->final_url = NULL;
}

const char *lg_http_header(const lg_http_response *rs, const char *name,
			   size_t *index)
{
	size_t n = strlen(name);
	for (size_t i = index ? *index : 0; i < rs->nheaders; i++) {
		const char *h = rs->headers[i];
		if (lg_ascii_ncasecmp(h, name, n) || h[n] != ':')
			continue;
		if (index)
			*index = i + 1;
		h += n + 1;
		while (*h == ' ' || *h == '\t')
			h++;
		return h;
	}
	return NULL;
}
