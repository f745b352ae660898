/* test_report.c: what a finding is reported as — its mask, the snippet
 * around it and its JSON record — against the plain forms they replaced
 * (snprintf masks, a character-by-character snippet, byte-by-byte JSON
 * escaping), over random text with every kind of character the fast
 * paths treat apart: ASCII and full-width digits, controls, U+FFFD,
 * two-, three- and four-byte characters, invalid bytes, quotes, U+2028,
 * strings short and long, and snippets that overflow their buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/engine_int.h"
#include "leakguard/text.h"
#include "output/output_int.h"
#include "util/util.h"

/* ---- random text ---------------------------------------------------------
 */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

/* Pieces of text, each one character or a broken one. */
static const char *const pieces[] = {"a",
				     "Z",
				     " ",
				     "-",
				     "@",
				     ".",
				     "/",
				     ":",
				     "0",
				     "7",
				     "9",
				     "\n",
				     "\r",
				     "\t",
				     "\x01",
				     "\x7F",
				     "\"",
				     "\\",
				     "\xEF\xBC\x90", /* full-width 0 */
				     "\xEF\xBC\x99", /* full-width 9 */
				     "\xEF\xBC\xA1", /* full-width A */
				     "\xEF\xBF\xBD", /* U+FFFD */
				     "\xE3\x81\x82",
				     "\xE6\x9D\xB1",
				     "\xE4\xBA\xAC", /* あ 東 京 */
				     "\xE3\x80\x80", /* ideographic space */
				     "\xE0\xA4\x85", /* U+0905 (E0) */
				     "\xED\x9F\xBF", /* U+D7FF (ED) */
				     "\xE2\x80\xA8",
				     "\xE2\x80\xA9",
				     "\xE2\x80\x90", /* U+2028 U+2029 ‐ */
				     "\xC2\x85",
				     "\xC3\xA9",	 /* U+0085, é */
				     "\xF0\x9F\x98\x80", /* U+1F600 */
				     "\x80",
				     "\xFF",
				     "\xC3",
				     "\xE3\x81",
				     "\xED\xA0\x80", /* invalid */
				     "\xF4\x90\x80\x80",
				     "\xC0\xAF"};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

/* How random_text draws: 0, any piece alike; 1, mostly printable ASCII
 * (long runs for the sixteen-byte paths); 2, mostly printable ASCII and
 * the common three-byte characters (what they take whole). */
static int bias;

static const char *random_piece(void)
{
	if (bias == 0 || rnd(8) == 0)
		return pieces[rnd(NPIECES)];
	if (bias == 1)
		return pieces[rnd(11)]; /* "a" to "9" */
	size_t k = rnd(11 + 8);		/* and the eight from full-width 0 on */
	return pieces[k < 11 ? k : k - 11 + 18];
}

/* Appends random pieces to s (cap bytes with the NUL) until about `len`
 * bytes; returns the length. */
static size_t random_text(char *s, size_t cap, size_t len)
{
	size_t n = 0;
	while (n < len) {
		const char *p = random_piece();
		size_t l = strlen(p);
		if (n + l + 1 > cap)
			break;
		memcpy(s + n, p, l);
		n += l;
	}
	s[n] = '\0';
	return n;
}

/* A random normalised value of type t, sometimes long. */
static void random_value(lg_type t, char *v, size_t cap)
{
	static const char *const shapes[] = {
	    "taro.yamada@example.co.jp",
	    "09012345678",
	    "1600023",
	    "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE6\x96"
	    "\xB0\xE5\xAE\xBF"
	    "\xE5\x8C\xBA\xE8\xA5\xBF\xE6\x96\xB0\xE5\xAE"
	    "\xBF" /* 東京都新宿区西新宿
		    */
	    "2-8-1",
	    "\xE5\xB1\xB1\xE7\x94\xB0 "
	    "\xE5\xA4\xAA\xE9\x83\x8E", /* 山田 太郎 */
	    "TARO YAMADA",
	    "https://hooks.slack.com/services/T000/B000/"
	    "XXXX",
	    "-----BEGIN RSA PRIVATE KEY-----",
	    "4111111111111111",
	    "",
	    "@x"};
	(void)t;
	switch (rnd(4)) {
	case 0:
		random_text(v, cap, rnd(40));
		break;
	case 1:
		random_text(v, cap, 120 + rnd(40)); /* long masks overflow */
		break;
	default:
		snprintf(v, cap, "%s",
			 shapes[rnd(sizeof(shapes) / sizeof(shapes[0]))]);
		break;
	}
}

/* ---- masks as snprintf wrote them ---------------------------------------
 */
static void ref_mask_keep(const char *v, size_t head, size_t tail, char *out,
			  size_t cap)
{
	size_t n = strlen(v), o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = (i < head || i + tail >= n) ? v[i] : '*';
	out[o] = '\0';
}

static void ref_mask_value(lg_type t, const char *v, char *out, size_t cap)
{
	size_t n = strlen(v);
	switch (t) {
	case LG_CREDIT_CARD:
		ref_mask_keep(v, n > 12 ? 4 : 0, 4, out, cap);
		break;
	case LG_EMAIL: {
		const char *at = strchr(v, '@');
		snprintf(out, cap, "%c***%s", v[0], at ? at : "");
		break;
	}
	case LG_JP_PHONE:
		ref_mask_keep(v, 3, 4, out, cap);
		break;
	case LG_JP_POSTAL_CODE:
		snprintf(out, cap, "%.3s-****", v);
		break;
	case LG_BIRTH_DATE:
		snprintf(out, cap, "****-**-**");
		break;
	case LG_CARD_EXPIRY:
		snprintf(out, cap, "****-**");
		break;
	case LG_CARD_CVV:
		ref_mask_keep(v, 0, 0, out, cap);
		break;
	case LG_PASSWORD:
		snprintf(out, cap, "********");
		break;
	case LG_SLACK_TOKEN:
		if (!strncmp(v, "https://", 8)) {
			const char *svc = strstr(v, "/services/");
			size_t keep = svc ? (size_t)(svc - v) + 10 : 8;
			ref_mask_keep(v, keep, 0, out, cap);
			break;
		}
		ref_mask_keep(v, 4, 0, out, cap);
		break;
	case LG_AWS_ACCESS_KEY_ID:
	case LG_GITHUB_TOKEN:
	case LG_AWS_SECRET_ACCESS_KEY:
	case LG_GENERIC_API_KEY:
		ref_mask_keep(v, 4, 0, out, cap);
		break;
	case LG_PRIVATE_KEY:
		snprintf(out, cap, "%s", v);
		break;
	case LG_PERSON_NAME: /* mask_name kept its loop: it is its own
			      * reference (snippets need it), not compared */
		lg_mask_value(t, v, out, cap);
		break;
	case LG_JP_ADDRESS: {
		size_t keep = lg_address_region_len(v);
		snprintf(out, cap, "%.*s****", (int)keep, v);
		break;
	}
	default:
		ref_mask_keep(v, 0, n > 8 ? 4 : 2, out, cap);
		break;
	}
}

/* The snippets' count of a block's set bits (a table's), against a
 * count bit by bit, for every sixteen-bit mask. */
static void pop16_counts_every_mask(void **state)
{
	(void)state;
	for (unsigned x = 0; x < 65536; x++) {
		unsigned want = 0;
		for (unsigned b = 0; b < 16; b++)
			want += x >> b & 1;
		assert_int_equal(lg_pop16(x), want);
	}
}

static void masks_match_snprintf(void **state)
{
	(void)state;
	for (int k = 0; k < 20000; k++) {
		lg_type t = (lg_type)rnd(LG_TYPE_COUNT);
		if (t == LG_PERSON_NAME)
			continue;
		char v[LG_VALUE_MAX], want[LG_VALUE_MAX], got[LG_VALUE_MAX];
		random_value(t, v, sizeof(v));
		/* a small buffer sometimes: the masks are cut as snprintf
		 * cuts */
		size_t cap = rnd(8) ? sizeof(got) : 1 + rnd(12);
		ref_mask_value(t, v, want, cap);
		size_t n = lg_mask_value(t, v, got, cap);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(got));
	}
}

/* ---- the snippet, a character at a time ---------------------------------
 */
#define CONTEXT_CHARS 24

static void ref_put_masked_char(const uint8_t *p, size_t len, char *out,
				size_t *o, size_t cap)
{
	/* a byte on its own, even an invalid one, is shown as it is */
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

static void ref_put_str(const char *m, char *out, size_t *o, size_t cap)
{
	size_t n = strlen(m);
	if (*o + n < cap) {
		memcpy(out + *o, m, n);
		*o += n;
	}
}

typedef struct ref_walk {
	const candidate *c;
	size_t n, k, shown;
} ref_walk;

static uint32_t ref_put_at(const uint8_t *win, uint32_t at, size_t l,
			   uint32_t lim, ref_walk *w, char *out, size_t *o,
			   size_t cap)
{
	while (w->k < w->n && w->c[w->k].to <= at)
		w->k++;
	if (w->k < w->n && w->c[w->k].from <= at) {
		const candidate *c = &w->c[w->k];
		if (w->shown != w->k + 1) {
			char m[LG_VALUE_MAX];
			ref_mask_value(c->type, c->value, m, sizeof(m));
			ref_put_str(m, out, o, cap);
			w->shown = w->k + 1;
		}
		return c->to < lim ? c->to : lim;
	}
	ref_put_masked_char(win + at, l, out, o, cap);
	return at + (uint32_t)l;
}

static void ref_snippet(const uint8_t *win, size_t len, uint32_t from,
			uint32_t to, const char *masked, const candidate *c,
			size_t n, char *out, size_t cap)
{
	size_t o = 0;
	ref_walk w = {c, n, 0, 0};
	uint32_t b = from;
	for (int k = 0; k < CONTEXT_CHARS && b > 0 && win[b - 1] != '\n'; k++) {
		b--;
		while (b > 0 && (win[b] & 0xC0) == 0x80)
			b--;
	}
	while (b < from) {
		uint32_t cp;
		size_t l = lg_utf8_decode(win + b, from - b, &cp);
		b = ref_put_at(win, b, l, from, &w, out, &o, cap);
	}
	ref_put_str(masked, out, &o, cap);
	uint32_t e = to;
	for (int k = 0; k < CONTEXT_CHARS && e < len && win[e] != '\n'; k++) {
		uint32_t cp;
		size_t l = lg_utf8_decode(win + e, len - e, &cp);
		e = ref_put_at(win, e, l, (uint32_t)len, &w, out, &o, cap);
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* The reference mask and snippet of candidate i, with a snippet buffer
 * of a random size (mostly whole); returns that size. */
static size_t reference(const char *win, size_t len, const candidate *c,
			size_t n, size_t i, char masked[LG_VALUE_MAX],
			char want[LG_CONTEXT_MAX])
{
	ref_mask_value(c[i].type, c[i].value, masked, LG_VALUE_MAX);
	size_t cap = rnd(6) ? LG_CONTEXT_MAX : 40 + rnd(200);
	ref_snippet((const uint8_t *)win, len, c[i].from, c[i].to, masked, c, n,
		    want, cap);
	return cap;
}

/* Up to cap non-overlapping candidates at random offsets of a text of
 * len bytes (on character boundaries or not), some a byte long, with
 * values of their types; returns how many. */
static size_t random_candidates(candidate *c, size_t cap, size_t len)
{
	static char values[40][LG_VALUE_MAX]; /* the last call's */
	size_t n = 0;
	uint32_t at = rnd(40);
	assert_true(cap <= 40);
	while (n < cap && at < len) {
		uint32_t l = 1 + rnd(rnd(4) ? 30 : 3);
		if (at + l > len)
			break;
		memset(&c[n], 0, sizeof(c[n]));
		c[n].type = (lg_type)rnd(LG_TYPE_COUNT);
		c[n].from = at;
		c[n].to = at + l;
		random_value(c[n].type, values[n], sizeof(values[n]));
		c[n].value = values[n];
		/* the engine's candidates carry their value's length, which
		 * the mask is made from */
		c[n].value_len = (uint8_t)strlen(values[n]);
		n++;
		at += l + rnd(rnd(2) ? 8 : 120);
	}
	return n;
}

/* Candidate i's snippet by the walk (lg_context_snippet) with its mask;
 * returns its length. */
static size_t walked_snippet(lg_snippet_others *x, const char *win, size_t len,
			     size_t i, char *out, size_t cap)
{
	candidate *c = &x->c[i];
	size_t ml;
	const char *m = lg_mask_of(x->s, c, &ml);
	char mine[LG_VALUE_MAX];
	memcpy(mine, m, ml + 1);
	return lg_context_snippet((const uint8_t *)win, len, c->from, c->to,
				  mine, ml, x, out, cap);
}

static void snippets_match_reference(void **state)
{
	(void)state;
	/* one stream throughout: its kept masks fill up and start over */
	lg_detect_stream *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	lg_masks_reset(s);
	for (int round = 0; round < 3000; round++) {
		bias = round % 3;
		char win[1200];
		size_t len = random_text(win, sizeof(win), 1 + rnd(1000));
		candidate c[40];
		size_t n = random_candidates(c, 40, len);
		lg_snippet_others x = {s, c, n};
		for (size_t i = 0; i < n; i++) {
			char want[LG_CONTEXT_MAX], got[LG_CONTEXT_MAX];
			char masked[LG_VALUE_MAX];
			size_t cap = reference(win, len, c, n, i, masked, want);
			size_t ml;
			assert_string_equal(lg_mask_of(s, &c[i], &ml), masked);
			size_t got_len =
			    walked_snippet(&x, win, len, i, got, cap);
			assert_string_equal(got, want);
			assert_int_equal(got_len, strlen(got));
		}
	}
	free(s);
}

/* The snippets cut from a region (made once for the findings near each
 * other on a line) are the walk's: each finding's in text order, as the
 * engine asks, then some at random (a region made for a later finding
 * does not hold an earlier one's start). Where the region cannot say,
 * the caller walks; most must come from the region. */
static void region_snippets_match_reference(void **state)
{
	(void)state;
	lg_detect_stream *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	lg_masks_reset(s);
	size_t cut = 0, asked = 0;
	for (int round = 0; round < 3000; round++) {
		bias = round % 3;
		char win[1200];
		size_t len = random_text(win, sizeof(win), 1 + rnd(1000));
		candidate c[40];
		size_t n = random_candidates(c, 40, len);
		s->win = (uint8_t *)win;
		s->len = len;
		lg_region_reset(s);
		lg_snippet_others x = {s, c, n};
		for (size_t j = 0; j < 2 * n; j++) {
			size_t i = j < n ? j : rnd((uint32_t)n);
			char want[LG_CONTEXT_MAX], got[LG_CONTEXT_MAX];
			char masked[LG_VALUE_MAX];
			size_t cap = reference(win, len, c, n, i, masked, want);
			size_t got_len;
			asked++;
			if (lg_region_snippet(s, c, n, i, got, cap, &got_len)) {
				cut++;
			} else {
				got_len =
				    walked_snippet(&x, win, len, i, got, cap);
			}
			assert_string_equal(got, want);
			assert_int_equal(got_len, strlen(got));
		}
	}
	assert_true(cut * 2 > asked);
	free(s);
}

/* ---- JSON records, a byte at a time ---------------------------------------
 */
static bool ref_put_escaped(lg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	bool ok = lg_buf_putc(b, '"');
	while (i < n && ok) {
		uint8_t c = p[i];
		if (c < 0x80) {
			if (c < 0x20) {
				char esc[7] = {'\\', 'u',	  '0',
					       '0',  hex[c >> 4], hex[c & 15],
					       0};
				ok = lg_buf_puts(b, esc);
			} else if (c == '"' || c == '\\') {
				char esc[3] = {'\\', (char)c, 0};
				ok = lg_buf_puts(b, esc);
			} else {
				ok = lg_buf_putc(b, (char)c);
			}
			i++;
			continue;
		}
		uint32_t cp;
		size_t len = lg_utf8_decode(p + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1)
			ok = lg_buf_puts(b, "\\ufffd");
		else if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
			ok = lg_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			ok = lg_buf_append(b, p + i, len);
		i += len;
	}
	return ok && lg_buf_putc(b, '"');
}

static void ref_record(lg_buf *b, const lg_record *r)
{
	unsigned h = (unsigned)(r->confidence * 100 + 0.5);
	char conf[8];
	snprintf(conf, sizeof(conf), "%u.%u%u", h / 100 % 10, h / 10 % 10,
		 h % 10);
	if (conf[3] == '0')
		conf[3] = '\0';
	lg_buf_puts(b, "{\"path\":");
	ref_put_escaped(b, r->path);
	lg_buf_puts(b, ",\"type\":");
	ref_put_escaped(b, r->type);
	lg_buf_printf(b, ",\"confidence\":%s,\"tier\":", conf);
	ref_put_escaped(b, r->tier);
	lg_buf_printf(
	    b,
	    ",\"line\":%llu,\"column\":%llu,\"offset\":%llu,"
	    "\"length\":%llu,\"masked\":",
	    (unsigned long long)r->line, (unsigned long long)r->column,
	    (unsigned long long)r->offset, (unsigned long long)r->length);
	ref_put_escaped(b, r->masked);
	lg_buf_puts(b, ",\"context\":");
	ref_put_escaped(b, r->context);
	if (r->value) {
		lg_buf_puts(b, ",\"value\":");
		ref_put_escaped(b, r->value);
	}
	lg_buf_putc(b, '}');
}

static uint64_t random_number(void)
{
	uint64_t p = 1;
	switch (rnd(6)) {
	case 0:
		return rnd(10);
	case 1:
		return UINT64_MAX - rnd(3);
	case 2: /* each length of number, at its ends (9..9, 10..0) */
		for (unsigned k = rnd(20); k > 0; k--)
			p *= 10;
		return p - rnd(2);
	case 3: /* lines, columns and offsets: up to ten digits */
		return rnd(1u << 31) >> rnd(31);
	default:
		return (uint64_t)rnd(1u << 31) * rnd(1u << 31) + rnd(100);
	}
}

static void json_records_match_reference(void **state)
{
	(void)state;
	lg_buf want = {0}, got = {0};
	/* each vector path the CPU has (AVX-512BW, AVX2, SSE2), the widest
	 * last: what the program takes */
	for (int k = 0; k < 30000; k++) {
		lg_cpu_limit(k < 10000	 ? 0
			     : k < 20000 ? LG_CPU_SSSE3 | LG_CPU_AVX2
					 : LG_CPU_ALL);
		bias = k % 3;
		char path[200], masked[LG_VALUE_MAX], context[LG_CONTEXT_MAX],
		    value[LG_VALUE_MAX];
		random_text(path, sizeof(path), rnd(3) ? rnd(20) : rnd(150));
		random_text(masked, sizeof(masked), rnd(40));
		random_text(context, sizeof(context), rnd(300));
		random_text(value, sizeof(value), rnd(60));
		lg_record r = {
		    .path = path,
		    .type = lg_type_id((lg_type)rnd(LG_TYPE_COUNT)),
		    .confidence =
			rnd(2) ? rnd(101) / 100.0 : (double)rnd(1000001) / 1e6,
		    .tier = rnd(2) ? "high" : "low",
		    .line = random_number(),
		    .column = random_number(),
		    .offset = random_number(),
		    .length = random_number(),
		    .masked = masked,
		    .context = context,
		    .value = rnd(2) ? value : NULL,
		};
		if (rnd(4) == 0) { /* records after others in one buffer */
			lg_buf_reset(&want);
			lg_buf_reset(&got);
		}
		ref_record(&want, &r);
		if (rnd(2)) { /* the lengths given, as a finding's are */
			r.masked_len = strlen(masked);
			r.context_len = strlen(context);
			r.value_len = strlen(value);
			r.type_len = strlen(r.type);
			r.tier_len = strlen(r.tier);
		}
		assert_true(lg_record_json_write(&got, &r));
		assert_int_equal(got.len, strlen(got.data));
		assert_string_equal(got.data, want.data);
	}
	lg_buf_free(&want);
	lg_buf_free(&got);
}

/* A file's records line: as jansson built it, but with the path spelt as
 * in the findings' lines (ref_put_escaped). */
static void ref_records(lg_buf *b, const lg_file_records *r)
{
	lg_buf_puts(b, "{\"path\":");
	ref_put_escaped(b, r->path);
	lg_buf_printf(b,
		      ",\"kind\":\"records\",\"rows_with_pii\":%llu,"
		      "\"people\":%llu,\"types\":{",
		      (unsigned long long)r->rows,
		      (unsigned long long)r->people);
	const char *sep = "";
	for (unsigned i = 0; i < r->ntypes; i++) {
		if (!r->type_counts[i])
			continue;
		lg_buf_printf(b, "%s\"%s\":%llu", sep, r->type_ids[i],
			      (unsigned long long)r->type_counts[i]);
		sep = ",";
	}
	lg_buf_puts(b, r->capped ? "},\"capped\":true}\n" : "}}\n");
}

static void records_lines_match_reference(void **state)
{
	(void)state;
	lg_buf want = {0}, got = {0};
	const char *ids[LG_TYPE_COUNT];
	uint64_t counts[LG_TYPE_COUNT];
	for (int t = 0; t < LG_TYPE_COUNT; t++)
		ids[t] = lg_type_id((lg_type)t);
	for (int k = 0; k < 5000; k++) {
		bias = k % 3;
		char path[300];
		random_text(path, sizeof(path), rnd(3) ? rnd(30) : rnd(280));
		for (int t = 0; t < LG_TYPE_COUNT; t++)
			counts[t] = rnd(3) ? 0 : random_number();
		lg_file_records r = {.path = path,
				     .rows = random_number(),
				     .people = random_number(),
				     .capped = rnd(4) == 0,
				     .ntypes = rnd(LG_TYPE_COUNT + 1),
				     .type_ids = ids,
				     .type_counts = counts};
		if (rnd(4) == 0) { /* lines after others in one buffer */
			lg_buf_reset(&want);
			lg_buf_reset(&got);
		}
		ref_records(&want, &r);
		assert_true(lg_records_json_line(&got, &r));
		assert_int_equal(got.len, strlen(got.data));
		assert_string_equal(got.data, want.data);
	}
	lg_buf_free(&want);
	lg_buf_free(&got);
}

/* Text and CSV records as the writer printed them with stdio, one field
 * and one character at a time, before it built them in a buffer. */
static void ref_text_csv(FILE *f, lg_format fmt, const lg_record *r, int k,
			 bool color, const char **last_path)
{
	if (fmt == LG_FMT_CSV) {
		uint64_t nums[] = {r->line, r->column, r->offset, r->length};
		char num[32];
		if (k == 0)
			fputs(
			    "\xEF\xBB\xBFpath,type,confidence,tier,line,column,"
			    "offset,length,masked,context\r\n",
			    f);
		const char *fields[12];
		size_t n = 0;
		fields[n++] = r->path;
		fields[n++] = r->type;
		char conf[32];
		snprintf(conf, sizeof(conf), "%.2f", r->confidence);
		fields[n++] = conf;
		fields[n++] = r->tier;
		for (size_t i = 0; i < n; i++) {
			fputc('"', f);
			for (const char *c = fields[i]; *c; c++) {
				if (*c == '"')
					fputc('"', f);
				fputc(*c, f);
			}
			fputs("\",", f);
		}
		for (int i = 0; i < 4; i++) {
			snprintf(num, sizeof(num), "%llu",
				 (unsigned long long)nums[i]);
			fprintf(f, "\"%s\",", num);
		}
		const char *tail[] = {r->masked, r->context};
		for (int i = 0; i < 2; i++) {
			fputc('"', f);
			for (const char *c = tail[i]; *c; c++) {
				if (*c == '"')
					fputc('"', f);
				fputc(*c, f);
			}
			fputs(i ? "\"\r\n" : "\",", f);
		}
		return;
	}
	if (!*last_path || strcmp(*last_path, r->path) != 0) {
		*last_path = r->path;
		fprintf(f, "%s%s%s\n", color ? "\033[1;35m" : "", r->path,
			color ? "\033[0m" : "");
	}
	char pos[48];
	snprintf(pos, sizeof(pos), "%llu:%llu", (unsigned long long)r->line,
		 (unsigned long long)r->column);
	const char *colour = !strcmp(r->tier, "high")	  ? "\033[1;31m"
			     : !strcmp(r->tier, "medium") ? "\033[33m"
							  : "\033[36m";
	fprintf(f, "  %-10s %s%-21s%s %.2f %-6s %s\n    %s\n", pos,
		color ? colour : "", r->type, color ? "\033[0m" : "",
		r->confidence, r->tier, r->value ? r->value : r->masked,
		r->context);
}

/* The text and CSV writers give what stdio gave: padding, quotes doubled,
 * numbers of every length, a file's name when it changes. */
static void text_and_csv_records_match_reference(void **state)
{
	(void)state;
	static const char *const tiers[] = {"low", "medium", "high"};
	static const char *const types[] = {"email", "jp_phone",
					    "aws_secret_access_key_long_id"};
	static const double confs[] = {0.5, 0.97, 0.855, 1.0, 0.125, 0.9};
	for (int fmt_i = 0; fmt_i < 3; fmt_i++) {
		lg_format fmt = fmt_i == 2 ? LG_FMT_CSV : LG_FMT_TEXT;
		bool color = fmt_i == 1;
		char *got = NULL, *want = NULL;
		size_t got_len = 0, want_len = 0;
		FILE *g = open_memstream(&got, &got_len);
		FILE *f = open_memstream(&want, &want_len);
		assert_non_null(g);
		assert_non_null(f);
		lg_writer_options o = {.color = color};
		lg_writer *w = lg_writer_new(fmt, g, &o);
		assert_non_null(w);
		const char *last = NULL;
		static char paths[4][200];
		for (int i = 0; i < 4; i++)
			random_text(paths[i], sizeof(paths[i]), rnd(30));
		for (int k = 0; k < 3000; k++) {
			char masked[LG_VALUE_MAX], context[LG_CONTEXT_MAX];
			random_text(masked, sizeof(masked), rnd(40));
			random_text(context, sizeof(context), rnd(300));
			lg_record r = {
			    .path = paths[rnd(4) == 0 ? rnd(4) : 0],
			    .type = types[rnd(3)],
			    .description = "d",
			    .confidence = confs[rnd(6)],
			    .tier = tiers[rnd(3)],
			    .line = random_number(),
			    .column = random_number(),
			    .offset = random_number(),
			    .length = random_number(),
			    .masked = masked,
			    .context = context,
			};
			assert_int_equal(lg_writer_record(w, &r), LG_OK);
			ref_text_csv(f, fmt, &r, k, color, &last);
		}
		assert_int_equal(lg_writer_finish(w, NULL), LG_OK);
		fclose(g);
		fclose(f);
		assert_int_equal(got_len, want_len);
		assert_memory_equal(got, want, want_len);
		free(got);
		free(want);
	}
}

/* The SARIF document as the writer built it before: every result a
 * jansson object in the run's results, the whole dumped at the end. */
static char *ref_sarif(const lg_record *rs, size_t n)
{
	json_t *rules = json_array(), *results = json_array();
	for (size_t k = 0; k < n; k++) {
		const lg_record *r = &rs[k];
		size_t i, rule = json_array_size(rules);
		json_t *x;
		json_array_foreach (rules, i, x)
			if (!strcmp(json_string_value(json_object_get(x, "id")),
				    r->type))
				rule = i;
		if (rule == json_array_size(rules))
			json_array_append_new(
			    rules,
			    json_pack("{ss ss s{ss} s{ss} s{ss s[ss]}}", "id",
				      r->type, "name", r->type,
				      "shortDescription", "text",
				      r->description, "help", "text",
				      "Personal data or a secret was found. "
				      "Remove it, move it to a protected "
				      "store, or mask it.",
				      "properties", "security-severity", "7.5",
				      "tags", "security", "privacy"));
		char msg[512];
		snprintf(msg, sizeof(msg), "%s: %s (confidence %.2f)", r->type,
			 r->masked, r->confidence);
		const char *level = !strcmp(r->tier, "high")	 ? "error"
				    : !strcmp(r->tier, "medium") ? "warning"
								 : "note";
		json_array_append_new(
		    results,
		    json_pack("{ss sI ss s{ss} s[{s{s{ss} s{sI sI}}}] s{sf}}",
			      "ruleId", r->type, "ruleIndex", (json_int_t)rule,
			      "level", level, "message", "text", msg,
			      "locations", "physicalLocation",
			      "artifactLocation", "uri", r->path, "region",
			      "startLine", (json_int_t)r->line, "startColumn",
			      (json_int_t)r->column, "properties", "confidence",
			      r->confidence));
	}
	json_t *driver =
	    json_pack("{ss ss ss so}", "name", "leakguard", "semanticVersion",
		      "t", "informationUri",
		      "https://github.com/leakguard/leakguard", "rules", rules);
	json_t *run = json_pack("{s{so} so}", "tool", "driver", driver,
				"results", results);
	json_t *doc = json_pack("{ss ss s[o]}", "$schema",
				"https://json.schemastore.org/sarif-2.1.0.json",
				"version", "2.1.0", "runs", run);
	char *t = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return t;
}

/* got and want are one JSON document. */
static void assert_same_json(const char *got, const char *want)
{
	json_error_t e;
	json_t *g = json_loads(got, JSON_REJECT_DUPLICATES, &e);
	if (!g)
		fail_msg("not JSON at %d:%d: %s", e.line, e.column, e.text);
	json_t *w = json_loads(want, 0, &e);
	assert_non_null(w);
	assert_true(json_equal(g, w));
	json_decref(g);
	json_decref(w);
}

/* The SARIF document the writer gives for rs[0..n) (NUL-terminated,
 * *len bytes). */
static char *sarif_of(const lg_record *rs, size_t n, size_t *len)
{
	char *got = NULL;
	FILE *g = open_memstream(&got, len);
	assert_non_null(g);
	lg_writer_options o = {.tool_version = "t"};
	lg_writer *w = lg_writer_new(LG_FMT_SARIF, g, &o);
	assert_non_null(w);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(lg_writer_record(w, &rs[k]), LG_OK);
	assert_int_equal(lg_writer_finish(w, NULL), LG_OK);
	fclose(g);
	return got;
}

/* A mask that is not UTF-8 is written as U+FFFD, as in the JSON
 * records, not refused. */
static void sarif_takes_invalid_utf8(void)
{
	lg_record r = {.path = "a.txt",
		       .type = "email",
		       .description = "email",
		       .confidence = 0.9,
		       .tier = "high",
		       .line = 1,
		       .column = 1,
		       .masked = "t\xff@x",
		       .context = ""};
	size_t got_len;
	char *got = sarif_of(&r, 1, &got_len);
	json_t *doc = json_loads(got, 0, NULL);
	assert_non_null(doc);
	json_t *res = json_array_get(
	    json_object_get(json_array_get(json_object_get(doc, "runs"), 0),
			    "results"),
	    0);
	const char *text = json_string_value(
	    json_object_get(json_object_get(res, "message"), "text"));
	assert_non_null(text);
	assert_non_null(strstr(text, "t\xEF\xBF\xBD@x"));
	json_decref(doc);
	free(got);
}

/* SARIF results are written as text when they come, laid out as jansson
 * lays out the document: the same bytes with quotes and non-ASCII in the
 * masked values, rules added as results need them, and none at all; with
 * controls and U+2028 (which the records' escaping writes differently
 * from jansson) the same document, and invalid UTF-8 as U+FFFD. */
static void sarif_matches_the_jansson_document(void **state)
{
	(void)state;
	static const char *const tiers[] = {"low", "medium", "high"};
	static const char *const types[] = {"email", "jp_phone", "password",
					    "person_name"};
	static const char *const masks[] = {
	    "t***@example.com", "a\"b\\c/d",
	    "\xE5\xB1\xB1* \xE5\xA4\xAA\xE9\x83\x8E", "\x01\x1f\x7f\t\r\n\b\f",
	    "\xE2\x80\xA8"};
	static const double confs[] = {0.5, 0.97, 0.855, 1.0, 0.9};
	static const char *const paths[] = {"a.txt", "dir/b-c_d~e.csv"};
	for (size_t n = 0, round = 0; n < 300; n += 1 + n, round++) {
		bool same_bytes = round % 2 == 0; /* no control, no U+2028 */
		lg_record rs[300] = {0};
		for (size_t k = 0; k < n; k++) {
			lg_type t = (lg_type)rnd(4);
			rs[k] = (lg_record){
			    .path = paths[rnd(2)],
			    .type = types[t],
			    .description = types[t],
			    .confidence = confs[rnd(5)],
			    .tier = tiers[rnd(3)],
			    .line = random_number() >> rnd(64),
			    .column = rnd(300),
			    .offset = 1,
			    .length = 1,
			    .masked = masks[rnd(same_bytes ? 3 : 5)],
			    .context = "",
			};
		}
		size_t got_len;
		char *got = sarif_of(rs, n, &got_len);
		char *want = ref_sarif(rs, n);
		assert_non_null(want);
		assert_int_equal(got[got_len - 1], '\n');
		if (same_bytes) {
			assert_int_equal(got_len, strlen(want) + 1);
			assert_memory_equal(got, want, strlen(want));
		} else {
			assert_same_json(got, want);
		}
		free(want);
		free(got);
	}
	sarif_takes_invalid_utf8();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pop16_counts_every_mask),
	    cmocka_unit_test(masks_match_snprintf),
	    cmocka_unit_test(snippets_match_reference),
	    cmocka_unit_test(region_snippets_match_reference),
	    cmocka_unit_test(json_records_match_reference),
	    cmocka_unit_test(records_lines_match_reference),
	    cmocka_unit_test(text_and_csv_records_match_reference),
	    cmocka_unit_test(sarif_matches_the_jansson_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
