/* utf8_simd.c: validates UTF-8 sixteen bytes at a time with SSSE3 table
 * look-ups, thirty-two with AVX2 where the CPU has it (the Keiser-Lemire
 * method of simdjson and simdutf): three nibble tables classify each byte
 * pair, and the bytes two and three after a 3- or 4-byte lead must be
 * continuations. It only says how far the text is surely valid; the exact
 * position of an error is found by the scalar walk in utf8.c. Hyperscan
 * needs SSSE3 anyway. */
#include <stdint.h>
#include <string.h>

#include "text_int.h"
#include "util/util.h"

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

/* The three nibble tables, shared by the 16- and 32-byte steps. */
static const uint8_t byte_1_high[16] = {
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TWO_CONTS,
    TWO_CONTS,
    TWO_CONTS,
    TWO_CONTS,
    TOO_SHORT | OVERLONG_2,
    TOO_SHORT,
    TOO_SHORT | OVERLONG_3 | SURROGATE,
    (TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4)};
static const uint8_t byte_1_low[16] = {
    (CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4),
    (CARRY | OVERLONG_2),
    CARRY,
    CARRY,
    (CARRY | TOO_LARGE),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE),
    (CARRY | TOO_LARGE | TOO_LARGE_1000),
    (CARRY | TOO_LARGE | TOO_LARGE_1000)};
static const uint8_t byte_2_high[16] = {
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    (TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
     OVERLONG_4),
    (TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
    (TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    (TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT};

__attribute__((target("ssse3"))) static __m128i special_cases(__m128i input,
							      __m128i prev1)
{
	const __m128i nib = _mm_set1_epi8(0x0F);
	const __m128i t1h = _mm_loadu_si128((const __m128i *)byte_1_high);
	const __m128i t1l = _mm_loadu_si128((const __m128i *)byte_1_low);
	const __m128i t2h = _mm_loadu_si128((const __m128i *)byte_2_high);
	__m128i b1h =
	    _mm_shuffle_epi8(t1h, _mm_and_si128(_mm_srli_epi16(prev1, 4), nib));
	__m128i b1l = _mm_shuffle_epi8(t1l, _mm_and_si128(prev1, nib));
	__m128i b2h =
	    _mm_shuffle_epi8(t2h, _mm_and_si128(_mm_srli_epi16(input, 4), nib));
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

#if defined(__x86_64__)
/* The same, thirty-two bytes at a time: the tables in both 128-bit lanes,
 * and the bytes before each lane taken across the lane boundary. */
__attribute__((target("avx2"))) static __m256i shift_in(__m256i input,
							__m256i prev, int k)
{
	/* [prev's high lane, input's low lane] beside input, so that each
	 * lane's alignr sees the 16 bytes before it */
	__m256i before = _mm256_permute2x128_si256(prev, input, 0x21);
	switch (k) {
	case 1:
		return _mm256_alignr_epi8(input, before, 15);
	case 2:
		return _mm256_alignr_epi8(input, before, 14);
	default:
		return _mm256_alignr_epi8(input, before, 13);
	}
}

__attribute__((target("avx2"))) static __m256i errors_avx2(__m256i input,
							   __m256i prev)
{
	const __m256i nib = _mm256_set1_epi8(0x0F);
	const __m256i t1h = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)byte_1_high));
	const __m256i t1l = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)byte_1_low));
	const __m256i t2h = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)byte_2_high));
	__m256i prev1 = shift_in(input, prev, 1);
	__m256i sc = _mm256_and_si256(
	    _mm256_and_si256(
		_mm256_shuffle_epi8(
		    t1h, _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nib)),
		_mm256_shuffle_epi8(t1l, _mm256_and_si256(prev1, nib))),
	    _mm256_shuffle_epi8(
		t2h, _mm256_and_si256(_mm256_srli_epi16(input, 4), nib)));
	__m256i third = _mm256_subs_epu8(shift_in(input, prev, 2),
					 _mm256_set1_epi8((char)(0xE0 - 0x80)));
	__m256i fourth = _mm256_subs_epu8(
	    shift_in(input, prev, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
	__m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth),
					  _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must23, sc);
}

__attribute__((target("avx2"))) static size_t
valid_blocks_avx2(const uint8_t *p, size_t n)
{
	__m256i prev = _mm256_setzero_si256();
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		/* ASCII after ASCII, four blocks at a time: one test and one
		 * branch where each block took two */
		while (i + 128 <= n && !_mm256_movemask_epi8(prev)) {
			const __m256i *q = (const __m256i *)(p + i);
			__m256i b3 = _mm256_loadu_si256(q + 3);
			__m256i any = _mm256_or_si256(
			    _mm256_or_si256(_mm256_loadu_si256(q),
					    _mm256_loadu_si256(q + 1)),
			    _mm256_or_si256(_mm256_loadu_si256(q + 2), b3));
			if (_mm256_movemask_epi8(any))
				break;
			prev = b3;
			i += 128;
		}
		if (i + 32 > n)
			break;
		__m256i input = _mm256_loadu_si256((const __m256i *)(p + i));
		if (!_mm256_movemask_epi8(input) &&
		    !_mm256_movemask_epi8(prev)) {
			prev = input; /* ASCII after ASCII */
			continue;
		}
		__m256i err = errors_avx2(input, prev);
		if (!_mm256_testz_si256(err, err))
			break; /* the scalar walk finds where */
		prev = input;
	}
	return i;
}
#endif

size_t lg_utf8_valid_blocks(const uint8_t *p, size_t n)
{
	if (!(lg_cpu() & LG_CPU_SSSE3))
		return 0;
#if defined(__x86_64__)
	size_t i = lg_cpu() & LG_CPU_AVX2 ? valid_blocks_avx2(p, n)
					  : valid_blocks_ssse3(p, n);
#else
	size_t i = valid_blocks_ssse3(p, n);
#endif
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
