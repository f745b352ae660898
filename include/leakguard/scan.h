/* scan.h: scanning files, folders and stdin for personal data: walking,
 * encoding detection, decoding and detection, on N threads, with results
 * delivered in path order through callbacks, one at a time. */
#ifndef LEAKGUARD_SCAN_H
#define LEAKGUARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/detect.h"

typedef struct lg_scan_options {
	const lg_detector *detector;
	unsigned jobs;		    /* threads; 0 = number of cores */
	bool follow_symlinks;	    /* default: symlinks are skipped */
	const char *const *exclude; /* fnmatch globs on names and paths */
	size_t nexclude;
	const char *encoding; /* force an input encoding; NULL: detect */
	/* folders on another file system than the path named (a mount of
	 * a share, /proc) are skipped, as find -xdev does */
	bool one_file_system;
} lg_scan_options;

/* Callbacks, always called one at a time and in the order of the paths
 * (a folder's entries sorted by name), whatever the thread count. */
typedef struct lg_scan_events {
	/* A finding in `path`; return non-zero to stop the whole scan. */
	int (*finding)(const char *path, const lg_finding *f, void *ud);
	/* An item that could not be scanned (`message` says why, in English;
	 * `errnum` is its errno or 0). The run goes on. */
	void (*error)(const char *path, const char *message, int errnum,
		      void *ud);
	/* Something to know about an item that was scanned: undecodable bytes,
	 * a skipped binary file or symlink. */
	void (*notice)(const char *path, const char *message, void *ud);
	/* A text (a file, or an archive member) was scanned to its end, after
	 * its findings; `tabular` when it was a table with a header row.
	 * May be NULL. */
	void (*text_end)(const char *path, bool tabular, void *ud);
	void *ud;
} lg_scan_events;

typedef struct lg_scan_stats {
	uint64_t files;	  /* scanned as text */
	uint64_t skipped; /* binary files, symlinks, excluded specials */
	uint64_t errors;  /* unreadable items */
	uint64_t bytes;	  /* input bytes read */
	uint64_t findings;
	uint64_t per_type[LG_TYPE_COUNT];
} lg_scan_stats;

/* Live counters for a progress display, updated while a scan runs. */
typedef struct lg_scan_progress {
	volatile uint64_t bytes, files;
} lg_scan_progress;

/* Scans every path ("-" is standard input). Returns LG_OK when the run
 * completed (items that failed are counted in stats->errors and reported
 * through events->error), LG_ENOMEM or LG_EINTERNAL when it could not. */
lg_status lg_scan_paths(const lg_scan_options *opt, const char *const *paths,
			size_t npaths, const lg_scan_events *ev,
			lg_scan_stats *stats, lg_scan_progress *progress);

/* Scans n bytes held in memory as a file named `name` would be (text in
 * any encoding, an archive, an Office document, a PDF, a mail), on the
 * calling thread; findings name `name` (and its members). Nothing is
 * written to disk. LG_ENOMEM when it could not run. */
lg_status lg_scan_memory(const lg_scan_options *opt, const char *name,
			 const uint8_t *p, size_t n, const lg_scan_events *ev,
			 lg_scan_stats *stats);

/* ---- people: whom a text's findings are about ----------------------------
 */
typedef struct lg_people lg_people;

typedef struct lg_people_counts {
	uint64_t rows;	 /* lines (a table's rows) holding personal data */
	uint64_t people; /* distinct people (see people.c) */
	uint64_t findings;
	uint64_t per_type[LG_TYPE_COUNT];
	bool capped; /* too many people to follow: counts are approximate */
} lg_people_counts;

/* NULL when out of memory. */
lg_people *lg_people_new(void);
void lg_people_free(lg_people *p);
/* One finding of the text being read (one text at a time). False when
 * memory is out (the finding is counted, not linked). */
bool lg_people_add(lg_people *p, const lg_finding *f);
/* The text's counts; the accumulator is ready for the next text. */
void lg_people_end(lg_people *p, bool tabular, lg_people_counts *out);

#endif
