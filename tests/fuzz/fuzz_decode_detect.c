/* fuzz_decode_detect.c: libFuzzer target over the scan path: sniff the
 * encoding, decode to UTF-8 (line by line where lines stand alone, as
 * scan reads them: mixed.c), detect, with the input fed in uneven pieces
 * so window overlaps and split characters are exercised. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/detect.h"
#include "leakguard/text.h"

static lg_detector *detector;
static lg_detect_stream *stream;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	lg_detect_config cfg = {0.0, 0}; /* every candidate, every type */
	detector = lg_detector_new(&cfg, err, sizeof(err));
	stream = detector ? lg_detect_stream_new(detector) : NULL;
	if (!stream)
		abort();
	return 0;
}

/* Checks what every finding must satisfy, whatever the input. */
static int check_finding(const lg_finding *f, void *ud)
{
	size_t total = *(size_t *)ud;
	if (f->offset + f->length > total || f->line == 0 || f->column == 0 ||
	    f->confidence < 0 || f->confidence > 1 ||
	    strlen(f->masked) >= sizeof(f->masked))
		abort();
	return 0;
}

/* Reads data line by line as scan does, in pieces cut at `cut` and two
 * thirds on; the decoded text, or NULL. The output must not depend on
 * the pieces, and its growth is what the reader says. */
static uint8_t *read_mixed(const char *enc, const uint8_t *data, size_t size,
			   size_t cut, size_t *len)
{
	char err[128];
	lg_mixed *m = lg_mixed_new(enc, 0, size / 3, err, sizeof(err));
	if (!m)
		return NULL;
	uint8_t *text = NULL;
	size_t cap = 0;
	lg_utf8_tally tally = {0};
	lg_decode_stats st = {0};
	size_t at[] = {0, cut, cut + (size - cut) * 2 / 3, size};
	*len = 0;
	for (int i = 0; i < 3; i++)
		if (lg_mixed_feed(m, data + at[i], at[i + 1] - at[i], i == 2,
				  &text, len, &cap, &tally, &st) != LG_OK)
			abort();
	if (lg_mixed_stats_of(m)->grow != (int64_t)*len - (int64_t)size ||
	    tally.consumed > size)
		abort();
	lg_mixed_free(m);
	return text;
}

static uint8_t *decode(const char *enc, const uint8_t *data, size_t size,
		       size_t *len)
{
	char err[128];
	lg_decode_stats st = {0};
	lg_decoder *d = lg_decoder_new(enc, err, sizeof(err));
	if (!d)
		return NULL;
	uint8_t *text = NULL;
	size_t cap = 0, half = size / 2;
	*len = 0;
	/* two feeds split mid-input: a character may straddle them */
	lg_decoder_feed(d, data, half, false, &text, len, &cap, &st);
	lg_decoder_feed(d, data + half, size - half, true, &text, len, &cap,
			&st);
	lg_decoder_free(d);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lg_sniff sn;
	lg_text_sniff(data, size, &sn);
	size_t len = 0;
	uint8_t *text;
	if (lg_mixed_supports(sn.encoding)) {
		size_t n1, cut = size ? data[size - 1] * size / 256 : 0;
		text = read_mixed(sn.encoding, data, size, 0, &len);
		uint8_t *again = read_mixed(sn.encoding, data, size, cut, &n1);
		if (text && (!again || n1 != len || memcmp(text, again, len)))
			abort();
		free(again);
	} else {
		text = decode(sn.encoding, data, size, &len);
	}
	if (!text)
		return 0;
	lg_detect_begin(stream, check_finding, &len);
	/* piece sizes drawn from the input itself */
	size_t pos = 0, step = size ? (data[0] % 97) + 1 : 1;
	while (pos < len) {
		size_t n = len - pos < step ? len - pos : step;
		lg_detect_feed(stream, text + pos, n);
		pos += n;
		step = step * 7 % 4099 + 1;
	}
	lg_detect_end(stream);
	free(text);
	return 0;
}
