/* fuzz_nginx_conf.c: any bytes as an nginx configuration: the reader must
 * end, an error must name a line within the input, and what it reads must
 * survive the audit. Includes resolve against an empty folder and may not
 * leave it, so no input reaches a file of the machine. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakguard/audit.h"
#include "leakguard/nginxconf.h"

static char empty_dir[] = "/tmp/lgfuzz-ngx.XXXXXX";

static int count_check(const lg_check *c, void *ud)
{
	if (!c->id || !c->evidence || !c->why || !c->fix || !c->line)
		abort();
	(*(unsigned *)ud)++;
	return 0;
}

/* "(conf):LINE: ..." with LINE from 1 to the input's last line. */
static void check_error(const char *err, const uint8_t *data, size_t size)
{
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	unsigned line;
	if (sscanf(err, "(conf):%u:", &line) != 1 || line < 1 || line > lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		if (!mkdtemp(empty_dir))
			abort();
		ready = true;
	}
	lg_ngx_options o = {.include_root = empty_dir,
			    .confine_includes = true};
	lg_ngx_conf *conf;
	char err[512];
	lg_status st = lg_ngx_read_text((const char *)data, size, NULL, &o,
					&conf, err, sizeof(err));
	if (st == LG_EINVAL) {
		check_error(err, data, size);
		return 0;
	}
	if (st != LG_OK)
		return 0;
	for (const lg_ngx_directive *d = lg_ngx_first(conf); d; d = d->next) {
		char text[256];
		lg_ngx_format(d, text, sizeof(text));
	}
	unsigned n = 0;
	if (lg_audit_nginx(conf, NULL, count_check, &n) != LG_OK)
		abort();
	lg_ngx_free(conf);
	return 0;
}
