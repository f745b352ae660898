/* kind.c: what a file that is not text is, told by its content (libmagic,
 * as file(1) tells it), so that the user reads "PDF: not read yet" or
 * "legacy Excel/Word file: not read yet" instead of a bare "binary file
 * skipped" — a document that may hold personal data is not silently
 * passed over. libmagic is opened at its first use (util/dynlib.h says
 * why): most runs meet no binary file. */
#include <magic.h>
#include <stdio.h>
#include <string.h>

#include <libintl.h>

#include "scan_int.h"
#include "util/dynlib.h"

#ifndef LG_MAGIC_SONAME
#error "the build defines LG_MAGIC_SONAME (CMakeLists.txt)"
#endif

#define _(s) dgettext("leakguard", s)

#define LG_MAGIC_API(X)                                                        \
	X(magic_open) X(magic_load) X(magic_buffer) X(magic_close)

static struct {
	LG_MAGIC_API(LG_DL_MEMBER)
} lg_magic;

LG_DL_LIB(magic_lib, LG_MAGIC_SONAME, LG_MAGIC_API, lg_magic, NULL);

/* The MIME type of buf, from the worker's own libmagic handle (handles
 * are not shared between threads); NULL when libmagic cannot tell, or
 * cannot be loaded. */
static const char *mime_of(scan_worker *w, const uint8_t *buf, size_t n)
{
	if (!w->magic && !w->magic_failed && !lg_dl_ready(&magic_lib)) {
		w->magic = lg_magic.magic_open(
		    MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
		    MAGIC_NO_CHECK_TAR | MAGIC_ERROR);
		if (w->magic && lg_magic.magic_load(w->magic, NULL) != 0) {
			lg_magic.magic_close(w->magic);
			w->magic = NULL;
		}
	}
	w->magic_failed = !w->magic;
	return w->magic ? lg_magic.magic_buffer(w->magic, buf, n) : NULL;
}

static bool prefixed(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

void scan_binary_notice(scan_worker *w, scan_job *j, const uint8_t *buf,
			size_t n)
{
	const char *mime = mime_of(w, buf, n);
	const char *what = NULL;
	if (!mime)
		what = NULL;
	else if (!strcmp(mime, "application/pdf"))
		what = _("PDF not read: PDFs are read when given as files, "
			 "archive members or mail parts starting with %PDF-");
	else if (!strcmp(mime, "application/vnd.ms-excel") ||
		 !strcmp(mime, "application/msword") ||
		 !strcmp(mime, "application/vnd.ms-powerpoint") ||
		 !strcmp(mime, "application/x-ole-storage") ||
		 !strcmp(mime, "application/CDFV2"))
		what = _("legacy Office file (.xls/.doc/.ppt): not read yet");
	else if (prefixed(mime, "image/") || prefixed(mime, "audio/") ||
		 prefixed(mime, "video/") || prefixed(mime, "font/"))
		what = _("image, sound or video: no text to read, skipped");
	if (what)
		scan_report(w, j, false, 0, what);
	else
		scan_report(w, j, false, 0, _("binary file skipped"));
}

void scan_kind_free(scan_worker *w)
{
	if (w->magic)
		lg_magic.magic_close(w->magic);
	w->magic = NULL;
}
