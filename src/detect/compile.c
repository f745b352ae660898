/* compile.c: builds the Hyperscan databases from the detector table: the
 * patterns of the selected types, the keywords (for label windows) and
 * the keywords again for table headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbcache.h"
#include "engine_int.h"
#include "util/util.h"

const char *lg_status_str(lg_status s)
{
	switch (s) {
	case LG_OK:
		return "ok";
	case LG_ENOMEM:
		return "out of memory";
	case LG_EIO:
		return "input/output error";
	case LG_EINVAL:
		return "invalid argument";
	case LG_EFORMAT:
		return "malformed input";
	default:
		return "internal error";
	}
}

const char *lg_type_id(lg_type t)
{
	return t < LG_TYPE_COUNT ? lg_detector_defs[t].id : "unknown";
}

const char *lg_type_description(lg_type t)
{
	return t < LG_TYPE_COUNT ? lg_detector_defs[t].description : "";
}

bool lg_type_from_id(const char *id, lg_type *out)
{
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		if (!strcmp(id, lg_detector_defs[t].id)) {
			*out = (lg_type)t;
			return true;
		}
	}
	return false;
}

lg_tier lg_tier_of(double c)
{
	return c >= 0.85   ? LG_TIER_HIGH
	       : c >= 0.65 ? LG_TIER_MEDIUM
			   : LG_TIER_LOW;
}

const char *lg_tier_name(lg_tier t)
{
	static const char *const names[] = {"low", "medium", "high"};
	return names[t];
}

typedef struct pattern_set {
	const char **expr;
	unsigned *flags, *ids;
	unsigned n, cap;
	char **owned; /* generated keyword patterns to free */
	unsigned nowned;
	const char **rest; /* a split pattern's rest, by id; else NULL */
} pattern_set;

static bool set_add(pattern_set *p, const char *expr, unsigned flags,
		    bool owned)
{
	if (p->n == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 256;
		const char **e = realloc(p->expr, cap * sizeof(*e));
		if (e)
			p->expr = e;
		unsigned *f = realloc(p->flags, cap * sizeof(*f));
		if (f)
			p->flags = f;
		unsigned *i = realloc(p->ids, cap * sizeof(*i));
		if (i)
			p->ids = i;
		char **o = realloc(p->owned, cap * sizeof(*o));
		if (o)
			p->owned = o;
		const char **r = realloc(p->rest, cap * sizeof(*r));
		if (r)
			p->rest = r;
		if (!e || !f || !i || !o || !r)
			return false;
		p->cap = cap;
	}
	p->expr[p->n] = expr;
	p->flags[p->n] = flags;
	p->ids[p->n] = p->n;
	p->rest[p->n] = NULL;
	p->n++;
	if (owned)
		p->owned[p->nowned++] = (char *)expr;
	return true;
}

static void set_free(pattern_set *p)
{
	for (unsigned i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->expr);
	free(p->flags);
	free(p->ids);
	free(p->owned);
	free(p->rest);
}

/* A split pattern (detectors.c, THEN): its label goes in the main
 * database and its rest, anchored, in a database of its own. */
static bool add_split(lg_detector *d, pattern_set *p, const char *e,
		      const char *mark, unsigned fl, char *err, size_t errlen)
{
	size_t ll = (size_t)(mark - e);
	char *label = malloc(ll + 1);
	char *rest = malloc(strlen(mark + 1) + 6);
	if (!label || !rest) {
		free(label);
		free(rest);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(label, e, ll);
	label[ll] = '\0';
	sprintf(rest, "^(?:%s)", mark + 1);
	/* the start is not needed, but with it Hyperscan builds half the
	 * database (no large anchored DFA), which is loaded at every start,
	 * for a few per cent more time in the rests */
	unsigned rest_flags = HS_FLAG_SOM_LEFTMOST;
	unsigned id = p->n;
	bool ok = set_add(p, label, fl, true);
	if (!ok)
		free(label);
	else
		p->rest[id] = mark + 1;
	/* two labels of a type may share their rest (card_expiry's): one
	 * database then, loaded once */
	for (unsigned j = 0; ok && j < id && !d->rest_db[id]; j++)
		if (p->rest[j] && !strcmp(p->rest[j], mark + 1))
			d->rest_db[id] = d->rest_db[j];
	if (ok && !d->rest_db[id])
		d->rest_db[id] =
		    lg_hs_compile_cached((const char *const *)&rest,
					 &rest_flags, NULL, 1, err, errlen);
	free(rest);
	return ok && d->rest_db[id];
}

static bool add_patterns(lg_detector *d, pattern_set *p, char *err,
			 size_t errlen)
{
	unsigned n = 0;
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		for (const char *const *e = lg_detector_defs[t].patterns; *e;
		     e++)
			n++;
	}
	d->pattern_type = calloc(n, sizeof(*d->pattern_type));
	d->rest_db = calloc(n, sizeof(*d->rest_db));
	d->honorific = calloc(n, sizeof(*d->honorific));
	if (!d->pattern_type || !d->rest_db || !d->honorific) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		/* email: engine.c finds the pattern's matches itself */
		if (!((d->types >> t) & 1u) || t == LG_EMAIL)
			continue;
		for (const char *const *e = lg_detector_defs[t].patterns; *e;
		     e++) {
			d->pattern_type[p->n] = (lg_type)t;
			unsigned fl = lg_detector_defs[t].flags & LG_NO_SOM
					  ? 0
					  : HS_FLAG_SOM_LEFTMOST;
			const char *mark = strchr(*e, '\x1F');
			/* the honorific pattern: its literal, without SOM
			 * (engine.c's honorific_start finds the start) */
			const char *before = strchr(*e, '\x1E');
			if (before)
				d->honorific[p->n] = true;
			if (mark ? !add_split(d, p, *e, mark, fl, err, errlen)
				 : !set_add(p, before ? before + 1 : *e,
					    before ? 0 : fl, false)) {
				if (!*err)
					snprintf(err, errlen, "out of memory");
				return false;
			}
		}
	}
	d->npatterns = p->n;
	return true;
}

/* A keyword as Hyperscan literals, one per way of writing its spaces: in
 * text each space is one white-space byte or none ("card number",
 * "cardnumber"); in a header also '_' or '-' (card_number). Each literal
 * has a fixed length, so a hit's start is its end minus that length, with
 * no start-of-match tracking; and the word edges of an ASCII keyword ("exp"
 * must not fire inside "experience") are checked where its hits arrive
 * (labels.c), not with \b: both made the keyword pass twice as slow. */
static char *keyword_variant(const char *w, unsigned keep, bool in_text,
			     uint32_t *len)
{
	lg_buf b = {0};
	bool ok = true;
	unsigned space = 0, n = 0;
	for (const char *c = w; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u == ' ' && !((keep >> space++) & 1u))
			continue;
		if (u == ' ')
			ok &= lg_buf_puts(&b, in_text ? "\\s" : "[\\s_\\-]");
		else if (lg_is_alnum(u))
			ok &= lg_buf_putc(&b, (char)u);
		else /* \xHH, by hand: printf was a fifth of start-up */
			ok &= lg_buf_puts(&b, "\\x") &&
			      lg_buf_putc(&b, "0123456789ABCDEF"[u >> 4]) &&
			      lg_buf_putc(&b, "0123456789ABCDEF"[u & 15]);
		n++;
	}
	*len = n;
	if (!ok)
		lg_buf_free(&b);
	return ok ? b.data : NULL;
}

static unsigned count_spaces(const char *w)
{
	unsigned n = 0;
	for (; *w; w++)
		n += *w == ' ';
	return n;
}

/* Every keyword's literals into p, in one order for both databases (so a
 * hit's id means the same in each); d's tables filled when given. */
static bool add_keyword_variants(lg_detector *d, pattern_set *p, bool in_text)
{
	for (size_t i = 0; i < lg_keyword_list_count; i++) {
		for (const char *const *w = lg_keyword_lists[i].words; *w;
		     w++) {
			size_t n = strlen(*w);
			uint8_t edge =
			    (uint8_t)((lg_is_alnum((unsigned char)(*w)[0])
					   ? 1u
					   : 0u) |
				      (lg_is_alnum((unsigned char)(*w)[n - 1])
					   ? 2u
					   : 0u));
			unsigned ways = 1u << count_spaces(*w);
			for (unsigned keep = 0; keep < ways; keep++) {
				uint32_t len;
				char *pat =
				    keyword_variant(*w, keep, in_text, &len);
				if (!pat ||
				    !set_add(p, pat, HS_FLAG_CASELESS, true)) {
					free(pat);
					return false;
				}
				if (!d)
					continue;
				d->kw_list[d->nkeywords] = (unsigned)i;
				d->kw_word[d->nkeywords] = *w;
				d->kw_len[d->nkeywords] = len;
				d->kw_edge[d->nkeywords++] = edge;
			}
		}
	}
	return true;
}

/* ---- what a window must hold for its keywords to matter ----------------
 * labels.c skips the keyword scan of a window holding none of its type's
 * literals (the seven bare digits of a sparse text's order numbers were
 * nine in ten of the windows). The test is a search for a pair of bytes
 * per literal, so each literal's pair is its least common one: a UTF-8
 * lead byte of kana, a kana's second byte, a vowel, a space or a digit
 * are everywhere. */
static unsigned pair_cost(uint8_t c)
{
	if (c == 0xE3 || c == ' ' || (c >= '0' && c <= '9'))
		return 3;
	if ((c >= 0x80 && c <= 0x83) || strchr("aeiounst", c | 0x20))
		return 2;
	return 1;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* a's n bytes hold b's m bytes, ASCII letters in either case */
static bool holds(const char *a, size_t n, const char *b, size_t m)
{
	for (size_t i = 0; i + m <= n; i++) {
		size_t k = 0;
		while (k < m && ascii_lower((unsigned char)a[i + k]) ==
				    ascii_lower((unsigned char)b[k]))
			k++;
		if (k == m)
			return true;
	}
	return false;
}

/* Adds keyword w's text up to its first space (in every variant of w);
 * a literal holding another is dropped, the shorter one finding it. */
static void need_add(kw_need *k, const char *w)
{
	size_t len = strcspn(w, " ");
	if (k->scan || len < 2 || len > 255) {
		k->scan = true;
		return;
	}
	unsigned out = 0;
	for (unsigned j = 0; j < k->n; j++) {
		if (holds(w, len, k->lit[j].word, k->lit[j].len))
			return;
		if (!holds(k->lit[j].word, k->lit[j].len, w, len))
			k->lit[out++] = k->lit[j];
	}
	k->n = (uint8_t)out;
	if (k->n == KW_NEED_MAX) {
		k->scan = true;
		return;
	}
	unsigned at = 0, best = ~0u;
	for (unsigned i = 0; i + 1 < len; i++) {
		unsigned c =
		    pair_cost((uint8_t)w[i]) + pair_cost((uint8_t)w[i + 1]);
		if (c < best) {
			best = c;
			at = i;
		}
	}
	k->lit[k->n].word = w;
	k->lit[k->n].len = (uint8_t)len;
	k->lit[k->n++].at = (uint8_t)at;
}

/* The nibble tables of k's pairs, once its literals are final. */
static void need_tables(kw_need *k)
{
	memset(k->nib, 0, sizeof(k->nib));
	k->maxlen = 0;
	for (unsigned j = 0; j < k->n && !k->scan; j++) {
		if (k->lit[j].len > k->maxlen)
			k->maxlen = k->lit[j].len;
		for (unsigned i = 0; i < 2; i++) {
			uint8_t c = (uint8_t)k->lit[j].word[k->lit[j].at + i];
			uint8_t other =
			    (unsigned)((c | 0x20) - 'a') < 26u ? c ^ 0x20 : c;
			k->nib[2 * i][c & 15] |= (uint8_t)(1u << j);
			k->nib[2 * i + 1][c >> 4] |= (uint8_t)(1u << j);
			k->nib[2 * i][other & 15] |= (uint8_t)(1u << j);
			k->nib[2 * i + 1][other >> 4] |= (uint8_t)(1u << j);
		}
	}
}

static void build_needs(lg_detector *d)
{
	for (unsigned t = 0; t < LG_TYPE_COUNT; t++) {
		for (size_t i = 0; i < lg_keyword_list_count; i++) {
			const lg_keyword_list *l = &lg_keyword_lists[i];
			if (!((l->types >> t) & 1u))
				continue;
			for (const char *const *w = l->words; *w; w++) {
				need_add(&d->kw_need[t][0], *w);
				if (l->strength == LG_KW_STRONG)
					need_add(&d->kw_need[t][1], *w);
			}
		}
		need_tables(&d->kw_need[t][0]);
		need_tables(&d->kw_need[t][1]);
	}
}

static bool add_keywords(lg_detector *d, pattern_set *p)
{
	build_needs(d);
	unsigned n = 0;
	for (size_t i = 0; i < lg_keyword_list_count; i++) {
		for (const char *const *w = lg_keyword_lists[i].words; *w; w++)
			n += 1u << count_spaces(*w);
	}
	d->kw_list = calloc(n, sizeof(*d->kw_list));
	d->kw_word = calloc(n, sizeof(*d->kw_word));
	d->kw_len = calloc(n, sizeof(*d->kw_len));
	d->kw_edge = calloc(n, sizeof(*d->kw_edge));
	if (!d->kw_list || !d->kw_word || !d->kw_len || !d->kw_edge)
		return false;
	return add_keyword_variants(d, p, true);
}

/* The keywords again, for table headers: no word edges (headers are
 * written order_id, カード番号), one database scanned once per header. */
static bool compile_header_db(lg_detector *d, char *err, size_t errlen)
{
	pattern_set p = {0};
	if (!add_keyword_variants(NULL, &p, false))
		snprintf(err, errlen, "out of memory");
	else
		d->header_db = lg_hs_compile_cached(p.expr, p.flags, p.ids, p.n,
						    err, errlen);
	set_free(&p);
	return d->header_db != NULL;
}

/* Three databases: the detectors' patterns, scanned over all text; the
 * keywords, scanned only around candidates; the keywords for headers. */
static bool compile_db(lg_detector *d, pattern_set *p, pattern_set *kw,
		       char *err, size_t errlen)
{
	/* compiling takes most of a second; the cache makes it milliseconds */
	/* --types may leave no pattern at all (numbers need none) */
	if (p->n > 0) {
		d->db = lg_hs_compile_cached(p->expr, p->flags, p->ids, p->n,
					     err, errlen);
		if (!d->db)
			return false;
	}
	d->kw_db = lg_hs_compile_cached(kw->expr, kw->flags, kw->ids, kw->n,
					err, errlen);
	if (!d->kw_db || !compile_header_db(d, err, errlen))
		return false;
	/* one scratch serves every database */
	bool rest_ok = true;
	for (unsigned i = 0; i < d->npatterns; i++)
		rest_ok =
		    rest_ok && (!d->rest_db[i] ||
				hs_alloc_scratch(d->rest_db[i], &d->scratch) ==
				    HS_SUCCESS);
	if (!rest_ok ||
	    (d->db && hs_alloc_scratch(d->db, &d->scratch) != HS_SUCCESS) ||
	    hs_alloc_scratch(d->kw_db, &d->scratch) != HS_SUCCESS ||
	    hs_alloc_scratch(d->header_db, &d->scratch) != HS_SUCCESS) {
		snprintf(err, errlen, "cannot allocate Hyperscan scratch");
		return false;
	}
	return true;
}

lg_detector *lg_detector_new(const lg_detect_config *cfg, char *err,
			     size_t errlen)
{
	if (hs_valid_platform() != HS_SUCCESS) {
		snprintf(err, errlen,
			 "this CPU lacks SSSE3, which Hyperscan needs");
		return NULL;
	}
	lg_detector *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->types = cfg && cfg->types ? cfg->types : LG_ALL_TYPES;
	d->min_confidence = cfg ? cfg->min_confidence : 0.5;
	pattern_set p = {0}, kw = {0};
	if (errlen)
		*err = '\0';
	bool ok = add_patterns(d, &p, err, errlen);
	if (ok && !add_keywords(d, &kw)) {
		snprintf(err, errlen, "out of memory");
		ok = false;
	}
	ok = ok && compile_db(d, &p, &kw, err, errlen);
	if (ok && (d->types >> LG_PERSON_NAME) & 1u)
		ok = lg_morph_load(d, err, errlen);
	set_free(&p);
	set_free(&kw);
	if (!ok) {
		lg_detector_free(d);
		return NULL;
	}
	return d;
}

void lg_detector_free(lg_detector *d)
{
	if (!d)
		return;
	hs_free_database(d->db);
	hs_free_database(d->kw_db);
	hs_free_database(d->header_db);
	if (d->scratch)
		hs_free_scratch(d->scratch);
	for (unsigned i = 0; d->rest_db && i < d->npatterns; i++) {
		bool shared = false; /* and freed with an earlier id */
		for (unsigned j = 0; j < i && !shared; j++)
			shared = d->rest_db[j] == d->rest_db[i];
		if (!shared)
			hs_free_database(d->rest_db[i]);
	}
	free(d->rest_db);
	free(d->honorific);
	free(d->pattern_type);
	free(d->kw_list);
	free(d->kw_word);
	free(d->kw_len);
	free(d->kw_edge);
	lg_morph_unload(d);
	free(d);
}
