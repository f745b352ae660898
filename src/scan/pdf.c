/* pdf.c: the text of PDF files through poppler (the extractor behind
 * pdftotext), page by page; a page is a member ("invoice.pdf!/page-3"), so
 * a finding says where it is. A password-protected PDF is said to be one,
 * not passed over. */
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libintl.h>

#include "glib_api.h"
#include "scan_int.h"
#include "util/dynlib.h"

#define _(s) dgettext("leakguard", s)

bool scan_is_pdf(const uint8_t *p, size_t n)
{
	return n >= 5 && !memcmp(p, "%PDF-", 5);
}

/* poppler-glib is opened at the first PDF (util/dynlib.h): linked, it and
 * the cairo, NSS and image libraries it needs cost every run ~10 ms of
 * start-up, also the runs that meet no PDF. */
#define POPPLER_API(X)                                                         \
	X(poppler_document_new_from_fd)                                        \
	X(poppler_document_new_from_bytes)                                     \
	X(poppler_document_get_n_pages)                                        \
	X(poppler_document_get_page)                                           \
	X(poppler_page_get_text)                                               \
	X(poppler_error_quark)

static struct poppler_api {
	POPPLER_API(LG_DL_MEMBER)
} pop;
LG_DL_LIB(pop_lib, LG_POPPLER_SONAME, POPPLER_API, pop, NULL);

static void scan_pages(scan_worker *w, scan_job *j, PopplerDocument *doc,
		       const char *name)
{
	int n = pop.poppler_document_get_n_pages(doc);
	for (int i = 0; i < n && !seq_stopped(w->seq); i++) {
		PopplerPage *page = pop.poppler_document_get_page(doc, i);
		char *text = page ? pop.poppler_page_get_text(page) : NULL;
		char *display = g_strdup_printf("%s!/page-%d", name, i + 1);
		if (text && display)
			scan_buffer(w, j, display, (const uint8_t *)text,
				    strlen(text));
		g_free(display);
		g_free(text);
		if (page)
			g_object_unref(page);
	}
}

/* Opens the document (from fd, or from the bytes when fd < 0); reports
 * why not when it cannot. */
static PopplerDocument *open_doc(scan_worker *w, scan_job *j, int fd,
				 const uint8_t *p, size_t n)
{
	GError *err = NULL;
	PopplerDocument *doc = NULL;
	if (fd >= 0) {
		int own = dup(fd); /* poppler closes what it is given */
		if (own >= 0)
			doc = pop.poppler_document_new_from_fd(own, NULL, &err);
	} else {
		GBytes *b = g_bytes_new_static(p, n);
		doc = pop.poppler_document_new_from_bytes(b, NULL, &err);
		g_bytes_unref(b);
	}
	if (!doc) {
		bool locked = err && err->domain == pop.poppler_error_quark() &&
			      err->code == POPPLER_ERROR_ENCRYPTED;
		char msg[256];
		snprintf(msg, sizeof(msg), "%s",
			 locked ? _("encrypted PDF: not read")
				: _("not a readable PDF"));
		scan_report(w, j, !locked, 0, msg);
		if (locked)
			seq_count(w->seq, 0, 1, 0);
	}
	if (err)
		g_error_free(err);
	return doc;
}

void scan_pdf(scan_worker *w, scan_job *j, int fd, const uint8_t *p, size_t n)
{
	const char *why = scan_glib_lib();
	if (!scan_lib_loaded(w, j, why ? why : lg_dl_ready(&pop_lib), true,
			     _("PDF not read: cannot load %s")))
		return;
	PopplerDocument *doc = open_doc(w, j, fd, p, n);
	if (!doc)
		return;
	scan_pages(w, j, doc, w->member ? w->member : j->path);
	g_object_unref(doc);
}
