/* follow.c: `logs --follow`: logs read as they grow, across rotation,
 * with alerts out within a poll of the line that raised them. The cache
 * incident ran four hours before a customer noticed; a live rule needs
 * seconds. Positions and alerts go to the store in one transaction per
 * poll, so a restart (even after kill -9) resumes where the last commit
 * left off: no line is lost and none is counted twice. What is not kept
 * across a restart is the correlations' in-memory windows. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leakguard/store.h"
#include "logs_engine.h"

#define HEAD_BYTES 64
#define READ_CHUNK (64u << 10)
#define MAX_LINE   (1u << 20)
#define SNIFF_MAX  20

typedef struct tail {
	const char *path;
	int fd; /* -1: the path is not there (yet) */
	lg_log_position pos;
	lg_buf part;   /* the start of a line not yet ended */
	bool skipping; /* dropping the rest of an over-long line */
	lg_log_parser *parser;
	lg_log_format fmt;
	bool dirty, dead;
	struct tail *owner; /* a rotated file's: the tail of its path */
} tail;

/* A file rotated away is read on until it has been quiet this long: nginx
 * and Apache write to the renamed file until they are told to reopen
 * (logrotate's postrotate), and those lines count as much as any. */
#define DRAIN_QUIET_S 5.0

typedef struct drain {
	tail t;
	double quiet_since;
} drain;

typedef struct follow {
	lg_logs_core core;
	const lg_logs_options *o;
	const lg_follow_options *f;
	tail *t;
	size_t nt;
	char **opened; /* merge keys of alerts opened since the last commit */
	size_t nopened, capopened;
	int64_t clock_us; /* the latest event time seen */
	bool got_lines;
	char *chunk;   /* READ_CHUNK bytes */
	drain *drains; /* rotated files still being read */
	size_t ndrains, capdrains;
} follow;

/* ---- file identity --------------------------------------------------------
 */
static uint64_t head_hash(int fd, uint32_t *len)
{
	char buf[HEAD_BYTES];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	*len = n > 0 ? (uint32_t)n : 0;
	return lg_hash_bytes(buf, *len);
}

/* The same file as the stored position: device, inode, and its first
 * bytes (an inode can be reused by a new file). */
static bool same_file(int fd, const struct stat *sb, const lg_log_position *p)
{
	if ((uint64_t)sb->st_dev != p->dev || (uint64_t)sb->st_ino != p->ino ||
	    (uint64_t)sb->st_size < p->offset)
		return false;
	char buf[HEAD_BYTES];
	if (p->head_len > sizeof(buf) ||
	    pread(fd, buf, p->head_len, 0) != (ssize_t)p->head_len)
		return false;
	return lg_hash_bytes(buf, p->head_len) == p->head_hash;
}

static void set_identity(tail *t, const struct stat *sb)
{
	t->pos.dev = (uint64_t)sb->st_dev;
	t->pos.ino = (uint64_t)sb->st_ino;
	t->pos.head_hash = head_hash(t->fd, &t->pos.head_len);
}

/* ---- lines ----------------------------------------------------------------
 */
static void sniff_format(tail *t, const char *data, size_t n)
{
	const char *lines[SNIFF_MAX];
	size_t lens[SNIFF_MAX], k = 0;
	const char *p = data, *end = data + n;
	while (k < SNIFF_MAX && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		size_t len = (size_t)(nl - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			lines[k] = p;
			lens[k++] = len;
		}
		p = nl + 1;
	}
	if (k == 0)
		return; /* wait for a whole line */
	t->fmt = lg_log_sniff(lines, lens, k);
}

static bool make_parser(follow *F, tail *t, const char *data, size_t n)
{
	if (t->parser)
		return true;
	if (t->fmt == LG_LOG_AUTO)
		sniff_format(t, data, n);
	if (t->fmt == LG_LOG_AUTO) {
		if (memchr(data, '\n', n)) {
			lg_core_file_error(
			    &F->core, t->path,
			    "cannot tell the log format from the "
			    "first lines; give --log-format");
			t->dead = true;
		}
		return false;
	}
	char why[256];
	t->parser = lg_log_parser_new(t->fmt, &F->o->parser, why, sizeof(why));
	if (!t->parser) {
		lg_core_file_error(&F->core, t->path, why);
		t->dead = true;
	}
	return t->parser != NULL;
}

static void one_line(follow *F, tail *t, const char *line, size_t n)
{
	lg_logs_summary *sum = F->core.sum;
	tail *o = t->owner ? t->owner : t; /* lines count for the path */
	t->pos.lineno++;
	o->pos.lines_total++;
	o->dirty = true;
	F->got_lines = true;
	sum->lines++;
	sum->bytes += n + 1;
	if (n && line[n - 1] == '\r')
		n--;
	lg_log_event ev;
	lg_parse_result r =
	    n ? lg_log_parse(t->parser, line, n, &ev) : LG_PARSE_SKIP;
	if (r == LG_PARSE_SKIP) {
		sum->skipped++;
		return;
	}
	if (r == LG_PARSE_BAD) {
		lg_core_unparsed(&F->core, t->path, t->pos.lineno,
				 lg_log_parser_error(t->parser));
		return;
	}
	sum->events++;
	ev.source = t->path;
	ev.format = t->fmt;
	ev.line = t->pos.lineno;
	if (ev.time_us != LG_TIME_NONE && ev.time_us > F->clock_us)
		F->clock_us = ev.time_us;
	lg_core_process(&F->core, &ev);
}

/* Takes the whole lines out of data (after what part holds); the offset
 * moves past each whole line only. */
static void take_lines(follow *F, tail *t, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			size_t rest = (size_t)(end - p);
			if (t->part.len + rest > MAX_LINE) {
				lg_core_unparsed(&F->core, t->path,
						 t->pos.lineno + 1,
						 "line longer than 1 MiB");
				t->skipping = true;
				t->pos.offset += t->part.len + rest;
				lg_buf_reset(&t->part);
			} else if (!t->skipping) {
				lg_buf_append(&t->part, p, rest);
			} else {
				t->pos.offset += rest;
			}
			return;
		}
		size_t len = (size_t)(nl - p);
		if (t->skipping) {
			tail *o = t->owner ? t->owner : t;
			t->skipping = false;
			t->pos.offset += len + 1;
			t->pos.lineno++;
			o->pos.lines_total++;
			o->dirty = true;
		} else if (t->part.len) {
			lg_buf_append(&t->part, p, len);
			t->pos.offset += t->part.len + 1;
			one_line(F, t, t->part.data, t->part.len);
			lg_buf_reset(&t->part);
		} else {
			t->pos.offset += len + 1;
			one_line(F, t, p, len);
		}
		p = nl + 1;
	}
}

/* Reads what the file has now. At the end of a file that will not grow
 * any more (rotated away), a last line without a newline is a line. */
static void tail_read(follow *F, tail *t, bool final)
{
	char *chunk = F->chunk;
	ssize_t n;
	while (t->fd >= 0 && !t->dead &&
	       (n = read(t->fd, chunk, READ_CHUNK)) > 0) {
		if (!make_parser(F, t, chunk, (size_t)n)) {
			/* the format is not known yet: read it again later */
			if (lseek(t->fd, -(off_t)n, SEEK_CUR) < 0)
				t->dead = true;
			return;
		}
		take_lines(F, t, chunk, (size_t)n);
	}
	if (final && t->part.len && t->parser) {
		t->pos.offset += t->part.len;
		one_line(F, t, t->part.data, t->part.len);
		lg_buf_reset(&t->part);
	}
}

/* ---- opening, resuming, rotation -------------------------------------------
 */
static bool open_at(follow *F, tail *t, uint64_t offset)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			lg_core_file_error(&F->core, t->path, strerror(errno));
		return false;
	}
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		lg_core_file_error(&F->core, t->path,
				   "not a regular file that can be followed");
		close(fd);
		t->dead = true;
		return false;
	}
	t->fd = fd;
	set_identity(t, &sb);
	t->pos.offset = offset;
	if (lseek(fd, (off_t)offset, SEEK_SET) < 0) {
		lg_core_file_error(&F->core, t->path, strerror(errno));
		t->dead = true;
		return false;
	}
	return true;
}

/* Where a file seen for the first time starts: its start, or (like
 * tail -f) its end, after the last whole line. */
static uint64_t first_offset(const follow *F, const char *path)
{
	struct stat sb;
	if (F->f->from_start || stat(path, &sb) != 0)
		return 0;
	return (uint64_t)sb.st_size;
}

/* The rotated file with the stored identity, beside the path
 * (access.log.1, access.log-20250614): opened at the stored offset. */
static int find_rotated(const char *path, const lg_log_position *p)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	if (slash)
		*slash = '\0';
	DIR *d = opendir(slash ? dir : ".");
	int fd = -1;
	struct dirent *e;
	while (d && fd < 0 && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, base, blen) || !e->d_name[blen])
			continue;
		char full[8192];
		snprintf(full, sizeof(full), "%s/%s", slash ? dir : ".",
			 e->d_name);
		int c = open(full, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (c >= 0 && fstat(c, &sb) == 0 && same_file(c, &sb, p) &&
		    lseek(c, (off_t)p->offset, SEEK_SET) >= 0) {
			fd = c;
			break;
		}
		if (c >= 0)
			close(c);
	}
	if (d)
		closedir(d);
	return fd;
}

/* Drains the rest of a file rotated while we were stopped, then the
 * path's new file is read from its start. */
static void resume_rotated(follow *F, tail *t, const lg_log_position *p)
{
	int fd = find_rotated(t->path, p);
	if (fd < 0) {
		lg_core_file_error(&F->core, t->path,
				   "rotated while leakguard was stopped and "
				   "the old file is gone (compressed?): lines "
				   "written to it after the last run may be "
				   "missed");
		return;
	}
	t->fd = fd;
	t->pos.offset = p->offset;
	tail_read(F, t, true);
	close(fd);
	t->fd = -1;
}

static void tail_start(follow *F, tail *t)
{
	lg_log_position p;
	t->fd = -1;
	t->fmt = F->o->format;
	if (!lg_store_position_get(F->f->store, t->path, &p)) {
		open_at(F, t, first_offset(F, t->path));
		t->dirty = true;
		return;
	}
	t->pos = p;
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	bool same = fd >= 0 && fstat(fd, &sb) == 0 && same_file(fd, &sb, &p);
	if (fd >= 0)
		close(fd);
	if (same) {
		open_at(F, t, p.offset);
		return;
	}
	resume_rotated(F, t, &p);
	t->pos.lineno = 0;
	open_at(F, t, 0);
	t->dirty = true;
}

/* Hands the file a path had to a drain, which reads it on while it still
 * grows; the tail starts afresh (new part buffer, a new parser made on
 * first read). False when there is no memory for it. */
static bool start_drain(follow *F, tail *t)
{
	if (F->ndrains == F->capdrains) {
		size_t cap = F->capdrains ? F->capdrains * 2 : 4;
		drain *v = realloc(F->drains, cap * sizeof(*v));
		if (!v)
			return false;
		F->drains = v;
		F->capdrains = cap;
	}
	drain *d = &F->drains[F->ndrains++];
	d->t = *t;
	d->t.owner = t;
	d->quiet_since = lg_now_seconds();
	memset(&t->part, 0, sizeof(t->part));
	t->parser = NULL;
	t->skipping = false;
	return true;
}

static void drain_end(drain *d, follow *F)
{
	tail_read(F, &d->t, true);
	close(d->t.fd);
	lg_log_parser_free(d->t.parser);
	lg_buf_free(&d->t.part);
}

/* Reads every drain; ends those quiet for DRAIN_QUIET_S (all of them
 * when `all`). */
static void drains_poll(follow *F, bool all)
{
	double now = lg_now_seconds();
	for (size_t i = 0; i < F->ndrains;) {
		drain *d = &F->drains[i];
		uint64_t before = d->t.pos.offset + d->t.part.len;
		tail_read(F, &d->t, false);
		if (d->t.pos.offset + d->t.part.len != before)
			d->quiet_since = now;
		if (!all && now - d->quiet_since < DRAIN_QUIET_S) {
			i++;
			continue;
		}
		drain_end(d, F);
		F->drains[i] = F->drains[--F->ndrains];
	}
}

/* Rotation: a new file under the path (rename + create), or the same file
 * cut short (copytruncate). A renamed file is read on by a drain. */
static void tail_check(follow *F, tail *t)
{
	struct stat sb;
	if (t->dead || stat(t->path, &sb) != 0)
		return; /* moved away and not made again yet */
	if (t->fd < 0) {
		if (open_at(F, t, 0)) {
			t->pos.lineno = 0;
			t->dirty = true;
		}
		return;
	}
	if ((uint64_t)sb.st_ino != t->pos.ino ||
	    (uint64_t)sb.st_dev != t->pos.dev) {
		tail_read(F, t, false);
		if (!start_drain(F, t)) {
			tail_read(F, t, true); /* no room: read it to its end */
			close(t->fd);
		}
		t->fd = -1;
		if (open_at(F, t, 0)) {
			t->pos.lineno = 0;
			t->dirty = true;
		}
	} else if ((uint64_t)sb.st_size < t->pos.offset + t->part.len) {
		lseek(t->fd, 0, SEEK_SET);
		lg_buf_reset(&t->part);
		t->pos.offset = t->pos.lineno = 0;
		t->pos.head_hash = head_hash(t->fd, &t->pos.head_len);
		t->dirty = true;
	}
}

/* ---- alerts and the store ---------------------------------------------------
 */
static void note_opened(lg_logs_core *C, const char *key)
{
	follow *F = C->ud;
	if (F->nopened == F->capopened) {
		size_t cap = F->capopened ? F->capopened * 2 : 16;
		char **v = realloc(F->opened, cap * sizeof(*v));
		if (!v) {
			C->failed = LG_ENOMEM;
			return;
		}
		F->opened = v;
		F->capopened = cap;
	}
	char *k = strdup(key);
	if (!k)
		C->failed = LG_ENOMEM;
	else
		F->opened[F->nopened++] = k;
}

/* Positions, newly opened alerts and closed alerts: one transaction. */
static lg_status commit(follow *F)
{
	lg_store *st = F->f->store;
	lg_alerts *al = &F->core.alerts;
	lg_status rc = lg_store_begin(st);
	for (size_t i = 0; rc == LG_OK && i < F->nt; i++) {
		tail *t = &F->t[i];
		if (!t->dirty)
			continue;
		if (t->pos.head_len < HEAD_BYTES && t->fd >= 0)
			t->pos.head_hash = head_hash(t->fd, &t->pos.head_len);
		rc = lg_store_position_put(st, t->path, &t->pos);
	}
	for (size_t i = 0; rc == LG_OK && i < F->nopened; i++) {
		lg_open_alert *a = lg_alerts_open_get(al, F->opened[i]);
		lg_alert v;
		if (!a)
			continue; /* opened and closed in one poll */
		lg_alert_view(a, &v);
		rc = lg_store_alert_put(st, &v, "open", &a->store_id);
	}
	for (size_t i = 0; rc == LG_OK && i < al->ndone; i++) {
		lg_alert v;
		lg_alert_view(&al->done[i], &v);
		rc =
		    lg_store_alert_put(st, &v, "closed", &al->done[i].store_id);
	}
	if (rc == LG_OK)
		rc = lg_store_commit(st);
	else
		lg_store_commit(st); /* ends the transaction, or rolls back */
	for (size_t i = 0; rc == LG_OK && i < F->nt; i++)
		F->t[i].dirty = false;
	return rc;
}

/* After the commit: the alerts go out (stdout, sinks). */
static void deliver(follow *F)
{
	lg_alerts *al = &F->core.alerts;
	const lg_logs_options *o = F->o;
	for (size_t i = 0; i < F->nopened; i++) {
		lg_open_alert *a = lg_alerts_open_get(al, F->opened[i]);
		if (a && o->on_alert) {
			lg_alert v;
			lg_alert_view(a, &v);
			v.state = "open";
			o->on_alert(&v, o->ud);
		}
		free(F->opened[i]);
	}
	F->nopened = 0;
	for (size_t i = 0; i < al->ndone; i++) {
		lg_alert v;
		lg_alert_view(&al->done[i], &v);
		v.state = "closed";
		lg_core_count_alert(&F->core, &v);
		if (o->on_alert)
			o->on_alert(&v, o->ud);
	}
	lg_alerts_clear_done(al);
}

/* ---- the loop
 * ----------------------------------------------------------------
 */

static lg_status poll_once(follow *F)
{
	F->got_lines = false;
	for (size_t i = 0; i < F->nt; i++) {
		tail *t = &F->t[i];
		if (t->dead)
			continue;
		tail_read(F, t, false);
		tail_check(F, t);
		tail_read(F, t, false);
	}
	drains_poll(F, false);
	if (F->core.failed != LG_OK)
		return F->core.failed;
	lg_status rc = lg_alerts_expire(&F->core.alerts, F->clock_us);
	bool any = F->nopened || F->core.alerts.ndone;
	for (size_t i = 0; i < F->nt && !any; i++)
		any = F->t[i].dirty;
	if (rc == LG_OK && any && (rc = commit(F)) == LG_OK)
		deliver(F);
	return rc;
}

static lg_status follow_loop(follow *F)
{
	const lg_follow_options *f = F->f;
	unsigned poll_ms = f->poll_ms ? f->poll_ms : 250;
	double idle_since = lg_now_seconds();
	lg_status rc = LG_OK;
	while (rc == LG_OK && !(f->stop && *f->stop)) {
		rc = poll_once(F);
		double now = lg_now_seconds();
		if (F->got_lines)
			idle_since = now;
		else if (f->idle_exit_s && now - idle_since >= f->idle_exit_s)
			break;
		if (!F->got_lines) {
			struct timespec ts = {(time_t)(poll_ms / 1000),
					      (long)(poll_ms % 1000) *
						  1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (rc != LG_OK)
		return rc;
	/* the end: rotated files read to their ends, every alert still open
	 * closed and kept */
	drains_poll(F, true);
	lg_core_end(&F->core);
	rc = lg_alerts_finish(&F->core.alerts);
	if (rc == LG_OK && (rc = commit(F)) == LG_OK)
		deliver(F);
	return rc;
}

static void follow_free(follow *F)
{
	for (size_t i = 0; i < F->ndrains; i++) {
		close(F->drains[i].t.fd);
		lg_log_parser_free(F->drains[i].t.parser);
		lg_buf_free(&F->drains[i].t.part);
	}
	free(F->drains);
	for (size_t i = 0; i < F->nt; i++) {
		if (F->t[i].fd >= 0)
			close(F->t[i].fd);
		lg_log_parser_free(F->t[i].parser);
		lg_buf_free(&F->t[i].part);
	}
	for (size_t i = 0; i < F->nopened; i++)
		free(F->opened[i]);
	free(F->opened);
	free(F->t);
	free(F->chunk);
	lg_core_free(&F->core);
}

lg_status lg_logs_follow(const char *const *paths, size_t npaths,
			 const lg_logs_options *o, const lg_follow_options *f,
			 lg_logs_summary *sum, char *err, size_t errlen)
{
	double t0 = lg_now_seconds();
	lg_core_summary_init(sum);
	if (!f || !f->store) {
		snprintf(err, errlen, "following needs a store");
		return LG_EINVAL;
	}
	follow F;
	memset(&F, 0, sizeof(F));
	F.o = o;
	F.f = f;
	F.clock_us = INT64_MIN / 2;
	lg_status rc = lg_core_init(&F.core, o, sum, err, errlen);
	F.core.on_open = note_opened;
	F.core.ud = &F;
	F.t = calloc(npaths ? npaths : 1, sizeof(*F.t));
	F.chunk = malloc(READ_CHUNK);
	if (rc == LG_OK && (!F.t || !F.chunk))
		rc = LG_ENOMEM;
	/* alerts an earlier run left open cannot go on: their windows died
	 * with it */
	uint64_t stale;
	if (rc == LG_OK &&
	    lg_store_alerts_close_stale(f->store, &stale) != LG_OK)
		rc = LG_EIO;
	F.nt = F.t ? npaths : 0;
	for (size_t i = 0; i < F.nt; i++)
		F.t[i].fd = -1;
	for (size_t i = 0; rc == LG_OK && i < npaths; i++) {
		F.t[i].path = paths[i];
		sum->files++;
		tail_start(&F, &F.t[i]);
	}
	if (rc == LG_OK)
		rc = follow_loop(&F);
	if (rc == LG_OK)
		lg_core_rank_actors(&F.core);
	else if (rc == LG_EIO)
		snprintf(err, errlen, "%s: cannot write to the store",
			 lg_store_path(f->store));
	else if (rc == LG_ENOMEM)
		snprintf(err, errlen, "out of memory");
	follow_free(&F);
	sum->seconds = lg_now_seconds() - t0;
	return rc;
}
