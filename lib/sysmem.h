/*
 * sysmem - how much memory this machine can still give, to refuse up
 * front an option value whose memory cannot fit, instead of growing
 * until the machine runs out; and giving back what a process freed.
 * No globals; thread-safe.
 */
#ifndef KIT_SYSMEM_H
#define KIT_SYSMEM_H

#include <stdint.h>

/*
 * Bytes that can be allocated without swapping: MemAvailable from
 * /proc/meminfo (free memory plus what the kernel can reclaim), or the
 * free pages where that is missing; capped by RLIMIT_AS.  0 if unknown.
 */
uint64_t sysmem_available(void);

/* "1.5 GiB", "512.0 MiB": 'bytes' for people, in 'buf' (at least 16 bytes). */
const char *sysmem_format(uint64_t bytes, char *buf);

/*
 * Give the system back the pages free() left to malloc (glibc keeps
 * those not at the top of its heap).  Returns whether any went back.
 * Under a sanitizer that brings its own allocator (ASan, TSan, MSan),
 * glibc's malloc is never used and is set up lazily by the first call,
 * which two threads may not make at once (it crashes): there, nothing.
 */
int sysmem_trim(void);

/* Defined where malloc is a sanitizer's own, not glibc's. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SYSMEM_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) \
    || __has_feature(memory_sanitizer)
#define SYSMEM_SANITIZER_MALLOC 1
#endif
#endif

#endif
