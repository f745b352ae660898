/* store.h: leakguard's SQLite store: one file, private to the user, with
 * a versioned schema. Live runs of `logs` keep their read positions and
 * alerts here; `investigate` and `serve` read it. */
#ifndef LEAKGUARD_STORE_H
#define LEAKGUARD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakguard/leakguard.h"
#include "leakguard/logs.h"

typedef struct lg_store lg_store;

/* Opens the store at path, or at $XDG_DATA_HOME/leakguard/leakguard.db
 * (~/.local/share/… without it) when path is NULL; creates it (mode 0600,
 * its folder 0700) and brings its schema up to date. LG_EIO or
 * LG_EFORMAT (not a leakguard store, or one from a newer leakguard) with
 * "PATH: reason" in err. */
lg_status lg_store_open(const char *path, lg_store **out, char *err,
			size_t errlen);
void lg_store_close(lg_store *st);
/* The file the store lives in. */
const char *lg_store_path(const lg_store *st);

/* A transaction: what is written between begin and commit is kept all
 * together or not at all (a kill -9 between them loses all of it). */
lg_status lg_store_begin(lg_store *st);
lg_status lg_store_commit(lg_store *st);

/* Where a followed log was read up to: the file's identity (device,
 * inode, a hash of its first bytes), the byte offset after the last
 * whole line read, its line number, and the lines read from this path
 * over all its files. */
typedef struct lg_log_position {
	uint64_t dev, ino;
	uint64_t head_hash; /* of the first head_len bytes */
	uint32_t head_len;
	uint64_t offset, lineno;
	uint64_t lines_total;
} lg_log_position;

/* True and *out filled when path has a position. */
bool lg_store_position_get(lg_store *st, const char *path,
			   lg_log_position *out);
lg_status lg_store_position_put(lg_store *st, const char *path,
				const lg_log_position *p);

/* Keeps an alert with its state ("open" while hits still come, then
 * "closed"); an alert is one row, updated as it grows. *id is 0 for a
 * new alert and is set to its row id. */
lg_status lg_store_alert_put(lg_store *st, const lg_alert *a, const char *state,
			     int64_t *id);

/* Marks the alerts an earlier run left open (it was stopped or killed
 * before their window passed) as closed; returns how many. */
lg_status lg_store_alerts_close_stale(lg_store *st, uint64_t *n);

#endif
