/* table.c: CSV/TSV headers. A column's header names what its cells hold,
 * so a 個人番号 column makes its 12-digit values My Numbers without a
 * keyword beside each, and a 注文番号 column rules them out. */
#include <stddef.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#define LG_AVX2_PATH 1 /* chosen at run time where the CPU has AVX2 */
#endif
#include <strings.h>

#include "engine_int.h"
#include "leakguard/text.h"
#include "util/util.h"

void table_reset(lg_detect_stream *s)
{
	memset(&s->table, 0, offsetof(table_state, cols)); /* no columns */
	s->nspans = 0;
	s->nspan_cols = 0;
}

/* Tests turn the look-ups that reuse the last one's work off
 * (lg_table_reference): the plain reference every path must agree with. */
static bool table_reference;

void lg_table_reference(bool on)
{
	table_reference = on;
}

/* The vector paths that may run: none for the reference. */
static inline unsigned table_cpu(void)
{
	return table_reference ? 0 : lg_cpu();
}

/* Types whose values only a label can make (3-4 digits of a CVV, 7 digits
 * of an account): in a column that names them, each cell is checked. */
static const lg_type cell_types[] = {
    LG_CARD_CVV,    LG_CARD_EXPIRY, LG_JP_BANK_ACCOUNT,	  LG_JP_DRIVERS_LICENSE,
    LG_BIRTH_DATE,  LG_JP_PASSPORT, LG_JP_RESIDENCE_CARD, LG_JP_POSTAL_CODE,
    LG_PERSON_NAME, LG_JP_ADDRESS,  LG_PASSWORD};

/* The types of cell_types, as a mask. */
static lg_type_mask cell_type_mask(void)
{
	lg_type_mask m = 0;
	for (size_t i = 0; i < sizeof(cell_types) / sizeof(*cell_types); i++)
		m |= (lg_type_mask)1u << cell_types[i];
	return m;
}

/* Types a header word can rule out though another word names them: a
 * ユーザー名 or product name column holds no person's name, a メールアドレス
 * column no address. */
#define HEADER_VETO ((1u << LG_PERSON_NAME) | (1u << LG_JP_ADDRESS))

/* Splits line[0..n) on delim outside double quotes; calls fn per field. */
typedef void (*field_fn)(void *ud, unsigned col, uint32_t from, uint32_t to);

/* The first quote or delimiter in line[i..n), n when none: sixteen bytes
 * at a time, since most of a row is cell text. */
static size_t next_quote_or_delim(const uint8_t *line, size_t i, size_t n,
				  uint8_t delim)
{
#if defined(__SSE2__)
	const __m128i q = _mm_set1_epi8('"'), d = _mm_set1_epi8((char)delim);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(line + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, d)));
		if (m)
			return i + (unsigned)__builtin_ctz(m);
	}
#endif
	while (i < n && line[i] != '"' && line[i] != delim)
		i++;
	return i;
}

/* The start of a cell a..b past the spaces and quotes before it, and
 * the = before a quote with which Excel keeps a number's leading zeros
 * (="09012345678"). */
static inline size_t cell_start(const uint8_t *p, size_t a, size_t b)
{
	while (a < b && (p[a] == ' ' || p[a] == '"' ||
			 (p[a] == '=' && a + 1 < b && p[a + 1] == '"')))
		a++;
	return a;
}

static unsigned split_fields(const uint8_t *line, uint32_t base, size_t n,
			     char delim, field_fn fn, void *ud)
{
	unsigned col = 0;
	bool quoted = false;
	size_t start = 0;
	for (size_t i = 0;; i++) {
		i = next_quote_or_delim(line, i, n, (uint8_t)delim);
		if (i < n && line[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (i < n && quoted)
			continue;
		size_t b = i, a = cell_start(line, start, b);
		while (b > a && (line[b - 1] == ' ' || line[b - 1] == '"' ||
				 line[b - 1] == '\r'))
			b--;
		if (fn)
			fn(ud, col, base + (uint32_t)a, base + (uint32_t)b);
		col++;
		start = i + 1;
		if (i == n)
			return col;
	}
}

typedef struct header_ud {
	const uint8_t *win;
	table_state *t; /* the header being read */
	unsigned numeric;
	bool not_names; /* a field no column's name is */
	uint32_t field_from[TABLE_MAX_COLS], field_to[TABLE_MAX_COLS];
} header_ud;

/* A generated value: twenty characters or more, three at least of each
 * of lower case, upper case and digits (a hash, a key in base64), as a
 * data row holds and no column's name does (shippingAddressLine2 is a
 * name): a pip RECORD's "sha256=…zg_pWD1…" holds "pwd". */
static bool generated_token(const uint8_t *f, size_t n)
{
	if (n < 20)
		return false;
	unsigned lower = 0, upper = 0, digit = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = f[i];
		lower += lg_is_lower(c) != 0;
		upper += lg_is_upper(c) != 0;
		digit += lg_is_digit(c) != 0;
		if (!lg_is_alnum(c) && !memchr("_+/=-", c, 5))
			return false;
	}
	return lower >= 3 && upper >= 3 && digit >= 3;
}

/* A first field that ends with a colon labels a value after it
 * ("passwd:<TAB>files", "Name:<TAB>Joe"): a form's line, not a header. */
static bool label_with_colon(const uint8_t *f, size_t n)
{
	while (n > 0 && f[n - 1] == ' ')
		n--;
	return (n > 0 && f[n - 1] == ':') ||
	       (n >= 3 && !memcmp(f + n - 3, "\xEF\xBC\x9A", 3)); /* ： */
}

static void header_cb(void *ud, unsigned col, uint32_t from, uint32_t to)
{
	header_ud *h = ud;
	const uint8_t *f = h->win + from;
	size_t n = to - from;
	if (n > 0 && strspn((const char *)f, "0123456789-./ ") >= n)
		h->numeric++;
	/* prose: a long field, or one of six words or more (a column's
	 * name is a few words: "Name of the account holder"); a generated
	 * value; a label with its colon */
	if (n > 64 || lg_count_byte(f, n, ' ') >= 5 || generated_token(f, n) ||
	    (col == 0 && label_with_colon(f, n)))
		h->not_names = true;
	if (col < TABLE_MAX_COLS) {
		h->field_from[col] = from;
		h->field_to[col] = to;
	}
}

typedef struct header_scan {
	header_ud *h;
	unsigned ncols;
	uint32_t base;	     /* window offset of the scanned line */
	const uint8_t *line; /* the line, n bytes */
	size_t n;
	const lg_detector *det;
} header_scan;

/* Whether p[0..n) is keywords alone, one after another (セイカナ). */
static bool keywords_alone(const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t l = lg_keyword_at(p, n);
		if (!l)
			return false;
		p += l;
		n -= l;
	}
	return true;
}

/* A keyword of two katakana (セイ, メイ, カナ: a surname's or given
 * name's reading) at line[from..to) is a word of its own, or one of such
 * keywords run together (セイカナ, フリガナ): inside a longer katakana
 * word it is another word (セイチ, メイン, カナダ, as in a dictionary's
 * readings column). Other keywords need no start of a word in a header
 * (order_id, FirstName), and English ones only an end (word_goes_on). */
static bool kana_keyword_alone(const uint8_t *line, size_t n, size_t from,
			       size_t to)
{
	if (to - from != 6 || !lg_katakana_at(line + from, n - from) ||
	    !lg_katakana_at(line + from + 3, n - from - 3))
		return true;
	size_t lo = from, hi = to;
	while (lo >= 3 && lg_katakana_at(line + lo - 3, 3))
		lo -= 3;
	while (lg_katakana_at(line + hi, n - hi))
		hi += 3;
	return (lo == from && hi == to) || keywords_alone(line + lo, hi - lo);
}

/* Whether an English keyword ending at line[to] goes on into a longer
 * word in lower case: named, namespace (a plural s ends it: names). A
 * header's words may be joined (firstname, order_id, FirstNameKana), and
 * a longer keyword (zipcode) is a hit of its own. */
static bool word_goes_on(const uint8_t *line, size_t n, size_t to)
{
	if (to >= n || !lg_is_lower(line[to]))
		return false;
	return line[to] != 's' || (to + 1 < n && lg_is_alpha(line[to + 1]));
}

/* A keyword in the header line: its column names (or rules out) the
 * keyword's types. */
static int on_header_keyword(unsigned id, unsigned long long from,
			     unsigned long long to, unsigned flags, void *ud)
{
	(void)from;
	(void)flags;
	header_scan *x = ud;
	uint32_t at = x->base + (uint32_t)to - 1; /* the keyword's last byte */
	const lg_keyword_list *k = &lg_keyword_lists[x->det->kw_list[id]];
	if (!kana_keyword_alone(x->line, x->n, (size_t)to - x->det->kw_len[id],
				(size_t)to))
		return 0;
	/* a word that rules types out does as a part (user in username) */
	if (k->strength < LG_KW_NEGATIVE && (x->det->kw_edge[id] & 2u) &&
	    word_goes_on(x->line, x->n, to))
		return 0;
	for (unsigned c = 0; c < x->ncols && c < TABLE_MAX_COLS; c++) {
		if (at < x->h->field_from[c] || at >= x->h->field_to[c])
			continue;
		table_state *t = x->h->t;
		if (k->strength >= LG_KW_NEGATIVE)
			t->cols[c].neg |= k->types;
		else
			t->cols[c].pos |= k->types;
		t->cols[c].labelled = true;
		break;
	}
	return 0;
}

/* Words in a column's name that make it about passwords, not of them:
 * password_hash, パスワード有効期限, パスワード変更日, password_policy.
 * Looked for in the name only (as negative keywords they would make
 * prose with commas a table's header). */
static bool password_column_other(const uint8_t *f, size_t n)
{
	static const char *const words[] = {
	    "hash",	"salt",	    "digest", "policy", "length", "hint",
	    "expir",	"reset",    "change", "update", "date",	  "required",
	    "ハッシュ", "暗号",	    "期限",   "日",	"文字数", "桁数",
	    "ヒント",	"リセット", "変更",   "更新",	"最終",	  "必須"};
	char name[72]; /* a longer field is prose (header_cb) */
	size_t k = n < sizeof(name) - 1 ? n : sizeof(name) - 1;
	memcpy(name, f, k);
	name[k] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		if (lg_ascii_casestr(name, words[i]))
			return true;
	}
	return false;
}

/* Reads what each column's name says, with one Hyperscan pass over the
 * header line. */
static void read_column_names(lg_detect_stream *s, header_ud *h, uint32_t at,
			      size_t n, unsigned ncols)
{
	header_scan x = {h, ncols, at, s->win + at, n, s->det};
	hs_scan(s->det->header_db, (const char *)s->win + at, (unsigned)n, 0,
		s->scratch, on_header_keyword, &x);
	for (unsigned c = 0; c < ncols && c < TABLE_MAX_COLS; c++) {
		/* a named type wins over the broad negatives ("口座番号"
		 * names an account and is a negative for other numbers),
		 * except where the negative is the narrower word */
		table_col *col = &h->t->cols[c];
		col->pos &= ~(col->neg & HEADER_VETO);
		col->neg &= ~col->pos;
		if (((col->pos >> LG_PASSWORD) & 1u) &&
		    password_column_other(h->win + h->field_from[c],
					  h->field_to[c] - h->field_from[c]))
			col->pos &= ~((lg_type_mask)1u << LG_PASSWORD);
	}
}

/* An odd number of quotes in p[0..n): a quoted cell goes on past it. */
static bool quote_open(const uint8_t *p, size_t n)
{
	bool open = false;
	for (const uint8_t *q = p; (q = memchr(q, '"', n - (size_t)(q - p)));
	     q++)
		open = !open;
	return open;
}

#define RECORD_MAX_LINES 32
/* the longest row (or record) a table keeps, bytes: longer lines are
 * prose, a minified file or a blob, not a row */
#define ROW_MAX_BYTES 16384u

/* The end of the row that starts at ls and whose first line ends at end:
 * further lines while a quoted cell is open (a 住所 cell with its line
 * breaks). UINT32_MAX when its end is not in view yet. */
static uint32_t record_end(const lg_detect_stream *s, uint32_t ls, uint32_t end,
			   uint32_t hi, bool final)
{
	if (!quote_open(s->win + ls, end - ls))
		return end;
	for (int k = 0; k < RECORD_MAX_LINES && end < hi; k++) {
		const uint8_t *nl =
		    memchr(s->win + end + 1, '\n', hi - end - 1);
		uint32_t e = nl ? (uint32_t)(nl - s->win) : hi;
		if (!nl && !final)
			return UINT32_MAX;
		bool closes = quote_open(s->win + end + 1, e - end - 1);
		end = e;
		if (closes || end - ls >= ROW_MAX_BYTES)
			break;
	}
	return end;
}

/* The fields split_fields would find in line[0..n), without their
 * bounds: delimiters outside quotes, plus one. Most rows have no quote,
 * and their delimiters are counted sixteen bytes at a time. */
static unsigned count_fields(const uint8_t *line, size_t n, char delim)
{
	if (memchr(line, '"', n))
		return split_fields(line, 0, n, delim, NULL, NULL);
	return (unsigned)lg_count_byte(line, n, (uint8_t)delim) + 1;
}

/* A row's first line, read once: where it ends, and its fields when no
 * quote comes before that end (a quote can hide delimiters and newlines,
 * so such a row is split the careful way). */
typedef struct row_line {
	uint32_t end;	 /* its newline, or hi when none */
	unsigned fields; /* delimiters + 1; 0 when there is a quote */
} row_line;

typedef struct line_count {
	uint32_t end; /* the newline's offset, UINT32_MAX until found */
	unsigned delims;
	uint32_t quotes; /* nonzero when a quote came before the end */
} line_count;

/* One block's bits (bit k: byte i + k) into c; true when the block holds
 * the newline. */
static inline bool count_block(line_count *c, uint32_t i, uint32_t nl,
			       uint32_t quote, uint32_t delim)
{
	if (!nl) {
		c->delims += (unsigned)__builtin_popcount(delim);
		c->quotes |= quote;
		return false;
	}
	uint32_t before = (nl & -nl) - 1;
	c->delims += (unsigned)__builtin_popcount(delim & before);
	c->quotes |= quote & before;
	c->end = i + (uint32_t)__builtin_ctz(nl);
	return true;
}

#if LG_AVX2_PATH
/* One block's newlines, quotes and delimiters into c, those of the bytes
 * `keep` has bits for; true when the block holds the newline. */
__attribute__((target("avx2,popcnt"))) static inline bool
block_avx2(const uint8_t *w, uint32_t i, uint8_t delim, uint32_t keep,
	   line_count *c)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(w + i));
	uint32_t nl = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
	uint32_t q = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')));
	uint32_t d = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)delim)));
	return count_block(c, i, nl & keep, q & keep, d & keep);
}

/* Thirty-two bytes at a time up to hi; returns where it stopped: at the
 * newline (c->end set), at hi, or fewer than 32 bytes before hi where the
 * window (of length len) ends too. Up to hi the blocks are whole; the
 * last may hold bytes past hi, in the window, whose bits are dropped. */
__attribute__((target("avx2,popcnt"))) static uint32_t
row_line_avx2(const uint8_t *w, uint32_t i, uint32_t hi, size_t len,
	      uint8_t delim, line_count *c)
{
	for (; i + 32 <= hi; i += 32) {
		if (block_avx2(w, i, delim, UINT32_MAX, c))
			return i;
	}
	if (i < hi && i + 32 <= len) {
		block_avx2(w, i, delim, (1u << (hi - i)) - 1, c);
		return hi;
	}
	return i;
}
#endif

#if LG_AVX2_PATH
/* As count_block, 64 bytes. */
static inline bool count_block64(line_count *c, uint32_t i, uint64_t nl,
				 uint64_t quote, uint64_t delim)
{
	uint64_t before = nl ? (nl & -nl) - 1 : ~0ULL;
	c->delims += (unsigned)__builtin_popcountll(delim & before);
	c->quotes |= (quote & before) != 0;
	if (!nl)
		return false;
	c->end = i + (uint32_t)__builtin_ctzll(nl);
	return true;
}

/* As block_avx2, 64 bytes. */
__attribute__((target("avx512bw,popcnt"))) static inline bool
block_avx512(const uint8_t *w, uint32_t i, uint8_t delim, uint64_t keep,
	     line_count *c)
{
	__m512i v = _mm512_loadu_si512(w + i);
	uint64_t nl = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
	uint64_t q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
	uint64_t d = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8((char)delim));
	return count_block64(c, i, nl & keep, q & keep, d & keep);
}

/* As row_line_avx2, 64 bytes at a time. */
__attribute__((target("avx512bw,popcnt"))) static uint32_t
row_line_avx512(const uint8_t *w, uint32_t i, uint32_t hi, size_t len,
		uint8_t delim, line_count *c)
{
	for (; i + 64 <= hi; i += 64) {
		if (block_avx512(w, i, delim, ~0ULL, c))
			return i;
	}
	if (i < hi && i + 64 <= len) {
		block_avx512(w, i, delim, (1ULL << (hi - i)) - 1, c);
		return hi;
	}
	return i;
}
#endif

/* The line from ls (up to hi) as a row of the table: one pass that finds
 * its newline and counts its delimiters, where a memchr for the newline,
 * another for a quote and a count of the delimiters each read it. */
static row_line scan_row_line(const lg_detect_stream *s, uint32_t ls,
			      uint32_t hi, char delim)
{
	const uint8_t *w = s->win;
	line_count c = {UINT32_MAX, 0, 0};
	uint32_t i = ls;
#if LG_AVX2_PATH
	if (table_cpu() & LG_CPU_AVX512)
		i = row_line_avx512(w, i, hi, s->len, (uint8_t)delim, &c);
	else if (table_cpu() & LG_CPU_AVX2)
		i = row_line_avx2(w, i, hi, s->len, (uint8_t)delim, &c);
#endif
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n'), q = _mm_set1_epi8('"'),
		      d = _mm_set1_epi8(delim);
	for (; c.end == UINT32_MAX && i + 16 <= hi; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(w + i));
		if (count_block(
			&c, i,
			(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)),
			(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)),
			(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, d))))
			break;
	}
#endif
	for (; c.end == UINT32_MAX && i < hi; i++) {
		if (w[i] == '\n')
			c.end = i;
		else {
			c.delims += w[i] == (uint8_t)delim;
			c.quotes |= w[i] == '"';
		}
	}
	row_line r = {c.end == UINT32_MAX ? hi : c.end,
		      c.quotes ? 0 : c.delims + 1};
	return r;
}

/* Fields in the first non-empty line after `from`, 0 when none. */
static unsigned next_row_fields(const lg_detect_stream *s, uint32_t from,
				char delim)
{
	uint32_t p = from;
	while (p < s->len && (s->win[p] == '\n' || s->win[p] == '\r'))
		p++;
	if (p >= s->len)
		return 0;
	row_line r = scan_row_line(s, p, (uint32_t)s->len, delim);
	if (r.fields)
		return r.fields; /* no quote: the row is its line */
	uint32_t e = record_end(s, p, r.end, (uint32_t)s->len, true);
	return split_fields(s->win + p, p, e - p, delim, NULL, NULL);
}

/* The columns of t that hold anything. */
static unsigned table_cols(const table_state *t)
{
	return t->ncols < TABLE_MAX_COLS ? t->ncols : TABLE_MAX_COLS;
}

/* *dst = *src, as far as its columns go: a table of a few columns is a
 * small copy. */
static void table_copy(table_state *dst, const table_state *src)
{
	memcpy(dst, src, offsetof(table_state, cols));
	memcpy(dst->cols, src->cols, table_cols(src) * sizeof(table_col));
}

/* Remembers the table being read as one of this window's tables. */
static void span_open(lg_detect_stream *s)
{
	const table_state *t = &s->table;
	size_t n = table_cols(t);
	if (s->nspans == TABLE_SPANS)
		return;
	while (s->nspan_cols + n > s->capspan_cols)
		if (!lg_vec_grow((void **)&s->span_cols, &s->capspan_cols,
				 sizeof(*s->span_cols))) {
			s->oom = true;
			return;
		}
	if (s->nspans == s->capspans &&
	    !lg_vec_grow((void **)&s->spans, &s->capspans, sizeof(*s->spans))) {
		s->oom = true;
		return;
	}
	s->spans[s->nspans++] = (table_span){t->header_end, t->end, t->ncols,
					     t->delim, s->nspan_cols};
	memcpy(s->span_cols + s->nspan_cols, t->cols, n * sizeof(table_col));
	s->nspan_cols += n;
}

/* The table being read has ended: so has its span. */
static void span_close(lg_detect_stream *s)
{
	table_span *last = s->nspans ? &s->spans[s->nspans - 1] : NULL;
	if (last && last->header_end == s->table.header_end)
		last->end = s->table.end;
}

/* Whether a column of the table names a type whose cells are checked:
 * without one (a stock or sales list), a row is only counted. */
static bool table_checks_cells(const table_state *t)
{
	lg_type_mask m = cell_type_mask();
	for (unsigned c = 0; c < t->ncols && c < TABLE_MAX_COLS; c++) {
		if (t->cols[c].pos & m)
			return true;
	}
	return false;
}

/* Whether line[0..n) has a JSON key's end, `":`. By its quotes, which
 * few lines hold: memmem's set-up for each line tried as a header was a
 * few per cent of a folder of small files. */
static bool has_key_end(const uint8_t *line, size_t n)
{
	const uint8_t *q = line, *end = line + n;
	while ((q = memchr(q, '"', (size_t)(end - q))) != NULL) {
		if (++q < end && *q == ':')
			return true;
	}
	return false;
}

/* Counts the fields that are not empty. */
static void count_named(void *ud, unsigned col, uint32_t from, uint32_t to)
{
	(void)col;
	*(unsigned *)ud += to > from;
}

/* What the line alone says of line[0..n) as a header: false when it
 * cannot be one; else its delimiter and its fields. A header names two
 * columns at least: "ExtNames.Free;" is a statement of code. */
static bool header_shape(const uint8_t *line, size_t n, char *delim,
			 unsigned *nf)
{
	/* pretty-printed JSON and code: "key": value, lines ending in a
	 * comma; a header names every column and ends with a name */
	if (line[n - 1] == ',' || line[n - 1] == '\t' || has_key_end(line, n))
		return false;
	size_t commas = lg_count_byte(line, n, ',');
	size_t tabs = lg_count_byte(line, n, '\t');
	size_t semis = lg_count_byte(line, n, ';');
	if (commas + tabs + semis == 0)
		return false;
	/* European exports split on ; */
	*delim = tabs > commas ? '\t' : ',';
	if (semis > commas && semis > tabs)
		*delim = ';';
	/* a line indented by a tab (a ChangeLog entry, a Makefile rule) is
	 * text: its "first column" is the indentation ("\t* a.c (main):
	 * Possibly address Coverity" above "\t1024226 ..." named no address
	 * column) */
	if (*delim == '\t' && line[0] == '\t')
		return false;
	unsigned named = 0;
	*nf = split_fields(line, 0, n, *delim, count_named, &named);
	return named >= 2;
}

/* Reads the header line[0..n) at window offset `at` into t: what each
 * column names, and t->active when the line names columns. */
static void read_header(lg_detect_stream *s, uint32_t at, size_t n, char delim,
			table_state *t)
{
	const uint8_t *line = s->win + at;
	memset(t, 0, offsetof(table_state, cols));
	t->delim = delim;
	size_t skip = n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3) ? 3 : 0;
	header_ud h; /* its fields' bounds: each column's set as it is read */
	h.win = s->win;
	h.t = t;
	h.numeric = 0;
	h.not_names = false;
	t->ncols = split_fields(line + skip, at + (uint32_t)skip, n - skip,
				t->delim, header_cb, &h);
	memset(t->cols, 0, table_cols(t) * sizeof(table_col));
	/* a header names things; a data row is mostly numbers or holds a
	 * generated value, prose has long fields, a form's line a label and
	 * its colon: such a line is no header, and its names are not
	 * read (a Hyperscan pass; a file cut from an export starts with
	 * rows) */
	if (h.numeric * 2 >= t->ncols || h.not_names)
		return;
	read_column_names(s, &h, at + (uint32_t)skip, n - skip, t->ncols);
	bool any = false;
	for (unsigned c = 0; c < t->ncols && c < TABLE_MAX_COLS; c++)
		any |= t->cols[c].labelled;
	t->active = any;
	if (t->active)
		t->check_cells = table_checks_cells(t);
}

/* The memo of line[0..n), or NULL. */
static const table_memo *memo_find(const lg_detect_stream *s,
				   const uint8_t *line, size_t n)
{
	for (size_t i = 0; i < TABLE_MEMOS; i++) {
		const table_memo *m = &s->memos[i];
		if (m->len == n && !memcmp(m->line, line, n))
			return m;
	}
	return NULL;
}

/* Remembers line[0..n) as read into t, in place of the oldest memo. */
static void memo_keep(lg_detect_stream *s, const uint8_t *line, size_t n,
		      unsigned nf, const table_state *t)
{
	if (n > TABLE_MEMO_LINE)
		return;
	table_memo *m = &s->memos[s->next_memo];
	s->next_memo = (s->next_memo + 1) % TABLE_MEMOS;
	m->len = (uint32_t)n;
	m->delim = t->delim;
	m->nf = nf;
	table_copy(&m->t, t);
	memcpy(m->line, line, n);
}

/* Tries line[0..n) as the header row; true when it names columns. A line
 * read before (an export's header above each block of rows) is not read
 * again: its memo says what it names, and only the row below it, which
 * must have as many fields, is new. */
static bool try_header(lg_detect_stream *s, uint32_t at, size_t n)
{
	const uint8_t *line = s->win + at;
	if (n == 0 || strchr("{[<#", line[0]))
		return false; /* JSON lines, markup, comments */
	/* "Hi all," and "Thanks," above a paragraph: header_shape says no,
	 * and so no memo holds them; said before the memos are compared */
	if (line[n - 1] == ',' || line[n - 1] == '\t')
		return false;
	const table_memo *m = memo_find(s, line, n);
	if (m) {
		if (!m->t.active ||
		    next_row_fields(s, at + (uint32_t)n, m->delim) != m->nf)
			return false;
		table_copy(&s->table, &m->t);
	} else {
		char delim;
		unsigned nf;
		/* the cheap test first: the row below must have as many
		 * fields ("Hi Shota," above a paragraph has not) */
		if (!header_shape(line, n, &delim, &nf) ||
		    next_row_fields(s, at + (uint32_t)n, delim) != nf)
			return false;
		/* read into a candidate: a line that is no header leaves the
		 * table being read (if any) as it was */
		table_state cand;
		read_header(s, at, n, delim, &cand);
		memo_keep(s, line, n, nf, &cand);
		if (!cand.active)
			return false;
		table_copy(&s->table, &cand);
	}
	s->table.header_end = s->base + at + n;
	s->table.end = UINT64_MAX;
	s->saw_table = true;
	span_open(s);
	return true;
}

size_t lg_table_record_whole(const uint8_t *p, size_t n, char delim,
			     unsigned ncols)
{
	const uint8_t *nl = memchr(p, '\n', n);
	if (!nl)
		return LG_TABLE_RECORD_UNSEEN;
	size_t end = (size_t)(nl - p);
	/* the lines a quoted cell carries the record over, as record_end
	 * reads them. A record it ends short (at its line or byte limit, the
	 * quote still open) and a line too long to be a row are not taken:
	 * the table pass reads on past them unchanged, but they are rare
	 * enough not to reason about */
	bool open = end < ROW_MAX_BYTES && quote_open(p, end);
	for (int k = 0; open && k < RECORD_MAX_LINES; k++) {
		if (!(nl = memchr(p + end + 1, '\n', n - end - 1)))
			return LG_TABLE_RECORD_UNSEEN;
		size_t e = (size_t)(nl - p);
		open = !quote_open(p + end + 1, e - end - 1);
		end = e;
		if (end >= ROW_MAX_BYTES)
			break;
	}
	/* a first line of ROW_MAX_BYTES or more is no row to the table
	 * pass (table_scan_cells), nor is a blank one */
	size_t len = end && p[end - 1] == '\r' ? end - 1 : end;
	if (open || end >= ROW_MAX_BYTES || len == 0 ||
	    count_fields(p, len, delim) != ncols)
		return 0;
	return end + 1;
}

bool lg_detect_table_header(lg_detect_stream *s, const uint8_t *line, size_t n,
			    char *delim, unsigned *ncols)
{
	char d;
	unsigned nf;
	/* try_header's tests, on a line alone */
	if (n == 0 || n > ROW_MAX_BYTES || strchr("{[<#", line[0]) ||
	    !header_shape(line, n, &d, &nf))
		return false;
	memcpy(s->win, line, n);
	table_state t;
	read_header(s, 0, n, d, &t);
	*delim = d;
	*ncols = t.ncols;
	return t.active && t.ncols == nf;
}

/* The header is the first line, or, in an export with a title and a date
 * above it, one of the first few lines. */
void table_detect_header(lg_detect_stream *s)
{
	size_t lim = s->len < 8192 ? s->len : 8192;
	uint32_t at = 0;
	for (int line = 0; line < 6 && at < lim; line++) {
		const uint8_t *nl = memchr(s->win + at, '\n', lim - at);
		if (!nl)
			return;
		size_t n = (size_t)(nl - (s->win + at));
		if (n > 0 && s->win[at + n - 1] == '\r')
			n--;
		if (try_header(s, at, n))
			return;
		at = (uint32_t)(nl - s->win) + 1;
	}
}

/* Start of the line holding `at`, or UINT32_MAX when it is not in the
 * window. */
static uint32_t line_start(const lg_detect_stream *s, uint32_t at)
{
	const uint8_t *nl = memrchr(s->win, '\n', at);
	if (nl)
		return (uint32_t)(nl - s->win) + 1;
	return s->base == 0 ? 0 : UINT32_MAX;
}

static unsigned column_of(const lg_detect_stream *s, const table_span *tb,
			  uint32_t ls, uint32_t at)
{
	/* with no quote before it, a cell's column is the delimiters
	 * before it, counted a block at a time */
	row_line r = scan_row_line(s, ls, at, tb->delim);
	if (r.fields && r.end == at)
		return r.fields - 1;
	unsigned col = 0;
	bool quoted = false;
	const uint8_t *w = s->win;
	for (size_t i = ls;; i++) {
		i = next_quote_or_delim(w, i, at, (uint8_t)tb->delim);
		if (i >= at)
			return col;
		if (w[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			col++;
	}
}

/* The last span whose header ends before window offset ls, or
 * SIZE_MAX when none does. Spans are in text order. */
static inline size_t span_of(lg_detect_stream *s, uint32_t ls)
{
	uint64_t line = s->base + ls;
	size_t lo = 0, hi = s->nspans; /* spans[lo..hi) undecided */
	/* verdicts come in text order, most in the table of the last one
	 * or a few after it: from its span a few steps forward, each span a
	 * cache line of its own the search would miss on */
	size_t k = s->span_hint;
	if (k < hi && s->spans[k].header_end < line && !table_reference) {
		for (int step = 0; step < 4 && k + 1 < hi &&
				   s->spans[k + 1].header_end < line;
		     step++)
			k++;
		lo = k + 1; /* spans[k] ends before the line: so do those
			     * before it */
		if (k + 1 == hi || s->spans[k + 1].header_end >= line)
			hi = k + 1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->spans[mid].header_end < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return SIZE_MAX;
	s->span_hint = lo - 1;
	return lo - 1;
}

/* The table of this window that holds offset `at` (below its header,
 * above its end), or NULL. Each span ends before the next header: only
 * the last header above the line (which starts at ls) can hold it. */
static inline const table_span *table_at(lg_detect_stream *s, uint32_t at,
					 uint32_t ls)
{
	size_t k = span_of(s, ls);
	if (k == SIZE_MAX)
		return NULL;
	const table_span *tb = &s->spans[k];
	return s->base + at < tb->end ? tb : NULL;
}

/* The row holding `at` when it spans several lines (a quoted cell with
 * newlines in it), or NULL. */
const label_range *table_record_at(const lg_detect_stream *s, uint32_t at)
{
	size_t lo = 0, hi = s->nrecords;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->records[mid].to < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nrecords && s->records[lo].from <= at ? &s->records[lo]
							     : NULL;
}

/* The row of window offset `at` for a column verdict, as s->vrow: its
 * start, its end, its table's span. The cells of a row are looked up one
 * after another: a cell in the row of the last one reuses it. */
static verdict_row *verdict_row_at(lg_detect_stream *s, uint32_t at)
{
	verdict_row *v = &s->vrow;
	if (v->ls != UINT32_MAX && v->ls <= at && at < v->hi &&
	    !table_reference)
		return v;
	/* a row over several lines is one record; else the row is a line.
	 * Records hold whole lines, so a cell on the row's line is in the
	 * same record, or in none, as this one */
	const label_range *rec = table_record_at(s, at);
	uint32_t ls = rec ? rec->from : line_start(s, at);
	if (ls == UINT32_MAX)
		return NULL;
	const uint8_t *nl = memchr(s->win + at, '\n', s->len - at);
	v->ls = ls;
	v->hi = rec ? rec->to : nl ? (uint32_t)(nl - s->win) : (uint32_t)s->len;
	v->span = span_of(s, ls);
	v->at = ls;
	v->col = 0;
	return v;
}

/* The column of the cell at `at` in row v of table tb: the delimiters
 * before it, counted from the last cell looked up when no quote or line
 * break came between. */
static unsigned verdict_column(lg_detect_stream *s, verdict_row *v,
			       const table_span *tb, uint32_t at)
{
	if (v->at <= at && !table_reference) {
		row_line r = scan_row_line(s, v->at, at, tb->delim);
		if (r.fields && r.end == at) {
			v->col += r.fields - 1;
			v->at = at;
			return v->col;
		}
	}
	return column_of(s, tb, v->ls, at);
}

/* table_column_verdict for a value in a table's span: its row and
 * column. Apart, since most values are in none. */
static __attribute__((noinline)) int cell_verdict(lg_detect_stream *s,
						  lg_type t, uint32_t at,
						  uint32_t *lo, uint32_t *hi)
{
	verdict_row *v = verdict_row_at(s, at);
	if (!v || v->span == SIZE_MAX || s->base + at >= s->spans[v->span].end)
		return 0; /* no table, or its header line or what is above it */
	const table_span *tb = &s->spans[v->span];
	*lo = v->ls;
	*hi = v->hi;
	unsigned col = verdict_column(s, v, tb, at);
	if (col >= tb->ncols || col >= TABLE_MAX_COLS)
		return 0;
	const table_col *c = &s->span_cols[tb->col0 + col];
	if ((c->pos >> t) & 1u)
		return 1;
	if (((c->neg >> t) & 1u) || c->labelled)
		return -1; /* the column is something else */
	return 0;
}

int table_column_verdict(lg_detect_stream *s, lg_type t, uint32_t at,
			 uint32_t *lo, uint32_t *hi)
{
	/* most values are in no table, which the span by `at` itself tells
	 * before the line's start is looked for: the span by the line's start
	 * is the same one, or an earlier one, which ended before this one's
	 * header and so before `at` */
	if (s->nspans == 0 || !table_at(s, at, at))
		return 0;
	return cell_verdict(s, t, at, lo, hi);
}

typedef struct row_cells {
	uint32_t from[TABLE_MAX_COLS], to[TABLE_MAX_COLS];
} row_cells;

static void collect_cell(void *ud, unsigned col, uint32_t from, uint32_t to)
{
	row_cells *r = ud;
	if (col < TABLE_MAX_COLS) {
		r->from[col] = from;
		r->to[col] = to;
	}
}

/* A cell [from, to) of the window as split_fields trims it: without the
 * spaces and quotes around it (and Excel's =), nor a CR at its end. */
static inline void put_cell(row_cells *r, const uint8_t *w, unsigned col,
			    uint32_t from, uint32_t to)
{
	if (col >= TABLE_MAX_COLS)
		return;
	from = (uint32_t)cell_start(w, from, to);
	while (to > from &&
	       (w[to - 1] == ' ' || w[to - 1] == '"' || w[to - 1] == '\r'))
		to--;
	r->from[col] = from;
	r->to[col] = to;
}

#if LG_AVX2_PATH
/* The cells of a row with no quote, w[ls..end), into r, and how many
 * fields it has: as split_fields finds them, from the delimiter bits of
 * 32-byte blocks where it searched for each delimiter in turn. Reads up
 * to len, the window's end. */
__attribute__((target("avx2"))) static unsigned
split_plain_avx2(const uint8_t *w, uint32_t ls, uint32_t end, size_t len,
		 char delim, row_cells *r)
{
	const __m256i d = _mm256_set1_epi8(delim);
	unsigned col = 0;
	uint32_t start = ls;
	for (uint32_t i = ls; i < end; i += 32) {
		uint32_t m = 0;
		if (i + 32 <= len) {
			__m256i v =
			    _mm256_loadu_si256((const __m256i *)(w + i));
			m = (uint32_t)_mm256_movemask_epi8(
			    _mm256_cmpeq_epi8(v, d));
		} else { /* the window's last bytes */
			for (uint32_t k = 0; i + k < end; k++)
				m |= (uint32_t)(w[i + k] == (uint8_t)delim)
				     << k;
		}
		if (end - i < 32)
			m &= (1u << (end - i)) - 1;
		for (; m; m &= m - 1) {
			uint32_t at = i + (uint32_t)__builtin_ctz(m);
			put_cell(r, w, col++, start, at);
			start = at + 1;
		}
	}
	put_cell(r, w, col++, start, end);
	return col;
}
#endif

/* Checks the cells of a column that names a label-only type. */
static void check_cell(lg_detect_stream *s, lg_type_mask want, uint32_t from,
		       uint32_t to)
{
	if (to <= from)
		return;
	/* in cell_types' order, up to the last type the column names */
	for (size_t i = 0; want; i++) {
		lg_type t = cell_types[i];
		if ((want >> t) & 1u) {
			lg_detect_column_cell(s, t, from, to);
			want &= ~((lg_type_mask)1u << t);
		}
	}
}

/* A table ends at a blank line, or where its rows stop matching the
 * header: three lines in a row with one field, or more than it names. A mail
 * that quotes a CSV block, or a log that starts with one, is a table only for
 * that block. */
static bool row_fits(lg_detect_stream *s, uint32_t ls, uint32_t end, unsigned n)
{
	table_state *t = &s->table;
	if (end == ls || (end == ls + 1 && s->win[ls] == '\r')) {
		/* a blank line ends a table: tables in text are blocks, and a
		 * header after it starts the next one */
		t->active = false;
		t->end = s->base + ls;
		span_close(s);
		return false;
	}
	/* a spreadsheet's row leaves its empty cells at the end out */
	if (n == t->ncols || (n >= 2 && n < t->ncols)) {
		t->misfits = 0;
		return true;
	}
	if (t->misfits++ == 0)
		t->misfit_from = s->base + ls;
	if (t->misfits >= 3) {
		t->active = false;
		t->end = t->misfit_from;
		span_close(s);
	}
	return false;
}

/* One pass over a row: its cells, and whether it still fits the header.
 * fields: the row's fields when already counted, else 0. */
static void table_row(lg_detect_stream *s, uint32_t ls, uint32_t end,
		      unsigned fields)
{
	if (!s->table.check_cells) {
		if (!fields)
			fields =
			    count_fields(s->win + ls, end - ls, s->table.delim);
		row_fits(s, ls, end, fields);
		return;
	}
	row_cells cells;
	unsigned n;
#if LG_AVX2_PATH
	if (fields && table_cpu() & LG_CPU_AVX2)
		n = split_plain_avx2(s->win, ls, end, s->len, s->table.delim,
				     &cells);
	else
#endif
		n = split_fields(s->win + ls, ls, end - ls, s->table.delim,
				 collect_cell, &cells);
	if (!row_fits(s, ls, end, n))
		return;
	/* most columns name no cell type: one test each */
	lg_type_mask m = cell_type_mask();
	for (unsigned col = 0; col < n && col < TABLE_MAX_COLS; col++) {
		if (s->table.cols[col].pos & m)
			check_cell(s, s->table.cols[col].pos & m,
				   cells.from[col], cells.to[col]);
	}
}

/* Whether w[p] starts a line that follows a blank line (LF or CRLF). */
static inline bool blank_end(const uint8_t *w, uint32_t p)
{
	return p >= 2 && w[p - 1] == '\n' &&
	       (w[p - 2] == '\n' ||
		(p >= 3 && w[p - 2] == '\r' && w[p - 3] == '\n'));
}

/* The line at pos follows a blank line (LF or CRLF). */
static bool after_blank(const lg_detect_stream *s, uint32_t pos)
{
	return blank_end(s->win, pos);
}

/* The first non-empty line after the newline at `end` is whole in the
 * window: a header is judged by the row below it. */
static bool row_after_in_view(const lg_detect_stream *s, uint32_t end)
{
	uint32_t p = end + 1;
	while (p < s->len && (s->win[p] == '\n' || s->win[p] == '\r'))
		p++;
	return p < s->len && memchr(s->win + p, '\n', s->len - p) != NULL;
}

/* Whether p[0..n) has a delimiter (, tab ;) and no digit: sixteen bytes
 * at a time, since most lines that follow a blank one are prose that
 * runs to its end without a digit. room: the bytes at p that may be read
 * (n or more); the last block may read past n, its bits dropped. */
static bool delims_no_digits(const uint8_t *p, size_t n, size_t room)
{
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9),
		      comma = _mm_set1_epi8(','), tab = _mm_set1_epi8('\t'),
		      semi = _mm_set1_epi8(';');
	unsigned delims = 0;
	for (; i < n && i + 16 <= room; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		/* a digit is v - '0' below 10, unsigned */
		__m128i x = _mm_sub_epi8(v, zero);
		unsigned digits = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_min_epu8(x, nine), x));
		unsigned d = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
					      _mm_cmpeq_epi8(v, tab)),
				 _mm_cmpeq_epi8(v, semi)));
		if (n - i < 16) { /* the last block: only its bytes below n */
			digits &= (1u << (n - i)) - 1;
			d &= (1u << (n - i)) - 1;
		}
		if (digits)
			return false;
		delims |= d;
	}
	bool delim = delims != 0;
#else
	bool delim = false;
#endif
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			return false;
		delim |= p[i] == ',' || p[i] == '\t' || p[i] == ';';
	}
	return delim;
}

/* A line right after a blank line, with delimiters and no digits: where a
 * table that starts mid-file (a CSV block in a mail, a second section of
 * an export) has its header. */
static bool header_candidate(const lg_detect_stream *s, uint32_t ls,
			     uint32_t end)
{
	/* a header is short: one that must wait for the next window is then
	 * still inside that window's overlap */
	if (!after_blank(s, ls) || end - ls > 512)
		return false;
	return delims_no_digits(s->win + ls, end - ls, s->len - ls);
}

/* Outside a table, the scan looks only at lines right after a blank one,
 * and of those only a header candidate (delimiters, no digit, 512 bytes
 * or fewer) needs more than a look. Prose has a blank line every few
 * hundred bytes: finding each with a search of its own, then its end with
 * another and its bytes with a third, costs more per blank line than the
 * bytes do. This pass finds the blank lines, their lines' ends and those
 * lines' digits and delimiters from one set of 64-byte masks, and stops
 * only at a line it cannot rule out. */
typedef struct prose_masks {
	uint64_t nl, digit, delim; /* newlines; 0-9; , tab ; */
} prose_masks;

#if LG_AVX2_PATH
/* Bit k: byte q + k may end a blank line, the byte before it a newline
 * and the one before that a newline or a CR (whose newline before it the
 * caller checks). Reads q - 2 to q + 62. */
__attribute__((target("avx512bw"))) static inline uint64_t
prose_blank_avx512(const uint8_t *q)
{
	__mmask64 k = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(q - 1),
					     _mm512_set1_epi8('\n'));
	__m512i v = _mm512_loadu_si512(q - 2);
	return _mm512_mask_cmpeq_epi8_mask(k, v, _mm512_set1_epi8('\n')) |
	       _mm512_mask_cmpeq_epi8_mask(k, v, _mm512_set1_epi8('\r'));
}

__attribute__((target("avx512bw"))) static inline void
prose_bytes_avx512(const uint8_t *q, prose_masks *m)
{
	__m512i v = _mm512_loadu_si512(q);
	m->nl = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
	m->digit = _mm512_cmple_epu8_mask(
	    _mm512_sub_epi8(v, _mm512_set1_epi8('0')), _mm512_set1_epi8(9));
	m->delim = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(',')) |
		   _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\t')) |
		   _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(';'));
}

/* The 64 bits of two 32-byte compares. */
__attribute__((target("avx2"))) static inline uint64_t bits64_avx2(__m256i lo,
								   __m256i hi)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
	       (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* As prose_blank_avx512, one 32-byte half. */
__attribute__((target("avx2"))) static inline __m256i
blank_half_avx2(const uint8_t *q)
{
	const __m256i nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
	__m256i a = _mm256_loadu_si256((const __m256i *)(q - 1));
	__m256i b = _mm256_loadu_si256((const __m256i *)(q - 2));
	return _mm256_and_si256(_mm256_cmpeq_epi8(a, nl),
				_mm256_or_si256(_mm256_cmpeq_epi8(b, nl),
						_mm256_cmpeq_epi8(b, cr)));
}

__attribute__((target("avx2"))) static inline uint64_t
prose_blank_avx2(const uint8_t *q)
{
	__m256i lo = blank_half_avx2(q), hi = blank_half_avx2(q + 32);
	__m256i any = _mm256_or_si256(lo, hi);
	if (_mm256_testz_si256(any, any))
		return 0; /* most blocks */
	return bits64_avx2(lo, hi);
}

/* Digits (v - '0' below 10, unsigned) and delimiters of 32 bytes. */
__attribute__((target("avx2"))) static inline __m256i digits_avx2(__m256i v)
{
	__m256i x = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
	return _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(9)), x);
}

__attribute__((target("avx2"))) static inline __m256i delims_avx2(__m256i v)
{
	return _mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(',')),
			    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t'))),
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8(';')));
}

__attribute__((target("avx2"))) static inline void
prose_bytes_avx2(const uint8_t *q, prose_masks *m)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)q);
	__m256i b = _mm256_loadu_si256((const __m256i *)(q + 32));
	const __m256i nl = _mm256_set1_epi8('\n');
	m->nl = bits64_avx2(_mm256_cmpeq_epi8(a, nl), _mm256_cmpeq_epi8(b, nl));
	m->digit = bits64_avx2(digits_avx2(a), digits_avx2(b));
	m->delim = bits64_avx2(delims_avx2(a), delims_avx2(b));
}
#endif

typedef uint64_t (*blank_fn)(const uint8_t *q);
typedef void (*bytes_fn)(const uint8_t *q, prose_masks *m);

/* The first line at or after pos (a line start, 3 or more bytes into
 * the window, that follows no blank line) that follows a blank line and
 * is not ruled out as a header: its newline is not in a whole block
 * before hi, or it has delimiters and no digit in 512 bytes or fewer. hi
 * when there is none. Every line this passes over is one the
 * line-by-line path would have found no header in and left as it was.
 * Reads nothing at or past hi. */
static inline __attribute__((always_inline)) uint32_t
prose_skip_body(const uint8_t *w, uint32_t pos, uint32_t hi, blank_fn blanks,
		bytes_fn bytes)
{
	uint32_t line = UINT32_MAX; /* the line after a blank one being read */
	uint64_t digit = 0, delim = 0;
	uint32_t i = pos;
	for (; i + 64 <= hi; i += 64) {
		uint64_t blank = blanks(w + i);
		if (!blank && line == UINT32_MAX)
			continue;
		prose_masks m;
		bytes(w + i, &m);
		unsigned c = 0; /* the block's bits from c on are unread */
		for (;;) {
			if (line != UINT32_MAX) {
				uint64_t from = ~0ULL << c;
				uint64_t n = m.nl & from;
				if (!n) {
					digit |= m.digit & from;
					delim |= m.delim & from;
					break; /* the line goes on */
				}
				unsigned e = (unsigned)__builtin_ctzll(n);
				uint64_t in = from & ((1ULL << e) - 1);
				digit |= m.digit & in;
				delim |= m.delim & in;
				if (!digit && delim && i + e - line <= 512)
					return line; /* a header candidate */
				line = UINT32_MAX;
				c = e + 1;
				if (c == 64)
					break;
			}
			uint64_t b = blank & (~0ULL << c);
			/* a CR before the newline must follow a newline */
			while (b &&
			       !blank_end(w, i + (uint32_t)__builtin_ctzll(b)))
				b &= b - 1;
			if (!b)
				break;
			c = (unsigned)__builtin_ctzll(b);
			line = i + c;
			digit = delim = 0;
		}
	}
	if (line != UINT32_MAX)
		return line; /* its end is not in a whole block */
	for (; i < hi; i++) {
		if (blank_end(w, i))
			return i;
	}
	return hi;
}

#if LG_AVX2_PATH
__attribute__((target("avx512bw"))) static uint32_t
prose_skip_avx512(const uint8_t *w, uint32_t pos, uint32_t hi)
{
	return prose_skip_body(w, pos, hi, prose_blank_avx512,
			       prose_bytes_avx512);
}

__attribute__((target("avx2"))) static uint32_t
prose_skip_avx2(const uint8_t *w, uint32_t pos, uint32_t hi)
{
	return prose_skip_body(w, pos, hi, prose_blank_avx2, prose_bytes_avx2);
}
#endif

/* The next line after pos that may start a table: after a blank line,
 * and a header candidate or one whose end is not in view. */
static uint32_t next_table_line(const lg_detect_stream *s, uint32_t pos,
				uint32_t hi)
{
#if LG_AVX2_PATH
	/* from a line start (the blank-line test looks three bytes back) */
	if (pos >= 3 && s->win[pos - 1] == '\n') {
		if (table_cpu() & LG_CPU_AVX512)
			return prose_skip_avx512(s->win, pos, hi);
		if (table_cpu() & LG_CPU_AVX2)
			return prose_skip_avx2(s->win, pos, hi);
	}
#endif
	/* the search starts one back: pos may sit on the second newline of
	 * one */
	return (uint32_t)lg_after_blank_line(s->win, pos ? pos - 1 : 0, hi);
}

/* Where this window's share ends while a table is open: a row is read
 * whole (its cells and the values patterns find in it), so the row this
 * window cannot finish (`open_row`) goes to the next; and while the
 * table's end is undecided (rows that do not fit, not yet three), the
 * lines from the first of them go too, to be counted again with what
 * follows. Everything scored then knows whether it is in the table. */
static uint64_t share_end(lg_detect_stream *s, uint64_t own_lo, uint64_t own_hi,
			  uint32_t open_row)
{
	table_state *t = &s->table;
	if (!t->active)
		return own_hi;
	if (t->misfits > 0 && t->misfit_from > s->base + own_lo) {
		t->misfits = 0;
		return t->misfit_from - s->base;
	}
	return open_row != UINT32_MAX && open_row > own_lo ? open_row : own_hi;
}

/* A row of a counting-only table that fits its header: not blank, not
 * longer than a row is kept, and with as many fields as the header or
 * fewer (a spreadsheet leaves empty cells at the end out). */
static bool plain_row_fits(const table_state *t, const uint8_t *w, uint32_t ls,
			   uint32_t end, unsigned n)
{
	if (end == ls || (end == ls + 1 && w[ls] == '\r') ||
	    ls + ROW_MAX_BYTES <= end)
		return false;
	return n == t->ncols || (n >= 2 && n < t->ncols);
}

#if LG_AVX2_PATH
/* The rows from pos, many to a pass: a block's newlines, quotes and
 * delimiters as bits, a row's fields the delimiter bits between two
 * newlines. Returns the start of the first row it leaves to the
 * line-by-line path. */
__attribute__((target("avx2,popcnt"))) static uint32_t
plain_rows_avx2(lg_detect_stream *s, uint32_t pos, uint32_t hi)
{
	table_state *t = &s->table;
	const uint8_t *w = s->win;
	const __m256i nl = _mm256_set1_epi8('\n'), q = _mm256_set1_epi8('"'),
		      d = _mm256_set1_epi8(t->delim);
	uint32_t ls = pos;
	unsigned delims = 0; /* of the row from ls, in the blocks before */
	for (uint32_t i = pos; i + 32 <= hi; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(w + i));
		uint32_t nls =
		    (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));
		uint32_t qs =
		    (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, q));
		uint32_t ds =
		    (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, d));
		uint32_t rest = UINT32_MAX; /* the block's bits from ls on */
		for (; nls; nls &= nls - 1) {
			unsigned b = (unsigned)__builtin_ctz(nls);
			uint32_t row = rest & ((1u << b) - 1);
			unsigned n =
			    delims + (unsigned)__builtin_popcount(ds & row) + 1;
			if ((qs & row) || !plain_row_fits(t, w, ls, i + b, n))
				return ls;
			/* as row_fits does for a row that fits */
			t->misfits = 0;
			ls = i + b + 1;
			delims = 0;
			rest = b == 31 ? 0 : UINT32_MAX << (b + 1);
		}
		if (qs & rest)
			return ls;
		delims += (unsigned)__builtin_popcount(ds & rest);
	}
	return ls;
}
#endif

#if LG_AVX2_PATH
/* As plain_rows_avx2, 64 bytes to a block. A row fits (plain_row_fits)
 * when it has from 2 to the header's fields (a blank line has 1) and is
 * shorter than a row is kept; the count of misfits is set to 0 once, for
 * all the rows taken, not per row. */
__attribute__((target("avx512bw,popcnt"))) static uint32_t
plain_rows_avx512(lg_detect_stream *s, uint32_t pos, uint32_t hi)
{
	table_state *t = &s->table;
	const uint8_t *w = s->win;
	const __m512i nl = _mm512_set1_epi8('\n'), q = _mm512_set1_epi8('"'),
		      d = _mm512_set1_epi8(t->delim);
	if (t->ncols < 2)
		return pos; /* no header has fewer: the line-by-line path */
	unsigned most = t->ncols - 2; /* fields - 2, unsigned, at most */
	uint32_t ls = pos;
	unsigned delims = 0; /* of the row from ls, in the blocks before */
	for (uint32_t i = pos; i + 64 <= hi; i += 64) {
		__m512i v = _mm512_loadu_si512(w + i);
		uint64_t nls = _mm512_cmpeq_epi8_mask(v, nl);
		uint64_t qs = _mm512_cmpeq_epi8_mask(v, q);
		uint64_t ds = _mm512_cmpeq_epi8_mask(v, d);
		uint64_t rest = ~0ULL; /* the block's bits from ls on */
		for (; nls; nls &= nls - 1) {
			unsigned b = (unsigned)__builtin_ctzll(nls);
			uint64_t row = rest & ((1ULL << b) - 1);
			unsigned n = delims +
				     (unsigned)__builtin_popcountll(ds & row) +
				     1;
			if ((qs & row) || n - 2 > most ||
			    ls + ROW_MAX_BYTES <= i + b)
				goto stop;
			ls = i + b + 1;
			delims = 0;
			rest = b == 63 ? 0 : ~0ULL << (b + 1);
		}
		if (qs & rest)
			break;
		delims += (unsigned)__builtin_popcountll(ds & rest);
	}
stop:
	if (ls != pos)
		t->misfits = 0; /* as row_fits does for a row that fits */
	return ls;
}
#endif

/* Rows of the table being read that need nothing but counting: where no
 * column names a type checked cell by cell, a row with no quote that
 * fits the header only tells that the table goes on. Takes those rows,
 * up to the first that needs more (a quote, a blank line, one that does
 * not fit, the last block before hi) and returns where it stopped: the
 * line-by-line path goes on from there. */
static uint32_t plain_rows(lg_detect_stream *s, uint32_t pos, uint32_t hi)
{
	const table_state *t = &s->table;
	if (!t->active || t->check_cells || s->base + pos <= t->header_end)
		return pos;
#if LG_AVX2_PATH
	if (table_cpu() & LG_CPU_AVX512)
		return plain_rows_avx512(s, pos, hi);
	if (table_cpu() & LG_CPU_AVX2)
		return plain_rows_avx2(s, pos, hi);
#endif
	return pos;
}

/* A row of the table being read, over one line or several; fields is
 * what scan_row_line counted, or 0. */
static uint32_t read_row(lg_detect_stream *s, uint32_t ls, uint32_t end,
			 uint32_t hi, bool final, unsigned fields)
{
	/* with no quote on its first line, a row is that line */
	uint32_t rend = fields ? end : record_end(s, ls, end, hi, final);
	if (rend == UINT32_MAX)
		return UINT32_MAX;
	if (rend != end) {
		label_range r = {ls, rend};
		if (!lg_vec_push((void **)&s->records, &s->nrecords,
				 &s->caprecords, sizeof(r), &r))
			s->oom = true;
	}
	if (s->base + ls > s->table.header_end)
		table_row(s, ls, rend, fields);
	return rend;
}

uint64_t table_scan_cells(lg_detect_stream *s, uint64_t own_lo, uint64_t own_hi,
			  bool final)
{
	/* each line whose newline (or, at the end, last byte) we own */
	uint32_t pos = (uint32_t)own_lo;
	uint32_t ls = line_start(s, pos);
	s->nspans = 0;
	s->nspan_cols = 0;
	s->nrecords = 0;
	s->vrow.ls = UINT32_MAX; /* the rows and spans are new */
	if (s->table.ncols && s->table.end > s->base)
		span_open(s); /* a table the last window left open */

	while (pos < own_hi) {
		if (s->table.active && ls == pos) {
			pos = ls = plain_rows(s, pos, (uint32_t)own_hi);
			if (pos >= own_hi)
				break;
		}
		if (!s->table.active && !after_blank(s, pos)) {
			/* outside a table only the line after a blank one can
			 * start one: jump to the next such line that may be a
			 * header */
			pos = next_table_line(s, pos, (uint32_t)own_hi);
			ls = pos;
			if (pos >= own_hi)
				return own_hi;
		}
		/* a row of the table is read once, for its end and its
		 * fields together */
		row_line row = {(uint32_t)own_hi, 0};
		if (s->table.active && ls == pos) {
			row = scan_row_line(s, ls, (uint32_t)own_hi,
					    s->table.delim);
		} else {
			const uint8_t *nl =
			    memchr(s->win + pos, '\n', own_hi - pos);
			if (nl)
				row.end = (uint32_t)(nl - s->win);
		}
		uint32_t end = row.end;
		if (end == own_hi && !final) {
			/* a line after a blank one may be a header: the next
			 * window reads it whole (it starts there, after the
			 * blank line), or it would be this window's to judge
			 * and the next one's to skip */
			if (!s->table.active && ls != UINT32_MAX &&
			    ls > own_lo && after_blank(s, ls))
				return ls;
			return share_end(s, own_lo, own_hi, ls);
		}
		if (ls == UINT32_MAX || ls + ROW_MAX_BYTES <= end) {
			/* a line longer than we keep: no table row */
		} else if (s->table.active) {
			end = read_row(s, ls, end, (uint32_t)own_hi, final,
				       row.fields);
			if (end == UINT32_MAX)
				return share_end(s, own_lo, own_hi, ls);
		} else if (header_candidate(s, ls, end)) {
			if (!final && ls > own_lo && !row_after_in_view(s, end))
				return ls; /* the next window reads it whole */
			uint32_t n = end - ls;
			if (n > 0 && s->win[end - 1] == '\r')
				n--;
			try_header(s, ls, n);
		}
		pos = end + 1;
		ls = pos;
	}
	return final ? own_hi : share_end(s, own_lo, own_hi, UINT32_MAX);
}
