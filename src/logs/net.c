/* net.c: IP addresses and networks (see net.h). */
#include <arpa/inet.h>
#include <string.h>

#include "net.h"

/* A dotted quad read by hand: most clients are IPv4, and inet_pton's
 * copy and checks showed in profiles of access logs. */
static bool ipv4_parse(const char *s, size_t n, uint8_t out[4])
{
	unsigned part = 0, dots = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (digits == 3 || (digits && part == 0))
				return false; /* too long, or a leading zero */
			part = part * 10 + (unsigned)(c - '0');
			digits++;
			if (part > 255)
				return false;
		} else if (c == '.' && digits && dots < 3) {
			out[dots++] = (uint8_t)part;
			part = digits = 0;
		} else {
			return false;
		}
	}
	if (dots != 3 || !digits)
		return false;
	out[3] = (uint8_t)part;
	return true;
}

bool lg_addr_parse(const char *s, size_t n, uint8_t out[16])
{
	if (n >= 7 && n <= 15 && ipv4_parse(s, n, out + 12)) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xFF;
		return true;
	}
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out + 12) == 1) {
		out[10] = out[11] = 0xFF;
		return true;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

bool lg_cidr_contains(const lg_cidr *c, const uint8_t a[16])
{
	unsigned full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xFF << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

bool lg_cidr_parse(const char *s, size_t n, lg_cidr *out)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	memset(out, 0, sizeof(*out));
	if (!lg_addr_parse(s, an, out->addr))
		return false;
	out->v4 = !memchr(s, ':', an);
	unsigned max = out->v4 ? 32 : 128, bits = max;
	if (slash) {
		const char *p = slash + 1, *end = s + n;
		if (p == end || end - p > 3)
			return false;
		for (bits = 0; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			bits = bits * 10 + (unsigned)(*p - '0');
		}
		if (bits > max)
			return false;
	}
	out->bits = out->v4 ? 96 + bits : bits;
	return true;
}
