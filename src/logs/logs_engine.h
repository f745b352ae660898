/* logs_engine.h: the engine's insides shared by the batch run (engine.c),
 * the live run (follow.c), the per-event core (core.c) and alerts.c. */
#ifndef LG_LOGS_ENGINE_H
#define LG_LOGS_ENGINE_H

#include "leakguard/logs.h"
#include "logs_site.h"
#include "util/util.h"

/* An alert still taking hits (open) or complete (done); owns its
 * strings except rule_id and title, which the rule set owns. */
typedef struct lg_open_alert {
	char *key;
	const char *rule_id, *title, *title_ja;
	lg_severity severity;
	int64_t first_us, last_us;
	int tz_min;
	char *ip, *user, *session, *host, *path, *group;
	uint64_t count, distinct, hits;
	/* events per variant (document) of the rule: two variants often see
	 * the same events (enumeration of private and of all pages), so
	 * the alert's count is the largest, not the sum */
	unsigned nvariants;
	const char *variant[4];
	uint64_t variant_count[4];
	double variant_sum[4], sum; /* value_sum: the busiest variant's */
	unsigned nevidence;
	lg_evidence evidence[LG_ALERT_MAX_EVIDENCE];
	int64_t store_id; /* live runs: its row in the store, 0: none yet */
} lg_open_alert;

typedef struct lg_alerts {
	lg_hashtab *open; /* merge key -> lg_open_alert */
	lg_open_alert *done;
	size_t ndone, capdone;
	int64_t window_us;
	const char *last_key; /* of the alert the last hit went to */
} lg_alerts;

bool lg_alerts_init(lg_alerts *al, int64_t window_us);
/* Merges a hit into its open alert or opens one (*opened set then).
 * LG_ENOMEM. */
lg_status lg_alerts_hit(lg_alerts *al, const lg_rule_hit *h, bool *opened);
/* The open alert of a merge key (NULL when none). */
lg_open_alert *lg_alerts_open_get(lg_alerts *al, const char *key);
/* Frees the done alerts (live runs, once they are delivered). */
void lg_alerts_clear_done(lg_alerts *al);
/* Closes the open alerts whose last hit is older than now_us minus the
 * merge window (live runs); done[] gets them, in no particular order. */
lg_status lg_alerts_expire(lg_alerts *al, int64_t now_us);
/* Closes every open alert; done[] is then in order of first_seen. */
lg_status lg_alerts_finish(lg_alerts *al);
/* A borrowed public view of an alert. */
void lg_alert_view(const lg_open_alert *a, lg_alert *out);
void lg_alerts_free(lg_alerts *al);

/* ---- cache_leak_origin_ratio (origin_ratio.c) -----------------------------
 */
typedef struct lg_origin_ratio lg_origin_ratio;
/* NULL when no rule with id cache-leak is loaded (or memory is out). */
lg_origin_ratio *lg_origin_ratio_new(const lg_ruleset *rs);
void lg_origin_ratio_event(lg_origin_ratio *o, const lg_log_event *ev,
			   int (*fn)(const lg_rule_hit *, void *), void *ud);
void lg_origin_ratio_end(lg_origin_ratio *o,
			 int (*fn)(const lg_rule_hit *, void *), void *ud);
void lg_origin_ratio_free(lg_origin_ratio *o);

/* ---- the per-event core ------------------------------------------------ */
typedef struct lg_logs_core lg_logs_core;
struct lg_logs_core {
	const lg_logs_options *o;
	const lg_site *site;
	lg_site *defaults; /* when o->site is NULL */
	lg_logs_summary *sum;
	lg_rule_state *state;
	lg_alerts alerts;
	lg_derive_buf dbuf;
	lg_hashtab *actors; /* actor -> alerts, for the summary */
	lg_origin_ratio *ratio;
	lg_status failed;
	/* live runs: called with the merge key of an alert a hit opened */
	void (*on_open)(lg_logs_core *C, const char *key);
	void *ud;
};

lg_status lg_core_init(lg_logs_core *C, const lg_logs_options *o,
		       lg_logs_summary *sum, char *err, size_t errlen);
/* Derives, runs the rules, merges hits into alerts. */
void lg_core_process(lg_logs_core *C, lg_log_event *ev);
void lg_core_file_error(lg_logs_core *C, const char *path, const char *reason);
void lg_core_unparsed(lg_logs_core *C, const char *source, uint64_t line,
		      const char *reason);
void lg_core_count_alert(lg_logs_core *C, const lg_alert *a);
void lg_core_rank_actors(lg_logs_core *C);
void lg_core_summary_init(lg_logs_summary *sum);
/* The checks that judge at the end of a run (the last window). */
void lg_core_end(lg_logs_core *C);
void lg_core_free(lg_logs_core *C);

#endif
