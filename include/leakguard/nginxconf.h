/* nginxconf.h: an nginx configuration read as nginx reads it (comments,
 * quoted strings with escapes, blocks, include with globs) into a tree
 * of directives that each know their file and line. `logs` finds its
 * log_format in it; `audit nginx` checks its caching and listings. */
#ifndef LEAKGUARD_NGINXCONF_H
#define LEAKGUARD_NGINXCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "leakguard/leakguard.h"

/* One directive: `name args... ;` or `name args... { children }`. The
 * directives an include names stand in its place, as nginx splices
 * them; the include itself is not kept. */
typedef struct lg_ngx_directive lg_ngx_directive;
struct lg_ngx_directive {
	const char *name;
	char **args; /* nargs words after the name, quotes and escapes
		      * resolved */
	size_t nargs;
	const char *file;  /* the file it was written in, as opened */
	unsigned file_seq; /* 0 for the main file, then in reading order */
	unsigned line;	   /* of its name */
	bool block;	   /* it had a { } block (children may be NULL) */
	lg_ngx_directive *children, *next, *parent;
};

typedef struct lg_ngx_conf lg_ngx_conf;

typedef struct lg_ngx_options {
	/* folder relative include patterns resolve against; NULL: the
	 * main file's folder (nginx's conf prefix) */
	const char *include_root;
	/* refuse include patterns that are absolute or hold "..": for
	 * input that must not reach outside include_root (fuzzing) */
	bool confine_includes;
	unsigned max_depth;	/* includes within includes; 0: 16 */
	size_t max_file_bytes;	/* one file; 0: 16 MiB */
	size_t max_total_bytes; /* all files together; 0: 64 MiB */
} lg_ngx_options;

/* Reads the file at `path` and what it includes. LG_OK with *out (free
 * with lg_ngx_free); LG_EINVAL with "FILE:LINE: reason" (or "FILE:
 * reason" when it cannot be read) in err; LG_ENOMEM. `o` may be NULL.
 * An include that matches no file is noted (lg_ngx_missed_include), not
 * an error: a configuration copied off a server names that server's
 * files (/etc/nginx/mime.types). */
lg_status lg_ngx_read_file(const char *path, const lg_ngx_options *o,
			   lg_ngx_conf **out, char *err, size_t errlen);
/* The same over text in memory; `name` is used in messages (NULL:
 * "(conf)") and, when o->include_root is NULL, its folder is the include
 * root; with neither, include directives are skipped. */
lg_status lg_ngx_read_text(const char *text, size_t n, const char *name,
			   const lg_ngx_options *o, lg_ngx_conf **out,
			   char *err, size_t errlen);
/* The top level: the main file's first directive (walk with ->next). */
const lg_ngx_directive *lg_ngx_first(const lg_ngx_conf *c);
/* "FILE:LINE: PATTERN" of the first include that matched no file, or
 * NULL. Owned by the conf. */
const char *lg_ngx_missed_include(const lg_ngx_conf *c);
/* Files read (the main one and every include). */
unsigned lg_ngx_file_count(const lg_ngx_conf *c);
void lg_ngx_free(lg_ngx_conf *c);

/* The directive as written, on one line: `name arg arg` with an argument
 * quoted when it holds a space, quote, ';', '{', '}' or is empty; a
 * block gets " {". Into out (cut to cap). */
void lg_ngx_format(const lg_ngx_directive *d, char *out, size_t cap);

#endif
