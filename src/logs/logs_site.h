/* logs_site.h: the site configuration's insides and the derived fields
 * (actor, path classes, …) the engine computes from it, shared by
 * site.c, derive.c and engine.c. */
#ifndef LG_LOGS_SITE_H
#define LG_LOGS_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/logs.h"
#include "net.h"

/* A NULL-terminated list of strings we own. */
typedef struct lg_strlist {
	char **v;
	size_t n, cap;
} lg_strlist;

/* A path class's prefixes, worked out once: lengths, and which are
 * "s3://bucket/prefix" entries. */
typedef struct lg_prefix {
	const char *p;
	size_t n;
	bool s3;
} lg_prefix;

typedef struct lg_prefixes {
	lg_prefix *v;
	size_t n;
	bool any_s3;
	bool any_short; /* a path prefix of fewer than three bytes */
	/* the two bytes after the leading '/' of every path prefix,
	 * lowercased: most requests (/products, /assets) share none and are
	 * turned away by one lookup */
	uint64_t pair[1024];
} lg_prefixes;

/* The index of two path bytes (ASCII lowercased) in lg_prefixes.pair. */
static inline unsigned lg_prefix_pair(const char *p)
{
	unsigned a = (unsigned char)p[0], b = (unsigned char)p[1];
	if (a - 'A' < 26u)
		a |= 0x20;
	if (b - 'A' < 26u)
		b |= 0x20;
	return (a << 8 | b) & 0xFFFF;
}

struct lg_site {
	lg_strlist private_paths, shared_paths, login_paths, export_paths;
	lg_strlist mail_domains, cookies, json_map;
	lg_strlist cookie_vars; /* "cookie_sid": nginx's $cookie_sid */
	lg_prefixes private_pfx, shared_pfx, login_pfx, export_pfx;
	lg_field user_fld; /* user_field when it names an lg_field, else
			      LG_FLD_COUNT */
	lg_cidr *nets;
	size_t nnets, capnets;
	char *user_field, *key_file;
	int office_from_min, office_to_min; /* minutes after midnight */
	bool tz_set;
	int tz_min;
	uint8_t session_key[32];
};

/* Whether an address is internal, remembered. */
#define LG_IP_CACHE_BITS 12 /* 4096 addresses: a busy hour's clients */
#define LG_IP_CACHE	 (1u << LG_IP_CACHE_BITS)
typedef struct lg_ip_answer {
	char text[46]; /* the longest IPv6 text */
	uint8_t len;   /* 0: empty slot */
	bool inside;
} lg_ip_answer;

/* What a path (not an S3 line's) derives, remembered: its id pattern,
 * object id and classes. text holds the path, then the pattern (unless
 * it is the path itself), then the object id. */
#define LG_STEM_CACHE_BITS 11
#define LG_STEM_CACHE	   (1u << LG_STEM_CACHE_BITS)
#define LG_STEM_TEXT	   184
typedef struct lg_stem_answer {
	uint64_t hash;
	uint8_t len;	     /* of the path; 0: empty slot */
	uint8_t pattern_len; /* LG_STEM_SAME: the pattern is the path */
	uint8_t id_len;	     /* 0: no object id */
	uint8_t classes;     /* bit i: the path is in class i (derive.c) */
	char text[LG_STEM_TEXT];
} lg_stem_answer;
#define LG_STEM_SAME 0xff

/* Room for the derived fields' text of one event. */
typedef struct lg_derive_buf {
	char actor[160], session[24], pattern[512], object_id[96];
	char decoded[4096], domain[256];
	lg_ip_answer ips[LG_IP_CACHE];
	lg_stem_answer stems[LG_STEM_CACHE];
} lg_derive_buf;

/* Fills ev->f[LG_FLD_DERIVED..] from the event's own fields and the site.
 * The text lives in buf until the next call; buf starts zeroed and is
 * kept between calls (it remembers the last client address). */
void lg_logs_derive(const lg_site *site, lg_log_event *ev, lg_derive_buf *buf);
/* Optional, a little before lg_logs_derive: starts fetching what it will
 * look up for this event (the remembered address and path). */
void lg_logs_derive_prefetch(const lg_log_event *ev, const lg_derive_buf *buf);

#endif
