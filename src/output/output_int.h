/* output_int.h: writer state shared by the format implementations. */
#ifndef LG_OUTPUT_INT_H
#define LG_OUTPUT_INT_H

#include <jansson.h>

#include "leakguard/output.h"
#include "util/util.h"

/* Numbers as a format writes them, kept: a scan gives few distinct
 * confidences, and formatting each record's cost more than the rest of
 * the record. */
typedef struct lg_real_texts {
	struct {
		double v;
		char text[40];
	} e[16];
	unsigned n, next;
} lg_real_texts;
/* v's text, made by fmt (into text[40]; "" when it cannot) when not kept. */
const char *lg_real_text(lg_real_texts *c, double v,
			 void (*fmt)(double v, char text[40]));

struct lg_writer {
	lg_format fmt;
	FILE *out;
	lg_writer_options opt;
	uint64_t count;
	char *last_path; /* text: the file whose group is open */
	bool csv_reveal;
	json_t *sarif;	     /* the SARIF log being built */
	json_t *results;     /* borrowed from sarif */
	json_t *rules;	     /* borrowed from sarif */
	lg_buf line;	     /* serialised records not written yet */
	lg_real_texts conf2; /* text, CSV: confidences as "%.2f" writes */
	bool batch;	     /* JSON records go out many to a write (not to a
			      * terminal, which shows each line as it comes) */
	json_t *records;     /* json: the files' records, written at the end */
	/* sarif: results written so far (and before them, those in spill),
	 * the last file's URI, and the confidences as jansson writes them */
	lg_buf results_text;
	uint64_t levels[3]; /* results per level: error, warning, note */
	FILE *spill;
	char *uri_path, *uri;
	lg_real_texts reals;
	/* text: translations looked up once (gettext locks and reads the
	 * environment at each call): the tier names by the pointer given,
	 * and the records line */
	const char *tier_key[3], *tier_text[3];
	unsigned tier_next;
	const char *rows_fmt, *approximate;
};

/* Appends r as one JSON object (no newline). False when out of memory. */
bool lg_record_json_write(lg_buf *b, const lg_record *r);
/* Writes v in decimal at d and returns the end; stores may reach 26
 * bytes past d, whatever v. */
char *lg_put_u64(char *d, uint64_t v);
/* The same, and a newline after it when `newline` (a JSONL line). */
bool lg_record_json_line(lg_buf *b, const lg_record *r, bool newline);
/* Appends a file's records line for jsonl, and a newline. */
bool lg_records_json_line(lg_buf *b, const lg_file_records *r);
/* Appends s as a JSON string, escaped as the records' strings are
 * (invalid UTF-8 as U+FFFD). False when out of memory. */
bool lg_json_put_string(lg_buf *b, const char *s);

json_t *lg_summary_json(const lg_summary *s);
/* A JSON string of s, invalid UTF-8 as U+FFFD (input holds anything);
 * NULL for NULL. */
json_t *lg_json_text(const char *s);
/* The ANSI colour of a severity's tag in text output. */
const char *lg_severity_colour(lg_severity s);
bool lg_json_dump_line(FILE *f, json_t *v, const char *after);

bool lg_sarif_begin(lg_writer *w);
bool lg_sarif_result(lg_writer *w, const lg_record *r);
/* False when the results kept could not be written back. */
bool lg_sarif_finish(lg_writer *w, const lg_summary *s);

#endif
