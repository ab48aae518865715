#!/usr/bin/env bash
# tests/load/wrk_soak.sh [SECONDS [CONNECTIONS]] - the saturation soak of docs/BENCHMARKS.md:
# starts $BUILD/newstagd (default build/) on 127.0.0.1 with the dictionary $NEWSTAG_DB
# (default data/newstag.mdb; `make db` builds it) and --threads 2, runs wrk -t2 for
# SECONDS (default 60) with CONNECTIONS (default 64) keep-alive connections POSTing a
# ~3 KB article ($ARTICLE, default ../shared/eval/seed/article.txt, else
# examples/article.txt) to /v1/tag, samples the daemon's VmRSS every 5 s, then prints
# wrk's report, the RSS samples, the /metrics totals and one summary line. Not part of
# `make test` (timing depends on the machine). Exits 1 on any wrk error or non-2xx.
set -u
cd "$(dirname "$0")/../.."
SECS=${1:-60}
CONN=${2:-64}
BUILD=${BUILD:-build}
DB=${NEWSTAG_DB:-data/newstag.mdb}
ARTICLE=${ARTICLE:-../shared/eval/seed/article.txt}
[ -f "$ARTICLE" ] || ARTICLE=examples/article.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newstag-soak.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)"; exit 2; }
"$BUILD/newstagd" --listen 127.0.0.1 --port 0 --port-file "$TMP/port" --db "$DB" \
    --models models --threads 2 --conn-limit 1024 2>"$TMP/log" &
PID=$!
for _ in $(seq 1 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
U="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$U/readyz")" = 200 ] && break
    sleep 0.05
done
ents=$(curl -s "$U/readyz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dictionary"]["entities"])')
echo "article: $ARTICLE ($(wc -c <"$ARTICLE") bytes); dictionary: $DB ($ents entities)"
# warm up (page in the dictionary), then measure
NEWSTAG_BENCH_ARTICLE=$ARTICLE wrk -t2 -c"$CONN" -d3s -s bench/post.lua "$U/v1/tag" >/dev/null
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
echo "rss_kb_before $(rss)"
(
    for k in $(seq 5 5 "$SECS"); do sleep 5; echo "rss_kb t+${k}s $(rss)"; done
) >"$TMP/rss" &
SAMPLER=$!
NEWSTAG_BENCH_ARTICLE=$ARTICLE wrk -t2 -c"$CONN" -d"${SECS}s" --latency --timeout 5s \
    -s bench/post.lua "$U/v1/tag" | tee "$TMP/wrk"
wait $SAMPLER
cat "$TMP/rss"
echo "rss_kb_after $(rss)"
curl -s "$U/metrics" | grep -E '^newstag_(http_requests_total|documents_tagged_total|bytes_tagged_total|entities_found_total|events_found_total)'
rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk")
p50=$(awk '$1=="50%" {print $2}' "$TMP/wrk")
p99=$(awk '$1=="99%" {print $2}' "$TMP/wrk")
errs=$(grep -E 'Socket errors|Non-2xx' "$TMP/wrk" | tr '\n' ' ')
min=$(awk '{print $NF}' "$TMP/rss" | sort -n | head -1)
max=$(awk '{print $NF}' "$TMP/rss" | sort -n | tail -1)
echo "summary: ${SECS}s c=$CONN req/s=$rps p50=$p50 p99=$p99 rss_kb=${min}..${max} errors=${errs:-none}"
kill -TERM "$PID"
wait "$PID"
echo "daemon exit status after SIGTERM: $?"
PID=
[ -z "$errs" ]
