/* parse_time.c: the times logs write (CLF, ISO 8601, epoch seconds or
 * milliseconds) read into UTC microseconds and the line's own offset,
 * without strptime or timegm (locale- and TZ-dependent, and slow). */
#include <string.h>

#include "logs/logs_int.h"

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
int64_t lg_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int lg_month_abbr(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++) {
		if (s[0] == months[3 * i] && s[1] == months[3 * i + 1] &&
		    s[2] == months[3 * i + 2])
			return i + 1;
	}
	return 0;
}

bool lg_parse_uint(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* k digits at s as a number, or -1. */
static int digits(const char *s, int k)
{
	int v = 0;
	for (int i = 0; i < k; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		v = v * 10 + (int)d;
	}
	return v;
}

static bool civil_ok(int y, int mo, int d, int h, int mi, int s)
{
	return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 &&
	       s <= 60;
}

static int64_t civil_us(int y, int mo, int d, int h, int mi, int s)
{
	int64_t days = lg_days_from_civil(y, (unsigned)mo, (unsigned)d);
	return ((days * 86400) + h * 3600 + mi * 60 + s) * 1000000;
}

bool lg_time_clf(const char *s, size_t n, int64_t *us, int *tz_min)
{
	/* 10/Oct/2000:13:55:36 -0700: fixed width, as Apache and nginx
	 * write %t and $time_local */
	if (n != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' ||
	    s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-'))
		return false;
	int d = digits(s, 2), mo = lg_month_abbr(s + 3), y = digits(s + 7, 4);
	int h = digits(s + 12, 2), mi = digits(s + 15, 2),
	    sec = digits(s + 18, 2);
	int oh = digits(s + 22, 2), om = digits(s + 24, 2);
	if (!civil_ok(y, mo, d, h, mi, sec) || oh < 0 || oh > 23 || om < 0 ||
	    om > 59)
		return false;
	int off = (oh * 60 + om) * (s[21] == '-' ? -1 : 1);
	*us = civil_us(y, mo, d, h, mi, sec) - (int64_t)off * 60000000;
	*tz_min = off;
	return true;
}

/* ".123456" after the seconds: up to 9 digits, kept to microseconds. */
static size_t iso_fraction(const char *s, size_t n, int64_t *frac_us)
{
	size_t i = 1;
	int64_t v = 0, scale = 1000000;
	while (i < n && (unsigned)(s[i] - '0') <= 9) {
		if (scale > 1) {
			scale /= 10;
			v += (s[i] - '0') * scale;
		}
		i++;
	}
	*frac_us = v;
	return i;
}

/* "Z", "+09:00", "+0900", "+09"; -1 on anything else. */
static int iso_offset(const char *s, size_t n, bool *ok)
{
	*ok = false;
	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*ok = true;
		return 0;
	}
	if (n < 3 || (s[0] != '+' && s[0] != '-'))
		return 0;
	int h = digits(s + 1, 2), m = 0;
	if (n == 6 && s[3] == ':')
		m = digits(s + 4, 2);
	else if (n == 5)
		m = digits(s + 3, 2);
	else if (n != 3)
		return 0;
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return 0;
	*ok = true;
	return (h * 60 + m) * (s[0] == '-' ? -1 : 1);
}

bool lg_time_iso8601(const char *s, size_t n, int local_tz_min, int64_t *us,
		     int *tz_min)
{
	if (n < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return false;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2),
	    sec = digits(s + 17, 2);
	if (!civil_ok(y, mo, d, h, mi, sec))
		return false;
	size_t i = 19;
	int64_t frac = 0;
	if (i < n && (s[i] == '.' || s[i] == ','))
		i += iso_fraction(s + i, n - i, &frac);
	int off = local_tz_min;
	if (i < n) {
		bool ok;
		off = iso_offset(s + i, n - i, &ok);
		if (!ok)
			return false;
	}
	*us = civil_us(y, mo, d, h, mi, sec) + frac - (int64_t)off * 60000000;
	*tz_min = off;
	return true;
}

bool lg_time_epoch(const char *s, size_t n, int64_t *us)
{
	const char *dot = memchr(s, '.', n);
	size_t ilen = dot ? (size_t)(dot - s) : n;
	uint64_t whole;
	if (!lg_parse_uint(s, ilen, &whole))
		return false;
	int64_t frac = 0;
	if (dot && iso_fraction(dot, n - ilen, &frac) != n - ilen)
		return false;
	/* seconds until year 5138, then milliseconds, then microseconds */
	if (whole < 100000000000ULL)
		*us = (int64_t)whole * 1000000 + frac;
	else if (whole < 100000000000000ULL)
		*us = (int64_t)whole * 1000 + frac / 1000;
	else if (whole < 100000000000000000ULL)
		*us = (int64_t)whole;
	else
		return false;
	return true;
}

bool lg_parser_time_clf(lg_log_parser *p, const char *s, int64_t *us,
			int *tz_min)
{
	if (p->clf_ok && !memcmp(s, p->clf_text, sizeof(p->clf_text))) {
		*us = p->clf_us;
		*tz_min = p->clf_tz_min;
		return true;
	}
	if (!lg_time_clf(s, sizeof(p->clf_text), us, tz_min))
		return false;
	memcpy(p->clf_text, s, sizeof(p->clf_text));
	p->clf_us = *us;
	p->clf_tz_min = *tz_min;
	p->clf_ok = true;
	return true;
}

bool lg_time_any(const char *s, size_t n, int local_tz_min, int64_t *us,
		 int *tz_min)
{
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (lg_time_clf(s, n, us, tz_min) ||
	    lg_time_iso8601(s, n, local_tz_min, us, tz_min))
		return true;
	*tz_min = 0;
	return lg_time_epoch(s, n, us);
}
