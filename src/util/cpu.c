/* cpu.c: the vector instructions this CPU offers the hand-written SIMD
 * paths, found once at start-up. Every path asks lg_cpu(); tests narrow
 * it (lg_cpu_limit) to hold each path to the plain one. */
#include "util.h"

unsigned lg_cpu_flags;
static unsigned cpu_found; /* what the CPU has, before any limit */

static unsigned cpu_detect(void)
{
	unsigned f = 0;
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init(); /* before libgcc's own constructor may have */
	bool popcnt = __builtin_cpu_supports("popcnt");
	bool bmi2 =
	    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
	if (__builtin_cpu_supports("ssse3"))
		f |= LG_CPU_SSSE3;
	if ((f & LG_CPU_SSSE3) && popcnt && __builtin_cpu_supports("avx2"))
		f |= LG_CPU_AVX2;
	if (bmi2) {
		f |= LG_CPU_BMI2;
		/* PEXT and PDEP are slow microcode on AMD before Zen 3
		 * (families 15h and 17h) */
		if (!__builtin_cpu_is("amdfam15h") &&
		    !__builtin_cpu_is("amdfam17h"))
			f |= LG_CPU_FAST_PDEP;
	}
	if ((f & LG_CPU_AVX2) && bmi2 && __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw"))
		f |= LG_CPU_AVX512;
#endif
	return f;
}

__attribute__((constructor)) static void cpu_init(void)
{
	cpu_found = lg_cpu_flags = cpu_detect();
}

bool lg_cpu_limit(unsigned mask)
{
	lg_cpu_flags = cpu_found & mask;
	return (cpu_found & mask) == mask;
}

unsigned lg_cpu_step(int k)
{
	static const unsigned steps[LG_CPU_STEPS] = {
	    0,
	    LG_CPU_SSSE3,
	    LG_CPU_SSSE3 | LG_CPU_AVX2,
	    LG_CPU_SSSE3 | LG_CPU_AVX2 | LG_CPU_BMI2 | LG_CPU_FAST_PDEP,
	    LG_CPU_ALL,
	};
	return k >= 0 && k < LG_CPU_STEPS ? steps[k] : LG_CPU_ALL;
}
