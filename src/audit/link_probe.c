/* link_probe.c: what a reachable link shows to anyone: fetched signed out
 * (no cookies), a sign-in page means not public; a directory listing is
 * walked, within bounds, and every file it exposes is fetched and read
 * by the scan engine, so the report can say "exposes 14 files; 2 hold
 * personal data of 267 people" (research/audits.md §2.4 steps 4 and 6). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakguard/audit.h"
#include "leakguard/scan.h"
#include "util/util.h"

#define N_(s) (s)

#define MAX_PAGES    50 /* listing pages followed */
#define MAX_DEPTH    4	/* sub-folders deep */
#define MAX_NAMED    5	/* files named in the evidence */
#define MAX_REDIRECT 5

typedef struct exposed_file {
	char *url;
	char *name; /* relative to the listing, decoded */
} exposed_file;

typedef struct probe {
	const lg_link_probe_options *opt;
	const char *target;
	lg_check_fn fn;
	void *ud;
	int stop;
	bool oom;
	/* the walk */
	char *root; /* the first listing's folder URL: entries stay under */
	lg_hashtab *seen;
	exposed_file *files;
	size_t nfiles, cap;
	uint64_t enumerated; /* files listed, kept or not */
	size_t folders, pages;
	bool more; /* a bound or IsTruncated left entries out */
	/* the scan */
	lg_people *people;
	uint64_t file_people, file_findings, file_types[LG_TYPE_COUNT];
	char file_masked[LG_VALUE_MAX];
	uint64_t pii_files, people_total, fetched, failed, unfetched;
	uint64_t bytes_left;
	lg_buf named;
	size_t nnamed;
} probe;

static void emit(probe *p, const char *id, lg_severity sev,
		 const char *evidence, const char *why, const char *fix)
{
	if (p->stop)
		return;
	lg_check c = {id, sev, p->target, 0, NULL, evidence, why, fix};
	p->stop = p->fn(&c, p->ud);
}

static lg_status fetch(probe *p, const char *url, size_t max_body,
		       lg_http_response *rs)
{
	lg_http_request rq = {.url = url,
			      .max_body = max_body ? max_body : 1,
			      .timeout_ms = p->opt->timeout_ms,
			      .max_redirects = MAX_REDIRECT};
	return lg_http_fetch(&rq, rs);
}

/* ---- URLs ----------------------------------------------------------------
 */
/* Length of "scheme://authority" in url (0 when not absolute). */
static size_t origin_len(const char *url)
{
	const char *s = strstr(url, "://");
	if (!s)
		return 0;
	s += 3;
	return (size_t)(s - url) + strcspn(s, "/?#");
}

/* href resolved against the page at base (RFC 3986 §5.2, without dot
 * segments, which no listing writes). Caller frees; NULL: out of memory.
 */
static char *resolve(const char *base, const char *href)
{
	lg_buf b = {0};
	size_t o = origin_len(base);
	bool ok;
	if (!lg_ascii_ncasecmp(href, "http://", 7) ||
	    !lg_ascii_ncasecmp(href, "https://", 8))
		ok = lg_buf_puts(&b, href);
	else if (href[0] == '/' && href[1] == '/')
		ok = lg_buf_append(&b, base,
				   (size_t)(strstr(base, "//") - base)) &&
		     lg_buf_puts(&b, href);
	else if (href[0] == '/')
		ok = lg_buf_append(&b, base, o) && lg_buf_puts(&b, href);
	else {
		size_t plen = o + strcspn(base + o, "?#");
		const char *slash = base + plen;
		while (slash > base + o && slash[-1] != '/')
			slash--;
		size_t keep = slash > base + o ? (size_t)(slash - base) : o;
		ok = lg_buf_append(&b, base, keep) &&
		     (keep > o || lg_buf_putc(&b, '/')) &&
		     lg_buf_puts(&b, href);
	}
	if (!ok) {
		lg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Percent-encodes a name or key for a URL path ('/' kept). */
static bool encode_path(lg_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool ok = lg_is_alnum(c) || strchr("-._~/", c)
			      ? lg_buf_putc(b, (char)c)
			      : lg_buf_printf(b, "%%%02X", c);
		if (!ok)
			return false;
	}
	return true;
}

static char *decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned hi, lo;
		if (*s == '%' && sscanf(s + 1, "%1x%1x", &hi, &lo) == 2) {
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

/* The folder URL of a page: up to its last '/', without the query. */
static char *folder_of(const char *url)
{
	size_t o = origin_len(url);
	size_t plen = o + strcspn(url + o, "?#");
	while (plen > o && url[plen - 1] != '/')
		plen--;
	lg_buf b = {0};
	if (!lg_buf_append(&b, url, plen ? plen : strlen(url)) ||
	    (plen == o && !lg_buf_putc(&b, '/'))) {
		lg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* ---- the walk ------------------------------------------------------------
 */
static void add_file(probe *p, char *url)
{
	p->enumerated++;
	if (p->nfiles >= p->opt->max_files || p->oom) {
		p->more = true;
		free(url);
		return;
	}
	if (p->nfiles == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		exposed_file *f = realloc(p->files, cap * sizeof(*f));
		if (!f) {
			p->oom = true;
			free(url);
			return;
		}
		p->files = f;
		p->cap = cap;
	}
	char *name = decode(url + strlen(p->root));
	if (!name) {
		p->oom = true;
		free(url);
		return;
	}
	p->files[p->nfiles++] = (exposed_file){url, name};
}

/* The object store's URL for key: S3 path style when the page's first
 * path segment is the bucket, else the host's root (virtual-hosted);
 * Azure: the container; a SAS query goes with each blob. */
static char *store_url(const char *page, const lg_listing *l, const char *key)
{
	size_t o = origin_len(page);
	lg_buf b = {0};
	bool ok = lg_buf_append(&b, page, o) && lg_buf_putc(&b, '/');
	const char *seg = page + o + (page[o] == '/');
	size_t slen = strcspn(seg, "/?#");
	if (ok && slen &&
	    (l->server == LG_LISTING_AZURE ||
	     (l->base && strlen(l->base) == slen &&
	      !strncmp(seg, l->base, slen))))
		ok = lg_buf_append(&b, seg, slen) && lg_buf_putc(&b, '/');
	ok = ok && encode_path(&b, key);
	const char *q = strchr(page, '?');
	if (ok && l->server == LG_LISTING_AZURE && q && strstr(q, "sig=")) {
		/* the SAS without the listing's own restype= and comp= */
		ok = lg_buf_putc(&b, '?');
		for (const char *s = q + 1; ok && *s;) {
			size_t n = strcspn(s, "&#");
			if (strncmp(s, "restype=", 8) && strncmp(s, "comp=", 5))
				ok = (b.data[b.len - 1] == '?' ||
				      lg_buf_putc(&b, '&')) &&
				     lg_buf_append(&b, s, n);
			s += n;
			if (*s != '&')
				break;
			s++;
		}
	}
	if (!ok) {
		lg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

static void walk(probe *p, const char *page, const char *body, size_t n,
		 int depth);

static void walk_entry(probe *p, const char *page, const lg_listing *l,
		       const lg_listing_entry *e, int depth)
{
	char *url;
	bool store =
	    l->server == LG_LISTING_S3 || l->server == LG_LISTING_AZURE;
	if (store) {
		if (e->dir) { /* S3 lists every key without a delimiter */
			p->folders++;
			return;
		}
		url = store_url(page, l, e->href);
	} else if (l->server == LG_LISTING_NGINX_JSON ||
		   l->server == LG_LISTING_NGINX_XML) {
		lg_buf b = {0};
		url = encode_path(&b, e->href) &&
			      (!e->dir || lg_buf_putc(&b, '/'))
			  ? resolve(page, b.data)
			  : NULL;
		lg_buf_free(&b);
	} else {
		url = resolve(page, e->href);
	}
	if (!url) {
		p->oom = true;
		return;
	}
	size_t rl = strlen(p->root);
	if (!store && (strncmp(url, p->root, rl) || !url[rl] ||
		       lg_hashtab_contains(p->seen, url))) {
		free(url); /* the parent, a sort link, off the listing */
		return;
	}
	if (!e->dir) {
		if (!store && !lg_hashtab_put(p->seen, url, NULL))
			p->oom = true;
		add_file(p, url);
		return;
	}
	p->folders++;
	if (!lg_hashtab_put(p->seen, url, NULL))
		p->oom = true;
	if (depth >= MAX_DEPTH || p->pages >= MAX_PAGES) {
		p->more = true;
		free(url);
		return;
	}
	lg_http_response rs;
	if (fetch(p, url, 8u << 20, &rs) == LG_OK && rs.status == 200 &&
	    rs.body)
		walk(p, url, (const char *)rs.body, rs.body_len, depth + 1);
	lg_http_response_free(&rs);
	free(url);
}

static void walk(probe *p, const char *page, const char *body, size_t n,
		 int depth)
{
	lg_listing l;
	p->pages++;
	if (lg_listing_parse(body, n, 10000, &l) != LG_OK)
		p->oom = true;
	if (l.truncated)
		p->more = true;
	for (size_t i = 0; i < l.n && !p->oom; i++)
		walk_entry(p, page, &l, &l.entries[i], depth);
	lg_listing_free(&l);
}

/* ---- scanning what was fetched -------------------------------------------
 */
static int on_finding(const char *path, const lg_finding *f, void *ud)
{
	probe *p = ud;
	(void)path;
	if (!lg_people_add(p->people, f))
		p->oom = true;
	if (!p->file_masked[0])
		lg_copy_cut(p->file_masked, sizeof(p->file_masked), f->masked);
	return 0;
}

static void on_text_end(const char *path, bool tabular, void *ud)
{
	probe *p = ud;
	lg_people_counts pc;
	(void)path;
	lg_people_end(p->people, tabular, &pc);
	p->file_people += pc.people;
	p->file_findings += pc.findings;
	for (int t = 0; t < LG_TYPE_COUNT; t++)
		p->file_types[t] += pc.per_type[t];
}

static void on_scan_error(const char *path, const char *m, int e, void *ud)
{
	(void)path, (void)m, (void)e, (void)ud; /* counted as not personal */
}

/* Scans body as the file `name` with the scan engine (documents and
 * archives too), in memory: nothing fetched is written to disk. Fills
 * p->file_*. */
static void scan_body(probe *p, const char *name, const uint8_t *body, size_t n)
{
	p->file_people = p->file_findings = 0;
	memset(p->file_types, 0, sizeof(p->file_types));
	p->file_masked[0] = '\0';
	const char *base = strrchr(name, '/');
	base = base && base[1] ? base + 1 : name;
	lg_scan_options so = {p->opt->detector, 1, false, NULL, 0, NULL, false};
	lg_scan_events ev = {on_finding, on_scan_error, NULL, on_text_end, p};
	lg_scan_stats st;
	if (lg_scan_memory(&so, base, body, n, &ev, &st) == LG_ENOMEM)
		p->oom = true;
}

/* "email 3, jp_phone 3" */
static void types_text(const uint64_t *per_type, lg_buf *b)
{
	bool first = true;
	for (int t = 0; t < LG_TYPE_COUNT; t++) {
		if (!per_type[t])
			continue;
		lg_buf_printf(b, "%s%s %llu", first ? "" : ", ",
			      lg_type_id((lg_type)t),
			      (unsigned long long)per_type[t]);
		first = false;
	}
}

static void scan_files(probe *p)
{
	for (size_t i = 0; i < p->nfiles && !p->oom; i++) {
		if (!p->bytes_left) {
			p->unfetched += p->nfiles - i;
			break;
		}
		lg_http_response rs;
		size_t cap = p->bytes_left < (64u << 20) ? (size_t)p->bytes_left
							 : (64u << 20);
		lg_status st = fetch(p, p->files[i].url, cap, &rs);
		if (st == LG_OK && rs.status == 200) {
			p->fetched++;
			p->bytes_left -= rs.body_len;
			scan_body(p, p->files[i].name, rs.body, rs.body_len);
			if (p->file_findings) {
				p->pii_files++;
				p->people_total += p->file_people;
				if (p->nnamed++ < MAX_NAMED) {
					lg_buf_printf(
					    &p->named, "%s %s: %llu people (",
					    p->nnamed > 1 ? ";" : "",
					    p->files[i].name,
					    (unsigned long long)p->file_people);
					types_text(p->file_types, &p->named);
					lg_buf_printf(&p->named, ") e.g. %s",
						      p->file_masked);
				}
			}
		} else {
			p->failed++;
		}
		if (st == LG_ENOMEM)
			p->oom = true;
		lg_http_response_free(&rs);
	}
}

static void report_listing(probe *p, lg_listing_server server)
{
	lg_buf ev = {0};
	lg_buf_printf(
	    &ev, "%s: exposes %s%llu file%s", lg_listing_server_name(server),
	    p->more ? "at least " : "", (unsigned long long)p->enumerated,
	    p->enumerated == 1 ? "" : "s");
	if (p->folders)
		lg_buf_printf(&ev, " in %zu folder%s", p->folders + 1,
			      p->folders ? "s" : "");
	lg_buf_printf(&ev, "; %llu hold%s personal data of %llu people",
		      (unsigned long long)p->pii_files,
		      p->pii_files == 1 ? "s" : "",
		      (unsigned long long)p->people_total);
	if (p->named.len)
		lg_buf_printf(&ev, " —%s", p->named.data);
	if (p->nnamed > MAX_NAMED)
		lg_buf_printf(&ev, "; and %zu more", p->nnamed - MAX_NAMED);
	uint64_t unscanned =
	    p->failed + p->unfetched + (p->enumerated - p->nfiles);
	if (unscanned)
		lg_buf_printf(&ev, " (%llu not scanned: bounds or errors)",
			      (unsigned long long)unscanned);
	if (!ev.data) {
		p->oom = true;
		return;
	}
	emit(p, "link.exposes", p->pii_files ? LG_SEV_CRITICAL : LG_SEV_HIGH,
	     ev.data,
	     N_("The link opens a directory listing: anyone who has it can "
		"see and download every file listed, and the files put there "
		"later."),
	     N_("Turn the listing off (autoindex off, Options -Indexes, "
		"S3 Block Public Access), link to single files, and move the "
		"personal data out of the public folder."));
	lg_buf_free(&ev);
}

/* ---- sign-in pages -------------------------------------------------------
 */
static bool sign_in_url(const char *url)
{
	static const char *const marks[] = {"://accounts.google.com/",
					    "://login.microsoftonline.com/",
					    "://login.live.com/",
					    "://account.box.com/login",
					    "/login",
					    "/signin",
					    "/sign-in",
					    "/servicelogin",
					    "/_layouts/15/authenticate"};
	if (!url)
		return false;
	char low[1024];
	size_t n = lg_copy_cut(low, sizeof(low), url);
	for (size_t i = 0; i < n; i++)
		low[i] = (char)lg_to_lower((unsigned char)low[i]);
	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
		if (strstr(low, marks[i]))
			return true;
	return false;
}

static void single_file(probe *p, const lg_link_info *li,
			const lg_http_response *rs)
{
	const char *name = rs->final_url ? rs->final_url : p->target;
	size_t nlen = strcspn(name, "?#");
	char nm[256];
	snprintf(nm, sizeof(nm), "%.*s", (int)(nlen < 255 ? nlen : 255), name);
	scan_body(p, nm, rs->body, rs->body_len);
	if (!p->file_findings)
		return;
	lg_buf ev = {0};
	lg_buf_printf(&ev, "the file holds personal data of %llu people (",
		      (unsigned long long)p->file_people);
	types_text(p->file_types, &ev);
	lg_buf_printf(&ev, ") e.g. %s%s", p->file_masked,
		      rs->truncated ? " (first part read)" : "");
	if (!ev.data) {
		p->oom = true;
		return;
	}
	emit(p, "link.personal-data",
	     li->expiry == LG_EXPIRY_PERMANENT ? LG_SEV_CRITICAL : LG_SEV_HIGH,
	     ev.data,
	     N_("The linked file itself holds personal data, readable by "
		"anyone who gets the link."),
	     N_("Do not share this file by link: remove the personal data, "
		"or send it through a channel limited to its recipients."));
	lg_buf_free(&ev);
}

static bool probe_init(probe *p, const lg_link_probe_options *opt)
{
	p->seen = lg_hashtab_new();
	p->people = lg_people_new();
	p->bytes_left = opt->max_bytes;
	return p->seen && p->people;
}

static void probe_free(probe *p)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].url);
		free(p->files[i].name);
	}
	free(p->files);
	free(p->root);
	lg_hashtab_free(p->seen);
	lg_people_free(p->people);
	lg_buf_free(&p->named);
}

static void judge(probe *p, const lg_link_info *li, lg_http_response *rs)
{
	char ev[160];
	if (rs->status == 401 || rs->status == 403 ||
	    sign_in_url(rs->final_url)) {
		snprintf(ev, sizeof(ev), "HTTP %ld%s", rs->status,
			 sign_in_url(rs->final_url) ? ", sent to a sign-in page"
						    : "");
		emit(p, "link.not-public", LG_SEV_INFO, ev,
		     N_("Signed out, the link asks to sign in: only people "
			"with access can open it."),
		     N_("Nothing to do, if the people the ad or mail goes to "
			"are meant to sign in."));
		return;
	}
	if (rs->status < 200 || rs->status > 299) {
		snprintf(ev, sizeof(ev), "HTTP %ld", rs->status);
		emit(p, "link.unavailable", LG_SEV_INFO, ev,
		     N_("The link does not lead to content now (an error or "
			"a page gone); readers will see an error."),
		     N_("Check the link is the one meant before it ships."));
		return;
	}
	lg_listing_server server =
	    lg_listing_recognise((const char *)rs->body, rs->body_len);
	if (server != LG_LISTING_NONE) {
		const char *page = rs->final_url ? rs->final_url : p->target;
		if (!(p->root = folder_of(page)) ||
		    !lg_hashtab_put(p->seen, page, NULL)) {
			p->oom = true;
			return;
		}
		walk(p, page, (const char *)rs->body, rs->body_len, 0);
		scan_files(p);
		if (!p->oom)
			report_listing(p, server);
		return;
	}
	/* a share provider's page is its viewer, not the file */
	if (li->provider == LG_LINK_WEB || li->provider == LG_LINK_S3 ||
	    li->provider == LG_LINK_GCS || li->provider == LG_LINK_AZURE_BLOB)
		single_file(p, li, rs);
}

lg_status lg_link_probe(const char *url, const lg_link_info *li,
			const lg_link_probe_options *opt, lg_check_fn fn,
			void *ud, char *err, size_t errlen)
{
	lg_link_probe_options o = *opt;
	if (!o.max_files)
		o.max_files = 100;
	if (!o.max_bytes)
		o.max_bytes = 64u << 20;
	char *target = lg_link_redact(url);
	probe p = {.opt = &o, .target = target, .fn = fn, .ud = ud};
	if (!target || !probe_init(&p, &o)) {
		snprintf(err, errlen, "%s",
			 target && p.seen && p.people ? strerror(errno)
						      : "out of memory");
		probe_free(&p);
		free(target);
		return target && p.seen && p.people ? LG_EIO : LG_ENOMEM;
	}
	lg_http_response rs;
	size_t first =
	    o.max_bytes < (64u << 20) ? (size_t)o.max_bytes : (64u << 20);
	lg_status st = fetch(&p, url, first, &rs);
	if (st == LG_EIO)
		snprintf(err, errlen, "%s", rs.error);
	else if (st == LG_OK)
		judge(&p, li, &rs);
	lg_http_response_free(&rs);
	probe_free(&p);
	free(target);
	if (st == LG_OK && p.oom)
		st = LG_ENOMEM;
	if (st == LG_ENOMEM)
		snprintf(err, errlen, "out of memory");
	return st;
}
