// The hot loop of the audit field reader: finding where a JSON string ends. Most of an audit
// line is strings, and checking every byte for a quote, a backslash or a control character
// one at a time was the reader's largest cost.
#include "CByteSearch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

long ka_json_string_end(const uint8_t *p, size_t n, size_t start, int *escaped) {
    size_t j = start;
    *escaped = 0;
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        // Bytes below 0x20 are the ones where (b ^ 0x80) < (0x20 ^ 0x80) as signed bytes.
        const __m128i flip = _mm_set1_epi8((char)0x80);
        const __m128i limit = _mm_set1_epi8((char)(0x20 ^ 0x80));
        while (j + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + j));
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                           _mm_cmplt_epi8(_mm_xor_si128(v, flip), limit));
            int mask = _mm_movemask_epi8(special);
            if (mask) { j += (size_t)__builtin_ctz((unsigned)mask); break; }
            j += 16;
        }
#endif
        // The flagged byte, or the last few bytes one at a time.
        while (j < n) {
            uint8_t c = p[j];
            if (c == '"' || c == '\\' || c < 0x20) break;
            j++;
        }
        if (j >= n) return -1;
        uint8_t c = p[j];
        if (c == '"') return (long)j;
        if (c < 0x20) return -1;
        *escaped = 1;  // a backslash: skip the escaped byte
        j += 2;
        if (j > n) return -1;
    }
}
