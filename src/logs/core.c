/* core.c: what batch and live runs of `logs` share for every event:
 * derived fields, the rules, hits merged into alerts, the summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs_engine.h"

void lg_core_file_error(lg_logs_core *C, const char *path, const char *reason)
{
	C->sum->file_errors++;
	if (C->o->on_error)
		C->o->on_error(path, reason, C->o->ud);
}

void lg_core_unparsed(lg_logs_core *C, const char *source, uint64_t line,
		      const char *reason)
{
	lg_logs_summary *sum = C->sum;
	sum->unparsed++;
	if (sum->nsamples >= LG_LOGS_MAX_SAMPLES)
		return;
	lg_unparsed_sample *x = &sum->samples[sum->nsamples++];
	x->source = source;
	x->line = line;
	snprintf(x->reason, sizeof(x->reason), "%s", reason);
}

static int on_hit(const lg_rule_hit *h, void *ud)
{
	lg_logs_core *C = ud;
	bool opened = false;
	lg_status rc = lg_alerts_hit(&C->alerts, h, &opened);
	if (rc != LG_OK)
		C->failed = rc;
	if (rc == LG_OK && opened && C->on_open)
		C->on_open(C, C->alerts.last_key);
	return rc == LG_OK ? 0 : 1;
}

void lg_core_process(lg_logs_core *C, lg_log_event *ev)
{
	lg_logs_summary *sum = C->sum;
	lg_logs_derive_prefetch(ev, &C->dbuf);
	lg_rules_prefetch(C->state, ev);
	lg_logs_derive(C->site, ev, &C->dbuf);
	if (ev->time_us != LG_TIME_NONE) {
		if (sum->first_us == LG_TIME_NONE) {
			sum->first_us = ev->time_us;
			sum->tz_min = ev->tz_min;
		}
		if (ev->time_us > sum->last_us || sum->last_us == LG_TIME_NONE)
			sum->last_us = ev->time_us;
	}
	lg_status rc = lg_rules_eval(C->state, ev, on_hit, C);
	if (rc != LG_OK && C->failed == LG_OK)
		C->failed = rc;
	lg_origin_ratio_event(C->ratio, ev, on_hit, C);
}

void lg_core_end(lg_logs_core *C)
{
	lg_origin_ratio_end(C->ratio, on_hit, C);
}

/* ---- summary ------------------------------------------------------------
 */
static void count_rule(lg_logs_summary *sum, const char *id)
{
	for (unsigned i = 0; i < sum->nrules; i++) {
		if (!strcmp(sum->rule_ids[i], id)) {
			sum->rule_alerts[i]++;
			return;
		}
	}
	if (sum->nrules < sizeof(sum->rule_ids) / sizeof(*sum->rule_ids)) {
		sum->rule_ids[sum->nrules] = id;
		sum->rule_alerts[sum->nrules++] = 1;
	}
}

static const char *actor_name(const lg_alert *a)
{
	return a->actor_user	  ? a->actor_user
	       : a->actor_session ? a->actor_session
	       : a->actor_ip	  ? a->actor_ip
				  : NULL;
}

static void count_actor(lg_logs_core *C, const lg_alert *a)
{
	const char *name = actor_name(a);
	if (!name || !C->actors)
		return;
	uint64_t *n = lg_hashtab_get(C->actors, name);
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n || !lg_hashtab_put(C->actors, name, n)) {
			free(n);
			return;
		}
	}
	(*n)++;
}

static bool rank_actor(const char *key, void *value, void *ud)
{
	lg_logs_summary *sum = ud;
	uint64_t n = *(uint64_t *)value;
	unsigned i = sum->nactors;
	if (i == LG_LOGS_TOP_ACTORS && n <= sum->top_actor_alerts[i - 1])
		return true;
	if (i < LG_LOGS_TOP_ACTORS)
		sum->nactors++;
	else
		i--;
	/* insertion into the sorted top list (most alerts first, then name) */
	while (i > 0 && (sum->top_actor_alerts[i - 1] < n ||
			 (sum->top_actor_alerts[i - 1] == n &&
			  strcmp(sum->top_actor[i - 1], key) > 0))) {
		memcpy(sum->top_actor[i], sum->top_actor[i - 1],
		       sizeof(sum->top_actor[i]));
		sum->top_actor_alerts[i] = sum->top_actor_alerts[i - 1];
		i--;
	}
	snprintf(sum->top_actor[i], sizeof(sum->top_actor[i]), "%s", key);
	sum->top_actor_alerts[i] = n;
	return true;
}

static bool free_value(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	free(value);
	return true;
}

/* Counts one finished alert in the summary. */
void lg_core_count_alert(lg_logs_core *C, const lg_alert *a)
{
	lg_logs_summary *sum = C->sum;
	sum->alerts++;
	sum->by_severity[a->severity]++;
	count_rule(sum, a->rule_id);
	count_actor(C, a);
	if (a->severity >= LG_SEV_MEDIUM) {
		if (sum->first_alert_us == LG_TIME_NONE ||
		    a->first_us < sum->first_alert_us)
			sum->first_alert_us = a->first_us;
		if (a->last_us > sum->last_alert_us)
			sum->last_alert_us = a->last_us;
	}
}

void lg_core_rank_actors(lg_logs_core *C)
{
	C->sum->nactors = 0;
	if (C->actors)
		lg_hashtab_each(C->actors, rank_actor, C->sum);
}

void lg_core_summary_init(lg_logs_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->first_us = sum->last_us = LG_TIME_NONE;
	sum->first_alert_us = sum->last_alert_us = LG_TIME_NONE;
}

lg_status lg_core_init(lg_logs_core *C, const lg_logs_options *o,
		       lg_logs_summary *sum, char *err, size_t errlen)
{
	memset(C, 0, sizeof(*C));
	C->o = o;
	C->sum = sum;
	if (!o || !o->rules) {
		snprintf(err, errlen, "no rules");
		return LG_EINVAL;
	}
	if (!o->site) {
		lg_status rc = lg_site_load(NULL, &C->defaults, err, errlen);
		if (rc != LG_OK)
			return rc;
	}
	C->site = o->site ? o->site : C->defaults;
	C->actors = lg_hashtab_new();
	C->state = lg_rule_state_new(o->rules, o->max_groups);
	C->ratio = lg_origin_ratio_new(o->rules);
	if (!C->actors || !C->state ||
	    !lg_alerts_init(&C->alerts, o->merge_window_us
					    ? o->merge_window_us
					    : (int64_t)30 * 60 * 1000000)) {
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	return LG_OK;
}

void lg_core_free(lg_logs_core *C)
{
	if (C->actors) {
		lg_hashtab_each(C->actors, free_value, NULL);
		lg_hashtab_free(C->actors);
	}
	if (C->state)
		C->sum->evicted = lg_rule_state_evicted(C->state);
	lg_alerts_free(&C->alerts);
	lg_rule_state_free(C->state);
	lg_origin_ratio_free(C->ratio);
	lg_site_free(C->defaults);
	memset(C, 0, sizeof(*C));
}
