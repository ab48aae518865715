#!/usr/bin/env bash
# run-all.sh - every test of `make test`: unit binaries, golden cases, fuzz-corpus replay,
# integration tests against a real daemon. Each suite prints its own lines; this script
# sums them and ends with 'N passed, N failed' (exit 1 if anything failed).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
pass=0; fail=0
count() { # count PASS/FAIL lines of a suite's output ($1 = file)
  local p f
  p=$(grep -c '^PASS' "$1"); f=$(grep -c '^FAIL' "$1")
  pass=$((pass + p)); fail=$((fail + f))
}
out=$(mktemp); trap 'rm -f "$out"' EXIT

echo "== unit"
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  "$t" >"$out" 2>&1; rc=$?
  count "$out"
  grep -E '^(FAIL|test_)' "$out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out"; then echo "FAIL $(basename "$t") exited $rc"; tail -5 "$out"; fail=$((fail+1)); fi
done

echo "== golden"
BUILD=$BUILD bash tests/golden/run.sh >"$out" 2>&1; count "$out"; grep -E '^(FAIL|golden)' "$out"

echo "== command line"
BUILD=$BUILD bash tests/cli/run.sh >"$out" 2>&1; count "$out"; grep -E '^(FAIL|cli)' "$out"

echo "== fuzz corpus replay"
for f in "$BUILD"/fuzz-replay/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f"); dir=tests/fuzz/corpus/$name
  files=$(ls "$dir"/* 2>/dev/null | wc -l)
  if "$f" "$dir"/* >"$out" 2>&1; then echo "PASS $name replayed $files inputs"; pass=$((pass+1));
  else echo "FAIL $name"; tail -20 "$out"; fail=$((fail+1)); fi
done

echo "== integration"
if [ -f tests/integration/run.sh ]; then
  BUILD=$BUILD bash tests/integration/run.sh >"$out" 2>&1; rc=$?
  count "$out"; grep -E '^(FAIL|integration)' "$out"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$out"; then echo "FAIL integration exited $rc"; tail -20 "$out"; fail=$((fail+1)); fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
