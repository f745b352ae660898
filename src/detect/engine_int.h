/* engine_int.h: the detector's compiled form and per-text stream state. */
#ifndef LG_ENGINE_INT_H
#define LG_ENGINE_INT_H

#include <hs.h>
#include <string.h>

#include "detect_int.h"

/* The literals of which every keyword that could change a type's score
 * holds one: each keyword's text up to its first space (compile.c). A
 * window with none of them needs no keyword scan (labels.c). Each literal
 * is looked for first by a pair of its bytes at `at`: nib[0] and nib[1]
 * say which literals (bit j: lit[j]) a byte's low and high nibble allow
 * as the pair's first byte, nib[2] and nib[3] as its second (Teddy's
 * filter, as in Hyperscan; ASCII letters in either case). */
#define KW_NEED_MAX 8
typedef struct kw_need {
	bool scan;	   /* too many literals to check: always scan */
	uint8_t n, maxlen; /* literals, and the longest's length */
	uint8_t nib[4][16];
	struct {
		const char *word;
		uint8_t len, at;
	} lit[KW_NEED_MAX];
} kw_need;

/* The span last found to hold none of need set k's literals: a window
 * inside it holds none either, and one reaching past its end is checked
 * only from where a literal could end past it. The windows of a run of
 * numbers (a CSV column, a log's ids) overlap most of the way. */
typedef struct need_memo {
	const kw_need *k; /* NULL: none yet */
	uint32_t from, to;
} need_memo;

struct lg_detector {
	hs_database_t *db;	  /* patterns; NULL when none selected */
	hs_database_t *kw_db;	  /* the keywords, around candidates */
	hs_database_t *header_db; /* the keywords, for table headers */
	hs_scratch_t *scratch;	  /* prototype, cloned per stream */
	unsigned npatterns;
	lg_type *pattern_type;
	hs_database_t **rest_db; /* a split pattern's rest, by the id of its
				  * label; NULL for a whole pattern */
	bool *honorific; /* Hyperscan finds the honorific alone, and what
			  * the pattern asks before it is checked in C */
	unsigned nkeywords;
	unsigned *kw_list; /* keyword id -> index in lg_keyword_lists */
	const char **kw_word;
	uint32_t *kw_len; /* a keyword hit's length in bytes */
	uint8_t *kw_edge; /* 1: must start a word; 2: must end one */
	/* by type: [0] every keyword list of the type, [1] only its strong
	 * ones (for a value only a strong label can raise) */
	kw_need kw_need[LG_TYPE_COUNT][2];
	bool kw_scan_all; /* tests: every window scanned, none skipped */
	double min_confidence;
	lg_type_mask types;
	struct mecab_model_t *morph_model; /* NULL without person_name */
};

typedef struct raw_match {
	lg_type type;
	uint32_t from, to; /* window-relative */
	bool owned;	   /* this window's to report (see lg_share) */
} raw_match;

/* A window's share of the text, window-relative: it reports the findings
 * ending in (own_lo, own_hi], and also builds those ending in (ctx_lo,
 * own_lo] and (own_hi, ctx_hi] as context, reported by the window before
 * or after it: the snippets, overlaps and raises of what it reports then
 * see what one window over the whole text would, wherever its edges
 * fall. */
typedef struct lg_share {
	uint64_t ctx_lo, own_lo, own_hi, ctx_hi;
} lg_share;

typedef struct label_range {
	uint32_t from, to; /* where keyword hits can matter */
} label_range;

/* What the label pass learned of one candidate (labels.c): the window its
 * keywords must lie in, already narrowed to its table line, or the column
 * verdict that scores it without keywords. */
typedef struct label_note {
	uint32_t from, to; /* the keyword window */
	int column;	   /* table_column_verdict: 0 when labels decide */
	bool bare;	   /* the window holds no keyword that could matter */
} label_note;

typedef struct kw_hit {
	unsigned list; /* its keyword's index in lg_keyword_lists */
	uint32_t from, to;
} kw_hit;

typedef struct candidate {
	lg_type type;
	uint32_t from, to;
	uint32_t mask_epoch; /* its mask is at mask_at in the stream's masks
			      * when this is the stream's mask_epoch; 0 (as
			      * made): not masked yet */
	double conf;	     /* final once scored */
	double adjust;	     /* the validator's evidence, added when scored */
	char kind;	     /* the validator's sub-kind */
	bool scored; /* table cells are; raw matches after their labels */
	bool owned;  /* reported by this window, not context (lg_share) */
	uint8_t mask_len;
	uint8_t value_len; /* strlen(value): LG_VALUE_MAX is below 256 */
	uint32_t mask_at;
	/* NUL-terminated, below LG_VALUE_MAX bytes; kept in the window's
	 * value blocks (engine.c), so that a candidate is a few words and
	 * sorting, de-overlapping and scoring move little */
	const char *value;
} candidate;
_Static_assert(LG_VALUE_MAX <= 256, "a value's length fits a byte");

/* A stretch of one line as snippets show it (context.c): each character
 * shown (digits starred, controls as spaces), each candidate as its mask,
 * made once for all the findings near each other on the line (the cells
 * of a CSV row are in each other's snippets). Unit u (a character or a
 * candidate) is win[in_off[u]..in_off[u + 1]) and text[s_off[u]..
 * s_off[u + 1]). */
#define LG_REGION_UNITS 512
#define LG_REGION_TEXT	4096
#define LG_REGION_CANDS 256
typedef struct lg_snippet_region {
	const candidate *cands; /* what it was made from: cands[0..n) */
	size_t n;
	bool valid;
	bool hard; /* ends at a newline or the window's end, not early */
	uint32_t nunits;
	size_t k0, kend; /* the candidates it holds, some maybe in part */
	uint16_t cand_unit[LG_REGION_CANDS]; /* cands[k0 + j]'s unit, or
					      * UINT16_MAX: none starts
					      * where it does */
	uint32_t in_off[LG_REGION_UNITS + 1];
	uint16_t s_off[LG_REGION_UNITS + 1];
	bool mask[LG_REGION_UNITS];
	char text[LG_REGION_TEXT];
} lg_snippet_region;

/* Columns a header's names are read for: wide exports (an EC site's
 * orders, a survey) run to a hundred and more. */
#define TABLE_MAX_COLS 256
#define TABLE_SPANS    4096 /* tables one window tells apart, at most */

/* What a header's name says of its column. */
typedef struct table_col {
	lg_type_mask pos; /* types it names */
	lg_type_mask neg; /* types it rules out */
	bool labelled;	  /* any label at all */
} table_col;

/* What a table's header says of each column. Only the first ncols
 * columns hold anything (table.c copies no more). */
typedef struct table_state {
	bool active;
	char delim;
	unsigned ncols;
	uint64_t header_end; /* absolute offset where the header line ends */
	uint64_t end;	     /* where the rows stopped fitting; MAX: open */
	uint64_t misfit_from;
	unsigned misfits; /* lines in a row that do not fit the header */
	bool check_cells; /* a column names a type whose cells are checked */
	table_col cols[TABLE_MAX_COLS]; /* last */
} table_state;

/* One of a window's tables, as the column verdicts need it: its columns
 * wait in the stream's span_cols from col0 on, so that a table of a few
 * columns takes a few bytes whatever TABLE_MAX_COLS is. */
typedef struct table_span {
	uint64_t header_end, end; /* as table_state's */
	unsigned ncols;
	char delim;
	size_t col0;
} table_span;

#define TABLE_MEMOS	8   /* header lines remembered */
#define TABLE_MEMO_LINE 512 /* the longest line remembered */

/* A header line read before and what reading it found: an export repeats
 * its header above each block of rows, and the reading (its fields, one
 * Hyperscan pass) depends on the line alone. */
typedef struct table_memo {
	uint32_t len; /* 0: unused */
	char delim;
	unsigned nf;   /* fields of the whole line, a BOM included */
	table_state t; /* the header as read; t.active: it names columns */
	uint8_t line[TABLE_MEMO_LINE];
} table_memo;

/* The row of the last column verdict (table.c), [ls, hi), and the last
 * cell looked up in it: a row's cells come one after another. */
typedef struct verdict_row {
	uint32_t ls, hi; /* ls UINT32_MAX: none */
	size_t span;	 /* the span by its start; SIZE_MAX: none */
	uint32_t at;	 /* a cell start, no quote or newline from ls to it */
	unsigned col;	 /* its column */
} verdict_row;

/* A match of a split pattern, found from one of its label's ends. */
typedef struct split_match {
	lg_type type;
	uint32_t from, to; /* window-relative, as Hyperscan reports them */
} split_match;

/* A split pattern's label ended at label.to: its rest is matched from
 * there, each end reported to lg_rest_end (engine.c), which keeps it as
 * the whole pattern's match ending `to` bytes after the label. */
typedef struct rest_ctx rest_ctx;
void lg_rest_end(rest_ctx *r, size_t to);
/* Whether a rest of type t's pattern may match at p[0..n) at all: a
 * condition every match meets (rests.c), read off the pattern. */
bool lg_rest_may_match(lg_type t, const uint8_t *p, size_t n);
/* Matches type t's rest at p[0..n) in C, reporting its ends; false when
 * t's rest is left to its Hyperscan database. */
bool lg_rest_match(rest_ctx *r, lg_type t, const uint8_t *p, size_t n);

/* the line index's step: a finding's line is counted from the boundary
 * before it (at most this far back), a window's newlines once more */
#define LG_LINE_STEP 256u

struct lg_detect_stream {
	const lg_detector *det;
	hs_scratch_t *scratch;
	hs_scratch_t *rest_scratch; /* the rests run inside the main scan */
	split_match *splits;
	size_t nsplits, capsplits;
	uint8_t *win; /* window of text */
	size_t len, cap;
	uint64_t base;		    /* absolute offset of win[0] */
	need_memo bare_memo;	    /* lg_bare_postal_moot's, for this window */
	uint64_t owned_from;	    /* matches ending after this are ours */
	uint64_t last_end;	    /* end of the last reported finding */
	uint64_t cur_pos, cur_line; /* lines counted up to cur_pos */
	uint64_t cur_col; /* characters from cur_pos's line start to it */
	/* the line index (engine.c): newlines in win[0, k * LG_LINE_STEP)
	 * for each k * LG_LINE_STEP <= nl_to, counted while the text is
	 * fresh */
	uint32_t *nl_at;
	size_t nl_to;	   /* win[0, nl_to) indexed */
	uint32_t nl_sum;   /* newlines in win[0, nl_to) */
	uint32_t nl_emits; /* findings reported from this window */
	bool nl_off;	   /* no index: the last window's findings were dense */
	lg_finding_fn fn;
	void *ud;
	bool stopped, oom;
	bool saw_table;		   /* a table header was read in this text */
	const lg_text_span *cells; /* lg_detect_cells', in text order */
	size_t ncells;
	lg_type cell_type;
	raw_match *raws;
	size_t nraws, capraws;
	uint64_t *raw_slots; /* a hash of raws[] by value (engine.c) */
	size_t capraw_slots;
	uint32_t raw_stamp;
	kw_hit *hits;
	size_t nhits, caphits;
	label_range *ranges;
	size_t nranges, capranges;
	label_note *notes; /* one per candidate, by index */
	size_t capnotes;
	candidate *cands;
	size_t ncands, capcands;
	candidate *cands_alt; /* where they are put in order (engine.c) */
	size_t capcands_alt;
	char **val_blocks; /* the candidates' values, VALUE_BLOCK bytes each */
	size_t nval_blocks, capval_blocks;
	size_t val_block, val_used; /* where the next value goes */
	struct cand_key *keys;	    /* their sort keys, twice over */
	size_t capkeys;
	char fold[1024];
	lg_morph *morph;   /* names: NULL when not selected */
	table_state table; /* the table being read */
	table_span *spans; /* the tables this window holds */
	size_t nspans, capspans;
	table_col *span_cols; /* their columns, one table after another */
	size_t nspan_cols, capspan_cols;
	size_t span_hint; /* the span the last verdict found: a guess */
	verdict_row vrow;
	label_range *records; /* rows over several lines (quoted newlines) */
	size_t nrecords, caprecords;
	table_memo memos[TABLE_MEMOS]; /* kept from text to text */
	unsigned next_memo;
	/* the masks of candidates, each made once however many snippets
	 * show it (context.c); emptied, with a new epoch, when full */
	uint32_t mask_epoch;
	size_t nmasks;
	char masks[1u << 15];
	lg_snippet_region region; /* the text the snippets cut from */
};

/* engine.c: email's pattern (detectors.c), found without Hyperscan: the
 * end of each match in w[0..len), in order; returns how many. */
typedef void (*lg_email_fn)(uint32_t end, void *ud);
size_t lg_email_ends(const uint8_t *w, size_t len, lg_email_fn fn, void *ud);

/* For tests: the matches of the patterns in s->win[0..len), each as the
 * pattern reports it (from is 0 without start of match), in s->raws. */
lg_status lg_detect_pattern_matches(lg_detect_stream *s);

/* labels.c: whether seven bare ASCII digits at [from, to) are sure to be
 * dropped as a postal code (kind_adjust's 0.3 under the threshold): no
 * column decides them and their window holds no strong postal label. The
 * label pass would find the same; the digit pass does not offer them. */
bool lg_bare_postal_moot(lg_detect_stream *s, uint32_t from, uint32_t to);

/* table.c */
void table_reset(lg_detect_stream *s);
/* For tests: on, table.c's look-ups do not reuse the last one's work and
 * no vector path runs whatever lg_cpu() says: the plain reference. */
void lg_table_reference(bool on);
void table_detect_header(lg_detect_stream *s);
/* +1: the cell's column names type t; -1: it names something else; 0: no
 * table or no word. Narrows [*lo, *hi) to the line for keyword look-ups. */
int table_column_verdict(lg_detect_stream *s, lg_type t, uint32_t at,
			 uint32_t *lo, uint32_t *hi);
/* Table rows and headers of the lines this window owns. Returns the end
 * of what the window may own: lower than own_hi when a header's next row
 * is not in view yet, so that the next window reads the header, and the
 * values below it, with the row that confirms it. */
uint64_t table_scan_cells(lg_detect_stream *s, uint64_t own_lo, uint64_t own_hi,
			  bool final);
/* The table row holding window offset `at` when it spans several lines,
 * else NULL. */
const label_range *table_record_at(const lg_detect_stream *s, uint32_t at);
void lg_detect_column_cell(lg_detect_stream *s, lg_type t, uint32_t from,
			   uint32_t to);

/* numbers.c: the runs of digits whose end lies in (own_lo, own_hi],
 * offered to the numeric detectors as raw matches. */
void lg_number_runs(lg_detect_stream *s, const lg_share *sh);
/* For tests: the byte classes of the 64 bytes at p (reading 66) as
 * numbers.c sees them, digits, joiners, E2/E3/EF bytes and full-width
 * digits, by its scalar (isa 0), SSSE3 (1), AVX2 (2) or AVX-512BW (3)
 * code; false when the machine lacks that one. */
bool lg_digit_classes(const uint8_t *p, int isa, uint64_t masks[4]);
/* For tests: lg_luhn_valid of n ASCII digits, 13 to 19, as numbers.c
 * sums them, eight at a time. */
bool lg_luhn_digits(const char *d, size_t n);

/* The start of the UTF-8 character that ends just before p, or NULL at
 * lo (the start of the text). */
const uint8_t *lg_char_before(const uint8_t *p, const uint8_t *lo);
/* A letter, digit or '_' at p, ASCII or full-width: the edge of a token a
 * number must not be part of. False for NULL or p >= end. */
bool lg_alnum_at(const uint8_t *p, const uint8_t *end);

/* Appends item (size bytes) to a growable array; false when out of
 * memory. Inline: every match, candidate and keyword hit goes through it. */
bool lg_vec_grow(void **data, size_t *cap, size_t size);
static inline bool lg_vec_push(void **data, size_t *len, size_t *cap,
			       size_t size, const void *item)
{
	if (*len == *cap && !lg_vec_grow(data, cap, size))
		return false;
	memcpy((char *)*data + *len * size, item, size);
	(*len)++;
	return true;
}

/* Bits set in the low sixteen of x (a block's byte mask), without the
 * library call __builtin_popcount is where POPCNT is not assumed: two
 * look-ups of a byte's count. The snippets count a block's character
 * starts with it; the arithmetic way (twelve steps) was a tenth of a
 * snippet's cost in perf. */
#define LG_POP2(k) k, k + 1, k + 1, k + 2
#define LG_POP4(k) LG_POP2(k), LG_POP2(k + 1), LG_POP2(k + 1), LG_POP2(k + 2)
#define LG_POP6(k) LG_POP4(k), LG_POP4(k + 1), LG_POP4(k + 1), LG_POP4(k + 2)
static inline unsigned lg_pop16(unsigned x)
{
	static const uint8_t byte_bits[256] = {LG_POP6(0), LG_POP6(1),
					       LG_POP6(1), LG_POP6(2)};
	return (unsigned)byte_bits[x & 0xFFu] + byte_bits[x >> 8 & 0xFFu];
}

/* labels.c: keyword hits in the label windows of this chunk's confirmed,
 * unscored candidates (LG_EINTERNAL when Hyperscan fails; s->oom when out
 * of memory), and then the confidence of s->cands[i] from them (< 0: not
 * to be reported). *cursor starts at 0 for each pass over the
 * candidates: it remembers where the last one's hits were. */
lg_status lg_labels_scan(lg_detect_stream *s);
double lg_label_confidence(const lg_detect_stream *s, size_t i, size_t *cursor);

/* morph.c */
bool lg_morph_load(lg_detector *d, char *err, size_t errlen);
void lg_morph_unload(lg_detector *d);
lg_morph *lg_morph_new(const lg_detector *d);
void lg_morph_free(lg_morph *m);

/* context.c */
/* The masked form of candidate c (NUL-terminated, *len bytes), made on
 * first use and kept in s->masks; good until the next call. */
const char *lg_mask_of(lg_detect_stream *s, candidate *c, size_t *len);
/* Drops the kept masks (a new text). */
void lg_masks_reset(lg_detect_stream *s);
/* The other findings of a window, starred in a snippet: sorted by start,
 * not overlapping. */
typedef struct lg_snippet_others {
	lg_detect_stream *s; /* their masks */
	candidate *c;
	size_t n;
} lg_snippet_others;
/* Drops the stream's region (a new window or new candidates). */
void lg_region_reset(lg_detect_stream *s);
/* The snippet of cands[i] (of the n in text order, not overlapping, over
 * s->win[0..s->len)) cut from the stream's region, made or remade when
 * it does not hold it: the same bytes as lg_context_snippet. Returns
 * false, writing nothing, where the region cannot say (a character
 * across the finding's start, a snippet past cap or the region's room):
 * the caller then uses lg_context_snippet. */
bool lg_region_snippet(lg_detect_stream *s, candidate *cands, size_t n,
		       size_t i, char *out, size_t cap, size_t *len);
/* Writes the snippet around win[from..to) (masked: mlen bytes) to out,
 * NUL-terminated; returns its length. */
size_t lg_context_snippet(const uint8_t *win, size_t len, uint32_t from,
			  uint32_t to, const char *masked, size_t mlen,
			  const lg_snippet_others *others, char *out,
			  size_t cap);

#endif
