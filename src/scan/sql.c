/* sql.c: SQL dumps (mysqldump, MariaDB, pg_dump, sqlite3 .dump) read as
 * tables. A dump's people are the rows of its INSERT statements (or a
 * COPY block's lines), under the column names its CREATE TABLE gave (or
 * the INSERT's own list): each table's rows are laid out as tab-separated
 * rows under a header of those names, so that the detectors read the
 * columns as a CSV's, and named as a member ("dump.sql!/customers": line 1
 * the names, line N the table's (N-1)th row). UPDATE and DELETE
 * statements, which may hold values too, are read as text
 * ("dump.sql!/(UPDATE/DELETE)"). Read one statement at a time, whatever
 * the dump's size. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libintl.h>

#include "scan_int.h"
#include "util/util.h"

#define _(s) dgettext("leakguard", s)

#define SQL_CHUNK	  (1u << 16)
#define SQL_MAX_STATEMENT (64u << 20) /* bytes; a longer one is skipped */
#define SQL_MAX_TABLES	  4096
#define SQL_MAX_NAME	  128

/* ---- telling a dump ------------------------------------------------------
 */
static bool word_at(const uint8_t *p, size_t n, const char *w)
{
	size_t l = strlen(w);
	return n >= l && !lg_ascii_ncasecmp((const char *)p, w, l) &&
	       (n == l || !lg_is_alnum(p[l]));
}

/* Past blank lines and "--" comment lines at p. */
static size_t past_comments(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			i++;
		else if (n - i >= 2 && p[i] == '-' && p[i + 1] == '-') {
			const uint8_t *nl = memchr(p + i, '\n', n - i);
			i = nl ? (size_t)(nl - p) + 1 : n;
		} else
			break;
	}
	return i;
}

bool scan_is_sql_dump(const uint8_t *p, size_t n)
{
	static const char *const banners[] = {
	    "-- MySQL dump", "-- MariaDB dump", "-- PostgreSQL database dump",
	    "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;"};
	if (!n)
		return false; /* p may be NULL then (an empty attachment) */
	/* on a dump's first lines: every file's head is asked */
	size_t head = n < 256 ? n : 256;
	for (size_t i = 0; i < sizeof(banners) / sizeof(*banners); i++)
		if (memmem(p, head, banners[i], strlen(banners[i])))
			return true;
	/* else its first line is a statement of a dump's, whole (ending in
	 * ;: not prose that starts "Set up"), and rows or a table follow */
	static const char *const first[] = {"INSERT", "CREATE", "DROP",	 "LOCK",
					    "SET",    "BEGIN",	"START", "USE"};
	size_t i = past_comments(p, n);
	bool dumpish = false;
	for (size_t k = 0; k < sizeof(first) / sizeof(*first); k++)
		dumpish |= word_at(p + i, n - i, first[k]);
	const uint8_t *nl = memchr(p + i, '\n', n - i);
	size_t e = nl ? (size_t)(nl - p) : n;
	while (e > i && (p[e - 1] == '\r' || p[e - 1] == ' '))
		e--;
	if (!dumpish || e == i || p[e - 1] != ';')
		return false;
	for (size_t k = i; k + 11 <= n; k++)
		if ((p[k] | 0x20) == 'i' || (p[k] | 0x20) == 'c')
			if (word_at(p + k, n - k, "INSERT INTO") ||
			    word_at(p + k, n - k, "CREATE TABLE"))
				return true;
	return false;
}

/* ---- the reader ----------------------------------------------------------
 */
typedef struct sql_table {
	char name[SQL_MAX_NAME];
	char *header; /* the column names, tab-separated, a newline after */
} sql_table;

typedef enum {
	RUN_NONE,
	RUN_ROWS, /* a table's rows */
	RUN_TEXT  /* statements read as text (UPDATE, DELETE) */
} run_kind;

typedef struct sql_reader {
	scan_source *in;
	uint8_t buf[SQL_CHUNK];
	size_t len, pos;
	uint64_t consumed; /* input bytes before buf[0] */
	bool eof;
	int err;	   /* a read's errno */
	bool backslash;	   /* strings escape with \ (MySQL), not only '' */
	bool sjis;	   /* Shift_JIS: a \ may be a character's second byte */
	bool stop[3][256]; /* quote_stops' */
	lg_buf stmt;	   /* the statement read last, without its ; */
	uint64_t stmt_at;
	bool copy;	 /* COPY … FROM stdin: lines are rows */
	bool copy_start; /* the statement's line is not yet read past */
	char copy_table[SQL_MAX_NAME];
	bool oom, too_long, cut, damaged;
	uint64_t damaged_at;
	sql_table *tables;
	size_t ntables;
	/* the run the scan reads now, and the one the statement held
	 * starts (pending) */
	run_kind kind;
	char table[SQL_MAX_NAME];
	char *header; /* its header line, or NULL */
	bool pending;
	lg_buf out;  /* what the scan has not read yet */
	lg_buf cell; /* a string's value, unescaped */
	size_t out_pos;
} sql_reader;

static bool refill(sql_reader *r)
{
	if (r->eof)
		return false;
	r->consumed += r->len;
	r->len = r->pos = 0;
	ssize_t n = r->in->read(r->in->ctx, r->buf, sizeof(r->buf));
	if (n <= 0) {
		r->eof = true;
		r->err = n < 0		 ? errno
			 : r->in->failed ? r->in->failed(r->in->ctx)
					 : 0;
		return false;
	}
	r->len = (size_t)n;
	return true;
}

static int peek_byte(sql_reader *r)
{
	if (r->pos == r->len && !refill(r))
		return -1;
	return r->buf[r->pos];
}

static int next_byte(sql_reader *r)
{
	int c = peek_byte(r);
	if (c >= 0)
		r->pos++;
	return c;
}

/* Keeps p[0..n) in the statement, up to SQL_MAX_STATEMENT bytes. */
static void keep_span(sql_reader *r, const uint8_t *p, size_t n)
{
	if (r->stmt.len + n > SQL_MAX_STATEMENT) {
		r->too_long = r->cut = true;
		n = SQL_MAX_STATEMENT - r->stmt.len;
	}
	if (n && !lg_buf_append(&r->stmt, p, n))
		r->oom = true;
}

static void keep(sql_reader *r, int c)
{
	uint8_t b = (uint8_t)c;
	keep_span(r, &b, 1);
}

/* Keeps the bytes from where the reader stands up to the first that
 * stop[] marks (left unread), a chunk's run at a time. */
static void keep_until(sql_reader *r, const bool stop[256])
{
	for (;;) {
		if (r->pos == r->len && !refill(r))
			return;
		size_t i = r->pos;
		while (i < r->len && !stop[r->buf[i]])
			i++;
		keep_span(r, r->buf + r->pos, i - r->pos);
		r->pos = i;
		if (i < r->len)
			return;
	}
}

/* Whether c leads a two-byte character of Shift_JIS (when sjis): its
 * second byte may be \ (0x5C), which then escapes nothing. */
static bool sjis_lead(bool sjis, int c)
{
	return sjis && ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC));
}

/* A quoted string or name up to its closing quote q, kept whole: '' (and,
 * in MySQL's strings, \') is no end. */
static void read_quoted(sql_reader *r, int q)
{
	keep(r, q);
	const bool *stop = r->stop[q == '\'' ? 0 : q == '"' ? 1 : 2];
	for (int c; keep_until(r, stop), (c = next_byte(r)) >= 0;) {
		keep(r, c);
		if (sjis_lead(r->sjis, c)) { /* 表 is 95 5C: no escape */
			if ((c = next_byte(r)) >= 0)
				keep(r, c);
		} else if (c == '\\' && q == '\'' && r->backslash) {
			if ((c = next_byte(r)) >= 0)
				keep(r, c);
		} else if (c == q) {
			if (peek_byte(r) != q)
				return;
			keep(r, next_byte(r));
		}
	}
}

static void skip_line(sql_reader *r)
{
	for (int c; (c = next_byte(r)) >= 0 && c != '\n';)
		;
}

static void skip_block_comment(sql_reader *r)
{
	for (int c, last = 0; (c = next_byte(r)) >= 0; last = c)
		if (last == '*' && c == '/')
			return;
}

/* The bytes a statement's plain run stops at: its end, quotes, comments. */
static const bool plain_stop[256] = {
    [';'] = 1, ['\''] = 1, ['"'] = 1, ['`'] = 1,
    ['-'] = 1, ['#'] = 1,  ['/'] = 1};

/* The bytes a quoted run stops at, for ' " ` (r->stop): its quote, \ in
 * MySQL's strings, a Shift_JIS character's first byte in such a dump. */
static void quote_stops(sql_reader *r)
{
	static const char quotes[3] = {'\'', '"', '`'};
	for (int k = 0; k < 3; k++) {
		memset(r->stop[k], 0, sizeof(r->stop[k]));
		r->stop[k][(uint8_t)quotes[k]] = true;
		r->stop[k]['\\'] = k == 0 && r->backslash;
		for (int c = 0x81; c <= 0xFC; c++)
			r->stop[k][c] |= sjis_lead(r->sjis, c);
	}
}

/* The next statement into r->stmt, without comments and its ;. False at
 * the end with nothing read. */
static bool read_statement(sql_reader *r)
{
	lg_buf_reset(&r->stmt);
	r->too_long = false;
	for (int c; (c = next_byte(r)) >= 0;) {
		if (!r->stmt.len && (c == ' ' || c == '\t' || c == '\r' ||
				     c == '\n' || c == ';')) {
			continue;
		}
		if (!r->stmt.len)
			r->stmt_at = r->consumed + r->pos - 1;
		if (c == ';')
			return true;
		if (!strchr("'\"`-#/", c)) { /* and its run of plain bytes */
			keep(r, c);
			keep_until(r, plain_stop);
			continue;
		}
		if (c == '\'' || c == '"' || c == '`') {
			read_quoted(r, c);
		} else if (c == '-' && peek_byte(r) == '-') {
			skip_line(r);
			keep(r, '\n');
		} else if (c == '#' && r->backslash) {
			skip_line(r);
			keep(r, '\n');
		} else if (c == '/' && peek_byte(r) == '*') {
			next_byte(r);
			skip_block_comment(r);
			keep(r, ' ');
		} else {
			keep(r, c);
		}
	}
	return r->stmt.len > 0;
}

/* A COPY block's next line into r->stmt (no line end); false at its end
 * (\.) or the dump's. */
static bool read_copy_line(sql_reader *r)
{
	if (r->copy_start) {
		skip_line(r);
		r->copy_start = false;
	}
	lg_buf_reset(&r->stmt);
	r->stmt_at = r->consumed + r->pos;
	int c;
	while ((c = next_byte(r)) >= 0 && c != '\n')
		if (c != '\r')
			keep(r, c);
	if (c < 0 && !r->stmt.len)
		return false;
	return !(r->stmt.len == 2 && !memcmp(r->stmt.data, "\\.", 2));
}

/* ---- statements as tokens ------------------------------------------------
 */
typedef struct tok {
	const char *p;
	size_t n;
	char kind; /* 'w' word, 'n' number, 's' string, 'q' quoted name,
		      'p' punctuation, 0 the end */
} tok;

typedef struct lexer {
	const char *s;
	size_t n, i;
	bool backslash, sjis;
} lexer;

static bool word_byte(unsigned char c)
{
	return lg_is_alnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static size_t quoted_end(const lexer *x, size_t i, char q)
{
	for (i++; i < x->n; i++) {
		if (sjis_lead(x->sjis, (unsigned char)x->s[i]) ||
		    (x->s[i] == '\\' && q == '\'' && x->backslash))
			i++;
		else if (x->s[i] == q) {
			if (i + 1 < x->n && x->s[i + 1] == q)
				i++;
			else
				return i;
		}
	}
	return x->n; /* cut short */
}

static tok next_tok(lexer *x)
{
	while (x->i < x->n && lg_is_space((unsigned char)x->s[x->i]))
		x->i++;
	tok t = {x->s + x->i, 0, 0};
	if (x->i >= x->n)
		return t;
	char c = x->s[x->i];
	size_t e = x->i + 1;
	if (c == '\'' || c == '"' || c == '`') {
		e = quoted_end(x, x->i, c);
		t.p++;
		t.n = e - x->i - 1;
		t.kind = c == '\'' ? 's' : 'q';
		x->i = e < x->n ? e + 1 : e;
		return t;
	}
	if (lg_is_digit((unsigned char)c) ||
	    ((c == '-' || c == '+' || c == '.') && e < x->n &&
	     lg_is_digit((unsigned char)x->s[e]))) {
		while (e < x->n &&
		       (lg_is_alnum((unsigned char)x->s[e]) || x->s[e] == '.' ||
			((x->s[e] == '-' || x->s[e] == '+') &&
			 (x->s[e - 1] | 0x20) == 'e')))
			e++;
		t.kind = 'n';
	} else if (word_byte((unsigned char)c)) {
		while (e < x->n && word_byte((unsigned char)x->s[e]))
			e++;
		t.kind = 'w';
	} else {
		t.kind = 'p';
	}
	t.n = e - x->i;
	x->i = e;
	return t;
}

static bool is_word(tok t, const char *w)
{
	return t.kind == 'w' && strlen(w) == t.n &&
	       !lg_ascii_ncasecmp(t.p, w, t.n);
}

static bool is_punct(tok t, char c)
{
	return t.kind == 'p' && t.p[0] == c;
}

/* A table's name (db.table, "schema"."table"): its last part, in
 * name[]; the token after it in *after. */
static bool table_name(lexer *x, char name[SQL_MAX_NAME], tok *after)
{
	tok t = next_tok(x);
	if (t.kind != 'w' && t.kind != 'q')
		return false;
	for (;;) {
		size_t n = t.n < SQL_MAX_NAME - 1 ? t.n : SQL_MAX_NAME - 1;
		memcpy(name, t.p, n);
		name[n] = '\0';
		*after = next_tok(x);
		if (!is_punct(*after, '.'))
			return true;
		t = next_tok(x);
		if (t.kind != 'w' && t.kind != 'q')
			return false;
	}
}

/* ---- values as a row -----------------------------------------------------
 */
/* Appends a value's text to out as one cell (scan_tsv_cell), a string
 * unescaped first. */
static void put_cell(sql_reader *r, const char *p, size_t n, bool string)
{
	if (!string) {
		scan_tsv_cell(&r->out, &r->oom, p, n);
		return;
	}
	lg_buf_reset(&r->cell);
	if (!lg_buf_reserve(&r->cell, n)) {
		r->oom = true;
		return;
	}
	char *d = r->cell.data;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (sjis_lead(r->sjis, (unsigned char)c) && i + 1 < n) {
			d[o++] = c;
			c = p[++i];
		} else if (c == '\\' && r->backslash && i + 1 < n) {
			c = p[++i];
			c = strchr("nrt0", c) ? ' ' : c;
		} else if (c == '\'' && i + 1 < n && p[i + 1] == '\'') {
			i++;
		}
		d[o++] = c;
	}
	r->cell.len = o;
	d[o] = '\0';
	scan_tsv_cell(&r->out, &r->oom, r->cell.data ? r->cell.data : "",
		      r->cell.len);
}

/* One value of a tuple, up to the , or ) at its depth: the string in it
 * (after an introducer such as _utf8mb4 or a cast), NULL as nothing,
 * else its text. False when the statement ends first. */
static bool put_value(sql_reader *r, lexer *x, tok *end)
{
	tok t, str = {0};
	size_t from = x->i;
	int depth = 0;
	bool null = false;
	for (;;) {
		size_t at = x->i;
		t = next_tok(x);
		if (!t.kind)
			return false;
		if (depth == 0 && (is_punct(t, ',') || is_punct(t, ')'))) {
			*end = t;
			if (str.kind == 's')
				put_cell(r, str.p, str.n, true);
			else if (!null)
				put_cell(r, x->s + from, at - from, false);
			return true;
		}
		depth += is_punct(t, '(') - is_punct(t, ')');
		if (t.kind == 's' && str.kind != 's')
			str = t;
		null |= is_word(t, "NULL");
	}
}

/* The tuples of a VALUES list as rows, each on its line. */
static bool put_tuples(sql_reader *r, lexer *x)
{
	for (;;) {
		tok t = next_tok(x);
		if (!t.kind || !is_punct(t, '('))
			return !t.kind ||
			       is_word(t, "ON"); /* ON DUPLICATE KEY */
		for (bool first = true;; first = false) {
			if (!first && !lg_buf_putc(&r->out, '\t'))
				r->oom = true;
			tok end;
			if (!put_value(r, x, &end))
				return false;
			if (is_punct(end, ')'))
				break;
		}
		if (!lg_buf_putc(&r->out, '\n'))
			r->oom = true;
		t = next_tok(x);
		if (!t.kind)
			return true;
		if (!is_punct(t, ','))
			return is_word(t, "ON");
	}
}

/* A COPY line (pg_dump's text format) as a row: \N as nothing, its
 * escapes undone, \t and \n as spaces. */
static void put_copy_line(sql_reader *r)
{
	const char *p = r->stmt.data ? r->stmt.data : "";
	size_t n = r->stmt.len;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\\' && i + 1 < n) {
			c = p[++i];
			if (c == 'N')
				continue;
			c = strchr("ntrbfv", c) ? ' ' : c;
		}
		if (!lg_buf_putc(&r->out, c))
			r->oom = true;
	}
	if (!lg_buf_putc(&r->out, '\n'))
		r->oom = true;
}

/* ---- tables --------------------------------------------------------------
 */
static sql_table *find_table(sql_reader *r, const char *name)
{
	for (size_t i = r->ntables; i-- > 0;)
		if (!strcmp(r->tables[i].name, name))
			return &r->tables[i];
	return NULL;
}

/* The column names of a list "(a, b, c)" after its (, as a header line. */
static char *column_list(lexer *x)
{
	lg_buf h = {0};
	bool ok = true;
	for (tok t; (t = next_tok(x)).kind && !is_punct(t, ')');) {
		if (t.kind == 'w' || t.kind == 'q') {
			ok &= (!h.len || lg_buf_putc(&h, '\t')) &&
			      lg_buf_append(&h, t.p, t.n);
		}
	}
	ok &= lg_buf_putc(&h, '\n');
	if (!ok) {
		lg_buf_free(&h);
		return NULL;
	}
	return h.data;
}

static bool keyword_item(tok t)
{
	static const char *const words[] = {
	    "PRIMARY", "KEY",	   "UNIQUE",  "CONSTRAINT", "INDEX", "FOREIGN",
	    "CHECK",   "FULLTEXT", "SPATIAL", "EXCLUDE",    "LIKE",  "PERIOD"};
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (is_word(t, words[i]))
			return true;
	return false;
}

/* CREATE TABLE name (col type …, …): its column names kept. */
static void create_table(sql_reader *r, lexer *x)
{
	size_t before = x->i;
	tok t = next_tok(x);
	if (is_word(t, "IF")) { /* IF NOT EXISTS */
		for (int k = 0; k < 2; k++)
			next_tok(x);
	} else {
		x->i = before;
	}
	char name[SQL_MAX_NAME];
	if (!table_name(x, name, &t) || !is_punct(t, '('))
		return;
	lg_buf h = {0};
	bool ok = true;
	int depth = 1;
	bool item_start = true;
	while (depth > 0 && (t = next_tok(x)).kind) {
		if (item_start && depth == 1 &&
		    (t.kind == 'w' || t.kind == 'q') &&
		    !(t.kind == 'w' && keyword_item(t)))
			ok &= (!h.len || lg_buf_putc(&h, '\t')) &&
			      lg_buf_append(&h, t.p, t.n);
		item_start = depth == 1 && is_punct(t, ',');
		depth += is_punct(t, '(') - is_punct(t, ')');
	}
	ok &= lg_buf_putc(&h, '\n');
	sql_table *tb = find_table(r, name);
	if (!tb && ok && r->ntables < SQL_MAX_TABLES) {
		sql_table *v =
		    realloc(r->tables, (r->ntables + 1) * sizeof(*v));
		if (v) {
			r->tables = v;
			tb = &v[r->ntables++];
			memcpy(tb->name, name, sizeof(name));
			tb->header = NULL;
		}
	}
	if (tb && ok) {
		free(tb->header);
		tb->header = h.data;
		return;
	}
	r->oom |= !ok;
	lg_buf_free(&h);
}

/* ---- statements as runs --------------------------------------------------
 */
typedef struct stmt_kind {
	run_kind kind;
	char table[SQL_MAX_NAME];
	lexer at;      /* where its rows start (after VALUES) */
	char *columns; /* its own column list, as a header; or NULL */
} stmt_kind;

/* INSERT [IGNORE] INTO name [(columns)] VALUES …, REPLACE likewise. */
static bool insert_head(lexer *x, stmt_kind *k)
{
	size_t before = x->i;
	tok t = next_tok(x);
	while (is_word(t, "LOW_PRIORITY") || is_word(t, "DELAYED") ||
	       is_word(t, "HIGH_PRIORITY") || is_word(t, "IGNORE") ||
	       is_word(t, "OR") || is_word(t, "REPLACE") ||
	       is_word(t, "INTO")) {
		before = x->i;
		t = next_tok(x);
	}
	x->i = before; /* the name, read again */
	if (!table_name(x, k->table, &t))
		return false;
	if (is_punct(t, '(')) {
		k->columns = column_list(x);
		t = next_tok(x);
	}
	if (!is_word(t, "VALUES") && !is_word(t, "VALUE")) {
		free(k->columns);
		k->columns = NULL;
		return false;
	}
	k->at = *x;
	return true;
}

/* What the statement read last is to the runs. */
static stmt_kind classify(sql_reader *r)
{
	stmt_kind k = {.kind = RUN_NONE};
	lexer x = {r->stmt.data ? r->stmt.data : "", r->stmt.len, 0,
		   r->backslash, r->sjis};
	tok t = next_tok(&x);
	if (is_word(t, "INSERT") || is_word(t, "REPLACE")) {
		if (insert_head(&x, &k))
			k.kind = RUN_ROWS;
	} else if (is_word(t, "CREATE")) {
		tok u = next_tok(&x);
		while (is_word(u, "TEMPORARY") || is_word(u, "UNLOGGED"))
			u = next_tok(&x);
		if (is_word(u, "TABLE"))
			create_table(r, &x);
	} else if (is_word(t, "COPY")) {
		tok after;
		if (table_name(&x, k.table, &after)) {
			k.columns =
			    is_punct(after, '(') ? column_list(&x) : NULL;
			/* its lines follow, from the next */
			r->copy = r->copy_start = true;
			k.kind = RUN_ROWS;
			k.at = x;
			k.at.i = k.at.n; /* no rows in the statement */
		}
	} else if (is_word(t, "UPDATE") || is_word(t, "DELETE")) {
		k.kind = RUN_TEXT;
	}
	return k;
}

/* Writes the statement classified as k into out: a run's rows (and, at
 * the run's start, its header), or the statement as text. */
static void put_statement(sql_reader *r, stmt_kind *k, bool starts)
{
	if (k->kind == RUN_TEXT) {
		if (!lg_buf_append(&r->out, r->stmt.data, r->stmt.len) ||
		    !lg_buf_puts(&r->out, ";\n"))
			r->oom = true;
		return;
	}
	if (starts && r->header && !lg_buf_puts(&r->out, r->header))
		r->oom = true;
	if (!put_tuples(r, &k->at) && !r->damaged) {
		r->damaged = true;
		r->damaged_at = r->stmt_at;
	}
}

/* The header a statement's rows go under: its own column list, or its
 * table's. */
static const char *header_of(sql_reader *r, const stmt_kind *k)
{
	const sql_table *tb = k->columns ? NULL : find_table(r, k->table);
	return k->columns ? k->columns : tb ? tb->header : NULL;
}

/* Whether k's rows go on in the run: the same table under the same
 * column names (an INSERT naming other columns starts another). */
static bool same_run(sql_reader *r, const stmt_kind *k)
{
	if (r->kind != k->kind || k->kind == RUN_TEXT)
		return r->kind == k->kind;
	const char *h = header_of(r, k);
	return !strcmp(r->table, k->table) &&
	       (h && r->header ? !strcmp(h, r->header) : h == r->header);
}

/* Reads on until out holds something of the run, or it ends: false at
 * its end (the next run's statement then pending, or the dump's end). */
static bool fill_run(sql_reader *r)
{
	while (r->out_pos == r->out.len && !r->pending && !r->oom) {
		lg_buf_reset(&r->out);
		r->out_pos = 0;
		if (r->copy) {
			if (read_copy_line(r))
				put_copy_line(r);
			else
				r->copy = false;
			continue;
		}
		if (!read_statement(r))
			return false;
		stmt_kind k = classify(r);
		if (k.kind == RUN_NONE) {
			free(k.columns);
			continue;
		}
		if (!same_run(r, &k)) { /* classified again by next_run */
			r->copy = false;
			r->pending = true;
			free(k.columns);
			return false;
		}
		put_statement(r, &k, false);
		free(k.columns);
	}
	return r->out_pos < r->out.len;
}

static ssize_t run_read(void *ctx, uint8_t *buf, size_t cap)
{
	sql_reader *r = ctx;
	size_t got = 0;
	while (got < cap && fill_run(r)) {
		size_t k = r->out.len - r->out_pos;
		k = k < cap - got ? k : cap - got;
		memcpy(buf + got, r->out.data + r->out_pos, k);

		r->out_pos += k;
		got += k;
	}
	return (ssize_t)got;
}

/* The next run: its first statement (pending, or read now) written to
 * out. False at the dump's end. */
static bool next_run(sql_reader *r)
{
	for (;;) {
		if (!r->pending && !read_statement(r))
			return false;
		r->pending = false;
		stmt_kind k = classify(r);
		if (k.kind == RUN_NONE) {
			free(k.columns);
			continue;
		}
		lg_buf_reset(&r->out);
		r->out_pos = 0;
		r->kind = k.kind;
		memcpy(r->table, k.table, sizeof(r->table));
		free(r->header);
		const char *h = k.kind == RUN_ROWS ? header_of(r, &k) : NULL;
		r->header = h ? strdup(h) : NULL;
		put_statement(r, &k, true);
		free(k.columns);
		return true;
	}
}

/* The run's name as findings give it: its table's, in UTF-8 (a Shift_JIS
 * dump's 社員 converted), or "(UPDATE/DELETE)", which no table is named
 * unquoted. */
static void table_display(const sql_reader *r, char *out, size_t cap)
{
	if (r->kind != RUN_ROWS) {
		lg_copy_cut(out, cap, "(UPDATE/DELETE)");
		return;
	}
	lg_copy_cut(out, cap, r->table);
	iconv_t cd = r->sjis ? iconv_open("UTF-8", "CP932") : (iconv_t)-1;
	if (cd == (iconv_t)-1)
		return;
	char *in = (char *)r->table, *o = out;
	size_t il = strlen(r->table), ol = cap - 1;
	if (iconv(cd, &in, &il, &o, &ol) != (size_t)-1)
		*o = '\0';
	else
		lg_copy_cut(out, cap, r->table);
	iconv_close(cd);
}

/* Whether a dump's first bytes set its client charset to Shift_JIS
 * (mysqldump's SET NAMES sjis or cp932). */
static bool names_sjis(const uint8_t *p, size_t n)
{
	static const char *const w[] = {"NAMES sjis", "NAMES cp932"};
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 2; k++)
			if ((p[i] | 0x20) == 'n' && n - i >= strlen(w[k]) &&
			    !lg_ascii_ncasecmp((const char *)p + i, w[k],
					       strlen(w[k])))
				return true;
	return false;
}

void scan_sql(scan_worker *w, scan_job *j, scan_source *in)
{
	sql_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		scan_report(w, j, true, ENOMEM, _("out of memory"));
		return;
	}
	r->in = in;
	r->backslash = true; /* MySQL's, unless the dump is PostgreSQL's */
	if (refill(r)) {
		r->backslash = !memmem(r->buf, r->len, "PostgreSQL", 10) &&
			       !memmem(r->buf, r->len, "PRAGMA", 6);
		r->sjis = names_sjis(r->buf, r->len);
		r->consumed = 0;
	}
	quote_stops(r);
	const char *base = w->member ? w->member : j->path;
	char *keep = w->member;
	while (!seq_stopped(w->seq) && next_run(r)) {
		char *display = NULL, name[3 * SQL_MAX_NAME];
		table_display(r, name, sizeof(name));
		if (asprintf(&display, "%s!/%s", base, name) < 0)
			break;
		w->member = display;
		scan_source src = {run_read, r, NULL};
		scan_text(w, j, &src);
		w->member = keep;
		free(display);
		/* a run the scan stopped early: what it left is skipped */
		while (fill_run(r))
			r->out_pos = r->out.len;
	}
	if (r->cut)
		scan_report(w, j, false, 0,
			    _("an SQL statement over 64 MB was read in part"));
	if (r->damaged) {
		char msg[256];
		snprintf(msg, sizeof(msg),
			 _("an SQL statement could not be read to its end, "
			   "from byte %llu"),
			 (unsigned long long)r->damaged_at);
		scan_report(w, j, false, 0, msg);
	}
	if (r->err)
		scan_read_failed(w, j, r->err, r->consumed);
	if (r->oom)
		scan_report(w, j, true, ENOMEM, _("out of memory"));
	for (size_t i = 0; i < r->ntables; i++)
		free(r->tables[i].header);
	free(r->tables);
	free(r->header);
	lg_buf_free(&r->stmt);
	lg_buf_free(&r->out);
	lg_buf_free(&r->cell);
	free(r);
}
