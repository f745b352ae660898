/* numbers.c: finds the maximal runs of digits in a window, with their
 * joiners (hyphen look-alikes, spaces, dots, brackets) and prefixes (〒,
 * +81, T), and offers each run to the numeric detectors by its digit
 * grouping. Hyperscan pays a callback for every digit of digit-dense text
 * (logs, tables); this pass skips non-digit bytes sixteen at a time and
 * looks at each run once, the way PAN finders such as ccsrch walk digits. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine_int.h"
#include "leakguard/text.h"

#define RUN_MAX_GROUPS 8
#define RUN_MAX_BYTES  96

/* A run of digit groups and what joins them. */
typedef struct num_run {
	uint32_t from, to; /* the digits and joiners */
	uint32_t pre;	   /* from, or the start of the prefix */
	char prefix;	   /* 0, 'p' 〒, 'i' +81, 'T', '(' */
	unsigned ngroups;  /* RUN_MAX_GROUPS + 1: too many */
	unsigned digits;
	uint8_t group[RUN_MAX_GROUPS];	 /* digits per group */
	char sep[RUN_MAX_GROUPS];	 /* joiner after group i */
	uint32_t sep_at[RUN_MAX_GROUPS]; /* where that joiner starts */
} num_run;

/* Length of a digit (ASCII or full-width) at p, or 0. */
static size_t digit_len(const uint8_t *p, const uint8_t *end)
{
	if (p >= end)
		return 0;
	if (*p >= '0' && *p <= '9')
		return 1;
	if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 &&
	    p[2] <= 0x99)
		return 3;
	return 0;
}

/* The joiner at p as one character ('-', ' ', '.', '(' or ')') and its
 * length in *len, or 0. */
static char joiner_kind(const uint8_t *p, const uint8_t *end, size_t *len)
{
	if (p >= end)
		return 0;
	*len = 1;
	switch (*p) {
	case '-':
	case ' ':
	case '.':
	case '(':
	case ')':
		return (char)*p;
	default:
		break;
	}
	/* the look-alikes all start E2, E3 or EF: kanji after a number
	 * (年, 円, 個) need no decoding */
	if (*p != 0xE2 && *p != 0xE3 && *p != 0xEF)
		return 0;
	uint32_t cp;
	*len = lg_utf8_decode(p, (size_t)(end - p), &cp);
	if (cp == 0xFF08)
		return '(';
	if (cp == 0xFF09)
		return ')';
	int a = lg_fold_ascii(cp);
	return a == '-' || a == ' ' ? (char)a : 0;
}

/* A byte a joiner can start with: - space . ( ) or the lead byte of a
 * look-alike (E2 ‐−─, E3 ー　, EF －（）ｰ). */
static bool may_start_joiner(uint8_t c)
{
	switch (c) {
	case ' ':
	case '-':
	case '.':
	case '(':
	case ')':
	case 0xE2:
	case 0xE3:
	case 0xEF:
		return true;
	default:
		return false;
	}
}

/* Looks before the run for 〒, +81, (+81), T or an opening bracket. */
static void run_prefix(const uint8_t *w, num_run *r)
{
	const uint8_t *p = w + r->from, *lo = w;
	r->pre = r->from;
	r->prefix = 0;
	if (p - lo >= 1 && p[-1] == '+') {
		r->prefix = 'i';
		r->pre = r->from - 1;
		if (p - lo >= 2 && p[-2] == '(')
			r->pre--;
		return;
	}
	const uint8_t *q = p;
	if (q > lo && (q[-1] == ' ' || q[-1] == '-'))
		q--; /* 〒 160 */
	/* T1234567890123 or T-1234567890123, the T a word of its own:
	 * CONTACT 090-1234-5678 has no T prefix */
	const uint8_t *t = p > lo && p[-1] == '-' ? p - 1 : p;
	bool ascii_t = t - lo >= 1 && t[-1] == 'T' &&
		       !lg_alnum_at(lg_char_before(t - 1, lo), t);
	bool wide_t = t - lo >= 3 && !memcmp(t - 3, "\xEF\xBC\xB4", 3);
	if (q - lo >= 3 && !memcmp(q - 3, "\xE3\x80\x92", 3)) {
		r->prefix = 'p';
		r->pre = (uint32_t)(q - 3 - lo);
	} else if (ascii_t || wide_t) {
		r->prefix = 'T';
		r->pre = (uint32_t)(t - (ascii_t ? 1 : 3) - lo);
	} else if (p > lo &&
		   (p[-1] == '(' ||
		    (p - lo >= 3 && !memcmp(p - 3, "\xEF\xBC\x88", 3)))) {
		r->prefix = '(';
		r->pre = r->from - (p[-1] == '(' ? 1 : 3);
	}
}

/* Parses the run that starts at w[at] (a digit). Returns its end. */
static uint32_t parse_run(const uint8_t *w, size_t len, uint32_t at, num_run *r)
{
	const uint8_t *end = w + len, *p = w + at;
	memset(r, 0, sizeof(*r));
	r->from = at;
	for (;;) {
		unsigned n = 0;
		for (;;) {
			if (p < end && (unsigned)(*p - '0') < 10u) {
				p++; /* ASCII, the common case */
			} else if (p < end && *p == 0xEF && digit_len(p, end)) {
				p += 3;
			} else {
				break;
			}
			n++;
		}
		if (r->ngroups < RUN_MAX_GROUPS)
			r->group[r->ngroups] = (uint8_t)(n > 255 ? 255 : n);
		r->ngroups++;
		r->digits += n;
		/* a joiner (or ")-", ") " after a bracket) then a digit */
		size_t j1 = 0, j2 = 0;
		if (p >= end || !may_start_joiner(*p))
			break; /* most runs end at a letter, a kanji or a colon
				*/
		char k = joiner_kind(p, end, &j1);
		if (!k)
			break;
		const uint8_t *q = p + j1;
		char k2 = k == ')' ? joiner_kind(q, end, &j2) : 0;
		if (k2 == '-' || k2 == ' ')
			q += j2;
		if (!digit_len(q, end))
			break;
		if (r->ngroups <= RUN_MAX_GROUPS) {
			r->sep[r->ngroups - 1] = k;
			r->sep_at[r->ngroups - 1] = (uint32_t)(p - w);
		}
		p = q;
	}
	r->to = (uint32_t)(p - w);
	return r->to;
}

/* ---- shapes: how each type is written ----------------------------------- */
static bool groups_are(const num_run *r, const uint8_t *g, unsigned n)
{
	if (r->ngroups != n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (r->group[i] != g[i])
			return false;
	}
	return true;
}

/* Every joiner is a hyphen or a space (or, where allowed, a dot). */
static bool seps_in(const num_run *r, const char *allowed)
{
	for (unsigned i = 0; i + 1 < r->ngroups; i++) {
		if (!strchr(allowed, r->sep[i]))
			return false;
	}
	return true;
}

/* Cards as printed: bare, 4-4-4-4(-3) and Amex/Diners 4-6-5 / 4-6-4. */
static bool shape_credit_card(const num_run *r)
{
	if (r->prefix == 'p' || r->prefix == 'i' || r->digits < 13 ||
	    r->digits > 19 || !seps_in(r, "- "))
		return false;
	if (r->ngroups == 1)
		return true;
	if (r->ngroups == 4 && r->group[0] == 4 && r->group[1] == 4 &&
	    r->group[2] == 4)
		return true;
	return r->ngroups == 3 && r->group[0] == 4 && r->group[1] == 6 &&
	       (r->group[2] == 4 || r->group[2] == 5);
}

static bool shape_my_number(const num_run *r)
{
	static const uint8_t g12[] = {12}, g48[] = {4, 8}, g84[] = {8, 4},
			     g444[] = {4, 4, 4};
	return !r->prefix && seps_in(r, "- .") &&
	       (groups_are(r, g12, 1) || groups_are(r, g48, 2) ||
		groups_are(r, g84, 2) || groups_are(r, g444, 3));
}

static bool shape_corporate(const num_run *r)
{
	static const uint8_t g13[] = {13}, g1444[] = {1, 4, 4, 4};
	if (r->prefix == 'T') /* T1234567890123, T1-2345-6789-0123 */
		return groups_are(r, g13, 1) || groups_are(r, g1444, 4);
	return !r->prefix && seps_in(r, "- ") &&
	       (groups_are(r, g13, 1) || groups_are(r, g1444, 4));
}

static bool shape_phone(const num_run *r)
{
	if (r->prefix && r->prefix != 'i' && r->prefix != '(')
		return false;
	if (r->ngroups > 4 || !seps_in(r, "- ()"))
		return false;
	unsigned last = r->group[r->ngroups - 1];
	if (r->ngroups == 1 && r->prefix == 'i') /* +819012345678 */
		return r->digits == 11 || r->digits == 12;
	if (r->ngroups == 1) /* 09012345678, （09012345678） */
		return (!r->prefix || r->prefix == '(') &&
		       (r->digits == 10 || r->digits == 11);
	if (r->prefix == 'i') /* +81 90-1234-5678: the 81 is a group */
		return last == 4 && r->ngroups >= 3 && r->digits >= 11 &&
		       r->digits <= 12;
	/* written numbers have three groups, area-local-subscriber (03-1234-
	 * 5678, 03(1234)5678, 0120-123-456); two are a US ZIP+4 or an ID */
	return r->ngroups == 3 && (last == 4 || last == 3) && r->digits >= 10 &&
	       r->digits <= 11;
}

static bool shape_postal(const num_run *r)
{
	static const uint8_t g34[] = {3, 4}, g7[] = {7};
	if (groups_are(r, g7, 1)) /* 〒1600021, or after zip: / 郵便番号 */
		return !r->prefix || r->prefix == 'p';
	return (!r->prefix || r->prefix == 'p') && groups_are(r, g34, 2) &&
	       r->sep[0] == '-';
}

typedef struct number_shape {
	lg_type type;
	bool (*fits)(const num_run *r);
	bool with_prefix; /* the prefix is part of what the validator reads */
} number_shape;

static const number_shape number_shapes[] = {
    {LG_CREDIT_CARD, shape_credit_card, false},
    {LG_JP_MY_NUMBER, shape_my_number, false},
    {LG_JP_CORPORATE_NUMBER, shape_corporate, true},
    {LG_JP_PHONE, shape_phone, true},
    {LG_JP_POSTAL_CODE, shape_postal, true},
};

/* Offers a run to each numeric detector; the ones whose shape fits become
 * raw matches, checked like any other. */
static void offer_run(lg_detect_stream *s, const num_run *r)
{
	const uint8_t *w = s->win, *end = w + s->len;
	if (r->digits < 7 || r->ngroups > RUN_MAX_GROUPS ||
	    r->to - r->pre > RUN_MAX_BYTES)
		return;
	/* part of a token: AB0312345678, 090-1234-5678x */
	if ((r->pre > 0 && lg_alnum_at(lg_char_before(w + r->pre, w), end)) ||
	    lg_alnum_at(w + r->to, end))
		return;
	for (size_t i = 0; i < sizeof(number_shapes) / sizeof(*number_shapes);
	     i++) {
		const number_shape *sh = &number_shapes[i];
		if (!((s->det->types >> sh->type) & 1u) || !sh->fits(r))
			continue;
		raw_match m = {sh->type, sh->with_prefix ? r->pre : r->from,
			       r->to};
		if (!lg_vec_push((void **)&s->raws, &s->nraws, &s->capraws,
				 sizeof(m), &m))
			s->oom = true;
	}
}

/* A number followed by a bracketed aside runs on into it: 0120-533-826
 * （9:00〜21:00）. From the third group on, the part before an opening
 * bracket is offered too. */
static void offer_before_bracket(lg_detect_stream *s, const num_run *r)
{
	unsigned limit =
	    r->ngroups < RUN_MAX_GROUPS ? r->ngroups : RUN_MAX_GROUPS;
	for (unsigned k = 2; k + 1 < limit; k++) {
		if (r->sep[k] != '(')
			continue;
		num_run t = *r;
		t.ngroups = k + 1;
		t.digits = 0;
		for (unsigned g = 0; g <= k; g++)
			t.digits += t.group[g];
		t.to = r->sep_at[k];
		offer_run(s, &t);
		return;
	}
}

/* Most numbers in text are short and stand alone (10:14, 2025年, ¥1,980):
 * fewer than seven ASCII digits with nothing after them that could join
 * them to more fit no type. */
static bool short_lone_number(unsigned run, uint8_t next)
{
	return run < 7 && !may_start_joiner(next);
}

/* Next position at or after i where a number worth parsing starts: a
 * full-width digit, or ASCII digits that are not a short lone number; len
 * when there is none. Sixteen positions at a time: short lone numbers are
 * skipped within the block's digit mask, without a restart each. Japanese
 * text is full of other EF BC characters (：（）), so the whole full-width
 * digit sequence is compared. */
static size_t next_number(const uint8_t *w, size_t i, size_t len)
{
#if defined(__SSE2__)
	const __m128i lo = _mm_set1_epi8('0' - 1), hi = _mm_set1_epi8('9' + 1);
	const __m128i ef = _mm_set1_epi8((char)0xEF);
	const __m128i bc = _mm_set1_epi8((char)0xBC);
	const __m128i d0 = _mm_set1_epi8((char)0x90), nine = _mm_set1_epi8(9);
	while (i + 18 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(w + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(w + i + 1));
		__m128i v2 = _mm_loadu_si128((const __m128i *)(w + i + 2));
		unsigned dig = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi)));
		__m128i x = _mm_sub_epi8(v2, d0); /* 0..9 for 90..99 */
		unsigned fw = (unsigned)_mm_movemask_epi8(
		    _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(v, ef),
						_mm_cmpeq_epi8(v1, bc)),
				  _mm_cmpeq_epi8(_mm_min_epu8(x, nine), x)));
		unsigned m = dig | fw;
		while (m) {
			unsigned b = (unsigned)__builtin_ctz(m);
			if ((fw >> b) & 1u)
				return i + b;
			/* digits from b on: trailing ones of dig >> b */
			unsigned run = (unsigned)__builtin_ctz(~(dig >> b));
			if (b + run >= 16 ||
			    !short_lone_number(run, w[i + b + run]))
				return i + b;
			m &= ~(((1u << run) - 1u) << b);
		}
		i += 16;
	}
#endif
	while (i < len) {
		if (w[i] == 0xEF && digit_len(w + i, w + len))
			return i;
		if (w[i] < '0' || w[i] > '9') {
			i++;
			continue;
		}
		size_t k = i;
		while (k < len && w[k] >= '0' && w[k] <= '9')
			k++;
		if (k < len && short_lone_number((unsigned)(k - i), w[k]))
			i = k;
		else
			return i;
	}
	return len;
}

/* The types digit runs are offered to: with none of them selected
 * (--types person_name), the pass is skipped. */
#define RUN_TYPES                                                              \
	((1u << LG_CREDIT_CARD) | (1u << LG_JP_MY_NUMBER) |                    \
	 (1u << LG_JP_CORPORATE_NUMBER) | (1u << LG_JP_PHONE) |                \
	 (1u << LG_JP_POSTAL_CODE))

void lg_number_runs(lg_detect_stream *s, uint64_t own_lo, uint64_t own_hi)
{
	if (!(s->det->types & RUN_TYPES))
		return;
	const uint8_t *w = s->win;
	size_t len = s->len, i = 0;
	while ((i = next_number(w, i, len)) < len) {
		num_run r;
		uint32_t end = parse_run(w, len, (uint32_t)i, &r);
		/* a run is the window's whose end it owns, and only when what
		 * follows it is in view; no type has fewer than seven digits */
		if (r.digits >= 7 && r.to > own_lo && r.to <= own_hi) {
			run_prefix(w, &r);
			offer_run(s, &r);
			offer_before_bracket(s, &r);
		}
		i = end;
	}
}
