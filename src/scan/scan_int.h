/* scan_int.h: the scan's jobs and the sequencer that keeps output in
 * path order. */
#ifndef LG_SCAN_INT_H
#define LG_SCAN_INT_H

#include <pthread.h>
#include <sys/types.h>

#include "leakguard/scan.h"
#include "util/util.h"

typedef enum { EV_FINDING, EV_ERROR, EV_NOTICE, EV_TEXT_END } event_kind;

typedef struct scan_event {
	event_kind kind;
	int errnum;
	char *path; /* a member's ("a.zip!/b.csv"); NULL: the job's */
	char *message;
	bool tabular; /* EV_TEXT_END */
	/* EV_FINDING, borrowed for the call: its offset and line are the
	 * job's (a segment's), made the file's as it is delivered */
	const lg_finding *finding;
} scan_event;

/* What reading a text found that is told once a file, its parts' added
 * up (sequencer.c): invalid UTF-8 bytes, lines read in another encoding
 * (mixed.c); each with the file offset of its first. */
typedef struct text_notes {
	uint64_t invalid, first_invalid;
	uint64_t other_lines, first_other;
	char other[16]; /* the first such line's encoding */
} text_notes;
/* Adds a later part's notes to those of the parts before. */
void text_notes_add(text_notes *sum, const text_notes *part);
/* Tells the notes, in the user's language, one notice each to fn. */
void text_notes_tell(const text_notes *n, void (*fn)(const char *msg, void *ud),
		     void *ud);

typedef struct scan_job {
	uint64_t seq;
	char *path; /* "-" for stdin */
	/* a segment of a large file: bytes [seg_start, seg_start + seg_len);
	 * seg_len 0 is the whole input */
	uint64_t seg_start, seg_len;
	unsigned seg_index;
	bool seg_last;
	bool seg_open;	    /* a segment from seg_start whose end is still to be
			     * found (segment.c), when the job starts */
	bool regular;	    /* a folder's entry listed as a regular file, not
			     * checked yet (no stat by the walker) */
	uint64_t seg_lines; /* newlines in the segment, once scanned */
	bool tabular;	    /* a table in the segment, once scanned */
	/* a part that failed (an error: it was not read to its end), and
	 * one whose file's end (EV_TEXT_END) went out (sequencer.c) */
	bool failed, ended;
	uint64_t part_bytes; /* a part's bytes read, once scanned */
	/* a part's notes, once scanned: the sequencer tells them once for
	 * the whole file */
	text_notes notes;
	/* a part's decoded bytes less its input bytes (lines in another
	 * encoding): of its own text, and of its prefix */
	int64_t grow, prefix_grow;
	/* what a part after the first reads before its own bytes, and
	 * reports nothing of (segment.c): a table's header line with its
	 * line end, or a text's lines before the cut (`context`: read as a
	 * window's overlap); prefix_lines: its newlines */
	uint8_t *prefix;
	size_t prefix_len;
	unsigned prefix_lines;
	bool context;
	/* a table's: the header's bytes at the prefix's start; the rows
	 * after it in the prefix are the ones before the cut (ROW_CONTEXT) */
	size_t header_len;
	/* a table cut between its rows: the rows' shape, and where the
	 * first part's rows start (its header line is kept in prefix) */
	bool rows;
	char rows_delim;
	unsigned rows_ncols;
	uint64_t rows_from;
	uint8_t bom; /* the file's byte-order mark, which offsets into
		      * its text do not count (a part's, too) */
	bool done;
	/* events packed one after another while the job is not the head
	 * (sequencer.c), delivered when it becomes the head */
	uint8_t *held;
	size_t held_len, held_cap;
	struct scan_job *next;
} scan_job;

#define SEQ_SPARES 8

/* Delivers events in job order: the head job's events go straight out,
 * later jobs' are held (up to a budget for all, then their workers
 * wait). */
typedef struct sequencer {
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* a job became the head, or stop */
	pthread_cond_t room;   /* few enough jobs in flight to add more */
	scan_job *head, *tail; /* jobs not yet retired, in order */
	size_t inflight;
	bool adding_waits; /* seq_add waits on room */
	bool retiring;	   /* a seq_done is retiring done heads */
	const lg_scan_events *ev;
	lg_scan_stats *stats;
	bool stop;	    /* a callback asked to stop */
	uint64_t line_base; /* lines before the current segment of a file */
	bool parts_tabular; /* a table in the segments before it */
	/* the notes of the segments before it, and their growth */
	text_notes parts_notes;
	int64_t grow_base;
	/* a part of the file could not be read: the file ends there, as it
	 * does read whole, and the parts after say nothing (their lines are
	 * not known) */
	bool parts_dropped;
	bool alone;    /* one thread runs the jobs, one after another (no pool):
			* the running job is the head and nothing else locks */
	size_t held;   /* bytes of events held by jobs behind the head */
	size_t budget; /* held at most: then a job behind the head waits */
	/* blocks of retired jobs, for the next jobs to hold events in (each
	 * new block's pages cost a fault apiece); at most budget bytes */
	uint8_t *spare[SEQ_SPARES];
	size_t spare_cap[SEQ_SPARES], spare_bytes;
	unsigned nspare;
} sequencer;

/* Bytes of held events per worker thread (seq_init's workers). On the
 * bench's dense text (a finding every 316 bytes, ~170 bytes held each)
 * two threads then keep 1.93 CPUs busy on one large file (segment.c cuts it
 * every 16 MiB at most); 4 MiB kept 1.82, the old cap of 8,192 findings
 * a job 1.03. */
#define SEQ_HELD_PER_WORKER ((size_t)8 << 20)

void seq_init(sequencer *q, const lg_scan_events *ev, lg_scan_stats *st,
	      unsigned workers);
void seq_destroy(sequencer *q);
/* Jobs in flight at most: seq_add waits at SEQ_MAX_INFLIGHT until half
 * are retired, so that the walker and the workers take turns in batches,
 * not a wake-up a file. */
#define SEQ_MAX_INFLIGHT 64
/* Adds a job at the tail, waiting while too many are in flight. */
void seq_add(sequencer *q, scan_job *j);
/* Adds `next` right behind j, which is not retired (a file's next
 * segment, queued by the job of the one before); never waits. */
void seq_insert_after(sequencer *q, scan_job *j, scan_job *next);
/* Reports an event of job j (copied). Returns false when the scan stops. */
bool seq_event(sequencer *q, scan_job *j, const scan_event *e);
/* Says that from now on one thread runs the jobs in order (seq_event may
 * then deliver a head's events without the lock). */
void seq_alone(sequencer *q);
/* Marks j done; retires it and every done job behind it at the head. */
void seq_done(sequencer *q, scan_job *j);
bool seq_stopped(sequencer *q);
/* Adds to the run's totals (under the sequencer's lock). */
void seq_count(sequencer *q, uint64_t files, uint64_t skipped, uint64_t bytes);

/* file.c: one input through sniff, decode and detect. */
typedef struct scan_worker {
	lg_detect_stream *stream;
	char *member; /* the archive member being scanned; NULL: none */
	struct magic_set *magic; /* kind.c, opened on first use */
	struct cell_map *cells;	 /* a workbook sheet's cells (xlsx.c) */
	bool magic_failed;
	uint8_t *inbuf;
	uint8_t *decoded;
	size_t decoded_cap;
	uint8_t *paged; /* an HTML page's text */
	size_t paged_cap;
	const lg_scan_options *opt;
	sequencer *seq;
	lg_pool *pool; /* NULL: one thread, no file is cut */
	lg_scan_progress *progress;
	/* spans of the next text that hold one value of text_cell_type each
	 * (lg_detect_cells): a mail's display names */
	const lg_text_span *text_cells;
	size_t ntext_cells;
	lg_type text_cell_type;
} scan_worker;

void scan_file(scan_worker *w, scan_job *j);

/* segment.c: a large UTF-8 text shared between the worker threads. Before
 * job j reads fd (of size `size`): a whole file large enough becomes its
 * first segment and the rest is queued right behind it; a segment whose
 * end is open is ended at the next cut, the rest queued likewise. */
void scan_plan_segment(scan_worker *w, scan_job *j, int fd, uint64_t size);
/* Pool jobs beyond the walker's SEQ_MAX_INFLIGHT: the segments queued by
 * jobs, one at most per worker at a time. */
#define SEQ_QUEUE_CAP(workers) (SEQ_MAX_INFLIGHT + (workers) + 1)

/* A source of bytes: read fills buf as far as it can (fewer bytes only
 * at the end, or just before an error), returns 0 at the end, -1 with
 * errno on an error. failed (NULL: never): the errno of a read that
 * failed, 0 if none; after fewer bytes than asked, it tells an error from
 * the end. */
typedef struct scan_source {
	ssize_t (*read)(void *ctx, uint8_t *buf, size_t cap);
	void *ctx;
	int (*failed)(void *ctx);
} scan_source;
/* Bytes in memory as a source: scan_buf_read's ctx. */
typedef struct scan_buf_source {
	const uint8_t *p;
	size_t n, at;
} scan_buf_source;
ssize_t scan_buf_read(void *ctx, uint8_t *buf, size_t cap);
/* Sniffs, decodes and scans one text from src, reported as the job's (or
 * as w->member's when set). */
void scan_text(scan_worker *w, scan_job *j, scan_source *src);
/* Reports a notice (or an error) of the job, or of w->member. */
void scan_report(scan_worker *w, scan_job *j, bool error, int errnum,
		 const char *msg);
/* libs.c: whether a library a reader opens at first use is there (why is
 * NULL); else the user is told, by fmt ("... cannot load %s"), as an error
 * or a notice. */
bool scan_lib_loaded(scan_worker *w, scan_job *j, const char *why, bool error,
		     const char *fmt);

/* kind.c: tells the user what a binary input is (a PDF, a legacy Office
 * file, an image) as it is skipped. */
void scan_binary_notice(scan_worker *w, scan_job *j, const uint8_t *buf,
			size_t n);
void scan_kind_free(scan_worker *w);

/* archive.c: containers (zip, tar, 7z, lzh, gzip/bzip2/xz/zstd streams)
 * read with libarchive, members scanned as they stream, never written
 * to disk. */
/* What one top-level container may still spend, all levels together. */
typedef struct scan_budget {
	uint64_t packed; /* the container's own size */
	uint64_t bytes, items;
	const char *over; /* why the rest is skipped; NULL: within bounds */
} scan_budget;
/* Counts n bytes read out of the container; false once past a bound
 * (b->over then says which). */
bool scan_spend(scan_budget *b, size_t n);

#define SCAN_MAGIC_LEN 512
#define SCAN_HEAD_LEN  4096 /* a mail's headers, up to MIME-Version */
bool scan_is_container(const uint8_t *p, size_t n);
void scan_archive(scan_worker *w, scan_job *j, int fd);
/* Bytes in memory (a mail part): opened when an archive, scanned as text
 * otherwise, as `display` (NULL: as w->member is). */
void scan_buffer(scan_worker *w, scan_job *j, char *display, const uint8_t *p,
		 size_t n);

/* ooxml.c: Office documents (OOXML, OpenDocument): whether an archive
 * member name marks one, whether it names a part holding text, and that
 * part's text scanned (false when the XML was damaged or memory out). */
bool scan_office_marker(const char *name);
bool scan_office_structure(const char *name);
bool scan_office_text_part(const char *name, bool odf);
bool scan_office_part(scan_worker *w, scan_job *j, scan_source *in);

/* pdf.c: PDF text through poppler, page by page ("a.pdf!/page-3"), from
 * a file (fd >= 0) or from bytes in memory. */
bool scan_is_pdf(const uint8_t *p, size_t n);
void scan_pdf(scan_worker *w, scan_job *j, int fd, const uint8_t *p, size_t n);

/* xlsx.c: Excel workbook files (two passes over the zip: strings and
 * sheet names, then sheets as rows); false when fd holds no workbook.
 * cell_map_name writes "C12" for a text offset of the sheet scanned. */
typedef struct cell_map cell_map;
bool scan_xlsx(scan_worker *w, scan_job *j, int fd);
/* The same for a workbook held in memory (an archive member, an
 * attachment), named by w->member. */
bool scan_xlsx_buffer(scan_worker *w, scan_job *j, const uint8_t *p, size_t n);
cell_map *cell_map_new(void);
void cell_map_free(cell_map *m);
bool cell_map_name(const cell_map *m, uint64_t off, char *out, size_t cap);

/* tsv.c: appends p[0..n) to b as one cell of a tab-separated row: tabs
 * and line ends as spaces, a double quote first as ' (no quoted cell); a
 * failure to grow is remembered in *oom. */
void scan_tsv_cell(lg_buf *b, bool *oom, const char *p, size_t n);
/* A row of n cells (scan_tsv_cell each), tabs between, a newline after. */
void scan_tsv_row(lg_buf *out, bool *oom, const lg_buf *cols, size_t n);
/* A row a reader builds of a person's contact details (an address book's
 * card, a directory's entry): its cells under SCAN_RECORD_HEADER's
 * columns, and a name's parts given apart, joined into a cell at the
 * row's end (scan_record_name). */
enum {
	REC_NAME,
	REC_KANA,
	REC_TEL,
	REC_EMAIL,
	REC_ADDRESS,
	REC_BIRTHDAY,
	REC_COMPANY,
	REC_NOTE,
	REC_COLS
};
#define SCAN_RECORD_HEADER                                                     \
	"name\tfurigana\ttel\temail\taddress\tbirthday\tcompany\tnote\n"
enum { REC_FAMILY, REC_GIVEN, REC_KANA_FAMILY, REC_KANA_GIVEN, REC_PARTS };
typedef struct scan_record {
	lg_buf col[REC_COLS];
	lg_buf part[REC_PARTS];
	bool named; /* a cell named the one whole (FN, displayName) */
	bool oom;
} scan_record;
/* fn (lg_buf_reset, lg_buf_free) on each of r's buffers. */
void scan_record_each(scan_record *r, void (*fn)(lg_buf *));
/* When cell col is empty: "family given" from parts f and g (either may
 * be empty). */
void scan_record_name(scan_record *r, int col, int f, int g);
/* Reports a read that failed with err at byte `at` of the input. */
void scan_read_failed(scan_worker *w, scan_job *j, int err, uint64_t at);
/* A file's text t[0..len) laid out as a header and rows into out. */
typedef void (*scan_lay_out)(const char *t, size_t len, lg_buf *out, bool *oom);
/* Reads in whole (up to 64 MiB, with a notice past that), lays it out
 * (lay) and scans the rows as the member "<file>!/<member>". */
void scan_rows_member(scan_worker *w, scan_job *j, scan_source *in,
		      const char *member, scan_lay_out lay);

/* Texts read as tables by a reader of their own, told by their first
 * bytes: SQL dumps (sql.c: mysqldump, pg_dump, sqlite3 .dump; each
 * table's rows a member, "dump.sql!/customers", laid out as a TSV under
 * its column names), address books (vcard.c: .vcf, each card a row of
 * "contacts.vcf!/cards") and directory exports (ldif.c: each entry a row
 * of "dir.ldif!/entries"). scan_table_reader_for: the reader for a text
 * starting p[0..n), or NULL (the text path reads it). */
typedef void (*scan_table_reader)(scan_worker *w, scan_job *j, scan_source *in);
scan_table_reader scan_table_reader_for(const uint8_t *p, size_t n);
bool scan_is_sql_dump(const uint8_t *p, size_t n);
void scan_sql(scan_worker *w, scan_job *j, scan_source *in);
bool scan_is_vcard(const uint8_t *p, size_t n);
void scan_vcard(scan_worker *w, scan_job *j, scan_source *in);
bool scan_is_ldif(const uint8_t *p, size_t n);
void scan_ldif(scan_worker *w, scan_job *j, scan_source *in);

/* mail.c: .eml and mbox through GMime. scan_mail_kind: 1 a MIME message,
 * 2 a mailbox, 0 neither (by the first bytes: SCAN_HEAD_LEN of them). scan_mail
 * is false when no message could be read (the caller reads the file as text).
 */
int scan_mail_kind(const uint8_t *p, size_t n);
bool scan_mail(scan_worker *w, scan_job *j, int fd, bool mbox);
/* The same for a mail held in memory (an archive member, an attached
 * message), named by w->member. */
bool scan_mail_buffer(scan_worker *w, scan_job *j, const uint8_t *p, size_t n,
		      bool mbox);

#endif
