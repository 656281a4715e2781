// Several needles, one pass. glibc's memmem searches for one needle at a time, so finding the
// next `subjectaccessreviews` or `"proxy"` in a gigabyte of audit log read it twice and cost
// more than reading the file. Here each 32-byte step compares two probe bytes of every needle
// at once (the "packed pair" screen of Rust's memchr crate) and confirms the rare hits with
// memcmp.
#define _GNU_SOURCE
#include <string.h>
#include "CByteSearch.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define KA_HAVE_AVX2_PATH 1
#endif

static int valid(const ka_needle *needles, int count) {
    if (count < 1 || count > KA_MAX_NEEDLES) return 0;
    for (int k = 0; k < count; k++) {
        if (needles[k].length == 0 || needles[k].probe1 >= needles[k].length || needles[k].probe2 >= needles[k].length) return 0;
    }
    return 1;
}

size_t ka_find_any_scalar(const uint8_t *haystack, size_t n, size_t from, const ka_needle *needles, int count) {
    if (from >= n || !valid(needles, count)) return n;
    size_t best = n;
    for (int k = 0; k < count; k++) {
        // Only the part before the best hit so far can hold an earlier one.
        size_t limit = best + needles[k].length - 1 < n ? best + needles[k].length - 1 : n;
        if (limit <= from) continue;
        const uint8_t *hit = memmem(haystack + from, limit - from, needles[k].bytes, needles[k].length);
        if (hit && (size_t)(hit - haystack) < best) best = (size_t)(hit - haystack);
    }
    return best;
}

#ifdef KA_HAVE_AVX2_PATH
__attribute__((target("avx2,bmi")))
static size_t find_any_avx2(const uint8_t *h, size_t n, size_t from, const ka_needle *nd, int count) {
    size_t reach = 0;  // the furthest probe, so loads stay inside the haystack
    __m256i p1[KA_MAX_NEEDLES], p2[KA_MAX_NEEDLES];
    for (int k = 0; k < count; k++) {
        p1[k] = _mm256_set1_epi8((char)nd[k].bytes[nd[k].probe1]);
        p2[k] = _mm256_set1_epi8((char)nd[k].bytes[nd[k].probe2]);
        size_t r = nd[k].probe1 > nd[k].probe2 ? nd[k].probe1 : nd[k].probe2;
        if (r > reach) reach = r;
    }
    size_t i = from;
    while (i + 32 + reach <= n) {
        // Bit j of masks[k]: needle k may start at i + j.
        uint32_t any = 0;
        uint32_t masks[KA_MAX_NEEDLES];
        for (int k = 0; k < count; k++) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(h + i + nd[k].probe1));
            __m256i b = _mm256_loadu_si256((const __m256i *)(h + i + nd[k].probe2));
            masks[k] = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, p1[k]), _mm256_cmpeq_epi8(b, p2[k])));
            any |= masks[k];
        }
        while (any) {
            // Candidates in position order, so the first confirmed one is the earliest.
            uint32_t bit = (uint32_t)__builtin_ctz(any);
            any &= any - 1;
            size_t at = i + bit;
            for (int k = 0; k < count; k++) {
                if ((masks[k] >> bit) & 1 && at + nd[k].length <= n && memcmp(h + at, nd[k].bytes, nd[k].length) == 0) return at;
            }
        }
        i += 32;
    }
    // The last few bytes, where a 32-byte load would run past the end.
    return ka_find_any_scalar(h, n, i, nd, count);
}

// The CPU model is filled in by a constructor before main; reading it is one load.
static int cpu_has_avx2(void) { return __builtin_cpu_supports("avx2"); }
#endif

size_t ka_find_any(const uint8_t *haystack, size_t n, size_t from, const ka_needle *needles, int count) {
    if (from >= n || !valid(needles, count)) return n;
#ifdef KA_HAVE_AVX2_PATH
    if (cpu_has_avx2()) return find_any_avx2(haystack, n, from, needles, count);
#endif
    return ka_find_any_scalar(haystack, n, from, needles, count);
}
