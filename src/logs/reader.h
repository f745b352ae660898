/* reader.h: lines from a log file, plain or gzip (told by content),
 * with bounded memory whatever the line lengths. */
#ifndef LG_LOGS_READER_H
#define LG_LOGS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define LG_READER_MAX_LINE (1u << 20) /* longer lines are cut and flagged */

typedef struct lg_line_reader {
	gzFile gz; /* NULL when the file is read as it is (fd) */
	int fd;
	char *buf;
	size_t cap, len, pos;	   /* unread bytes are buf[pos..len) */
	bool eof, error, skipping; /* skipping: the rest of a cut line */
	uint64_t lineno;
	char errmsg[128];
} lg_line_reader;

/* Opens path ("-" is stdin). False with a reason in r->errmsg. */
bool lg_reader_open(lg_line_reader *r, const char *path);
/* The next line without its newline (and CR) in *line, valid until the
 * next call; *cut when it was longer than LG_READER_MAX_LINE (the rest is
 * skipped). Returns 1 for a line, 0 at the end, -1 on a read error (the
 * reason in r->errmsg: a corrupt gzip stream, say). */
int lg_reader_next(lg_line_reader *r, const char **line, size_t *n, bool *cut);
/* Up to max complete lines from the start of what is not yet read,
 * without consuming them (for sniffing the format). */
size_t lg_reader_peek(lg_line_reader *r, const char **lines, size_t *lens,
		      size_t max);
void lg_reader_close(lg_line_reader *r);

#endif
