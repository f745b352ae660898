/* segment.c: one large UTF-8 file shared between the worker threads. The
 * worker that opens it cuts it some megabytes in, scans the part before
 * the cut, and queues the rest right behind it (in path order and at the
 * head of the pool's queue); the worker that takes the rest cuts again.
 * The walker never needs a file's size.
 *
 * A text is cut just after a blank line: no finding or table crosses it.
 * The part after reads the lines before the cut first, as the detector's
 * next window would (a keyword there still counts), and reports from the
 * cut on. A table (its first line a header) is cut between records (rows,
 * with the lines a quoted cell carries one over) while they are whole, so
 * that the table pass reads on there as just after its header and the
 * rows before: the part after reads those first (row_context). Either
 * way every part starts at a line's first column, and what the parts
 * report is what one thread would (files_cut_between_rows_same_at_every_j).
 */
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
/* A table's rows are all findings at worst (a member list: one every ~25
 * bytes, ~7 bytes held for each byte read): parts this long keep what a
 * part ahead holds within the budget of a worker or two. */
#define TABLE_PART ((uint64_t)2 << 20)
/* bytes read at a planned cut to find a blank line: a first look, then a
 * longer one (the worker's input buffer) where blank lines are few */
#define CUT_LOOK      (64u << 10)
#define CUT_LOOK_LONG (1u << 20)

/* Whether the first line has a delimiter: a table (or its title). */
static bool starts_tabular(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t len = nl ? (size_t)(nl - p) : n;
	return memchr(p, ',', len) || memchr(p, '\t', len);
}

/* A table whose first line is its header can be cut between rows: the
 * header as the table pass reads it (naming columns), valid UTF-8, kept
 * in j with its line end for the parts after the first. */
static bool table_header(scan_worker *w, scan_job *j, const uint8_t *p,
			 size_t n, size_t bom)
{
	size_t incomplete;
	const uint8_t *nl = memchr(p, '\n', n);
	if (!nl)
		return false;
	size_t len = (size_t)(nl - p), line = len;
	if (line && p[line - 1] == '\r')
		line--;
	if (lg_utf8_valid_prefix(p, len, &incomplete) != len ||
	    !lg_detect_table_header(w->stream, p, line, &j->rows_delim,
				    &j->rows_ncols) ||
	    !(j->prefix = malloc(len + 1)))
		return false;
	memcpy(j->prefix, p, len + 1);
	j->prefix_len = j->header_len = len + 1;
	j->rows_from = bom + len + 1;
	j->rows = true;
	return true;
}

/* UTF-8 text only (a decoder's state cannot start mid-file), never an
 * archive or HTML; a table only when its header can be had (j->rows). */
static bool may_cut(scan_worker *w, scan_job *j, int fd)
{
	uint8_t *buf = w->inbuf;
	lg_sniff sn;
	ssize_t got = pread(fd, buf, 65536, 0);
	if (got <= 0)
		return false;
	lg_text_sniff(buf, (size_t)got, &sn);
	if (scan_is_container(buf, (size_t)got) ||
	    scan_table_reader_for(buf, (size_t)got) ||
	    lg_html_sniff(buf, (size_t)got) || sn.binary ||
	    strcmp(sn.encoding, "UTF-8") != 0)
		return false;
	const uint8_t *p = buf + sn.bom_len;
	size_t n = (size_t)got - sn.bom_len;
	j->bom = (uint8_t)sn.bom_len;
	return !starts_tabular(p, n) || table_header(w, j, p, n, sn.bom_len);
}

/* A table's part after a cut reads the header first, then the rows just
 * before the cut, at least ROW_CONTEXT bytes of them, as the table pass
 * read them there: a label regex crossing a line (パスポート番号 at the
 * header's end, a passport number on the next line, as on a form) reaches
 * from the header only into the rows it reaches in the whole file. The
 * last ROW_STARTS record starts are kept (a record has two bytes at
 * least: the header's fields and a newline). */
#define ROW_CONTEXT 256u
#define ROW_STARTS  256u
typedef struct record_starts {
	uint64_t at[ROW_STARTS];
	size_t n;
} record_starts;

/* cut, and in *ctx the last record start ROW_CONTEXT bytes or more before
 * it. With fewer bytes of rows since `from`, only a part whose rows start
 * right under the header (`from` is the first row) reads them so, as in
 * the whole file; another is not cut there (0). */
static uint64_t row_context(const record_starts *rs, uint64_t cut,
			    uint64_t from, bool first_rows, uint64_t *ctx)
{
	size_t kept = rs->n < ROW_STARTS ? rs->n : ROW_STARTS;
	for (size_t k = 0; k < kept; k++) {
		uint64_t r = rs->at[(rs->n - 1 - k) % ROW_STARTS];
		if (r + ROW_CONTEXT <= cut) {
			*ctx = r;
			return cut;
		}
	}
	*ctx = from;
	return first_rows ? cut : 0;
}

/* Where a part of a table that starts at `from` may end: at the start of
 * the first record (a row, or one a quoted cell carries over lines) at or
 * after `target` that is whole (lg_table_record_whole), every record
 * before it one too (the table pass then reads on there as just after its
 * header and the rows before the cut, which the next part reads first:
 * the row below a header must have its fields). Before a record that is
 * not, the cut falls at the last whole record's start, and the part after
 * it reads on to the end. 0: no cut (no whole record after `from`, the end
 * of the file, a read failed). *ctx: where the rows the part after reads
 * before its own start begin (row_context). */
static uint64_t row_cut(scan_worker *w, const scan_job *j, int fd,
			uint64_t from, uint64_t target, uint64_t *ctx)
{
	uint8_t *buf = w->inbuf;
	uint64_t last = 0; /* the last whole row's start after `from` */
	record_starts rs;
	rs.n = 0;
	bool first = from == j->rows_from;
	for (uint64_t at = from;;) {
		ssize_t got = pread(fd, buf, CUT_LOOK_LONG, (off_t)at);
		if (got <= 0)
			return 0;
		size_t i = 0, k;
		while ((k = lg_table_record_whole(
			    buf + i, (size_t)got - i, j->rows_delim,
			    j->rows_ncols)) != LG_TABLE_RECORD_UNSEEN) {
			if (!k)
				return row_context(&rs, last, from, first, ctx);
			if (at + i >= target)
				return row_context(&rs, at + i, from, first,
						   ctx);
			if (at + i > from)
				last = at + i;
			rs.at[rs.n++ % ROW_STARTS] = at + i;
			i += k;
		}
		if (i == 0) /* a record longer than the look: not whole */
			return row_context(&rs, last, from, first, ctx);
		at += i;
	}
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

/* LEAKGUARD_SEGMENT_BYTES, for tests: files of that size or more are cut
 * into parts of about that size (tables and text alike), so that small
 * inputs exercise many cuts. 0 when unset. */
static uint64_t test_part(void)
{
	static uint64_t part = UINT64_MAX;
	uint64_t p = __atomic_load_n(&part, __ATOMIC_RELAXED);
	if (p == UINT64_MAX) {
		const char *v = getenv("LEAKGUARD_SEGMENT_BYTES");
		p = v ? strtoull(v, NULL, 10) : 0;
		__atomic_store_n(&part, p, __ATOMIC_RELAXED);
	}
	return p;
}

static uint64_t segment_len(const scan_worker *w, uint64_t size)
{
	if (test_part())
		return test_part();
	unsigned jobs = w->opt->jobs ? w->opt->jobs : lg_cpu_count();
	uint64_t seg = size / ((uint64_t)jobs * 2);
	return seg > SEGMENT_MAX     ? SEGMENT_MAX
	       : seg < SEGMENT_FLOOR ? SEGMENT_FLOOR
				     : seg;
}

/* What a text's part after `cut` reads first: the lines before the cut,
 * at least a window's overlap of them (1024 bytes) from a line's start,
 * as the detector's next window would have read them; false when no line
 * starts 1 to 4 KiB before the cut (the cut is not taken). */
#define CONTEXT_MIN 1024u
#define CONTEXT_MAX 4096u
static bool text_context(scan_worker *w, const scan_job *j, int fd,
			 uint64_t cut, uint8_t **ctx, size_t *n)
{
	uint64_t lo = cut > j->bom + CONTEXT_MAX ? cut - CONTEXT_MAX : j->bom;
	uint8_t *buf = w->inbuf;
	ssize_t got = pread(fd, buf, (size_t)(cut - lo), (off_t)lo);
	if (got != (ssize_t)(cut - lo))
		return false;
	size_t from = 0; /* the file's start is a line's start */
	if (lo > j->bom) {
		const uint8_t *nl =
		    cut - lo > CONTEXT_MIN
			? memrchr(buf, '\n', (size_t)(cut - lo) - CONTEXT_MIN)
			: NULL;
		if (!nl)
			return false;
		from = (size_t)(nl - buf) + 1;
	}
	*n = (size_t)got - from;
	if (!(*ctx = malloc(*n ? *n : 1)))
		return false;
	memcpy(*ctx, buf + from, *n);
	return true;
}

/* The rest of j's file from `cut`, queued right behind j, with what it
 * reads first (ctx, n: taken); false when it cannot be (memory, a full
 * queue): j then reads on to the end. */
static bool queue_rest(scan_worker *w, scan_job *j, uint64_t cut, uint8_t *ctx,
		       size_t n)
{
	scan_job *rest = calloc(1, sizeof(*rest));
	if (!rest || !(rest->path = strdup(j->path))) {
		free(rest);
		free(ctx);
		return false;
	}
	rest->prefix = ctx;
	rest->prefix_len = n;
	rest->header_len = j->header_len;
	rest->context = !j->rows;
	rest->prefix_lines = (unsigned)lg_count_byte(ctx, n, '\n');
	rest->rows = j->rows;
	rest->rows_delim = j->rows_delim;
	rest->rows_ncols = j->rows_ncols;
	rest->seq = j->seq;
	rest->bom = j->bom;
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

/* What the part after `cut` reads first: the table's header and its rows
 * from ctx (row_cut), or the text's lines before the cut. False: the cut
 * is not taken. */
static bool part_prefix(scan_worker *w, const scan_job *j, int fd, uint64_t cut,
			uint64_t ctx, uint8_t **p, size_t *n)
{
	if (!j->rows)
		return text_context(w, j, fd, cut, p, n);
	size_t rows = (size_t)(cut - ctx);
	if (!(*p = malloc(j->header_len + rows)))
		return false;
	memcpy(*p, j->prefix, j->header_len);
	if (pread(fd, *p + j->header_len, rows, (off_t)ctx) != (ssize_t)rows) {
		free(*p);
		*p = NULL;
		return false;
	}
	*n = j->header_len + rows;
	return true;
}

void scan_plan_segment(scan_worker *w, scan_job *j, int fd, uint64_t size)
{
	if (!w->pool)
		return;
	bool whole = !j->seg_open;
	uint64_t least = test_part() ? test_part() : 2 * SEGMENT_MIN;
	if (whole && (j->seg_len || size < least || w->opt->encoding ||
		      !may_cut(w, j, fd)))
		return;
	j->seg_open = false;
	uint64_t seg = segment_len(w, size), cut, ctx = 0;
	if (j->rows) { /* the first part's rows start after its header */
		uint64_t from = j->seg_start ? j->seg_start : j->rows_from;
		seg = seg < TABLE_PART || test_part() ? seg : TABLE_PART;
		cut = from + seg + seg / 2 < size
			  ? row_cut(w, j, fd, from, from + seg, &ctx)
			  : 0;
	} else {
		cut = next_cut(fd, w->inbuf, j->seg_start, seg, size);
	}
	uint8_t *prefix = NULL;
	size_t prefix_len = 0;
	if (cut && !part_prefix(w, j, fd, cut, ctx, &prefix, &prefix_len))
		cut = 0;
	if (cut && queue_rest(w, j, cut, prefix, prefix_len)) {
		j->seg_len = cut - j->seg_start;
		j->seg_last = false;
	} else if (!whole) { /* the file's last part (a file cut short
			      * since: any length, its reads end at once) */
		j->seg_len = size > j->seg_start ? size - j->seg_start : 1;
		j->seg_last = true;
	}
}
