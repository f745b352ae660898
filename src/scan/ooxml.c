/* ooxml.c: the text of Office documents (docx, xlsx, pptx: OOXML; odt,
 * ods, odp: OpenDocument), which are zip archives of XML parts. The parts
 * that hold what the author wrote (the body, headers, footers, comments,
 * slides and their notes, a workbook's strings and cells, the author
 * names of docProps/core.xml) are read through expat as they stream out
 * of the archive: character data, with a newline after each paragraph,
 * table row or shared string and a tab after each cell, so a table in a
 * document reads as a table. Formulas and field codes are left out. The
 * other parts (styles, relationships, settings, media) hold no text and
 * are passed over. */
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"
#include "util/util.h"

static bool glob_part(const char *name, const char *prefix, const char *suffix)
{
	size_t np = strlen(prefix), ns = strlen(suffix), n = strlen(name);
	return n >= np + ns && !strncmp(name, prefix, np) &&
	       !strcmp(name + n - ns, suffix);
}

bool scan_office_text_part(const char *name, bool odf)
{
	/* content.xml and meta.xml are ODF's only inside an ODF file (one
	 * that named its mimetype first): elsewhere they are anybody's */
	if (odf && (!strcmp(name, "content.xml") || !strcmp(name, "meta.xml")))
		return true;
	static const char *const exact[] = {
	    "word/document.xml", "word/comments.xml",	 "word/footnotes.xml",
	    "word/endnotes.xml", "xl/sharedStrings.xml", "docProps/core.xml"};
	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(name, exact[i]))
			return true;
	return glob_part(name, "word/header", ".xml") ||
	       glob_part(name, "word/footer", ".xml") ||
	       glob_part(name, "ppt/slides/slide", ".xml") ||
	       glob_part(name, "ppt/notesSlides/notesSlide", ".xml") ||
	       glob_part(name, "xl/worksheets/sheet", ".xml");
}

bool scan_office_marker(const char *name)
{
	return !strcmp(name, "[Content_Types].xml") ||
	       !strcmp(name, "mimetype");
}

/* OOXML's own parts, wherever they stand in the archive (LibreOffice
 * writes [Content_Types].xml last, Word first). */
bool scan_office_structure(const char *name)
{
	static const char *const prefixes[] = {
	    "_rels/", "docProps/", "word/", "xl/", "ppt/", "customXml/"};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return scan_office_marker(name);
}

/* ---- XML to text -----------------------------------------------------------
 */
typedef struct xml_text {
	XML_Parser parser;
	scan_source *in; /* the part's bytes */
	lg_buf out;	 /* text; out.data[at..] not yet handed out */
	size_t at;
	unsigned skip;	  /* depth inside formulas, field codes, shared-index
			     values */
	bool cell_shared; /* the xlsx cell being read holds a string index */
	unsigned in_cell; /* depth of table cells: their paragraphs run on */
	unsigned repeat;  /* columns the cell being read stands for (ODF) */
	unsigned in_text; /* depth of elements whose character data is text
			     (the rest is indentation between shapes) */
	bool oom, done, bad;
	uint8_t buf[1u << 16];
} xml_text;

static void emit(xml_text *x, const char *s, size_t n)
{
	if (n && !x->oom && !lg_buf_append(&x->out, s, n))
		x->oom = true;
}

/* Drops the spaces (and, at a row's end, the tabs of empty cells) at the
 * end of the text not yet handed out: a row reads "a<TAB>b", as a CSV
 * export's would, so its header is found. */
static void trim_tail(xml_text *x, bool tabs)
{
	while (x->out.len > x->at &&
	       (x->out.data[x->out.len - 1] == ' ' ||
		(tabs && x->out.data[x->out.len - 1] == '\t')))
		x->out.len--;
}

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

/* Elements whose character data is what the author wrote. */
static bool text_element(const char *l)
{
	static const char *const names[] = {"t",	  "delText",
					    "v",	  "p",
					    "h",	  "span",
					    "creator",	  "lastModifiedBy",
					    "title",	  "initial-creator",
					    "a",	  "subject",
					    "description"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(l, names[i]))
			return true;
	return false;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **attrs)
{
	xml_text *x = ud;
	const char *l = local(name);
	x->in_text += text_element(l);
	if (!strcmp(l, "c")) { /* an xlsx cell: t="s" holds an index */
		x->cell_shared = false;
		for (size_t i = 0; attrs[i]; i += 2)
			if (!strcmp(attrs[i], "t") &&
			    !strcmp(attrs[i + 1], "s"))
				x->cell_shared = true;
	}
	if (!strcmp(l, "instrText") || !strcmp(l, "f") ||
	    (!strcmp(l, "v") && x->cell_shared) || x->skip)
		x->skip++;
	if (!strcmp(l, "tc") || !strcmp(l, "table-cell") ||
	    !strcmp(l, "covered-table-cell")) {
		x->in_cell++;
		x->repeat = 1; /* empty cells in a row: one element */
		for (size_t i = 0; attrs[i]; i += 2)
			if (!strcmp(local(attrs[i]), "number-columns-repeated"))
				x->repeat =
				    (unsigned)strtoul(attrs[i + 1], NULL, 10);
		if (x->repeat < 1 || x->repeat > 64)
			x->repeat = 1; /* 1024 empty cells to a row's end */
	}
	if (!strcmp(l, "tab") || !strcmp(l, "br"))
		emit(x, !strcmp(l, "br") && !x->in_cell ? "\n" : "\t", 1);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xml_text *x = ud;
	const char *l = local(name);
	if (text_element(l) && x->in_text)
		x->in_text--;
	if (x->skip) {
		x->skip--;
		return;
	}
	bool cell = !strcmp(l, "tc") || !strcmp(l, "table-cell") ||
		    !strcmp(l, "covered-table-cell");
	if (cell && x->in_cell)
		x->in_cell--;
	bool row =
	    !strcmp(l, "row") || !strcmp(l, "tr") || !strcmp(l, "table-row");
	if (row)
		trim_tail(x, true);
	if (!strcmp(l, "table") || !strcmp(l, "tbl")) {
		emit(x, "\n", 1); /* a blank line: the next table's header */
		return;
	}
	if ((!strcmp(l, "p") || !strcmp(l, "h")) && x->in_cell)
		emit(x, " ", 1); /* a cell's paragraphs stay in its row */
	else if (!strcmp(l, "p") || !strcmp(l, "h") || !strcmp(l, "row") ||
		 !strcmp(l, "tr") || !strcmp(l, "si") ||
		 !strcmp(l, "table-row") || !strcmp(l, "creator") ||
		 !strcmp(l, "lastModifiedBy") || !strcmp(l, "title") ||
		 !strcmp(l, "initial-creator"))
		emit(x, "\n", 1);
	else if (cell) {
		trim_tail(x, false);
		for (unsigned i = 0; i < x->repeat; i++)
			emit(x, "\t", 1);
		x->repeat = 1;
	} else if (!strcmp(l, "c"))
		emit(x, "\t", 1);
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int n)
{
	xml_text *x = ud;
	if (!x->skip && x->in_text && n > 0)
		emit(x, s, (size_t)n);
}

/* Pulls the part through expat until some text is ready. */
static void xml_fill(xml_text *x)
{
	while (x->out.len == x->at && !x->done && !x->oom) {
		lg_buf_reset(&x->out);
		x->at = 0;
		ssize_t n = x->in->read(x->in->ctx, x->buf, sizeof(x->buf));
		bool last = n <= 0;
		if (XML_Parse(x->parser, (const char *)x->buf,
			      n > 0 ? (int)n : 0, last) == XML_STATUS_ERROR) {
			x->bad = true; /* what was read stays read */
			x->done = true;
		}
		if (last)
			x->done = true;
	}
}

static ssize_t xml_read(void *ctx, uint8_t *out, size_t cap)
{
	xml_text *x = ctx;
	size_t got = 0;
	while (got < cap) {
		xml_fill(x);
		if (x->out.len == x->at)
			break;
		size_t k = x->out.len - x->at < cap - got ? x->out.len - x->at
							  : cap - got;
		memcpy(out + got, x->out.data + x->at, k);
		x->at += k;
		got += k;
	}
	return (ssize_t)got;
}

bool scan_office_part(scan_worker *w, scan_job *j, scan_source *in)
{
	xml_text *x = calloc(1, sizeof(*x));
	if (!x)
		return false;
	x->parser = XML_ParserCreate("UTF-8");
	if (!x->parser) {
		free(x);
		return false;
	}
	x->in = in;
	XML_SetUserData(x->parser, x);
	XML_SetElementHandler(x->parser, on_start, on_end);
	XML_SetCharacterDataHandler(x->parser, on_chars);
	scan_source src = {xml_read, x, NULL};
	scan_text(w, j, &src);
	bool ok = !x->bad && !x->oom;
	XML_ParserFree(x->parser);
	lg_buf_free(&x->out);
	free(x);
	return ok;
}
