/* fuzz_sql.c: libFuzzer target over the SQL dump reader (sql.c): the
 * input, after a dump's first lines chosen by its first byte (MySQL's,
 * pg_dump's, sqlite3's, or none but an INSERT), is scanned as a file, so
 * its statements (quotes and escapes of both dialects, comments, CREATE
 * TABLE column lists, INSERT tuples, COPY blocks, anything cut short) go
 * through the reader and the tables it lays out; every reported path
 * must name the file, and the run must end. */
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
	static const char *const heads[] = {
	    "-- MySQL dump 10.13\n", "--\n-- PostgreSQL database dump\n--\n",
	    "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n",
	    "INSERT INTO t VALUES (1);\n"};
	if (size == 0)
		return 0;
	const char *h = heads[data[0] % 4];
	size_t hl = strlen(h);
	uint8_t *buf = malloc(hl + size - 1);
	if (!buf)
		return 0;
	memcpy(buf, h, hl);
	memcpy(buf + hl, data + 1, size - 1);
	fuzz_scan_bytes(buf, hl + size - 1);
	free(buf);
	return 0;
}
