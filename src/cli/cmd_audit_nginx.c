/* cmd_audit_nginx.c: `leakguard audit nginx FILE...`: reads each nginx
 * configuration with its includes and reports where it caches or lists
 * pages that show one user's data. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "leakguard/audit.h"
#include "leakguard/logs.h"
#include "leakguard/nginxconf.h"

enum { OPT_CONFIG = 1000, OPT_PRIVATE_PATH };

static const char nginx_synopsis[] = "leakguard audit nginx [options] FILE...";
static const char nginx_summary[] =
    N_("Reads an nginx configuration with its includes (relative to its "
       "folder, as nginx does) and reports, with file and line, why each "
       "finding leaks and the fix: caches on private paths that do not "
       "bypass the session cookie or Authorization, cached Set-Cookie, "
       "ignored Cache-Control, Expires or Vary, cache keys without the "
       "session, Cache-Control public on private paths, POST caching, "
       "FastCGI caches without a key, autoindex. Private paths come from "
       "--private-path or the site configuration; without either: /mypage, "
       "/member, /account, /cart, /checkout, /order, /api/me, /user, "
       "/profile.");

static const cli_option nginx_options[] = {
    {"config", OPT_CONFIG, "FILE",
     N_("the site configuration that logs reads (site.yaml): its "
	"private_paths and session_cookie")},
    {"private-path", OPT_PRIVATE_PATH, "PREFIX",
     N_("a path prefix whose pages show one user's data (repeatable; "
	"added to the site configuration's)")},
    AUDIT_COMMON_OPTIONS,
    CLI_OPT_END};

typedef struct nginx_cli {
	audit_out out;
	const char *config;
	const char **paths; /* --private-path, then the site's */
	size_t npaths;
} nginx_cli;

static bool push_path(nginx_cli *c, const char *p)
{
	const char **v = realloc(c->paths, (c->npaths + 2) * sizeof(*v));
	if (!v) {
		cli_error(_("out of memory"));
		return false;
	}
	c->paths = v;
	v[c->npaths++] = p;
	v[c->npaths] = NULL;
	return true;
}

/* One file: read, checked, its findings written. false on an error
 * (reported). */
static bool audit_file(nginx_cli *c, const char *path,
		       const lg_nginx_audit_options *o)
{
	char err[1024];
	lg_ngx_conf *conf;
	if (lg_ngx_read_file(path, NULL, &conf, err, sizeof(err)) != LG_OK) {
		cli_error("%s", err);
		return false;
	}
	const char *missed = lg_ngx_missed_include(conf);
	if (missed)
		cli_error(_("%s: include not found; what it holds is not "
			    "checked"),
			  missed);
	c->out.targets++;
	lg_status st = lg_audit_nginx(conf, o, audit_on_check, &c->out);
	lg_ngx_free(conf);
	if (st != LG_OK) {
		cli_error(_("out of memory"));
		return false;
	}
	return true;
}

static int run(nginx_cli *c, char **files, int nfiles)
{
	lg_site *site = NULL;
	lg_nginx_audit_options o = {0};
	if (c->config) {
		char err[512];
		if (lg_site_load(c->config, &site, err, sizeof(err)) != LG_OK) {
			cli_error(_("cannot load the site configuration: %s"),
				  err);
			return 2;
		}
		for (const char *const *p = lg_site_private_paths(site); *p;
		     p++) {
			if (!push_path(c, *p)) {
				lg_site_free(site);
				return 2;
			}
		}
		o.session_cookies = lg_site_session_cookies(site);
	}
	o.private_paths = c->npaths ? c->paths : NULL;
	bool errors = false;
	if (!audit_out_open(&c->out)) {
		lg_site_free(site);
		return 2;
	}
	for (int i = 0; i < nfiles; i++)
		errors |= !audit_file(c, files[i], &o);
	if (errors && !c->out.targets)
		c->out.quiet = true; /* no "no check failed" when none ran */
	int rc = audit_out_finish(&c->out, errors);
	lg_site_free(site);
	return rc;
}

int cmd_audit_nginx(int argc, char **argv)
{
	nginx_cli c = {0};
	audit_out_init(&c.out);
	const char *arg;
	int opt, rc = 2;
	optind = 1;
	while ((opt = cli_getopt(argc, argv, nginx_options, &arg)) != -1) {
		if (opt == 'h') {
			cli_usage(stdout, nginx_synopsis, nginx_summary,
				  nginx_options);
			free(c.paths);
			return 0;
		}
		int r = 0;
		if (opt == OPT_CONFIG) {
			c.config = arg;
			r = 1;
		} else if (opt == OPT_PRIVATE_PATH) {
			if (arg[0] != '/') {
				cli_error(_("--private-path takes a path "
					    "starting with /, not '%s'"),
					  arg);
				r = -1;
			} else {
				r = push_path(&c, arg) ? 1 : -1;
			}
		} else if (opt != '?') {
			r = audit_common_option(&c.out, opt, arg);
		}
		if (r != 1) {
			fprintf(stderr,
				_("Try 'leakguard audit nginx --help'.\n"));
			free(c.paths);
			return 2;
		}
	}
	if (optind >= argc) {
		cli_error(_("audit nginx needs an nginx configuration FILE"));
		fprintf(stderr, _("Try 'leakguard audit nginx --help'.\n"));
	} else {
		rc = run(&c, argv + optind, argc - optind);
	}
	free(c.paths);
	return rc;
}
