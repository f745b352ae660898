/* cmd_audit.c: `leakguard audit cache|nginx|link`: the subcommands share
 * their output: each failed check is written as it comes (text, json or
 * jsonl, to stdout or -o), a summary closes the run, and the exit status
 * says whether a check at or above --fail-on failed. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "leakguard/audit.h"

typedef struct audit_sub {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} audit_sub;

static const audit_sub subs[] = {
    {"cache", cmd_audit_cache,
     N_("fetch pages as each identity and prove personal pages stay out of "
	"shared caches")},
    {"nginx", cmd_audit_nginx,
     N_("check an nginx configuration (with its includes) for caching and "
	"listing of personal pages")},
    {"link", cmd_audit_link,
     N_("check that share links are single files that expire, and what a "
	"reachable link exposes")},
};

static void audit_usage(FILE *out)
{
	fprintf(out, "%s\n\n",
		_("usage: leakguard audit <check> [options] ..."));
	fprintf(out, "%s\n\n",
		_("Checks to run before a change or an ad ships. Each failed "
		  "check says what leaks, why, and the fix."));
	fprintf(out, "%s\n", _("Checks:"));
	for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++)
		fprintf(out, "  %-8s %s\n", subs[i].name, _(subs[i].summary));
	fprintf(out, "\n%s\n",
		_("Run 'leakguard audit <check> --help' for its options."));
	fprintf(out, "%s\n",
		_("Exit status: 0 no check failed at or above --fail-on, 1 one "
		  "did, 2 error."));
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		audit_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++) {
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	}
	cli_error(_("unknown check '%s' (cache, nginx or link)"), argv[1]);
	return 2;
}

/* ---- the output all checks share -----------------------------------------
 */
int audit_common_option(audit_out *o, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		if (lg_format_parse(arg, &o->format) &&
		    o->format <= LG_FMT_JSONL)
			return 1;
		cli_error(_("--format takes text, json or jsonl, not '%s'"),
			  arg);
		return -1;
	case 'o':
		o->output = arg;
		return 1;
	case AUDIT_OPT_FAIL_ON: {
		lg_severity s;
		if (!strcmp(arg, "none")) {
			o->fail_on = -1;
			return 1;
		}
		if (lg_severity_parse(arg, &s)) {
			o->fail_on = (int)s;
			return 1;
		}
		cli_error(_("--fail-on takes low, medium, high, critical or "
			    "none, not '%s'"),
			  arg);
		return -1;
	}
	case AUDIT_OPT_COLOR:
		if (!strcmp(arg, "auto") || !strcmp(arg, "always") ||
		    !strcmp(arg, "never")) {
			o->color = arg[0] == 'a' ? (arg[1] == 'u' ? -1 : 1) : 0;
			return 1;
		}
		cli_error(_("--color takes auto, always or never, not '%s'"),
			  arg);
		return -1;
	case AUDIT_OPT_LANG:
		return 1; /* read before the options (cli_find_lang) */
	case 'q':
		o->quiet = true;
		return 1;
	default:
		return 0;
	}
}

void audit_out_init(audit_out *o)
{
	memset(o, 0, sizeof(*o));
	o->format = LG_FMT_TEXT;
	o->fail_on = LG_SEV_LOW;
	o->color = -1;
}

bool audit_out_open(audit_out *o)
{
	o->out = cli_open_output(o->output);
	if (!o->out)
		return false;
	o->use_color =
	    o->format == LG_FMT_TEXT &&
	    (o->color == 1 || (o->color == -1 && isatty(fileno(o->out))));
	if (o->format == LG_FMT_JSON && !(o->all = json_array())) {
		cli_error(_("out of memory"));
		return false;
	}
	return true;
}

int audit_on_check(const lg_check *c, void *ud)
{
	audit_out *o = ud;
	o->per_severity[c->severity]++;
	if (o->fail_on >= 0 && (int)c->severity >= o->fail_on)
		o->failed = true;
	if (o->format == LG_FMT_TEXT) {
		lg_check_print_text(o->out, c, o->use_color);
		return 0;
	}
	json_t *j = lg_check_json(c);
	if (!j) {
		o->oom = true;
		return 1;
	}
	if (o->format == LG_FMT_JSON) {
		json_array_append_new(o->all, j);
		return 0;
	}
	char *s = json_dumps(j, JSON_COMPACT);
	if (s)
		fprintf(o->out, "%s\n", s);
	free(s);
	json_decref(j);
	return 0;
}

static void summary_text(FILE *f, const audit_out *o)
{
	fprintf(f,
		_("%llu target(s) checked: %llu critical, %llu high, %llu "
		  "medium, %llu low, %llu informational\n"),
		(unsigned long long)o->targets,
		(unsigned long long)o->per_severity[LG_SEV_CRITICAL],
		(unsigned long long)o->per_severity[LG_SEV_HIGH],
		(unsigned long long)o->per_severity[LG_SEV_MEDIUM],
		(unsigned long long)o->per_severity[LG_SEV_LOW],
		(unsigned long long)o->per_severity[LG_SEV_INFO]);
}

static json_t *summary_json(const audit_out *o)
{
	json_t *s = json_object();
	if (!s)
		return NULL;
	json_object_set_new(s, "targets", json_integer((json_int_t)o->targets));
	for (int v = LG_SEV_INFO; v <= LG_SEV_CRITICAL; v++)
		json_object_set_new(
		    s, lg_severity_name((lg_severity)v),
		    json_integer((json_int_t)o->per_severity[v]));
	return s;
}

int audit_out_finish(audit_out *o, bool errors)
{
	if (o->format == LG_FMT_TEXT && !o->quiet) {
		if (o->per_severity[0] + o->per_severity[1] +
			o->per_severity[2] + o->per_severity[3] +
			o->per_severity[4] ==
		    0)
			fprintf(o->out, "%s\n", _("no check failed"));
		summary_text(o->out, o);
	} else if (o->format == LG_FMT_JSON) {
		json_t *doc = json_pack("{s:o,s:o*}", "checks", o->all,
					"summary", summary_json(o));
		o->all = NULL;
		if (!doc || json_dumpf(doc, o->out, JSON_INDENT(1)) != 0)
			o->oom = true;
		fputc('\n', o->out);
		json_decref(doc);
	} else if (o->format == LG_FMT_JSONL && !o->quiet) {
		summary_text(stderr, o);
	}
	json_decref(o->all);
	bool io = fflush(o->out) != 0 || ferror(o->out);
	if (o->out != stdout)
		io |= fclose(o->out) != 0;
	if (io)
		cli_error(_("cannot write the output"));
	if (o->oom)
		cli_error(_("out of memory"));
	if (errors || io || o->oom)
		return 2;
	return o->failed ? 1 : 0;
}
