// Lines and needles, one pass. glibc's memchr (per line) and memmem (per needle) read a
// gigabyte of audit log three times, which cost more than reading the file. The line screen
// compares, per 64-byte step, every byte with a newline and two probe bytes of every needle
// (the "packed pair" screen of Rust's memchr crate), confirms the rare probe hits with memcmp,
// and hands back only the lines worth a look.
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

#ifdef KA_HAVE_AVX2_PATH
// The CPU model is filled in by a constructor before main; reading it is one load.
static int cpu_has_avx2(void) { return __builtin_cpu_supports("avx2"); }
#endif

// MARK: line screen

// `{...}`, and when prefixes are given, starting with one of them: a line that starts another
// way is reported, so that the caller can tell an audit event from any other JSON object.
static int plain_object(const uint8_t *h, size_t start, size_t end, const ka_prefix *prefixes, int prefix_count) {
    if (!(end > start && h[start] == '{' && h[end - 1] == '}')) return 0;
    if (prefix_count == 0) return 1;
    for (int k = 0; k < prefix_count; k++) {
        if (end - start > prefixes[k].length && memcmp(h + start, prefixes[k].bytes, prefixes[k].length) == 0) return 1;
    }
    return 0;
}

// Closes the line [start, end): reports it if it needs a look. 0 when `out` is full (nothing
// was written, the caller stops before this line).
#define CLOSE_LINE(end_)                                                                 \
    do {                                                                                 \
        size_t e_ = (end_);                                                              \
        if (cand || e_ - line_start > max_line || !plain_object(h, line_start, e_, px, px_count)) {      \
            if (reported == capacity) goto full;                                         \
            out[reported].start = line_start;                                            \
            out[reported].end = e_;                                                      \
            out[reported].index = line_no;                                               \
            out[reported].candidate = cand;                                              \
            reported++;                                                                  \
        }                                                                                \
        line_no++;                                                                       \
        line_start = e_ + 1;                                                             \
        cand = 0;                                                                        \
    } while (0)

static size_t find_one(const uint8_t *h, size_t n, size_t from, const ka_needle *needle) {
    if (from >= n) return n;
    const uint8_t *hit = memmem(h + from, n - from, needle->bytes, needle->length);
    return hit ? (size_t)(hit - h) : n;
}

// Lines by memchr, needles by memmem (the whole search on CPUs without AVX2, and the last
// bytes of a buffer on those with it). `from` may be inside the line that starts at
// `line_start`; `cand` says whether a needle was already seen in it. Each needle keeps its
// own next position and is searched again only once a line has passed it, so a needle that
// does not occur is looked for once per buffer, not once per line.
static size_t screen_scalar(const uint8_t *h, size_t n, size_t *offset, size_t *lines, const ka_needle *nd, int count,
                            const ka_prefix *px, int px_count, size_t max_line, ka_line *out, size_t capacity, size_t from, size_t line_start, int cand,
                            size_t reported) {
    size_t line_no = *lines;
    size_t next[KA_MAX_NEEDLES];
    for (int k = 0; k < count; k++) next[k] = find_one(h, n, from, &nd[k]);
    size_t j = from;
    while (j < n) {
        const uint8_t *nl = memchr(h + j, '\n', n - j);
        size_t end = nl ? (size_t)(nl - h) : n;
        for (int k = 0; k < count; k++) {
            if (next[k] < end) {
                cand = 1;
                next[k] = find_one(h, n, end, &nd[k]);
            }
        }
        if (!nl) break;
        CLOSE_LINE(end);
        j = end + 1;
    }
    if (line_start < n) CLOSE_LINE(n);
    *offset = n;
    *lines = line_no;
    return reported;
full:
    *offset = line_start;
    *lines = line_no;
    return reported;
}

size_t ka_screen_lines_scalar(const uint8_t *buffer, size_t n, size_t *offset, size_t *lines,
                              const ka_needle *needles, int count, const ka_prefix *prefixes, int prefix_count,
                              size_t max_line, ka_line *out, size_t capacity) {
    if (*offset >= n || capacity == 0 || !valid(needles, count) || prefix_count < 0) { if (*offset > n) *offset = n; return 0; }
    return screen_scalar(buffer, n, offset, lines, needles, count, prefixes, prefix_count, max_line, out, capacity, *offset, *offset, 0, 0);
}

#ifdef KA_HAVE_AVX2_PATH
// `count` is a constant at each call site below, so the needle loops unroll and the probes stay
// in registers; probe offsets are copied to locals so stores to `out` cannot alias them.
__attribute__((target("avx2"), always_inline))
static inline size_t screen_avx2_n(const uint8_t *h, size_t n, size_t *offset, size_t *lines, const ka_needle *nd, const int count,
                                   const ka_prefix *px, int px_count, size_t max_line, ka_line *out, size_t capacity) {
    size_t reach = 0, o1[KA_MAX_NEEDLES], o2[KA_MAX_NEEDLES], len[KA_MAX_NEEDLES];
    const uint8_t *bytes[KA_MAX_NEEDLES];
    __m256i p1[KA_MAX_NEEDLES], p2[KA_MAX_NEEDLES];
    for (int k = 0; k < count; k++) {
        o1[k] = nd[k].probe1; o2[k] = nd[k].probe2; len[k] = nd[k].length; bytes[k] = nd[k].bytes;
        p1[k] = _mm256_set1_epi8((char)bytes[k][o1[k]]);
        p2[k] = _mm256_set1_epi8((char)bytes[k][o2[k]]);
        if (o1[k] > reach) reach = o1[k];
        if (o2[k] > reach) reach = o2[k];
    }
    const __m256i newline = _mm256_set1_epi8('\n');
    size_t i = *offset, line_start = i, line_no = *lines, reported = 0;
    int cand = 0;
    // 64 bytes a step, as two 32-byte halves joined into 64-bit masks.
    while (i + 64 + reach <= n) {
        uint64_t nl = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(h + i)), newline))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(h + i + 32)), newline)) << 32;
        uint64_t screen[KA_MAX_NEEDLES], any = 0;
        for (int k = 0; k < count; k++) {
            __m256i a0 = _mm256_loadu_si256((const __m256i *)(h + i + o1[k]));
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(h + i + o2[k]));
            __m256i a1 = _mm256_loadu_si256((const __m256i *)(h + i + 32 + o1[k]));
            __m256i b1 = _mm256_loadu_si256((const __m256i *)(h + i + 32 + o2[k]));
            screen[k] = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a0, p1[k]), _mm256_cmpeq_epi8(b0, p2[k])))
                | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a1, p1[k]), _mm256_cmpeq_epi8(b1, p2[k]))) << 32;
            any |= screen[k];
        }
        if (!(nl | any)) { i += 64; continue; }  // most steps: neither a newline nor a probe pair
        // Confirmed needle starts in this step, as bits.
        uint64_t hits = 0;
        for (int k = 0; k < count; k++) {
            uint64_t m = screen[k];
            while (m) {
                uint64_t bit = (uint64_t)__builtin_ctzll(m);
                m &= m - 1;
                if (!((hits >> bit) & 1) && i + bit + len[k] <= n && memcmp(h + i + bit, bytes[k], len[k]) == 0) hits |= 1ull << bit;
            }
        }
        while (nl) {
            uint64_t bit = (uint64_t)__builtin_ctzll(nl);
            nl &= nl - 1;
            uint64_t below = bit == 0 ? 0 : ((1ull << bit) - 1);
            if (hits & below) cand = 1;
            hits &= ~below;
            CLOSE_LINE(i + bit);
        }
        if (hits) cand = 1;
        i += 64;
    }
    *lines = line_no;
    return screen_scalar(h, n, offset, lines, nd, count, px, px_count, max_line, out, capacity, i, line_start, cand, reported);
full:
    *offset = line_start;
    *lines = line_no;
    return reported;
}

__attribute__((target("avx2")))
static size_t screen_avx2(const uint8_t *h, size_t n, size_t *offset, size_t *lines, const ka_needle *nd, int count,
                          const ka_prefix *px, int px_count, size_t max_line, ka_line *out, size_t capacity) {
    switch (count) {
    case 1: return screen_avx2_n(h, n, offset, lines, nd, 1, px, px_count, max_line, out, capacity);
    case 2: return screen_avx2_n(h, n, offset, lines, nd, 2, px, px_count, max_line, out, capacity);
    case 3: return screen_avx2_n(h, n, offset, lines, nd, 3, px, px_count, max_line, out, capacity);
    default: return screen_avx2_n(h, n, offset, lines, nd, 4, px, px_count, max_line, out, capacity);
    }
}
#endif

size_t ka_screen_lines(const uint8_t *buffer, size_t n, size_t *offset, size_t *lines,
                       const ka_needle *needles, int count, const ka_prefix *prefixes, int prefix_count,
                       size_t max_line, ka_line *out, size_t capacity) {
    if (*offset >= n || capacity == 0 || !valid(needles, count) || prefix_count < 0) { if (*offset > n) *offset = n; return 0; }
#ifdef KA_HAVE_AVX2_PATH
    if (cpu_has_avx2()) return screen_avx2(buffer, n, offset, lines, needles, count, prefixes, prefix_count, max_line, out, capacity);
#endif
    return screen_scalar(buffer, n, offset, lines, needles, count, prefixes, prefix_count, max_line, out, capacity, *offset, *offset, 0, 0);
}
