/* scan_file.h: what the targets that scan bytes as a file share
 * (fuzz_files, fuzz_mime, fuzz_ooxml, fuzz_sql): one detector for the run
 * made at libFuzzer's start, and a
 * scan of the bytes written to a memory file, where every path reported
 * (findings, errors, notices, ends of texts) must name that file, and the
 * run must end. Header-only: each target is its own program. */
#ifndef LG_FUZZ_SCAN_FILE_H
#define LG_FUZZ_SCAN_FILE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakguard/detect.h"
#include "leakguard/scan.h"

static lg_detector *fuzz_detector;
static char fuzz_path[64];

static void fuzz_detector_init(void)
{
	char err[256];
	lg_detect_config cfg = {0.0, 0};
	fuzz_detector = lg_detector_new(&cfg, err, sizeof(err));
	if (!fuzz_detector)
		abort();
}

static void check_path(const char *p)
{
	if (strncmp(p, fuzz_path, strlen(fuzz_path)) != 0)
		abort();
}

static int on_finding(const char *p, const lg_finding *f, void *ud)
{
	(void)f;
	(void)ud;
	check_path(p);
	return 0;
}

static void on_error(const char *p, const char *m, int e, void *ud)
{
	(void)m;
	(void)e;
	(void)ud;
	check_path(p);
}

static void on_notice(const char *p, const char *m, void *ud)
{
	(void)m;
	(void)ud;
	check_path(p);
}

static void on_text_end(const char *p, bool tabular, void *ud)
{
	(void)tabular;
	(void)ud;
	check_path(p);
}

/* The targets' libFuzzer entry points: each makes the one detector
 * first, and defines LLVMFuzzerTestOneInput. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_detector_init();
	return 0;
}

/* Scans p[0..n) as the file /proc/self/fd/N of a memory file. */
static void fuzz_scan_bytes(const uint8_t *p, size_t n)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	if (n && write(fd, p, n) != (ssize_t)n)
		abort();
	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fd);
	lg_scan_options o = {
	    .detector = fuzz_detector, .jobs = 1, .follow_symlinks = true};
	lg_scan_events ev = {on_finding, on_error, on_notice, on_text_end,
			     NULL};
	lg_scan_stats st = {0};
	lg_scan_progress pr = {0};
	const char *paths[] = {fuzz_path};
	if (lg_scan_paths(&o, paths, 1, &ev, &st, &pr) != LG_OK)
		abort();
	close(fd);
}

#endif
