/* bench_engine.c - engine throughput on one core: load the snapshot from the LMDB
 * dictionary (timed: the daemon's start-to-ready work), then tag a corpus repeatedly for
 * a few seconds and print "key value" lines for bench/run.sh: throughput of the median pass
 * over the corpus (and the mean and the range of passes). Not a test. */
#include "dict.h"
#include "loader.h"
#include "tagger.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench_engine DB MODELS CORPUS [SECONDS]\n");
        return 2;
    }
    double secs = argc > 4 ? atof(argv[4]) : 3;
    char err[512], *buf = NULL;
    size_t len;
    dict *d = NULL;
    snap *s = NULL;
    loader_stats st;
    double t0 = now_s();
    if (dict_open(argv[1], DICT_RDONLY, &d, err, sizeof(err)) != NT_OK ||
        loader_build(d, argv[2], &s, &st, err, sizeof(err)) != NT_OK) {
        fprintf(stderr, "bench_engine: %s\n", err);
        return 1;
    }
    double load = now_s() - t0;
    if (loader_read_file(argv[3], &buf, &len) != NT_OK) {
        fprintf(stderr, "bench_engine: cannot read %s\n", argv[3]);
        return 1;
    }
    /* documents are separated by "\n\x1e\n" */
    size_t ndocs = 0, cap = 1024, *off = malloc(cap * sizeof(size_t)), *dl = malloc(cap * sizeof(size_t));
    for (size_t i = 0, start = 0; i <= len; i++) {
        if (i == len || (i + 2 < len && buf[i] == '\n' && buf[i + 1] == 0x1e && buf[i + 2] == '\n')) {
            if (i > start) {
                if (ndocs == cap) {
                    cap *= 2;
                    off = realloc(off, cap * sizeof(size_t));
                    dl = realloc(dl, cap * sizeof(size_t));
                }
                off[ndocs] = start;
                dl[ndocs++] = i - start;
            }
            start = i + 3;
            i += 2;
        }
    }
    tagger_opts o;
    tagger_opts_init(&o);
    o.events = getenv("BENCH_NO_EVENTS") == NULL; /* BENCH_NO_EVENTS=1: entities only */
    arena *a = arena_new(0);
    size_t bytes = 0, docs = 0, ents = 0, npass = 0, pcap = 256;
    double *pass_s = malloc(pcap * sizeof(double)); /* seconds of each pass over the corpus */
    if (!pass_s)
        return 1;
    double t1 = now_s(), t;
    do {
        double p0 = now_s();
        for (size_t k = 0; k < ndocs; k++) {
            tg_result r;
            arena_reset(a);
            if (tagger_run(s, buf + off[k], dl[k], &o, a, &r) != NT_OK)
                return 1;
            ents += r.n_ents;
            bytes += dl[k];
            docs++;
        }
        if (npass == pcap && !(pass_s = realloc(pass_s, (pcap *= 2) * sizeof(double))))
            return 1;
        pass_s[npass++] = now_s() - p0;
        t = now_s() - t1;
    } while (t < secs);
    /* the median pass is robust to bursts of other load on a shared machine */
    qsort(pass_s, npass, sizeof(double), cmp_double);
    size_t pass_bytes = bytes / npass;
    double median = pass_s[npass / 2], best = pass_s[0], worst = pass_s[npass - 1];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("load_ms %.1f\nfrom_cache %d\nentities %zu\naliases %zu\nmb_per_s %.2f\n"
           "mb_per_s_mean %.2f\nmb_per_s_range %.1f-%.1f\npasses %zu\ndocs_per_s %.0f\n"
           "corpus_docs %zu\ncorpus_bytes %zu\nmentions_entities_per_pass %zu\nmax_rss_mb %.0f\n",
           load * 1e3, st.from_cache, st.entities, st.aliases, pass_bytes / 1e6 / median,
           bytes / 1e6 / t, pass_bytes / 1e6 / worst, pass_bytes / 1e6 / best, npass,
           ndocs / median, ndocs, len, ents / npass, ru.ru_maxrss / 1024.0);
    free(pass_s);
    arena_free(a);
    snap_free(s);
    dict_close(d);
    free(buf);
    free(off);
    free(dl);
    return 0;
}
