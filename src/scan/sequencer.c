/* sequencer.c: keeps callbacks in path order and one at a time, with
 * bounded memory: few jobs in flight, a budget of held events for all. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"

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

void seq_init(sequencer *q, const lg_scan_events *ev, lg_scan_stats *st,
	      unsigned workers)
{
	memset(q, 0, sizeof(*q));
	q->budget = SEQ_HELD_PER_WORKER * (workers ? workers : 1);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	pthread_cond_init(&q->room, NULL);
	q->ev = ev;
	q->stats = st;
}

void seq_destroy(sequencer *q)
{
	while (q->nspare)
		free(q->spare[--q->nspare]);
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

void seq_insert_after(sequencer *q, scan_job *j, scan_job *next)
{
	pthread_mutex_lock(&q->mu);
	next->next = j->next;
	j->next = next;
	if (q->tail == j)
		q->tail = next;
	q->inflight++;
	pthread_mutex_unlock(&q->mu);
}

static void tell_notice(const char *msg, void *ud)
{
	const void **pu = ud; /* {sequencer, path} */
	const sequencer *q = pu[0];
	q->ev->notice(pu[1], msg, q->ev->ud);
}

/* The notes of a cut file's parts, j its last: told once, as the file
 * read whole tells them (file.c). */
static void tell_notes(sequencer *q, const scan_job *j, const scan_event *e)
{
	text_notes n = j->seg_index > 0 ? q->parts_notes : (text_notes){0};
	text_notes_add(&n, &j->notes);
	if (!q->ev->notice)
		return;
	const void *pu[2] = {q, e->path ? e->path : j->path};
	text_notes_tell(&n, tell_notice, pu);
}

static bool is_part(const scan_job *j)
{
	return j->seg_len || j->seg_index;
}

/* A part after one that failed: nothing of it goes out. */
static bool dropped(const sequencer *q, const scan_job *j)
{
	return q->parts_dropped && j->seg_index > 0;
}

/* The end of a cut file's text, once its last part is scanned, or a part
 * failed (h): its invalid UTF-8, and its records line. */
static void end_text(sequencer *q, scan_job *h, const scan_event *e)
{
	const lg_scan_events *ev = q->ev;
	h->ended = true;
	tell_notes(q, h, e);
	if (ev->text_end)
		ev->text_end(e->path ? e->path : h->path,
			     e->tabular || h->tabular ||
				 (h->seg_index > 0 && q->parts_tabular),
			     ev->ud);
}

/* Calls the user's callback; the mutex is held, so calls never overlap. */
static void deliver(sequencer *q, scan_job *j, const scan_event *e)
{
	const lg_scan_events *ev = q->ev;
	if (dropped(q, j))
		return;
	switch (e->kind) {
	case EV_FINDING: {
		/* a part of a cut file (segment.c) read its prefix first
		 * (no finding of it comes here), and its own text starts at
		 * seg_start (less the file's BOM, which offsets do not
		 * count), its lines after line_base; copied (it is large)
		 * only then */
		const lg_finding *f = e->finding;
		lg_finding moved;
		if (j->seg_index > 0) {
			moved = *f;
			moved.offset += j->seg_start - j->bom - j->prefix_len -
					j->prefix_grow + q->grow_base;
			moved.line += q->line_base - j->prefix_lines;
			moved.row += q->line_base - j->prefix_lines;
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
		if (is_part(j))
			j->failed = true;
		q->stats->errors++;
		if (ev->error)
			ev->error(e->path ? e->path : j->path, e->message,
				  e->errnum, ev->ud);
		break;
	case EV_TEXT_END: /* a file held a table if any of its parts did */
		if (j->seg_len) {
			end_text(q, j, e);
		} else if (ev->text_end) {
			ev->text_end(e->path ? e->path : j->path, e->tabular,
				     ev->ud);
		}
		break;
	case EV_NOTICE:
		if (ev->notice)
			ev->notice(e->path ? e->path : j->path, e->message,
				   ev->ud);
		break;
	}
}

/* ---- held events -------------------------------------------------------
 * A job behind the head packs its events into one block as they come:
 * this header, the path and the message (each with its NUL; absent when
 * NULL), and for a finding its fields before the strings, its three
 * lengths as it had them, then the strings as long as they are. On the
 * bench's dense text a finding takes ~177 bytes this way, against 752
 * for a copy of its lg_finding and event. */
typedef struct held_head {
	uint8_t kind, tabular, has_path, has_message;
	int errnum;
	uint32_t path_len, message_len; /* with the NUL */
} held_head;

#define FINDING_FIXED offsetof(lg_finding, value)

typedef struct held_lens {
	uint16_t value_len, masked_len, context_len; /* as the finding had */
	uint16_t value, masked, context;	     /* bytes written */
} held_lens;

static uint16_t text_len(const char *s, uint16_t len, size_t max)
{
	return len ? len : (uint16_t)strnlen(s, max - 1);
}

static size_t held_size(const scan_event *e, held_head *h, held_lens *l)
{
	*h = (held_head){.kind = (uint8_t)e->kind,
			 .tabular = e->tabular,
			 .has_path = e->path != NULL,
			 .has_message = e->message != NULL,
			 .errnum = e->errnum};
	h->path_len = e->path ? (uint32_t)strlen(e->path) + 1 : 0;
	h->message_len = e->message ? (uint32_t)strlen(e->message) + 1 : 0;
	size_t n = sizeof(*h) + h->path_len + h->message_len;
	if (e->kind != EV_FINDING)
		return n;
	const lg_finding *f = e->finding;
	*l = (held_lens){f->value_len,
			 f->masked_len,
			 f->context_len,
			 text_len(f->value, f->value_len, LG_VALUE_MAX),
			 text_len(f->masked, f->masked_len, LG_VALUE_MAX),
			 text_len(f->context, f->context_len, LG_CONTEXT_MAX)};
	return n + FINDING_FIXED + sizeof(*l) + l->value + l->masked +
	       l->context;
}

static uint8_t *put(uint8_t *p, const void *v, size_t n)
{
	if (n) /* v may be NULL then */
		memcpy(p, v, n);
	return p + n;
}

/* Appends e to j's held block; false when memory is out. */
/* A retired job's block for j, which holds nothing yet; `locked`: the
 * caller holds the lock. */
static void take_spare(sequencer *q, scan_job *j, bool locked)
{
	if (!locked)
		pthread_mutex_lock(&q->mu);
	if (q->nspare) {
		unsigned i = --q->nspare;
		j->held = q->spare[i];
		j->held_cap = q->spare_cap[i];
		q->spare_bytes -= j->held_cap;
	}
	if (!locked)
		pthread_mutex_unlock(&q->mu);
}

/* Keeps a retired job's block for a later job (the lock held). */
static void keep_spare(sequencer *q, scan_job *h)
{
	if (h->held && q->nspare < SEQ_SPARES &&
	    q->spare_bytes + h->held_cap <= q->budget) {
		q->spare[q->nspare] = h->held;
		q->spare_cap[q->nspare++] = h->held_cap;
		q->spare_bytes += h->held_cap;
	} else {
		free(h->held);
	}
	h->held = NULL;
}

static bool hold_event(sequencer *q, scan_job *j, const scan_event *e,
		       bool locked)
{
	held_head h;
	held_lens l;
	size_t need = held_size(e, &h, &l);
	if (!j->held)
		take_spare(q, j, locked);
	if (j->held_len + need > j->held_cap) {
		size_t cap = j->held_cap ? j->held_cap * 2 : 4096;
		while (cap < j->held_len + need)
			cap *= 2;
		uint8_t *b = realloc(j->held, cap);
		if (!b)
			return false;
		j->held = b;
		j->held_cap = cap;
	}
	uint8_t *p = put(j->held + j->held_len, &h, sizeof(h));
	p = put(p, e->path, h.path_len);
	p = put(p, e->message, h.message_len);
	if (e->kind == EV_FINDING) {
		const lg_finding *f = e->finding;
		p = put(p, f, FINDING_FIXED);
		p = put(p, &l, sizeof(l));
		p = put(p, f->value, l.value);
		p = put(p, f->masked, l.masked);
		put(p, f->context, l.context);
	}
	j->held_len += need;
	__atomic_fetch_add(&q->held, need, __ATOMIC_RELAXED);
	return true;
}

/* Unpacks the event at p into e (and f); returns the next one's place. */
static const uint8_t *unpack_event(const uint8_t *p, scan_event *e,
				   lg_finding *f)
{
	held_head h;
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	*e = (scan_event){.kind = (event_kind)h.kind,
			  .errnum = h.errnum,
			  .tabular = h.tabular};
	e->path = h.has_path ? (char *)p : NULL;
	p += h.path_len;
	e->message = h.has_message ? (char *)p : NULL;
	p += h.message_len;
	if (e->kind != EV_FINDING)
		return p;
	held_lens l;
	memcpy(f, p, FINDING_FIXED);
	memcpy(&l, p + FINDING_FIXED, sizeof(l));
	p += FINDING_FIXED + sizeof(l);
	memcpy(f->value, p, l.value);
	f->value[l.value] = '\0';
	memcpy(f->masked, p + l.value, l.masked);
	f->masked[l.masked] = '\0';
	memcpy(f->context, p + l.value + l.masked, l.context);
	f->context[l.context] = '\0';
	f->value_len = l.value_len;
	f->masked_len = l.masked_len;
	f->context_len = l.context_len;
	e->finding = f;
	return p + l.value + l.masked + l.context;
}

/* Delivers what j held, in order, and gives its bytes back to the
 * budget. */
static void flush_held(sequencer *q, scan_job *j)
{
	if (!j->held_len)
		return;
	lg_finding f;
	scan_event e;
	for (const uint8_t *p = j->held, *end = p + j->held_len; p < end;) {
		p = unpack_event(p, &e, &f);
		deliver(q, j, &e);
	}
	__atomic_fetch_sub(&q->held, j->held_len, __ATOMIC_RELAXED);
	j->held_len = 0;
}

static bool over_budget(sequencer *q)
{
	return __atomic_load_n(&q->held, __ATOMIC_RELAXED) >= q->budget;
}

void seq_alone(sequencer *q)
{
	q->alone = true;
}

bool seq_event(sequencer *q, scan_job *j, const scan_event *e)
{
	/* one thread: the head's events go straight out, no lock (a dense
	 * text has a finding every few hundred bytes) */
	if (q->alone && q->head == j && !j->held_len) {
		deliver(q, j, e);
		return !stopped(q);
	}
	/* not the head: the event is held in the job's own block, which no
	 * other thread touches before the job is done (seq_done), so
	 * without the lock. A job that has become the head since finds it
	 * so at its next event, or is flushed when done. */
	if (head_of(q) != j && !over_budget(q)) {
		if (!hold_event(q, j, e, false))
			set_stop(q); /* out of memory: stop rather than lose
				      * data */
		return !stopped(q);
	}
	pthread_mutex_lock(&q->mu);
	while (q->head != j && over_budget(q) && !stopped(q))
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->head == j) {
		if (j->held_len) { /* what it held before it was the head */
			flush_held(q, j);
			pthread_cond_broadcast(&q->cv); /* budget back */
		}
		deliver(q, j, e);
	} else if (!hold_event(q, j, e, true)) {
		set_stop(q);
	}
	/* a part after one that failed stops at once */
	bool go_on = !stopped(q) && !(q->head == j && dropped(q, j));
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
		flush_held(q, h);
		/* a part that failed ends its file, as a read error ends a
		 * file read whole: the parts after are dropped */
		if (h->failed && !h->ended && !dropped(q, h))
			end_text(q, h, &(scan_event){.kind = EV_TEXT_END});
		if (!dropped(q, h))
			__atomic_fetch_add(&q->stats->bytes, h->part_bytes,
					   __ATOMIC_RELAXED);
		pthread_mutex_lock(&q->mu);
		/* the next segment of the same file goes on counting lines */
		bool more = h->seg_len && !h->seg_last;
		q->parts_dropped = more && (q->parts_dropped || h->failed);
		q->line_base = more ? q->line_base + h->seg_lines : 0;
		q->parts_tabular = more && (q->parts_tabular || h->tabular);
		if (more)
			text_notes_add(&q->parts_notes, &h->notes);
		else
			q->parts_notes = (text_notes){0};
		q->grow_base = more ? q->grow_base + h->grow : 0;
		set_head(q, h->next);
		if (!q->head)
			q->tail = NULL;
		q->inflight--;
		keep_spare(q, h);
		free(h->prefix);
		free(h->path);
		free(h);
		pthread_cond_broadcast(&q->cv); /* a new head, budget back */
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
