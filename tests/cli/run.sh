#!/usr/bin/env bash
# cli/run.sh - the newstag command line as a user drives it: check (file:line:col), import
# (a bad file changes nothing; re-import is a no-op), export round trip, tag and
# tag --ndjson (an error object on a bad line). Prints PASS/FAIL lines and a summary.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.."
NT=$BUILD/newstag
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { if [ "$1" = 0 ]; then echo "PASS $2"; pass=$((pass+1)); else echo "FAIL $2 ${3:-}"; fail=$((fail+1)); fi; }

# check: rule files and gazetteers with positions
printf 'event attack cameo=190\n  trigger verb: attack\n  pattern [actor: ORG ..3 TRIGGER\n' > "$T/bad.rules"
out=$("$NT" check "$T/bad.rules" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -Eq "bad\.rules:3:[0-9]+:"; ok $? check_rules_line_col "(rc=$rc: $out)"
"$NT" check models/*.rules >/dev/null 2>&1; ok $? check_models_ok
printf 'id\ttype\tsubtype\tname\taliases\tattributes\norg/x\tORG\t\tX Corp\tXC@upper\t\n' > "$T/bad.tsv"
out=$("$NT" check "$T/bad.tsv" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "bad.tsv:2:"; ok $? check_tsv_line "(rc=$rc: $out)"

# import: one transaction; a bad file changes nothing
"$NT" import --db "$T/db" tests/golden/fixtures/small.tsv 2>"$T/imp.log"; ok $? import_fixture "$(cat "$T/imp.log")"
v1=$("$NT" stats --db "$T/db" 2>/dev/null | awk '/^version/ {print $2}')
"$NT" import --db "$T/db" tests/golden/fixtures/small.tsv "$T/bad.tsv" 2>/dev/null; rc=$?
v2=$("$NT" stats --db "$T/db" 2>/dev/null | awk '/^version/ {print $2}')
[ $rc = 1 ] && [ "$v1" = "$v2" ]; ok $? import_bad_file_changes_nothing "(rc=$rc v $v1 -> $v2)"
"$NT" import --db "$T/db" tests/golden/fixtures/small.tsv 2>/dev/null
v3=$("$NT" stats --db "$T/db" 2>/dev/null | awk '/^version/ {print $2}')
[ "$v1" = "$v3" ]; ok $? reimport_same_is_noop "(v $v1 -> $v3)"

# export round trip: export → import into a new db → same export
"$NT" export --db "$T/db" > "$T/exp.tsv" && "$NT" import --db "$T/db2" "$T/exp.tsv" 2>/dev/null &&
  "$NT" export --db "$T/db2" > "$T/exp2.tsv" && cmp -s "$T/exp.tsv" "$T/exp2.tsv"; ok $? export_round_trip
n=$("$NT" export --db "$T/db" --ndjson --type LOC | wc -l); [ "$n" -ge 5 ]; ok $? export_ndjson_type "($n lines)"

# tag: files and NDJSON with an error line in the middle
echo 'Fighting in Homs, Syria.' > "$T/a.txt"
"$NT" tag --db "$T/db" "$T/a.txt" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "loc/test-homs" in [e["id"] for e in d["entities"]]'
ok $? tag_file
printf '{"id":"a","text":"Homs"}\n{"id":"b","text":7}\n{"id":"c","text":"Mosul"}\n' |
  "$NT" tag --db "$T/db" --ndjson | python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin]
assert [r.get("id") for r in rows]==["a","b","c"], rows
assert "error" in rows[1] and rows[1]["error"]["code"]=="wrong_type", rows[1]
assert rows[2]["entities"][0]["id"]=="loc/test-mosul"'
ok $? tag_ndjson_error_line
printf '<p>Caf&eacute; in <b>Homs</b></p>' > "$T/a.html"
"$NT" tag --db "$T/db" --html "$T/a.html" | python3 -c '
import json,sys
d=json.load(sys.stdin); src=open(sys.argv[1]).read()
m=d["entities"][0]["mentions"][0]
assert src[m["start"]:m["end"]]=="Homs", m' "$T/a.html"
ok $? tag_html_offsets_into_source
"$NT" --help >/dev/null; ok $? help
"$NT" frobnicate >/dev/null 2>&1; [ $? = 2 ]; ok $? unknown_command_exit_2

echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
