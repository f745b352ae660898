/* curl_api.h: libcurl, opened at its first use (util/dynlib.h says why).
 * Include this instead of <curl/curl.h>; call lg_curl_ready() first. */
#ifndef LG_UTIL_CURL_API_H
#define LG_UTIL_CURL_API_H

#include <curl/curl.h>

#include "util/dynlib.h"

#define LG_CURL_API(X)                                                         \
	X(curl_global_init)                                                    \
	X(curl_easy_init)                                                      \
	X(curl_easy_setopt)                                                    \
	X(curl_easy_perform)                                                   \
	X(curl_easy_getinfo)                                                   \
	X(curl_easy_cleanup)                                                   \
	X(curl_easy_strerror)                                                  \
	X(curl_free)                                                           \
	X(curl_getdate)                                                        \
	X(curl_slist_append)                                                   \
	X(curl_slist_free_all)                                                 \
	X(curl_multi_init)                                                     \
	X(curl_multi_add_handle)                                               \
	X(curl_multi_remove_handle)                                            \
	X(curl_multi_perform)                                                  \
	X(curl_multi_poll)                                                     \
	X(curl_multi_wakeup)                                                   \
	X(curl_multi_info_read)                                                \
	X(curl_multi_cleanup)                                                  \
	X(curl_url)                                                            \
	X(curl_url_set)                                                        \
	X(curl_url_get)                                                        \
	X(curl_url_strerror)                                                   \
	X(curl_url_cleanup)

struct lg_curl_api {
	LG_CURL_API(LG_DL_MEMBER)
};
extern struct lg_curl_api lg_curl;

/* Loads libcurl and runs its process-wide set-up, once (curl_global_init
 * is not thread-safe); never undone. NULL when ready, else why not. */
const char *lg_curl_ready(void);

#ifndef LG_CURL_API_TABLE /* curl.c fills the table by these names */
/* the calls as written against libcurl go through the table (curl.h's
 * pass-through macros for the variadic two are replaced) */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init	 (*lg_curl.curl_global_init)
#define curl_easy_init		 (*lg_curl.curl_easy_init)
#define curl_easy_setopt	 (*lg_curl.curl_easy_setopt)
#define curl_easy_perform	 (*lg_curl.curl_easy_perform)
#define curl_easy_getinfo	 (*lg_curl.curl_easy_getinfo)
#define curl_easy_cleanup	 (*lg_curl.curl_easy_cleanup)
#define curl_easy_strerror	 (*lg_curl.curl_easy_strerror)
#define curl_free		 (*lg_curl.curl_free)
#define curl_getdate		 (*lg_curl.curl_getdate)
#define curl_slist_append	 (*lg_curl.curl_slist_append)
#define curl_slist_free_all	 (*lg_curl.curl_slist_free_all)
#define curl_multi_init		 (*lg_curl.curl_multi_init)
#define curl_multi_add_handle	 (*lg_curl.curl_multi_add_handle)
#define curl_multi_remove_handle (*lg_curl.curl_multi_remove_handle)
#define curl_multi_perform	 (*lg_curl.curl_multi_perform)
#define curl_multi_poll		 (*lg_curl.curl_multi_poll)
#define curl_multi_wakeup	 (*lg_curl.curl_multi_wakeup)
#define curl_multi_info_read	 (*lg_curl.curl_multi_info_read)
#define curl_multi_cleanup	 (*lg_curl.curl_multi_cleanup)
#define curl_url		 (*lg_curl.curl_url)
#define curl_url_set		 (*lg_curl.curl_url_set)
#define curl_url_get		 (*lg_curl.curl_url_get)
#define curl_url_strerror	 (*lg_curl.curl_url_strerror)
#define curl_url_cleanup	 (*lg_curl.curl_url_cleanup)
#endif

#endif
