/* arena.c: bump allocator for many small objects freed together. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct lg_arena_block {
	lg_arena_block *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char mem[];
};

void lg_arena_init(lg_arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
}

static lg_arena_block *arena_block_new(size_t size)
{
	lg_arena_block *blk = malloc(sizeof(*blk) + size);
	if (!blk)
		return NULL;
	blk->next = NULL;
	blk->size = size;
	blk->used = 0;
	return blk;
}

void *lg_arena_alloc(lg_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	lg_arena_block *blk = a->head;
	if (!blk || blk->size - blk->used < n) {
		size_t size = n > a->block_size ? n : a->block_size;
		blk = arena_block_new(size);
		if (!blk)
			return NULL;
		blk->next = a->head;
		a->head = blk;
	}
	void *p = blk->mem + blk->used;
	blk->used += n;
	return p;
}

char *lg_arena_strndup(lg_arena *a, const char *s, size_t n)
{
	char *p = lg_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void lg_arena_reset(lg_arena *a)
{
	lg_arena_block *blk = a->head;
	if (!blk)
		return;
	/* keep the oldest block: it is the one sized block_size */
	while (blk->next) {
		lg_arena_block *next = blk->next;
		free(blk);
		blk = next;
	}
	blk->used = 0;
	a->head = blk;
}

void lg_arena_free(lg_arena *a)
{
	lg_arena_block *blk = a->head;
	while (blk) {
		lg_arena_block *next = blk->next;
		free(blk);
		blk = next;
	}
	a->head = NULL;
}
