/* pool.c: fixed-size thread pool over a bounded job queue. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

struct lg_pool {
	pthread_mutex_t mu;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **queue; /* ring buffer */
	size_t cap, head, count;
	unsigned running; /* jobs being run: each may queue another */
	bool closing;
	lg_job_fn fn;
	void **worker_ctx;
	pthread_t *threads;
	unsigned nthreads;
};

typedef struct {
	lg_pool *pool;
	unsigned index;
} pool_worker_arg;

static void *pool_worker(void *argp)
{
	pool_worker_arg *arg = argp;
	lg_pool *p = arg->pool;
	void *ctx = p->worker_ctx ? p->worker_ctx[arg->index] : NULL;
	free(arg);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		/* closing, a worker stays while a job runs: it may queue one
		 * more (lg_pool_submit_next) */
		while (p->count == 0 && !(p->closing && p->running == 0))
			pthread_cond_wait(&p->not_empty, &p->mu);
		if (p->count == 0) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		void *job = p->queue[p->head];
		p->head = (p->head + 1) % p->cap;
		p->count--;
		p->running++;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
		p->fn(job, ctx);
		pthread_mutex_lock(&p->mu);
		if (--p->running == 0 && p->closing && p->count == 0)
			pthread_cond_broadcast(&p->not_empty); /* all done */
	}
}

static bool pool_start_threads(lg_pool *p, unsigned workers)
{
	for (unsigned i = 0; i < workers; i++) {
		pool_worker_arg *arg = malloc(sizeof(*arg));
		if (!arg)
			return false;
		arg->pool = p;
		arg->index = i;
		if (pthread_create(&p->threads[i], NULL, pool_worker, arg) !=
		    0) {
			free(arg);
			return false;
		}
		p->nthreads++;
	}
	return true;
}

lg_pool *lg_pool_new(unsigned workers, size_t queue_cap, lg_job_fn fn,
		     void **worker_ctx)
{
	if (workers == 0)
		workers = 1;
	if (queue_cap == 0)
		queue_cap = 1;
	lg_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->queue = calloc(queue_cap, sizeof(void *));
	p->threads = calloc(workers, sizeof(pthread_t));
	if (!p->queue || !p->threads) {
		free(p->queue);
		free(p->threads);
		free(p);
		return NULL;
	}
	p->cap = queue_cap;
	p->fn = fn;
	p->worker_ctx = worker_ctx;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, NULL);
	if (!pool_start_threads(p, workers)) {
		lg_pool_finish(p); /* joins the threads that did start */
		return NULL;
	}
	return p;
}

bool lg_pool_submit(lg_pool *p, void *job)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == p->cap && !p->closing)
		pthread_cond_wait(&p->not_full, &p->mu);
	if (p->closing) {
		pthread_mutex_unlock(&p->mu);
		return false;
	}
	p->queue[(p->head + p->count) % p->cap] = job;
	p->count++;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
	return true;
}

bool lg_pool_submit_next(lg_pool *p, void *job)
{
	/* while closing too: no worker leaves while a job runs */
	pthread_mutex_lock(&p->mu);
	bool ok = p->count < p->cap;
	if (ok) {
		p->head = (p->head + p->cap - 1) % p->cap;
		p->queue[p->head] = job;
		p->count++;
		pthread_cond_signal(&p->not_empty);
	}
	pthread_mutex_unlock(&p->mu);
	return ok;
}

void lg_pool_finish(lg_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->closing = true;
	pthread_cond_broadcast(&p->not_empty);
	pthread_cond_broadcast(&p->not_full);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->not_empty);
	pthread_cond_destroy(&p->not_full);
	free(p->queue);
	free(p->threads);
	free(p);
}

unsigned lg_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}
