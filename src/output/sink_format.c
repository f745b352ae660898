/* sink_format.c: an alert as each sink sends it: a JSON line, a syslog
 * line, Slack mrkdwn, a Teams MessageCard, a Chatwork message, in English
 * or Japanese. Every text is made from the alert alone, which carries no
 * cookie or request content, so no more personal data leaves than the
 * alert already shows. */
#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "leakguard/output.h"
#include "leakguard/text.h"
#include "sink_int.h"
#include "util/util.h"

enum {
	L_SEVERITY,
	L_RULE,
	L_ACTOR,
	L_TARGET,
	L_COUNT,
	L_DISTINCT,
	L_SUM,
	L_GROUP,
	L_SPAN,
	L_STATE,
	L_OPEN,
	L_CLOSED,
	L_USER,
	L_SESSION,
	L_HEADING,
	L_NLABELS
};

static const char *const labels[2][L_NLABELS] = {
    {"Severity", "Rule", "Actor", "Target", "Count", "Distinct values", "Sum",
     "Group", "Span", "State", "open: hits still coming", "closed", "user",
     "session", "leakguard alert"},
    {"重大度", "ルール", "行為者", "対象", "件数", "異なる値の数", "合計",
     "グループ", "期間", "状態", "継続中", "終了", "ユーザー", "セッション",
     "leakguard アラート"},
};

/* as po/ja.po has them, so the terminal and the chat agree */
static const char *const severity_ja[] = {"情報", "低", "中", "高", "緊急"};

static const char *severity_word(const lg_sink *s, lg_severity v)
{
	if (s->ja && (unsigned)v <= LG_SEV_CRITICAL)
		return severity_ja[v];
	return lg_severity_name(v);
}

/* Appends log-derived text as valid UTF-8 (jansson refuses anything
 * else) with control characters as spaces: a newline in a user name must
 * not forge a second syslog line or chat paragraph, nor a direction
 * override (U+202E) make the chat show another actor or path. */
static bool put_clean(lg_buf *b, const char *s)
{
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;
	bool ok = true;
	while (i < n && ok) {
		uint32_t cp;
		size_t len = lg_utf8_decode(p + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1)
			ok = lg_buf_puts(b, "\xEF\xBF\xBD");
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
			 (cp >= 0x202A && cp <= 0x202E) ||
			 (cp >= 0x2066 && cp <= 0x2069))
			ok = lg_buf_putc(b, ' ');
		else
			ok = lg_buf_append(b, p + i, len);
		i += len;
	}
	return ok && lg_buf_append(b, "", 0); /* NUL even when empty */
}

static const char *actor_name(const lg_alert *a)
{
	return a->actor_user	  ? a->actor_user
	       : a->actor_session ? a->actor_session
	       : a->actor_ip	  ? a->actor_ip
				  : NULL;
}

/* ---- the facts every chat message shows ---------------------------------
 */
typedef struct fact {
	const char *label;
	lg_buf value;
} fact;

typedef struct card {
	lg_buf title;	 /* "leakguard alert: [critical] Cached …" */
	size_t title_at; /* where the rule's own title starts in it */
	unsigned n;
	fact f[12];
	bool oom;
} card;

static lg_buf *add_fact(card *c, const char *label)
{
	assert(c->n < sizeof(c->f) / sizeof(c->f[0]));
	fact *f = &c->f[c->n++];
	f->label = label;
	return &f->value;
}

static void put_actor(card *c, const char *const *L, const lg_alert *a)
{
	lg_buf *v = add_fact(c, L[L_ACTOR]);
	const char *sep = "";
	if (a->actor_user) {
		c->oom |= !lg_buf_printf(v, "%s ", L[L_USER]) ||
			  !put_clean(v, a->actor_user);
		sep = ", ";
	}
	if (a->actor_session) {
		c->oom |= !lg_buf_printf(v, "%s%s ", sep, L[L_SESSION]) ||
			  !put_clean(v, a->actor_session);
		sep = ", ";
	}
	if (a->actor_ip)
		c->oom |= !lg_buf_printf(v, "%sIP ", sep) ||
			  !put_clean(v, a->actor_ip);
	if (!v->len)
		c->oom |= !lg_buf_puts(v, "-");
}

static void put_counts(card *c, const char *const *L, const lg_alert *a)
{
	c->oom |= !lg_buf_printf(add_fact(c, L[L_COUNT]), "%llu",
				 (unsigned long long)a->count);
	if (a->distinct)
		c->oom |= !lg_buf_printf(add_fact(c, L[L_DISTINCT]), "%llu",
					 (unsigned long long)a->distinct);
	if (a->sum > 0)
		c->oom |= !lg_buf_printf(add_fact(c, L[L_SUM]), "%.0f", a->sum);
}

static bool card_build(card *c, const lg_sink *s, const lg_alert *a)
{
	const char *const *L = labels[s->ja];
	const char *sev = severity_word(s, a->severity);
	memset(c, 0, sizeof(*c));
	c->oom |= !lg_buf_printf(&c->title, "%s: [%s] ", L[L_HEADING], sev);
	c->title_at = c->title.len;
	c->oom |= !put_clean(&c->title, a->title ? a->title : a->rule_id);
	c->oom |= !lg_buf_puts(add_fact(c, L[L_SEVERITY]), sev);
	/* live runs send an alert when it opens and again when it closes:
	 * the two messages must not read as two incidents */
	if (a->state)
		c->oom |=
		    !lg_buf_puts(add_fact(c, L[L_STATE]),
				 !strcmp(a->state, "open")     ? L[L_OPEN]
				 : !strcmp(a->state, "closed") ? L[L_CLOSED]
							       : a->state);
	c->oom |= !put_clean(add_fact(c, L[L_RULE]), a->rule_id);
	put_actor(c, L, a);
	lg_buf *t = add_fact(c, L[L_TARGET]);
	c->oom |= !put_clean(t, a->host ? a->host : "") ||
		  !put_clean(t, a->path ? a->path : "");
	if (!t->len)
		c->oom |= !lg_buf_puts(t, "-");
	put_counts(c, L, a);
	if (a->group)
		c->oom |= !put_clean(add_fact(c, L[L_GROUP]), a->group);
	char t1[40], t2[40];
	lg_time_iso(a->first_us, a->tz_min, t1, sizeof(t1));
	lg_time_iso(a->last_us, a->tz_min, t2, sizeof(t2));
	c->oom |= !lg_buf_printf(add_fact(c, L[L_SPAN]), "%s %s %s", t1,
				 s->ja ? "〜" : "-", t2);
	return !c->oom;
}

static void card_free(card *c)
{
	lg_buf_free(&c->title);
	for (unsigned i = 0; i < c->n; i++)
		lg_buf_free(&c->f[i].value);
}

/* ---- per sink -----------------------------------------------------------
 */
static char *json_payload(const lg_alert *a, bool newline)
{
	json_t *j = lg_alert_json(a);
	if (!j)
		return NULL;
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
				       JSON_REAL_PRECISION(4));
	json_decref(j);
	if (!text || !newline)
		return text;
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	memcpy(line + n, "\n", 2);
	return line;
}

/* "key=value ": spaces, '%' and '=' in the value percent-encoded so that
 * the line still splits into its keys whatever a log put in a user name
 * (the title, a rule's own text, goes last and as it is). */
static bool put_kv(lg_buf *b, const char *key, const char *v)
{
	bool ok = lg_buf_printf(b, "%s=", key);
	if (!v || !*v)
		ok = ok && lg_buf_putc(b, '-');
	for (const unsigned char *p = (const unsigned char *)(v ? v : "");
	     *p && ok; p++) {
		if (*p <= ' ' || *p == '%' || *p == '=' || *p == 0x7F)
			ok = lg_buf_printf(b, "%%%02X", *p);
		else
			ok = lg_buf_putc(b, (char)*p);
	}
	return ok && lg_buf_putc(b, ' ');
}

static const int syslog_priority[] = {LOG_INFO, LOG_NOTICE, LOG_WARNING,
				      LOG_ERR, LOG_CRIT};

/* The priority as the first byte ('0' + LOG_x), then the message. */
static char *syslog_payload(const lg_alert *a)
{
	unsigned sev = (unsigned)a->severity <= LG_SEV_CRITICAL
			   ? (unsigned)a->severity
			   : LG_SEV_CRITICAL;
	lg_buf b = {0}, target = {0}, title = {0};
	char t1[40], t2[40], num[24];
	lg_time_iso(a->first_us, a->tz_min, t1, sizeof(t1));
	lg_time_iso(a->last_us, a->tz_min, t2, sizeof(t2));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)a->count);
	bool ok = lg_buf_printf(&target, "%s%s", a->host ? a->host : "",
				a->path ? a->path : "") &&
		  put_clean(&title, a->title ? a->title : "-");
	ok = ok && lg_buf_putc(&b, (char)('0' + syslog_priority[sev])) &&
	     put_kv(&b, "rule", a->rule_id) &&
	     put_kv(&b, "severity", lg_severity_name(a->severity)) &&
	     put_kv(&b, "actor", actor_name(a)) &&
	     put_kv(&b, "target", target.data) && put_kv(&b, "count", num) &&
	     put_kv(&b, "first", t1) && put_kv(&b, "last", t2) &&
	     (!a->state || put_kv(&b, "state", a->state)) &&
	     lg_buf_printf(&b, "title=%s", title.data);
	lg_buf_free(&target);
	lg_buf_free(&title);
	if (!ok) {
		lg_buf_free(&b);
		return NULL;
	}
	return b.data;
}

typedef enum markup { MARK_SLACK, MARK_CHATWORK } markup;

/* Appends text that came from a log so that the chat shows it as text:
 * Slack reads <…> as links and mentions (<!channel>) and &…; as entities;
 * Chatwork reads [To:…], [/info] and the like as tags. A crafted user
 * name must never ping anyone or break the message. */
static bool put_marked(lg_buf *b, const char *s, markup m)
{
	bool ok = true;
	for (; ok && *s; s++) {
		if (m == MARK_SLACK && *s == '&')
			ok = lg_buf_puts(b, "&amp;");
		else if (m == MARK_SLACK && *s == '<')
			ok = lg_buf_puts(b, "&lt;");
		else if (m == MARK_SLACK && *s == '>')
			ok = lg_buf_puts(b, "&gt;");
		else if (m == MARK_CHATWORK && *s == '[')
			ok = lg_buf_puts(b, "\xEF\xBC\xBB"); /* U+FF3B ［ */
		else
			ok = lg_buf_putc(b, *s);
	}
	return ok;
}

static char *json_text_payload(json_t *j)
{
	if (!j)
		return NULL;
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

static char *slack_payload(const card *c)
{
	lg_buf b = {0};
	bool ok = lg_buf_putc(&b, '*') &&
		  put_marked(&b, c->title.data, MARK_SLACK) &&
		  lg_buf_putc(&b, '*');
	for (unsigned i = 0; ok && i < c->n; i++)
		ok = lg_buf_printf(&b, "\n*%s:* ", c->f[i].label) &&
		     put_marked(&b, c->f[i].value.data, MARK_SLACK);
	char *text =
	    ok ? json_text_payload(json_pack("{s:s}", "text", b.data)) : NULL;
	lg_buf_free(&b);
	return text;
}

/* Teams' theme colours for the severities: red for critical down to grey */
static const char *const theme_color[] = {"808080", "0078D7", "FFB900",
					  "F7630C", "C50F1F"};

static char *teams_payload(const card *c, lg_severity sev)
{
	json_t *facts = json_array();
	if (!facts)
		return NULL;
	for (unsigned i = 0; i < c->n; i++) {
		json_t *f = json_pack("{s:s,s:s}", "name", c->f[i].label,
				      "value", c->f[i].value.data);
		if (!f || json_array_append_new(facts, f)) {
			json_decref(facts);
			return NULL;
		}
	}
	unsigned k =
	    (unsigned)sev <= LG_SEV_CRITICAL ? (unsigned)sev : LG_SEV_CRITICAL;
	/* "o" steals facts, even when the pack fails */
	return json_text_payload(
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:o}]}", "@type", "MessageCard",
		      "@context", "https://schema.org/extensions", "themeColor",
		      theme_color[k], "summary", c->title.data, "title",
		      c->title.data, "sections", "facts", facts));
}

/* application/x-www-form-urlencoded, as Chatwork's API takes its body */
static bool put_form_encoded(lg_buf *b, const char *s)
{
	bool ok = true;
	for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			ok = lg_buf_putc(b, (char)*p);
		else if (*p == ' ')
			ok = lg_buf_putc(b, '+');
		else
			ok = lg_buf_printf(b, "%%%02X", *p);
	}
	return ok;
}

static char *chatwork_payload(const card *c)
{
	lg_buf msg = {0}, form = {0};
	bool ok =
	    lg_buf_puts(&msg, "[info][title]") &&
	    lg_buf_append(&msg, c->title.data, c->title_at) &&
	    put_marked(&msg, c->title.data + c->title_at, MARK_CHATWORK) &&
	    lg_buf_puts(&msg, "[/title]");
	for (unsigned i = 0; ok && i < c->n; i++)
		ok = lg_buf_printf(&msg, "%s%s: ", i ? "\n" : "",
				   c->f[i].label) &&
		     put_marked(&msg, c->f[i].value.data, MARK_CHATWORK);
	ok = ok && lg_buf_puts(&msg, "[/info]") &&
	     lg_buf_puts(&form, "body=") && put_form_encoded(&form, msg.data);
	lg_buf_free(&msg);
	if (!ok) {
		lg_buf_free(&form);
		return NULL;
	}
	return form.data;
}

char *lg_sink_format(const lg_sink *s, const lg_alert *a)
{
	switch (s->kind) {
	case SINK_STDOUT:
	case SINK_FILE:
		return json_payload(a, true);
	case SINK_WEBHOOK:
		return json_payload(a, false);
	case SINK_SYSLOG:
		return syslog_payload(a);
	default:
		break;
	}
	card c;
	char *out = NULL;
	if (card_build(&c, s, a)) {
		if (s->kind == SINK_SLACK)
			out = slack_payload(&c);
		else if (s->kind == SINK_TEAMS)
			out = teams_payload(&c, a->severity);
		else
			out = chatwork_payload(&c);
	}
	card_free(&c);
	return out;
}
