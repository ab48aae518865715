/* config.h - the daemon's configuration: one struct nt_config filled from a defaults
 * table, then the environment (NEWSTAG_*), then the command line, validated once at
 * startup and passed down as `const struct nt_config *`. There is no global config.
 * Strings live inside the struct (fixed buffers), so a config needs no free. */
#ifndef NT_DAEMON_CONFIG_H
#define NT_DAEMON_CONFIG_H

#include <stdio.h>

#include "newstag.h"

#define CFG_PATH_MAX  1024
#define CFG_TOKEN_MAX 256

struct nt_config {
    char listen_addr[64];            /* IPv4 or IPv6 literal; "0.0.0.0" = all IPv4 */
    unsigned port;                   /* 0 = any free port (see port_file) */
    unsigned threads;                /* MHD thread pool size; 0 in the table = CPUs */
    char db_path[CFG_PATH_MAX];      /* LMDB environment directory */
    char models_dir[CFG_PATH_MAX];   /* rule files and cue lists; "" = built-ins */
    char openapi_path[CFG_PATH_MAX]; /* served at GET /openapi.yaml; "" = none */
    char demo_path[CFG_PATH_MAX];    /* served at GET /; "" = none */
    char port_file[CFG_PATH_MAX];    /* write the bound port here once listening */
    size_t max_body;                 /* request body cap in bytes (413 past it) */
    size_t max_tokens;               /* tokens per request (413 past it); 0 = no cap */
    size_t max_batch_body;           /* POST /v1/tag/batch body cap in bytes (413) */
    unsigned max_batch_lines;        /* lines per batch (413 past it) */
    unsigned conn_timeout_s;         /* idle connection timeout */
    unsigned conn_limit;             /* concurrent connections */
    unsigned max_in_flight;          /* requests in progress before 503; 0 = threads*64 */
    char admin_token[CFG_TOKEN_MAX]; /* bearer token for writes; "" = writes refused */
    char admin_token_file[CFG_PATH_MAX]; /* read into admin_token at load */
    char cors_origins[1024];             /* comma-separated allowed origins, "*", or "" */
    int log_level;                       /* enum log_level */
};

/* What main() should do after cfg_load. */
enum cfg_action { CFG_RUN = 0, CFG_HELP = 1, CFG_VERSION = 2 };

/* Fills *c from the defaults table, then the NEWSTAG_* environment variables, then argv
 * (`--name value` or `--name=value`), and validates every value against its row's range.
 * Resolves derived values (threads 0 → CPU count, max_in_flight 0 → threads*64) and reads
 * the admin token file. On error returns NT_EINVAL with a one-line message in err (no
 * trailing newline); *action is then undefined. Not thread-safe (reads the environment):
 * call from main() before any thread starts. */
nt_err cfg_load(struct nt_config *c, int argc, char **argv, enum cfg_action *action,
                char *err, size_t errlen);

/* Prints the usage text generated from the defaults table. */
void cfg_print_help(FILE *f, const char *prog);

/* Logs the effective configuration at INFO, one line (the admin token is never shown). */
void cfg_log(const struct nt_config *c);

#endif
