/* crypto.c: libcrypto's loading (crypto_api.h says for what). */
#define LG_CRYPTO_API_TABLE
#include "util/crypto_api.h"

#ifndef LG_CRYPTO_SONAME
#error "the build defines LG_CRYPTO_SONAME (CMakeLists.txt)"
#endif

struct lg_crypto_api lg_crypto;

LG_DL_LIB(crypto_lib, LG_CRYPTO_SONAME, LG_CRYPTO_API, lg_crypto, NULL);

const char *lg_crypto_ready(void)
{
	return lg_dl_ready(&crypto_lib);
}
