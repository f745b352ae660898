/* fuzz_csv.c: libFuzzer target over the table (CSV/TSV) reader through the
 * detect API. The fuzzer need not find a header: the first byte picks a
 * real one (Japanese or English, commas, tabs or semicolons, quoted), the
 * second how it is framed (BOM, CRLF, a title above it, prose and a blank
 * line above it), and the rest are the rows. The text is scanned whole and
 * in pieces split where the input says, which must give the same findings;
 * every finding must lie inside the text, in text order, without overlap.
 * One input in four is also scanned with its rows pushed across the 1 MiB
 * window boundary (behind neutral rows that fit the header), which must
 * find the same things in the rows as when they sit inside one window.
 * With the header on the first line, the text is also cut between rows
 * as scan -jN cuts a table (the part after reads the header first), and
 * the two parts must find what the whole finds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/detect.h"

#define CONTROL_BYTES 4 /* header, framing, split seed, boundary offset */
#define MAX_FOUND     4096
#define FILLER_ROW    1536
#define WINDOW	      (1u << 20) /* engine.c's CHUNK: where a window ends */

static lg_detector *detector;
static lg_detect_stream *stream;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Header rows as exports write them: the columns a table reader must
 * recognise, the ones that rule numbers out, and lookalikes. */
static const char *const headers[] = {
    "氏名,フリガナ,生年月日,電話番号,メールアドレス",
    "氏名\t郵便番号\t住所\t電話番号",
    "\"カード番号\",\"有効期限\",\"セキュリティコード\",\"氏名\"",
    "個人番号,氏名,生年月日",
    "銀行名,支店名,口座種別,口座番号,口座名義",
    "name,email,phone,birth_date,zip",
    "card_number;expiry;cvv;name",
    "顧客ID,氏名,メールアドレス,注文番号,金額",
    "No.\t氏名\t個人番号\t運転免許証番号\tパスポート番号",
    "会員番号,氏名,住所,電話番号,携帯電話,FAX",
    "Name,Card Number,Expiry,CVV",
    "社員番号;氏名;生年月日;口座番号;在留カード番号",
    "\"氏名\",\"郵便番号\",\"住所\",\"電話番号\",\"メールアドレス\"",
    "ID\tName\tEmail\tPhone\tPostal Code",
    "注文番号,商品コード,数量,単価",
    "氏名 , カード番号 , 有効期限 , セキュリティコード",
};
#define NHEADERS (sizeof(headers) / sizeof(*headers))

/* Framing flags (the second byte). */
#define F_BOM	   0x01 /* Excel's UTF-8 BOM before the header */
#define F_CRLF	   0x02 /* CRLF line ends, the rows' LFs too */
#define F_TITLE	   0x04 /* a title and a date above the header */
#define F_PROSE	   0x08 /* prose, a blank line, then the header */
#define F_BOUNDARY 0x30 /* both bits: also across the window boundary */

static const char title[] = "顧客一覧\n出力日: 2024/04/01\n";
/* more than the six lines table_detect_header looks at: the header is
 * found after the blank line, as a table in the middle of a mail is */
static const char prose[] = "お世話になっております。\n"
			    "ご依頼の名簿をお送りします。\n"
			    "ご確認のほどよろしくお願いします。\n"
			    "なお、一部の列は空欄です。\n"
			    "不明点があればご連絡ください。\n"
			    "以上です。\n"
			    "営業部\n"
			    "\n";

typedef struct text {
	uint8_t *p;
	size_t len, cap;
} text;

/* Room for n more bytes at t->p + t->len. */
static void reserve(text *t, size_t n)
{
	if (t->len + n > t->cap) {
		size_t c = t->cap ? t->cap : 4096;
		while (c < t->len + n)
			c *= 2;
		uint8_t *q = realloc(t->p, c);
		if (!q)
			abort();
		t->p = q;
		t->cap = c;
	}
}

static void put(text *t, const void *s, size_t n)
{
	if (n == 0)
		return; /* s may be NULL */
	reserve(t, n);
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void put_str(text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* Appends s[0..n) with each LF written as the framing says. */
static void put_lines(text *t, const void *s, size_t n, bool crlf)
{
	const uint8_t *p = s, *end = p + n;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
		put(t, p, k);
		if (nl)
			put_str(t, crlf ? "\r\n" : "\n");
		p += k + (nl != NULL);
	}
}

typedef struct found {
	lg_finding f[MAX_FOUND];
	size_t n;
	uint64_t text_len;
	uint64_t last_end;
} found;

/* Every finding, whatever the input: inside the text, in text order, not
 * overlapping the one before, with its strings terminated. */
static int on_finding(const lg_finding *f, void *ud)
{
	found *r = ud;
	if (f->offset + f->length > r->text_len || f->length == 0 ||
	    f->offset < r->last_end || f->line == 0 || f->column == 0 ||
	    f->confidence < 0 || f->confidence > 1 ||
	    f->type >= LG_TYPE_COUNT ||
	    memchr(f->value, 0, sizeof(f->value)) == NULL ||
	    memchr(f->masked, 0, sizeof(f->masked)) == NULL ||
	    memchr(f->context, 0, sizeof(f->context)) == NULL)
		abort();
	r->last_end = f->offset + f->length;
	if (r->n < MAX_FOUND)
		r->f[r->n++] = *f;
	return 0;
}

/* Scans t; pieces are cut at sizes drawn from seed (0: whole). */
static void scan(const text *t, size_t from_piece, unsigned seed, found *r,
		 bool *tabular)
{
	memset(r, 0, sizeof(*r));
	r->text_len = t->len;
	lg_detect_begin(stream, on_finding, r);
	size_t pos = 0;
	if (seed) {
		/* what comes before the rows goes in one piece */
		if (lg_detect_feed(stream, t->p, from_piece) != LG_OK)
			abort();
		pos = from_piece;
	}
	unsigned x = seed;
	while (pos < t->len) {
		size_t n = t->len - pos;
		if (seed) {
			x = x * 1103515245u + 12345u;
			size_t step = (x >> 16) % 61 + ((x >> 8) & 1 ? 0 : 1);
			n = n < step ? n : step; /* empty feeds too */
		}
		if (lg_detect_feed(stream, t->p + pos, n) != LG_OK)
			abort();
		pos += n;
	}
	if (lg_detect_end(stream) != LG_OK)
		abort();
	*tabular = lg_detect_tabular(stream);
}

static bool same_finding(const lg_finding *a, const lg_finding *b,
			 uint64_t shift_a, uint64_t shift_b)
{
	return a->type == b->type &&
	       a->offset - shift_a == b->offset - shift_b &&
	       a->length == b->length && !strcmp(a->value, b->value) &&
	       a->confidence == b->confidence;
}

/* Says which findings differ, for whoever reads the crash, and stops. */
static void mismatch(const char *why, const lg_finding *a, const lg_finding *b)
{
	const lg_finding *f[2] = {a, b};
	fprintf(stderr, "fuzz_csv: %s\n", why);
	for (int i = 0; i < 2; i++) {
		const lg_finding *x = f[i];
		char side = i ? 'b' : 'a';
		if (!x)
			continue;
		fprintf(stderr,
			"  %c: %s at %" PRIu64 "+%" PRIu32 " line %" PRIu64
			" conf %.3f '%s'\n",
			side, lg_type_id(x->type), x->offset, x->length,
			x->line, x->confidence, x->value);
	}
	abort();
}

/* Findings of a and b in their rows (offsets from rows_a / rows_b) and
 * before them (the header's, at the same offsets) must be the same. */
static void compare(const found *a, uint64_t rows_a, const found *b,
		    uint64_t rows_b, uint64_t head_end)
{
	size_t i = 0, k = 0;
	while (i < a->n || k < b->n) {
		const lg_finding *fa = i < a->n ? &a->f[i] : NULL;
		const lg_finding *fb = k < b->n ? &b->f[k] : NULL;
		/* the neutral rows between header and data hold nothing */
		if ((fa && fa->offset >= head_end && fa->offset < rows_a) ||
		    (fb && fb->offset >= head_end && fb->offset < rows_b))
			mismatch("a finding in the neutral rows", fa, fb);
		if (!fa || !fb)
			mismatch("one more finding on one side", fa, fb);
		bool in_rows = fa->offset >= rows_a;
		if (in_rows != (fb->offset >= rows_b) ||
		    !same_finding(fa, fb, in_rows ? rows_a : 0,
				  in_rows ? rows_b : 0))
			mismatch("findings differ", fa, fb);
		i++;
		k++;
	}
}

/* The delimiter of a header and its fields. */
static char header_delim(const char *header, size_t *fields)
{
	char delim = strchr(header, '\t')  ? '\t'
		     : strchr(header, ',') ? ','
		     : strchr(header, ';') ? ';'
					   : ',';
	*fields = 1;
	for (const char *p = header; *p; p++)
		*fields += *p == delim;
	return delim;
}

/* One neutral row of exactly n bytes (as many fields as the header,
 * nothing to find): a long first cell of "■" (no digit, separator or
 * word character, which the number and pattern scanners would stop on),
 * then "-" cells. */
static char squares[2 * FILLER_ROW + 3]; /* "■■■…", the longest cell */

static void put_filler_row(text *t, char delim, size_t fields, size_t n,
			   bool crlf)
{
	size_t rest = 2 * (fields - 1) + 1 + crlf; /* ",-"s and the newline */
	size_t cell = n > rest ? n - rest : 1;
	reserve(t, cell);
	for (size_t k = 0; k < cell % 3; k++)
		t->p[t->len++] = '-';
	memcpy(t->p + t->len, squares, cell / 3 * 3);
	t->len += cell / 3 * 3;
	for (size_t f = 1; f < fields; f++) {
		put(t, &delim, 1);
		put_str(t, "-");
	}
	put_str(t, crlf ? "\r\n" : "\n");
}

/* Neutral rows from the end of t until it is `upto` bytes long (or a
 * little more when the gap is short). Long rows, but shorter than the
 * 4096 bytes a table row may have: few rows to read to reach the end of
 * the first window. */
static void put_filler(text *t, const char *header, size_t upto, bool crlf)
{
	size_t fields;
	char delim = header_delim(header, &fields);
	size_t shortest = 2 * fields + crlf + 1;
	while (t->len < upto) {
		size_t n = upto - t->len;
		if (n > 2 * FILLER_ROW)
			n = FILLER_ROW;
		put_filler_row(t, delim, fields, n < shortest ? shortest : n,
			       crlf);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i + 3 <= sizeof(squares); i += 3)
		memcpy(squares + i, "\xE2\x96\xA0", 3);
	char err[256];
	lg_detect_config cfg = {0.0, 0}; /* every candidate, every type */
	detector = lg_detector_new(&cfg, err, sizeof(err));
	stream = detector ? lg_detect_stream_new(detector) : NULL;
	if (!stream)
		abort();
	return 0;
}

static found whole, pieces, far, part0, part1;

/* Scans p[0..n) whole into r. */
static void scan_bytes(const uint8_t *p, size_t n, found *r, bool *tabular)
{
	text t = {(uint8_t *)p, n, n};
	scan(&t, 0, 0, r, tabular);
}

/* The start of the first record (a row, or a row whose quoted cell
 * carries it over lines) at or after `target` when every record from
 * `from` to it is whole, else 0. */
static size_t cut_row(const text *a, size_t from, size_t target, char delim,
		      unsigned ncols)
{
	for (size_t at = from; at < a->len;) {
		size_t k =
		    lg_table_record_whole(a->p + at, a->len - at, delim, ncols);
		if (!k || k == LG_TABLE_RECORD_UNSEEN)
			return 0;
		if (at >= target)
			return at;
		at += k;
	}
	return 0;
}

/* Where the rows a part after `cut` reads first begin, as segment.c's
 * row_context has it: the last record start 256 bytes or more before the
 * cut, else the first after the header. */
static size_t row_context(const text *a, size_t from, size_t cut, char delim,
			  unsigned ncols)
{
	size_t ctx = from;
	for (size_t at = from; at + 256 <= cut;) {
		ctx = at;
		at +=
		    lg_table_record_whole(a->p + at, a->len - at, delim, ncols);
	}
	return ctx;
}

/* A table cut as scan -jN cuts one: the part after the cut reads the
 * header line and the rows before the cut first (their findings dropped,
 * the rest shifted back). The two parts must find exactly what the whole
 * text finds. */
static void check_cut(const text *a, size_t bom, size_t head_len, size_t rows_a,
		      size_t nrows)
{
	const uint8_t *line = a->p + bom;
	size_t hl = head_len - bom, n = hl;
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	char delim;
	unsigned ncols;
	if (!lg_detect_table_header(stream, line, n, &delim, &ncols))
		return;
	size_t cut = cut_row(a, head_len, rows_a + nrows / 2, delim, ncols);
	if (!cut)
		return;
	size_t ctx = row_context(a, head_len, cut, delim, ncols);
	text b = {0};
	put(&b, line, hl);
	put(&b, a->p + ctx, a->len - ctx);
	size_t prefix = hl + (cut - ctx);
	uint64_t prefix_lines = 1;
	for (size_t i = ctx; i < cut; i++)
		prefix_lines += a->p[i] == '\n';
	bool tab0, tab1, tab_whole;
	scan_bytes(a->p, cut, &part0, &tab0);
	scan_bytes(b.p, b.len, &part1, &tab1);
	scan_bytes(a->p, a->len, &whole, &tab_whole);
	uint64_t lines = 0; /* newlines before the cut */
	for (size_t i = 0; i < cut; i++)
		lines += a->p[i] == '\n';
	size_t k = 0;
	for (size_t i = 0; i < part0.n; i++, k++)
		if (k >= whole.n ||
		    !same_finding(&part0.f[i], &whole.f[k], 0, 0))
			mismatch("a cut table's first part differs",
				 &part0.f[i], k < whole.n ? &whole.f[k] : NULL);
	for (size_t i = 0; i < part1.n; i++) {
		lg_finding f = part1.f[i];
		if (f.offset < prefix)
			continue; /* the prefix's, the first part's */
		f.offset += cut - prefix;
		f.line += lines - prefix_lines;
		if (k >= whole.n || !same_finding(&f, &whole.f[k], 0, 0) ||
		    f.line != whole.f[k].line || f.column != whole.f[k].column)
			mismatch("a cut table's second part differs", &f,
				 k < whole.n ? &whole.f[k] : NULL);
		k++;
	}
	if (k != whole.n || (tab0 || tab1) != tab_whole)
		mismatch("a cut table finds less", NULL,
			 k < whole.n ? &whole.f[k] : NULL);
	free(b.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CONTROL_BYTES)
		return 0;
	const char *header = headers[data[0] % NHEADERS];
	uint8_t flags = data[1];
	bool crlf = flags & F_CRLF;
	unsigned seed = data[2] | 1u;
	const uint8_t *rows = data + CONTROL_BYTES;
	size_t nrows = size - CONTROL_BYTES;

	/* the framing above the header, the header, some neutral rows */
	text head = {0};
	if (flags & F_PROSE)
		put_lines(&head, prose, strlen(prose), crlf);
	if (flags & F_TITLE)
		put_lines(&head, title, strlen(title), crlf);
	if (flags & F_BOM)
		put_str(&head, "\xEF\xBB\xBF");
	put_str(&head, header);
	put_str(&head, crlf ? "\r\n" : "\n");
	size_t head_end = head.len - 1 - crlf; /* before the newline */

	text a = {0};
	put(&a, head.p, head.len);
	/* more than the first six lines and 8 KiB, where a header is looked
	 * for at the start of a text: the rows are as far from it as across
	 * the window boundary */
	put_filler(&a, header, head.len + 8 * FILLER_ROW, crlf);
	size_t rows_a = a.len;
	put_lines(&a, rows, nrows, crlf);

	bool tab_whole, tab_pieces;
	scan(&a, 0, 0, &whole, &tab_whole);
	scan(&a, rows_a, seed, &pieces, &tab_pieces);
	if (tab_whole != tab_pieces)
		mismatch("a table on one side only", NULL, NULL);
	compare(&whole, rows_a, &pieces, rows_a, head_end);

	/* a header on the first line: the text may be cut between rows */
	if (!(flags & (F_PROSE | F_TITLE)))
		check_cut(&a, flags & F_BOM ? 3 : 0, head.len, rows_a, nrows);

	if ((flags & F_BOUNDARY) == F_BOUNDARY) {
		/* the rows start up to 4 KiB before the first window's end
		 * (its last GUARD bytes are the next one's), so that the
		 * boundary falls inside them */
		size_t back = ((size_t)data[3] << 4) % (nrows + 1);
		text b = {0};
		put(&b, head.p, head.len);
		put_filler(&b, header, WINDOW + 1024 - back, crlf);
		size_t rows_b = b.len;
		put_lines(&b, rows, nrows, crlf);
		bool tab_far;
		scan(&b, rows_b, seed, &far, &tab_far);
		if (tab_far != tab_whole)
			mismatch("a table on one side only", NULL, NULL);
		compare(&whole, rows_a, &far, rows_b, head_end);
		free(b.p);
	}
	free(a.p);
	free(head.p);
	return 0;
}
