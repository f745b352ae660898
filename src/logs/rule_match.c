/* rule_match.c: detection values: Sigma modifiers compiled at load time
 * (lowercased literals, globs, PCRE2, networks, numbers) and matched
 * against event fields without allocating. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rules_int.h"

/* ---- modifiers ----------------------------------------------------------
 */
static const struct {
	const char *name;
	lr_kind kind;
} operator_mods[] = {
    {"contains", LR_CONTAINS},
    {"startswith", LR_STARTS},
    {"endswith", LR_ENDS},
    {"re", LR_RE},
    {"cidr", LR_CIDR},
    {"exists", LR_EXISTS},
    {"lt", LR_LT},
    {"lte", LR_LTE},
    {"gt", LR_GT},
    {"gte", LR_GTE},
};

/* Sigma modifiers leakguard does not implement: they transform the value
 * for Windows command lines and encoded payloads, which access logs do
 * not carry; refusing them beats silently matching nothing. */
static const char *const unsupported_mods[] = {
    "windash", "base64", "base64offset", "utf16le", "utf16be", "utf16",
    "wide",    "expand", "fieldref",	 "minute",  "hour",    "day",
    "week",    "month",	 "year",	 NULL};

static bool re_submodifier(lr_mods *m, const char *t)
{
	if (m->kind != LR_RE)
		return false;
	if (!strcmp(t, "i") || !strcmp(t, "ignorecase"))
		m->re_i = true;
	else if (!strcmp(t, "m") || !strcmp(t, "multiline"))
		m->re_m = true;
	else if (!strcmp(t, "s") || !strcmp(t, "dotall"))
		m->re_s = true;
	else
		return false;
	return true;
}

static lg_status mod_apply(lr_loadctx *cx, int line, lr_mods *m, const char *t)
{
	for (size_t i = 0; i < sizeof(operator_mods) / sizeof(*operator_mods);
	     i++) {
		if (strcmp(t, operator_mods[i].name) != 0)
			continue;
		if (m->kind != LR_EQ)
			return lr_fail(cx, line,
				       "modifier '%s' cannot be combined with "
				       "another operator modifier",
				       t);
		m->kind = operator_mods[i].kind;
		return LG_OK;
	}
	if (!strcmp(t, "all"))
		m->all = true;
	else if (!strcmp(t, "cased"))
		m->cased = true;
	else if (!strcmp(t, "neq"))
		m->neg = true;
	else if (!re_submodifier(m, t)) {
		for (size_t i = 0; unsupported_mods[i]; i++)
			if (!strcmp(t, unsupported_mods[i]))
				return lr_fail(cx, line,
					       "unsupported modifier '%s'", t);
		return lr_fail(cx, line, "unknown modifier '%s'", t);
	}
	return LG_OK;
}

lg_status lr_mods_parse(lr_loadctx *cx, int line, const char *spec, lr_mods *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = LR_EQ;
	char tok[32];
	while (spec && *spec) {
		const char *bar = strchr(spec, '|');
		size_t n = bar ? (size_t)(bar - spec) : strlen(spec);
		if (n == 0 || n >= sizeof(tok))
			return lr_fail(cx, line, "unknown modifier '%.*s'",
				       (int)(n > 40 ? 40 : n), spec);
		memcpy(tok, spec, n);
		tok[n] = '\0';
		lg_status st = mod_apply(cx, line, m, tok);
		if (st != LG_OK)
			return st;
		spec = bar ? bar + 1 : NULL;
	}
	if (m->kind == LR_EXISTS && (m->all || m->neg))
		return lr_fail(cx, line,
			       "'exists' takes neither 'all' nor 'neq'");
	return LG_OK;
}

/* ---- numbers ------------------------------------------------------------
 */
/* Decimal only, locale-free: log fields are "200", "1523", "0.004". */
bool lr_parse_number(const char *s, size_t n, double *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	double mant = 0;
	int digits = 0, scale = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		mant = mant * 10 + (s[i] - '0');
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
			mant = mant * 10 + (s[i] - '0');
			scale--;
		}
	}
	if (digits == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		int e = 0, ed = 0;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ed++)
			e = e < 10000 ? e * 10 + (s[i] - '0') : e;
		if (ed == 0)
			return false;
		scale += eneg ? -e : e;
	}
	if (i != n)
		return false;
	double v = scale ? mant * pow(10, scale) : mant;
	*out = neg ? -v : v;
	return true;
}

/* ---- compiling values ---------------------------------------------------
 */
/* Sigma's escapes: \* and \? are literal, \\ is one backslash, any other
 * backslash is itself (Windows paths stay readable). Fills out/mask;
 * returns the length; *wild says whether a wildcard is left. */
static size_t unescape_glob(const char *t, size_t len, bool cased, char *out,
			    uint8_t *mask, bool *wild)
{
	size_t o = 0;
	*wild = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		uint8_t k = LR_GLOB_LIT;
		if (c == '\\' && i + 1 < len &&
		    (t[i + 1] == '*' || t[i + 1] == '?' || t[i + 1] == '\\'))
			c = (unsigned char)t[++i];
		else if (c == '*')
			k = LR_GLOB_STAR;
		else if (c == '?')
			k = LR_GLOB_ONE;
		*wild |= k != LR_GLOB_LIT;
		out[o] = (char)(cased ? c : lr_lower(c));
		mask[o++] = k;
	}
	return o;
}

/* How common a byte is in URLs, agents and paths (0 rare .. 9 common):
 * the substring search memchr's for the needle's rarest byte, so that
 * "/etc/passwd" waits on 'w', not on every '/'. */
static int byte_rank(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return strchr("zqxjk", c)     ? 3
		       : strchr("vbwygp", c)  ? 4
		       : strchr("fmucdlh", c) ? 6
					      : 8;
	if (c >= '0' && c <= '9')
		return 7;
	if (strchr("/.-=&?", c))
		return 9;
	if (c == ' ') /* rare in URLs, every few bytes in an agent */
		return 7;
	if (strchr("_:+,", c))
		return 2;
	return c >= 0x80 ? 5 : 1; /* quotes, brackets, %, ;, … */
}

static size_t contains_anchor(const char *s, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (byte_rank((unsigned char)s[i]) <
		    byte_rank((unsigned char)s[best]))
			best = i;
	return best;
}

/* A glob whose only wildcards are a leading and/or trailing '*' is a
 * plain contains/startswith/endswith/equals: much faster to match. */
static void glob_simplify(lr_value *v)
{
	size_t lo = 0, hi = v->n;
	bool lead = hi > 0 && v->glob_mask[0] == LR_GLOB_STAR;
	if (lead)
		lo = 1;
	bool trail = hi > lo && v->glob_mask[hi - 1] == LR_GLOB_STAR;
	if (trail)
		hi--;
	for (size_t i = lo; i < hi; i++)
		if (v->glob_mask[i] != LR_GLOB_LIT)
			return;
	v->s += lo;
	v->n = hi - lo;
	v->glob_mask = NULL;
	v->kind = lead && trail ? LR_CONTAINS
		  : lead	? LR_ENDS
		  : trail	? LR_STARTS
				: LR_EQ;
}

/* The longest run of literal bytes of a glob: an event without it cannot
 * match, and the prefilter finds it for all globs of a field at once. */
static void glob_required(lr_value *v)
{
	size_t best = 0, best_n = 0;
	for (size_t i = 0; i < v->n;) {
		size_t j = i;
		while (j < v->n && v->glob_mask[j] == LR_GLOB_LIT)
			j++;
		if (j - i > best_n) {
			best = i;
			best_n = j - i;
		}
		i = j + 1;
	}
	v->req = v->s + best;
	v->req_n = best_n;
}

static lg_status compile_text(lr_loadctx *cx, const lr_mods *m, const char *t,
			      size_t len, lr_value *v)
{
	char *out = lr_alloc(cx, len + 3);
	uint8_t *mask = lr_alloc(cx, len + 3);
	if (!out || !mask)
		return LG_ENOMEM;
	bool pre = m->kind == LR_CONTAINS || m->kind == LR_ENDS;
	bool post = m->kind == LR_CONTAINS || m->kind == LR_STARTS;
	bool wild;
	size_t n = unescape_glob(t, len, m->cased, out + 1, mask + 1, &wild);
	v->kind = m->kind;
	v->s = out + 1;
	v->n = n;
	if (wild) {
		/* "contains: a*b" is the glob "*a*b*" (Sigma appendix) */
		out[0] = out[n + 1] = '*';
		mask[0] = mask[n + 1] = LR_GLOB_STAR;
		v->s = pre ? out : out + 1;
		v->glob_mask = pre ? mask : mask + 1;
		v->n = n + pre + post;
		v->kind = LR_GLOB;
		glob_simplify(v);
	}
	out[v->s - out + v->n] = '\0';
	if (v->kind == LR_GLOB)
		glob_required(v);
	if (v->kind == LR_CONTAINS)
		v->anchor = contains_anchor(v->s, v->n);
	return LG_OK;
}

static lg_status compile_re(lr_loadctx *cx, int line, const lr_mods *m,
			    const char *t, size_t len, lr_value *v)
{
	/* a rule's pattern is UTF-8 text: 氏?名 and [あ-ん] mean characters,
	 * and a log field with bytes that are not UTF-8 still matches where
	 * it is well-formed */
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
			(m->re_i ? PCRE2_CASELESS : 0) |
			(m->re_m ? PCRE2_MULTILINE : 0) |
			(m->re_s ? PCRE2_DOTALL : 0);
	int code;
	PCRE2_SIZE off;
	v->re = pcre2_compile((PCRE2_SPTR)t, len, opts, &code, &off, NULL);
	if (!v->re) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(code, msg, sizeof(msg));
		return lr_fail(cx, line,
			       "bad regular expression '%.60s': %s "
			       "at offset %zu",
			       t, (const char *)msg, (size_t)off);
	}
	if (!lr_keep_re(cx, v->re)) {
		pcre2_code_free(v->re);
		return LG_ENOMEM;
	}
	/* without JIT the interpreter still matches, only slower */
	(void)pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE);
	return LG_OK;
}

static lg_status compile_cidr(lr_loadctx *cx, int line, const char *t,
			      size_t len, lr_value *v)
{
	if (!lg_cidr_parse(t, len, &v->net))
		return lr_fail(cx, line, "'%.60s' is not a network", t);
	return LG_OK;
}

lg_status lr_value_compile(lr_loadctx *cx, int line, const lr_mods *m,
			   const char *text, size_t len, lr_value *v)
{
	memset(v, 0, sizeof(*v));
	v->cased = m->cased;
	v->kind = m->kind;
	if (!text && m->kind != LR_EQ && m->kind != LR_CONTAINS &&
	    m->kind != LR_STARTS && m->kind != LR_ENDS)
		return lr_fail(cx, line,
			       "this modifier needs a value, not null");
	switch (m->kind) {
	case LR_EXISTS:
		if (!lg_ascii_casecmp(text, "true") ||
		    !lg_ascii_casecmp(text, "false")) {
			v->exists = !lg_ascii_casecmp(text, "true");
			return LG_OK;
		}
		return lr_fail(cx, line, "'exists' takes true or false");
	case LR_RE:
		return compile_re(cx, line, m, text, len, v);
	case LR_CIDR:
		return compile_cidr(cx, line, text, len, v);
	case LR_LT:
	case LR_LTE:
	case LR_GT:
	case LR_GTE:
		if (!lr_parse_number(text, len, &v->num))
			return lr_fail(cx, line, "'%.60s' is not a number",
				       text);
		return LG_OK;
	default:
		break;
	}
	if (!text) {
		v->kind = LR_NULL;
		return LG_OK;
	}
	return compile_text(cx, m, text, len, v);
}

/* ---- matching -----------------------------------------------------------
 */
static bool eq_lower(const char *a, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lr_lower((unsigned char)a[i]) != (unsigned char)lower[i])
			return false;
	return true;
}

static bool eq_text(const lr_value *v, const char *a)
{
	return v->cased ? !memcmp(a, v->s, v->n) : eq_lower(a, v->s, v->n);
}

/* Substring search in text already in the needle's case. */
static bool contains_exact(const lr_value *v, const char *h, size_t hn)
{
	size_t n = v->n, a = v->anchor;
	if (n == 0)
		return true;
	if (hn < n)
		return false;
	unsigned char c = (unsigned char)v->s[a];
	const char *p = h + a, *last = h + (hn - n) + a;
	const char *s = v->s;
	while (p <= last && (p = memchr(p, c, (size_t)(last - p) + 1))) {
		/* the ends first: most candidates fail there, without a call */
		if (p[-(ptrdiff_t)a] == s[0] && p[n - 1 - a] == s[n - 1] &&
		    !memcmp(p - a, s, n))
			return true;
		p++;
	}
	return false;
}

/* Case-insensitive search in text that was not lowercased (an extra
 * field, or a field too long for the per-event scratch). */
static bool contains(const lr_value *v, const char *h, size_t hn)
{
	size_t n = v->n, a = v->anchor;
	unsigned char c = n ? (unsigned char)v->s[a] : 0;
	if (v->cased || (unsigned)(c - 'a') >= 26u) {
		if (v->cased)
			return contains_exact(v, h, hn);
		if (n == 0)
			return true;
		if (hn < n)
			return false;
		const char *p = h + a, *last = h + (hn - n) + a;
		while (p <= last &&
		       (p = memchr(p, c, (size_t)(last - p) + 1))) {
			if (eq_lower(p - a, v->s, n))
				return true;
			p++;
		}
		return false;
	}
	if (hn < n)
		return false;
	/* a letter: c | 0x20 folds exactly its upper case onto it */
	for (const char *p = h + a, *last = h + (hn - n) + a; p <= last; p++)
		if (((unsigned char)*p | 0x20) == c && eq_lower(p - a, v->s, n))
			return true;
	return false;
}

static inline bool glob_byte(const lr_value *v, size_t i, unsigned char c)
{
	return v->glob_mask[i] == LR_GLOB_ONE ||
	       (unsigned char)v->s[i] == (v->cased ? c : lr_lower(c));
}

/* Iterative glob with one backtrack point: linear for "*a*b*" shapes,
 * never exponential. */
static bool glob(const lr_value *v, const char *s, size_t n)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
	while (si < n) {
		if (pi < v->n && v->glob_mask[pi] == LR_GLOB_STAR) {
			star = pi++;
			mark = si;
		} else if (pi < v->n &&
			   glob_byte(v, pi, (unsigned char)s[si])) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < v->n && v->glob_mask[pi] == LR_GLOB_STAR)
		pi++;
	return pi == v->n;
}

static bool cidr(const lr_value *v, lg_slice s)
{
	uint8_t a[16];
	return lg_addr_parse(s.p, s.n, a) && lg_cidr_contains(&v->net, a);
}

static bool number(const lr_value *v, lg_slice s)
{
	double x;
	if (!lr_parse_number(s.p, s.n, &x))
		return false;
	switch (v->kind) {
	case LR_LT:
		return x < v->num;
	case LR_LTE:
		return x <= v->num;
	case LR_GT:
		return x > v->num;
	default:
		return x >= v->num;
	}
}

static bool regex(const lr_value *v, lg_slice s, lr_evalctx *x)
{
	int rc = pcre2_match(v->re, (PCRE2_SPTR)s.p, s.n, 0, 0, x->md, NULL);
	return rc >= 0; /* errors (match limit) count as no match */
}

/* `low` is the field lowercased, or {NULL} when it was not made. */
static bool value_match(const lr_value *v, lg_slice s, lg_slice low,
			lr_evalctx *x)
{
	if (!s.p)
		return v->kind == LR_NULL ||
		       (v->kind == LR_EXISTS && !v->exists);
	switch (v->kind) {
	case LR_EQ:
		return s.n == v->n && eq_text(v, s.p);
	case LR_CONTAINS:
		if (low.p && !v->cased)
			return contains_exact(v, low.p, low.n);
		return contains(v, s.p, s.n);
	case LR_STARTS:
		return s.n >= v->n && eq_text(v, s.p);
	case LR_ENDS:
		return s.n >= v->n && eq_text(v, s.p + s.n - v->n);
	case LR_GLOB:
		return low.p && !v->cased ? glob(v, low.p, low.n)
					  : glob(v, s.p, s.n);
	case LR_RE:
		return regex(v, s, x);
	case LR_CIDR:
		return cidr(v, s);
	case LR_NULL:
		return s.n == 0;
	case LR_EXISTS:
		return v->exists;
	default:
		return number(v, s);
	}
}

lg_slice lr_field_extra(const lg_log_event *ev, const lr_fieldref *r)
{
	for (unsigned i = 0; i < ev->nextra && i < LG_LOG_MAX_EXTRA; i++) {
		if (ev->extra_name[i].n == r->n &&
		    !lg_ascii_ncasecmp(ev->extra_name[i].p, r->name, r->n))
			return ev->extra_value[i];
	}
	return (lg_slice){NULL, 0};
}

void lr_fieldref_set(lr_loadctx *cx, lr_fieldref *r, const char *name)
{
	(void)cx;
	lg_field f;
	r->field = lg_field_from_name(name, &f) ? (int)f : -1;
	r->name = name;
	r->n = strlen(name);
}

/* Lowercases ASCII eight bytes at a time (SWAR): a byte gets 0x20 when
 * it lies in 'A'..'Z'; bytes >= 0x80 (UTF-8) are left alone. */
static void lower_copy(char *d, const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t low7 = w & ~high;
		uint64_t ge_a = low7 + ones * (0x80 - 'A');
		uint64_t gt_z = low7 + ones * (0x80 - 'Z' - 1);
		uint64_t upper = (ge_a ^ gt_z) & ~w & high;
		w |= upper >> 2;
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++)
		d[i] = (char)lr_lower((unsigned char)s[i]);
}

/* The field lowercased in the per-event scratch; {NULL} when it does not
 * fit (the caller then folds case as it compares). */
static inline lg_slice lowered(lr_evalctx *x, int f, lg_slice s)
{
	if (x->seen[f] == x->gen)
		return x->low[f];
	if (!s.p || s.n > sizeof(x->buf) - x->used)
		return (lg_slice){NULL, 0};
	char *d = x->buf + x->used;
	lower_copy(d, s.p, s.n);
	x->used += s.n;
	x->seen[f] = x->gen;
	x->low[f] = (lg_slice){d, s.n};
	return x->low[f];
}

static bool keyword_match(const lr_value *v, const lg_log_event *ev,
			  lr_evalctx *x)
{
	const lg_slice *q = &ev->f[LG_FLD_CS_URI_QUERY];
	for (size_t i = 0; i < 4; i++) {
		lg_field f = lr_keyword_fields[i];
		lg_slice s = ev->f[f];
		/* the decoded URI is often the logged one, unchanged */
		if (i == 3 && s.p && s.n == q->n && q->p &&
		    (s.p == q->p || !memcmp(s.p, q->p, s.n)))
			continue;
		if (s.p && value_match(v, s, lowered(x, f, s), x))
			return true;
	}
	return false;
}

static inline bool bit_has(const uint64_t m[4], unsigned char b)
{
	return (m[b >> 6] >> (b & 63)) & 1;
}

/* A list of endswith (or equals) values answers most fields by their
 * last two bytes: "/products/123" ends with none of .sql, .bak, ~. */
static void tail_finish(lr_cond *c)
{
	c->has_tail = !c->all && !c->keywords && c->nvalues > 0;
	memset(c->tail, 0, sizeof(c->tail));
	for (unsigned i = 0; c->has_tail && i < c->nvalues; i++) {
		const lr_value *v = &c->values[i];
		c->has_tail = !v->cased && v->n > 0 &&
			      (v->kind == LR_ENDS || v->kind == LR_EQ);
		if (!c->has_tail)
			break;
		unsigned char b = (unsigned char)v->s[v->n - 1];
		c->tail[0][b >> 6] |= 1ull << (b & 63);
		if (v->n < 2) { /* any byte may come before it */
			memset(c->tail[1], 0xff, sizeof(c->tail[1]));
			continue;
		}
		b = (unsigned char)v->s[v->n - 2];
		c->tail[1][b >> 6] |= 1ull << (b & 63);
	}
}

/* Whether some value may match s (a present field): false means none. */
static inline bool tail_may(const lr_cond *c, lg_slice s)
{
	if (s.n == 0)
		return false;
	if (!bit_has(c->tail[0], lr_lower((unsigned char)s.p[s.n - 1])))
		return false;
	return s.n < 2 ||
	       bit_has(c->tail[1], lr_lower((unsigned char)s.p[s.n - 2]));
}

void lr_cond_finish(lr_cond *c)
{
	for (unsigned i = 0; i < c->nvalues; i++) {
		const lr_value *v = &c->values[i];
		c->fold |=
		    !v->cased && (v->kind == LR_CONTAINS || v->kind == LR_GLOB);
	}
	tail_finish(c);
}

static bool keywords_scanned(lr_evalctx *x, const lg_log_event *ev)
{
	for (unsigned k = 0; k < 4; k++)
		if (!lr_prefilter_scan(x, ev, lr_keyword_fields[k]))
			return false;
	return true;
}

static inline bool pid_hit(const lr_evalctx *x, uint32_t pid)
{
	return (x->bits[pid / 64] >> (pid % 64)) & 1;
}

/* Whether any of the ids lo..hi matched. */
static bool pid_any(const lr_evalctx *x, uint32_t lo, uint32_t hi)
{
	for (uint32_t w = lo / 64; w <= hi / 64; w++) {
		uint64_t m = x->bits[w];
		if (w == lo / 64)
			m &= ~0ull << (lo % 64);
		if (w == hi / 64)
			m &= ~0ull >> (63 - hi % 64);
		if (m)
			return true;
	}
	return false;
}

/* One value: the prefilter's answer when it has one, else a search. */
static bool one_value(const lr_cond *c, const lr_value *v, lg_slice s, bool pre,
		      const lg_log_event *ev, lr_evalctx *x)
{
	if (pre && v->pid) {
		if (v->kind == LR_CONTAINS)
			return pid_hit(x, v->pid);
		if (!pid_hit(x, v->pid))
			return false; /* a glob without its literal core */
	}
	if (c->keywords)
		return keyword_match(v, ev, x);
	lg_slice low = {NULL, 0};
	if (c->fold && c->ref.field >= 0 && s.p)
		low = lowered(x, c->ref.field, s);
	return value_match(v, s, low, x);
}

static bool cond_eval(const lr_cond *c, const lg_log_event *ev, lr_evalctx *x)
{
	lg_slice s = {NULL, 0};
	bool pre;
	if (c->keywords) {
		pre = keywords_scanned(x, ev);
	} else {
		s = lr_field_get(ev, &c->ref);
		if (c->neg && !s.p)
			return false; /* neq says something about a value */
		if (c->has_tail && (!s.p || !tail_may(c, s)))
			return c->neg; /* no value matches */
		pre = c->fold && c->ref.field >= 0 &&
		      lr_prefilter_scan(x, ev, c->ref.field);
	}
	if (pre && c->pid_lo && !c->all) {
		bool r = pid_any(x, c->pid_lo, c->pid_hi);
		if (c->pid_exact || !r) /* a glob's literal is not enough */
			return c->neg ? !r : r;
	}
	bool any = false, all = true;
	for (unsigned i = 0; i < c->nvalues; i++) {
		bool m = one_value(c, &c->values[i], s, pre, ev, x);
		any |= m;
		all &= m;
		if (c->all ? !all : any)
			break;
	}
	bool r = c->all ? all : any;
	return c->neg ? !r : r;
}

/* A condition's answer depends on the event alone: rules that share it
 * (`sc-status: 200`, `private-path: 'true'`) pay for it once per event. */
bool lr_cond_eval(const lr_cond *c, const lg_log_event *ev, lr_evalctx *x)
{
	bool r = cond_eval(c, ev, x);
	if (c->memo < x->nmemo)
		x->memo[c->memo] = (uint64_t)x->gen << 1 | r;
	return r;
}

bool lr_search_match(const lr_search *s, const lg_log_event *ev, lr_evalctx *x)
{
	for (unsigned i = 0; i < s->nsets; i++) {
		const lr_andset *a = &s->sets[i];
		unsigned j = 0;
		while (j < a->ncond && lr_cond_match(&a->conds[j], ev, x))
			j++;
		if (j == a->ncond)
			return true;
	}
	return false;
}
