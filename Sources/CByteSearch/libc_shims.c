#define _GNU_SOURCE
#include <string.h>
#include <sched.h>
#include "CByteSearch.h"

void *ka_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}

int ka_usable_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
