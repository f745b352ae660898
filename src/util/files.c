/* files.c: where leakguard keeps its own files, made private, and the
 * clock runs are timed with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

bool lg_mkdir_p(const char *dir)
{
	char d[4096];
	int n = snprintf(d, sizeof(d), "%s", dir);
	if (n <= 0 || (size_t)n >= sizeof(d))
		return false;
	for (char *s = d + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		int r = mkdir(d, 0700);
		*s = '/';
		if (r != 0 && errno != EEXIST)
			return false;
	}
	if (mkdir(d, 0700) != 0 && errno != EEXIST)
		return false;
	struct stat st;
	if (stat(d, &st) != 0)
		return false;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return false;
	}
	return true;
}

bool lg_mkdir_parent(const char *file)
{
	char d[4096];
	const char *slash = strrchr(file, '/');
	if (!slash || slash == file)
		return true; /* the current folder, or / */
	size_t n = (size_t)(slash - file);
	if (n >= sizeof(d))
		return false;
	memcpy(d, file, n);
	d[n] = '\0';
	return lg_mkdir_p(d);
}

bool lg_data_path(const char *name, char *out, size_t cap)
{
	const char *d;
	int w;
	if ((d = getenv("XDG_DATA_HOME")) && d[0] == '/')
		w = snprintf(out, cap, "%s/leakguard/%s", d, name);
	else if ((d = getenv("HOME")) && *d)
		w = snprintf(out, cap, "%s/.local/share/leakguard/%s", d, name);
	else
		return false;
	return w > 0 && (size_t)w < cap;
}

double lg_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
