/* test_table.c: the table pass (table.c) has fast paths (64-byte masks
 * that skip prose, rows counted many to a pass, AVX2 and AVX-512 copies,
 * column look-ups that reuse the last one's row). Each must find exactly
 * what the plain path finds: random texts of prose, blank lines and CSV
 * blocks, scanned with each path the CPU has (lg_cpu_limit), give the same
 * findings as the reference (lg_table_reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/engine_int.h"
#include "findings.h"
#include "leakguard/detect.h"
#include "util/util.h"

static lg_detector *det;

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	lg_detect_config cfg = {0.01, 0}; /* every confidence reported */
	det = lg_detector_new(&cfg, err, sizeof(err));
	if (!det) {
		fprintf(stderr, "lg_detector_new: %s\n", err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	lg_detector_free(det);
	return 0;
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

#define PICK(seed, a) ((a)[rnd(seed, sizeof(a) / sizeof(*(a)))])

/* A column's name and the cells under it. */
typedef struct column {
	const char *name;
	const char *cells[4];
} column;

static const column columns[] = {
    {"氏名", {"山田 太郎", "佐藤花子", "鈴木 一郎", "お客様"}},
    {"口座番号", {"1234567", "7654321", "0012345", "12345"}},
    {"郵便番号", {"100-0001", "1500002", "530-0001", "12-345"}},
    {"個人番号", {"621498320257", "123456789018", "1234 5678 9012", "x"}},
    {"注文番号", {"123456789018", "20251027-645590", "ORD-1", ""}},
    {"電話番号", {"090-1234-5678", "03-1234-5678", "0120-178-070", "-"}},
    {"生年月日", {"1980-01-02", "S44.3.7", "昭和63年2月28日", "不明"}},
    {"住所",
     {"東京都千代田区丸の内1-2-3", "大阪府大阪市北区梅田1-1-1", "東京",
      "\"東京都港区芝公園4-2-8, 3F\""}},
    {"メールアドレス", {"a.b@example.co.jp", "x@y", "kinoue@docomo.ne.jp", ""}},
    {"有効期限", {"12/28", "01/30", "2028-12", "13/99"}},
    {"セキュリティコード", {"123", "4567", "12", "abc"}},
    {"備考", {"メモ", "\"a, b\"", "\"line\nbreak, more\"", "\"\""}},
    {"sku", {"SKU-592924", "SKU-1", "7", "\"q\""}},
    {"qty", {"11", "2", "0", "1,000"}},
};

static const char *const prose[] = {
    "Hi all, see notes",
    "Thanks,",
    "We shipped 673 units last week; backlog is down to 2712 orders.",
    "本日の定例会議では第2四半期の売上見込みについて議論しました。",
    "plain words, no digits here",
    "a;b;c",
    "x\ty",
    "{\"id\": 1, \"name\": \"a\"}",
    "# comment, here",
    "口座番号 1234567 に振り込みました",
    "〒150-0002 東京都渋谷区渋谷2-21-1",
    "電話: 090-1234-5678, メール: a@example.com",
    "",
    "\"quoted, prose\"",
    "氏名,口座番号",
    "山田太郎,1234567",
};

/* One line ending: LF, or CRLF. */
static void eol(lg_buf *b, bool crlf)
{
	lg_buf_puts(b, crlf ? "\r\n" : "\n");
}

/* A CSV block: a header of some columns, rows under it (some that do
 * not fit, some shorter), maybe a blank line after it. */
static void table_block(lg_buf *b, uint32_t *seed, bool crlf)
{
	static const char delims[] = {',', ',', '\t', ';'};
	char d = PICK(seed, delims);
	size_t cols[6];
	size_t n = 2 + rnd(seed, 5);
	for (size_t c = 0; c < n; c++) {
		cols[c] = rnd(seed, sizeof(columns) / sizeof(*columns));
		if (c)
			lg_buf_putc(b, d);
		lg_buf_puts(b, columns[cols[c]].name);
	}
	eol(b, crlf);
	size_t rows = rnd(seed, 12);
	for (size_t r = 0; r < rows; r++) {
		uint32_t kind = rnd(seed, 10);
		if (kind == 0) { /* a line that does not fit */
			lg_buf_puts(b, PICK(seed, prose));
			eol(b, crlf);
			continue;
		}
		/* fewer fields (a spreadsheet's), or more (no fit) */
		size_t m = kind == 1 ? 1 + rnd(seed, n) : n;
		if (kind == 2)
			m = n + 1 + rnd(seed, 2);
		if (kind == 3 && rnd(seed, 2) == 0) { /* longer than kept */
			for (size_t i = 0; i < 4090 + rnd(seed, 12); i++)
				lg_buf_putc(b, 'w');
			lg_buf_putc(b, d);
		}
		for (size_t c = 0; c < m; c++) {
			if (c)
				lg_buf_putc(b, d);
			lg_buf_puts(b, PICK(seed, columns[cols[c % n]].cells));
		}
		eol(b, crlf);
	}
	if (rnd(seed, 3))
		eol(b, crlf);
}

/* Text of about len bytes, its prose and tables at random offsets
 * against 64-byte blocks. */
static void random_text(lg_buf *b, uint32_t *seed, size_t len)
{
	bool crlf = rnd(seed, 4) == 0;
	size_t pad = rnd(seed, 70);
	for (size_t i = 0; i < pad; i++)
		lg_buf_putc(b, 'x');
	eol(b, crlf);
	while (b->len < len) {
		uint32_t k = rnd(seed, 12);
		if (k < 5) {
			lg_buf_puts(b, PICK(seed, prose));
			eol(b, crlf || rnd(seed, 16) == 0);
		} else if (k < 8) {
			eol(b, crlf); /* a blank line */
		} else if (k < 10) {
			table_block(b, seed, crlf);
		} else if (k == 10) { /* a long line, a delimiter in it */
			size_t n = 60 + rnd(seed, 600);
			for (size_t i = 0; i < n; i++)
				lg_buf_putc(b, i == n / 2 ? ',' : 'w');
			eol(b, crlf);
		} else { /* words to move what follows against the blocks */
			size_t n = rnd(seed, 64);
			for (size_t i = 0; i < n; i++)
				lg_buf_putc(b, (char)('a' + rnd(seed, 26)));
		}
	}
}

static void assert_same(const found *a, const found *b, const char *text,
			int isa)
{
	bool same = a->n == b->n;
	for (size_t i = 0; same && i < a->n; i++) {
		const lg_finding *x = &a->f[i], *y = &b->f[i];
		same = x->type == y->type && x->offset == y->offset &&
		       x->length == y->length &&
		       x->confidence == y->confidence && x->line == y->line &&
		       x->row == y->row && x->column == y->column &&
		       !strcmp(x->value, y->value) &&
		       !strcmp(x->context, y->context);
	}
	if (same)
		return;
	if (strlen(text) < 20000)
		fprintf(stderr, "text: %s\n", text);
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		if (i < a->n)
			fprintf(stderr,
				"  level %d: %s %.3f @%llu row %llu %s\n", isa,
				lg_type_id(a->f[i].type), a->f[i].confidence,
				(unsigned long long)a->f[i].offset,
				(unsigned long long)a->f[i].row, a->f[i].value);
		if (i < b->n)
			fprintf(stderr,
				"  plain:   %s %.3f @%llu row %llu %s\n",
				lg_type_id(b->f[i].type), b->f[i].confidence,
				(unsigned long long)b->f[i].offset,
				(unsigned long long)b->f[i].row, b->f[i].value);
	}
	fail_msg("table.c step %d found what the plain path did not", isa);
}

/* The findings of text at each level the CPU has, against the plain
 * path's; returns how many findings came from columns (a name, an
 * account, a postal code in a column). */
static size_t compare_levels(const char *text, size_t len)
{
	lg_table_reference(true);
	found want = scan_n(det, text, len);
	lg_table_reference(false);
	/* the look-ups that reuse the last one's, then with AVX2, AVX-512 */
	for (int k = 0; k < LG_CPU_STEPS; k++) {
		if (!lg_cpu_limit(lg_cpu_step(k)))
			continue;
		found got = scan_n(det, text, len);
		assert_same(&got, &want, text, k);
		free(got.f);
	}
	lg_cpu_limit(LG_CPU_ALL);
	size_t cols = count_of(&want, LG_PERSON_NAME) +
		      count_of(&want, LG_JP_BANK_ACCOUNT) +
		      count_of(&want, LG_CARD_CVV);
	free(want.f);
	return cols;
}

static void fast_paths_find_what_the_plain_path_finds(void **state)
{
	(void)state;
	uint32_t seed = 20261202;
	size_t cols = 0;
	for (int round = 0; round < 600; round++) {
		lg_buf b = {0};
		random_text(&b, &seed, 200 + rnd(&seed, 5000));
		lg_buf_putc(&b, '\0');
		cols += compare_levels(b.data, b.len - 1);
		lg_buf_free(&b);
	}
	/* the texts have tables whose columns decide findings */
	assert_true(cols > 500);
}

/* A row longer than a row is kept is no row: the line-by-line path
 * leaves the count of misfits as it was, and so must the rows counted
 * many to a pass. Three misfits around one end the table, and the phone
 * below is in none (0.7, not a phone column's 0.93). */
static void long_row_leaves_the_misfits(void **state)
{
	(void)state;
	lg_buf b = {0};
	lg_buf_puts(&b, "memo\n\n電話番号,メールアドレス\n"
			"090-1234-5678,a@example.com\nmisfit one\n");
	for (int i = 0; i < 16400; i++) /* table.c's ROW_MAX_BYTES: 16 KiB */
		lg_buf_putc(&b, 'w');
	lg_buf_puts(&b, ",x\nmisfit two\nmisfit three\na,");
	for (int i = 0; i < 300; i++) /* a row that fits, the phone far */
		lg_buf_putc(&b, 'w'); /* from its label in the header */
	lg_buf_puts(&b, "\n090-8765-4321,b@example.com\n");
	for (size_t pad = 0; pad < 64; pad++) {
		lg_buf t = {0};
		for (size_t i = 0; i < pad; i++)
			lg_buf_putc(&t, 'x');
		lg_buf_puts(&t, b.data);
		compare_levels(t.data, t.len);
		found r = scan_n(det, t.data, t.len);
		assert_int_equal(r.n, 2);
		assert_true(r.f[1].confidence < 0.8);
		free(r.f);
		lg_buf_free(&t);
	}
	lg_buf_free(&b);
}

/* Texts over several windows (a window is 1 MiB): tables and rows that
 * one window leaves open, spans and column look-ups per window. */
static void fast_paths_across_windows(void **state)
{
	(void)state;
	uint32_t seed = 7;
	for (int round = 0; round < 2; round++) {
		lg_buf b = {0};
		random_text(&b, &seed, (5u << 20) / 2);
		lg_buf_putc(&b, '\0');
		assert_true(compare_levels(b.data, b.len - 1) > 1000);
		lg_buf_free(&b);
	}
}

/* An export of 150 columns (an EC site's orders, a survey): the header
 * names the columns far to its right too, and a row of 6 KB is a row. */
static void wide_exports_keep_their_columns(void **state)
{
	(void)state;
	lg_buf b = {0};
	for (int c = 0; c < 150; c++) {
		const char *name = c == 120   ? "お届け先氏名"
				   : c == 121 ? "生年月日"
				   : c == 122 ? "口座番号"
					      : NULL;
		if (name)
			lg_buf_puts(&b, name);
		else
			lg_buf_printf(&b, "項目%d", c);
		lg_buf_putc(&b, c == 149 ? '\n' : ',');
	}
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < 150; c++) {
			if (c == 120)
				lg_buf_puts(&b, "佐藤 花子");
			else if (c == 121)
				lg_buf_printf(&b, "1985/04/1%d", r);
			else if (c == 122)
				lg_buf_printf(&b, "765432%d", r);
			else if (r == 1) /* long notes: a row of 6 KB */
				lg_buf_puts(&b,
					    "備考あり。備考あり。備考あり。");
			else
				lg_buf_printf(&b, "x%d", c);
			lg_buf_putc(&b, c == 149 ? '\n' : ',');
		}
	}
	compare_levels(b.data, b.len);
	found r = scan_n(det, b.data, b.len);
	assert_int_equal(count_of(&r, LG_PERSON_NAME), 3);
	assert_int_equal(count_of(&r, LG_BIRTH_DATE), 3);
	assert_int_equal(count_of(&r, LG_JP_BANK_ACCOUNT), 3);
	free(r.f);
	lg_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fast_paths_find_what_the_plain_path_finds),
	    cmocka_unit_test(long_row_leaves_the_misfits),
	    cmocka_unit_test(fast_paths_across_windows),
	    cmocka_unit_test(wide_exports_keep_their_columns),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
