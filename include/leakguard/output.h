/* output.h: one record shape for findings, alerts and checks, and the
 * writers every verb shares: text, json, jsonl, csv, sarif. */
#ifndef LEAKGUARD_OUTPUT_H
#define LEAKGUARD_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "leakguard/leakguard.h"
#include "leakguard/logs.h"

typedef enum lg_format {
	LG_FMT_TEXT,
	LG_FMT_JSON,
	LG_FMT_JSONL,
	LG_FMT_CSV,
	LG_FMT_SARIF
} lg_format;

/* Returns true and sets *out when `name` is a format. */
bool lg_format_parse(const char *name, lg_format *out);

/* One finding, alert or check. Strings are borrowed for the call. `value`
 * is NULL unless the user asked to reveal it. */
typedef struct lg_record {
	const char *path;
	const char *type;
	const char *description; /* what the type is, for SARIF rules */
	double confidence;
	const char *tier; /* low / medium / high */
	uint64_t line, column, offset, length;
	const char *masked;
	const char *context;
	const char *value;
	/* strlen of masked, context and value where the caller knows it
	 * (a finding's); 0: measured */
	size_t masked_len, context_len, value_len;
	/* strlen of type and tier, the same way (a scan's, measured once) */
	size_t type_len, tier_len;
} lg_record;

/* Totals of a run, for the closing summary. */
typedef struct lg_summary {
	uint64_t files, skipped, errors, bytes, findings;
	double seconds;
	unsigned ntypes;
	const char *const *type_ids; /* ntypes entries */
	const uint64_t *type_counts; /* ntypes entries */
	uint64_t people;	     /* distinct people, all files together */
} lg_summary;

/* What one file (or archive member) holds: the rows with personal data
 * and the distinct people, with its findings per type. */
typedef struct lg_file_records {
	const char *path;
	uint64_t rows, people;
	bool capped; /* too many people to follow: counts are approximate */
	unsigned ntypes;
	const char *const *type_ids; /* ntypes entries */
	const uint64_t *type_counts; /* ntypes entries */
} lg_file_records;

typedef struct lg_writer lg_writer;

typedef struct lg_writer_options {
	bool color; /* ANSI colour in text (only on a tty) */
	const char *tool_version;
} lg_writer_options;

/* Opens a writer on `out` (not closed by the writer). NULL when out of
 * memory. Writes the format's preamble (JSON '[', CSV BOM and header). */
lg_writer *lg_writer_new(lg_format fmt, FILE *out, const lg_writer_options *o);
/* Writes one record. LG_EIO when the stream fails. */
lg_status lg_writer_record(lg_writer *w, const lg_record *r);
/* Writes a file's records line (jsonl: {"path", "kind":"records",
 * "rows_with_pii", "people", "types"}; json: kept for a "records" array
 * after the findings; text: a line under the file's findings; csv and
 * sarif carry findings only). */
lg_status lg_writer_records(lg_writer *w, const lg_file_records *r);
/* GitHub code scanning rejects a SARIF run of more results than this
 * (and shows the 5,000 most severe): past it, SARIF holds the most severe
 * this many (all errors, then warnings, then notes, each in order) and
 * says in the run's invocation how many it left out. */
#define LG_SARIF_MAX_RESULTS 25000

/* Writes the closing part (text summary, JSON/SARIF closing) and frees the
 * writer. LG_EIO when the stream failed at any point. */
lg_status lg_writer_finish(lg_writer *w, const lg_summary *s);

/* The text summary, also used on stderr for machine formats. */
void lg_summary_print_text(FILE *out, const lg_summary *s);

/* ---- alerts of `logs` ------------------------------------------------------
 */
/* jansson is the JSON library; alerts are few enough for a tree each. */
struct json_t;
/* The alert / summary as a new JSON object (NULL when out of memory). */
struct json_t *lg_alert_json(const lg_alert *a);
struct json_t *lg_logs_summary_json(const lg_logs_summary *s);
/* Human-readable, translated; colour only when asked (a tty). */
void lg_alert_print_text(FILE *f, const lg_alert *a, bool color);
void lg_logs_summary_print_text(FILE *f, const lg_logs_summary *s);

#endif
