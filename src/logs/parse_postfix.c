/* parse_postfix.c: postfix in syslog (maillog). Postfix logs one message
 * over several lines joined by its queue id (smtpd: client and SASL user,
 * qmgr: sender, size, recipients, smtp/local: each recipient and its
 * fate), so a bounded map remembers each queue id until its recipients
 * are logged, and every "to=" line becomes one event with all of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logs/logs_int.h"
#include "util/util.h"

#define PF_CAP	 50000	/* messages remembered; the oldest go first */
#define PF_SLOTS 131072 /* index slots: a power of two >= 2 * PF_CAP */
#define PF_TEXT	 320	/* bytes of values per message */

enum { PF_FROM, PF_SIZE, PF_NRCPT, PF_CLIENT, PF_SASL, PF_NVALS };

typedef struct pf_msg {
	uint32_t hash;
	uint8_t qlen;
	bool live;
	char qid[24];
	uint16_t off[PF_NVALS], len[PF_NVALS], used;
	char text[PF_TEXT];
} pf_msg;

typedef struct pf_state {
	pf_msg *msgs; /* in arrival order, a ring once PF_CAP are held */
	size_t count, cap, head;
	uint32_t *idx; /* slot -> message index + 1; 0: empty */
	int year_now;  /* the local year when the parser was made */
} pf_state;

static void pf_free(void *state)
{
	pf_state *st = state;
	free(st->msgs);
	free(st->idx);
	free(st);
}

/* ---- the queue-id map ---------------------------------------------------- */
static size_t pf_slot(const pf_state *st, const char *q, size_t n, uint32_t h)
{
	size_t i = h & (PF_SLOTS - 1);
	while (st->idx[i]) {
		const pf_msg *m = &st->msgs[st->idx[i] - 1];
		if (m->hash == h && m->qlen == n && !memcmp(m->qid, q, n))
			break;
		i = (i + 1) & (PF_SLOTS - 1);
	}
	return i;
}

/* Linear probing's deletion: later entries of the run move back so no
 * lookup stops at the hole. */
static void pf_unindex(pf_state *st, size_t i)
{
	for (;;) {
		st->idx[i] = 0;
		size_t j = i;
		for (;;) {
			j = (j + 1) & (PF_SLOTS - 1);
			if (!st->idx[j])
				return;
			size_t home =
			    st->msgs[st->idx[j] - 1].hash & (PF_SLOTS - 1);
			bool stays = i <= j ? (home > i && home <= j)
					    : (home > i || home <= j);
			if (!stays) {
				st->idx[i] = st->idx[j];
				i = j;
				break;
			}
		}
	}
}

static pf_msg *pf_find(pf_state *st, const char *q, size_t n)
{
	uint32_t h = (uint32_t)lg_hash_bytes(q, n);
	size_t i = pf_slot(st, q, n, h);
	return st->idx[i] ? &st->msgs[st->idx[i] - 1] : NULL;
}

static void pf_remove(pf_state *st, pf_msg *m)
{
	size_t i = pf_slot(st, m->qid, m->qlen, m->hash);
	if (st->idx[i])
		pf_unindex(st, i);
	m->live = false;
}

/* A slot for a new message: a fresh one while under PF_CAP, else the
 * oldest, evicted. */
static pf_msg *pf_take(pf_state *st)
{
	if (st->count < PF_CAP) {
		if (st->count == st->cap) {
			size_t cap = st->cap ? st->cap * 2 : 1024;
			cap = cap > PF_CAP ? PF_CAP : cap;
			pf_msg *m = realloc(st->msgs, cap * sizeof(*m));
			if (!m)
				return NULL;
			st->msgs = m;
			st->cap = cap;
		}
		return &st->msgs[st->count++];
	}
	pf_msg *m = &st->msgs[st->head];
	st->head = (st->head + 1) % PF_CAP;
	if (m->live)
		pf_remove(st, m);
	return m;
}

static pf_msg *pf_get_or_add(pf_state *st, const char *q, size_t n)
{
	pf_msg *m = pf_find(st, q, n);
	if (m || n >= sizeof(m->qid) || !(m = pf_take(st)))
		return m;
	memset(m, 0, offsetof(pf_msg, text));
	m->hash = (uint32_t)lg_hash_bytes(q, n);
	m->qlen = (uint8_t)n;
	memcpy(m->qid, q, n);
	m->live = true;
	st->idx[pf_slot(st, q, n, m->hash)] = (uint32_t)(m - st->msgs) + 1;
	return m;
}

/* A value too long for what is left is dropped: a message's values are
 * short (addresses, a host[ip], a user). */
static void pf_put(pf_msg *m, int k, lg_slice v)
{
	if (!v.p)
		return;
	if (m->len[k] && v.n <= m->len[k]) {
		memcpy(m->text + m->off[k], v.p, v.n);
		m->len[k] = (uint16_t)v.n;
		return;
	}
	if (v.n > (size_t)(PF_TEXT - m->used))
		return;
	memcpy(m->text + m->used, v.p, v.n);
	m->off[k] = m->used;
	m->len[k] = (uint16_t)v.n;
	m->used = (uint16_t)(m->used + v.n);
}

/* A remembered value, copied into the scratch: events point into the
 * line or the scratch only, whatever the map does next. */
static lg_slice pf_val(lg_log_parser *p, const pf_msg *m, int k)
{
	char *d = m && m->len[k] ? lg_scratch(p, m->len[k]) : NULL;
	if (!d)
		return (lg_slice){NULL, 0};
	memcpy(d, m->text + m->off[k], m->len[k]);
	return (lg_slice){d, m->len[k]};
}

/* ---- syslog -------------------------------------------------------------- */
typedef struct syslog_line {
	lg_slice host, prog, msg;
} syslog_line;

static bool syslog_at(lg_log_parser *p, int year, int mon, int day,
		      const char *hms, lg_log_event *ev)
{
	char iso[32];
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%.8s", year, mon, day, hms);
	return lg_time_iso8601(iso, 19, p->local_tz_min, &ev->time_us,
			       &ev->tz_min);
}

/* "Jun 14 09:41:03" ("Jun  4" for single-digit days): no year, no
 * offset; both come from the options. */
static bool classic_time(lg_log_parser *p, const pf_state *st, const char *s,
			 size_t n, lg_log_event *ev)
{
	if (n < 16 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' ||
	    s[12] != ':' || s[15] != ' ')
		return false;
	int mon = lg_month_abbr(s);
	if (!mon || (s[4] != ' ' && (s[4] < '0' || s[4] > '3')) || s[5] < '0' ||
	    s[5] > '9')
		return false;
	int day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
	int year = p->syslog_year ? p->syslog_year : st->year_now;
	if (!syslog_at(p, year, mon, day, s + 7, ev))
		return false;
	/* a date more than a day ahead was written last year */
	if (!p->syslog_year && ev->time_us > (p->now_s + 86400) * 1000000)
		return syslog_at(p, year - 1, mon, day, s + 7, ev);
	return true;
}

static lg_parse_result syslog_split(lg_log_parser *p, const char *line,
				    size_t n, lg_log_event *ev, syslog_line *sl)
{
	const char *end = line + n, *s;
	const pf_state *st = p->state;
	if (classic_time(p, st, line, n, ev)) {
		s = line + 16;
	} else {
		const char *sp = memchr(line, ' ', n);
		if (!sp ||
		    !lg_time_iso8601(line, (size_t)(sp - line), p->local_tz_min,
				     &ev->time_us, &ev->tz_min))
			return lg_parse_bad(p, 1,
					    "expected a syslog time (Jun 14 "
					    "09:41:03 or 2025-06-14T09:41:03"
					    "+09:00)");
		s = sp + 1;
	}
	const char *sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		return lg_parse_bad(p, (size_t)(s - line) + 1,
				    "expected the host and the program");
	sl->host = (lg_slice){s, (size_t)(sp - s)};
	s = sp + 1;
	const char *colon = memchr(s, ':', (size_t)(end - s));
	if (!colon || colon + 1 >= end || colon[1] != ' ')
		return lg_parse_bad(p, (size_t)(s - line) + 1,
				    "expected 'program[pid]: ' after the host");
	const char *br = memchr(s, '[', (size_t)(colon - s));
	sl->prog = (lg_slice){s, (size_t)((br ? br : colon) - s)};
	sl->msg = (lg_slice){colon + 2, (size_t)(end - colon - 2)};
	return LG_PARSE_EVENT;
}

/* ---- postfix messages ---------------------------------------------------- */
/* "key=" at the start of msg or after a space; its value up to ',' or a
 * space ("nrcpt=3 (queue active)"), or inside <> for addresses. */
static lg_slice pf_attr(lg_slice msg, const char *key)
{
	size_t kl = strlen(key);
	const char *s = msg.p, *end = msg.p + msg.n;
	while (s && (size_t)(end - s) > kl) {
		if (!memcmp(s, key, kl) && (s == msg.p || s[-1] == ' ')) {
			const char *v = s + kl;
			if (v < end && *v == '<') {
				const char *gt =
				    memchr(v, '>', (size_t)(end - v));
				if (gt)
					return (lg_slice){v + 1,
							  (size_t)(gt - v - 1)};
			}
			const char *e = v;
			while (e < end && *e != ',' && *e != ' ')
				e++;
			return (lg_slice){v, (size_t)(e - v)};
		}
		s = memchr(s + 1, key[0], (size_t)(end - s - 1));
	}
	return (lg_slice){NULL, 0};
}

/* "4F1A2B3C: " (hex) or a long queue id (alphanumerics): its length. */
static size_t queue_id(lg_slice msg)
{
	size_t i = 0;
	while (i < msg.n && i < 20 &&
	       ((msg.p[i] >= '0' && msg.p[i] <= '9') ||
		(msg.p[i] >= 'A' && msg.p[i] <= 'Z') ||
		(msg.p[i] >= 'a' && msg.p[i] <= 'z')))
		i++;
	if (i < 5 || i + 1 >= msg.n || msg.p[i] != ':' || msg.p[i + 1] != ' ')
		return 0;
	return i;
}

static bool starts(lg_slice s, const char *pre)
{
	size_t k = strlen(pre);
	return s.n >= k && !memcmp(s.p, pre, k);
}

static void pf_event(lg_log_parser *p, lg_log_event *ev, const pf_msg *m,
		     lg_slice rest)
{
	lg_slice status = pf_attr(rest, "status=");
	/* "status=sent (250 2.0.0 Ok)": the remote server's reply is kept,
	 * a bounce's reason is in it */
	const char *r = status.p ? status.p + status.n + 1 : NULL;
	const char *end = rest.p + rest.n;
	if (r && r < end && *r == '(' && end[-1] == ')')
		lg_ev_extra(ev, "response", 8, r + 1, (size_t)(end - r - 2));
	ev->f[LG_FLD_MAIL_TO] = pf_attr(rest, "to=");
	ev->f[LG_FLD_MAIL_STATUS] = status;
	ev->f[LG_FLD_MAIL_FROM] = pf_val(p, m, PF_FROM);
	ev->f[LG_FLD_MAIL_SIZE] = pf_val(p, m, PF_SIZE);
	ev->f[LG_FLD_MAIL_NRCPT] = pf_val(p, m, PF_NRCPT);
	ev->f[LG_FLD_MAIL_CLIENT] = pf_val(p, m, PF_CLIENT);
	ev->f[LG_FLD_CS_USERNAME] = pf_val(p, m, PF_SASL);
	lg_slice c = ev->f[LG_FLD_MAIL_CLIENT];
	const char *lb = c.p ? memchr(c.p, '[', c.n) : NULL;
	if (lb && c.p[c.n - 1] == ']')
		lg_ev_set(ev, LG_FLD_C_IP, lb + 1,
			  c.n - (size_t)(lb - c.p) - 2);
	static const char *const keep[] = {
	    "orig_to=", "relay=", "delay=", "dsn="};
	for (size_t i = 0; i < 4; i++) {
		lg_slice v = pf_attr(rest, keep[i]);
		if (v.p)
			lg_ev_extra(ev, keep[i], strlen(keep[i]) - 1, v.p, v.n);
	}
}

static lg_parse_result postfix_message(lg_log_parser *p, lg_slice msg,
				       lg_log_event *ev)
{
	pf_state *st = p->state;
	size_t ql = queue_id(msg);
	if (!ql)
		return LG_PARSE_SKIP; /* connect, disconnect, NOQUEUE, … */
	lg_slice rest = {msg.p + ql + 2, msg.n - ql - 2};
	if (starts(rest, "removed")) {
		pf_msg *m = pf_find(st, msg.p, ql);
		if (m)
			pf_remove(st, m);
		return LG_PARSE_SKIP;
	}
	if (starts(rest, "to=")) {
		ev->f[LG_FLD_MAIL_QUEUE_ID] = (lg_slice){msg.p, ql};
		pf_event(p, ev, pf_find(st, msg.p, ql), rest);
		return LG_PARSE_EVENT;
	}
	bool client = starts(rest, "client="),
	     from = starts(rest, "from=") || starts(rest, "uid=");
	if (!client && !from)
		return LG_PARSE_SKIP;
	pf_msg *m = pf_get_or_add(st, msg.p, ql);
	if (!m)
		return LG_PARSE_SKIP; /* out of memory: that message's
					 recipients lose their sender */
	pf_put(m, PF_CLIENT, pf_attr(rest, "client="));
	pf_put(m, PF_SASL, pf_attr(rest, "sasl_username="));
	pf_put(m, PF_FROM, pf_attr(rest, "from="));
	pf_put(m, PF_SIZE, pf_attr(rest, "size="));
	pf_put(m, PF_NRCPT, pf_attr(rest, "nrcpt="));
	return LG_PARSE_SKIP;
}

static lg_parse_result postfix_parse(lg_log_parser *p, const char *line,
				     size_t n, lg_log_event *ev)
{
	syslog_line sl = {{0}, {0}, {0}};
	if (syslog_split(p, line, n, ev, &sl) == LG_PARSE_BAD)
		return LG_PARSE_BAD;
	/* postfix/smtpd, postfix/submission/smtpd, postfix-out/smtp */
	if (!starts(sl.prog, "postfix"))
		return LG_PARSE_SKIP;
	p->recognized = true;
	lg_parse_result r = postfix_message(p, sl.msg, ev);
	if (r == LG_PARSE_EVENT) {
		lg_ev_extra(ev, "host", 4, sl.host.p, sl.host.n);
		lg_ev_extra(ev, "program", 7, sl.prog.p, sl.prog.n);
	}
	return r;
}

bool lg_postfix_init(lg_log_parser *p, char *err, size_t errlen)
{
	pf_state *st = calloc(1, sizeof(*st));
	if (st)
		st->idx = calloc(PF_SLOTS, sizeof(*st->idx));
	if (!st || !st->idx) {
		free(st);
		snprintf(err, errlen, "out of memory for the postfix parser");
		return false;
	}
	time_t local = (time_t)(p->now_s + (int64_t)p->local_tz_min * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	st->year_now = tm.tm_year + 1900;
	p->state = st;
	p->free_state = pf_free;
	p->parse = postfix_parse;
	return true;
}
