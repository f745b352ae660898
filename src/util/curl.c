/* curl.c: libcurl's process-wide set-up, shared by the sinks and the
 * audits. */
#include <curl/curl.h>
#include <pthread.h>

#include "util/util.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int lg_curl_ready(void)
{
	pthread_once(&curl_once, curl_init);
	return (int)curl_rc;
}
