/* fuzz_decode_detect.c: libFuzzer target over the scan path: sniff the
 * encoding, decode to UTF-8, detect, with the input fed in uneven pieces so
 * window overlaps and split characters are exercised. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lg_sniff sn;
	lg_text_sniff(data, size, &sn);
	uint8_t *text = NULL;
	size_t len = 0, cap = 0;
	if (strcmp(sn.encoding, "UTF-8") != 0) {
		char err[128];
		lg_decode_stats st = {0};
		lg_decoder *d = lg_decoder_new(sn.encoding, err, sizeof(err));
		if (!d)
			return 0;
		/* two feeds split mid-input: a character may straddle them */
		size_t half = size / 2;
		lg_decoder_feed(d, data, half, false, &text, &len, &cap, &st);
		lg_decoder_feed(d, data + half, size - half, true, &text, &len,
				&cap, &st);
		lg_decoder_free(d);
	} else {
		text = malloc(size ? size : 1);
		if (!text)
			return 0;
		memcpy(text, data, size);
		len = size;
	}
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
