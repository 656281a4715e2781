// glibc's memmem (Two-Way, vectorised) and memrchr are not visible from Swift's Glibc module.
#ifndef KUBELET_AUTHZ_CMEMMEM_H
#define KUBELET_AUTHZ_CMEMMEM_H
#include <stddef.h>

const void *ka_memmem(const void *haystack, size_t haystack_len, const void *needle, size_t needle_len);
void *ka_memrchr(const void *s, int c, size_t n);
/// CPUs this process may run on (its affinity mask), which `taskset` narrows; 0 if unknown.
int ka_usable_cpus(void);

#endif
