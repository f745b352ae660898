/* archive_api.h: libarchive, opened at its first use (util/dynlib.h says
 * why). Include this instead of <archive.h>; call scan_archive_lib() first. */
#ifndef LG_SCAN_ARCHIVE_API_H
#define LG_SCAN_ARCHIVE_API_H

#include <archive.h>
#include <archive_entry.h>

#include "util/dynlib.h"

#define LG_ARCHIVE_API(X)                                                      \
	X(archive_read_new)                                                    \
	X(archive_read_free)                                                   \
	X(archive_read_support_filter_all)                                     \
	X(archive_read_support_filter_none)                                    \
	X(archive_read_support_format_all)                                     \
	X(archive_read_support_format_raw)                                     \
	X(archive_read_support_format_zip)                                     \
	X(archive_read_set_format_option)                                      \
	X(archive_read_open)                                                   \
	X(archive_read_open_fd)                                                \
	X(archive_read_open_memory)                                            \
	X(archive_read_next_header)                                            \
	X(archive_read_data)                                                   \
	X(archive_error_string)                                                \
	X(archive_format)                                                      \
	X(archive_entry_filetype)                                              \
	X(archive_entry_is_encrypted)                                          \
	X(archive_entry_pathname)                                              \
	X(archive_entry_pathname_utf8)

struct lg_archive_api {
	LG_ARCHIVE_API(LG_DL_MEMBER)
};
extern struct lg_archive_api lg_archive;

/* Loads libarchive, once. NULL when ready, else why not. */
const char *scan_archive_lib(void);

#ifndef LG_ARCHIVE_API_TABLE /* the loader fills the table by these names */
#define archive_read_new  (*lg_archive.archive_read_new)
#define archive_read_free (*lg_archive.archive_read_free)
#define archive_read_support_filter_all                                        \
	(*lg_archive.archive_read_support_filter_all)
#define archive_read_support_filter_none                                       \
	(*lg_archive.archive_read_support_filter_none)
#define archive_read_support_format_all                                        \
	(*lg_archive.archive_read_support_format_all)
#define archive_read_support_format_raw                                        \
	(*lg_archive.archive_read_support_format_raw)
#define archive_read_support_format_zip                                        \
	(*lg_archive.archive_read_support_format_zip)
#define archive_read_set_format_option                                         \
	(*lg_archive.archive_read_set_format_option)
#define archive_read_open	    (*lg_archive.archive_read_open)
#define archive_read_open_fd	    (*lg_archive.archive_read_open_fd)
#define archive_read_open_memory    (*lg_archive.archive_read_open_memory)
#define archive_read_next_header    (*lg_archive.archive_read_next_header)
#define archive_read_data	    (*lg_archive.archive_read_data)
#define archive_error_string	    (*lg_archive.archive_error_string)
#define archive_format		    (*lg_archive.archive_format)
#define archive_entry_filetype	    (*lg_archive.archive_entry_filetype)
#define archive_entry_is_encrypted  (*lg_archive.archive_entry_is_encrypted)
#define archive_entry_pathname	    (*lg_archive.archive_entry_pathname)
#define archive_entry_pathname_utf8 (*lg_archive.archive_entry_pathname_utf8)
#endif

#endif
