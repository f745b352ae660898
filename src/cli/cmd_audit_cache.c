/* cmd_audit_cache.c: `leakguard audit cache URL... --as NAME='Header:
 * value'...`: fetches each URL as each identity and anonymously, and
 * reports what a shared cache does with personal pages. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "leakguard/audit.h"
#include "leakguard/detect.h"

enum { OPT_AS = 1000, OPT_DECEPTION, OPT_NO_BUSTER, OPT_TIMEOUT };

static const cli_option cache_options[] = {
    {"as", OPT_AS, "NAME='HEADER: VALUE'",
     N_("fetch as identity NAME with this request header (a Cookie, an "
	"Authorization); repeat for more headers or identities; the first "
	"identity's page is the one looked for in the others'")},
    {"deception", OPT_DECEPTION, NULL,
     N_("also probe web cache deception (/page/x.css, /page;x.js, ...) as "
	"the first identity, then anonymously")},
    {"no-buster", OPT_NO_BUSTER, NULL,
     N_("fetch the URLs as given, without the cache-buster query parameter "
	"that keeps the probe away from real users' cache entries")},
    {"timeout", OPT_TIMEOUT, "SECONDS",
     N_("give up on a request after SECONDS (default 15)")},
    AUDIT_COMMON_OPTIONS,
    CLI_OPT_END};

static const char cache_synopsis[] =
    "leakguard audit cache [options] URL... --as NAME='HEADER: VALUE'...";
static const char cache_summary[] =
    N_("Fetches each URL twice as each identity, then twice anonymously, "
       "and reports responses to logged-in requests that a shared cache "
       "may store, cache hits on them, replayed Set-Cookie, and - the "
       "decisive check - one identity's personal data in what another or "
       "the anonymous visitor received. Only probe sites you are "
       "authorised to test.");

/* The identities as parsed from --as, each with its headers. */
typedef struct identities {
	lg_cache_identity id[LG_CACHE_MAX_IDENTITIES];
	const char **headers[LG_CACHE_MAX_IDENTITIES];
	size_t n;
} identities;

/* NAME=Header: value; false when it is not (reported). */
static bool add_identity(identities *ids, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t namelen = eq ? (size_t)(eq - arg) : 0;
	const char *colon = eq ? strchr(eq + 1, ':') : NULL;
	if (!namelen || !colon || colon == eq + 1 ||
	    strcspn(arg, ": \t") < namelen ||
	    (namelen == 9 && !strncmp(arg, "anonymous", 9))) {
		cli_error(_("--as takes NAME='Header: value' (a name other "
			    "than 'anonymous'), not '%s'"),
			  arg);
		return false;
	}
	size_t i = 0;
	while (i < ids->n && (strlen(ids->id[i].name) != namelen ||
			      strncmp(ids->id[i].name, arg, namelen)))
		i++;
	if (i == ids->n) {
		if (ids->n == LG_CACHE_MAX_IDENTITIES) {
			cli_error(_("at most %d identities"),
				  LG_CACHE_MAX_IDENTITIES);
			return false;
		}
		char *name = strndup(arg, namelen);
		if (!name) {
			cli_error(_("out of memory"));
			return false;
		}
		ids->id[ids->n++].name = name;
	}
	const char **h =
	    realloc(ids->headers[i], (ids->id[i].nheaders + 1) * sizeof(*h));
	if (!h) {
		cli_error(_("out of memory"));
		return false;
	}
	h[ids->id[i].nheaders++] = eq + 1;
	ids->headers[i] = h;
	ids->id[i].headers = h;
	return true;
}

static void identities_free(identities *ids)
{
	for (size_t i = 0; i < ids->n; i++) {
		free((char *)ids->id[i].name);
		free(ids->headers[i]);
	}
}

typedef struct cache_cli {
	audit_out out;
	identities ids;
	lg_cache_config cfg;
} cache_cli;

/* Parses argv into c; -1 to go on, else the exit status. */
static int parse(cache_cli *c, int argc, char **argv)
{
	const char *arg;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(argc, argv, cache_options, &arg)) != -1) {
		int taken = audit_common_option(&c->out, opt, arg);
		if (taken < 0)
			return 2;
		if (taken)
			continue;
		switch (opt) {
		case 'h':
			cli_usage(stdout, cache_synopsis, cache_summary,
				  cache_options);
			return 0;
		case OPT_AS:
			if (!add_identity(&c->ids, arg))
				return 2;
			break;
		case OPT_DECEPTION:
			c->cfg.deception = true;
			break;
		case OPT_NO_BUSTER:
			c->cfg.no_buster = true;
			break;
		case OPT_TIMEOUT: {
			char *end;
			double s = strtod(arg, &end);
			if (*end || !(s > 0 && s <= 600)) {
				cli_error(_("--timeout takes seconds (up to "
					    "600), not '%s'"),
					  arg);
				return 2;
			}
			c->cfg.timeout_ms = (long)(s * 1000);
			break;
		}
		default:
			fprintf(stderr,
				_("Try 'leakguard audit cache --help'.\n"));
			return 2;
		}
	}
	if (optind >= argc || !c->ids.n) {
		cli_error(optind >= argc
			      ? _("audit cache needs a URL")
			      : _("audit cache needs an identity: --as "
				  "NAME='Cookie: ...'"));
		fprintf(stderr, _("Try 'leakguard audit cache --help'.\n"));
		return 2;
	}
	return -1;
}

static int audit_urls(cache_cli *c, char **urls, size_t n)
{
	char err[256];
	lg_detect_config dc = {0};
	lg_detector *det = lg_detector_new(&dc, err, sizeof(err));
	if (!det) {
		cli_error(_("cannot build the detectors: %s"), err);
		return 2;
	}
	c->cfg.detector = det;
	c->cfg.identities = c->ids.id;
	c->cfg.nidentities = c->ids.n;
	if (!audit_out_open(&c->out)) {
		lg_detector_free(det);
		return 2;
	}
	bool errors = false;
	for (size_t i = 0; i < n && !c->out.oom; i++) {
		lg_status s = lg_cache_audit(&c->cfg, urls[i], audit_on_check,
					     &c->out, err, sizeof(err));
		if (s == LG_ENOMEM)
			c->out.oom = true;
		else if (s != LG_OK) {
			cli_error("%s: %s", urls[i], err);
			errors = true;
		} else {
			c->out.targets++;
		}
	}
	lg_detector_free(det);
	return audit_out_finish(&c->out, errors);
}

int cmd_audit_cache(int argc, char **argv)
{
	cache_cli c;
	memset(&c, 0, sizeof(c));
	audit_out_init(&c.out);
	int rc = parse(&c, argc, argv);
	if (rc < 0)
		rc = audit_urls(&c, argv + optind, (size_t)(argc - optind));
	identities_free(&c.ids);
	return rc;
}
