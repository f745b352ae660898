/* libs.c: the libraries scan opens at their first use (util/dynlib.h says
 * why): libarchive for containers and workbooks, GMime for mail. */
#define LG_ARCHIVE_API_TABLE
#define LG_GMIME_API_TABLE
#include "archive_api.h"
#include "gmime_api.h"
#include "scan_int.h"

#include <stdio.h>

#ifndef LG_ARCHIVE_SONAME
#error                                                                         \
    "the build defines LG_ARCHIVE_SONAME and LG_GMIME_SONAME (CMakeLists.txt)"
#endif

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct lg_archive_api lg_archive;
struct lg_gmime_api lg_gmime;

static const char *const archive_names[] = {LG_ARCHIVE_API(LG_DL_NAME)};
static const char *const gmime_names[] = {LG_GMIME_API(LG_DL_NAME)};
_Static_assert(sizeof(lg_archive) == COUNT(archive_names) * sizeof(void *),
	       "one pointer per name");
_Static_assert(sizeof(lg_gmime) == COUNT(gmime_names) * sizeof(void *),
	       "one pointer per name");

static bool gmime_setup(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	lg_gmime.g_mime_init();
	return true;
}

static lg_dl_lib archive_lib = {
    .soname = LG_ARCHIVE_SONAME,
    .names = archive_names,
    .n = COUNT(archive_names),
    .table = &lg_archive,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};
static lg_dl_lib gmime_lib = {
    .soname = LG_GMIME_SONAME,
    .names = gmime_names,
    .n = COUNT(gmime_names),
    .table = &lg_gmime,
    .setup = gmime_setup,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

const char *scan_archive_lib(void)
{
	return lg_dl_ready(&archive_lib);
}

const char *scan_gmime_lib(void)
{
	return lg_dl_ready(&gmime_lib);
}

bool scan_lib_loaded(scan_worker *w, scan_job *j, const char *why, bool error,
		     const char *fmt)
{
	if (why) {
		char msg[400];
		snprintf(msg, sizeof(msg), fmt, why);
		scan_report(w, j, error, 0, msg);
	}
	return !why;
}
