#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS [TARGET...]] - build every tests/fuzz/fuzz_*.c (or only the
# named targets, e.g. fuzz_html) with clang libFuzzer + ASan + UBSan into build/fuzz/ and
# run each for SECONDS (default 60) on a scratch copy of its seed corpus
# (tests/fuzz/corpus/<name>/ is never modified). Crash inputs are written to
# build/fuzz/crashes/<name>/; add them to the corpus once fixed. Prints one summary line
# per target (executions, exec/s, corpus size, peak RSS) for docs/BENCHMARKS.md.
# Exits non-zero if any target crashed or failed to build.
set -u
cd "$(dirname "$0")/../.."
SECS=${1:-60}
shift $(($# > 0 ? 1 : 0))
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=($(ls tests/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//'))
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
PKGS="libmicrohttpd jansson libutf8proc gumbo"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc -fno-omit-frame-pointer \
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -llmdb -lpthread -lm"

command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (apt-get install clang)"; exit 2; }
mkdir -p "$OUT"
status=0
for name in "${TARGETS[@]}"; do
    src=tests/fuzz/$name.c
    [ -f "$src" ] || { echo "== $name: no such target ($src)"; status=1; continue; }
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
    speed=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    rss=$(grep -m1 'stat::peak_rss_mb' "$log" | awk '{print $2}')
    echo "== $name: exit $rc, seconds $SECS, executions ${execs:-?}, exec/s ${speed:-?}, corpus $(ls "$work" | wc -l), peak RSS ${rss:-?} MB"
    if [ $rc -ne 0 ]; then
        status=1
        grep -E 'ERROR|runtime error|Test unit written|SUMMARY' "$log" | head -8
    fi
done
[ $status -eq 0 ] && echo "fuzz: no crashes" || echo "fuzz: FAILURES (see $OUT/*.log, $OUT/crashes/)"
exit $status
