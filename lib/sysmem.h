/*
 * sysmem - how much memory this machine can still give, to refuse up
 * front an option value whose memory cannot fit, instead of growing
 * until the machine runs out.  No globals; thread-safe.
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

#endif
