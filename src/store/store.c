/* store.c: the SQLite store. One file, created 0600 in a 0700 folder
 * (it holds who did what and when), WAL journal so that a reader (the
 * dashboard) never blocks the live run, and a schema version in
 * PRAGMA user_version with one migration per version. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leakguard/store.h"
#include "util/util.h"

struct lg_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *pos_get, *pos_put, *alert_new, *alert_upd;
};

/* Version n's migration takes the schema from n-1 to n. */
static const char *const migrations[] = {
    /* 1: positions of followed logs, alerts */
    "CREATE TABLE log_positions ("
    " path TEXT PRIMARY KEY, dev INTEGER NOT NULL, ino INTEGER NOT NULL,"
    " head_hash INTEGER NOT NULL, head_len INTEGER NOT NULL,"
    " offset INTEGER NOT NULL, lineno INTEGER NOT NULL,"
    " lines_total INTEGER NOT NULL, updated TEXT NOT NULL);"
    "CREATE TABLE alerts ("
    " id INTEGER PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL,"
    " title TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
    " actor_ip TEXT, actor_user TEXT, actor_session TEXT, host TEXT,"
    " path TEXT, grp TEXT, count INTEGER NOT NULL, distinct_values INTEGER,"
    " sum REAL, evidence TEXT NOT NULL, state TEXT NOT NULL,"
    " created TEXT NOT NULL, updated TEXT NOT NULL);"
    "CREATE INDEX alerts_by_time ON alerts(first_seen);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(*migrations)))

static lg_status fail(lg_store *st, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", st->path, what,
		 st->db ? sqlite3_errmsg(st->db) : "cannot open");
	return LG_EIO;
}

/* The folders up to the file (0700 where made) and the file itself,
 * 0600, before SQLite opens it: SQLite would make it 0644. */
static bool create_private(const char *path, char *err, size_t errlen)
{
	if (!lg_mkdir_parent(path)) {
		snprintf(err, errlen, "%s: cannot make its folder: %s", path,
			 strerror(errno));
		return false;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

static lg_status migrate(lg_store *st, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	int version = 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) !=
	    SQLITE_OK)
		return fail(st, "not a database", err, errlen);
	if (sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version > SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: made by a newer leakguard (schema %d, this one "
			 "knows %d)",
			 st->path, version, SCHEMA_VERSION);
		return LG_EFORMAT;
	}
	for (int v = version; v < SCHEMA_VERSION; v++) {
		char pragma[48];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;",
			 v + 1);
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0) !=
			SQLITE_OK ||
		    sqlite3_exec(st->db, migrations[v], 0, 0, 0) != SQLITE_OK ||
		    sqlite3_exec(st->db, pragma, 0, 0, 0) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", 0, 0, 0) != SQLITE_OK) {
			lg_status rc =
			    fail(st, "cannot set up the schema", err, errlen);
			sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
			return rc;
		}
	}
	return LG_OK;
}

static lg_status prepare(lg_store *st, char *err, size_t errlen)
{
	struct {
		sqlite3_stmt **q;
		const char *sql;
	} s[] = {
	    {&st->pos_get,
	     "SELECT dev, ino, head_hash, head_len, offset, lineno,"
	     " lines_total FROM log_positions WHERE path = ?1"},
	    {&st->pos_put,
	     "INSERT INTO log_positions VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
	     " ON CONFLICT(path) DO UPDATE SET dev=?2, ino=?3, head_hash=?4,"
	     " head_len=?5, offset=?6, lineno=?7, lines_total=?8, updated=?9"},
	    {&st->alert_new,
	     "INSERT INTO alerts (rule, severity, title, first_seen,"
	     " last_seen, actor_ip, actor_user, actor_session, host, path,"
	     " grp, count, distinct_values, sum, evidence, state, created,"
	     " updated) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
	     "?14,?15,?16,?17,?17)"},
	    {&st->alert_upd,
	     "UPDATE alerts SET rule=?1, severity=?2, title=?3, first_seen=?4,"
	     " last_seen=?5, actor_ip=?6, actor_user=?7, actor_session=?8,"
	     " host=?9, path=?10, grp=?11, count=?12, distinct_values=?13,"
	     " sum=?14, evidence=?15, state=?16, updated=?17 WHERE id=?18"},
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++) {
		if (sqlite3_prepare_v3(st->db, s[i].sql, -1,
				       SQLITE_PREPARE_PERSISTENT, s[i].q,
				       NULL) != SQLITE_OK)
			return fail(st, "cannot prepare a statement", err,
				    errlen);
	}
	return LG_OK;
}

lg_status lg_store_open(const char *path, lg_store **out, char *err,
			size_t errlen)
{
	char def[4096];
	*out = NULL;
	if (!path) {
		if (!lg_data_path("leakguard.db", def, sizeof(def))) {
			snprintf(err, errlen,
				 "no place for the store: HOME is not set; "
				 "give --db");
			return LG_EINVAL;
		}
		path = def;
	}
	lg_store *st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		snprintf(err, errlen, "out of memory");
		return LG_ENOMEM;
	}
	lg_status rc = LG_OK;
	if (!create_private(path, err, errlen))
		rc = LG_EIO;
	else if (sqlite3_open_v2(path, &st->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				 NULL) != SQLITE_OK)
		rc = fail(st, "cannot open", err, errlen);
	if (rc == LG_OK) {
		sqlite3_busy_timeout(st->db, 5000);
		if (sqlite3_exec(st->db,
				 "PRAGMA journal_mode=WAL; PRAGMA "
				 "synchronous=NORMAL; PRAGMA foreign_keys=ON",
				 0, 0, 0) != SQLITE_OK)
			rc = fail(st, "not a database", err, errlen);
	}
	if (rc == LG_OK)
		rc = migrate(st, err, errlen);
	if (rc == LG_OK)
		rc = prepare(st, err, errlen);
	if (rc != LG_OK) {
		lg_store_close(st);
		return rc;
	}
	*out = st;
	return LG_OK;
}

void lg_store_close(lg_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->pos_get);
	sqlite3_finalize(st->pos_put);
	sqlite3_finalize(st->alert_new);
	sqlite3_finalize(st->alert_upd);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *lg_store_path(const lg_store *st)
{
	return st->path;
}

lg_status lg_store_begin(lg_store *st)
{
	return sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK
		   ? LG_OK
		   : LG_EIO;
}

lg_status lg_store_commit(lg_store *st)
{
	if (sqlite3_exec(st->db, "COMMIT", 0, 0, 0) == SQLITE_OK)
		return LG_OK;
	sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
	return LG_EIO;
}

bool lg_store_position_get(lg_store *st, const char *path, lg_log_position *out)
{
	sqlite3_stmt *q = st->pos_get;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	bool found = sqlite3_step(q) == SQLITE_ROW;
	if (found) {
		out->dev = (uint64_t)sqlite3_column_int64(q, 0);
		out->ino = (uint64_t)sqlite3_column_int64(q, 1);
		out->head_hash = (uint64_t)sqlite3_column_int64(q, 2);
		out->head_len = (uint32_t)sqlite3_column_int64(q, 3);
		out->offset = (uint64_t)sqlite3_column_int64(q, 4);
		out->lineno = (uint64_t)sqlite3_column_int64(q, 5);
		out->lines_total = (uint64_t)sqlite3_column_int64(q, 6);
	}
	sqlite3_reset(q);
	return found;
}

static void now_iso(char *out, size_t cap)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	lg_time_iso((int64_t)ts.tv_sec * 1000000, 0, out, cap);
}

lg_status lg_store_position_put(lg_store *st, const char *path,
				const lg_log_position *p)
{
	char now[40];
	now_iso(now, sizeof(now));
	sqlite3_stmt *q = st->pos_put;
	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)p->dev);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)p->ino);
	sqlite3_bind_int64(q, 4, (sqlite3_int64)p->head_hash);
	sqlite3_bind_int64(q, 5, (sqlite3_int64)p->head_len);
	sqlite3_bind_int64(q, 6, (sqlite3_int64)p->offset);
	sqlite3_bind_int64(q, 7, (sqlite3_int64)p->lineno);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)p->lines_total);
	sqlite3_bind_text(q, 9, now, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? LG_OK : LG_EIO;
}

/* The evidence as a JSON array of "file:line", malloc'd. */
static char *evidence_json(const lg_alert *a)
{
	json_t *arr = json_array();
	for (unsigned i = 0; arr && i < a->nevidence; i++) {
		char e[1200];
		snprintf(e, sizeof(e), "%s:%llu", a->evidence[i].source,
			 (unsigned long long)a->evidence[i].line);
		json_array_append_new(arr, json_string(e));
	}
	char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return s;
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static void bind_alert(sqlite3_stmt *q, const lg_alert *a, const char *state,
		       const char *evidence, const char *now)
{
	char first[40], last[40];
	lg_time_iso(a->first_us, a->tz_min, first, sizeof(first));
	lg_time_iso(a->last_us, a->tz_min, last, sizeof(last));
	bind_text_or_null(q, 1, a->rule_id);
	bind_text_or_null(q, 2, lg_severity_name(a->severity));
	bind_text_or_null(q, 3, a->title);
	bind_text_or_null(q, 4, first);
	bind_text_or_null(q, 5, last);
	bind_text_or_null(q, 6, a->actor_ip);
	bind_text_or_null(q, 7, a->actor_user);
	bind_text_or_null(q, 8, a->actor_session);
	bind_text_or_null(q, 9, a->host);
	bind_text_or_null(q, 10, a->path);
	bind_text_or_null(q, 11, a->group);
	sqlite3_bind_int64(q, 12, (sqlite3_int64)a->count);
	sqlite3_bind_int64(q, 13, (sqlite3_int64)a->distinct);
	sqlite3_bind_double(q, 14, a->sum);
	bind_text_or_null(q, 15, evidence);
	bind_text_or_null(q, 16, state);
	bind_text_or_null(q, 17, now);
}

lg_status lg_store_alert_put(lg_store *st, const lg_alert *a, const char *state,
			     int64_t *id)
{
	char now[40];
	now_iso(now, sizeof(now));
	char *evidence = evidence_json(a);
	if (!evidence)
		return LG_ENOMEM;
	sqlite3_stmt *q = *id ? st->alert_upd : st->alert_new;
	sqlite3_reset(q);
	bind_alert(q, a, state, evidence, now);
	if (*id)
		sqlite3_bind_int64(q, 18, *id);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	free(evidence);
	if (rc != SQLITE_DONE)
		return LG_EIO;
	if (!*id)
		*id = sqlite3_last_insert_rowid(st->db);
	return LG_OK;
}

lg_status lg_store_alerts_close_stale(lg_store *st, uint64_t *n)
{
	*n = 0;
	if (sqlite3_exec(st->db,
			 "UPDATE alerts SET state = 'closed' WHERE state = "
			 "'open'",
			 0, 0, 0) != SQLITE_OK)
		return LG_EIO;
	*n = (uint64_t)sqlite3_changes(st->db);
	return LG_OK;
}
