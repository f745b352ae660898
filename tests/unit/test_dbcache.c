/* test_dbcache.c: the compiled-database disk cache: hits, misses, damaged
 * and foreign files, the off switch, compile errors, an unusable dir. */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <xxhash.h>

#include "detect/dbcache.h"

/* The cache file layout (dbcache.c): magic, key, length, payload sum,
 * the key and the sum XXH3-128. */
#define KEY_LEN 16
#define OFF_KEY 8
#define OFF_SUM 32
#define HDR_LEN 48

typedef struct pattern_set {
	const char *const *expr;
	const unsigned *flags, *ids;
	unsigned n;
} pattern_set;

static const char *const expr_a[] = {"\\b4[0-9]{15}\\b", "secret[_-]?key",
				     "AKIA[0-9A-Z]{16}"};
static const char *const expr_b[] = {"\\b4[0-9]{15}\\b", "secret[_-]?key",
				     "ghp_[0-9A-Za-z]{36}"};
static const unsigned flags_ab[] = {HS_FLAG_SOM_LEFTMOST,
				    HS_FLAG_SOM_LEFTMOST | HS_FLAG_CASELESS,
				    HS_FLAG_SOM_LEFTMOST};
static const unsigned flags_c[] = {HS_FLAG_SOM_LEFTMOST, HS_FLAG_SOM_LEFTMOST,
				   HS_FLAG_SOM_LEFTMOST};
static const unsigned ids_ab[] = {0, 1, 2};
static const unsigned ids_d[] = {10, 11, 12};

static const pattern_set set_a = {expr_a, flags_ab, ids_ab, 3};
static const pattern_set set_b = {expr_b, flags_ab, ids_ab, 3};
static const pattern_set set_c = {expr_a, flags_c, ids_ab, 3}; /* flags */
static const pattern_set set_d = {expr_a, flags_ab, ids_d, 3}; /* ids */

static const char text[] =
    "card 4111111111111111 and SECRET_KEY=AKIAIOSFODNN7EXAMPLE, token "
    "ghp_0123456789abcdefghijABCDEFGHIJ012345 and secret-key again";

typedef struct fixture {
	char root[64];	 /* mkdtemp, removed by teardown */
	char cache[128]; /* root/a/b/cache: made by the code under test */
} fixture;

/* ---- helpers ------------------------------------------------------------- */
typedef struct match {
	unsigned id;
	unsigned long long from, to;
} match;

typedef struct matches {
	match m[64];
	unsigned n;
} matches;

static int on_match(unsigned id, unsigned long long from, unsigned long long to,
		    unsigned fl, void *ctx)
{
	(void)fl;
	matches *ms = ctx;
	if (ms->n < 64)
		ms->m[ms->n++] = (match){id, from, to};
	return 0;
}

static matches scan_text(const hs_database_t *db)
{
	matches ms = {.n = 0};
	hs_scratch_t *s = NULL;
	assert_int_equal(hs_alloc_scratch(db, &s), HS_SUCCESS);
	assert_int_equal(
	    hs_scan(db, text, sizeof(text) - 1, 0, s, on_match, &ms),
	    HS_SUCCESS);
	hs_free_scratch(s);
	return ms;
}

/* db finds exactly what a fresh hs_compile_multi of p finds in text. */
static void assert_db_is(const hs_database_t *db, const pattern_set *p)
{
	hs_database_t *ref = NULL;
	hs_compile_error_t *ce = NULL;
	assert_int_equal(hs_compile_multi(p->expr, p->flags, p->ids, p->n,
					  HS_MODE_BLOCK, NULL, &ref, &ce),
			 HS_SUCCESS);
	matches got = scan_text(db), want = scan_text(ref);
	hs_free_database(ref);
	assert_true(want.n >= 3); /* the comparison is not vacuous */
	assert_int_equal(got.n, want.n);
	for (unsigned i = 0; i < want.n; i++) {
		assert_int_equal(got.m[i].id, want.m[i].id);
		assert_int_equal(got.m[i].from, want.m[i].from);
		assert_int_equal(got.m[i].to, want.m[i].to);
	}
}

static hs_database_t *compile_set(const pattern_set *p)
{
	char err[256] = "x";
	hs_database_t *db = lg_hs_compile_cached(p->expr, p->flags, p->ids,
						 p->n, err, sizeof(err));
	assert_non_null(db);
	assert_string_equal(err, "");
	return db;
}

/* compile_set, check the result against p, free it. */
static void compile_check(const pattern_set *p)
{
	hs_database_t *db = compile_set(p);
	assert_db_is(db, p);
	hs_free_database(db);
}

/* Number of entries in dir; the last one's path in path (if any). */
static unsigned list_dir(const char *dir, char *path, size_t pathlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, pathlen, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* The one cache file in dir, asserting it is the only entry. */
static void only_file(const char *dir, char *path, size_t pathlen)
{
	assert_int_equal(list_dir(dir, path, pathlen), 1);
}

static struct stat stat_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st;
}

static void assert_same_file(const struct stat *a, const struct stat *b)
{
	assert_int_equal(a->st_ino, b->st_ino);
	assert_int_equal(a->st_size, b->st_size);
	assert_int_equal(a->st_mtim.tv_sec, b->st_mtim.tv_sec);
	assert_int_equal(a->st_mtim.tv_nsec, b->st_mtim.tv_nsec);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	struct stat st = stat_of(path);
	unsigned char *buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Whether dir/name was in the names list of n entries. */
static int known(char names[][256], unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(names[i], name))
			return 1;
	}
	return 0;
}

/* Compiles p into the cache and returns the path of the one new file. */
static void cache_file_for(const fixture *fx, const pattern_set *p, char *path,
			   size_t pathlen)
{
	char names[8][256];
	unsigned n = 0, fresh = 0;
	struct dirent *e;
	DIR *d = opendir(fx->cache);
	while (d && (e = readdir(d)) && n < 8)
		snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	if (d)
		closedir(d);
	compile_check(p);
	d = opendir(fx->cache);
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || known(names, n, e->d_name))
			continue;
		snprintf(path, pathlen, "%s/%s", fx->cache, e->d_name);
		fresh++;
	}
	closedir(d);
	assert_int_equal(fresh, 1);
}

/* A file for `as` that holds the database of `from`: from's file with as's
 * key, so only a cache hit can make `as` behave like `from`. */
static void plant_foreign_db(const char *as_path, const char *from_path)
{
	size_t alen, flen;
	unsigned char *as = read_file(as_path, &alen);
	unsigned char *from = read_file(from_path, &flen);
	memcpy(from + OFF_KEY, as + OFF_KEY, KEY_LEN);
	write_file(as_path, from, flen);
	free(as);
	free(from);
}

/* ---- fixture ------------------------------------------------------------- */
static int rm_entry(const char *p, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "/tmp/lg-dbcache-XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	snprintf(fx->cache, sizeof(fx->cache), "%s/a/b/cache", fx->root);
	setenv("LEAKGUARD_CACHE_DIR", fx->cache, 1);
	unsetenv("LEAKGUARD_NO_CACHE");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	nftw(fx->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* ---- tests --------------------------------------------------------------- */
static void first_call_writes_one_private_file(void **state)
{
	fixture *fx = *state;
	compile_check(&set_a);
	char path[512];
	only_file(fx->cache, path, sizeof(path));
	const char *name = strrchr(path, '/') + 1;
	assert_int_equal(strlen(name), strlen("hs-.db") + 2 * KEY_LEN);
	assert_memory_equal(name, "hs-", 3);
	assert_int_equal(strspn(name + 3, "0123456789abcdef"), 2 * KEY_LEN);
	assert_string_equal(name + 3 + 2 * KEY_LEN, ".db");
	assert_int_equal(stat_of(path).st_mode & 07777, 0600);
	assert_int_equal(stat_of(fx->cache).st_mode & 07777, 0700);
	char parent[128];
	snprintf(parent, sizeof(parent), "%s/a", fx->root);
	assert_int_equal(stat_of(parent).st_mode & 07777, 0700);
}

static void second_call_reads_the_file(void **state)
{
	fixture *fx = *state;
	compile_check(&set_a);
	char path[512];
	only_file(fx->cache, path, sizeof(path));
	struct stat before = stat_of(path);
	compile_check(&set_a);
	struct stat after = stat_of(path);
	assert_same_file(&before, &after);
	only_file(fx->cache, path, sizeof(path));
}

/* Proof that a hit serves the file's bytes, not a recompile: a file holding
 * set B's database under set A's name and key makes set A find B's
 * matches. */
static void hit_serves_the_file_contents(void **state)
{
	fixture *fx = *state;
	char pa[512], pb[512];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	assert_string_not_equal(pa, pb);
	plant_foreign_db(pa, pb);
	hs_database_t *db = compile_set(&set_a);
	assert_db_is(db, &set_b);
	hs_free_database(db);
}

static void each_input_has_its_own_file(void **state)
{
	fixture *fx = *state;
	char dummy[512];
	const pattern_set *sets[] = {&set_a, &set_b, &set_c, &set_d};
	for (unsigned i = 0; i < 4; i++) {
		compile_check(sets[i]);
		assert_int_equal(list_dir(fx->cache, dummy, sizeof(dummy)),
				 i + 1);
	}
	for (unsigned i = 0; i < 4; i++)
		compile_check(sets[i]);
	assert_int_equal(list_dir(fx->cache, dummy, sizeof(dummy)), 4);
}

/* After damage() to set A's file, the call still returns A's database and
 * rewrites the file, which the next call then reads. */
static void assert_damage_recovered(fixture *fx, void (*damage)(const char *))
{
	compile_check(&set_a);
	char path[512];
	only_file(fx->cache, path, sizeof(path));
	struct stat good = stat_of(path);
	damage(path);
	struct stat damaged = stat_of(path);
	compile_check(&set_a);
	only_file(fx->cache, path, sizeof(path));
	struct stat fixed = stat_of(path);
	assert_int_not_equal(fixed.st_ino, damaged.st_ino); /* renamed over */
	assert_int_equal(fixed.st_size, good.st_size);
	assert_int_equal(fixed.st_mode & 07777, 0600);
	compile_check(&set_a);
	struct stat again = stat_of(path);
	assert_same_file(&fixed, &again);
}

static void truncate_half(const char *path)
{
	assert_int_equal(truncate(path, stat_of(path).st_size / 2), 0);
}

static void truncate_to_header(const char *path)
{
	assert_int_equal(truncate(path, HDR_LEN), 0);
}

static void truncate_empty(const char *path)
{
	assert_int_equal(truncate(path, 0), 0);
}

static void fill_garbage(const char *path)
{
	size_t len = (size_t)stat_of(path).st_size;
	unsigned char *g = malloc(len);
	assert_non_null(g);
	for (size_t i = 0; i < len; i++)
		g[i] = (unsigned char)(i * 131 + 7);
	write_file(path, g, len);
	free(g);
}

static void flip_payload_byte(const char *path)
{
	size_t len;
	unsigned char *b = read_file(path, &len);
	b[len / 2] ^= 0x5a;
	write_file(path, b, len);
	free(b);
}

/* The payload intact but its stored checksum wrong. */
static void flip_checksum_byte(const char *path)
{
	size_t len;
	unsigned char *b = read_file(path, &len);
	b[OFF_SUM + 3] ^= 1;
	write_file(path, b, len);
	free(b);
}

/* A payload Hyperscan refuses (as from another build) but whose checksum
 * is right: only hs_deserialize_database can catch it. */
static void hyperscan_refuses_payload(const char *path)
{
	size_t len;
	unsigned char *b = read_file(path, &len);
	memset(b + HDR_LEN, 0xee, 16);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(b + HDR_LEN, len - HDR_LEN));
	memcpy(b + OFF_SUM, c.digest, sizeof(c.digest));
	write_file(path, b, len);
	free(b);
}

/* A sparse file past the 256 MB bound: refused before it is read. */
static void grow_huge(const char *path)
{
	assert_int_equal(truncate(path, ((off_t)256 << 20) + 1), 0);
}

static void truncated_file_is_replaced(void **state)
{
	assert_damage_recovered(*state, truncate_half);
	assert_damage_recovered(*state, truncate_to_header);
	assert_damage_recovered(*state, truncate_empty);
}

static void garbage_file_is_replaced(void **state)
{
	assert_damage_recovered(*state, fill_garbage);
	assert_damage_recovered(*state, flip_payload_byte);
	assert_damage_recovered(*state, flip_checksum_byte);
}

static void refused_payload_is_replaced(void **state)
{
	assert_damage_recovered(*state, hyperscan_refuses_payload);
}

static void huge_file_is_replaced(void **state)
{
	assert_damage_recovered(*state, grow_huge);
}

/* B's file copied whole under A's name: its key says B, so it is ignored. */
static void file_of_another_key_is_replaced(void **state)
{
	fixture *fx = *state;
	char pa[512], pb[512];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	size_t len;
	unsigned char *b = read_file(pb, &len);
	write_file(pa, b, len);
	free(b);
	compile_check(&set_a);
	compile_check(&set_a);
}

/* A file another user owns could have been doctored by them: ignored. */
static void file_of_another_owner_is_ignored(void **state)
{
	fixture *fx = *state;
	char pa[512], pb[512];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	plant_foreign_db(pa, pb);
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	assert_int_equal(chown(pa, 65534, 65534), 0);
	compile_check(&set_a);
}

/* A link is not followed, even to a file that would be a valid hit. */
static void symlink_is_not_followed(void **state)
{
	fixture *fx = *state;
	char pa[512], pb[512], target[160];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	plant_foreign_db(pa, pb);
	snprintf(target, sizeof(target), "%s/planted", fx->root);
	assert_int_equal(rename(pa, target), 0);
	assert_int_equal(symlink(target, pa), 0);
	compile_check(&set_a);
	struct stat st;
	assert_int_equal(lstat(pa, &st), 0);
	assert_true(S_ISREG(st.st_mode)); /* the link was replaced */
}

static void no_cache_neither_writes_nor_reads(void **state)
{
	fixture *fx = *state;
	setenv("LEAKGUARD_NO_CACHE", "1", 1);
	compile_check(&set_a);
	struct stat st;
	assert_int_not_equal(stat(fx->cache, &st), 0);
	/* with a planted file present, it is not read either */
	unsetenv("LEAKGUARD_NO_CACHE");
	char pa[512], pb[512];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	plant_foreign_db(pa, pb);
	setenv("LEAKGUARD_NO_CACHE", "1", 1);
	compile_check(&set_a);
	/* "0" means on: the planted file is served */
	setenv("LEAKGUARD_NO_CACHE", "0", 1);
	hs_database_t *db = compile_set(&set_a);
	assert_db_is(db, &set_b);
	hs_free_database(db);
}

static void compile_error_names_the_expression(void **state)
{
	fixture *fx = *state;
	const char *const bad[] = {"fine", "also fine", "a(b"};
	char err[256] = "";
	assert_null(lg_hs_compile_cached(bad, NULL, NULL, 3, err, sizeof(err)));
	assert_non_null(strstr(err, "pattern 2"));
	assert_non_null(strstr(err, "a(b"));
	char dummy[512];
	assert_int_equal(list_dir(fx->cache, dummy, sizeof(dummy)), 0);
	/* a too-short err buffer is cut, never overrun */
	char tiny[8];
	memset(tiny, 'x', sizeof(tiny));
	assert_null(lg_hs_compile_cached(bad, NULL, NULL, 3, tiny, 4));
	assert_int_equal(strlen(tiny), 3);
	assert_int_equal(tiny[4], 'x');
}

static void unusable_dir_still_compiles(void **state)
{
	fixture *fx = *state;
	char file[128], under[192];
	snprintf(file, sizeof(file), "%s/plain-file", fx->root);
	write_file(file, "x", 1);
	snprintf(under, sizeof(under), "%s/cache", file);
	setenv("LEAKGUARD_CACHE_DIR", under, 1);
	compile_check(&set_a);
	compile_check(&set_a);
	char dummy[512];
	assert_int_equal(list_dir(fx->root, dummy, sizeof(dummy)), 1);
}

static void xdg_then_home_name_the_dir(void **state)
{
	fixture *fx = *state;
	char xdg[128], home[128], want[192], path[512];
	const char *saved_home = getenv("HOME");
	char *home_copy = saved_home ? strdup(saved_home) : NULL;
	unsetenv("LEAKGUARD_CACHE_DIR");
	snprintf(xdg, sizeof(xdg), "%s/xdg", fx->root);
	setenv("XDG_CACHE_HOME", xdg, 1);
	compile_check(&set_a);
	snprintf(want, sizeof(want), "%s/leakguard", xdg);
	only_file(want, path, sizeof(path));
	/* a relative XDG_CACHE_HOME is ignored, as the spec says */
	setenv("XDG_CACHE_HOME", "relative/dir", 1);
	snprintf(home, sizeof(home), "%s/home", fx->root);
	setenv("HOME", home, 1);
	compile_check(&set_a);
	snprintf(want, sizeof(want), "%s/.cache/leakguard", home);
	only_file(want, path, sizeof(path));
	unsetenv("XDG_CACHE_HOME");
	if (home_copy)
		setenv("HOME", home_copy, 1);
	free(home_copy);
}

/* Sets path's modification time to days ago. */
static void age_file(const char *path, int days)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= (time_t)days * 24 * 60 * 60;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A miss removes our files unused for 30 days (and crash-left temporaries)
 * and nothing else: not a newer file, not another program's file even when
 * old, not a link. */
static void miss_prunes_stale_files(void **state)
{
	fixture *fx = *state;
	char pa[512], pb[512], tmp[600], other[600], link[600], young[600];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	cache_file_for(fx, &set_b, pb, sizeof(pb));
	age_file(pa, 31);
	age_file(pb, 29);
	snprintf(tmp, sizeof(tmp), "%s.Ab12Z9", pa);
	write_file(tmp, "torn", 4);
	age_file(tmp, 40);
	snprintf(other, sizeof(other), "%s/notes.txt", fx->cache);
	write_file(other, "mine", 4);
	age_file(other, 400);
	snprintf(link, sizeof(link), "%s/hs-%064d.db", fx->cache, 0);
	assert_int_equal(symlink(other, link), 0);
	snprintf(young, sizeof(young), "%s/hs-%064d.db", fx->cache, 1);
	write_file(young, "x", 1);
	compile_check(&set_c); /* a miss */
	assert_false(exists(pa));
	assert_false(exists(tmp));
	assert_true(exists(pb));
	assert_true(exists(other));
	assert_true(exists(link));
	assert_true(exists(young));
	/* a hit prunes nothing */
	age_file(pb, 45);
	compile_check(&set_c);
	assert_true(exists(pb));
}

/* A hit marks a file used when its mark is over a day old, so an old but
 * busy file is never pruned; a fresh mark is left as it is. */
static void hit_marks_the_file_used(void **state)
{
	fixture *fx = *state;
	char pa[512];
	cache_file_for(fx, &set_a, pa, sizeof(pa));
	age_file(pa, 40);
	compile_check(&set_a);
	struct stat st = stat_of(pa);
	assert_true(time(NULL) - st.st_mtime < 60);
	compile_check(&set_b); /* a miss that prunes */
	assert_true(exists(pa));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(first_call_writes_one_private_file),
	    T(second_call_reads_the_file),
	    T(hit_serves_the_file_contents),
	    T(each_input_has_its_own_file),
	    T(truncated_file_is_replaced),
	    T(garbage_file_is_replaced),
	    T(refused_payload_is_replaced),
	    T(huge_file_is_replaced),
	    T(file_of_another_key_is_replaced),
	    T(file_of_another_owner_is_ignored),
	    T(symlink_is_not_followed),
	    T(no_cache_neither_writes_nor_reads),
	    T(compile_error_names_the_expression),
	    T(unusable_dir_still_compiles),
	    T(xdg_then_home_name_the_dir),
	    T(miss_prunes_stale_files),
	    T(hit_marks_the_file_used),
	};
	return cmocka_run_group_tests_name("dbcache", tests, NULL, NULL);
}
