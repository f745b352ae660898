/* fuzz_ooxml.c: libFuzzer target over the Office readers (ooxml.c for
 * documents and parts, xlsx.c for workbook files). The fuzzer need not
 * find a zip: the input is written, with libarchive, into a real package
 * (docx, xlsx, pptx, odt or ods, as the first byte says) whose text part
 * holds the rest of the input, inside the part's usual root elements or
 * as the whole part; a workbook's input is split between its shared
 * strings and its sheet at the first NUL byte. Options (the second byte)
 * store or deflate, move [Content_Types].xml and the shared strings last
 * as LibreOffice writes them, add a second sheet, or put the package in
 * an outer zip (then read part by part, as an attachment is). The package
 * is scanned as a file; every reported path must name the file, and the
 * run must end. */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakguard/detect.h"
#include "leakguard/scan.h"
#include "scan_file.h"

#define CONTROL_BYTES 2 /* package kind, options */

enum { DOCX, XLSX, PPTX, ODT, ODS, NKINDS };

/* Options (the second byte). */
#define O_RAW	      0x01 /* the input is the whole part, no root element */
#define O_STORE	      0x02 /* members stored, not deflated */
#define O_TYPES_LAST  0x04 /* [Content_Types].xml last (LibreOffice) */
#define O_NESTED      0x08 /* the package inside an outer zip */
#define O_STRINGS_END 0x10 /* xlsx: sharedStrings.xml after the sheets */
#define O_TWO_SHEETS  0x20 /* xlsx: a second sheet with the same cells */
#define O_CORE	      0x40 /* docProps/core.xml names an author */

#define XML_DECL                                                               \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL                                                                 \
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_ODF "urn:oasis:names:tc:opendocument:xmlns:"

static const char content_types[] = XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\"><Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\""
    "/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

static const char root_rels[] =
    XML_DECL "<Relationships "
	     "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	     "relationships\"><Relationship Id=\"rId1\" "
	     "Type=\"" NS_REL "/officeDocument\" "
	     "Target=\"word/document.xml\"/></Relationships>";

static const char core[] =
    XML_DECL "<cp:coreProperties "
	     "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/"
	     "metadata/core-properties\" "
	     "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	     "<dc:title>顧客名簿</dc:title><dc:creator>山田 太郎</dc:creator>"
	     "<cp:lastModifiedBy>taro.yamada@example.jp</cp:lastModifiedBy>"
	     "</cp:coreProperties>";

static const char workbook[] =
    XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
	     "<sheet name=\"顧客\" sheetId=\"1\" r:id=\"rId1\"/>"
	     "<sheet name=\"名簿 (2)\" sheetId=\"2\" r:id=\"rId2\"/>"
	     "</sheets></workbook>";

static const char workbook_rels[] =
    XML_DECL "<Relationships "
	     "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	     "relationships\">"
	     "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" "
	     "Target=\"worksheets/sheet1.xml\"/>"
	     "<Relationship Id=\"rId2\" Type=\"" NS_REL "/worksheet\" "
	     "Target=\"/xl/worksheets/sheet2.xml\"/>"
	     "<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\" "
	     "Target=\"sharedStrings.xml\"/></Relationships>";

static const char odf_manifest[] =
    XML_DECL "<manifest:manifest xmlns:manifest=\"" NS_ODF
	     "manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry "
	     "manifest:full-path=\"/\" manifest:media-type=\"application/"
	     "vnd.oasis.opendocument.text\"/><manifest:file-entry "
	     "manifest:full-path=\"content.xml\" "
	     "manifest:media-type=\"text/xml\"/></manifest:manifest>";

/* The text part's root elements, around the input. */
typedef struct wrap {
	const char *open, *close;
} wrap;

static const wrap document = {
    XML_DECL "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
	     "wordprocessingml/2006/main\"><w:body>",
    "</w:body></w:document>"};
static const wrap shared_strings = {
    XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">",
    "</sst>"};
static const wrap sheet = {XML_DECL "<worksheet xmlns=\"" NS_MAIN
				    "\"><sheetData>",
			   "</sheetData></worksheet>"};
static const wrap slide = {
    XML_DECL "<p:sld xmlns:a=\"http://schemas.openxmlformats.org/drawingml/"
	     "2006/main\" xmlns:p=\"http://schemas.openxmlformats.org/"
	     "presentationml/2006/main\"><p:cSld><p:spTree>",
    "</p:spTree></p:cSld></p:sld>"};
static const wrap odt_content = {
    XML_DECL "<office:document-content xmlns:office=\"" NS_ODF
	     "office:1.0\" xmlns:text=\"" NS_ODF
	     "text:1.0\" xmlns:table=\"" NS_ODF
	     "table:1.0\" office:version=\"1.3\"><office:body><office:text>",
    "</office:text></office:body></office:document-content>"};
static const wrap ods_content = {
    XML_DECL "<office:document-content xmlns:office=\"" NS_ODF
	     "office:1.0\" xmlns:text=\"" NS_ODF
	     "text:1.0\" xmlns:table=\"" NS_ODF
	     "table:1.0\" office:version=\"1.3\"><office:body><office:"
	     "spreadsheet><table:table table:name=\"顧客\">",
    "</table:table></office:spreadsheet></office:body>"
    "</office:document-content>"};

/* A zip being written into memory. */
typedef struct zip {
	struct archive *a;
	uint8_t *buf;
	size_t cap, used;
	bool store;
} zip;

static void zip_open(zip *z, size_t cap, bool store)
{
	z->cap = cap;
	z->buf = malloc(cap);
	z->a = archive_write_new();
	z->store = store;
	if (!z->buf || !z->a ||
	    archive_write_set_format_zip(z->a) != ARCHIVE_OK ||
	    archive_write_open_memory(z->a, z->buf, z->cap, &z->used) !=
		ARCHIVE_OK)
		abort();
}

/* Adds a member made of up to three pieces (root open, input, close). */
static void zip_add(zip *z, const char *name, const void *p0, size_t n0,
		    const void *p1, size_t n1, const void *p2, size_t n2,
		    bool store)
{
	if (archive_write_zip_set_compression_store(z->a) != ARCHIVE_OK ||
	    (!store && !z->store &&
	     archive_write_zip_set_compression_deflate(z->a) != ARCHIVE_OK))
		abort();
	struct archive_entry *e = archive_entry_new();
	if (!e)
		abort();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, 1700000000, 0);
	archive_entry_set_size(e, (la_int64_t)(n0 + n1 + n2));
	if (archive_write_header(z->a, e) != ARCHIVE_OK ||
	    (n0 && archive_write_data(z->a, p0, n0) != (la_ssize_t)n0) ||
	    (n1 && archive_write_data(z->a, p1, n1) != (la_ssize_t)n1) ||
	    (n2 && archive_write_data(z->a, p2, n2) != (la_ssize_t)n2))
		abort();
	archive_entry_free(e);
}

static void zip_add_str(zip *z, const char *name, const char *s)
{
	zip_add(z, name, s, strlen(s), NULL, 0, NULL, 0, false);
}

/* A text part: the input inside its root elements, or alone when raw. */
static void zip_add_part(zip *z, const char *name, const wrap *w, bool raw,
			 const uint8_t *p, size_t n)
{
	if (raw)
		zip_add(z, name, p, n, NULL, 0, NULL, 0, false);
	else
		zip_add(z, name, w->open, strlen(w->open), p, n, w->close,
			strlen(w->close), false);
}

static void zip_close(zip *z)
{
	if (archive_write_close(z->a) != ARCHIVE_OK)
		abort();
	archive_write_free(z->a);
}

/* The package, as its kind's writers lay it out. */
static void build_package(zip *z, int kind, uint8_t opt, const uint8_t *p,
			  size_t n)
{
	bool raw = opt & O_RAW;
	if (kind == ODT || kind == ODS) {
		/* ODF: mimetype first and stored, so that it can be sniffed */
		const char *mt = kind == ODT
				     ? "application/vnd.oasis.opendocument.text"
				     : "application/"
				       "vnd.oasis.opendocument.spreadsheet";
		zip_add(z, "mimetype", mt, strlen(mt), NULL, 0, NULL, 0, true);
		zip_add_part(z, "content.xml",
			     kind == ODT ? &odt_content : &ods_content, raw, p,
			     n);
		if (opt & O_CORE)
			zip_add_part(z, "meta.xml", &odt_content, true, p, n);
		zip_add_str(z, "META-INF/manifest.xml", odf_manifest);
		return;
	}
	if (!(opt & O_TYPES_LAST))
		zip_add_str(z, "[Content_Types].xml", content_types);
	zip_add_str(z, "_rels/.rels", root_rels);
	if (opt & O_CORE)
		zip_add_str(z, "docProps/core.xml", core);
	if (kind == DOCX) {
		zip_add_part(z, "word/document.xml", &document, raw, p, n);
	} else if (kind == PPTX) {
		zip_add_part(z, "ppt/slides/slide1.xml", &slide, raw, p, n);
	} else {
		/* the shared strings up to the first NUL, the cells after */
		const uint8_t *nul = memchr(p, 0, n);
		size_t ns = nul ? (size_t)(nul - p) : 0;
		const uint8_t *cells = nul ? nul + 1 : p;
		size_t nc = n - ns - (nul != NULL);
		bool end = opt & O_STRINGS_END;
		zip_add_str(z, "xl/workbook.xml", workbook);
		zip_add_str(z, "xl/_rels/workbook.xml.rels", workbook_rels);
		if (!end)
			zip_add_part(z, "xl/sharedStrings.xml", &shared_strings,
				     raw, p, ns);
		zip_add_part(z, "xl/worksheets/sheet1.xml", &sheet, raw, cells,
			     nc);
		if (opt & O_TWO_SHEETS)
			zip_add_part(z, "xl/worksheets/sheet2.xml", &sheet, raw,
				     cells, nc);
		if (end)
			zip_add_part(z, "xl/sharedStrings.xml", &shared_strings,
				     raw, p, ns);
	}
	if (opt & O_TYPES_LAST)
		zip_add_str(z, "[Content_Types].xml", content_types);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CONTROL_BYTES)
		return 0;
	int kind = data[0] % NKINDS;
	uint8_t opt = data[1];
	const uint8_t *p = data + CONTROL_BYTES;
	size_t n = size - CONTROL_BYTES;

	/* the input at most three times, stored, and the fixed parts */
	size_t cap = 3 * n + (64u << 10);
	zip pkg;
	zip_open(&pkg, cap, opt & O_STORE);
	build_package(&pkg, kind, opt, p, n);
	zip_close(&pkg);
	const uint8_t *file = pkg.buf;
	size_t file_len = pkg.used;
	zip outer = {0};
	if (opt & O_NESTED) {
		static const char *const names[] = {"名簿.docx", "顧客.xlsx",
						    "説明会.pptx", "議事録.odt",
						    "一覧.ods"};
		zip_open(&outer, file_len + (16u << 10), opt & O_STORE);
		zip_add(&outer, names[kind], pkg.buf, pkg.used, NULL, 0, NULL,
			0, false);
		zip_close(&outer);
		file = outer.buf;
		file_len = outer.used;
	}

	fuzz_scan_bytes((const uint8_t *)file, file_len);
	free(pkg.buf);
	free(outer.buf);
	return 0;
}
