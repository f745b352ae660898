/* tsv.c: the cells of tables that readers lay out as tab-separated rows
 * (a workbook's sheets, a dump's tables, an address book's cards) for the
 * table pass to read as a CSV's, and which of those readers a text is
 * for. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libintl.h>

#include "scan_int.h"

#define _(s) dgettext("leakguard", s)

#define ROWS_MAX (64u << 20) /* bytes of a file read whole to lay out */

void scan_tsv_cell(lg_buf *b, bool *oom, const char *p, size_t n)
{
	if (*oom || !n)
		return;
	if (!lg_buf_reserve(b, n)) {
		*oom = true;
		return;
	}
	char *d = b->data + b->len;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		/* a tab or a line end would end the cell or the row; a
		 * quote first would open a quoted cell */
		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		else if (c == '"' && i == 0)
			c = '\'';
		d[i] = c;
	}
	b->len += n;
	b->data[b->len] = '\0';
}

scan_table_reader scan_table_reader_for(const uint8_t *p, size_t n)
{
	if (!n)
		return NULL; /* p may be NULL then (an empty attachment) */
	if (scan_is_sql_dump(p, n))
		return scan_sql;
	if (scan_is_vcard(p, n))
		return scan_vcard;
	if (scan_is_ldif(p, n))
		return scan_ldif;
	return NULL;
}

void scan_tsv_row(lg_buf *out, bool *oom, const lg_buf *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			*oom |= !lg_buf_putc(out, '\t');
		scan_tsv_cell(out, oom, cols[i].data ? cols[i].data : "",
			      cols[i].len);
	}
	*oom |= !lg_buf_putc(out, '\n');
}

void scan_record_each(scan_record *r, void (*fn)(lg_buf *))
{
	for (int i = 0; i < REC_COLS; i++)
		fn(&r->col[i]);
	for (int i = 0; i < REC_PARTS; i++)
		fn(&r->part[i]);
}

void scan_record_name(scan_record *r, int col, int f, int g)
{
	lg_buf *b = &r->col[col];
	const lg_buf *family = &r->part[f], *given = &r->part[g];
	if (b->len)
		return;
	if (family->len)
		r->oom |= !lg_buf_append(b, family->data, family->len);
	if (family->len && given->len)
		r->oom |= !lg_buf_putc(b, ' ');
	if (given->len)
		r->oom |= !lg_buf_append(b, given->data, given->len);
}

void scan_read_failed(scan_worker *w, scan_job *j, int err, uint64_t at)
{
	char msg[256];
	snprintf(msg, sizeof(msg), _("read failed at byte %llu: %s"),
		 (unsigned long long)at, strerror(err));
	scan_report(w, j, true, err, msg);
}

/* All of in, up to ROWS_MAX bytes (*big past them), into t. */
static int read_whole(scan_source *in, lg_buf *t, bool *big, bool *oom)
{
	for (;;) {
		if (!lg_buf_reserve(t, 1u << 16)) {
			*oom = true;
			return 0;
		}
		ssize_t k =
		    in->read(in->ctx, (uint8_t *)t->data + t->len, 1u << 16);
		if (k <= 0)
			return k < 0	    ? errno
			       : in->failed ? in->failed(in->ctx)
					    : 0;
		t->len += (size_t)k;
		if (t->len > ROWS_MAX) {
			*big = true;
			return 0;
		}
	}
}

void scan_rows_member(scan_worker *w, scan_job *j, scan_source *in,
		      const char *member, scan_lay_out lay)
{
	lg_buf t = {0}, out = {0};
	bool oom = false, big = false;
	int err = read_whole(in, &t, &big, &oom);
	if (!oom)
		lay(t.data ? t.data : "", t.len, &out, &oom);
	const char *base = w->member ? w->member : j->path;
	char *display = NULL, *keep = w->member;
	if (!oom && asprintf(&display, "%s!/%s", base, member) > 0) {
		w->member = display;
		scan_buf_source b = {(const uint8_t *)out.data, out.len, 0};
		scan_source src = {scan_buf_read, &b, NULL};
		scan_text(w, j, &src);
		w->member = keep;
	}
	free(display);
	if (big)
		scan_report(w, j, false, 0,
			    _("a file over 64 MB read as a table: read up to "
			      "there"));
	if (err)
		scan_read_failed(w, j, err, t.len);
	if (oom)
		scan_report(w, j, true, ENOMEM, _("out of memory"));
	lg_buf_free(&t);
	lg_buf_free(&out);
}
