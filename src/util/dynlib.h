/* dynlib.h: libraries opened at their first use instead of linked.
 *
 * A library linked into leakguard is loaded, and every symbol it and its
 * own dependencies need is bound, at every start, also by the runs that
 * never call it. libcurl, libarchive and GMime bring about forty shared
 * objects between them (TLS, Kerberos, LDAP, ICU, GIO, GPGME ...), which
 * cost ~11 ms of CPU before main; libcrypto (logs' session hashes),
 * libmagic (naming binary files) and GObject with GLib (for GMime and
 * poppler) another ~3.5 ms. A scan of a text file needs none of them.
 * Each is opened on first use through a table of its functions:
 *
 *   #define FOO_API(X) X(foo_open) X(foo_close)
 *   struct foo_api { FOO_API(LG_DL_MEMBER) };
 *
 * filled by lg_dl_ready from the soname the build found (CMake reads it
 * off the library, so a soname bump is a rebuild, never a wrong ABI). The
 * header that declares a table then #defines each function name to its
 * pointer, so the code that calls the library reads as it would linked. */
#ifndef LG_UTIL_DYNLIB_H
#define LG_UTIL_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* A member of an API table: a pointer of function f's own type. */
#define LG_DL_MEMBER(f) __typeof__(f) *f;
/* An entry of a name list, in the order of the table's members. */
#define LG_DL_NAME(f) #f,

/* A library opened at its first use; LG_DL_LIB defines one. */
typedef struct lg_dl_lib {
	const char *soname;
	const char *const *names; /* the table's functions, in its order */
	size_t n;
	void *table; /* a struct of n LG_DL_MEMBER pointers */
	/* run once after loading (curl_global_init, g_mime_init), or NULL;
	 * false with why in err when it fails */
	bool (*setup)(char *err, size_t errlen);
	pthread_mutex_t lock;
	bool tried;
	char why[320];
} lg_dl_lib;

/* Opens the library and fills its table, once for the process (any
 * thread may be first). NULL when it is ready, else why it is not, the
 * same text every time; the table is then all NULL. */
const char *lg_dl_ready(lg_dl_lib *l);

/* Defines `static lg_dl_lib var` for the library soname_, whose functions
 * (the X-macro list_) fill table_ (a struct of list_(LG_DL_MEMBER)); setup_
 * runs once after loading, or is NULL. */
#define LG_DL_LIB(var, soname_, list_, table_, setup_)                         \
	static const char *const var##_names[] = {list_(LG_DL_NAME)};          \
	_Static_assert(sizeof(table_) == sizeof(var##_names) /                 \
					     sizeof(var##_names[0]) *          \
					     sizeof(void *),                   \
		       "one pointer per name");                                \
	static lg_dl_lib var = {.soname = soname_,                             \
				.names = var##_names,                          \
				.n = sizeof(var##_names) /                     \
				     sizeof(var##_names[0]),                   \
				.table = &table_,                              \
				.setup = setup_,                               \
				.lock = PTHREAD_MUTEX_INITIALIZER}

#endif
