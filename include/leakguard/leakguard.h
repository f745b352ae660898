/* leakguard.h: the library's common definitions: status codes, version. */
#ifndef LEAKGUARD_H
#define LEAKGUARD_H

#define LG_VERSION "0.1.0"

/* Errors are values: every fallible public function returns one of these
 * and, where it says so, fills a caller-supplied message buffer. */
typedef enum lg_status {
	LG_OK = 0,
	LG_ENOMEM,   /* out of memory */
	LG_EIO,	     /* read or write failed (errno is kept) */
	LG_EINVAL,   /* bad argument or configuration */
	LG_EFORMAT,  /* input is not what it claims to be */
	LG_EINTERNAL /* a library we use failed */
} lg_status;

const char *lg_status_str(lg_status s);

#endif
