/* numbers.c: finds the maximal runs of digits in a window, with their
 * joiners (hyphen look-alikes, spaces, dots, brackets) and prefixes (〒,
 * +81, T), and offers each run to the numeric detectors by its digit
 * grouping. Hyperscan pays a callback for every digit of digit-dense text
 * (logs, tables); this pass skips non-digit bytes sixteen at a time and
 * looks at each run once, the way PAN finders such as ccsrch walk digits. */
#include <stdint.h>
#include <string.h>

#include "engine_int.h"
#include "leakguard/text.h"
#include "util/util.h"

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
	/* of E3's characters, the kana and the CJK marks (、。「) that
	 * follow numbers in Japanese, only 　 and ー fold (lg_fold_ascii);
	 * of EF's, the full-width brackets, －, ﹣, ﹘ and ｰ join: told
	 * without decoding, as both follow numbers often (（税込）) */
	if (*p != 0xE2) {
		if (end - p < 3)
			return 0;
		*len = 3;
		if (*p == 0xE3)
			return p[1] == 0x80 && p[2] == 0x80   ? ' '
			       : p[1] == 0x83 && p[2] == 0xBC ? '-'
							      : 0;
		if (p[1] == 0xBC)
			return p[2] == 0x88   ? '('
			       : p[2] == 0x89 ? ')'
			       : p[2] == 0x8D ? '-'
					      : 0;
		return (p[1] == 0xB9 && (p[2] == 0xA3 || p[2] == 0x98)) ||
			       (p[1] == 0xBD && p[2] == 0xB0)
			   ? '-'
			   : 0;
	}
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

/* Whether a prefix (run_prefix) may end at the byte before w[at]: each
 * ends in + (+81), 〒's 92 or a joiner after it, T or T-, Ｔ's B4, ( or
 * （'s 88. Most numbers follow =, a comma, a colon or a quote. */
static inline bool prefix_may_end(const uint8_t *w, uint32_t at)
{
	switch (at > 0 ? w[at - 1] : 0) {
	case '+':
	case ' ':
	case '-':
	case 'T':
	case '(':
	case 0x88:
	case 0x92:
	case 0xB4:
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
	if (!prefix_may_end(w, r->from))
		return;
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

/* Where the next group of a run starts when the run goes on at p (its
 * last digit just before p): after a joiner, or a closing bracket and a
 * joiner (")-", ") "), a digit. NULL when the run ends at p; else *kind is
 * the joiner. */
static const uint8_t *next_group(const uint8_t *p, const uint8_t *end,
				 char *kind)
{
	size_t j1 = 0, j2 = 0;
	if (p >= end || !may_start_joiner(*p))
		return NULL; /* most runs end at a letter, a kanji or a colon */
	char k = joiner_kind(p, end, &j1);
	if (!k)
		return NULL;
	const uint8_t *q = p + j1;
	char k2 = k == ')' ? joiner_kind(q, end, &j2) : 0;
	if (k2 == '-' || k2 == ' ')
		q += j2;
	if (!digit_len(q, end))
		return NULL;
	*kind = k;
	return q;
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
		char k;
		const uint8_t *q = next_group(p, end, &k);
		if (!q)
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

/* The joiners of a run as a set of bits, for the shapes to test at once. */
#define SEP_HYPHEN 1u
#define SEP_SPACE  2u
#define SEP_DOT	   4u
#define SEP_OPEN   8u
#define SEP_CLOSE  16u

static unsigned sep_set(const num_run *r)
{
	unsigned set = 0;
	for (unsigned i = 0; i + 1 < r->ngroups; i++) {
		switch (r->sep[i]) {
		case '-':
			set |= SEP_HYPHEN;
			break;
		case ' ':
			set |= SEP_SPACE;
			break;
		case '.':
			set |= SEP_DOT;
			break;
		case '(':
			set |= SEP_OPEN;
			break;
		default:
			set |= SEP_CLOSE;
			break;
		}
	}
	return set;
}

/* Every joiner is one of the allowed (a hyphen or a space, or, where
 * allowed, a dot or a bracket). */
static bool seps_in(unsigned seps, unsigned allowed)
{
	return (seps & ~allowed) == 0;
}

/* Cards as printed: bare, 4-4-4-4(-3) and Amex/Diners 4-6-5 / 4-6-4. */
static bool shape_credit_card(const num_run *r, unsigned seps)
{
	if (r->prefix == 'p' || r->prefix == 'i' || r->digits < 13 ||
	    r->digits > 19 || !seps_in(seps, SEP_HYPHEN | SEP_SPACE))
		return false;
	if (r->ngroups == 1)
		return true;
	if (r->ngroups == 4 && r->group[0] == 4 && r->group[1] == 4 &&
	    r->group[2] == 4)
		return true;
	return r->ngroups == 3 && r->group[0] == 4 && r->group[1] == 6 &&
	       (r->group[2] == 4 || r->group[2] == 5);
}

static bool shape_my_number(const num_run *r, unsigned seps)
{
	static const uint8_t g12[] = {12}, g48[] = {4, 8}, g84[] = {8, 4},
			     g444[] = {4, 4, 4};
	return !r->prefix && seps_in(seps, SEP_HYPHEN | SEP_SPACE | SEP_DOT) &&
	       (groups_are(r, g12, 1) || groups_are(r, g48, 2) ||
		groups_are(r, g84, 2) || groups_are(r, g444, 3));
}

static bool shape_corporate(const num_run *r, unsigned seps)
{
	static const uint8_t g13[] = {13}, g1444[] = {1, 4, 4, 4};
	if (r->prefix == 'T') /* T1234567890123, T1-2345-6789-0123 */
		return groups_are(r, g13, 1) || groups_are(r, g1444, 4);
	return !r->prefix && seps_in(seps, SEP_HYPHEN | SEP_SPACE) &&
	       (groups_are(r, g13, 1) || groups_are(r, g1444, 4));
}

static bool shape_phone(const num_run *r, unsigned seps)
{
	if (r->prefix && r->prefix != 'i' && r->prefix != '(')
		return false;
	if (r->ngroups > 4 ||
	    !seps_in(seps, SEP_HYPHEN | SEP_SPACE | SEP_OPEN | SEP_CLOSE))
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
	 * 5678, 03(1234)5678, 0120-123-456): an area code of two to five
	 * digits with its 0, a local part of four at most ("0 21600 5400", a
	 * drawing's formula, is none); two are a US ZIP+4 or an ID */
	return r->ngroups == 3 && (last == 4 || last == 3) && r->digits >= 10 &&
	       r->digits <= 11 && r->group[0] >= 2 && r->group[0] <= 5 &&
	       r->group[1] <= 4;
}

static bool shape_postal(const num_run *r, unsigned seps)
{
	static const uint8_t g34[] = {3, 4}, g7[] = {7};
	(void)seps;
	if (groups_are(r, g7, 1)) /* 〒1600021, or after zip: / 郵便番号 */
		return !r->prefix || r->prefix == 'p';
	return (!r->prefix || r->prefix == 'p') && groups_are(r, g34, 2) &&
	       r->sep[0] == '-';
}

/* ---- check digits: what each validator would reject first -------------- */
/* The validators read the digits of the folded match, which for a run are
 * its digits, full-width ones as ASCII: the check digits and numbering
 * plans that reject most runs are tried on them here, before a raw match
 * (and its folding) is made. The validators still decide. */
/* The Luhn sums of eight digits (byte values 0 to 9), a byte each, the
 * last digit in the top byte and not doubled: the doubled ones (bytes 0,
 * 2, 4, 6) count 2d, less 9 from 5 on. Each byte ends up 0 to 18. */
static inline uint64_t luhn8(uint64_t x)
{
	uint64_t dd = x & 0x00FF00FF00FF00FFull;
	uint64_t big = ((dd + 0x0003000300030003ull) >> 3) &
		       0x0001000100010001ull; /* d + 3 >= 8: 5 to 9 */
	return x + dd - 9 * big;
}

/* lg_luhn_valid of n ASCII digits, 13 to 19 (at least 9 and at most 24
 * would do), eight at a time by words read from the right end: the loop
 * of lg_luhn_valid took 140 instructions a 16-digit order number, and
 * nine in ten of those fail it. d[0..n) must all be digits. */
static bool luhn_digits(const uint8_t *d, unsigned n)
{
	const uint64_t zeros = 0x3030303030303030ull;
	uint64_t a, b, v;
	memcpy(&a, d + n - 8, 8);
	v = luhn8(a - zeros);
	if (n >= 16) {
		memcpy(&b, d + n - 16, 8);
		v += luhn8(b - zeros);
		a = 0;
		if (n > 16) { /* the first n - 16 digits, in the top bytes */
			memcpy(&a, d, 8);
			a = (a - zeros) << (8 * (24 - n));
		}
	} else { /* the first n - 8, in the top bytes */
		memcpy(&a, d, 8);
		a = (a - zeros) << (8 * (16 - n));
	}
	v += luhn8(a); /* bytes of at most 54 */
	v = (v & 0x00FF00FF00FF00FFull) + ((v >> 8) & 0x00FF00FF00FF00FFull);
	unsigned sum = (unsigned)((v * 0x0001000100010001ull) >> 48);
	return sum % 10 == 0;
}

bool lg_luhn_digits(const char *d, size_t n)
{
	return luhn_digits((const uint8_t *)d, (unsigned)n);
}

/* The Luhn sum first: lg_card_brand checks it too, after the brand's
 * range, found by halving a table, whose branches a run of order numbers
 * (random first digits) misses half the time; the sum turns away nine
 * numbers in ten. */
static bool digits_card(const num_run *r, const char *d)
{
	return luhn_digits((const uint8_t *)d, r->digits) &&
	       lg_card_brand(d, r->digits) != NULL;
}

static bool digits_my_number(const num_run *r, const char *d)
{
	return r->digits == 12 && lg_my_number_valid(d);
}

static bool digits_corporate(const num_run *r, const char *d)
{
	return r->digits == 13 && lg_corporate_number_valid(d);
}

/* +81 (a '+' just before the run, the prefix 'i' of run_prefix) is read
 * as a leading 0 by the validator: left to it */
static bool digits_phone(const uint8_t *w, const num_run *r, const char *d)
{
	return (r->from > 0 && w[r->from - 1] == '+') ||
	       lg_jp_phone_kind(d, r->digits) != 0;
}

/* Copies n bytes, a run's digits (seven to nineteen where a shape is
 * tried), by overlapping words from the two ends: GCC compiles a memcpy
 * whose size it knows to be small to rep movsq, which took a third of the
 * time of the check digits. Reads and writes the n bytes alone. */
static inline void copy_digits(char *out, const uint8_t *src, size_t n)
{
	if (n >= 8) {
		uint64_t a, b;
		for (size_t k = 0; k + 8 < n; k += 8) {
			memcpy(&a, src + k, 8);
			memcpy(out + k, &a, 8);
		}
		memcpy(&b, src + n - 8, 8);
		memcpy(out + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, src, 4);
		memcpy(&b, src + n - 4, 4);
		memcpy(out, &a, 4);
		memcpy(out + n - 4, &b, 4);
	} else {
		lg_copy_small(out, src, n);
	}
}

/* The digits of the run as ASCII, NUL-terminated (out holds
 * RUN_MAX_BYTES + 1). */
static void run_digits(const uint8_t *w, const num_run *r, char *out)
{
	size_t n = 0;
	if (r->to - r->from == r->digits) { /* ASCII digits alone: a copy */
		copy_digits(out, w + r->from, r->digits);
		out[r->digits] = '\0';
		return;
	}
	/* ASCII digits and ngroups - 1 joiners of a byte each (a longer
	 * joiner or a full-width digit would make the run longer): each byte
	 * is copied and kept when a digit, without a branch on which */
	if (r->ngroups <= RUN_MAX_GROUPS &&
	    r->to - r->from == r->digits + r->ngroups - 1) {
		for (uint32_t i = r->from; i < r->to; i++) {
			out[n] = (char)w[i];
			n += (unsigned)(w[i] - '0') < 10u;
		}
		out[n] = '\0';
		return;
	}
	for (uint32_t i = r->from; i < r->to;) {
		uint8_t c = w[i];
		if (c >= '0' && c <= '9') {
			out[n++] = (char)c;
			i++;
		} else if (c == 0xEF && i + 2 < r->to && w[i + 1] == 0xBC &&
			   w[i + 2] >= 0x90 && w[i + 2] <= 0x99) {
			out[n++] = (char)('0' + (w[i + 2] - 0x90));
			i += 3;
		} else {
			i++;
		}
	}
	out[n] = '\0';
}

typedef struct number_shape {
	lg_type type;
	bool digits;	  /* has check digits or a numbering plan to try
			   * (shape_digits_ok) */
	bool with_prefix; /* the prefix is part of what the validator reads */
} number_shape;

enum { SH_CARD, SH_MY_NUMBER, SH_CORPORATE, SH_PHONE, SH_POSTAL };

static const number_shape number_shapes[] = {
    [SH_CARD] = {LG_CREDIT_CARD, true, false},
    [SH_MY_NUMBER] = {LG_JP_MY_NUMBER, true, false},
    [SH_CORPORATE] = {LG_JP_CORPORATE_NUMBER, true, true},
    [SH_PHONE] = {LG_JP_PHONE, true, true},
    [SH_POSTAL] = {LG_JP_POSTAL_CODE, false, true},
};

/* The shapes (bits of number_shapes) a run with this many digits may
 * have: each type is written with digit counts of its own (a card 13 to
 * 19, My Number 12, a corporate number 13, a phone number 10 or 11, 11 or
 * 12 after +81, a postal code 7), so most runs need one shape tried, or
 * none. A shape changed above must be kept in step here. */
static unsigned shapes_of_count(unsigned digits)
{
	switch (digits) {
	case 7:
		return 1u << SH_POSTAL;
	case 10:
	case 11:
		return 1u << SH_PHONE;
	case 12:
		return 1u << SH_MY_NUMBER | 1u << SH_PHONE;
	case 13:
		return 1u << SH_CARD | 1u << SH_CORPORATE;
	default:
		return digits >= 14 && digits <= 19 ? 1u << SH_CARD : 0;
	}
}

/* lg_alnum_at, with ASCII decided here: what touches a number is mostly
 * ASCII punctuation (=, comma, quote), which lg_alnum_at would decode. */
static inline bool alnum_at(const uint8_t *p, const uint8_t *end)
{
	if (p && p < end && *p < 0x80)
		return (*p >= '0' && *p <= '9') ||
		       (unsigned)((*p | 0x20) - 'a') < 26u || *p == '_';
	return lg_alnum_at(p, end);
}

/* Whether the character before w[at] is a letter or a digit: an ASCII
 * byte before is a character of its own. */
static inline bool alnum_before(const uint8_t *w, uint32_t at,
				const uint8_t *end)
{
	if (at == 0)
		return false;
	if (w[at - 1] < 0x80)
		return alnum_at(w + at - 1, end);
	return lg_alnum_at(lg_char_before(w + at, w), end);
}

/* Whether a run has shape i (shape_*), and passes its check digits
 * (digits_*, for the shapes with number_shapes[i].digits), called
 * directly: a call through a table is an indirect branch per shape
 * tried, which the branch predictor misses as often as the runs change
 * type. */
static bool shape_fits(unsigned i, const num_run *r, unsigned seps)
{
	switch (i) {
	case SH_CARD:
		return shape_credit_card(r, seps);
	case SH_MY_NUMBER:
		return shape_my_number(r, seps);
	case SH_CORPORATE:
		return shape_corporate(r, seps);
	case SH_PHONE:
		return shape_phone(r, seps);
	default:
		return shape_postal(r, seps);
	}
}

static bool shape_digits_ok(unsigned i, const uint8_t *w, const num_run *r,
			    const char *d)
{
	switch (i) {
	case SH_CARD:
		return digits_card(r, d);
	case SH_MY_NUMBER:
		return digits_my_number(r, d);
	case SH_CORPORATE:
		return digits_corporate(r, d);
	default:
		return digits_phone(w, r, d);
	}
}

/* The shapes (bits of number_shapes) of the selected types that the run's
 * digit count allows and whose check digits or numbering plan its digits
 * pass (a postal code has none). Tried before the run's prefix, joiners
 * and edges are looked at: half the runs offered are IDs and order
 * numbers of a card's or a My Number's length that fail them (on the
 * sparse benchmark, 62K of 137K per 64 MiB), and need nothing more. The
 * checks read the digits alone, and the prefix only where they say
 * (digits_phone): what offer_run later keeps is what it kept when it
 * tried the shapes first. d gets the digits (RUN_MAX_BYTES + 1). */
static unsigned digits_fit(const lg_detect_stream *s, const num_run *r, char *d)
{
	unsigned may = shapes_of_count(r->digits), fits = 0;
	if (!may || r->ngroups > RUN_MAX_GROUPS ||
	    r->to - r->from > RUN_MAX_BYTES)
		return 0;
	/* a postal code's seven digits are no more than a count */
	if (may != 1u << SH_POSTAL)
		run_digits(s->win, r, d);
	/* (the loop goes over the set bits: one or two, where a loop over
	 * all shapes missed a branch a run) */
	for (; may; may &= may - 1) {
		unsigned i = (unsigned)__builtin_ctz(may);
		const number_shape *sh = &number_shapes[i];
		if (((s->det->types >> sh->type) & 1u) &&
		    (!sh->digits || shape_digits_ok(i, s->win, r, d)))
			fits |= 1u << i;
	}
	return fits;
}

/* Offers a run to each numeric detector of fits (the types whose check
 * digits it passed, digits_fit); the ones whose shape fits become raw
 * matches, checked like any other. The shapes, a few compares, go before
 * the look at the run's edges, which decodes characters. */
static void offer_run(lg_detect_stream *s, const num_run *r, bool own,
		      unsigned fits)
{
	const uint8_t *w = s->win, *end = w + s->len;
	if (!fits || r->to - r->pre > RUN_MAX_BYTES)
		return;
	unsigned seps = sep_set(r);
	for (unsigned f = fits; f; f &= f - 1) {
		unsigned i = (unsigned)__builtin_ctz(f);
		if (!shape_fits(i, r, seps))
			fits &= ~(1u << i);
	}
	/* part of a token: AB0312345678, 090-1234-5678x */
	if (!fits || alnum_before(w, r->pre, end) || alnum_at(w + r->to, end))
		return;
	/* the tail of a name joined by a hyphen (hb-fuzzer-6264625609834496,
	 * INV-4012888888881881) is an identifier: no card, My Number or
	 * corporate number is written so. A phone or a postal code may be,
	 * after its label (TEL-0312345678) */
	if (r->pre >= 2 && w[r->pre - 1] == '-' &&
	    (unsigned)((w[r->pre - 2] | 0x20) - 'a') < 26u)
		fits &= 1u << SH_PHONE | 1u << SH_POSTAL;
	for (; fits; fits &= fits - 1) {
		const number_shape *sh = &number_shapes[__builtin_ctz(fits)];
		raw_match m = {sh->type, sh->with_prefix ? r->pre : r->from,
			       r->to, own};
		if (!lg_vec_push((void **)&s->raws, &s->nraws, &s->capraws,
				 sizeof(m), &m))
			s->oom = true;
	}
}

/* The group after which an aside's bracket opens, from the third group
 * on, or 0 when there is none. */
static unsigned aside_at(const num_run *r)
{
	unsigned limit =
	    r->ngroups < RUN_MAX_GROUPS ? r->ngroups : RUN_MAX_GROUPS;
	for (unsigned k = 2; k + 1 < limit; k++) {
		if (r->sep[k] == '(')
			return k;
	}
	return 0;
}

/* A number followed by a bracketed aside runs on into it: 0120-533-826
 * （9:00〜21:00）. From the third group on, the part before an opening
 * bracket is offered too. */
static void offer_before_bracket(lg_detect_stream *s, const num_run *r,
				 bool own)
{
	unsigned k = aside_at(r);
	if (!k)
		return;
	num_run t = *r;
	t.ngroups = k + 1;
	t.digits = 0;
	for (unsigned g = 0; g <= k; g++)
		t.digits += t.group[g];
	t.to = r->sep_at[k];
	char d[RUN_MAX_BYTES + 1];
	offer_run(s, &t, own, digits_fit(s, &t, d));
}

/* No type has fewer than seven digits, or eight or nine: seven is a
 * postal code, the rest have ten to nineteen (a number before a bracket,
 * offer_before_bracket, keeps three groups and ten digits at least). Most
 * digit runs in text are shorter (10:14, 2025年, ¥1,980) or are dates
 * (2025-11-03) and times written as eight digits. */
static bool digits_may_fit(unsigned digits)
{
	return digits == 7 || digits >= 10;
}

/* Most numbers in text are short and stand alone (10:14, 2025年, ¥1,980):
 * fewer than seven ASCII digits with nothing after them that could join
 * them to more fit no type. */
static bool short_lone_number(unsigned run, uint8_t next)
{
	return run < 7 && !may_start_joiner(next);
}

/* ---- finding the runs worth parsing, a block at a time ------------------
 * A block of 64 bytes is classified into bit masks (bit k for byte k):
 * ASCII digits, ASCII joiners, bytes a look-alike joiner or a full-width
 * digit may start with (E2 E3 EF), and full-width digits. An ASCII joiner
 * between two digits links them, so a run of digits and links is what
 * parse_run reads, unless a multi-byte character could continue it. Runs
 * shorter than seven bytes are skipped together, by bit arithmetic, and
 * longer ones whose digit count or grouping fits no type one by one from
 * the masks; the others are built from the masks too (plain_run). Only a
 * run the block cannot be sure of, one a multi-byte character or a
 * bracket may continue, or one crossing the block's end, is parse_run's. */
#define BLOCK	 64u
#define BLOCK_IN (BLOCK + 2u) /* bytes read: a full-width digit's tail */
#define LATE                                                                   \
	61u /* a run at byte 61 or after may end where the block               \
	     * cannot judge it: what ends a run is judged from the             \
	     * two bytes after it */

typedef struct block_masks {
	uint64_t digit; /* 0-9 */
	uint64_t join;	/* - space . ( ) */
	uint64_t wide;	/* E2 E3 EF: may start a look-alike or a digit */
	uint64_t fw;	/* a full-width digit, EF BC 90..99, starts */
} block_masks;

/* Byte classes, as bits of one byte, for the table look-ups below. */
#define C_DIGIT 0x80u
#define C_JOIN	0x40u
#define C_WIDE	0x20u
#define C_EF	0x10u

/* Full-width digits among the EF bytes of the block at p. */
static uint64_t fw_digits(const uint8_t *p, uint64_t ef)
{
	uint64_t fw = 0;
	for (; ef; ef &= ef - 1) {
		unsigned k = (unsigned)__builtin_ctzll(ef);
		if (p[k + 1] == 0xBC && (unsigned)(p[k + 2] - 0x90) < 10u)
			fw |= (uint64_t)1 << k;
	}
	return fw;
}

static inline void classify_scalar(const uint8_t *p, block_masks *m)
{
	uint64_t ef = 0;
	memset(m, 0, sizeof(*m));
	for (unsigned k = 0; k < BLOCK; k++) {
		uint64_t bit = (uint64_t)1 << k;
		uint8_t c = p[k];
		if (c >= '0' && c <= '9')
			m->digit |= bit;
		if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')
			m->join |= bit;
		if (c == 0xE2 || c == 0xE3 || c == 0xEF)
			m->wide |= bit;
		if (c == 0xEF)
			ef |= bit;
	}
	m->fw = fw_digits(p, ef);
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* The classes by the low and by the high nibble of a byte: a byte is of
 * a class when both say so. */
static const uint8_t class_lo[16] = {
    [0x0] = C_DIGIT | C_JOIN, /* '0' ' ' */
    [0x1] = C_DIGIT,	      /* '1' */
    [0x2] = C_DIGIT | C_WIDE, /* '2' E2 */
    [0x3] = C_DIGIT | C_WIDE, /* '3' E3 */
    [0x4] = C_DIGIT,	      /* '4' */
    [0x5] = C_DIGIT,	      /* '5' */
    [0x6] = C_DIGIT,	      /* '6' */
    [0x7] = C_DIGIT,	      /* '7' */
    [0x8] = C_DIGIT | C_JOIN, /* '8' '(' */
    [0x9] = C_DIGIT | C_JOIN, /* '9' ')' */
    [0xD] = C_JOIN,	      /* '-' */
    [0xE] = C_JOIN,	      /* '.' */
    [0xF] = C_WIDE | C_EF,    /* EF */
};
static const uint8_t class_hi[16] = {
    [0x2] = C_JOIN,
    [0x3] = C_DIGIT,
    [0xE] = C_WIDE | C_EF,
};

/* The classes of the 16 bytes at p, a byte each. */
__attribute__((target("ssse3"))) static __m128i classes_ssse3(const uint8_t *p)
{
	const __m128i lo = _mm_loadu_si128((const __m128i *)class_lo);
	const __m128i hi = _mm_loadu_si128((const __m128i *)class_hi);
	const __m128i nib = _mm_set1_epi8(0x0F);
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	return _mm_and_si128(
	    _mm_shuffle_epi8(lo, _mm_and_si128(v, nib)),
	    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nib)));
}

/* The class in bit 7 - shift of each byte, as a 64-bit mask of a block. */
__attribute__((target("ssse3"))) static uint64_t
class_mask_ssse3(const __m128i c[4], int shift)
{
	__m128i n = _mm_cvtsi32_si128(shift);
	uint64_t m = 0;
	for (unsigned k = 0; k < 4; k++)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(
			 _mm_sll_epi16(c[k], n))
		     << (16 * k);
	return m;
}

__attribute__((target("ssse3"))) static inline void
classify_ssse3(const uint8_t *p, block_masks *m)
{
	__m128i c[4];
	for (unsigned k = 0; k < 4; k++)
		c[k] = classes_ssse3(p + 16 * k);
	m->digit = class_mask_ssse3(c, 0);
	m->join = class_mask_ssse3(c, 1);
	m->wide = class_mask_ssse3(c, 2);
	uint64_t ef = class_mask_ssse3(c, 3);
	m->fw = ef ? fw_digits(p, ef) : 0;
}

/* The classes of the 32 bytes at p, a byte each. */
__attribute__((target("avx2"))) static __m256i classes_avx2(const uint8_t *p)
{
	const __m256i lo = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)class_lo));
	const __m256i hi = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)class_hi));
	const __m256i nib = _mm256_set1_epi8(0x0F);
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	return _mm256_and_si256(
	    _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
	    _mm256_shuffle_epi8(
		hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
}

/* The class in bit 7 - shift of each byte, as a 64-bit mask of a block. */
__attribute__((target("avx2"))) static uint64_t
class_mask_avx2(__m256i c0, __m256i c1, int shift)
{
	__m128i n = _mm_cvtsi32_si128(shift);
	uint32_t m0 = (uint32_t)_mm256_movemask_epi8(_mm256_sll_epi16(c0, n));
	uint32_t m1 = (uint32_t)_mm256_movemask_epi8(_mm256_sll_epi16(c1, n));
	return (uint64_t)m1 << 32 | m0;
}

__attribute__((target("avx2"))) static inline void
classify_avx2(const uint8_t *p, block_masks *m)
{
	__m256i c0 = classes_avx2(p), c1 = classes_avx2(p + 32);
	m->digit = class_mask_avx2(c0, c1, 0);
	m->join = class_mask_avx2(c0, c1, 1);
	m->wide = class_mask_avx2(c0, c1, 2);
	uint64_t ef = class_mask_avx2(c0, c1, 3);
	m->fw = ef ? fw_digits(p, ef) : 0;
}

/* The whole block in one vector, and each class straight into a mask
 * register: about a third of AVX2's instructions. Hyperscan already runs
 * AVX-512 code on such machines, so it costs no clock speed of its own.
 * A class goes to the byte's top bit (an add doubles each byte) and out
 * by VPMOVB2M, not by a test against a constant (VPTESTMB): on Zen 4 the
 * four tests were the dearest part of a block's masks (the masks and
 * events of the blocks, measured alone, take 18% less time). */
_Static_assert(C_DIGIT == 0x80 && C_JOIN == 0x40 && C_WIDE == 0x20 &&
		   C_EF == 0x10,
	       "classify_avx512 reads the classes as bits 7, 6, 5 and 4");
__attribute__((target("avx512f,avx512bw"))) static inline void
classify_avx512(const uint8_t *p, block_masks *m)
{
	const __m512i lo =
	    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)class_lo));
	const __m512i hi =
	    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)class_hi));
	const __m512i nib = _mm512_set1_epi8(0x0F);
	__m512i v = _mm512_loadu_si512((const void *)p);
	__m512i c = _mm512_and_si512(
	    _mm512_shuffle_epi8(lo, _mm512_and_si512(v, nib)),
	    _mm512_shuffle_epi8(
		hi, _mm512_and_si512(_mm512_srli_epi16(v, 4), nib)));
	__m512i c1 = _mm512_add_epi8(c, c), c2 = _mm512_add_epi8(c1, c1);
	m->digit = _mm512_movepi8_mask(c); /* C_DIGIT, bit 7 */
	m->join = _mm512_movepi8_mask(c1); /* C_JOIN, bit 6 */
	m->wide = _mm512_movepi8_mask(c2); /* C_WIDE, bit 5 */
	__mmask64 ef = _mm512_movepi8_mask(/* C_EF, bit 4 */
					   _mm512_add_epi8(c2, c2));
	/* full-width digits, EF BC 90..99, without a branch per EF byte
	 * (full-width brackets and colons are common in Japanese text) */
	__m512i v1 = _mm512_loadu_si512((const void *)(p + 1));
	__m512i v2 = _mm512_loadu_si512((const void *)(p + 2));
	__mmask64 bc =
	    _mm512_mask_cmpeq_epi8_mask(ef, v1, _mm512_set1_epi8((char)0xBC));
	m->fw = _mm512_mask_cmplt_epu8_mask(
	    bc, _mm512_sub_epi8(v2, _mm512_set1_epi8((char)0x90)),
	    _mm512_set1_epi8(10));
}
#endif

bool lg_digit_classes(const uint8_t *p, int isa, uint64_t masks[4])
{
	block_masks m;
	switch (isa) {
	case 0:
		classify_scalar(p, &m);
		break;
#if defined(__x86_64__) || defined(__i386__)
	case 1:
		if (!(lg_cpu() & LG_CPU_SSSE3))
			return false;
		classify_ssse3(p, &m);
		break;
	case 2:
		if (!(lg_cpu() & LG_CPU_AVX2))
			return false;
		classify_avx2(p, &m);
		break;
	case 3:
		if (!(lg_cpu() & LG_CPU_AVX512))
			return false;
		classify_avx512(p, &m);
		break;
#endif
	default:
		return false;
	}
	masks[0] = m.digit;
	masks[1] = m.join;
	masks[2] = m.wide;
	masks[3] = m.fw;
	return true;
}

/* The block pass comes in one copy per instruction set, the classifier
 * and the bit arithmetic inlined into each (the builtins below become
 * single instructions where the copy's target has them). */
enum {
	SCAN_SCALAR,
	SCAN_SSSE3,
	SCAN_AVX2,	/* and POPCNT */
	SCAN_AVX2_PEXT, /* and BMI2, where PEXT is fast */
	SCAN_AVX512,	/* BW, with BMI2 and POPCNT */
};

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The set bits of x: POPCNT where the copy has it, else a loop (most
 * runs have no link or a few). */
static ALWAYS_INLINE unsigned ones(uint64_t x, int isa)
{
	if (isa >= SCAN_AVX2)
		return (unsigned)__builtin_popcountll(x);
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* Where the run holding bit k (or ending just before it) starts. */
static ALWAYS_INLINE unsigned run_start(uint64_t run, unsigned k)
{
	uint64_t below = ~run & (((uint64_t)1 << k) - 1);
	/* without a branch (64 - clz, or 0 when none is below) */
	return 63u - (unsigned)__builtin_clzll(below | 1) + (below != 0);
}

/* Whether a space is among the joiners at the bits of links. */
static bool space_link(const uint8_t *w, size_t i, uint64_t links)
{
	for (; links; links &= links - 1)
		if (w[i + (unsigned)__builtin_ctzll(links)] == ' ')
			return true;
	return false;
}

/* Whether the run w[i+b..i+e), ASCII digits and the single ASCII joiners
 * at the bits of links, may fit a shape (offer_run): seven digits bare or
 * as 160-0021, ten to nineteen in the groups each type is written in, a
 * dot only in a My Number or after a T, a phone number's leading 0 (or
 * +81 before it), a bare card number's Luhn sum. A bracket may start an
 * aside (offer_before_bracket), from the third group on, before ten
 * digits or more; a bracket elsewhere fits a phone number of three groups
 * alone. A necessary condition only: a shape changed above must be
 * allowed here too. The grouping is judged before a joiner is read: most
 * long runs are dates and times (2025-11-23, 20251027), order numbers of
 * eight or nine digits or in two groups (20251027-645590), addresses. */
static ALWAYS_INLINE bool plain_run_may_fit(const uint8_t *w, size_t i,
					    unsigned b, unsigned e,
					    uint64_t links, int isa)
{
	unsigned ngroups = 1 + ones(links, isa);
	unsigned digits = e - b - (ngroups - 1);
	const uint8_t *p = w + i + b;
	if (!digits_may_fit(digits))
		return false;
	if (digits >= 17 && ngroups >= 2 && space_link(w, i, links))
		return true; /* two numbers a space apart (offer_space_parts) */
#define PLUS (i + b > 0 && p[-1] == '+') /* +81 before: read where needed */
	if (ngroups == 1) {
		switch (digits) {
		case 7:	 /* a postal code */
		case 12: /* My Number, or a phone number after +81 */
		case 13: /* a corporate number or a card */
			return true;
		case 10: /* a phone number; +81 takes 11 or 12 */
			return p[0] == '0';
		case 11:
			return p[0] == '0' || PLUS;
		default: /* a card, whose check digit comes first */
			return digits <= 19 && luhn_digits(p, digits);
		}
	}
	/* two groups: 160-0021, or a My Number as 4-8 or 8-4 (no bracket
	 * counts: an aside starts after the third group) */
	if (ngroups == 2)
		return digits == 12 || (digits == 7 && p[3] == '-');
	/* three groups or more: seven digits are no postal code, ten fit a
	 * phone number of three groups alone, and an aside takes ten before
	 * its bracket and one in it */
	if (digits == 7 || (digits == 10 && ngroups > 3))
		return false;
	if ((digits == 12 && ngroups == 3) || (digits == 13 && ngroups == 4))
		return true;
	bool dot = false;
	for (; links; links &= links - 1) {
		uint8_t c = w[i + (unsigned)__builtin_ctzll(links)];
		if (c == '(' || c == ')')
			return true;
		dot |= c == '.';
	}
	/* a dot joins a My Number's groups (12 digits in 3, above) or a T's */
	if (dot)
		return false;
	switch (digits) {
	case 10: /* three groups */
		return p[0] == '0';
	case 11:
		return ngroups <= 4 && (p[0] == '0' || PLUS);
	case 12: /* a phone number after +81 */
		return ngroups == 4 && PLUS;
	case 13:
		return ngroups == 3;
	default: /* cards */
		return digits <= 19 && ngroups <= 4;
	}
#undef PLUS
}

/* Whether the run ending at w[at] goes on there, as parse_run would read
 * it: a run the block masks call unsure (a multi-byte character or a
 * bracket after it) mostly ends all the same, before 円, です or （税. */
static bool run_goes_on(const lg_detect_stream *s, size_t at)
{
	char kind;
	return next_group(s->win + at, s->win + s->len, &kind) != NULL;
}

/* The bytes of the block after which a digit (ASCII or full-width)
 * starts within six bytes, or whose six bytes pass the block's end: a
 * run goes on (next_group) only to a digit after a joiner, or a bracket
 * and a joiner, of three bytes at most each. Most runs the masks are
 * unsure of end before kana (3つ, 5件です, 2025年), a bracket ((税込)) or
 * a space and a word; without a digit near, such a run is judged as it
 * stands, and a short one, which the long runs' events leave out, needs
 * no event at all. */
static ALWAYS_INLINE uint64_t digits_near(const block_masks *m)
{
	uint64_t dn = m->digit | m->fw;
	uint64_t n2 = dn >> 1 | dn >> 2;
	return n2 | n2 >> 2 | n2 >> 4 | ~(uint64_t)0 << (BLOCK - 6);
}

/* The run w[i+b..i+e) of ASCII digits and the ASCII joiners at the bits
 * of links, as parse_run reads it, without reading its digits again: the
 * block has found it plain (it ends at i+e), its groups are the digits
 * between the links. */
static void plain_run(const uint8_t *w, size_t i, unsigned b, unsigned e,
		      uint64_t links, num_run *r)
{
	/* no memset of the whole run: what is read of group[], sep[] and
	 * sep_at[] is below ngroups, and set here */
	r->from = r->pre = (uint32_t)(i + b);
	r->to = (uint32_t)(i + e);
	r->prefix = 0;
	r->ngroups = 0;
	r->digits = 0;
	for (unsigned at = b;; links &= links - 1) {
		unsigned next = links ? (unsigned)__builtin_ctzll(links) : e;
		if (r->ngroups < RUN_MAX_GROUPS)
			r->group[r->ngroups] = (uint8_t)(next - at);
		r->ngroups++;
		r->digits += next - at;
		if (!links)
			break;
		if (r->ngroups <= RUN_MAX_GROUPS) {
			r->sep[r->ngroups - 1] = (char)w[i + next];
			r->sep_at[r->ngroups - 1] = (uint32_t)(i + next);
		}
		at = next + 1;
	}
}

/* Seven ASCII digits and nothing else, which no postal label or column
 * can make a postal code (lg_bare_postal_moot): most seven-digit numbers
 * are ids (user_id=5384465), and these could only be dropped. */
static bool moot_bare_postal(lg_detect_stream *s, const num_run *r)
{
	return r->digits == 7 && r->ngroups == 1 && !r->prefix &&
	       r->to - r->from == 7 && lg_bare_postal_moot(s, r->from, r->to);
}

static void offer_in_share(lg_detect_stream *s, num_run *r, const lg_share *sh);

/* Where group k of r starts: past the joiner after group k - 1. */
static uint32_t group_start(const uint8_t *w, const num_run *r, unsigned k)
{
	uint32_t p = r->sep_at[k - 1];
	while (p < r->to && !digit_len(w + p, w + r->to))
		p++;
	return p;
}

/* Two numbers a space apart are one run that fits nothing (03-1234-5678
 * 090-1111-2222, as a cell or a label holding two phones writes them):
 * its parts between spaces are offered, each as a run of its own. A run
 * that short (a timestamp's 2025-11-03 10) holds no two numbers. */
static void offer_space_parts(lg_detect_stream *s, const num_run *r,
			      const lg_share *sh)
{
	if (r->digits < 17 || r->ngroups > RUN_MAX_GROUPS)
		return;
	unsigned first = 0;
	for (unsigned k = 0; k < r->ngroups; k++) {
		bool last = k + 1 == r->ngroups;
		if (!last && r->sep[k] != ' ')
			continue;
		if (first == 0 && last)
			return; /* no space in it */
		num_run t = *r;
		t.ngroups = k - first + 1;
		t.digits = 0;
		for (unsigned g = 0; g < t.ngroups; g++) {
			t.group[g] = r->group[first + g];
			t.sep[g] = r->sep[first + g];
			t.sep_at[g] = r->sep_at[first + g];
			t.digits += t.group[g];
		}
		t.from = t.pre =
		    first ? group_start(s->win, r, first) : r->from;
		t.prefix = 0;
		t.to = last ? r->to : r->sep_at[k];
		offer_in_share(s, &t, sh);
		first = k + 1;
	}
}

/* Offers a run when it ends in the window's share, as its own or as
 * context (lg_share). */
static void offer_in_share(lg_detect_stream *s, num_run *r, const lg_share *sh)
{
	if (digits_may_fit(r->digits) && r->to > sh->ctx_lo &&
	    r->to <= sh->ctx_hi) {
		char d[RUN_MAX_BYTES + 1];
		/* seven digits, the commonest offer (ids, user_id=5384465),
		 * are a postal code's count alone: nothing to check */
		unsigned fits =
		    r->digits == 7 ? ((s->det->types >> LG_JP_POSTAL_CODE) & 1u)
					 << SH_POSTAL
				   : digits_fit(s, r, d);
		if (!fits && !aside_at(r)) {
			offer_space_parts(s, r, sh);
			return; /* no check digits fit: no prefix to look for */
		}
		bool own = r->to > sh->own_lo && r->to <= sh->own_hi;
		run_prefix(s->win, r);
		if (moot_bare_postal(s, r))
			return;
		offer_run(s, r, own, fits);
		offer_before_bracket(s, r, own);
	}
}

/* Offers the seven ASCII digits at w[from] alone (a plain run of one
 * group), as offer_in_share would: the commonest offer, ids such as
 * user_id=5384465, a postal code's count with no check digit, whose
 * labels (moot_bare_postal) are looked for before the run is built. */
static void offer_seven(lg_detect_stream *s, uint32_t from, const lg_share *sh)
{
	uint32_t to = from + 7;
	if (to <= sh->ctx_lo || to > sh->ctx_hi ||
	    !((s->det->types >> LG_JP_POSTAL_CODE) & 1u))
		return;
	bool prefixed = prefix_may_end(s->win, from);
	if (!prefixed && lg_bare_postal_moot(s, from, to))
		return;
	num_run r;
	plain_run(s->win, from, 0, 7, 0, &r);
	if (prefixed) {
		run_prefix(s->win, &r);
		if (moot_bare_postal(s, &r))
			return; /* no prefix after all, nor a label */
	}
	offer_run(s, &r, to > sh->own_lo && to <= sh->own_hi, 1u << SH_POSTAL);
}

/* Offers the plain run w[i+b..i+e) (plain_run) when it ends in the
 * share. */
static void offer_plain(lg_detect_stream *s, size_t i, unsigned b, unsigned e,
			uint64_t links, const lg_share *sh)
{
	if (!links && e - b == 7) {
		offer_seven(s, (uint32_t)(i + b), sh);
		return;
	}
	num_run r;
	plain_run(s->win, i, b, e, links, &r);
	offer_in_share(s, &r, sh);
}

/* Parses the run at w[i] and offers it when it ends in the share; returns
 * its end. */
static size_t take_run(lg_detect_stream *s, size_t i, const lg_share *sh)
{
	num_run r;
	uint32_t end = parse_run(s->win, s->len, (uint32_t)i, &r);
	offer_in_share(s, &r, sh);
	return end;
}

/* The masks of the block at p (reading p[0..BLOCK_IN)) by the copy's
 * classifier. */
static ALWAYS_INLINE void classify_isa(const uint8_t *p, block_masks *m,
				       int isa)
{
	switch (isa) {
#if defined(__x86_64__) || defined(__i386__)
	case SCAN_SSSE3:
		classify_ssse3(p, m);
		return;
	case SCAN_AVX2:
	case SCAN_AVX2_PEXT:
		classify_avx2(p, m);
		return;
	case SCAN_AVX512:
		classify_avx512(p, m);
		return;
#endif
	default:
		classify_scalar(p, m);
		return;
	}
}

#if defined(__x86_64__) /* _pext_u64 and _pdep_u64 are 64-bit only */
/* The first digits of the runs (digits d, run bytes run) whose digit
 * count may fit a type, seven or ten and more (digits_may_fit), all runs
 * of the block at once: the dates, times, addresses and eight- or
 * nine-digit order numbers that make most long runs never become events.
 * The starts are gathered to the digits alone (PEXT), where the digit
 * count of a run is the distance from its start to the next one (or to
 * the block's digit count, the last run's end); a start is kept when no
 * other start lies 1..6 digits above it and one lies exactly 7 above, or
 * none lies 1..9 above; then the kept starts go back in place (PDEP). A
 * run at the block's top is cut there, but those runs are past the
 * block's stop. d holds fewer than 64 digits. */
__attribute__((target("bmi2,popcnt"))) static inline uint64_t
fitting_runs(uint64_t run, uint64_t d)
{
	uint64_t start = _pext_u64(run & ~(run << 1), d);
	uint64_t b = start | (uint64_t)1 << __builtin_popcountll(d);
	uint64_t x1 = b >> 1, x2 = x1 | x1 >> 1, x4 = x2 | x2 >> 2;
	uint64_t near7 = x4 | x2 >> 4;		  /* a start 1..6 above */
	uint64_t near8 = x4 | x4 >> 3;		  /* 1..7 */
	uint64_t near10 = x4 | x4 >> 4 | x1 >> 8; /* 1..9 */
	return _pdep_u64(start & ((~near7 & near8) | ~near10), d);
}
#endif

/* Takes the runs of the block at w[i] worth parsing; returns where the
 * next block starts. That block's first byte is never a link: the byte
 * before it is no digit, or ends a run parse_run has read. */
static ALWAYS_INLINE size_t scan_block(lg_detect_stream *s, size_t i,
				       const block_masks *mp, block_masks *next,
				       size_t *ahead, const lg_share *sh,
				       int isa)
{
	block_masks m = *mp;
	uint64_t d = m.digit;
	uint64_t run = d | (m.join & (d << 1) & (d >> 1));
	/* a run reaching byte LATE is left to the next block, which starts
	 * with it; the block's events stop where it starts. Half the blocks
	 * of a table or a log have one: no branch on it. gaps: the bytes
	 * outside runs below that run (all of them below its first bit,
	 * which is 61 or more); without one, all and bit 63 besides */
	uint64_t late = run & (~(uint64_t)0 << LATE);
	uint64_t gaps =
	    (late - 1) & ~late & (~run | (uint64_t)1 << (BLOCK - 1));
	*ahead = SIZE_MAX;
	if (!gaps) /* a run as long as the block */
		return take_run(s, i, sh);
	unsigned stop = 64u - (unsigned)__builtin_clzll(gaps);
	uint64_t before_stop = ~(uint64_t)0 >> __builtin_clzll(gaps);
	/* the next block's masks, before this block's events: its address
	 * is known now (unless an event parses a run past it, which is
	 * rare), and they are ready when the events are done, however
	 * their branches went */
	if (i + stop + BLOCK_IN <= s->len) {
		classify_isa(s->win + i + stop, next, isa);
		*ahead = i + stop;
	}
	/* the runs that may have seven digits or more: their first bytes */
	uint64_t long_runs;
#if defined(__x86_64__)
	if (isa >= SCAN_AVX2_PEXT) {
		long_runs = fitting_runs(run, d);
	} else
#endif
	{ /* seven run bytes in a row (a carry through a run from any of
	   * them sets the bit after it all the same) */
		uint64_t r2 = run & (run >> 1), r4 = r2 & (r2 >> 2);
		long_runs = r4 & (r4 >> 3);
	}
	/* the byte after a run, and the ends parse_run may read on from: a
	 * full-width digit or a look-alike joiner, one after an ASCII joiner
	 * (")ー", "-３"), or a digit after two joiners (")-3") */
	uint64_t after = ~run & (run << 1);
	uint64_t unsure = after &
			  (m.wide | (m.join & (m.wide >> 1)) |
			   (m.join & (m.join >> 1) & ((d | m.wide) >> 2))) &
			  digits_near(&m);
	/* events: the byte after each long or unsure run (a carry through a
	 * run from its first byte sets the bit after it), full-width digits */
	uint64_t ev = ((run + long_runs) & ~run) | unsure | m.fw;
	ev &= before_stop;
	while (ev) {
		unsigned k = (unsigned)__builtin_ctzll(ev);
		size_t from = i + k;
		if (!((m.fw >> k) & 1u)) {
			unsigned b = run_start(run, k);
			uint64_t links = run & ~d & ~(~(uint64_t)0 << k) &
					 (~(uint64_t)0 << b);
			bool goes_on =
			    ((unsure >> k) & 1u) && run_goes_on(s, i + k);
			if (!goes_on) { /* ends at k: no need to parse it */
				if (plain_run_may_fit(s->win, i, b, k, links,
						      isa))
					offer_plain(s, i, b, k, links, sh);
				ev &= ev - 1;
				continue;
			}
			from = i + b;
		}
		size_t end = take_run(s, from, sh);
		if (end - i >= stop || end - i >= BLOCK - 1)
			return end;
		ev &= ~(uint64_t)0 << (end - i + 1);
	}
	return i + stop;
}

/* The whole blocks of the window from i; returns where they end. */
static ALWAYS_INLINE size_t scan_blocks(lg_detect_stream *s, size_t i,
					const lg_share *sh, int isa)
{
	block_masks m[2];
	unsigned cur = 0;
	if (i + BLOCK_IN <= s->len)
		classify_isa(s->win + i, &m[0], isa);
	while (i + BLOCK_IN <= s->len) {
		size_t ahead;
		size_t next =
		    scan_block(s, i, &m[cur], &m[cur ^ 1], &ahead, sh, isa);
		cur ^= 1;
		/* a parse moved the next block: its masks again */
		if (next != ahead && next + BLOCK_IN <= s->len)
			classify_isa(s->win + next, &m[cur], isa);
		i = next;
	}
	return i;
}

static size_t scan_scalar(lg_detect_stream *s, const lg_share *sh)
{
	return scan_blocks(s, 0, sh, SCAN_SCALAR);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("ssse3"))) static size_t scan_ssse3(lg_detect_stream *s,
							  const lg_share *sh)
{
	return scan_blocks(s, 0, sh, SCAN_SSSE3);
}

__attribute__((target("avx2,popcnt"))) static size_t
scan_avx2(lg_detect_stream *s, const lg_share *sh)
{
	return scan_blocks(s, 0, sh, SCAN_AVX2);
}

__attribute__((target("avx2,bmi,bmi2,popcnt"))) static size_t
scan_avx2_pext(lg_detect_stream *s, const lg_share *sh)
{
	return scan_blocks(s, 0, sh, SCAN_AVX2_PEXT);
}

__attribute__((target("avx512f,avx512bw,bmi,bmi2,popcnt"))) static size_t
scan_avx512(lg_detect_stream *s, const lg_share *sh)
{
	return scan_blocks(s, 0, sh, SCAN_AVX512);
}
#endif

/* The copy with the widest vectors the machine has. PEXT and PDEP are
 * slow microcode on some CPUs (LG_CPU_FAST_PDEP): there the AVX2 copy
 * goes without. */
static int pick_scan(void)
{
	unsigned f = lg_cpu();
	if (f & LG_CPU_AVX512)
		return SCAN_AVX512;
	if (f & LG_CPU_AVX2)
		return (f & LG_CPU_BMI2) && (f & LG_CPU_FAST_PDEP)
			   ? SCAN_AVX2_PEXT
			   : SCAN_AVX2;
	if (f & LG_CPU_SSSE3)
		return SCAN_SSSE3;
	return SCAN_SCALAR;
}

/* Next position at or after i where a number worth parsing starts, for
 * the last bytes of a window, fewer than a block: a full-width digit, or
 * ASCII digits that are not a short lone number; len when there is none. */
static size_t next_number(const uint8_t *w, size_t i, size_t len)
{
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

void lg_number_runs(lg_detect_stream *s, const lg_share *sh)
{
	if (!(s->det->types & RUN_TYPES))
		return;
	size_t len = s->len, i;
	switch (pick_scan()) {
#if defined(__x86_64__) || defined(__i386__)
	case SCAN_SSSE3:
		i = scan_ssse3(s, sh);
		break;
	case SCAN_AVX2:
		i = scan_avx2(s, sh);
		break;
	case SCAN_AVX2_PEXT:
		i = scan_avx2_pext(s, sh);
		break;
	case SCAN_AVX512:
		i = scan_avx512(s, sh);
		break;
#endif
	default:
		i = scan_scalar(s, sh);
		break;
	}
	while ((i = next_number(s->win, i, len)) < len)
		i = take_run(s, i, sh);
}
