/* vcard.c: address books (vCard 2.1, 3.0 and 4.0, .vcf: what a phone or
 * a mail client exports) read as a table: each card a row under the
 * columns name, furigana, tel, email, address, birthday, company and
 * note, so that its names, readings, birthday and address are found as
 * a member list's are ("contacts.vcf!/cards": line 1 the columns, line N
 * the (N-1)th card). Folded lines are unfolded, 2.1's quoted-printable
 * values decoded (their bytes as they are: a Japanese phone's Shift_JIS
 * is told by the text path, as any file's), 3.0's escapes undone, and an
 * address's parts put in Japanese order (〒, prefecture, city, street). */
#include <string.h>

#include "scan_int.h"
#include "util/util.h"

bool scan_is_vcard(const uint8_t *p, size_t n)
{
	size_t i = n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < n && (p[i] == ' ' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return n - i >= 11 &&
	       !lg_ascii_ncasecmp((const char *)p + i, "BEGIN:VCARD", 11);
}

typedef scan_record card;

/* A property line, unfolded: its name (upper case, no group), whether
 * quoted-printable, and its value. */
typedef struct prop {
	char name[32];
	bool qp;
	const char *value;
	size_t n;
} prop;

static int hex(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : -1;
}

/* Appends the value's part [p, p+n) to b, decoded: quoted-printable
 * (=8E=52), or 3.0's escapes (\, \; \n). */
static void put_part(card *c, lg_buf *b, const char *p, size_t n, bool qp)
{
	for (size_t i = 0; i < n && !c->oom; i++) {
		char ch = p[i];
		if (qp && ch == '=' && i + 2 < n && hex(p[i + 1]) >= 0 &&
		    hex(p[i + 2]) >= 0) {
			ch = (char)(hex(p[i + 1]) << 4 | hex(p[i + 2]));
			i += 2;
		} else if (!qp && ch == '\\' && i + 1 < n) {
			ch = p[++i];
			ch = ch == 'n' || ch == 'N' ? ' ' : ch;
		}
		c->oom |= !lg_buf_putc(b, ch);
	}
}

/* The component k (0-based, split at ; not escaped) of a value. */
static bool component(const prop *pr, unsigned k, const char **p, size_t *n)
{
	size_t i = 0, start = 0;
	for (unsigned at = 0;; i++) {
		if (i == pr->n || (pr->value[i] == ';' &&
				   (i == 0 || pr->value[i - 1] != '\\'))) {
			if (at == k) {
				*p = pr->value + start;
				*n = i - start;
				return true;
			}
			if (i == pr->n)
				return false;
			at++;
			start = i + 1;
		}
	}
}

/* Appends the components ks[] of the value to b, with sep between those
 * that are not empty. */
static void put_components(card *c, lg_buf *b, const prop *pr,
			   const unsigned *ks, size_t nk, const char *sep)
{
	for (size_t i = 0; i < nk; i++) {
		const char *p;
		size_t n;
		if (!component(pr, ks[i], &p, &n) || !n)
			continue;
		if (b->len)
			c->oom |= !lg_buf_puts(b, sep);
		put_part(c, b, p, n, pr->qp);
	}
}

static void put_value(card *c, int col, const prop *pr)
{
	lg_buf *b = &c->col[col];
	if (b->len)
		c->oom |= !lg_buf_putc(b, ' ');
	put_part(c, b, pr->value, pr->n, pr->qp);
}

static void take(card *c, const prop *pr)
{
	static const unsigned name_parts[] = {0, 1}, kana_parts[] = {0, 1},
			      adr_parts[] = {5, 4, 3, 2, 1};
	const char *n = pr->name;
	if (!strcmp(n, "FN"))
		put_value(c, REC_NAME, pr);
	else if (!strcmp(n, "N")) {
		put_components(c, &c->part[REC_FAMILY], pr, name_parts, 1, " ");
		put_components(c, &c->part[REC_GIVEN], pr, name_parts + 1, 1,
			       " ");
	} else if (!strcmp(n, "SOUND") || !strcmp(n, "SORT-STRING"))
		put_components(c, &c->col[REC_KANA], pr, kana_parts, 2, " ");
	else if (!strcmp(n, "X-PHONETIC-LAST-NAME"))
		put_part(c, &c->part[REC_KANA_FAMILY], pr->value, pr->n,
			 pr->qp);
	else if (!strcmp(n, "X-PHONETIC-FIRST-NAME"))
		put_part(c, &c->part[REC_KANA_GIVEN], pr->value, pr->n, pr->qp);
	else if (!strcmp(n, "TEL"))
		put_value(c, REC_TEL, pr);
	else if (!strcmp(n, "EMAIL"))
		put_value(c, REC_EMAIL, pr);
	else if (!strcmp(n, "ADR")) /* 〒, prefecture, city, street, more */
		put_components(c, &c->col[REC_ADDRESS], pr, adr_parts, 5, " ");
	else if (!strcmp(n, "BDAY"))
		put_value(c, REC_BIRTHDAY, pr);
	else if (!strcmp(n, "ORG"))
		put_value(c, REC_COMPANY, pr);
	else if (!strcmp(n, "NOTE"))
		put_value(c, REC_NOTE, pr);
}

/* Whether a line's head [p, p+n) (its name and parameters) says its
 * value is quoted-printable: ENCODING=QUOTED-PRINTABLE, or 2.1's bare
 * QUOTED-PRINTABLE. */
static bool quoted_printable(const char *p, size_t n)
{
	static const char w[] = "QUOTED-PRINTABLE";
	for (size_t i = 0; i + sizeof(w) - 1 <= n; i++)
		if (!lg_ascii_ncasecmp(p + i, w, sizeof(w) - 1))
			return true;
	return false;
}

/* Parses the line [p, p+n): NAME;PARAMS:VALUE, a group before a dot. */
static bool parse_prop(const char *p, size_t n, prop *pr)
{
	const char *colon = memchr(p, ':', n);
	if (!colon)
		return false;
	size_t head = (size_t)(colon - p), nl = 0;
	const char *name = p;
	for (size_t i = 0; i < head && p[i] != ';'; i++)
		if (p[i] == '.')
			name = p + i + 1; /* item1.TEL */
	while (name + nl < colon && name[nl] != ';' &&
	       nl < sizeof(pr->name) - 1) {
		char ch = name[nl];
		pr->name[nl++] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
	}
	pr->name[nl] = '\0';
	pr->qp = quoted_printable(p, head);
	pr->value = colon + 1;
	pr->n = n - head - 1;
	return true;
}

/* The next unfolded line of text from *at, into line: the lines after
 * it that start with a space or a tab (or, after a quoted-printable
 * value's =, any) joined to it. False at the end. */
static bool next_line(const char *t, size_t len, size_t *at, lg_buf *line,
		      bool *oom)
{
	if (*at >= len)
		return false;
	lg_buf_reset(line);
	for (;;) {
		const char *nl = memchr(t + *at, '\n', len - *at);
		size_t e = nl ? (size_t)(nl - t) : len, end = e;
		if (end > *at && t[end - 1] == '\r')
			end--;
		*oom |= !lg_buf_append(line, t + *at, end - *at);
		/* a quoted-printable value's = at a line's end: it goes on */
		const char *colon =
		    line->len ? memchr(line->data, ':', line->len) : NULL;
		bool soft =
		    colon && line->data[line->len - 1] == '=' &&
		    quoted_printable(line->data, (size_t)(colon - line->data));
		if (soft)
			line->data[--line->len] = '\0';
		*at = nl ? e + 1 : len;
		if (*at < len && (t[*at] == ' ' || t[*at] == '\t') && !soft)
			(*at)++;
		else if (!(soft && *at < len))
			return true;
	}
}

/* The cards of text t as rows under SCAN_RECORD_HEADER, into out. */
/* The card as a row: its name from N's parts when FN gave none, its
 * reading likewise. */
static void end_card(card *c, lg_buf *out, bool *oom)
{
	scan_record_name(c, REC_NAME, REC_FAMILY, REC_GIVEN);
	scan_record_name(c, REC_KANA, REC_KANA_FAMILY, REC_KANA_GIVEN);
	scan_tsv_row(out, oom, c->col, REC_COLS);
}

static void lay_out(const char *t, size_t len, lg_buf *out, bool *oom)
{
	card c = {0};
	lg_buf line = {0};
	bool in = false;
	*oom |= !lg_buf_puts(out, SCAN_RECORD_HEADER);
	for (size_t at = 0; !*oom && next_line(t, len, &at, &line, oom);) {
		prop pr;
		if (!line.len || !parse_prop(line.data, line.len, &pr))
			continue;
		if (!strcmp(pr.name, "BEGIN")) {
			scan_record_each(&c, lg_buf_reset);
			in = true;
		} else if (!strcmp(pr.name, "END") && in) {
			in = false;
			end_card(&c, out, oom);
		} else if (in) {
			take(&c, &pr);
		}
		*oom |= c.oom;
	}
	if (in) /* a file cut short, or that went bad: its last card too */
		end_card(&c, out, oom);
	scan_record_each(&c, lg_buf_free);
	lg_buf_free(&line);
}

void scan_vcard(scan_worker *w, scan_job *j, scan_source *in)
{
	scan_rows_member(w, j, in, "cards", lay_out);
}
