/* fuzz_site.c: libFuzzer target over the site configuration (site.yaml):
 * whatever the file holds, loading it either fails with a message naming
 * a file (the configuration, or the session key file it names) or gives
 * a site whose derived fields work on an event. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakguard/logs.h"
#include "logs/logs_site.h"

static char dir[] = "/tmp/lgfuzzsite.XXXXXX";
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	/* the session key is made here, not in the user's home */
	setenv("XDG_DATA_HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/site.yaml", dir);
	return 0;
}

static lg_slice sl(const char *s)
{
	return (lg_slice){s, strlen(s)};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	char err[512];
	lg_site *site = NULL;
	if (lg_site_load(path, &site, err, sizeof(err)) != LG_OK) {
		if (site || !strchr(err, ':'))
			abort(); /* a failure says "FILE: reason" */
		return 0;
	}
	static lg_derive_buf b;
	lg_log_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.f[LG_FLD_C_IP] = sl("203.0.113.9");
	ev.f[LG_FLD_CS_URI_STEM] = sl("/mypage/orders/123");
	ev.f[LG_FLD_CS_URI_QUERY] = sl("/mypage/orders/123?gclid=x%2541");
	ev.f[LG_FLD_C_URI_QUERY] = sl("gclid=x%2541");
	ev.f[LG_FLD_CS_COOKIE] = sl("sid=abc; lang=ja");
	ev.f[LG_FLD_MAIL_FROM] = sl("a@corp.example.co.jp");
	ev.f[LG_FLD_MAIL_TO] = sl("b@example.com");
	ev.f[LG_FLD_S3_BUCKET] = sl("etl-share");
	ev.time_us = 1749861663000000LL;
	lg_logs_derive(site, &ev, &b);
	for (int i = LG_FLD_DERIVED; i < LG_FLD_COUNT; i++) {
		if (ev.f[i].p && ev.f[i].n > 8192)
			abort();
	}
	lg_site_free(site);
	return 0;
}
