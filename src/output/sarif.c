/* sarif.c: SARIF 2.1.0 as GitHub code scanning accepts it: one rule per
 * type, one result per finding with a physical location. Results are held
 * in memory until the end (SARIF is one JSON document); masked values
 * only, never the value itself. */
#include <ctype.h>
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
	return true;
}

/* Index of the rule for `type`, added on first use. */
static size_t sarif_rule_index(lg_writer *w, const lg_record *r)
{
	size_t i;
	json_t *rule;
	json_array_foreach (w->rules, i, rule) {
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
		bool plain = isalnum(*p) || strchr("-._~/", *p);
		char esc[4] = {'%', hex[*p >> 4], hex[*p & 15], 0};
		if (!(plain ? lg_buf_putc(&b, (char)*p)
			    : lg_buf_puts(&b, esc))) {
			lg_buf_free(&b);
			return NULL;
		}
	}
	return b.data ? b.data : strdup("");
}

bool lg_sarif_result(lg_writer *w, const lg_record *r)
{
	size_t rule = sarif_rule_index(w, r);
	const char *level = !strcmp(r->tier, "high")	 ? "error"
			    : !strcmp(r->tier, "medium") ? "warning"
							 : "note";
	char msg[512];
	char *uri = path_uri(r->path);
	if (!uri)
		return false;
	snprintf(msg, sizeof(msg), "%s: %s (confidence %.2f)", r->type,
		 r->masked, r->confidence);
	json_t *res = json_pack(
	    "{ss sI ss s{ss} s[{s{s{ss} s{sI sI}}}] s{sf}}", "ruleId", r->type,
	    "ruleIndex", (json_int_t)rule, "level", level, "message", "text",
	    msg, "locations", "physicalLocation", "artifactLocation", "uri",
	    uri, "region", "startLine", (json_int_t)r->line, "startColumn",
	    (json_int_t)r->column, "properties", "confidence", r->confidence);
	free(uri);
	return res && json_array_append_new(w->results, res) == 0;
}

void lg_sarif_finish(lg_writer *w, const lg_summary *s)
{
	(void)s;
	json_dumpf(w->sarif, w->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', w->out);
	json_decref(w->sarif);
}
