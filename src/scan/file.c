/* file.c: one input, read in chunks: sniffed, decoded to UTF-8 when it is
 * not UTF-8 already, and fed to the detector. Memory is bounded by the
 * chunk size, whatever the file's size. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libintl.h>

#include "leakguard/text.h"
#include "scan_int.h"

#define _(s) dgettext("leakguard", s)

#define READ_CHUNK (1u << 20)
/* a chunk read into the window is read a piece at a time, each piece
 * checked and indexed (lg_detect_fresh) while it is in the second-level
 * cache: a whole chunk's copy has pushed its start out by its end */
#define FRESH_READ (256u << 10)

typedef struct file_ctx {
	scan_worker *w;
	scan_job *j;
	bool stop;
	const lg_mixed *const *mix; /* the text's, once it has one */
} file_ctx;

/* The bytes a part of a cut file reads before its own (segment.c): a
 * table's header line, or a text's lines before the cut. */
static size_t primed_len(const scan_job *j)
{
	return j->seg_index > 0 ? j->prefix_len : 0;
}

static int on_finding(const lg_finding *f, void *ud)
{
	file_ctx *c = ud;
	/* a part's prefix is the part before's (the sequencer moves the
	 * rest to the file's offsets and lines); lines of it read in another
	 * encoding make it longer, all of them read once a finding after it
	 * is */
	const lg_mixed *m = *c->mix;
	c->j->prefix_grow = m ? lg_mixed_stats_of(m)->grow_before_mark : 0;
	if (f->offset < primed_len(c->j) + (uint64_t)c->j->prefix_grow)
		return 0;
	scan_event e = {.kind = EV_FINDING, .path = c->w->member, .finding = f};
	char cell[1024], name[32];
	if (c->w->cells && c->w->member &&
	    cell_map_name(c->w->cells, f->offset, name, sizeof(name))) {
		snprintf(cell, sizeof(cell), "%s!%s", c->w->member, name);
		e.path = cell; /* a workbook's finding names its cell */
	}
	if (!seq_event(c->w->seq, c->j, &e))
		c->stop = true;
	return c->stop;
}

static void report(scan_worker *w, scan_job *j, event_kind kind, int errnum,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(scan_worker *w, scan_job *j, event_kind kind, int errnum,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scan_event e = {
	    .kind = kind, .errnum = errnum, .path = w->member, .message = msg};
	seq_event(w->seq, j, &e);
}

void scan_report(scan_worker *w, scan_job *j, bool error, int errnum,
		 const char *msg)
{
	report(w, j, error ? EV_ERROR : EV_NOTICE, errnum, "%s", msg);
}

/* Reads until the buffer is full or the input ends (pipes and stdin give
 * short reads). Returns bytes read; on an error *err is its errno (else
 * 0), and what was read before it is still returned: -1 (errno set) only
 * when nothing was. */
static ssize_t read_full(int fd, uint8_t *buf, size_t cap, int *err)
{
	size_t got = 0;
	*err = 0;
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = errno;
			return got ? (ssize_t)got : -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

typedef struct text_input {
	lg_decoder *dec; /* a text with shift states (ISO-2022-JP, UTF-16) */
	lg_mixed *mix;	 /* a legacy text; a UTF-8 text once a line is not */
	lg_html *html;	 /* an HTML page: its text is what is scanned */
	lg_decode_stats dstats;
	lg_utf8_tally tally; /* a UTF-8 text's invalid bytes */
	uint64_t mark;	     /* where a part's own text starts (the tally's) */
	bool cr_lines;	     /* lines end in CR alone (Excel for Mac's CSV) */
} text_input;

/* Lines ending in CR alone, as classic Mac OS wrote text and Excel for
 * Mac its CSV: each CR a newline, so that lines and a table's rows are
 * read (a byte for a byte: offsets stay). */
static void cr_to_lf(uint8_t *p, size_t n)
{
	for (uint8_t *q = p; (q = memchr(q, '\r', (size_t)(p + n - q)));)
		*q++ = '\n';
}

/* UTF-8 text (in a buffer of ours) to the detector, through the page
 * filter for HTML. */
static lg_status detect_text(scan_worker *w, text_input *t, uint8_t *p,
			     size_t n, bool eof)
{
	if (t->cr_lines)
		cr_to_lf(p, n);
	if (!t->html)
		return lg_detect_feed(w->stream, p, n);
	size_t len = 0;
	lg_status rc =
	    lg_html_feed(t->html, p, n, eof, &w->paged, &len, &w->paged_cap);
	return rc == LG_OK ? lg_detect_feed(w->stream, w->paged, len) : rc;
}

/* A UTF-8 text whose chunk has invalid bytes: read from then on line by
 * line, a line in CP932 or EUC-JP decoded (mixed.c). Counted again from
 * the chunk's start (snap). False when it cannot be. */
static bool go_mixed(text_input *t, const lg_utf8_tally *snap)
{
	char err[64];
	t->mix =
	    lg_mixed_new("UTF-8", snap->consumed, t->mark, err, sizeof(err));
	if (t->mix)
		t->tally = *snap;
	return t->mix != NULL;
}

static lg_status feed_chunk(scan_worker *w, text_input *t, uint8_t *p, size_t n,
			    bool eof)
{
	if (!t->dec && !t->mix) {
		lg_utf8_tally snap = t->tally;
		lg_utf8_tally_add(&t->tally, p, n, eof);
		if (t->tally.invalid == snap.invalid || !go_mixed(t, &snap))
			return detect_text(w, t, p, n, eof);
	}
	size_t len = 0;
	lg_status rc =
	    t->mix ? lg_mixed_feed(t->mix, p, n, eof, &w->decoded, &len,
				   &w->decoded_cap, &t->tally, &t->dstats)
		   : lg_decoder_feed(t->dec, p, n, eof, &w->decoded, &len,
				     &w->decoded_cap, &t->dstats);
	if (rc == LG_OK)
		rc = detect_text(w, t, w->decoded, len, eof);
	return rc;
}

void text_notes_add(text_notes *sum, const text_notes *part)
{
	if (!sum->invalid) /* none before: the part's is the first */
		sum->first_invalid = part->first_invalid;
	sum->invalid += part->invalid;
	if (!sum->other_lines && part->other_lines) {
		sum->first_other = part->first_other;
		memcpy(sum->other, part->other, sizeof(sum->other));
	} else if (part->other_lines && strcmp(sum->other, part->other)) {
		/* a UTF-8 text's parts: one read CP932 lines, one EUC-JP's,
		 * as mixed.c names both read whole */
		snprintf(sum->other, sizeof(sum->other), "CP932/EUC-JP-MS");
	}
	sum->other_lines += part->other_lines;
}

void text_notes_tell(const text_notes *n, void (*fn)(const char *msg, void *ud),
		     void *ud)
{
	char msg[256];
	if (n->other_lines) {
		snprintf(msg, sizeof(msg),
			 _("%llu line(s) not in the file's encoding read as "
			   "%s, first at byte %llu"),
			 (unsigned long long)n->other_lines, n->other,
			 (unsigned long long)n->first_other);
		fn(msg, ud);
	}
	if (n->invalid) {
		snprintf(msg, sizeof(msg),
			 _("%llu invalid UTF-8 byte(s), first at byte %llu"),
			 (unsigned long long)n->invalid,
			 (unsigned long long)n->first_invalid);
		fn(msg, ud);
	}
}

typedef struct report_to {
	scan_worker *w;
	scan_job *j;
} report_to;

static void report_note(const char *msg, void *ud)
{
	report_to *r = ud;
	report(r->w, r->j, EV_NOTICE, 0, "%s", msg);
}

static void report_stats(scan_worker *w, scan_job *j, const lg_decode_stats *st,
			 const char *enc)
{
	if (st->invalid)
		report(w, j, EV_NOTICE, 0,
		       _("%llu undecodable %s sequence(s), first at byte %llu"),
		       (unsigned long long)st->invalid, enc,
		       (unsigned long long)st->first_invalid);
	if (st->truncated)
		report(w, j, EV_NOTICE, 0,
		       _("input ends inside a %s character at byte %llu"), enc,
		       (unsigned long long)st->truncated_at);
}

/* A part of a cut file (UTF-8 only, segment.c) leaves its notes and its
 * growth to the sequencer, which tells the file's once, as for a file
 * read whole. */
static void report_decoding(scan_worker *w, scan_job *j, const text_input *t,
			    const char *enc)
{
	text_notes *n = &j->notes;
	*n = (text_notes){.invalid = t->tally.invalid,
			  .first_invalid = t->tally.first_invalid};
	const lg_mixed_stats *ms = t->mix ? lg_mixed_stats_of(t->mix) : NULL;
	if (ms && ms->lines) {
		n->other_lines = ms->lines;
		n->first_other = ms->first_line;
		memcpy(n->other, ms->encoding, sizeof(n->other));
	}
	j->grow = ms ? ms->grow - ms->grow_before_mark : 0;
	if (!j->seg_len) {
		report_to r = {w, j};
		text_notes_tell(n, report_note, &r);
	}
	if (ms)
		report_stats(w, j, &ms->other, ms->encoding);
	report_stats(w, j, &t->dstats, enc);
}

/* Sniffs the first chunk; returns false (reported) when it is skipped. */
static bool open_text(scan_worker *w, scan_job *j, const uint8_t *buf, size_t n,
		      text_input *t, lg_sniff *sn)
{
	lg_text_sniff(buf, n < 65536 ? n : 65536, sn);
	if (w->opt->encoding) {
		snprintf(sn->encoding, sizeof(sn->encoding), "%s",
			 w->opt->encoding);
		sn->binary = false;
	}
	if (j->seg_index > 0) { /* the planner read the start: UTF-8 text */
		strcpy(sn->encoding, "UTF-8");
		sn->bom_len = 0;
		sn->binary = false;
	}
	if (sn->binary) {
		scan_binary_notice(w, j, buf, n < 65536 ? n : 65536);
		seq_count(w->seq, 0, 1, n);
		return false;
	}
	if (j->seg_index == 0 &&
	    lg_html_sniff(buf + sn->bom_len, n - sn->bom_len)) {
		t->html = lg_html_new();
		if (!t->html) {
			report(w, j, EV_ERROR, ENOMEM, _("out of memory"));
			return false;
		}
	}
	/* no LF in the sample, and a CR: lines end in CR alone */
	size_t look = n < 65536 ? n : 65536;
	t->cr_lines = j->seg_index == 0 && !memchr(buf, '\n', look) &&
		      memchr(buf, '\r', look);
	/* the sample starts the first chunk; a BOM is never checked */
	t->tally.known_valid = sn->bom_len ? 0 : sn->utf8_valid;
	if (lg_ascii_casecmp(sn->encoding, "UTF-8") != 0) {
		char err[128];
		if (lg_mixed_supports(sn->encoding))
			t->mix =
			    lg_mixed_new(sn->encoding, 0, 0, err, sizeof(err));
		else
			t->dec = lg_decoder_new(sn->encoding, err, sizeof(err));
		if (!t->dec && !t->mix) {
			report(w, j, EV_ERROR, 0, "%s", err);
			lg_html_free(t->html);
			t->html = NULL;
			return false;
		}
	}
	return true;
}

/* A file descriptor as a text source: the whole file, or only the job's
 * segment. */
typedef struct fd_source {
	int fd;
	const scan_job *j;
	uint64_t done;
	int err; /* a read failed: every read after fails alike */
} fd_source;

/* Bytes read before the kernel is told the file is read straight through
 * (a larger read-ahead): most files end before, and the call would cost
 * as much as their read. */
#define ADVISE_AFTER READ_CHUNK

static ssize_t fd_read(void *ctx, uint8_t *buf, size_t cap)
{
	fd_source *f = ctx;
	size_t want = cap;
	if (f->j->seg_len) {
		uint64_t left = f->j->seg_len - f->done;
		if (left < want)
			want = (size_t)left;
	}
	if (f->err) {
		errno = f->err;
		return -1;
	}
	ssize_t n = want ? read_full(f->fd, buf, want, &f->err) : 0;
	if (n > 0) {
		bool advise = f->done < ADVISE_AFTER &&
			      f->done + (uint64_t)n >= ADVISE_AFTER;
		f->done += (uint64_t)n;
		if (advise)
			posix_fadvise(f->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	return n;
}

/* Reads want bytes into the detector's window at p, FRESH_READ at a time,
 * and accounts each piece read in full (lg_utf8_tally_add) up to its last
 * ASCII byte, which no character runs across: each part's check finds
 * what the chunk's would (its end is no end of text to wait past, hence
 * eof), and the detector notes its lines while it is fresh. *accounted:
 * how much of the chunk was; the caller accounts the rest. */
static ssize_t read_fresh(scan_worker *w, text_input *t, scan_source *src,
			  uint8_t *p, size_t want, size_t *accounted)
{
	size_t got = 0;
	*accounted = 0;
	while (got < want) {
		size_t piece =
		    want - got < FRESH_READ ? want - got : FRESH_READ;
		ssize_t r = src->read(src->ctx, p + got, piece);
		if (r < 0 && !got)
			return -1;
		if (r < 0)
			break; /* what came before the error is scanned */
		got += (size_t)r;
		if ((size_t)r < piece)
			break; /* the end of the text */
		size_t cut = got;
		while (cut > *accounted && p[cut - 1] >= 0x80)
			cut--;
		if (cut > *accounted) {
			lg_utf8_tally_add(&t->tally, p + *accounted,
					  cut - *accounted, true);
			lg_detect_fresh(w->stream, cut);
			*accounted = cut;
		}
	}
	return (ssize_t)got;
}

/* Reads the next chunk: UTF-8 text straight into the detector's window,
 * one copy fewer than through inbuf; what needs decoding into inbuf. */
static ssize_t read_next(scan_worker *w, text_input *t, scan_source *src,
			 uint8_t **buf, size_t *want, size_t *accounted)
{
	*accounted = 0;
	*buf = w->inbuf;
	*want = READ_CHUNK;
	size_t room = 0;
	uint8_t *at = lg_detect_room(w->stream, &room);
	if (!t->dec && !t->mix && !t->html && !t->cr_lines &&
	    room > 0) { /* a full window: inbuf */
		*buf = at;
		*want = room < READ_CHUNK ? room : READ_CHUNK;
		return read_fresh(w, t, src, at, *want, accounted);
	}
	return src->read(src->ctx, *buf, *want);
}

/* Commits a chunk read into the window, accounted up to done: or, when
 * it holds invalid UTF-8, feeds it from inbuf instead, to be read line
 * by line from then on (go_mixed), counted again from snap. */
static lg_status commit_fresh(scan_worker *w, text_input *t, uint8_t *buf,
			      size_t n, size_t done, bool eof,
			      const lg_utf8_tally *snap)
{
	lg_utf8_tally_add(&t->tally, buf + done, n - done, eof);
	if (t->tally.invalid == snap->invalid || !go_mixed(t, snap)) {
		lg_detect_fresh(w->stream, n);
		return lg_detect_commit(w->stream, n);
	}
	lg_detect_unfresh(w->stream);
	memcpy(w->inbuf, buf, n);
	return feed_chunk(w, t, w->inbuf, n, eof);
}

void scan_text(scan_worker *w, scan_job *j, scan_source *src)
{
	text_input t = {0};
	file_ctx ctx = {w, j, false, (const lg_mixed *const *)&t.mix};
	lg_sniff sn;
	uint64_t total = 0, primed = primed_len(j);
	/* byte offsets in notices are the file's */
	t.tally.consumed = j->seg_index ? j->seg_start - j->bom - primed : 0;
	t.mark = t.tally.consumed + primed;
	if (j->context && primed)
		lg_detect_begin_after(w->stream, on_finding, &ctx, primed);
	else
		lg_detect_begin(w->stream, on_finding, &ctx);
	ssize_t n = src->read(src->ctx, w->inbuf, READ_CHUNK);
	if (n < 0) {
		report(w, j, EV_ERROR, errno, _("read failed: %s"),
		       strerror(errno));
		return;
	}
	if (!open_text(w, j, w->inbuf, (size_t)n, &t, &sn))
		return;
	if (w->ntext_cells && !t.dec && !t.mix && !t.html && !sn.bom_len)
		lg_detect_cells(w->stream, w->text_cell_type, w->text_cells,
				w->ntext_cells);
	/* what a part reads first is the part before's: its bytes are
	 * reported there, not again here */
	if (t.tally.known_valid < primed)
		t.tally.known_valid = primed;
	size_t skip = sn.bom_len, want = READ_CHUNK, done = 0;
	uint8_t *buf = w->inbuf;
	lg_status rc = LG_OK;
	bool fed_eof = false;
	lg_utf8_tally snap; /* at the start of a chunk read into the window */
	while (n > 0 && rc == LG_OK && !ctx.stop) {
		total += (size_t)n;
		__atomic_add_fetch(&w->progress->bytes, (uint64_t)n,
				   __ATOMIC_RELAXED);
		fed_eof = (size_t)n < want ||
			  (j->seg_len && total == j->seg_len + primed);
		if (buf != w->inbuf) { /* read into the window already */
			rc = commit_fresh(w, &t, buf, (size_t)n, done, fed_eof,
					  &snap);
		} else {
			rc = feed_chunk(w, &t, buf + skip, (size_t)n - skip,
					fed_eof);
		}
		skip = 0;
		if (fed_eof)
			break;
		snap = t.tally;
		n = read_next(w, &t, src, &buf, &want, &done);
	}
	int err = n < 0 ? errno : src->failed ? src->failed(src->ctx) : 0;
	if (err) /* at the file's offset, a part's too */
		report(w, j, EV_ERROR, err, _("read failed at byte %llu: %s"),
		       (unsigned long long)(j->seg_start + total - primed),
		       strerror(err));
	else if (!fed_eof && rc == LG_OK && !ctx.stop)
		rc = feed_chunk(w, &t, NULL, 0, true);
	if (rc == LG_OK)
		rc = lg_detect_end(w->stream);
	j->seg_lines = lg_detect_newlines(w->stream) - j->prefix_lines;
	j->tabular = lg_detect_tabular(w->stream);
	if (rc != LG_OK)
		report(w, j, EV_ERROR, 0, _("scan failed: %s"),
		       lg_status_str(rc));
	report_decoding(w, j, &t, sn.encoding);
	lg_decoder_free(t.dec);
	lg_mixed_free(t.mix);
	lg_html_free(t.html);
	if (!j->seg_len || j->seg_last) { /* a file's last (or only) part */
		scan_event e = {.kind = EV_TEXT_END,
				.path = w->member,
				.tabular = lg_detect_tabular(w->stream)};
		seq_event(w->seq, j, &e);
	}
	/* a file split into segments is one file; a part's bytes count as
	 * it retires, unless a part before it failed (sequencer.c) */
	j->part_bytes = j->seg_len ? total - primed : 0;
	seq_count(w->seq, j->seg_index == 0, 0,
		  j->seg_len ? 0 : total - primed);
	if (j->seg_index == 0)
		__atomic_add_fetch(&w->progress->files, 1, __ATOMIC_RELAXED);
}

/* A file's first bytes, read to tell what it is, then the rest. */
typedef struct head_source {
	const uint8_t *head;
	size_t n, at;
	fd_source *rest;
} head_source;

static ssize_t head_read(void *ctx, uint8_t *buf, size_t cap)
{
	head_source *h = ctx;
	size_t k = h->n - h->at < cap ? h->n - h->at : cap;
	memcpy(buf, h->head + h->at, k);
	h->at += k;
	if (k == cap)
		return (ssize_t)k;
	ssize_t n = fd_read(h->rest, buf + k, cap - k);
	return n < 0 ? (k ? (ssize_t)k : -1) : (ssize_t)(k + (size_t)n);
}

static int fd_failed(void *ctx)
{
	return ((fd_source *)ctx)->err;
}

static int head_failed(void *ctx)
{
	return ((head_source *)ctx)->rest->err;
}

/* The text of fd from where it stands, after the nh bytes of head read
 * from it (none for a job's segment, which starts at its own offset). */
static void scan_fd(scan_worker *w, scan_job *j, int fd, const uint8_t *head,
		    size_t nh)
{
	if (j->seg_start && lseek(fd, (off_t)j->seg_start, SEEK_SET) < 0) {
		report(w, j, EV_ERROR, errno, _("read failed: %s"),
		       strerror(errno));
		return;
	}
	fd_source f = {fd, j, 0, 0};
	head_source h = {head, nh, 0, &f};
	scan_source src = {fd_read, &f, fd_failed};
	if (nh)
		src = (scan_source){head_read, &h, head_failed};
	scan_text(w, j, &src);
}

/* A text a reader of its own lays out as tables (an SQL dump, an address
 * book), from where fd stands, after the nh bytes of head. */
static void scan_tables_fd(scan_worker *w, scan_job *j,
			   scan_table_reader tables, int fd,
			   const uint8_t *head, size_t nh)
{
	fd_source f = {fd, j, 0, 0};
	head_source h = {head, nh, 0, &f};
	scan_source src = {head_read, &h, head_failed};
	tables(w, j, &src);
}

#define STDIN_MAX_WHOLE (256u << 20)

/* Standard input: an archive, a PDF or a mail piped in is read whole
 * (up to 256 MB: their readers go back and forth) and opened as a file
 * would be; text is streamed, whatever its size. */
static void scan_stdin(scan_worker *w, scan_job *j)
{
	uint8_t head[SCAN_HEAD_LEN];
	int err; /* after some bytes: read again as text, or told below */
	ssize_t nh = read_full(STDIN_FILENO, head, sizeof(head), &err);
	if (nh < 0) {
		report(w, j, EV_ERROR, errno, _("read failed: %s"),
		       strerror(errno));
		return;
	}
	size_t n = (size_t)nh;
	scan_table_reader tables = n ? scan_table_reader_for(head, n) : NULL;
	if (tables) {
		scan_tables_fd(w, j, tables, STDIN_FILENO, head, n);
		return;
	}
	if (!(n && (scan_is_container(head, n) || scan_is_pdf(head, n) ||
		    scan_mail_kind(head, n)))) {
		scan_fd(w, j, STDIN_FILENO, head, n);
		return;
	}
	lg_buf b = {0};
	bool ok = lg_buf_append(&b, head, n);
	ssize_t k;
	while (ok && !err &&
	       (k = read_full(STDIN_FILENO, w->inbuf, 1u << 20, &err)) > 0)
		ok = b.len + (size_t)k <= STDIN_MAX_WHOLE &&
		     lg_buf_append(&b, w->inbuf, (size_t)k);
	if (err) /* what came before is still read */
		report(w, j, EV_ERROR, err, _("read failed at byte %llu: %s"),
		       (unsigned long long)b.len, strerror(err));
	if (ok)
		scan_buffer(w, j, NULL, (const uint8_t *)b.data, b.len);
	else
		report(w, j, EV_NOTICE, 0,
		       _("skipped: an archive, PDF or mail over 256 MB on "
			 "standard input (give it as a file)"));
	lg_buf_free(&b);
}

/* Checks what the walker did not (a listed regular file still is one)
 * and lets a large file be cut; false when the file is not scanned. */
static bool opened_file(scan_worker *w, scan_job *j, int fd)
{
	struct stat st;
	if (!j->regular && !w->pool)
		return true; /* no question to ask of it */
	if (fstat(fd, &st) != 0) {
		report(w, j, EV_ERROR, errno, _("cannot access: %s"),
		       strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		if (!j->regular)
			return true; /* named on the command line: read */
		report(w, j, EV_NOTICE, 0, _("not a regular file, skipped"));
		seq_count(w->seq, 0, 1, 0);
		return false;
	}
	scan_plan_segment(w, j, fd, (uint64_t)st.st_size);
	return true;
}

void scan_file(scan_worker *w, scan_job *j)
{
	if (!strcmp(j->path, "-")) {
		scan_stdin(w, j);
		return;
	}
	/* a folder's entry listed as a regular file may have become a pipe
	 * since: opened without waiting for a writer, then checked */
	int fd = open(j->path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
				   (j->regular ? O_NONBLOCK : 0));
	if (fd < 0) {
		report(w, j, EV_ERROR, errno, _("cannot open: %s"),
		       strerror(errno));
		return;
	}
	if (!opened_file(w, j, fd)) {
		close(fd);
		return;
	}
	/* the head is read, not pread: a text goes on from it (a call less
	 * a file, most being text); the other readers start again at 0. A
	 * pipe cannot go back: what it holds is read as text */
	uint8_t head[SCAN_HEAD_LEN];
	int err; /* after some bytes: the reader after tries again */
	ssize_t nh = j->seg_len ? 0 : read_full(fd, head, sizeof(head), &err);
	if (nh < 0) {
		report(w, j, EV_ERROR, errno, _("read failed: %s"),
		       strerror(errno));
		close(fd);
		return;
	}
	size_t n = (size_t)nh;
	int mail = n ? scan_mail_kind(head, n) : 0;
	bool container = n && scan_is_container(head, n),
	     pdf = n && scan_is_pdf(head, n);
	scan_table_reader tables = n ? scan_table_reader_for(head, n) : NULL;
	if (primed_len(j)) /* a part: its header or context, then its own */
		scan_fd(w, j, fd, j->prefix, j->prefix_len);
	else if (tables)
		scan_tables_fd(w, j, tables, fd, head, n);
	else if (!(container || pdf || mail) || lseek(fd, 0, SEEK_SET) != 0)
		scan_fd(w, j, fd, head, n);
	else if (container) {
		if (!scan_xlsx(w, j, fd) && lseek(fd, 0, SEEK_SET) == 0)
			scan_archive(w, j, fd);
	} else if (pdf)
		scan_pdf(w, j, fd, NULL, 0);
	else if (!scan_mail(w, j, fd, mail == 2)) {
		(void)lseek(fd, 0,
			    SEEK_SET); /* the mail reader may have read on */
		scan_fd(w, j, fd, NULL, 0);
	}
	close(fd);
}
