/* map.c: a file mapped for reading, instead of read() into a buffer: the
 * kernel's copy of every byte was a tenth of a scan of plain text.
 *
 * Two things a mapping brings are handled here. Its pages count in the
 * process's resident memory once touched, so the pages a reader is done
 * with are given back as it goes (lg_map_drop), and memory stays bounded
 * whatever the file's size. And a file that shrinks while it is mapped
 * (truncated by a log rotation, say) makes a read past its new end raise
 * SIGBUS: a handler maps zero pages over the rest of the
 * thread's mapping and marks it cut, so the reader reads zeros, finishes,
 * and the caller reports the file as changed while it was read. A SIGBUS
 * anywhere else goes to the handler that was there before. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

/* Pages are given back this many bytes at a time: one system call per
 * few megabytes, a few megabytes resident at most. */
#define DROP_STEP (4u << 20)

/* The mapping the thread is reading, for the handler. Initial-exec TLS
 * is a plain offset from the thread pointer: safe in a signal handler. */
static __thread lg_map *active __attribute__((tls_model("initial-exec")));
static struct sigaction previous;
static uintptr_t page_size;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	lg_map *m = active;
	uintptr_t a = (uintptr_t)si->si_addr;
	uintptr_t lo = m ? (uintptr_t)m->base : 0;
	if (m && a >= lo && a - lo < m->base_len) {
		/* past the file's new end: zeros from this page on. mmap is
		 * a bare system call in glibc, safe here in practice */
		uintptr_t page = a & ~(page_size - 1);
		if (mmap((void *)page, lo + m->base_len - page, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) != MAP_FAILED) {
			m->cut = true;
			return;
		}
	}
	/* not a mapped file's end: what would have happened without us
	 * (a fault ignored would come back for ever: it ends the process) */
	if (previous.sa_flags & SA_SIGINFO) {
		previous.sa_sigaction(sig, si, uc);
	} else if (previous.sa_handler != SIG_IGN &&
		   previous.sa_handler != SIG_DFL) {
		previous.sa_handler(sig);
	} else {
		signal(SIGBUS, SIG_DFL);
		raise(sig); /* delivered as the handler returns */
	}
}

static void find_page_size(void)
{
	page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
}

/* Puts the handler in, unless it is in: checked at each mapping, as a
 * handler set since (a test harness's) would take SIGBUS from it. */
static void install(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct sigaction now;
	pthread_mutex_lock(&lock);
	if (sigaction(SIGBUS, NULL, &now) == 0 &&
	    (!(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != on_sigbus)) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &previous);
	}
	pthread_mutex_unlock(&lock);
}

bool lg_map_open(lg_map *m, int fd, uint64_t off, uint64_t len)
{
	memset(m, 0, sizeof(*m));
	if (len == 0 || len > SIZE_MAX / 2)
		return false;
	pthread_once(&once, find_page_size);
	install();
	uint64_t lead = off & (page_size - 1);
	m->base_len = (size_t)(lead + len);
	m->base = mmap(NULL, m->base_len, PROT_READ, MAP_PRIVATE, fd,
		       (off_t)(off - lead));
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		return false;
	}
	m->data = (const uint8_t *)m->base + lead;
	m->len = (size_t)len;
	(void)madvise(m->base, m->base_len, MADV_SEQUENTIAL);
	active = m;
	return true;
}

void lg_map_drop(lg_map *m, size_t upto)
{
	size_t end = (size_t)(m->data - (const uint8_t *)m->base) + upto;
	end &= ~(size_t)(page_size - 1);
	if (end < m->dropped + DROP_STEP)
		return;
	(void)madvise((uint8_t *)m->base + m->dropped, end - m->dropped,
		      MADV_DONTNEED);
	m->dropped = end;
}

void lg_map_close(lg_map *m)
{
	if (!m->base)
		return;
	if (active == m)
		active = NULL;
	munmap(m->base, m->base_len);
	m->base = NULL;
}
