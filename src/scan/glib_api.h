/* glib_api.h: the GLib and GObject functions scan's mail and PDF readers
 * call themselves, opened with GMime or poppler at their first use
 * (util/dynlib.h says why; both libraries bring GLib). Include this after
 * <gmime/gmime.h> or <poppler.h>; scan_glib_lib() loads it. */
#ifndef LG_SCAN_GLIB_API_H
#define LG_SCAN_GLIB_API_H

#include <glib-object.h>

#include "util/dynlib.h"

#define LG_GLIB_API(X)                                                         \
	X(g_byte_array_new_take)                                               \
	X(g_bytes_new_static)                                                  \
	X(g_bytes_unref)                                                       \
	X(g_error_free)                                                        \
	X(g_free)                                                              \
	X(g_memdup2)                                                           \
	X(g_object_unref)                                                      \
	X(g_strdup_printf)                                                     \
	X(g_string_append_printf)                                              \
	X(g_string_free)                                                       \
	X(g_string_new)                                                        \
	X(g_type_check_instance_cast)                                          \
	X(g_type_check_instance_is_a)

struct lg_glib_api {
	LG_GLIB_API(LG_DL_MEMBER)
};
extern struct lg_glib_api lg_glib;

/* Loads GObject (and GLib with it), once. NULL when ready, else why not. */
const char *scan_glib_lib(void);

#ifndef LG_GLIB_API_TABLE /* the loader fills the table by these names */
#define g_byte_array_new_take	   (*lg_glib.g_byte_array_new_take)
#define g_bytes_new_static	   (*lg_glib.g_bytes_new_static)
#define g_bytes_unref		   (*lg_glib.g_bytes_unref)
#define g_error_free		   (*lg_glib.g_error_free)
#define g_free			   (*lg_glib.g_free)
#define g_memdup2		   (*lg_glib.g_memdup2)
#define g_object_unref		   (*lg_glib.g_object_unref)
#define g_strdup_printf		   (*lg_glib.g_strdup_printf)
#define g_string_append_printf	   (*lg_glib.g_string_append_printf)
#define g_string_free		   (*lg_glib.g_string_free)
#define g_string_new		   (*lg_glib.g_string_new)
#define g_type_check_instance_cast (*lg_glib.g_type_check_instance_cast)
#define g_type_check_instance_is_a (*lg_glib.g_type_check_instance_is_a)
#endif

#endif
