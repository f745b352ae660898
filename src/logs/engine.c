/* engine.c: `logs` from files to alerts. Each file's format is sniffed
 * (or forced), files are merged in time order — a year of rotated logs
 * from several servers reads as one timeline, with only the files whose
 * times overlap open at once — every event gets its derived fields, the
 * rules run, and their hits are merged into alerts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs_engine.h"
#include "logs_site.h"
#include "reader.h"

#define SNIFF_LINES 20

typedef struct source {
	const char *path;
	lg_log_format fmt;
	int64_t first_us; /* of its first event, from the pre-scan */
	lg_line_reader rd;
	lg_log_parser *parser;
	lg_log_event ev;
	int64_t last_us;
	size_t order;
} source;

typedef struct run {
	lg_logs_core core;
	const lg_logs_options *o;
	lg_logs_summary *sum;
	source *src;
	size_t nsrc;
	source **heap; /* open sources by their current event's time */
	size_t nheap;
	size_t *pending; /* sources not yet open, by first_us */
	size_t npending, next;
} run;

static void file_error(run *R, const char *path, const char *reason)
{
	lg_core_file_error(&R->core, path, reason);
}

static void sample_unparsed(run *R, const source *s, const char *reason)
{
	lg_core_unparsed(&R->core, s->path, s->rd.lineno, reason);
}

/* ---- one source -------------------------------------------------------------
 */
static lg_log_format sniff(lg_line_reader *rd)
{
	const char *lines[SNIFF_LINES];
	size_t lens[SNIFF_LINES];
	size_t n = lg_reader_peek(rd, lines, lens, SNIFF_LINES);
	return n ? lg_log_sniff(lines, lens, n) : LG_LOG_AUTO;
}

static bool source_open(run *R, source *s, char *why, size_t cap)
{
	if (!lg_reader_open(&s->rd, s->path)) {
		snprintf(why, cap, "%s", s->rd.errmsg);
		return false;
	}
	if (s->fmt == LG_LOG_AUTO)
		s->fmt = R->o->format ? R->o->format : sniff(&s->rd);
	if (s->fmt == LG_LOG_AUTO) {
		snprintf(why, cap, "%s",
			 s->rd.error ? s->rd.errmsg
				     : "cannot tell the log format from the "
				       "first lines; give --log-format");
		lg_reader_close(&s->rd);
		return false;
	}
	s->parser = lg_log_parser_new(s->fmt, &R->o->parser, why, cap);
	if (!s->parser) {
		lg_reader_close(&s->rd);
		return false;
	}
	s->last_us = LG_TIME_NONE;
	return true;
}

static void source_close(source *s)
{
	lg_log_parser_free(s->parser);
	s->parser = NULL;
	lg_reader_close(&s->rd);
}

/* Reads to the next event. False at the end of the file (or on a read
 * error, reported). `count` is false in the pre-scan. */
static bool source_advance(run *R, source *s, bool count)
{
	lg_logs_summary *sum = R->sum;
	for (;;) {
		const char *line;
		size_t n;
		bool cut;
		int rc = lg_reader_next(&s->rd, &line, &n, &cut);
		if (rc <= 0) {
			if (rc < 0 && count) {
				char msg[200];
				snprintf(msg, sizeof(msg), "line %llu: %s",
					 (unsigned long long)s->rd.lineno + 1,
					 s->rd.errmsg);
				file_error(R, s->path, msg);
			}
			return false;
		}
		if (count) {
			sum->lines++;
			sum->bytes += n + 1;
		}
		if (n == 0) {
			sum->skipped += count;
			continue;
		}
		if (cut) {
			if (count)
				sample_unparsed(R, s, "line longer than 1 MiB");
			continue;
		}
		lg_parse_result pr = lg_log_parse(s->parser, line, n, &s->ev);
		if (pr == LG_PARSE_SKIP) {
			sum->skipped += count;
			continue;
		}
		if (pr == LG_PARSE_BAD) {
			if (count)
				sample_unparsed(R, s,
						lg_log_parser_error(s->parser));
			continue;
		}
		sum->events += count;
		s->ev.source = s->path;
		s->ev.format = s->fmt;
		s->ev.line = s->rd.lineno;
		if (s->ev.time_us == LG_TIME_NONE)
			s->ev.time_us = s->last_us; /* keeps its place */
		else
			s->last_us = s->ev.time_us;
		return true;
	}
}

/* Pre-scan: the format and the first event's time of every file, so that
 * files are opened in time order and only while they overlap. */
static void prescan(run *R)
{
	for (size_t i = 0; i < R->nsrc; i++) {
		source *s = &R->src[i];
		char why[256];
		R->sum->files++;
		if (!strcmp(s->path, "-")) { /* stdin cannot be read twice */
			s->first_us = LG_TIME_NONE;
			R->pending[R->npending++] = i;
			continue;
		}
		if (!source_open(R, s, why, sizeof(why))) {
			file_error(R, s->path, why);
			continue;
		}
		s->first_us =
		    source_advance(R, s, false) ? s->ev.time_us : LG_TIME_NONE;
		source_close(s);
		R->pending[R->npending++] = i;
	}
}

/* ---- the merge
 * ---------------------------------------------------------------
 */
static bool before(const source *a, const source *b)
{
	if (a->ev.time_us != b->ev.time_us)
		return a->ev.time_us < b->ev.time_us;
	return a->order < b->order;
}

static void sift_down(run *R, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < R->nheap && before(R->heap[l], R->heap[m]))
			m = l;
		if (r < R->nheap && before(R->heap[r], R->heap[m]))
			m = r;
		if (m == i)
			return;
		source *t = R->heap[i];
		R->heap[i] = R->heap[m];
		R->heap[m] = t;
		i = m;
	}
}

static void heap_push(run *R, source *s)
{
	size_t i = R->nheap++;
	R->heap[i] = s;
	while (i > 0 && before(R->heap[i], R->heap[(i - 1) / 2])) {
		source *t = R->heap[i];
		R->heap[i] = R->heap[(i - 1) / 2];
		R->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int by_first_time(const void *x, const void *y, void *ud)
{
	const source *src = ud;
	const source *a = &src[*(const size_t *)x],
		     *b = &src[*(const size_t *)y];
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	return a->order < b->order ? -1 : 1;
}

/* Opens the pending files whose first event is due. */
static void open_due(run *R)
{
	while (R->next < R->npending) {
		source *s = &R->src[R->pending[R->next]];
		if (R->nheap > 0 && s->first_us > R->heap[0]->ev.time_us)
			return;
		R->next++;
		char why[256];
		if (!source_open(R, s, why, sizeof(why))) {
			file_error(R, s->path, why);
			continue;
		}
		if (source_advance(R, s, true))
			heap_push(R, s);
		else
			source_close(s);
	}
}

/* ---- rules and alerts
 * -----------------------------------------------------------
 */
static void merge_all(run *R)
{
	open_due(R);
	while (R->nheap > 0 && R->core.failed == LG_OK) {
		source *s = R->heap[0];
		lg_core_process(&R->core, &s->ev);
		if (source_advance(R, s, true)) {
			sift_down(R, 0);
		} else {
			source_close(s);
			R->heap[0] = R->heap[--R->nheap];
			sift_down(R, 0);
		}
		open_due(R);
	}
	for (size_t i = 0; i < R->nheap; i++)
		source_close(R->heap[i]);
	R->nheap = 0;
}

static void deliver_alerts(run *R)
{
	lg_alerts *al = &R->core.alerts;
	lg_core_end(&R->core);
	lg_status rc = lg_alerts_finish(al);
	if (rc != LG_OK) {
		R->core.failed = rc;
		return;
	}
	for (size_t i = 0; i < al->ndone; i++) {
		lg_alert a;
		lg_alert_view(&al->done[i], &a);
		lg_core_count_alert(&R->core, &a);
		if (R->o->on_alert && R->o->on_alert(&a, R->o->ud) != 0)
			break;
	}
	lg_core_rank_actors(&R->core);
}

/* ---- the run
 * --------------------------------------------------------------------
 */

static lg_status run_init(run *R, const char *const *paths, size_t n,
			  const lg_logs_options *o, lg_logs_summary *sum,
			  char *err, size_t errlen)
{
	memset(R, 0, sizeof(*R));
	R->o = o;
	R->sum = sum;
	lg_status rc = lg_core_init(&R->core, o, sum, err, errlen);
	if (rc != LG_OK)
		return rc;
	R->nsrc = n;
	R->src = calloc(n ? n : 1, sizeof(*R->src));
	R->heap = calloc(n ? n : 1, sizeof(*R->heap));
	R->pending = calloc(n ? n : 1, sizeof(*R->pending));
	if (!R->src || !R->heap || !R->pending) {
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		R->src[i].path = paths[i];
		R->src[i].order = i;
	}
	return LG_OK;
}

static void run_free(run *R)
{
	lg_core_free(&R->core);
	free(R->src);
	free(R->heap);
	free(R->pending);
}

lg_status lg_logs_run(const char *const *paths, size_t npaths,
		      const lg_logs_options *o, lg_logs_summary *sum, char *err,
		      size_t errlen)
{
	double t0 = lg_now_seconds();
	lg_core_summary_init(sum);
	run R;
	lg_status rc = run_init(&R, paths, npaths, o, sum, err, errlen);
	if (rc == LG_OK) {
		prescan(&R);
		qsort_r(R.pending, R.npending, sizeof(*R.pending),
			by_first_time, R.src);
		merge_all(&R);
		if (R.core.failed == LG_OK)
			deliver_alerts(&R);
		rc = R.core.failed;
		if (rc == LG_ENOMEM)
			snprintf(err, errlen, "out of memory");
	}
	run_free(&R);
	sum->seconds = lg_now_seconds() - t0;
	return rc;
}
