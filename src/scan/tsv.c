/* tsv.c: the cells of tables that readers lay out as tab-separated rows
 * (a workbook's sheets, a dump's tables, an address book's cards) for the
 * table pass to read as a CSV's, and which of those readers a text is
 * for. */
#include "scan_int.h"

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
	if (scan_is_sql_dump(p, n))
		return scan_sql;
	if (scan_is_vcard(p, n))
		return scan_vcard;
	return NULL;
}
