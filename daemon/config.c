/* config.c - the defaults table and the three sources (defaults < NEWSTAG_* environment <
 * flags). Every knob is one row: its name, flag, environment variable, type, default,
 * range and help, so parsing, validation and --help cannot drift apart. Defaults are
 * written as strings and go through the same parser as user input. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

enum cfg_type { CFG_UINT, CFG_SIZE, CFG_STR, CFG_LEVEL };

struct cfg_def {
    const char *flag; /* "--" + flag on the command line; NULL = not a flag */
    const char *env;  /* environment variable; NULL = none */
    enum cfg_type type;
    size_t off;      /* offsetof(struct nt_config, field) */
    size_t size;     /* CFG_STR: buffer size */
    const char *def; /* default, parsed like user input */
    unsigned long long min, max;
    const char *help;
};

#define F(field) offsetof(struct nt_config, field), sizeof(((struct nt_config *)0)->field)
#define KiB      1024ULL
#define MiB      (1024ULL * 1024ULL)
#define GiB      (1024ULL * 1024ULL * 1024ULL)

static const struct cfg_def cfg_defs[] = {
    {"listen", "NEWSTAG_LISTEN", CFG_STR, F(listen_addr), "0.0.0.0", 0, 0,
     "address to listen on (IPv4 or IPv6 literal)"},
    {"port", "NEWSTAG_PORT", CFG_UINT, F(port), "8080", 0, 65535,
     "TCP port; 0 = any free port (see --port-file)"},
    {"threads", "NEWSTAG_THREADS", CFG_UINT, F(threads), "0", 0, 1024,
     "HTTP worker threads; 0 = number of CPUs"},
    {"db", "NEWSTAG_DB", CFG_STR, F(db_path), "data/newstag.mdb", 0, 0,
     "LMDB dictionary directory (opened read-only; missing = empty dictionary)"},
    {"models", "NEWSTAG_MODELS", CFG_STR, F(models_dir), "models", 0, 0,
     "models directory (rules, cue lists)"},
    {"openapi", "NEWSTAG_OPENAPI", CFG_STR, F(openapi_path), "docs/openapi.yaml", 0, 0,
     "OpenAPI file served at GET /openapi.yaml"},
    {"demo", "NEWSTAG_DEMO", CFG_STR, F(demo_path), "docs/demo.html", 0, 0,
     "demo page served at GET /"},
    {"port-file", "NEWSTAG_PORT_FILE", CFG_STR, F(port_file), "", 0, 0,
     "write the bound port to this file once listening"},
    {"max-body", "NEWSTAG_MAX_BODY", CFG_SIZE, F(max_body), "2M", 1, 1 * GiB,
     "largest request body in bytes (suffixes k, M, G); 413 past it"},
    {"max-tokens", "NEWSTAG_MAX_TOKENS", CFG_SIZE, F(max_tokens), "1000000", 0,
     1000000000ULL, "most tokens tagged per request; 0 = no limit; 413 past it"},
    {"max-batch-body", "NEWSTAG_MAX_BATCH_BODY", CFG_SIZE, F(max_batch_body), "16M", 1,
     1 * GiB, "largest POST /v1/tag/batch body (each line also obeys --max-body)"},
    {"max-batch-lines", "NEWSTAG_MAX_BATCH_LINES", CFG_UINT, F(max_batch_lines), "1000",
     1, 1000000, "most lines in one POST /v1/tag/batch; 413 past it"},
    {"conn-timeout", "NEWSTAG_CONN_TIMEOUT", CFG_UINT, F(conn_timeout_s), "10", 1, 3600,
     "seconds before an idle or slow connection is closed"},
    {"conn-limit", "NEWSTAG_CONN_LIMIT", CFG_UINT, F(conn_limit), "256", 1, 65536,
     "most concurrent connections"},
    {"max-in-flight", "NEWSTAG_MAX_IN_FLIGHT", CFG_UINT, F(max_in_flight), "0", 0,
     1000000, "requests in progress before 503 + Retry-After; 0 = threads x 64"},
    {NULL, "NEWSTAG_ADMIN_TOKEN", CFG_STR, F(admin_token), "", 0, 0,
     "bearer token for dictionary writes (environment only)"},
    {"admin-token-file", "NEWSTAG_ADMIN_TOKEN_FILE", CFG_STR, F(admin_token_file), "", 0,
     0, "file holding the admin token (overrides NEWSTAG_ADMIN_TOKEN)"},
    {"cors-origins", "NEWSTAG_CORS_ORIGINS", CFG_STR, F(cors_origins), "", 0, 0,
     "comma-separated origins allowed by CORS, or *"},
    {"log-level", "NEWSTAG_LOG_LEVEL", CFG_LEVEL, F(log_level), "info", 0, 0,
     "error, warn, info or debug"},
};

static nt_err fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static nt_err fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return NT_EINVAL;
}

/* Parses an unsigned decimal with an optional k/M/G suffix (powers of 1024). */
static bool parse_size(const char *s, bool suffix_ok, unsigned long long *out) {
    unsigned long long v, mul = 1;
    char *end;

    if (!isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0)
        return false;
    if (suffix_ok && *end) {
        switch (*end) {
            case 'k':
            case 'K':
                mul = KiB;
                break;
            case 'm':
            case 'M':
                mul = MiB;
                break;
            case 'g':
            case 'G':
                mul = GiB;
                break;
            default:
                return false;
        }
        end++;
        if (*end == 'i' || *end == 'I')
            end++;
        if (*end == 'b' || *end == 'B')
            end++;
    }
    if (*end)
        return false;
    if (v > ULLONG_MAX / mul)
        return false;
    *out = v * mul;
    return true;
}

/* Applies `val` from `src` ("default", "NEWSTAG_X", "--x") to row `d` of c. */
static nt_err set_value(struct nt_config *c, const struct cfg_def *d, const char *val,
                        const char *src, char *err, size_t errlen) {
    char *field = (char *)c + d->off;
    unsigned long long v = 0;
    int lvl;

    switch (d->type) {
        case CFG_UINT:
        case CFG_SIZE:
            if (!parse_size(val, d->type == CFG_SIZE, &v) || v < d->min || v > d->max)
                return fail(err, errlen, "%s: '%s' is not %s in %llu..%llu", src, val,
                            d->type == CFG_SIZE ? "a size" : "a number", d->min, d->max);
            if (d->type == CFG_UINT)
                *(unsigned *)(void *)field = (unsigned)v;
            else
                *(size_t *)(void *)field = (size_t)v;
            return NT_OK;
        case CFG_STR:
            if (strlen(val) >= d->size)
                return fail(err, errlen, "%s: value too long (at most %zu bytes)", src,
                            d->size - 1);
            memcpy(field, val, strlen(val) + 1);
            return NT_OK;
        case CFG_LEVEL:
            lvl = log_level_parse(val);
            if (lvl < 0)
                return fail(err, errlen,
                            "%s: '%s' is not one of error, warn, info, debug", src, val);
            *(int *)(void *)field = lvl;
            return NT_OK;
    }
    return fail(err, errlen, "%s: bad table row", src); /* cannot happen */
}

static const struct cfg_def *find_flag(const char *name, size_t n) {
    for (size_t i = 0; i < NT_ARRAY_LEN(cfg_defs); i++)
        if (cfg_defs[i].flag && strlen(cfg_defs[i].flag) == n &&
            memcmp(cfg_defs[i].flag, name, n) == 0)
            return &cfg_defs[i];
    return NULL;
}

static nt_err load_flags(struct nt_config *c, int argc, char **argv,
                         enum cfg_action *action, char *err, size_t errlen) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *name, *eq, *val;
        const struct cfg_def *d;
        char src[80];
        nt_err rc;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *action = CFG_HELP;
            return NT_OK;
        }
        if (strcmp(arg, "--version") == 0) {
            *action = CFG_VERSION;
            return NT_OK;
        }
        if (strncmp(arg, "--", 2) != 0)
            return fail(err, errlen, "unexpected argument '%s' (try --help)", arg);
        name = arg + 2;
        eq = strchr(name, '=');
        d = find_flag(name, eq ? (size_t)(eq - name) : strlen(name));
        if (!d)
            return fail(err, errlen, "unknown option '%s' (try --help)", arg);
        if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return fail(err, errlen, "--%s needs a value", d->flag);
            val = argv[++i];
        }
        snprintf(src, sizeof(src), "--%s", d->flag);
        rc = set_value(c, d, val, src, err, errlen);
        if (rc != NT_OK)
            return rc;
    }
    return NT_OK;
}

/* Reads the first line of the token file into c->admin_token. */
static nt_err load_token_file(struct nt_config *c, char *err, size_t errlen) {
    FILE *f = NULL;
    char buf[CFG_TOKEN_MAX + 2];
    size_t n;
    nt_err rc = NT_OK;

    f = fopen(c->admin_token_file, "r");
    if (!f) {
        rc = fail(err, errlen, "--admin-token-file: cannot open '%s': %s",
                  c->admin_token_file, strerror(errno));
        goto out;
    }
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    n = strlen(buf);
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    if (n == 0 || n >= CFG_TOKEN_MAX) {
        rc =
            fail(err, errlen, "--admin-token-file: '%s' must hold a token of 1..%d bytes",
                 c->admin_token_file, CFG_TOKEN_MAX - 1);
        goto out;
    }
    memcpy(c->admin_token, buf, n + 1);
out:
    if (f)
        fclose(f);
    return rc;
}

static nt_err finish(struct nt_config *c, char *err, size_t errlen) {
    struct in6_addr a6;
    struct in_addr a4;
    long ncpu;

    if (inet_pton(AF_INET, c->listen_addr, &a4) != 1 &&
        inet_pton(AF_INET6, c->listen_addr, &a6) != 1)
        return fail(err, errlen, "--listen: '%s' is not an IPv4 or IPv6 address",
                    c->listen_addr);
    if (c->threads == 0) {
        ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = ncpu < 1 ? 1 : ncpu > 256 ? 256 : (unsigned)ncpu;
    }
    if (c->max_in_flight == 0)
        c->max_in_flight = c->threads * 64;
    if (c->admin_token_file[0])
        return load_token_file(c, err, errlen);
    return NT_OK;
}

nt_err cfg_load(struct nt_config *c, int argc, char **argv, enum cfg_action *action,
                char *err, size_t errlen) {
    nt_err rc;

    memset(c, 0, sizeof(*c));
    *action = CFG_RUN;
    for (size_t i = 0; i < NT_ARRAY_LEN(cfg_defs); i++) {
        rc = set_value(c, &cfg_defs[i], cfg_defs[i].def, "default", err, errlen);
        if (rc != NT_OK)
            return rc; /* cannot happen: the table's defaults are valid */
    }
    for (size_t i = 0; i < NT_ARRAY_LEN(cfg_defs); i++) {
        const char *v = cfg_defs[i].env ? getenv(cfg_defs[i].env) : NULL;
        if (v && *v) { /* an empty variable counts as unset */
            rc = set_value(c, &cfg_defs[i], v, cfg_defs[i].env, err, errlen);
            if (rc != NT_OK)
                return rc;
        }
    }
    rc = load_flags(c, argc, argv, action, err, errlen);
    if (rc != NT_OK || *action != CFG_RUN)
        return rc;
    return finish(c, err, errlen);
}

void cfg_print_help(FILE *f, const char *prog) {
    fprintf(f,
            "usage: %s [options]\n\nnewstag HTTP daemon %s: tags entities and events in "
            "news text (POST /v1/tag).\n\noptions (environment variable, default):\n",
            prog, NT_VERSION);
    for (size_t i = 0; i < NT_ARRAY_LEN(cfg_defs); i++) {
        const struct cfg_def *d = &cfg_defs[i];
        char flag[40];

        snprintf(flag, sizeof(flag), "--%s", d->flag ? d->flag : "");
        fprintf(f, "  %-20s %s\n  %-20s (%s, default '%s')\n",
                d->flag ? flag : "(environment)", d->help, "", d->env ? d->env : "-",
                d->def);
    }
    fprintf(f,
            "  %-20s show this help\n  %-20s show the version\n\n"
            "Signals: SIGHUP reloads the dictionary and models; SIGTERM/SIGINT drain "
            "in-flight requests and exit 0.\n"
            "Exit status: 0 ok, 1 startup failure, 2 bad configuration.\n",
            "--help", "--version");
}

void cfg_log(const struct nt_config *c) {
    log_msg(LOG_INFO, "config",
            "listen=%s port=%u threads=%u db=%s models=%s openapi=%s max_body=%zu "
            "max_tokens=%zu max_batch_body=%zu max_batch_lines=%u conn_timeout_s=%u "
            "conn_limit=%u max_in_flight=%u admin_token=%s cors_origins=%s",
            c->listen_addr, c->port, c->threads, c->db_path, c->models_dir,
            c->openapi_path[0] ? c->openapi_path : "-", c->max_body, c->max_tokens,
            c->max_batch_body, c->max_batch_lines,
            c->conn_timeout_s, c->conn_limit, c->max_in_flight,
            c->admin_token[0] ? "set" : "unset",
            c->cors_origins[0] ? c->cors_origins : "-");
}
