/* util.h: small shared data structures (buffer, arena, hash table, thread
 * pool) used by every engine instead of re-writing them per folder. */
#ifndef LG_UTIL_H
#define LG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ASCII character classes ---------------------------------------------
 * <ctype.h> answers by the locale the CLI sets from the user's
 * environment: in a single-byte locale (ISO-8859-1) it takes UTF-8 bytes
 * for letters and spaces (0xE3 is a letter there, 0xA0 a space) and folds
 * them; in tr_TR, I does not fold to i. Text, keys and URLs here are bytes;
 * these look at ASCII only, the same in every locale. */
static inline bool lg_is_digit(int c)
{
	return (unsigned)c - '0' < 10u;
}

static inline bool lg_is_upper(int c)
{
	return (unsigned)c - 'A' < 26u;
}

static inline bool lg_is_lower(int c)
{
	return (unsigned)c - 'a' < 26u;
}

static inline bool lg_is_alpha(int c)
{
	return lg_is_upper(c) || lg_is_lower(c);
}

static inline bool lg_is_alnum(int c)
{
	return lg_is_alpha(c) || lg_is_digit(c);
}

static inline bool lg_is_xdigit(int c)
{
	return lg_is_digit(c) || (unsigned)(c | 0x20) - 'a' < 6u;
}

/* space, \t, \n, \v, \f, \r: isspace in the C locale */
static inline bool lg_is_space(int c)
{
	return c == ' ' || (unsigned)c - '\t' < 5u;
}

static inline int lg_to_lower(int c)
{
	return lg_is_upper(c) ? c | 0x20 : c;
}

static inline int lg_to_upper(int c)
{
	return lg_is_lower(c) ? c & ~0x20 : c;
}

/* strcasecmp, strncasecmp and strcasestr folding ASCII letters only */
int lg_ascii_casecmp(const char *a, const char *b);
int lg_ascii_ncasecmp(const char *a, const char *b, size_t n);
const char *lg_ascii_casestr(const char *hay, const char *needle);

/* ---- growable byte buffer ------------------------------------------------ */
typedef struct lg_buf {
	char *data; /* always NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
} lg_buf;

/* Ensures room for `extra` more bytes plus a terminating NUL.
 * Returns false on allocation failure (the buffer is left unchanged). */
bool lg_buf_reserve(lg_buf *b, size_t extra);
bool lg_buf_append(lg_buf *b, const void *p, size_t n);
bool lg_buf_puts(lg_buf *b, const char *s);
bool lg_buf_putc(lg_buf *b, char c);
/* printf-style append; false on allocation failure or format error. */
bool lg_buf_printf(lg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lg_buf_reset(lg_buf *b); /* len = 0, memory kept */

/* Copies the string src into dst of cap > 0 bytes, cut to cap - 1 bytes,
 * always NUL-terminated (snprintf's "%s" without the format parsing).
 * Returns the bytes copied. */
size_t lg_copy_cut(char *dst, size_t cap, const char *src);
void lg_buf_free(lg_buf *b);

/* ---- arena: many small allocations freed together ----------------------- */
typedef struct lg_arena_block lg_arena_block;
typedef struct lg_arena {
	lg_arena_block *head;
	size_t block_size;
} lg_arena;

void lg_arena_init(lg_arena *a, size_t block_size);
/* Returns 16-byte aligned memory owned by the arena, or NULL when out of
 * memory. */
void *lg_arena_alloc(lg_arena *a, size_t n);
char *lg_arena_strndup(lg_arena *a, const char *s, size_t n);
void lg_arena_reset(lg_arena *a); /* frees all but the first block */
void lg_arena_free(lg_arena *a);

/* ---- hash table: NUL-terminated string keys to pointers ------------------ */
typedef struct lg_hashtab lg_hashtab;

/* Returns NULL when out of memory. Keys are copied; values are borrowed. */
lg_hashtab *lg_hashtab_new(void);
/* Inserts or replaces. Returns false when out of memory. */
bool lg_hashtab_put(lg_hashtab *h, const char *key, void *value);
/* Returns the value, or NULL when absent. */
void *lg_hashtab_get(const lg_hashtab *h, const char *key);
bool lg_hashtab_contains(const lg_hashtab *h, const char *key);
/* Removes key (its value is the caller's); false when absent. */
bool lg_hashtab_del(lg_hashtab *h, const char *key);
size_t lg_hashtab_count(const lg_hashtab *h);
/* Calls fn for every entry, in no particular order, until it returns
 * false (then returns false). fn must not change the table. */
bool lg_hashtab_each(const lg_hashtab *h,
		     bool (*fn)(const char *key, void *value, void *ud),
		     void *ud);
void lg_hashtab_free(lg_hashtab *h);
uint64_t lg_hash_bytes(const void *p, size_t n); /* FNV-1a, 64-bit */

/* ---- thread pool: a bounded queue of jobs run by N workers -------------- */
typedef void (*lg_job_fn)(void *job, void *worker_ctx);
typedef struct lg_pool lg_pool;

/* Starts `workers` threads; `worker_ctx[i]` is handed to every job run by
 * worker i (per-thread scratch). The queue holds at most `queue_cap` jobs:
 * lg_pool_submit blocks while it is full, so memory stays bounded.
 * Returns NULL when threads or memory cannot be had. */
lg_pool *lg_pool_new(unsigned workers, size_t queue_cap, lg_job_fn fn,
		     void **worker_ctx);
/* Queues a job (blocks while the queue is full). Returns false when out of
 * memory or after lg_pool_finish. */
bool lg_pool_submit(lg_pool *p, void *job);
/* Queues a job ahead of all queued ones, to be taken next; never waits,
 * and may be called by a job while lg_pool_finish waits. False when the
 * queue is full (leave room in queue_cap for such jobs). */
bool lg_pool_submit_next(lg_pool *p, void *job);
/* Waits for every queued job, stops the workers and frees the pool. */
void lg_pool_finish(lg_pool *p);

unsigned lg_cpu_count(void);

/* ---- the CPU's vector instructions (cpu.c) --------------------------------
 * What the hand-written SIMD paths may use, found once at start-up. Each
 * flag names what its paths need together; a path runs only where
 * lg_cpu() has its flag, else the next narrower one does. */
enum {
	LG_CPU_SSSE3 = 1u << 0,	    /* SSSE3 */
	LG_CPU_AVX2 = 1u << 1,	    /* AVX2 and POPCNT */
	LG_CPU_BMI2 = 1u << 2,	    /* BMI1 and BMI2 */
	LG_CPU_FAST_PDEP = 1u << 3, /* PEXT and PDEP not in microcode */
	LG_CPU_AVX512 = 1u << 4,    /* AVX-512 F and BW, BMI1/2, POPCNT */
	LG_CPU_ALL = ~0u,
};
extern unsigned lg_cpu_flags; /* lg_cpu()'s answer; set by cpu.c only */
static inline unsigned lg_cpu(void)
{
	return lg_cpu_flags;
}
/* For tests: lg_cpu() answers only the flags in mask, so the wider paths
 * give way to the narrower ones; false when the CPU lacks one of mask's
 * flags. lg_cpu_limit(LG_CPU_ALL) lifts it. Not for threads at work. */
bool lg_cpu_limit(unsigned mask);
/* The masks tests step through, k from 0 to LG_CPU_STEPS - 1, narrowest
 * first: none, SSSE3, AVX2, AVX2 with BMI2, all (AVX-512). */
#define LG_CPU_STEPS 5
unsigned lg_cpu_step(int k);

/* ---- huge pages ------------------------------------------------------------
 * A block of memory read all over between passes over other memory (a
 * map of random slots, the detector's window), mapped on its own in whole
 * huge pages (2 MiB) where the system gives them: on 4 KiB pages most of
 * its reads missed the TLB. Zeroed, as calloc's; NULL when the mapping
 * fails. */
void *lg_huge_alloc(size_t bytes);
/* Frees a block of lg_huge_alloc(bytes); NULL is fine. */
void lg_huge_free(void *p, size_t bytes);
/* The bytes mapped for a block of `bytes`: whole huge pages. */
size_t lg_huge_len(size_t bytes);

/* ---- leakguard's own files ------------------------------------------------
 */
/* Makes dir and its missing parents, mode 0700 (existing ones keep
 * theirs). False, with errno set, when dir is not and cannot be made a
 * folder. */
bool lg_mkdir_p(const char *dir);
/* The same for the folder a file is to go in. */
bool lg_mkdir_parent(const char *file);
/* $XDG_DATA_HOME/leakguard/NAME, else ~/.local/share/leakguard/NAME (a
 * relative XDG_DATA_HOME is ignored, as the XDG spec says). False when
 * neither is set or the path does not fit. */
bool lg_data_path(const char *name, char *out, size_t cap);

/* A monotonic clock, seconds: for timing runs. */
double lg_now_seconds(void);

#endif
