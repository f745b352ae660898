/* writer.c: the record writers shared by every verb. JSON is produced with
 * jansson; text and CSV by hand. */
#include <jansson.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakguard/output.h"
#include "output_int.h"

#define _(s)  dgettext("leakguard", s)
#define N_(s) (s)

/* the tier names, for translation */
static const char *const tier_words[]
    __attribute__((unused)) = {N_("low"), N_("medium"), N_("high")};

bool lg_format_parse(const char *name, lg_format *out)
{
	static const char *const names[] = {"text", "json", "jsonl", "csv",
					    "sarif"};
	for (int i = 0; i < 5; i++) {
		if (!strcmp(name, names[i])) {
			*out = (lg_format)i;
			return true;
		}
	}
	return false;
}

/* ---- JSON objects ----------------------------------------------------------
 */
static json_t *type_counts_json(unsigned n, const char *const *ids,
				const uint64_t *counts)
{
	json_t *types = json_object();
	for (unsigned i = 0; types && i < n; i++)
		if (counts[i])
			json_object_set_new(
			    types, ids[i], json_integer((json_int_t)counts[i]));
	return types;
}

json_t *lg_summary_json(const lg_summary *s)
{
	json_t *types =
	    type_counts_json(s->ntypes, s->type_ids, s->type_counts);
	return json_pack(
	    "{sI sI sI sI sI sf so sI}", "files", (json_int_t)s->files,
	    "skipped", (json_int_t)s->skipped, "errors", (json_int_t)s->errors,
	    "bytes", (json_int_t)s->bytes, "findings", (json_int_t)s->findings,
	    "seconds", s->seconds, "types", types, "people",
	    (json_int_t)s->people);
}

static json_t *records_json(const lg_file_records *r)
{
	json_t *o =
	    json_pack("{ss ss sI sI so}", "path", r->path, "kind", "records",
		      "rows_with_pii", (json_int_t)r->rows, "people",
		      (json_int_t)r->people, "types",
		      type_counts_json(r->ntypes, r->type_ids, r->type_counts));
	if (o && r->capped)
		json_object_set_new(o, "capped", json_true());
	return o;
}

/* Writes a JSON value compactly on one line. */
bool lg_json_dump_line(FILE *f, json_t *v, const char *after)
{
	if (!v)
		return false;
	bool ok = json_dumpf(v, f,
			     JSON_COMPACT | JSON_PRESERVE_ORDER |
				 JSON_REAL_PRECISION(4)) == 0;
	json_decref(v);
	return ok && fputs(after, f) >= 0;
}

/* ---- CSV
 * ------------------------------------------------------------------------ */
static void csv_field(FILE *f, const char *s, bool last)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
	fputs(last ? "\r\n" : ",", f);
}

static void csv_record(FILE *f, const lg_record *r, bool reveal_column)
{
	char num[32];
	csv_field(f, r->path, false);
	csv_field(f, r->type, false);
	snprintf(num, sizeof(num), "%.2f", r->confidence);
	csv_field(f, num, false);
	csv_field(f, r->tier, false);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->line);
	csv_field(f, num, false);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->column);
	csv_field(f, num, false);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->offset);
	csv_field(f, num, false);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->length);
	csv_field(f, num, false);
	csv_field(f, r->masked, false);
	csv_field(f, r->context, !reveal_column);
	if (reveal_column)
		csv_field(f, r->value, true);
}

/* ---- text
 * ---------------------------------------------------------------------- */
static const char *tier_colour(const char *tier)
{
	if (!strcmp(tier, "high"))
		return "\033[1;31m";
	if (!strcmp(tier, "medium"))
		return "\033[33m";
	return "\033[36m";
}

static void text_record(lg_writer *w, const lg_record *r)
{
	FILE *f = w->out;
	if (!w->last_path || strcmp(w->last_path, r->path) != 0) {
		free(w->last_path);
		w->last_path = strdup(r->path);
		fprintf(f, "%s%s%s\n", w->opt.color ? "\033[1;35m" : "",
			r->path, w->opt.color ? "\033[0m" : "");
	}
	char pos[48];
	snprintf(pos, sizeof(pos), "%llu:%llu", (unsigned long long)r->line,
		 (unsigned long long)r->column);
	fprintf(f, "  %-10s %s%-21s%s %.2f %-6s %s\n    %s\n", pos,
		w->opt.color ? tier_colour(r->tier) : "", r->type,
		w->opt.color ? "\033[0m" : "", r->confidence, _(r->tier),
		r->value ? r->value : r->masked, r->context);
}

void lg_summary_print_text(FILE *f, const lg_summary *s)
{
	double mb = (double)s->bytes / 1e6;
	fprintf(f,
		_("%llu files scanned, %llu skipped, %llu errors; %.1f MB "
		  "in %.2f s (%.1f MB/s)\n"),
		(unsigned long long)s->files, (unsigned long long)s->skipped,
		(unsigned long long)s->errors, mb, s->seconds,
		s->seconds > 0 ? mb / s->seconds : 0.0);
	fprintf(f, _("%llu findings\n"), (unsigned long long)s->findings);
	for (unsigned i = 0; i < s->ntypes; i++) {
		if (s->type_counts[i])
			fprintf(f, "  %-22s %llu\n", s->type_ids[i],
				(unsigned long long)s->type_counts[i]);
	}
	fprintf(f, _("%llu people in all (counted within each file)\n"),
		(unsigned long long)s->people);
}

/* ---- the writer
 * ----------------------------------------------------------------- */
lg_writer *lg_writer_new(lg_format fmt, FILE *out, const lg_writer_options *o)
{
	lg_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fmt = fmt;
	w->out = out;
	if (o)
		w->opt = *o;
	int fd = fileno(out);
	w->batch = !(fd >= 0 && isatty(fd));
	if (fmt == LG_FMT_JSON)
		fputs("{\"findings\":[", out);
	if (fmt == LG_FMT_SARIF && !lg_sarif_begin(w)) {
		free(w);
		return NULL;
	}
	return w;
}

#define BATCH_BYTES (64u << 10)

/* Writes the JSON records kept in w->line. */
static void flush_records(lg_writer *w)
{
	if (w->line.len)
		fwrite(w->line.data, 1, w->line.len, w->out);
	lg_buf_reset(&w->line);
}

/* Appends r to w->line, and writes them when there are enough: a dense
 * text has a record every few hundred bytes, and each fwrite costs about
 * as much as escaping one. */
static lg_status json_record(lg_writer *w, const lg_record *r)
{
	size_t before = w->line.len;
	bool ok = (w->fmt != LG_FMT_JSON ||
		   lg_buf_puts(&w->line, w->count ? ",\n" : "\n")) &&
		  lg_record_json_line(&w->line, r, w->fmt == LG_FMT_JSONL);
	if (!ok) {
		w->line.len = before; /* no half record */
		if (w->line.data)
			w->line.data[before] = '\0';
		return LG_ENOMEM;
	}
	if (!w->batch || w->line.len >= BATCH_BYTES) {
		flush_records(w);
		if (ferror(w->out))
			return LG_EIO;
	}
	return LG_OK;
}

lg_status lg_writer_record(lg_writer *w, const lg_record *r)
{
	switch (w->fmt) {
	case LG_FMT_TEXT:
		text_record(w, r);
		break;
	case LG_FMT_JSONL:
	case LG_FMT_JSON: {
		/* the stream's error is looked at when records are written */
		lg_status rc = json_record(w, r);
		if (rc != LG_ENOMEM)
			w->count++;
		return rc;
	}
	case LG_FMT_CSV:
		if (!w->count) {
			fputs("\xEF\xBB\xBF", w->out); /* Excel reads UTF-8 */
			fputs("path,type,confidence,tier,line,column,offset,"
			      "length,masked,context",
			      w->out);
			fputs(r->value ? ",value\r\n" : "\r\n", w->out);
			w->csv_reveal = r->value != NULL;
		}
		csv_record(w->out, r, w->csv_reveal);
		break;
	case LG_FMT_SARIF:
		if (!lg_sarif_result(w, r))
			return LG_ENOMEM;
		break;
	}
	w->count++;
	return ferror(w->out) ? LG_EIO : LG_OK;
}

lg_status lg_writer_records(lg_writer *w, const lg_file_records *r)
{
	if (w->fmt == LG_FMT_TEXT) {
		if (!r->rows) /* keys and passwords only: nobody's data */
			return LG_OK;
		fprintf(w->out,
			_("  = %llu row(s) with personal data, %llu "
			  "people%s\n"),
			(unsigned long long)r->rows,
			(unsigned long long)r->people,
			r->capped ? _(" (approximate)") : "");
		return ferror(w->out) ? LG_EIO : LG_OK;
	}
	if (w->fmt != LG_FMT_JSON && w->fmt != LG_FMT_JSONL)
		return LG_OK;
	flush_records(w); /* the records line goes after them */
	json_t *o = records_json(r);
	if (!o)
		return LG_ENOMEM;
	if (w->fmt == LG_FMT_JSON) {
		if (!w->records && !(w->records = json_array())) {
			json_decref(o);
			return LG_ENOMEM;
		}
		return json_array_append_new(w->records, o) ? LG_ENOMEM : LG_OK;
	}
	return lg_json_dump_line(w->out, o, "\n") ? LG_OK : LG_EIO;
}

lg_status lg_writer_finish(lg_writer *w, const lg_summary *s)
{
	bool ok = true;
	flush_records(w);
	switch (w->fmt) {
	case LG_FMT_TEXT:
		if (s) {
			if (w->count)
				fputc('\n', w->out);
			lg_summary_print_text(w->out, s);
		}
		break;
	case LG_FMT_JSON:
		fputs("\n],\"records\":", w->out);
		lg_json_dump_line(
		    w->out, w->records ? json_incref(w->records) : json_array(),
		    ",\"summary\":");
		lg_json_dump_line(w->out, s ? lg_summary_json(s) : json_null(),
				  "}\n");
		break;
	case LG_FMT_SARIF:
		ok = lg_sarif_finish(w, s);
		break;
	default:
		break;
	}
	lg_status rc =
	    !ok || fflush(w->out) != 0 || ferror(w->out) ? LG_EIO : LG_OK;
	free(w->last_path);
	lg_buf_free(&w->line);
	json_decref(w->records);
	free(w);
	return rc;
}
