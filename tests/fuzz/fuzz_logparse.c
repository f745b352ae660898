/* fuzz_logparse.c: libFuzzer target over the log parsers: the first byte
 * picks a format (or the nginx.conf reader, or the sniffer) and the rest
 * is fed line by line, checking that every slice lies inside the line or
 * the parser's scratch and that times are sane. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leakguard/logs.h"
#include "logs/logs_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char nginx_format[] =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status "
    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
    "$upstream_cache_status sess=$cookie_sessionid rt=$request_time";

static void check_slice(const lg_log_parser *p, const char *line, size_t n,
			lg_slice s)
{
	if (!s.p)
		return;
	bool in_line = s.p >= line && s.p + s.n <= line + n;
	bool in_scratch =
	    s.p >= p->scratch && s.p + s.n <= p->scratch + p->scratch_cap;
	if (!in_line && !in_scratch)
		abort();
}

static void check_event(const lg_log_parser *p, const char *line, size_t n,
			const lg_log_event *ev)
{
	for (int f = 0; f < LG_FLD_COUNT; f++)
		check_slice(p, line, n, ev->f[f]);
	if (ev->nextra > LG_LOG_MAX_EXTRA)
		abort();
	for (unsigned i = 0; i < ev->nextra; i++) {
		check_slice(p, line, n, ev->extra_value[i]);
		/* names may be the parser's own (nginx variables, W3C
		 * columns): they must at least be readable, which ASan
		 * checks as they are summed */
		const char *name = ev->extra_name[i].p;
		if (!name)
			abort();
		volatile unsigned sum = 0;
		for (size_t k = 0; k < ev->extra_name[i].n; k++)
			sum += (unsigned char)name[k];
		(void)sum;
	}
	/* 1970 minus a day of offset to year 10000 */
	if (ev->time_us != LG_TIME_NONE &&
	    (ev->time_us < -86400LL * 2 * 1000000 ||
	     ev->time_us > 253402300800LL * 1000000))
		abort();
	if (ev->tz_min < -1440 || ev->tz_min > 1440)
		abort();
}

static void feed_lines(lg_log_parser *p, const char *text, size_t size)
{
	lg_log_event ev;
	const char *s = text, *end = text + size;
	while (s <= end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - s);
		/* a copy of exactly the line: ASan sees any read past it */
		char *line = malloc(n ? n : 1);
		if (!line)
			return;
		memcpy(line, s, n);
		lg_parse_result r = lg_log_parse(p, line, n, &ev);
		if (r == LG_PARSE_EVENT)
			check_event(p, line, n, &ev);
		else if (r == LG_PARSE_BAD && !lg_log_parser_error(p)[0])
			abort();
		free(line);
		s = e + 1;
	}
}

static void fuzz_conf(const char *text, size_t size)
{
	char *fmt = NULL, err[256];
	if (lg_nginx_conf_find(text, size, NULL, "main", &fmt, err,
			       sizeof(err)) != LG_OK) {
		if (!err[0] || fmt)
			abort();
		return;
	}
	if (!fmt)
		return;
	/* whatever format the conf gave must compile and parse safely */
	lg_log_parser_options o = {.nginx_format = fmt};
	lg_log_parser *p =
	    lg_log_parser_new(LG_LOG_NGINX, &o, err, sizeof(err));
	if (p) {
		static const char line[] =
		    "203.0.113.9 - - [14/Jun/2025:09:41:03 +0900] \"GET /a?b "
		    "HTTP/1.1\" 200 5 \"-\" \"ua\" HIT sess=x rt=0.1";
		feed_lines(p, line, sizeof(line) - 1);
		lg_log_parser_free(p);
	}
	free(fmt);
}

static void fuzz_sniff(const char *text, size_t size)
{
	const char *lines[16];
	size_t lens[16], n = 0;
	const char *s = text, *end = text + size;
	while (s < end && n < 16) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		lines[n] = s;
		lens[n++] = (size_t)(e - s);
		s = e + 1;
	}
	if (lg_log_sniff(lines, lens, n) >= LG_LOG_FORMAT_COUNT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	unsigned pick = data[0] % (LG_LOG_FORMAT_COUNT + 1);
	if (pick == LG_LOG_AUTO) {
		fuzz_sniff(text, n);
		return 0;
	}
	if (pick == LG_LOG_FORMAT_COUNT) {
		fuzz_conf(text, n);
		return 0;
	}
	static const char *const map[] = {"cs-host=a.b", "time=t.u",
					  "request=r", NULL};
	lg_log_parser_options o = {
	    .nginx_format = nginx_format, .json_map = map, .local_tz_min = 540};
	char err[256];
	lg_log_parser *p =
	    lg_log_parser_new((lg_log_format)pick, &o, err, sizeof(err));
	if (!p)
		abort();
	feed_lines(p, text, n);
	lg_log_parser_free(p);
	return 0;
}
