/* alerts.c: writes the alerts of `logs` as text, JSON or JSON lines, and
 * the closing summary analysts expect from a log hunt (lines read and not
 * understood, time span, alerts per rule and severity, top actors, first
 * and last malicious timestamp). */
#include <jansson.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/output.h"
#include "leakguard/text.h"
#include "output_int.h"

#define _(s)  dgettext("leakguard", s)
#define N_(s) (s)

/* A JSON string of s; invalid UTF-8 (a log holds anything) becomes
 * U+FFFD so that jansson accepts it. NULL for NULL. */
json_t *lg_json_text(const char *s)
{
	if (!s)
		return NULL;
	json_t *j = json_string(s);
	if (j)
		return j;
	lg_buf b = {0};
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = lg_utf8_decode(p + i, n - i, &cp);
		if (cp == 0xFFFD && len == 1)
			lg_buf_puts(&b, "\xEF\xBF\xBD");
		else
			lg_buf_append(&b, p + i, len);
		i += len;
	}
	j = json_string(b.data ? b.data : "");
	lg_buf_free(&b);
	return j;
}

static void set_text(json_t *o, const char *key, const char *v)
{
	json_t *j = lg_json_text(v);
	if (j)
		json_object_set_new(o, key, j);
}

static json_t *time_json(int64_t us, int tz_min)
{
	char t[40];
	lg_time_iso(us, tz_min, t, sizeof(t));
	return json_string(t);
}

json_t *lg_alert_json(const lg_alert *a)
{
	json_t *o = json_object(), *actor = json_object(),
	       *target = json_object(), *ev = json_array();
	if (!o || !actor || !target || !ev) {
		json_decref(o);
		json_decref(actor);
		json_decref(target);
		json_decref(ev);
		return NULL;
	}
	set_text(o, "rule", a->rule_id);
	if (a->state)
		set_text(o, "state", a->state);
	set_text(o, "severity", lg_severity_name(a->severity));
	set_text(o, "title", a->title);
	set_text(o, "title_ja", a->title_ja);
	json_object_set_new(o, "first_seen", time_json(a->first_us, a->tz_min));
	json_object_set_new(o, "last_seen", time_json(a->last_us, a->tz_min));
	set_text(actor, "ip", a->actor_ip);
	set_text(actor, "user", a->actor_user);
	set_text(actor, "session", a->actor_session);
	json_object_set_new(o, "actor", actor);
	set_text(target, "host", a->host);
	set_text(target, "path", a->path);
	json_object_set_new(o, "target", target);
	json_object_set_new(o, "count", json_integer((json_int_t)a->count));
	if (a->distinct)
		json_object_set_new(o, "distinct",
				    json_integer((json_int_t)a->distinct));
	if (a->sum > 0)
		json_object_set_new(o, "sum", json_integer((json_int_t)a->sum));
	set_text(o, "group", a->group);
	for (unsigned i = 0; i < a->nevidence; i++) {
		char e[1200];
		snprintf(e, sizeof(e), "%s:%llu", a->evidence[i].source,
			 (unsigned long long)a->evidence[i].line);
		json_t *j = lg_json_text(e);
		if (j)
			json_array_append_new(ev, j);
	}
	json_object_set_new(o, "evidence", ev);
	return o;
}

json_t *lg_logs_summary_json(const lg_logs_summary *s)
{
	json_t *sev = json_object(), *rules = json_object(),
	       *actors = json_array(), *samples = json_array();
	for (int i = LG_SEV_CRITICAL; i >= 0; i--)
		json_object_set_new(
		    sev, lg_severity_name((lg_severity)i),
		    json_integer((json_int_t)s->by_severity[i]));
	for (unsigned i = 0; i < s->nrules; i++)
		json_object_set_new(
		    rules, s->rule_ids[i],
		    json_integer((json_int_t)s->rule_alerts[i]));
	for (unsigned i = 0; i < s->nactors; i++)
		json_array_append_new(
		    actors, json_pack("{s:o*,s:I}", "actor",
				      lg_json_text(s->top_actor[i]), "alerts",
				      (json_int_t)s->top_actor_alerts[i]));
	for (unsigned i = 0; i < s->nsamples; i++)
		json_array_append_new(
		    samples,
		    json_pack("{s:o*,s:I,s:o*}", "source",
			      lg_json_text(s->samples[i].source), "line",
			      (json_int_t)s->samples[i].line, "reason",
			      lg_json_text(s->samples[i].reason)));
	json_t *o = json_pack(
	    "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:I}", "files",
	    (json_int_t)s->files, "file_errors", (json_int_t)s->file_errors,
	    "lines", (json_int_t)s->lines, "events", (json_int_t)s->events,
	    "skipped", (json_int_t)s->skipped, "unparsed",
	    (json_int_t)s->unparsed, "bytes", (json_int_t)s->bytes,
	    "first_event", time_json(s->first_us, s->tz_min), "last_event",
	    time_json(s->last_us, s->tz_min), "alerts", (json_int_t)s->alerts);
	if (o) {
		json_object_set_new(o, "by_severity", sev);
		json_object_set_new(o, "by_rule", rules);
		json_object_set_new(o, "top_actors", actors);
		json_object_set_new(o, "first_alert",
				    time_json(s->first_alert_us, s->tz_min));
		json_object_set_new(o, "last_alert",
				    time_json(s->last_alert_us, s->tz_min));
		json_object_set_new(o, "unparsed_samples", samples);
		json_object_set_new(o, "evicted",
				    json_integer((json_int_t)s->evicted));
		json_object_set_new(o, "seconds", json_real(s->seconds));
	} else {
		json_decref(sev);
		json_decref(rules);
		json_decref(actors);
		json_decref(samples);
	}
	return o;
}

const char *lg_severity_colour(lg_severity s)
{
	switch (s) {
	case LG_SEV_CRITICAL:
		return "\033[1;41;37m";
	case LG_SEV_HIGH:
		return "\033[1;31m";
	case LG_SEV_MEDIUM:
		return "\033[33m";
	default:
		return "\033[36m";
	}
}

/* the severity names, for translation */
static const char *const severity_words[] __attribute__((unused)) = {
    N_("informational"), N_("low"), N_("medium"), N_("high"), N_("critical")};

void lg_alert_print_text(FILE *f, const lg_alert *a, bool color)
{
	char t1[40], t2[40];
	lg_time_iso(a->first_us, a->tz_min, t1, sizeof(t1));
	lg_time_iso(a->last_us, a->tz_min, t2, sizeof(t2));
	fprintf(f, "%s[%s]%s %s  %s\n",
		color ? lg_severity_colour(a->severity) : "",
		_(lg_severity_name(a->severity)), color ? "\033[0m" : "",
		a->rule_id, a->title);
	fprintf(f, "  %s - %s  ", t1, t2);
	fprintf(f, _("count %llu"), (unsigned long long)a->count);
	if (a->distinct)
		fprintf(f, _(", distinct %llu"),
			(unsigned long long)a->distinct);
	if (a->sum > 0)
		fprintf(f, _(", sum %.0f"), a->sum);
	fputc('\n', f);
	fprintf(f, "  %s", _("actor:"));
	if (a->actor_user)
		fprintf(f, " %s %s", _("user"), a->actor_user);
	if (a->actor_session)
		fprintf(f, " %s %s", _("session"), a->actor_session);
	if (a->actor_ip)
		fprintf(f, " ip %s", a->actor_ip);
	fputc('\n', f);
	if (a->host || a->path)
		fprintf(f, "  %s %s%s\n", _("target:"), a->host ? a->host : "",
			a->path ? a->path : "");
	if (a->group)
		fprintf(f, "  %s %s\n", _("group:"), a->group);
	fprintf(f, "  %s", _("evidence:"));
	for (unsigned i = 0; i < a->nevidence; i++)
		fprintf(f, "%s %s:%llu", i ? "," : "", a->evidence[i].source,
			(unsigned long long)a->evidence[i].line);
	fputs("\n\n", f);
}

static void print_span(FILE *f, const char *label, int64_t a, int64_t b, int tz)
{
	if (a == LG_TIME_NONE)
		return;
	char t1[40], t2[40];
	lg_time_iso(a, tz, t1, sizeof(t1));
	lg_time_iso(b, tz, t2, sizeof(t2));
	fprintf(f, "%s %s - %s\n", label, t1, t2);
}

void lg_logs_summary_print_text(FILE *f, const lg_logs_summary *s)
{
	fprintf(
	    f,
	    _("%llu files (%llu unreadable), %llu lines: %llu events, "
	      "%llu skipped, %llu unparsed; %.2f s (%.0f lines/s)\n"),
	    (unsigned long long)s->files, (unsigned long long)s->file_errors,
	    (unsigned long long)s->lines, (unsigned long long)s->events,
	    (unsigned long long)s->skipped, (unsigned long long)s->unparsed,
	    s->seconds, s->seconds > 0 ? (double)s->lines / s->seconds : 0.0);
	for (unsigned i = 0; i < s->nsamples; i++)
		fprintf(f, "  %s %s:%llu: %s\n", _("unparsed:"),
			s->samples[i].source,
			(unsigned long long)s->samples[i].line,
			s->samples[i].reason);
	print_span(f, _("events from"), s->first_us, s->last_us, s->tz_min);
	fprintf(f, _("%llu alerts"), (unsigned long long)s->alerts);
	for (int i = LG_SEV_CRITICAL; i >= 0; i--) {
		if (s->by_severity[i])
			fprintf(f, ", %s %llu",
				_(lg_severity_name((lg_severity)i)),
				(unsigned long long)s->by_severity[i]);
	}
	fputc('\n', f);
	for (unsigned i = 0; i < s->nrules; i++)
		fprintf(f, "  %-24s %llu\n", s->rule_ids[i],
			(unsigned long long)s->rule_alerts[i]);
	if (s->nactors)
		fprintf(f, "%s\n", _("top actors:"));
	for (unsigned i = 0; i < s->nactors; i++)
		fprintf(f, "  %-40s %llu\n", s->top_actor[i],
			(unsigned long long)s->top_actor_alerts[i]);
	print_span(f, _("first and last alert (medium and above):"),
		   s->first_alert_us, s->last_alert_us, s->tz_min);
	if (s->evicted)
		fprintf(f,
			_("%llu correlation groups were evicted to bound "
			  "memory; counts near the cap may be low\n"),
			(unsigned long long)s->evicted);
}
