/* mixed.c: text whose lines are not all in its encoding. A UTF-8 file
 * with lines in CP932 or EUC-JP (a log an older program appends to, two
 * exports joined), a CP932 or Latin-1 file with lines in UTF-8 (a list
 * edited on two machines, a changelog): each line is read in the
 * encoding it is well-formed in, the text's own unless it is not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/text.h"
#include "text_int.h"
#include "util/util.h"

/* A line is decided on its first 64 KiB; the rest goes the same way. */
#define LINE_HOLD (64u << 10)

typedef enum { LINE_OPEN, LINE_OWN, LINE_OTHER } line_mode;

struct lg_mixed {
	lg_decoder *own;    /* the text's decoder; NULL: it is UTF-8 */
	const char *own_ja; /* "CP932" or "EUC-JP-MS" when own is one */
	bool own_wide;	    /* own's text may be two-byte UTF-8 (CJK, Thai) */
	lg_decoder *alt[2]; /* a UTF-8 text's CP932 and EUC-JP lines */
	int alt_on;	    /* which alt a long line goes on in */
	lg_buf line;	    /* a line's start, held until its end */
	line_mode mode;	    /* of the line under way once decided */
	uint64_t at, mark;  /* input offsets: of line[0] and the mark */
	lg_mixed_stats st;
	bool eof;      /* the input ends with this feed's */
	uint8_t **out; /* where a feed writes */
	size_t *len, *cap;
	lg_utf8_tally *tally; /* a UTF-8 text's invalid bytes */
	lg_decode_stats *dst; /* the own decoder's */
};

/* Encodings whose lines stand alone: no shift state, no NUL-wide
 * units, a newline byte never inside a character. */
bool lg_mixed_supports(const char *encoding)
{
	static const char *const no[] = {"UTF-16", "UTF-32", "UCS-", "ISO-2022",
					 "UTF-7",  "HZ",     "CP50", NULL};
	for (size_t i = 0; no[i]; i++)
		if (!lg_ascii_ncasecmp(encoding, no[i], strlen(no[i])))
			return false;
	return true;
}

static bool is_utf8(const char *encoding)
{
	return !lg_ascii_casecmp(encoding, "UTF-8") ||
	       !lg_ascii_casecmp(encoding, "UTF8");
}

/* The encodings whose text may be valid UTF-8 of two-byte characters:
 * the CJK ones' lead and trail bytes, Thai's letters (รก is C3 A1, á).
 * Other single-byte encodings' letters seldom are (Latin-1's "Ã©" is
 * mojibake itself; Cyrillic and Greek letters are all above BF). */
static bool double_byte(const char *encoding)
{
	static const char *const wide[] = {
	    "EUC-",  "GB",	    "BIG5",	   "UHC",   "CP932", "CP936",
	    "CP949", "CP950",	    "JOHAB",	   "SHIFT", "SJIS",  "TIS-620",
	    "CP874", "WINDOWS-874", "ISO-8859-11", NULL};
	for (size_t i = 0; wide[i]; i++)
		if (!lg_ascii_ncasecmp(encoding, wide[i], strlen(wide[i])))
			return true;
	return false;
}

lg_mixed *lg_mixed_new(const char *encoding, uint64_t at, uint64_t mark,
		       char *err, size_t errlen)
{
	lg_mixed *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->at = at;
	m->mark = mark;
	if (is_utf8(encoding))
		return m;
	m->own = lg_decoder_new(encoding, err, errlen);
	if (!m->own) {
		free(m);
		return NULL;
	}
	if (!lg_ascii_casecmp(encoding, "CP932") ||
	    !lg_ascii_casecmp(encoding, "SHIFT_JIS"))
		m->own_ja = "CP932";
	else if (!lg_ascii_ncasecmp(encoding, "EUC-JP", 6))
		m->own_ja = "EUC-JP-MS";
	m->own_wide = m->own_ja || double_byte(encoding);
	return m;
}

void lg_mixed_free(lg_mixed *m)
{
	if (!m)
		return;
	lg_decoder_free(m->own);
	lg_decoder_free(m->alt[0]);
	lg_decoder_free(m->alt[1]);
	lg_buf_free(&m->line);
	free(m);
}

const lg_mixed_stats *lg_mixed_stats_of(const lg_mixed *m)
{
	return &m->st;
}

/* Output written for input p[0..n) at offset m->at: the growth a cut
 * file's offsets after it move by, the mark's share apart. */
static void advance(lg_mixed *m, size_t n, size_t before)
{
	int64_t grow = (int64_t)(*m->len - before) - (int64_t)n;
	m->st.grow += grow;
	if (m->at < m->mark)
		m->st.grow_before_mark += grow;
	m->at += n;
}

static lg_status put_raw(lg_mixed *m, const uint8_t *p, size_t n)
{
	if (!n)
		return LG_OK;
	if (lg_text_grow(m->out, m->cap, *m->len + n) != LG_OK)
		return LG_ENOMEM;
	memcpy(*m->out + *m->len, p, n);
	*m->len += n;
	return LG_OK;
}

/* p[0..n) in the text's own encoding. */
static lg_status put_own(lg_mixed *m, const uint8_t *p, size_t n)
{
	size_t before = *m->len;
	lg_status rc;
	if (m->own) {
		rc = lg_decoder_feed(m->own, p, n, m->eof, m->out, m->len,
				     m->cap, m->dst);
	} else {
		lg_utf8_tally_add(m->tally, p, n, m->eof);
		rc = put_raw(m, p, n);
	}
	advance(m, n, before);
	return rc;
}

/* p[0..n) in the other encoding: UTF-8 for a legacy text (checked
 * valid), the alt decoder's for a UTF-8 one. */
static lg_status put_other(lg_mixed *m, const uint8_t *p, size_t n, bool eol)
{
	size_t before = *m->len;
	lg_status rc;
	if (m->own) {
		lg_decoder_skip(m->own, n);
		rc = put_raw(m, p, n);
	} else {
		lg_utf8_tally_skip(m->tally, n);
		rc = lg_decoder_feed(m->alt[m->alt_on], p, n, eol, m->out,
				     m->len, m->cap, &m->st.other);
	}
	advance(m, n, before);
	return rc;
}

/* Counts a line read in encoding: named in the notice, both when a
 * UTF-8 text's lines were CP932 and EUC-JP. */
static void count_line(lg_mixed *m, const char *encoding)
{
	char *seen = m->st.encoding;
	if (m->at < m->mark)
		return; /* a part's prefix: the part before's line */
	if (m->st.lines++ == 0) {
		m->st.first_line = m->at;
		lg_copy_cut(seen, sizeof(m->st.encoding), encoding);
	} else if (!strstr(seen, encoding)) {
		snprintf(seen, sizeof(m->st.encoding), "CP932/EUC-JP-MS");
	}
}

/* A legacy text's line that is UTF-8: valid and not ASCII. In a CJK or
 * Thai text it must hold a character of three bytes or more (kana,
 * kanji, hangul and Thai are; half-width katakana pairs like ﾃｱ are valid
 * UTF-8 of two), and in a CP932 or EUC-JP text not read as common
 * Japanese in its own. */
static bool utf8_line(const lg_mixed *m, const uint8_t *p, size_t n)
{
	size_t incomplete; /* a long line's start may end in a character */
	if (lg_utf8_valid_prefix(p, n, &incomplete) + incomplete != n)
		return false;
	size_t i = 0;
	while (i < n && (p[i] < 0x80 || (m->own_wide && p[i] < 0xE0)))
		i++;
	if (i == n)
		return false; /* ASCII: the same either way */
	const char *ja = m->own_ja ? lg_japanese_by_structure(p, n) : NULL;
	return !ja || strcmp(ja, m->own_ja) != 0;
}

/* A UTF-8 text's line with invalid bytes, tried as well-formed Japanese
 * in CP932 or EUC-JP (lg_japanese_line: a DOS box-drawing sign or a Greek
 * line of CP737 is not): decoded when every character converts. */
static lg_status try_japanese(lg_mixed *m, const uint8_t *p, size_t n, bool eol,
			      bool *took)
{
	*took = false;
	const char *ja = lg_japanese_line(p, n);
	if (!ja)
		return LG_OK;
	int k = strcmp(ja, "CP932") != 0;
	if (!m->alt[k]) {
		char err[64];
		m->alt[k] = lg_decoder_new(ja, err, sizeof(err));
		if (!m->alt[k])
			return LG_OK; /* iconv without it: raw bytes */
	}
	lg_decoder_reset(m->alt[k], m->at);
	size_t before = *m->len;
	lg_decode_stats trial = {0};
	lg_status rc = lg_decoder_feed(m->alt[k], p, n, eol, m->out, m->len,
				       m->cap, &trial);
	if (rc != LG_OK || trial.invalid || trial.truncated) {
		*m->len = before;
		return rc;
	}
	lg_utf8_tally_skip(m->tally, n);
	count_line(m, ja);
	m->alt_on = k;
	advance(m, n, before);
	*took = true;
	return LG_OK;
}

/* More of the line under way, p[0..n). */
static lg_status go_on(lg_mixed *m, const uint8_t *p, size_t n, bool eol)
{
	if (m->mode == LINE_OTHER)
		return put_other(m, p, n, eol);
	return put_own(m, p, n);
}

/* Decides a line from its start p[0..n) (the whole line when eol) and
 * writes it. */
static lg_status open_line(lg_mixed *m, const uint8_t *p, size_t n, bool eol)
{
	if (n > LINE_HOLD) { /* decided on its start, whatever the feeds */
		lg_status rc = open_line(m, p, LINE_HOLD, false);
		return rc == LG_OK ? go_on(m, p + LINE_HOLD, n - LINE_HOLD, eol)
				   : rc;
	}
	m->mode = LINE_OWN;
	if (m->own) {
		if (!utf8_line(m, p, n))
			return put_own(m, p, n);
		m->mode = LINE_OTHER;
		count_line(m, "UTF-8");
		return put_other(m, p, n, eol);
	}
	size_t incomplete;
	if (lg_utf8_valid_prefix(p, n, &incomplete) + incomplete < n) {
		bool took;
		lg_status rc = try_japanese(m, p, n, eol, &took);
		if (rc != LG_OK || took) {
			m->mode = LINE_OTHER;
			return rc;
		}
	}
	return put_own(m, p, n);
}

/* Writes what is held as the start of a line: decided here. */
static lg_status flush_held(lg_mixed *m, bool eol)
{
	lg_status rc = LG_OK;
	if (m->line.len)
		rc = open_line(m, (const uint8_t *)m->line.data, m->line.len,
			       eol);
	lg_buf_reset(&m->line);
	return rc;
}

/* The length of p[0..n)'s whole lines before the first one holding a
 * byte that is not UTF-8: they go out in one piece. */
static size_t clean_lines(const uint8_t *p, size_t n)
{
	size_t incomplete, bad = lg_utf8_valid_prefix(p, n, &incomplete);
	if (bad + incomplete == n)
		bad = n;
	const uint8_t *nl = bad ? memrchr(p, '\n', bad) : NULL;
	return nl ? (size_t)(nl + 1 - p) : 0;
}

/* A UTF-8 text's whole lines in p[0..n) (from a line's start, nothing
 * held): clean runs at once, a line with bad bytes decided alone.
 * *used stops at a line's start with no newline after it. */
static lg_status utf8_lines(lg_mixed *m, const uint8_t *p, size_t n,
			    size_t *used)
{
	size_t i = 0;
	lg_status rc = LG_OK;
	while (rc == LG_OK && i < n) {
		size_t clean = clean_lines(p + i, n - i);
		/* found valid just now: the tally need not check it again */
		if (m->tally->known_valid < clean)
			m->tally->known_valid = clean;
		rc = put_own(m, p + i, clean);
		i += clean;
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		if (rc != LG_OK || !nl)
			break;
		size_t end = (size_t)(nl + 1 - p);
		rc = open_line(m, p + i, end - i, true);
		m->mode = LINE_OPEN;
		i = end;
	}
	*used = i;
	return rc;
}

/* The same for a legacy text: each line looked at, a run of its own
 * lines decoded at once. */
static lg_status legacy_lines(lg_mixed *m, const uint8_t *p, size_t n,
			      size_t *used)
{
	size_t i = 0, run = 0;
	lg_status rc = LG_OK;
	while (rc == LG_OK && i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		if (!nl)
			break;
		size_t end = (size_t)(nl + 1 - p);
		size_t look = end - i < LINE_HOLD ? end - i : LINE_HOLD;
		if (utf8_line(m, p + i, look)) {
			rc = put_own(m, p + run, i - run);
			if (rc == LG_OK)
				rc = open_line(m, p + i, end - i, true);
			m->mode = LINE_OPEN;
			run = end;
		}
		i = end;
	}
	if (rc == LG_OK)
		rc = put_own(m, p + run, i - run);
	*used = i;
	return rc;
}

/* The rest of a line under way: up to its newline (eol) or p's end,
 * a start held up to LINE_HOLD bytes. */
static lg_status line_rest(lg_mixed *m, const uint8_t *p, size_t n,
			   size_t *used)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t end = nl ? (size_t)(nl + 1 - p) : n;
	lg_status rc;
	if (m->mode != LINE_OPEN) {
		rc = go_on(m, p, end, nl != NULL);
	} else {
		if (end > LINE_HOLD - m->line.len) { /* decided on this much */
			end = LINE_HOLD - m->line.len;
			nl = NULL;
		}
		if (!lg_buf_append(&m->line, p, end))
			return LG_ENOMEM;
		*used = end;
		if (!nl && m->line.len < LINE_HOLD)
			return LG_OK;
		rc = flush_held(m, nl != NULL);
	}
	*used = end;
	if (nl)
		m->mode = LINE_OPEN;
	return rc;
}

lg_status lg_mixed_feed(lg_mixed *m, const uint8_t *in, size_t n, bool eof,
			uint8_t **out, size_t *len, size_t *cap,
			lg_utf8_tally *tally, lg_decode_stats *st)
{
	m->out = out;
	m->len = len;
	m->cap = cap;
	m->tally = tally;
	m->dst = st;
	m->eof = false;
	lg_status rc = LG_OK;
	size_t i = 0, used;
	while (rc == LG_OK && i < n) {
		used = 0;
		if (!m->line.len && m->mode == LINE_OPEN)
			rc = m->own ? legacy_lines(m, in + i, n - i, &used)
				    : utf8_lines(m, in + i, n - i, &used);
		if (rc == LG_OK && !used) /* a line's start, or its rest */
			rc = line_rest(m, in + i, n - i, &used);
		i += used;
	}
	if (rc != LG_OK || !eof)
		return rc;
	m->eof = true; /* characters the input ends inside are told */
	rc = flush_held(m, true);
	if (rc == LG_OK)
		rc = m->mode == LINE_OTHER ? put_other(m, NULL, 0, true)
					   : put_own(m, NULL, 0);
	m->mode = LINE_OPEN;
	return rc;
}
