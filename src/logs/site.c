/* site.c: the site configuration (site.yaml): which paths are private,
 * shared, for logging in or exporting, which networks and mail domains
 * are the organisation's own, how sessions and users appear in the logs.
 * Rules speak of "a private path" and "an outside actor"; this file says
 * what those are for one site. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <sys/random.h>

#include "logs_site.h"
#include "util/crypto_api.h"
#include "util/util.h"

/* Pages that show one user's own data on typical Japanese shops,
 * ticketing and member sites (the cache incident's /mypage). */
static const char *const default_private[] = {
    "/mypage", "/my/",	    "/account", "/api/me", "/member",	"/members/",
    "/user/",  "/settings", "/orders",	"/cart",   "/checkout", NULL};
static const char *const default_login[] = {
    "/login",	  "/signin",	 "/sign_in", "/wp-login.php",	"/user/login",
    "/api/login", "/auth/login", "/session", "/password/reset", NULL};
static const char *const default_export[] = {"/export", "/admin/export",
					     "/download", "/api/export", NULL};
/* RFC 1918, loopback, link-local, unique local IPv6 */
static const char *const default_internal[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
    "::1/128",	  "fc00::/7",	   "fe80::/10",	     NULL};
/* Session cookies of common frameworks, tried when none is configured */
static const char *const default_cookies[] = {
    "sid",	   "session",	      "sessionid",
    "PHPSESSID",   "JSESSIONID",      "connect.sid",
    "_session_id", "laravel_session", "ASP.NET_SessionId",
    NULL};

/* ---- string lists ------------------------------------------------------- */
static bool list_add(lg_strlist *l, const char *s, size_t n)
{
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	char *c = strndup(s, n);
	if (!c)
		return false;
	l->v[l->n++] = c;
	l->v[l->n] = NULL;
	return true;
}

static void list_free(lg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool list_set_defaults(lg_strlist *l, const char *const *d)
{
	for (; *d; d++) {
		if (!list_add(l, *d, strlen(*d)))
			return false;
	}
	return true;
}

static bool nets_add(lg_site *s, const char *text)
{
	lg_cidr c;
	if (!lg_cidr_parse(text, strlen(text), &c))
		return false;
	if (s->nnets == s->capnets) {
		size_t cap = s->capnets ? s->capnets * 2 : 8;
		lg_cidr *v = realloc(s->nets, cap * sizeof(*v));
		if (!v)
			return false;
		s->nets = v;
		s->capnets = cap;
	}
	s->nets[s->nnets++] = c;
	return true;
}

/* ---- the YAML file ---------------------------------------------------------
 */
typedef struct site_loader {
	yaml_document_t *doc;
	const char *path;
	char *err;
	size_t errlen;
} site_loader;

/* "FILE:LINE: reason" (no LINE when 0) in err. A path too long for err
 * keeps its end (the file's name), after "...", so that the reason is
 * always told: a session_key_file may name any path. */
static void site_err(char *err, size_t errlen, const char *path,
		     unsigned long line, const char *reason)
{
	char at[24] = "";
	if (line)
		snprintf(at, sizeof(at), ":%lu", line);
	size_t pl = strlen(path), fixed = strlen(at) + 2 + strlen(reason);
	size_t room = errlen > fixed + 64 ? errlen - fixed - 1 : 64;
	const char *lead = "";
	if (pl > room) {
		path += pl - (room - 3);
		while ((*path & 0xC0) == 0x80) /* not inside a character */
			path++;
		lead = "...";
	}
	snprintf(err, errlen, "%s%s%s: %s", lead, path, at, reason);
}

static bool fail(site_loader *L, const yaml_node_t *n, const char *what)
{
	site_err(L->err, L->errlen, L->path,
		 n ? (unsigned long)n->start_mark.line + 1 : 1UL, what);
	return false;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
		   ? (const char *)n->data.scalar.value
		   : NULL;
}

/* A scalar or a sequence of scalars into a list (replacing defaults). */
static bool load_list(site_loader *L, const yaml_node_t *n, lg_strlist *l)
{
	list_free(l);
	if (scalar(n))
		return list_add(l, scalar(n), strlen(scalar(n))) ||
		       fail(L, n, "out of memory");
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return fail(L, n, "expected a list");
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     i < n->data.sequence.items.top; i++) {
		const yaml_node_t *item = yaml_document_get_node(L->doc, *i);
		if (!scalar(item))
			return fail(L, item, "expected a string in the list");
		if (!list_add(l, scalar(item), strlen(scalar(item))))
			return fail(L, item, "out of memory");
	}
	return true;
}

static bool load_networks(site_loader *L, lg_site *s, const yaml_node_t *n)
{
	lg_strlist l = {0};
	bool ok = load_list(L, n, &l);
	s->nnets = 0;
	for (size_t i = 0; ok && i < l.n; i++) {
		if (!nets_add(s, l.v[i])) {
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "'%.80s' is not a network (10.0.0.0/8, "
				 "2001:db8::/32)",
				 l.v[i]);
			ok = fail(L, n, msg);
		}
	}
	list_free(&l);
	return ok;
}

/* "08:00-20:00" */
static bool load_hours(site_loader *L, lg_site *s, const yaml_node_t *n)
{
	unsigned h1, m1, h2, m2;
	char tail;
	const char *v = scalar(n);
	if (!v || sscanf(v, "%u:%u-%u:%u%c", &h1, &m1, &h2, &m2, &tail) != 4 ||
	    h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59)
		return fail(L, n, "office_hours must look like 08:00-20:00");
	s->office_from_min = (int)(h1 * 60 + m1);
	s->office_to_min = (int)(h2 * 60 + m2);
	return true;
}

/* "+09:00", "-05:00", "Z" */
static bool load_tz(site_loader *L, lg_site *s, const yaml_node_t *n)
{
	const char *v = scalar(n);
	unsigned h, m;
	char sign, tail;
	if (v && !strcmp(v, "Z")) {
		s->tz_min = 0;
	} else if (v && sscanf(v, "%c%u:%u%c", &sign, &h, &m, &tail) == 3 &&
		   (sign == '+' || sign == '-') && h <= 14 && m <= 59) {
		s->tz_min = (int)(h * 60 + m) * (sign == '-' ? -1 : 1);
	} else {
		return fail(L, n, "timezone must look like +09:00");
	}
	s->tz_set = true;
	return true;
}

static bool load_string(site_loader *L, const yaml_node_t *n, char **out)
{
	if (!scalar(n))
		return fail(L, n, "expected a string");
	free(*out);
	*out = strdup(scalar(n));
	return *out || fail(L, n, "out of memory");
}

/* json_fields: {c-ip: client.address, …} into "c-ip=client.address" */
static bool load_json_fields(site_loader *L, lg_site *s, const yaml_node_t *n)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return fail(L, n, "json_fields must map field names to keys");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(L->doc, p->key));
		const char *v =
		    scalar(yaml_document_get_node(L->doc, p->value));
		if (!k || !v)
			return fail(L, n, "json_fields entries are field: key");
		char buf[256];
		int len = snprintf(buf, sizeof(buf), "%s=%s", k, v);
		if (len < 0 || (size_t)len >= sizeof(buf) ||
		    !list_add(&s->json_map, buf, (size_t)len))
			return fail(L, n, "json_fields entry too long");
	}
	return true;
}

/* A cookie name is an RFC 6265 token: no spaces, separators or
 * controls; and short (nginx logs it as $cookie_NAME). */
static bool cookie_names_ok(site_loader *L, const yaml_node_t *n,
			    const lg_site *s)
{
	for (size_t i = 0; i < s->cookies.n; i++) {
		const char *c = s->cookies.v[i];
		size_t len = strlen(c);
		bool ok = len > 0 && len <= 100;
		for (size_t k = 0; ok && k < len; k++)
			ok = c[k] > 32 && c[k] < 127 &&
			     !strchr("()<>@,;:\\\"/[]?={}", c[k]);
		if (!ok) {
			char msg[200];
			snprintf(msg, sizeof(msg),
				 "session_cookie '%.60s' is not a cookie name",
				 c);
			return fail(L, n, msg);
		}
	}
	return true;
}

static bool load_key(site_loader *L, lg_site *s, const char *key,
		     const yaml_node_t *v)
{
	if (!strcmp(key, "private_paths"))
		return load_list(L, v, &s->private_paths);
	if (!strcmp(key, "shared_paths"))
		return load_list(L, v, &s->shared_paths);
	if (!strcmp(key, "login_paths"))
		return load_list(L, v, &s->login_paths);
	if (!strcmp(key, "export_paths"))
		return load_list(L, v, &s->export_paths);
	if (!strcmp(key, "internal_mail_domains"))
		return load_list(L, v, &s->mail_domains);
	if (!strcmp(key, "internal_networks"))
		return load_networks(L, s, v);
	if (!strcmp(key, "session_cookie"))
		return load_list(L, v, &s->cookies) && cookie_names_ok(L, v, s);
	if (!strcmp(key, "user_field"))
		return load_string(L, v, &s->user_field);
	if (!strcmp(key, "office_hours"))
		return load_hours(L, s, v);
	if (!strcmp(key, "timezone"))
		return load_tz(L, s, v);
	if (!strcmp(key, "json_fields"))
		return load_json_fields(L, s, v);
	if (!strcmp(key, "session_key_file"))
		return load_string(L, v, &s->key_file);
	char msg[160];
	snprintf(msg, sizeof(msg), "unknown key '%.60s'", key);
	return fail(L, v, msg);
}

static bool load_doc(site_loader *L, lg_site *s)
{
	yaml_node_t *root = yaml_document_get_root_node(L->doc);
	if (!root)
		return true; /* an empty file: the defaults */
	if (root->type != YAML_MAPPING_NODE)
		return fail(L, root, "expected a mapping of settings");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
		if (!scalar(k))
			return fail(L, k, "expected a setting name");
		if (!load_key(L, s, scalar(k), v))
			return false;
	}
	return true;
}

/* A relative session_key_file is beside the configuration, as a reader
 * of the file expects, not in whatever folder leakguard runs from. */
static bool key_file_beside(lg_site *s, const char *conf)
{
	const char *slash = strrchr(conf, '/');
	if (!s->key_file || s->key_file[0] == '/' || !slash)
		return true;
	size_t dl = (size_t)(slash - conf) + 1, kl = strlen(s->key_file);
	char *full = malloc(dl + kl + 1);
	if (!full)
		return false;
	memcpy(full, conf, dl);
	memcpy(full + dl, s->key_file, kl + 1);
	free(s->key_file);
	s->key_file = full;
	return true;
}

static lg_status load_file(lg_site *s, const char *path, char *err,
			   size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		site_err(err, errlen, path, 0, strerror(errno));
		return LG_EINVAL;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	lg_status rc = LG_OK;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		site_err(err, errlen, path,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "bad YAML");
		rc = LG_EINVAL;
	} else {
		site_loader L = {&doc, path, err, errlen};
		if (!load_doc(&L, s))
			rc = LG_EINVAL;
		else if (!key_file_beside(s, path))
			rc = LG_ENOMEM;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* ---- the session key --------------------------------------------------------
 */
/* The key sessions are hashed with: the configured file, else one kept in
 * the user's data folder (made 0600 on first use) so that the same cookie
 * is the same actor across runs, else a key for this run only. Cookie
 * values themselves are never kept. */
static bool read_key(const char *path, uint8_t key[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, key, 32);
	close(fd);
	return n == 32;
}

static bool make_key(const char *path, uint8_t key[32])
{
	if (!lg_mkdir_parent(path))
		return false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	bool ok = write(fd, key, 32) == 32;
	close(fd);
	return ok;
}

static lg_status load_session_key(lg_site *s, char *err, size_t errlen)
{
	if (s->key_file) {
		if (read_key(s->key_file, s->session_key))
			return LG_OK;
		char why[160];
		snprintf(why, sizeof(why),
			 "cannot read a 32-byte session key (%s)",
			 errno ? strerror(errno) : "too short");
		site_err(err, errlen, s->key_file, 0, why);
		return LG_EINVAL;
	}
	char path[1024];
	if (!lg_data_path("session.key", path, sizeof(path)))
		path[0] = '\0';
	if (path[0] && read_key(path, s->session_key))
		return LG_OK;
	if (getrandom(s->session_key, 32, 0) != 32) {
		snprintf(err, errlen, "no random bytes for the session key");
		return LG_EINTERNAL;
	}
	if (path[0] && !make_key(path, s->session_key))
		(void)read_key(path, s->session_key); /* another run made it */
	return LG_OK;
}

/* ---- public
 * ------------------------------------------------------------------
 */
static bool set_defaults(lg_site *s)
{
	s->office_from_min = 8 * 60;
	s->office_to_min = 20 * 60;
	bool ok = list_set_defaults(&s->private_paths, default_private) &&
		  list_set_defaults(&s->login_paths, default_login) &&
		  list_set_defaults(&s->export_paths, default_export) &&
		  list_set_defaults(&s->cookies, default_cookies);
	for (const char *const *n = default_internal; ok && *n; n++)
		ok = nets_add(s, *n);
	return ok;
}

static bool prefixes_make(lg_prefixes *out, const lg_strlist *l)
{
	free(out->v);
	memset(out, 0, sizeof(*out));
	out->v = calloc(l->n + 1, sizeof(*out->v));
	if (!out->v)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		lg_prefix *x = &out->v[out->n++];
		x->p = l->v[i];
		x->n = strlen(l->v[i]);
		x->s3 = !strncmp(l->v[i], "s3://", 5);
		out->any_s3 |= x->s3;
		if (x->s3)
			continue;
		if (x->n < 3 || x->p[0] != '/') {
			out->any_short = true;
			continue;
		}
		unsigned k = lg_prefix_pair(x->p + 1);
		out->pair[k >> 6] |= 1ULL << (k & 63);
	}
	return true;
}

/* What derive.c looks up on every event, worked out once. */
static bool site_prepare(lg_site *s)
{
	if (!prefixes_make(&s->private_pfx, &s->private_paths) ||
	    !prefixes_make(&s->shared_pfx, &s->shared_paths) ||
	    !prefixes_make(&s->login_pfx, &s->login_paths) ||
	    !prefixes_make(&s->export_pfx, &s->export_paths))
		return false;
	list_free(&s->cookie_vars);
	for (size_t i = 0; i < s->cookies.n; i++) {
		char var[160];
		int n =
		    snprintf(var, sizeof(var), "cookie_%s", s->cookies.v[i]);
		if (n < 0 || (size_t)n >= sizeof(var) ||
		    !list_add(&s->cookie_vars, var, (size_t)n))
			return false;
	}
	if (!s->user_field || !lg_field_from_name(s->user_field, &s->user_fld))
		s->user_fld = LG_FLD_COUNT;
	return true;
}

lg_status lg_site_load(const char *path, lg_site **out, char *err,
		       size_t errlen)
{
	*out = NULL;
	lg_site *s = calloc(1, sizeof(*s));
	if (!s || !set_defaults(s)) {
		lg_site_free(s);
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	lg_status rc = path ? load_file(s, path, err, errlen) : LG_OK;
	const char *why = rc == LG_OK ? lg_crypto_ready() : NULL;
	if (why) { /* the session hashes need it */
		snprintf(err, errlen, "cannot load libcrypto: %s", why);
		rc = LG_EINTERNAL;
	}
	if (rc == LG_OK)
		rc = load_session_key(s, err, errlen);
	if (rc == LG_OK && !site_prepare(s)) {
		snprintf(err, errlen, "out of memory");
		rc = LG_ENOMEM;
	}
	if (rc != LG_OK) {
		lg_site_free(s);
		return rc;
	}
	*out = s;
	return LG_OK;
}

bool lg_site_timezone(const lg_site *s, int *tz_min)
{
	if (!s || !s->tz_set)
		return false;
	*tz_min = s->tz_min;
	return true;
}

const char *const *lg_site_json_map(const lg_site *s)
{
	return s && s->json_map.n ? (const char *const *)s->json_map.v : NULL;
}

const char *const *lg_site_private_paths(const lg_site *s)
{
	static const char *const none[] = {NULL};
	return s->private_paths.n ? (const char *const *)s->private_paths.v
				  : none;
}

const char *const *lg_site_session_cookies(const lg_site *s)
{
	static const char *const none[] = {NULL};
	return s->cookies.n ? (const char *const *)s->cookies.v : none;
}

void lg_site_free(lg_site *s)
{
	if (!s)
		return;
	list_free(&s->private_paths);
	list_free(&s->shared_paths);
	list_free(&s->login_paths);
	list_free(&s->export_paths);
	list_free(&s->mail_domains);
	list_free(&s->cookies);
	list_free(&s->cookie_vars);
	list_free(&s->json_map);
	free(s->private_pfx.v);
	free(s->shared_pfx.v);
	free(s->login_pfx.v);
	free(s->export_pfx.v);
	free(s->nets);
	free(s->user_field);
	free(s->key_file);
	free(s);
}
