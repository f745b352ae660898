/* rules_int.h: the rules engine's compiled form of Sigma-style detections,
 * conditions and correlations, shared by the loader, the matcher, the
 * condition evaluator and the correlation state. */
#ifndef LG_RULES_INT_H
#define LG_RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leakguard/logs.h"
#include "net.h"
#include "util/util.h"

/* ---- detection values ---------------------------------------------------
 */
typedef enum lr_kind {
	LR_EQ,	     /* whole value */
	LR_CONTAINS, /* substring */
	LR_STARTS,
	LR_ENDS,
	LR_GLOB,   /* '*' and '?' wildcards; glob_mask marks them */
	LR_RE,	   /* PCRE2 */
	LR_CIDR,   /* address in network */
	LR_NULL,   /* absent or empty */
	LR_EXISTS, /* present (exists == true) or absent */
	LR_LT,
	LR_LTE,
	LR_GT,
	LR_GTE
} lr_kind;

/* Glob mask bytes: what pattern byte i is. */
enum { LR_GLOB_LIT = 0, LR_GLOB_STAR = 1, LR_GLOB_ONE = 2 };

typedef struct lr_value {
	lr_kind kind;
	bool cased;    /* compare exactly; else s is lowercased */
	bool exists;   /* LR_EXISTS: what presence must be */
	const char *s; /* literal or glob text */
	size_t n;
	const uint8_t *glob_mask; /* LR_GLOB: n bytes */
	size_t anchor;		  /* LR_CONTAINS: offset of the byte memchr
				     looks for (the rarest) */
	uint32_t pid;		  /* id in the field's Hyperscan prefilter
				     (rule_prefilter.c) of the value (LR_CONTAINS) or
				     of the literal a glob needs (LR_GLOB); 0: none */
	const char *req;	  /* LR_GLOB: its longest literal run */
	size_t req_n;
	pcre2_code *re; /* LR_RE, JIT-compiled */
	double num;	/* LR_LT … LR_GTE */
	lg_cidr net;	/* LR_CIDR */
} lr_value;

/* A field as a rule names it: resolved to an lg_field at load time, or an
 * extra looked up by name on each event. */
typedef struct lr_fieldref {
	int field; /* lg_field, or -1 for an extra */
	const char *name;
	size_t n;
} lr_fieldref;

/* One `field|modifiers: values` (or a keyword list). */
typedef struct lr_cond {
	lr_fieldref ref;
	bool keywords;		 /* match against the request's text fields */
	bool all;		 /* every value must match (else any) */
	bool neg;		 /* neq: the present field matches none */
	bool fold;		 /* a value searches the lowercased field */
	uint32_t pid_lo, pid_hi; /* every value is prefiltered, ids lo..hi:
				    none set, none matches; and when every
				    value is a contains (pid_exact), any set
				    is a match */
	bool pid_exact;
	uint32_t memo;	     /* the same conditions of all rules share this id:
				each is evaluated once per event (lr_plan);
				LR_NO_MEMO: evaluated every time */
	bool has_tail;	     /* every value is a folded endswith or equals */
	uint64_t tail[2][4]; /* bytes the values end with (lowercased), and
				the bytes before those: a field ending
				otherwise matches none, without a compare */
	unsigned nvalues;
	lr_value *values;
} lr_cond;

/* AND of conditions (one map of a search identifier). */
typedef struct lr_andset {
	unsigned ncond;
	lr_cond *conds;
} lr_andset;

/* A search identifier: OR of maps (one map for a plain map). */
typedef struct lr_search {
	const char *name;
	unsigned nsets;
	lr_andset *sets;
} lr_search;

/* ---- conditions ---------------------------------------------------------
 */
typedef enum lr_op {
	LR_OP_REF,    /* a = search */
	LR_OP_AND,    /* list[a .. a+b) are nodes */
	LR_OP_OR,     /* list[a .. a+b) are nodes */
	LR_OP_NOT,    /* a = node */
	LR_OP_ONE_OF, /* list[a .. a+b) are searches */
	LR_OP_ALL_OF
} lr_op;

typedef struct lr_node {
	lr_op op;
	uint32_t a, b;
} lr_node;

/* Conditions a detection cannot match without, cheapest first: most
 * events fail one of them and skip the condition tree (lr_plan). */
#define LR_MAX_GATE 4
#define LR_NO_MEMO  UINT32_MAX

typedef struct lr_detection {
	unsigned ngate;
	const struct lr_cond *gate[LR_MAX_GATE];
	unsigned nsearch;
	lr_search *search;
	unsigned nnodes;
	lr_node *nodes;
	uint32_t root;
	uint32_t *list; /* operands of n-ary nodes: chains of and/or stay
			   flat, so evaluation depth is the nesting depth */
} lr_detection;

/* ---- correlations -------------------------------------------------------
 */
typedef enum lr_corr_type {
	LR_EVENT_COUNT,
	LR_VALUE_COUNT,
	LR_VALUE_SUM,
	LR_TEMPORAL,
	LR_TEMPORAL_ORDERED
} lr_corr_type;

enum { LR_CMP_GT, LR_CMP_GTE, LR_CMP_LT, LR_CMP_LTE, LR_CMP_EQ, LR_CMP_NEQ };

/* A name in `rules:`; several documents may answer to one id. */
typedef struct lr_ref {
	const char *name;
	int line;
	unsigned n;
	uint32_t *rules;
} lr_ref;

typedef struct lr_corr {
	lr_corr_type type;
	unsigned nrefs;
	lr_ref *refs;
	unsigned ngroup;
	lr_fieldref *group;
	int64_t span_us;
	lr_fieldref field; /* value_count, value_sum */
	unsigned cmp_mask; /* bit LR_CMP_x set: cmp[x] applies */
	double cmp[6];
	unsigned cap;  /* timestamps (event_count) or values (value_count) */
	bool use_sum;  /* event_count kept as a merged queue, not a ring */
	bool baseline; /* leakguard extension, see rule_corr.c */
	bool no_actor; /* group-by names no who-field (lg_field_is_who) */
	double base_ratio, base_min;
	int64_t history_us;
} lr_corr;

/* ---- rules and the rule set ---------------------------------------------
 */
typedef struct lr_rule {
	const char *id, *title, *name, *file;
	const char *title_ja; /* leakguard extension: the title in Japanese */
	int line;
	lg_severity level;
	bool has_level;
	bool generate, generate_set;
	bool referenced; /* by a correlation: generate defaults to false */
	bool is_corr;
	lr_detection det;
	lr_corr corr;
} lr_rule;

/* The rules of one file share one arena, so a file that fails is dropped
 * whole. */
typedef struct lr_file {
	lg_arena arena;
	pcre2_code **re; /* to free with the file */
	size_t nre, re_cap;
} lr_file;

struct lg_ruleset {
	lr_rule **rules;
	size_t nrules, cap;
	lr_file **files;
	size_t nfiles, files_cap;
	uint32_t *corr_order; /* correlations, inputs before users */
	size_t ncorr;
	uint32_t npid;	/* prefilter ids given so far */
	uint32_t nmemo; /* distinct conditions (lr_cond.memo ids) */
};

/* Whether the rule's own matches raise hits (Sigma's defaults). */
static inline bool lr_rule_generates(const lr_rule *r)
{
	if (r->generate_set)
		return r->generate;
	return r->is_corr || !r->referenced;
}

/* ---- loading ------------------------------------------------------------
 */
/* Loads rules from a YAML text already in memory; `name` is the file name
 * errors carry. Same contract as lg_ruleset_load (the fuzzer's entry). */
lg_status lr_ruleset_load_mem(lg_ruleset *rs, const char *name,
			      const char *text, size_t len, char *err,
			      size_t errlen);

/* What a document builder needs: where it is and what it may allocate. */
typedef struct lr_loadctx {
	const char *file;
	lr_file *f;
	char *err;
	size_t errlen;
	size_t budget; /* YAML nodes left to visit: aliases can multiply */
} lr_loadctx;

/* Builds one rule from a YAML document (a mapping). *out is NULL for an
 * empty document. */
struct yaml_document_s;
lg_status lr_doc_build(lr_loadctx *cx, const lg_ruleset *rs,
		       struct yaml_document_s *doc, lr_rule **out);

/* Formats "FILE:LINE: reason" into cx->err; returns LG_EINVAL. */
lg_status lr_fail(lr_loadctx *cx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Arena helpers; NULL when out of memory. */
void *lr_alloc(lr_loadctx *cx, size_t n);
char *lr_strndup(lr_loadctx *cx, const char *s, size_t n);
bool lr_keep_re(lr_loadctx *cx, pcre2_code *re);

void lr_fieldref_set(lr_loadctx *cx, lr_fieldref *r, const char *name);
lg_slice lr_field_extra(const lg_log_event *ev, const lr_fieldref *r);
static inline lg_slice lr_field_get(const lg_log_event *ev,
				    const lr_fieldref *r)
{
	return r->field >= 0 ? ev->f[r->field] : lr_field_extra(ev, r);
}

/* Compiles one value (`text`, NULL for a YAML null) under the modifiers
 * of its condition. */
typedef struct lr_mods {
	lr_kind kind; /* LR_EQ when no operator modifier */
	bool cased, all, neg, re_i, re_m, re_s;
} lr_mods;
lg_status lr_mods_parse(lr_loadctx *cx, int line, const char *spec, lr_mods *m);
/* Sets what the values of a finished condition need (c->fold). */
void lr_cond_finish(lr_cond *c);
lg_status lr_value_compile(lr_loadctx *cx, int line, const lr_mods *m,
			   const char *text, size_t len, lr_value *v);

/* Parses a condition (`texts` OR-ed) against d->search into d's nodes. */
lg_status lr_cond_compile(lr_loadctx *cx, lr_detection *d,
			  const char *const *texts, const int *lines,
			  unsigned ntexts);

/* Numbers the distinct conditions of all rules (lr_cond.memo) and picks
 * each detection's gates. Best effort: out of memory, nothing is shared
 * and the answers are the same, only slower. */
void lr_plan(lg_ruleset *rs);
/* Sets d->gate from its condition tree (rule_cond.c). */
void lr_gate_plan(lr_detection *d);

/* ---- evaluation ---------------------------------------------------------
 */
/* The rules' substring values as one Hyperscan database per field
 * (rule_prefilter.c). */
typedef struct lr_prefilter lr_prefilter;

/* The matcher's per-event scratch: fields lowercased once per event,
 * so substring searches run memchr/memcmp instead of folding case byte
 * by byte for every value (low[f] is valid while seen[f] == gen), and
 * the prefilter's matches (bits, for fields with scanned[f] == gen). */
#define LR_LOWER_BUF 16384
typedef struct lr_evalctx {
	pcre2_match_data *md;
	const lr_prefilter *pf; /* NULL: every value is searched alone */
	void *hs_scratch;
	uint64_t *bits;	   /* bit pid: the value occurs in its field */
	uint32_t nwords;   /* of bits */
	uint32_t bits_gen; /* bits are cleared for this event */
	uint32_t gen;
	uint32_t nmemo; /* of memo */
	uint64_t *memo; /* per condition id: gen << 1 | answer */
	uint32_t seen[LG_FLD_COUNT];
	uint32_t scanned[LG_FLD_COUNT];
	lg_slice low[LG_FLD_COUNT];
	char buf[LR_LOWER_BUF];
	size_t used;
} lr_evalctx;

/* Numbers the substring values of rules[first..] (at load time). */
void lr_prefilter_number(lg_ruleset *rs, size_t first);
/* Compiles the databases and sets up x's scratch; false when Hyperscan
 * fails or memory is out (x->pf stays NULL: matching still works). */
bool lr_prefilter_attach(lr_evalctx *x, const lg_ruleset *rs);
void lr_prefilter_detach(lr_evalctx *x);
/* Whether the prefilter scanned field f of this event; when true, bit
 * `pid` of x->bits says whether that value occurs in it. */
bool lr_prefilter_scan(lr_evalctx *x, const lg_log_event *ev, int f);
/* The fields keywords search. */
extern const lg_field lr_keyword_fields[4];

/* Starts a new event: forgets the lowered fields. */
static inline void lr_eval_begin(lr_evalctx *x)
{
	x->used = 0;
	if (++x->gen == 0) { /* wrapped: old marks could look current */
		memset(x->seen, 0, sizeof(x->seen));
		memset(x->scanned, 0, sizeof(x->scanned));
		if (x->memo)
			memset(x->memo, 0, x->nmemo * sizeof(*x->memo));
		x->bits_gen = 0;
		x->gen = 1;
	}
}

/* Evaluates c and notes the answer for the other rules sharing it. */
bool lr_cond_eval(const lr_cond *c, const lg_log_event *ev, lr_evalctx *x);
static inline bool lr_cond_match(const lr_cond *c, const lg_log_event *ev,
				 lr_evalctx *x)
{
	if (c->memo < x->nmemo) {
		uint64_t m = x->memo[c->memo];
		if ((uint32_t)(m >> 1) == x->gen)
			return m & 1;
	}
	return lr_cond_eval(c, ev, x);
}
bool lr_search_match(const lr_search *s, const lg_log_event *ev, lr_evalctx *x);
bool lr_detection_match(const lr_detection *d, const lg_log_event *ev,
			lr_evalctx *x);

/* The answers of the detections that read only request-side fields,
 * per recent request (rule_dcache.c). */
typedef struct lr_dcache lr_dcache;
/* NULL when out of memory. Sets bit j of `cached` (dwords words) for each
 * dets[j] whose answers it keeps. */
lr_dcache *lr_dcache_new(const lg_ruleset *rs, const uint32_t *dets,
			 size_t ndets, size_t dwords, uint64_t *cached);
void lr_dcache_free(lr_dcache *dc);
/* The cached detections' answers for this event (bit j: dets[j] matched)
 * when its request was seen lately; else NULL, and *store, when not NULL,
 * is where the caller must write them (before the next call). */
const uint64_t *lr_dcache_find(lr_dcache *dc, const lg_log_event *ev,
			       uint64_t **store);
/* Chooses the slot the next lr_dcache_find will use, from the fields
 * read from the line, and starts fetching it. */
void lr_dcache_prefetch(lr_dcache *dc, const lg_log_event *ev);

/* Per-correlation state: groups and their windows (rule_corr.c). */
typedef struct lr_corr_state lr_corr_state;

/* NULL when out of memory. `max_groups` > 0. */
lr_corr_state *lr_corr_state_new(const lr_rule *r, uint32_t index,
				 size_t max_groups);
void lr_corr_state_free(lr_corr_state *cs);
uint32_t lr_corr_rule_index(const lr_corr_state *cs);
/* Feeds an event (time set) that matched the correlation's refs whose
 * bits are set in `refmask` (bit j: refs[j]; any bit for the counting
 * types). Returns 1 when the condition became true: `h` has the counts,
 * span and evidence, `group` the group's text, and the group's window is
 * reset. 0: nothing; -1: out of memory (the event is not counted). */
int lr_corr_update(lr_corr_state *cs, const lg_log_event *ev, uint64_t refmask,
		   lg_rule_hit *h, lg_buf *group, uint64_t *evicted);

/* Lowercase ASCII; other bytes (UTF-8) as they are. */
static inline unsigned char lr_lower(unsigned char c)
{
	return (unsigned char)((unsigned)(c - 'A') < 26u ? c | 0x20 : c);
}

/* Parses a whole slice as a decimal number; false when it is not one. */
bool lr_parse_number(const char *s, size_t n, double *out);

#endif
