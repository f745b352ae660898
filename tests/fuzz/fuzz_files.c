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
#include "scan_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_scan_bytes((const uint8_t *)data, size);
	return 0;
}
