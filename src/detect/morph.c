/* morph.c: Japanese morphology through MeCab and IPAdic. Names are told
 * from words by the dictionary's part of speech (名詞,固有名詞,人名,姓 / 名
 * / 一般, research/dlp.md 7.1); the analysis runs only on the few
 * characters around a label or an honorific, never over whole texts. The
 * model (the mapped dictionary) is shared by every thread; each stream
 * has its own tagger and lattice. */
#include <mecab.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_int.h"
#include "util/util.h"

/* What MeCab made of a short text, kept for when the same bytes come
 * again: business text repeats itself (お客様, 皆様, the same staff names),
 * and a parse costs a hundred times a look-up. The key is the exact bytes
 * parsed, which is all a parse depends on (the model is the stream's, for
 * its life); longer texts, or ones of more words than fit, are not kept.
 * A set of MEMO_WAYS entries per hash. When the set is full a new text
 * takes the place of one not used since it came; when each has been used,
 * each loses one use and the new text is not kept: words seen once do not
 * push out the common ones. */
#define MEMO_KEY    48 /* bytes of text */
#define MEMO_TOKENS 16 /* its words and spaces */
#define MEMO_WAYS   4
#define MEMO_SETS   512 /* a power of two: 2048 entries, about 200 KiB */

typedef struct memo_token {
	uint8_t off, len, cls;
} memo_token;

typedef struct memo_entry {
	uint32_t tag; /* the hash's other bits */
	uint8_t len;  /* of the key; 0: empty */
	uint8_t ntok; /* the whole parse, not cut to a caller's cap */
	uint8_t uses; /* hits since it came, at most MEMO_USES */
	char key[MEMO_KEY];
	memo_token tok[MEMO_TOKENS];
} memo_entry;
#define MEMO_USES 3

struct lg_morph {
	mecab_t *tagger;
	mecab_lattice_t *lattice;
	/* MEMO_SETS sets, allocated at the first parse: a stream that
	 * never sees a name pays nothing */
	memo_entry (*memo)[MEMO_WAYS];
	struct verdict_memo *verdicts[LG_MEMO_KINDS]; /* see lg_memo_validate */
};

static void verdict_memo_free(struct verdict_memo *vm);

/* Where Debian installs the UTF-8 IPAdic; LEAKGUARD_MECAB_DICDIR first. */
static const char *dicdir(void)
{
	static const char *const dirs[] = {
	    "/var/lib/mecab/dic/ipadic-utf8",
	    "/usr/lib/x86_64-linux-gnu/mecab/dic/ipadic-utf8",
	    "/usr/lib/aarch64-linux-gnu/mecab/dic/ipadic-utf8",
	    "/usr/share/mecab/dic/ipadic", NULL};
	const char *env = getenv("LEAKGUARD_MECAB_DICDIR");
	if (env && *env)
		return env;
	for (const char *const *d = dirs; *d; d++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/sys.dic", *d);
		if (access(path, R_OK) == 0)
			return *d;
	}
	return NULL;
}

bool lg_morph_load(lg_detector *d, char *err, size_t errlen)
{
	const char *dir = dicdir();
	if (!dir) {
		snprintf(err, errlen,
			 "no MeCab dictionary for person names: install "
			 "mecab-ipadic-utf8 (or set LEAKGUARD_MECAB_DICDIR), "
			 "or leave person_name out of --types");
		return false;
	}
	char arg[600];
	snprintf(arg, sizeof(arg), "-d %s", dir);
	mecab_model_t *m = mecab_model_new2(arg);
	if (!m) {
		snprintf(err, errlen, "cannot load the MeCab dictionary %s: %s",
			 dir, mecab_strerror(NULL));
		return false;
	}
	const mecab_dictionary_info_t *info = mecab_model_dictionary_info(m);
	if (!info || !info->charset ||
	    (lg_ascii_casecmp(info->charset, "utf-8") &&
	     lg_ascii_casecmp(info->charset, "utf8"))) {
		snprintf(err, errlen,
			 "the MeCab dictionary %s is not UTF-8 (%s): install "
			 "mecab-ipadic-utf8",
			 dir, info && info->charset ? info->charset : "?");
		mecab_model_destroy(m);
		return false;
	}
	d->morph_model = m;
	return true;
}

void lg_morph_unload(lg_detector *d)
{
	if (d->morph_model)
		mecab_model_destroy(d->morph_model);
	d->morph_model = NULL;
}

lg_morph *lg_morph_new(const lg_detector *d)
{
	if (!d->morph_model)
		return NULL;
	lg_morph *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->tagger = mecab_model_new_tagger(d->morph_model);
	m->lattice = mecab_model_new_lattice(d->morph_model);
	if (!m->tagger || !m->lattice) {
		lg_morph_free(m);
		return NULL;
	}
	return m;
}

void lg_morph_free(lg_morph *m)
{
	if (!m)
		return;
	if (m->lattice)
		mecab_lattice_destroy(m->lattice);
	if (m->tagger)
		mecab_destroy(m->tagger);
	free(m->memo);
	for (size_t k = 0; k < LG_MEMO_KINDS; k++)
		verdict_memo_free(m->verdicts[k]);
	free(m);
}

/* The word class a node's feature string (IPAdic: pos,sub1,sub2,sub3,...)
 * gives. */
static lg_morph_class node_class(const mecab_node_t *n)
{
	const char *f = n->feature;
	if (n->stat == MECAB_UNK_NODE)
		return LG_MORPH_UNKNOWN;
	if (!strncmp(f, "名詞,固有名詞,人名,姓", 29))
		return LG_MORPH_SURNAME;
	if (!strncmp(f, "名詞,固有名詞,人名,名", 29))
		return LG_MORPH_GIVEN;
	if (!strncmp(f, "名詞,固有名詞,人名", 26))
		return LG_MORPH_PERSON;
	if (!strncmp(f, "名詞,接尾,人名", 20))
		return LG_MORPH_HONORIFIC;
	if (!strncmp(f, "名詞,固有名詞,組織", 26))
		return LG_MORPH_ORG;
	if (!strncmp(f, "名詞,固有名詞,地域", 26))
		return LG_MORPH_PLACE;
	if (!strncmp(f, "名詞,", 7))
		return LG_MORPH_NOUN;
	if (!strncmp(f, "記号,空白", 13))
		return LG_MORPH_SPACE;
	return LG_MORPH_OTHER;
}

/* MeCab's words of text[0..n), at most cap. */
static size_t parse(lg_morph *m, const char *text, size_t n,
		    lg_morph_token *out, size_t cap)
{
	mecab_lattice_set_sentence2(m->lattice, text, n);
	if (!mecab_parse_lattice(m->tagger, m->lattice))
		return 0;
	size_t k = 0;
	for (const mecab_node_t *node = mecab_lattice_get_bos_node(m->lattice);
	     node && k < cap; node = node->next) {
		if (node->stat == MECAB_BOS_NODE ||
		    node->stat == MECAB_EOS_NODE)
			continue;
		/* MeCab skips spaces; their place is between two nodes */
		size_t off = (size_t)(node->surface - text);
		size_t lead = node->rlength - node->length;
		if (lead && k < cap && off >= lead)
			out[k++] =
			    (lg_morph_token){(uint32_t)(off - lead),
					     (uint32_t)lead, LG_MORPH_SPACE};
		if (k < cap)
			out[k++] = (lg_morph_token){(uint32_t)off, node->length,
						    node_class(node)};
	}
	return k;
}

/* ---- the memo ------------------------------------------------------------
 */
/* Eight bytes a step, the last step the last eight bytes (again in part):
 * a copy of a length not known when compiled cost more than the rest. */
static uint64_t memo_hash(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15u, w = 0;
	if (n < 8) {
		memcpy(&w, s, n);
		h = (h ^ w) * 0xBF58476D1CE4E5B9u;
		return (h ^ h >> 29) * 0x94D049BB133111EBu;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9u;
		h ^= h >> 29;
	}
	memcpy(&w, s + n - 8, 8);
	h = (h ^ w) * 0xBF58476D1CE4E5B9u;
	h ^= h >> 29;
	return h * 0x94D049BB133111EBu;
}

static memo_entry *memo_find(memo_entry *set, uint32_t tag, const char *text,
			     size_t n)
{
	for (size_t w = 0; w < MEMO_WAYS; w++) {
		memo_entry *e = &set[w];
		if (e->len == n && e->tag == tag && !memcmp(e->key, text, n))
			return e;
	}
	return NULL;
}

/* The entry a new key may take, NULL when every entry in the set is still
 * used more (their uses are worn down by one instead). */
static memo_entry *memo_victim(memo_entry *set)
{
	memo_entry *v = &set[0];
	for (size_t w = 0; w < MEMO_WAYS; w++) {
		if (set[w].len == 0)
			return &set[w];
		if (set[w].uses < v->uses)
			v = &set[w];
	}
	if (v->uses == 0)
		return v;
	for (size_t w = 0; w < MEMO_WAYS; w++)
		set[w].uses--;
	return NULL;
}

static void memo_store(memo_entry *e, uint32_t tag, const char *text, size_t n,
		       const lg_morph_token *t, size_t nt)
{
	e->tag = tag;
	e->len = (uint8_t)n;
	e->ntok = (uint8_t)nt;
	e->uses = 0;
	memcpy(e->key, text, n);
	for (size_t i = 0; i < nt; i++)
		e->tok[i] = (memo_token){(uint8_t)t[i].off, (uint8_t)t[i].len,
					 (uint8_t)t[i].cls};
}

size_t lg_morph_parse(lg_morph *m, const char *text, size_t n,
		      lg_morph_token *out, size_t cap)
{
	if (!m || n == 0)
		return 0;
	if (!m->memo)
		m->memo = calloc(MEMO_SETS, sizeof(*m->memo));
	if (n > MEMO_KEY || !m->memo)
		return parse(m, text, n, out, cap);
	uint64_t h = memo_hash(text, n);
	memo_entry *set = m->memo[h & (MEMO_SETS - 1)];
	uint32_t tag = (uint32_t)(h >> 32);
	memo_entry *e = memo_find(set, tag, text, n);
	if (e) {
		e->uses += e->uses < MEMO_USES;
		size_t k = e->ntok < cap ? e->ntok : cap;
		for (size_t i = 0; i < k; i++)
			out[i] =
			    (lg_morph_token){e->tok[i].off, e->tok[i].len,
					     (lg_morph_class)e->tok[i].cls};
		return k;
	}
	/* the whole parse, one word more than is kept: a parse that fills
	 * it may be cut, and is not kept */
	lg_morph_token t[MEMO_TOKENS + 1];
	size_t nt = parse(m, text, n, t, MEMO_TOKENS + 1);
	if (nt == 0) /* MeCab failed: not kept */
		return 0;
	if (nt > MEMO_TOKENS)
		return parse(m, text, n, out, cap);
	e = memo_victim(set);
	if (e)
		memo_store(e, tag, text, n, t, nt);
	size_t k = nt < cap ? nt : cap;
	memcpy(out, t, k * sizeof(*out));
	return k;
}

/* ---- the verdicts memo ----------------------------------------------------
 * The same candidates come again and again: a mail's 山田様, a report's
 * 営業部 山田 after every 担当, the same staff in every row. A person-name
 * verdict costs a MeCab parse (or its memo's look-up), the
 * organisation and sample checks and the value, some 4,000
 * instructions; a look-up here about a hundred. (Addresses repeat too,
 * a dense export's each three or four times, but an address's fold and
 * parse take little longer than a look-up's cache misses: a memo of
 * them, two lines an entry and loaded ahead, was measured slower.) A
 * validator's verdict depends only on the candidate's bytes and on
 * whether it is a whole table cell, which make the key. Kept per
 * stream with its analyser, one memo per validator, managed as the
 * memo of parses above: VERDICT_WAYS entries a set; a full set makes
 * room only by an entry not used since it came, else each of its
 * entries loses a use and the new verdict is not kept. Longer
 * candidates are not kept. */
#define VERDICT_WAYS 4
#define VERDICT_USES 3
#define VERDICT_ROOM                                                           \
	44 /* bytes for the key and, where it is not in the                    \
	    * key, the value */

enum { VERDICT_CELL = 1, VERDICT_OK = 2 };

/* One cache line. A look-up is a cache miss (the memo is read a few
 * hundred times a window, between passes over the text that push it
 * out), and its cost went with the memo's size: entries that held a key
 * and a value of 64 bytes each made a memo of 600 KiB, where a line
 * each makes 256 KiB, read one line a hit. A person name's value is its
 * span of the key most of the time (its spaces are single), so it is
 * kept as a place in the key; other values follow the key where they
 * fit, else the verdict is not kept. */
typedef struct verdict {
	double adjust;
	uint32_t tag;  /* the hash's other bits */
	uint8_t len;   /* of the key; 0: empty */
	uint8_t flags; /* VERDICT_CELL, VERDICT_OK */
	uint8_t uses;  /* hits since it came, at most VERDICT_USES */
	char kind;
	uint8_t span_off, span_len;
	uint8_t value_off, value_len; /* in bytes */
	char bytes[VERDICT_ROOM];     /* the key, and the value if apart */
} verdict;
_Static_assert(sizeof(verdict) == 64, "a verdict is one cache line");

typedef struct verdict_memo {
	size_t sets;
	void *block;	  /* as allocated */
	verdict *entries; /* sets of VERDICT_WAYS, on lines' boundaries */
} verdict_memo;

/* Each kind's sets (powers of two). */
static const size_t verdict_sets[LG_MEMO_KINDS] = {
    /* 8192 entries, 512 KiB: a dense text of 64 MiB has some 8,000
     * names and cells, and 4096 entries missed one in seven look-ups */
    [LG_MEMO_NAME] = 2048,
};

static verdict_memo *verdict_memo_new(lg_memo_kind k)
{
	size_t sets = verdict_sets[k],
	       size = sets * VERDICT_WAYS * sizeof(verdict);
	verdict_memo *vm = malloc(sizeof(*vm));
	/* calloc's pages of a large block come zeroed from the system, and
	 * are mapped only when touched: a memset of the whole cost its
	 * every page at the first name of a sparse text */
	char *b = calloc(1, size + 63);
	if (!vm || !b) {
		free(vm);
		free(b);
		return NULL;
	}
	*vm = (verdict_memo){sets, b,
			     (verdict *)(void *)(b + (-(uintptr_t)b & 63))};
	return vm;
}

static void verdict_memo_free(verdict_memo *vm)
{
	if (vm)
		free(vm->block);
	free(vm);
}

static verdict *verdict_at(verdict_memo *vm, size_t set, size_t way)
{
	return &vm->entries[set * VERDICT_WAYS + way];
}

/* The entry a new verdict may take, NULL when each is used more. */
static verdict *verdict_victim(verdict_memo *vm, size_t set)
{
	verdict *v = verdict_at(vm, set, 0);
	for (size_t w = 0; w < VERDICT_WAYS; w++) {
		verdict *e = verdict_at(vm, set, w);
		if (e->len == 0)
			return e;
		if (e->uses < v->uses)
			v = e;
	}
	if (v->uses == 0)
		return v;
	for (size_t w = 0; w < VERDICT_WAYS; w++)
		verdict_at(vm, set, w)->uses--;
	return NULL;
}

static bool verdict_give(const verdict *v, lg_candidate *c)
{
	if (!(v->flags & VERDICT_OK))
		return false;
	c->span_off = v->span_off;
	c->span_len = v->span_len;
	c->adjust = v->adjust;
	c->kind = v->kind;
	memcpy(c->value, v->bytes + v->value_off, v->value_len);
	c->value[v->value_len] = '\0';
	return true;
}

/* Where c's value is kept: in the key, or after it where it fits; false
 * when neither. */
static bool verdict_value_place(const lg_candidate *c, size_t *off, size_t *len)
{
	*len = strlen(c->value);
	*off = 0;
	for (size_t i = 0; *len > 0 && i + *len <= c->raw_len; i++) {
		if (!memcmp(c->raw + i, c->value, *len)) {
			*off = i;
			return true;
		}
	}
	*off = c->raw_len;
	return *len == 0 || c->raw_len + *len <= VERDICT_ROOM;
}

static void verdict_keep(verdict_memo *vm, size_t set, uint32_t tag,
			 uint8_t flags, const lg_candidate *c)
{
	size_t off = 0, len = 0;
	if (c->span_off > UINT8_MAX || c->span_len > UINT8_MAX ||
	    ((flags & VERDICT_OK) && !verdict_value_place(c, &off, &len)))
		return; /* not kept */
	verdict *v = verdict_victim(vm, set);
	if (!v)
		return;
	v->tag = tag;
	v->len = (uint8_t)c->raw_len;
	v->flags = flags;
	v->uses = 0;
	v->span_off = (uint8_t)c->span_off; /* within the key's bytes */
	v->span_len = (uint8_t)c->span_len;
	v->kind = c->kind;
	v->adjust = c->adjust;
	v->value_off = (uint8_t)off;
	v->value_len = (uint8_t)len;
	memcpy(v->bytes, c->raw, c->raw_len);
	if (off == c->raw_len)
		memcpy(v->bytes + off, c->value, len);
}

void lg_memo_prefetch(const lg_morph *m, lg_memo_kind k, const uint8_t *raw,
		      size_t len)
{
	const verdict_memo *vm = m ? m->verdicts[k] : NULL;
	if (!vm || len == 0 || len > VERDICT_ROOM)
		return;
	uint64_t h = memo_hash((const char *)raw, len);
	const verdict *v = &vm->entries[(h & (vm->sets - 1)) * VERDICT_WAYS];
	for (size_t w = 0; w < VERDICT_WAYS; w++)
		__builtin_prefetch(v + w);
}

bool lg_memo_validate(lg_candidate *c, lg_memo_kind k, lg_validate_fn fn)
{
	lg_morph *m = c->morph;
	if (!m || c->raw_len == 0 || c->raw_len > VERDICT_ROOM)
		return fn(c);
	if (!m->verdicts[k])
		m->verdicts[k] = verdict_memo_new(k);
	verdict_memo *vm = m->verdicts[k];
	if (!vm)
		return fn(c);
	uint8_t cell = c->from_column ? VERDICT_CELL : 0;
	uint64_t h = memo_hash((const char *)c->raw, c->raw_len);
	size_t set = (size_t)((h ^ cell) & (vm->sets - 1));
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t w = 0; w < VERDICT_WAYS; w++) {
		verdict *v = verdict_at(vm, set, w);
		if (v->len == c->raw_len && v->tag == tag &&
		    (v->flags & VERDICT_CELL) == cell &&
		    !memcmp(v->bytes, c->raw, c->raw_len)) {
			v->uses += v->uses < VERDICT_USES;
			return verdict_give(v, c);
		}
	}
	bool ok = fn(c);
	verdict_keep(vm, set, tag, (uint8_t)(cell | (ok ? VERDICT_OK : 0)), c);
	return ok;
}
