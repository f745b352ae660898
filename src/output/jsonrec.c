/* jsonrec.c: writes one record as a JSON object straight into a buffer.
 * A scan can emit millions of findings; building a jansson tree for each
 * cost more than finding them. Strings are escaped per RFC 8259; invalid
 * UTF-8 (a file name, say) becomes U+FFFD so the line stays valid JSON. */
#include <stdio.h>
#include <string.h>

#include "leakguard/text.h"
#include "output_int.h"

/* The end of the run from i on that JSON takes as it is: printable ASCII
 * but '"' and '\\', and valid UTF-8 but U+0085, U+2028 and U+2029 (line
 * breaks to JavaScript). Japanese text is mostly three-byte sequences,
 * checked inline. */
static size_t plain_run(const uint8_t *p, size_t i, size_t n)
{
	while (i < n) {
		uint8_t c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == '"' || c == '\\')
				return i;
			i++;
			continue;
		}
		if (c >= 0xE3 && lg_utf8_common3(p + i, n - i)) {
			i += 3; /* U+3000..U+FFFF: not U+2028, U+2029 */
			continue;
		}
		uint32_t cp;
		size_t len = lg_utf8_decode(p + i, n - i, &cp);
		if ((cp == 0xFFFD && len == 1) || cp == 0x85 || cp == 0x2028 ||
		    cp == 0x2029)
			return i;
		i += len;
	}
	return i;
}

static bool put_escaped(lg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	bool ok = lg_buf_putc(b, '"');
	while (i < n && ok) {
		size_t run = plain_run(p, i, n);
		ok = lg_buf_append(b, p + i, run - i);
		i = run;
		if (i >= n || !ok)
			break;
		if (p[i] < 0x80) {
			char esc[7] = {'\\', (char)p[i], 0};
			if (p[i] < 0x20) {
				snprintf(esc, sizeof(esc), "\\u00%c%c",
					 hex[p[i] >> 4], hex[p[i] & 15]);
			}
			ok = lg_buf_puts(b, esc);
			i++;
			continue;
		}
		uint32_t cp;
		size_t len = lg_utf8_decode(p + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1)
			ok = lg_buf_puts(b, "\\ufffd");
		else
			ok = lg_buf_printf(b, "\\u%04x", (unsigned)cp);
		i += len;
	}
	return ok && lg_buf_putc(b, '"');
}

/* Writes ,"key": (key has nothing to escape) with one reserve. */
static bool put_key(lg_buf *b, const char *key)
{
	size_t n = strlen(key);
	if (!lg_buf_reserve(b, n + 4))
		return false;
	char *d = b->data + b->len;
	d[0] = ',';
	d[1] = '"';
	memcpy(d + 2, key, n);
	memcpy(d + 2 + n, "\":", 3); /* with the NUL */
	b->len += n + 4;
	return true;
}

static bool put_key_string(lg_buf *b, const char *key, const char *v)
{
	return put_key(b, key) && put_escaped(b, v);
}

static bool put_key_u64(lg_buf *b, const char *key, uint64_t v)
{
	char digits[24];
	size_t n = sizeof(digits);
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put_key(b, key) &&
	       lg_buf_append(b, digits + n, sizeof(digits) - n);
}

bool lg_record_json_write(lg_buf *b, const lg_record *r)
{
	unsigned hundredths = (unsigned)(r->confidence * 100 + 0.5);
	bool ok = lg_buf_puts(b, "{\"path\":") && put_escaped(b, r->path) &&
		  put_key_string(b, "type", r->type);
	/* 0.9, not 0.90: what a JSON library writes for the same double */
	char conf[8] = {(char)('0' + hundredths / 100 % 10), '.',
			(char)('0' + hundredths / 10 % 10),
			(char)('0' + hundredths % 10), 0};
	if (conf[3] == '0')
		conf[3] = '\0';
	ok = ok && put_key(b, "confidence") && lg_buf_puts(b, conf);
	ok = ok && put_key_string(b, "tier", r->tier) &&
	     put_key_u64(b, "line", r->line) &&
	     put_key_u64(b, "column", r->column) &&
	     put_key_u64(b, "offset", r->offset) &&
	     put_key_u64(b, "length", r->length) &&
	     put_key_string(b, "masked", r->masked) &&
	     put_key_string(b, "context", r->context);
	if (ok && r->value)
		ok = put_key_string(b, "value", r->value);
	return ok && lg_buf_putc(b, '}');
}
