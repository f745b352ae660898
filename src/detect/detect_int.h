/* detect_int.h: the detector table shared by the engine and its tests. */
#ifndef LG_DETECT_INT_H
#define LG_DETECT_INT_H

#include <string.h>

#include "leakguard/detect.h"
#include "leakguard/text.h"

/* Japanese morphology (morph.c): words of a short text and their class. */
typedef struct lg_morph lg_morph;
typedef enum lg_morph_class {
	LG_MORPH_OTHER,	    /* particles, verbs, symbols... */
	LG_MORPH_NOUN,	    /* a common noun */
	LG_MORPH_SURNAME,   /* 名詞,固有名詞,人名,姓 */
	LG_MORPH_GIVEN,	    /* 名詞,固有名詞,人名,名 */
	LG_MORPH_PERSON,    /* 名詞,固有名詞,人名,一般 */
	LG_MORPH_HONORIFIC, /* 名詞,接尾,人名: 様 さん 殿 */
	LG_MORPH_ORG,	    /* 名詞,固有名詞,組織 */
	LG_MORPH_PLACE,	    /* 名詞,固有名詞,地域 */
	LG_MORPH_UNKNOWN,   /* not in the dictionary */
	LG_MORPH_SPACE
} lg_morph_class;
typedef struct lg_morph_token {
	uint32_t off, len; /* bytes in the parsed text */
	lg_morph_class cls;
} lg_morph_token;
/* The words of text[0..n), at most cap; 0 when m is NULL or it fails. */
size_t lg_morph_parse(lg_morph *m, const char *text, size_t n,
		      lg_morph_token *out, size_t cap);

/* What a validator is handed: the raw UTF-8 of a pattern match, folded to
 * ASCII (full-width digits, hyphen look-alikes...); lg_fold_offset maps a
 * folded offset back. */
typedef struct lg_candidate {
	const uint8_t *raw; /* the matched bytes */
	size_t raw_len;
	const char *fold; /* folded text, NUL-terminated */
	size_t fold_len;
	/* out: */
	size_t span_off, span_len; /* narrowed span in raw (default whole) */
	char value[LG_VALUE_MAX];  /* normalised value */
	double adjust;		   /* evidence beyond keywords, e.g. +0.1 */
	char kind;		   /* sub-kind, e.g. 'm' mobile phone */
	bool from_column;	   /* validating a whole table cell */
	lg_morph *morph;	   /* the stream's analyser (names, memos) */
} lg_candidate;

typedef bool (*lg_validate_fn)(lg_candidate *c);

/* fn's verdict on c, from the memo its stream's analyser (c->morph) keeps
 * of each kind of validator's verdicts when the same bytes came before,
 * as a cell or not (morph.c); fn's own without an analyser. fn must
 * depend on nothing but the raw bytes (and their fold) and from_column,
 * and give nothing but span_off, span_len, value, adjust and kind. */
typedef enum lg_memo_kind {
	LG_MEMO_NAME, /* names.c */
	LG_MEMO_KINDS
} lg_memo_kind;
bool lg_memo_validate(lg_candidate *c, lg_memo_kind k, lg_validate_fn fn);
/* Starts loading the memo's set for raw[0..len) (not as a cell), which
 * lg_memo_validate will read soon: the memo is larger than the caches
 * keep between windows. No effect without an analyser or a memo yet. */
void lg_memo_prefetch(const lg_morph *m, lg_memo_kind k, const uint8_t *raw,
		      size_t len);

enum {
	LG_KW_REQUIRED = 1 << 0, /* report only with a keyword or column */
	LG_DIGIT_RUN = 1 << 1,	 /* must not touch a longer digit run */
	LG_WORD = 1 << 2,	 /* must not touch letters or digits */
	LG_ANCHORED = 1 << 3,	 /* the pattern starts with its keyword */
	LG_NO_SOM = 1 << 4,	 /* compiled without start of match: extend */
};

/* Finds a candidate's true span from the pattern's match in w[0..len):
 * for patterns Hyperscan cannot track from their start, or that match only
 * a fixed head of a longer token. False: no candidate. */
typedef bool (*lg_extend_fn)(const uint8_t *w, size_t len, uint32_t *from,
			     uint32_t *to);

typedef struct lg_detector_def {
	lg_type type;
	const char *id;
	const char *description;
	const char *const *patterns; /* NULL-terminated, Hyperscan syntax */
	lg_validate_fn validate;
	lg_extend_fn extend; /* NULL: the match is the span */
	unsigned flags;
	double base;   /* validator alone */
	double weak;   /* with a weak keyword */
	double strong; /* with a strong keyword or a column that says so */
	unsigned before, after; /* keyword window, bytes */
} lg_detector_def;

typedef enum {
	LG_KW_STRONG,
	LG_KW_WEAK,
	LG_KW_NEGATIVE,
	LG_KW_NEGATIVE_DIRECT /* negative only right before the value */
} lg_kw_strength;

typedef struct lg_keyword_list {
	lg_type_mask types;
	lg_kw_strength strength;
	const char *const *words;
} lg_keyword_list;

extern const lg_detector_def lg_detector_defs[LG_TYPE_COUNT];
extern const lg_keyword_list lg_keyword_lists[];
extern const size_t lg_keyword_list_count;
/* The length of the longest keyword of any list that p[0..n) starts
 * with, ASCII case aside (labels.c); 0 when none. For the rare texts
 * that are asked whether they are labels (a header's word, a cell). */
size_t lg_keyword_at(const uint8_t *p, size_t n);

/* names.c and address.c: person_name and jp_address. */
bool lg_validate_person_name(lg_candidate *c);
bool lg_extend_person_name(const uint8_t *w, size_t len, uint32_t *from,
			   uint32_t *to);
bool lg_validate_address(lg_candidate *c);
bool lg_extend_address(const uint8_t *w, size_t len, uint32_t *from,
		       uint32_t *to);
extern const char *const lg_prefectures[]; /* 47, NULL-terminated */
/* The bytes of an address value that name only its prefecture and city. */
size_t lg_address_region_len(const char *v);
/* The same of v[0..n) (v is NUL-terminated at n). */
size_t lg_address_region_len_n(const char *v, size_t n);
/* dates.c: "YYYY-MM" of y % 10000 and m % 100, NUL-terminated, as
 * snprintf's "%04u-%02u" writes it (snprintf cost more than the parse). */
void lg_put_year_month(char out[8], unsigned y, unsigned m);
/* The characters of a UTF-8 string. */
size_t lg_utf8_chars(const char *s);
/* Whether v (a name's value, or the text after it) holds a word of an
 * organisation, a post or a place (株式会社, 営業部, 御中, お客様). */
bool lg_organisation_named(const char *v);
/* Whether a name's value is a sample of forms and templates (山田太郎,
 * John Doe, 氏名), its spaces left out and its ASCII lowered. */
bool lg_sample_name(const char *v);
/* Bytes of the katakana character at p[0..n) (ー and half-width ones
 * too; not the middle dot ・ that parts words), or 0 (detectors.c). */
size_t lg_katakana_at(const uint8_t *p, size_t n);

/* Writes the masked form of a normalised value (cap > 0; cut at cap - 1
 * bytes). Returns its length. */
size_t lg_mask_value(lg_type t, const char *value, char *out, size_t cap);
/* The same of a value whose length n is known (a candidate's): a finding
 * has one, and strlen was a third of its mask's cost. */
size_t lg_mask_value_n(lg_type t, const char *value, size_t n, char *out,
		       size_t cap);

/* memcpy as a call to the library's: GCC compiles a copy whose size it
 * knows to be small (a value's length, below 256) to rep movsq, which
 * takes longer to start than the library takes to copy a value. */
/* The ASCII character the full-width form at p[0..n) stands for
 * (U+FF01..U+FF5E: ＡＢＣ，１２３，．＠＿), or 0 when there is none. As an
 * IME's full-width mode types an address: ｓａｔｏ＠ｋａｉｓｈａ．ｃｏ．ｊｐ.
 */
static inline uint8_t lg_wide_ascii(const uint8_t *p, size_t n)
{
	if (n < 3 || p[0] != 0xEF || (p[1] != 0xBC && p[1] != 0xBD) ||
	    (p[2] & 0xC0) != 0x80)
		return 0;
	uint32_t cp = 0xF000 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	/* the full-width block, as the fold maps it (U+FF0D is a hyphen) */
	int c = cp >= 0xFF01 && cp <= 0xFF5E ? lg_fold_ascii(cp) : -1;
	return c > 0 ? (uint8_t)c : 0;
}

static inline void lg_copy_small(void *d, const void *s, size_t n)
{
#if defined(__GNUC__)
	__asm__("" : "+r"(n)); /* the size's range, hidden */
#endif
	memcpy(d, s, n);
}

#endif
