/* test_util.c: the shared data structures of src/util/ (buffer, arena,
 * hash table, thread pool) under growth, alignment and concurrency. */
#include <ctype.h>
#include <locale.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "util/curl_api.h"
#include "util/dynlib.h"
#include "util/util.h"

/* ---- lg_buf ----------------------------------------------------------------
 */
static void buf_append_grows_and_keeps_nul(void **state)
{
	(void)state;
	lg_buf b = {0};
	assert_true(lg_buf_puts(&b, "abc"));
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "abc");
	assert_true(b.cap >= 4);
	assert_true(lg_buf_putc(&b, 'd'));
	assert_string_equal(b.data, "abcd");
	/* many appends: the content must survive every realloc */
	for (int i = 0; i < 5000; i++)
		assert_true(lg_buf_putc(&b, (char)('a' + i % 26)));
	assert_int_equal(b.len, 5004);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data, "abcd", 4);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(b.data[4 + i], 'a' + i % 26);
	/* binary data with NULs in it */
	assert_true(lg_buf_append(&b, "x\0y", 3));
	assert_int_equal(b.len, 5007);
	assert_memory_equal(b.data + 5004, "x\0y", 3);
	assert_int_equal(b.data[b.len], '\0');
	/* appending nothing is fine and still terminates */
	assert_true(lg_buf_append(&b, NULL, 0));
	assert_int_equal(b.len, 5007);
	lg_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void buf_printf_formats_and_grows(void **state)
{
	(void)state;
	lg_buf b = {0};
	assert_true(lg_buf_printf(&b, "%d-%s-%05.1f", 42, "漢字", 3.14159));
	assert_string_equal(b.data, "42-漢字-003.1");
	assert_int_equal(b.len, strlen("42-漢字-003.1"));
	/* a formatted piece far larger than the first block */
	char big[3000];
	memset(big, 'Z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_true(lg_buf_printf(&b, "[%s]", big));
	assert_int_equal(b.len, strlen("42-漢字-003.1") + 2 + 2999);
	assert_int_equal(b.data[strlen("42-漢字-003.1")], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], '\0');
	/* many small printfs append in order */
	lg_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	size_t cap = b.cap;
	for (int i = 0; i < 1000; i++)
		assert_true(lg_buf_printf(&b, "%d,", i));
	assert_true(b.cap >= cap); /* reset kept the memory */
	char expect[8];
	size_t off = 0;
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(expect, sizeof(expect), "%d,", i);
		assert_memory_equal(b.data + off, expect, (size_t)n);
		off += (size_t)n;
	}
	assert_int_equal(off, b.len);
	lg_buf_free(&b);
}

static void copy_cut_cuts_and_terminates(void **state)
{
	(void)state;
	char d[6];
	memset(d, 'x', sizeof(d));
	assert_int_equal(lg_copy_cut(d, sizeof(d), "abc"), 3);
	assert_string_equal(d, "abc");
	assert_int_equal(d[4], 'x'); /* nothing written past the NUL */
	assert_int_equal(lg_copy_cut(d, sizeof(d), "abcdefgh"), 5);
	assert_string_equal(d, "abcde");
	assert_int_equal(lg_copy_cut(d, 1, "abc"), 0);
	assert_string_equal(d, "");
}

static void buf_reserve_refuses_overflow(void **state)
{
	(void)state;
	lg_buf b = {0};
	assert_true(lg_buf_puts(&b, "keep"));
	assert_false(lg_buf_reserve(&b, SIZE_MAX));
	assert_false(lg_buf_reserve(&b, SIZE_MAX - 2));
	/* left unchanged */
	assert_string_equal(b.data, "keep");
	assert_int_equal(b.len, 4);
	assert_true(lg_buf_reserve(&b, 1000));
	assert_true(b.cap >= 1005);
	assert_int_equal(b.len, 4);
	lg_buf_free(&b);
}

/* ---- lg_arena --------------------------------------------------------------
 */
static void arena_alignment_and_no_overlap(void **state)
{
	(void)state;
	lg_arena a;
	lg_arena_init(&a, 256); /* small blocks: many block switches */
	enum { N = 3000 };
	unsigned char *ptr[N];
	size_t size[N];
	for (int i = 0; i < N; i++) {
		size[i] = (size_t)(i * 7919) % 300; /* 0..299, incl. 0 */
		ptr[i] = lg_arena_alloc(&a, size[i]);
		assert_non_null(ptr[i]);
		assert_int_equal((uintptr_t)ptr[i] % 16, 0);
		memset(ptr[i], i & 0xFF, size[i]);
	}
	/* nothing written later overwrote anything written earlier */
	for (int i = 0; i < N; i++) {
		for (size_t k = 0; k < size[i]; k++)
			assert_int_equal(ptr[i][k], i & 0xFF);
	}
	/* larger than a block */
	unsigned char *big = lg_arena_alloc(&a, 10000);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % 16, 0);
	memset(big, 0xAB, 10000);
	assert_int_equal(ptr[N - 1][0], (N - 1) & 0xFF);

	char *s = lg_arena_strndup(&a, "leakguard-extra", 9);
	assert_non_null(s);
	assert_string_equal(s, "leakguard");
	assert_int_equal((uintptr_t)s % 16, 0);

	/* after a reset the arena hands out memory again */
	lg_arena_reset(&a);
	for (int i = 0; i < 100; i++) {
		void *p = lg_arena_alloc(&a, 24);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0x5A, 24);
	}
	lg_arena_free(&a);
	assert_null(a.head);
}

static void arena_default_block_size(void **state)
{
	(void)state;
	lg_arena a;
	lg_arena_init(&a, 0);
	assert_true(a.block_size > 0);
	/* distinct, aligned, in-order small allocations */
	char *prev = NULL;
	for (int i = 0; i < 10000; i++) {
		char *p = lg_arena_alloc(&a, 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true(p != prev);
		*p = (char)i;
		prev = p;
	}
	lg_arena_free(&a);
}

/* ---- lg_hashtab ------------------------------------------------------------
 */
static void hashtab_put_get_replace(void **state)
{
	(void)state;
	lg_hashtab *h = lg_hashtab_new();
	assert_non_null(h);
	int one = 1, two = 2, three = 3;
	assert_int_equal(lg_hashtab_count(h), 0);
	assert_null(lg_hashtab_get(h, "マイナンバー"));
	assert_false(lg_hashtab_contains(h, "マイナンバー"));

	char key[32] = "マイナンバー";
	assert_true(lg_hashtab_put(h, key, &one));
	key[0] = 'X'; /* keys are copied, so this must not matter */
	assert_ptr_equal(lg_hashtab_get(h, "マイナンバー"), &one);
	assert_true(lg_hashtab_put(h, "個人番号", &two));
	assert_int_equal(lg_hashtab_count(h), 2);

	/* replacing keeps the count */
	assert_true(lg_hashtab_put(h, "マイナンバー", &three));
	assert_int_equal(lg_hashtab_count(h), 2);
	assert_ptr_equal(lg_hashtab_get(h, "マイナンバー"), &three);
	assert_ptr_equal(lg_hashtab_get(h, "個人番号"), &two);

	/* a NULL value is stored: contains() tells it from absence */
	assert_true(lg_hashtab_put(h, "", NULL));
	assert_true(lg_hashtab_contains(h, ""));
	assert_null(lg_hashtab_get(h, ""));
	assert_int_equal(lg_hashtab_count(h), 3);
	assert_false(lg_hashtab_contains(h, "個人"));
	lg_hashtab_free(h);
	lg_hashtab_free(NULL);
}

/* Deleting half of many keys (runs of collisions in a small table) leaves
 * every other key findable: the backward shift keeps probe runs whole. */
static void hashtab_delete_keeps_the_rest_findable(void **state)
{
	(void)state;
	enum { N = 3000 };
	lg_hashtab *h = lg_hashtab_new();
	assert_non_null(h);
	static int vals[N];
	char key[32];
	for (int i = 0; i < N; i++) {
		vals[i] = i;
		snprintf(key, sizeof(key), "alert-%d", i);
		assert_true(lg_hashtab_put(h, key, &vals[i]));
	}
	for (int i = 0; i < N; i += 2) {
		snprintf(key, sizeof(key), "alert-%d", i);
		assert_true(lg_hashtab_del(h, key));
		assert_false(lg_hashtab_del(h, key));
	}
	assert_int_equal(lg_hashtab_count(h), N / 2);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "alert-%d", i);
		int *v = lg_hashtab_get(h, key);
		if (i % 2) {
			assert_non_null(v);
			assert_int_equal(*v, i);
		} else {
			assert_null(v);
		}
	}
	/* put after delete reuses the holes */
	for (int i = 0; i < N; i += 2) {
		snprintf(key, sizeof(key), "alert-%d", i);
		assert_true(lg_hashtab_put(h, key, &vals[i]));
	}
	assert_int_equal(lg_hashtab_count(h), N);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "alert-%d", i);
		assert_ptr_equal(lg_hashtab_get(h, key), &vals[i]);
	}
	lg_hashtab_free(h);
}

static void hashtab_grows_to_10k_keys(void **state)
{
	(void)state;
	enum { N = 10000 };
	lg_hashtab *h = lg_hashtab_new();
	assert_non_null(h);
	static int vals[N];
	char key[32];
	for (int i = 0; i < N; i++) {
		vals[i] = i;
		snprintf(key, sizeof(key), "key-%d", i);
		assert_true(lg_hashtab_put(h, key, &vals[i]));
		assert_int_equal(lg_hashtab_count(h), (size_t)i + 1);
	}
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		int *v = lg_hashtab_get(h, key);
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	for (int i = N; i < N + 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		assert_null(lg_hashtab_get(h, key));
		assert_false(lg_hashtab_contains(h, key));
	}
	/* replace every other key after the growth */
	for (int i = 0; i < N; i += 2) {
		snprintf(key, sizeof(key), "key-%d", i);
		assert_true(lg_hashtab_put(h, key, &vals[N - 1 - i]));
	}
	assert_int_equal(lg_hashtab_count(h), N);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		int *v = lg_hashtab_get(h, key);
		assert_non_null(v);
		assert_int_equal(*v, i % 2 == 0 ? N - 1 - i : i);
	}
	lg_hashtab_free(h);
}

static void hash_bytes_is_fnv1a(void **state)
{
	(void)state;
	/* FNV-1a 64-bit published test values (Fowler/Noll/Vo) */
	assert_true(lg_hash_bytes("", 0) == 0xcbf29ce484222325ULL);
	assert_true(lg_hash_bytes("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(lg_hash_bytes("foobar", 6) == 0x85944171f73967e8ULL);
}

/* ---- lg_pool ---------------------------------------------------------------
 */
enum { POOL_JOBS = 2000, POOL_WORKERS = 4 };

typedef struct pool_worker {
	int index;
	long runs; /* touched only by its own worker */
} pool_worker;

typedef struct pool_job {
	int id;
	int runs; /* 0 before, 1 after: atomically bumped */
	int worker;
} pool_job;

/* The ASCII classes are <ctype.h>'s in the C locale for every byte and
 * EOF, whatever locale the process runs in: a UTF-8 byte is never a
 * letter, digit or space, and folding leaves it alone. */
static void ascii_classes_are_the_c_locale(void **state)
{
	(void)state;
	const char *was = setlocale(LC_CTYPE, NULL);
	char keep[64];
	snprintf(keep, sizeof(keep), "%s", was ? was : "C");
	assert_non_null(setlocale(LC_CTYPE, "C"));
	for (int c = -1; c < 256; c++) {
		assert_int_equal(lg_is_digit(c), !!isdigit(c));
		assert_int_equal(lg_is_upper(c), !!isupper(c));
		assert_int_equal(lg_is_lower(c), !!islower(c));
		assert_int_equal(lg_is_alpha(c), !!isalpha(c));
		assert_int_equal(lg_is_alnum(c), !!isalnum(c));
		assert_int_equal(lg_is_xdigit(c), !!isxdigit(c));
		assert_int_equal(lg_is_space(c), !!isspace(c));
		assert_int_equal(lg_to_lower(c), tolower(c));
		assert_int_equal(lg_to_upper(c), toupper(c));
	}
	setlocale(LC_CTYPE, keep);
	/* a signed char of UTF-8 (negative) is no class either */
	const char *ja = "漢";
	assert_false(lg_is_alpha(ja[0]) || lg_is_space(ja[1]));
	assert_int_equal(lg_to_lower(ja[0]), ja[0]);
}

/* sign of x: strcasecmp promises only that */
static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* The ASCII comparisons agree with strcasecmp's in the C locale on random
 * strings of letters, digits and punctuation, prefixes of each other
 * included; they fold no byte of UTF-8. */
static void ascii_casecmp_is_the_c_locale(void **state)
{
	(void)state;
	static const char alphabet[] = "aAbBzZ09_-@[`{\x7F";
	assert_non_null(setlocale(LC_CTYPE, "C"));
	uint32_t seed = 7;
	for (int round = 0; round < 20000; round++) {
		char a[8], b[8];
		size_t la = 0, lb = 0;
		seed = seed * 1103515245u + 12345u;
		la = (seed >> 16) % 7;
		lb = round % 3 ? la : (seed >> 8) % 7;
		for (size_t i = 0; i < 7; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			/* mostly the same letter in either case */
			b[i] =
			    (seed >> 8) % 4
				? (char)(a[i] ^ (lg_is_alpha(a[i]) ? 0x20 : 0))
				: alphabet[(seed >> 4) %
					   (sizeof(alphabet) - 1)];
		}
		a[la] = b[lb] = '\0';
		assert_int_equal(sign(lg_ascii_casecmp(a, b)),
				 sign(strcasecmp(a, b)));
		for (size_t n = 0; n < 8; n++)
			assert_int_equal(sign(lg_ascii_ncasecmp(a, b, n)),
					 sign(strncasecmp(a, b, n)));
		assert_ptr_equal(lg_ascii_casestr(a, b), strcasestr(a, b));
	}
	setlocale(LC_CTYPE, "");
	assert_int_equal(lg_ascii_casecmp("Content-Type", "content-type"), 0);
	assert_int_not_equal(lg_ascii_casecmp("\xC3\x80", "\xC3\xA0"), 0);
	const char *ct = "text/HTML; Charset=Shift_JIS";
	assert_ptr_equal(lg_ascii_casestr(ct, "charset="), ct + 11);
	assert_null(lg_ascii_casestr(ct, "utf-8"));
	assert_ptr_equal(lg_ascii_casestr(ct, ""), ct);
}

/* Each worker's context: its index, no runs yet. */
static void pool_workers_init(pool_worker *workers, void **ctx)
{
	for (int i = 0; i < POOL_WORKERS; i++) {
		workers[i] = (pool_worker){i, 0};
		ctx[i] = &workers[i];
	}
}

static void pool_run(void *jobp, void *ctxp)
{
	pool_job *j = jobp;
	pool_worker *w = ctxp;
	__atomic_add_fetch(&j->runs, 1, __ATOMIC_SEQ_CST);
	j->worker = w->index;
	w->runs++;
}

static void pool_runs_every_job_once(void **state)
{
	(void)state;
	static pool_job jobs[POOL_JOBS];
	pool_worker workers[POOL_WORKERS];
	void *ctx[POOL_WORKERS];
	pool_workers_init(workers, ctx);
	memset(jobs, 0, sizeof(jobs));
	lg_pool *p = lg_pool_new(POOL_WORKERS, 3, pool_run, ctx);
	assert_non_null(p);
	for (int i = 0; i < POOL_JOBS; i++) {
		jobs[i].id = i;
		jobs[i].worker = -1;
		assert_true(lg_pool_submit(p, &jobs[i]));
	}
	lg_pool_finish(p); /* waits for every queued job */
	long total = 0;
	for (int i = 0; i < POOL_JOBS; i++) {
		assert_int_equal(jobs[i].runs, 1);
		assert_in_range(jobs[i].worker, 0, POOL_WORKERS - 1);
	}
	for (int i = 0; i < POOL_WORKERS; i++)
		total += workers[i].runs;
	assert_int_equal(total, POOL_JOBS);
}

static int pool_ctx_not_null; /* set by a job handed a context */

static void pool_null_ctx_run(void *jobp, void *ctxp)
{
	pool_job *j = jobp;
	if (ctxp)
		__atomic_store_n(&pool_ctx_not_null, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&j->runs, 1, __ATOMIC_SEQ_CST);
}

static void pool_without_worker_ctx(void **state)
{
	(void)state;
	static pool_job jobs[500];
	memset(jobs, 0, sizeof(jobs));
	pool_ctx_not_null = 0;
	lg_pool *p = lg_pool_new(POOL_WORKERS, 1, pool_null_ctx_run, NULL);
	assert_non_null(p);
	for (int i = 0; i < 500; i++)
		assert_true(lg_pool_submit(p, &jobs[i]));
	lg_pool_finish(p);
	for (int i = 0; i < 500; i++)
		assert_int_equal(jobs[i].runs, 1);
	assert_int_equal(pool_ctx_not_null, 0);
}

static void pool_zero_sizes_are_clamped(void **state)
{
	(void)state;
	static pool_job jobs[300];
	memset(jobs, 0, sizeof(jobs));
	/* 0 workers and a 0-slot queue mean one of each, not a hang */
	lg_pool *p = lg_pool_new(0, 0, pool_null_ctx_run, NULL);
	assert_non_null(p);
	for (int i = 0; i < 300; i++)
		assert_true(lg_pool_submit(p, &jobs[i]));
	lg_pool_finish(p);
	for (int i = 0; i < 300; i++)
		assert_int_equal(jobs[i].runs, 1);
	/* an idle pool finishes too */
	p = lg_pool_new(2, 4, pool_null_ctx_run, NULL);
	assert_non_null(p);
	lg_pool_finish(p);
}

/* ---- jobs queued by jobs (lg_pool_submit_next) ---- */
static lg_pool *next_pool;
static int next_order[8], next_seen, next_gate;
enum { CHAIN = 40 };
static int chain_ran[CHAIN], chain_worker[CHAIN];

static void next_run(void *jobp, void *ctxp)
{
	(void)ctxp;
	int id = (int)(intptr_t)jobp;
	if (id == 0) { /* the first job: queued behind it are 1..3 */
		while (!__atomic_load_n(&next_gate, __ATOMIC_SEQ_CST))
			sched_yield();
		/* (a failure shows as 9 missing below: no cmocka assert
		 * off the main thread) */
		(void)lg_pool_submit_next(next_pool, (void *)(intptr_t)9);
	}
	next_order[next_seen++] = id; /* one worker: no race */
}

static void chain_run(void *jobp, void *ctxp)
{
	int id = (int)(intptr_t)jobp;
	if (id == 0) /* long enough for lg_pool_finish to have begun */
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	if (id + 1 < CHAIN) /* the next link before this one's work */
		(void)lg_pool_submit_next(next_pool,
					  (void *)(intptr_t)(id + 1));
	nanosleep(&(struct timespec){0, 1000000}, NULL);
	__atomic_add_fetch(&chain_ran[id], 1, __ATOMIC_SEQ_CST);
	chain_worker[id] = ((pool_worker *)ctxp)->index;
}

/* A job may queue another, taken before everything queued (a file's next
 * part before the next file), also while lg_pool_finish waits: no worker
 * leaves while a job that may queue one runs. */
static void pool_jobs_queue_jobs_ahead(void **state)
{
	(void)state;
	next_seen = next_gate = 0;
	next_pool = lg_pool_new(1, 8, next_run, NULL);
	assert_non_null(next_pool);
	for (intptr_t i = 0; i < 4; i++)
		assert_true(lg_pool_submit(next_pool, (void *)i));
	__atomic_store_n(&next_gate, 1, __ATOMIC_SEQ_CST);
	lg_pool_finish(next_pool);
	int want[] = {0, 9, 1, 2, 3};
	assert_int_equal(next_seen, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(next_order[i], want[i]);

	pool_worker workers[POOL_WORKERS];
	void *ctx[POOL_WORKERS];
	pool_workers_init(workers, ctx);
	memset(chain_ran, 0, sizeof(chain_ran));
	next_pool = lg_pool_new(POOL_WORKERS, 8, chain_run, ctx);
	assert_non_null(next_pool);
	assert_true(lg_pool_submit(next_pool, (void *)(intptr_t)0));
	lg_pool_finish(next_pool); /* at once: the chain is all to come */
	unsigned used = 0;
	for (int i = 0; i < CHAIN; i++) {
		assert_int_equal(chain_ran[i], 1);
		used |= 1u << chain_worker[i];
	}
	/* the other workers stayed and took links: not one worker alone */
	assert_true(__builtin_popcount(used) >= 2);
}

static void cpu_count_is_positive(void **state)
{
	(void)state;
	unsigned n = lg_cpu_count();
	assert_true(n >= 1);
	assert_true(n < 100000);
}

/* ---- libraries opened at first use ------------------------------------ */
#define LIBC_API(X) X(strlen) X(strchr)
struct libc_api {
	LIBC_API(LG_DL_MEMBER)
};

/* as the library code defines one, with LG_DL_LIB */
static struct libc_api libc_table;
LG_DL_LIB(libc_lib, "libc.so.6", LIBC_API, libc_table, NULL);

/* Huge-page blocks: zeroed like calloc's, on a 2 MiB boundary, the whole
 * asked size writable, whole huge pages mapped. */
static void huge_blocks_are_zeroed_aligned_and_whole(void **state)
{
	(void)state;
	const size_t mib = (size_t)1 << 20;
	assert_int_equal(lg_huge_len(1), 2 * mib);
	assert_int_equal(lg_huge_len(2 * mib), 2 * mib);
	assert_int_equal(lg_huge_len(2 * mib + 1), 4 * mib);
	const size_t sizes[] = {1, mib + 4096, 2 * mib, 5 * mib + 3};
	for (size_t k = 0; k < 4; k++) {
		uint8_t *p = lg_huge_alloc(sizes[k]);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % (2 * mib), 0);
		for (size_t i = 0; i < sizes[k]; i += 4093)
			assert_int_equal(p[i], 0);
		assert_int_equal(p[sizes[k] - 1], 0);
		memset(p, 0xA5, sizes[k]);
		assert_int_equal(p[sizes[k] - 1], 0xA5);
		lg_huge_free(p, sizes[k]);
	}
	lg_huge_free(NULL, 1); /* as free(NULL) */
}

static void dl_fills_the_table_in_order(void **state)
{
	(void)state;
	struct libc_api *t = &libc_table;
	assert_null(t->strlen); /* nothing before the first use */
	assert_null(lg_dl_ready(&libc_lib));
	assert_non_null(t->strlen);
	assert_int_equal(t->strlen("個人番号"), 12);
	assert_string_equal(t->strchr("a@b", '@'), "@b");
	assert_null(lg_dl_ready(&libc_lib)); /* once: the same answer again */
}

static void dl_says_why_not_and_leaves_no_pointer(void **state)
{
	(void)state;
	static const char *const names[] = {"strlen", "lg_no_such_symbol"};
	struct libc_api t = {0};
	lg_dl_lib l = {.soname = "libc.so.6",
		       .names = names,
		       .n = 2,
		       .table = &t,
		       .lock = PTHREAD_MUTEX_INITIALIZER};
	const char *why = lg_dl_ready(&l);
	assert_non_null(why);
	assert_non_null(strstr(why, "lg_no_such_symbol"));
	assert_null(t.strlen); /* no half-filled table */
	assert_ptr_equal(lg_dl_ready(&l), why);

	lg_dl_lib gone = {.soname = "libleakguard-absent.so.0",
			  .names = names,
			  .n = 1,
			  .table = &t,
			  .lock = PTHREAD_MUTEX_INITIALIZER};
	why = lg_dl_ready(&gone);
	assert_non_null(why);
	assert_non_null(strstr(why, "libleakguard-absent.so.0"));
}

/* libcurl is not linked: it is opened on first use, and then works */
static void curl_opens_on_first_use(void **state)
{
	(void)state;
	assert_null(lg_curl_ready());
	assert_int_equal(curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT", NULL),
			 784111777);
	CURL *e = curl_easy_init();
	assert_non_null(e);
	assert_int_equal(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 1000L),
			 CURLE_OK);
	curl_easy_cleanup(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_append_grows_and_keeps_nul),
	    cmocka_unit_test(buf_printf_formats_and_grows),
	    cmocka_unit_test(buf_reserve_refuses_overflow),
	    cmocka_unit_test(copy_cut_cuts_and_terminates),
	    cmocka_unit_test(arena_alignment_and_no_overlap),
	    cmocka_unit_test(arena_default_block_size),
	    cmocka_unit_test(hashtab_put_get_replace),
	    cmocka_unit_test(hashtab_grows_to_10k_keys),
	    cmocka_unit_test(hashtab_delete_keeps_the_rest_findable),
	    cmocka_unit_test(hash_bytes_is_fnv1a),
	    cmocka_unit_test(ascii_classes_are_the_c_locale),
	    cmocka_unit_test(ascii_casecmp_is_the_c_locale),
	    cmocka_unit_test(pool_runs_every_job_once),
	    cmocka_unit_test(pool_without_worker_ctx),
	    cmocka_unit_test(pool_zero_sizes_are_clamped),
	    cmocka_unit_test(pool_jobs_queue_jobs_ahead),
	    cmocka_unit_test(cpu_count_is_positive),
	    cmocka_unit_test(huge_blocks_are_zeroed_aligned_and_whole),
	    cmocka_unit_test(dl_fills_the_table_in_order),
	    cmocka_unit_test(dl_says_why_not_and_leaves_no_pointer),
	    cmocka_unit_test(curl_opens_on_first_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
