/* fuzz_html.c: libFuzzer target over the HTML page filter: any bytes, fed
 * whole and in two pieces split where the first byte says, must give the
 * same text, keep every newline, and end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t run(const uint8_t *d, size_t n, size_t cut, uint8_t **out)
{
	lg_html *h = lg_html_new();
	size_t len = 0, cap = 0;
	*out = NULL;
	if (!h || lg_html_feed(h, d, cut, false, out, &len, &cap) != LG_OK ||
	    lg_html_feed(h, d + cut, n - cut, true, out, &len, &cap) != LG_OK)
		abort();
	lg_html_free(h);
	return len;
}

static size_t newlines(const uint8_t *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t cut = data[0] % size;
	uint8_t *a, *b;
	size_t na = run(data + 1, size - 1, 0, &a);
	size_t nb = run(data + 1, size - 1, cut < size - 1 ? cut : 0, &b);
	if (na != nb || (na && memcmp(a, b, na) != 0) ||
	    newlines(a, na) != newlines(data + 1, size - 1))
		abort();
	free(a);
	free(b);
	return 0;
}
