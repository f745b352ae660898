/* context.c: the masked snippet shown around a finding. Digits around it
 * are starred too, so the snippet never shows a neighbouring number, and
 * so are the other findings in it (the name beside a phone number). */
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

/* Whether offset p lies in one of the other findings, which are sorted
 * and do not overlap; *k walks forward with p. */
static bool in_other(const lg_snippet_others *x, size_t *k, uint32_t p)
{
	while (*k < x->n && x->c[*k].to <= p)
		(*k)++;
	return *k < x->n && x->c[*k].from <= p;
}

static void put_str(const char *m, char *out, size_t *o, size_t cap)
{
	size_t n = strlen(m);
	if (*o + n < cap) {
		memcpy(out + *o, m, n);
		*o += n;
	}
}

typedef struct snippet_walk {
	const lg_snippet_others *x;
	size_t k;     /* the other finding at or after the walk */
	size_t shown; /* the one last written, + 1 (0: none) */
} snippet_walk;

/* Writes the character at win[at] (l bytes) or, inside another finding,
 * that finding's masked form once. Returns where the walk goes on (not
 * past lim). */
static uint32_t put_at(const uint8_t *win, uint32_t at, size_t l, uint32_t lim,
		       snippet_walk *sw, char *out, size_t *o, size_t cap)
{
	if (sw->x && in_other(sw->x, &sw->k, at)) {
		const candidate *c = &sw->x->c[sw->k];
		if (sw->shown != sw->k + 1) {
			char m[LG_VALUE_MAX];
			lg_mask_value(c->type, c->value, m, sizeof(m));
			put_str(m, out, o, cap);
			sw->shown = sw->k + 1;
		}
		return c->to < lim ? c->to : lim;
	}
	put_masked_char(win + at, l, out, o, cap);
	return at + (uint32_t)l;
}

void lg_context_snippet(const uint8_t *win, size_t len, uint32_t from,
			uint32_t to, const char *masked,
			const lg_snippet_others *x, char *out, size_t cap)
{
	size_t o = 0;
	snippet_walk sw = {x, 0, 0};
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
		b = put_at(win, b, l, from, &sw, out, &o, cap);
	}
	put_str(masked, out, &o, cap);
	uint32_t e = to;
	for (int k = 0; k < CONTEXT_CHARS && e < len && win[e] != '\n'; k++) {
		uint32_t cp;
		size_t l = lg_utf8_decode(win + e, len - e, &cp);
		e = put_at(win, e, l, (uint32_t)len, &sw, out, &o, cap);
	}
	/* trim trailing spaces (CR of CRLF lines) */
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}
