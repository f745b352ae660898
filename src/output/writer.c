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
	/* a file name need not be UTF-8: as in its findings, U+FFFD */
	json_t *o =
	    json_pack("{so ss sI sI so}", "path", lg_json_text(r->path), "kind",
		      "records", "rows_with_pii", (json_int_t)r->rows, "people",
		      (json_int_t)r->people, "types",
		      type_counts_json(r->ntypes, r->type_ids, r->type_counts));
	if (o && r->capped)
		json_object_set_new(o, "capped", json_true());
	return o;
}

/* jansson's pieces of a dump, appended to a buffer: dumped to the FILE,
 * each piece was an fwrite of its own (some 30 a line). */
static int dump_piece(const char *s, size_t n, void *b)
{
	return lg_buf_append(b, s, n) ? 0 : -1;
}

/* Appends v compactly on one line, then `after`; takes v's reference. */
static bool json_append_line(lg_buf *b, json_t *v, const char *after)
{
	if (!v)
		return false;
	bool ok = json_dump_callback(v, dump_piece, b,
				     JSON_COMPACT | JSON_PRESERVE_ORDER |
					 JSON_REAL_PRECISION(4)) == 0 &&
		  lg_buf_puts(b, after);
	json_decref(v);
	return ok;
}

/* Writes a JSON value compactly on one line. */
bool lg_json_dump_line(FILE *f, json_t *v, const char *after)
{
	lg_buf b = {0};
	bool ok = json_append_line(&b, v, after) &&
		  fwrite(b.data, 1, b.len, f) == b.len;
	lg_buf_free(&b);
	return ok;
}

const char *lg_real_text(lg_real_texts *c, double v,
			 void (*fmt)(double v, char text[40]))
{
	unsigned n = sizeof(c->e) / sizeof(c->e[0]);
	for (unsigned i = 0; i < c->n; i++)
		if (c->e[i].v == v)
			return c->e[i].text;
	unsigned i = c->n < n ? c->n++ : c->next++ % n;
	c->e[i].v = v;
	fmt(v, c->e[i].text);
	return c->e[i].text;
}

static void format_2dp(double v, char text[40])
{
	snprintf(text, 40, "%.2f", v);
}

/* A confidence as "%.2f" writes it. */
static const char *conf_2dp(lg_writer *w, double v)
{
	return lg_real_text(&w->conf2, v, format_2dp);
}

static bool put_number(lg_buf *b, uint64_t v)
{
	char num[32];
	return lg_buf_append(b, num, (size_t)(lg_put_u64(num, v) - num));
}

/* ---- CSV
 * ------------------------------------------------------------------------ */
/* s quoted, its quotes doubled; then a comma, or CRLF after the last. */
static bool csv_field(lg_buf *b, const char *s, bool last)
{
	bool ok = lg_buf_putc(b, '"');
	while (ok && s && *s) {
		const char *q = strchr(s, '"');
		size_t n = q ? (size_t)(q - s) + 1 : strlen(s);
		ok = lg_buf_append(b, s, n) && (!q || lg_buf_putc(b, '"'));
		s += n;
	}
	return ok && lg_buf_puts(b, last ? "\"\r\n" : "\",");
}

static bool csv_number(lg_buf *b, uint64_t v)
{
	return lg_buf_putc(b, '"') && put_number(b, v) && lg_buf_puts(b, "\",");
}

static bool csv_record(lg_writer *w, const lg_record *r, bool reveal_column)
{
	lg_buf *b = &w->line;
	return csv_field(b, r->path, false) && csv_field(b, r->type, false) &&
	       csv_field(b, conf_2dp(w, r->confidence), false) &&
	       csv_field(b, r->tier, false) && csv_number(b, r->line) &&
	       csv_number(b, r->column) && csv_number(b, r->offset) &&
	       csv_number(b, r->length) && csv_field(b, r->masked, false) &&
	       csv_field(b, r->context, !reveal_column) &&
	       (!reveal_column || csv_field(b, r->value, true));
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

/* s, then spaces up to `width` bytes (as "%-*s" pads). */
static bool put_padded(lg_buf *b, const char *s, size_t width)
{
	static const char spaces[] = "                                ";
	s = s ? s : "(null)";
	size_t n = strlen(s);
	size_t pad = n < width ? width - n : 0;
	return lg_buf_append(b, s, n) &&
	       lg_buf_append(b, spaces, pad < 32 ? pad : 32);
}

/* The tier's name in the user's language. */
static const char *tier_text(lg_writer *w, const char *tier)
{
	for (unsigned i = 0; i < 3; i++)
		if (w->tier_key[i] == tier)
			return w->tier_text[i];
	unsigned i = w->tier_next++ % 3;
	w->tier_key[i] = tier;
	return w->tier_text[i] = _(tier);
}

static bool text_record(lg_writer *w, const lg_record *r)
{
	lg_buf *b = &w->line;
	bool ok = true;
	if (!w->last_path || strcmp(w->last_path, r->path) != 0) {
		free(w->last_path);
		w->last_path = strdup(r->path);
		ok = lg_buf_puts(b, w->opt.color ? "\033[1;35m" : "") &&
		     lg_buf_puts(b, r->path) &&
		     lg_buf_puts(b, w->opt.color ? "\033[0m\n" : "\n");
	}
	char pos[48];
	char *e = lg_put_u64(pos, r->line);
	*e++ = ':';
	*lg_put_u64(e, r->column) = '\0';
	const char *shown = r->value ? r->value : r->masked;
	return ok && lg_buf_puts(b, "  ") && put_padded(b, pos, 10) &&
	       lg_buf_putc(b, ' ') &&
	       lg_buf_puts(b, w->opt.color ? tier_colour(r->tier) : "") &&
	       put_padded(b, r->type, 21) &&
	       lg_buf_puts(b, w->opt.color ? "\033[0m " : " ") &&
	       lg_buf_puts(b, conf_2dp(w, r->confidence)) &&
	       lg_buf_putc(b, ' ') && put_padded(b, tier_text(w, r->tier), 6) &&
	       lg_buf_putc(b, ' ') &&
	       lg_buf_puts(b, shown ? shown : "(null)") &&
	       lg_buf_puts(b, "\n    ") &&
	       lg_buf_puts(b, r->context ? r->context : "(null)") &&
	       lg_buf_putc(b, '\n');
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

/* After a text or CSV record was appended to w->line from `before` on
 * (ok) or not (out of memory: its part is dropped): writes the records
 * kept when there are enough, as json_record does. */
static lg_status batched_line(lg_writer *w, bool ok, size_t before)
{
	if (!ok) {
		w->line.len = before; /* no half record */
		if (w->line.data)
			w->line.data[before] = '\0';
		return LG_ENOMEM;
	}
	if (!w->batch || w->line.len >= BATCH_BYTES)
		flush_records(w);
	return ferror(w->out) ? LG_EIO : LG_OK;
}

/* batched_line for a finding's record, which counts. */
static lg_status batched_record(lg_writer *w, bool ok, size_t before)
{
	lg_status rc = batched_line(w, ok, before);
	if (ok)
		w->count++;
	return rc;
}

lg_status lg_writer_record(lg_writer *w, const lg_record *r)
{
	size_t before = w->line.len;
	switch (w->fmt) {
	case LG_FMT_TEXT:
		return batched_record(w, text_record(w, r), before);
	case LG_FMT_JSONL:
	case LG_FMT_JSON: {
		/* the stream's error is looked at when records are written */
		lg_status rc = json_record(w, r);
		if (rc != LG_ENOMEM)
			w->count++;
		return rc;
	}
	case LG_FMT_CSV: {
		bool ok = true;
		if (!w->count) {
			ok =
			    lg_buf_puts(&w->line,
					"\xEF\xBB\xBF" /* Excel reads UTF-8 */
					"path,type,confidence,tier,line,column,"
					"offset,length,masked,context") &&
			    lg_buf_puts(&w->line,
					r->value ? ",value\r\n" : "\r\n");
			w->csv_reveal = r->value != NULL;
		}
		return batched_record(w, ok && csv_record(w, r, w->csv_reveal),
				      before);
	}
	case LG_FMT_SARIF:
		if (!lg_sarif_result(w, r))
			return LG_ENOMEM;
		break;
	}
	w->count++;
	return ferror(w->out) ? LG_EIO : LG_OK;
}

/* A file's records line goes after its findings, in the same batch. */
lg_status lg_writer_records(lg_writer *w, const lg_file_records *r)
{
	size_t before = w->line.len;
	if (w->fmt == LG_FMT_TEXT) {
		if (!r->rows) /* keys and passwords only: nobody's data */
			return LG_OK;
		if (!w->rows_fmt) {
			w->rows_fmt =
			    _("  = %llu row(s) with personal data, %llu "
			      "people%s\n");
			w->approximate = _(" (approximate)");
		}
		return batched_line(
		    w,
		    lg_buf_printf(&w->line, w->rows_fmt,
				  (unsigned long long)r->rows,
				  (unsigned long long)r->people,
				  r->capped ? w->approximate : ""),
		    before);
	}
	if (w->fmt == LG_FMT_JSONL)
		return batched_line(w, lg_records_json_line(&w->line, r),
				    before);
	if (w->fmt != LG_FMT_JSON)
		return LG_OK;
	json_t *o = records_json(r);
	if (!o)
		return LG_ENOMEM;
	if (!w->records && !(w->records = json_array())) {
		json_decref(o);
		return LG_ENOMEM;
	}
	return json_array_append_new(w->records, o) ? LG_ENOMEM : LG_OK;
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
