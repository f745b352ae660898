/* xlsx.c: Excel workbooks read as tables whose findings name their cell
 * ("list.xlsx!/顧客!C12"). A workbook keeps its text apart from its cells
 * (xl/sharedStrings.xml, which Excel and LibreOffice write after the
 * sheets), so the file is read twice: first for the shared strings, the
 * sheet names and which part holds which sheet; then each sheet is laid
 * out as tab-separated rows, line N being row N, so that its header row
 * names the columns for the detectors as a CSV's does. For workbook files;
 * one inside another archive or a mail is read part by part (ooxml.c). */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libintl.h>

#include "archive_api.h"
#include "scan_int.h"
#include "util/util.h"

#define _(s) dgettext("leakguard", s)

#define XLSX_MAX_STRINGS (64u << 20)  /* bytes of shared strings kept */
#define XLSX_MAX_SHEET	 (256u << 20) /* bytes of one sheet's text */
#define XLSX_MAX_SHEETS	 256
/* Excel's grid (1048576 rows, columns A to XFD): a reference past it is
 * no cell, and would have the empty rows and columns before it laid out
 * as tabs and newlines (a few bytes of "ZZZZZZZZZZZZZZ1" asked for 10^19) */
#define XLSX_MAX_ROW 1048576u
#define XLSX_MAX_COL 16384u

/* Appends to a buffer; a failure is remembered in *oom (the text is then
 * cut short, never wrong). */
static void text_put(lg_buf *t, bool *oom, const char *s, size_t n)
{
	if (n && !*oom && !lg_buf_append(t, s, n))
		*oom = true;
}

/* ---- where each cell's text starts ----------------------------------------
 */
struct cell_map {
	uint64_t *off;
	uint32_t *row, *col;
	size_t n, cap;
};

cell_map *cell_map_new(void)
{
	return calloc(1, sizeof(cell_map));
}

void cell_map_free(cell_map *m)
{
	if (!m)
		return;
	free(m->off);
	free(m->row);
	free(m->col);
	free(m);
}

static void cell_map_add(cell_map *m, uint64_t off, unsigned long row,
			 unsigned long col)
{
	if (m->n == m->cap) {
		size_t c = m->cap ? m->cap * 2 : 1024;
		uint64_t *o = realloc(m->off, c * sizeof(*o));
		if (o)
			m->off = o;
		uint32_t *r = o ? realloc(m->row, c * sizeof(*r)) : NULL;
		if (r)
			m->row = r;
		uint32_t *k = r ? realloc(m->col, c * sizeof(*k)) : NULL;
		if (!k)
			return; /* the cell goes unnamed: its sheet still says
				 */
		m->col = k;
		m->cap = c;
	}
	m->off[m->n] = off;
	m->row[m->n] = (uint32_t)row;
	m->col[m->n++] = (uint32_t)col;
}

bool cell_map_name(const cell_map *m, uint64_t off, char *out, size_t cap)
{
	size_t lo = 0, hi = m->n; /* the last cell starting at or before off */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->off[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	char letters[8];
	int k = 0;
	for (uint32_t c = m->col[lo - 1]; c && k < 7; c = (c - 1) / 26)
		letters[k++] = (char)('A' + (c - 1) % 26);
	char name[8];
	for (int i = 0; i < k; i++)
		name[i] = letters[k - 1 - i];
	name[k] = '\0';
	snprintf(out, cap, "%s%u", name, m->row[lo - 1]);
	return true;
}

typedef struct book {
	const char *path; /* the workbook's, as findings name it */
	char **sst;	  /* shared strings */
	size_t nsst, capsst, sst_bytes;
	char *sheet_name[XLSX_MAX_SHEETS], *sheet_rid[XLSX_MAX_SHEETS];
	unsigned nsheets;
	char *rel_id[XLSX_MAX_SHEETS], *rel_part[XLSX_MAX_SHEETS];
	unsigned nrels;
	/* reading a part */
	lg_buf cur; /* the shared string, or the sheet's text */
	bool in_si, in_rph, in_t, in_v, in_f;
	/* a sheet being laid out */
	unsigned long row, col; /* where the text is: 1-based */
	unsigned long maxcol;	/* the widest row so far */
	char cell_type[8];
	unsigned long cell_row, cell_col;
	unsigned long next_col; /* of a cell without r="": after the last */
	lg_buf cell;		/* the value being read */
	bool oom;
	cell_map *map;
	bool sheet_big;
	scan_budget budget; /* bytes read out of the zip, as for archives */
} book;

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (size_t i = 0; a[i]; i += 2)
		if (!strcmp(local(a[i]), name))
			return a[i + 1];
	return NULL;
}

/* ---- pass one: strings, sheets, relationships ----------------------------
 */
static void XMLCALL meta_start(void *ud, const XML_Char *name,
			       const XML_Char **a)
{
	book *b = ud;
	const char *l = local(name);
	if (!strcmp(l, "si")) {
		b->in_si = true;
		lg_buf_reset(&b->cur);
	} else if (!strcmp(l, "rPh")) {
		b->in_rph = true; /* furigana: a reading, not the text */
	} else if (!strcmp(l, "t")) {
		b->in_t = true;
	} else if (!strcmp(l, "sheet") && b->nsheets < XLSX_MAX_SHEETS) {
		const char *n = attr(a, "name"), *id = attr(a, "id");
		b->sheet_name[b->nsheets] = strdup(n ? n : "sheet");
		b->sheet_rid[b->nsheets++] = strdup(id ? id : "");
	} else if (!strcmp(l, "Relationship") && b->nrels < XLSX_MAX_SHEETS) {
		const char *id = attr(a, "Id"), *t = attr(a, "Target");
		if (id && t) {
			b->rel_id[b->nrels] = strdup(id);
			b->rel_part[b->nrels++] = strdup(t);
		}
	}
}

static void XMLCALL meta_end(void *ud, const XML_Char *name)
{
	book *b = ud;
	const char *l = local(name);
	if (!strcmp(l, "rPh")) {
		b->in_rph = false;
	} else if (!strcmp(l, "t")) {
		b->in_t = false;
	} else if (!strcmp(l, "si") && b->in_si) {
		b->in_si = false;
		if (b->nsst == b->capsst) {
			size_t c = b->capsst ? b->capsst * 2 : 256;
			char **q = realloc(b->sst, c * sizeof(*q));
			if (!q)
				return;
			b->sst = q;
			b->capsst = c;
		}
		b->sst_bytes += b->cur.len;
		b->sst[b->nsst++] =
		    b->sst_bytes > XLSX_MAX_STRINGS
			? strdup("")
			: strdup(b->cur.data ? b->cur.data : "");
	}
}

static void XMLCALL meta_chars(void *ud, const XML_Char *s, int n)
{
	book *b = ud;
	if (b->in_si && b->in_t && !b->in_rph && b->cur.len < XLSX_MAX_STRINGS)
		text_put(&b->cur, &b->oom, s, (size_t)n);
}

/* Feeds the current entry's data to a fresh expat parser. */
static bool parse_entry(struct archive *a, book *b, XML_StartElementHandler s,
			XML_EndElementHandler e, XML_CharacterDataHandler c)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return false;
	XML_SetUserData(p, b);
	XML_SetElementHandler(p, s, e);
	XML_SetCharacterDataHandler(p, c);
	char buf[1u << 16];
	bool ok = true;
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
		if (n > 0 && !scan_spend(&b->budget, (size_t)n))
			break; /* a bound (reported): what was read is kept */
		if (n < 0 || XML_Parse(p, buf, (int)(n > 0 ? n : 0), n == 0) ==
				 XML_STATUS_ERROR) {
			ok = false;
			break;
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(p);
	return ok;
}

/* A workbook's bytes: a file, or a member held in memory. */
typedef struct zip_src {
	int fd; /* -1: p[0..n) */
	const uint8_t *p;
	size_t n;
} zip_src;

/* NULL also without libarchive: the caller then reads the file as an
 * archive, which says why it cannot. */
static struct archive *open_zip(const zip_src *z)
{
	if (scan_archive_lib() ||
	    (z->fd >= 0 && lseek(z->fd, 0, SEEK_SET) != 0))
		return NULL;
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_filter_none(a);
	archive_read_support_format_zip(a);
	int rc = z->fd >= 0 ? archive_read_open_fd(a, z->fd, 1u << 16)
			    : archive_read_open_memory(a, z->p, z->n);
	if (rc != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Pass one; false when the file is no workbook. */
static bool read_meta(const zip_src *z, book *b)
{
	struct archive *a = open_zip(z);
	if (!a)
		return false;
	struct archive_entry *e;
	bool workbook = false;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *n = archive_entry_pathname(e);
		if (!n)
			continue;
		if (!strcmp(n, "xl/workbook.xml"))
			workbook = true;
		if (!strcmp(n, "xl/sharedStrings.xml") ||
		    !strcmp(n, "xl/workbook.xml") ||
		    !strcmp(n, "xl/_rels/workbook.xml.rels"))
			parse_entry(a, b, meta_start, meta_end, meta_chars);
	}
	archive_read_free(a);
	return workbook;
}

/* ---- pass two: sheets as rows --------------------------------------------
 */
/* "C12" -> column 3, row 12; false when it is not a cell reference. */
static bool cell_ref(const char *r, unsigned long *col, unsigned long *row)
{
	unsigned long c = 0;
	for (; *r >= 'A' && *r <= 'Z' && c <= XLSX_MAX_COL; r++)
		c = c * 26 + (unsigned long)(*r - 'A' + 1);
	char *end;
	unsigned long n = strtoul(r, &end, 10);
	if (!c || !n || *end || c > XLSX_MAX_COL || n > XLSX_MAX_ROW)
		return false;
	*col = c;
	*row = n;
	return true;
}

static void sheet_goto(book *b, unsigned long row, unsigned long col)
{
	while (b->row < row && !b->sheet_big) {
		/* an empty row keeps the table's width: a blank line would end
		 * the table for the detectors, a blank row does not */
		for (; b->col < b->maxcol; b->col++)
			text_put(&b->cur, &b->oom, "\t", 1);
		text_put(&b->cur, &b->oom, "\n", 1);
		b->row++;
		b->col = 1;
		/* rows of tabs up to the grid's end outgrow the bound */
		b->sheet_big |= b->cur.len > XLSX_MAX_SHEET;
	}
	while (b->col < col) {
		text_put(&b->cur, &b->oom, "\t", 1);
		b->col++;
	}
	if (col > b->maxcol)
		b->maxcol = col;
	b->sheet_big |= b->cur.len > XLSX_MAX_SHEET;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name,
				const XML_Char **a)
{
	book *b = ud;
	const char *l = local(name);
	if (!strcmp(l, "row")) {
		const char *r = attr(a, "r");
		unsigned long n = r ? strtoul(r, NULL, 10) : b->row + 1;
		if (n > XLSX_MAX_ROW)
			n = b->row + 1; /* no row: the next one */
		b->cell_row = n > b->row ? n : b->row + (b->row == 0);
		b->next_col = 1;
	} else if (!strcmp(l, "c")) {
		const char *r = attr(a, "r"), *t = attr(a, "t");
		unsigned long col = b->next_col, row = b->cell_row;
		if (!r || !cell_ref(r, &col, &row))
			col = b->next_col, row = b->cell_row;
		b->cell_col = col;
		b->next_col = col + 1;
		b->cell_row = row;
		snprintf(b->cell_type, sizeof(b->cell_type), "%s", t ? t : "n");
		lg_buf_reset(&b->cell);
	} else if (!strcmp(l, "v") || !strcmp(l, "t")) {
		b->in_v = true;
	} else if (!strcmp(l, "f") || !strcmp(l, "rPh")) {
		b->in_f = true;
	}
}

/* A cell's value: a shared string, or the text as it is, without the
 * tabs and newlines that would break the rows. */
static void cell_out(book *b)
{
	const char *v = b->cell.data ? b->cell.data : "";
	if (!strcmp(b->cell_type, "s")) {
		unsigned long i = strtoul(v, NULL, 10);
		v = i < b->nsst ? b->sst[i] : "";
	}
	if (!*v || b->sheet_big)
		return;
	sheet_goto(b, b->cell_row, b->cell_col);
	cell_map_add(b->map, b->cur.len, b->cell_row, b->cell_col);
	scan_tsv_cell(&b->cur, &b->oom, v, strlen(v));
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	book *b = ud;
	const char *l = local(name);
	if (!strcmp(l, "v") || !strcmp(l, "t"))
		b->in_v = false;
	else if (!strcmp(l, "f") || !strcmp(l, "rPh"))
		b->in_f = false;
	else if (!strcmp(l, "c"))
		cell_out(b);
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int n)
{
	book *b = ud;
	if (b->in_v && !b->in_f)
		text_put(&b->cell, &b->oom, s, (size_t)n);
}

/* The sheet name of a worksheet part ("xl/worksheets/sheet2.xml"). */
static const char *sheet_of(const book *b, const char *part)
{
	for (unsigned r = 0; r < b->nrels; r++) {
		const char *t = b->rel_part[r];
		size_t n = strlen(part), k = strlen(t);
		if (k > n || strcmp(part + n - k, t) != 0)
			continue;
		for (unsigned s = 0; s < b->nsheets; s++)
			if (!strcmp(b->sheet_rid[s], b->rel_id[r]))
				return b->sheet_name[s];
	}
	const char *slash = strrchr(part, '/');
	return slash ? slash + 1 : part;
}

static void scan_sheet(scan_worker *w, scan_job *j, struct archive *a, book *b,
		       const char *part)
{
	lg_buf_reset(&b->cur);
	b->row = 1;
	b->col = 1;
	b->cell_row = 1;
	b->maxcol = 1;
	b->sheet_big = false;
	b->map = cell_map_new();
	if (!b->map || !parse_entry(a, b, sheet_start, sheet_end, sheet_chars))
		scan_report(
		    w, j, false, 0,
		    _("a damaged document part: read up to the damage"));
	if (b->sheet_big)
		scan_report(w, j, false, 0,
			    _("a sheet over 256 MB of text: read up to there"));
	char *display = NULL;
	if (b->map &&
	    asprintf(&display, "%s!/%s", b->path, sheet_of(b, part)) > 0) {
		w->cells = b->map;
		scan_buffer(w, j, display,
			    (const uint8_t *)(b->cur.data ? b->cur.data : ""),
			    b->cur.len);
		w->cells = NULL;
	}
	free(display);
	cell_map_free(b->map);
	b->map = NULL;
}

static void book_free(book *b)
{
	for (size_t i = 0; i < b->nsst; i++)
		free(b->sst[i]);
	free(b->sst);
	for (unsigned i = 0; i < b->nsheets; i++) {
		free(b->sheet_name[i]);
		free(b->sheet_rid[i]);
	}
	for (unsigned i = 0; i < b->nrels; i++) {
		free(b->rel_id[i]);
		free(b->rel_part[i]);
	}
	lg_buf_free(&b->cur);
	lg_buf_free(&b->cell);
}

static bool scan_book(scan_worker *w, scan_job *j, const zip_src *z,
		      const char *path)
{
	book b;
	memset(&b, 0, sizeof(b));
	struct stat st;
	b.budget.packed =
	    z->fd < 0 ? z->n
		      : (fstat(z->fd, &st) == 0 ? (uint64_t)st.st_size : 0);
	b.path = path;
	if (!read_meta(z, &b)) {
		book_free(&b);
		return false;
	}
	struct archive *a = open_zip(z);
	struct archive_entry *e;
	while (a && archive_read_next_header(a, &e) == ARCHIVE_OK &&
	       !seq_stopped(w->seq)) {
		const char *n = archive_entry_pathname(e);
		if (n && !strncmp(n, "xl/worksheets/sheet", 19))
			scan_sheet(w, j, a, &b, n);
	}
	if (a)
		archive_read_free(a);
	if (b.budget.over) {
		char msg[256];
		snprintf(msg, sizeof(msg),
			 _("skipped the rest of the archive: %s"),
			 b.budget.over);
		scan_report(w, j, false, 0, msg);
		seq_count(w->seq, 0, 1, 0);
	}
	book_free(&b);
	return true;
}

bool scan_xlsx(scan_worker *w, scan_job *j, int fd)
{
	zip_src z = {fd, NULL, 0};
	return scan_book(w, j, &z, j->path);
}

bool scan_xlsx_buffer(scan_worker *w, scan_job *j, const uint8_t *p, size_t n)
{
	zip_src z = {-1, p, n};
	return scan_book(w, j, &z, w->member ? w->member : j->path);
}
