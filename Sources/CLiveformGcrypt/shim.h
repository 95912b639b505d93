#ifndef CLIVEFORM_GCRYPT_SHIM_H
#define CLIVEFORM_GCRYPT_SHIM_H

#include <gcrypt.h>

// gcry_control is variadic and gcry_cipher_reset is a macro: neither is
// callable from Swift, so they are wrapped here.

/// Initialises libgcrypt once. If the host process already finished
/// initialisation (another library got there first) we leave it alone.
/// Returns 0 on success, -1 when the library is older than we need.
static inline int liveform_gcry_initialize(void) {
    if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        return 0;
    }
    if (!gcry_check_version("1.8.0")) {
        return -1;
    }
    // Keys live in our own zeroised storage; libgcrypt's secure heap would only
    // print warnings on machines without mlock rights.
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    return 0;
}

static inline gcry_error_t liveform_gcry_cipher_reset(gcry_cipher_hd_t h) {
    return gcry_cipher_reset(h);
}

static inline unsigned int liveform_gcry_err_code(gcry_error_t err) {
    return (unsigned int)gcry_err_code(err);
}

#endif
