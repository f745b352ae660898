/* context.c: the masked snippet shown around a finding. Digits around it
 * are starred too, so the snippet never shows a neighbouring number. */
#include <string.h>

#include "engine_int.h"
#include "leakguard/text.h"

#define CONTEXT_CHARS 24

static void put_masked_char(const uint8_t *p, size_t len, char *out, size_t *o,
			    size_t cap)
{
	/* plain ASCII and ordinary multibyte characters need no decoding:
	 * only digits (full-width EF BC 90..99) and controls are changed */
	if (len == 1 && p[0] >= 0x20 && p[0] != 0x7F &&
	    !(p[0] >= '0' && p[0] <= '9')) {
		if (*o + 1 < cap)
			out[(*o)++] = (char)p[0];
		return;
	}
	if (len == 3 && p[0] != 0xEF) {
		if (*o + 3 < cap) {
			memcpy(out + *o, p, 3);
			*o += 3;
		}
		return;
	}
	uint32_t cp;
	lg_utf8_decode(p, len, &cp);
	int a = lg_fold_ascii(cp);
	if (a >= '0' && a <= '9') {
		if (*o + 1 < cap)
			out[(*o)++] = '*';
		return;
	}
	if (cp < 0x20 || cp == 0x7F || cp == 0xFFFD) {
		if (*o + 1 < cap)
			out[(*o)++] = ' ';
		return;
	}
	if (*o + len < cap) {
		memcpy(out + *o, p, len);
		*o += len;
	}
}

void lg_context_snippet(const uint8_t *win, size_t len, uint32_t from,
			uint32_t to, const char *masked, char *out, size_t cap)
{
	size_t o = 0;
	/* walk back CONTEXT_CHARS characters, not past a newline */
	uint32_t b = from;
	for (int k = 0; k < CONTEXT_CHARS && b > 0 && win[b - 1] != '\n'; k++) {
		b--;
		while (b > 0 && (win[b] & 0xC0) == 0x80)
			b--;
	}
	while (b < from) {
		uint32_t cp;
		size_t l = lg_utf8_decode(win + b, from - b, &cp);
		put_masked_char(win + b, l, out, &o, cap);
		b += (uint32_t)l;
	}
	size_t ml = strlen(masked);
	if (o + ml < cap) {
		memcpy(out + o, masked, ml);
		o += ml;
	}
	uint32_t e = to;
	for (int k = 0; k < CONTEXT_CHARS && e < len && win[e] != '\n'; k++) {
		uint32_t cp;
		size_t l = lg_utf8_decode(win + e, len - e, &cp);
		put_masked_char(win + e, l, out, &o, cap);
		e += (uint32_t)l;
	}
	/* trim trailing spaces (CR of CRLF lines) */
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}
