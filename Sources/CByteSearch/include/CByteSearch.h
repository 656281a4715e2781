// Byte-level helpers the streaming audit reader needs and Swift's Glibc module does not export,
// plus the vectorised line screen and JSON string scan.
#ifndef KUBELET_AUTHZ_CBYTESEARCH_H
#define KUBELET_AUTHZ_CBYTESEARCH_H
#include <stddef.h>
#include <stdint.h>

void *ka_memrchr(const void *s, int c, size_t n);
/// CPUs this process may run on (its affinity mask), which `taskset` narrows; 0 if unknown.
int ka_usable_cpus(void);
/// Keeps the calling thread on `cpu` (`serve --pin-event-loops`): 0, or an errno value.
int ka_pin_thread(int cpu);
/// The CPUs the calling thread may run on, ascending, into `out` (at most `capacity`): their
/// number, or minus an errno value.
int ka_allowed_cpus(int *out, int capacity);
/// The CPU the calling thread runs on now, or minus an errno value.
int ka_current_cpu(void);

/// A needle for `ka_screen_lines`, with two of its byte positions to screen candidates by.
/// Choose bytes that are rare in the haystack: the fewer places both match, the fewer `memcmp`s.
typedef struct {
    const uint8_t *bytes;
    size_t length;
    size_t probe1;
    size_t probe2;
} ka_needle;

/// At most this many needles per search.
#define KA_MAX_NEEDLES 4

/// A line start the line screen expects (`{"kind":"Event",…`): see `ka_screen_lines`.
typedef struct {
    const uint8_t *bytes;
    size_t length;
} ka_prefix;

/// A line the line screen reports: where it is, its number, whether a needle occurs in it.
typedef struct {
    size_t start;   /// its first byte
    size_t end;     /// its newline, or the buffer's end for a last line without one
    size_t index;   /// its number in the buffer, from 0
    int candidate;  /// a needle starts in it
} ka_line;

/// Walks the lines of `buffer[*offset..<n]` (`*offset` at a line start) in one pass that finds
/// newlines and needles together, and reports the lines that need a closer look: those where
/// a needle starts, those longer than `max_line` bytes (newline not counted), and those that are
/// not simply `{...}` (blank, padded, CRLF, cut short, not an object) or, when `prefix_count` is
/// above 0, do not start with one of `prefixes` (followed by at least one more byte). Other
/// lines are only counted. Stops when `out` is full (at a line start, so a
/// later call resumes there) or at the end of the buffer; returns how many lines it reported.
/// `*offset` and `*lines` (lines walked, reported or not) advance. A last line without a
/// newline counts as a line.
size_t ka_screen_lines(const uint8_t *buffer, size_t n, size_t *offset, size_t *lines,
                       const ka_needle *needles, int count, const ka_prefix *prefixes, int prefix_count,
                       size_t max_line, ka_line *out, size_t capacity);
/// The same screen without the vector path (memchr and memmem): what CPUs without AVX2 run, and
/// the reference in tests.
size_t ka_screen_lines_scalar(const uint8_t *buffer, size_t n, size_t *offset, size_t *lines,
                              const ka_needle *needles, int count, const ka_prefix *prefixes, int prefix_count,
                              size_t max_line, ka_line *out, size_t capacity);

/// The end of a JSON string body starting at `start` (just after its opening quote): the index
/// of the closing quote, or -1 when the buffer ends first, a raw control character (< 0x20,
/// not allowed in JSON strings) comes before it, or the string is not well-formed UTF-8. `*escaped` is set when a backslash escape
/// occurs. Sixteen bytes at a time where the CPU allows.
long ka_json_string_end(const uint8_t *p, size_t n, size_t start, int *escaped);
/// Whether `p[0..<n]` is well-formed UTF-8 (no overlong forms, surrogates, or values above
/// U+10FFFF).
int ka_utf8_valid(const uint8_t *p, size_t n);

/// One element of a JSON document's top-level `items` array: its bytes and the line it starts on.
typedef struct {
    size_t start;  /// its `{`
    size_t end;    /// one past its `}`
    size_t line;   /// from 1
} ka_json_item;

/// Where `ka_json_layout` is in a document; zero it, then set `line = 1` and every `*_start`,
/// `*_end`, `last_string_*` and `item_start` field to -1 before the first call.
typedef struct {
    size_t i;
    size_t line;
    long depth;
    long last_string_start, last_string_end, last_string_depth;
    int pending_key;
    int items_state;  /// 0 before `items`, 1 inside it, 2 after it
    long item_start;
    size_t item_line;
    long kind_start, kind_end;                 /// the top level's `kind` value, if any
    long api_version_start, api_version_end;   /// the top level's `apiVersion` value, if any
    int has_items;
    int irregular;
} ka_json_layout_state;

/// The item locator's pass (`JSONItemLocator`): walks the tokens of `p[0..<n]` that start in
/// `s->i..<limit`, each whole (a string that starts before `limit` is read to its end), writing
/// each `items` element it closes to `out`; stops when `out` is full (a later call resumes) or
/// at the first token boundary at or after `limit`. Returns how many items it wrote. A pass cut
/// at `limit` resumes exactly where one uncut pass would be.
size_t ka_json_layout(const uint8_t *p, size_t n, size_t limit, ka_json_layout_state *s, ka_json_item *out, size_t capacity);

#endif
