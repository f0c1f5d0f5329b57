/*
 * sysmem - how much memory this machine can still give, to refuse up
 * front an option value whose memory cannot fit, instead of growing
 * until the machine runs out; and giving back what a process freed.
 * No globals; thread-safe.
 */
#ifndef KIT_SYSMEM_H
#define KIT_SYSMEM_H

#include <stdbool.h>
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
 * Whether malloc here is glibc's own, not one that replaced it: a
 * sanitizer's (ASan, TSan, LSan, HWASan...) or one preloaded (jemalloc).
 */
bool sysmem_malloc_is_glibc(void);

/*
 * Give the system back the pages free() left to glibc's malloc (it keeps
 * those not at the top of its heap).  Returns whether any went back.
 * Where malloc is not glibc's, nothing: glibc's would be set up by this
 * first call, which two threads may not make at once (it crashes).
 */
int sysmem_trim(void);

#endif
