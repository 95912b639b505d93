#ifndef CLIVEFORM_OPENSSL_SHIM_H
#define CLIVEFORM_OPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

// Swift cannot see these as plain functions (macros or awkward int plumbing),
// so they get small static inline wrappers here, as GRDB does for SQLite.

static inline int liveform_gcm_set_tag(EVP_CIPHER_CTX *ctx, const void *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, (void *)tag);
}

static inline int liveform_gcm_get_tag(EVP_CIPHER_CTX *ctx, void *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag);
}

static inline int liveform_gcm_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}

#endif
