/* ldif.c: directory exports (LDIF, RFC 2849: OpenLDAP's slapcat or
 * ldapsearch, Active Directory's ldifde) read as a table: each entry a
 * row of "dir.ldif!/entries" under an address book's columns
 * (SCAN_RECORD_HEADER; no attribute gives a birthday), so that its people
 * are found as a staff list's are (line N the (N-1)th entry). LDIF writes every
 * value that is not plain ASCII in base64 (cn:: 55Sw5Lit…): read as text, a
 * Japanese directory's names are not there to be found at all. Folded lines are
 * joined; base64 is decoded by libcrypto. */
#include <string.h>

#include "scan_int.h"
#include "util/crypto_api.h"
#include "util/util.h"

bool scan_is_ldif(const uint8_t *p, size_t n)
{
	if (!n)
		return false;
	size_t i = 0;
	while (i < n) { /* past comments and blank lines */
		if (p[i] == '\n' || p[i] == '\r') {
			i++;
		} else if (p[i] == '#') {
			const uint8_t *nl = memchr(p + i, '\n', n - i);
			i = nl ? (size_t)(nl - p) + 1 : n;
		} else {
			break;
		}
	}
	const char *s = (const char *)p + i;
	size_t m = n - i;
	return (m >= 10 && !memcmp(s, "version: 1", 10)) ||
	       (m >= 4 && !lg_ascii_ncasecmp(s, "dn:", 3) &&
		(s[3] == ' ' || s[3] == ':'));
}

/* Where an attribute goes (its name, case aside); sn and givenName make
 * the name when no cn or displayName does. */
static const struct {
	const char *attr;
	int col;
} ATTRS[] = {{"displayName", REC_NAME},
	     {"cn", REC_NAME},
	     {"msDS-PhoneticDisplayName", REC_KANA},
	     {"telephoneNumber", REC_TEL},
	     {"mobile", REC_TEL},
	     {"homePhone", REC_TEL},
	     {"facsimileTelephoneNumber", REC_TEL},
	     {"mail", REC_EMAIL},
	     {"postalCode", REC_ADDRESS},
	     {"st", REC_ADDRESS},
	     {"l", REC_ADDRESS},
	     {"street", REC_ADDRESS},
	     {"streetAddress", REC_ADDRESS},
	     {"postalAddress", REC_ADDRESS},
	     {"homePostalAddress", REC_ADDRESS},
	     {"o", REC_COMPANY},
	     {"company", REC_COMPANY},
	     {"description", REC_NOTE},
	     {"info", REC_NOTE}};

typedef scan_record entry;

/* The value's bytes: base64 decoded (::), else as written; postal
 * addresses' $ (their line breaks) as spaces. */
static void put_value(entry *e, lg_buf *b, const char *v, size_t n, bool b64)
{
	if (b->len)
		e->oom |= !lg_buf_putc(b, ' ');
	if (b64 && !lg_crypto_ready() && n <= 1u << 20) {
		if (!lg_buf_reserve(b, n)) {
			e->oom = true;
			return;
		}
		int k = EVP_DecodeBlock((unsigned char *)b->data + b->len,
					(const unsigned char *)v, (int)n);
		if (k < 0)
			return; /* not base64: nothing kept */
		/* EVP_DecodeBlock counts the padding's bytes as zeros */
		while (k > 0 && n > 0 && v[n - 1] == '=') {
			k--;
			n--;
		}
		b->len += (size_t)k;
		b->data[b->len] = '\0';
	} else if (!b64) {
		e->oom |= !lg_buf_append(b, v, n);
	}
	for (size_t i = 0; b->data && i < b->len; i++)
		if (b->data[i] == '$')
			b->data[i] = ' ';
}

/* One attribute line "name: value" or "name:: base64". */
static void take(entry *e, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return;
	size_t an = (size_t)(colon - line), vi = an + 1;
	bool b64 = vi < n && line[vi] == ':';
	vi += b64;
	while (vi < n && line[vi] == ' ')
		vi++;
	const char *v = line + vi;
	size_t vn = n - vi;
	const char *semi = memchr(line, ';', an); /* cn;lang-ja: options */
	if (semi)
		an = (size_t)(semi - line);
	if (an == 2 && !lg_ascii_ncasecmp(line, "sn", 2)) {
		put_value(e, &e->part[REC_FAMILY], v, vn, b64);
		return;
	}
	if (an == 9 && !lg_ascii_ncasecmp(line, "givenName", 9)) {
		put_value(e, &e->part[REC_GIVEN], v, vn, b64);
		return;
	}
	for (size_t i = 0; i < sizeof(ATTRS) / sizeof(*ATTRS); i++) {
		if (strlen(ATTRS[i].attr) != an ||
		    lg_ascii_ncasecmp(line, ATTRS[i].attr, an))
			continue;
		if (ATTRS[i].col == REC_NAME && e->named)
			return; /* a displayName said it: cn repeats it */
		e->named |= ATTRS[i].col == REC_NAME;
		put_value(e, &e->col[ATTRS[i].col], v, vn, b64);
		return;
	}
}

static void end_entry(entry *e, lg_buf *out, bool *oom)
{
	scan_record_name(e, REC_NAME, REC_FAMILY, REC_GIVEN);
	scan_tsv_row(out, oom, e->col, REC_COLS);
	scan_record_each(e, lg_buf_reset);
	e->named = false;
}

/* The entries of t as rows under SCAN_RECORD_HEADER, into out: a blank line
 * ends one; a line that starts with a space goes on the one before. */
/* Whether an unfolded line is an entry's: not a comment, nor the file's
 * "version: 1". */
static bool entry_line(const lg_buf *line)
{
	return line->len && line->data[0] != '#' &&
	       !(line->len >= 8 && !memcmp(line->data, "version:", 8));
}

static void lay_out(const char *t, size_t len, lg_buf *out, bool *oom)
{
	entry e = {0};
	lg_buf line = {0};
	bool any = false;
	*oom |= !lg_buf_puts(out, SCAN_RECORD_HEADER);
	for (size_t at = 0; at <= len && !*oom;) {
		const char *nl = memchr(t + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - t) : len, e2 = end;
		if (e2 > at && t[e2 - 1] == '\r')
			e2--;
		bool folded = at < len && t[at] == ' ' && line.len;
		if (folded) {
			*oom |= !lg_buf_append(&line, t + at + 1, e2 - at - 1);
		} else {
			if (entry_line(&line)) {
				take(&e, line.data, line.len);
				any = true;
			}
			lg_buf_reset(&line);
			if (e2 == at &&
			    any) { /* a blank line: the entry's end */
				end_entry(&e, out, oom);
				any = false;
			}
			*oom |= !lg_buf_append(&line, t + at, e2 - at);
		}
		*oom |= e.oom;
		at = end + 1;
	}
	if (entry_line(&line)) {
		take(&e, line.data, line.len);
		any = true;
	}
	if (any)
		end_entry(&e, out, oom);
	scan_record_each(&e, lg_buf_free);
	lg_buf_free(&line);
}

void scan_ldif(scan_worker *w, scan_job *j, scan_source *in)
{
	scan_rows_member(w, j, in, "entries", lay_out);
}
