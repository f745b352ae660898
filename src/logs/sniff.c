/* sniff.c: guesses a log's format from its first lines by running every
 * parser over them: the one that reads the most wins, provided it reads
 * at least half. */
#include <string.h>

#include "logs/logs_int.h"
#include "util/util.h"

/* In order of preference when two read as many lines: combined before
 * common (a common parser refuses combined lines anyway), the nginx
 * format is never guessed (it needs the format string). */
static const lg_log_format candidates[] = {
    LG_LOG_COMBINED,   LG_LOG_COMMON, LG_LOG_LTSV, LG_LOG_JSON,
    LG_LOG_CLOUDFRONT, LG_LOG_ALB,    LG_LOG_S3,   LG_LOG_POSTFIX,
};

static bool w3c_header(const char *s, size_t n)
{
	return (n >= 9 && !lg_ascii_ncasecmp(s, "#Version:", 9)) ||
	       (n >= 8 && !lg_ascii_ncasecmp(s, "#Fields:", 8));
}

/* Lines the parser recognised as its own, events or its own skips. */
static size_t lines_read(lg_log_format fmt, const char *const *lines,
			 const size_t *lens, size_t n)
{
	char err[200];
	lg_log_parser *p = lg_log_parser_new(fmt, NULL, err, sizeof(err));
	if (!p)
		return 0;
	lg_log_event ev;
	size_t ok = 0;
	for (size_t i = 0; i < n; i++) {
		lg_parse_result r = lg_log_parse(p, lines[i], lens[i], &ev);
		if (r != LG_PARSE_BAD && p->recognized)
			ok++;
	}
	lg_log_parser_free(p);
	return ok;
}

static bool blank(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 0;
}

lg_log_format lg_log_sniff(const char *const *lines, const size_t *lens,
			   size_t n)
{
	size_t nonblank = 0;
	for (size_t i = 0; i < n; i++) {
		if (w3c_header(lines[i], lens[i]))
			return LG_LOG_CLOUDFRONT;
		nonblank += !blank(lines[i], lens[i]);
	}
	if (!nonblank)
		return LG_LOG_AUTO;
	lg_log_format best = LG_LOG_AUTO;
	size_t best_n = 0;
	for (size_t c = 0; c < sizeof(candidates) / sizeof(*candidates); c++) {
		size_t k = lines_read(candidates[c], lines, lens, n);
		if (k > best_n) {
			best = candidates[c];
			best_n = k;
		}
	}
	return best_n * 2 >= nonblank ? best : LG_LOG_AUTO;
}
