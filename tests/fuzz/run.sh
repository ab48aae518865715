#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build every tests/fuzz/fuzz_*.c with clang libFuzzer +
# ASan + UBSan into build/fuzz/ and run each for SECONDS (default 60) on a scratch copy
# of its seed corpus (tests/fuzz/corpus/<name>/ is never modified). Crash inputs are
# written to build/fuzz/crashes/<name>/; add them to the corpus once fixed.
# Exits non-zero if any target crashed or failed to build.
set -u
cd "$(dirname "$0")/../.."
SECS=${1:-60}
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
PKGS="libmicrohttpd jansson libutf8proc gumbo"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc -fno-omit-frame-pointer \
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -llmdb -lpthread -lm"

command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (apt-get install clang)"; exit 2; }
mkdir -p "$OUT"
status=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    echo "== $name: build"
    if ! $CC $CFLAGS -o "$OUT/$name" "$src" src/*.c $LIBS; then
        echo "== $name: BUILD FAILED"; status=1; continue
    fi
    work="$OUT/corpus/$name"; crashes="$OUT/crashes/$name"
    mkdir -p "$work" "$crashes"
    [ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
    log="$OUT/$name.log"
    "$OUT/$name" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" >"$log" 2>&1
    rc=$?
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "== $name: exit $rc, executions ${execs:-?}, corpus $(ls "$work" | wc -l)"
    if [ $rc -ne 0 ]; then
        status=1
        grep -E 'ERROR|runtime error|Test unit written|SUMMARY' "$log" | head -8
    fi
done
[ $status -eq 0 ] && echo "fuzz: no crashes" || echo "fuzz: FAILURES (see $OUT/*.log, $OUT/crashes/)"
exit $status
