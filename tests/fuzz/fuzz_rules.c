/* fuzz_rules.c: libFuzzer target over the rule loader: any bytes as a rule
 * file (YAML, modifiers, conditions, correlations) must load or fail with
 * a message, never crash or leak; rules that load run over fixed events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/logs.h"
#include "logs/rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lg_slice sl(const char *s)
{
	return (lg_slice){s, strlen(s)};
}

/* Events that reach every kind of value: addresses, numbers, URIs,
 * extras, a cookie, an absent time. */
static void make_event(lg_log_event *ev, int i)
{
	memset(ev, 0, sizeof(*ev));
	ev->time_us = i == 3 ? LG_TIME_NONE : 1700000000000000LL + i * 7000000;
	ev->source = "fuzz.log";
	ev->line = (uint64_t)i + 1;
	ev->f[LG_FLD_C_IP] = sl(i & 1 ? "203.0.113.9" : "2001:db8::1");
	ev->f[LG_FLD_CS_METHOD] = sl(i & 2 ? "POST" : "GET");
	ev->f[LG_FLD_CS_URI_STEM] = sl("/orders/123/edit");
	ev->f[LG_FLD_CS_URI_QUERY] =
	    sl("/orders/123/edit?id=1%27 UNION SELECT");
	ev->f[LG_FLD_URI_DECODED] = sl("/orders/123/edit?id=1' UNION SELECT");
	ev->f[LG_FLD_SC_STATUS] = sl(i & 1 ? "401" : "200");
	ev->f[LG_FLD_SC_BYTES] = sl(i & 2 ? "123456" : "x");
	ev->f[LG_FLD_CS_COOKIE] = sl("sid=abc");
	ev->f[LG_FLD_CS_USERNAME] = sl(i & 4 ? "alice" : "Alice");
	ev->f[LG_FLD_CACHE_STATUS] = sl("Hit");
	ev->nextra = 1;
	ev->extra_name[0] = sl("upstream_status");
	ev->extra_value[0] = sl("502");
}

static int check_hit(const lg_rule_hit *h, void *ud)
{
	(void)ud;
	if (!h->rule_id || !h->title || !h->group || h->nevidence == 0 ||
	    h->nevidence > LG_HIT_MAX_EVIDENCE || h->first_us > h->last_us)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lg_ruleset *rs = lg_ruleset_new();
	if (!rs)
		return 0;
	char err[512];
	lg_status st = lr_ruleset_load_mem(rs, "fuzz.yml", (const char *)data,
					   size, err, sizeof(err));
	if (st == LG_EINVAL && strncmp(err, "fuzz.yml:", 9) != 0)
		abort(); /* every rule error says where */
	if (st == LG_OK) {
		lg_rule_state *rst = lg_rule_state_new(rs, 4);
		for (int i = 0; rst && i < 12; i++) {
			lg_log_event ev;
			make_event(&ev, i);
			lg_rules_eval(rst, &ev, check_hit, NULL);
		}
		lg_rule_state_free(rst);
	}
	lg_ruleset_free(rs);
	return 0;
}
