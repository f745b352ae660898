/* link.c: what a share link is from its shape alone: the provider, file
 * or folder or listing, and when it stops working (research/audits.md
 * §2.1, §2.2, §2.4), and the checks that shape fails before an ad or a
 * mail carries it. No network here (link_probe.c fetches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leakguard/audit.h"
#include "util/util.h"

#define N_(s) (s)

/* The parts of an http(s) URL the classifier reads; pointers into the
 * URL with lengths, host lower-cased into its own buffer. */
typedef struct url_parts {
	char host[256];
	const char *path; /* starts with '/' or is empty */
	size_t path_len;
	const char *query; /* after '?', without the fragment */
	size_t query_len;
} url_parts;

static bool url_split(const char *url, url_parts *u)
{
	memset(u, 0, sizeof(*u));
	const char *p;
	if (!lg_ascii_ncasecmp(url, "https://", 8))
		p = url + 8;
	else if (!lg_ascii_ncasecmp(url, "http://", 7))
		p = url + 7;
	else
		return false;
	size_t alen = strcspn(p, "/?#");
	const char *at = memchr(p, '@', alen);
	const char *h = at ? at + 1 : p;
	size_t hlen = (size_t)(p + alen - h);
	const char *colon = memchr(h, ':', hlen); /* no IPv6 literals here */
	if (colon && h[0] != '[')
		hlen = (size_t)(colon - h);
	if (!hlen || hlen >= sizeof(u->host))
		return false;
	for (size_t i = 0; i < hlen; i++)
		u->host[i] = (char)lg_to_lower((unsigned char)h[i]);
	if (u->host[hlen - 1] == '.') /* "drive.google.com." */
		hlen--;
	u->host[hlen] = '\0';
	p += alen;
	u->path = p;
	u->path_len = strcspn(p, "?#");
	p += u->path_len;
	if (*p == '?') {
		u->query = p + 1;
		u->query_len = strcspn(u->query, "#");
	}
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lg_to_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The percent-decoded value of query parameter `name` (any case) in
 * out; false when absent. A value too long is cut. */
static bool qparam(const url_parts *u, const char *name, char *out, size_t cap)
{
	if (!u->query)
		return false; /* no query at all */
	size_t nl = strlen(name);
	const char *q = u->query, *end = u->query + u->query_len;
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *e = amp ? amp : end;
		if ((size_t)(e - q) >= nl && !lg_ascii_ncasecmp(q, name, nl) &&
		    (q + nl == e || q[nl] == '=')) {
			const char *v = q + nl < e ? q + nl + 1 : e;
			size_t o = 0;
			while (v < e && o + 1 < cap) {
				int hi, lo;
				if (*v == '%' && e - v >= 3 &&
				    (hi = hexval(v[1])) >= 0 &&
				    (lo = hexval(v[2])) >= 0) {
					out[o++] = (char)(hi * 16 + lo);
					v += 3;
				} else {
					out[o++] = *v == '+' ? ' ' : *v;
					v++;
				}
			}
			out[o] = '\0';
			return true;
		}
		q = amp ? amp + 1 : end;
	}
	return false;
}

static bool has_param(const url_parts *u, const char *name)
{
	char v[8];
	return qparam(u, name, v, sizeof(v));
}

static bool host_is(const char *host, const char *domain)
{
	return !strcmp(host, domain);
}

/* host is domain or a subdomain of it */
static bool host_under(const char *host, const char *domain)
{
	size_t h = strlen(host), d = strlen(domain);
	return h == d ? !strcmp(host, domain)
		      : h > d && host[h - d - 1] == '.' &&
			    !strcmp(host + h - d, domain);
}

static bool path_starts(const url_parts *u, const char *prefix)
{
	size_t n = strlen(prefix);
	return u->path_len >= n && !strncmp(u->path, prefix, n);
}

static void set_kind(lg_link_info *li, lg_link_kind k, const char *why)
{
	li->kind = k;
	lg_copy_cut(li->why_kind, sizeof(li->why_kind), why);
}

/* ---- times ---------------------------------------------------------------
 */
static int64_t utc_seconds(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};
	return (int64_t)timegm(&tm);
}

bool lg_utc_parse(const char *s, int64_t *secs)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ%n", &y, &mo, &d, &h, &mi, &sec,
		   &n) == 6 &&
	    n == 16 && !s[n]) /* X-Amz-Date, X-Goog-Date */
		goto ok;
	h = mi = sec = 0;
	n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return false;
	s += n;
	if (*s == 'T' || *s == ' ') {
		int m = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
			return false;
		s += 1 + m;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &m) != 1 || m != 2)
				return false;
			s += 3;
		}
		if (*s == '.') /* fractions of a second */
			while (lg_is_digit((unsigned char)*++s))
				;
		if (*s == 'Z')
			s++;
		else if (!strcmp(s, "+00:00"))
			s += 6;
	}
	if (*s)
		return false;
ok:
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return false;
	*secs = utc_seconds(y, mo, d, h, mi, sec);
	return true;
}

bool lg_duration_parse(const char *s, int64_t *secs)
{
	char *end;
	if (!lg_is_digit((unsigned char)*s))
		return false;
	long long v = strtoll(s, &end, 10);
	int64_t mul = 1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	default:
		return false;
	}
	if (*end && end[1])
		return false;
	if (v < 0 || v > INT64_MAX / mul / 2)
		return false;
	*secs = (int64_t)v * mul;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!lg_is_digit((unsigned char)*s))
			return false;
	return true;
}

/* ---- signatures and expiry -----------------------------------------------
 */
/* X-Amz-Date + X-Amz-Expires, X-Goog-Date + X-Goog-Expires. */
static void expiry_v4(const url_parts *u, lg_link_info *li, const char *pfx,
		      const char *sig, int64_t max_secs)
{
	char name[32], date[40], exp[24];
	li->signature = sig;
	li->expiry = LG_EXPIRY_NOT_IN_URL;
	snprintf(name, sizeof(name), "%s-Date", pfx);
	bool has_date = qparam(u, name, date, sizeof(date));
	snprintf(name, sizeof(name), "%s-Expires", pfx);
	bool has_exp = qparam(u, name, exp, sizeof(exp));
	int64_t at;
	if (!has_date || !has_exp || !lg_utc_parse(date, &at) ||
	    !all_digits(exp) || strlen(exp) > 12) {
		snprintf(li->note, sizeof(li->note),
			 "%s-Date or %s-Expires missing or malformed", pfx,
			 pfx);
		return;
	}
	long long e = atoll(exp);
	li->signed_at = at;
	li->expires_at = at + e;
	li->expiry = LG_EXPIRY_AT;
	if (e > max_secs)
		snprintf(li->note, sizeof(li->note),
			 "%s-Expires=%lld is over the service's %lld s "
			 "maximum",
			 pfx, e, (long long)max_secs);
}

/* SigV2 (S3) and GCS V2: Expires=<epoch seconds>. */
static void expiry_v2(const url_parts *u, lg_link_info *li, const char *sig)
{
	char exp[24];
	li->signature = sig;
	li->expiry = LG_EXPIRY_NOT_IN_URL;
	if (!qparam(u, "Expires", exp, sizeof(exp)) || !all_digits(exp) ||
	    strlen(exp) > 12) {
		lg_copy_cut(li->note, sizeof(li->note),
			    "Expires missing or malformed");
		return;
	}
	li->expires_at = atoll(exp);
	li->expiry = LG_EXPIRY_AT;
	lg_copy_cut(li->note, sizeof(li->note),
		    "signature version 2 can be signed for years");
}

/* Azure SAS: se= the expiry; si= a stored access policy holding it. */
static void expiry_sas(const url_parts *u, lg_link_info *li)
{
	char se[40], si[64], sp[32];
	li->signature = "sas";
	li->expiry = LG_EXPIRY_NOT_IN_URL;
	if (qparam(u, "se", se, sizeof(se))) {
		int64_t at;
		if (lg_utc_parse(se, &at)) {
			li->expires_at = at;
			li->expiry = LG_EXPIRY_AT;
		} else {
			lg_copy_cut(li->note, sizeof(li->note),
				    "se= is not a time");
		}
	}
	char st[40];
	int64_t t;
	if (qparam(u, "st", st, sizeof(st)) && lg_utc_parse(st, &t))
		li->signed_at = t;
	if (li->expiry != LG_EXPIRY_AT) {
		if (qparam(u, "si", si, sizeof(si)))
			snprintf(li->note, sizeof(li->note),
				 "stored access policy si=%.40s holds the "
				 "expiry (revocable)",
				 si);
		else if (!li->note[0])
			lg_copy_cut(li->note, sizeof(li->note),
				    "neither se= nor si=");
	}
	if (qparam(u, "sp", sp, sizeof(sp))) {
		li->writable = strpbrk(sp, "wdca") != NULL;
		li->listable = strchr(sp, 'l') != NULL;
	}
}

/* ---- providers -----------------------------------------------------------
 */
static void drive(const url_parts *u, lg_link_info *li)
{
	li->provider = LG_LINK_GOOGLE_DRIVE;
	/* /file/d/<id>, /file/u/<n>/d/<id>; /drive/folders/<id>,
	 * /drive/u/<n>/folders/<id> */
	const char *p = u->path, *end = u->path + u->path_len;
	if (path_starts(u, "/file/")) {
		set_kind(li, LG_LINK_FILE, "/file/d/");
	} else if (path_starts(u, "/drive/")) {
		const char *f = strstr(p, "/folders/");
		if (f && f < end)
			set_kind(li, LG_LINK_FOLDER, "/drive/folders/");
	} else if (path_starts(u, "/uc") && has_param(u, "id")) {
		set_kind(li, LG_LINK_FILE, "/uc?id= (download)");
	} else if (path_starts(u, "/open") && has_param(u, "id")) {
		set_kind(li, LG_LINK_UNKNOWN,
			 "open?id= names a file or folder");
	}
}

static void docs(const url_parts *u, lg_link_info *li)
{
	static const char *const kinds[] = {"/document/", "/spreadsheets/",
					    "/presentation/", "/forms/",
					    "/drawings/"};
	li->provider = LG_LINK_GOOGLE_DOCS;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (path_starts(u, kinds[i]))
			set_kind(li, LG_LINK_FILE, kinds[i]);
	if (path_starts(u, "/folderview") && has_param(u, "id"))
		set_kind(li, LG_LINK_FOLDER, "/folderview?id=");
	if (path_starts(u, "/uc") && has_param(u, "id"))
		set_kind(li, LG_LINK_FILE, "/uc?id= (download)");
}

static void dropbox(const url_parts *u, lg_link_info *li)
{
	char dl[8];
	li->provider = LG_LINK_DROPBOX;
	if (path_starts(u, "/scl/fi/"))
		set_kind(li, LG_LINK_FILE, "/scl/fi/");
	else if (path_starts(u, "/scl/fo/"))
		set_kind(li, LG_LINK_FOLDER, "/scl/fo/");
	else if (path_starts(u, "/s/"))
		set_kind(li, LG_LINK_FILE, "/s/");
	else if (path_starts(u, "/sh/"))
		set_kind(li, LG_LINK_FOLDER, "/sh/");
	li->zip_download = li->kind == LG_LINK_FOLDER &&
			   qparam(u, "dl", dl, sizeof(dl)) && !strcmp(dl, "1");
}

/* The type letter of SharePoint's /:x:/ and 1drv.ms/x/ links: f is a
 * folder; w x p o b t i v u are files (Word … other). */
static void type_letter(lg_link_info *li, char c, const char *why)
{
	if (c == 'f')
		set_kind(li, LG_LINK_FOLDER, why);
	else if (c && strchr("wxpobtivu", c))
		set_kind(li, LG_LINK_FILE, why);
}

static void sharepoint(const url_parts *u, lg_link_info *li)
{
	li->provider = LG_LINK_SHAREPOINT;
	if (u->path_len >= 4 && u->path[1] == ':' && u->path[3] == ':') {
		char why[8];
		snprintf(why, sizeof(why), "/:%c:/", u->path[2]);
		type_letter(li, u->path[2], why);
	}
}

static void onedrive(const url_parts *u, lg_link_info *li)
{
	li->provider = LG_LINK_ONEDRIVE;
	if (u->path_len >= 3 && u->path[2] == '/') {
		char why[8];
		snprintf(why, sizeof(why), "/%c/", u->path[1]);
		type_letter(li, u->path[1], why);
	}
}

static void box(const url_parts *u, lg_link_info *li)
{
	li->provider = LG_LINK_BOX;
	if (path_starts(u, "/s/") || path_starts(u, "/v/"))
		set_kind(li, LG_LINK_UNKNOWN,
			 "/s/ is the same for files and folders");
	else if (path_starts(u, "/file/"))
		set_kind(li, LG_LINK_FILE, "/file/");
	else if (path_starts(u, "/folder/"))
		set_kind(li, LG_LINK_FOLDER, "/folder/");
}

/* An object store key: empty is the bucket root (a GET lists it), a
 * trailing '/' a prefix ("folder"); list-type, prefix, delimiter ask for
 * a listing. */
static void object_key(const url_parts *u, lg_link_info *li, const char *key,
		       size_t klen)
{
	if (has_param(u, "list-type") || has_param(u, "prefix") ||
	    has_param(u, "delimiter"))
		set_kind(li, LG_LINK_LISTING,
			 "list-type=, prefix= or delimiter= (a listing)");
	else if (!klen)
		set_kind(li, LG_LINK_LISTING, "the bucket root (a listing)");
	else if (key[klen - 1] == '/')
		set_kind(li, LG_LINK_FOLDER, "a key ending in / (a prefix)");
	else
		set_kind(li, LG_LINK_FILE, "an object key");
}

/* Skips the first path segment (the bucket, path style). */
static void path_style_key(const url_parts *u, const char **key, size_t *klen)
{
	const char *p = u->path + (u->path_len ? 1 : 0);
	const char *end = u->path + u->path_len;
	const char *slash = memchr(p, '/', (size_t)(end - p));
	*key = slash ? slash + 1 : end;
	*klen = (size_t)(end - *key);
}

static void signature_s3(const url_parts *u, lg_link_info *li)
{
	if (has_param(u, "X-Amz-Signature") || has_param(u, "X-Amz-Algorithm"))
		expiry_v4(u, li, "X-Amz", "sigv4", 604800);
	else if (has_param(u, "Signature") && has_param(u, "AWSAccessKeyId"))
		expiry_v2(u, li, "sigv2");
}

static void s3(const url_parts *u, lg_link_info *li, bool virtual_hosted)
{
	li->provider = LG_LINK_S3;
	const char *key = u->path + (u->path_len ? 1 : 0);
	size_t klen = u->path_len ? u->path_len - 1 : 0;
	if (!virtual_hosted) {
		if (u->path_len <= 1) {
			set_kind(li, LG_LINK_UNKNOWN, "the S3 service root");
			return;
		}
		path_style_key(u, &key, &klen);
	}
	object_key(u, li, key, klen);
}

static void gcs(const url_parts *u, lg_link_info *li, bool virtual_hosted)
{
	li->provider = LG_LINK_GCS;
	const char *key = u->path + (u->path_len ? 1 : 0);
	size_t klen = u->path_len ? u->path_len - 1 : 0;
	if (!virtual_hosted)
		path_style_key(u, &key, &klen);
	object_key(u, li, key, klen);
	if (has_param(u, "X-Goog-Signature") ||
	    has_param(u, "X-Goog-Algorithm"))
		expiry_v4(u, li, "X-Goog", "goog4", 604800);
	else if (has_param(u, "GoogleAccessId") && has_param(u, "Signature"))
		expiry_v2(u, li, "goog2");
	else
		signature_s3(u, li); /* GCS interoperability (HMAC keys) */
}

static void azure(const url_parts *u, lg_link_info *li)
{
	char v[64];
	li->provider = LG_LINK_AZURE_BLOB;
	const char *key;
	size_t klen;
	path_style_key(u, &key, &klen);
	if (qparam(u, "comp", v, sizeof(v)) && !strcmp(v, "list"))
		set_kind(li, LG_LINK_LISTING, "comp=list (a listing)");
	else if (qparam(u, "restype", v, sizeof(v)) && !strcmp(v, "container"))
		set_kind(li, LG_LINK_FOLDER, "restype=container");
	else if (qparam(u, "sr", v, sizeof(v)) &&
		 (!strcmp(v, "c") || !strcmp(v, "d")))
		set_kind(li, LG_LINK_FOLDER,
			 v[0] == 'c' ? "sr=c (the whole container)"
				     : "sr=d (a directory)");
	else if (qparam(u, "srt", v, sizeof(v)) && strpbrk(v, "sc"))
		set_kind(li, LG_LINK_FOLDER,
			 "an account SAS over containers (srt=)");
	else if (klen)
		set_kind(li, LG_LINK_FILE, "a blob");
	else
		set_kind(li, LG_LINK_FOLDER, "a container");
	if (has_param(u, "sig"))
		expiry_sas(u, li);
}

/* "<bucket>.s3[.-]<region>.amazonaws.com" (virtual-hosted, also
 * s3-website and dualstack) vs "s3[.-]<region>.amazonaws.com" (path). */
static bool s3_host(const char *host, bool *virtual_hosted)
{
	if (!host_under(host, "amazonaws.com"))
		return false;
	if (!strncmp(host, "s3.", 3) || !strncmp(host, "s3-", 3)) {
		*virtual_hosted = false;
		return true;
	}
	if (strstr(host, ".s3.") || strstr(host, ".s3-")) {
		*virtual_hosted = true;
		return true;
	}
	return false;
}

lg_status lg_link_classify(const char *url, lg_link_info *li)
{
	url_parts u;
	memset(li, 0, sizeof(*li));
	li->signed_at = -1;
	if (!url_split(url, &u))
		return LG_EINVAL;
	const char *h = u.host;
	bool vh = false;
	if (host_is(h, "drive.google.com"))
		drive(&u, li);
	else if (host_is(h, "docs.google.com"))
		docs(&u, li);
	else if (host_under(h, "dropbox.com"))
		dropbox(&u, li);
	else if (host_under(h, "sharepoint.com"))
		sharepoint(&u, li);
	else if (host_is(h, "1drv.ms"))
		onedrive(&u, li);
	else if (host_under(h, "onedrive.live.com")) {
		li->provider = LG_LINK_ONEDRIVE; /* ?id=&cid=: either */
		set_kind(li, LG_LINK_UNKNOWN, "onedrive.live.com ?id=");
	} else if (host_under(h, "box.com") || host_under(h, "boxcloud.com"))
		box(&u, li);
	else if (s3_host(h, &vh))
		s3(&u, li, vh);
	else if (host_is(h, "storage.googleapis.com") ||
		 host_is(h, "storage.cloud.google.com"))
		gcs(&u, li, false);
	else if (host_under(h, "storage.googleapis.com"))
		gcs(&u, li, true);
	else if (host_under(h, "blob.core.windows.net") ||
		 host_under(h, "dfs.core.windows.net") ||
		 host_under(h, "file.core.windows.net"))
		azure(&u, li);
	else if (has_param(&u, "X-Amz-Signature")) /* S3-compatible store */
		signature_s3(&u, li);
	if (li->provider == LG_LINK_S3)
		signature_s3(&u, li);
	if (!li->signature)
		li->expiry = LG_EXPIRY_PERMANENT;
	return LG_OK;
}

const char *lg_link_provider_name(lg_link_provider p)
{
	static const char *const names[] = {
	    "web",	"google-drive", "google-docs", "dropbox", "sharepoint",
	    "onedrive", "box",		"s3",	       "gcs",	  "azure-blob"};
	return (unsigned)p < sizeof(names) / sizeof(*names) ? names[p] : "?";
}

const char *lg_link_kind_name(lg_link_kind k)
{
	static const char *const names[] = {"unknown", "file", "folder",
					    "listing"};
	return (unsigned)k < sizeof(names) / sizeof(*names) ? names[k] : "?";
}

char *lg_link_redact(const char *url)
{
	static const char *const secret[] = {
	    "X-Amz-Signature", "X-Amz-Security-Token", "X-Goog-Signature",
	    "Signature", "sig"};
	lg_buf b = {0};
	const char *q = strchr(url, '?');
	if (!lg_buf_append(&b, url, q ? (size_t)(q - url) + 1 : strlen(url)))
		return NULL;
	while (q && *++q) {
		size_t n = strcspn(q, "&#");
		size_t nl = strcspn(q, "=&#");
		bool hide = false;
		for (size_t i = 0; i < sizeof(secret) / sizeof(*secret); i++)
			hide |= nl == strlen(secret[i]) &&
				!lg_ascii_ncasecmp(q, secret[i], nl);
		bool ok = hide && q[nl] == '=' ? lg_buf_append(&b, q, nl + 1) &&
						     lg_buf_puts(&b, "***")
					       : lg_buf_append(&b, q, n);
		q += n;
		if (ok && *q)
			ok = lg_buf_putc(&b, *q);
		if (!ok) {
			lg_buf_free(&b);
			return NULL;
		}
		if (*q == '#') {
			if (!lg_buf_puts(&b, q + 1)) {
				lg_buf_free(&b);
				return NULL;
			}
			break;
		}
		if (!*q)
			break;
	}
	return b.data;
}

/* ---- the checks a shape fails ------------------------------------------
 */
typedef struct shape_run {
	const char *target;
	lg_check_fn fn;
	void *ud;
	int stop;
} shape_run;

static void emit(shape_run *r, const char *id, lg_severity sev,
		 const char *evidence, const char *why, const char *fix)
{
	if (r->stop)
		return;
	lg_check c = {id, sev, r->target, 0, NULL, evidence, why, fix};
	r->stop = r->fn(&c, r->ud);
}

static void iso(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 24, "%lld", (long long)t);
}

/* "3d 4h", "2h 5m", "40s": how long, for the evidence. */
static void span(int64_t s, char *out, size_t cap)
{
	if (s >= 86400)
		snprintf(out, cap, "%lldd %lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(out, cap, "%lldh %lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else
		snprintf(out, cap, "%llds", (long long)s);
}

/* Why a listing URL leaks, and the fix: for a listing request and for a
 * SAS that grants listing. */
static const char listing_why[] =
    N_("The URL asks the store for a list of its objects: anyone holding "
       "it can enumerate and fetch every file there.");
static const char listing_fix[] =
    N_("Link to the one object; turn off public listing (S3 Block Public "
       "Access, Azure container access 'private') and sign object URLs "
       "instead.");

static void check_kind(shape_run *r, const lg_link_info *li)
{
	char ev[256];
	const char *prov = lg_link_provider_name(li->provider);
	switch (li->kind) {
	case LG_LINK_FOLDER:
		snprintf(ev, sizeof(ev), "%s folder link: %s%s", prov,
			 li->why_kind,
			 li->zip_download ? "; dl=1 downloads the whole "
					    "folder as one ZIP"
					  : "");
		emit(r, "link.folder", LG_SEV_CRITICAL, ev,
		     N_("A folder link shares every file in the folder, "
			"including files added to it later, not just the one "
			"meant to be shared."),
		     N_("Share the single file (a file link), or copy the "
			"file to its own folder made for this link."));
		break;
	case LG_LINK_LISTING:
		snprintf(ev, sizeof(ev), "%s listing request: %s", prov,
			 li->why_kind);
		emit(r, "link.listing", LG_SEV_CRITICAL, ev, listing_why,
		     listing_fix);
		break;
	case LG_LINK_UNKNOWN:
		if (!li->why_kind[0])
			break;
		snprintf(ev, sizeof(ev), "%s: %s", prov, li->why_kind);
		emit(r, "link.ambiguous", LG_SEV_MEDIUM, ev,
		     N_("The URL's shape does not say whether it shares one "
			"file or a whole folder; that cannot be told offline."),
		     N_("Open the link signed out (or run without --offline) "
			"and check it shows one file; prefer the provider's "
			"file link shape."));
		break;
	case LG_LINK_FILE:
		break;
	}
}

static void check_expiry(shape_run *r, const lg_link_info *li,
			 const lg_link_policy *pol)
{
	char ev[320], at[24], left[32], max[32], note[112] = "";
	const char *prov = lg_link_provider_name(li->provider);
	if (li->note[0])
		snprintf(note, sizeof(note), "; %s", li->note);
	if (li->expiry == LG_EXPIRY_PERMANENT) {
		if (li->provider == LG_LINK_WEB)
			return;
		bool wide = li->kind != LG_LINK_FILE;
		snprintf(
		    ev, sizeof(ev), "%s %s link, not signed: no expiry", prov,
		    li->kind == LG_LINK_UNKNOWN ? "file-or-folder"
						: lg_link_kind_name(li->kind));
		emit(r, "link.permanent",
		     li->kind == LG_LINK_FOLDER || li->kind == LG_LINK_LISTING
			 ? LG_SEV_CRITICAL
			 : LG_SEV_HIGH,
		     ev,
		     wide ? N_("The link never expires and is not limited to "
			       "one file: it keeps working for anyone who "
			       "has it, long after the campaign.")
			  : N_("The link never expires: it keeps working for "
			       "anyone who has it, long after the campaign."),
		     N_("Set an expiry on the share (or use a signed URL of "
			"at most the policy's lifetime) and restrict it to "
			"the people who need it."));
		return;
	}
	if (li->expiry == LG_EXPIRY_NOT_IN_URL) {
		snprintf(ev, sizeof(ev),
			 "%s %s signature: expiry not in the "
			 "URL%s",
			 prov, li->signature, note);
		emit(r, "link.expiry-not-in-url", LG_SEV_MEDIUM, ev,
		     N_("The signed URL does not carry its expiry, so how "
			"long it works cannot be checked here (an Azure "
			"stored access policy can be extended or never end)."),
		     N_("Sign with an explicit expiry (se=, X-Amz-Expires) "
			"within the policy, or check the stored access "
			"policy's expiry."));
		return;
	}
	iso(li->expires_at, at);
	if (li->expires_at <= pol->now) {
		span(pol->now - li->expires_at, left, sizeof(left));
		snprintf(ev, sizeof(ev), "%s %s: expired %s (%s ago)%s", prov,
			 li->signature, at, left, note);
		emit(r, "link.expired", LG_SEV_INFO, ev,
		     N_("The signed link has expired: whoever gets it now "
			"sees an error, not the file."),
		     N_("Sign a new link, valid only as long as needed."));
		return;
	}
	if (li->expires_at - pol->now > pol->max_expiry) {
		span(li->expires_at - pol->now, left, sizeof(left));
		span(pol->max_expiry, max, sizeof(max));
		snprintf(ev, sizeof(ev),
			 "%s %s: expires %s, %s from now; policy %s%s", prov,
			 li->signature, at, left, max, note);
		emit(r, "link.expiry-too-long", LG_SEV_HIGH, ev,
		     N_("The signed link stays valid longer than the policy "
			"allows; a presigned URL works for anyone, any number "
			"of times, until it expires."),
		     N_("Sign it again with an expiry within --max-expiry."));
	}
}

int lg_link_check_shape(const char *url, const lg_link_info *li,
			const lg_link_policy *pol, lg_check_fn fn, void *ud)
{
	char *target = lg_link_redact(url);
	shape_run r = {target ? target : url, fn, ud, 0};
	check_kind(&r, li);
	if (li->listable && li->kind != LG_LINK_LISTING)
		emit(&r, "link.listing", LG_SEV_CRITICAL,
		     "Azure SAS sp= includes l: the holder may list the blobs",
		     listing_why, listing_fix);
	check_expiry(&r, li, pol);
	if (li->writable)
		emit(&r, "link.writable", LG_SEV_HIGH,
		     "Azure SAS sp= grants write, add, create or delete",
		     N_("The link lets whoever holds it change or delete the "
			"files, not only read them."),
		     N_("Sign a read-only SAS (sp=r) for sharing."));
	free(target);
	return r.stop;
}
