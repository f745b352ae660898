/* fault_io.c: an LD_PRELOAD library for the CLI cases that makes one
 * file go bad while leakguard reads it, as a disk with a bad sector or a
 * log moved away by its rotation does. Nothing else is touched.
 *
 *   LG_FAULT_FILE  the file, by the end of the path it is opened by
 *   LG_FAULT_AT    a bad spot in it from this byte offset: a read across
 *                  the spot returns the bytes before it, a read from
 *                  within it fails with EIO (read and pread)
 *   LG_FAULT_LEN   the spot's length (default: to the file's end); reads
 *                  after it work
 *   LG_FAULT_OPEN  its Nth open and every later one fails with ENOENT
 *                  (1: the first)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FD 4096

static bool bad_fd[MAX_FD]; /* fds open on the file */
static unsigned opens;

static bool is_the_file(const char *path)
{
	const char *want = getenv("LG_FAULT_FILE");
	if (!want || !*want || !path)
		return false;
	size_t n = strlen(path), k = strlen(want);
	return n >= k && !strcmp(path + n - k, want);
}

static long long env_number(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? atoll(v) : -1;
}

int open(const char *path, int flags, ...)
{
	static int (*real_open)(const char *, int, ...);
	if (!real_open)
		real_open =
		    (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	bool target = is_the_file(path);
	long long fail_from = env_number("LG_FAULT_OPEN");
	if (target && fail_from > 0 &&
	    __atomic_add_fetch(&opens, 1, __ATOMIC_RELAXED) >= fail_from) {
		errno = ENOENT;
		return -1;
	}
	int fd = real_open(path, flags, mode);
	if (fd >= 0 && fd < MAX_FD)
		__atomic_store_n(&bad_fd[fd], target, __ATOMIC_RELAXED);
	return fd;
}

int close(int fd)
{
	static int (*real_close)(int);
	if (!real_close)
		real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	if (fd >= 0 && fd < MAX_FD)
		__atomic_store_n(&bad_fd[fd], false, __ATOMIC_RELAXED);
	return real_close(fd);
}

/* How much of a read of n bytes at `at` the bad spot lets through; -1
 * when it fails. */
static ssize_t allowed(int fd, off_t at, size_t n)
{
	long long bad = env_number("LG_FAULT_AT"),
		  len = env_number("LG_FAULT_LEN");
	if (fd < 0 || fd >= MAX_FD || bad < 0 ||
	    !__atomic_load_n(&bad_fd[fd], __ATOMIC_RELAXED) ||
	    (len > 0 && at >= bad + len))
		return (ssize_t)n;
	if (at >= bad) {
		errno = EIO;
		return -1;
	}
	return (long long)n > bad - at ? (ssize_t)(bad - at) : (ssize_t)n;
}

ssize_t read(int fd, void *buf, size_t n)
{
	static ssize_t (*real_read)(int, void *, size_t);
	if (!real_read)
		real_read =
		    (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	ssize_t k = allowed(fd, lseek(fd, 0, SEEK_CUR), n);
	return k < 0 ? -1 : real_read(fd, buf, (size_t)k);
}

ssize_t pread(int fd, void *buf, size_t n, off_t at)
{
	static ssize_t (*real_pread)(int, void *, size_t, off_t);
	if (!real_pread)
		real_pread = (ssize_t(*)(int, void *, size_t, off_t))dlsym(
		    RTLD_NEXT, "pread");
	ssize_t k = allowed(fd, at, n);
	return k < 0 ? -1 : real_pread(fd, buf, (size_t)k, at);
}
