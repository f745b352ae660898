/* cmd_audit_link.c: `leakguard audit link URL...`: the check before an ad
 * or a mail carries a share link: is it one file, does it expire within
 * the policy, and, when it can be reached, what it exposes to anyone. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "leakguard/audit.h"
#include "leakguard/detect.h"

enum {
	OPT_OFFLINE = 1000,
	OPT_MAX_EXPIRY,
	OPT_NOW,
	OPT_MAX_FILES,
	OPT_MAX_BYTES
};

static const cli_option link_options[] = {
    {"offline", OPT_OFFLINE, NULL,
     N_("judge by the URL's shape alone; fetch nothing")},
    {"max-expiry", OPT_MAX_EXPIRY, "DURATION",
     N_("longest a signed link may still be valid: 30m, 12h, 7d (default)")},
    {"now", OPT_NOW, "TIME",
     N_("judge expiry as at this UTC time (ISO 8601), not the clock")},
    {"max-files", OPT_MAX_FILES, "N",
     N_("files of a listing fetched and scanned (default 100)")},
    {"max-bytes", OPT_MAX_BYTES, "SIZE",
     N_("bytes fetched per link in all: 64M (default), 1G, 500k")},
    AUDIT_COMMON_OPTIONS,
    CLI_OPT_END};

typedef struct link_cli {
	bool offline;
	lg_link_policy policy;
	lg_link_probe_options probe;
} link_cli;

static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = 1;
	if (end == s || errno)
		return false;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1024;
		break;
	case 'm':
	case 'M':
		mul = 1024 * 1024;
		break;
	case 'g':
	case 'G':
		mul = 1024 * 1024 * 1024;
		break;
	default:
		return false;
	}
	if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
		return false;
	if (!v || v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

/* 1 taken, -1 wrong (reported), 0 not one of ours */
static int link_option(link_cli *c, int opt, const char *arg)
{
	uint64_t n;
	switch (opt) {
	case OPT_OFFLINE:
		c->offline = true;
		return 1;
	case OPT_MAX_EXPIRY:
		if (lg_duration_parse(arg, &c->policy.max_expiry))
			return 1;
		cli_error(_("--max-expiry takes a duration such as 30m, 12h "
			    "or 7d, not '%s'"),
			  arg);
		return -1;
	case OPT_NOW:
		if (lg_utc_parse(arg, &c->policy.now))
			return 1;
		cli_error(_("--now takes an ISO 8601 UTC time such as "
			    "2024-05-01T09:00:00Z, not '%s'"),
			  arg);
		return -1;
	case OPT_MAX_FILES:
		if (parse_size(arg, &n) && n <= 1000000) {
			c->probe.max_files = (size_t)n;
			return 1;
		}
		cli_error(_("--max-files takes a number from 1 to 1000000, "
			    "not '%s'"),
			  arg);
		return -1;
	case OPT_MAX_BYTES:
		if (parse_size(arg, &c->probe.max_bytes))
			return 1;
		cli_error(_("--max-bytes takes a size such as 64M, not '%s'"),
			  arg);
		return -1;
	default:
		return 0;
	}
}

/* One link: its shape's checks, then (online) what it exposes. False
 * when it could not be judged (reported). */
static bool audit_one(const link_cli *c, audit_out *o, const char *url)
{
	lg_link_info li;
	o->targets++;
	if (lg_link_classify(url, &li) != LG_OK) {
		cli_error(_("%s: not an http(s) URL"), url);
		return false;
	}
	if (lg_link_check_shape(url, &li, &c->policy, audit_on_check, o))
		return true;
	if (c->offline)
		return true;
	char err[300];
	lg_status st = lg_link_probe(url, &li, &c->probe, audit_on_check, o,
				     err, sizeof(err));
	if (st == LG_OK)
		return true;
	char *shown = lg_link_redact(url);
	cli_error(_("%s: cannot fetch: %s"), shown ? shown : url, err);
	free(shown);
	return false;
}

/* "-": one URL a line from standard input ('#' comments). */
static bool audit_stdin(const link_cli *c, audit_out *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool ok = true;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
			     line[n - 1] == ' '))
			line[--n] = '\0';
		char *u = line + strspn(line, " \t");
		if (*u && *u != '#')
			ok &= audit_one(c, o, u);
	}
	free(line);
	return ok;
}

static int link_usage(FILE *f)
{
	cli_usage(f, "leakguard audit link [options] URL... | -",
		  _("Checks that share links are single files that expire "
		    "within the policy (Google Drive, Dropbox, SharePoint, "
		    "OneDrive, Box, S3, GCS, Azure Blob) and, unless "
		    "--offline, fetches each link signed out: a directory "
		    "listing is walked and its files scanned for personal "
		    "data. '-' reads URLs from standard input, one a line."),
		  link_options);
	return f == stdout ? 0 : 2;
}

int cmd_audit_link(int argc, char **argv)
{
	audit_out o;
	link_cli c = {.policy = {(int64_t)time(NULL), 7 * 86400}};
	const char *arg;
	int opt;
	audit_out_init(&o);
	optind = 1;
	while ((opt = cli_getopt(argc, argv, link_options, &arg)) != -1) {
		if (opt == 'h')
			return link_usage(stdout);
		int r = audit_common_option(&o, opt, arg);
		if (!r)
			r = link_option(&c, opt, arg);
		if (r <= 0)
			return r < 0 ? 2 : link_usage(stderr);
	}
	if (optind >= argc) {
		cli_error(_("audit link needs at least one URL"));
		return link_usage(stderr);
	}
	lg_detector *det = NULL;
	if (!c.offline) {
		char err[512];
		lg_detect_config dc = {0.5, 0};
		if (!(det = lg_detector_new(&dc, err, sizeof(err)))) {
			cli_error(_("cannot build the detectors: %s"), err);
			return 2;
		}
		c.probe.detector = det;
	}
	if (!audit_out_open(&o)) {
		lg_detector_free(det);
		return 2;
	}
	bool ok = true;
	for (int i = optind; i < argc; i++)
		ok &= !strcmp(argv[i], "-") ? audit_stdin(&c, &o)
					    : audit_one(&c, &o, argv[i]);
	lg_detector_free(det);
	return audit_out_finish(&o, !ok);
}
