/* test_ev_time.c - static helpers of src/ev_time.c (included, h2o style): the hand-written
 * value formatter must give exactly what snprintf gave before it, including out-of-range
 * and negative fields. The time expressions themselves are covered by the golden cases. */
#include "t.h"

#include "../../src/ev_time.c"

#include <stdio.h>

/* fmt(k, x, y, z) against the snprintf format it replaces. */
static int same_as_printf(arena *a, enum fmt_kind k, int x, int y, int z) {
    char want[64];
    switch (k) {
        case F_YMD: snprintf(want, sizeof(want), "%04d-%02d-%02d", x, y, z); break;
        case F_YM: snprintf(want, sizeof(want), "%04d-%02d", x, y); break;
        case F_Y: snprintf(want, sizeof(want), "%04d", x); break;
        case F_WEEK: snprintf(want, sizeof(want), "%04d-W%02d", x, y); break;
        default: snprintf(want, sizeof(want), "XXXX-%02d", x); break;
    }
    T_EQ_NSTR(fmt(a, k, x, y, z), want);
    return 0;
}

static int t_fmt(void) {
    static const int vals[] = {0,    1,     9,     10,    99,   100,  999,        1000,
                               1969, 2018,  9999,  10000, -1,   -9,   -10,        -99,
                               -100, -999,  -1000, 12345, 31,   53,   2147483647, -2147483647,
                               INT32_MIN};
    arena *a = arena_new(0);
    T_TRUE(a);
    for (size_t i = 0; i < NT_ARRAY_LEN(vals); i++)
        for (size_t j = 0; j < NT_ARRAY_LEN(vals); j += 3)
            for (int k = F_YMD; k <= F_XM; k++)
                if (same_as_printf(a, (enum fmt_kind)k, vals[i], vals[j], vals[(i + j) % NT_ARRAY_LEN(vals)])) {
                    arena_free(a);
                    return 1;
                }
    arena_free(a);
    return 0;
}

static const struct t_case cases[] = {
    {"ev_time: values formatted by hand read as snprintf's", t_fmt},
};

int main(void) {
    return t_run(cases, NT_ARRAY_LEN(cases), "test_ev_time");
}
