/* lines.c: line structure shared by the scanner and the detectors. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#define LG_AVX2_PATH 1 /* chosen at run time where the CPU has AVX2 */
#endif

#include "leakguard/text.h"
#include "text_int.h"
#include "util/util.h"

#if LG_AVX2_PATH
/* The end of the first blank line among the candidates m of the block at
 * p[i] (bit k: a newline at i + k followed by a newline or a CR), or 0. */
static inline size_t blank_end(const uint8_t *p, size_t i, uint64_t m)
{
	for (; m; m &= m - 1) {
		size_t at = i + (size_t)__builtin_ctzll(m);
		if (p[at + 1] == '\n')
			return at + 2;
		if (p[at + 2] == '\n')
			return at + 3;
	}
	return 0;
}

/* Sixty-four positions at a time; returns the blank line's end, or 0 with
 * *i where the caller goes on from (fewer than 66 bytes before n). A
 * newline followed by a newline or a CR is a candidate, and only a
 * candidate's CR is checked for the newline after it: most blocks have
 * none, and two loads and three compares a half find that out. */
__attribute__((target("avx2"))) static size_t
blank_line_avx2(const uint8_t *p, size_t *i, size_t n)
{
	const __m256i nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
	for (; *i + 66 <= n; *i += 64) {
		const uint8_t *q = p + *i;
		__m256i a0 = _mm256_loadu_si256((const __m256i *)q);
		__m256i a1 = _mm256_loadu_si256((const __m256i *)(q + 1));
		__m256i b0 = _mm256_loadu_si256((const __m256i *)(q + 32));
		__m256i b1 = _mm256_loadu_si256((const __m256i *)(q + 33));
		__m256i ca = _mm256_and_si256(
		    _mm256_cmpeq_epi8(a0, nl),
		    _mm256_or_si256(_mm256_cmpeq_epi8(a1, nl),
				    _mm256_cmpeq_epi8(a1, cr)));
		__m256i cb = _mm256_and_si256(
		    _mm256_cmpeq_epi8(b0, nl),
		    _mm256_or_si256(_mm256_cmpeq_epi8(b1, nl),
				    _mm256_cmpeq_epi8(b1, cr)));
		__m256i any = _mm256_or_si256(ca, cb);
		if (_mm256_testz_si256(any, any))
			continue;
		uint64_t m = (uint32_t)_mm256_movemask_epi8(ca) |
			     (uint64_t)(uint32_t)_mm256_movemask_epi8(cb) << 32;
		size_t end = blank_end(p, *i, m);
		if (end)
			return end;
	}
	return 0;
}

/* The same, a 64-byte block at a time with AVX-512BW: two loads and
 * three compares into masks, half the work of the AVX2 step above. */
__attribute__((target("avx512bw"))) static size_t
blank_line_avx512(const uint8_t *p, size_t *i, size_t n)
{
	const __m512i nl = _mm512_set1_epi8('\n'), cr = _mm512_set1_epi8('\r');
	for (; *i + 66 <= n; *i += 64) {
		const uint8_t *q = p + *i;
		/* no test of k alone: most blocks have a newline */
		__mmask64 k = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(q), nl);
		__m512i next = _mm512_loadu_si512(q + 1);
		uint64_t m = _mm512_mask_cmpeq_epi8_mask(k, next, nl) |
			     _mm512_mask_cmpeq_epi8_mask(k, next, cr);
		size_t end = blank_end(p, *i, m);
		if (end)
			return end;
	}
	return 0;
}
#endif

size_t lg_after_blank_line(const uint8_t *p, size_t from, size_t n)
{
	size_t i = from;
#if LG_AVX2_PATH
	if (lg_cpu() & LG_CPU_AVX512) {
		size_t at = blank_line_avx512(p, &i, n);
		if (at)
			return at;
	} else if (lg_cpu() & LG_CPU_AVX2) {
		size_t at = blank_line_avx2(p, &i, n);
		if (at)
			return at;
	}
#endif
#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	while (i + 18 <= n) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i v1 = _mm_loadu_si128((const __m128i *)(p + i + 1));
		__m128i v2 = _mm_loadu_si128((const __m128i *)(p + i + 2));
		__m128i crlf = _mm_and_si128(_mm_cmpeq_epi8(v1, cr),
					     _mm_cmpeq_epi8(v2, nl));
		__m128i blank =
		    _mm_and_si128(_mm_cmpeq_epi8(v0, nl),
				  _mm_or_si128(_mm_cmpeq_epi8(v1, nl), crlf));
		int m = _mm_movemask_epi8(blank);
		if (m) {
			i += (size_t)__builtin_ctz((unsigned)m);
			return i + (p[i + 1] == '\n' ? 2 : 3);
		}
		i += 16;
	}
#endif
	for (; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return n;
}

#if LG_AVX2_PATH
/* As below, thirty-two bytes at a time; *i is where it stopped. */
__attribute__((target("avx2"))) static uint64_t
count_byte_avx2(const uint8_t *p, size_t *i, size_t n, uint8_t c)
{
	const __m256i b = _mm256_set1_epi8((char)c);
	const __m256i zero = _mm256_setzero_si256();
	uint64_t count = 0;
	while (*i + 32 <= n) {
		__m256i acc = zero;
		for (unsigned k = 0; k < 255 && *i + 32 <= n; k++, *i += 32) {
			__m256i v =
			    _mm256_loadu_si256((const __m256i *)(p + *i));
			acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(v, b));
		}
		uint64_t sums[4];
		_mm256_storeu_si256((__m256i *)sums,
				    _mm256_sad_epu8(acc, zero));
		count += sums[0] + sums[1] + sums[2] + sums[3];
	}
	return count;
}

/* All of p[0..n) with AVX-512BW: a mask of the block's c, counted; the
 * last bytes by a masked load, which reads nothing past n. */
__attribute__((target("avx512bw,bmi2,popcnt"))) static uint64_t
count_byte_avx512(const uint8_t *p, size_t n, uint8_t c)
{
	const __m512i b = _mm512_set1_epi8((char)c);
	uint64_t count = 0;
	size_t i = 0;
	for (; i + 64 <= n; i += 64)
		count += (uint64_t)__builtin_popcountll(
		    _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + i), b));
	if (i < n) {
		__mmask64 in = _bzhi_u64(~0ULL, (unsigned)(n - i));
		count +=
		    (uint64_t)__builtin_popcountll(_mm512_mask_cmpeq_epi8_mask(
			in, _mm512_maskz_loadu_epi8(in, p + i), b));
	}
	return count;
}
#endif

uint64_t lg_count_byte(const uint8_t *p, size_t n, uint8_t c)
{
	uint64_t count = 0;
	size_t i = 0;
#if LG_AVX2_PATH
	if (lg_cpu() & LG_CPU_AVX512)
		return count_byte_avx512(p, n, c);
	if (lg_cpu() & LG_CPU_AVX2)
		count = count_byte_avx2(p, &i, n, c);
#endif
#if defined(__SSE2__)
	const __m128i b = _mm_set1_epi8((char)c);
	const __m128i zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		/* per-byte counts (a match is -1) for up to 255 blocks, then
		 * summed across the bytes with psadbw */
		__m128i acc = zero;
		for (unsigned k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, b));
		}
		__m128i sum = _mm_sad_epu8(acc, zero);
		count += (uint64_t)_mm_cvtsi128_si32(sum) +
			 (uint64_t)_mm_extract_epi16(sum, 4);
	}
#endif
	for (; i < n; i++)
		count += p[i] == c;
	return count;
}

#if LG_AVX2_PATH
/* lg_count_byte_steps with AVX2: a step's matches summed per byte (a
 * match is -1; at most 255 blocks of 32 bytes a step), then added
 * across with psadbw. Faster than AVX-512 masks and popcnt on Zen 4
 * (125 against 100 GB/s from L1), so the one path for both. */
__attribute__((target("avx2"))) static uint32_t
count_steps_avx2(const uint8_t *p, size_t n, uint8_t c, size_t step,
		 uint32_t count, uint32_t *sums)
{
	const __m256i b = _mm256_set1_epi8((char)c);
	const __m256i zero = _mm256_setzero_si256();
	size_t i = 0;
	for (; i + step <= n; i += step) {
		__m256i acc = zero;
		for (size_t j = i; j < i + step; j += 64) {
			const __m256i *q = (const __m256i *)(p + j);
			acc = _mm256_sub_epi8(
			    acc, _mm256_cmpeq_epi8(_mm256_loadu_si256(q), b));
			acc = _mm256_sub_epi8(
			    acc,
			    _mm256_cmpeq_epi8(_mm256_loadu_si256(q + 1), b));
		}
		__m256i sad = _mm256_sad_epu8(acc, zero);
		__m128i sum = _mm_add_epi64(_mm256_castsi256_si128(sad),
					    _mm256_extracti128_si256(sad, 1));
		count += (uint32_t)_mm_cvtsi128_si32(sum) +
			 (uint32_t)_mm_extract_epi16(sum, 4);
		*sums++ = count;
	}
	return count + (uint32_t)lg_count_byte(p + i, n - i, c);
}
#endif

uint32_t lg_count_byte_steps(const uint8_t *p, size_t n, uint8_t c, size_t step,
			     uint32_t count, uint32_t *sums)
{
#if LG_AVX2_PATH
	if (lg_cpu() & LG_CPU_AVX2)
		return count_steps_avx2(p, n, c, step, count, sums);
#endif
	size_t i = 0;
	for (; i + step <= n; i += step) {
		count += (uint32_t)lg_count_byte(p + i, step, c);
		*sums++ = count;
	}
	return count + (uint32_t)lg_count_byte(p + i, n - i, c);
}
