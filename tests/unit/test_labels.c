/* test_labels.c: the label pass skips the keyword scan of a window that
 * holds none of the literals its type's keywords need (kw_need). The
 * literals must be in every such keyword, the pair filter must let each
 * through, and a detector that skips must score exactly as one that scans
 * every window. */
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

static lg_detector *det;     /* skips windows, as users get it */
static lg_detector *det_ref; /* scans every window */
/* the same two at the default threshold, where bare seven digits without
 * a postal label are dropped before validation (lg_bare_postal_moot) */
static lg_detector *det_def, *det_def_ref;

static int group_setup(void **state)
{
	(void)state;
	char err[256];
	lg_detect_config cfg = {0.01, 0}; /* every confidence reported */
	det = lg_detector_new(&cfg, err, sizeof(err));
	det_ref = lg_detector_new(&cfg, err, sizeof(err));
	lg_detect_config def = {0.5, 0};
	det_def = lg_detector_new(&def, err, sizeof(err));
	det_def_ref = lg_detector_new(&def, err, sizeof(err));
	if (!det || !det_ref || !det_def || !det_def_ref) {
		fprintf(stderr, "lg_detector_new: %s\n", err);
		return -1;
	}
	det_ref->kw_scan_all = true;
	det_def_ref->kw_scan_all = true;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	lg_detector_free(det);
	lg_detector_free(det_ref);
	lg_detector_free(det_def);
	lg_detector_free(det_def_ref);
	return 0;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* w holds the n bytes of lit, ASCII letters in either case */
static bool holds(const char *w, const char *lit, size_t n)
{
	for (size_t i = 0; i + n <= strlen(w); i++) {
		size_t k = 0;
		while (k < n && lower((unsigned char)w[i + k]) ==
				    lower((unsigned char)lit[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* The pair filter lets byte pair (x, y) through for literal j. */
static bool pair_passes(const kw_need *k, unsigned j, uint8_t x, uint8_t y)
{
	unsigned m = k->nib[0][x & 15] & k->nib[1][x >> 4] & k->nib[2][y & 15] &
		     k->nib[3][y >> 4];
	return (m >> j) & 1u;
}

/* Every keyword that could change a type's score holds one of its need
 * set's literals (else a window with only that keyword would be skipped
 * and scored wrongly); each literal's pair passes the filter in either
 * case; the sets the sparse text leans on are checkable at all. */
static void need_sets_cover_their_keywords(void **state)
{
	(void)state;
	for (unsigned t = 0; t < LG_TYPE_COUNT; t++) {
		for (unsigned strong = 0; strong < 2; strong++) {
			const kw_need *k = &det->kw_need[t][strong];
			if (k->scan)
				continue;
			assert_true(k->n <= KW_NEED_MAX);
			for (unsigned j = 0; j < k->n; j++) {
				const char *w = k->lit[j].word;
				unsigned at = k->lit[j].at;
				assert_true(at + 1u < k->lit[j].len);
				uint8_t x = (uint8_t)w[at],
					y = (uint8_t)w[at + 1];
				assert_true(pair_passes(k, j, x, y));
				assert_true(
				    pair_passes(k, j, lower(x), lower(y)));
				if (x >= 'a' && x <= 'z')
					x ^= 0x20;
				if (y >= 'a' && y <= 'z')
					y ^= 0x20;
				assert_true(pair_passes(k, j, x, y));
			}
			for (size_t i = 0; i < lg_keyword_list_count; i++) {
				const lg_keyword_list *l = &lg_keyword_lists[i];
				if (!((l->types >> t) & 1u) ||
				    (strong && l->strength != LG_KW_STRONG))
					continue;
				for (const char *const *w = l->words; *w; w++) {
					bool found = false;
					for (unsigned j = 0; j < k->n && !found;
					     j++)
						found =
						    holds(*w, k->lit[j].word,
							  k->lit[j].len);
					if (!found)
						fail_msg("%s: '%s' holds no "
							 "literal of its set",
							 lg_type_id((lg_type)t),
							 *w);
				}
			}
		}
	}
	assert_false(det->kw_need[LG_JP_POSTAL_CODE][1].scan);
	assert_true(det->kw_need[LG_JP_POSTAL_CODE][1].n > 0);
	assert_false(det->kw_need[LG_EMAIL][0].scan);
	assert_true(det->kw_need[LG_EMAIL][0].n > 0);
}

static void assert_same(const found *a, const found *b, const char *text)
{
	bool same = a->n == b->n;
	for (size_t i = 0; same && i < a->n; i++) {
		same = a->f[i].type == b->f[i].type &&
		       a->f[i].offset == b->f[i].offset &&
		       a->f[i].length == b->f[i].length &&
		       a->f[i].confidence == b->f[i].confidence &&
		       !strcmp(a->f[i].value, b->f[i].value);
	}
	if (same)
		return;
	fprintf(stderr, "text: %s\n", text);
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		if (i < a->n)
			fprintf(stderr, "  skip: %s %.3f @%llu %s\n",
				lg_type_id(a->f[i].type), a->f[i].confidence,
				(unsigned long long)a->f[i].offset,
				a->f[i].value);
		if (i < b->n)
			fprintf(stderr, "  scan: %s %.3f @%llu %s\n",
				lg_type_id(b->f[i].type), b->f[i].confidence,
				(unsigned long long)b->f[i].offset,
				b->f[i].value);
	}
	fail_msg("skipping windows changed the findings");
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* A keyword of any list, its ASCII letters in random case and its spaces
 * kept, dropped or made line breaks. */
static void put_keyword(lg_buf *b, uint32_t *seed)
{
	const lg_keyword_list *l =
	    &lg_keyword_lists[rnd(seed, (uint32_t)lg_keyword_list_count)];
	size_t n = 0;
	while (l->words[n])
		n++;
	const char *w = l->words[rnd(seed, (uint32_t)n)];
	for (; *w; w++) {
		char c = *w;
		if (c == ' ') {
			uint32_t how = rnd(seed, 3);
			if (how == 1)
				continue;
			c = how == 2 ? '\n' : ' ';
		} else if (c >= 'a' && c <= 'z' && rnd(seed, 3) == 0) {
			c = (char)(c ^ 0x20);
		}
		lg_buf_putc(b, c);
	}
}

/* Values of the types that read labels (bare seven digits most), labels
 * of every list, and gaps of every width around a window's edges. */
static void random_text(lg_buf *b, uint32_t *seed, size_t len)
{
	static const char *const value[] = {
	    "1500002",	       "1600021",
	    "9876543",	       "1500002",
	    "150-0002",	       "〒150-0002",
	    "taro@example.jp", "user.mail@gmail.com",
	    "info@zip.co.jp",  "03-1234-5678",
	    "090-1234-5678",   "4111111111111111",
	    "621498320257",    "5835678256246",
	    "T5835678256246",  "0120-533-826"};
	static const char *const glue[] = {
	    " ",  "  ", "\n", ":",  "：", "　", ",",  "x",  "abc", "です",
	    "の", "un", "#",  "\t", "=",  "(",	"）", "zi", "po",  "ma"};
	while (b->len < len) {
		uint32_t what = rnd(seed, 10);
		if (what < 3) {
			lg_buf_puts(
			    b,
			    value[rnd(seed, sizeof(value) / sizeof(*value))]);
		} else if (what < 5) {
			put_keyword(b, seed);
		} else if (what < 6) {
			/* a gap of 0..140 bytes: edges of 48..240-byte
			 * windows land in it */
			uint32_t k = rnd(seed, 141);
			const char *fill = rnd(seed, 2) ? " " : "あ";
			for (uint32_t i = 0; i < k; i += (uint32_t)strlen(fill))
				lg_buf_puts(b, fill);
		} else {
			lg_buf_puts(
			    b, glue[rnd(seed, sizeof(glue) / sizeof(*glue))]);
		}
	}
}

/* Texts of every length, short ones (windows under 17 bytes take the
 * byte-at-a-time filter, under 33 the SSSE3 one) to a few KiB: the same
 * findings, with the same confidences, whether or not windows are
 * skipped, with each copy of the filter. */
static void skipping_scores_as_scanning(void **state)
{
	(void)state;
	uint32_t seed = 20261202;
	size_t postal = 0, email = 0;
	for (int round = 0; round < 3000; round++) {
		lg_buf b = {0};
		size_t len = round % 3 == 0 ? rnd(&seed, 40) : rnd(&seed, 3000);
		random_text(&b, &seed, len);
		lg_buf_putc(&b, '\0');
		found want = scan_n(det_ref, b.data, b.len - 1);
		/* each copy of the filter: scalar, SSSE3, AVX2 */
		for (int k = 0; k < LG_CPU_STEPS; k++) {
			if (!lg_cpu_limit(lg_cpu_step(k)))
				continue;
			found got = scan_n(det, b.data, b.len - 1);
			assert_same(&got, &want, b.data);
			free(got.f);
		}
		lg_cpu_limit(LG_CPU_ALL);
		postal += count_of(&want, LG_JP_POSTAL_CODE);
		email += count_of(&want, LG_EMAIL);
		free(want.f);
		lg_buf_free(&b);
	}
	assert_true(postal > 1000);
	assert_true(email > 1000);
}

/* At the default threshold: bare seven digits dropped early (no label or
 * column for them) give the findings the label pass gives. */
static void early_drop_scores_as_scanning(void **state)
{
	(void)state;
	uint32_t seed = 4711;
	size_t postal = 0;
	for (int round = 0; round < 2000; round++) {
		lg_buf b = {0};
		random_text(&b, &seed, rnd(&seed, 3000));
		lg_buf_putc(&b, '\0');
		found want = scan_n(det_def_ref, b.data, b.len - 1);
		found got = scan_n(det_def, b.data, b.len - 1);
		assert_same(&got, &want, b.data);
		postal += count_of(&want, LG_JP_POSTAL_CODE);
		free(got.f);
		free(want.f);
		lg_buf_free(&b);
	}
	assert_true(postal > 500);
}

/* A column decides bare digits far from any label: under 郵便番号 they
 * are postal codes, under 会員ID they are not. */
static void early_drop_keeps_postal_columns(void **state)
{
	(void)state;
	static const char *const csv[] = {
	    "氏名,郵便番号,備考\n山田,1500002,x\n佐藤,1600021,y\n",
	    "氏名,会員ID,備考\n山田,1500002,x\n佐藤,1600021,y\n"};
	for (size_t k = 0; k < 2; k++) {
		found want = scan_n(det_def_ref, csv[k], strlen(csv[k]));
		found got = scan_n(det_def, csv[k], strlen(csv[k]));
		assert_same(&got, &want, csv[k]);
		assert_int_equal(count_of(&got, LG_JP_POSTAL_CODE),
				 k == 0 ? 2 : 0);
		free(got.f);
		free(want.f);
	}
}

/* One stream, two texts of one length: what the early drop learned of
 * the first (no label before the digits) is not taken for the second. */
static void early_drop_forgets_the_last_text(void **state)
{
	(void)state;
	static const char *const text[] = {"xxxxxxxxxxxx 1500002\n",
					   "郵便番号 1500002\n"};
	assert_int_equal(strlen(text[0]), strlen(text[1]));
	lg_detect_stream *st = lg_detect_stream_new(det_def);
	assert_non_null(st);
	for (size_t k = 0; k < 2; k++) {
		found r = {0};
		lg_detect_begin(st, collect, &r);
		assert_int_equal(lg_detect_feed(st, (const uint8_t *)text[k],
						strlen(text[k])),
				 LG_OK);
		assert_int_equal(lg_detect_end(st), LG_OK);
		assert_int_equal(count_of(&r, LG_JP_POSTAL_CODE), k);
		free(r.f);
	}
	lg_detect_stream_free(st);
}

static double postal_confidence(const lg_detector *d, const char *text)
{
	found r = scan_n(d, text, strlen(text));
	double conf = -1;
	for (size_t i = 0; i < r.n; i++)
		if (r.f[i].type == LG_JP_POSTAL_CODE)
			conf = r.f[i].confidence;
	free(r.f);
	return conf;
}

/* The postal confidence of head, gap spaces and tail, the same from the
 * skipping detector and the scanning one at both thresholds (at the
 * default one bare digits are dropped early, lg_bare_postal_moot); high
 * when the label fits the window (fits), else low or none. */
static void postal_at_gap(const char *head, size_t gap, const char *tail,
			  bool fits)
{
	lg_buf b = {0};
	lg_buf_puts(&b, head);
	for (size_t i = 0; i < gap; i++)
		lg_buf_putc(&b, ' ');
	lg_buf_puts(&b, tail);
	lg_buf_putc(&b, '\0');
	const lg_detector *pair[2][2] = {{det, det_ref},
					 {det_def, det_def_ref}};
	for (size_t k = 0; k < 2; k++) {
		double conf = postal_confidence(pair[k][0], b.data);
		assert_true(conf == postal_confidence(pair[k][1], b.data));
		if (fits)
			assert_true(conf > 0.85);
		else
			assert_true(conf < 0.5);
	}
	lg_buf_free(&b);
}

/* Seven bare digits take a strong postal label wholly inside their
 * window (120 bytes before the value), and no other: the literal at the
 * window's very edge, and one byte past it. The label stands before them:
 * on their line, or on a line above with only separators between (a
 * form); a postal word after them, or lines of text away, names some
 * other thing ("1023392" two lines above "fix a ZIP read vulnerability"). */
static void bare_digits_label_at_window_edges(void **state)
{
	(void)state;
	/* the label's 12 bytes and the gap fit in 120 */
	for (size_t gap = 100; gap < 120; gap++)
		postal_at_gap("x\n郵便番号", gap, "1500002\n", gap + 12 <= 120);
	for (size_t gap = 1; gap < 80; gap += 13)
		postal_at_gap("1500002", gap, "ZIP x\n", false);
	postal_at_gap("郵便番号：\n", 2, "1500002\n", true);
	postal_at_gap("ZIP\r\n", 0, "1500002\r\n", true);
	postal_at_gap("Closes: #1023392\n  * New upstream version:\n", 4,
		      "- fix a ZIP read vulnerability\n", false);
	postal_at_gap("a ZIP file\nuser_id=", 0, "1500002\n", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(need_sets_cover_their_keywords),
	    cmocka_unit_test(bare_digits_label_at_window_edges),
	    cmocka_unit_test(skipping_scores_as_scanning),
	    cmocka_unit_test(early_drop_scores_as_scanning),
	    cmocka_unit_test(early_drop_keeps_postal_columns),
	    cmocka_unit_test(early_drop_forgets_the_last_text),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
