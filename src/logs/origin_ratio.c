/* origin_ratio.c: cache_leak_origin_ratio, the third signal of the
 * cache-leak rule, which a correlation over one event stream cannot say:
 * per private page and ten-minute window, the responses a cache gave
 * (a log with a cache-status field: CloudFront, nginx proxy_cache)
 * against the requests the origin saw (a web log without one). Mercari
 * 2017: the CDN collapsed concurrent requests and served the first
 * user's page to the others; its log said Miss, but the origin saw one
 * request where the CDN answered many. It runs when rules with id
 * cache-leak are loaded and both kinds of log are read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs_engine.h"

#define WINDOW_US (10 * 60 * 1000000LL)
#define MIN_CDN	  20	/* responses before a window is judged */
#define RATIO	  4	/* the cache answered RATIO times the origin */
#define MAX_PAGES 10000 /* pages per window kept; more are not counted */

typedef struct page_count {
	uint64_t cdn, origin;
	lg_evidence first_cdn, first_origin;
} page_count;

struct lg_origin_ratio {
	lg_hashtab *pages; /* cs-uri-stem -> page_count, this window */
	int64_t window;	   /* start of the window, LG_TIME_NONE: none yet */
	int tz_min;	   /* of the latest event, for the alert's times */
	bool saw_cdn, saw_origin;
	/* which files are a cache's: any line with a cache status (a
	 * CloudFront log, nginx with $upstream_cache_status) makes its file
	 * one; a line of it without one (a location not cached) is still
	 * the cache's answer, not the origin's */
	const char *cache_src[64];
	unsigned ncache_src;
};

static bool from_cache(lg_origin_ratio *o, const lg_log_event *ev)
{
	for (unsigned i = 0; i < o->ncache_src; i++) {
		if (o->cache_src[i] == ev->source)
			return true;
	}
	bool cache = ev->f[LG_FLD_CACHE_STATUS].p != NULL ||
		     ev->format == LG_LOG_CLOUDFRONT;
	if (cache && o->ncache_src < 64)
		o->cache_src[o->ncache_src++] = ev->source;
	return cache;
}

lg_origin_ratio *lg_origin_ratio_new(const lg_ruleset *rs)
{
	lg_rule_info r;
	bool wanted = false;
	for (size_t i = 0; !wanted && lg_ruleset_rule(rs, i, &r); i++)
		wanted = !strcmp(r.id, "cache-leak");
	if (!wanted)
		return NULL;
	lg_origin_ratio *o = calloc(1, sizeof(*o));
	if (o && !(o->pages = lg_hashtab_new())) {
		free(o);
		return NULL;
	}
	if (o)
		o->window = LG_TIME_NONE;
	return o;
}

static bool free_count(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	free(value);
	return true;
}

void lg_origin_ratio_free(lg_origin_ratio *o)
{
	if (!o)
		return;
	lg_hashtab_each(o->pages, free_count, NULL);
	lg_hashtab_free(o->pages);
	free(o);
}

typedef struct judge_ctx {
	lg_origin_ratio *o;
	int (*fn)(const lg_rule_hit *h, void *ud);
	void *ud;
} judge_ctx;

static bool judge_page(const char *path, void *value, void *ud)
{
	judge_ctx *j = ud;
	page_count *c = value;
	if (c->cdn < MIN_CDN || c->origin * RATIO >= c->cdn)
		return true;
	char group[600];
	snprintf(group, sizeof(group), "cs-uri-stem=%s", path);
	/* the window is over: the alert is about the page, not a line */
	lg_log_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.time_us = j->o->window + WINDOW_US - 1;
	ev.tz_min = j->o->tz_min;
	ev.f[LG_FLD_CS_URI_STEM] = (lg_slice){path, strlen(path)};
	lg_rule_hit h;
	memset(&h, 0, sizeof(h));
	h.rule_id = "cache-leak";
	h.title = "Private page answered far more often by the cache than "
		  "by the origin";
	h.title_ja = "個人ページへの応答がオリジンへの要求よりはるかに多い";
	h.severity = LG_SEV_HIGH;
	h.event = &ev;
	h.first_us = j->o->window;
	h.last_us = j->o->window + WINDOW_US - 1;
	h.count = c->cdn;
	h.distinct = c->origin;
	h.group = group;
	h.span_us = WINDOW_US;
	h.no_actor = true; /* about a page and everyone who got it */
	h.evidence[h.nevidence++] = c->first_cdn;
	if (c->origin)
		h.evidence[h.nevidence++] = c->first_origin;
	return j->fn(&h, j->ud) == 0;
}

/* Judges the window that ends and starts the next. */
static void close_window(lg_origin_ratio *o,
			 int (*fn)(const lg_rule_hit *, void *), void *ud)
{
	if (o->saw_cdn && o->saw_origin) {
		judge_ctx j = {o, fn, ud};
		lg_hashtab_each(o->pages, judge_page, &j);
	}
	lg_hashtab_each(o->pages, free_count, NULL);
	lg_hashtab_free(o->pages);
	o->pages = lg_hashtab_new();
}

static bool is_true(lg_slice s)
{
	return s.n == 4 && !memcmp(s.p, "true", 4);
}

void lg_origin_ratio_event(lg_origin_ratio *o, const lg_log_event *ev,
			   int (*fn)(const lg_rule_hit *, void *), void *ud)
{
	if (!o || !o->pages || ev->time_us == LG_TIME_NONE)
		return;
	int64_t w = ev->time_us - ev->time_us % WINDOW_US;
	if (o->window != LG_TIME_NONE && w != o->window)
		close_window(o, fn, ud);
	o->window = w;
	o->tz_min = ev->tz_min;
	if (!o->pages)
		return;
	bool cdn = from_cache(o, ev); /* learnt from every line */
	if (!is_true(ev->f[LG_FLD_PRIVATE_PATH]))
		return;
	lg_slice path = ev->f[LG_FLD_CS_URI_STEM];
	lg_slice st = ev->f[LG_FLD_SC_STATUS];
	if (!path.p || path.n >= 512 ||
	    (cdn && !(st.n == 3 && !memcmp(st.p, "200", 3))))
		return; /* the cache's pages that were answered */
	char key[512];
	memcpy(key, path.p, path.n);
	key[path.n] = '\0';
	page_count *c = lg_hashtab_get(o->pages, key);
	if (!c) {
		if (lg_hashtab_count(o->pages) >= MAX_PAGES ||
		    !(c = calloc(1, sizeof(*c))))
			return;
		if (!lg_hashtab_put(o->pages, key, c)) {
			free(c);
			return;
		}
	}
	lg_evidence here = {ev->source, ev->line};
	if (cdn) {
		o->saw_cdn = true;
		if (!c->cdn++)
			c->first_cdn = here;
	} else {
		o->saw_origin = true;
		if (!c->origin++)
			c->first_origin = here;
	}
}

/* The last window, judged at the end of a run. */
void lg_origin_ratio_end(lg_origin_ratio *o,
			 int (*fn)(const lg_rule_hit *, void *), void *ud)
{
	if (o && o->pages && o->window != LG_TIME_NONE)
		close_window(o, fn, ud);
}
