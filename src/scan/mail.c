/* mail.c: e-mail (.eml, as mail clients save it) and mailboxes (mbox),
 * read with GMime: the addresses and subject with their encoded words
 * decoded, every part decoded from base64 or quoted-printable and scanned
 * in its own charset (ISO-2022-JP included: the text path detects it),
 * attachments by their file names as members ("mail.eml!/名簿.csv") and,
 * when they are archives, opened in turn. A mailbox's messages are
 * members numbered from 1 ("inbox.mbox!/3"). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libintl.h>

#include "glib_api.h"
#include "gmime_api.h"
#include "leakguard/detect.h"
#include "leakguard/text.h"
#include "scan_int.h"

#define _(s) dgettext("leakguard", s)

#define MAIL_MAX_PART  (256u << 20) /* decoded bytes of one part */
#define MAIL_MAX_DEPTH 4	    /* messages forwarded inside messages */

/* GMime, loaded at the first mail; without it a mail is read as text,
 * and the user told why. */
static bool gmime_ready(scan_worker *w, scan_job *j)
{
	return scan_lib_loaded(w, j, scan_gmime_lib(), false,
			       _("mail read as plain text: cannot load %s"));
}

/* Header names a message starts with (RFC 5322 and what servers add). */
static bool header_name(const uint8_t *p, size_t n)
{
	static const char *const names[] = {
	    "Return-Path:",  "Received:", "From:",	 "To:",
	    "Subject:",	     "Date:",	  "Message-ID:", "MIME-Version:",
	    "Delivered-To:", "Reply-To:", "Cc:",	 "Content-Type:"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		size_t k = strlen(names[i]);
		if (n >= k && !lg_ascii_ncasecmp((const char *)p, names[i], k))
			return true;
	}
	return false;
}

int scan_mail_kind(const uint8_t *p, size_t n)
{
	if (!p || n == 0)
		return 0;
	if (n >= 5 && !memcmp(p, "From ", 5)) {
		const uint8_t *nl = memchr(p, '\n', n);
		return nl && header_name(nl + 1, n - (size_t)(nl + 1 - p)) ? 2
									   : 0;
	}
	/* a MIME message (a mail client's .eml): its first two lines are
	 * known headers, and MIME-Version is among its headers. A plain
	 * message without it is read as the text it is, lines and all. */
	const uint8_t *nl = memchr(p, '\n', n);
	if (!header_name(p, n) || !nl)
		return 0;
	size_t rest = n - (size_t)(nl + 1 - p);
	const uint8_t *q = nl + 1;
	while (rest && (*q == ' ' || *q == '\t')) { /* a folded line */
		const uint8_t *e = memchr(q, '\n', rest);
		if (!e)
			return 0;
		rest -= (size_t)(e + 1 - q);
		q = e + 1;
	}
	if (!header_name(q, rest))
		return 0;
	const uint8_t *end = p + n;
	for (const uint8_t *l = p; l < end;) {
		const uint8_t *e = memchr(l, '\n', (size_t)(end - l));
		size_t len = e ? (size_t)(e - l) : (size_t)(end - l);
		if (len == 0 || (len == 1 && *l == '\r'))
			break; /* the end of the headers */
		if (len >= 13 &&
		    !lg_ascii_ncasecmp((const char *)l, "MIME-Version:", 13))
			return 1;
		l += len + 1;
	}
	return 0;
}

typedef struct mail_ctx {
	scan_worker *w;
	scan_job *j;
	int depth;
	unsigned nparts;
	const char *display; /* the message's name */
} mail_ctx;

static void scan_message(mail_ctx *c, GMimeMessage *m, const char *display);

/* The display names of a header's addresses (斎藤 拓也 <saito@…>), as
 * spans of the headers' text: the header says each names the one who has
 * the address. */
typedef struct name_spans {
	lg_text_span *v;
	size_t n, cap;
} name_spans;

static bool name_room(name_spans *names)
{
	if (names->n < names->cap)
		return true;
	size_t cap = names->cap ? 2 * names->cap : 16;
	lg_text_span *v = realloc(names->v, cap * sizeof(*v));
	if (!v)
		return false; /* the name is not looked at; its address is */
	names->v = v;
	names->cap = cap;
	return true;
}

/* The display names in a, written as t at s's offset base: a mailbox's
 * (not one of a domain reserved for examples: Anne Person
 * <aperson@example.com>), a group's members' (関係者: 今井 亮 <…>;), each
 * looked for in t after the one before. */
static void add_names(name_spans *names, InternetAddress *a, const char *t,
		      const char **from, size_t base)
{
	if (INTERNET_ADDRESS_IS_GROUP(a)) {
		InternetAddressList *l = internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(a));
		int n = l ? internet_address_list_length(l) : 0;
		for (int i = 0; i < n; i++)
			add_names(names,
				  internet_address_list_get_address(l, i), t,
				  from, base);
		return;
	}
	if (!INTERNET_ADDRESS_IS_MAILBOX(a))
		return;
	const char *addr =
	    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
	const char *name = internet_address_get_name(a);
	if (!addr || !name || !*name || lg_email_domain_reserved(addr))
		return;
	const char *at = strstr(*from, name);
	if (!at || !name_room(names))
		return;
	lg_text_span *sp = &names->v[names->n++];
	sp->from = base + (size_t)(at - t);
	sp->to = sp->from + strlen(name);
	*from = at + strlen(name);
}

/* The addresses of l as GMime writes them, one ", " between two. */
static void append_addresses(GString *s, name_spans *names,
			     InternetAddressList *l)
{
	int n = internet_address_list_length(l);
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		char *t = internet_address_to_string(a, NULL, FALSE);
		if (!t)
			continue;
		if (i)
			g_string_append_printf(s, ", ");
		const char *from = t;
		add_names(names, a, t, &from, s->len);
		g_string_append_printf(s, "%s", t);
		g_free(t);
	}
}

/* Scans the headers' text with its display names checked as names
 * (lg_detect_cells): only where the text is the UTF-8 it was made as, so
 * that the spans are where they were put. */
static void scan_header_text(mail_ctx *c, GString *s, const name_spans *names)
{
	size_t part;
	bool utf8 = lg_utf8_valid_prefix((const uint8_t *)s->str, s->len,
					 &part) == s->len;
	c->w->text_cells = utf8 ? names->v : NULL;
	c->w->ntext_cells = utf8 ? names->n : 0;
	c->w->text_cell_type = LG_PERSON_NAME;
	scan_buffer(c->w, c->j, NULL, (const uint8_t *)s->str, s->len);
	c->w->text_cells = NULL;
	c->w->ntext_cells = 0;
}

/* "Name: addresses" for each address header, and the subject: decoded
 * text, scanned as the message itself (the addresses a message holds,
 * Return-Path included, are as personal as its body). */
static void scan_headers(mail_ctx *c, GMimeMessage *m)
{
	static const struct {
		const char *name;
		GMimeAddressType type;
	} kinds[] = {{"From", GMIME_ADDRESS_TYPE_FROM},
		     {"Reply-To", GMIME_ADDRESS_TYPE_REPLY_TO},
		     {"To", GMIME_ADDRESS_TYPE_TO},
		     {"Cc", GMIME_ADDRESS_TYPE_CC},
		     {"Bcc", GMIME_ADDRESS_TYPE_BCC}};
	GString *s = g_string_new(NULL);
	name_spans names = {0};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		InternetAddressList *l =
		    g_mime_message_get_addresses(m, kinds[i].type);
		if (!l || internet_address_list_length(l) == 0)
			continue;
		g_string_append_printf(s, "%s: ", kinds[i].name);
		append_addresses(s, &names, l);
		g_string_append_printf(s, "\n");
	}
	/* headers of addresses GMime does not parse as such: where bounces
	 * go, who sent it on someone's behalf */
	static const char *const plain[] = {"Return-Path", "Sender",
					    "Delivered-To",
					    "Disposition-Notification-To"};
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(m));
	for (size_t i = 0; i < sizeof(plain) / sizeof(*plain); i++) {
		GMimeHeader *h = g_mime_header_list_get_header(hl, plain[i]);
		const char *v = h ? g_mime_header_get_value(h) : NULL;
		if (v)
			g_string_append_printf(s, "%s: %s\n", plain[i], v);
	}
	const char *subject = g_mime_message_get_subject(m);
	if (subject)
		g_string_append_printf(s, "Subject: %s\n", subject);
	scan_header_text(c, s, &names);
	free(names.v);
	g_string_free(s, TRUE);
}

/* The member name of a part: its file name, or part-N.subtype. */
static char *part_name(mail_ctx *c, GMimeObject *part)
{
	const char *fname = GMIME_IS_PART(part)
				? g_mime_part_get_filename(GMIME_PART(part))
				: NULL;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
	char gen[64];
	if (!fname || !*fname) {
		snprintf(gen, sizeof(gen), "part-%u.%s", ++c->nparts,
			 !sub				   ? "bin"
			 : !lg_ascii_casecmp(sub, "plain") ? "txt"
							   : sub);
		fname = gen;
	} else {
		++c->nparts;
	}
	return g_strdup_printf("%s!/%s", c->display, fname);
}

static void scan_part(mail_ctx *c, GMimeObject *part)
{
	char *display = part_name(c, part);
	if (GMIME_IS_MESSAGE_PART(part)) { /* a message forwarded as is */
		GMimeMessage *inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		if (inner && c->depth + 1 <= MAIL_MAX_DEPTH) {
			mail_ctx sub = {c->w, c->j, c->depth + 1, 0, display};
			scan_message(&sub, inner, display);
		}
		g_free(display);
		return;
	}
	GMimeDataWrapper *dw = GMIME_IS_PART(part)
				   ? g_mime_part_get_content(GMIME_PART(part))
				   : NULL;
	if (!dw) {
		g_free(display);
		return;
	}
	/* judged by its encoded size, before it is decoded into memory
	 * (decoding never makes base64 or quoted-printable longer) */
	GMimeStream *enc = g_mime_data_wrapper_get_stream(dw);
	gint64 size = enc ? g_mime_stream_length(enc) : -1;
	char *keep = c->w->member;
	c->w->member = display;
	if (size > (gint64)MAIL_MAX_PART) {
		scan_report(c->w, c->j, false, 0,
			    _("skipped: a mail part over 256 MB"));
		seq_count(c->w->seq, 0, 1, 0);
	} else {
		GMimeStream *mem = g_mime_stream_mem_new();
		g_mime_data_wrapper_write_to_stream(dw, mem);
		GByteArray *ba =
		    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		scan_buffer(c->w, c->j, display, ba->data, ba->len);
		g_object_unref(mem);
	}
	c->w->member = keep;
	g_free(display);
}

static void each_part(GMimeObject *parent, GMimeObject *part, gpointer ud)
{
	(void)parent;
	if (!seq_stopped(((mail_ctx *)ud)->w->seq) &&
	    (GMIME_IS_PART(part) || GMIME_IS_MESSAGE_PART(part)))
		scan_part(ud, part);
}

static void scan_message(mail_ctx *c, GMimeMessage *m, const char *display)
{
	char *keep = c->w->member;
	/* the top message of a .eml is the file itself */
	c->w->member = display == c->j->path ? keep : (char *)display;
	scan_headers(c, m);
	c->w->member = keep;
	g_mime_message_foreach(m, each_part, c);
}

/* The messages of a stream (one, or a mailbox's), named after path. */
static bool scan_mail_stream(scan_worker *w, scan_job *j, GMimeStream *st,
			     bool mbox, const char *path)
{
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_format(p, mbox ? GMIME_FORMAT_MBOX
					 : GMIME_FORMAT_MESSAGE);
	unsigned n = 0;
	while (!g_mime_parser_eos(p) && !seq_stopped(w->seq)) {
		GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
		if (!m)
			break;
		n++;
		char *display =
		    mbox ? g_strdup_printf("%s!/%u", path, n) : NULL;
		mail_ctx c = {w, j, 0, 0, display ? display : path};
		scan_message(&c, m, display ? display : path);
		g_free(display);
		g_object_unref(m);
		if (!mbox)
			break;
	}
	g_object_unref(p);
	return n > 0;
}

bool scan_mail(scan_worker *w, scan_job *j, int fd, bool mbox)
{
	if (!gmime_ready(w, j))
		return false;
	int own = dup(fd);
	GMimeStream *st = own >= 0 ? g_mime_stream_fs_new(own) : NULL;
	if (!st) {
		if (own >= 0)
			close(own);
		return false;
	}
	bool ok = scan_mail_stream(w, j, st, mbox, j->path);
	g_object_unref(st);
	return ok;
}

bool scan_mail_buffer(scan_worker *w, scan_job *j, const uint8_t *p, size_t n,
		      bool mbox)
{
	if (!gmime_ready(w, j))
		return false;
	GByteArray *bytes = g_byte_array_new_take(g_memdup2(p, n), n);
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), TRUE);
	bool ok =
	    scan_mail_stream(w, j, st, mbox, w->member ? w->member : j->path);
	g_object_unref(st);
	return ok;
}
