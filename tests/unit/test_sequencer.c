/* test_sequencer.c: the sequencer delivers every job's events in job
 * order, each as it was reported, whatever order the threads run in; jobs
 * behind the head hold their events within the budget and wait beyond
 * it. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "scan/scan_int.h"

#define JOBS	48
#define THREADS 3
#define MAX_EV	32
#define LINE	1024

/* ---- the events of job k, always the same --------------------------- */
typedef struct job_script {
	scan_event ev[MAX_EV];
	lg_finding found[MAX_EV];
	char member[64], message[64];
	size_t n;
} job_script;

/* A finding as a scanner makes one: the lengths set, or (every other
 * one) left 0 as in a finding made by hand. Contexts of many lengths. */
static void script_finding(job_script *s, unsigned k, unsigned i)
{
	lg_finding *f = &s->found[s->n];
	memset(f, 0, sizeof(*f));
	f->type = (lg_type)((k + i) % LG_TYPE_COUNT);
	f->confidence = 0.5 + (double)(i % 5) / 10;
	f->offset = (uint64_t)k * 100000 + i * 37;
	f->length = 11 + i;
	f->line = i + 1;
	f->row = i / 2 + 1;
	f->column = k % 9 + 1;
	snprintf(f->value, sizeof(f->value), "v%u-%u@example.jp", k, i);
	snprintf(f->masked, sizeof(f->masked), "v%u***", k);
	size_t clen = (k * 31 + i * 57) % (LG_CONTEXT_MAX - 1);
	for (size_t c = 0; c < clen; c++)
		f->context[c] = (char)('a' + (k + i + c) % 26);
	if (i % 2) {
		f->value_len = (uint16_t)strlen(f->value);
		f->masked_len = (uint16_t)strlen(f->masked);
		f->context_len = (uint16_t)clen;
	}
	s->ev[s->n++] = (scan_event){.kind = EV_FINDING, .finding = f};
}

static void script(unsigned k, job_script *s)
{
	memset(s, 0, sizeof(*s));
	if (k % 5 == 0) { /* an archive member that could not be read */
		snprintf(s->member, sizeof(s->member), "j%u.zip!/m.txt", k);
		snprintf(s->message, sizeof(s->message), "read failed %u", k);
		s->ev[s->n++] = (scan_event){.kind = EV_ERROR,
					     .errnum = 5,
					     .path = s->member,
					     .message = s->message};
	}
	unsigned nf = (k * 7) % 23 + (k % 4 ? 1 : 0);
	for (unsigned i = 0; i < nf; i++)
		script_finding(s, k, i);
	if (k % 3 == 0)
		s->ev[s->n++] = (scan_event){.kind = EV_NOTICE,
					     .message = "undecodable bytes"};
	s->ev[s->n++] = (scan_event){.kind = EV_TEXT_END, .tabular = k % 2};
}

/* ---- what was delivered, one line each ---------------------------------- */
typedef struct world {
	sequencer q;
	lg_scan_stats stats;
	scan_job *jobs[JOBS];
	unsigned next; /* the next job a thread takes */
	char (*lines)[LINE];
	size_t nlines, cap;
	size_t max_held;
	bool failed; /* on a worker thread, where cmocka cannot fail */
} world;

static void record(world *w, const char *fmt, ...)
{
	if (w->nlines == w->cap) {
		w->failed = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->lines[w->nlines++], LINE, fmt, ap);
	va_end(ap);
	size_t held = __atomic_load_n(&w->q.held, __ATOMIC_RELAXED);
	if (held > w->max_held)
		w->max_held = held;
}

static void finding_line(char *out, const char *path, const lg_finding *f)
{
	snprintf(out, LINE, "F %s %d %.2f %lu %u %lu %lu %lu %s %s %s %u %u %u",
		 path, (int)f->type, f->confidence, (unsigned long)f->offset,
		 f->length, (unsigned long)f->line, (unsigned long)f->row,
		 (unsigned long)f->column, f->value, f->masked, f->context,
		 f->value_len, f->masked_len, f->context_len);
}

static int on_finding(const char *path, const lg_finding *f, void *ud)
{
	world *w = ud;
	char line[LINE];
	finding_line(line, path, f);
	record(w, "%s", line);
	return 0;
}

static void on_error(const char *path, const char *msg, int errnum, void *ud)
{
	record(ud, "E %s %s %d", path, msg, errnum);
}

static void on_notice(const char *path, const char *msg, void *ud)
{
	record(ud, "N %s %s", path, msg);
}

static void on_text_end(const char *path, bool tabular, void *ud)
{
	record(ud, "T %s %d", path, tabular);
}

/* The lines job k's events must make, appended to out. */
static size_t expected_lines(unsigned k, const char *path, char (*out)[LINE])
{
	job_script s;
	script(k, &s);
	for (size_t i = 0; i < s.n; i++) {
		const scan_event *e = &s.ev[i];
		const char *p = e->path ? e->path : path;
		switch (e->kind) {
		case EV_FINDING:
			finding_line(out[i], p, e->finding);
			break;
		case EV_ERROR:
			snprintf(out[i], LINE, "E %s %s %d", p, e->message,
				 e->errnum);
			break;
		case EV_NOTICE:
			snprintf(out[i], LINE, "N %s %s", p, e->message);
			break;
		case EV_TEXT_END:
			snprintf(out[i], LINE, "T %s %d", p, e->tabular);
			break;
		}
	}
	return s.n;
}

/* ---- the threads ----------------------------------------------------------
 */
static void run_job(world *w, unsigned k)
{
	job_script s;
	script(k, &s);
	/* later jobs often finish first: every eighth job is slow, and the
	 * others yield now and then */
	unsigned spin = (k * 2654435761u) % 4;
	for (size_t i = 0; i < s.n; i++) {
		if (k % 8 == 0)
			nanosleep(&(struct timespec){0, 1000000}, NULL);
		for (unsigned y = 0; y < spin; y++)
			sched_yield();
		if (!seq_event(&w->q, w->jobs[k], &s.ev[i]))
			w->failed = true;
	}
	seq_done(&w->q, w->jobs[k]);
}

static void *worker(void *arg)
{
	world *w = arg;
	unsigned k;
	while ((k = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < JOBS)
		run_job(w, k);
	return NULL;
}

/* Runs every job on THREADS threads, the held bytes capped at budget
 * (0: the default), and checks what came out against the scripts. */
static void run_world(size_t budget)
{
	static world w;
	memset(&w, 0, sizeof(w));
	w.cap = JOBS * MAX_EV;
	w.lines = calloc(w.cap, LINE);
	char(*want)[LINE] = calloc(w.cap, LINE);
	assert_non_null(w.lines);
	assert_non_null(want);
	lg_scan_events ev = {on_finding, on_error, on_notice, on_text_end, &w};
	seq_init(&w.q, &ev, &w.stats, THREADS);
	if (budget)
		w.q.budget = budget;
	size_t nwant = 0;
	for (unsigned k = 0; k < JOBS; k++) {
		scan_job *j = calloc(1, sizeof(*j));
		assert_non_null(j);
		char path[32];
		snprintf(path, sizeof(path), "dir/f%02u.txt", k);
		j->path = strdup(path);
		j->seq = k;
		w.jobs[k] = j;
		seq_add(&w.q, j);
		nwant += expected_lines(k, path, want + nwant);
	}
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);

	assert_false(w.failed);
	assert_true(w.max_held > 0); /* jobs behind the head held events */
	assert_int_equal(w.nlines, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_string_equal(w.lines[i], want[i]);
	assert_null(w.q.head); /* every job retired */
	assert_int_equal(__atomic_load_n(&w.q.held, __ATOMIC_RELAXED), 0);
	/* a job adds an event past the budget only if it saw room for it:
	 * at most one event a thread over it */
	assert_true(w.max_held <= w.q.budget + THREADS * 1024);
	seq_destroy(&w.q);
	free(w.lines);
	free(want);
}

static void events_come_out_in_job_order(void **state)
{
	(void)state;
	run_world(0); /* room for everything: nothing waits */
}

static void jobs_wait_when_the_budget_is_spent(void **state)
{
	(void)state;
	run_world(600); /* about one finding: most events wait */
	run_world(4 << 10);
	run_world(16 << 10);
}

/* ---- a cut file whose part fails ----------------------------------------
 */
static scan_job *part(sequencer *q, const char *path, unsigned index, bool last)
{
	scan_job *j = calloc(1, sizeof(*j));
	assert_non_null(j);
	j->path = strdup(path);
	j->seg_index = index;
	j->seg_start = (uint64_t)index * 100;
	j->seg_len = 100;
	j->seg_last = last;
	seq_add(q, j);
	return j;
}

/* Job j reports a phone number at offset, line (its part's). */
static bool send_finding(sequencer *q, scan_job *j, uint64_t offset,
			 uint64_t line)
{
	lg_finding f = {.type = LG_JP_PHONE,
			.confidence = 0.9,
			.offset = offset,
			.length = 13,
			.line = line,
			.column = 1};
	strcpy(f.masked, "090****0001");
	return seq_event(q, j,
			 &(scan_event){.kind = EV_FINDING, .finding = &f});
}

/* A cut file whose second part could not be read ends there, as the file
 * read whole does (a read error ends it): what came before goes out, the
 * error, then once the file's end (its invalid UTF-8 so far, its records
 * line); the parts after say nothing, even those done first, and one
 * that is still scanning is told to stop. The next file is its own. */
static void a_failed_part_ends_its_file(void **state)
{
	(void)state;
	static world w;
	memset(&w, 0, sizeof(w));
	w.cap = 64;
	w.lines = calloc(w.cap, LINE);
	assert_non_null(w.lines);
	lg_scan_events ev = {on_finding, on_error, on_notice, on_text_end, &w};
	seq_init(&w.q, &ev, &w.stats, 2);
	scan_job *a0 = part(&w.q, "a.txt", 0, false),
		 *a1 = part(&w.q, "a.txt", 1, false),
		 *a2 = part(&w.q, "a.txt", 2, false),
		 *a3 = part(&w.q, "a.txt", 3, true), *b = calloc(1, sizeof(*b));
	assert_non_null(b);
	b->path = strdup("b.txt");
	seq_add(&w.q, b);
	scan_event end = {.kind = EV_TEXT_END};
	/* the last part and the next file finish first: held */
	assert_true(send_finding(&w.q, a3, 5, 1));
	assert_true(seq_event(&w.q, a3, &end));
	seq_done(&w.q, a3);
	assert_true(send_finding(&w.q, b, 7, 2));
	assert_true(seq_event(&w.q, b, &end));
	seq_done(&w.q, b);
	/* the head: ten lines, two invalid bytes */
	assert_true(send_finding(&w.q, a0, 20, 3));
	a0->seg_lines = 10;
	a0->notes.invalid = 2;
	a0->notes.first_invalid = 40;
	seq_done(&w.q, a0);
	/* the second part fails half-way, with one more invalid byte */
	assert_true(send_finding(&w.q, a1, 30, 4));
	assert_true(
	    seq_event(&w.q, a1,
		      &(scan_event){.kind = EV_ERROR,
				    .errnum = 5,
				    .message = "read failed at byte 150"}));
	a1->notes.invalid = 1;
	a1->notes.first_invalid = 120;
	seq_done(&w.q, a1);
	/* the third, the head now, stops at its first finding */
	assert_false(send_finding(&w.q, a2, 9, 1));
	seq_done(&w.q, a2);

	/* findings: the file's offsets and lines (a1's moved past a0) */
	char want[7][LINE];
	const char *form = "F %s %d 0.90 %d 13 %d %d 1  090****0001  0 0 0";
	snprintf(want[0], LINE, form, "a.txt", LG_JP_PHONE, 20, 3, 0);
	snprintf(want[1], LINE, form, "a.txt", LG_JP_PHONE, 130, 14, 10);
	strcpy(want[2], "E a.txt read failed at byte 150 5");
	strcpy(want[3], "N a.txt 3 invalid UTF-8 byte(s), first at byte 40");
	strcpy(want[4], "T a.txt 0");
	snprintf(want[5], LINE, form, "b.txt", LG_JP_PHONE, 7, 2, 0);
	strcpy(want[6], "T b.txt 0");
	for (size_t i = 0; i < w.nlines && i < 7; i++)
		assert_string_equal(w.lines[i], want[i]);
	assert_int_equal(w.nlines, 7);
	assert_null(w.q.head);
	assert_false(w.q.parts_dropped); /* the next cut file starts afresh */
	seq_destroy(&w.q);
	free(w.lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_failed_part_ends_its_file),
	    cmocka_unit_test(events_come_out_in_job_order),
	    cmocka_unit_test(jobs_wait_when_the_budget_is_spent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
