/* sink.h: where the alerts of `logs --follow` go besides the terminal
 * (a file, syslog, Slack, Teams, Chatwork, any webhook), each delivered by
 * its own thread with retries, so that a slow sink never holds up reading
 * the logs. */
#ifndef LEAKGUARD_SINK_H
#define LEAKGUARD_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "leakguard/logs.h"

typedef struct lg_sink lg_sink;

/* Opens a sink from its spec:
 *   "stdout"           the alert's JSON (lg_alert_json), one line each
 *   "file:PATH"        the same, appended to PATH (created 0600)
 *   "syslog"           syslog(3), facility LOG_DAEMON, ident "leakguard",
 *                      one "rule=… severity=… actor=… target=… count=…
 *                      first=… last=… title=…" line, the priority from the
 *                      severity (critical LOG_CRIT … informational LOG_INFO)
 *   "slack:URL"        a Slack incoming webhook ({"text": mrkdwn})
 *   "teams:URL"        a Microsoft Teams incoming webhook (MessageCard)
 *   "chatwork:ROOM_ID" Chatwork API v2, the token from the environment
 *                      variable LEAKGUARD_CHATWORK_TOKEN (required);
 *                      LEAKGUARD_CHATWORK_URL replaces the base URL
 *                      "https://api.chatwork.com/v2" (tests)
 *   "webhook:URL"      POST of the alert's JSON (lg_alert_json)
 * URLs must be https:// (webhook URLs are secrets); plain http:// is taken
 * only for a loopback host. TLS certificates are always verified.
 * `lang` chooses the language of the message texts: "ja…" Japanese,
 * anything else or NULL English.
 * Returns NULL with the reason in err for a bad spec, a file that cannot
 * be opened, a missing token, or no memory or thread. Neither the reason
 * nor any later message shows a URL beyond its host, or the token. */
lg_sink *lg_sink_new(const char *spec, const char *lang, char *err,
		     size_t errlen);

/* Queues the alert (formatted now: `a` is not kept) for the sink's
 * thread and returns at once, whatever the sink is doing. When the queue
 * (1024 alerts) is full the oldest queued alert is dropped and counted.
 * An alert that cannot be formatted for lack of memory counts as failed. */
void lg_sink_send(lg_sink *s, const lg_alert *a);

/* Stops accepting, goes on delivering what is queued for at most
 * `deadline_ms` (a transfer under way then is cut off and counts as
 * failed; what is still queued counts as dropped), joins the thread and
 * frees the sink. NULL is fine. */
void lg_sink_close(lg_sink *s, unsigned deadline_ms);

/* Totals so far: alerts delivered, given up on (after the retries, or at
 * once on a permanent error such as HTTP 404), dropped unsent (queue
 * overflow, close deadline) and retries made. */
typedef struct lg_sink_stats {
	uint64_t sent, failed, dropped, retries;
} lg_sink_stats;

void lg_sink_stats_get(const lg_sink *s, lg_sink_stats *out);

#endif
