/* pdf.c: the text of PDF files through poppler (the extractor behind
 * pdftotext), page by page; a page is a member ("invoice.pdf!/page-3"), so
 * a finding says where it is. A password-protected PDF is said to be one,
 * not passed over. */
#include <dlfcn.h>
#include <errno.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libintl.h>

#include "scan_int.h"

#define _(s) dgettext("leakguard", s)

bool scan_is_pdf(const uint8_t *p, size_t n)
{
	return n >= 5 && !memcmp(p, "%PDF-", 5);
}

/* poppler-glib is opened at the first PDF (LG_POPPLER_SONAME, from the
 * build): linked, it and the cairo, NSS and image libraries it needs cost
 * every run ~10 ms of start-up, also the runs that meet no PDF. */
static struct poppler_api {
	__typeof__(poppler_document_new_from_fd) *new_from_fd;
	__typeof__(poppler_document_new_from_bytes) *new_from_bytes;
	__typeof__(poppler_document_get_n_pages) *get_n_pages;
	__typeof__(poppler_document_get_page) *get_page;
	__typeof__(poppler_page_get_text) *page_get_text;
	__typeof__(poppler_error_quark) *error_quark;
} pop;
static pthread_once_t pop_once = PTHREAD_ONCE_INIT;
static char pop_error[256];

/* dlsym's void * to a function pointer, without the cast C forbids. */
static bool pop_sym(void *lib, const char *name, void *fn_ptr)
{
	void *f = dlsym(lib, name);
	memcpy(fn_ptr, &f, sizeof(f));
	if (!f)
		snprintf(pop_error, sizeof(pop_error), "%s: %s",
			 LG_POPPLER_SONAME, name);
	return f != NULL;
}

static void pop_load(void)
{
	void *lib = dlopen(LG_POPPLER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(pop_error, sizeof(pop_error), "%s", dlerror());
		return;
	}
	bool ok =
	    pop_sym(lib, "poppler_document_new_from_fd", &pop.new_from_fd) &&
	    pop_sym(lib, "poppler_document_new_from_bytes",
		    &pop.new_from_bytes) &&
	    pop_sym(lib, "poppler_document_get_n_pages", &pop.get_n_pages) &&
	    pop_sym(lib, "poppler_document_get_page", &pop.get_page) &&
	    pop_sym(lib, "poppler_page_get_text", &pop.page_get_text) &&
	    pop_sym(lib, "poppler_error_quark", &pop.error_quark);
	if (!ok)
		pop.new_from_fd = NULL; /* the mark of a failed load */
}

static void scan_pages(scan_worker *w, scan_job *j, PopplerDocument *doc,
		       const char *name)
{
	int n = pop.get_n_pages(doc);
	for (int i = 0; i < n && !seq_stopped(w->seq); i++) {
		PopplerPage *page = pop.get_page(doc, i);
		char *text = page ? pop.page_get_text(page) : NULL;
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
			doc = pop.new_from_fd(own, NULL, &err);
	} else {
		GBytes *b = g_bytes_new_static(p, n);
		doc = pop.new_from_bytes(b, NULL, &err);
		g_bytes_unref(b);
	}
	if (!doc) {
		bool locked = err && err->domain == pop.error_quark() &&
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
	pthread_once(&pop_once, pop_load);
	if (!pop.new_from_fd) {
		char msg[400];
		snprintf(msg, sizeof(msg), _("PDF not read: cannot load %s"),
			 pop_error);
		scan_report(w, j, true, 0, msg);
		return;
	}
	PopplerDocument *doc = open_doc(w, j, fd, p, n);
	if (!doc)
		return;
	scan_pages(w, j, doc, w->member ? w->member : j->path);
	g_object_unref(doc);
}
