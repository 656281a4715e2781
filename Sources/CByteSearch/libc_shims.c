#define _GNU_SOURCE
#include <string.h>
#include <sched.h>
#include "CByteSearch.h"

const void *ka_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len) {
    return memmem(haystack, haystack_len, needle, needle_len);
}

void *ka_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}

int ka_usable_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
