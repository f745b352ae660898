/* html.c: the text of an HTML page, streamed: tags dropped, character
 * references decoded, scripts and styles left out (code, not text).
 * Comments are kept: nobody sees them on the page, but anyone who fetches
 * it does ("<!-- debug: customer ... -->" is a classic leak). Personal data
 * also sits in attributes a reader does not see as text but a leak carries
 * all the same: form values (value="..."), mailto: and tel: links, titles
 * and alt texts; those are kept.
 *
 * Every newline of the page is kept, so a finding's line is its line in
 * the HTML file; a tag becomes a space (two cells of a table, two
 * paragraphs, stay apart). Input and output are UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "leakguard/text.h"
#include "util/util.h"

enum st {
	S_TEXT,
	S_TAG,	   /* inside <...>: the name, then attributes */
	S_COMMENT, /* <!-- ... --> */
	S_RAW,	   /* <script>, <style>: up to their end tag */
	S_REF	   /* &...; */
};

#define NAME_MAX_ 16
#define REF_MAX	  12
#define ATTR_MAX  16

struct lg_html {
	enum st st;
	enum st ref_back; /* where a reference was met: text or a value */
	/* the tag being read */
	char name[NAME_MAX_];
	unsigned nname;
	bool closing, name_done;
	char attr[ATTR_MAX]; /* the attribute name being read */
	unsigned nattr;
	char quote;	  /* of the value being read; 0: none */
	bool in_value;	  /* reading a value (quoted or not) */
	unsigned vlen;	  /* bytes of it so far */
	bool keep_value;  /* this attribute's value is text */
	bool href_prefix; /* a href: kept only after mailto: or tel: */
	char pre[8];
	unsigned npre;
	/* raw text: the end tag being matched */
	char raw_end[NAME_MAX_];
	unsigned raw_match;
	unsigned dashes; /* comment: "--" seen */
	char ref[REF_MAX];
	unsigned nref;
};

lg_html *lg_html_new(void)
{
	return calloc(1, sizeof(lg_html));
}

void lg_html_free(lg_html *h)
{
	free(h);
}

/* Whether the ASCII word w occurs in p[0..n), case aside. */
static bool has_word(const uint8_t *p, size_t n, const char *w)
{
	size_t m = strlen(w);
	for (size_t i = 0; i + m <= n; i++)
		if (!lg_ascii_ncasecmp((const char *)p + i, w, m))
			return true;
	return false;
}

bool lg_html_sniff(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == n || p[i] != '<')
		return false;
	size_t lim = n < 4096 ? n : 4096;
	return has_word(p, lim, "<html") || has_word(p, lim, "<!doctype html");
}

/* ---- output -------------------------------------------------------------
 */
typedef struct sink {
	uint8_t **out;
	size_t *len, *cap;
	bool oom;
} sink;

static void put(sink *o, const char *s, size_t n)
{
	if (o->oom || n == 0)
		return;
	if (*o->len + n > *o->cap) {
		size_t c = *o->cap ? *o->cap * 2 : 4096;
		while (c < *o->len + n)
			c *= 2;
		uint8_t *p = realloc(*o->out, c);
		if (!p) {
			o->oom = true;
			return;
		}
		*o->out = p;
		*o->cap = c;
	}
	memcpy(*o->out + *o->len, s, n);
	*o->len += n;
}

static void put_cp(sink *o, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put(o, b, n);
}

/* ---- character references -----------------------------------------------
 */
static const struct {
	const char *name;
	uint32_t cp;
} named[] = {
    {"amp", '&'},      {"lt", '<'},	   {"gt", '>'},	      {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},	   {"yen", 0xA5},     {"copy", 0xA9},
    {"reg", 0xAE},     {"middot", 0xB7},   {"times", 0xD7},   {"ndash", 0x2013},
    {"mdash", 0x2014}, {"hellip", 0x2026}, {"minus", 0x2212},
};

/* Writes the reference h->ref ("#64", "#x40", "amp"); an unknown one as
 * it was written. */
static void ref_end(lg_html *h, sink *o, bool semicolon)
{
	const char *r = h->ref;
	uint32_t cp = 0;
	bool ok = false;
	if (h->nref > 1 && r[0] == '#') {
		bool hex = r[1] == 'x' || r[1] == 'X';
		char *end;
		unsigned long v = strtoul(r + 1 + hex, &end, hex ? 16 : 10);
		ok = *end == '\0' && end != r + 1 + hex;
		cp = ok && v <= 0x10FFFF ? (uint32_t)v : 0xFFFD;
	} else {
		for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
			if (!strcmp(r, named[i].name)) {
				cp = named[i].cp;
				ok = true;
			}
	}
	if (ok) { /* an encoded line break is a space: lines are the page's */
		put_cp(o, cp == 0xA0 || cp == '\n' || cp == '\r' ? ' ' : cp);
		return;
	}
	put(o, "&", 1);
	put(o, r, h->nref);
	if (semicolon)
		put(o, ";", 1);
}

/* ---- tags ---------------------------------------------------------------
 */
static bool attr_is(const lg_html *h, const char *name)
{
	return h->nattr == strlen(name) &&
	       !lg_ascii_ncasecmp(h->attr, name, h->nattr);
}

/* An attribute name has been read: whether its value is text to keep. */
static void attr_start(lg_html *h)
{
	h->keep_value = attr_is(h, "value") || attr_is(h, "title") ||
			attr_is(h, "alt") || attr_is(h, "content");
	h->href_prefix = attr_is(h, "href");
	h->npre = 0;
}

static bool name_is(const lg_html *h, const char *name)
{
	return h->nname == strlen(name) &&
	       !lg_ascii_ncasecmp(h->name, name, h->nname);
}

/* The tag ended ('>'): enters raw text after <script> and <style>. */
static void tag_end(lg_html *h, sink *o)
{
	put(o, " ", 1);
	h->st = S_TEXT;
	if (!h->closing && (name_is(h, "script") || name_is(h, "style"))) {
		memcpy(h->raw_end, h->name, h->nname);
		h->raw_end[h->nname] = '\0';
		h->raw_match = 0;
		h->st = S_RAW;
	}
}

static void tag_start(lg_html *h)
{
	h->st = S_TAG;
	h->nname = h->nattr = 0;
	h->closing = h->name_done = h->in_value = false;
	h->keep_value = h->href_prefix = false;
	h->quote = 0;
}

/* One byte of a value: kept, or (a href) kept once it proves a mailto: or
 * tel: link. */
static void value_byte(lg_html *h, sink *o, char c)
{
	if (h->keep_value) {
		if (c != '\n') /* newlines are written by the caller */
			put(o, &c, 1);
		return;
	}
	if (!h->href_prefix)
		return;
	h->pre[h->npre++] = c;
	bool mail = h->npre == 7 && !lg_ascii_ncasecmp(h->pre, "mailto:", 7);
	bool tel = h->npre == 4 && !lg_ascii_ncasecmp(h->pre, "tel:", 4);
	if (mail || tel) {
		put(o, " ", 1);
		h->keep_value = true;
		h->href_prefix = false;
	} else if (h->npre == 7) {
		h->href_prefix = false;
	}
}

static void in_tag(lg_html *h, sink *o, char c)
{
	if (h->in_value && !h->quote && !h->vlen &&
	    (c == '"' || c == '\'' || c == ' ' || c == '\t' || c == '\n' ||
	     c == '\r')) {
		if (c == '"' || c == '\'')
			h->quote = c; /* spaces before a value are skipped */
		return;
	}
	if (h->in_value) {
		bool end = h->quote ? c == h->quote
				    : (c == ' ' || c == '\t' || c == '\n' ||
				       c == '\r' || c == '>');
		if (end) {
			h->in_value = false;
			if (h->keep_value)
				put(o, " ", 1);
			h->keep_value = h->href_prefix = false;
			h->nattr = 0;
			if (c == '>')
				tag_end(h, o);
			return;
		}
		if (c == '&' && h->keep_value) {
			h->ref_back = S_TAG;
			h->st = S_REF;
			h->nref = 0;
			return;
		}
		h->vlen++;
		value_byte(h, o, c);
		return;
	}
	if (c == '>') {
		tag_end(h, o);
		return;
	}
	if (!h->name_done) {
		if (c == '/' && h->nname == 0) {
			h->closing = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
			   c == '/') {
			h->name_done = h->nname > 0;
		} else if (h->nname < NAME_MAX_ - 1) {
			h->name[h->nname++] = c;
		}
		return;
	}
	if (c == '=') {
		attr_start(h);
		h->in_value = true;
		h->quote = 0;
		h->vlen = 0;
		return;
	}
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/') {
		h->nattr = 0;
		return;
	}
	if ((c == '"' || c == '\'') && h->nattr == 0)
		return;
	if (h->nattr < ATTR_MAX)
		h->attr[h->nattr++] = c;
}

/* ---- the machine ----------------------------------------------------------
 */
static void in_raw(lg_html *h, sink *o, char c)
{
	(void)o;
	/* looking for "</" + name */
	size_t need = 2 + strlen(h->raw_end);
	char want = h->raw_match == 0	? '<'
		    : h->raw_match == 1 ? '/'
					: h->raw_end[h->raw_match - 2];
	if ((h->raw_match >= 2 ? (char)(c | 0x20) : c) ==
	    (h->raw_match >= 2 ? (char)(want | 0x20) : want)) {
		if (++h->raw_match == need) {
			tag_start(h);
			h->closing = true;
			memcpy(h->name, h->raw_end, need - 2);
			h->nname = (unsigned)(need - 2);
			h->name_done = true;
		}
		return;
	}
	h->raw_match = c == '<' ? 1 : 0;
}

static void in_text(lg_html *h, sink *o, const uint8_t *p, size_t *i, size_t n)
{
	/* copy a run of plain text at once */
	size_t j = *i;
	while (j < n && p[j] != '<' && p[j] != '&')
		j++;
	put(o, (const char *)p + *i, j - *i);
	*i = j;
	if (j == n)
		return;
	if (p[j] == '&') {
		h->ref_back = S_TEXT;
		h->st = S_REF;
		h->nref = 0;
	} else {
		tag_start(h);
	}
	*i = j + 1;
}

static void in_ref(lg_html *h, sink *o, char c)
{
	bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '#' && h->nref == 0);
	if (word && h->nref < REF_MAX - 1) {
		h->ref[h->nref++] = c;
		h->ref[h->nref] = '\0';
		return;
	}
	h->ref[h->nref] = '\0';
	ref_end(h, o, c == ';');
	h->st = h->ref_back;
	if (c != ';') { /* the byte after a bare reference is itself */
		if (h->st == S_TEXT) {
			if (c == '<')
				tag_start(h);
			else if (c == '&')
				h->nref = 0, h->st = S_REF;
			else
				put(o, &c, 1);
		} else {
			in_tag(h, o, c);
		}
	}
}

/* A comment's text is kept (see the top of the file). */
static void in_comment(lg_html *h, sink *o, char c)
{
	if (c == '-') {
		h->dashes++;
		return;
	}
	if (c == '>' && h->dashes >= 2) {
		h->st = S_TEXT;
		put(o, " ", 1);
	} else {
		for (; h->dashes; h->dashes--)
			put(o, "-", 1);
		if (c != '\n') /* newlines are written by the caller */
			put(o, &c, 1);
	}
	h->dashes = 0;
}

/* A comment starts as "<!--" (the tag machine has read "!--"). */
static bool comment_starts(lg_html *h)
{
	return h->nname == 3 && !memcmp(h->name, "!--", 3);
}

lg_status lg_html_feed(lg_html *h, const uint8_t *p, size_t n, bool eof,
		       uint8_t **out, size_t *len, size_t *cap)
{
	sink o = {out, len, cap, false};
	size_t i = 0;
	while (i < n) {
		if (h->st == S_TEXT) {
			in_text(h, &o, p, &i, n);
			continue;
		}
		char c = (char)p[i++];
		/* lines stay the page's lines, wherever their ends fall */
		if (c == '\n' && (h->st != S_REF || h->ref_back == S_TAG))
			put(&o, "\n", 1);
		switch (h->st) {
		case S_TAG:
			in_tag(h, &o, c);
			if (h->st == S_TAG && comment_starts(h)) {
				h->st = S_COMMENT;
				h->dashes = 0;
			}
			break;
		case S_COMMENT:
			in_comment(h, &o, c);
			break;
		case S_RAW:
			in_raw(h, &o, c);
			break;
		case S_REF:
			in_ref(h, &o, c);
			break;
		default:
			break;
		}
	}
	if (eof && h->st == S_REF) {
		h->ref[h->nref] = '\0';
		ref_end(h, &o, false);
		h->st = S_TEXT;
	}
	return o.oom ? LG_ENOMEM : LG_OK;
}
