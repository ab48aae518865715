#!/usr/bin/env bash
# golden/run.sh - `newstag tag` (no HTTP, no LMDB) over tests/golden/cases/<case>/input.txt
# with the fixture gazetteers and the repo's models; the canonical JSON (sorted keys,
# took_ms removed) must equal expected.json. UPDATE=1 rewrites the expectations: review
# the diff before committing.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.."
pass=0; fail=0
canon() { python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("took_ms",None); print(json.dumps(d,indent=1,sort_keys=True,ensure_ascii=False))'; }
for dir in tests/golden/cases/*/; do
  name=$(basename "$dir")
  opts=(); [ -f "$dir/options" ] && read -r -a opts <"$dir/options"
  got=$("$BUILD"/newstag tag --models models "${opts[@]}" "$dir/input.txt" --tsv tests/golden/fixtures/*.tsv | canon)
  if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$got" >"$dir/expected.json"; echo "updated $name"; continue; fi
  if [ "$got" = "$(canon <"$dir/expected.json")" ]; then echo "PASS golden $name"; pass=$((pass+1));
  else echo "FAIL golden $name"; diff <(canon <"$dir/expected.json") <(printf '%s\n' "$got") | head -20; fail=$((fail+1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
