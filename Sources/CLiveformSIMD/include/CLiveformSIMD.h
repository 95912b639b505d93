#ifndef CLIVEFORM_SIMD_H
#define CLIVEFORM_SIMD_H

#include <stddef.h>

/// The AVX2 base64 decoding kernel for the bulk of long texts (Muła and Lemire, "Faster
/// Base64 Encoding and Decoding Using AVX2 Instructions", ACM TOWS 2018). It does whole
/// blocks of the plain standard alphabet only and stops early rather than decide anything:
/// LiveformBytes' Base64.Decoder does the rest, so padding, the lenient alphabet and every
/// error stay in Swift. Kept because the floors need it: with Swift code alone, decrypting a
/// 10 MiB response body (W6) ran at about a third of the speed, below 0.8x the C program.

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the kernel does any work on this machine (x86-64 with AVX2, usable by the OS),
/// else 0. Checked once per process.
int liveform_base64_simd_available(void);

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
