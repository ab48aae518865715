/* t.h - the unit-test harness: check macros that print both values and file:line, and
 * t_run() over an explicit case table. A failed check marks the case failed and returns
 * from the case function. Only for tests/unit; never included by src/. */
#ifndef NT_T_H
#define NT_T_H

#include <stdio.h>
#include <string.h>

#include "newstag.h"

struct t_case {
    const char *name;
    int (*fn)(void); /* 0 = pass */
};

#define T_FAIL_(fmt, ...)                                                                \
    do {                                                                                 \
        fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);          \
        return 1;                                                                        \
    } while (0)
#define T_TRUE(x)                                                                        \
    do { if (!(x)) T_FAIL_("expected true: %s", #x); } while (0)
#define T_EQ_INT(a, b)                                                                   \
    do {                                                                                 \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                          \
        if (t_a_ != t_b_) T_FAIL_("%s == %s: %lld != %lld", #a, #b, t_a_, t_b_);         \
    } while (0)
#define T_EQ_STR(a, b)                                                                   \
    do {                                                                                 \
        const char *t_a_ = (a), *t_b_ = (b);                                             \
        if (strcmp(t_a_, t_b_)) T_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, t_a_, t_b_); \
    } while (0)
/* nt_str `a` against C string `b`. */
#define T_EQ_NSTR(a, b)                                                                  \
    do {                                                                                 \
        nt_str t_a_ = (a); const char *t_b_ = (b);                                       \
        if (t_a_.n != strlen(t_b_) || (t_a_.n && memcmp(t_a_.p, t_b_, t_a_.n)))          \
            T_FAIL_("%s == %s: \"%.*s\" != \"%s\"", #a, #b, (int)t_a_.n, t_a_.p ? t_a_.p : "", t_b_); \
    } while (0)
#define T_OK(rc)                                                                         \
    do {                                                                                 \
        int t_rc_ = (int)(rc);                                                           \
        if (t_rc_ != NT_OK) T_FAIL_("%s: %s (%d)", #rc, nt_errname((nt_err)t_rc_), t_rc_); \
    } while (0)

static inline int t_run(const struct t_case *cases, size_t n, const char *name) {
    size_t pass = 0, fail = 0;
    for (size_t i = 0; i < n; i++) {
        int r = cases[i].fn();
        printf("%s %s\n", r ? "FAIL" : "PASS", cases[i].name);
        fflush(stdout);
        r ? fail++ : pass++;
    }
    printf("%s: %zu passed, %zu failed\n", name, pass, fail);
    return fail ? 1 : 0;
}

#endif
