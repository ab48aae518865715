/* main.c - newstagd: configuration, startup, signals and shutdown; the only place that
 * exits. Signals are blocked before any thread starts and taken synchronously with
 * sigwait() here: SIGHUP reloads in the background, SIGTERM/SIGINT drain and exit 0.
 * Exit status: 0 clean shutdown, 1 startup failure, 2 bad configuration. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "model.h"

/* Writes the bound port to `path` atomically (temp file + rename): a test waiting for the
 * file never reads it half written. */
static nt_err write_port_file(const char *path, unsigned port, char *err, size_t errlen) {
    char tmp[CFG_PATH_MAX + 8];
    FILE *f = NULL;
    nt_err rc = NT_EIO;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", port) < 0)
        goto out;
    if (fclose(f) != 0) {
        f = NULL;
        goto out;
    }
    f = NULL;
    if (rename(tmp, path) != 0)
        goto out;
    rc = NT_OK;
out:
    if (f)
        fclose(f);
    if (rc != NT_OK)
        snprintf(err, errlen, "cannot write the port file %s: %s", path, strerror(errno));
    return rc;
}

/* Waits for SIGTERM/SIGINT, reloading on each SIGHUP meanwhile. */
static void serve(const sigset_t *sigs, model *m) {
    int sig = 0;

    for (;;) {
        if (sigwait(sigs, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        log_msg(LOG_INFO, "main", "SIGHUP: reloading the dictionary and models");
        nt_err rc = model_reload_async(m);
        if (rc == NT_EBUSY)
            log_msg(LOG_WARN, "main", "a reload is already running; SIGHUP ignored");
        else if (rc != NT_OK)
            log_msg(LOG_ERROR, "main", "cannot start the reload thread: %s",
                    nt_strerror(rc));
    }
    log_msg(LOG_INFO, "main", "%s: draining in-flight requests",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
}

int main(int argc, char **argv) {
    struct nt_config cfg;
    enum cfg_action action;
    http_hooks hooks;
    http_server *srv = NULL;
    model *m = NULL;
    api *a = NULL;
    bool port_file = false;
    char err[2048] = "";
    sigset_t sigs;
    int status = 1;
    nt_err rc;

    rc = cfg_load(&cfg, argc, argv, &action, err, sizeof(err));
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: %s\n", err);
        return 2;
    }
    if (action == CFG_HELP) {
        cfg_print_help(stdout, "newstagd");
        return 0;
    }
    if (action == CFG_VERSION) {
        printf("newstagd %s\n", NT_VERSION);
        return 0;
    }
    log_setup((log_level)cfg.log_level, stderr);
    /* Before any thread exists, so every thread inherits the mask and only sigwait()
     * below ever sees these signals. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    json_object_seed(0);
    cfg_log(&cfg);

    rc = model_new(cfg.db_path, cfg.models_dir, &m, err, sizeof(err));
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: cannot open the dictionary %s: %s\n", cfg.db_path,
                err);
        goto out;
    }
    rc = api_new(&cfg, m, &a);
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: %s\n", nt_strerror(rc));
        goto out;
    }
    api_hooks(a, &hooks);
    /* Serve before the first snapshot is built: /healthz answers at once and /readyz
     * says 503 until the snapshot is published. */
    rc = http_start(&cfg, &hooks, &srv, err, sizeof(err));
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: %s\n", err);
        goto out;
    }
    log_msg(LOG_INFO, "main", "newstagd %s listening on %s port %u threads=%u",
            NT_VERSION, cfg.listen_addr, http_port(srv), cfg.threads);
    if (cfg.port_file[0]) {
        rc = write_port_file(cfg.port_file, http_port(srv), err, sizeof(err));
        if (rc != NT_OK) {
            fprintf(stderr, "newstagd: %s\n", err);
            goto out;
        }
        port_file = true;
    }
    rc = model_reload(m, err, sizeof(err));
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: cannot build the first snapshot: %s\n", err);
        goto out;
    }
    log_msg(LOG_INFO, "main", "ready");
    /* After dictionary writes (served at once as overlays), fold them into a full
     * snapshot once writes pause for a second, at most 10 s after the first one. */
    rc = model_start_rebuilder(m, 1000, 10000);
    if (rc != NT_OK) {
        fprintf(stderr, "newstagd: cannot start the rebuild thread: %s\n", nt_strerror(rc));
        goto out;
    }
    serve(&sigs, m);
    status = 0;
out:
    http_stop(srv, cfg.conn_timeout_s * 1000);
    api_free(a);
    model_free(m);
    if (port_file)
        unlink(cfg.port_file);
    if (status == 0)
        log_msg(LOG_INFO, "main", "stopped");
    return status;
}
