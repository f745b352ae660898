/* crypto_api.h: libcrypto, opened at its first use (util/dynlib.h says
 * why): logs needs it for the keyed hash of session cookies, scan for a
 * directory export's base64 values. Include this instead of
 * <openssl/hmac.h>; call lg_crypto_ready() first. */
#ifndef LG_UTIL_CRYPTO_API_H
#define LG_UTIL_CRYPTO_API_H

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/dynlib.h"

#define LG_CRYPTO_API(X)                                                       \
	X(HMAC)                                                                \
	X(EVP_sha256)                                                          \
	X(EVP_DecodeBlock)

struct lg_crypto_api {
	LG_CRYPTO_API(LG_DL_MEMBER)
};
extern struct lg_crypto_api lg_crypto;

/* Loads libcrypto, once. NULL when ready, else why not. */
const char *lg_crypto_ready(void);

#ifndef LG_CRYPTO_API_TABLE /* crypto.c fills the table by these names */
#define HMAC		(*lg_crypto.HMAC)
#define EVP_sha256	(*lg_crypto.EVP_sha256)
#define EVP_DecodeBlock (*lg_crypto.EVP_DecodeBlock)
#endif

#endif
