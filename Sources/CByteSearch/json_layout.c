// The item locator's pass over a cluster dump: every byte of a 464 MB `kubectl get -o json`
// file goes through it, on one thread, before the items can be read on every core, so it was a
// fifth of the whole read. Inside an item (depth 3 and more) only quotes, brackets and newlines
// mean anything to it; those runs are skipped sixteen bytes at a time. Everything else follows
// `JSONItemLocator.referenceLayout` step for step, which the tests hold it to.
#include "CByteSearch.h"
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { KEY_NONE = 0, KEY_KIND = 1, KEY_API_VERSION = 2, KEY_ITEMS = 3 };

static int key_of(const uint8_t *p, long start, long end) {
    long len = end - start;
    if (len == 4 && memcmp(p + start, "kind", 4) == 0) return KEY_KIND;
    if (len == 10 && memcmp(p + start, "apiVersion", 10) == 0) return KEY_API_VERSION;
    if (len == 5 && memcmp(p + start, "items", 5) == 0) return KEY_ITEMS;
    return KEY_NONE;
}

// From `i` (just after an opening quote): the index of the closing quote, or of the position
// past the end (`>= n`) when there is none; newlines on the way are counted, an escaped byte is
// skipped uncounted, as the reference does.
static size_t string_end(const uint8_t *p, size_t n, size_t i, size_t *line) {
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), newline = _mm_set1_epi8('\n');
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
            unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
            unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline));
            if (stop) {
                unsigned at = (unsigned)__builtin_ctz(stop);
                *line += (size_t)__builtin_popcount(nl & ((1u << at) - 1u));
                i += at;
                break;
            }
            *line += (size_t)__builtin_popcount(nl);
            i += 16;
        }
#endif
        while (i < n) {
            uint8_t d = p[i];
            if (d == '"' || d == '\\') break;
            if (d == '\n') *line += 1;
            i++;
        }
        if (i >= n || p[i] == '"') return i;
        i += 2;  // a backslash and the byte it escapes
    }
}

// From `i`, inside an item: the next quote or bracket, newlines counted on the way; `n` if none.
static size_t next_structural(const uint8_t *p, size_t n, size_t i, size_t *line) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), newline = _mm_set1_epi8('\n');
    const __m128i open1 = _mm_set1_epi8('['), close1 = _mm_set1_epi8(']'), open2 = _mm_set1_epi8('{'), close2 = _mm_set1_epi8('}');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i brackets = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, open1), _mm_cmpeq_epi8(v, close1)),
                                        _mm_or_si128(_mm_cmpeq_epi8(v, open2), _mm_cmpeq_epi8(v, close2)));
        unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), brackets));
        unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline));
        if (stop) {
            unsigned at = (unsigned)__builtin_ctz(stop);
            *line += (size_t)__builtin_popcount(nl & ((1u << at) - 1u));
            return i + at;
        }
        *line += (size_t)__builtin_popcount(nl);
        i += 16;
    }
#endif
    while (i < n) {
        uint8_t c = p[i];
        if (c == '"' || c == '[' || c == ']' || c == '{' || c == '}') return i;
        if (c == '\n') *line += 1;
        i++;
    }
    return n;
}

size_t ka_json_layout(const uint8_t *p, size_t n, size_t limit, ka_json_layout_state *s, ka_json_item *out, size_t capacity) {
    size_t count = 0;
    size_t i = s->i, line = s->line;
    long depth = s->depth;
    if (limit > n) limit = n;
    while (i < limit && count < capacity) {
        if (depth > 2) {
            // Inside an item: colons, commas, literals and blanks change nothing here.
            i = next_structural(p, n, i, &line);
            if (i >= n) break;
        }
        uint8_t c = p[i];
        switch (c) {
        case '\n': line++; break;
        case '"': {
            if (s->items_state == 1 && depth == 2) s->irregular = 1;
            long start = (long)i + 1;
            size_t end = string_end(p, n, i + 1, &line);
            i = end;
            s->last_string_start = start;
            s->last_string_end = end < n ? (long)end : (long)n;
            s->last_string_depth = depth;
            if (depth == 1 && s->pending_key != KEY_NONE) {
                if (s->pending_key == KEY_KIND) { s->kind_start = start; s->kind_end = s->last_string_end; }
                else if (s->pending_key == KEY_API_VERSION) { s->api_version_start = start; s->api_version_end = s->last_string_end; }
                s->pending_key = KEY_NONE;
            }
            break;
        }
        case ':':
            if (depth == 1 && s->last_string_depth == 1) {
                long end = s->last_string_end > s->last_string_start ? s->last_string_end : s->last_string_start;
                s->pending_key = key_of(p, s->last_string_start, end);
            }
            break;
        case '[': case '{':
            if (s->items_state == 1 && depth == 2) {
                if (c == '{') { s->item_start = (long)i; s->item_line = line; } else s->irregular = 1;
            }
            depth++;
            if (c == '[' && depth == 2 && s->pending_key == KEY_ITEMS && s->items_state == 0) {
                s->items_state = 1;
                s->has_items = 1;
            }
            if (depth == 2) s->pending_key = KEY_NONE;
            break;
        case ']': case '}':
            depth--;
            if (s->items_state == 1 && depth == 2 && c == '}' && s->item_start >= 0) {
                out[count].start = (size_t)s->item_start;
                out[count].end = i + 1;
                out[count].line = s->item_line;
                count++;
                s->item_start = -1;
            }
            if (s->items_state == 1 && depth == 1 && c == ']') s->items_state = 2;
            break;
        case ',':
            if (depth == 1) s->pending_key = KEY_NONE;
            break;
        case ' ': case '\t': case '\r': break;
        default:
            if (s->items_state == 1 && depth == 2) s->irregular = 1;
        }
        i++;
    }
    s->i = i;
    s->line = line;
    s->depth = depth;
    return count;
}
