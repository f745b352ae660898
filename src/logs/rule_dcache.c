/* rule_dcache.c: the detections' answers, remembered per request.
 *
 * A detection is a function of the fields it reads, and access logs
 * repeat themselves: the same page, with the same status and the same
 * path classes, comes back every few seconds from someone else. For the
 * detections that read only such request-side fields (method, path,
 * query, status, the path classes, cache and ad-click flags), the fields
 * they read form a key, and the set of them that matched a key is kept in
 * a direct-mapped table: an event whose key was seen lately costs one
 * hash and one compare, not every rule's conditions.
 *
 * Detections that read a field of the visitor (address, user, agent,
 * referer, bytes, extras) or search keywords (agent and referer among
 * them) would make nearly every key new; they are evaluated every time.
 * Which ones those are changes the speed only, never an answer: the key
 * holds every byte of every field the cached detections read (a hash
 * collision cannot borrow another key's answers). */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "rules_int.h"

#define DC_SLOTS  32768u /* a power of two */
#define DC_MAXKEY 184u	 /* longest key kept; longer events are evaluated */

/* A slot: its hash and length, then the answers (dwords words), then the
 * key, in one run of memory (a lookup touches one or two cache lines). */
typedef struct dc_slot {
	uint64_t hash;
	uint32_t len; /* 0: empty */
	uint32_t pad;
	uint64_t answers[]; /* bit j: dets[j] matched; then the key */
} dc_slot;

struct lr_dcache {
	uint64_t fields; /* bit f: the key holds field f */
	uint64_t read;	 /* fields read from the line that choose its slot */
	/* a slot chosen by lr_dcache_prefetch for the coming lookup */
	bool chosen;
	uint64_t chosen_hash;
	size_t dwords; /* of each slot's answers */
	size_t slot_size;
	uint8_t *slots; /* DC_SLOTS of slot_size bytes */
	uint8_t key[DC_MAXKEY];
};

/* Fields that differ from one visitor or response to the next: a key
 * holding one would rarely repeat. */
static bool per_visitor(int f)
{
	switch (f) {
	case LG_FLD_SC_BYTES:
	case LG_FLD_CS_REFERER:
	case LG_FLD_CS_USER_AGENT:
	case LG_FLD_CS_COOKIE:
	case LG_FLD_TIME_TAKEN:
	case LG_FLD_MAIL_TO:
	case LG_FLD_MAIL_SIZE:
		return true;
	default:
		return lg_field_is_who((lg_field)f);
	}
}

/* The fields detection d reads, as bits; 0 when one of them makes it
 * uncacheable (see above) or it reads none. */
static uint64_t det_fields(const lr_detection *d)
{
	uint64_t m = 0;
	for (unsigned s = 0; s < d->nsearch; s++) {
		for (unsigned a = 0; a < d->search[s].nsets; a++) {
			const lr_andset *set = &d->search[s].sets[a];
			for (unsigned c = 0; c < set->ncond; c++) {
				const lr_cond *k = &set->conds[c];
				if (k->keywords || k->ref.field < 0 ||
				    per_visitor(k->ref.field))
					return 0;
				m |= 1ull << k->ref.field;
			}
		}
	}
	return m;
}

lr_dcache *lr_dcache_new(const lg_ruleset *rs, const uint32_t *dets,
			 size_t ndets, size_t dwords, uint64_t *cached)
{
	_Static_assert(LG_FLD_COUNT <= 64, "field bits fit a word");
	lr_dcache *dc = calloc(1, sizeof(*dc));
	if (!dc)
		return NULL;
	dc->dwords = dwords;
	for (size_t j = 0; j < ndets; j++) {
		uint64_t m = det_fields(&rs->rules[dets[j]]->det);
		if (!m)
			continue;
		dc->fields |= m;
		cached[j / 64] |= 1ull << (j % 64);
	}
	dc->read = dc->fields & ((1ull << LG_FLD_DERIVED) - 1);
	/* the query is where decoded URIs differ: without it, a page and
	 * all its ?gclid=… variants would fight over one slot */
	if (dc->fields & 1ull << LG_FLD_URI_DECODED)
		dc->read |= 1ull << LG_FLD_CS_URI_QUERY;
	return dc;
}

void lr_dcache_free(lr_dcache *dc)
{
	if (!dc)
		return;
	free(dc->slots);
	free(dc);
}

/* The table, allocated on the first event (a run over a mail log, which
 * no cached detection reads, never pays for it). */
static bool table_ready(lr_dcache *dc)
{
	if (dc->slots)
		return true;
	dc->slot_size = sizeof(dc_slot) + dc->dwords * sizeof(uint64_t) +
			(DC_MAXKEY + 7) / 8 * 8;
	dc->slots = calloc(DC_SLOTS, dc->slot_size);
	if (dc->slots)
		return true;
	dc->fields = 0; /* no memory: nothing is cached */
	return false;
}

/* The one-byte codes of a field that is absent or a derived flag; any
 * other value is written as a two-byte length (below DC_MAXKEY, so its
 * first byte is never one of these) and its bytes. */
enum { DC_ABSENT = 0xff, DC_TRUE = 0xfe, DC_FALSE = 0xfd };

static int flag_code(lg_slice s)
{
	if (!s.p)
		return DC_ABSENT;
	if (s.n == 4 && !memcmp(s.p, "true", 4))
		return DC_TRUE;
	if (s.n == 5 && !memcmp(s.p, "false", 5))
		return DC_FALSE;
	return -1;
}

/* Writes the key; 0 when it does not fit. */
static size_t key_build(lr_dcache *dc, const lg_log_event *ev)
{
	size_t n = 0;
	for (uint64_t m = dc->fields; m; m &= m - 1) {
		lg_slice s = ev->f[__builtin_ctzll(m)];
		int code = flag_code(s);
		if (code >= 0 && n < DC_MAXKEY) {
			dc->key[n++] = (uint8_t)code;
			continue;
		}
		if (code >= 0 || s.n > DC_MAXKEY - 2 || n + 2 + s.n > DC_MAXKEY)
			return 0;
		dc->key[n++] = (uint8_t)(s.n >> 8);
		dc->key[n++] = (uint8_t)s.n;
		memcpy(dc->key + n, s.p, s.n);
		n += s.n;
	}
	return n;
}

/* Where a key lives: a hash of fields read from the line alone (those of
 * the key, and the query the decoded URI comes from), so the slot is
 * known, and fetched from memory, before the derived fields exist. A slot
 * holds the whole key, so which slot a key gets is a matter of speed
 * only, never of answers. */
static uint64_t slot_hash(const lr_dcache *dc, const lg_log_event *ev)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (uint64_t m = dc->read; m; m &= m - 1) {
		lg_slice s = ev->f[__builtin_ctzll(m)];
		h = (h ^ (s.p ? XXH3_64bits(s.p, s.n) : 1)) *
		    0xff51afd7ed558ccdull;
	}
	return h ^ h >> 32;
}

static dc_slot *slot_at(const lr_dcache *dc, uint64_t h)
{
	return (dc_slot *)(dc->slots + (h & (DC_SLOTS - 1)) * dc->slot_size);
}

void lr_dcache_prefetch(lr_dcache *dc, const lg_log_event *ev)
{
	if (!dc->fields || !table_ready(dc))
		return;
	dc->chosen_hash = slot_hash(dc, ev);
	dc->chosen = true;
	const char *p = (const char *)slot_at(dc, dc->chosen_hash);
	__builtin_prefetch(p);
	__builtin_prefetch(p + 64);
}

const uint64_t *lr_dcache_find(lr_dcache *dc, const lg_log_event *ev,
			       uint64_t **store)
{
	*store = NULL;
	bool chosen = dc->chosen;
	dc->chosen = false;
	if (!dc->fields || !table_ready(dc))
		return NULL;
	size_t n = key_build(dc, ev);
	if (!n)
		return NULL;
	uint64_t h = chosen ? dc->chosen_hash : slot_hash(dc, ev);
	dc_slot *slot = slot_at(dc, h);
	uint8_t *k = (uint8_t *)(slot->answers + dc->dwords);
	if (slot->hash == h && slot->len == n && !memcmp(k, dc->key, n))
		return slot->answers;
	slot->hash = h;
	slot->len = (uint32_t)n;
	memcpy(k, dc->key, n);
	*store = slot->answers;
	return NULL;
}
