/* jsonrec.c: writes one record as a JSON object straight into a buffer.
 * A scan can emit millions of findings; building a jansson tree for each
 * cost more than finding them. Strings are escaped per RFC 8259; invalid
 * UTF-8 (a file name, say) becomes U+FFFD so the line stays valid JSON. */
#include <stdio.h>
#include <string.h>

#include "leakguard/text.h"
#include "output_int.h"

static bool put_escaped(lg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	bool ok = lg_buf_putc(b, '"');
	while (i < n && ok) {
		size_t run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x80 &&
		       p[run] != '"' && p[run] != '\\')
			run++;
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
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0x85)
			ok = lg_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			ok = lg_buf_append(b, p + i, len);
		i += len;
	}
	return ok && lg_buf_putc(b, '"');
}

static bool put_key(lg_buf *b, const char *key)
{
	return lg_buf_puts(b, ",\"") && lg_buf_puts(b, key) &&
	       lg_buf_puts(b, "\":");
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
