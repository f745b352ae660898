/* main.c: the leakguard command: a table of verbs, each a cmd_xxx in its
 * own file, in the manner of git's builtins. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "leakguard/leakguard.h"

typedef struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} verb;

static const verb verbs[] = {
    {"scan", cmd_scan,
     N_("find personal data and secrets in files, folders and stdin")},
    {"logs", cmd_logs,
     N_("find leak patterns in access, CDN, storage and mail logs")},
    {"audit", cmd_audit,
     N_("check caches, nginx configurations and share links before they "
	"ship")},
};

static void main_usage(FILE *out)
{
	fprintf(out, "%s\n\n",
		_("usage: leakguard [--lang ja|en] <command> "
		  "[options] [args]"));
	fprintf(out, "%s\n\n",
		_("leakguard keeps personal data from leaking out of an "
		  "organisation, notices when it does, and says who saw whose "
		  "data."));
	fprintf(out, "%s\n", _("Commands:"));
	for (size_t i = 0; i < sizeof(verbs) / sizeof(*verbs); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name,
			_(verbs[i].summary));
	fprintf(out, "\n%s\n",
		_("Run 'leakguard <command> --help' for a command's options."));
	fprintf(out, "%s\n",
		_("Exit status: 0 nothing found, 1 found, 2 error."));
}

int main(int argc, char **argv)
{
	cli_i18n_init(cli_find_lang(argc, argv));
	int i = 1;
	/* global options before the verb */
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			main_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("leakguard %s\n", LG_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
			i += 2;
			continue;
		}
		if (!strncmp(argv[i], "--lang=", 7)) {
			i++;
			continue;
		}
		cli_error(_("unknown option '%s'"), argv[i]);
		main_usage(stderr);
		return 2;
	}
	if (i >= argc) {
		main_usage(stderr);
		return 2;
	}
	for (size_t v = 0; v < sizeof(verbs) / sizeof(*verbs); v++) {
		if (!strcmp(argv[i], verbs[v].name))
			return verbs[v].fn(argc - i, argv + i);
	}
	cli_error(_("'%s' is not a leakguard command; see 'leakguard --help'"),
		  argv[i]);
	return 2;
}
