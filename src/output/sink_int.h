/* sink_int.h: what the sink's queue and thread (sink.c), its message
 * formats (sink_format.c) and its HTTP delivery (sink_http.c) share. */
#ifndef LG_SINK_INT_H
#define LG_SINK_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "leakguard/sink.h"

typedef enum sink_kind {
	SINK_STDOUT,
	SINK_FILE,
	SINK_SYSLOG,
	SINK_SLACK,
	SINK_TEAMS,
	SINK_CHATWORK,
	SINK_WEBHOOK
} sink_kind;

/* Timeouts and backoff; the defaults are the production values, tests
 * shorten them through lg_sink_set_timing. */
typedef struct lg_sink_timing {
	unsigned connect_ms;	     /* 5 s */
	unsigned total_ms;	     /* 10 s per attempt */
	unsigned backoff_ms;	     /* first retry after 1 s, then doubling */
	unsigned retries;	     /* 3 */
	unsigned max_retry_after_ms; /* 30 s: a longer Retry-After is cut */
} lg_sink_timing;

struct sink_http; /* sink_http.c */

#define LG_SINK_QUEUE_CAP 1024

struct lg_sink {
	sink_kind kind;
	const char *name; /* "slack": for messages on stderr */
	bool ja;
	int fd; /* SINK_FILE */
	struct sink_http *http;
	lg_sink_timing timing;
	bool cut_off; /* the thread's: a delivery ended by the deadline */

	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cv;  /* queue changed, or closing */
	char **queue;	    /* ring of formatted payloads */
	size_t head, len;
	bool closing;
	int64_t deadline_ms; /* monotonic; meaningful once closing */
	lg_sink_stats stats;
	pthread_t thread;
};

/* ---- sink.c: for the delivery code ---- */
int64_t lg_sink_now_ms(void);
/* True once the close deadline has passed: give up what is under way. */
bool lg_sink_expired(lg_sink *s);
/* Sleeps ms, woken early by close; false when the deadline passed. */
bool lg_sink_sleep(lg_sink *s, unsigned ms);
/* Adds to stats.retries. */
void lg_sink_count_retry(lg_sink *s);
/* Tests: shorter timeouts and backoff; call before the first send. */
void lg_sink_set_timing(lg_sink *s, const lg_sink_timing *t);

/* ---- sink_format.c: one alert as the sink's payload (malloc'd, NULL when
 * out of memory) ---- */
char *lg_sink_format(const lg_sink *s, const lg_alert *a);

/* ---- sink_http.c ---- */
/* Sets up the transfer of an HTTP sink (kind slack, teams, chatwork or
 * webhook; `target` the URL, or the room id for chatwork). False with
 * the reason in err. */
bool lg_sink_http_open(lg_sink *s, const char *target, char *err,
		       size_t errlen);
/* Delivers one payload with the retries; true when it was accepted. */
bool lg_sink_http_deliver(lg_sink *s, const char *payload);
/* Interrupts a transfer under way (close's deadline came, or close was
 * called): callable from any thread. */
void lg_sink_http_wakeup(lg_sink *s);
void lg_sink_http_free(lg_sink *s);

#endif
