/* log.c - JSON-lines logger on stderr. The message is escaped here by hand because the
 * engine must not depend on jansson; only printable ASCII passes unescaped. */
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static log_level log_level_cur = LOG_INFO; /* set once in main(), read-only after */
static FILE *log_sink;
static int log_sink_set;

void log_setup(log_level level, FILE *sink) {
    log_level_cur = level;
    log_sink = sink;
    log_sink_set = 1;
}

int log_level_parse(const char *s) {
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int log_enabled(log_level level) {
    FILE *f = log_sink_set ? log_sink : stderr;
    return f && level <= log_level_cur;
}

static void put_escaped(FILE *f, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

void log_write(log_level level, const char *module, const char *fmt, ...) {
    static const char *names[] = {"error", "warn", "info", "debug"};
    FILE *f = log_sink_set ? log_sink : stderr;
    char msg[1024], ts[40];
    struct timespec now;
    struct tm tm;
    va_list ap;

    if (!f)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    flockfile(f);
    fprintf(f, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"module\":\"", ts,
            now.tv_nsec / 1000000, names[level]);
    put_escaped(f, module);
    fputs("\",\"msg\":\"", f);
    put_escaped(f, msg);
    fputs("\"}\n", f);
    funlockfile(f);
    fflush(f);
}
