/* fuzz_files.c: libFuzzer target over what a file may be besides text:
 * the input is written to a memory file and scanned as a file is, so
 * whatever it claims to be (zip, tar, 7z, gzip, nested archives, an
 * e-mail or a mailbox with MIME parts) goes through libarchive or GMime
 * and the member path; every reported path must name the file, and the
 * run must end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "leakguard/detect.h"
#include "leakguard/scan.h"

static lg_detector *detector;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	lg_detect_config cfg = {0.0, 0};
	detector = lg_detector_new(&cfg, err, sizeof(err));
	if (!detector)
		abort();
	return 0;
}

static void check_path(const char *p)
{
	if (strncmp(p, path, strlen(path)) != 0)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lg_scan_options opt = {
	    .detector = detector, .jobs = 1, .follow_symlinks = true};
	lg_scan_events ev = {on_finding, on_error, on_notice, NULL, NULL};
	lg_scan_stats st = {0};
	lg_scan_progress pr = {0};
	const char *paths[] = {path};
	if (lg_scan_paths(&opt, paths, 1, &ev, &st, &pr) != LG_OK)
		abort();
	close(fd);
	return 0;
}
