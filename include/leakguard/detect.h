/* detect.h: the personal-data and secret detectors over UTF-8 text.
 * Patterns run in one Hyperscan pass and numbers in one SSE2 pass over
 * digit runs; validators (Luhn + IIN, check digits, calendars, numbering
 * plans) confirm candidates, and the keywords around them, matched only
 * there, set the confidence. */
#ifndef LEAKGUARD_DETECT_H
#define LEAKGUARD_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/leakguard.h"

/* Stable type ids (DESIGN.md): lg_type_id() gives the snake_case name. */
typedef enum lg_type {
	LG_CREDIT_CARD,
	LG_CARD_CVV,
	LG_CARD_EXPIRY,
	LG_JP_MY_NUMBER,
	LG_JP_CORPORATE_NUMBER,
	LG_JP_PHONE,
	LG_EMAIL,
	LG_JP_POSTAL_CODE,
	LG_JP_ADDRESS,
	LG_PERSON_NAME,
	LG_BIRTH_DATE,
	LG_JP_BANK_ACCOUNT,
	LG_JP_DRIVERS_LICENSE,
	LG_JP_PASSPORT,
	LG_JP_RESIDENCE_CARD,
	LG_PASSWORD,
	LG_AWS_ACCESS_KEY_ID,
	LG_AWS_SECRET_ACCESS_KEY,
	LG_PRIVATE_KEY,
	LG_GITHUB_TOKEN,
	LG_SLACK_TOKEN,
	LG_GENERIC_API_KEY,
	LG_TYPE_COUNT
} lg_type;

typedef uint32_t lg_type_mask; /* bit (1u << type) */
#define LG_ALL_TYPES ((lg_type_mask)((1u << LG_TYPE_COUNT) - 1))

const char *lg_type_id(lg_type t);
/* Returns true and sets *out when `id` names a type. */
bool lg_type_from_id(const char *id, lg_type *out);
/* One-line description of a type, in English. */
const char *lg_type_description(lg_type t);

/* Confidence tiers, Purview-style (High 85 / Medium 75 / Low 65). */
typedef enum lg_tier { LG_TIER_LOW, LG_TIER_MEDIUM, LG_TIER_HIGH } lg_tier;
lg_tier lg_tier_of(double confidence);
const char *lg_tier_name(lg_tier t);

#define LG_VALUE_MAX   160
#define LG_CONTEXT_MAX 320

/* One detected item. All text is UTF-8; `value` is normalised (digits only
 * for numbers, lower-case e-mail, ISO dates) and must only be shown with
 * --reveal; `masked` and `context` are safe to show. */
typedef struct lg_finding {
	lg_type type;
	double confidence;
	uint64_t offset; /* bytes into the decoded text */
	uint32_t length; /* bytes */
	uint64_t line;	 /* 1-based */
	uint64_t row;	 /* the line its table row starts on: a row may span
			  * lines (a quoted cell with line breaks) */
	uint64_t column; /* 1-based, in characters */
	char value[LG_VALUE_MAX];
	char masked[LG_VALUE_MAX];
	char context[LG_CONTEXT_MAX]; /* masked snippet around the item */
	uint16_t value_len, masked_len, context_len; /* strlen of each */
} lg_finding;

typedef struct lg_detect_config {
	double min_confidence; /* report at or above; default 0.5 */
	lg_type_mask types;    /* which types to report; 0 means all */
} lg_detect_config;

typedef struct lg_detector lg_detector; /* compiled, read-only, shareable */

/* Compiles the selected detectors (patterns, keywords, table-header
 * keywords; loaded from the on-disk cache when compiled before). Returns
 * NULL and writes the reason to err on failure (Hyperscan rejects a
 * pattern, out of memory). */
lg_detector *lg_detector_new(const lg_detect_config *cfg, char *err,
			     size_t errlen);
void lg_detector_free(lg_detector *d);

/* Called for each finding in text order; return non-zero to stop. */
typedef int (*lg_finding_fn)(const lg_finding *f, void *ud);

/* Per-thread, per-text scanning state over one detector: a window with
 * overlap, so a match across two feeds is found exactly once, and memory
 * stays bounded whatever the text's length. */
typedef struct lg_detect_stream lg_detect_stream;

/* Returns NULL when out of memory or when Hyperscan scratch cannot be had. */
lg_detect_stream *lg_detect_stream_new(const lg_detector *d);
/* Starts a new text; findings go to fn. */
void lg_detect_begin(lg_detect_stream *s, lg_finding_fn fn, void *ud);
/* Starts a text that goes on from the middle of another: its first
 * `context` bytes are what came before (a window's overlap, 1024 bytes,
 * is as much as a window keeps of them), read as the other's window
 * would read them but reported from only after them, and the text does
 * not start there (no header is looked for at its first line). */
void lg_detect_begin_after(lg_detect_stream *s, lg_finding_fn fn, void *ud,
			   size_t context);
/* Feeds the next n bytes of UTF-8 text. Returns LG_OK, LG_ENOMEM or
 * LG_EINTERNAL (Hyperscan failed). */
lg_status lg_detect_feed(lg_detect_stream *s, const uint8_t *text, size_t n);
/* Feeding without a copy: the free space at the end of the stream's
 * window (*room bytes), to read text into directly, then
 * lg_detect_commit() of the n bytes written there. Each commit that fills
 * the window scans it and frees room; a caller that finds none feeds. */
uint8_t *lg_detect_room(lg_detect_stream *s, size_t *room);
lg_status lg_detect_commit(lg_detect_stream *s, size_t n);
/* Optional, before the commit: the room's first n bytes are written and
 * fresh in the caches; the stream notes where their lines end now, not
 * later when they have left the caches (the commit does it otherwise).
 * Called over a chunk in slices, each after the caller's own pass. */
void lg_detect_fresh(lg_detect_stream *s, size_t n);
/* Forgets what lg_detect_fresh noted of the room: its bytes are not
 * committed after all (the caller feeds others instead). */
void lg_detect_unfresh(lg_detect_stream *s);
/* Spans of the text that each hold one value of type t whole, as the
 * text after its label does: a mail's display names, which its headers
 * say are names. Set after lg_detect_begin; offsets are the text's; the
 * array stays the caller's, and is read until lg_detect_end. Each span is
 * checked whole by t's validator as after a label (a service's or a
 * department's name is none), whatever the text around; it scores as a
 * strong keyword's. */
typedef struct lg_text_span {
	uint64_t from, to;
} lg_text_span;
void lg_detect_cells(lg_detect_stream *s, lg_type t, const lg_text_span *spans,
		     size_t n);
/* Ends the text: reports what is left. */
lg_status lg_detect_end(lg_detect_stream *s);
/* After a successful lg_detect_end: the newlines the text held. */
uint64_t lg_detect_newlines(const lg_detect_stream *s);
/* After lg_detect_end: whether the text held a table with a header row
 * (a CSV/TSV export), so that its rows are records of people. */
bool lg_detect_tabular(const lg_detect_stream *s);
/* Whether line[0..n) (no line end) is a table header as the table pass
 * reads one at a text's start: delimited fields that name columns; then
 * its delimiter and field count. Only between texts: the line is read in
 * the stream's window. */
bool lg_detect_table_header(lg_detect_stream *s, const uint8_t *line, size_t n,
			    char *delim, unsigned *ncols);
/* The length of the table record at p[0..n), through its last newline,
 * when it keeps a table of ncols columns reading on as just after its
 * header: not blank, no longer than a row the table pass takes, its quotes
 * paired by the end of its line or of the lines a quoted cell carries it
 * over (as the table pass reads a record), and ncols fields as the table
 * pass counts them; 0 when it is not whole; LG_TABLE_RECORD_UNSEEN when
 * its end is not in p[0..n). A table can be cut before such a record when
 * every record above it is one. */
#define LG_TABLE_RECORD_UNSEEN SIZE_MAX
size_t lg_table_record_whole(const uint8_t *p, size_t n, char delim,
			     unsigned ncols);
void lg_detect_stream_free(lg_detect_stream *s);

/* Convenience: scans one whole buffer. */
lg_status lg_detect_buffer(const lg_detector *d, const uint8_t *text, size_t n,
			   lg_finding_fn fn, void *ud);

/* ---- validators, public for tests and other engines -------------------- */
/* Each takes ASCII digits (no separators) unless it says otherwise. */
bool lg_luhn_valid(const char *digits, size_t n);
/* Luhn plus a known issuer range and length (Visa, Mastercard 51-55 and
 * 2221-2720, JCB 3528-3589, Amex, Diners, Discover, UnionPay). Returns the
 * brand name, or NULL when not a card. */
const char *lg_card_brand(const char *digits, size_t n);
bool lg_my_number_valid(const char *digits12);
bool lg_corporate_number_valid(const char *digits13);
/* Unofficial but widely used check digit of the 12-digit licence number. */
bool lg_drivers_license_check_digit(const char *digits12);
/* Parses a date in Western (2024-01-15, 2024年1月15日, 1985.04.12) or
 * Japanese era form (昭和60年4月12日, 平成元年1月8日, S60.4.12, R1/5/1) from
 * folded text; writes "YYYY-MM-DD". False when it is not a real calendar
 * date inside its era. */
bool lg_parse_date(const char *s, size_t n, char iso[11]);
/* Like lg_parse_date for a date at the very start of s (no leading
 * spaces); returns the bytes it took, 0 when there is no date. */
size_t lg_parse_date_prefix(const char *s, size_t n, char iso[11]);
/* A date written without separators, YYYYMMDD (19850412, as systems
 * export dates), of the years 1900-2099: exactly the 8 digits of s[0..n). */
bool lg_parse_compact_date(const char *s, size_t n, char iso[11]);
/* Japanese numbering plan on digits (leading 0, +81 already folded to 0).
 * Returns 0 when not a phone number, else 'm' mobile/IP (070/080/090/050/
 * 060), 'f' fixed line, 't' toll-free/navi dial (0120/0800/0570). */
int lg_jp_phone_kind(const char *digits, size_t n);
/* Whether an e-mail address's domain is one reserved for examples
 * (example.com, example.jp, *.test, *.invalid, …; RFC 2606/6761, JPRS),
 * case aside: its owner is a sample, not a person. */
bool lg_email_domain_reserved(const char *address);

#endif
