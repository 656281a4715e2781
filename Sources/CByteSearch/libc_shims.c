#define _GNU_SOURCE
#include <string.h>
#include <errno.h>
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

int ka_pin_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return EINVAL;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    // pid 0: the calling thread, not the whole process.
    return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : errno;
}

int ka_allowed_cpus(int *out, int capacity) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -errno;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; cpu++) {
        if (CPU_ISSET(cpu, &set)) out[count++] = cpu;
    }
    return count;
}

int ka_current_cpu(void) {
    int cpu = sched_getcpu();
    return cpu >= 0 ? cpu : -errno;
}
