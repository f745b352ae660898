/* gmime_api.h: GMime, opened at its first use (util/dynlib.h says why;
 * glib and gobject, which leakguard links, serve it). Include this instead
 * of <gmime/gmime.h>; call scan_gmime_lib() first. */
#ifndef LG_SCAN_GMIME_API_H
#define LG_SCAN_GMIME_API_H

#include <gmime/gmime.h>

#include "util/dynlib.h"

#define LG_GMIME_API(X)                                                        \
	X(g_mime_init)                                                         \
	X(g_mime_parser_new_with_stream)                                       \
	X(g_mime_parser_set_format)                                            \
	X(g_mime_parser_construct_message)                                     \
	X(g_mime_parser_eos)                                                   \
	X(g_mime_stream_fs_new)                                                \
	X(g_mime_stream_mem_new)                                               \
	X(g_mime_stream_mem_new_with_byte_array)                               \
	X(g_mime_stream_mem_get_byte_array)                                    \
	X(g_mime_stream_mem_set_owner)                                         \
	X(g_mime_stream_mem_get_type)                                          \
	X(g_mime_stream_length)                                                \
	X(g_mime_message_foreach)                                              \
	X(g_mime_message_get_addresses)                                        \
	X(g_mime_message_get_subject)                                          \
	X(g_mime_message_part_get_message)                                     \
	X(g_mime_message_part_get_type)                                        \
	X(g_mime_object_get_content_type)                                      \
	X(g_mime_object_get_header_list)                                       \
	X(g_mime_object_get_type)                                              \
	X(g_mime_part_get_content)                                             \
	X(g_mime_part_get_filename)                                            \
	X(g_mime_part_get_type)                                                \
	X(g_mime_header_list_get_header)                                       \
	X(g_mime_header_get_value)                                             \
	X(g_mime_content_type_get_media_subtype)                               \
	X(g_mime_data_wrapper_get_stream)                                      \
	X(g_mime_data_wrapper_write_to_stream)                                 \
	X(internet_address_list_length)                                        \
	X(internet_address_list_get_address)                                   \
	X(internet_address_get_name)                                           \
	X(internet_address_to_string)                                          \
	X(internet_address_mailbox_get_type)                                   \
	X(internet_address_mailbox_get_addr)                                   \
	X(internet_address_group_get_type)                                     \
	X(internet_address_group_get_members)

struct lg_gmime_api {
	LG_GMIME_API(LG_DL_MEMBER)
};
extern struct lg_gmime_api lg_gmime;

/* Loads GMime and runs g_mime_init, once. NULL when ready, else why not. */
const char *scan_gmime_lib(void);

#ifndef LG_GMIME_API_TABLE /* the loader fills the table by these names */
#define g_mime_init		      (*lg_gmime.g_mime_init)
#define g_mime_parser_new_with_stream (*lg_gmime.g_mime_parser_new_with_stream)
#define g_mime_parser_set_format      (*lg_gmime.g_mime_parser_set_format)
#define g_mime_parser_construct_message                                        \
	(*lg_gmime.g_mime_parser_construct_message)
#define g_mime_parser_eos     (*lg_gmime.g_mime_parser_eos)
#define g_mime_stream_fs_new  (*lg_gmime.g_mime_stream_fs_new)
#define g_mime_stream_mem_new (*lg_gmime.g_mime_stream_mem_new)
#define g_mime_stream_mem_new_with_byte_array                                  \
	(*lg_gmime.g_mime_stream_mem_new_with_byte_array)
#define g_mime_stream_mem_get_byte_array                                       \
	(*lg_gmime.g_mime_stream_mem_get_byte_array)
#define g_mime_stream_mem_set_owner  (*lg_gmime.g_mime_stream_mem_set_owner)
#define g_mime_stream_mem_get_type   (*lg_gmime.g_mime_stream_mem_get_type)
#define g_mime_stream_length	     (*lg_gmime.g_mime_stream_length)
#define g_mime_message_foreach	     (*lg_gmime.g_mime_message_foreach)
#define g_mime_message_get_addresses (*lg_gmime.g_mime_message_get_addresses)
#define g_mime_message_get_subject   (*lg_gmime.g_mime_message_get_subject)
#define g_mime_message_part_get_message                                        \
	(*lg_gmime.g_mime_message_part_get_message)
#define g_mime_message_part_get_type (*lg_gmime.g_mime_message_part_get_type)
#define g_mime_object_get_content_type                                         \
	(*lg_gmime.g_mime_object_get_content_type)
#define g_mime_object_get_header_list (*lg_gmime.g_mime_object_get_header_list)
#define g_mime_object_get_type	      (*lg_gmime.g_mime_object_get_type)
#define g_mime_part_get_content	      (*lg_gmime.g_mime_part_get_content)
#define g_mime_part_get_filename      (*lg_gmime.g_mime_part_get_filename)
#define g_mime_part_get_type	      (*lg_gmime.g_mime_part_get_type)
#define g_mime_header_list_get_header (*lg_gmime.g_mime_header_list_get_header)
#define g_mime_header_get_value	      (*lg_gmime.g_mime_header_get_value)
#define g_mime_content_type_get_media_subtype                                  \
	(*lg_gmime.g_mime_content_type_get_media_subtype)
#define g_mime_data_wrapper_get_stream                                         \
	(*lg_gmime.g_mime_data_wrapper_get_stream)
#define g_mime_data_wrapper_write_to_stream                                    \
	(*lg_gmime.g_mime_data_wrapper_write_to_stream)
#define internet_address_list_length (*lg_gmime.internet_address_list_length)
#define internet_address_list_get_address                                      \
	(*lg_gmime.internet_address_list_get_address)
#define internet_address_get_name  (*lg_gmime.internet_address_get_name)
#define internet_address_to_string (*lg_gmime.internet_address_to_string)
#define internet_address_mailbox_get_type                                      \
	(*lg_gmime.internet_address_mailbox_get_type)
#define internet_address_mailbox_get_addr                                      \
	(*lg_gmime.internet_address_mailbox_get_addr)
#define internet_address_group_get_type                                        \
	(*lg_gmime.internet_address_group_get_type)
#define internet_address_group_get_members                                     \
	(*lg_gmime.internet_address_group_get_members)
#endif

#endif
