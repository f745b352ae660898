/* nginx_conf.c: finds a log_format in nginx.conf and the files it
 * includes (read by the nginxconf engine, as nginx reads them), so the
 * logs can be read with exactly the format that wrote them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/nginxconf.h"
#include "logs/logs_int.h"
#include "util/util.h"

static const char builtin_combined[] =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status "
    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

/* The first `log_format name ...` anywhere (http level, or wherever an
 * include put it), in the order nginx reads the files. */
static const lg_ngx_directive *find_format(const lg_ngx_directive *d,
					   const char *name)
{
	for (; d; d = d->next) {
		if (!strcmp(d->name, "log_format") && d->nargs >= 1 &&
		    !strcmp(d->args[0], name))
			return d;
		const lg_ngx_directive *in = find_format(d->children, name);
		if (in)
			return in;
	}
	return NULL;
}

/* log_format NAME [escape=default|json|none] PART...: the parts joined. */
static lg_status format_of(const lg_ngx_directive *d, char **format, char *err,
			   size_t errlen)
{
	size_t i = 1;
	const char *where = d->file ? d->file : "(conf)";
	if (i < d->nargs && !strncmp(d->args[i], "escape=", 7)) {
		const char *e = d->args[i] + 7;
		if (strcmp(e, "default") && strcmp(e, "json") &&
		    strcmp(e, "none")) {
			snprintf(err, errlen,
				 "%s:%u: log_format escape= must be default, "
				 "json or none",
				 where, d->line);
			return LG_EINVAL;
		}
		i++;
	}
	if (i >= d->nargs) {
		snprintf(err, errlen,
			 "%s:%u: log_format has a name but no format", where,
			 d->line);
		return LG_EINVAL;
	}
	lg_buf f = {0};
	for (; i < d->nargs; i++) {
		if (!lg_buf_puts(&f, d->args[i])) {
			lg_buf_free(&f);
			snprintf(err, errlen, "out of memory");
			return LG_ENOMEM;
		}
	}
	*format = f.data ? f.data : strdup("");
	if (!*format) {
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	return LG_OK;
}

static lg_status find_in(const lg_ngx_conf *conf, const char *name,
			 char **format, char *err, size_t errlen)
{
	const lg_ngx_directive *d = find_format(lg_ngx_first(conf), name);
	return d ? format_of(d, format, err, errlen) : LG_OK;
}

lg_status lg_nginx_conf_find(const char *text, size_t n, const char *path,
			     const char *name, char **format, char *err,
			     size_t errlen)
{
	*format = NULL;
	lg_ngx_conf *conf;
	lg_status st =
	    lg_ngx_read_text(text, n, path, NULL, &conf, err, errlen);
	if (st != LG_OK)
		return st;
	st = find_in(conf, name, format, err, errlen);
	lg_ngx_free(conf);
	return st;
}

lg_status lg_nginx_log_format(const char *conf_path, const char *name,
			      char **format, char *err, size_t errlen)
{
	*format = NULL;
	err[0] = '\0';
	lg_ngx_conf *conf;
	lg_status st = lg_ngx_read_file(conf_path, NULL, &conf, err, errlen);
	if (st != LG_OK)
		return st;
	st = find_in(conf, name, format, err, errlen);
	const char *missed = lg_ngx_missed_include(conf);
	if (st == LG_OK && !*format && !strcmp(name, "combined")) {
		*format = strdup(builtin_combined);
		if (!*format) {
			snprintf(err, errlen, "out of memory");
			st = LG_ENOMEM;
		}
	} else if (st == LG_OK && !*format) {
		/* a missing include may be where the format was */
		snprintf(err, errlen,
			 "%s: no log_format \"%s\" in it or its includes%s%s%s",
			 conf_path, name,
			 missed ? " (an include was not found: " : "",
			 missed ? missed : "", missed ? ")" : "");
		st = LG_EINVAL;
	}
	lg_ngx_free(conf);
	return st;
}
