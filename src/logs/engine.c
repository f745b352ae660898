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
	const lg_logs_options *o;
	const lg_site *site;
	lg_logs_summary *sum;
	source *src;
	size_t nsrc;
	source **heap; /* open sources by their current event's time */
	size_t nheap;
	size_t *pending; /* sources not yet open, by first_us */
	size_t npending, next;
	lg_rule_state *state;
	lg_alerts alerts;
	lg_derive_buf dbuf;
	lg_hashtab *actors; /* actor -> alerts, for the summary */
	lg_status failed;
} run;

static void file_error(run *R, const char *path, const char *reason)
{
	R->sum->file_errors++;
	if (R->o->on_error)
		R->o->on_error(path, reason, R->o->ud);
}

static void sample_unparsed(run *R, const source *s, const char *reason)
{
	lg_logs_summary *sum = R->sum;
	sum->unparsed++;
	if (sum->nsamples >= LG_LOGS_MAX_SAMPLES)
		return;
	lg_unparsed_sample *x = &sum->samples[sum->nsamples++];
	x->source = s->path;
	x->line = s->rd.lineno;
	snprintf(x->reason, sizeof(x->reason), "%s", reason);
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
static int on_hit(const lg_rule_hit *h, void *ud)
{
	run *R = ud;
	lg_status rc = lg_alerts_hit(&R->alerts, h);
	if (rc != LG_OK)
		R->failed = rc;
	return rc == LG_OK ? 0 : 1;
}

static void process(run *R, lg_log_event *ev)
{
	lg_logs_summary *sum = R->sum;
	lg_logs_derive(R->site, ev, &R->dbuf);
	if (ev->time_us != LG_TIME_NONE) {
		if (sum->first_us == LG_TIME_NONE) {
			sum->first_us = ev->time_us;
			sum->tz_min = ev->tz_min;
		}
		if (ev->time_us > sum->last_us || sum->last_us == LG_TIME_NONE)
			sum->last_us = ev->time_us;
	}
	lg_status rc = lg_rules_eval(R->state, ev, on_hit, R);
	if (rc != LG_OK && R->failed == LG_OK)
		R->failed = rc;
}

static void merge_all(run *R)
{
	open_due(R);
	while (R->nheap > 0 && R->failed == LG_OK) {
		source *s = R->heap[0];
		process(R, &s->ev);
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

/* ---- summary
 * ------------------------------------------------------------------
 */
static void count_rule(lg_logs_summary *sum, const char *id)
{
	for (unsigned i = 0; i < sum->nrules; i++) {
		if (!strcmp(sum->rule_ids[i], id)) {
			sum->rule_alerts[i]++;
			return;
		}
	}
	if (sum->nrules < sizeof(sum->rule_ids) / sizeof(*sum->rule_ids)) {
		sum->rule_ids[sum->nrules] = id;
		sum->rule_alerts[sum->nrules++] = 1;
	}
}

static const char *actor_name(const lg_alert *a)
{
	return a->actor_user	  ? a->actor_user
	       : a->actor_session ? a->actor_session
	       : a->actor_ip	  ? a->actor_ip
				  : NULL;
}

static void count_actor(run *R, const lg_alert *a)
{
	const char *name = actor_name(a);
	if (!name || !R->actors)
		return;
	uint64_t *n = lg_hashtab_get(R->actors, name);
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n || !lg_hashtab_put(R->actors, name, n)) {
			free(n);
			return;
		}
	}
	(*n)++;
}

static bool rank_actor(const char *key, void *value, void *ud)
{
	lg_logs_summary *sum = ud;
	uint64_t n = *(uint64_t *)value;
	unsigned i = sum->nactors;
	if (i == LG_LOGS_TOP_ACTORS && n <= sum->top_actor_alerts[i - 1])
		return true;
	if (i < LG_LOGS_TOP_ACTORS)
		sum->nactors++;
	else
		i--;
	/* insertion into the sorted top list (most alerts first, then name) */
	while (i > 0 && (sum->top_actor_alerts[i - 1] < n ||
			 (sum->top_actor_alerts[i - 1] == n &&
			  strcmp(sum->top_actor[i - 1], key) > 0))) {
		memcpy(sum->top_actor[i], sum->top_actor[i - 1],
		       sizeof(sum->top_actor[i]));
		sum->top_actor_alerts[i] = sum->top_actor_alerts[i - 1];
		i--;
	}
	snprintf(sum->top_actor[i], sizeof(sum->top_actor[i]), "%s", key);
	sum->top_actor_alerts[i] = n;
	return true;
}

static bool free_value(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	free(value);
	return true;
}

static void summarise_alert(run *R, const lg_alert *a)
{
	lg_logs_summary *sum = R->sum;
	sum->alerts++;
	sum->by_severity[a->severity]++;
	count_rule(sum, a->rule_id);
	count_actor(R, a);
	if (a->severity >= LG_SEV_MEDIUM) {
		if (sum->first_alert_us == LG_TIME_NONE ||
		    a->first_us < sum->first_alert_us)
			sum->first_alert_us = a->first_us;
		if (a->last_us > sum->last_alert_us)
			sum->last_alert_us = a->last_us;
	}
}

static void deliver_alerts(run *R)
{
	lg_status rc = lg_alerts_finish(&R->alerts);
	if (rc != LG_OK) {
		R->failed = rc;
		return;
	}
	for (size_t i = 0; i < R->alerts.ndone; i++) {
		lg_alert a;
		lg_alert_view(&R->alerts.done[i], &a);
		summarise_alert(R, &a);
		if (R->o->on_alert && R->o->on_alert(&a, R->o->ud) != 0)
			break;
	}
	if (R->actors)
		lg_hashtab_each(R->actors, rank_actor, R->sum);
}

/* ---- the run
 * --------------------------------------------------------------------
 */
static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void summary_init(lg_logs_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->first_us = sum->last_us = LG_TIME_NONE;
	sum->first_alert_us = sum->last_alert_us = LG_TIME_NONE;
}

static lg_status run_init(run *R, const char *const *paths, size_t n,
			  const lg_logs_options *o, lg_logs_summary *sum)
{
	memset(R, 0, sizeof(*R));
	R->o = o;
	R->sum = sum;
	R->nsrc = n;
	R->src = calloc(n ? n : 1, sizeof(*R->src));
	R->heap = calloc(n ? n : 1, sizeof(*R->heap));
	R->pending = calloc(n ? n : 1, sizeof(*R->pending));
	R->actors = lg_hashtab_new();
	R->state = lg_rule_state_new(o->rules, o->max_groups);
	if (!R->src || !R->heap || !R->pending || !R->actors || !R->state ||
	    !lg_alerts_init(&R->alerts, o->merge_window_us
					    ? o->merge_window_us
					    : (int64_t)30 * 60 * 1000000))
		return LG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		R->src[i].path = paths[i];
		R->src[i].order = i;
	}
	return LG_OK;
}

static void run_free(run *R)
{
	if (R->actors) {
		lg_hashtab_each(R->actors, free_value, NULL);
		lg_hashtab_free(R->actors);
	}
	lg_alerts_free(&R->alerts);
	lg_rule_state_free(R->state);
	free(R->src);
	free(R->heap);
	free(R->pending);
}

lg_status lg_logs_run(const char *const *paths, size_t npaths,
		      const lg_logs_options *o, lg_logs_summary *sum, char *err,
		      size_t errlen)
{
	double t0 = now_seconds();
	summary_init(sum);
	if (!o || !o->rules) {
		snprintf(err, errlen, "no rules");
		return LG_EINVAL;
	}
	lg_site *defaults = NULL;
	run R;
	lg_status rc = LG_OK;
	if (!o->site)
		rc = lg_site_load(NULL, &defaults, err, errlen);
	if (rc == LG_OK)
		rc = run_init(&R, paths, npaths, o, sum);
	else
		memset(&R, 0, sizeof(R));
	if (rc == LG_OK) {
		R.site = o->site ? o->site : defaults;
		prescan(&R);
		qsort_r(R.pending, R.npending, sizeof(*R.pending),
			by_first_time, R.src);
		merge_all(&R);
		if (R.failed == LG_OK)
			deliver_alerts(&R);
		rc = R.failed;
		sum->evicted = lg_rule_state_evicted(R.state);
	}
	if (rc == LG_ENOMEM)
		snprintf(err, errlen, "out of memory");
	run_free(&R);
	lg_site_free(defaults);
	sum->seconds = now_seconds() - t0;
	return rc;
}
