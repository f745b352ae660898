/* fuzz_listing.c: libFuzzer target over the directory-listing reader:
 * any bytes (HTML, JSON, XML) must be recognised the same way the parser
 * reports, give entries with a non-empty href, and free cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lg_listing l;
	lg_listing_server s = lg_listing_recognise((const char *)data, size);
	if (lg_listing_parse((const char *)data, size, 64, &l) != LG_OK)
		abort();
	if (l.server != s || l.n > 64)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if (!l.entries[i].href || !l.entries[i].href[0])
			abort();
	lg_listing_free(&l);
	return 0;
}
