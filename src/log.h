/* log.h - the leveled logger: one JSON object per line on stderr. The level and sink are
 * the one process-wide setting; set them in main() before any thread starts.
 * Levels: ERROR a request failed because of us, or startup failed; WARN degraded but
 * continuing; INFO lifecycle (start, dictionary loaded, reload, shutdown), never one line
 * per request; DEBUG per-request detail. Request text is never logged at INFO or above. */
#ifndef NT_LOG_H
#define NT_LOG_H

#include <stdio.h>

typedef enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 } log_level;

/* Set once at startup. `sink` defaults to stderr; NULL silences logging. */
void log_setup(log_level level, FILE *sink);
/* Parses "error"/"warn"/"info"/"debug"; returns -1 if unknown. */
int log_level_parse(const char *s);
int log_enabled(log_level level);
/* Writes {"ts":…,"level":…,"module":…,"msg":…} with msg formatted printf-style. */
void log_write(log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_msg(level, module, ...)                                                      \
    do {                                                                                 \
        if (log_enabled(level))                                                          \
            log_write(level, module, __VA_ARGS__);                                       \
    } while (0)

#endif
