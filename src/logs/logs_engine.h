/* logs_engine.h: the engine's insides shared by engine.c and alerts.c:
 * alerts being merged. */
#ifndef LG_LOGS_ENGINE_H
#define LG_LOGS_ENGINE_H

#include "leakguard/logs.h"
#include "util/util.h"

/* An alert still taking hits (open) or complete (done); owns its
 * strings except rule_id and title, which the rule set owns. */
typedef struct lg_open_alert {
	char *key;
	const char *rule_id, *title;
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
} lg_open_alert;

typedef struct lg_alerts {
	lg_hashtab *open; /* merge key -> lg_open_alert */
	lg_open_alert *done;
	size_t ndone, capdone;
	int64_t window_us;
} lg_alerts;

bool lg_alerts_init(lg_alerts *al, int64_t window_us);
/* Merges a hit into its open alert or opens one. LG_ENOMEM. */
lg_status lg_alerts_hit(lg_alerts *al, const lg_rule_hit *h);
/* Closes every open alert; done[] is then in order of first_seen. */
lg_status lg_alerts_finish(lg_alerts *al);
/* A borrowed public view of an alert. */
void lg_alert_view(const lg_open_alert *a, lg_alert *out);
void lg_alerts_free(lg_alerts *al);

#endif
