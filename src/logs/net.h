/* net.h: IP addresses and networks, as the site configuration
 * (internal_networks) and the rules' |cidr modifier read them. */
#ifndef LG_LOGS_NET_H
#define LG_LOGS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A network: IPv4 is kept mapped into IPv6 (::ffff:a.b.c.d), so one
 * comparison serves both and ::ffff:10.0.0.1 is in 10.0.0.0/8. */
typedef struct lg_cidr {
	uint8_t addr[16];
	unsigned bits;
	bool v4;
} lg_cidr;

/* "10.0.0.0/8", "2001:db8::/32", or an address alone, in s[0..n).
 * False when it is none. */
bool lg_cidr_parse(const char *s, size_t n, lg_cidr *out);
/* The address in s[0..n) as 16 bytes (IPv4 mapped into IPv6). */
bool lg_addr_parse(const char *s, size_t n, uint8_t out[16]);
bool lg_cidr_contains(const lg_cidr *c, const uint8_t a[16]);

#endif
