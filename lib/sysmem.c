/* sysmem - memory the machine can still give. */
#include "sysmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

uint64_t sysmem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long kb;
    uint64_t bytes = 0;
    char line[128];
    struct rlimit rl;

    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
            bytes = (uint64_t)kb * 1024;
            break;
        }
    if (f != NULL)
        fclose(f);
    if (bytes == 0) {
        long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);

        if (pages > 0 && size > 0)
            bytes = (uint64_t)pages * (uint64_t)size;
    }
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (bytes == 0 || rl.rlim_cur < bytes))
        bytes = rl.rlim_cur;
    return bytes;
}

const char *sysmem_format(uint64_t bytes, char *buf)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)bytes;
    int u = 0;

    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    snprintf(buf, 16, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

#ifdef __GLIBC__
/* glibc's malloc under its other name, which nothing replaces. */
extern void *__libc_malloc(size_t size);
#endif

bool sysmem_malloc_is_glibc(void)
{
#ifdef __GLIBC__
    /* Through volatile: two functions' addresses, which a compiler may
     * assume differ, are equal exactly when malloc is glibc's. */
    void *(*volatile in_use)(size_t) = malloc;
    void *(*volatile glibc)(size_t) = __libc_malloc;

    return in_use == glibc;
#else
    return false;
#endif
}

int sysmem_trim(void)
{
#ifdef __GLIBC__
    if (sysmem_malloc_is_glibc())
        return malloc_trim(0);
#endif
    return 0;
}
