/* sink_http.c: delivery of alerts to Slack, Teams, Chatwork and generic
 * webhooks through libcurl, with timeouts and retries, never showing more
 * of a webhook URL (a secret: whoever has it can post) than its host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/leakguard.h"
#include "sink_int.h"
#include "util/curl_api.h"
#include "util/util.h"

struct sink_http {
	CURL *easy;
	CURLM *multi; /* for a transfer that close can interrupt */
	struct curl_slist *headers;
	char *url;
	char host[256]; /* all of the URL that messages may show */
	/* the last failure reported on stderr: a dead webhook in a long
	 * follow says so once, not once per alert */
	long reported_status;
	CURLcode reported_rc;
	bool reported;
};

#define CHATWORK_API "https://api.chatwork.com/v2"

static size_t discard_body(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static bool is_loopback(const char *host)
{
	if (!strcmp(host, "localhost") || !strcmp(host, "[::1]"))
		return true;
	if (strncmp(host, "127.", 4))
		return false;
	return strspn(host, "0123456789.") == strlen(host);
}

/* Checks the URL and keeps its host for messages. Plain http would send
 * the secret URL (and a Chatwork token) in clear over the network, so it
 * is taken only for loopback (a local relay, the tests). */
static bool check_url(lg_sink *s, const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;
	CURLUcode rc =
	    u ? curl_url_set(u, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;
	if (!rc)
		rc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (!rc)
		rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	if (rc)
		snprintf(err, errlen, "sink %s: not a usable URL (%s)", s->name,
			 curl_url_strerror(rc));
	else if (strcmp(scheme, "https") &&
		 (strcmp(scheme, "http") || !is_loopback(host)))
		snprintf(err, errlen,
			 "sink %s: the URL must start with https:// (plain "
			 "http only to a loopback address)",
			 s->name);
	else if (strlen(host) >= sizeof(s->http->host))
		snprintf(err, errlen, "sink %s: the URL's host is too long",
			 s->name);
	else {
		strcpy(s->http->host, host);
		ok = true;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

static bool add_header(struct sink_http *h, const char *line)
{
	struct curl_slist *l = curl_slist_append(h->headers, line);
	if (!l)
		return false;
	h->headers = l;
	return true;
}

/* The room's URL and the X-ChatWorkToken header. The token is read from
 * the environment, not the spec, so that it never shows in `ps`, shell
 * history or a config file; it is never quoted in a message. */
static bool chatwork_setup(lg_sink *s, const char *room, lg_buf *url, char *err,
			   size_t errlen)
{
	size_t n = strlen(room);
	if (n > 20 || strspn(room, "0123456789") != n) {
		snprintf(err, errlen,
			 "sink chatwork: expected a numeric room id "
			 "(chatwork:ROOM_ID)");
		return false;
	}
	const char *token = getenv("LEAKGUARD_CHATWORK_TOKEN");
	if (!token || !*token) {
		snprintf(err, errlen,
			 "sink chatwork: set LEAKGUARD_CHATWORK_TOKEN to the "
			 "API token");
		return false;
	}
	for (const char *p = token; *p; p++) {
		if (*p <= ' ' || *p == 0x7F) { /* header injection */
			snprintf(
			    err, errlen,
			    "sink chatwork: LEAKGUARD_CHATWORK_TOKEN holds "
			    "a character no token has");
			return false;
		}
	}
	const char *base = getenv("LEAKGUARD_CHATWORK_URL");
	if (!base || !*base)
		base = CHATWORK_API;
	size_t bn = strlen(base);
	while (bn && base[bn - 1] == '/')
		bn--;
	lg_buf hdr = {0};
	bool ok =
	    lg_buf_printf(url, "%.*s/rooms/%s/messages", (int)bn, base, room) &&
	    lg_buf_printf(&hdr, "X-ChatWorkToken: %s", token) &&
	    add_header(s->http, hdr.data) &&
	    add_header(s->http, "Content-Type: "
				"application/x-www-form-urlencoded");
	if (hdr.data)
		explicit_bzero(hdr.data, hdr.cap);
	lg_buf_free(&hdr);
	if (!ok)
		snprintf(err, errlen, "sink chatwork: out of memory");
	return ok;
}

static bool easy_setup(lg_sink *s)
{
	struct sink_http *h = s->http;
	CURL *e = h->easy;
	/* NOSIGNAL: a thread must not take SIGALRM for its timeouts; no
	 * redirects: a webhook that moved is a configuration error, and
	 * following it would hand the body to whoever answers */
	return !curl_easy_setopt(e, CURLOPT_URL, h->url) &&
	       !curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers) &&
	       !curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) &&
	       !curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") &&
	       !curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) &&
	       !curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) &&
	       !curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) &&
	       !curl_easy_setopt(e, CURLOPT_USERAGENT,
				 "leakguard/" LG_VERSION) &&
	       !curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
}

bool lg_sink_http_open(lg_sink *s, const char *target, char *err, size_t errlen)
{
	const char *why = lg_curl_ready();
	if (why) {
		snprintf(err, errlen, "sink %s: libcurl: %s", s->name, why);
		return false;
	}
	struct sink_http *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "sink %s: out of memory", s->name);
		return false;
	}
	s->http = h; /* freed by the caller's lg_sink_http_free on failure */
	lg_buf url = {0};
	if (s->kind == SINK_CHATWORK) {
		if (!chatwork_setup(s, target, &url, err, errlen)) {
			lg_buf_free(&url);
			return false;
		}
	} else if (!lg_buf_puts(&url, target) ||
		   !add_header(h, "Content-Type: application/json")) {
		lg_buf_free(&url);
		snprintf(err, errlen, "sink %s: out of memory", s->name);
		return false;
	}
	h->url = url.data;
	if (!check_url(s, h->url, err, errlen))
		return false;
	/* "Expect:": no 100-continue round trip before a larger body */
	if (!add_header(h, "Expect:") || !(h->easy = curl_easy_init()) ||
	    !(h->multi = curl_multi_init()) || !easy_setup(s)) {
		snprintf(err, errlen, "sink %s: cannot set up libcurl",
			 s->name);
		return false;
	}
	return true;
}

/* One attempt: CURLE_OK when an answer came (its status is in the easy
 * handle), else curl's error; *aborted when the close deadline cut it
 * off. */
static CURLcode perform(lg_sink *s, const lg_sink_timing *t,
			const char *payload, bool *aborted)
{
	struct sink_http *h = s->http;
	curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)t->connect_ms);
	curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)t->total_ms);
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)strlen(payload));
	*aborted = false;
	if (curl_multi_add_handle(h->multi, h->easy))
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = CURLE_OK;
	int running = 1;
	while (running) {
		if (curl_multi_perform(h->multi, &running)) {
			rc = CURLE_FAILED_INIT;
			break;
		}
		if (!running)
			break;
		if (lg_sink_expired(s)) {
			*aborted = true;
			break;
		}
		/* woken early by lg_sink_http_wakeup when close comes */
		curl_multi_poll(h->multi, NULL, 0, 100, NULL);
	}
	CURLMsg *m;
	int left;
	while (!*aborted && !rc && (m = curl_multi_info_read(h->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			rc = m->data.result;
	curl_multi_remove_handle(h->multi, h->easy);
	return rc;
}

/* Errors a later attempt may not meet: the network, not the request. */
static bool transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Says on stderr why an alert was given up on, with the host alone. */
static void report(lg_sink *s, CURLcode rc, long status, unsigned retries)
{
	struct sink_http *h = s->http;
	if (h->reported && h->reported_rc == rc && h->reported_status == status)
		return;
	h->reported = true;
	h->reported_rc = rc;
	h->reported_status = status;
	char tail[48] = "";
	if (retries)
		snprintf(tail, sizeof(tail), " (gave up after %u retr%s)",
			 retries, retries == 1 ? "y" : "ies");
	if (rc)
		fprintf(stderr, "leakguard: sink %s: cannot reach %s: %s%s\n",
			s->name, h->host, curl_easy_strerror(rc), tail);
	else
		fprintf(stderr, "leakguard: sink %s: HTTP %ld from %s%s\n",
			s->name, status, h->host, tail);
}

bool lg_sink_http_deliver(lg_sink *s, const char *payload)
{
	struct sink_http *h = s->http;
	pthread_mutex_lock(&s->mu);
	lg_sink_timing t = s->timing;
	pthread_mutex_unlock(&s->mu);
	unsigned backoff = t.backoff_ms;
	for (unsigned attempt = 0;; attempt++) {
		bool aborted;
		long status = 0;
		curl_off_t retry_after = 0;
		CURLcode rc = perform(s, &t, payload, &aborted);
		if (aborted) {
			s->cut_off = true;
			return false;
		}
		if (!rc) {
			curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE,
					  &status);
			curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER,
					  &retry_after);
		}
		if (!rc && status >= 200 && status < 300) {
			h->reported = false; /* a new failure is news again */
			return true;
		}
		/* 429 and 5xx are the service's trouble, not the alert's */
		bool again =
		    rc ? transient(rc) : status == 429 || status >= 500;
		if (!again || attempt == t.retries) {
			report(s, rc, status, attempt);
			return false;
		}
		unsigned wait = backoff;
		if (retry_after > 0)
			wait = retry_after >= t.max_retry_after_ms / 1000
				   ? t.max_retry_after_ms
				   : (unsigned)retry_after * 1000;
		backoff *= 2;
		lg_sink_count_retry(s);
		if (!lg_sink_sleep(s, wait)) {
			s->cut_off = true;
			return false;
		}
	}
}

void lg_sink_http_wakeup(lg_sink *s)
{
	if (s->http->multi)
		curl_multi_wakeup(s->http->multi);
}

void lg_sink_http_free(lg_sink *s)
{
	struct sink_http *h = s->http;
	curl_multi_cleanup(h->multi);
	curl_easy_cleanup(h->easy);
	/* the token and the secret URL do not outlive the sink in memory */
	for (struct curl_slist *l = h->headers; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(h->headers);
	if (h->url)
		explicit_bzero(h->url, strlen(h->url));
	free(h->url);
	free(h);
	s->http = NULL;
}
