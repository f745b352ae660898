/* sink.c: alert sinks: the spec, the bounded queue that keeps log reading
 * from ever waiting on a sink, the thread that empties it, and delivery
 * to stdout, a file and syslog. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sink_int.h"

static const lg_sink_timing default_timing = {
    .connect_ms = 5000,
    .total_ms = 10000,
    .backoff_ms = 1000,
    .retries = 3,
    .max_retry_after_ms = 30000,
};

static const struct {
	const char *name;
	sink_kind kind;
	bool takes_arg;
	const char *usage;
} sink_kinds[] = {
    {"stdout", SINK_STDOUT, false, "stdout"},
    {"file", SINK_FILE, true, "file:PATH"},
    {"syslog", SINK_SYSLOG, false, "syslog"},
    {"slack", SINK_SLACK, true, "slack:URL"},
    {"teams", SINK_TEAMS, true, "teams:URL"},
    {"chatwork", SINK_CHATWORK, true, "chatwork:ROOM_ID"},
    {"webhook", SINK_WEBHOOK, true, "webhook:URL"},
};
#define NKINDS (sizeof(sink_kinds) / sizeof(sink_kinds[0]))

int64_t lg_sink_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the spec ---------------------------------------------------------- */

/* Finds the kind named by the spec's part before ':' and points *arg at
 * the part after it. Only the name is ever quoted back: the argument may
 * be a webhook URL, which is a secret. */
static int parse_spec(const char *spec, const char **arg, char *err,
		      size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	for (size_t i = 0; i < NKINDS; i++) {
		if (strlen(sink_kinds[i].name) != n ||
		    strncmp(spec, sink_kinds[i].name, n))
			continue;
		if (sink_kinds[i].takes_arg && (!colon || !colon[1])) {
			snprintf(err, errlen, "sink %s: expected %s",
				 sink_kinds[i].name, sink_kinds[i].usage);
			return -1;
		}
		if (!sink_kinds[i].takes_arg && colon) {
			snprintf(err, errlen, "sink %s takes no argument",
				 sink_kinds[i].name);
			return -1;
		}
		*arg = colon ? colon + 1 : NULL;
		return (int)i;
	}
	snprintf(err, errlen,
		 "unknown sink \"%.*s\" (expected stdout, file:PATH, syslog, "
		 "slack:URL, teams:URL, chatwork:ROOM_ID or webhook:URL)",
		 (int)(n > 24 ? 24 : n), spec);
	return -1;
}

static bool open_file(lg_sink *s, const char *path, char *err, size_t errlen)
{
	/* 0600: alerts name users, addresses and what they reached; appended
	 * so that a restarted follow adds to the same history */
	s->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		     0600);
	if (s->fd < 0) {
		snprintf(err, errlen, "sink file: cannot open %s: %s", path,
			 strerror(errno));
		return false;
	}
	return true;
}

/* ---- the queue and the thread --------------------------------------------
 */
static char *queue_pop(lg_sink *s)
{
	char *p = s->queue[s->head];
	s->head = (s->head + 1) % LG_SINK_QUEUE_CAP;
	s->len--;
	return p;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool deliver(lg_sink *s, const char *payload)
{
	bool ok;
	switch (s->kind) {
	case SINK_STDOUT:
		/* one locked write and a flush: a line never mixes with what
		 * other threads print, and a live reader sees it at once */
		flockfile(stdout);
		ok = fputs(payload, stdout) >= 0;
		ok = fflush(stdout) == 0 && ok;
		funlockfile(stdout);
		return ok;
	case SINK_FILE:
		/* a single write(2) per line on an O_APPEND descriptor: no
		 * stdio buffer to flush, and concurrent appenders (another
		 * follow, logrotate's copytruncate) never split a line */
		return write_all(s->fd, payload, strlen(payload));
	case SINK_SYSLOG:
		/* the payload's first byte is the priority (sink_format.c) */
		syslog(LOG_DAEMON | (payload[0] - '0'), "%s", payload + 1);
		return true;
	default:
		return lg_sink_http_deliver(s, payload);
	}
}

static void *sink_main(void *arg)
{
	lg_sink *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->len && !s->closing)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->len ||
		    (s->closing && lg_sink_now_ms() >= s->deadline_ms))
			break;
		char *p = queue_pop(s);
		pthread_mutex_unlock(&s->mu);
		s->cut_off = false;
		bool ok = deliver(s, p);
		free(p);
		pthread_mutex_lock(&s->mu);
		if (ok)
			s->stats.sent++;
		else
			s->stats.failed++;
	}
	/* what the close deadline left undelivered; the stats die with the
	 * sink, so the user hears of it here */
	size_t left = s->len + s->cut_off;
	while (s->len) {
		free(queue_pop(s));
		s->stats.dropped++;
	}
	pthread_mutex_unlock(&s->mu);
	if (left)
		fprintf(stderr,
			"leakguard: sink %s: %zu alert%s not delivered before "
			"the close deadline\n",
			s->name, left, left == 1 ? "" : "s");
	return NULL;
}

bool lg_sink_expired(lg_sink *s)
{
	pthread_mutex_lock(&s->mu);
	bool done = s->closing && lg_sink_now_ms() >= s->deadline_ms;
	pthread_mutex_unlock(&s->mu);
	return done;
}

bool lg_sink_sleep(lg_sink *s, unsigned ms)
{
	int64_t until = lg_sink_now_ms() + ms;
	bool alive = true;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		int64_t now = lg_sink_now_ms(), wake = until;
		if (s->closing && now >= s->deadline_ms) {
			alive = false;
			break;
		}
		if (now >= until)
			break;
		if (s->closing && s->deadline_ms < wake)
			wake = s->deadline_ms;
		struct timespec ts = {.tv_sec = wake / 1000,
				      .tv_nsec = (long)(wake % 1000) * 1000000};
		/* woken by sends too: the loop looks at the clock again */
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return alive;
}

void lg_sink_count_retry(lg_sink *s)
{
	pthread_mutex_lock(&s->mu);
	s->stats.retries++;
	pthread_mutex_unlock(&s->mu);
}

void lg_sink_set_timing(lg_sink *s, const lg_sink_timing *t)
{
	pthread_mutex_lock(&s->mu);
	s->timing = *t;
	pthread_mutex_unlock(&s->mu);
}

/* ---- life cycle -----------------------------------------------------------
 */
/* The lock and the condition (on the monotonic clock, so that a clock
 * step does not stretch a backoff). False when they cannot be had. */
static bool init_sync(lg_sink *s)
{
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca))
		return false;
	bool ok = !pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) &&
		  !pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (!ok)
		return false;
	if (pthread_mutex_init(&s->mu, NULL)) {
		pthread_cond_destroy(&s->cv);
		return false;
	}
	return true;
}

/* Frees a sink whose thread is not running (or never ran). */
static void sink_free(lg_sink *s)
{
	if (s->http)
		lg_sink_http_free(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s->queue);
	free(s);
}

/* What each kind needs before its thread starts. */
static bool open_kind(lg_sink *s, const char *arg, char *err, size_t errlen)
{
	switch (s->kind) {
	case SINK_FILE:
		return open_file(s, arg, err, errlen);
	case SINK_SYSLOG:
		/* the ident must be "leakguard" whatever the program is
		 * called; LOG_PID tells two follows apart */
		openlog("leakguard", LOG_PID, LOG_DAEMON);
		return true;
	case SINK_STDOUT:
		return true;
	default:
		return lg_sink_http_open(s, arg, err, errlen);
	}
}

lg_sink *lg_sink_new(const char *spec, const char *lang, char *err,
		     size_t errlen)
{
	if (!spec) {
		snprintf(err, errlen, "no sink given");
		return NULL;
	}
	const char *arg = NULL;
	int k = parse_spec(spec, &arg, err, errlen);
	if (k < 0)
		return NULL;
	lg_sink *s = calloc(1, sizeof(*s));
	char **q = calloc(LG_SINK_QUEUE_CAP, sizeof(*q));
	if (!s || !q) {
		free(s);
		free(q);
		snprintf(err, errlen, "sink %s: out of memory",
			 sink_kinds[k].name);
		return NULL;
	}
	s->kind = sink_kinds[k].kind;
	s->name = sink_kinds[k].name;
	s->ja = lang && !strncmp(lang, "ja", 2);
	s->fd = -1;
	s->queue = q;
	s->timing = default_timing;
	if (!open_kind(s, arg, err, errlen)) {
		sink_free(s);
		return NULL;
	}
	if (!init_sync(s)) {
		snprintf(err, errlen, "sink %s: cannot set up a lock", s->name);
		sink_free(s);
		return NULL;
	}
	if (pthread_create(&s->thread, NULL, sink_main, s)) {
		snprintf(err, errlen, "sink %s: cannot start a thread",
			 s->name);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		sink_free(s);
		return NULL;
	}
	return s;
}

void lg_sink_send(lg_sink *s, const lg_alert *a)
{
	if (!s || !a)
		return;
	/* formatted here, outside the lock: the alert is only borrowed */
	char *p = lg_sink_format(s, a);
	pthread_mutex_lock(&s->mu);
	if (!p) {
		s->stats.failed++;
	} else if (s->closing) {
		free(p);
		s->stats.dropped++;
	} else {
		if (s->len == LG_SINK_QUEUE_CAP) {
			/* the newest alerts matter most in a live incident */
			free(queue_pop(s));
			s->stats.dropped++;
		}
		s->queue[(s->head + s->len) % LG_SINK_QUEUE_CAP] = p;
		s->len++;
		pthread_cond_signal(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
}

void lg_sink_close(lg_sink *s, unsigned deadline_ms)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->closing = true;
	s->deadline_ms = lg_sink_now_ms() + deadline_ms;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->http)
		lg_sink_http_wakeup(s); /* a transfer waiting on the network */
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	sink_free(s);
}

void lg_sink_stats_get(const lg_sink *s, lg_sink_stats *out)
{
	/* the sink is never const itself: only the caller's view is */
	lg_sink *m = (lg_sink *)s;
	pthread_mutex_lock(&m->mu);
	*out = m->stats;
	pthread_mutex_unlock(&m->mu);
}
