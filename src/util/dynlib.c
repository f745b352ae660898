/* dynlib.c: libraries opened at their first use (dynlib.h says why). */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Opens l->soname and fills l->table; false with why in l->why. */
static bool resolve(lg_dl_lib *l)
{
	/* RTLD_LOCAL: its symbols serve only the table; what it needs from
	 * libraries leakguard links (glib for GMime) binds to those */
	void *lib = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(l->why, sizeof(l->why), "%s", dlerror());
		return false;
	}
	unsigned char *out = l->table;
	for (size_t i = 0; i < l->n; i++) {
		void *f = dlsym(lib, l->names[i]);
		if (!f) {
			snprintf(l->why, sizeof(l->why), "%s: no symbol %s",
				 l->soname, l->names[i]);
			memset(l->table, 0, l->n * sizeof(f));
			dlclose(lib);
			return false;
		}
		/* void * to a function pointer: the copy POSIX allows where
		 * C has no cast */
		memcpy(out + i * sizeof(f), &f, sizeof(f));
	}
	return true;
}

const char *lg_dl_ready(lg_dl_lib *l)
{
	if (!__atomic_load_n(&l->tried, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&l->lock);
		if (!l->tried) {
			if (resolve(l) && l->setup &&
			    !l->setup(l->why, sizeof(l->why)))
				memset(l->table, 0, l->n * sizeof(void *));
			__atomic_store_n(&l->tried, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&l->lock);
	}
	return l->why[0] ? l->why : NULL;
}
