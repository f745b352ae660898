/* text_int.h: what the text engine's files share. */
#ifndef LG_TEXT_INT_H
#define LG_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

/* A length, at a character start, up to which p[0..n) is surely valid
 * UTF-8 (0 when the CPU lacks SSSE3). The scalar walk goes on from it. */
size_t lg_utf8_valid_blocks(const uint8_t *p, size_t n);

#endif
