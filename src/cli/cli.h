/* cli.h: what the verbs share: the option table and usage printer, the
 * language set-up and the messages on stderr. */
#ifndef LG_CLI_H
#define LG_CLI_H

#include <libintl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "leakguard/output.h"

#define _(s)  gettext(s)
#define N_(s) (s)

/* One option of a verb: parsed with getopt_long and printed by --help. */
typedef struct cli_option {
	const char *long_name;
	int val; /* returned by cli_getopt; below 256 it is also -c */
	const char *arg_name; /* NULL: a flag */
	const char *help;     /* English; translated when printed */
} cli_option;

#define CLI_OPT_END                                                            \
	{                                                                      \
		NULL, 0, NULL, NULL                                            \
	}

/* Like getopt_long over `opts` (terminated by CLI_OPT_END). Returns the
 * option's val, '?' for an unknown option or a missing argument (already
 * reported), -1 at the end. */
int cli_getopt(int argc, char **argv, const cli_option *opts, const char **arg);

/* Prints "usage: ...", the summary and every option with its help. */
void cli_usage(FILE *out, const char *synopsis, const char *summary,
	       const cli_option *opts);

/* Selects the message language: `lang` ("ja", "en") or, when NULL, the
 * locale. Works without the locale being installed. */
void cli_i18n_init(const char *lang);
/* Finds --lang in argv (anywhere) without parsing the rest. */
const char *cli_find_lang(int argc, char **argv);

/* "leakguard: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens -o FILE for writing, created 0600; "-" or NULL is stdout. */
FILE *cli_open_output(const char *path);

int cmd_scan(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* ---- audit: each check in its file, the output shared (cmd_audit.c) ---- */
int cmd_audit_cache(int argc, char **argv);
int cmd_audit_nginx(int argc, char **argv);
int cmd_audit_link(int argc, char **argv);

enum { AUDIT_OPT_FAIL_ON = 900, AUDIT_OPT_COLOR, AUDIT_OPT_LANG };
/* The options every audit check takes, for its cli_option table. */
#define AUDIT_COMMON_OPTIONS                                                   \
	{"format", 'f', "FORMAT",                                              \
	 N_("output format: text (default), json, jsonl")},                    \
	    {"output", 'o', "FILE",                                            \
	     N_("write to FILE (created mode 0600) instead of stdout")},       \
	    {"fail-on", AUDIT_OPT_FAIL_ON, "LEVEL",                            \
	     N_("exit 1 only for failed checks at LEVEL or above: low "        \
		"(default), medium, high, critical, or none")},                \
	    {"lang", AUDIT_OPT_LANG, "LANG",                                   \
	     N_("messages in ja or en (default: the locale)")},                \
	    {"color", AUDIT_OPT_COLOR, "WHEN",                                 \
	     N_("colour text output: auto (default), always, never")},         \
	    {"quiet", 'q', NULL, N_("no summary")},                            \
	{                                                                      \
		"help", 'h', NULL, N_("show this help")                        \
	}

struct json_t;
struct lg_check;
typedef struct audit_out {
	lg_format format;
	const char *output;
	int fail_on; /* lg_severity, -1: never */
	int color;   /* -1 auto, 0 never, 1 always */
	bool quiet, use_color, failed, oom;
	FILE *out;
	uint64_t targets; /* URLs or files checked, for the summary */
	uint64_t per_severity[5];
	struct json_t *all; /* json: the checks, written at the end */
} audit_out;

void audit_out_init(audit_out *o);
/* A common option: 1 taken, 0 not one, -1 wrong (reported). */
int audit_common_option(audit_out *o, int opt, const char *arg);
/* Opens -o (or stdout); false when it cannot (reported). */
bool audit_out_open(audit_out *o);
/* The lg_check_fn that writes a check and counts it; ud is the
 * audit_out. */
int audit_on_check(const struct lg_check *c, void *ud);
/* Closes the run: summary, exit status (2 with errors, 1 a failed check
 * at or above --fail-on, else 0). */
int audit_out_finish(audit_out *o, bool errors);

#endif
