#!/usr/bin/env bash
# bench/run.sh - `make bench`: newstag's engine and daemon measured beside the JS peers in
# one run, printed as a table. Not a test: nothing here passes or fails on a number.
# Engine throughput is that of the median pass over the corpus (a pass is ~20 ms, so a run
# has hundreds; the median is robust to bursts of other load), with the range of passes.
#   EVAL_DIR (default ../shared/eval): if present, the corpus is its CoNLL-2003 dev texts
#   plus the seed article (Reuters and UK news); otherwise examples/*.txt.
#   BENCH_SECONDS (default 5), NEWSTAG_DB (default data/newstag.mdb).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DB=${NEWSTAG_DB:-data/newstag.mdb}
EVAL_DIR=${EVAL_DIR:-../shared/eval}
SECS=${BENCH_SECONDS:-5}
tmp=$(mktemp -d); pid=; trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
corpus=$tmp/corpus.txt
src=$(bash bench/corpus.sh "$corpus") || exit 1
if [ -f "$EVAL_DIR/conll2003-dev.jsonl" ]; then article=$EVAL_DIR/seed/article.txt; else article=examples/article.txt; fi
${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc $(pkg-config --cflags jansson) \
  -o "$tmp/bench_engine" bench/bench_engine.c "$BUILD/libnewstag.a" \
  $(pkg-config --libs libmicrohttpd jansson libutf8proc gumbo) -llmdb -lpthread -lm || exit 1
declare -A E
while read -r k v; do E[$k]=$v; done < <(taskset -c 0 "$tmp/bench_engine" "$DB" models "$corpus" "$SECS")
declare -A N
while read -r k v; do N[$k]=$v; done < <(BENCH_NO_EVENTS=1 taskset -c 0 "$tmp/bench_engine" "$DB" models "$corpus" "$SECS")

# daemon: start to ready, peak RSS, HTTP load
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t0=$(date +%s%N)
"$BUILD"/newstagd --listen 127.0.0.1 --port "$port" --db "$DB" --models models --log-level warn 2>"$tmp/d.log" & pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.005; kill -0 $pid 2>/dev/null || break; done
ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rps=-; p99=-; errs=-
if command -v wrk >/dev/null; then
  NEWSTAG_BENCH_ARTICLE=$article wrk -t2 -c32 -d"${SECS}s" --latency -s bench/post.lua "http://127.0.0.1:$port/v1/tag" > "$tmp/wrk.txt" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.txt")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' "$tmp/wrk.txt" | tr '\n' ' '); errs=${errs:-0}
fi
rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$pid/status)
kill -TERM $pid; wait $pid 2>/dev/null; pid=

# peers
peers=""
if command -v node >/dev/null && { [ -d bench/node_modules/wink-nlp ] || (cd bench && timeout 180 npm install --no-audit --no-fund >/dev/null 2>&1); }; then
  peers=$(cd bench && timeout 120 node peers.js "$corpus" "$SECS" 2>/dev/null)
fi
dbsize=$(du -sm "$DB" | cut -f1)

printf '\nnewstag bench — corpus: %s (%s docs, %s bytes); %s s per measurement; %s\n\n' "$src" "${E[corpus_docs]}" "${E[corpus_bytes]}" "$SECS" "$(nproc) cores"
printf '| %-34s | %-14s | %-12s |\n' "measure" "newstag" "peers"
printf '|%s|%s|%s|\n' "------------------------------------" "----------------" "--------------"
printf '| %-34s | %-14s | %-12s |\n' "engine throughput, 1 core (MB/s)" "${E[mb_per_s]} median" ""
printf '| %-34s | %-14s | %-12s |\n' "  range over ${E[passes]} passes (MB/s)" "${E[mb_per_s_range]}" ""
printf '| %-34s | %-14s | %-12s |\n' "  entities only, no events (MB/s)" "${N[mb_per_s]}" ""
while read -r name mbs dps ents; do [ -n "$name" ] && printf '| %-34s | %-14s | %-12s |\n' "  $name (MB/s)" "" "$mbs"; done <<<"$peers"
printf '| %-34s | %-14s | %-12s |\n' "engine docs/s, 1 core" "${E[docs_per_s]}" ""
while read -r name mbs dps ents; do [ -n "$name" ] && printf '| %-34s | %-14s | %-12s |\n' "  $name (docs/s)" "" "$dps"; done <<<"$peers"
printf '| %-34s | %-14s | %-12s |\n' "snapshot load (ms, cached: ${E[from_cache]})" "${E[load_ms]}" ""
printf '| %-34s | %-14s | %-12s |\n' "daemon start to ready (ms)" "$ready_ms" ""
printf '| %-34s | %-14s | %-12s |\n' "daemon peak RSS (MiB)" "$rss" ""
printf '| %-34s | %-14s | %-12s |\n' "HTTP req/s (wrk, 2 threads, 32 conn)" "$rps" ""
printf '| %-34s | %-14s | %-12s |\n' "HTTP p99 latency" "$p99" ""
printf '| %-34s | %-14s | %-12s |\n' "HTTP errors" "$errs" ""
printf '| %-34s | %-14s | %-12s |\n' "dictionary entries / aliases" "${E[entities]} / ${E[aliases]}" ""
printf '| %-34s | %-14s | %-12s |\n' "dictionary on disk (MiB)" "$dbsize" ""
