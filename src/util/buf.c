/* buf.c: growable, NUL-terminated byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool lg_buf_reserve(lg_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return false;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return false;
	b->data = p;
	b->cap = cap;
	return true;
}

bool lg_buf_append(lg_buf *b, const void *p, size_t n)
{
	/* room for n bytes and the NUL is the common case: no call */
	if (n >= b->cap - b->len && !lg_buf_reserve(b, n))
		return false;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool lg_buf_puts(lg_buf *b, const char *s)
{
	return lg_buf_append(b, s, strlen(s));
}

bool lg_buf_putc(lg_buf *b, char c)
{
	return lg_buf_append(b, &c, 1);
}

bool lg_buf_printf(lg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !lg_buf_reserve(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

size_t lg_copy_cut(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

void lg_buf_reset(lg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void lg_buf_free(lg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int lg_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int x = lg_to_lower((unsigned char)a[i]),
		    y = lg_to_lower((unsigned char)b[i]);
		if (x != y || !x)
			return x - y;
	}
	return 0;
}

int lg_ascii_casecmp(const char *a, const char *b)
{
	return lg_ascii_ncasecmp(a, b, SIZE_MAX);
}

const char *lg_ascii_casestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		if (!lg_ascii_ncasecmp(hay, needle, n))
			return hay;
	}
	return n ? NULL : hay;
}
