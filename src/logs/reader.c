/* reader.c: lines from plain or gzip-compressed log files. Rotated logs
 * are gzip files (access.log.2.gz), read through zlib, including
 * concatenated members; a plain file is read straight into the line
 * buffer (zlib would copy every byte once more), and so is anything zlib
 * must tell apart by reading it (a pipe: zlib reads both kinds). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"

#define READ_CHUNK (256u << 10)

/* A regular file that does not start with the gzip magic. */
static bool is_plain(int fd)
{
	struct stat st;
	unsigned char m[2];
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	       !(pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b);
}

bool lg_reader_open(lg_line_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC)
				   : dup(STDIN_FILENO);
	if (fd < 0) {
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", strerror(errno));
		return false;
	}
	r->fd = fd;
	bool plain = is_plain(fd);
	r->gz = plain ? NULL : gzdopen(fd, "rb");
	r->cap = READ_CHUNK * 2;
	r->buf = malloc(r->cap);
	if ((!plain && !r->gz) || !r->buf) {
		if (r->gz)
			gzclose(r->gz);
		else
			close(fd);
		free(r->buf);
		r->gz = NULL;
		r->buf = NULL;
		snprintf(r->errmsg, sizeof(r->errmsg), "out of memory");
		return false;
	}
	if (r->gz)
		gzbuffer(r->gz, READ_CHUNK);
	return true;
}

/* Reads up to n bytes into p: how many, 0 at the end, -1 on an error or
 * a gzip stream cut short (errmsg set). */
static long read_some(lg_line_reader *r, char *p, size_t n)
{
	if (!r->gz) {
		ssize_t k;
		do
			k = read(r->fd, p, n);
		while (k < 0 && errno == EINTR);
		if (k < 0)
			snprintf(r->errmsg, sizeof(r->errmsg), "%s",
				 strerror(errno));
		return k;
	}
	int k = gzread(r->gz, p, (unsigned)n);
	int zerr;
	const char *msg = gzerror(r->gz, &zerr);
	if (k < 0)
		snprintf(r->errmsg, sizeof(r->errmsg), "%s",
			 zerr == Z_ERRNO ? strerror(errno) : msg);
	else if (k == 0 && zerr != Z_OK && zerr != Z_STREAM_END) {
		/* a gzip file cut short reads as an end: say so */
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", msg);
		return -1;
	}
	return k;
}

/* Reads more: moves what is unread to the front, grows the buffer up to
 * the longest line allowed. False at the end or on an error. */
static bool fill(lg_line_reader *r)
{
	if (r->eof || r->error)
		return false;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < READ_CHUNK) {
		size_t cap = r->cap * 2;
		char *b = cap <= LG_READER_MAX_LINE + 2 * READ_CHUNK
			      ? realloc(r->buf, cap)
			      : NULL;
		if (!b)
			return r->len < r->cap;
		r->buf = b;
		r->cap = cap;
	}
	long n = read_some(r, r->buf + r->len, r->cap - r->len);
	if (n <= 0) {
		r->error = n < 0;
		r->eof = n == 0;
		return false;
	}
	r->len += (size_t)n;
	return true;
}

static size_t trim_cr(const char *s, size_t n)
{
	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

int lg_reader_next(lg_line_reader *r, const char **line, size_t *n, bool *cut)
{
	*cut = false;
	for (;;) {
		char *s = r->buf + r->pos;
		char *nl = memchr(s, '\n', r->len - r->pos);
		if (nl) {
			size_t len = (size_t)(nl - s);
			r->pos += len + 1;
			if (r->skipping) { /* the tail of a cut line */
				r->skipping = false;
				continue;
			}
			r->lineno++;
			*line = s;
			*n = trim_cr(s, len);
			return 1;
		}
		size_t have = r->len - r->pos;
		if (have >= LG_READER_MAX_LINE && !r->skipping) {
			/* hand out the first MiB, drop the rest */
			r->lineno++;
			*line = s;
			*n = LG_READER_MAX_LINE;
			*cut = true;
			r->pos = r->len;
			r->skipping = true;
			return 1;
		}
		if (r->skipping && have > 0)
			r->pos = r->len;
		if (!fill(r)) {
			if (r->error)
				return -1;
			if (r->len == r->pos)
				return 0;
			/* the last line has no newline */
			s = r->buf + r->pos;
			have = r->len - r->pos;
			r->pos = r->len;
			if (r->skipping) {
				r->skipping = false;
				return 0;
			}
			r->lineno++;
			*line = s;
			*n = trim_cr(s, have);
			return 1;
		}
	}
}

size_t lg_reader_peek(lg_line_reader *r, const char **lines, size_t *lens,
		      size_t max)
{
	while (!r->eof && !r->error && r->len - r->pos < READ_CHUNK)
		if (!fill(r))
			break;
	size_t k = 0;
	const char *p = r->buf + r->pos, *end = r->buf + r->len;
	while (k < max && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl && !r->eof)
			break; /* an incomplete line */
		const char *e = nl ? nl : end;
		lines[k] = p;
		lens[k] = trim_cr(p, (size_t)(e - p));
		if (lens[k] > 0)
			k++;
		p = nl ? nl + 1 : end;
	}
	return k;
}

void lg_reader_close(lg_line_reader *r)
{
	if (r->gz)
		gzclose(r->gz);
	else if (r->buf)
		close(r->fd);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
