/* dbcache.c: a disk cache of compiled Hyperscan databases, keyed by a hash.
 *
 * Compiling the detector table costs ~0.6 s on every run; loading the
 * serialized database costs milliseconds. Suricata keeps its compiled
 * Hyperscan databases the same way (a directory of files named by a hash of
 * everything that decides the bytes). A cache file is trusted input to the
 * scanner (a doctored one could make it miss secrets), so the directory is
 * private, files are only read if they are ours and not links, and each
 * carries its key and a checksum of its payload:
 *
 *   magic "LGHSDB\0\2" | key (16) | payload length (u64 LE) |
 *   XXH3-128 of payload (16) | payload (hs_serialize_database bytes)
 *
 * The hashes are XXH3-128, not a cryptographic hash: they name a file and
 * catch a damaged one; neither would stop someone who can write to the
 * private directory, who could as well write the matching checksum. A
 * run starts by checking the eight databases it loads (~6 MB), and
 * SHA-256 (with libcrypto loaded for it) was a sixth of that start.
 *
 * Every new leakguard, Hyperscan or CPU makes new files, so a miss also
 * removes our files that no run has used for CACHE_STALE_DAYS; a hit marks
 * its file used (at most once a day, so most runs write nothing).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "dbcache.h"
#include "util/util.h"

#define CACHE_MAGIC "LGHSDB\0\2"
#define MAGIC_LEN   8
#define SUM_LEN	    16 /* XXH3-128 */
#define OFF_KEY	    MAGIC_LEN
#define OFF_LEN	    (OFF_KEY + SUM_LEN)
#define OFF_SUM	    (OFF_LEN + 8)
#define HDR_LEN	    (OFF_SUM + SUM_LEN)
/* Our databases are a few MB; anything this big is not one of ours and
 * must not be read into memory. */
#define CACHE_MAX_FILE	 ((size_t)256 << 20)
#define CACHE_STALE_DAYS 30
#define DAY_SECONDS	 (24 * 60 * 60)

static void put_le64(unsigned char *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static bool digest_u64(XXH3_state_t *c, uint64_t v)
{
	unsigned char b[8];
	put_le64(b, v);
	return XXH3_128bits_update(c, b, sizeof(b)) == XXH_OK;
}

/* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
static bool digest_str(XXH3_state_t *c, const char *s)
{
	size_t len = strlen(s);
	return digest_u64(c, len) && XXH3_128bits_update(c, s, len) == XXH_OK;
}

static bool digest_platform(XXH3_state_t *c)
{
	hs_platform_info_t p;
	if (hs_populate_platform(&p) != HS_SUCCESS)
		return false;
	return digest_u64(c, p.tune) && digest_u64(c, p.cpu_features) &&
	       digest_u64(c, p.reserved1) && digest_u64(c, p.reserved2);
}

static void put_sum(XXH128_hash_t h, unsigned char out[SUM_LEN])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, h);
	memcpy(out, c.digest, SUM_LEN);
}

/* Fills key with the hash of everything that decides the compiled bytes:
 * the cache format, the Hyperscan build, the host CPU and the patterns.
 * Returns false when memory or hs_populate_platform fails. */
static bool cache_key(const char *const *expr, const unsigned *flags,
		      const unsigned *ids, unsigned n,
		      unsigned char key[SUM_LEN])
{
	XXH3_state_t *c = XXH3_createState();
	if (!c)
		return false;
	bool ok = XXH3_128bits_reset(c) == XXH_OK &&
		  digest_str(c, "leakguard hs cache 2") &&
		  digest_str(c, hs_version()) && digest_platform(c) &&
		  digest_u64(c, HS_MODE_BLOCK) && digest_u64(c, n);
	for (unsigned i = 0; ok && i < n; i++)
		ok = digest_str(c, expr[i]) &&
		     digest_u64(c, flags ? flags[i] : 0) &&
		     digest_u64(c, ids ? ids[i] : 0);
	if (ok)
		put_sum(XXH3_128bits_digest(c), key);
	XXH3_freeState(c);
	return ok;
}

static void checksum(const void *data, size_t len, unsigned char sum[SUM_LEN])
{
	put_sum(XXH3_128bits(data, len), sum);
}

static bool cache_disabled(void)
{
	const char *v = getenv("LEAKGUARD_NO_CACHE");
	return v && *v && strcmp(v, "0") != 0;
}

/* Writes the cache directory's path into out. Returns false when the
 * environment names none or the path does not fit. A relative
 * XDG_CACHE_HOME is ignored, as the XDG base directory spec says. */
static bool cache_dir(char *out, size_t outlen)
{
	const char *d;
	int w;
	if ((d = getenv("LEAKGUARD_CACHE_DIR")) && *d)
		w = snprintf(out, outlen, "%s", d);
	else if ((d = getenv("XDG_CACHE_HOME")) && d[0] == '/')
		w = snprintf(out, outlen, "%s/leakguard", d);
	else if ((d = getenv("HOME")) && *d)
		w = snprintf(out, outlen, "%s/.cache/leakguard", d);
	else
		return false;
	return w > 0 && (size_t)w < outlen;
}

/* Writes dir/hs-<hex key>.db into out. Returns false when it does not fit. */
static bool cache_path(const char *dir, const unsigned char key[SUM_LEN],
		       char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	char hex[2 * SUM_LEN + 1];
	for (int i = 0; i < SUM_LEN; i++) {
		hex[2 * i] = digits[key[i] >> 4];
		hex[2 * i + 1] = digits[key[i] & 15];
	}
	hex[2 * SUM_LEN] = '\0';
	int w = snprintf(out, outlen, "%s/hs-%s.db", dir, hex);
	return w > 0 && (size_t)w < outlen;
}

static bool read_all(int fd, unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t r = read(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		buf += r;
		len -= (size_t)r;
	}
	return true;
}

static bool write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

/* Reads the whole of path if it is a regular file that we own (not a link,
 * not a FIFO that would block), of header size up to CACHE_MAX_FILE. Returns
 * a malloc'd buffer the caller frees, its size in *len and modification time
 * in *mtime, or NULL when the file is missing, foreign, out of bounds,
 * unreadable, or memory ran out. */
static unsigned char *read_cache_file(const char *path, size_t *len,
				      time_t *mtime)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	unsigned char *buf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && st.st_size >= HDR_LEN &&
	    (uint64_t)st.st_size <= CACHE_MAX_FILE)
		buf = malloc((size_t)st.st_size);
	if (buf && !read_all(fd, buf, (size_t)st.st_size)) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf) {
		*len = (size_t)st.st_size;
		*mtime = st.st_mtime;
	}
	return buf;
}

/* Checks a cache file's magic, key, length and payload checksum, then
 * deserializes its payload. Returns a database the caller frees with
 * hs_free_database(), or NULL when the file is not for this key, is
 * damaged, or Hyperscan refuses it (another build or CPU). */
static hs_database_t *decode_cache_file(const unsigned char *buf, size_t len,
					const unsigned char key[SUM_LEN])
{
	if (len < HDR_LEN)
		return NULL;
	const unsigned char *payload = buf + HDR_LEN;
	size_t plen = len - HDR_LEN;
	unsigned char sum[SUM_LEN];
	if (memcmp(buf, CACHE_MAGIC, MAGIC_LEN) != 0 ||
	    memcmp(buf + OFF_KEY, key, SUM_LEN) != 0 ||
	    get_le64(buf + OFF_LEN) != plen)
		return NULL;
	checksum(payload, plen, sum);
	if (memcmp(buf + OFF_SUM, sum, SUM_LEN) != 0)
		return NULL;
	hs_database_t *db = NULL;
	if (hs_deserialize_database((const char *)payload, plen, &db) !=
	    HS_SUCCESS)
		return NULL;
	return db;
}

/* Returns the database cached at path for key, or NULL on any miss. A hit
 * on a file last marked more than a day ago marks it used now. */
static hs_database_t *load_cached(const char *path,
				  const unsigned char key[SUM_LEN])
{
	size_t len = 0;
	time_t mtime = 0;
	unsigned char *buf = read_cache_file(path, &len, &mtime);
	if (!buf)
		return NULL;
	hs_database_t *db = decode_cache_file(buf, len, key);
	free(buf);
	if (db && time(NULL) - mtime > DAY_SECONDS)
		utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
	return db;
}

/* Whether name is one of our files: hs-<32 hex>.db (or <64 hex>, the
 * SHA-256 names of the first format), or the mkstemp temporary
 * hs-<hex>.db.XXXXXX that a crash can leave behind. */
static bool is_cache_name(const char *name)
{
	if (strncmp(name, "hs-", 3) != 0)
		return false;
	const char *p = name + 3;
	int nhex = 0;
	for (;
	     lg_is_xdigit((unsigned char)*p) && !lg_is_upper((unsigned char)*p);
	     p++)
		nhex++;
	if (nhex != 2 * SUM_LEN && nhex != 4 * SUM_LEN)
		return false;
	if (strncmp(p, ".db", 3) != 0)
		return false;
	p += 3;
	if (*p == '\0')
		return true;
	if (*p++ != '.')
		return false;
	for (int i = 0; i < 6; i++, p++) {
		if (!lg_is_alnum((unsigned char)*p))
			return false;
	}
	return *p == '\0';
}

/* Removes from dir our files (by name, regular, owned by us) that have not
 * been used for CACHE_STALE_DAYS. Anything else in dir is left alone;
 * failures are ignored: the cache only ever costs a recompile. */
static void prune_stale(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st;
		if (!is_cache_name(e->d_name) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    now - st.st_mtime > (time_t)CACHE_STALE_DAYS * DAY_SECONDS)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

/* Writes header and payload to path atomically: a 0600 mkstemp file beside
 * it, renamed over it, so readers see the old file or the whole new one.
 * No fsync: a file torn by a crash fails its checksum and is recompiled.
 * Returns false, leaving no temporary file, on any failure. */
static bool write_atomic(const char *path, const unsigned char *hdr,
			 const char *payload, size_t plen)
{
	char tmp[PATH_MAX];
	int w = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (w < 0 || (size_t)w >= sizeof(tmp))
		return false;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fchmod(fd, 0600) == 0 && write_all(fd, hdr, HDR_LEN) &&
		  write_all(fd, payload, plen);
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	return ok;
}

/* Serializes db into the cache file at path. Returns false on any failure;
 * the caller carries on without the cache. */
static bool store_cached(const char *path, const unsigned char key[SUM_LEN],
			 const hs_database_t *db)
{
	char *bytes = NULL;
	size_t blen = 0;
	if (hs_serialize_database(db, &bytes, &blen) != HS_SUCCESS)
		return false;
	unsigned char hdr[HDR_LEN];
	memcpy(hdr, CACHE_MAGIC, MAGIC_LEN);
	memcpy(hdr + OFF_KEY, key, SUM_LEN);
	put_le64(hdr + OFF_LEN, blen);
	checksum(bytes, blen, hdr + OFF_SUM);
	bool ok = blen <= CACHE_MAX_FILE - HDR_LEN &&
		  write_atomic(path, hdr, bytes, blen);
	/* hs_serialize_database allocates with the misc allocator, which
	 * leakguard leaves at malloc. */
	free(bytes);
	return ok;
}

/* Compiles with Hyperscan. Returns the database, or NULL with the failing
 * expression's index and text in err. */
static hs_database_t *compile_fresh(const char *const *expr,
				    const unsigned *flags, const unsigned *ids,
				    unsigned n, char *err, size_t errlen)
{
	hs_database_t *db = NULL;
	hs_compile_error_t *ce = NULL;
	if (hs_compile_multi(expr, flags, ids, n, HS_MODE_BLOCK, NULL, &db,
			     &ce) == HS_SUCCESS)
		return db;
	int at = ce ? ce->expression : -1;
	const char *msg = ce ? ce->message : "unknown error";
	if (at >= 0 && (unsigned)at < n)
		snprintf(err, errlen, "pattern %d (%s): %s", at, expr[at], msg);
	else
		snprintf(err, errlen, "cannot compile patterns: %s", msg);
	hs_free_compile_error(ce);
	return NULL;
}

hs_database_t *lg_hs_compile_cached(const char *const *expr,
				    const unsigned *flags, const unsigned *ids,
				    unsigned n, char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	char dir[PATH_MAX], path[PATH_MAX];
	unsigned char key[SUM_LEN];
	bool use_cache = !cache_disabled() &&
			 cache_key(expr, flags, ids, n, key) &&
			 cache_dir(dir, sizeof(dir)) &&
			 cache_path(dir, key, path, sizeof(path));
	hs_database_t *db = use_cache ? load_cached(path, key) : NULL;
	if (db)
		return db;
	db = compile_fresh(expr, flags, ids, n, err, errlen);
	if (db && use_cache && lg_mkdir_p(dir) && store_cached(path, key, db))
		prune_stale(dir);
	return db;
}
