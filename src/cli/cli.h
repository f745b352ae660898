/* cli.h: what the verbs share: the option table and usage printer, the
 * language set-up and the messages on stderr. */
#ifndef LG_CLI_H
#define LG_CLI_H

#include <libintl.h>
#include <stdbool.h>
#include <stdio.h>

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

#endif
