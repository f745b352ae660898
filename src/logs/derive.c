/* derive.c: the fields a leak rule needs that no log line holds as such:
 * who the actor is (user, else a keyed hash of the session cookie, else
 * address and agent: a leak is about a user or session, not an IP), what
 * kind of path was asked for, whether a cache answered, whether the
 * client or a mail recipient is outside, and the request URL-decoded for
 * the attack rules. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "logs_site.h"
#include "util/crypto_api.h"
#include "util/util.h"

static const lg_slice yes = {"true", 4}, no = {"false", 5};

static lg_slice flag(bool b)
{
	return b ? yes : no;
}

static bool present(lg_slice s)
{
	return s.p && s.n > 0 && !(s.n == 1 && s.p[0] == '-');
}

static lg_slice text(const char *s)
{
	return (lg_slice){s, strlen(s)};
}

/* ---- actor ----------------------------------------------------------------
 */
/* The first configured session cookie in a Cookie header ("a=1;
 * sid=abc"), the header read once. */
static lg_slice cookie_value(const lg_site *site, lg_slice hdr)
{
	const char *p = hdr.p, *end = hdr.p + hdr.n;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		const char *e = memchr(p, ';', (size_t)(end - p));
		if (!e)
			e = end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		if (eq) {
			size_t nl = (size_t)(eq - p);
			for (size_t i = 0; i < site->cookies.n; i++) {
				const char *name = site->cookies.v[i];
				if (strlen(name) == nl &&
				    !strncmp(p, name, nl) && eq + 1 < e)
					return (lg_slice){eq + 1,
							  (size_t)(e - eq - 1)};
			}
		}
		p = e;
	}
	return (lg_slice){NULL, 0};
}

/* The session cookie's value: from the Cookie header, or from an nginx
 * $cookie_NAME variable logged on its own. */
static lg_slice session_value(const lg_site *site, const lg_log_event *ev)
{
	if (present(ev->f[LG_FLD_CS_COOKIE])) {
		lg_slice v = cookie_value(site, ev->f[LG_FLD_CS_COOKIE]);
		if (present(v))
			return v;
	}
	if (ev->nextra == 0)
		return (lg_slice){NULL, 0};
	for (size_t i = 0; i < site->cookie_vars.n; i++) {
		const char *var = site->cookie_vars.v[i];
		lg_slice v = lg_log_event_extra(ev, var, strlen(var));
		if (present(v))
			return v;
	}
	return (lg_slice){NULL, 0};
}

/* "s:" and 16 hex digits of HMAC-SHA256(site key, cookie value): the
 * same session is the same actor, and the cookie cannot be read back.
 * lg_site_load has loaded libcrypto. */
static void session_hash(const lg_site *site, lg_slice v, char out[24])
{
	uint8_t mac[32];
	unsigned len = sizeof(mac);
	HMAC(EVP_sha256(), site->session_key, sizeof(site->session_key),
	     (const unsigned char *)v.p, v.n, mac, &len);
	static const char hex[] = "0123456789abcdef";
	out[0] = 's';
	out[1] = ':';
	for (int i = 0; i < 8; i++) {
		out[2 + 2 * i] = hex[mac[i] >> 4];
		out[3 + 2 * i] = hex[mac[i] & 15];
	}
	out[18] = '\0';
}

/* A tag of the user agent (~120 bytes on every line of an access log:
 * a fast hash, not FNV byte by byte). */
static uint32_t agent_tag(lg_slice ua)
{
	return (uint32_t)(XXH3_64bits(ua.p, ua.n) & 0xFFFFFF);
}

/* "203.0.113.9 ua:3fa9c1": an address and a tag of its agent. */
static lg_slice address_actor(const lg_log_event *ev, lg_derive_buf *b)
{
	static const char hex[] = "0123456789abcdef";
	lg_slice ip = ev->f[LG_FLD_C_IP], ua = ev->f[LG_FLD_CS_USER_AGENT];
	size_t n = ip.p ? (ip.n < 64 ? ip.n : 64) : 1;
	memcpy(b->actor, ip.p ? ip.p : "-", n);
	uint32_t tag = present(ua) ? agent_tag(ua) : 0;
	memcpy(b->actor + n, " ua:", 4);
	n += 4;
	for (int shift = 20; shift >= 0; shift -= 4)
		b->actor[n++] = hex[(tag >> shift) & 15];
	b->actor[n] = '\0';
	return (lg_slice){b->actor, n};
}

static lg_slice user_of(const lg_site *site, const lg_log_event *ev)
{
	if (present(ev->f[LG_FLD_CS_USERNAME]))
		return ev->f[LG_FLD_CS_USERNAME];
	if (site->user_field) {
		lg_slice u = site->user_fld < LG_FLD_COUNT
				 ? ev->f[site->user_fld]
				 : lg_log_event_extra(ev, site->user_field,
						      strlen(site->user_field));
		if (present(u))
			return u;
	}
	return ev->f[LG_FLD_MAIL_FROM]; /* a mail's sender */
}

static void derive_actor(const lg_site *site, lg_log_event *ev,
			 lg_derive_buf *b)
{
	lg_slice sess = session_value(site, ev);
	ev->f[LG_FLD_SESSION] = (lg_slice){NULL, 0};
	if (present(sess)) {
		session_hash(site, sess, b->session);
		ev->f[LG_FLD_SESSION] = text(b->session);
	}
	lg_slice user = user_of(site, ev);
	if (present(user)) {
		ev->f[LG_FLD_ACTOR] =
		    (lg_slice){user.p, user.n < 150 ? user.n : 150};
		ev->f[LG_FLD_ACTOR_KIND] = text("user");
	} else if (present(sess)) {
		ev->f[LG_FLD_ACTOR] = ev->f[LG_FLD_SESSION];
		ev->f[LG_FLD_ACTOR_KIND] = text("session");
	} else {
		ev->f[LG_FLD_ACTOR] = address_actor(ev, b);
		ev->f[LG_FLD_ACTOR_KIND] = text("ip");
	}
}

/* ---- paths ----------------------------------------------------------------
 */
static bool starts_with_n(lg_slice s, const char *prefix, size_t n)
{
	if (!s.p || s.n < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i],
			      c = (unsigned char)prefix[i];
		if (a != c && ((a | 0x20) != (c | 0x20) ||
			       (unsigned)((a | 0x20) - 'a') >= 26u))
			return false;
	}
	return true;
}

static bool starts_with(lg_slice s, const char *prefix)
{
	return starts_with_n(s, prefix, strlen(prefix));
}

static size_t url_decode(const char *src, size_t n, char *dst, size_t cap);

/* An S3 listing's prefix= parameter, decoded, starts with `prefix`. */
static bool listing_under(lg_slice query, const char *prefix)
{
	char q[1024];
	if (!query.p)
		return false;
	size_t n = url_decode(query.p, query.n, q, sizeof(q));
	for (const char *p = q;
	     (p = memmem(p, (size_t)(q + n - p), "prefix=", 7)) != NULL;
	     p += 7) {
		if (p == q || p[-1] == '&' || p[-1] == '?')
			return !strncmp(p + 7, prefix, strlen(prefix));
	}
	return false;
}

/* An "s3://bucket/prefix" entry: the bucket, and the key (an object) or
 * the listing's prefix (a folder) under the prefix. */
static bool s3_in(const char *entry, const lg_log_event *ev)
{
	lg_slice bucket = ev->f[LG_FLD_S3_BUCKET];
	const char *b = entry + 5, *slash = strchr(b, '/');
	size_t bn = slash ? (size_t)(slash - b) : strlen(b);
	if (!present(bucket) || bucket.n != bn || strncmp(bucket.p, b, bn))
		return false;
	if (!slash || !slash[1])
		return true;
	return starts_with(ev->f[LG_FLD_S3_KEY], slash + 1) ||
	       listing_under(ev->f[LG_FLD_C_URI_QUERY], slash + 1);
}

/* What the class tests of one event share, worked out once. */
typedef struct path_key {
	lg_slice path;
	bool s3;     /* an S3 line: bucket and key, not a path */
	bool paired; /* the path has two bytes after its '/': k is set */
	unsigned k;  /* their index in lg_prefixes.pair */
} path_key;

static path_key path_key_of(const lg_log_event *ev)
{
	path_key pk = {ev->f[LG_FLD_CS_URI_STEM],
		       present(ev->f[LG_FLD_S3_BUCKET]), false, 0};
	if (pk.path.p && pk.path.n >= 3) {
		pk.paired = true;
		pk.k = lg_prefix_pair(pk.path.p + 1);
	}
	return pk;
}

/* A path is in a class when it starts with one of the class's prefixes;
 * "s3://bucket/prefix" entries match S3 log lines' bucket and key. */
static bool path_in(const lg_prefixes *l, const path_key *pk,
		    const lg_log_event *ev)
{
	bool s3 = l->any_s3 && pk->s3;
	if (!s3 && !l->any_short &&
	    (!pk->paired || !(l->pair[pk->k >> 6] >> (pk->k & 63) & 1)))
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const lg_prefix *x = &l->v[i];
		if (x->s3 ? s3 && s3_in(x->p, ev)
			  : starts_with_n(pk->path, x->p, x->n))
			return true;
	}
	return false;
}

/* Byte classes of id_like: ASCII only, whatever the locale. */
enum { ID_DIGIT = 1, ID_HEX = 2, ID_WORD = 4 };

static uint8_t id_class(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return ID_DIGIT | ID_HEX | ID_WORD;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return ID_HEX | ID_WORD;
	if ((c | 0x20) >= 'g' && (c | 0x20) <= 'z')
		return ID_WORD;
	return c == '-' ? ID_HEX | ID_WORD : c == '_' ? ID_WORD : 0;
}

/* A path segment that names one object rather than a kind of page:
 * digits, a UUID, long hex, or a long mix of letters and digits. */
static bool id_like(const char *s, size_t n)
{
	size_t digits = 0, hex = 0, word = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t k = id_class((unsigned char)s[i]);
		digits += k & ID_DIGIT;
		hex += (k & ID_HEX) != 0;
		word += (k & ID_WORD) != 0;
	}
	if (n == 0)
		return false;
	if (digits == n)
		return true;
	if (hex == n && n >= 16 && digits > 0)
		return true; /* hex digests, UUIDs */
	return word == n && n >= 8 && digits >= 3;
}

/* /orders/12345/receipt.pdf -> /orders/{id}/receipt.pdf, object-id 12345 */
static void derive_pattern(lg_log_event *ev, lg_derive_buf *b)
{
	lg_slice path = ev->f[LG_FLD_CS_URI_STEM];
	ev->f[LG_FLD_PATH_ID_PATTERN] = ev->f[LG_FLD_OBJECT_ID] =
	    (lg_slice){NULL, 0};
	if (!present(path))
		return;
	/* every kind of id holds a digit: a path without one is its own
	 * pattern (most pages of a site), no copy needed */
	bool digit = false;
	for (size_t i = 0; i < path.n && !digit; i++)
		digit = (unsigned)(path.p[i] - '0') < 10u;
	if (!digit) {
		ev->f[LG_FLD_PATH_ID_PATTERN] = path;
		return;
	}
	size_t o = 0, cap = sizeof(b->pattern) - 8;
	const char *p = path.p, *end = path.p + path.n;
	b->object_id[0] = '\0';
	while (p < end && o < cap) {
		/* segments are short: one pass finds the '.' and the '/' */
		const char *seg_end = p, *stem_end = NULL;
		for (; seg_end < end && *seg_end != '/'; seg_end++)
			if (*seg_end == '.' && !stem_end)
				stem_end = seg_end;
		if (!stem_end)
			stem_end = seg_end;
		size_t sn = (size_t)(stem_end - p);
		if (id_like(p, sn)) {
			size_t k = sn < 90 ? sn : 90;
			memcpy(b->object_id, p, k);
			b->object_id[k] = '\0';
			memcpy(b->pattern + o, "{id}", 4);
			o += 4;
			p = stem_end;
		}
		size_t rest = (size_t)(seg_end - p);
		if (rest > cap - o)
			rest = cap - o;
		memcpy(b->pattern + o, p, rest);
		o += rest;
		p = seg_end;
		if (p < end && o < cap)
			b->pattern[o++] = *p++; /* the '/' */
	}
	b->pattern[o] = '\0';
	ev->f[LG_FLD_PATH_ID_PATTERN] = (lg_slice){b->pattern, o};
	if (b->object_id[0])
		ev->f[LG_FLD_OBJECT_ID] = text(b->object_id);
}

/* The path classes, in the order of lg_stem_answer.classes' bits. */
static const struct {
	lg_field field;
	size_t offset; /* of the lg_prefixes in lg_site */
} path_classes[] = {
    {LG_FLD_PRIVATE_PATH, offsetof(lg_site, private_pfx)},
    {LG_FLD_SHARED_PATH, offsetof(lg_site, shared_pfx)},
    {LG_FLD_LOGIN_PATH, offsetof(lg_site, login_pfx)},
    {LG_FLD_EXPORT_PATH, offsetof(lg_site, export_pfx)},
};
#define NCLASSES (sizeof(path_classes) / sizeof(*path_classes))

static void derive_classes(const lg_site *site, lg_log_event *ev)
{
	path_key pk = path_key_of(ev);
	bool http = present(pk.path) || pk.s3;
	for (size_t i = 0; i < NCLASSES; i++) {
		const lg_prefixes *l =
		    (const lg_prefixes *)((const char *)site +
					  path_classes[i].offset);
		ev->f[path_classes[i].field] =
		    http ? flag(path_in(l, &pk, ev)) : (lg_slice){0};
	}
}

/* Sets the pattern, object id and classes from a remembered answer. */
static void stem_use(const lg_stem_answer *a, lg_log_event *ev)
{
	const char *t = a->text + a->len;
	bool same = a->pattern_len == LG_STEM_SAME;
	ev->f[LG_FLD_PATH_ID_PATTERN] =
	    same ? ev->f[LG_FLD_CS_URI_STEM] : (lg_slice){t, a->pattern_len};
	t += same ? 0 : a->pattern_len;
	ev->f[LG_FLD_OBJECT_ID] =
	    a->id_len ? (lg_slice){t, a->id_len} : (lg_slice){NULL, 0};
	for (size_t i = 0; i < NCLASSES; i++)
		ev->f[path_classes[i].field] = flag(a->classes >> i & 1);
}

/* Remembers what this event's path derived, when it fits. */
static void stem_keep(lg_stem_answer *a, uint64_t h, const lg_log_event *ev)
{
	lg_slice path = ev->f[LG_FLD_CS_URI_STEM];
	lg_slice pat = ev->f[LG_FLD_PATH_ID_PATTERN];
	lg_slice id = ev->f[LG_FLD_OBJECT_ID];
	bool same = pat.p == path.p && pat.n == path.n;
	size_t need = path.n + (same ? 0 : pat.n) + (id.p ? id.n : 0);
	a->len = 0;
	if (need > LG_STEM_TEXT || pat.n >= LG_STEM_SAME || id.n > 255)
		return;
	char *t = a->text;
	memcpy(t, path.p, path.n);
	t += path.n;
	if (!same) {
		memcpy(t, pat.p, pat.n);
		t += pat.n;
	}
	if (id.p)
		memcpy(t, id.p, id.n);
	a->hash = h;
	a->pattern_len = same ? LG_STEM_SAME : (uint8_t)pat.n;
	a->id_len = id.p ? (uint8_t)id.n : 0;
	a->classes = 0;
	for (size_t i = 0; i < NCLASSES; i++)
		a->classes |=
		    (uint8_t)((ev->f[path_classes[i].field].p == yes.p) << i);
	a->len = (uint8_t)path.n;
}

static bool stem_cached(const lg_log_event *ev)
{
	lg_slice path = ev->f[LG_FLD_CS_URI_STEM];
	return present(path) && path.n < 256 &&
	       !present(ev->f[LG_FLD_S3_BUCKET]);
}

/* The path's pattern, object id and classes: remembered for the paths of
 * web logs (a site's pages come back all day), worked out otherwise. S3
 * lines' classes read the bucket and key too, and are always worked
 * out. */
static void derive_path(const lg_site *site, lg_log_event *ev, lg_derive_buf *b)
{
	lg_slice path = ev->f[LG_FLD_CS_URI_STEM];
	bool cached = stem_cached(ev);
	uint64_t h = cached ? XXH3_64bits(path.p, path.n) : 0;
	lg_stem_answer *a = &b->stems[h >> (64 - LG_STEM_CACHE_BITS)];
	if (cached && a->len == path.n && a->hash == h &&
	    !memcmp(a->text, path.p, path.n)) {
		stem_use(a, ev);
		return;
	}
	derive_pattern(ev, b);
	derive_classes(site, ev);
	if (cached)
		stem_keep(a, h, ev);
}

/* ---- client, cache, ads
 * ------------------------------------------------------
 */
/* The slot of an address text in the cache: its length and last bytes
 * (addresses differ most at the end). */
static unsigned ip_slot(lg_slice a)
{
	uint64_t w = 0;
	size_t k = a.n < 8 ? a.n : 8;
	memcpy(&w, a.p + a.n - k, k);
	w = (w ^ a.n) * 0x9E3779B97F4A7C15ULL;
	return (unsigned)(w >> (64 - LG_IP_CACHE_BITS));
}

static bool internal_addr(const lg_site *site, lg_slice a, lg_derive_buf *b)
{
	/* a postfix client is "host[192.0.2.1]" */
	if (a.n > 2 && a.p[a.n - 1] == ']') {
		const char *lb = memchr(a.p, '[', a.n);
		if (lb)
			a = (lg_slice){lb + 1, (size_t)(a.p + a.n - lb - 2)};
	}
	if (!present(a))
		return false;
	/* clients come back again and again: a small cache of answers */
	lg_ip_answer *c = &b->ips[ip_slot(a)];
	if (a.n == c->len && !memcmp(a.p, c->text, a.n))
		return c->inside;
	uint8_t addr[16];
	bool inside = false;
	if (lg_addr_parse(a.p, a.n, addr)) {
		for (size_t i = 0; i < site->nnets && !inside; i++)
			inside = lg_cidr_contains(&site->nets[i], addr);
	}
	if (a.n < sizeof(c->text)) {
		memcpy(c->text, a.p, a.n);
		c->len = (uint8_t)a.n;
		c->inside = inside;
	}
	return inside;
}

/* Every CDN's word for "served from cache": CloudFront Hit/RefreshHit,
 * nginx HIT/STALE/UPDATING/REVALIDATED, Cloudflare hit/stale/updating/
 * revalidated, Akamai HitStale, Fastly/Varnish "HIT, MISS" lists. */
static bool cache_hit(lg_slice s)
{
	static const char *const hits[] = {
	    "hit",	"refreshhit",  "hitstale",   "stale",
	    "updating", "revalidated", "stream_hit", "originshieldhit"};
	size_t n = s.n;
	const char *sp = memchr(s.p, ' ', s.n); /* "Hit from cloudfront" */
	const char *comma = memchr(s.p, ',', s.n);
	if (sp)
		n = (size_t)(sp - s.p);
	if (comma && (size_t)(comma - s.p) < n)
		n = (size_t)(comma - s.p);
	if (n > 4 && !lg_ascii_ncasecmp(s.p, "TCP_", 4))
		return memmem(s.p, n, "HIT", 3) != NULL; /* squid TCP_HIT */
	for (size_t i = 0; i < sizeof(hits) / sizeof(*hits); i++) {
		if (strlen(hits[i]) == n && !lg_ascii_ncasecmp(s.p, hits[i], n))
			return true;
	}
	return false;
}

/* Click ids of Google, Yahoo! JAPAN, Meta, LINE, Microsoft and X ads: a
 * visitor arriving from an ad (the folder link went out in one). */
static bool ad_click(lg_slice s)
{
	static const char *const ids[] = {
	    "gclid=", "yclid=", "fbclid=", "msclkid=", "twclid="};
	if (!present(s))
		return false;
	if (memmem(s.p, s.n, "ldtag_cl=", 9))
		return true;
	/* all the others end in "clid=": look for that, then which */
	const char *end = s.p + s.n;
	for (const char *p = s.p;
	     (p = memmem(p, (size_t)(end - p), "clid=", 5)) != NULL; p += 5) {
		for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
			size_t k = strlen(ids[i]) - 5;
			if ((size_t)(p - s.p) >= k && !memcmp(p - k, ids[i], k))
				return true;
		}
	}
	return false;
}

/* ---- mail ------------------------------------------------------------------
 */
static bool domain_is_internal(const lg_site *site, const char *d,
			       lg_slice sender)
{
	if (site->mail_domains.n == 0) {
		/* none configured: outside means another domain than the
		 * sender's */
		const char *at =
		    sender.p ? memchr(sender.p, '@', sender.n) : NULL;
		if (!at)
			return false;
		size_t n = (size_t)(sender.p + sender.n - at - 1);
		return strlen(d) == n && !lg_ascii_ncasecmp(d, at + 1, n);
	}
	size_t dn = strlen(d);
	for (size_t i = 0; i < site->mail_domains.n; i++) {
		const char *m = site->mail_domains.v[i];
		size_t mn = strlen(m);
		if (dn == mn && !lg_ascii_casecmp(d, m))
			return true;
		if (dn > mn && d[dn - mn - 1] == '.' &&
		    !lg_ascii_casecmp(d + dn - mn, m))
			return true; /* a subdomain */
	}
	return false;
}

static void derive_mail(const lg_site *site, lg_log_event *ev, lg_derive_buf *b)
{
	lg_slice to = ev->f[LG_FLD_MAIL_TO];
	ev->f[LG_FLD_MAIL_TO_DOMAIN] = ev->f[LG_FLD_MAIL_TO_EXTERNAL] =
	    (lg_slice){NULL, 0};
	const char *at = present(to) ? memchr(to.p, '@', to.n) : NULL;
	if (!at)
		return;
	size_t n = (size_t)(to.p + to.n - at - 1);
	if (n >= sizeof(b->domain))
		n = sizeof(b->domain) - 1;
	for (size_t i = 0; i < n; i++)
		b->domain[i] = (char)lg_to_lower((unsigned char)at[1 + i]);
	b->domain[n] = '\0';
	ev->f[LG_FLD_MAIL_TO_DOMAIN] = (lg_slice){b->domain, n};
	ev->f[LG_FLD_MAIL_TO_EXTERNAL] =
	    flag(!domain_is_internal(site, b->domain, ev->f[LG_FLD_MAIL_FROM]));
}

/* ---- time, URL ------------------------------------------------------------
 */
static bool off_hours(const lg_site *site, const lg_log_event *ev)
{
	int tz = site->tz_set ? site->tz_min : ev->tz_min;
	int64_t secs = ev->time_us / 1000000 + (int64_t)tz * 60;
	int64_t days = secs / 86400 - (secs % 86400 < 0);
	int minute = (int)((secs - days * 86400) / 60);
	/* 0 = Sunday; 1970-01-01 was a Thursday */
	int weekday = (int)((days % 7 + 11) % 7);
	if (weekday == 0 || weekday == 6)
		return true;
	if (site->office_from_min <= site->office_to_min)
		return minute < site->office_from_min ||
		       minute >= site->office_to_min;
	return minute < site->office_from_min &&
	       minute >= site->office_to_min; /* a night shift */
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes src into dst (cap > 0); '+' becomes a space. */
static size_t url_decode(const char *src, size_t n, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		int h, l;
		if (src[i] == '%' && i + 2 < n &&
		    (h = hexval(src[i + 1])) >= 0 &&
		    (l = hexval(src[i + 2])) >= 0) {
			dst[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			dst[o++] = src[i] == '+' ? ' ' : src[i];
		}
	}
	dst[o] = '\0';
	return o;
}

/* Twice: attackers double-encode (%252e%252e%252f) to slip past filters
 * that decode once. */
static void derive_decoded(lg_log_event *ev, lg_derive_buf *b)
{
	lg_slice q = ev->f[LG_FLD_CS_URI_QUERY];
	if (!present(q))
		q = ev->f[LG_FLD_CS_URI_STEM];
	ev->f[LG_FLD_URI_DECODED] = (lg_slice){NULL, 0};
	if (!present(q))
		return;
	if (!memchr(q.p, '%', q.n) && !memchr(q.p, '+', q.n)) {
		ev->f[LG_FLD_URI_DECODED] = q; /* nothing to decode */
		return;
	}
	char once[sizeof(b->decoded)];
	size_t n = url_decode(q.p, q.n, once, sizeof(once));
	n = url_decode(once, n, b->decoded, sizeof(b->decoded));
	ev->f[LG_FLD_URI_DECODED] = (lg_slice){b->decoded, n};
}

void lg_logs_derive_prefetch(const lg_log_event *ev, const lg_derive_buf *b)
{
	lg_slice ip = ev->f[LG_FLD_C_IP], path = ev->f[LG_FLD_CS_URI_STEM];
	if (present(ip))
		__builtin_prefetch(&b->ips[ip_slot(ip)]);
	if (stem_cached(ev)) {
		uint64_t h = XXH3_64bits(path.p, path.n);
		__builtin_prefetch(&b->stems[h >> (64 - LG_STEM_CACHE_BITS)]);
	}
}

void lg_logs_derive(const lg_site *site, lg_log_event *ev, lg_derive_buf *b)
{
	derive_actor(site, ev, b);
	derive_path(site, ev, b);
	lg_slice client = present(ev->f[LG_FLD_C_IP])
			      ? ev->f[LG_FLD_C_IP]
			      : ev->f[LG_FLD_MAIL_CLIENT];
	ev->f[LG_FLD_INTERNAL_CLIENT] =
	    present(client) ? flag(internal_addr(site, client, b))
			    : (lg_slice){0};
	lg_slice cache = ev->f[LG_FLD_CACHE_STATUS];
	ev->f[LG_FLD_CACHE_HIT] =
	    present(cache) ? flag(cache_hit(cache)) : (lg_slice){0};
	lg_slice ref = ev->f[LG_FLD_CS_REFERER];
	ev->f[LG_FLD_AD_CLICK] =
	    flag(ad_click(ev->f[LG_FLD_C_URI_QUERY]) ||
		 (present(ref) && memchr(ref.p, '?', ref.n) && ad_click(ref)));
	derive_mail(site, ev, b);
	ev->f[LG_FLD_OFF_HOURS] = ev->time_us == LG_TIME_NONE
				      ? (lg_slice){0}
				      : flag(off_hours(site, ev));
	derive_decoded(ev, b);
}
