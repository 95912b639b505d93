#ifndef CLIVEFORM_SIMD_H
#define CLIVEFORM_SIMD_H

#include <stddef.h>

/// AVX2 base64 kernels for the bulk of long texts (Muła and Lemire, "Faster Base64 Encoding
/// and Decoding Using AVX2 Instructions", ACM TOWS 2018). They do whole blocks only and stop
/// early rather than decide anything: the Swift code (Liveform's Base64) finishes every text
/// with its own scalar code, so padding, the lenient alphabet and every error stay there.
///
/// On a CPU or architecture without AVX2 every kernel processes nothing (returns 0).

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the kernels below do any work on this machine (x86-64 with AVX2, usable by the OS),
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
/// 8 bytes past `*written` may be overwritten. Returns the characters consumed (a multiple of 32).
size_t liveform_base64_decode_blocks(const unsigned char *in, size_t in_len,
                                     unsigned char *out, size_t *written);

/// The length of the longest prefix of `in` (`in_len` bytes), in whole 32-byte blocks, with
/// no byte that a JSON string scan must stop at: `"`, a backslash, a control character (< 0x20) or
/// a non-ASCII byte (>= 0x80). Stops before the first block holding one; reads only whole
/// blocks inside `in_len`. Returns 0 without AVX2 (the caller scans on with its own code).
size_t liveform_json_plain_prefix(const unsigned char *in, size_t in_len);

/// Percent-encodes whole 16-character blocks of base64 text `in` (`in_len` characters) to
/// `out` as a URL query needs them: `+` `/` `=` become `%2B` `%2F` `%3D`, every other byte is
/// copied. `out` must have room for 3 bytes per character consumed; nothing is written past
/// `*written`. Returns the characters consumed (a multiple of 16, possibly 0); the rest is the
/// caller's. Uses SSSE3 shuffles, so it runs only where the AVX2 check passes.
size_t liveform_percent_encode_base64(const unsigned char *in, size_t in_len,
                                      unsigned char *out, size_t *written);

#ifdef __cplusplus
}
#endif

#endif
