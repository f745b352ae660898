/* huge.c: blocks mapped on their own, in whole huge pages where the
 * system gives them. */
#include <stdint.h>
#include <sys/mman.h>

#include "util.h"

#define HUGE_PAGE ((size_t)2 << 20)

size_t lg_huge_len(size_t bytes)
{
	return (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

void *lg_huge_alloc(size_t bytes)
{
	/* mapped with a huge page's room to spare, then cut to start on a
	 * huge page's boundary (the pages must be aligned) */
	size_t len = lg_huge_len(bytes);
	char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (lead)
		munmap(p, lead);
	if (HUGE_PAGE - lead)
		munmap(p + lead + len, HUGE_PAGE - lead);
	p += lead;
#if defined(MADV_HUGEPAGE)
	madvise(p, len, MADV_HUGEPAGE); /* a hint: fine when refused */
#endif
	return p;
}

void lg_huge_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, lg_huge_len(bytes));
}
