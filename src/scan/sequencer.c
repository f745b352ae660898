/* sequencer.c: keeps callbacks in path order and one at a time, with
 * bounded memory: few jobs in flight, few events buffered per job. */
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

#define MAX_INFLIGHT 64
#define MAX_BUFFERED 1024
/* a segment of a large file runs beside the segment before it and holds
 * its findings until that one is done; only running jobs buffer, so this
 * stays a few megabytes per worker */
#define MAX_BUFFERED_SEGMENT 8192

void seq_init(sequencer *q, const lg_scan_events *ev, lg_scan_stats *st)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->ev = ev;
	q->stats = st;
}

void seq_destroy(sequencer *q)
{
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

void seq_add(sequencer *q, scan_job *j)
{
	pthread_mutex_lock(&q->mu);
	while (q->inflight >= MAX_INFLIGHT)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
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
		if (ev->finding && !q->stop &&
		    ev->finding(e->path ? e->path : j->path, f, ev->ud) != 0)
			q->stop = true;
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
		return !q->stop;
	}
	pthread_mutex_lock(&q->mu);
	size_t cap = j->seg_len ? MAX_BUFFERED_SEGMENT : MAX_BUFFERED;
	while (q->head != j && j->nevents >= cap && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->head == j) {
		if (j->nevents) /* what it held before it was the head */
			flush_buffered(q, j);
		deliver(q, j, e);
	} else if (!buffer_event(j, e)) {
		q->stop = true; /* out of memory: stop rather than lose data */
	}
	bool go_on = !q->stop;
	pthread_mutex_unlock(&q->mu);
	return go_on;
}

void seq_done(sequencer *q, scan_job *j)
{
	pthread_mutex_lock(&q->mu);
	j->done = true;
	while (q->head && q->head->done) {
		scan_job *h = q->head;
		flush_buffered(q, h);
		/* the next segment of the same file goes on counting lines */
		q->line_base = h->seg_len && !h->seg_last
				   ? q->line_base + h->seg_lines
				   : 0;
		q->head = h->next;
		if (!q->head)
			q->tail = NULL;
		q->inflight--;
		free(h->events);
		free(h->found);
		free(h->path);
		free(h);
	}
	if (q->head)
		flush_buffered(q, q->head); /* the new head streams from now */
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

bool seq_stopped(sequencer *q)
{
	pthread_mutex_lock(&q->mu);
	bool s = q->stop;
	pthread_mutex_unlock(&q->mu);
	return s;
}

void seq_count(sequencer *q, uint64_t files, uint64_t skipped, uint64_t bytes)
{
	pthread_mutex_lock(&q->mu);
	q->stats->files += files;
	q->stats->skipped += skipped;
	q->stats->bytes += bytes;
	pthread_mutex_unlock(&q->mu);
}
