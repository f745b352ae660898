/* checks.c: the checks of `audit` as text (what leaks, why, the fix) or
 * as JSON; why and fix are translated, the evidence is printed as seen. */
#include <jansson.h>
#include <libintl.h>

#include "leakguard/audit.h"
#include "output_int.h"

#define _(s) dgettext("leakguard", s)

json_t *lg_check_json(const lg_check *c)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(c->id));
	json_object_set_new(o, "severity",
			    json_string(lg_severity_name(c->severity)));
	json_object_set_new(o, "target", lg_json_text(c->target));
	if (c->line)
		json_object_set_new(o, "line",
				    json_integer((json_int_t)c->line));
	if (c->identity)
		json_object_set_new(o, "identity", lg_json_text(c->identity));
	json_object_set_new(o, "evidence", lg_json_text(c->evidence));
	json_object_set_new(o, "why", lg_json_text(_(c->why)));
	json_object_set_new(o, "fix", lg_json_text(_(c->fix)));
	return o;
}

void lg_check_print_text(FILE *f, const lg_check *c, bool color)
{
	fprintf(f, "%s[%s]%s %s  %s",
		color ? lg_severity_colour(c->severity) : "",
		_(lg_severity_name(c->severity)), color ? "\033[0m" : "", c->id,
		c->target);
	if (c->line)
		fprintf(f, ":%llu", (unsigned long long)c->line);
	if (c->identity)
		fprintf(f, _(" (as %s)"), c->identity);
	fputc('\n', f);
	if (c->evidence && *c->evidence)
		fprintf(f, "  %s %s\n", _("evidence:"), c->evidence);
	fprintf(f, "  %s %s\n", _("why:"), _(c->why));
	fprintf(f, "  %s %s\n", _("fix:"), _(c->fix));
}
