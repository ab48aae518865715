/* replay.h - shared main() for the fuzz targets when built with -DFUZZ_REPLAY (gcc, no
 * libFuzzer): runs LLVMFuzzerTestOneInput once per file argument. Included by each
 * fuzz_*.c after its entry point. */
#ifndef NT_FUZZ_REPLAY_H
#define NT_FUZZ_REPLAY_H
#ifdef FUZZ_REPLAY
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, n = 0, k;
        uint8_t *buf = malloc(cap);
        while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
            n += k;
            if (n == cap) {
                uint8_t *nb = realloc(buf, cap *= 2);
                if (!nb) {
                    free(buf);
                    buf = NULL;
                }
                buf = nb;
            }
        }
        fclose(f);
        if (!buf)
            return 1;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        ran++;
    }
    printf("replayed %d inputs\n", ran);
    return 0;
}
#endif
#endif
