#include "CLiveformSIMD.h"

// LIVEFORM_NO_AVX2 (`-Xcc -DLIVEFORM_NO_AVX2`) builds without the kernels, so that an x86-64
// machine runs the portable paths that arm64 runs; Tools/sanitize.sh thread tests that way.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(LIVEFORM_NO_AVX2)
#define LIVEFORM_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#endif

#ifdef LIVEFORM_HAVE_AVX2_KERNELS

// Only the kernels are compiled for AVX2 (target attribute), so the rest of the target and
// the package still run on any x86-64; the kernels are only called after the CPU check.
#define AVX2 __attribute__((target("avx2")))

/// 0: not checked yet, 1: AVX2, 2: no AVX2. A benign race: every thread computes the same.
static int avx2_state;

int liveform_base64_simd_available(void) {
    int state = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
    if (state == 0) {
        __builtin_cpu_init();
        // Also false when the OS does not save the YMM registers (libgcc/compiler-rt check XCR0).
        state = __builtin_cpu_supports("avx2") ? 1 : 2;
        __atomic_store_n(&avx2_state, state, __ATOMIC_RELAXED);
    }
    return state == 1;
}

/// 24 bytes (12 per 128-bit lane, in bytes 0-11) to 32 sextets, each in its own byte.
AVX2 static inline __m256i enc_reshuffle(__m256i in) {
    // Each 32-bit word gets bytes [b, a, c, b] of one 3-byte group a b c.
    in = _mm256_shuffle_epi8(in, _mm256_setr_epi8(
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10,
        1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10));
    // Move sextets 1 and 3 into place with one multiply-high, 2 and 4 with one multiply-low.
    const __m256i t0 = _mm256_and_si256(in, _mm256_set1_epi32(0x0fc0fc00));
    const __m256i t1 = _mm256_mulhi_epu16(t0, _mm256_set1_epi32(0x04000040));
    const __m256i t2 = _mm256_and_si256(in, _mm256_set1_epi32(0x003f03f0));
    const __m256i t3 = _mm256_mullo_epi16(t2, _mm256_set1_epi32(0x01000010));
    return _mm256_or_si256(t1, t3);
}

/// Sextets to characters: add an offset chosen by range (A-Z, a-z, 0-9, '+', '/').
AVX2 static inline __m256i enc_translate(__m256i in) {
    const __m256i offsets = _mm256_setr_epi8(
        65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0,
        65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0);
    // 0..25 -> 0, 26..51 -> 1, 52..61 -> 2..11, 62 -> 12, 63 -> 13.
    __m256i index = _mm256_subs_epu8(in, _mm256_set1_epi8(51));
    index = _mm256_sub_epi8(index, _mm256_cmpgt_epi8(in, _mm256_set1_epi8(25)));
    return _mm256_add_epi8(in, _mm256_shuffle_epi8(offsets, index));
}

AVX2 static size_t encode_avx2(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    size_t i = 0, o = 0;
    // Two 16-byte loads per 24-byte block: the second one reads 4 bytes beyond the block,
    // so a block is only done when those 4 bytes exist.
    while (in_len - i >= 28) {
        __m256i block = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(in + i)));
        block = _mm256_inserti128_si256(block, _mm_loadu_si128((const __m128i *)(in + i + 12)), 1);
        _mm256_storeu_si256((__m256i *)(out + o), enc_translate(enc_reshuffle(block)));
        i += 24;
        o += 32;
    }
    *written = o;
    return i;
}

AVX2 static size_t decode_avx2(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    // A byte is in the alphabet when the entries for its low and high nibble share no bit.
    const __m256i lut_lo = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_hi = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    // Character to sextet: an offset by high nibble ('/' shares the high nibble of '+').
    const __m256i lut_roll = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i slash = _mm256_set1_epi8('/');
    size_t i = 0, o = 0;
    while (in_len - i >= 32) {
        __m256i chars = _mm256_loadu_si256((const __m256i *)(in + i));
        const __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(chars, 4), nibble);
        const __m256i lo_nibbles = _mm256_and_si256(chars, nibble);
        const __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
        const __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
        if (!_mm256_testz_si256(lo, hi)) break;
        const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(_mm256_cmpeq_epi8(chars, slash), hi_nibbles));
        const __m256i sextets = _mm256_add_epi8(chars, roll);
        // Sextet pairs to 12 bits, 12-bit pairs to 24 bits, then the three bytes of each
        // 32-bit word in order, packed into the low 24 bytes.
        const __m256i pairs = _mm256_maddubs_epi16(sextets, _mm256_set1_epi32(0x01400140));
        __m256i bytes = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        bytes = _mm256_shuffle_epi8(bytes, _mm256_setr_epi8(
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
            2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7));
        if (in_len - i >= 64) {
            // A next block's characters exist, so its 24 bytes of room do: one 32-byte store.
            _mm256_storeu_si256((__m256i *)(out + o), bytes);
        } else {
            _mm_storeu_si128((__m128i *)(out + o), _mm256_castsi256_si128(bytes));
            _mm_storel_epi64((__m128i *)(out + o + 16), _mm256_extracti128_si256(bytes, 1));
        }
        i += 32;
        o += 24;
    }
    *written = o;
    return i;
}

size_t liveform_base64_decode_blocks(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    if (!liveform_base64_simd_available()) {
        *written = 0;
        return 0;
    }
    return decode_avx2(in, in_len, out, written);
}

size_t liveform_base64_encode_blocks(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    if (!liveform_base64_simd_available()) {
        *written = 0;
        return 0;
    }
    return encode_avx2(in, in_len, out, written);
}

#else

int liveform_base64_simd_available(void) { return 0; }

size_t liveform_base64_decode_blocks(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    (void)in; (void)in_len; (void)out;
    *written = 0;
    return 0;
}

size_t liveform_base64_encode_blocks(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    (void)in; (void)in_len; (void)out;
    *written = 0;
    return 0;
}

#endif
