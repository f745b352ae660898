/* cmd_scan.c: `leakguard scan`: options in, library scan, records out. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "leakguard/detect.h"
#include "leakguard/output.h"
#include "leakguard/scan.h"
#include "util/util.h"

enum {
	OPT_REVEAL = 1000,
	OPT_TYPES,
	OPT_MIN_CONF,
	OPT_FAIL_ON,
	OPT_EXCLUDE,
	OPT_FOLLOW,
	OPT_ONE_FS,
	OPT_ENCODING,
	OPT_LANG,
	OPT_COLOR,
	OPT_LIST_TYPES
};

static const cli_option scan_options[] = {
    {"format", 'f', "FORMAT", N_("text (default), json, jsonl, csv or sarif")},
    {"output", 'o', "FILE",
     N_("write to FILE (created mode 0600) instead of stdout")},
    {"reveal", OPT_REVEAL, NULL,
     N_("include the unmasked value (masked by default)")},
    {"types", OPT_TYPES, "LIST",
     N_("only these types, comma-separated (see --list-types)")},
    {"min-confidence", OPT_MIN_CONF, "N",
     N_("report findings at or above N, 0-1 (default 0.5)")},
    {"fail-on", OPT_FAIL_ON, "LEVEL",
     N_("exit 1 only for findings at LEVEL or above: low (default), medium, "
	"high, none")},
    {"exclude", OPT_EXCLUDE, "GLOB",
     N_("skip files and folders matching GLOB (repeatable)")},
    {"follow-symlinks", OPT_FOLLOW, NULL,
     N_("follow symbolic links inside folders")},
    {"one-file-system", OPT_ONE_FS, NULL,
     N_("skip folders on other file systems (mounted shares, /proc)")},
    {"jobs", 'j', "N", N_("scan with N threads (default: number of cores)")},
    {"encoding", OPT_ENCODING, "NAME",
     N_("read input as NAME (e.g. CP932, EUC-JP) instead of detecting it")},
    {"lang", OPT_LANG, "LANG",
     N_("messages in ja or en (default: the locale)")},
    {"color", OPT_COLOR, "WHEN",
     N_("colour text output: auto (default), always, never")},
    {"quiet", 'q', NULL, N_("no summary and no progress")},
    {"list-types", OPT_LIST_TYPES, NULL,
     N_("list the types leakguard detects and exit")},
    {"help", 'h', NULL, N_("show this help")},
    CLI_OPT_END,
};

static const char scan_synopsis[] = "leakguard scan [options] PATH...|-";
static const char scan_summary[] =
    N_("Finds personal data (My Number, cards, bank accounts, phones, e-mail, "
       "addresses' postal codes, birth dates, IDs) and secrets in files, "
       "folders and standard input. Values are masked unless --reveal.");

typedef struct scan_cli {
	lg_format format;
	const char *output;
	bool reveal, quiet, list_types, follow, one_fs;
	double min_conf;
	int fail_on; /* lg_tier, or -1 for none */
	lg_type_mask types;
	const char **exclude;
	size_t nexclude;
	unsigned jobs;
	const char *encoding;
	int color; /* -1 auto, 0 never, 1 always */
} scan_cli;

typedef struct run_state {
	const scan_cli *cli;
	lg_writer *w;
	bool failed; /* a finding at or above --fail-on */
	bool write_err;
	lg_scan_progress progress;
	volatile bool done;
	bool progress_shown;
	lg_people *people; /* the text being read */
	uint64_t people_total;
	/* each type's id and description and each tier's name, and the
	 * lengths of the names, for the records: looked up once, not three
	 * calls a finding */
	const char *type_id[LG_TYPE_COUNT], *type_desc[LG_TYPE_COUNT];
	const char *tier_name[LG_TIER_HIGH + 1];
	size_t type_len[LG_TYPE_COUNT], tier_len[LG_TIER_HIGH + 1];
} run_state;

static bool parse_types(const char *list, lg_type_mask *out)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return false;
	*out = 0;
	for (char *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		lg_type ty;
		if (!lg_type_from_id(t, &ty)) {
			cli_error(_("unknown type '%s' (see --list-types)"), t);
			free(copy);
			return false;
		}
		*out |= 1u << ty;
	}
	free(copy);
	return *out != 0;
}

static bool parse_level(const char *s, int *out)
{
	static const char *const names[] = {"low", "medium", "high"};
	if (!strcmp(s, "none")) {
		*out = -1;
		return true;
	}
	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return true;
		}
	}
	return false;
}

static bool parse_number(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Applies one option; returns false (reported) on a bad value. */
static bool scan_option(scan_cli *c, int opt, const char *arg)
{
	double v;
	switch (opt) {
	case 'f':
		if (lg_format_parse(arg, &c->format))
			return true;
		cli_error(_("unknown format '%s'"), arg);
		return false;
	case 'o':
		c->output = arg;
		return true;
	case OPT_REVEAL:
		c->reveal = true;
		return true;
	case OPT_TYPES:
		return parse_types(arg, &c->types);
	case OPT_MIN_CONF:
		if (parse_number(arg, 0, 1, &c->min_conf))
			return true;
		cli_error(
		    _("--min-confidence takes a number from 0 to 1, not '%s'"),
		    arg);
		return false;
	case OPT_FAIL_ON:
		if (parse_level(arg, &c->fail_on))
			return true;
		cli_error(
		    _("--fail-on takes low, medium, high or none, not '%s'"),
		    arg);
		return false;
	case OPT_EXCLUDE: {
		const char **p =
		    realloc(c->exclude, (c->nexclude + 1) * sizeof(*p));
		if (!p)
			return false;
		c->exclude = p;
		c->exclude[c->nexclude++] = arg;
		return true;
	}
	case OPT_FOLLOW:
		c->follow = true;
		return true;
	case OPT_ONE_FS:
		c->one_fs = true;
		return true;
	case 'j':
		if (parse_number(arg, 1, 256, &v) && v == (unsigned)v) {
			c->jobs = (unsigned)v;
			return true;
		}
		cli_error(
		    _("--jobs takes a whole number from 1 to 256, not '%s'"),
		    arg);
		return false;
	case OPT_ENCODING:
		c->encoding = arg;
		return true;
	case OPT_LANG:
		return true; /* applied before parsing */
	case OPT_COLOR:
		c->color = !strcmp(arg, "always")  ? 1
			   : !strcmp(arg, "never") ? 0
						   : -1;
		if (c->color == -1 && strcmp(arg, "auto") != 0) {
			cli_error(
			    _("--color takes auto, always or never, not '%s'"),
			    arg);
			return false;
		}
		return true;
	case 'q':
		c->quiet = true;
		return true;
	case OPT_LIST_TYPES:
		c->list_types = true;
		return true;
	default:
		return false;
	}
}

/* ---- callbacks from the scan: records out, problems to stderr ----------- */
static int on_finding(const char *path, const lg_finding *f, void *ud)
{
	run_state *st = ud;
	lg_tier tier = lg_tier_of(f->confidence);
	lg_record r = {
	    .path = path,
	    .type = st->type_id[f->type],
	    .description = st->type_desc[f->type],
	    .confidence = f->confidence,
	    .tier = st->tier_name[tier],
	    .line = f->line,
	    .column = f->column,
	    .offset = f->offset,
	    .length = f->length,
	    .masked = f->masked,
	    .context = f->context,
	    .value = st->cli->reveal ? f->value : NULL,
	    .masked_len = f->masked_len,
	    .context_len = f->context_len,
	    .value_len = f->value_len,
	    .type_len = st->type_len[f->type],
	    .tier_len = st->tier_len[tier],
	};
	if (st->cli->fail_on >= 0 && (int)tier >= st->cli->fail_on)
		st->failed = true;
	if (!lg_people_add(st->people, f))
		cli_error(_("%s: out of memory counting people; the count is "
			    "low"),
			  path);
	if (lg_writer_record(st->w, &r) != LG_OK) {
		st->write_err = true;
		return 1; /* output is gone (EPIPE, disk full): stop */
	}
	return 0;
}

/* A text ended: its records line (rows with personal data, people). */
static void on_text_end(const char *path, bool tabular, void *ud)
{
	run_state *st = ud;
	lg_people_counts pc;
	lg_people_end(st->people, tabular, &pc);
	if (!pc.findings)
		return;
	st->people_total += pc.people;
	const char *ids[LG_TYPE_COUNT];
	for (int t = 0; t < LG_TYPE_COUNT; t++)
		ids[t] = lg_type_id((lg_type)t);
	lg_file_records r = {path,	    pc.rows, pc.people,	 pc.capped,
			     LG_TYPE_COUNT, ids,     pc.per_type};
	if (lg_writer_records(st->w, &r) != LG_OK)
		st->write_err = true;
}

static void clear_progress(run_state *st)
{
	if (st->progress_shown) {
		fputs("\r\033[K", stderr);
		st->progress_shown = false;
	}
}

static void on_error(const char *path, const char *msg, int errnum, void *ud)
{
	(void)errnum;
	clear_progress(ud);
	cli_error("%s: %s", path, msg);
}

static void on_notice(const char *path, const char *msg, void *ud)
{
	run_state *st = ud;
	if (st->cli->quiet)
		return;
	clear_progress(st);
	fprintf(stderr, _("leakguard: %s: note: %s\n"), path, msg);
}

/* Progress on stderr, only on a terminal and only after the first second. */
static void *progress_thread(void *ud)
{
	run_state *st = ud;
	double t0 = lg_now_seconds();
	while (!st->done) {
		usleep(200 * 1000);
		double dt = lg_now_seconds() - t0;
		if (st->done || dt < 1.0)
			continue;
		double mb = (double)st->progress.bytes / 1e6;
		fputs("\r\033[K", stderr);
		fprintf(stderr, _("scanning: %llu files, %.1f MB, %.1f MB/s"),
			(unsigned long long)st->progress.files, mb, mb / dt);
		st->progress_shown = true;
	}
	return NULL;
}

static void list_types(void)
{
	for (int t = 0; t < LG_TYPE_COUNT; t++)
		printf("%-22s %s\n", lg_type_id((lg_type)t),
		       lg_type_description((lg_type)t));
}

static int run_scan(const scan_cli *c, const char *const *paths, size_t n)
{
	char err[512];
	lg_detect_config dc = {c->min_conf, c->types};
	lg_detector *det = lg_detector_new(&dc, err, sizeof(err));
	if (!det) {
		cli_error(_("cannot build the detectors: %s"), err);
		return 2;
	}
	FILE *out = cli_open_output(c->output);
	if (!out) {
		cli_error(_("cannot write %s: %s"), c->output, strerror(errno));
		lg_detector_free(det);
		return 2;
	}
	bool tty_out = isatty(fileno(out));
	lg_writer_options wo = {c->color == 1 || (c->color == -1 && tty_out),
				LG_VERSION};
	run_state st = {.cli = c};
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		st.type_id[t] = lg_type_id((lg_type)t);
		st.type_desc[t] = lg_type_description((lg_type)t);
		st.type_len[t] = strlen(st.type_id[t]);
	}
	for (int t = LG_TIER_LOW; t <= LG_TIER_HIGH; t++) {
		st.tier_name[t] = lg_tier_name((lg_tier)t);
		st.tier_len[t] = strlen(st.tier_name[t]);
	}
	st.w = lg_writer_new(c->format, out, &wo);
	st.people = lg_people_new();
	lg_scan_options so = {det,	   c->jobs,	c->follow, c->exclude,
			      c->nexclude, c->encoding, c->one_fs};
	lg_scan_events ev = {on_finding, on_error, on_notice, on_text_end, &st};
	lg_scan_stats stats;
	pthread_t prog;
	bool show = !c->quiet && isatty(STDERR_FILENO);
	if (show && pthread_create(&prog, NULL, progress_thread, &st) != 0)
		show = false;
	double t0 = lg_now_seconds();
	lg_status rc = st.w && st.people ? lg_scan_paths(&so, paths, n, &ev,
							 &stats, &st.progress)
					 : LG_ENOMEM;
	st.done = true;
	if (show)
		pthread_join(prog, NULL);
	clear_progress(&st);
	const char *ids[LG_TYPE_COUNT];
	for (int t = 0; t < LG_TYPE_COUNT; t++)
		ids[t] = lg_type_id((lg_type)t);
	lg_summary sum = {
	    stats.files,    stats.skipped,	   stats.errors,  stats.bytes,
	    stats.findings, lg_now_seconds() - t0, LG_TYPE_COUNT, ids,
	    stats.per_type, st.people_total};
	bool text = c->format == LG_FMT_TEXT;
	if (st.w &&
	    lg_writer_finish(st.w, text && c->quiet ? NULL : &sum) != LG_OK)
		st.write_err = true;
	if (!text && !c->quiet && isatty(STDERR_FILENO))
		lg_summary_print_text(stderr, &sum);
	if (c->format == LG_FMT_SARIF && stats.findings > LG_SARIF_MAX_RESULTS)
		fprintf(stderr,
			_("leakguard: warning: the SARIF log holds the %d most "
			  "severe of %llu findings (GitHub code scanning "
			  "rejects more in a run); the jsonl format has them "
			  "all\n"),
			LG_SARIF_MAX_RESULTS,
			(unsigned long long)stats.findings);
	if (out != stdout && fclose(out) != 0)
		st.write_err = true;
	lg_detector_free(det);
	lg_people_free(st.people);
	if (rc != LG_OK)
		cli_error(_("scan failed: %s"), lg_status_str(rc));
	if (st.write_err)
		cli_error(_("cannot write the output: %s"), strerror(errno));
	if (rc != LG_OK || st.write_err || stats.errors > 0)
		return 2;
	return st.failed ? 1 : 0;
}

int cmd_scan(int argc, char **argv)
{
	scan_cli c = {.format = LG_FMT_TEXT, .min_conf = 0.5, .color = -1};
	const char *arg;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(argc, argv, scan_options, &arg)) != -1) {
		if (opt == 'h') {
			cli_usage(stdout, scan_synopsis, scan_summary,
				  scan_options);
			free(c.exclude);
			return 0;
		}
		if (opt == '?' || !scan_option(&c, opt, arg)) {
			fprintf(stderr, _("Try 'leakguard scan --help'.\n"));
			free(c.exclude);
			return 2;
		}
	}
	if (c.list_types) {
		list_types();
		free(c.exclude);
		return 0;
	}
	if (optind >= argc) {
		cli_error(_("scan needs a PATH (or - for standard input)"));
		fprintf(stderr, _("Try 'leakguard scan --help'.\n"));
		free(c.exclude);
		return 2;
	}
	int rc = run_scan(&c, (const char *const *)argv + optind,
			  (size_t)(argc - optind));
	free(c.exclude);
	return rc;
}
