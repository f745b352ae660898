/* detect_int.h: the detector table shared by the engine and its tests. */
#ifndef LG_DETECT_INT_H
#define LG_DETECT_INT_H

#include "leakguard/detect.h"

/* What a validator is handed: the raw UTF-8 of a pattern match, folded to
 * ASCII (full-width digits, hyphen look-alikes...) with a map back. */
typedef struct lg_candidate {
	const uint8_t *raw; /* the matched bytes */
	size_t raw_len;
	const char *fold; /* folded text, NUL-terminated */
	size_t fold_len;
	const uint32_t *map; /* fold index -> raw offset, fold_len+1 entries */
	/* out: */
	size_t span_off, span_len; /* narrowed span in raw (default whole) */
	char value[LG_VALUE_MAX];  /* normalised value */
	double adjust;		   /* evidence beyond keywords, e.g. +0.1 */
	char kind;		   /* sub-kind, e.g. 'm' mobile phone */
	bool from_column;	   /* validating a whole table cell */
} lg_candidate;

typedef bool (*lg_validate_fn)(lg_candidate *c);

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

/* Writes the masked form of a normalised value. */
void lg_mask_value(lg_type t, const char *value, char *out, size_t cap);

#endif
