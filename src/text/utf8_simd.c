/* utf8_simd.c: validates UTF-8 sixteen bytes at a time with SSSE3 table
 * look-ups (the Keiser-Lemire method of simdjson and simdutf): three
 * nibble tables classify each byte pair, and the bytes two and three
 * after a 3- or 4-byte lead must be continuations. It only says how far
 * the text is surely valid; the exact position of an error is found by
 * the scalar walk in utf8.c. Hyperscan needs SSSE3 anyway. */
#include <stdint.h>
#include <string.h>

#include "text_int.h"

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>

/* error classes of a byte pair (prev1, input) */
#define TOO_SHORT      (1 << 0) /* lead or ASCII, then a lead */
#define TOO_LONG       (1 << 1) /* ASCII, then a continuation */
#define OVERLONG_3     (1 << 2) /* E0 80..9F */
#define TOO_LARGE      (1 << 3) /* above U+10FFFF */
#define SURROGATE      (1 << 4) /* ED A0..BF */
#define OVERLONG_2     (1 << 5) /* C0, C1 */
#define TOO_LARGE_1000 (1 << 6)
#define OVERLONG_4     (1 << 6) /* F0 80..8F */
#define TWO_CONTS      (1 << 7) /* continuation after continuation */
#define CARRY	       (TOO_SHORT | TOO_LONG | TWO_CONTS)

__attribute__((target("ssse3"))) static __m128i special_cases(__m128i input,
							      __m128i prev1)
{
	const __m128i nib = _mm_set1_epi8(0x0F);
	const __m128i byte_1_high_tbl = _mm_setr_epi8(
	    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
	    TOO_LONG, TOO_LONG, (char)TWO_CONTS, (char)TWO_CONTS,
	    (char)TWO_CONTS, (char)TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
	    TOO_SHORT | OVERLONG_3 | SURROGATE,
	    (char)(TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4));
	const __m128i byte_1_low_tbl = _mm_setr_epi8(
	    (char)(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4),
	    (char)(CARRY | OVERLONG_2), (char)CARRY, (char)CARRY,
	    (char)(CARRY | TOO_LARGE),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000),
	    (char)(CARRY | TOO_LARGE | TOO_LARGE_1000));
	const __m128i byte_2_high_tbl = _mm_setr_epi8(
	    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
	    TOO_SHORT, TOO_SHORT,
	    (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 |
		   TOO_LARGE_1000 | OVERLONG_4),
	    (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
	    (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
	    (char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
	    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);
	__m128i b1h = _mm_shuffle_epi8(
	    byte_1_high_tbl, _mm_and_si128(_mm_srli_epi16(prev1, 4), nib));
	__m128i b1l =
	    _mm_shuffle_epi8(byte_1_low_tbl, _mm_and_si128(prev1, nib));
	__m128i b2h = _mm_shuffle_epi8(
	    byte_2_high_tbl, _mm_and_si128(_mm_srli_epi16(input, 4), nib));
	return _mm_and_si128(_mm_and_si128(b1h, b1l), b2h);
}

/* Bytes 2 and 3 after a 3- or 4-byte lead must be continuations; the
 * pair table flagged continuations after continuations (TWO_CONTS): the
 * two must agree. */
__attribute__((target("ssse3"))) static __m128i
multibyte_lengths(__m128i input, __m128i prev, __m128i sc)
{
	__m128i prev2 = _mm_alignr_epi8(input, prev, 14);
	__m128i prev3 = _mm_alignr_epi8(input, prev, 13);
	__m128i third =
	    _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
	__m128i fourth =
	    _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
	__m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth),
				       _mm_set1_epi8((char)0x80));
	return _mm_xor_si128(must23, sc);
}

__attribute__((target("ssse3"))) static size_t
valid_blocks_ssse3(const uint8_t *p, size_t n)
{
	__m128i prev = _mm_setzero_si128();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m128i input = _mm_loadu_si128((const __m128i *)(p + i));
		if (!_mm_movemask_epi8(input) && !_mm_movemask_epi8(prev)) {
			prev = input; /* ASCII after ASCII */
			continue;
		}
		__m128i prev1 = _mm_alignr_epi8(input, prev, 15);
		__m128i sc = special_cases(input, prev1);
		__m128i err = multibyte_lengths(input, prev, sc);
		if (_mm_movemask_epi8(
			_mm_cmpeq_epi8(err, _mm_setzero_si128())) != 0xFFFF)
			break; /* the scalar walk finds where */
		prev = input;
	}
	return i;
}

size_t lg_utf8_valid_blocks(const uint8_t *p, size_t n)
{
	if (!__builtin_cpu_supports("ssse3"))
		return 0;
	size_t i = valid_blocks_ssse3(p, n);
	/* back to the start of the character a block edge may cut, and one
	 * more, since an error is seen in the block after its lead */
	for (int k = 0; k < 4 && i > 0; k++) {
		i--;
		if ((p[i] & 0xC0) != 0x80)
			break;
	}
	return i;
}
#else
size_t lg_utf8_valid_blocks(const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	return 0;
}
#endif
