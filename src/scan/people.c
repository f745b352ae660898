/* people.c: whose data a text holds, and how many people. A leak report
 * first says how many people; a finding count does not (one customer row
 * holds a name, a phone, an address and a card).
 *
 * Rows are lines (a table row over several lines is one). In a table, a
 * row is a record: rows sharing an e-mail
 * address, a phone number, a My Number, a card, an ID document's number,
 * or a name with a birth date are one person (a customer listed twice,
 * an order list repeating its buyers), and a row without any of them is
 * a person of its own (a list of birth dates). A value on half the rows
 * or more is the file's own, not a person's: the shop's phone on every
 * row of a shipping list (ご依頼主) links no buyers. In prose,
 * one person's address and phone stand on different lines, so nothing
 * links them: the count is the most distinct values of any one of those
 * kinds (two addresses and one phone: at least two people), and one when
 * there is personal data but none of them. Company numbers, passwords
 * and keys are not about people: they count in neither. Findings carry
 * normalised values (digits only, lowercase mail), so "090-1234-5678"
 * and "09012345678" are one key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "leakguard/scan.h"
#include "util/util.h"

#define PEOPLE_MAX (1u << 20) /* keys kept per text: ~30 MB at most */

/* A key's slot: its hash (0: an empty slot), its number (in the order
 * first seen) and the last keyed row holding it. One slot holds all that
 * a finding looks at, so a key costs one cache line, not three. */
typedef struct key_slot {
	uint64_t key;
	uint32_t idx, last;
} key_slot;

/* hash -> slot, open addressing (keys are hashes, never 0). */
typedef struct u64map {
	key_slot *slots;
	uint32_t mask, n;
} u64map;

/* Rows are counted as the line changes (findings come in text order);
 * only rows holding a key get an id, for the union-find that links rows
 * sharing one. */
/* A key seen again: rows a and b share key k, linked at the end if the
 * key is a person's (not on most rows). a is the row before b holding
 * the key: a chain links the rows as well as a star would. */
typedef struct people_link {
	uint32_t a, b, key;
} people_link;

/* A key waiting to be looked up: its slot was prefetched when its
 * finding came, and it is looked up when the next one comes (after the
 * record was written), so that the map's cache misses overlap the other
 * work. Lookups keep the order of the findings. */
typedef struct pending_key {
	uint64_t h;
	uint64_t *distinct;
	uint32_t row;
	bool set;
} pending_key;

struct lg_people {
	u64map keys;	  /* key hash -> slot */
	uint32_t *parent; /* per keyed row */
	uint32_t nkeyed, cap;
	people_link *links;
	size_t nlinks, caplinks;
	pending_key pending;
	bool oom;		      /* a pending key found memory out */
	uint64_t row_name, row_birth; /* the current row's, 0: none */
	bool row_paired;
	uint64_t nrows, line; /* rows so far; the current row's line */
	uint32_t row;	      /* the current row's id; UINT32_MAX: none yet */
	uint64_t per_type[LG_TYPE_COUNT], findings;
	uint64_t distinct[LG_TYPE_COUNT]; /* identifying values, per type */
	uint64_t distinct_pairs;	  /* names with birth dates */
	bool capped;
};

/* A map of MAPPED_SLOTS bytes or more is mapped on its own, in whole
 * huge pages (lg_huge_alloc): each finding's key is a random slot, and
 * on 4 KiB pages most missed the TLB (the map is used between the
 * detector's passes over the text and its dictionaries). */
#define MAPPED_SLOTS (256u << 10)

static key_slot *slots_alloc(uint32_t cap)
{
	size_t bytes = (size_t)cap * sizeof(key_slot);
	if (bytes < MAPPED_SLOTS)
		return calloc(cap, sizeof(key_slot));
	return lg_huge_alloc(bytes); /* zeros, as calloc's */
}

static void slots_free(key_slot *k, uint32_t cap)
{
	size_t bytes = (size_t)cap * sizeof(key_slot);
	if (bytes < MAPPED_SLOTS)
		free(k);
	else
		lg_huge_free(k, bytes);
}

static void map_free(u64map *m)
{
	if (m->slots)
		slots_free(m->slots, m->mask + 1);
	memset(m, 0, sizeof(*m));
}

static bool map_grow(u64map *m)
{
	uint32_t cap = m->slots ? (m->mask + 1) * 2 : 1024;
	key_slot *k = slots_alloc(cap);
	if (!k)
		return false;
	for (uint32_t i = 0; m->slots && i <= m->mask; i++) {
		if (!m->slots[i].key)
			continue;
		uint32_t j = (uint32_t)m->slots[i].key & (cap - 1);
		while (k[j].key)
			j = (j + 1) & (cap - 1);
		k[j] = m->slots[i];
	}
	if (m->slots)
		slots_free(m->slots, m->mask + 1);
	m->slots = k;
	m->mask = cap - 1;
	return true;
}

/* The slot of key, made (number m->n, *added set) when absent. NULL
 * when memory is out. */
static key_slot *map_get(u64map *m, uint64_t key, bool *added)
{
	*added = false;
	if ((!m->slots || (m->n + 1) * 2 > m->mask + 1) && !map_grow(m))
		return NULL;
	key |= !key; /* 0 marks an empty slot */
	uint32_t i = (uint32_t)key & m->mask;
	while (m->slots[i].key && m->slots[i].key != key)
		i = (i + 1) & m->mask;
	key_slot *k = &m->slots[i];
	if (!k->key) {
		k->key = key;
		k->idx = m->n++;
		k->last = UINT32_MAX;
		*added = true;
	}
	return k;
}

lg_people *lg_people_new(void)
{
	lg_people *p = calloc(1, sizeof(lg_people));
	if (p)
		p->row = UINT32_MAX;
	return p;
}

void lg_people_free(lg_people *p)
{
	if (!p)
		return;
	map_free(&p->keys);
	free(p->parent);
	free(p->links);
	free(p);
}

static uint32_t root(lg_people *p, uint32_t r)
{
	while (p->parent[r] != r) {
		p->parent[r] = p->parent[p->parent[r]];
		r = p->parent[r];
	}
	return r;
}

/* The current row's id in the union-find, made on its first key;
 * UINT32_MAX when memory is out. */
static uint32_t keyed_row(lg_people *p)
{
	if (p->row != UINT32_MAX)
		return p->row;
	if (p->nkeyed == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 256;
		uint32_t *par = realloc(p->parent, cap * sizeof(*par));
		if (!par)
			return UINT32_MAX;
		p->parent = par;
		p->cap = cap;
	}
	p->parent[p->nkeyed] = p->nkeyed;
	return p->row = p->nkeyed++;
}

/* Data about a person: not a company's number, a password or a key. */
static bool personal(lg_type t)
{
	switch (t) {
	case LG_JP_CORPORATE_NUMBER:
	case LG_PASSWORD:
	case LG_AWS_ACCESS_KEY_ID:
	case LG_AWS_SECRET_ACCESS_KEY:
	case LG_PRIVATE_KEY:
	case LG_GITHUB_TOKEN:
	case LG_SLACK_TOKEN:
	case LG_GENERIC_API_KEY:
		return false;
	default:
		return true;
	}
}

/* Values that belong to one person each: two rows holding one are one
 * person, and so many distinct values are so many people. */
static bool identifies(lg_type t)
{
	switch (t) {
	case LG_EMAIL:
	case LG_JP_PHONE:
	case LG_JP_MY_NUMBER:
	case LG_CREDIT_CARD:
	case LG_JP_DRIVERS_LICENSE:
	case LG_JP_PASSPORT:
	case LG_JP_RESIDENCE_CARD:
		return true;
	default:
		return false;
	}
}

static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 256;
	void *q = realloc(*v, c * size);
	if (!q)
		return false;
	*v = q;
	*cap = c;
	return true;
}

/* Looks the pending key up: a new key, or one an earlier row held,
 * which links the two rows. False when memory is out. */
static bool take_pending(lg_people *p)
{
	pending_key k = p->pending;
	if (!k.set)
		return true;
	p->pending.set = false;
	bool added;
	key_slot *s = map_get(&p->keys, k.h, &added);
	if (!s)
		return false;
	*k.distinct += added;
	uint32_t last = s->last;
	if (last == k.row)
		return true; /* twice on one row */
	s->last = k.row;
	if (added)
		return true;
	people_link l = {last, k.row, s->idx};
	if (!grow((void **)&p->links, p->nlinks, &p->caplinks, sizeof(l)))
		return false;
	p->links[p->nlinks++] = l;
	return true;
}

/* The current row holds key h: looked up when the next finding comes
 * (take_pending), its slot fetched meanwhile. */
static bool add_key(lg_people *p, uint64_t h, uint64_t *distinct)
{
	if (!take_pending(p))
		return false;
	if (p->keys.n >= PEOPLE_MAX) {
		p->capped = true;
		return true;
	}
	uint32_t r = keyed_row(p);
	if (r == UINT32_MAX)
		return false;
	p->pending = (pending_key){h, distinct, r, true};
	if (p->keys.slots)
		__builtin_prefetch(
		    &p->keys.slots[(uint32_t)(h | !h) & p->keys.mask]);
	return true;
}

/* The value's bytes: the length a finding carries (0 in one made by
 * hand, or empty). */
static size_t value_len(const lg_finding *f)
{
	return f->value_len ? f->value_len : strlen(f->value);
}

/* A name with a birth date on one row is a key of its own. */
static bool pair_key(lg_people *p, const lg_finding *f)
{
	uint64_t h = XXH3_64bits(f->value, value_len(f));
	if (f->type == LG_PERSON_NAME && !p->row_name)
		p->row_name = h | 1;
	else if (f->type == LG_BIRTH_DATE && !p->row_birth)
		p->row_birth = h | 1;
	if (!p->row_name || !p->row_birth || p->row_paired)
		return true;
	p->row_paired = true;
	return add_key(p, p->row_name * 31 + p->row_birth, &p->distinct_pairs);
}

bool lg_people_add(lg_people *p, const lg_finding *f)
{
	p->findings++;
	p->per_type[f->type]++;
	if (!personal(f->type))
		return true;
	uint64_t row = f->row ? f->row : f->line;
	if (!p->nrows || row != p->line) { /* a new row */
		p->nrows++;
		p->line = row;
		p->row = UINT32_MAX;
		p->row_name = p->row_birth = 0;
		p->row_paired = false;
	}
	if (f->type == LG_PERSON_NAME || f->type == LG_BIRTH_DATE)
		return pair_key(p, f);
	if (!identifies(f->type))
		return true;
	uint64_t h =
	    XXH3_64bits_withSeed(f->value, value_len(f), (uint64_t)f->type);
	return add_key(p, h, &p->distinct[f->type]);
}

/* Links the rows that share a person's key; a key on half the rows or
 * more (and on three at least) is the file's. A key is on one row more
 * than it has links. False when memory is out (then all are linked). */
static bool link_rows(lg_people *p)
{
	uint32_t *rows = calloc(p->keys.n ? p->keys.n : 1, sizeof(*rows));
	for (size_t i = 0; rows && i < p->nlinks; i++)
		rows[p->links[i].key]++;
	for (size_t i = 0; i < p->nlinks; i++) {
		const people_link *l = &p->links[i];
		uint64_t on = rows ? (uint64_t)rows[l->key] + 1 : 0;
		if (on >= 3 && on * 2 >= p->nrows)
			continue;
		uint32_t a = root(p, l->a), b = root(p, l->b);
		if (a != b)
			p->parent[b] = a;
	}
	free(rows);
	return rows != NULL;
}

void lg_people_end(lg_people *p, bool tabular, lg_people_counts *out)
{
	memset(out, 0, sizeof(*out));
	if (!take_pending(p))
		p->capped = true; /* memory out: the count is approximate */
	out->rows = p->nrows;
	out->findings = p->findings;
	out->capped = p->capped;
	memcpy(out->per_type, p->per_type, sizeof(out->per_type));
	if (tabular) { /* keyless rows, and one per linked set of rows */
		if (!link_rows(p))
			out->capped = true;
		out->people = p->nrows - p->nkeyed;
		for (uint32_t r = 0; r < p->nkeyed; r++)
			out->people += root(p, r) == r;
	}
	for (int t = 0; !tabular && t < LG_TYPE_COUNT; t++)
		if (p->distinct[t] > out->people)
			out->people = p->distinct[t];
	if (!tabular && p->distinct_pairs > out->people)
		out->people = p->distinct_pairs;
	if (!tabular && !out->people && p->nrows)
		out->people = 1; /* someone's data, whose we cannot tell */
	map_free(&p->keys);
	p->nrows = p->nkeyed = 0;
	p->nlinks = 0;
	p->distinct_pairs = 0;
	p->row = UINT32_MAX;
	p->findings = 0;
	p->capped = false;
	memset(p->per_type, 0, sizeof(p->per_type));
	memset(p->distinct, 0, sizeof(p->distinct));
}
