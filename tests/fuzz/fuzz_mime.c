/* fuzz_mime.c: libFuzzer target over the mail reader (mail.c, GMime). The
 * fuzzer need not find a message: the input is wrapped in one with the
 * headers a mail client writes (From and Subject as encoded words,
 * MIME-Version, multipart/mixed with a boundary), chosen and perturbed by
 * the first two bytes, and becomes its parts: split at NUL bytes, a
 * text/plain part in ISO-2022-JP as it is, a quoted-printable part and a
 * base64 attachment (a CSV, a forwarded message or a zip), or, in one
 * variant, the whole multipart body as it is. The message is scanned as
 * an .eml, as a mailbox of two messages (From_ lines, the second quoting
 * ">From"), or forwarded inside another; every reported path must name
 * the file, and the run must end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakguard/detect.h"
#include "leakguard/scan.h"
#include "scan_file.h"

#define CONTROL_BYTES 2 /* layout, headers */

/* Layout (the first byte). */
#define L_MBOX	     0x01 /* a mailbox of two messages */
#define L_RAW_BODY   0x02 /* the input is the multipart body as it is */
#define L_SINGLE     0x04 /* one text/plain part, no multipart */
#define L_FORWARDED  0x08 /* inside another message, as message/rfc822 */
#define L_ATTACHMENT 0x30 /* which attachment: CSV, message, zip, none */

/* Headers (the second byte). */
#define H_SUBJECT  0x03 /* which Subject */
#define H_CRLF	   0x04 /* CRLF line ends, as on the wire */
#define H_QUOTED   0x08 /* boundary="..." rather than boundary=... */
#define H_LOWER	   0x10 /* header names in lower case */
#define H_8BIT	   0x20 /* the text part says 8bit, not 7bit */
#define H_NO_CLOSE 0x40 /* no closing boundary (a truncated message) */
#define H_FOLDED   0x80 /* To folded over two lines */

static const char *const subjects[] = {
    "=?ISO-2022-JP?B?GyRCOFw1Ukw+Sm0kTkF3SVUbKEI=?=",
    "=?UTF-8?B?6aGn5a6i5ZCN57C/44Gu6YCB5LuY?= (Re: =?UTF-8?Q?=E5=90=8D?=)",
    "=?Shift_JIS?B?jNqLcZa8leuCzJGXlXQ=?=",
    "=?ISO-2022-JP?B?GyRCOFw1Ukw+?= broken =?UTF-8?Q?=E9=A1?=",
};

typedef struct text {
	char *p;
	size_t len, cap;
	bool crlf; /* write each LF of put_line as CRLF */
} text;

static void put(text *t, const void *s, size_t n)
{
	if (n == 0)
		return; /* s may be NULL */
	if (t->len + n > t->cap) {
		size_t c = t->cap ? t->cap : 4096;
		while (c < t->len + n)
			c *= 2;
		char *q = realloc(t->p, c);
		if (!q)
			abort();
		t->p = q;
		t->cap = c;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

/* A header or MIME line, with the line end the message uses. */
static void put_line(text *t, const char *s)
{
	put(t, s, strlen(s));
	put(t, t->crlf ? "\r\n" : "\n", t->crlf ? 2 : 1);
}

/* A header "Name: value", the name in lower case when asked. */
static void put_header(text *t, bool lower, const char *name, const char *value)
{
	char line[512];
	snprintf(line, sizeof(line), "%s: %s", name, value);
	for (char *c = line; lower && *c != ':'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	put_line(t, line);
}

static void put_base64(text *t, const uint8_t *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[80];
	size_t k = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		line[k++] = b64[v >> 18 & 63];
		line[k++] = b64[v >> 12 & 63];
		line[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[k++] = i + 2 < n ? b64[v & 63] : '=';
		if (k == 76 || i + 3 >= n) {
			line[k] = 0;
			put_line(t, line);
			k = 0;
		}
	}
}

/* Quoted-printable (RFC 2045 6.7): soft line breaks before 76 columns;
 * the input's own line ends are kept as they are. */
static void put_quoted_printable(text *t, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		char enc[3];
		size_t k = 0;
		if (p[i] == '\n') {
			put_line(t, "");
			col = 0;
			continue;
		}
		if ((p[i] >= 33 && p[i] <= 126 && p[i] != '=') || p[i] == ' ') {
			enc[k++] = (char)p[i];
		} else {
			enc[k++] = '=';
			enc[k++] = hex[p[i] >> 4];
			enc[k++] = hex[p[i] & 15];
		}
		if (col + k > 75) {
			put_line(t, "=");
			col = 0;
		}
		put(t, enc, k);
		col += k;
	}
	put_line(t, "");
}

typedef struct pieces {
	const uint8_t *p[3];
	size_t n[3];
} pieces;

/* The input split at its first two NUL bytes (the text part, the
 * quoted-printable part, the attachment). */
static void split(const uint8_t *p, size_t n, pieces *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 3; i++) {
		const uint8_t *nul = i < 2 ? memchr(p, 0, n) : NULL;
		out->p[i] = p;
		out->n[i] = nul ? (size_t)(nul - p) : n;
		if (!nul)
			return;
		n -= out->n[i] + 1;
		p = nul + 1;
	}
}

static void put_attachment(text *t, int kind, const uint8_t *p, size_t n,
			   bool lower)
{
	static const char *const types[][2] = {
	    {"text/csv; charset=Shift_JIS",
	     "attachment; filename*=UTF-8''%E5%90%8D%E7%B0%BF.csv"},
	    {"message/rfc822", "attachment; filename=\"fwd.eml\""},
	    {"application/zip; name=\"=?ISO-2022-JP?B?GyRCTD5KbRsoQi5jc3Y=?=\"",
	     "attachment"},
	};
	put_header(t, lower, "Content-Type", types[kind][0]);
	put_header(t, lower, "Content-Disposition", types[kind][1]);
	if (kind == 1) { /* a message part is the message, not encoded */
		put_line(t, "");
		put(t, p, n);
		put_line(t, "");
		return;
	}
	put_header(t, lower, "Content-Transfer-Encoding", "base64");
	put_line(t, "");
	put_base64(t, p, n);
}

/* One message around the input. */
static void put_message(text *t, uint8_t layout, uint8_t hdr, const uint8_t *p,
			size_t n)
{
	bool lower = hdr & H_LOWER;
	const char *boundary = "----=_Part_12345_67890.1700000000000";
	char ct[256];
	snprintf(ct, sizeof(ct), "multipart/mixed; boundary=%s%s%s",
		 hdr & H_QUOTED ? "\"" : "", boundary,
		 hdr & H_QUOTED ? "\"" : "");
	put_header(
	    t, lower, "From",
	    "=?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro.yamada@example.co.jp>");
	if (hdr & H_FOLDED) {
		put_header(t, lower, "To",
			   "\"佐藤 花子\" <hanako@example.jp>,");
		put_line(t, "\tsales@example.com");
	} else {
		put_header(t, lower, "To", "hanako@example.jp");
	}
	put_header(t, lower, "Subject", subjects[hdr & H_SUBJECT]);
	put_header(t, lower, "Date", "Mon, 1 Apr 2024 10:00:00 +0900");
	put_header(t, lower, "Message-ID",
		   "<20240401100000.1234@example.co.jp>");
	put_header(t, lower, "MIME-Version", "1.0");
	const char *cte = hdr & H_8BIT ? "8bit" : "7bit";
	if (layout & L_SINGLE) {
		put_header(t, lower, "Content-Type",
			   "text/plain; charset=ISO-2022-JP");
		put_header(t, lower, "Content-Transfer-Encoding", cte);
		put_line(t, "");
		put(t, p, n);
		put_line(t, "");
		return;
	}
	put_header(t, lower, "Content-Type", ct);
	put_line(t, "");
	put_line(t, "This is a multi-part message in MIME format.");
	char open[128], close[128];
	snprintf(open, sizeof(open), "--%s", boundary);
	snprintf(close, sizeof(close), "--%s--", boundary);
	if (layout & L_RAW_BODY) {
		put_line(t, open);
		put(t, p, n);
		put_line(t, "");
	} else {
		pieces s;
		split(p, n, &s);
		put_line(t, open);
		put_header(t, lower, "Content-Type",
			   "text/plain; charset=ISO-2022-JP");
		put_header(t, lower, "Content-Transfer-Encoding", cte);
		put_line(t, "");
		put(t, s.p[0], s.n[0]);
		put_line(t, "");
		put_line(t, open);
		put_header(t, lower, "Content-Type",
			   "text/plain; charset=UTF-8; format=flowed");
		put_header(t, lower, "Content-Transfer-Encoding",
			   "quoted-printable");
		put_line(t, "");
		put_quoted_printable(t, s.p[1], s.n[1]);
		int kind = (layout & L_ATTACHMENT) >> 4;
		if (kind < 3) {
			put_line(t, open);
			put_attachment(t, kind, s.p[2], s.n[2], lower);
		}
	}
	if (!(hdr & H_NO_CLOSE))
		put_line(t, close);
}

/* A mailbox entry: the From_ line, the message with its body lines that
 * start with "From " quoted as mbox writers do, a blank line. */
static void put_mbox_message(text *t, const char *sender, const text *msg)
{
	char from[128];
	snprintf(from, sizeof(from), "From %s Mon Apr  1 10:00:00 2024",
		 sender);
	put_line(t, from);
	for (size_t i = 0; i < msg->len;) {
		const char *nl = memchr(msg->p + i, '\n', msg->len - i);
		size_t k = nl ? (size_t)(nl - (msg->p + i)) + 1 : msg->len - i;
		if (k >= 5 && !memcmp(msg->p + i, "From ", 5))
			put(t, ">", 1);
		put(t, msg->p + i, k);
		i += k;
	}
	put_line(t, "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < CONTROL_BYTES)
		return 0;
	uint8_t layout = data[0], hdr = data[1];
	const uint8_t *p = data + CONTROL_BYTES;
	size_t n = size - CONTROL_BYTES;

	text msg = {.crlf = hdr & H_CRLF};
	put_message(&msg, layout, hdr, p, n);
	if (layout & L_FORWARDED) {
		text outer = {.crlf = msg.crlf};
		bool lower = hdr & H_LOWER;
		put_header(&outer, lower, "From", "部長 <boss@example.co.jp>");
		put_header(&outer, lower, "To", "all@example.co.jp");
		put_header(&outer, lower, "Subject", "Fwd: 名簿");
		put_header(&outer, lower, "MIME-Version", "1.0");
		put_header(&outer, lower, "Content-Type",
			   "multipart/mixed; boundary=outer");
		put_line(&outer, "");
		put_line(&outer, "--outer");
		put_header(&outer, lower, "Content-Type", "message/rfc822");
		put_line(&outer, "");
		put(&outer, msg.p, msg.len);
		put_line(&outer, "--outer--");
		free(msg.p);
		msg = outer;
	}
	text file = {.crlf = msg.crlf};
	if (layout & L_MBOX) {
		put_mbox_message(&file, "taro.yamada@example.co.jp", &msg);
		put_mbox_message(&file, "hanako@example.jp", &msg);
	} else {
		put(&file, msg.p, msg.len);
	}
	free(msg.p);

	fuzz_scan_bytes((const uint8_t *)file.p, file.len);
	free(file.p);
	return 0;
}
