/* dbcache.h: compiles a Hyperscan database, or loads it from a disk cache. */
#ifndef LG_DBCACHE_H
#define LG_DBCACHE_H

#include <stddef.h>

#include <hs.h>

/* Compiles `n` expressions like hs_compile_multi(expr, flags, ids, n,
 * HS_MODE_BLOCK, NULL, ...), or loads the identical database from the
 * on-disk cache. The key is a SHA-256 over hs_version(), the host's platform
 * (hs_populate_platform), and every expression, flag and id; flags or ids
 * may be NULL as in hs_compile_multi.
 *
 * The cache lives in $LEAKGUARD_CACHE_DIR, else $XDG_CACHE_HOME/leakguard,
 * else $HOME/.cache/leakguard (made 0700), one file hs-<sha256>.db (0600)
 * per key; LEAKGUARD_NO_CACHE set to anything but "" or "0" turns it off.
 *
 * Returns a database the caller frees with hs_free_database(), or NULL with
 * the reason in err (compile errors name the expression index and text);
 * err is "" on success. Cache problems (unwritable dir, corrupt or
 * mismatched file) never fail the call: it compiles instead. */
hs_database_t *lg_hs_compile_cached(const char *const *expr,
				    const unsigned *flags, const unsigned *ids,
				    unsigned n, char *err, size_t errlen);

#endif
