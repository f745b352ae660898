/* common.c: the option helper, language set-up and messages every verb
 * uses, so that all verbs read and answer alike. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define MAX_OPTIONS 64

int cli_getopt(int argc, char **argv, const cli_option *opts, const char **arg)
{
	struct option lo[MAX_OPTIONS + 1];
	char shorts[MAX_OPTIONS * 2 + 1];
	size_t n = 0, s = 0;
	for (; n < MAX_OPTIONS && opts[n].long_name; n++) {
		lo[n].name = opts[n].long_name;
		lo[n].has_arg =
		    opts[n].arg_name ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = opts[n].val;
		if (opts[n].val < 256) {
			shorts[s++] = (char)opts[n].val;
			if (opts[n].arg_name)
				shorts[s++] = ':';
		}
	}
	shorts[s] = '\0';
	memset(&lo[n], 0, sizeof(lo[n]));
	/* GNU getopt permutes: options may follow the paths */
	int c = getopt_long(argc, argv, shorts, lo, NULL);
	*arg = optarg;
	return c;
}

void cli_usage(FILE *out, const char *synopsis, const char *summary,
	       const cli_option *opts)
{
	fprintf(out, _("usage: %s\n"), synopsis);
	fprintf(out, "\n%s\n\n", _(summary));
	fprintf(out, "%s\n", _("Options:"));
	for (size_t i = 0; opts[i].long_name; i++) {
		char left[64];
		const cli_option *o = &opts[i];
		if (o->val < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->val,
				 o->long_name, o->arg_name ? " " : "",
				 o->arg_name ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
				 o->long_name, o->arg_name ? " " : "",
				 o->arg_name ? o->arg_name : "");
		fprintf(out, "  %-28s %s\n", left, _(o->help));
	}
}

const char *cli_find_lang(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--lang=", 7))
			return argv[i] + 7;
	}
	return NULL;
}

/* The language the environment asks for, as gettext reads it. */
static const char *env_language(void)
{
	static const char *const vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES",
					   "LANG"};
	for (size_t i = 0; i < 4; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return "";
}

static const char *locale_dir(void)
{
	const char *env = getenv("LEAKGUARD_LOCALEDIR");
	if (env && *env)
		return env;
	struct stat st;
	if (stat(LG_BUILD_LOCALEDIR, &st) == 0)
		return LG_BUILD_LOCALEDIR; /* running from the build tree */
	return LG_LOCALEDIR;
}

void cli_i18n_init(const char *lang)
{
	const char *cur = setlocale(LC_ALL, "");
	if (!lang && !strncmp(env_language(), "ja", 2))
		lang = "ja"; /* asked for, even where ja_JP is not installed */
	if (lang) {
		setenv("LANGUAGE", lang, 1);
		/* gettext ignores LANGUAGE in the C locale */
		if (!cur || !strcmp(cur, "C") || !strcmp(cur, "POSIX"))
			setlocale(LC_ALL, "C.UTF-8");
	}
	bindtextdomain("leakguard", locale_dir());
	bind_textdomain_codeset("leakguard", "UTF-8");
	textdomain("leakguard");
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("leakguard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

FILE *cli_open_output(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return stdout;
	/* reports hold masked personal data: owner only */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	fchmod(fd, 0600);
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}
