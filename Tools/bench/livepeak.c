/*
 * livepeak: how much heap a process really uses, against what its RSS says.
 *
 * An LD_PRELOAD shim for glibc that counts the bytes live in malloc at any moment (by
 * malloc_usable_size) and, when the process exits, prints the peak of that count and
 * mallinfo2() of the main arena: its size, the part in use and the part free but kept.
 * It tells live data apart from freed memory the allocator keeps resident, which peak RSS
 * cannot (BENCHMARKS.md, "W5 whole-body peak RSS").
 *
 *   cc -O2 -shared -fPIC -o /tmp/livepeak.so Tools/bench/livepeak.c
 *   LD_PRELOAD=/tmp/livepeak.so .build-bench/swift/release/liveform-bench --workload W5
 *
 * A diagnostic, not part of any benchmark figure: the counting costs an atomic per call.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static atomic_long live, peak;

static void count(long delta) {
    long now = atomic_fetch_add(&live, delta) + delta;
    long seen = atomic_load(&peak);
    while (now > seen && !atomic_compare_exchange_weak(&peak, &seen, now)) {}
}

static void *counted(void *block) {
    if (block) count((long)malloc_usable_size(block));
    return block;
}

void *malloc(size_t size) { return counted(__libc_malloc(size)); }
void *calloc(size_t count, size_t size) { return counted(__libc_calloc(count, size)); }
void *memalign(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }
void *aligned_alloc(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    void *block = counted(__libc_memalign(alignment, size));
    if (!block) return 12; /* ENOMEM */
    *result = block;
    return 0;
}

void free(void *block) {
    if (!block) return;
    count(-(long)malloc_usable_size(block));
    __libc_free(block);
}

void *realloc(void *old, size_t size) {
    long before = old ? (long)malloc_usable_size(old) : 0;
    void *block = __libc_realloc(old, size);
    if (block) count((long)malloc_usable_size(block) - before);
    else if (size == 0) count(-before);
    return block;
}

__attribute__((destructor)) static void report(void) {
    struct mallinfo2 arena = mallinfo2();
    const double mib = 1024.0 * 1024.0;
    fprintf(stderr, "livepeak: peak live heap %.1f MiB; at exit, main arena %.1f MiB (%.1f in use, %.1f free), mmapped %.1f MiB\n",
            atomic_load(&peak) / mib, arena.arena / mib, arena.uordblks / mib, arena.fordblks / mib, arena.hblkhd / mib);
}
