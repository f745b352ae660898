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

static const char *const levels[3] = {"error", "warning", "note"};

bool lg_sarif_result(lg_writer *w, const lg_record *r)
{
	size_t rule = sarif_rule_index(w, r);
	int li = !strcmp(r->tier, "high")     ? 0
		 : !strcmp(r->tier, "medium") ? 1
					      : 2;
	const char *level = levels[li];
	w->levels[li]++;
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

/* ---- GitHub's limit of results a run ------------------------------------
 * How many results of each level stay: every error first, then warnings,
 * then notes, as many as LG_SARIF_MAX_RESULTS allows. */
static uint64_t sarif_quota(const uint64_t count[3], uint64_t quota[3])
{
	uint64_t room = LG_SARIF_MAX_RESULTS, left = 0;
	for (int l = 0; l < 3; l++) {
		quota[l] = count[l] < room ? count[l] : room;
		room -= quota[l];
		left += count[l] - quota[l];
	}
	return left;
}

/* The run says what it left out, as a tool notification. */
static bool note_left_out(lg_writer *w, uint64_t left)
{
	char text[256];
	snprintf(text, sizeof(text),
		 "%llu of %llu results left out: GitHub code scanning takes "
		 "at most %d results a run. The most severe are here; see "
		 "leakguard's jsonl output for all of them.",
		 (unsigned long long)left, (unsigned long long)w->count,
		 LG_SARIF_MAX_RESULTS);
	json_t *run = json_array_get(json_object_get(w->sarif, "runs"), 0);
	json_t *inv = json_pack("[{sb s[{ss s{ss}}]}]", "executionSuccessful",
				1, "toolExecutionNotifications", "level",
				"warning", "message", "text", text);
	return run && inv && json_object_set_new(run, "invocations", inv) == 0;
}

/* The level of a result line ("level": "error"), or -1. */
static int result_level(const char *line)
{
	static const char key[] = SARIF_INDENT "  \"level\": \"";
	if (strncmp(line, key, sizeof(key) - 1) != 0)
		return -1;
	for (int l = 0; l < 3; l++)
		if (!strncmp(line + sizeof(key) - 1, levels[l],
			     strlen(levels[l])))
			return l;
	return -1;
}

/* Copies the results read from `in` that their level's quota keeps. A
 * result's lines run from SARIF_INDENT "{" to SARIF_INDENT "}" (with a
 * comma between results); strings hold no raw newline, and the objects
 * inside a result are indented further. */
static bool copy_kept(lg_writer *w, FILE *in, const uint64_t quota[3])
{
	static const char open[] = SARIF_INDENT "{", close[] = SARIF_INDENT "}";
	uint64_t taken[3] = {0};
	lg_buf r = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int level = -1;
	bool first = true, ok = true;
	while (ok && (n = getline(&line, &cap, in)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!strcmp(line, open)) {
			lg_buf_reset(&r);
			level = -1;
		}
		if (level < 0)
			level = result_level(line);
		bool last = !strncmp(line, close, sizeof(close) - 1) &&
			    (!line[sizeof(close) - 1] ||
			     !strcmp(line + sizeof(close) - 1, ","));
		ok = lg_buf_append(&r, line,
				   last ? sizeof(close) - 1 : (size_t)n) &&
		     (last || lg_buf_putc(&r, '\n'));
		if (ok && last && level >= 0 && taken[level] < quota[level]) {
			taken[level]++;
			fputs(first ? "\n" : ",\n", w->out);
			fwrite(r.data, 1, r.len, w->out);
			first = false;
		}
	}
	free(line);
	lg_buf_free(&r);
	return ok && !ferror(in);
}

/* Writes the results kept, from the temporary file or from memory. */
static bool write_results(lg_writer *w, uint64_t left, const uint64_t quota[3])
{
	if (!left) {
		bool ok = spill_results(w) && copy_spill(w);
		fwrite(w->results_text.data, 1, w->results_text.len, w->out);
		return ok;
	}
	FILE *in = NULL;
	if (w->spill && spill_results(w) && fflush(w->spill) == 0 &&
	    fseek(w->spill, 0, SEEK_SET) == 0)
		in = w->spill;
	else if (!w->spill)
		in = fmemopen(w->results_text.data, w->results_text.len, "r");
	bool ok = in && copy_kept(w, in, quota);
	if (in && in != w->spill)
		fclose(in);
	return ok;
}

bool lg_sarif_finish(lg_writer *w, const lg_summary *s)
{
	(void)s;
	uint64_t quota[3], left = sarif_quota(w->levels, quota);
	bool noted = !left || note_left_out(w, left);
	/* the document without results, split where they go */
	char *doc = json_dumps(w->sarif, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	static const char empty[] = "\"results\": []";
	char *at = NULL;
	for (char *p = doc; p && (p = strstr(p, empty)); p++)
		at = p;
	bool ok = doc && at && noted;
	if (ok && !w->count) {
		fputs(doc, w->out);
	} else if (ok) {
		at += sizeof(empty) - 2; /* at the ']' */
		fwrite(doc, 1, (size_t)(at - doc), w->out);
		ok = write_results(w, left, quota);
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
