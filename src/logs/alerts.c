/* alerts.c: rule hits merged into alerts. A brute-force run of 2,000
 * failed logins is one alert with count 2,000, not 2,000 alerts: hits of
 * the same rule for the same actor (or correlation group) join the open
 * alert while they keep coming within the merge window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs_engine.h"

static char *dup_slice(lg_slice s)
{
	if (!s.p || s.n == 0 || (s.n == 1 && s.p[0] == '-'))
		return NULL;
	return strndup(s.p, s.n < 1024 ? s.n : 1024);
}

static void alert_free_strings(lg_open_alert *a)
{
	free(a->key);
	free(a->ip);
	free(a->user);
	free(a->session);
	free(a->host);
	free(a->path);
	free(a->group);
}

/* The merge key: the rule, and the group of a correlation over something
 * other than the actor (a cache key served to many), else the actor. */
static bool merge_key(const lg_rule_hit *h, char *out, size_t cap)
{
	lg_slice actor = h->event->f[LG_FLD_ACTOR];
	int n = h->group && h->group[0]
		    ? snprintf(out, cap, "%s\x1f%s", h->rule_id, h->group)
		    : snprintf(out, cap, "%s\x1f%.*s", h->rule_id, (int)actor.n,
			       actor.p ? actor.p : "");
	return n > 0 && (size_t)n < cap;
}

static bool has_evidence(const lg_open_alert *a, const lg_evidence *e)
{
	for (unsigned i = 0; i < a->nevidence; i++) {
		if (a->evidence[i].line == e->line &&
		    a->evidence[i].source == e->source)
			return true;
	}
	return false;
}

/* Several variants of a rule often match one line: it is shown once. */
static void add_evidence(lg_open_alert *a, const lg_rule_hit *h)
{
	for (unsigned i = 0; i < h->nevidence; i++) {
		if (has_evidence(a, &h->evidence[i]))
			continue;
		if (a->nevidence < LG_ALERT_MAX_EVIDENCE)
			a->evidence[a->nevidence++] = h->evidence[i];
		else /* keep the first ones and the latest */
			a->evidence[LG_ALERT_MAX_EVIDENCE - 1] = h->evidence[i];
	}
}

/* Adds a hit's events to its variant's count; the alert counts the
 * busiest variant. Variants are told apart by their title. */
static void count_variant(lg_open_alert *a, const lg_rule_hit *h)
{
	unsigned i = 0;
	while (i < a->nvariants && a->variant[i] != h->title)
		i++;
	if (i == a->nvariants) {
		if (i == sizeof(a->variant) / sizeof(*a->variant))
			i--; /* more variants than room: pool the last */
		else
			a->nvariants++;
		a->variant[i] = h->title;
	}
	a->variant_count[i] += h->count;
	a->variant_sum[i] += h->sum;
	if (a->variant_count[i] > a->count)
		a->count = a->variant_count[i];
	if (a->variant_sum[i] > a->sum)
		a->sum = a->variant_sum[i];
}

static bool alert_start(lg_open_alert *a, const lg_rule_hit *h, char *key)
{
	const lg_log_event *ev = h->event;
	memset(a, 0, sizeof(*a));
	a->key = key;
	a->rule_id = h->rule_id;
	a->title = h->title;
	a->title_ja = h->title_ja;
	a->severity = h->severity;
	a->first_us = h->first_us;
	a->last_us = h->last_us;
	a->tz_min = ev->tz_min;
	if (!h->no_actor) {
		a->ip = dup_slice(ev->f[LG_FLD_C_IP]);
		if (!a->ip)
			a->ip = dup_slice(ev->f[LG_FLD_MAIL_CLIENT]);
		bool is_user = ev->f[LG_FLD_ACTOR_KIND].p &&
			       !strncmp(ev->f[LG_FLD_ACTOR_KIND].p, "user", 4);
		a->user = is_user ? dup_slice(ev->f[LG_FLD_ACTOR]) : NULL;
		a->session = dup_slice(ev->f[LG_FLD_SESSION]);
	}
	a->host = dup_slice(ev->f[LG_FLD_CS_HOST]);
	if (!a->host)
		a->host = dup_slice(ev->f[LG_FLD_S3_BUCKET]);
	a->path = dup_slice(ev->f[LG_FLD_CS_URI_STEM]);
	if (!a->path)
		a->path = dup_slice(ev->f[LG_FLD_MAIL_TO_DOMAIN]);
	a->group = h->group && h->group[0] ? strdup(h->group) : NULL;
	count_variant(a, h);
	a->distinct = h->distinct;
	a->hits = 1;
	add_evidence(a, h);
	return true;
}

static void alert_merge(lg_open_alert *a, const lg_rule_hit *h)
{
	if (h->first_us < a->first_us)
		a->first_us = h->first_us;
	if (h->last_us > a->last_us)
		a->last_us = h->last_us;
	/* an attempt, then its success: the alert is as severe as its worst
	 * hit */
	if (h->severity > a->severity) {
		a->severity = h->severity;
		a->title = h->title;
		a->title_ja = h->title_ja;
	}
	count_variant(a, h);
	if (h->distinct > a->distinct)
		a->distinct = h->distinct;
	a->hits++;
	add_evidence(a, h);
}

static bool push_done(lg_alerts *al, lg_open_alert *a)
{
	if (al->ndone == al->capdone) {
		size_t cap = al->capdone ? al->capdone * 2 : 64;
		lg_open_alert *v = realloc(al->done, cap * sizeof(*v));
		if (!v)
			return false;
		al->done = v;
		al->capdone = cap;
	}
	al->done[al->ndone++] = *a;
	return true;
}

lg_status lg_alerts_hit(lg_alerts *al, const lg_rule_hit *h, bool *opened)
{
	*opened = false;
	char key[512];
	if (!merge_key(h, key, sizeof(key)))
		return LG_OK; /* a group too long to key: cut, still merged */
	lg_open_alert *a = lg_hashtab_get(al->open, key);
	/* a correlation over a day goes on for that day: its window, if
	 * longer than the merge window, keeps its hits together */
	int64_t window =
	    h->span_us > al->window_us ? h->span_us : al->window_us;
	if (a && h->first_us <= a->last_us + window) {
		alert_merge(a, h);
		al->last_key = a->key;
		return LG_OK;
	}
	if (a) { /* a new episode: the old one is complete */
		if (!push_done(al, a))
			return LG_ENOMEM;
		free(a);
	}
	a = malloc(sizeof(*a));
	char *k = strdup(key);
	if (!a || !k || !alert_start(a, h, k) ||
	    !lg_hashtab_put(al->open, key, a)) {
		free(a);
		free(k);
		return LG_ENOMEM;
	}
	*opened = true;
	al->last_key = a->key;
	return LG_OK;
}

lg_open_alert *lg_alerts_open_get(lg_alerts *al, const char *key)
{
	return al->open ? lg_hashtab_get(al->open, key) : NULL;
}

void lg_alerts_clear_done(lg_alerts *al)
{
	for (size_t i = 0; i < al->ndone; i++)
		alert_free_strings(&al->done[i]);
	al->ndone = 0;
}

typedef struct expire_ctx {
	lg_alerts *al;
	int64_t before;
	char **keys;
	size_t n, cap;
	bool oom;
} expire_ctx;

static bool note_expired(const char *key, void *value, void *ud)
{
	expire_ctx *x = ud;
	lg_open_alert *a = value;
	if (a->last_us >= x->before)
		return true;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		char **v = realloc(x->keys, cap * sizeof(*v));
		if (!v) {
			x->oom = true;
			return false;
		}
		x->keys = v;
		x->cap = cap;
	}
	x->keys[x->n++] = (char *)key;
	return true;
}

lg_status lg_alerts_expire(lg_alerts *al, int64_t now_us)
{
	expire_ctx x = {al, now_us - al->window_us, NULL, 0, 0, false};
	lg_hashtab_each(al->open, note_expired, &x);
	lg_status rc = x.oom ? LG_ENOMEM : LG_OK;
	for (size_t i = 0; i < x.n && rc == LG_OK; i++) {
		char key[512];
		snprintf(key, sizeof(key), "%s", x.keys[i]);
		lg_open_alert *a = lg_hashtab_get(al->open, key);
		if (!push_done(al, a)) {
			rc = LG_ENOMEM;
			break;
		}
		free(a);
		lg_hashtab_del(al->open, key);
	}
	free(x.keys);
	return rc;
}

static int by_first_seen(const void *x, const void *y)
{
	const lg_open_alert *a = x, *b = y;
	if (a->first_us != b->first_us)
		return a->first_us < b->first_us ? -1 : 1;
	int c = strcmp(a->rule_id, b->rule_id);
	return c ? c : strcmp(a->key, b->key);
}

static bool collect_open(const char *key, void *value, void *ud)
{
	(void)key;
	lg_alerts *al = ud;
	lg_open_alert *a = value;
	bool ok = push_done(al, a);
	if (ok)
		free(a);
	return ok;
}

lg_status lg_alerts_finish(lg_alerts *al)
{
	if (!lg_hashtab_each(al->open, collect_open, al))
		return LG_ENOMEM;
	lg_hashtab_free(al->open);
	al->open = NULL;
	if (al->ndone > 1)
		qsort(al->done, al->ndone, sizeof(*al->done), by_first_seen);
	return LG_OK;
}

void lg_alert_view(const lg_open_alert *a, lg_alert *out)
{
	memset(out, 0, sizeof(*out));
	out->rule_id = a->rule_id;
	out->title = a->title;
	out->title_ja = a->title_ja;
	out->severity = a->severity;
	out->first_us = a->first_us;
	out->last_us = a->last_us;
	out->tz_min = a->tz_min;
	out->actor_ip = a->ip;
	out->actor_user = a->user;
	out->actor_session = a->session;
	out->host = a->host;
	out->path = a->path;
	out->group = a->group;
	out->count = a->count;
	out->distinct = a->distinct;
	out->sum = a->sum;
	out->hits = a->hits;
	out->nevidence = a->nevidence;
	memcpy(out->evidence, a->evidence, sizeof(a->evidence));
}

bool lg_alerts_init(lg_alerts *al, int64_t window_us)
{
	memset(al, 0, sizeof(*al));
	al->window_us = window_us;
	al->open = lg_hashtab_new();
	return al->open != NULL;
}

static bool free_open(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	alert_free_strings(value);
	free(value);
	return true;
}

void lg_alerts_free(lg_alerts *al)
{
	if (al->open) {
		lg_hashtab_each(al->open, free_open, NULL);
		lg_hashtab_free(al->open);
	}
	for (size_t i = 0; i < al->ndone; i++)
		alert_free_strings(&al->done[i]);
	free(al->done);
	memset(al, 0, sizeof(*al));
}
