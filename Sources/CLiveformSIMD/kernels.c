#include "CLiveformSIMD.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
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

#else

int liveform_base64_simd_available(void) { return 0; }

size_t liveform_base64_decode_blocks(const unsigned char *in, size_t in_len, unsigned char *out, size_t *written) {
    (void)in; (void)in_len; (void)out;
    *written = 0;
    return 0;
}

#endif
