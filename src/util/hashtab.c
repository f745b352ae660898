/* hashtab.c: open-addressing hash table from string keys to pointers. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
	char *key; /* NULL: empty slot */
	void *value;
	uint64_t hash;
} hashtab_slot;

struct lg_hashtab {
	hashtab_slot *slots;
	size_t cap; /* power of two */
	size_t count;
};

uint64_t lg_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL; /* FNV-1a offset basis */
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

lg_hashtab *lg_hashtab_new(void)
{
	lg_hashtab *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->cap = 16;
	h->slots = calloc(h->cap, sizeof(*h->slots));
	if (!h->slots) {
		free(h);
		return NULL;
	}
	return h;
}

static hashtab_slot *hashtab_find(hashtab_slot *slots, size_t cap,
				  const char *key, uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);
	while (slots[i].key &&
	       (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static bool hashtab_grow(lg_hashtab *h)
{
	size_t cap = h->cap * 2;
	hashtab_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < h->cap; i++) {
		if (h->slots[i].key)
			*hashtab_find(slots, cap, h->slots[i].key,
				      h->slots[i].hash) = h->slots[i];
	}
	free(h->slots);
	h->slots = slots;
	h->cap = cap;
	return true;
}

bool lg_hashtab_put(lg_hashtab *h, const char *key, void *value)
{
	if ((h->count + 1) * 4 > h->cap * 3 && !hashtab_grow(h))
		return false;
	uint64_t hash = lg_hash_bytes(key, strlen(key));
	hashtab_slot *s = hashtab_find(h->slots, h->cap, key, hash);
	if (!s->key) {
		s->key = strdup(key);
		if (!s->key)
			return false;
		s->hash = hash;
		h->count++;
	}
	s->value = value;
	return true;
}

void *lg_hashtab_get(const lg_hashtab *h, const char *key)
{
	hashtab_slot *s = hashtab_find(h->slots, h->cap, key,
				       lg_hash_bytes(key, strlen(key)));
	return s->key ? s->value : NULL;
}

/* Linear probing: deleting shifts the later entries of the run back, so
 * no lookup ever stops early at a hole (no tombstones). */
bool lg_hashtab_del(lg_hashtab *h, const char *key)
{
	hashtab_slot *s = hashtab_find(h->slots, h->cap, key,
				       lg_hash_bytes(key, strlen(key)));
	if (!s->key)
		return false;
	free(s->key);
	size_t mask = h->cap - 1, hole = (size_t)(s - h->slots);
	for (size_t j = (hole + 1) & mask; h->slots[j].key;
	     j = (j + 1) & mask) {
		size_t home = (size_t)h->slots[j].hash & mask;
		/* j's entry may move to the hole if its home is not in
		 * (hole, j] (cyclically) */
		bool stays = hole <= j ? (home > hole && home <= j)
				       : (home > hole || home <= j);
		if (stays)
			continue;
		h->slots[hole] = h->slots[j];
		hole = j;
	}
	h->slots[hole].key = NULL;
	h->slots[hole].value = NULL;
	h->count--;
	return true;
}

bool lg_hashtab_contains(const lg_hashtab *h, const char *key)
{
	return hashtab_find(h->slots, h->cap, key,
			    lg_hash_bytes(key, strlen(key)))
		   ->key != NULL;
}

size_t lg_hashtab_count(const lg_hashtab *h)
{
	return h->count;
}

bool lg_hashtab_each(const lg_hashtab *h,
		     bool (*fn)(const char *key, void *value, void *ud),
		     void *ud)
{
	for (size_t i = 0; i < h->cap; i++) {
		if (h->slots[i].key &&
		    !fn(h->slots[i].key, h->slots[i].value, ud))
			return false;
	}
	return true;
}

void lg_hashtab_free(lg_hashtab *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->slots[i].key);
	free(h->slots);
	free(h);
}
