/* segment.c: one large UTF-8 text shared between the worker threads. The
 * worker that opens it cuts it just after a blank line some megabytes in,
 * scans the part before the cut, and queues the rest right behind it (in
 * path order and at the head of the pool's queue); the worker that takes
 * the rest cuts again. No finding, label or table crosses a cut (they end
 * at a blank line), every part starts at a line's first column, and the
 * walker never needs a file's size. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakguard/text.h"
#include "scan_int.h"

/* files under twice this are not cut */
#define SEGMENT_MIN ((uint64_t)32 << 20)
/* A part's findings wait in memory until the parts before it are out
 * (sequencer.c): parts this long keep that to some megabytes even in
 * dense text, so that a worker seldom waits for the head to end. */
#define SEGMENT_MAX   ((uint64_t)16 << 20)
#define SEGMENT_FLOOR ((uint64_t)4 << 20)
/* bytes read at a planned cut to find a blank line: a first look, then a
 * longer one (the worker's input buffer) where blank lines are few */
#define CUT_LOOK      (64u << 10)
#define CUT_LOOK_LONG (1u << 20)

/* A file whose first line is a table header is one table throughout: a
 * part would lose its column names. */
static bool starts_tabular(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t len = nl ? (size_t)(nl - p) : n;
	return memchr(p, ',', len) || memchr(p, '\t', len);
}

/* UTF-8 text only (a decoder's state cannot start mid-file), never a
 * table, an archive or HTML. */
static bool may_cut(int fd, uint8_t *buf)
{
	lg_sniff sn;
	ssize_t got = pread(fd, buf, 65536, 0);
	if (got <= 0)
		return false;
	lg_text_sniff(buf, (size_t)got, &sn);
	return !scan_is_container(buf, (size_t)got) &&
	       !lg_html_sniff(buf, (size_t)got) && !sn.binary &&
	       !strcmp(sn.encoding, "UTF-8") &&
	       !starts_tabular(buf + sn.bom_len, (size_t)got - sn.bom_len);
}

/* The first place at or after `at` that follows a blank line, looked for
 * within CUT_LOOK_LONG bytes; 0 when there is none (or a read fails). */
static uint64_t cut_after(int fd, uint8_t *buf, uint64_t at)
{
	for (size_t look = CUT_LOOK;; look = CUT_LOOK_LONG) {
		ssize_t got = pread(fd, buf, look, (off_t)at);
		if (got <= 0)
			return 0;
		size_t cut = lg_after_blank_line(buf, 0, (size_t)got);
		if (cut < (size_t)got)
			return at + cut;
		if (look == CUT_LOOK_LONG || (size_t)got < look)
			return 0;
	}
}

/* The next cut after `from`: a blank line's end near from + seg, or near
 * a later multiple of seg; 0 when none is left before the end. */
static uint64_t next_cut(int fd, uint8_t *buf, uint64_t from, uint64_t seg,
			 uint64_t size)
{
	uint64_t cut = 0;
	for (uint64_t at = from + seg; !cut && at + seg / 2 < size; at += seg)
		cut = cut_after(fd, buf, at);
	return cut;
}

static uint64_t segment_len(const scan_worker *w, uint64_t size)
{
	unsigned jobs = w->opt->jobs ? w->opt->jobs : lg_cpu_count();
	uint64_t seg = size / ((uint64_t)jobs * 2);
	return seg > SEGMENT_MAX     ? SEGMENT_MAX
	       : seg < SEGMENT_FLOOR ? SEGMENT_FLOOR
				     : seg;
}

/* The rest of j's file from `cut`, queued right behind j; false when it
 * cannot be (memory, a full queue): j then reads on to the end. */
static bool queue_rest(scan_worker *w, scan_job *j, uint64_t cut)
{
	scan_job *rest = calloc(1, sizeof(*rest));
	if (!rest || !(rest->path = strdup(j->path))) {
		free(rest);
		return false;
	}
	rest->seq = j->seq;
	rest->seg_start = cut;
	rest->seg_index = j->seg_index + 1;
	rest->seg_open = true;
	seq_insert_after(w->seq, j, rest);
	if (lg_pool_submit_next(w->pool, rest))
		return true;
	/* in the sequence already: retired as an empty job, after j */
	rest->seg_open = false;
	seq_done(w->seq, rest);
	return false;
}

void scan_plan_segment(scan_worker *w, scan_job *j, int fd, uint64_t size)
{
	if (!w->pool)
		return;
	bool whole = !j->seg_open;
	if (whole && (j->seg_len || size < 2 * SEGMENT_MIN ||
		      w->opt->encoding || !may_cut(fd, w->inbuf)))
		return;
	j->seg_open = false;
	uint64_t cut =
	    next_cut(fd, w->inbuf, j->seg_start, segment_len(w, size), size);
	if (cut && queue_rest(w, j, cut)) {
		j->seg_len = cut - j->seg_start;
		j->seg_last = false;
	} else if (!whole) { /* the file's last part (a file cut short
			      * since: any length, its reads end at once) */
		j->seg_len = size > j->seg_start ? size - j->seg_start : 1;
		j->seg_last = true;
	}
}
