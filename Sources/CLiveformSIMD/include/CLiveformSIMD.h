#ifndef CLIVEFORM_SIMD_H
#define CLIVEFORM_SIMD_H

#include <stddef.h>

/// The AVX2 base64 kernels for the bulk of long texts (Muła and Lemire, "Faster
/// Base64 Encoding and Decoding Using AVX2 Instructions", ACM TOWS 2018). They do whole
/// blocks only and stop early rather than decide anything: LiveformBytes' Base64 does the
/// rest, so padding, the lenient alphabet and every error stay in Swift. Kept because the
/// floors need them: with Swift code alone, decrypting a 10 MiB response body (W6) ran at
/// about a third of the speed (below 0.8x the C program), and encrypting one (W5) at about
/// 0.4x on one thread (below 3x Node).

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the kernel does any work on this machine (x86-64 with AVX2, usable by the OS),
/// else 0. Checked once per process.
int liveform_base64_simd_available(void);

/// Encodes whole 24-byte blocks of `in` (`in_len` bytes) to 32 characters each of the
/// standard alphabet at `out`. Never reads past `in + in_len`; writes exactly
/// `*written` = 4/3 of the return value bytes. Returns the bytes consumed (a multiple of 24,
/// possibly 0); the rest is the caller's.
size_t liveform_base64_encode_blocks(const unsigned char *in, size_t in_len,
                                     unsigned char *out, size_t *written);

/// Decodes the longest prefix of `in` (`in_len` characters) made of whole 32-character
/// blocks of only `A-Z a-z 0-9 + /`, 24 bytes per block, to `out`; stops before the first
/// block holding any other byte (padding, URL-safe or skipped characters, anything invalid).
/// `out` must have room for `in_len / 4 * 3` bytes; nothing is written past that, but up to
/// 8 bytes past `*written` may be overwritten. Returns the characters consumed (a multiple
/// of 32; 0 without AVX2).
size_t liveform_base64_decode_blocks(const unsigned char *in, size_t in_len,
                                     unsigned char *out, size_t *written);

#ifdef __cplusplus
}
#endif

#endif
