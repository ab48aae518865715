/* test_arena.c - the bump allocator: alignment, byte limit, realloc in place and by
 * copy, and the fail_after test hook. */
#include "arena.h"
#include "t.h"

#include <stdint.h>

static int t_align(void) {
    arena *a = arena_new(0);
    T_TRUE(a);
    for (size_t n = 0; n < 40; n++) {
        void *p = arena_alloc(a, n);
        T_TRUE(p);
        T_EQ_INT((uintptr_t)p % 8, 0);
    }
    char *s = arena_strndup(a, "hello", 3);
    T_EQ_STR(s, "hel");
    int *z = arena_calloc(a, 10, sizeof(int));
    T_TRUE(z && z[0] == 0 && z[9] == 0);
    T_TRUE(arena_calloc(a, SIZE_MAX / 2, 4) == NULL); /* overflow checked */
    arena_free(a);
    arena_free(NULL);
    return 0;
}

static int t_limit(void) {
    arena *a = arena_new(64);
    T_TRUE(arena_alloc(a, 40));
    T_EQ_INT(arena_used(a), 40);
    T_TRUE(arena_alloc(a, 24));
    T_TRUE(arena_alloc(a, 1) == NULL);
    T_TRUE(arena_alloc(a, 0)); /* 0 bytes still fits */
    arena_reset(a);
    T_EQ_INT(arena_used(a), 0);
    T_TRUE(arena_alloc(a, 64));
    T_TRUE(arena_alloc(a, SIZE_MAX) == NULL);
    arena_free(a);
    return 0;
}

static int t_realloc(void) {
    arena *a = arena_new(0);
    char *p = arena_alloc(a, 16);
    memcpy(p, "0123456789abcdef", 16);
    char *q = arena_realloc(a, p, 16, 64); /* last allocation: grows in place */
    T_TRUE(q == p);
    T_EQ_INT(arena_used(a), 64);
    char *other = arena_alloc(a, 8);
    T_TRUE(other);
    char *r = arena_realloc(a, q, 64, 128); /* not last: copies */
    T_TRUE(r && r != q);
    T_TRUE(memcmp(r, "0123456789abcdef", 16) == 0);
    char *big = arena_realloc(a, r, 128, 1 << 20); /* past the chunk: new chunk */
    T_TRUE(big);
    T_TRUE(memcmp(big, "0123456789abcdef", 16) == 0);
    arena_free(a);
    return 0;
}

static int t_fail_after(void) {
    arena *a = arena_new(0);
    arena_fail_after(a, 2);
    T_TRUE(arena_alloc(a, 8));
    T_TRUE(arena_alloc(a, 8));
    T_TRUE(arena_alloc(a, 8) == NULL);
    T_TRUE(arena_alloc(a, 8) == NULL);
    arena_fail_after(a, SIZE_MAX);
    T_TRUE(arena_alloc(a, 8));
    arena_fail_after(a, 0);
    T_TRUE(arena_alloc(a, 0) == NULL);
    arena_free(a);
    return 0;
}

static const struct t_case cases[] = {
    {"alignment", t_align},
    {"limit", t_limit},
    {"realloc", t_realloc},
    {"fail_after", t_fail_after},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_arena");
}
