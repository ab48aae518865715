/* arena.h - a bump allocator for per-request and per-build memory. Everything allocated
 * from an arena is freed at once by arena_free() or arena_reset(). An arena may carry a
 * byte limit: past it, allocation fails (NULL) instead of growing, which is how request
 * limits and the allocation-failure tests work. Not thread-safe: one arena per thread. */
#ifndef NT_ARENA_H
#define NT_ARENA_H

#include "newstag.h"

typedef struct arena arena;

/* Returns a new arena owned by the caller (free with arena_free), or NULL on OOM.
 * `limit` is the most bytes it may hand out in total; 0 means no limit. */
arena *arena_new(size_t limit);
/* Frees the arena and all its memory. Accepts NULL. */
void arena_free(arena *a);
/* Forgets all allocations but keeps the first chunk for reuse. */
void arena_reset(arena *a);
/* Returns `n` bytes aligned to 8, owned by the arena, or NULL when out of memory or past
 * the limit. n == 0 returns a valid non-NULL pointer. */
void *arena_alloc(arena *a, size_t n);
/* As arena_alloc, zero-filled, for `count` items of `size` (overflow-checked). */
void *arena_calloc(arena *a, size_t count, size_t size);
/* Copies `s` into the arena with a NUL after it; returns NULL on failure. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* Grows the last allocation `p` (of `old_n` bytes) to `new_n` bytes; may move it. */
void *arena_realloc(arena *a, void *p, size_t old_n, size_t new_n);
/* Bytes handed out so far. */
size_t arena_used(const arena *a);
/* Test hook: make the allocation number `n` (0-based, counting from now) and every one
 * after it fail. Pass SIZE_MAX to disable. */
void arena_fail_after(arena *a, size_t n);

#endif
