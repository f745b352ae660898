/* test_sink.c: the alert sinks against a tiny HTTP server on 127.0.0.1
 * (nothing leaves loopback): message shapes for Slack, Teams, Chatwork and
 * webhooks, retries and Retry-After, permanent errors, a server that
 * never answers, queue overflow, the file and stdout sinks, bad specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "leakguard/output.h"
#include "leakguard/sink.h"
#include "output/sink_int.h"
#include "util/util.h"

#define TOKEN "cw-token-5f3a9e1b7c"

/* ---- the loopback server ---------------------------------------------------
 */
typedef struct reply {
	int status;
	const char *headers; /* extra header lines, each ending "\r\n" */
	bool hang; /* read the request, never answer (until release) */
} reply;

typedef struct request {
	char line[512]; /* "POST /path HTTP/1.1" */
	char *head;	/* the header lines */
	char *body;
	int64_t at_ms;
} request;

typedef struct server {
	int lfd;
	unsigned short port;
	pthread_t thread;
	pthread_mutex_t mu;
	const reply *script; /* request i gets script[min(i, n - 1)] */
	size_t nscript;
	bool stop, release;
	request *req;
	size_t nreq, capreq;
} server;

static bool stopping(server *sv)
{
	pthread_mutex_lock(&sv->mu);
	bool s = sv->stop;
	pthread_mutex_unlock(&sv->mu);
	return s;
}

/* Waits until fd is readable: 1, 0 when the server stops, -1 on error. */
static int wait_readable(server *sv, int fd)
{
	for (;;) {
		if (stopping(sv))
			return 0;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 20);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Reads one request into *rq (buffer b keeps what came after it).
 * False at end of connection or stop. */
static bool read_request(server *sv, int fd, lg_buf *b, request *rq)
{
	char *end = NULL;
	size_t body_len = 0, head_len = 0;
	for (;;) {
		if (!end && b->len && (end = strstr(b->data, "\r\n\r\n"))) {
			head_len = (size_t)(end - b->data) + 4;
			const char *cl = strcasestr(b->data, "content-length:");
			body_len =
			    cl && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
		}
		if (end && b->len >= head_len + body_len)
			break;
		char tmp[4096];
		if (wait_readable(sv, fd) <= 0)
			return false;
		ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
		if (n <= 0)
			return false;
		assert_true(lg_buf_append(b, tmp, (size_t)n));
		end = NULL;
	}
	const char *eol = strstr(b->data, "\r\n");
	snprintf(rq->line, sizeof(rq->line), "%.*s", (int)(eol - b->data),
		 b->data);
	rq->head = strndup(eol + 2, head_len - (size_t)(eol + 2 - b->data));
	rq->body = strndup(b->data + head_len, body_len);
	assert_non_null(rq->head);
	assert_non_null(rq->body);
	memmove(b->data, b->data + head_len + body_len,
		b->len - head_len - body_len + 1);
	b->len -= head_len + body_len;
	return true;
}

/* Holds a request until release (true), stop or the client leaving. */
static bool hold(server *sv, int fd)
{
	for (;;) {
		pthread_mutex_lock(&sv->mu);
		bool rel = sv->release, stop = sv->stop;
		pthread_mutex_unlock(&sv->mu);
		if (rel)
			return true;
		if (stop)
			return false;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char c;
		if (poll(&p, 1, 20) > 0 && recv(fd, &c, 1, MSG_PEEK) <= 0)
			return false; /* the client gave up (its timeout) */
	}
}

static void serve_connection(server *sv, int fd)
{
	lg_buf b = {0};
	request rq;
	while (read_request(sv, fd, &b, &rq)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rq.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		pthread_mutex_lock(&sv->mu);
		if (sv->nreq == sv->capreq) {
			sv->capreq = sv->capreq ? 2 * sv->capreq : 16;
			sv->req =
			    realloc(sv->req, sv->capreq * sizeof(*sv->req));
			assert_non_null(sv->req);
		}
		size_t i = sv->nreq < sv->nscript ? sv->nreq : sv->nscript - 1;
		sv->req[sv->nreq++] = rq;
		const reply *r = &sv->script[i];
		pthread_mutex_unlock(&sv->mu);
		if (r->hang && !hold(sv, fd))
			break;
		char out[512];
		int n = snprintf(
		    out, sizeof(out),
		    "HTTP/1.1 %d X\r\nContent-Length: 2\r\n%s\r\nok",
		    r->hang ? 200 : r->status, r->headers ? r->headers : "");
		if (send(fd, out, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	}
	lg_buf_free(&b);
	close(fd);
}

static void *server_main(void *arg)
{
	server *sv = arg;
	while (wait_readable(sv, sv->lfd) > 0) {
		int fd = accept(sv->lfd, NULL, NULL);
		if (fd >= 0)
			serve_connection(sv, fd);
	}
	return NULL;
}

static server *server_start(const reply *script, size_t n)
{
	server *sv = calloc(1, sizeof(*sv));
	assert_non_null(sv);
	sv->script = script;
	sv->nscript = n;
	pthread_mutex_init(&sv->mu, NULL);
	sv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(sv->lfd >= 0);
	/* loopback only, an ephemeral port */
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	assert_int_equal(bind(sv->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(sv->lfd, 16), 0);
	assert_int_equal(getsockname(sv->lfd, (struct sockaddr *)&a, &alen), 0);
	sv->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&sv->thread, NULL, server_main, sv), 0);
	return sv;
}

static void server_release(server *sv)
{
	pthread_mutex_lock(&sv->mu);
	sv->release = true;
	pthread_mutex_unlock(&sv->mu);
}

static size_t server_count(server *sv)
{
	pthread_mutex_lock(&sv->mu);
	size_t n = sv->nreq;
	pthread_mutex_unlock(&sv->mu);
	return n;
}

static void server_stop(server *sv)
{
	pthread_mutex_lock(&sv->mu);
	sv->stop = true;
	pthread_mutex_unlock(&sv->mu);
	pthread_join(sv->thread, NULL);
	close(sv->lfd);
	for (size_t i = 0; i < sv->nreq; i++) {
		free(sv->req[i].head);
		free(sv->req[i].body);
	}
	free(sv->req);
	pthread_mutex_destroy(&sv->mu);
	free(sv);
}

/* ---- helpers ---------------------------------------------------------------
 */
static lg_alert sample_alert(void)
{
	lg_alert a = {0};
	a.rule_id = "cache-leak";
	a.title = "Private page served from cache to another user";
	a.severity = LG_SEV_CRITICAL;
	a.first_us = 1749861663000000LL; /* 2025-06-14 00:41:03 UTC */
	a.last_us = a.first_us + 3600000000LL;
	a.tz_min = 540;
	a.actor_ip = "203.0.113.9";
	a.actor_user = "alice";
	a.host = "shop.example.jp";
	a.path = "/mypage/cards";
	a.count = 45;
	a.hits = 45;
	a.nevidence = 1;
	a.evidence[0].source = "access.log";
	a.evidence[0].line = 1234;
	return a;
}

static lg_sink *new_sink(const char *fmt, unsigned port, const char *lang)
{
	char spec[256], err[256] = "";
	snprintf(spec, sizeof(spec), fmt, port);
	lg_sink *s = lg_sink_new(spec, lang, err, sizeof(err));
	if (!s)
		fail_msg("%s: %s", spec, err);
	/* short waits: the tests check the policy, not the clock */
	lg_sink_timing t = {.connect_ms = 2000,
			    .total_ms = 20000,
			    .backoff_ms = 50,
			    .retries = 3,
			    .max_retry_after_ms = 30000};
	lg_sink_set_timing(s, &t);
	return s;
}

static lg_sink_stats stats(const lg_sink *s)
{
	lg_sink_stats st;
	lg_sink_stats_get(s, &st);
	return st;
}

/* Polls until cond() holds or 15 s pass. */
#define WAIT_UNTIL(cond)                                                       \
	do {                                                                   \
		int64_t until_ = lg_sink_now_ms() + 15000;                     \
		while (!(cond) && lg_sink_now_ms() < until_)                   \
			usleep(5000);                                          \
		assert_true(cond);                                             \
	} while (0)

/* stderr into a file for the length of a test, to see what it says */
typedef struct capture {
	int saved;
	FILE *f;
} capture;

static capture capture_stderr(void)
{
	capture c = {.f = tmpfile()};
	assert_non_null(c.f);
	fflush(stderr);
	c.saved = dup(2);
	dup2(fileno(c.f), 2);
	return c;
}

/* Restores stderr; returns what was written (malloc'd). */
static char *captured(capture *c)
{
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	long n = ftell(c->f);
	char *s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	rewind(c->f);
	assert_int_equal(fread(s, 1, (size_t)n, c->f), (size_t)n);
	fclose(c->f);
	return s;
}

static const char *header(const request *r, const char *name)
{
	const char *h = strcasestr(r->head, name);
	return h ? h + strlen(name) : NULL;
}

/* ---- message shapes ---------------------------------------------------------
 */
static void slack_posts_mrkdwn_text(void **state)
{
	(void)state;
	static const reply ok[] = {{200, NULL, false}};
	server *sv = server_start(ok, 1);
	lg_sink *s = new_sink("slack:http://127.0.0.1:%u/services/T0/B0/abc",
			      sv->port, NULL);
	lg_alert a = sample_alert();
	a.actor_session = NULL;
	lg_sink_send(s, &a);
	lg_sink_close(s, 5000);
	assert_int_equal(server_count(sv), 1);
	const request *r = &sv->req[0];
	assert_string_equal(r->line, "POST /services/T0/B0/abc HTTP/1.1");
	assert_non_null(strstr(header(r, "content-type:"), "application/json"));
	json_t *j = json_loads(r->body, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 1); /* {"text": …} only */
	const char *text = json_string_value(json_object_get(j, "text"));
	assert_non_null(text);
	char first[40];
	lg_time_iso(a.first_us, a.tz_min, first, sizeof(first));
	const char *want[] = {"*leakguard alert: [critical] Private page",
			      "*Severity:* critical",
			      "*Rule:* cache-leak",
			      "user alice",
			      "IP 203.0.113.9",
			      "*Target:* shop.example.jp/mypage/cards",
			      "*Count:* 45",
			      first,
			      "2025-06-14T09:41:03+09:00"};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		if (!strstr(text, want[i]))
			fail_msg("slack text lacks \"%s\":\n%s", want[i], text);
	/* evidence file names stay out of the chat */
	assert_null(strstr(text, "access.log"));
	json_decref(j);
	server_stop(sv);
}

static void slack_escapes_mentions_and_speaks_japanese(void **state)
{
	(void)state;
	char err[256];
	lg_sink *s = lg_sink_new("slack:https://hooks.example.com/x", "ja", err,
				 sizeof(err));
	assert_non_null(s);
	lg_alert a = sample_alert();
	a.actor_user = "<!channel> & co";
	char *p = lg_sink_format(s, &a);
	assert_non_null(p);
	json_t *j = json_loads(p, 0, NULL);
	const char *text = json_string_value(json_object_get(j, "text"));
	assert_non_null(text);
	assert_null(strstr(text, "<!channel>"));
	assert_non_null(strstr(text, "&lt;!channel&gt; &amp; co"));
	const char *want[] = {
	    "*重大度:* 緊急",	  "*ルール:* cache-leak",
	    "*行為者:* ユーザー", "*対象:*",
	    "*件数:* 45",	  "*期間:* 2025-06-14T09:41:03+09:00 〜 "};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		if (!strstr(text, want[i]))
			fail_msg("Japanese text lacks \"%s\":\n%s", want[i],
				 text);
	json_decref(j);
	free(p);
	a.state = "closed"; /* live: the second message of the same alert */
	p = lg_sink_format(s, &a);
	assert_non_null(strstr(p, "*状態:* 終了"));
	free(p);
	lg_sink_close(s, 0);
}

static void teams_posts_a_message_card(void **state)
{
	(void)state;
	static const reply ok[] = {{200, NULL, false}};
	server *sv = server_start(ok, 1);
	lg_sink *s =
	    new_sink("teams:http://127.0.0.1:%u/webhookb2/x", sv->port, "en");
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).sent == 1);
	lg_sink_close(s, 5000);
	json_t *j = json_loads(sv->req[0].body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "@type")),
			    "MessageCard");
	assert_string_equal(json_string_value(json_object_get(j, "@context")),
			    "https://schema.org/extensions");
	assert_string_equal(json_string_value(json_object_get(j, "themeColor")),
			    "C50F1F");
	assert_non_null(strstr(json_string_value(json_object_get(j, "title")),
			       "[critical] Private page served"));
	assert_non_null(json_string_value(json_object_get(j, "summary")));
	json_t *sections = json_object_get(j, "sections");
	assert_int_equal(json_array_size(sections), 1);
	json_t *facts = json_object_get(json_array_get(sections, 0), "facts");
	assert_true(json_array_size(facts) >= 6);
	bool rule = false, count = false;
	for (size_t i = 0; i < json_array_size(facts); i++) {
		json_t *f = json_array_get(facts, i);
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		assert_non_null(n);
		assert_non_null(v);
		rule |= !strcmp(n, "Rule") && !strcmp(v, "cache-leak");
		count |= !strcmp(n, "Count") && !strcmp(v, "45");
	}
	assert_true(rule && count);
	json_decref(j);
	server_stop(sv);
}

/* "body=%5Binfo%5D…" back to the message */
static char *form_decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	assert_non_null(out);
	for (; *s; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && s[1] && s[2]) {
			char hex[3] = {s[1], s[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = 0;
	return out;
}

static void chatwork_posts_form_with_token_never_shown(void **state)
{
	(void)state;
	static const reply script[] = {{200, NULL, false}, {401, NULL, false}};
	server *sv = server_start(script, 2);
	char base[64];
	snprintf(base, sizeof(base), "http://127.0.0.1:%u/v2/", sv->port);
	setenv("LEAKGUARD_CHATWORK_URL", base, 1);
	setenv("LEAKGUARD_CHATWORK_TOKEN", TOKEN, 1);
	capture c = capture_stderr();
	lg_sink *s = new_sink("chatwork:%u", 12345, NULL);
	lg_alert a = sample_alert();
	a.actor_user = "[To:42] mallory";
	lg_sink_send(s, &a);
	lg_sink_send(s, &a); /* 401: a permanent failure, reported */
	WAIT_UNTIL(stats(s).sent + stats(s).failed == 2);
	lg_sink_stats st = stats(s);
	lg_sink_close(s, 1000);
	char *err = captured(&c);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.retries, 0);
	const request *r = &sv->req[0];
	assert_string_equal(r->line, "POST /v2/rooms/12345/messages HTTP/1.1");
	assert_non_null(
	    strstr(header(r, "x-chatworktoken:"), " " TOKEN "\r\n"));
	assert_non_null(strstr(header(r, "content-type:"),
			       "application/x-www-form-urlencoded"));
	assert_memory_equal(r->body, "body=", 5);
	assert_null(strpbrk(r->body, " []\n")); /* encoded */
	char *msg = form_decode(r->body + 5);
	assert_memory_equal(msg, "[info][title]leakguard alert: [critical] ",
			    41);
	assert_non_null(strstr(msg, "[/title]Severity: critical\nRule: "));
	assert_non_null(strstr(msg, "Count: 45\n"));
	/* a log's text cannot open a tag: no mention of account 42 */
	assert_null(strstr(msg, "[To:42]"));
	assert_non_null(strstr(msg, "\xEF\xBC\xBBTo:42]"));
	assert_int_equal(strcmp(msg + strlen(msg) - 7, "[/info]"), 0);
	assert_non_null(strstr(err, "leakguard: sink chatwork: HTTP 401 from "
				    "127.0.0.1"));
	assert_null(strstr(err, TOKEN));
	free(msg);
	free(err);
	unsetenv("LEAKGUARD_CHATWORK_URL");
	unsetenv("LEAKGUARD_CHATWORK_TOKEN");
	server_stop(sv);
}

/* ---- delivery policy --------------------------------------------------------
 */
static void webhook_retries_server_errors_with_backoff(void **state)
{
	(void)state;
	static const reply script[] = {
	    {500, NULL, false}, {503, NULL, false}, {200, NULL, false}};
	server *sv = server_start(script, 3);
	lg_sink *s = new_sink("webhook:http://127.0.0.1:%u/", sv->port, NULL);
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).sent == 1);
	lg_sink_stats st = stats(s);
	lg_sink_close(s, 1000);
	assert_int_equal(st.retries, 2);
	assert_int_equal(st.failed, 0);
	assert_int_equal(server_count(sv), 3);
	/* 50 ms, then 100 ms: the backoff doubles */
	int64_t gap1 = sv->req[1].at_ms - sv->req[0].at_ms,
		gap2 = sv->req[2].at_ms - sv->req[1].at_ms;
	assert_true(gap1 >= 45);
	assert_true(gap2 >= 95);
	/* the generic webhook's body is the alert's JSON, as in jsonl */
	json_t *got = json_loads(sv->req[2].body, 0, NULL),
	       *want = lg_alert_json(&a);
	assert_true(got && json_equal(got, want));
	json_decref(got);
	json_decref(want);
	server_stop(sv);
}

static void honours_retry_after_on_429(void **state)
{
	(void)state;
	static const reply script[] = {{429, "Retry-After: 1\r\n", false},
				       {200, NULL, false}};
	server *sv = server_start(script, 2);
	lg_sink *s = new_sink("slack:http://127.0.0.1:%u/", sv->port, NULL);
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).sent == 1);
	lg_sink_stats st = stats(s);
	lg_sink_close(s, 1000);
	assert_int_equal(st.retries, 1);
	/* one second, as the server asked, not the 50 ms backoff */
	assert_true(sv->req[1].at_ms - sv->req[0].at_ms >= 950);
	server_stop(sv);
}

static void a_404_fails_at_once_and_shows_only_the_host(void **state)
{
	(void)state;
	static const reply script[] = {{404, NULL, false}};
	server *sv = server_start(script, 1);
	capture c = capture_stderr();
	lg_sink *s = new_sink("slack:http://127.0.0.1:%u/services/T0/SECRET",
			      sv->port, NULL);
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).failed == 2);
	lg_sink_stats st = stats(s);
	lg_sink_close(s, 1000);
	char *err = captured(&c);
	assert_int_equal(st.retries, 0);
	assert_int_equal(st.sent, 0);
	assert_int_equal(server_count(sv), 2);
	assert_string_equal(err,
			    "leakguard: sink slack: HTTP 404 from 127.0.0.1\n");
	free(err);
	server_stop(sv);
}

static void a_silent_server_times_out_and_never_blocks_send(void **state)
{
	(void)state;
	static const reply script[] = {{0, NULL, true}};
	server *sv = server_start(script, 1);
	capture c = capture_stderr();
	lg_sink *s = new_sink("webhook:http://127.0.0.1:%u/", sv->port, NULL);
	lg_sink_timing t = {.connect_ms = 400,
			    .total_ms = 400,
			    .backoff_ms = 20,
			    .retries = 3,
			    .max_retry_after_ms = 30000};
	lg_sink_set_timing(s, &t);
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	WAIT_UNTIL(server_count(sv) == 1); /* the sink is now waiting */
	int64_t t0 = lg_sink_now_ms();
	for (int i = 0; i < 100; i++)
		lg_sink_send(s, &a);
	int64_t took = lg_sink_now_ms() - t0;
	/* the sends queue and return: far below one 400 ms timeout */
	assert_true(took < 200);
	WAIT_UNTIL(stats(s).failed == 1);
	lg_sink_stats st = stats(s);
	assert_int_equal(st.retries, 3);
	assert_int_equal(st.sent, 0);
	/* close with no time left: the transfer under way is cut off at
	 * once and the 99 or 100 still queued are dropped */
	t0 = lg_sink_now_ms();
	lg_sink_close(s, 0);
	assert_true(lg_sink_now_ms() - t0 < 300);
	char *err = captured(&c);
	assert_non_null(strstr(err, "leakguard: sink webhook: cannot reach "
				    "127.0.0.1: Timeout was reached (gave up "
				    "after 3 retries)\n"));
	assert_non_null(strstr(err, "alerts not delivered"));
	free(err);
	server_stop(sv);
}

static int64_t body_count(const request *r)
{
	json_t *j = json_loads(r->body, 0, NULL);
	assert_non_null(j);
	int64_t n = (int64_t)json_integer_value(json_object_get(j, "count"));
	json_decref(j);
	return n;
}

static void a_full_queue_drops_the_oldest(void **state)
{
	(void)state;
	static const reply script[] = {{0, NULL, true}};
	server *sv = server_start(script, 1);
	lg_sink *s = new_sink("webhook:http://127.0.0.1:%u/", sv->port, NULL);
	lg_alert a = sample_alert();
	a.count = 0;
	lg_sink_send(s, &a);
	WAIT_UNTIL(server_count(sv) == 1); /* alert 0 is held */
	for (unsigned i = 1; i <= LG_SINK_QUEUE_CAP + 10; i++) {
		a.count = i;
		lg_sink_send(s, &a);
	}
	assert_int_equal(stats(s).dropped, 10);
	server_release(sv);
	WAIT_UNTIL(stats(s).sent == LG_SINK_QUEUE_CAP + 1);
	lg_sink_close(s, 1000);
	assert_int_equal(server_count(sv), LG_SINK_QUEUE_CAP + 1);
	/* 1 … 10 went; 11 … 1034 came, in order */
	assert_int_equal(body_count(&sv->req[0]), 0);
	assert_int_equal(body_count(&sv->req[1]), 11);
	assert_int_equal(body_count(&sv->req[LG_SINK_QUEUE_CAP]),
			 LG_SINK_QUEUE_CAP + 10);
	server_stop(sv);
}

/* ---- local sinks ------------------------------------------------------------
 */
static size_t count_json_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(line[strlen(line) - 1], '\n');
		json_t *j = json_loads(line, 0, NULL);
		assert_non_null(j);
		assert_string_equal(
		    json_string_value(json_object_get(j, "rule")),
		    "cache-leak");
		json_decref(j);
		n++;
	}
	fclose(f);
	return n;
}

static void file_sink_appends_private_json_lines(void **state)
{
	(void)state;
	char dir[] = "/tmp/lg-sink-XXXXXX", path[64], spec[80], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
	snprintf(spec, sizeof(spec), "file:%s", path);
	mode_t old = umask(0); /* 0600 must come from the sink, not umask */
	lg_sink *s = lg_sink_new(spec, NULL, err, sizeof(err));
	umask(old);
	assert_non_null(s);
	lg_alert a = sample_alert();
	lg_sink_send(s, &a);
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).sent == 2);
	lg_sink_close(s, 1000);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_json_lines(path), 2);
	s = lg_sink_new(spec, NULL, err, sizeof(err));
	assert_non_null(s);
	lg_sink_send(s, &a);
	lg_sink_close(s, 1000); /* delivers what is queued */
	assert_int_equal(count_json_lines(path), 3);
	unlink(path);
	rmdir(dir);
}

static void stdout_sink_writes_whole_flushed_lines(void **state)
{
	(void)state;
	char path[] = "/tmp/lg-sink-out-XXXXXX", err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stdout);
	int saved = dup(1);
	dup2(fd, 1);
	lg_sink *s = lg_sink_new("stdout", NULL, err, sizeof(err));
	assert_non_null(s);
	lg_alert a = sample_alert();
	for (int i = 0; i < 3; i++)
		lg_sink_send(s, &a);
	/* flushed per alert: the lines are in the file before close */
	WAIT_UNTIL(stats(s).sent == 3);
	size_t n = count_json_lines(path);
	lg_sink_close(s, 1000);
	dup2(saved, 1);
	close(saved);
	close(fd);
	assert_int_equal(n, 3);
	unlink(path);
}

static void syslog_line_has_the_keys(void **state)
{
	(void)state;
	char err[256];
	lg_sink *s = lg_sink_new("syslog", NULL, err, sizeof(err));
	assert_non_null(s);
	lg_alert a = sample_alert();
	a.actor_user = "bob smith\nrule=forged";
	char *p = lg_sink_format(s, &a);
	assert_non_null(p);
	assert_int_equal(p[0], '0' + LOG_CRIT);
	assert_string_equal(
	    p + 1, "rule=cache-leak severity=critical "
		   "actor=bob%20smith%0Arule%3Dforged "
		   "target=shop.example.jp/mypage/cards count=45 "
		   "first=2025-06-14T09:41:03+09:00 "
		   "last=2025-06-14T10:41:03+09:00 "
		   "title=Private page served from cache to another user");
	free(p);
	a.severity = LG_SEV_LOW;
	a.state = "open";
	p = lg_sink_format(s, &a);
	assert_int_equal(p[0], '0' + LOG_NOTICE);
	assert_non_null(strstr(p, " state=open title="));
	free(p);
	lg_sink_send(s, &a);
	WAIT_UNTIL(stats(s).sent == 1);
	lg_sink_close(s, 1000);
}

/* ---- specs ------------------------------------------------------------------
 */
static void bad_specs_say_what_is_wrong(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *want;
	} cases[] = {
	    {"", "unknown sink \"\""},
	    {"nope", "unknown sink \"nope\""},
	    {"slak:https://hooks.slack.com/SECRET", "unknown sink \"slak\""},
	    {"file", "sink file: expected file:PATH"},
	    {"file:", "sink file: expected file:PATH"},
	    {"stdout:x", "sink stdout takes no argument"},
	    {"file:/nonexistent-lg/a.jsonl", "sink file: cannot open "
					     "/nonexistent-lg/a.jsonl"},
	    {"slack:not a url", "sink slack: not a usable URL"},
	    {"slack:http://hooks.slack.com/services/SECRET",
	     "sink slack: the URL must start with https://"},
	    {"teams:ftp://127.0.0.1/SECRET", "must start with https://"},
	    {"webhook:https://", "sink webhook: not a usable URL"},
	    {"chatwork:12ab", "sink chatwork: expected a numeric room id"},
	    {"chatwork:123", "set LEAKGUARD_CHATWORK_TOKEN"},
	};
	unsetenv("LEAKGUARD_CHATWORK_TOKEN");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char err[256] = "";
		lg_sink *s = lg_sink_new(cases[i].spec, NULL, err, sizeof(err));
		if (s)
			fail_msg("\"%s\" was taken", cases[i].spec);
		if (!strstr(err, cases[i].want))
			fail_msg("\"%s\": got \"%s\"", cases[i].spec, err);
		assert_null(strstr(err, "SECRET")); /* URLs are secrets */
	}
	char err[256];
	assert_null(lg_sink_new(NULL, NULL, err, sizeof(err)));
	setenv("LEAKGUARD_CHATWORK_TOKEN", "bad\r\nX-Evil: 1", 1);
	assert_null(lg_sink_new("chatwork:1", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "holds a character no token has"));
	assert_null(strstr(err, "Evil"));
	unsetenv("LEAKGUARD_CHATWORK_TOKEN");
	lg_sink_close(NULL, 0);
}

int main(void)
{
	/* nothing may leave loopback: no proxy from the environment */
	const char *proxies[] = {"http_proxy", "https_proxy", "all_proxy",
				 "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"};
	for (size_t i = 0; i < sizeof(proxies) / sizeof(*proxies); i++)
		unsetenv(proxies[i]);
	setenv("NO_PROXY", "*", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(slack_posts_mrkdwn_text),
	    cmocka_unit_test(slack_escapes_mentions_and_speaks_japanese),
	    cmocka_unit_test(teams_posts_a_message_card),
	    cmocka_unit_test(chatwork_posts_form_with_token_never_shown),
	    cmocka_unit_test(webhook_retries_server_errors_with_backoff),
	    cmocka_unit_test(honours_retry_after_on_429),
	    cmocka_unit_test(a_404_fails_at_once_and_shows_only_the_host),
	    cmocka_unit_test(a_silent_server_times_out_and_never_blocks_send),
	    cmocka_unit_test(a_full_queue_drops_the_oldest),
	    cmocka_unit_test(file_sink_appends_private_json_lines),
	    cmocka_unit_test(stdout_sink_writes_whole_flushed_lines),
	    cmocka_unit_test(syslog_line_has_the_keys),
	    cmocka_unit_test(bad_specs_say_what_is_wrong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
