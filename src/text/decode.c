/* decode.c: encoding detection and streaming conversion to UTF-8. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet.h>

#include "leakguard/text.h"
#include "util/util.h"

struct lg_decoder {
	iconv_t cd;
	uint8_t pending[16]; /* bytes of a character split across feeds */
	size_t npending;
	uint64_t consumed; /* input bytes fully consumed so far */
	bool utf16;	   /* invalid units are two bytes wide */
};

/* The high byte of a UTF-16 code unit in Japanese text: ASCII (00), kana
 * and CJK punctuation (30), kanji (4E-9F), full-width forms (FF). */
static bool japanese_high_byte(uint8_t b)
{
	return b == 0x00 || b == 0x30 || (b >= 0x4E && b <= 0x9F) || b == 0xFF;
}

/* UTF-16 text without a BOM still shows itself: ASCII characters leave one
 * NUL in every pair, on the same side, and Japanese characters leave a
 * kana/kanji high byte there. */
static const char *sniff_utf16(const uint8_t *p, size_t n)
{
	size_t even = 0, odd = 0, jeven = 0, jodd = 0, pairs = n / 2;
	size_t ceven = 0, codd = 0; /* control-range bytes: noise, not text */
	if (pairs < 8)
		return NULL;
	for (size_t i = 0; i + 1 < n; i += 2) {
		even += p[i] == 0;
		odd += p[i + 1] == 0;
		jeven += japanese_high_byte(p[i]);
		jodd += japanese_high_byte(p[i + 1]);
		ceven += p[i] > 0 && p[i] < 0x20;
		codd += p[i + 1] > 0 && p[i + 1] < 0x20;
	}
	if (odd * 10 >= pairs * 3 && even * 50 < pairs)
		return "UTF-16LE";
	if (even * 10 >= pairs * 3 && odd * 50 < pairs)
		return "UTF-16BE";
	/* mostly Japanese: nearly every high byte fits, the low bytes vary */
	if (jodd * 100 >= pairs * 97 && jeven * 100 < pairs * 60 &&
	    ceven * 4 < pairs)
		return "UTF-16LE";
	if (jeven * 100 >= pairs * 97 && jodd * 100 < pairs * 60 &&
	    codd * 4 < pairs)
		return "UTF-16BE";
	return NULL;
}

static bool sniff_binary(const uint8_t *p, size_t n)
{
	size_t ctrl = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			return true;
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' &&
		    p[i] != '\t' && p[i] != '\f' && p[i] != 0x1B)
			ctrl++;
	}
	return n > 0 && ctrl * 10 > n; /* >10% control bytes */
}

static bool has_iso2022jp_escape(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		if (p[i] == 0x1B && p[i + 1] == '$' &&
		    (p[i + 2] == 'B' || p[i + 2] == '@'))
			return true;
	}
	return false;
}

/* Counts the double-byte characters of p[0..n) read as CP932; -1 when the
 * bytes are not CP932 (a lead without a trail, a byte CP932 never uses). */
static long cp932_pairs(const uint8_t *p, size_t n, bool *low_lead)
{
	long pairs = 0;
	*low_lead = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b < 0x80 || (b >= 0xA1 && b <= 0xDF))
			continue; /* ASCII, half-width katakana */
		if (!((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)))
			return -1;
		if (i + 1 >= n)
			break; /* cut by the sample's end */
		uint8_t t = p[++i];
		if (t < 0x40 || t == 0x7F || t > 0xFC)
			return -1;
		*low_lead |= b <= 0x9F;
		pairs++;
	}
	return pairs;
}

/* The same for EUC-JP: JIS X 0208 pairs, 8E half-width kana, 8F JIS X
 * 0212 triples. */
static long eucjp_pairs(const uint8_t *p, size_t n)
{
	long pairs = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b < 0x80)
			continue;
		size_t need = b == 0x8F ? 2 : 1;
		if (b != 0x8E && b != 0x8F && (b < 0xA1 || b > 0xFE))
			return -1;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n)
				return pairs;
			if (p[i + k] < 0xA1 || p[i + k] > 0xFE)
				return -1;
		}
		i += need;
		pairs++;
	}
	return pairs;
}

/* Japanese first: short CP932 or EUC-JP files are often called ISO-8859-1
 * by uchardet. Well-formed double-byte Japanese wins over a single-byte
 * Western guess. Returns NULL when the bytes are neither. */
static const char *japanese_by_structure(const uint8_t *p, size_t n)
{
	bool low_lead;
	long sj = cp932_pairs(p, n, &low_lead), euc = eucjp_pairs(p, n);
	/* EUC-JP never uses 81-9F as a lead (8E/8F aside): text that does
	 * is CP932 even where both readings are well-formed */
	if (euc > 0 && (sj < 0 || !low_lead))
		return "EUC-JP-MS";
	if (sj > 0)
		return "CP932";
	return NULL;
}

/* Maps uchardet's answer to the iconv name we decode with. */
static void sniff_uchardet(const uint8_t *p, size_t n, lg_sniff *out)
{
	uchardet_t ud = uchardet_new();
	const char *cs = "";
	if (ud && uchardet_handle_data(ud, (const char *)p, n) == 0) {
		uchardet_data_end(ud);
		cs = uchardet_get_charset(ud);
	}
	if (!lg_ascii_casecmp(cs, "SHIFT_JIS") ||
	    !lg_ascii_casecmp(cs, "WINDOWS-31J"))
		cs = "CP932"; /* what Windows/Excel write as "Shift_JIS" */
	else if (!lg_ascii_casecmp(cs, "EUC-JP"))
		cs = "EUC-JP-MS"; /* EUC-JP with the Windows extensions */
	else if (!*cs || !lg_ascii_casecmp(cs, "ASCII"))
		cs = "UTF-8";
	else if (lg_ascii_casecmp(cs, "ISO-2022-JP") != 0 &&
		 lg_ascii_ncasecmp(cs, "UTF-", 4) != 0) {
		const char *ja = japanese_by_structure(p, n);
		if (ja)
			cs = ja;
	}
	snprintf(out->encoding, sizeof(out->encoding), "%s", cs);
	if (ud)
		uchardet_delete(ud);
}

void lg_text_sniff(const uint8_t *p, size_t n, lg_sniff *out)
{
	memset(out, 0, sizeof(*out));
	strcpy(out->encoding, "UTF-8");
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		out->bom_len = 3;
		return;
	}
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
		       (p[0] == 0xFE && p[1] == 0xFF))) {
		strcpy(out->encoding, p[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
		out->bom_len = 2;
		return;
	}
	const char *u16 = sniff_utf16(p, n);
	if (u16) {
		strcpy(out->encoding, u16);
		return;
	}
	if (sniff_binary(p, n)) {
		out->binary = true;
		return;
	}
	if (has_iso2022jp_escape(p, n)) {
		strcpy(out->encoding, "ISO-2022-JP-3");
		return;
	}
	size_t incomplete;
	if (lg_utf8_valid_prefix(p, n, &incomplete) + incomplete == n)
		return; /* UTF-8, or plain ASCII */
	sniff_uchardet(p, n, out);
}

lg_decoder *lg_decoder_new(const char *encoding, char *err, size_t errlen)
{
	lg_decoder *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cd = iconv_open("UTF-8", encoding);
	if (d->cd == (iconv_t)-1) {
		snprintf(err, errlen, "unknown encoding '%s'", encoding);
		free(d);
		return NULL;
	}
	d->utf16 = !lg_ascii_ncasecmp(encoding, "UTF-16", 6);
	return d;
}

static lg_status decoder_grow(uint8_t **out, size_t *cap, size_t need)
{
	if (need <= *cap)
		return LG_OK;
	size_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	uint8_t *p = realloc(*out, ncap);
	if (!p)
		return LG_ENOMEM;
	*out = p;
	*cap = ncap;
	return LG_OK;
}

/* Converts as much of in[0..n) as iconv takes. Returns bytes consumed; on
 * an invalid sequence writes U+FFFD, counts it and skips one unit. Stops
 * before an incomplete trailing character (EINVAL). */
static lg_status decoder_run(lg_decoder *d, const uint8_t *in, size_t n,
			     uint8_t **out, size_t *len, size_t *cap,
			     lg_decode_stats *st, size_t *used)
{
	char *ip = (char *)in;
	size_t ileft = n;
	while (ileft > 0) {
		if (decoder_grow(out, cap, *len + ileft * 4 + 16) != LG_OK)
			return LG_ENOMEM;
		char *op = (char *)*out + *len;
		size_t oleft = *cap - *len;
		size_t r = iconv(d->cd, &ip, &ileft, &op, &oleft);
		*len = (size_t)((uint8_t *)op - *out);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL)
			break; /* incomplete character: keep for later */
		/* EILSEQ: replace one unit and carry on */
		uint64_t at = d->consumed + (uint64_t)(ip - (char *)in);
		if (st->invalid++ == 0)
			st->first_invalid = at;
		size_t skip = d->utf16 && ileft >= 2 ? 2 : 1;
		ip += skip;
		ileft -= skip;
		memcpy(*out + *len, "\xEF\xBF\xBD", 3);
		*len += 3;
		/* the shift state stays: ISO-2022-JP text after a bad byte is
		 * still in the character set it was in */
	}
	*used = n - ileft;
	return LG_OK;
}

lg_status lg_decoder_feed(lg_decoder *d, const uint8_t *in, size_t n, bool eof,
			  uint8_t **out, size_t *len, size_t *cap,
			  lg_decode_stats *st)
{
	size_t used;
	lg_status rc;
	/* finish a character split across the previous feed first */
	while (d->npending > 0 && n > 0) {
		d->pending[d->npending++] = *in++;
		n--;
		uint64_t before = d->consumed;
		rc = decoder_run(d, d->pending, d->npending, out, len, cap, st,
				 &used);
		if (rc != LG_OK)
			return rc;
		d->consumed = before + used;
		memmove(d->pending, d->pending + used, d->npending - used);
		d->npending -= used;
		if (d->npending >= sizeof(d->pending) - 1)
			d->npending = 0; /* cannot happen for real charsets */
	}
	rc = decoder_run(d, in, n, out, len, cap, st, &used);
	if (rc != LG_OK)
		return rc;
	d->consumed += used;
	if (used < n) {
		size_t rest = n - used;
		if (rest > sizeof(d->pending) - 1)
			rest = sizeof(d->pending) - 1;
		memcpy(d->pending, in + used, rest);
		d->npending = rest;
	}
	if (eof && d->npending > 0) {
		st->truncated = true;
		st->truncated_at = d->consumed;
		if (decoder_grow(out, cap, *len + 3) != LG_OK)
			return LG_ENOMEM;
		memcpy(*out + *len, "\xEF\xBF\xBD", 3);
		*len += 3;
		d->npending = 0;
	}
	return LG_OK;
}

void lg_decoder_free(lg_decoder *d)
{
	if (!d)
		return;
	iconv_close(d->cd);
	free(d);
}
