/* sequencer.c: keeps callbacks in path order and one at a time, with
 * bounded memory: few jobs in flight, few events buffered per job. */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

#define MAX_BUFFERED 1024
/* a segment of a large file runs beside the segment before it and holds
 * its findings until that one is done; only running jobs buffer, so this
 * stays a few megabytes per worker */
#define MAX_BUFFERED_SEGMENT 8192

/* The head and the stop flag are read without the lock (seq_event,
 * seq_stopped) and written under it. */
static scan_job *head_of(sequencer *q)
{
	return __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
}

static void set_head(sequencer *q, scan_job *j)
{
	__atomic_store_n(&q->head, j, __ATOMIC_RELEASE);
}

static bool stopped(sequencer *q)
{
	return __atomic_load_n(&q->stop, __ATOMIC_RELAXED);
}

static void set_stop(sequencer *q)
{
	__atomic_store_n(&q->stop, true, __ATOMIC_RELAXED);
}

void seq_init(sequencer *q, const lg_scan_events *ev, lg_scan_stats *st)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	pthread_cond_init(&q->room, NULL);
	q->ev = ev;
	q->stats = st;
}

void seq_destroy(sequencer *q)
{
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->room);
}

void seq_add(sequencer *q, scan_job *j)
{
	pthread_mutex_lock(&q->mu);
	if (q->inflight >= SEQ_MAX_INFLIGHT) {
		q->adding_waits = true;
		while (q->inflight > SEQ_MAX_INFLIGHT / 2)
			pthread_cond_wait(&q->room, &q->mu);
		q->adding_waits = false;
	}
	if (q->tail)
		q->tail->next = j;
	else
		set_head(q, j);
	q->tail = j;
	q->inflight++;
	pthread_mutex_unlock(&q->mu);
}

/* Calls the user's callback; the mutex is held, so calls never overlap. */
static void deliver(sequencer *q, scan_job *j, const scan_event *e)
{
	const lg_scan_events *ev = q->ev;
	switch (e->kind) {
	case EV_FINDING: {
		/* a segment's text starts at seg_start, its lines after
		 * line_base; copied (it is large) only then */
		const lg_finding *f = e->finding;
		uint64_t lines = j->seg_index > 0 ? q->line_base : 0;
		lg_finding moved;
		if (j->seg_start || lines) {
			moved = *f;
			moved.offset += j->seg_start;
			moved.line += lines;
			moved.row += lines;
			f = &moved;
		}
		q->stats->findings++;
		q->stats->per_type[f->type]++;
		if (ev->finding && !stopped(q) &&
		    ev->finding(e->path ? e->path : j->path, f, ev->ud) != 0)
			set_stop(q);
		break;
	}
	case EV_ERROR:
		q->stats->errors++;
		if (ev->error)
			ev->error(e->path ? e->path : j->path, e->message,
				  e->errnum, ev->ud);
		break;
	case EV_TEXT_END:
		if (ev->text_end)
			ev->text_end(e->path ? e->path : j->path, e->tabular,
				     ev->ud);
		break;
	case EV_NOTICE:
		if (ev->notice)
			ev->notice(e->path ? e->path : j->path, e->message,
				   ev->ud);
		break;
	}
}

static void flush_buffered(sequencer *q, scan_job *j)
{
	for (size_t i = 0; i < j->nevents; i++) {
		scan_event *e = &j->events[i];
		if (e->kind == EV_FINDING)
			e->finding = &j->found[i];
		deliver(q, j, e);
		free(e->message);
		free(e->path);
	}
	j->nevents = 0;
}

static bool buffer_event(scan_job *j, const scan_event *e)
{
	if (j->nevents == j->capevents) {
		size_t cap = j->capevents ? j->capevents * 2 : 16;
		scan_event *p = realloc(j->events, cap * sizeof(*p));
		if (p)
			j->events = p;
		lg_finding *f = p ? realloc(j->found, cap * sizeof(*f)) : NULL;
		if (!f)
			return false;
		j->found = f;
		j->capevents = cap;
	}
	scan_event *dst = &j->events[j->nevents];
	*dst = *e;
	if (e->kind == EV_FINDING) {
		j->found[j->nevents] = *e->finding;
		dst->finding = NULL; /* found[] moves as it grows */
	}
	dst->message = e->message ? strdup(e->message) : NULL;
	dst->path = e->path ? strdup(e->path) : NULL;
	if ((e->message && !dst->message) || (e->path && !dst->path)) {
		free(dst->message);
		free(dst->path);
		return false;
	}
	j->nevents++;
	return true;
}

void seq_alone(sequencer *q)
{
	q->alone = true;
}

bool seq_event(sequencer *q, scan_job *j, const scan_event *e)
{
	/* one thread: the head's events go straight out, no lock (a dense
	 * text has a finding every few hundred bytes) */
	if (q->alone && q->head == j && !j->nevents) {
		deliver(q, j, e);
		return !stopped(q);
	}
	size_t cap = j->seg_len ? MAX_BUFFERED_SEGMENT : MAX_BUFFERED;
	/* not the head: the event waits in the job's own buffer, which no
	 * other thread touches before the job is done (seq_done), so
	 * without the lock. A job that has become the head since finds
	 * it so at its next event, or is flushed when done. */
	if (j->nevents < cap && head_of(q) != j) {
		if (!buffer_event(j, e))
			set_stop(q); /* out of memory: stop rather than lose
				      * data */
		return !stopped(q);
	}
	pthread_mutex_lock(&q->mu);
	while (q->head != j && j->nevents >= cap && !stopped(q))
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->head == j) {
		if (j->nevents) /* what it held before it was the head */
			flush_buffered(q, j);
		deliver(q, j, e);
	} else if (!buffer_event(j, e)) {
		set_stop(q);
	}
	bool go_on = !stopped(q);
	pthread_mutex_unlock(&q->mu);
	return go_on;
}

void seq_done(sequencer *q, scan_job *j)
{
	pthread_mutex_lock(&q->mu);
	j->done = true;
	/* one thread retires at a time, the others leave it their jobs; it
	 * delivers a done head's events without the lock (they call the
	 * user's callbacks, which write the output): the head stays in
	 * place meanwhile, so nothing behind it delivers */
	if (q->retiring) {
		pthread_mutex_unlock(&q->mu);
		return;
	}
	q->retiring = true;
	while (q->head && q->head->done) {
		scan_job *h = q->head;
		pthread_mutex_unlock(&q->mu);
		flush_buffered(q, h);
		pthread_mutex_lock(&q->mu);
		/* the next segment of the same file goes on counting lines */
		q->line_base = h->seg_len && !h->seg_last
				   ? q->line_base + h->seg_lines
				   : 0;
		set_head(q, h->next);
		if (!q->head)
			q->tail = NULL;
		q->inflight--;
		free(h->events);
		free(h->found);
		free(h->path);
		free(h);
		pthread_cond_broadcast(&q->cv); /* a new head */
	}
	q->retiring = false;
	if (q->adding_waits && q->inflight <= SEQ_MAX_INFLIGHT / 2)
		pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->mu);
}

bool seq_stopped(sequencer *q)
{
	return stopped(q);
}

void seq_count(sequencer *q, uint64_t files, uint64_t skipped, uint64_t bytes)
{
	/* read when the scan is over: no lock, only the sums must be whole */
	__atomic_fetch_add(&q->stats->files, files, __ATOMIC_RELAXED);
	__atomic_fetch_add(&q->stats->skipped, skipped, __ATOMIC_RELAXED);
	__atomic_fetch_add(&q->stats->bytes, bytes, __ATOMIC_RELAXED);
}
