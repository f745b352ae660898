/* curl.c: libcurl's loading and process-wide set-up, shared by the sinks
 * and the audits. */
#define LG_CURL_API_TABLE
#include "util/curl_api.h"

#include <stdio.h>

#ifndef LG_CURL_SONAME
#error "the build defines LG_CURL_SONAME (CMakeLists.txt)"
#endif

struct lg_curl_api lg_curl;

static bool curl_setup(char *err, size_t errlen)
{
	CURLcode rc = lg_curl.curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", lg_curl.curl_easy_strerror(rc));
	return rc == CURLE_OK;
}

LG_DL_LIB(curl_lib, LG_CURL_SONAME, LG_CURL_API, lg_curl, curl_setup);

const char *lg_curl_ready(void)
{
	return lg_dl_ready(&curl_lib);
}
