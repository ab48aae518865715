# tests/integration/lib.sh - helpers shared by run.sh and entities.sh (sourced, not run):
# PASS/FAIL counting, starting daemons on port 0 and waiting for /readyz, curl requests
# with a timeout, and killing every daemon on exit. The caller sets ROOT, DAEMON, TMP,
# PASSED, FAILED and PIDS first; VALGRIND=1 wraps daemons in valgrind and stretches
# time bounds (TSCALE); REQ_TIMEOUT (seconds) bounds each request.
VALGRIND=${VALGRIND:-0}
TSCALE=1 # time bounds are multiplied by this
WRAP=()
if [ "$VALGRIND" = 1 ]; then
    TSCALE=20
    WRAP=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1 --num-callers=30)
fi
REQ_TIMEOUT=${REQ_TIMEOUT:-$((20 * TSCALE))}

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1 ($2)"; }

# start NAME ARGS... : starts a daemon (environment as given by the caller), waits for
# its port file and /readyz; sets PORT_<NAME>, PID_<NAME>. A name may be started again
# (the log is appended to). Returns 1 (with the log tail) if it does not come up.
start() {
    local name=$1 i port="" pid
    shift
    rm -f "$TMP/$name.port"
    "${WRAP[@]}" "$DAEMON" --listen 127.0.0.1 --port 0 --port-file "$TMP/$name.port" \
        --models "$ROOT/models" "$@" 2>>"$TMP/$name.log" &
    pid=$!
    PIDS+=("$pid")
    for i in $(seq 1 $((400 * TSCALE))); do
        [ -s "$TMP/$name.port" ] && port=$(cat "$TMP/$name.port") && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$port" ]; then
        echo "daemon $name did not start; log:" >&2
        tail -5 "$TMP/$name.log" >&2
        return 1
    fi
    for i in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz")" = 200 ] && break
        sleep 0.05
    done
    printf -v "PORT_$name" '%s' "$port"
    printf -v "PID_$name" '%s' "$pid"
}

# req OUT CURL-ARGS... : runs curl with a timeout; body in $TMP/OUT, headers in
# $TMP/OUT.h; prints the status code (000 when the request failed).
req() {
    local out=$1
    shift
    curl -sS --max-time "$REQ_TIMEOUT" -o "$TMP/$out" -D "$TMP/$out.h" -w '%{http_code}' "$@" 2>"$TMP/$out.err"
}
