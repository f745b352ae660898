/* archive.c: containers read with libarchive: zip (member names in CP932
 * when not flagged UTF-8, as Japanese Windows writes them), tar, 7z, lzh,
 * and gzip/bzip2/xz/zstd streams, nested up to a depth. Members stream
 * into the same text path as files, reported as "outer.zip!/inner/a.csv";
 * nothing is ever written to disk.
 *
 * A container is bounded: its members' bytes (all nesting levels
 * together), their ratio to the container's own size, the nesting depth
 * and the number of members. Past a bound the rest is skipped with the
 * reason, so a zip bomb costs a bounded time and no memory. Encrypted
 * members are reported as such (a password zip sent by mail), not
 * silently passed over. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libintl.h>

#include "archive_api.h"
#include "leakguard/text.h"
#include "scan_int.h"
#include "util/util.h"

#define _(s) dgettext("leakguard", s)

#define ARC_BLOCK     (64u << 10)
#define ARC_MAX_DEPTH 4		   /* containers inside the top one */
#define ARC_MAX_ITEMS 100000	   /* members, all levels */
#define ARC_MAX_BYTES (8ull << 30) /* members' bytes, all levels */
#define ARC_MAX_RATIO 100	   /* members' bytes per container byte */
#define ARC_RATIO_MIN (64u << 20)  /* ... once past this many bytes */

bool scan_is_container(const uint8_t *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len, at;
	} kinds[] = {
	    {"PK\x03\x04", 4, 0}, /* zip */
	    {"PK\x05\x06", 4, 0}, /* an empty zip */
	    {"\x1f\x8b", 2, 0},	  /* gzip */
	    {"BZh", 3, 0},	  /* bzip2 */
	    {"\xfd"
	     "7zXZ\x00",
	     6, 0},			  /* xz */
	    {"\x28\xb5\x2f\xfd", 4, 0},	  /* zstd */
	    {"7z\xbc\xaf\x27\x1c", 6, 0}, /* 7z */
	    {"ustar", 5, 257},		  /* tar (POSIX and GNU) */
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (n >= kinds[i].at + kinds[i].len &&
		    !memcmp(p + kinds[i].at, kinds[i].magic, kinds[i].len))
			return true;
	/* lzh: "-lh5-" or "-lz4-" after a two-byte header size */
	return n >= 7 && p[2] == '-' && p[3] == 'l' &&
	       (p[4] == 'h' || p[4] == 'z') && p[6] == '-';
}

typedef struct arc_ctx {
	scan_worker *w;
	scan_job *j;
	scan_budget *b;
	struct archive *a;
	int depth;
	/* a member's first block, read to tell whether it nests */
	const uint8_t *pending;
	size_t npending;
	bool eof, failed;
	bool office;	/* an Office/OpenDocument file: its parts are XML */
	uint8_t *block; /* nested_read's buffer, one per level */
} arc_ctx;

static void notice(scan_worker *w, scan_job *j, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void notice(scan_worker *w, scan_job *j, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scan_report(w, j, false, 0, msg);
}

bool scan_spend(scan_budget *b, size_t n)
{
	b->bytes += n;
	if (b->bytes > ARC_MAX_BYTES)
		b->over = _("its members hold more than 8 GiB");
	else if (b->bytes > ARC_RATIO_MIN &&
		 b->bytes / ARC_MAX_RATIO > b->packed)
		b->over = _("its members expand more than 100 times its "
			    "size (a zip bomb?)");
	return !b->over;
}

/* Reads a member's data (after its first block, if pending) until buf is
 * full or the member ends. */
static ssize_t member_read(void *ctx, uint8_t *buf, size_t cap)
{
	arc_ctx *c = ctx;
	size_t got = 0;
	while (got < cap && (c->npending || !c->eof)) {
		if (c->npending) {
			size_t k =
			    c->npending < cap - got ? c->npending : cap - got;
			memcpy(buf + got, c->pending, k);
			c->pending += k;
			c->npending -= k;
			got += k;
			continue;
		}
		la_ssize_t n = archive_read_data(c->a, buf + got, cap - got);
		if (n < 0) {
			c->failed = true;
			errno = EIO;
			return -1;
		}
		if (n == 0) {
			c->eof = true;
			break;
		}
		if (!scan_spend(c->b, (size_t)n)) {
			c->eof = true; /* the caller reports the bound */
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* libarchive's read callback for a container nested in a member. */
static la_ssize_t nested_read(struct archive *a, void *ud, const void **buf)
{
	(void)a;
	arc_ctx *c = ud;
	ssize_t n = member_read(c, c->block, ARC_BLOCK);
	*buf = c->block;
	return n < 0 ? -1 : (la_ssize_t)n;
}

/* libarchive's reason, or ours when it gave none. */
static const char *arc_error(struct archive *a)
{
	const char *e = archive_error_string(a);
	return e ? e : _("an unreadable archive or member");
}

/* libarchive, loaded at the first container; without it a container is
 * not read, and the user told why. */
static bool archive_ready(scan_worker *w, scan_job *j)
{
	return scan_lib_loaded(w, j, scan_archive_lib(), true,
			       _("archive not read: cannot load %s"));
}

static struct archive *reader_new(void)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	archive_read_support_format_raw(a); /* a lone gzip/xz/... stream */
	/* lzh names are CP932, as Japanese Windows tools wrote them;
	 * libarchive 3.6 fails such a name, with no message, without this */
	archive_read_set_format_option(a, "lha", "hdrcharset", "CP932");
	return a;
}

static void scan_entries(arc_ctx *c, const char *outer);

static bool is_utf8(const char *s)
{
	size_t n = strlen(s), incomplete;
	return lg_utf8_valid_prefix((const uint8_t *)s, n, &incomplete) == n;
}

/* A member's name in UTF-8. Zip names carry a UTF-8 flag only sometimes
 * (Info-ZIP writes UTF-8 without it; Japanese Windows writes CP932
 * without it): bytes that are valid UTF-8 are taken as such, others as
 * CP932, which is what they are in Japan. */
static const char *entry_name(struct archive_entry *e, char *buf, size_t cap)
{
	const char *raw = archive_entry_pathname(e);
	if (raw && is_utf8(raw))
		return raw;
	const char *u = archive_entry_pathname_utf8(e);
	if (u && is_utf8(u))
		return u;
	if (!raw)
		return "?";
	char err[64];
	lg_decoder *d = lg_decoder_new("CP932", err, sizeof(err));
	uint8_t *out = NULL;
	size_t len = 0, ocap = 0;
	lg_decode_stats st = {0};
	bool ok = d && lg_decoder_feed(d, (const uint8_t *)raw, strlen(raw),
				       true, &out, &len, &ocap, &st) == LG_OK;
	lg_decoder_free(d);
	if (ok) { /* the decoder's output is not NUL-terminated */
		size_t k = len < cap - 1 ? len : cap - 1;
		if (k)
			memcpy(buf, out, k);
		buf[k] = '\0';
	}
	free(out);
	return ok ? buf : "?";
}

/* "outer!/name", and a notice when the name would leave a folder if it
 * were extracted (it never is). */
static char *member_name(arc_ctx *c, const char *outer, struct archive_entry *e)
{
	char conv[1024];
	const char *name = entry_name(e, conv, sizeof(conv));
	while (name[0] == '.' && name[1] == '/') /* tar's "./a.csv" */
		name += 2;
	size_t n = strlen(outer) + strlen(name) + 3;
	char *d = malloc(n);
	if (d)
		snprintf(d, n, "%s!/%s", outer, name);
	if (d && (name[0] == '/' || !strncmp(name, "../", 3) ||
		  strstr(name, "/../"))) {
		char *keep = c->w->member;
		c->w->member = d;
		notice(c->w, c->j,
		       _("member name points outside the archive (read, "
			 "never extracted)"));
		c->w->member = keep;
	}
	return d;
}

/* A member that is itself a container: its entries, one level down. */
static void scan_nested(arc_ctx *c, const char *display)
{
	struct archive *a = reader_new();
	c->block = a ? malloc(ARC_BLOCK) : NULL;
	if (!c->block) {
		scan_report(c->w, c->j, true, ENOMEM, _("out of memory"));
		if (a)
			archive_read_free(a);
		return;
	}
	arc_ctx inner = *c;
	inner.a = a;
	inner.depth = c->depth + 1;
	inner.block = NULL;
	inner.office = false;
	if (archive_read_open(a, c, NULL, nested_read, NULL) == ARCHIVE_OK)
		scan_entries(&inner, display);
	else
		notice(c->w, c->j, _("not a readable archive: %s"),
		       arc_error(a));
	archive_read_free(a);
	free(c->block);
	c->block = NULL;
}

/* A member that must be read whole (poppler needs a PDF whole; a mail's
 * parser reads on and back), in memory up to ARC_MAX_WHOLE: its bytes,
 * NULL when larger (or out of memory). */
#define ARC_MAX_WHOLE (256u << 20)
static uint8_t *member_whole(arc_ctx *c, size_t *len)
{
	size_t cap = 1u << 20;
	uint8_t *buf = malloc(cap);
	ssize_t n;
	*len = 0;
	while (buf && (n = member_read(c, buf + *len, cap - *len)) > 0) {
		*len += (size_t)n;
		if (*len < cap)
			break;
		uint8_t *b = cap < ARC_MAX_WHOLE ? realloc(buf, cap * 2) : NULL;
		if (!b) {
			free(buf);
			return NULL;
		}
		buf = b;
		cap *= 2;
	}
	return buf;
}

static void scan_member_pdf(arc_ctx *c)
{
	size_t len;
	uint8_t *buf = member_whole(c, &len);
	if (buf)
		scan_pdf(c->w, c->j, -1, buf, len);
	else
		notice(c->w, c->j, _("skipped: a PDF over 256 MB"));
	free(buf);
}

/* A mail (.eml, mbox) in an archive: its parts and attachments, as a
 * mail file's. */
static void scan_member_mail(arc_ctx *c, bool mbox)
{
	size_t len;
	uint8_t *buf = member_whole(c, &len);
	if (buf)
		scan_mail_buffer(c->w, c->j, buf, len, mbox);
	else
		notice(c->w, c->j, _("skipped: a mail part over 256 MB"));
	free(buf);
}

/* A part of an Office document: its text through expat. */
static void scan_office(arc_ctx *c)
{
	scan_source src = {member_read, c, NULL};
	if (!scan_office_part(c->w, c->j, &src))
		notice(c->w, c->j,
		       _("a damaged document part: read up to the damage"));
}

/* One member: scanned as text, or opened when it is a container, a PDF
 * or a mail. */
static void scan_member(arc_ctx *c, const char *display, bool office_part)
{
	uint8_t first[SCAN_MAGIC_LEN]; /* valid while the member is read */
	c->eof = c->failed = false;
	c->npending = 0;
	ssize_t n = member_read(c, first, sizeof(first));
	c->pending = first;
	c->npending = n > 0 ? (size_t)n : 0;
	if (n >= 0 && scan_is_container(first, (size_t)n)) {
		if (c->depth + 1 > ARC_MAX_DEPTH) {
			notice(c->w, c->j,
			       _("skipped: containers nested deeper than %d"),
			       ARC_MAX_DEPTH);
			seq_count(c->w->seq, 0, 1, 0);
			return;
		}
		scan_nested(c, display);
		return;
	}
	if (office_part) {
		scan_office(c);
	} else if (n > 0 && scan_is_pdf(first, (size_t)n)) {
		scan_member_pdf(c);
	} else if (n > 0 && scan_mail_kind(first, (size_t)n)) {
		scan_member_mail(c, scan_mail_kind(first, (size_t)n) == 2);
	} else {
		scan_source src = {member_read, c, NULL};
		scan_table_reader tables =
		    n > 0 ? scan_table_reader_for(first, (size_t)n) : NULL;
		if (tables)
			tables(c->w, c->j, &src); /* backup.sql.gz */
		else
			scan_text(c->w, c->j, &src);
	}
	if (c->failed)
		scan_report(c->w, c->j, true, 0, arc_error(c->a));
}

/* Whether the entry is a member to read; reports the ones that are not
 * read for a reason the user should know. */
static bool readable(arc_ctx *c, struct archive_entry *e)
{
	if (archive_entry_filetype(e) != AE_IFREG)
		return false;
	if (archive_entry_is_encrypted(e)) {
		notice(c->w, c->j, _("encrypted: not read"));
		seq_count(c->w->seq, 0, 1, 0);
		return false;
	}
	return true;
}

static void scan_entries(arc_ctx *c, const char *outer)
{
	struct archive_entry *e;
	for (;;) {
		int rc = archive_read_next_header(c->a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			char *keep = c->w->member;
			c->w->member = (char *)outer;
			scan_report(c->w, c->j, true, 0, arc_error(c->a));
			c->w->member = keep;
			break;
		}
		if (++c->b->items > ARC_MAX_ITEMS)
			c->b->over = _("it holds more than 100000 members");
		if (c->b->over)
			break;
		bool raw = archive_format(c->a) == ARCHIVE_FORMAT_RAW;
		char conv[1024];
		const char *name = entry_name(e, conv, sizeof(conv));
		/* an Office file: its text parts are read as XML, the rest
		 * (styles, relationships, media) passed over; an ODF file
		 * names its mimetype first */
		if (scan_office_marker(name))
			c->office = true;
		bool office_part = scan_office_text_part(name, c->office);
		if (!office_part && (c->office || scan_office_structure(name)))
			continue;
		/* a lone compressed stream is the file itself, not a member */
		char *display = raw ? strdup(outer) : member_name(c, outer, e);
		if (!display) {
			scan_report(c->w, c->j, true, ENOMEM,
				    _("out of memory"));
			break;
		}
		char *keep = c->w->member;
		c->w->member = raw && !c->depth ? keep : display;
		if (readable(c, e))
			scan_member(c, display, office_part);
		c->w->member = keep;
		free(display);
		if (c->b->over || seq_stopped(c->w->seq))
			break;
	}
}

ssize_t scan_buf_read(void *ctx, uint8_t *out, size_t cap)
{
	scan_buf_source *b = ctx;
	size_t k = b->n - b->at < cap ? b->n - b->at : cap;
	if (k)
		memcpy(out, b->p + b->at, k);
	b->at += k;
	return (ssize_t)k;
}

void scan_buffer(scan_worker *w, scan_job *j, char *display, const uint8_t *p,
		 size_t n)
{
	char *keep = w->member;
	if (display)
		w->member = display;
	bool container = scan_is_container(p, n);
	if (container && !archive_ready(w, j)) {
		w->member = keep;
		return;
	}
	struct archive *a = container ? reader_new() : NULL;
	if (scan_is_pdf(p, n)) {
		scan_pdf(w, j, -1, p, n);
	} else if (a && scan_xlsx_buffer(w, j, p, n)) {
		/* a workbook: read sheet by sheet, cell by cell */
	} else if (!a && scan_mail_kind(p, n) &&
		   scan_mail_buffer(w, j, p, n, scan_mail_kind(p, n) == 2)) {
		/* a mail attached to a mail */
	} else if (a && archive_read_open_memory(a, p, n) == ARCHIVE_OK) {
		scan_budget b = {0};
		b.packed = n;
		arc_ctx c = {.w = w, .j = j, .b = &b, .a = a, .depth = 0};
		scan_entries(&c, w->member ? w->member : j->path);
		if (b.over) {
			notice(w, j, _("skipped the rest of the archive: %s"),
			       b.over);
			seq_count(w->seq, 0, 1, 0);
		}
	} else {
		scan_buf_source bs = {p, n, 0};
		scan_source src = {scan_buf_read, &bs, NULL};
		scan_table_reader tables = scan_table_reader_for(p, n);
		if (tables)
			tables(w, j, &src);
		else
			scan_text(w, j, &src);
	}
	if (a)
		archive_read_free(a);
	w->member = keep;
}

void scan_archive(scan_worker *w, scan_job *j, int fd)
{
	struct stat st;
	scan_budget b = {0};
	b.packed = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (!archive_ready(w, j))
		return;
	struct archive *a = reader_new();
	if (!a) {
		scan_report(w, j, true, ENOMEM, _("out of memory"));
		return;
	}
	if (archive_read_open_fd(a, fd, ARC_BLOCK) != ARCHIVE_OK) {
		scan_report(w, j, true, 0, arc_error(a));
		archive_read_free(a);
		return;
	}
	arc_ctx c = {.w = w, .j = j, .b = &b, .a = a, .depth = 0};
	scan_entries(&c, j->path);
	if (b.over) {
		notice(w, j, _("skipped the rest of the archive: %s"), b.over);
		seq_count(w->seq, 0, 1, 0);
	}
	archive_read_free(a);
}
