/* test_metrics.c - the daemon's metrics object (daemon/metrics.c, included whole: it is
 * not part of libnewstag.a): exact totals when four threads record at once (C11 atomics,
 * lock-free error-code interning), the "other" overflow for codes, cumulative histogram
 * buckets, and the Prometheus text rendering. */
#include "../../daemon/metrics.c"
#include "t.h"

#include <pthread.h>

#define THREADS 4
#define ROUNDS  20000

static const char *const routes[] = {"/v1/tag", "/metrics"};

static void *hammer(void *arg) {
    metrics *m = arg;
    char code[32];

    for (int i = 0; i < ROUNDS; i++) {
        metrics_request(m, (size_t)(i % 3), i % 2 ? 200 : 503, (double)(i % 7));
        snprintf(code, sizeof(code), "code_%d", i % 70); /* 70 > MX_CODES: overflow */
        metrics_error(m, code);
        metrics_tagged(m, 10, 2, 3, 1);
        metrics_batch_line(m, i % 4 != 0);
        metrics_in_flight(m, +1);
        metrics_in_flight(m, -1);
    }
    return NULL;
}

/* The value of the series `name` (with labels) in text `t`, or -1. */
static double value_of(const char *t, const char *name) {
    size_t n = strlen(name);

    for (const char *p = t; (p = strstr(p, name)); p += n)
        if ((p == t || p[-1] == '\n') && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static int t_concurrent_totals(void) {
    metrics *m = NULL;
    pthread_t th[THREADS];
    char *txt = NULL;
    size_t len;
    metrics_gauges g = {.ready = true, .dict_version = 7, .loads = 2};
    unsigned long long codes = 0;

    T_OK(metrics_new(routes, 2, &m));
    for (int i = 0; i < THREADS; i++)
        T_EQ_INT(pthread_create(&th[i], NULL, hammer, m), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    T_OK(metrics_render(m, &g, &txt, &len));
    T_EQ_INT(strlen(txt), len);
    T_EQ_INT(value_of(txt, "newstag_documents_tagged_total"), THREADS * ROUNDS);
    T_EQ_INT(value_of(txt, "newstag_bytes_tagged_total"), THREADS * ROUNDS * 10);
    T_EQ_INT(value_of(txt, "newstag_mentions_found_total"), THREADS * ROUNDS * 3);
    T_EQ_INT(value_of(txt, "newstag_batch_lines_total{result=\"error\"}"),
             THREADS * ROUNDS / 4);
    T_EQ_INT(value_of(txt, "newstag_http_requests_in_flight"), 0);
    T_EQ_INT(value_of(txt, "newstag_dictionary_version"), 7);
    /* every request counted once, in its route (index 2 = "other") */
    double all = 0;
    for (size_t r = 0; r < 3; r++)
        for (int st = 200; st <= 503; st += 303) {
            char k[120];
            snprintf(k, sizeof(k), "newstag_http_requests_total{route=\"%s\",status=\"%d\"}",
                     r < 2 ? routes[r] : "other", st);
            double v = value_of(txt, k);
            T_TRUE(v > 0);
            all += v;
        }
    T_EQ_INT(all, THREADS * ROUNDS);
    /* 64 interned codes + "other" add up, and no code appears twice */
    for (size_t i = 0; i < MX_CODES; i++) {
        T_EQ_INT(atomic_load(&m->codes[i].state), 2);
        for (size_t k = 0; k < i; k++)
            T_TRUE(strcmp(m->codes[i].name, m->codes[k].name) != 0);
        codes += atomic_load(&m->codes[i].n);
    }
    codes += atomic_load(&m->codes_other);
    T_EQ_INT(codes, THREADS * ROUNDS);
    T_TRUE(value_of(txt, "newstag_http_errors_total{code=\"other\"}") > 0);
    free(txt);
    metrics_free(m);
    metrics_free(NULL);
    return 0;
}

static int t_histogram_text(void) {
    metrics *m = NULL;
    metrics_gauges g = {0};
    char *txt = NULL;
    size_t len;

    T_OK(metrics_new(routes, 2, &m));
    metrics_request(m, 0, 200, 0.2);    /* 0.0002 s: first bucket */
    metrics_request(m, 0, 200, 3.0);    /* 0.003 s: le=0.005 */
    metrics_request(m, 0, 413, 60000);  /* 60 s: +Inf only */
    metrics_request(m, 0, 999, 1.0);    /* a status out of range counts as 0 */
    T_OK(metrics_render(m, &g, &txt, &len));
    T_EQ_INT(value_of(txt, "newstag_http_request_duration_seconds_bucket{route=\"/v1/tag\","
                           "le=\"0.0005\"}"), 1);
    T_EQ_INT(value_of(txt, "newstag_http_request_duration_seconds_bucket{route=\"/v1/tag\","
                           "le=\"0.005\"}"), 3);
    T_EQ_INT(value_of(txt, "newstag_http_request_duration_seconds_bucket{route=\"/v1/tag\","
                           "le=\"10\"}"), 3);
    T_EQ_INT(value_of(txt, "newstag_http_request_duration_seconds_bucket{route=\"/v1/tag\","
                           "le=\"+Inf\"}"), 4);
    T_EQ_INT(value_of(txt, "newstag_http_request_duration_seconds_count{route=\"/v1/tag\"}"),
             4);
    T_EQ_INT(value_of(txt, "newstag_http_requests_total{route=\"/v1/tag\",status=\"0\"}"), 1);
    T_TRUE(value_of(txt, "newstag_http_request_duration_seconds_sum{route=\"/v1/tag\"}") > 60);
    /* no series for a route that saw nothing */
    T_TRUE(!strstr(txt, "route=\"/metrics\""));
    T_TRUE(strstr(txt, "# TYPE newstag_http_request_duration_seconds histogram\n") != NULL);
    T_TRUE(txt[len - 1] == '\n');
    free(txt);
    metrics_free(m);
    return 0;
}

int main(void) {
    static const struct t_case cases[] = {
        {"metrics_concurrent_totals", t_concurrent_totals},
        {"metrics_histogram_text", t_histogram_text},
    };
    return t_run(cases, NT_ARRAY_LEN(cases), "test_metrics");
}
