#!/usr/bin/env bash
# tests/integration/run.sh - black-box tests of the HTTP daemon: starts $BUILD/newstagd
# (BUILD defaults to build; build/san under `make test`) on 127.0.0.1 port 0 with a
# fixture dictionary imported by $BUILD/newstag, runs curl/python cases, prints
# `PASS name` / `FAIL name (details)` per case and `integration: N passed, N failed`;
# exits 1 if any failed. Needs bash, curl and python3 (stdlib) only. Daemons are always
# killed on exit (trap). After every case the daemon must still answer /healthz.
# VALGRIND=1 runs every daemon under `valgrind --leak-check=full --error-exitcode=1`
# (use a build without SAN=1): a leak or memory error makes its exit status non-zero, so
# the sigterm_exit_* cases fail and the report is printed; time bounds are stretched.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
DAEMON=$BUILD/newstagd
CLI=$BUILD/newstag
HERE=$ROOT/tests/integration
RAW="python3 $HERE/rawhttp.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newstag-it.XXXXXX")
PASSED=0
FAILED=0
PIDS=()
. "$HERE/lib.sh"

# jcheck FILE EXPR : python3 evaluates EXPR with d = the JSON in FILE (plus s = the raw
# text and env = the environment); prints what it saw on failure.
jcheck() {
    python3 - "$1" "$2" <<'EOF'
import json, os, sys
env = os.environ
raw = open(sys.argv[1], encoding="utf-8", errors="replace").read()
try:
    d = json.loads(raw)
except ValueError as e:
    print(f"not JSON: {e}: {raw[:200]!r}"); sys.exit(1)
s = raw
try:
    ok = eval(sys.argv[2])
except Exception as e:
    ok = False
    print(f"{type(e).__name__}: {e}: {raw[:300]}")
    sys.exit(1)
if not ok:
    print(raw[:300].strip())
sys.exit(0 if ok else 1)
EOF
}

# alive PORT : /healthz answers 200 and the daemon still tags (a one-word POST /v1/tag
# answers 200 with JSON), so every case also shows the daemon survived it
alive() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time $((5 * TSCALE)) "http://127.0.0.1:$1/healthz")" = 200 ] &&
        curl -s --max-time $((5 * TSCALE)) -H 'Content-Type: text/plain' --data-binary 'Homs' \
            "http://127.0.0.1:$1/v1/tag" | grep -q '"entities":'
}

# expect NAME STATUS GOT OUT [EXPR] : the status matches, the body is JSON with the
# uniform content type, EXPR holds, and the daemon on $P is still alive afterwards.
expect() {
    local name=$1 want=$2 got=$3 out=$4 expr=${5:-True} why
    if [ "$got" != "$want" ]; then
        fail "$name" "status $got, want $want: $(head -c 300 "$TMP/$out" 2>/dev/null) $(cat "$TMP/$out.err" 2>/dev/null)"
    elif ! grep -qi '^content-type: application/json; charset=utf-8' "$TMP/$out.h"; then
        fail "$name" "content type: $(grep -i '^content-type' "$TMP/$out.h")"
    elif ! why=$(jcheck "$TMP/$out" "$expr"); then
        fail "$name" "$why"
    elif ! alive "$P"; then
        fail "$name" "daemon no longer answers /healthz"
    else
        pass "$name"
    fi
}

# ---- setup -----------------------------------------------------------------------
# setup_failed WHY : one FAIL line (tests/run-all.sh counts those) and the summary.
setup_failed() {
    fail setup "$1"
    echo "integration: $PASSED passed, $FAILED failed"
    exit 1
}
for tool in curl python3; do
    command -v $tool >/dev/null || setup_failed "$tool is missing"
done
[ -x "$DAEMON" ] && [ -x "$CLI" ] || setup_failed "build $DAEMON and $CLI first (make)"
"$CLI" import --db "$TMP/db" "$HERE"/fixtures/*.tsv >"$TMP/import.log" 2>&1 ||
    setup_failed "fixture import failed: $(cat "$TMP/import.log")"
start main --db "$TMP/db" --openapi "$ROOT/docs/openapi.yaml" --demo "$ROOT/docs/demo.html" \
    --cors-origins "https://cms.example" || setup_failed "the daemon did not start"
P=$PORT_main
U="http://127.0.0.1:$P"
TXT='-H Content-Type:text/plain;charset=utf-8'
JSN='-H Content-Type:application/json'

# ---- operations ------------------------------------------------------------------
st=$(req o "$U/healthz")
expect healthz 200 "$st" o 'd == {"status": "ok"}'

st=$(req o "$U/readyz")
expect readyz 200 "$st" o 'd["status"] == "ready" and d["dictionary"]["entities"] == 13'

st=$(req o "$U/v1/info")
expect info 200 "$st" o 'd["name"] == "newstag" and d["version"] and d["dictionary"]["entities"] == 13 and d["dictionary"]["by_type"]["LOC"] == 6 and d["dictionary"]["version"] >= 1 and d["reloads"]["loads"] == 1 and d["limits"]["max_body"] == 2097152 and d["server"]["threads"] >= 1'

st=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -I "$U/healthz")
[ "$st" = 200 ] && pass head_healthz || fail head_healthz "status $st"

if [ -f "$ROOT/docs/openapi.yaml" ]; then
    st=$(req o "$U/openapi.yaml")
    if [ "$st" = 200 ] && grep -q '^openapi: 3' "$TMP/o" && grep -qi '^content-type: application/yaml' "$TMP/o.h"; then
        pass openapi_yaml
    else
        fail openapi_yaml "status $st"
    fi
fi

st=$(req o "$U/")
if [ "$st" = 200 ] && grep -qi '^content-type: text/html' "$TMP/o.h" && grep -q 'fetch("/v1/tag' "$TMP/o" &&
    ! grep -Eq '(src|href)="https?://' "$TMP/o"; then
    pass demo_page_self_contained
else
    fail demo_page_self_contained "status $st"
fi

# ---- tagging ---------------------------------------------------------------------
export SENT='The Ministry of Defence said four Tornado GR4s struck targets near Homs in Syria.'
st=$(req o $TXT --data-binary "$SENT" "$U/v1/tag")
expect tag_plain 200 "$st" o '[(m["text"], m["start"], m["end"], m["source"]) for e in d["entities"] if e["id"] == "org/ministry-of-defence-uk" for m in e["mentions"]] == [("Ministry of Defence", 4, 23, "gazetteer")] and {e["id"] for e in d["entities"]} >= {"loc/homs", "loc/syria", "weapon/tornado-gr4"} and d["offsets"] == "char" and isinstance(d["took_ms"], (int, float)) and d["dictionary"]["entities"] == 13 and d["sentences"] and all(m["text"] == env["SENT"][m["start"]:m["end"]] for e in d["entities"] for m in e["mentions"])'

st=$(req o $TXT --data-binary "$SENT" "$U/v1/tag?types=LOC&id=q-1&offsets=byte&events=false")
expect tag_query_options 200 "$st" o 'd["id"] == "q-1" and d["offsets"] == "byte" and d["entities"] and all(e["type"] == "LOC" for e in d["entities"])'

st=$(req o --data-binary "$SENT" -H 'Content-Type:' "$U/v1/tag")
expect tag_no_content_type 200 "$st" o 'len(d["entities"]) >= 3'

# One text with emoji (astral: 2 UTF-16 units, 4 bytes) and accents (2 bytes) before
# and between the entities; for each unit, every mention's text must equal its slice.
UNI='😀 Şanlıurfa, 👍🏽 São Paulo and Zürich — “Homs” in Syria 🇸🇾.'
for unit in char utf16 byte; do
    python3 -c 'import json,sys; print(json.dumps({"id": "doc-"+sys.argv[2], "text": sys.argv[1], "options": {"offsets": sys.argv[2]}}))' "$UNI" "$unit" >"$TMP/uni.json"
    st=$(req o $JSN --data-binary @"$TMP/uni.json" "$U/v1/tag")
    expect "tag_json_offsets_$unit" 200 "$st" o '
(lambda T, u: d["id"] == "doc-" + u and d["offsets"] == u
 and {e["id"] for e in d["entities"]} >= {"loc/sanliurfa", "loc/sao-paulo", "loc/zurich", "loc/homs", "loc/syria"}
 and all(m["text"] == (T[m["start"]:m["end"]] if u == "char" else
                       T.encode("utf-16-le")[2*m["start"]:2*m["end"]].decode("utf-16-le") if u == "utf16" else
                       T.encode()[m["start"]:m["end"]].decode())
         for e in d["entities"] for m in e["mentions"])
 and all((T[x["start"]:x["end"]] if u == "char" else T.encode("utf-16-le")[2*x["start"]:2*x["end"]].decode("utf-16-le") if u == "utf16" else T.encode()[x["start"]:x["end"]].decode()).strip() for x in d["sentences"])
)(json.load(open("'"$TMP/uni.json"'", encoding="utf-8"))["text"], "'"$unit"'")'
done

# HTML: offsets point into the HTML source, in every unit; script text is not tagged;
# character references are decoded for matching.
export HTML='<html><head><title>x</title><script>var s = "Homs";</script></head><body>
<h1>Strikes on Homs</h1><p>The <b>RAF</b> and the <a href="/uk">Ministry&nbsp;of Defence</a>
said 😀 Tornado GR4s hit S&#228;o Paulo&hellip; no: Z&uuml;rich &amp; Syria.</p></body></html>'
for unit in char utf16 byte; do
    st=$(req o -H 'Content-Type: text/html; charset=utf-8' --data-binary "$HTML" "$U/v1/tag?offsets=$unit")
    expect "tag_html_offsets_$unit" 200 "$st" o '
(lambda T, u: d["offsets"] == u
 and {e["id"] for e in d["entities"]} >= {"loc/homs", "org/royal-air-force", "weapon/tornado-gr4", "loc/syria"}
 and len([m for e in d["entities"] if e["id"] == "loc/homs" for m in e["mentions"]]) == 1
 and all(m["text"] == (T[m["start"]:m["end"]] if u == "char" else
                       T.encode("utf-16-le")[2*m["start"]:2*m["end"]].decode("utf-16-le") if u == "utf16" else
                       T.encode()[m["start"]:m["end"]].decode())
         for e in d["entities"] for m in e["mentions"])
)(env["HTML"], "'"$unit"'")'
done

python3 -c 'import json,os; print(json.dumps({"id": "h1", "html": os.environ["HTML"]}))' >"$TMP/html.json"
st=$(req o $JSN --data-binary @"$TMP/html.json" "$U/v1/tag")
expect tag_json_html 200 "$st" o 'd["id"] == "h1" and all(m["text"] == env["HTML"][m["start"]:m["end"]] for e in d["entities"] for m in e["mentions"]) and "loc/homs" in {e["id"] for e in d["entities"]}'

printf '<p>Homs \xc3\x28</p>' >"$TMP/bad.html"
st=$(req o -H 'Content-Type: text/html' --data-binary @"$TMP/bad.html" "$U/v1/tag")
expect invalid_utf8_html 400 "$st" o 'd["error"]["code"] == "invalid_utf8" and d["error"]["offset"] == 8'

st=$(req o $TXT --data-binary 'The IS fighters said it is over; ISIS is the same as Daesh.' "$U/v1/tag")
expect tag_exact_case 200 "$st" o 'sorted(m["text"] for e in d["entities"] if e["id"] == "org/islamic-state" for m in e["mentions"]) == ["Daesh", "IS", "ISIS"]'

st=$(req o -X POST $TXT "$U/v1/tag")
expect empty_body 200 "$st" o 'd["entities"] == [] and d["events"] == []'

st=$(req o -X POST $JSN "$U/v1/tag")
expect empty_json_body 200 "$st" o 'd["entities"] == [] and d["events"] == []'

st=$(req o $JSN --data-binary '{"text": ""}' "$U/v1/tag")
expect empty_text 200 "$st" o 'd["entities"] == [] and d["events"] == [] and d["sentences"] == []'

printf 'Homs\0Syria\0\0 and the RAF\0' >"$TMP/nul.txt"
st=$(req o $TXT --data-binary @"$TMP/nul.txt" "$U/v1/tag")
expect nul_bytes 200 "$st" o '"loc/homs" in {e["id"] for e in d["entities"]}'

# ---- bad input -------------------------------------------------------------------
printf 'ab\xffcd' >"$TMP/bad.txt"
st=$(req o $TXT --data-binary @"$TMP/bad.txt" "$U/v1/tag")
expect invalid_utf8 400 "$st" o 'd["error"]["code"] == "invalid_utf8" and d["error"]["offset"] == 2 and d["error"]["message"]'

printf 'Syria \xed\xa0\x80 surrogate' >"$TMP/bad2.txt"
st=$(req o $TXT --data-binary @"$TMP/bad2.txt" "$U/v1/tag")
expect invalid_utf8_surrogate 400 "$st" o 'd["error"]["code"] == "invalid_utf8" and d["error"]["offset"] == 6'

printf '{\n  "text": "Homs",\n  "id": 12,,\n}' >"$TMP/bad.json"
st=$(req o $JSN --data-binary @"$TMP/bad.json" "$U/v1/tag")
expect malformed_json 400 "$st" o 'd["error"]["code"] and d["error"]["line"] == 3 and d["error"]["column"] >= 1 and d["error"]["message"]'

st=$(req o $JSN --data-binary '{"text": 1}' "$U/v1/tag")
expect wrong_shape_text 422 "$st" o 'd["error"]["code"] and "text" in d["error"]["message"]'

st=$(req o $JSN --data-binary '["Homs"]' "$U/v1/tag")
expect wrong_shape_array 422 "$st" o 'd["error"]["code"]'

st=$(req o $JSN --data-binary '{"id": "x"}' "$U/v1/tag")
expect wrong_shape_no_text 422 "$st" o 'd["error"]["code"]'

st=$(req o $JSN --data-binary '{"text": "a", "html": "<p>a</p>"}' "$U/v1/tag")
expect wrong_shape_text_and_html 422 "$st" o 'd["error"]["code"]'

st=$(req o $JSN --data-binary '{"text": "Homs", "options": {"offsets": "utf8"}}' "$U/v1/tag")
expect bad_option_value 422 "$st" o 'd["error"]["code"]'

st=$(req o $JSN --data-binary '{"text": "Homs", "options": {"colour": "red"}}' "$U/v1/tag")
expect unknown_option_json 422 "$st" o 'd["error"]["code"] == "unknown_option"'

st=$(req o $TXT --data-binary 'Homs' "$U/v1/tag?colour=red")
expect unknown_option_query 422 "$st" o 'd["error"]["code"] == "unknown_option"'

st=$(req o $TXT --data-binary 'Homs' "$U/v1/tag?id=%FF")
expect invalid_utf8_query 400 "$st" o 'd["error"]["code"] == "invalid_utf8"'

st=$(req o "$U/v1/%FF%00")
expect not_found_binary_path 404 "$st" o 'd["error"]["code"] == "not_found"'


st=$(req o -H 'Content-Type: application/xml' --data-binary '<a/>' "$U/v1/tag")
expect unsupported_media_type 415 "$st" o 'd["error"]["code"] == "unsupported_media_type"'

st=$(req o --data 'text=Homs' "$U/v1/tag")
expect form_urlencoded 415 "$st" o 'd["error"]["code"] == "unsupported_media_type"'

st=$(req o -H 'Content-Type: text/plain; charset=ISO-8859-1' --data-binary 'Homs' "$U/v1/tag")
expect unsupported_charset 415 "$st" o 'd["error"]["code"] == "unsupported_charset"'

st=$(req o -H 'Content-Type: Text/Plain; Charset="UTF-8"' --data-binary 'Homs' "$U/v1/tag")
expect content_type_case 200 "$st" o 'd["entities"][0]["id"] == "loc/homs"'

python3 -c 'print("{\"text\": " + "[" * 100000 + "]" * 100000 + "}")' >"$TMP/deep.json"
st=$(req o $JSN --data-binary @"$TMP/deep.json" "$U/v1/tag")
expect deeply_nested_json 400 "$st" o 'd["error"]["code"] == "invalid_json" and "depth" in d["error"]["message"] and d["error"]["line"] == 1'

python3 -c 'print("{\"text\": \"Homs\", \"options\": " + "{\"a\": " * 5000 + "1" + "}" * 5000 + "}")' >"$TMP/deep2.json"
st=$(req o $JSN --data-binary @"$TMP/deep2.json" "$U/v1/tag")
expect deeply_nested_json_objects 400 "$st" o 'd["error"]["code"] == "invalid_json"'

# JSON "\u0000": a NUL character like any other (a separator); offsets count it.
printf '{"text": "Homs\\u0000Syria \\u0000 RAF"}' >"$TMP/nul.json"
st=$(req o $JSN --data-binary @"$TMP/nul.json" "$U/v1/tag")
expect nul_escape_json 200 "$st" o '[(m["text"], m["start"]) for e in d["entities"] for m in e["mentions"] if m["text"] == "Syria"] == [("Syria", 5)]'

# HTML drops NUL characters in text (WHATWG "in body"); offsets still slice the source.
printf '<p>Homs \0Syria</p>\0' >"$TMP/nul.html"
st=$(req o -H 'Content-Type: text/html' --data-binary @"$TMP/nul.html" "$U/v1/tag?offsets=byte")
expect nul_bytes_html 200 "$st" o '{e["id"] for e in d["entities"]} == {"loc/homs", "loc/syria"} and all(m["text"] == open("'"$TMP/nul.html"'", "rb").read()[m["start"]:m["end"]].decode() for e in d["entities"] for m in e["mentions"])'

# More than HTML_MAX_TAGS (100,000) tags: refused before parsing (the parser allocates
# ~500 bytes a tag outside the request arena), quickly.
python3 -c 'import sys; sys.stdout.write("<p>" * 100001)' >"$TMP/tags.html"
t0=$(date +%s%N)
st=$(req o -H 'Content-Type: text/html' --data-binary @"$TMP/tags.html" "$U/v1/tag")
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt $((2000 * TSCALE)) ] && expect html_too_many_tags 413 "$st" o 'd["error"]["code"] == "html_too_many_tags" and "100000" in d["error"]["message"]' || fail html_too_many_tags "took ${ms} ms"
python3 -c 'import sys; sys.stdout.write("<p>Homs</p>" * 20000)' >"$TMP/tags2.html"
st=$(req o -H 'Content-Type: text/html' --data-binary @"$TMP/tags2.html" "$U/v1/tag")
expect html_many_tags_ok 200 "$st" o 'len([m for e in d["entities"] for m in e["mentions"]]) == 20000'

st=$(req o "$U/v1/nothing-here")
expect not_found 404 "$st" o 'd["error"]["code"] == "not_found"'

st=$(req o -X PUT $TXT --data-binary 'x' "$U/v1/tag")
expect method_not_allowed 405 "$st" o 'd["error"]["code"] == "method_not_allowed"'
grep -qi '^allow:.*POST' "$TMP/o.h" && pass allow_header_post || fail allow_header_post "$(grep -i '^allow' "$TMP/o.h")"

st=$(req o -X POST --data-binary 'x' "$U/healthz")
expect method_not_allowed_get_route 405 "$st" o 'd["error"]["code"] == "method_not_allowed"'
grep -qi '^allow:.*GET' "$TMP/o.h" && pass allow_header_get || fail allow_header_get "$(grep -i '^allow' "$TMP/o.h")"

st=$(curl -sS --max-time 10 -o /dev/null -D "$TMP/opt.h" -w '%{http_code}' -X OPTIONS -H 'Origin: https://cms.example' -H 'Access-Control-Request-Method: POST' "$U/v1/tag")
if [ "$st" = 204 ] && grep -qi '^access-control-allow-origin: https://cms.example' "$TMP/opt.h" && grep -qi '^access-control-allow-methods:.*POST' "$TMP/opt.h"; then
    pass cors_preflight
else
    fail cors_preflight "status $st: $(tr '\r\n' '  ' <"$TMP/opt.h")"
fi
st=$(req o -H 'Origin: https://evil.example' $TXT --data-binary 'Homs' "$U/v1/tag")
if [ "$st" = 200 ] && ! grep -qi '^access-control-allow-origin' "$TMP/o.h"; then
    pass cors_other_origin
else
    fail cors_other_origin "status $st"
fi

# ---- size and pathological input (default limits: 2 MiB body, 1M tokens) -----------
python3 -c 'import sys; sys.stdout.write("Syria" + "x" * 1000000)' >"$TMP/word.txt"
t0=$(date +%s%N)
st=$(req o $TXT --data-binary @"$TMP/word.txt" "$U/v1/tag")
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt $((5000 * TSCALE)) ] && expect one_mb_word 200 "$st" o 'd["entities"] == [] and d["sentences"] == [{"start": 0, "end": 1000005}]' || fail one_mb_word "took ${ms} ms"

python3 -c 'import sys; sys.stdout.write("a\n" * 100000)' >"$TMP/lines.txt"
t0=$(date +%s%N)
st=$(req o $TXT --data-binary @"$TMP/lines.txt" "$U/v1/tag")
ms=$((($(date +%s%N) - t0) / 1000000))
[ $ms -lt $((5000 * TSCALE)) ] && expect hundred_k_lines 200 "$st" o 'd["entities"] == [] and len(d["sentences"]) >= 1' || fail hundred_k_lines "took ${ms} ms"

python3 -c 'import sys; sys.stdout.write("Homs, Syria. " * 80000)' >"$TMP/big.txt"
st=$(req o $TXT --data-binary @"$TMP/big.txt" "$U/v1/tag")
expect one_mb_article 200 "$st" o 'len(d["entities"]) == 2 and len(d["entities"][0]["mentions"]) == 80000'

# ---- concurrency -----------------------------------------------------------------
CURLS=()
for i in $(seq 1 50); do
    curl -s --max-time 20 -o /dev/null -w '%{http_code}\n' $TXT --data-binary "$SENT $i" "$U/v1/tag" >"$TMP/par.$i" &
    CURLS+=($!)
done
for pid in "${CURLS[@]}"; do wait "$pid"; done # not a bare `wait`: the daemons are children too
n200=$(cat "$TMP"/par.* | grep -c '^200$')
if [ "$n200" = 50 ] && alive "$P"; then pass concurrent_50; else fail concurrent_50 "$n200 of 50 answered 200"; fi

# ---- POST /v1/tag/batch ----------------------------------------------------------
NDJ='-H Content-Type:application/x-ndjson'
printf '%s\n' '{"id": "b1", "text": "Homs, Syria."}' '' '{"text": 1}' 'not json' \
    '{"id": "b5", "html": "<p>The <b>RAF</b> in Homs</p>"}' '{"text": "ab\udcffcd"}' \
    '{"id": "b7", "text": "Homs", "options": {"colour": "red"}}' >"$TMP/batch.ndjson"
printf '{"id": "b8", "text": "Zürich and Aleppo", "options": {"offsets": "utf16"}}\r\n{"id": "b9", "text": "RAF"}' >>"$TMP/batch.ndjson"
st=$(req o $NDJ --data-binary @"$TMP/batch.ndjson" "$U/v1/tag/batch")
if [ "$st" = 200 ] && grep -qi '^content-type: application/x-ndjson' "$TMP/o.h" &&
    why=$(python3 "$HERE/check_batch.py" "$TMP/o"); then
    pass batch_lines_in_order
else
    fail batch_lines_in_order "status $st: ${why:-} $(head -c 300 "$TMP/o")"
fi

python3 -c 'import json; print("\n".join(json.dumps({"id": str(i), "text": "Homs %d" % i}) for i in range(500)))' >"$TMP/batch500.ndjson"
st=$(req o $NDJ --data-binary @"$TMP/batch500.ndjson" "$U/v1/tag/batch")
if [ "$st" = 200 ] && python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(not (len(d) == 500 and [x["id"] for x in d] == [str(i) for i in range(500)] and all(x["entities"][0]["id"] == "loc/homs" for x in d)))' "$TMP/o"; then
    pass batch_500_streamed
else
    fail batch_500_streamed "status $st: $(head -c 200 "$TMP/o")"
fi

st=$(req o -X POST $NDJ "$U/v1/tag/batch")
[ "$st" = 200 ] && [ ! -s "$TMP/o" ] && pass batch_empty || fail batch_empty "status $st: $(head -c 200 "$TMP/o")"

st=$(req o $JSN --data-binary '{"text": "Homs"}' "$U/v1/tag/batch")
expect batch_wrong_media_type 415 "$st" o 'd["error"]["code"] == "unsupported_media_type"'

st=$(req o "$U/v1/tag/batch")
expect batch_get_405 405 "$st" o 'd["error"]["code"] == "method_not_allowed"'

# ---- reload on SIGHUP ------------------------------------------------------------
printf 'id\ttype\tsubtype\tname\taliases\tattributes\nloc/aleppo\tLOC\tcity\tAleppo\tHalab\tcountry=SY;population=2098000\n' >"$TMP/extra.tsv"
if "$CLI" import --db "$TMP/db" "$HERE"/fixtures/*.tsv "$TMP/extra.tsv" >"$TMP/import2.log" 2>&1; then
    kill -HUP "$PID_main"
    ok=0
    for i in $(seq 1 100); do
        req o "$U/v1/info" >/dev/null
        if jcheck "$TMP/o" 'd["reloads"]["loads"] == 2 and d["dictionary"]["entities"] == 14' >/dev/null; then ok=1; break; fi
        sleep 0.05
    done
    st=$(req o $TXT --data-binary 'Shelling in Aleppo, Syria.' "$U/v1/tag")
    if [ $ok = 1 ]; then
        expect sighup_reload 200 "$st" o '"loc/aleppo" in [e["id"] for e in d["entities"]] and d["dictionary"]["version"] >= 2'
    else
        fail sighup_reload "no reload seen: $(head -c 300 "$TMP/o")"
    fi
else
    fail sighup_reload "second import failed: $(cat "$TMP/import2.log")"
fi

# ---- GET /metrics (after the reload: two loads) --------------------------------------
st=$(req o "$U/metrics")
if [ "$st" = 200 ] && grep -qi '^content-type: text/plain; version=0.0.4' "$TMP/o.h" &&
    why=$(python3 "$HERE/check_metrics.py" "$TMP/o"); then
    pass metrics
else
    fail metrics "status $st: ${why:-}"
fi
st=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -I "$U/metrics")
[ "$st" = 200 ] && pass head_metrics || fail head_metrics "status $st"

# ---- CORS (main: one origin) -------------------------------------------------------
st=$(req o -H 'Origin: https://cms.example' $TXT --data-binary 'Homs' "$U/v1/tag")
grep -qi '^access-control-allow-origin: https://cms.example' "$TMP/o.h" && grep -qi '^vary: origin' "$TMP/o.h" &&
    [ "$st" = 200 ] && pass cors_allowed_origin || fail cors_allowed_origin "status $st: $(tr '\r\n' '  ' <"$TMP/o.h")"
printf 'ab\xffcd' >"$TMP/bad.txt"
st=$(req o -H 'Origin: https://cms.example' $TXT --data-binary @"$TMP/bad.txt" "$U/v1/tag")
grep -qi '^access-control-allow-origin: https://cms.example' "$TMP/o.h" && [ "$st" = 400 ] &&
    pass cors_on_errors || fail cors_on_errors "status $st: $(tr '\r\n' '  ' <"$TMP/o.h")"
st=$(curl -sS --max-time 10 -o /dev/null -D "$TMP/opt.h" -w '%{http_code}' -X OPTIONS -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST' "$U/v1/tag")
[ "$st" = 204 ] && ! grep -qi '^access-control-allow' "$TMP/opt.h" && pass cors_preflight_other_origin ||
    fail cors_preflight_other_origin "status $st: $(tr '\r\n' '  ' <"$TMP/opt.h")"
st=$(curl -sS --max-time 10 -o /dev/null -D "$TMP/opt.h" -w '%{http_code}' -X OPTIONS -H 'Origin: https://cms.example' -H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type' "$U/v1/tag/batch")
[ "$st" = 204 ] && grep -qi '^access-control-allow-methods:.*POST' "$TMP/opt.h" && grep -qi '^access-control-allow-headers:.*content-type' "$TMP/opt.h" && grep -qi '^access-control-max-age' "$TMP/opt.h" &&
    pass cors_preflight_batch || fail cors_preflight_batch "status $st: $(tr '\r\n' '  ' <"$TMP/opt.h")"

# ---- a daemon with small limits --------------------------------------------------
cp -r "$ROOT/models" "$TMP/models"
if start small --db "$TMP/db" --models "$TMP/models" --max-body 4096 --max-tokens 1000 \
    --conn-timeout 2 --max-in-flight 1 --max-batch-lines 3 --max-batch-body 8192 \
    --cors-origins 'https://a.example, https://b.example'; then
    P=$PORT_small
    S="http://127.0.0.1:$P"
    head -c 5000 /dev/zero | tr '\0' a >"$TMP/5k.txt"
    st=$(req o $TXT --data-binary @"$TMP/5k.txt" "$S/v1/tag")
    expect body_too_large 413 "$st" o 'd["error"]["code"] == "body_too_large"'

    st=$(req o $TXT -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/5k.txt" "$S/v1/tag")
    expect body_too_large_chunked 413 "$st" o 'd["error"]["code"] == "body_too_large"'

    head -c 1000000 /dev/zero | tr '\0' a >"$TMP/1m.txt"
    st=$(req o $TXT -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/1m.txt" "$S/v1/tag")
    expect body_too_large_chunked_1mb 413 "$st" o 'd["error"]["code"] == "body_too_large"'

    head -c 4096 /dev/zero | tr '\0' a >"$TMP/4k.txt"
    st=$(req o $TXT --data-binary @"$TMP/4k.txt" "$S/v1/tag")
    expect body_at_limit 200 "$st" o 'd["entities"] == []'

    if why=$($RAW huge-length "$P"); then
        alive "$P" && pass huge_content_length || fail huge_content_length "not alive after: $why"
    else
        fail huge_content_length "$why"
    fi

    python3 -c 'import sys; sys.stdout.write("a " * 1500)' >"$TMP/tokens.txt"
    st=$(req o $TXT --data-binary @"$TMP/tokens.txt" "$S/v1/tag")
    expect too_many_tokens 413 "$st" o 'd["error"]["code"] == "too_many_tokens"'

    if why=$($RAW overload "$P"); then
        alive "$P" && pass overload_503 || fail overload_503 "not alive after"
    else
        fail overload_503 "$why"
    fi

    # A reload that fails (a broken rule file) keeps the running snapshot.
    echo 'this is not a rule @@@' >"$TMP/models/zz-broken.rules"
    kill -HUP "$PID_small"
    ok=0
    for i in $(seq 1 100); do
        req o "$S/v1/info" >/dev/null
        if jcheck "$TMP/o" 'd["reloads"]["failures"] == 1 and d["reloads"]["last_error"] and not d["reloads"]["running"]' >/dev/null; then ok=1; break; fi
        sleep 0.05
    done
    st=$(req o $TXT --data-binary 'Homs' "$S/v1/tag")
    if [ $ok = 1 ]; then
        expect sighup_failure_keeps_snapshot 200 "$st" o '[e["id"] for e in d["entities"]] == ["loc/homs"]'
    else
        fail sighup_failure_keeps_snapshot "no failed reload seen: $(head -c 300 "$TMP/o")"
    fi
    grep -q '"level":"error".*reload failed' "$TMP/small.log" && pass sighup_failure_logged ||
        fail sighup_failure_logged "no ERROR line in the log"

    if why=$($RAW slow-headers "$P" 4); then
        alive "$P" && pass slow_client_timeout || fail slow_client_timeout "not alive after"
    else
        fail slow_client_timeout "$why"
    fi
    # Slowloris: bytes keep coming (so the idle timeout never fires), but the headers
    # must be complete within --conn-timeout and a body must average 1 KiB/s after it.
    if why=$($RAW slowloris "$P" 2); then
        alive "$P" && pass slowloris_headers || fail slowloris_headers "not alive after"
    else
        fail slowloris_headers "$why"
    fi
    if why=$($RAW slow-body "$P" 2); then
        alive "$P" && pass slowloris_body || fail slowloris_body "not alive after"
    else
        fail slowloris_body "$why"
    fi

    # batch limits: 3 lines, 8 KiB body, each line under --max-body (4 KiB)
    printf '{"text": "Homs"}\n{"text": "Syria"}\n{"text": "RAF"}\n{"text": "Aleppo"}\n' >"$TMP/b4.ndjson"
    st=$(req o $NDJ --data-binary @"$TMP/b4.ndjson" "$S/v1/tag/batch")
    expect batch_too_many_lines 413 "$st" o 'd["error"]["code"] == "too_many_lines" and "3" in d["error"]["message"]'
    python3 -c 'import json; print(json.dumps({"text": "a" * 9000}))' >"$TMP/b9k.ndjson"
    st=$(req o $NDJ --data-binary @"$TMP/b9k.ndjson" "$S/v1/tag/batch")
    expect batch_body_too_large 413 "$st" o 'd["error"]["code"] == "body_too_large" and d["error"]["limit"] == 8192'
    python3 -c 'import json; print(json.dumps({"text": "Homs"})); print(json.dumps({"text": "a" * 5000})); print(json.dumps({"text": "Syria"}))' >"$TMP/b5k.ndjson"
    st=$(req o $NDJ --data-binary @"$TMP/b5k.ndjson" "$S/v1/tag/batch")
    if [ "$st" = 200 ] && python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(not (len(d) == 3 and d[0]["entities"][0]["id"] == "loc/homs" and d[1]["status"] == 413 and d[1]["error"]["code"] == "line_too_large" and d[2]["entities"][0]["id"] == "loc/syria"))' "$TMP/o"; then
        pass batch_line_too_large
    else
        fail batch_line_too_large "status $st: $(head -c 300 "$TMP/o")"
    fi
    st=$(req o $TXT --data-binary @"$TMP/5k.txt" "$S/v1/tag")
    expect body_cap_still_per_route 413 "$st" o 'd["error"]["limit"] == 4096'

    # CORS with a list of origins
    st=$(req o -H 'Origin: https://b.example' $TXT --data-binary 'Homs' "$S/v1/tag")
    grep -qi '^access-control-allow-origin: https://b.example' "$TMP/o.h" && [ "$st" = 200 ] &&
        pass cors_origin_list || fail cors_origin_list "status $st: $(tr '\r\n' '  ' <"$TMP/o.h")"
    st=$(req o -H 'Origin: https://c.example' $TXT --data-binary 'Homs' "$S/v1/tag")
    ! grep -qi '^access-control-allow-origin' "$TMP/o.h" && [ "$st" = 200 ] &&
        pass cors_origin_not_listed || fail cors_origin_not_listed "status $st"
else
    fail small_limits_daemon "did not start"
fi

# ---- connection cap -----------------------------------------------------------------
# --conn-limit 4: four idle connections fill it; a fifth waits in the listen backlog
# unserved, and is answered once they go; then the daemon tags. Also CORS "*".
if start cap --db "$TMP/db" --conn-limit 4 --cors-origins '*'; then
    P=$PORT_cap
    if why=$($RAW conn-cap "$P" 4); then
        st=$(req o -H 'Origin: https://any.example' $TXT --data-binary "$SENT" "http://127.0.0.1:$P/v1/tag")
        expect connection_cap 200 "$st" o '"loc/homs" in {e["id"] for e in d["entities"]}'
        grep -qi '^access-control-allow-origin: \*' "$TMP/o.h" && pass cors_wildcard || fail cors_wildcard "$(tr '\r\n' '  ' <"$TMP/o.h")"
    else
        fail connection_cap "$why"
    fi
    # Graceful SIGTERM under load: 8 clients tag in a loop; SIGTERM mid-load; every
    # request the daemon accepted gets its complete 200, and it exits 0.
    if why=$($RAW drain-load "$P" "$PID_cap" 8); then
        for i in $(seq 1 $((100 * TSCALE))); do kill -0 "$PID_cap" 2>/dev/null || break; sleep 0.05; done
        if kill -0 "$PID_cap" 2>/dev/null; then
            fail sigterm_under_load "still running after SIGTERM ($why)"
        else
            wait "$PID_cap"
            rc=$?
            [ $rc = 0 ] && pass sigterm_under_load || fail sigterm_under_load "exit $rc ($why): $(grep -v '^{' "$TMP/cap.log" | tail -20)"
        fi
    else
        fail sigterm_under_load "$why"
    fi
    PID_cap=
else
    fail connection_cap "did not start"
fi

# ---- pathological HTML: bounded time ---------------------------------------------
# 60,000 nested <div>s (300 KB): a clear answer within 3 s. Runs on its own daemon,
# killed afterwards, so a parser that takes minutes cannot hold up the other cases.
if start deep --db "$TMP/db"; then
    P=$PORT_deep
    python3 -c 'import sys; sys.stdout.write("<div>" * 60000 + "Homs")' >"$TMP/deep.html"
    t0=$(date +%s%N)
    st=$(curl -sS --max-time 3 -o "$TMP/o" -D "$TMP/o.h" -w '%{http_code}' -H 'Content-Type: text/html' --data-binary @"$TMP/deep.html" "http://127.0.0.1:$P/v1/tag" 2>"$TMP/o.err")
    ms=$((($(date +%s%N) - t0) / 1000000))
    case $st in
    200 | 413 | 422) expect deep_html_bounded "$st" "$st" o 'True' ;;
    *) fail deep_html_bounded "status $st after ${ms} ms (3 s allowed)" ;;
    esac
    { kill -9 "$PID_deep" && wait "$PID_deep"; } 2>/dev/null
    PID_deep=
fi

# ---- start-up errors -------------------------------------------------------------
"$DAEMON" --port nope >"$TMP/cfg.out" 2>&1
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$TMP/cfg.out")" = 1 ] && pass bad_flag_exit_2 || fail bad_flag_exit_2 "exit $rc: $(cat "$TMP/cfg.out")"
NEWSTAG_MAX_BODY=lots "$DAEMON" >"$TMP/cfg.out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q NEWSTAG_MAX_BODY "$TMP/cfg.out" && pass bad_env_exit_2 || fail bad_env_exit_2 "exit $rc: $(cat "$TMP/cfg.out")"
"$DAEMON" --listen 127.0.0.1 --port "$PORT_main" --db "$TMP/db" --models "$ROOT/models" >"$TMP/busy.out" 2>&1
rc=$?
[ $rc = 1 ] && pass port_in_use_exit_1 || fail port_in_use_exit_1 "exit $rc: $(tail -1 "$TMP/busy.out")"

if start nodb --db "$TMP/no-such-db"; then
    P=$PORT_nodb
    st=$(req o $TXT --data-binary "$SENT" "http://127.0.0.1:$P/v1/tag")
    expect missing_db_serves_empty 200 "$st" o 'd["entities"] == [] or all(e["mentions"][0]["source"] != "gazetteer" for e in d["entities"])'
    grep -q '"level":"warn"' "$TMP/nodb.log" && pass missing_db_warns || fail missing_db_warns "no WARN in the log"
else
    fail missing_db_serves_empty "did not start"
fi

# ---- start-up: a tag request that arrives during the first load waits for it ---------
# 120,000 entries, and models whose common-word list differs from the one the import
# cached the matcher for: the daemon must compile the matcher at start (about a second),
# so a request sent as soon as it listens lands in that window.
python3 - "$TMP/many.tsv" <<'EOF2'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("id\ttype\tsubtype\tname\taliases\tattributes\n")
    for i in range(120000):
        f.write(f"loc/place-{i}\tLOC\tcity\tPlace{i:06d}ville\tP{i}burg\tcountry=SY\n")
    f.write("loc/homs\tLOC\tcity\tHoms\tHims\tcountry=SY;population=775404\n")
EOF2
cp -r "$ROOT/models" "$TMP/models-other" && echo "zzyzxq" >>"$TMP/models-other/common-words.txt"
if "$CLI" import --db "$TMP/many-db" "$TMP/many.tsv" >"$TMP/many.log" 2>&1; then
    rm -f "$TMP/slow.port"
    "${WRAP[@]}" "$DAEMON" --listen 127.0.0.1 --port 0 --port-file "$TMP/slow.port" \
        --models "$TMP/models-other" --db "$TMP/many-db" 2>>"$TMP/slow.log" &
    PID_slow=$!
    PIDS+=("$PID_slow")
    for i in $(seq 1 $((400 * TSCALE))); do [ -s "$TMP/slow.port" ] && break; sleep 0.01; done
    SU="http://127.0.0.1:$(cat "$TMP/slow.port" 2>/dev/null)"
    early=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$SU/readyz")
    st=$(req slow -H 'Content-Type: text/plain' --data-binary 'Shelling hit Homs on Monday.' "$SU/v1/tag")
    if [ "$early" != 503 ]; then
        fail tag_waits_for_first_load "the first load was over before the request (readyz $early): the case tests nothing"
    elif [ "$st" = 200 ] && grep -q '"loc/homs"' "$TMP/slow"; then
        pass tag_waits_for_first_load
    else
        fail tag_waits_for_first_load "status $st: $(head -c 200 "$TMP/slow")"
    fi
    kill -TERM "$PID_slow" 2>/dev/null
    wait "$PID_slow" 2>/dev/null
else
    fail tag_waits_for_first_load "import failed: $(tail -3 "$TMP/many.log")"
fi

# ---- shutdown ----------------------------------------------------------------------
# SIGTERM while a request is half uploaded: it must still get its 200, then exit 0.
if why=$($RAW drain "$PORT_main" "$PID_main"); then pass sigterm_drains; else fail sigterm_drains "$why"; fi
for name in main small nodb; do
    pidvar=PID_$name
    pid=${!pidvar:-}
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
        fail "sigterm_exit_$name" "still running 5 s after SIGTERM"
    else
        wait "$pid"
        rc=$?
        [ $rc = 0 ] && pass "sigterm_exit_$name" || fail "sigterm_exit_$name" "exit status $rc: $(grep -v '^{' "$TMP/$name.log" | tail -3)"
    fi
done

# ---- the dictionary API: tests/integration/entities.sh (its own daemons) ------------
ENT_OUT=$(BUILD=$BUILD bash "$HERE/entities.sh" 2>&1)
echo "$ENT_OUT" | grep -E '^(PASS|FAIL)'
PASSED=$((PASSED + $(echo "$ENT_OUT" | grep -c '^PASS')))
FAILED=$((FAILED + $(echo "$ENT_OUT" | grep -c '^FAIL')))
if ! echo "$ENT_OUT" | grep -q '^entities: '; then
    fail entities_sh "did not finish: $(echo "$ENT_OUT" | tail -3)"
fi

echo "integration: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
