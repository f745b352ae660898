/* text_int.h: what the text engine's files share. */
#ifndef LG_TEXT_INT_H
#define LG_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "leakguard/text.h"

/* A length, at a character start, up to which p[0..n) is surely valid
 * UTF-8 (0 when the CPU lacks SSSE3). The scalar walk goes on from it. */
size_t lg_utf8_valid_blocks(const uint8_t *p, size_t n);

/* What lg_text_sniff counts in one pass over its sample p[0..n): on each
 * side of the UTF-16 code units (the pairs p[2i], p[2i+1]; [0] the even
 * bytes, [1] the odd) the NULs, the high bytes of Japanese text and the
 * other control bytes; over all n bytes the NULs and the control bytes
 * text does not use. */
typedef struct lg_sniff_counts {
	size_t zero[2], japanese[2], control[2];
	size_t nul, noise;
} lg_sniff_counts;
void lg_sniff_count(const uint8_t *p, size_t n, lg_sniff_counts *c);

/* Grows *out (realloc) to hold need bytes; LG_OK or LG_ENOMEM. */
lg_status lg_text_grow(uint8_t **out, size_t *cap, size_t need);

/* Decoder internals for mixed.c: n input bytes passed (read otherwise),
 * and a decoder started again at input offset at (for a line). */
void lg_decoder_skip(lg_decoder *d, size_t n);
void lg_decoder_reset(lg_decoder *d, uint64_t at);

/* "CP932" or "EUC-JP-MS" when p[0..n) is well-formed Japanese of mostly
 * kana and common kanji in it, else NULL (decode.c). */
const char *lg_japanese_by_structure(const uint8_t *p, size_t n);
/* The same for one line of a text in another encoding, on firmer ground:
 * two characters or more, four in five of them common. */
const char *lg_japanese_line(const uint8_t *p, size_t n);

#endif
