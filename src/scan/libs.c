/* libs.c: the libraries scan opens at their first use (util/dynlib.h says
 * why): libarchive for containers and workbooks, GMime for mail, and the
 * GLib that GMime and poppler bring, for the calls made to it directly. */
#define LG_ARCHIVE_API_TABLE
#define LG_GMIME_API_TABLE
#define LG_GLIB_API_TABLE
#include "archive_api.h"
#include "glib_api.h"
#include "gmime_api.h"
#include "scan_int.h"

#include <stdio.h>

#if !defined(LG_ARCHIVE_SONAME) || !defined(LG_GOBJECT_SONAME)
#error "the build defines LG_ARCHIVE_SONAME, LG_GMIME_SONAME and \
LG_GOBJECT_SONAME (CMakeLists.txt)"
#endif

struct lg_archive_api lg_archive;
struct lg_gmime_api lg_gmime;
struct lg_glib_api lg_glib;

static bool gmime_setup(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	lg_gmime.g_mime_init();
	return true;
}

LG_DL_LIB(archive_lib, LG_ARCHIVE_SONAME, LG_ARCHIVE_API, lg_archive, NULL);
LG_DL_LIB(gmime_lib, LG_GMIME_SONAME, LG_GMIME_API, lg_gmime, gmime_setup);
LG_DL_LIB(glib_lib, LG_GOBJECT_SONAME, LG_GLIB_API, lg_glib, NULL);

const char *scan_archive_lib(void)
{
	return lg_dl_ready(&archive_lib);
}

const char *scan_glib_lib(void)
{
	return lg_dl_ready(&glib_lib);
}

const char *scan_gmime_lib(void)
{
	const char *why = scan_glib_lib();
	return why ? why : lg_dl_ready(&gmime_lib);
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
