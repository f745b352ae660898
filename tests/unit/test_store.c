/* test_store.c: the SQLite store: created private, schema versioned,
 * positions and alerts kept, transactions all-or-nothing, and clear
 * errors for a file that is not a store or is from a newer leakguard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "leakguard/store.h"

static char tmpdir[] = "/tmp/lgstore.XXXXXX";

static const char *path_of(const char *name)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static lg_store *open_ok(const char *name)
{
	char err[512] = "";
	lg_store *st = NULL;
	assert_int_equal(lg_store_open(path_of(name), &st, err, sizeof(err)),
			 LG_OK);
	return st;
}

static void created_private_in_private_folders(void **state)
{
	(void)state;
	lg_store *st = open_ok("a/b/leakguard.db");
	struct stat sb;
	assert_int_equal(stat(path_of("a/b/leakguard.db"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(path_of("a/b"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_string_equal(lg_store_path(st), path_of("a/b/leakguard.db"));
	lg_store_close(st);
	/* the default place follows XDG_DATA_HOME */
	setenv("XDG_DATA_HOME", path_of("xdg"), 1);
	char err[512];
	assert_int_equal(lg_store_open(NULL, &st, err, sizeof(err)), LG_OK);
	assert_string_equal(lg_store_path(st),
			    path_of("xdg/leakguard/leakguard.db"));
	lg_store_close(st);
}

static void positions_are_kept_and_replaced(void **state)
{
	(void)state;
	lg_store *st = open_ok("pos.db");
	lg_log_position p = {.dev = 2049,
			     .ino = 1234567,
			     .head_hash = 0xFEDCBA9876543210ULL,
			     .head_len = 64,
			     .offset = 1ULL << 33,
			     .lineno = 42,
			     .lines_total = 99};
	lg_log_position got;
	assert_false(
	    lg_store_position_get(st, "/var/log/nginx/access.log", &got));
	assert_int_equal(lg_store_begin(st), LG_OK);
	assert_int_equal(
	    lg_store_position_put(st, "/var/log/nginx/access.log", &p), LG_OK);
	assert_int_equal(lg_store_commit(st), LG_OK);
	lg_store_close(st);
	st = open_ok("pos.db"); /* across a restart */
	assert_true(
	    lg_store_position_get(st, "/var/log/nginx/access.log", &got));
	assert_int_equal(got.dev, p.dev);
	assert_int_equal(got.ino, p.ino);
	assert_true(got.head_hash == p.head_hash); /* beyond INT64_MAX */
	assert_int_equal(got.head_len, p.head_len);
	assert_int_equal(got.offset, p.offset);
	assert_int_equal(got.lineno, p.lineno);
	assert_int_equal(got.lines_total, p.lines_total);
	p.offset = 10;
	p.lines_total = 100;
	assert_int_equal(
	    lg_store_position_put(st, "/var/log/nginx/access.log", &p), LG_OK);
	assert_true(
	    lg_store_position_get(st, "/var/log/nginx/access.log", &got));
	assert_int_equal(got.offset, 10);
	assert_int_equal(got.lines_total, 100);
	lg_store_close(st);
}

static void an_unfinished_transaction_keeps_nothing(void **state)
{
	(void)state;
	lg_store *st = open_ok("txn.db");
	lg_log_position p = {.dev = 1, .ino = 2, .offset = 300};
	assert_int_equal(lg_store_begin(st), LG_OK);
	assert_int_equal(lg_store_position_put(st, "x.log", &p), LG_OK);
	lg_store_close(st); /* as if killed before the commit */
	st = open_ok("txn.db");
	lg_log_position got;
	assert_false(lg_store_position_get(st, "x.log", &got));
	lg_store_close(st);
}

static void alerts_are_rows_that_grow_and_close(void **state)
{
	(void)state;
	lg_store *st = open_ok("alerts.db");
	lg_alert a;
	memset(&a, 0, sizeof(a));
	a.rule_id = "cache-leak";
	a.title = "Private page answered from a shared cache";
	a.severity = LG_SEV_CRITICAL;
	a.first_us = a.last_us = 1749861663000000LL;
	a.tz_min = 540;
	a.actor_ip = "198.51.100.33";
	a.actor_session = "s:6011fc63a23bd9c5";
	a.path = "/mypage";
	a.count = 1;
	a.nevidence = 1;
	a.evidence[0] = (lg_evidence){"access.log", 7};
	int64_t id = 0;
	assert_int_equal(lg_store_alert_put(st, &a, "open", &id), LG_OK);
	assert_true(id > 0);
	int64_t first = id;
	a.count = 5;
	a.last_us += 60000000;
	a.nevidence = 2;
	a.evidence[1] = (lg_evidence){"access.log", 12};
	assert_int_equal(lg_store_alert_put(st, &a, "open", &id), LG_OK);
	assert_int_equal(id, first);
	int64_t other = 0;
	assert_int_equal(lg_store_alert_put(st, &a, "open", &other), LG_OK);
	uint64_t n;
	assert_int_equal(lg_store_alerts_close_stale(st, &n), LG_OK);
	assert_int_equal(n, 2);
	lg_store_close(st);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(path_of("alerts.db"), &db), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(
	    sqlite3_prepare_v2(db,
			       "SELECT count, state, last_seen, evidence, "
			       "actor_user FROM alerts WHERE id = ?1",
			       -1, &q, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(q, 1, first);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 5);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), "closed");
	assert_string_equal((const char *)sqlite3_column_text(q, 2),
			    "2025-06-14T09:42:03+09:00");
	assert_string_equal((const char *)sqlite3_column_text(q, 3),
			    "[\"access.log:7\",\"access.log:12\"]");
	assert_int_equal(sqlite3_column_type(q, 4), SQLITE_NULL);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void wrong_files_are_refused_clearly(void **state)
{
	(void)state;
	char err[512] = "";
	lg_store *st = NULL;
	FILE *f = fopen(path_of("notes.txt"), "w");
	assert_non_null(f);
	fputs("this is not a database, it is meeting notes\n", f);
	fclose(f);
	assert_int_not_equal(
	    lg_store_open(path_of("notes.txt"), &st, err, sizeof(err)), LG_OK);
	assert_null(st);
	assert_non_null(strstr(err, "notes.txt"));
	/* a store from a newer leakguard */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path_of("newer.db"), &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version = 99", 0, 0, 0);
	sqlite3_close(db);
	assert_int_equal(
	    lg_store_open(path_of("newer.db"), &st, err, sizeof(err)),
	    LG_EFORMAT);
	assert_non_null(strstr(err, "newer leakguard"));
	/* a folder that cannot be made */
	assert_int_equal(
	    lg_store_open("/proc/leakguard/x.db", &st, err, sizeof(err)),
	    LG_EIO);
	assert_non_null(strstr(err, "/proc/leakguard"));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(created_private_in_private_folders),
	    cmocka_unit_test(positions_are_kept_and_replaced),
	    cmocka_unit_test(an_unfinished_transaction_keeps_nothing),
	    cmocka_unit_test(alerts_are_rows_that_grow_and_close),
	    cmocka_unit_test(wrong_files_are_refused_clearly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
