// The hot loop of the audit field reader: finding where a JSON string ends. Most of an audit
// line is strings, and checking every byte for a quote, a backslash or a control character
// one at a time was the reader's largest cost.
#include "CByteSearch.h"

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): what
// JSONDecoder requires of the strings it reads. Audit logs are almost all ASCII, so this runs
// only for the rare string with a byte of 0x80 or more.
int ka_utf8_valid(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) { i++; continue; }
        size_t len;
        uint8_t lo = 0x80, hi = 0xBF;  // the range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++) {
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
        }
        i += len;
    }
    return 1;
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

long ka_json_string_end(const uint8_t *p, size_t n, size_t start, int *escaped) {
    size_t j = start;
    int high = 0;  // a byte of 0x80 or more was seen: check the string's UTF-8 at its end
    *escaped = 0;
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        // As signed bytes, those below 0x20 are the control characters and the bytes of 0x80
        // or more (not ASCII): one comparison flags both, and the rare string that is not
        // ASCII finishes one byte at a time below.
        const __m128i limit = _mm_set1_epi8(0x20);
        while (j + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + j));
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                           _mm_cmplt_epi8(v, limit));
            int mask = _mm_movemask_epi8(special);
            if (mask) { j += (size_t)__builtin_ctz((unsigned)mask); break; }
            j += 16;
        }
#endif
        // The flagged byte, or the last few bytes one at a time.
        while (j < n) {
            uint8_t c = p[j];
            if (c == '"' || c == '\\' || c < 0x20) break;
            high |= c & 0x80;
            j++;
        }
        if (j >= n) return -1;
        uint8_t c = p[j];
        // A valid escape is ASCII, so the raw bytes are valid UTF-8 exactly when the string is.
        if (c == '"') return high && !ka_utf8_valid(p + start, j - start) ? -1 : (long)j;
        if (c < 0x20) return -1;
        *escaped = 1;  // a backslash: skip the escaped byte (checked as UTF-8 with the rest)
        if (j + 1 < n) high |= p[j + 1] & 0x80;
        j += 2;
        if (j > n) return -1;
    }
}
