/* parse_json.c: one JSON object per line (nginx escape=json, Caddy,
 * shippers). A small scanner rather than jansson: nginx writes bytes of
 * invalid UTF-8 into its JSON as they came (jansson rejects the line), and
 * a tree per line would be a malloc per line. Values stay in the line
 * unless they hold escapes, then they are decoded into the scratch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/logs_int.h"

#define JSON_MAX_DEPTH 32
#define JSON_MAX_PATH  256

typedef struct json_map_entry {
	char *path; /* dotted key: request.uri */
	int key;    /* lg_field or LG_KEY_* */
} json_map_entry;

typedef struct json_state {
	json_map_entry *map;
	size_t nmap;
} json_state;

typedef struct jcx {
	lg_log_parser *p;
	lg_log_event *ev;
	const json_state *js;
	const char *line, *s, *end;
	char path[JSON_MAX_PATH]; /* "a.b." of the enclosing objects */
	size_t plen;
	int depth;
} jcx;

static void json_free(void *state)
{
	json_state *js = state;
	for (size_t i = 0; i < js->nmap; i++)
		free(js->map[i].path);
	free(js->map);
	free(js);
}

static bool fail(jcx *c, const char *what)
{
	lg_parse_bad(c->p, (size_t)(c->s - c->line) + 1, "%s", what);
	return false;
}

static void ws(jcx *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' ||
				 *c->s == '\r' || *c->s == '\n'))
		c->s++;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char h = s[i];
		int d = h >= '0' && h <= '9'   ? h - '0'
			: h >= 'a' && h <= 'f' ? h - 'a' + 10
			: h >= 'A' && h <= 'F' ? h - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int hex2(const char *s)
{
	char four[4] = {'0', '0', s[0], s[1]};
	return hex4(four);
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* \uD83D\uDE00 pairs make one character; a lone surrogate is kept as its
 * three bytes rather than failing the line. */
static bool unicode_escape(const char **s, const char *e, char *o, size_t *k)
{
	int cp = e - *s >= 6 ? hex4(*s + 2) : -1;
	if (cp < 0)
		return false;
	*s += 6;
	if (cp >= 0xD800 && cp < 0xDC00 && e - *s >= 6 && (*s)[0] == '\\' &&
	    (*s)[1] == 'u') {
		int lo = hex4(*s + 2);
		if (lo >= 0xDC00 && lo < 0xE000) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			*s += 6;
		}
	}
	*k += put_utf8(o + *k, (unsigned)cp);
	return true;
}

static bool decode_escapes(const char *s, const char *e, char *o, size_t *k)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	*k = 0;
	while (s < e) {
		if (*s != '\\') {
			o[(*k)++] = *s++;
			continue;
		}
		if (e - s < 2)
			return false;
		const char *m = s[1] ? strchr(from, s[1]) : NULL;
		if (m) {
			o[(*k)++] = to[m - from];
			s += 2;
		} else if (s[1] == 'x' && e - s >= 4 && hex2(s + 2) >= 0) {
			/* nginx without escape=json writes \x22: not JSON,
			 * but what such logs hold */
			o[(*k)++] = (char)hex2(s + 2);
			s += 4;
		} else if (s[1] != 'u' || !unicode_escape(&s, e, o, k)) {
			return false;
		}
	}
	return true;
}

/* A string at c->s (on its quote): a slice of the line, or of the scratch
 * when it has escapes. */
static bool json_string(jcx *c, lg_slice *out)
{
	const char *start = c->s + 1;
	const char *close = lg_close_quote(start, c->end);
	if (!close)
		return fail(c, "no closing quote in a string");
	size_t raw = (size_t)(close - start);
	if (!memchr(start, '\\', raw)) {
		*out = (lg_slice){start, raw};
	} else {
		/* escapes only shrink: \uXXXX (6) is at most 3 bytes */
		char *o = lg_scratch(c->p, raw);
		size_t k;
		if (!o)
			return fail(c, "string too large for the scratch");
		if (!decode_escapes(start, close, o, &k))
			return fail(c, "a bad escape in a string");
		*out = (lg_slice){o, k};
	}
	c->s = close + 1;
	return true;
}

/* A number, true, false or null: kept as written. */
static bool json_bare(jcx *c, lg_slice *out, bool *is_null)
{
	const char *b = c->s;
	while (c->s < c->end &&
	       ((*c->s >= '0' && *c->s <= '9') || *c->s == '-' ||
		*c->s == '+' || *c->s == '.' || *c->s == 'e' || *c->s == 'E'))
		c->s++;
	*is_null = false;
	if (c->s == b) {
		static const char *const words[] = {"true", "false", "null"};
		for (int i = 0; i < 3; i++) {
			size_t wl = strlen(words[i]);
			if ((size_t)(c->end - b) >= wl &&
			    !memcmp(b, words[i], wl)) {
				c->s = b + wl;
				*is_null = i == 2;
				break;
			}
		}
	}
	if (c->s == b)
		return fail(c, "expected a JSON value");
	*out = (lg_slice){b, (size_t)(c->s - b)};
	return true;
}

static const json_map_entry *mapped(jcx *c, lg_slice key)
{
	for (size_t i = 0; i < c->js->nmap; i++) {
		const char *m = c->js->map[i].path;
		size_t ml = strlen(m);
		if (ml == c->plen + key.n && !memcmp(m, c->path, c->plen) &&
		    !memcmp(m + c->plen, key.p, key.n))
			return &c->js->map[i];
	}
	return NULL;
}

/* A scalar under `key`: the user's map first, then the common names by
 * the key's own name at any depth (Caddy nests them in "request"). */
static void json_scalar(jcx *c, lg_slice key, lg_slice v)
{
	const json_map_entry *m = c->js->nmap ? mapped(c, key) : NULL;
	int meaning = m ? m->key : lg_common_key(key.p, key.n, false);
	lg_slice name = key;
	if (meaning == LG_KEY_NONE && c->ev->nextra >= LG_LOG_MAX_EXTRA)
		return;
	if (meaning == LG_KEY_NONE && c->plen) {
		char *d = lg_scratch(c->p, c->plen + key.n);
		if (!d)
			return;
		memcpy(d, c->path, c->plen);
		memcpy(d + c->plen, key.p, key.n);
		name = (lg_slice){d, c->plen + key.n};
	}
	lg_store_keyed(c->p, c->ev, meaning, name.p, name.n, v.p, v.n);
}

static bool json_value(jcx *c, lg_slice key, bool take);

static bool json_object(jcx *c)
{
	c->s++;
	ws(c);
	if (c->s < c->end && *c->s == '}') {
		c->s++;
		return true;
	}
	for (;;) {
		lg_slice key;
		ws(c);
		if (c->s >= c->end || *c->s != '"')
			return fail(c, "expected a quoted key");
		if (!json_string(c, &key))
			return false;
		ws(c);
		if (c->s >= c->end || *c->s != ':')
			return fail(c, "expected ':' after a key");
		c->s++;
		ws(c);
		if (!json_value(c, key, true))
			return false;
		ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == '}') {
			c->s++;
			return true;
		}
		return fail(c, "expected ',' or '}' in an object");
	}
}

/* Arrays of headers (Caddy: "User-Agent": ["..."]) give their first
 * element to the key; the rest are read past. */
static bool json_array(jcx *c, lg_slice key)
{
	c->s++;
	ws(c);
	if (c->s < c->end && *c->s == ']') {
		c->s++;
		return true;
	}
	for (bool first = true;; first = false) {
		ws(c);
		if (!json_value(c, key, first))
			return false;
		ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == ']') {
			c->s++;
			return true;
		}
		return fail(c, "expected ',' or ']' in an array");
	}
}

static bool json_nested(jcx *c, lg_slice key)
{
	if (++c->depth > JSON_MAX_DEPTH)
		return fail(c, "objects nested too deep");
	size_t saved = c->plen;
	bool is_obj = *c->s == '{';
	/* a path too long to hold is left unextended: no map reaches it */
	if (is_obj && c->plen + key.n + 1 < JSON_MAX_PATH) {
		memcpy(c->path + c->plen, key.p, key.n);
		c->plen += key.n;
		c->path[c->plen++] = '.';
	}
	bool ok = is_obj ? json_object(c) : json_array(c, key);
	c->plen = saved;
	c->depth--;
	return ok;
}

static bool json_value(jcx *c, lg_slice key, bool take)
{
	if (c->s >= c->end)
		return fail(c, "expected a value, found the end of the line");
	if (*c->s == '{' || *c->s == '[')
		return json_nested(c, key);
	lg_slice v;
	bool is_null = false;
	if (*c->s == '"' ? !json_string(c, &v) : !json_bare(c, &v, &is_null))
		return false;
	if (take && !is_null)
		json_scalar(c, key, v);
	return true;
}

static lg_parse_result json_parse(lg_log_parser *p, const char *line, size_t n,
				  lg_log_event *ev)
{
	jcx c = {.p = p,
		 .ev = ev,
		 .js = p->state,
		 .line = line,
		 .s = line,
		 .end = line + n};
	ws(&c);
	if (c.s >= c.end || *c.s != '{') {
		lg_parse_bad(p, (size_t)(c.s - line) + 1,
			     "expected '{' (one JSON object per line)");
		return LG_PARSE_BAD;
	}
	c.depth = 1;
	if (!json_object(&c))
		return LG_PARSE_BAD;
	ws(&c);
	if (c.s < c.end)
		return lg_parse_bad(p, (size_t)(c.s - line) + 1,
				    "text after the JSON object");
	lg_finish_uri(p, ev);
	return LG_PARSE_EVENT;
}

/* "field=dotted.key": a field name, or time / request / query. */
static bool map_entry(json_map_entry *e, const char *spec, char *err,
		      size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char field[64];
	if (!eq || eq == spec || !eq[1] ||
	    (size_t)(eq - spec) >= sizeof(field)) {
		snprintf(err, errlen, "json map \"%s\": expected field=key",
			 spec);
		return false;
	}
	snprintf(field, sizeof(field), "%.*s", (int)(eq - spec), spec);
	lg_field f;
	if (!strcmp(field, "time"))
		e->key = LG_KEY_TIME;
	else if (!strcmp(field, "request"))
		e->key = LG_KEY_REQUEST;
	else if (!strcmp(field, "query"))
		e->key = LG_KEY_QUERY;
	else if (lg_field_from_name(field, &f) && f < LG_FLD_DERIVED)
		e->key = (int)f;
	else {
		snprintf(err, errlen,
			 "json map \"%s\": \"%s\" is not a log field", spec,
			 field);
		return false;
	}
	e->path = strdup(eq + 1);
	if (!e->path)
		snprintf(err, errlen, "out of memory for the json map");
	return e->path != NULL;
}

bool lg_json_init(lg_log_parser *p, const char *const *map, char *err,
		  size_t errlen)
{
	json_state *js = calloc(1, sizeof(*js));
	size_t n = 0;
	while (map && map[n])
		n++;
	if (js && n)
		js->map = calloc(n, sizeof(*js->map));
	if (!js || (n && !js->map)) {
		free(js);
		snprintf(err, errlen, "out of memory for the json parser");
		return false;
	}
	p->state = js;
	p->free_state = json_free;
	p->parse = json_parse;
	for (; js->nmap < n; js->nmap++) {
		if (!map_entry(&js->map[js->nmap], map[js->nmap], err, errlen))
			return false;
	}
	return true;
}
