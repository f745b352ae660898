/* scan.c: walks the paths in order (a folder's entries sorted by name),
 * queues each file as a job for the worker threads and lets the sequencer
 * deliver results in that same order. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libintl.h>

#include "leakguard/text.h"
#include "scan_int.h"

#define _(s) dgettext("leakguard", s)

typedef struct walker {
	const lg_scan_options *opt;
	sequencer *seq;
	lg_pool *pool; /* NULL: run jobs inline (one thread) */
	scan_worker *inline_w;
	lg_hashtab *visited; /* dev:ino of folders, against symlink loops */
	uint64_t next_seq;
} walker;

static bool excluded(const walker *wk, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < wk->opt->nexclude; i++) {
		const char *g = wk->opt->exclude[i];
		if (fnmatch(g, base, 0) == 0 || fnmatch(g, path, 0) == 0)
			return true;
	}
	return false;
}

static scan_job *job_new(walker *wk, const char *path)
{
	scan_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return NULL;
	}
	j->seq = wk->next_seq++;
	return j;
}

/* Queues a job that carries only a message (an error or a notice). */
static void message_job(walker *wk, const char *path, event_kind kind,
			int errnum, const char *msg)
{
	scan_job *j = job_new(wk, path);
	if (!j)
		return;
	seq_add(wk->seq, j);
	scan_event e = {.kind = kind, .errnum = errnum, .message = (char *)msg};
	seq_event(wk->seq, j, &e);
	if (kind == EV_NOTICE)
		seq_count(wk->seq, 0, 1, 0);
	seq_done(wk->seq, j);
}

/* ---- one large file on several threads --------------------------------- */
/* files under twice this are one job */
#define SEGMENT_MIN ((uint64_t)32 << 20)
/* A segment's findings wait in memory until the segments before it are
 * out (sequencer.c): segments this long keep that to some megabytes even
 * in dense text, so that a worker seldom waits for the head to end. */
#define SEGMENT_MAX   ((uint64_t)16 << 20)
#define SEGMENT_FLOOR ((uint64_t)4 << 20)
/* bytes read at a planned cut to find a blank line: a first look, then
 * a longer one where the text has few blank lines */
#define CUT_LOOK      (64u << 10)
#define CUT_LOOK_LONG (1u << 20)

/* A file whose first line is a table header is one table throughout: a
 * segment would lose its column names. */
static bool starts_tabular(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t len = nl ? (size_t)(nl - p) : n;
	return memchr(p, ',', len) || memchr(p, '\t', len);
}

/* UTF-8 text only (a decoder's state cannot start mid-file), never a
 * table, an archive or HTML. buf holds CUT_LOOK_LONG bytes. */
static bool may_cut(int fd, uint8_t *buf)
{
	lg_sniff sn;
	ssize_t got = pread(fd, buf, 65536, 0);
	if (got <= 0)
		return false;
	lg_text_sniff(buf, (size_t)got, &sn);
	return !scan_is_container(buf, (size_t)got) &&
	       !lg_html_sniff(buf, (size_t)got) && !sn.binary &&
	       !strcmp(sn.encoding, "UTF-8") &&
	       !starts_tabular(buf + sn.bom_len, (size_t)got - sn.bom_len);
}

/* The first place at or after at that follows a blank line, looked for
 * within CUT_LOOK_LONG bytes; 0 when there is none (or a read fails). */
static uint64_t cut_after(int fd, uint8_t *buf, uint64_t at)
{
	for (size_t look = CUT_LOOK;; look = CUT_LOOK_LONG) {
		ssize_t got = pread(fd, buf, look, (off_t)at);
		if (got <= 0)
			return 0;
		size_t cut = lg_after_blank_line(buf, 0, (size_t)got);
		if (cut < (size_t)got)
			return at + cut;
		if (look == CUT_LOOK_LONG || (size_t)got < look)
			return 0;
	}
}

/* The next cut after from: a blank line's end near from + seg, or near a
 * later multiple of seg; 0 when none is left before the file's end. */
static uint64_t next_cut(int fd, uint8_t *buf, uint64_t from, uint64_t seg,
			 uint64_t size)
{
	uint64_t cut = 0;
	for (uint64_t at = from + seg; !cut && at + seg / 2 < size; at += seg)
		cut = cut_after(fd, buf, at);
	return cut;
}

/* Queues a job for bytes [start, end) of the file, segment k. */
static bool segment_job(walker *wk, const char *path, uint64_t start,
			uint64_t end, unsigned k, bool last)
{
	scan_job *j = job_new(wk, path);
	if (!j) {
		message_job(wk, path, EV_ERROR, ENOMEM, _("out of memory"));
		return false;
	}
	j->seg_start = start;
	j->seg_len = end - start;
	j->seg_index = k;
	j->seg_last = last;
	seq_add(wk->seq, j);
	lg_pool_submit(wk->pool, j);
	return true;
}

/* Cuts a large file so that threads can share it, only just after a
 * blank line, so that no finding, label or table crosses a cut and every
 * segment starts at a line's first column, and queues the segments as
 * jobs of their own, in order, each as soon as its end is found. Returns
 * false when the file is not cut (it is then one job). */
static bool segment_jobs(walker *wk, const char *path, uint64_t size)
{
	unsigned jobs = wk->opt->jobs ? wk->opt->jobs : lg_cpu_count();
	if (!wk->pool || jobs < 2 || size < 2 * SEGMENT_MIN ||
	    wk->opt->encoding)
		return false;
	uint64_t seg = size / ((uint64_t)jobs * 2);
	seg = seg > SEGMENT_MAX	    ? SEGMENT_MAX
	      : seg < SEGMENT_FLOOR ? SEGMENT_FLOOR
				    : seg;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	uint8_t *buf = fd >= 0 ? malloc(CUT_LOOK_LONG) : NULL;
	uint64_t start = 0, cut = buf && may_cut(fd, buf)
				      ? next_cut(fd, buf, 0, seg, size)
				      : 0;
	bool is_cut = cut != 0;
	for (unsigned k = 0; cut; k++) {
		if (!segment_job(wk, path, start, cut, k, cut == size) ||
		    cut == size)
			break;
		start = cut;
		cut = next_cut(fd, buf, start, seg, size);
		if (!cut) /* the rest is the last segment */
			cut = size;
	}
	free(buf);
	if (fd >= 0)
		close(fd);
	return is_cut;
}

static void file_job(walker *wk, const char *path, const struct stat *st)
{
	if (st && S_ISREG(st->st_mode) &&
	    segment_jobs(wk, path, (uint64_t)st->st_size))
		return;
	scan_job *j = job_new(wk, path);
	if (!j) {
		message_job(wk, path, EV_ERROR, ENOMEM, _("out of memory"));
		return;
	}
	seq_add(wk->seq, j);
	if (wk->pool) {
		lg_pool_submit(wk->pool, j);
		return;
	}
	scan_file(wk->inline_w, j);
	seq_done(wk->seq, j);
}

static void walk_path(walker *wk, const char *path, bool top);

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a folder's entry names, sorted. Returns NULL with errno set. */
static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Reads a folder's entry names, sorted. Returns NULL with errno set when
 * the folder cannot be read or memory runs out (never a partial list: a
 * name left out would be a file left unscanned, unreported). */
static char **read_names(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	char **names = calloc(1, sizeof(*names));
	size_t cap = 1;
	struct dirent *de = NULL;
	*n = 0;
	errno = 0;
	while (names && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			char **p = realloc(names, cap * 2 * sizeof(*p));
			if (!p)
				break;
			names = p;
			cap *= 2;
		}
		if (!(names[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	int err = !names || de ? ENOMEM : errno; /* stopped early: why */
	closedir(d);
	if (err) {
		if (names)
			free_names(names, *n);
		errno = err;
		return NULL;
	}
	if (*n > 1)
		qsort(names, *n, sizeof(*names), name_cmp);
	return names;
}

static void walk_dir(walker *wk, const char *path, const struct stat *st)
{
	char key[64];
	snprintf(key, sizeof(key), "%llu:%llu", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	if (lg_hashtab_contains(wk->visited, key))
		return; /* a symlink loop */
	lg_hashtab_put(wk->visited, key, NULL);
	size_t n;
	char **names = read_names(path, &n);
	if (!names) {
		int e = errno;
		char msg[256];
		snprintf(msg, sizeof(msg), _("cannot read folder: %s"),
			 strerror(e));
		message_job(wk, path, EV_ERROR, e, msg);
		return;
	}
	size_t plen = strlen(path);
	bool slash = plen > 0 && path[plen - 1] == '/';
	for (size_t i = 0; i < n; i++) {
		size_t nlen = strlen(names[i]);
		char *child = malloc(plen + nlen + 2);
		if (child) {
			size_t at = plen;
			memcpy(child, path, plen);
			if (!slash)
				child[at++] = '/';
			memcpy(child + at, names[i], nlen + 1);
			if (!seq_stopped(wk->seq))
				walk_path(wk, child, false);
			free(child);
		} else {
			message_job(wk, path, EV_ERROR, ENOMEM,
				    _("out of memory"));
		}
		free(names[i]);
	}
	free(names);
}

static void walk_path(walker *wk, const char *path, bool top)
{
	struct stat st;
	if (!strcmp(path, "-") && top) {
		file_job(wk, path, NULL);
		return;
	}
	if (!top && excluded(wk, path))
		return;
	if (lstat(path, &st) != 0) {
		int e = errno;
		char msg[256];
		snprintf(msg, sizeof(msg), _("cannot access: %s"), strerror(e));
		message_job(wk, path, EV_ERROR, e, msg);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		/* a path named on the command line is followed, like find -H */
		if (!top && !wk->opt->follow_symlinks) {
			message_job(
			    wk, path, EV_NOTICE, 0,
			    _("symbolic link skipped (use --follow-symlinks)"));
			return;
		}
		if (stat(path, &st) != 0) {
			int e = errno;
			char msg[256];
			snprintf(msg, sizeof(msg),
				 _("broken symbolic link: %s"), strerror(e));
			message_job(wk, path, EV_ERROR, e, msg);
			return;
		}
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(wk, path, &st);
	else if (S_ISREG(st.st_mode) ||
		 (top && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))))
		file_job(wk, path, &st);
	else
		message_job(wk, path, EV_NOTICE, 0,
			    _("not a regular file, skipped"));
}

static void pool_job(void *job, void *ctx)
{
	scan_worker *w = ctx;
	scan_job *j = job;
	if (!seq_stopped(w->seq))
		scan_file(w, j);
	seq_done(w->seq, j);
}

static bool workers_init(scan_worker *ws, unsigned n, const lg_scan_options *o,
			 sequencer *q, lg_scan_progress *pr)
{
	for (unsigned i = 0; i < n; i++) {
		ws[i].opt = o;
		ws[i].seq = q;
		ws[i].progress = pr;
		ws[i].stream = lg_detect_stream_new(o->detector);
		ws[i].inbuf = malloc(1u << 20);
		if (!ws[i].stream || !ws[i].inbuf)
			return false;
	}
	return true;
}

static void workers_free(scan_worker *ws, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		lg_detect_stream_free(ws[i].stream);
		scan_kind_free(&ws[i]);
		free(ws[i].inbuf);
		free(ws[i].decoded);
		free(ws[i].paged);
	}
}

lg_status lg_scan_paths(const lg_scan_options *opt, const char *const *paths,
			size_t npaths, const lg_scan_events *ev,
			lg_scan_stats *stats, lg_scan_progress *progress)
{
	lg_scan_progress dummy = {0};
	unsigned jobs = opt->jobs ? opt->jobs : lg_cpu_count();
	sequencer q;
	memset(stats, 0, sizeof(*stats));
	seq_init(&q, ev, stats, jobs);
	scan_worker *ws = calloc(jobs, sizeof(*ws));
	void **ctx = calloc(jobs, sizeof(*ctx));
	walker wk = {opt, &q, NULL, ws, lg_hashtab_new(), 0};
	lg_status rc = LG_ENOMEM;
	if (!ws || !ctx || !wk.visited ||
	    !workers_init(ws, jobs, opt, &q, progress ? progress : &dummy))
		goto out;
	for (unsigned i = 0; i < jobs; i++)
		ctx[i] = &ws[i];
	if (jobs > 1 &&
	    !(wk.pool = lg_pool_new(jobs, SEQ_MAX_INFLIGHT, pool_job, ctx)))
		goto out;
	if (!wk.pool)
		seq_alone(&q);
	for (size_t i = 0; i < npaths && !seq_stopped(&q); i++)
		walk_path(&wk, paths[i], true);
	if (wk.pool)
		lg_pool_finish(wk.pool);
	rc = LG_OK;
out:
	if (ws)
		workers_free(ws, jobs);
	free(ws);
	free(ctx);
	lg_hashtab_free(wk.visited);
	seq_destroy(&q);
	return rc;
}

lg_status lg_scan_memory(const lg_scan_options *opt, const char *name,
			 const uint8_t *p, size_t n, const lg_scan_events *ev,
			 lg_scan_stats *stats)
{
	lg_scan_progress dummy = {0};
	sequencer q;
	memset(stats, 0, sizeof(*stats));
	seq_init(&q, ev, stats, 1);
	scan_worker w;
	memset(&w, 0, sizeof(w));
	scan_job *j = calloc(1, sizeof(*j));
	lg_status rc = LG_ENOMEM;
	if (j && (j->path = strdup(name)) &&
	    workers_init(&w, 1, opt, &q, &dummy)) {
		seq_alone(&q);
		seq_add(&q, j);
		scan_buffer(&w, j, NULL, p ? p : (const uint8_t *)"", n);
		seq_done(&q, j); /* the sequencer frees the job */
		j = NULL;
		rc = LG_OK;
	}
	if (j) {
		free(j->path);
		free(j);
	}
	workers_free(&w, 1);
	seq_destroy(&q);
	return rc;
}
