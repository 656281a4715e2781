// Byte-level helpers the streaming audit reader needs and Swift's Glibc module does not export,
// plus a vectorised search for several needles in one pass.
#ifndef KUBELET_AUTHZ_CBYTESEARCH_H
#define KUBELET_AUTHZ_CBYTESEARCH_H
#include <stddef.h>
#include <stdint.h>

const void *ka_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);
void *ka_memrchr(const void *s, int c, size_t n);
/// CPUs this process may run on (its affinity mask), which `taskset` narrows; 0 if unknown.
int ka_usable_cpus(void);

/// A needle for `ka_find_any`, with two of its byte positions to screen candidates by. Choose
/// bytes that are rare in the haystack: the fewer places both match, the fewer `memcmp`s.
typedef struct {
    const uint8_t *bytes;
    size_t length;
    size_t probe1;
    size_t probe2;
} ka_needle;

/// At most this many needles per search.
#define KA_MAX_NEEDLES 4

/// The offset of the first place at or after `from` where any of the needles starts, or `n`.
/// One pass over the haystack for all needles (AVX2 where the CPU has it, else glibc memmem per
/// needle); every candidate is confirmed with memcmp, so the result is exact.
size_t ka_find_any(const uint8_t *haystack, size_t n, size_t from, const ka_needle *needles, int count);
/// The same search without the vector path, for tests and CPUs without AVX2.
size_t ka_find_any_scalar(const uint8_t *haystack, size_t n, size_t from, const ka_needle *needles, int count);

/// The end of a JSON string body starting at `start` (just after its opening quote): the index
/// of the closing quote, or -1 when the buffer ends first or a raw control character (< 0x20,
/// not allowed in JSON strings) comes before it. `*escaped` is set when a backslash escape
/// occurs. Sixteen bytes at a time where the CPU allows.
long ka_json_string_end(const uint8_t *p, size_t n, size_t start, int *escaped);

#endif
