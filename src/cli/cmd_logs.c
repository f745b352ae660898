/* cmd_logs.c: `leakguard logs`: options in, the library's logs engine,
 * alerts out. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "leakguard/logs.h"
#include "leakguard/output.h"
#include "leakguard/sink.h"
#include "leakguard/store.h"

enum {
	OPT_LOG_FORMAT = 1000,
	OPT_NGINX_CONF,
	OPT_CONFIG,
	OPT_RULES,
	OPT_NO_DEFAULT_RULES,
	OPT_FAIL_ON,
	OPT_MIN_SEVERITY,
	OPT_MERGE_WINDOW,
	OPT_MAX_GROUPS,
	OPT_SYSLOG_YEAR,
	OPT_FOLLOW,
	OPT_FROM_START,
	OPT_DB,
	OPT_IDLE_EXIT,
	OPT_SINK,
	OPT_LIST_RULES,
	OPT_LANG,
	OPT_COLOR
};

static const cli_option logs_options[] = {
    {"format", 'f', "FORMAT", N_("text (default), json or jsonl")},
    {"output", 'o', "FILE",
     N_("write to FILE (created mode 0600) instead of stdout")},
    {"log-format", OPT_LOG_FORMAT, "NAME",
     N_("read every file as NAME: combined, common, ltsv, json, cloudfront, "
	"alb, s3, postfix (default: detected per file); with --nginx-conf, "
	"the name of a log_format in it")},
    {"nginx-conf", OPT_NGINX_CONF, "FILE",
     N_("take the log format from this nginx.conf (its includes too)")},
    {"config", OPT_CONFIG, "FILE",
     N_("site configuration (private, shared, login and export paths, "
	"internal networks and mail domains, session cookie)")},
    {"rules", OPT_RULES, "PATH",
     N_("also load the rules in this YAML file or folder (repeatable)")},
    {"no-default-rules", OPT_NO_DEFAULT_RULES, NULL,
     N_("do not load the shipped rules")},
    {"follow", OPT_FOLLOW, NULL,
     N_("keep reading the files as they grow and rotate, raising alerts as "
	"they happen; positions are kept in the store, so a restart goes on "
	"where it stopped (Ctrl-C or SIGTERM to stop)")},
    {"from-start", OPT_FROM_START, NULL,
     N_("with --follow: read a file never seen before from its start "
	"(default: from its end, like tail -f)")},
    {"db", OPT_DB, "FILE",
     N_("the store for --follow (default: "
	"$XDG_DATA_HOME/leakguard/leakguard.db)")},
    {"idle-exit", OPT_IDLE_EXIT, "SECONDS",
     N_("with --follow: stop after SECONDS without a new line (for "
	"scripts)")},
    {"sink", OPT_SINK, "SPEC",
     N_("also send alerts to SPEC (repeatable): file:PATH, syslog, "
	"slack:URL, teams:URL, chatwork:ROOM_ID (token in "
	"LEAKGUARD_CHATWORK_TOKEN), webhook:URL; chat sinks get each live "
	"alert once, when it opens")},
    {"min-severity", OPT_MIN_SEVERITY, "LEVEL",
     N_("report alerts at LEVEL or above: informational, low (default), "
	"medium, high, critical")},
    {"fail-on", OPT_FAIL_ON, "LEVEL",
     N_("exit 1 only for alerts at LEVEL or above (default low), or none")},
    {"merge-window", OPT_MERGE_WINDOW, "DURATION",
     N_("hits of one rule and actor this close merge into one alert "
	"(default 30m; s, m, h, d)")},
    {"syslog-year", OPT_SYSLOG_YEAR, "YEAR",
     N_("syslog lines (postfix) carry no year: take YEAR (default: this "
	"year, or last year for dates ahead of today)")},
    {"max-groups", OPT_MAX_GROUPS, "N",
     N_("groups each correlation keeps in memory (default 100000)")},
    {"list-rules", OPT_LIST_RULES, NULL, N_("list the loaded rules and exit")},
    {"lang", OPT_LANG, "LANG",
     N_("messages in ja or en (default: the locale)")},
    {"color", OPT_COLOR, "WHEN",
     N_("colour text output: auto (default), always, never")},
    {"quiet", 'q', NULL, N_("no summary")},
    {"help", 'h', NULL, N_("show this help")},
    CLI_OPT_END,
};

static const char logs_synopsis[] = "leakguard logs [options] FILE...|-";
static const char logs_summary[] =
    N_("Reads access, CDN, storage and mail logs (plain or .gz, merged in "
       "time order) and raises leak patterns: cache-leak, shared-link "
       "exposure, enumeration, bulk export, brute force, credential stuffing, "
       "probes, SQL injection, path traversal, web shells, mass-recipient "
       "mail and mail bursts.");

typedef struct logs_cli {
	lg_format format;
	const char *output, *log_format, *nginx_conf, *config;
	const char **rules;
	size_t nrules;
	bool no_default_rules, list_rules, quiet;
	int fail_on; /* lg_severity, or -1 for none */
	lg_severity min_severity;
	int64_t merge_window_us;
	size_t max_groups;
	int syslog_year;
	int color;
	bool follow, from_start;
	const char *db;
	unsigned idle_exit;
	const char **sinks;
	size_t nsinks;
	const char *lang;
} logs_cli;

/* "30m" -> microseconds; false when malformed. */
static bool parse_duration(const char *s, int64_t *us)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v <= 0 || v > 3650LL * 86400)
		return false;
	int64_t unit = 0;
	if (!strcmp(end, "s") || !*end)
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60;
	else if (!strcmp(end, "h"))
		unit = 3600;
	else if (!strcmp(end, "d"))
		unit = 86400;
	else
		return false;
	*us = (int64_t)v * unit * 1000000;
	return *us / 1000000 <= 3650LL * 86400;
}

static bool parse_level(const char *arg, int *out, bool none_ok)
{
	lg_severity s;
	if (none_ok && !strcmp(arg, "none")) {
		*out = -1;
		return true;
	}
	if (!lg_severity_parse(arg, &s))
		return false;
	*out = (int)s;
	return true;
}

static bool push_arg(const char ***v, size_t *n, const char *arg)
{
	const char **p = realloc(*v, (*n + 1) * sizeof(**v));
	if (!p)
		return false;
	*v = p;
	p[(*n)++] = arg;
	return true;
}

/* A whole number in [lo, hi]. */
static bool parse_range(const char *arg, unsigned long long lo,
			unsigned long long hi, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(arg, &end, 10);
	return *arg >= '0' && *arg <= '9' && !*end && !errno && *v >= lo &&
	       *v <= hi;
}

/* The options that take a level, a duration or a number. */
static bool logs_value_option(logs_cli *c, int opt, const char *arg)
{
	int level;
	unsigned long long v;
	switch (opt) {
	case OPT_FAIL_ON:
		if (parse_level(arg, &c->fail_on, true))
			return true;
		cli_error(_("--fail-on takes low, medium, high, critical or "
			    "none, not '%s'"),
			  arg);
		return false;
	case OPT_MIN_SEVERITY:
		if (parse_level(arg, &level, false)) {
			c->min_severity = (lg_severity)level;
			return true;
		}
		cli_error(_("--min-severity takes informational, low, medium, "
			    "high or critical, not '%s'"),
			  arg);
		return false;
	case OPT_MERGE_WINDOW:
		if (parse_duration(arg, &c->merge_window_us))
			return true;
		cli_error(_("--merge-window takes a duration like 30m, not "
			    "'%s'"),
			  arg);
		return false;
	case OPT_MAX_GROUPS:
		if (parse_range(arg, 1, (1ULL << 32) - 1, &v)) {
			c->max_groups = (size_t)v;
			return true;
		}
		cli_error(_("--max-groups takes a positive number, not '%s'"),
			  arg);
		return false;
	case OPT_SYSLOG_YEAR:
		if (parse_range(arg, 1970, 9999, &v)) {
			c->syslog_year = (int)v;
			return true;
		}
		cli_error(_("--syslog-year takes a year like 2025, not '%s'"),
			  arg);
		return false;
	case OPT_IDLE_EXIT:
		if (parse_range(arg, 1, 86400, &v)) {
			c->idle_exit = (unsigned)v;
			return true;
		}
		cli_error(_("--idle-exit takes seconds from 1 to 86400, not "
			    "'%s'"),
			  arg);
		return false;
	case OPT_COLOR:
		if (!strcmp(arg, "auto") || !strcmp(arg, "always") ||
		    !strcmp(arg, "never")) {
			c->color = arg[0] == 'a' ? (arg[1] == 'u' ? -1 : 1) : 0;
			return true;
		}
		cli_error(_("--color takes auto, always or never, not '%s'"),
			  arg);
		return false;
	default:
		return false;
	}
}

static bool logs_option(logs_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		if (!lg_format_parse(arg, &c->format) ||
		    (c->format != LG_FMT_TEXT && c->format != LG_FMT_JSON &&
		     c->format != LG_FMT_JSONL)) {
			cli_error(_("unknown format '%s' (text, json, jsonl)"),
				  arg);
			return false;
		}
		return true;
	case 'o':
		c->output = arg;
		return true;
	case OPT_LOG_FORMAT:
		c->log_format = arg;
		return true;
	case OPT_NGINX_CONF:
		c->nginx_conf = arg;
		return true;
	case OPT_CONFIG:
		c->config = arg;
		return true;
	case OPT_RULES:
		return push_arg(&c->rules, &c->nrules, arg);
	case OPT_SINK:
		return push_arg(&c->sinks, &c->nsinks, arg);
	case OPT_DB:
		c->db = arg;
		return true;
	case OPT_LANG:
		c->lang = arg; /* messages were set up before parsing */
		return true;
	case OPT_NO_DEFAULT_RULES:
		c->no_default_rules = true;
		return true;
	case OPT_LIST_RULES:
		c->list_rules = true;
		return true;
	case OPT_FOLLOW:
		c->follow = true;
		return true;
	case OPT_FROM_START:
		c->from_start = true;
		return true;
	case 'q':
		c->quiet = true;
		return true;
	default:
		return logs_value_option(c, opt, arg);
	}
}

/* The shipped rules: $LEAKGUARD_RULES_DIR, else the installed folder,
 * else the source tree's (running from a build). */
static const char *default_rules_dir(void)
{
	const char *env = getenv("LEAKGUARD_RULES_DIR");
	struct stat st;
	if (env && *env)
		return env;
	if (stat(LG_RULES_DIR, &st) == 0)
		return LG_RULES_DIR;
	return LG_SOURCE_RULES_DIR;
}

static lg_ruleset *load_rules(const logs_cli *c)
{
	char err[512];
	lg_ruleset *rs = lg_ruleset_new();
	if (!rs) {
		cli_error(_("out of memory"));
		return NULL;
	}
	if (!c->no_default_rules &&
	    lg_ruleset_load(rs, default_rules_dir(), err, sizeof(err)) !=
		LG_OK) {
		cli_error(_("cannot load the shipped rules: %s"), err);
		lg_ruleset_free(rs);
		return NULL;
	}
	for (size_t i = 0; i < c->nrules; i++) {
		if (lg_ruleset_load(rs, c->rules[i], err, sizeof(err)) !=
		    LG_OK) {
			cli_error(_("cannot load rules: %s"), err);
			lg_ruleset_free(rs);
			return NULL;
		}
	}
	if (lg_ruleset_count(rs) == 0) {
		cli_error(_("no rules to run (see --rules)"));
		lg_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

static void list_rules(const lg_ruleset *rs)
{
	lg_rule_info r;
	for (size_t i = 0; lg_ruleset_rule(rs, i, &r); i++) {
		const char *base = strrchr(r.file, '/');
		printf("%-22s %-9s %-12s %s (%s:%d)\n", r.id,
		       lg_severity_name(r.severity),
		       r.correlation ? "correlation" : "detection", r.title,
		       base ? base + 1 : r.file, r.line);
	}
}

/* The machine's UTC offset now, minutes east: syslog times carry none. */
static int local_offset_min(void)
{
	time_t now = time(NULL);
	struct tm tm;
	return localtime_r(&now, &tm) ? (int)(tm.tm_gmtoff / 60) : 0;
}

/* --log-format and --nginx-conf into the engine's options; *nginx_fmt is
 * the malloc'd log_format string to free. */
static bool input_format(const logs_cli *c, lg_logs_options *o,
			 char **nginx_fmt)
{
	*nginx_fmt = NULL;
	o->parser.local_tz_min = local_offset_min();
	o->parser.syslog_year = c->syslog_year;
	if (c->nginx_conf) {
		char err[512];
		const char *name = c->log_format ? c->log_format : "combined";
		if (lg_nginx_log_format(c->nginx_conf, name, nginx_fmt, err,
					sizeof(err)) != LG_OK) {
			cli_error("%s", err);
			return false;
		}
		o->format = LG_LOG_NGINX;
		o->parser.nginx_format = *nginx_fmt;
		return true;
	}
	if (c->log_format && !lg_log_format_parse(c->log_format, &o->format)) {
		cli_error(_("unknown log format '%s' (combined, common, ltsv, "
			    "json, cloudfront, alb, s3, postfix; or a "
			    "log_format name with --nginx-conf)"),
			  c->log_format);
		return false;
	}
	return true;
}

typedef struct logs_out {
	const logs_cli *cli;
	FILE *out;
	bool color;
	uint64_t written, failing;
	bool first;
	bool errors;
	lg_sink **sinks;
	bool *chat; /* a chat sink: one message per alert, when it opens */
	bool ja;    /* messages in Japanese: rules' Japanese titles too */
} logs_out;

/* Chat rooms get an alert once; files, syslog and webhooks every record. */
static bool is_chat(const char *spec)
{
	return !strncmp(spec, "slack:", 6) || !strncmp(spec, "teams:", 6) ||
	       !strncmp(spec, "chatwork:", 9);
}

static void to_sinks(const logs_out *w, const lg_alert *a)
{
	for (size_t i = 0; i < w->cli->nsinks; i++) {
		if (w->chat[i] && a->state && strcmp(a->state, "open"))
			continue;
		lg_sink_send(w->sinks[i], a);
	}
}

static const char *sink_lang(const logs_cli *c)
{
	const char *l = c->lang ? c->lang : getenv("LANGUAGE");
	if (!l || !*l)
		l = getenv("LC_ALL");
	if (!l || !*l)
		l = getenv("LANG");
	return l;
}

static bool open_sinks(logs_out *w)
{
	const logs_cli *c = w->cli;
	w->sinks = calloc(c->nsinks + 1, sizeof(*w->sinks));
	w->chat = calloc(c->nsinks + 1, sizeof(*w->chat));
	if (!w->sinks || !w->chat)
		return false;
	for (size_t i = 0; i < c->nsinks; i++) {
		char err[512];
		w->sinks[i] =
		    lg_sink_new(c->sinks[i], sink_lang(c), err, sizeof(err));
		if (!w->sinks[i]) {
			cli_error(_("cannot use the sink: %s"), err);
			return false;
		}
		w->chat[i] = is_chat(c->sinks[i]);
	}
	return true;
}

static void close_sinks(logs_out *w)
{
	for (size_t i = 0; w->sinks && i < w->cli->nsinks; i++)
		lg_sink_close(w->sinks[i], 10000);
	free(w->sinks);
	free(w->chat);
	w->sinks = NULL;
	w->chat = NULL;
}

static int on_alert(const lg_alert *a, void *ud)
{
	logs_out *w = ud;
	/* people read the text and the chat messages in their language;
	 * JSON keeps the English title (and title_ja beside it) */
	lg_alert ja_view = *a;
	if (w->ja && a->title_ja)
		ja_view.title = a->title_ja;
	const lg_alert *shown = &ja_view;
	if (a->severity < w->cli->min_severity)
		return 0;
	if (w->cli->fail_on >= 0 && (int)a->severity >= w->cli->fail_on &&
	    (!a->state || strcmp(a->state, "open")))
		w->failing++;
	w->written++;
	to_sinks(w, shown);
	if (w->cli->format == LG_FMT_TEXT) {
		lg_alert_print_text(w->out, shown, w->color);
		if (w->cli->follow)
			fflush(w->out);
		return 0;
	}
	json_t *j = lg_alert_json(a);
	if (!j)
		return 1;
	if (w->cli->format == LG_FMT_JSON)
		fputs(w->first ? "\n" : ",\n", w->out);
	w->first = false;
	json_dumpf(j, w->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (w->cli->format == LG_FMT_JSONL)
		fputc('\n', w->out);
	json_decref(j);
	if (w->cli->follow)
		fflush(w->out); /* someone is reading it live */
	return 0;
}

static void on_error(const char *source, const char *reason, void *ud)
{
	logs_out *w = ud;
	w->errors = true;
	cli_error("%s: %s", source, reason);
}

static volatile int stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* --follow: the store, and SIGINT/SIGTERM as a clean stop (the last
 * positions and alerts committed, the summary printed). */
static lg_status run_follow(const logs_cli *c, const char *const *paths,
			    size_t n, const lg_logs_options *o,
			    lg_logs_summary *sum, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-")) {
			snprintf(err, errlen,
				 "--follow reads files, not standard input");
			return LG_EINVAL;
		}
	}
	lg_store *st = NULL;
	lg_status rc = lg_store_open(c->db, &st, err, errlen);
	if (rc != LG_OK)
		return rc;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	lg_follow_options f = {st, c->from_start, 0, c->idle_exit,
			       &stop_requested};
	rc = lg_logs_follow(paths, n, o, &f, sum, err, errlen);
	lg_store_close(st);
	return rc;
}

static void write_summary(const logs_out *w, const lg_logs_summary *sum)
{
	if (w->cli->format == LG_FMT_JSON) {
		fputs("\n],\"summary\":", w->out);
		json_t *j = lg_logs_summary_json(sum);
		if (j)
			json_dumpf(j, w->out,
				   JSON_COMPACT | JSON_PRESERVE_ORDER |
				       JSON_REAL_PRECISION(4));
		json_decref(j);
		fputs("}\n", w->out);
	} else if (w->cli->format == LG_FMT_TEXT && !w->cli->quiet) {
		lg_logs_summary_print_text(w->out, sum);
	}
	if (w->cli->format != LG_FMT_TEXT && !w->cli->quiet &&
	    isatty(STDERR_FILENO)) {
		lg_logs_summary_print_text(stderr, sum);
	} else if (w->cli->format == LG_FMT_JSONL && sum->unparsed) {
		/* JSON lines carry alerts only: lines that did not parse
		 * must not go unsaid (a cron job's stderr is mailed) */
		const lg_unparsed_sample *x = &sum->samples[0];
		cli_error(_("%llu lines did not parse; the first: %s:%llu: %s"),
			  (unsigned long long)sum->unparsed, x->source,
			  (unsigned long long)x->line, x->reason);
	}
}

/* The run itself, its output opened: alerts to it and to the sinks, the
 * summary at the end. The exit status. */
static int run_to(const logs_cli *c, const char *const *paths, size_t n,
		  lg_logs_options *o, const lg_site *site, const lg_ruleset *rs)
{
	char err[512];
	FILE *f = cli_open_output(c->output);
	if (!f) {
		cli_error(_("cannot write %s: %s"), c->output, strerror(errno));
		return 2;
	}
	logs_out w = {.cli = c,
		      .out = f,
		      .color = c->color == 1 ||
			       (c->color == -1 && isatty(fileno(f))),
		      .first = true,
		      /* the catalogue in use translates this word */
		      .ja = strcmp(_("critical"), "critical") != 0};
	if (!open_sinks(&w)) {
		close_sinks(&w);
		if (f != stdout)
			fclose(f);
		return 2;
	}
	o->parser.json_map = lg_site_json_map(site);
	/* syslog times are local: the site's zone, else this machine's */
	lg_site_timezone(site, &o->parser.local_tz_min);
	o->site = site;
	o->rules = rs;
	o->merge_window_us = c->merge_window_us;
	o->max_groups = c->max_groups;
	o->on_alert = on_alert;
	o->on_error = on_error;
	o->ud = &w;
	if (c->format == LG_FMT_JSON)
		fputs("{\"alerts\":[", f);
	lg_logs_summary sum;
	lg_status st = c->follow
			   ? run_follow(c, paths, n, o, &sum, err, sizeof(err))
			   : lg_logs_run(paths, n, o, &sum, err, sizeof(err));
	close_sinks(&w);
	write_summary(&w, &sum);
	bool write_err = fflush(f) != 0 || ferror(f);
	if (f != stdout && fclose(f) != 0)
		write_err = true;
	if (st != LG_OK)
		cli_error(_("logs failed: %s"), err);
	if (write_err)
		cli_error(_("cannot write the output: %s"), strerror(errno));
	return st != LG_OK || write_err || w.errors ? 2 : w.failing ? 1 : 0;
}

static int run_logs(const logs_cli *c, const char *const *paths, size_t n)
{
	char err[512], *nginx_fmt = NULL;
	lg_site *site = NULL;
	lg_ruleset *rs = NULL;
	lg_logs_options o = {0};
	int rc = 2;
	if (!input_format(c, &o, &nginx_fmt))
		goto out;
	if (lg_site_load(c->config, &site, err, sizeof(err)) != LG_OK) {
		cli_error(_("cannot load the site configuration: %s"), err);
		goto out;
	}
	if (!(rs = load_rules(c)))
		goto out;
	if (c->list_rules) {
		list_rules(rs);
		rc = 0;
		goto out;
	}
	rc = run_to(c, paths, n, &o, site, rs);
out:
	lg_ruleset_free(rs);
	lg_site_free(site);
	free(nginx_fmt);
	return rc;
}

int cmd_logs(int argc, char **argv)
{
	logs_cli c = {.format = LG_FMT_TEXT,
		      .fail_on = LG_SEV_LOW,
		      .min_severity = LG_SEV_LOW,
		      .color = -1};
	const char *arg;
	int opt, rc = 2;
	optind = 1;
	while ((opt = cli_getopt(argc, argv, logs_options, &arg)) != -1) {
		if (opt == 'h') {
			cli_usage(stdout, logs_synopsis, logs_summary,
				  logs_options);
			free(c.rules);
			free(c.sinks);
			return 0;
		}
		if (opt == '?' || !logs_option(&c, opt, arg)) {
			fprintf(stderr, _("Try 'leakguard logs --help'.\n"));
			free(c.rules);
			free(c.sinks);
			return 2;
		}
	}
	if (optind >= argc && !c.list_rules) {
		cli_error(_("logs needs a FILE (or - for standard input)"));
		fprintf(stderr, _("Try 'leakguard logs --help'.\n"));
	} else {
		rc = run_logs(&c, (const char *const *)argv + optind,
			      (size_t)(argc - optind));
	}
	free(c.rules);
	free(c.sinks);
	return rc;
}
