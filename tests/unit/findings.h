/* findings.h: the findings of a detector run, collected for unit tests
 * (test_detect.c, test_labels.c). Include after <cmocka.h>. */
#ifndef LG_TEST_FINDINGS_H
#define LG_TEST_FINDINGS_H

#include <stdlib.h>
#include <string.h>

#include "leakguard/detect.h"

typedef struct found {
	lg_finding *f;
	size_t n, cap;
} found;

static inline int collect(const lg_finding *f, void *ud)
{
	found *r = ud;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->f = realloc(r->f, r->cap * sizeof(*r->f));
		if (!r->f)
			abort();
	}
	/* the lengths the writers take instead of measuring */
	assert_int_equal(f->value_len, strlen(f->value));
	assert_int_equal(f->masked_len, strlen(f->masked));
	assert_int_equal(f->context_len, strlen(f->context));
	r->f[r->n++] = *f;
	return 0;
}

static inline found scan_n(const lg_detector *d, const void *text, size_t n)
{
	found r = {0};
	assert_int_equal(lg_detect_buffer(d, text, n, collect, &r), LG_OK);
	return r;
}

static inline size_t count_of(const found *r, lg_type t)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++)
		k += r->f[i].type == t;
	return k;
}

#endif
