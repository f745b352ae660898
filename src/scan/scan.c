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
	dev_t top_dev;	     /* the file system of the path named last */
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

/* A file's job; `regular` for a folder's entry listed as a regular file,
 * which the worker checks as it opens it (the walker does not stat it). */
static void file_job(walker *wk, const char *path, bool regular)
{
	scan_job *j = job_new(wk, path);
	if (!j) {
		message_job(wk, path, EV_ERROR, ENOMEM, _("out of memory"));
		return;
	}
	j->regular = regular;
	seq_add(wk->seq, j);
	if (wk->pool) {
		lg_pool_submit(wk->pool, j);
		return;
	}
	scan_file(wk->inline_w, j);
	seq_done(wk->seq, j);
}

static void walk_path(walker *wk, const char *path, bool top);

/* A folder's entry: its name and its type as the folder lists it
 * (DT_UNKNOWN where the file system does not say). */
typedef struct dir_entry {
	char *name;
	unsigned char type;
} dir_entry;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const dir_entry *)a)->name,
		      ((const dir_entry *)b)->name);
}

static void free_entries(dir_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

/* Reads a folder's entries, sorted by name. Returns NULL with errno set
 * when the folder cannot be read or memory runs out (never a partial
 * list: a name left out would be a file left unscanned, unreported). */
static dir_entry *read_entries(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	dir_entry *es = calloc(1, sizeof(*es));
	size_t cap = 1;
	struct dirent *de = NULL;
	*n = 0;
	errno = 0;
	while (es && (de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			dir_entry *p = realloc(es, cap * 2 * sizeof(*p));
			if (!p)
				break;
			es = p;
			cap *= 2;
		}
		if (!(es[*n].name = strdup(de->d_name)))
			break;
		es[(*n)++].type = de->d_type;
	}
	int err = !es || de ? ENOMEM : errno; /* stopped early: why */
	closedir(d);
	if (err) {
		if (es)
			free_entries(es, *n);
		errno = err;
		return NULL;
	}
	if (*n > 1)
		qsort(es, *n, sizeof(*es), entry_cmp);
	return es;
}

/* An entry of a folder: one listed as a regular file is queued as it is
 * (a stat a file less: its worker checks it), any other is looked at. */
static void walk_entry(walker *wk, const char *path, unsigned char type)
{
	if (type != DT_REG)
		walk_path(wk, path, false);
	else if (!excluded(wk, path))
		file_job(wk, path, true);
}

static void walk_dir(walker *wk, const char *path, const struct stat *st)
{
	if (wk->opt->one_file_system && st->st_dev != wk->top_dev) {
		message_job(wk, path, EV_NOTICE, 0,
			    _("on another file system, skipped "
			      "(--one-file-system)"));
		return;
	}
	char key[64];
	snprintf(key, sizeof(key), "%llu:%llu", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	if (lg_hashtab_contains(wk->visited, key))
		return; /* a symlink loop */
	lg_hashtab_put(wk->visited, key, NULL);
	size_t n;
	dir_entry *es = read_entries(path, &n);
	if (!es) {
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
		size_t nlen = strlen(es[i].name);
		char *child = malloc(plen + nlen + 2);
		if (child) {
			size_t at = plen;
			memcpy(child, path, plen);
			if (!slash)
				child[at++] = '/';
			memcpy(child + at, es[i].name, nlen + 1);
			if (!seq_stopped(wk->seq))
				walk_entry(wk, child, es[i].type);
			free(child);
		} else {
			message_job(wk, path, EV_ERROR, ENOMEM,
				    _("out of memory"));
		}
	}
	free_entries(es, n);
}

static void walk_path(walker *wk, const char *path, bool top)
{
	struct stat st;
	if (!strcmp(path, "-") && top) {
		file_job(wk, path, false);
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
	if (top)
		wk->top_dev = st.st_dev;
	if (S_ISDIR(st.st_mode))
		walk_dir(wk, path, &st);
	else if (S_ISREG(st.st_mode) ||
		 (top && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))))
		file_job(wk, path, false);
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
	walker wk = {
	    .opt = opt, .seq = &q, .inline_w = ws, .visited = lg_hashtab_new()};
	lg_status rc = LG_ENOMEM;
	if (!ws || !ctx || !wk.visited ||
	    !workers_init(ws, jobs, opt, &q, progress ? progress : &dummy))
		goto out;
	for (unsigned i = 0; i < jobs; i++)
		ctx[i] = &ws[i];
	if (jobs > 1 &&
	    !(wk.pool = lg_pool_new(jobs, SEQ_QUEUE_CAP(jobs), pool_job, ctx)))
		goto out;
	for (unsigned i = 0; i < jobs; i++)
		ws[i].pool = wk.pool;
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
