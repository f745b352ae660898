/* dates.c: Western and Japanese-era (和暦) calendar dates, validated against
 * the real calendar and each era's first and last day. */
#include <string.h>

#include "detect_int.h"
#include "leakguard/detect.h"
#include "util/util.h"

typedef struct {
	char kanji[7];	/* 昭和 */
	char square[4]; /* ㍼, the one-character form */
	char letter;	/* S */
	int first_y, first_m, first_d;
	int last_y, last_m, last_d;
} era;

/* Era boundaries: 明治 is counted from 1868-01-01 as the calendar reform
 * made retroactive; the others from the accession dates. */
static const era eras[] = {
    {"明治", "㍾", 'M', 1868, 1, 1, 1912, 7, 29},
    {"大正", "㍽", 'T', 1912, 7, 30, 1926, 12, 24},
    {"昭和", "㍼", 'S', 1926, 12, 25, 1989, 1, 7},
    {"平成", "㍻", 'H', 1989, 1, 8, 2019, 4, 30},
    {"令和", "㋿", 'R', 2019, 5, 1, 2099, 12, 31},
};

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static long ymd_key(int y, int m, int d)
{
	return (long)y * 10000 + m * 100 + d;
}

typedef struct {
	const char *p, *end;
} cursor;

static void skip_spaces(cursor *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static bool take_n(cursor *c, const char *lit, size_t n)
{
	if ((size_t)(c->end - c->p) >= n && !memcmp(c->p, lit, n)) {
		c->p += n;
		return true;
	}
	return false;
}

/* take_n of a string literal or char array, its length known when
 * compiled. */
#define take(c, lit) take_n(c, lit, sizeof(lit) - 1)

/* Reads 1..maxd digits; returns -1 when there are none. */
static int take_number(cursor *c, int maxd)
{
	int v = 0, k = 0;
	while (c->p < c->end && k < maxd && *c->p >= '0' && *c->p <= '9') {
		v = v * 10 + (*c->p++ - '0');
		k++;
	}
	return k ? v : -1;
}

/* A date separator: 年/月 (Japanese, three bytes), or one of - / .
 * (folded text). */
static bool take_sep(cursor *c, const char *kanji)
{
	skip_spaces(c);
	bool ok = take_n(c, kanji, 3);
	if (!ok && c->p < c->end &&
	    (*c->p == '-' || *c->p == '/' || *c->p == '.')) {
		c->p++;
		ok = true;
	}
	skip_spaces(c);
	return ok;
}

static const era *take_era(cursor *c)
{
	for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		if (take(c, eras[i].kanji) || take(c, eras[i].square))
			return &eras[i];
		if (c->p < c->end &&
		    (*c->p == eras[i].letter || *c->p == eras[i].letter + 32)) {
			c->p++;
			return &eras[i];
		}
	}
	return NULL;
}

/* month, separator, day, optional 日 */
static bool take_month_day(cursor *c, int *m, int *d)
{
	*m = take_number(c, 2);
	if (*m < 1 || *m > 12 || !take_sep(c, "月"))
		return false;
	*d = take_number(c, 2);
	if (*d < 1)
		return false;
	take(c, "日");
	return true;
}

static bool parse_era_date(cursor *c, int *y, int *m, int *d)
{
	const era *e = take_era(c);
	if (!e)
		return false;
	skip_spaces(c);
	int n = take(c, "元") ? 1 : take_number(c, 2);
	if (n < 1 || !take_sep(c, "年") || !take_month_day(c, m, d))
		return false;
	*y = e->first_y + n - 1;
	if (*d > days_in_month(*y, *m))
		return false;
	long k = ymd_key(*y, *m, *d);
	return k >= ymd_key(e->first_y, e->first_m, e->first_d) &&
	       k <= ymd_key(e->last_y, e->last_m, e->last_d);
}

static bool parse_western_date(cursor *c, int *y, int *m, int *d)
{
	const char *start = c->p;
	*y = take_number(c, 4);
	if (c->p - start != 4 || *y < 1868 || *y > 2099)
		return false;
	if (!take_sep(c, "年") || !take_month_day(c, m, d))
		return false;
	return *d <= days_in_month(*y, *m);
}

/* An English month name or its abbreviation (with an optional dot);
 * returns 1..12, or 0. */
static int take_month_name(cursor *c)
{
	static const char *const names[] = {"january", "february", "march",
					    "april",   "may",	   "june",
					    "july",    "august",   "september",
					    "october", "november", "december"};
	size_t avail = (size_t)(c->end - c->p);
	if (avail < 3)
		return 0;
	/* the first three letters, lower case as strncasecmp compares
	 * them: most words are no month */
	char a = (char)(c->p[0] | 0x20), b = (char)(c->p[1] | 0x20),
	     d = (char)(c->p[2] | 0x20);
	for (int m = 0; m < 12; m++) {
		if (names[m][0] != a || names[m][1] != b || names[m][2] != d)
			continue;
		size_t full = strlen(names[m]);
		size_t k =
		    avail >= full && !lg_ascii_ncasecmp(c->p, names[m], full)
			? full
			: 3;
		if (avail < k || lg_ascii_ncasecmp(c->p, names[m], k) != 0)
			continue;
		if (k == 3 && m == 8 && avail >= 4 && (c->p[3] | 0x20) == 't')
			k = 4; /* Sept */
		c->p += k;
		take(c, ".");
		return m + 1;
	}
	return 0;
}

static int take_year4(cursor *c)
{
	const char *start = c->p;
	int y = take_number(c, 4);
	return c->p - start == 4 ? y : -1;
}

/* 29 Oct 1974, October 29, 1974, Oct. 29th, 1974 */
static bool parse_english_date(cursor *c, int *y, int *m, int *d)
{
	bool day_first = *c->p >= '0' && *c->p <= '9';
	if (day_first) {
		*d = take_number(c, 2);
		skip_spaces(c);
		*m = take_month_name(c);
	} else {
		*m = take_month_name(c);
		skip_spaces(c);
		*d = take_number(c, 2);
		if (!take(c, "st") && !take(c, "nd") && !take(c, "rd"))
			take(c, "th");
	}
	take(c, ",");
	skip_spaces(c);
	*y = take_year4(c);
	return *m > 0 && *d >= 1 && *y >= 1868 && *y <= 2099 &&
	       *d <= days_in_month(*y, *m);
}

/* Whether a date can begin at s: a digit, the initial of a month name or
 * an era (j f m a s o n d; m t s h r), or the first two bytes of an era's
 * kanji or sign (明昭 E6 98, 大 E5 A4, 平 E5 B9, 令 E4 BB, ㍻-㍾ E3 8D,
 * ㋿ E3 8B). The label windows the birth-date validator reads try a date
 * at most characters: this turns most away before the parsers. */
static bool date_may_begin(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	if (c >= '0' && c <= '9')
		return true;
	if ((unsigned)((c | 0x20) - 'a') < 26u)
		return strchr("jfmasondthr", c | 0x20) != NULL;
	if (c < 0x80 || n < 2)
		return false;
	unsigned char c1 = (unsigned char)s[1];
	switch (c) {
	case 0xE6:
		return c1 == 0x98;
	case 0xE5:
		return c1 == 0xA4 || c1 == 0xB9;
	case 0xE4:
		return c1 == 0xBB;
	case 0xE3:
		return c1 == 0x8D || c1 == 0x8B;
	default:
		return false;
	}
}

void lg_put_year_month(char out[8], unsigned y, unsigned m)
{
	y %= 10000u;
	m %= 100u;
	const char t[8] = {(char)('0' + y / 1000),
			   (char)('0' + y / 100 % 10),
			   (char)('0' + y / 10 % 10),
			   (char)('0' + y % 10),
			   '-',
			   (char)('0' + m / 10),
			   (char)('0' + m % 10),
			   '\0'};
	memcpy(out, t, sizeof(t));
}

/* YYYY-MM-DD, as snprintf's "%04u-%02u-%02u" of y % 10000, m % 100 and
 * d % 100 writes it. */
static void put_iso(char iso[11], unsigned y, unsigned m, unsigned d)
{
	lg_put_year_month(iso, y, m);
	d %= 100u;
	iso[7] = '-';
	iso[8] = (char)('0' + d / 10);
	iso[9] = (char)('0' + d % 10);
	iso[10] = '\0';
}

size_t lg_parse_date_prefix(const char *s, size_t n, char iso[11])
{
	cursor c = {s, s + n};
	int y, m, d;
	if (n == 0 || !date_may_begin(s, n))
		return 0;
	cursor en = c;
	bool ok = false;
	/* a month name comes first, or after the day and a space */
	bool english = ((*c.p | 0x20) >= 'a' && (*c.p | 0x20) <= 'z') ||
		       (n >= 3 && (c.p[1] == ' ' || c.p[2] == ' '));
	if (english && parse_english_date(&en, &y, &m, &d)) {
		c = en;
		ok = true;
	} else {
		ok = (*c.p >= '0' && *c.p <= '9')
			 ? parse_western_date(&c, &y, &m, &d)
			 : parse_era_date(&c, &y, &m, &d);
	}
	if (!ok)
		return 0;
	put_iso(iso, (unsigned)y, (unsigned)m, (unsigned)d);
	return (size_t)(c.p - s);
}

bool lg_parse_compact_date(const char *s, size_t n, char iso[11])
{
	if (n != 8 || strspn(s, "0123456789") < 8)
		return false;
	int v[3] = {0, 0, 0}, w[3] = {4, 2, 2};
	for (int k = 0, i = 0; k < 3; k++)
		for (int j = 0; j < w[k]; j++)
			v[k] = v[k] * 10 + (s[i++] - '0');
	if (v[0] < 1900 || v[0] > 2099 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > days_in_month(v[0], v[1]))
		return false;
	put_iso(iso, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2]);
	return true;
}

bool lg_parse_date(const char *s, size_t n, char iso[11])
{
	size_t lead = 0;
	while (lead < n && s[lead] == ' ')
		lead++;
	return lg_parse_date_prefix(s + lead, n - lead, iso) > 0;
}
