/* listing.c: tells a directory listing from a page by the marks each
 * server writes (research/audits.md §2.3: never one string alone, since
 * Apache's HeaderName hides its <h1>) and reads its entries: links of an
 * HTML index, S3 ListBucketResult and Azure EnumerationResults keys,
 * nginx autoindex's json and xml. */
#include <expat.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/audit.h"
#include "util/util.h"

#define SNIFF_MAX (1u << 20) /* marks are looked for in the first MiB */

const char *lg_listing_server_name(lg_listing_server s)
{
	static const char *const names[] = {"none",
					    "Apache mod_autoindex",
					    "nginx autoindex",
					    "nginx autoindex (json)",
					    "nginx autoindex (xml)",
					    "IIS directory browsing",
					    "Python http.server",
					    "\"Index of\" page",
					    "S3 ListBucketResult",
					    "Azure EnumerationResults"};
	return (unsigned)s < sizeof(names) / sizeof(*names) ? names[s] : "?";
}

static bool has(const char *low, size_t n, const char *needle)
{
	return memmem(low, n, needle, strlen(needle)) != NULL;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && lg_is_space((unsigned char)*p))
		p++;
	return p;
}

/* `low` is the body lower-cased; XML element names are matched in it
 * too (S3's and Azure's are fixed strings). */
static lg_listing_server recognise_low(const char *low, size_t n)
{
	const char *p = skip_space(low, low + n), *end = low + n;
	/* nginx autoindex_format json: "[" then { "name":…, "type":… } */
	if (p < end && *p == '[' && has(low, n, "\"name\":\"") &&
	    has(low, n, "\"type\":\"") && has(low, n, "\"mtime\":\""))
		return LG_LISTING_NGINX_JSON;
	if (has(low, n, "<listbucketresult") && has(low, n, "<name>") &&
	    (has(low, n, "<contents>") || has(low, n, "<commonprefixes>") ||
	     has(low, n, "<istruncated>")))
		return LG_LISTING_S3;
	if (has(low, n, "<enumerationresults") && has(low, n, "<blobs"))
		return LG_LISTING_AZURE;
	/* nginx autoindex_format xml: <?xml version="1.0"?>\n<list> */
	if ((size_t)(end - p) >= 21 &&
	    !memcmp(p, "<?xml version=\"1.0\"?>", 21)) {
		const char *q = skip_space(p + 21, end);
		if ((size_t)(end - q) >= 6 && !memcmp(q, "<list>", 6))
			return LG_LISTING_NGINX_XML;
	}
	if (has(low, n, "<title>directory listing for ") &&
	    has(low, n, "<h1>directory listing for "))
		return LG_LISTING_PYTHON;
	int iis = has(low, n, "[to parent directory]</a>") +
		  has(low, n, "<br></pre><hr></body></html>") +
		  has(low, n, "&lt;dir&gt;");
	if (iis >= 2)
		return LG_LISTING_IIS;
	bool title = has(low, n, "<title>index of "),
	     h1 = has(low, n, "<h1>index of ");
	bool nginx = has(low, n, "<hr><pre><a href=\"../\">../</a>");
	bool apache = has(low, n, ">parent directory</a>") ||
		      has(low, n, "<a href=\"?c=n;o=d\">") ||
		      has(low, n, "<address>apache/");
	if (title + h1 + nginx + apache < 2)
		return LG_LISTING_NONE;
	return nginx	? LG_LISTING_NGINX
	       : apache ? LG_LISTING_APACHE
			: LG_LISTING_INDEX_OF;
}

static char *lower_copy(const char *body, size_t n, size_t *len)
{
	*len = n < SNIFF_MAX ? n : SNIFF_MAX;
	char *low = malloc(*len + 1);
	if (!low)
		return NULL;
	for (size_t i = 0; i < *len; i++)
		low[i] = (char)lg_to_lower((unsigned char)body[i]);
	low[*len] = '\0';
	return low;
}

lg_listing_server lg_listing_recognise(const char *body, size_t n)
{
	size_t len;
	char *low = lower_copy(body, n, &len);
	if (!low)
		return LG_LISTING_NONE;
	lg_listing_server s = recognise_low(low, len);
	free(low);
	return s;
}

/* ---- entries -------------------------------------------------------------
 */
typedef struct reader {
	lg_listing *l;
	size_t max;
	bool oom;
} reader;

static void add_entry(reader *r, const char *href, size_t len, bool dir,
		      int64_t size)
{
	if (r->oom || !len || memchr(href, '\0', len))
		return; /* no name, or one no server writes (a NUL in it) */
	if (r->l->n >= r->max) {
		r->l->truncated = true;
		return;
	}
	lg_listing_entry *e =
	    realloc(r->l->entries, (r->l->n + 1) * sizeof(*e));
	char *h = e ? strndup(href, len) : NULL;
	if (e)
		r->l->entries = e;
	if (!h) {
		r->oom = true;
		return;
	}
	r->l->entries[r->l->n++] = (lg_listing_entry){h, dir, size};
}

/* &amp; &lt; &gt; &quot; &#39; &#x27; in an href, in place. */
static size_t html_unescape(char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
		    {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k, el = 0;
		for (k = 0; k < sizeof(ents) / sizeof(*ents); k++) {
			el = strlen(ents[k].ent);
			if (n - i >= el &&
			    !lg_ascii_ncasecmp(s + i, ents[k].ent, el))
				break;
		}
		if (k < sizeof(ents) / sizeof(*ents)) {
			s[o++] = ents[k].c;
			i += el;
		} else {
			s[o++] = s[i++];
		}
	}
	return o;
}

/* Every <a href=…> of an HTML index but sort links (?C=N;O=D), anchors
 * and the parent; link_probe.c keeps only those under the listing. */
static void read_html(reader *r, const char *body, const char *low, size_t n)
{
	const char *end = low + n;
	for (const char *p = low;
	     (p = memmem(p, (size_t)(end - p), "<a", 2));) {
		p += 2;
		if (p >= end || !lg_is_space((unsigned char)*p))
			continue;
		const char *gt = memchr(p, '>', (size_t)(end - p));
		const char *h =
		    gt ? memmem(p, (size_t)(gt - p), "href", 4) : NULL;
		if (!h)
			continue;
		h = skip_space(h + 4, gt);
		if (h >= gt || *h != '=')
			continue;
		h = skip_space(h + 1, gt);
		char q = *h == '"' || *h == '\'' ? *h++ : 0;
		const char *e = h;
		while (e < gt &&
		       (q ? *e != q : !lg_is_space((unsigned char)*e)))
			e++;
		size_t len = (size_t)(e - h);
		char href[2048];
		if (!len || len >= sizeof(href))
			continue;
		memcpy(href, body + (h - low), len); /* the case as written */
		len = html_unescape(href, len);
		href[len] = '\0';
		if (href[0] == '?' || href[0] == '#' ||
		    !strncmp(href, "../", 3) || !strcmp(href, "..") ||
		    !lg_ascii_ncasecmp(href, "mailto:", 7) ||
		    !lg_ascii_ncasecmp(href, "javascript:", 11))
			continue;
		add_entry(r, href, len, href[len - 1] == '/', -1);
		p = gt;
	}
}

static void read_json(reader *r, const char *body, size_t n)
{
	json_error_t err;
	json_t *a = json_loadb(body, n, 0, &err);
	size_t i;
	json_t *v;
	if (!json_is_array(a)) {
		json_decref(a);
		return;
	}
	json_array_foreach (a, i, v) {
		const char *name =
		    json_string_value(json_object_get(v, "name"));
		const char *type =
		    json_string_value(json_object_get(v, "type"));
		json_t *size = json_object_get(v, "size");
		if (!name || !type)
			continue;
		bool dir = !strcmp(type, "directory");
		add_entry(r, name, strlen(name), dir,
			  json_is_integer(size) ? json_integer_value(size)
						: -1);
	}
	json_decref(a);
}

/* ---- the XML listings (expat) ---- */
typedef struct xml_state {
	reader *r;
	lg_listing_server server;
	int depth;
	bool in_item, in_prefix; /* Contents/Blob; CommonPrefixes/BlobPrefix */
	lg_buf text, key;
	int64_t size;
	bool text_on;
} xml_state;

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

static void x_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	xml_state *x = ud;
	x->depth++;
	lg_buf_reset(&x->text);
	x->text_on = true;
	if (x->server == LG_LISTING_S3 || x->server == LG_LISTING_AZURE) {
		if (!strcmp(el, "Contents") || !strcmp(el, "Blob")) {
			x->in_item = true;
			x->size = -1;
			lg_buf_reset(&x->key);
		} else if (!strcmp(el, "CommonPrefixes") ||
			   !strcmp(el, "BlobPrefix")) {
			x->in_prefix = true;
			lg_buf_reset(&x->key);
		} else if (!strcmp(el, "EnumerationResults")) {
			const char *c = attr(a, "ContainerName");
			if (c && !x->r->l->base && !(x->r->l->base = strdup(c)))
				x->r->oom = true;
		}
	} else if (!strcmp(el, "file")) { /* nginx xml */
		const char *s = attr(a, "size");
		x->size = s ? strtoll(s, NULL, 10) : -1;
	}
}

static void x_text(void *ud, const XML_Char *s, int len)
{
	xml_state *x = ud;
	if (x->text_on && x->text.len + (size_t)len < 4096 &&
	    !lg_buf_append(&x->text, s, (size_t)len))
		x->r->oom = true;
}

static void x_end(void *ud, const XML_Char *el)
{
	xml_state *x = ud;
	const char *t = x->text.data ? x->text.data : "";
	size_t tl = x->text.len;
	reader *r = x->r;
	x->depth--;
	if (x->server == LG_LISTING_NGINX_XML) {
		if (!strcmp(el, "file") || !strcmp(el, "directory"))
			add_entry(r, t, tl, el[0] == 'd',
				  el[0] == 'd' ? -1 : x->size);
	} else if (!strcmp(el, "Key") ||
		   (!strcmp(el, "Name") && (x->in_item || x->in_prefix)) ||
		   (!strcmp(el, "Prefix") && x->in_prefix)) {
		lg_buf_reset(&x->key);
		if (!lg_buf_append(&x->key, t, tl))
			r->oom = true;
	} else if (!strcmp(el, "Name") && x->depth == 1 && !r->l->base) {
		if (!(r->l->base = strndup(t, tl))) /* S3 <Name>: the bucket */
			r->oom = true;
	} else if (!strcmp(el, "Size") || !strcmp(el, "Content-Length")) {
		x->size = strtoll(t, NULL, 10);
	} else if (!strcmp(el, "IsTruncated")) {
		if (!strcmp(t, "true"))
			r->l->truncated = true;
	} else if (!strcmp(el, "NextMarker")) {
		if (tl)
			r->l->truncated = true;
	} else if (!strcmp(el, "Contents") || !strcmp(el, "Blob")) {
		x->in_item = false;
		add_entry(r, x->key.data, x->key.len, false, x->size);
	} else if (!strcmp(el, "CommonPrefixes") || !strcmp(el, "BlobPrefix")) {
		x->in_prefix = false;
		add_entry(r, x->key.data, x->key.len, true, -1);
	}
	lg_buf_reset(&x->text);
	x->text_on = false;
}

static void read_xml(reader *r, const char *body, size_t n,
		     lg_listing_server server)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p) {
		r->oom = true;
		return;
	}
	xml_state x = {.r = r, .server = server, .size = -1};
	XML_SetUserData(p, &x);
	XML_SetElementHandler(p, x_start, x_end);
	XML_SetCharacterDataHandler(p, x_text);
	/* a listing bigger than INT_MAX is read in pieces */
	while (n) {
		int chunk = n > (1u << 30) ? 1 << 30 : (int)n;
		if (XML_Parse(p, body, chunk, chunk == (int)n) != XML_STATUS_OK)
			break; /* what was read before the error stays */
		body += chunk;
		n -= (size_t)chunk;
	}
	XML_ParserFree(p);
	lg_buf_free(&x.text);
	lg_buf_free(&x.key);
}

lg_status lg_listing_parse(const char *body, size_t n, size_t max_entries,
			   lg_listing *out)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	char *low = lower_copy(body, n, &len);
	if (!low)
		return LG_ENOMEM;
	reader r = {out, max_entries, false};
	out->server = recognise_low(low, len);
	switch (out->server) {
	case LG_LISTING_NONE:
		break;
	case LG_LISTING_NGINX_JSON:
		read_json(&r, body, n);
		break;
	case LG_LISTING_S3:
	case LG_LISTING_AZURE:
	case LG_LISTING_NGINX_XML:
		read_xml(&r, body, n, out->server);
		break;
	default:
		read_html(&r, body, low, len);
		break;
	}
	free(low);
	return r.oom ? LG_ENOMEM : LG_OK;
}

void lg_listing_free(lg_listing *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->entries[i].href);
	free(l->entries);
	free(l->base);
	memset(l, 0, sizeof(*l));
}
