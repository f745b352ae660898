/* sarif.c: SARIF 2.1.0 as GitHub code scanning accepts it: one rule per
 * type, one result per finding with a physical location; masked values
 * only, never the value itself.
 *
 * SARIF is one JSON document whose rules come before the results, and a
 * rule is added when a result first needs it. A document tree holding
 * every result took a gigabyte and most of the time on a dense 64 MiB
 * file: results are written as text when they come (laid out as jansson
 * lays out the document, strings escaped as the JSON records' are),
 * kept in a temporary file, and put in place after the rules at the
 * end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output_int.h"

bool lg_sarif_begin(lg_writer *w)
{
	json_t *driver =
	    json_pack("{ss ss ss s[]}", "name", "leakguard", "semanticVersion",
		      w->opt.tool_version ? w->opt.tool_version : LG_VERSION,
		      "informationUri",
		      "https://github.com/leakguard/leakguard", "rules");
	json_t *run =
	    json_pack("{s{so} s[]}", "tool", "driver", driver, "results");
	w->sarif = json_pack("{ss ss s[o]}", "$schema",
			     "https://json.schemastore.org/sarif-2.1.0.json",
			     "version", "2.1.0", "runs", run);
	if (!w->sarif)
		return false;
	w->results = json_object_get(run, "results");
	w->rules = json_object_get(driver, "rules");
	w->spill = tmpfile(); /* NULL: results stay in w->results_text */
	return true;
}

/* Index of the rule for `type`, added on first use. */
static size_t sarif_rule_index(lg_writer *w, const lg_record *r)
{
	size_t n = json_array_size(w->rules);
	for (size_t i = 0; i < n; i++) {
		json_t *rule = json_array_get(w->rules, i);
		if (!strcmp(json_string_value(json_object_get(rule, "id")),
			    r->type))
			return i;
	}
	const char *desc = r->description ? r->description : r->type;
	json_array_append_new(
	    w->rules,
	    json_pack("{ss ss s{ss} s{ss} s{ss s[ss]}}", "id", r->type, "name",
		      r->type, "shortDescription", "text", desc, "help", "text",
		      "Personal data or a secret was found. Remove it, move "
		      "it to a protected store, or mask it.",
		      "properties", "security-severity", "7.5", "tags",
		      "security", "privacy"));
	return json_array_size(w->rules) - 1;
}

/* A path as a relative URI reference (RFC 3986): unreserved bytes and '/'
 * as they are, every other byte percent-encoded, so Japanese names and
 * names that are not UTF-8 both give a valid URI. */
static char *path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	lg_buf b = {0};
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		bool plain = lg_is_alnum(*p) || strchr("-._~/", *p);
		char esc[4] = {'%', hex[*p >> 4], hex[*p & 15], 0};
		if (!(plain ? lg_buf_putc(&b, (char)*p)
			    : lg_buf_puts(&b, esc))) {
			lg_buf_free(&b);
			return NULL;
		}
	}
	return b.data ? b.data : strdup("");
}

/* path_uri of the file the last result was in, kept. */
static const char *sarif_uri(lg_writer *w, const char *path)
{
	if (w->uri_path && !strcmp(w->uri_path, path))
		return w->uri;
	free(w->uri_path);
	free(w->uri);
	w->uri_path = strdup(path);
	w->uri = path_uri(path);
	if (!w->uri_path || !w->uri) {
		free(w->uri_path);
		free(w->uri);
		w->uri_path = w->uri = NULL;
	}
	return w->uri;
}

/* v as jansson writes a real ("%.17g", made to look like one). */
static void format_json_real(double v, char text[40])
{
	text[0] = '\0';
	json_t *j = json_real(v);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	if (t && strlen(t) < 40)
		strcpy(text, t);
	free(t);
}

/* Moves the results written so far to the temporary file. */
static bool spill_results(lg_writer *w)
{
	if (!w->spill || !w->results_text.len)
		return true;
	bool ok = fwrite(w->results_text.data, 1, w->results_text.len,
			 w->spill) == w->results_text.len;
	lg_buf_reset(&w->results_text);
	return ok;
}

#define SARIF_INDENT "        " /* results are five arrays and objects in */

bool lg_sarif_result(lg_writer *w, const lg_record *r)
{
	size_t rule = sarif_rule_index(w, r);
	const char *level = !strcmp(r->tier, "high")	 ? "error"
			    : !strcmp(r->tier, "medium") ? "warning"
							 : "note";
	char msg[512];
	const char *uri = sarif_uri(w, r->path);
	if (!uri)
		return false;
	snprintf(msg, sizeof(msg), "%s: %s (confidence %.2f)", r->type,
		 r->masked, r->confidence);
	const char *real =
	    lg_real_text(&w->reals, r->confidence, format_json_real);
	char num[64];
	lg_buf *b = &w->results_text;
	size_t before = b->len;
	bool ok = lg_buf_puts(b, w->count ? ",\n" SARIF_INDENT
					    "{\n" SARIF_INDENT "  \"ruleId\": "
					  : "\n" SARIF_INDENT "{\n" SARIF_INDENT
					    "  \"ruleId\": ") &&
		  lg_json_put_string(b, r->type);
	snprintf(num, sizeof(num), "%zu", rule);
	ok = ok && lg_buf_puts(b, ",\n" SARIF_INDENT "  \"ruleIndex\": ") &&
	     lg_buf_puts(b, num) &&
	     lg_buf_puts(b, ",\n" SARIF_INDENT "  \"level\": ") &&
	     lg_json_put_string(b, level) &&
	     lg_buf_puts(b, ",\n" SARIF_INDENT "  \"message\": {\n" SARIF_INDENT
			    "    \"text\": ") &&
	     lg_json_put_string(b, msg) &&
	     lg_buf_puts(b, "\n" SARIF_INDENT "  },\n" SARIF_INDENT
			    "  \"locations\": [\n" SARIF_INDENT
			    "    {\n" SARIF_INDENT
			    "      \"physicalLocation\": {\n" SARIF_INDENT
			    "        \"artifactLocation\": {\n" SARIF_INDENT
			    "          \"uri\": ") &&
	     lg_json_put_string(b, uri) &&
	     lg_buf_puts(b, "\n" SARIF_INDENT "        },\n" SARIF_INDENT
			    "        \"region\": {\n" SARIF_INDENT
			    "          \"startLine\": ");
	snprintf(num, sizeof(num), "%lld", (long long)r->line);
	ok = ok && lg_buf_puts(b, num) &&
	     lg_buf_puts(b, ",\n" SARIF_INDENT "          \"startColumn\": ");
	snprintf(num, sizeof(num), "%lld", (long long)r->column);
	ok = ok && lg_buf_puts(b, num) &&
	     lg_buf_puts(b, "\n" SARIF_INDENT "        }\n" SARIF_INDENT
			    "      }\n" SARIF_INDENT "    }\n" SARIF_INDENT
			    "  ],\n" SARIF_INDENT
			    "  \"properties\": {\n" SARIF_INDENT
			    "    \"confidence\": ") &&
	     lg_buf_puts(b, real) &&
	     lg_buf_puts(b, "\n" SARIF_INDENT "  }\n" SARIF_INDENT "}");
	if (!ok || !real[0]) {
		b->len = before; /* no half result */
		if (b->data)
			b->data[before] = '\0';
		return false;
	}
	return b->len < (64u << 10) || spill_results(w);
}

/* Copies the temporary file's results to out. */
static bool copy_spill(lg_writer *w)
{
	if (!w->spill)
		return true;
	char buf[1 << 16];
	size_t n;
	bool ok = fflush(w->spill) == 0 && fseek(w->spill, 0, SEEK_SET) == 0;
	while (ok && (n = fread(buf, 1, sizeof(buf), w->spill)) > 0)
		ok = fwrite(buf, 1, n, w->out) == n;
	return ok && !ferror(w->spill);
}

bool lg_sarif_finish(lg_writer *w, const lg_summary *s)
{
	(void)s;
	/* the document without results, split where they go */
	char *doc = json_dumps(w->sarif, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	static const char empty[] = "\"results\": []";
	char *at = NULL;
	for (char *p = doc; p && (p = strstr(p, empty)); p++)
		at = p;
	bool ok = doc && at;
	if (ok && !w->count) {
		fputs(doc, w->out);
	} else if (ok) {
		at += sizeof(empty) - 2; /* at the ']' */
		fwrite(doc, 1, (size_t)(at - doc), w->out);
		ok = spill_results(w) && copy_spill(w);
		fwrite(w->results_text.data, 1, w->results_text.len, w->out);
		fputs("\n      ", w->out);
		fputs(at, w->out);
	}
	fputc('\n', w->out);
	free(doc);
	if (w->spill)
		fclose(w->spill);
	free(w->uri_path);
	free(w->uri);
	lg_buf_free(&w->results_text);
	json_decref(w->sarif);
	return ok;
}
