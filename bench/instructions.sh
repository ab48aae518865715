#!/usr/bin/env bash
# bench/instructions.sh - instructions the engine executes for one pass over the benchmark
# corpus (bench/corpus.sh), counted by valgrind's callgrind inside tagger_run: a figure that,
# unlike wall-clock MB/s on a shared VM, does not move from run to run. Prints the total,
# instructions per byte, and the inclusive count of each stage; once with events and once
# with entities only. Needs valgrind. Not a test.
#   BUILD (default build), NEWSTAG_DB (default data/newstag.mdb), EVAL_DIR as in corpus.sh.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DB=${NEWSTAG_DB:-data/newstag.mdb}
command -v valgrind >/dev/null || { echo "bench/instructions.sh: needs valgrind (apt-get install valgrind)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
src=$(bash bench/corpus.sh "$tmp/corpus.txt") || exit 1
bytes=$(stat -c %s "$tmp/corpus.txt")
${CC:-cc} -O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
  -o "$tmp/bench_engine" bench/bench_engine.c "$BUILD/libnewstag.a" \
  $(pkg-config --libs libmicrohttpd jansson libutf8proc gumbo) -llmdb -lpthread -lm || exit 1
echo "corpus: $src ($bytes bytes); one pass, instructions inside tagger_run"
for mode in events entities; do
  # SECONDS 0.01: one pass (a pass under valgrind takes far longer)
  if [ $mode = entities ]; then export BENCH_NO_EVENTS=1; fi
  valgrind --tool=callgrind --toggle-collect=tagger_run --callgrind-out-file="$tmp/cg.$mode" \
    "$tmp/bench_engine" "$DB" models "$tmp/corpus.txt" 0.01 >/dev/null 2>"$tmp/vg.$mode" || {
    cat "$tmp/vg.$mode"; exit 1; }
  total=$(awk '/refs:/ {gsub(",", "", $NF); print $NF}' "$tmp/vg.$mode")
  printf '\n%s: %s instructions, %s per byte\n' "$mode" "$total" "$(( total / bytes ))"
  callgrind_annotate --inclusive=yes "$tmp/cg.$mode" 2>/dev/null |
    grep -v '=>' | grep -E ':(tok_run|lookup_tokens|gaz_scan_ids|resolve_match|names_run|coref_run|group|events_run|ev__dates) ' |
    sed -E 's/^ *([0-9,]+) .*:([a-z_]+) .*/\2 \1/' | tr -d , | sort -u -k1,1 | sort -k2,2nr |
    awk '{ printf "  %-14s %10d  (%4.1f %%)\n", $1, $2, 100 * $2 / '"$total"' }'
done
