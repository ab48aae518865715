/* arena.c - chunked bump allocator. The only malloc site for per-request data. Chunks
 * grow geometrically; big requests get their own chunk. Limits turn into NULL returns. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct chunk {
    struct chunk *next;
    size_t cap, used;
    max_align_t data[];
};

struct arena {
    struct chunk *head;
    size_t limit, used, next_cap;
    size_t fail_after, allocs;
};

#define ARENA_FIRST 16384

arena *arena_new(size_t limit) {
    arena *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->limit = limit;
    a->next_cap = ARENA_FIRST;
    a->fail_after = SIZE_MAX;
    return a;
}

void arena_free(arena *a) {
    if (!a)
        return;
    struct chunk *c = a->head;
    while (c) {
        struct chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void arena_reset(arena *a) {
    if (!a)
        return;
    struct chunk *c = a->head, *keep = NULL;
    while (c) {
        struct chunk *n = c->next;
        if (!n)
            keep = c; /* the oldest chunk is at the tail */
        else
            free(c);
        c = n;
    }
    a->head = keep;
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->used = 0;
    a->allocs = 0;
}

void arena_fail_after(arena *a, size_t n) {
    a->fail_after = n;
    a->allocs = 0;
}

void *arena_alloc(arena *a, size_t n) {
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n)
        return NULL;
    if (a->allocs++ >= a->fail_after)
        return NULL;
    if (a->limit && (need > a->limit || a->used > a->limit - need))
        return NULL;
    struct chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = a->next_cap;
        if (cap < need)
            cap = need;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        if (a->next_cap < (1u << 24))
            a->next_cap *= 2;
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    a->used += need;
    return p;
}

void *arena_calloc(arena *a, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *arena_realloc(arena *a, void *p, size_t old_n, size_t new_n) {
    struct chunk *c = a->head;
    size_t old_need = (old_n + 7) & ~(size_t)7;
    size_t new_need = (new_n + 7) & ~(size_t)7;
    if (p && c && (char *)p + old_need == (char *)c->data + c->used && new_need >= old_need &&
        c->cap - c->used >= new_need - old_need &&
        (!a->limit || a->used + (new_need - old_need) <= a->limit)) {
        c->used += new_need - old_need;
        a->used += new_need - old_need;
        return p;
    }
    void *q = arena_alloc(a, new_n);
    if (q && p && old_n)
        memcpy(q, p, old_n < new_n ? old_n : new_n);
    return q;
}

size_t arena_used(const arena *a) {
    return a->used;
}
