#!/usr/bin/env bash
# tests/integration/entities.sh - black-box tests of the dictionary API (/v1/entities):
# reads, search with cursors, auth (401/403 change nothing), validation (422), live
# visibility under concurrent tagging (check_entities_live.py), NDJSON bulk upsert,
# persistence across a restart, re-import keeping API entries and deletions, and kill -9
# in the middle of a 20,000-line bulk upsert (the dictionary is at the version before or
# after, never between). Prints PASS/FAIL lines and `entities: N passed, N failed`;
# exits 1 if any failed. Run by run.sh (BUILD as there); needs bash, curl, python3.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
DAEMON=$BUILD/newstagd
CLI=$BUILD/newstag
HERE=$ROOT/tests/integration
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newstag-ent.XXXXXX")
TOKEN=it-secret-token-1
PASSED=0
FAILED=0
PIDS=()

REQ_TIMEOUT=60
VALGRIND=0 # the live-visibility timings do not hold under valgrind
. "$HERE/lib.sh"

# stop PID : SIGTERM and wait (5 s at most).
stop() {
    local i
    kill -TERM "$1" 2>/dev/null
    for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
    wait "$1" 2>/dev/null
}

# jcheck FILE EXPR : python3 evaluates EXPR with d = the JSON in FILE (lines = the
# NDJSON lines parsed, s = the raw text, env = the environment).
jcheck() {
    python3 - "$1" "$2" <<'EOF'
import json, os, sys
env = os.environ
s = open(sys.argv[1], encoding="utf-8", errors="replace").read()
d = lines = None
try:
    d = json.loads(s) if s.strip() else None
except ValueError:
    try:
        lines = [json.loads(x) for x in s.split("\n") if x.strip()]
    except ValueError as e:
        print(f"not JSON or NDJSON: {e}: {s[:200]!r}"); sys.exit(1)
try:
    ok = eval(sys.argv[2])
except Exception as e:
    print(f"{type(e).__name__}: {e}: {s[:300]}"); sys.exit(1)
if not ok:
    print(s[:400].strip())
sys.exit(0 if ok else 1)
EOF
}

# expect NAME STATUS GOT OUT [EXPR] : status matches and EXPR holds.
expect() {
    local name=$1 want=$2 got=$3 out=$4 expr=${5:-True} why
    if [ "$got" != "$want" ]; then
        fail "$name" "status $got, want $want: $(head -c 300 "$TMP/$out" 2>/dev/null) $(cat "$TMP/$out.err" 2>/dev/null)"
    elif ! why=$(jcheck "$TMP/$out" "$expr"); then
        fail "$name" "$why"
    else
        pass "$name"
    fi
}

# version : the dictionary version /v1/info reports on $U.
version() {
    curl -s --max-time 10 "$U/v1/info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dictionary"]["version"])'
}

# tagged TEXT : the dictionary entity ids /v1/tag finds in TEXT (rule-found names left
# out), space-separated, sorted.
tagged() {
    curl -s --max-time 10 -H 'Content-Type: text/plain; charset=utf-8' --data-binary "$1" "$U/v1/tag" |
        python3 -c 'import json,sys; print(" ".join(sorted({e["id"] for e in json.load(sys.stdin)["entities"] if not e["id"].startswith("rule/")})))'
}

# db_state DB PREFIX : "VERSION COUNT" from the command line: the dictionary version
# (newstag stats) and how many exported entries have ids starting with PREFIX.
db_state() {
    local v n
    v=$("$CLI" stats --db "$1" 2>/dev/null | sed -n 's/^version: //p')
    n=$("$CLI" export --db "$1" --ndjson 2>/dev/null | grep -c "\"id\":\"$2")
    echo "$v $n"
}

unset NEWSTAG_ADMIN_TOKEN NEWSTAG_ADMIN_TOKEN_FILE # each daemon gets its own
AUTH=(-H "Authorization: Bearer $TOKEN")
JSN=(-H 'Content-Type: application/json')
NDJ=(-H 'Content-Type: application/x-ndjson')

# ---- setup -----------------------------------------------------------------------
for tool in curl python3; do
    command -v $tool >/dev/null || { fail setup "$tool is missing"; exit 1; }
done
DB=$TMP/db
"$CLI" import --db "$DB" "$HERE"/fixtures/*.tsv >"$TMP/import.log" 2>&1 ||
    { fail setup "fixture import failed: $(cat "$TMP/import.log")"; exit 1; }
NEWSTAG_ADMIN_TOKEN=$TOKEN start ent --db "$DB" || { fail setup "the daemon did not start"; exit 1; }
U="http://127.0.0.1:$PORT_ent"
V0=$(version)
export V0

# ---- reads -----------------------------------------------------------------------
st=$(req o "$U/v1/entities/loc/homs")
expect get_entity 200 "$st" o 'd["id"] == "loc/homs" and d["type"] == "LOC" and d["name"] == "Homs" and d["aliases"] == [{"text": "Hims"}] and d["attributes"]["country"] == "SY" and d["origin"] == "import"'
st=$(req o "$U/v1/entities/loc%2Fhoms")
expect get_entity_percent_encoded 200 "$st" o 'd["id"] == "loc/homs"'
st=$(req o "$U/v1/entities/loc/no-such-place")
expect get_entity_404 404 "$st" o 'd["error"]["code"] == "not_found"'
st=$(req o -X POST "$U/v1/entities/loc/homs")
expect entity_post_405 405 "$st" o 'd["error"]["code"] == "method_not_allowed"'
grep -qi '^allow: GET, HEAD, PUT, DELETE, OPTIONS' "$TMP/o.h" && pass entity_allow_header ||
    fail entity_allow_header "$(grep -i '^allow' "$TMP/o.h")"

# every entry exactly once, in id order, over pages of 4
python3 - "$U" >"$TMP/pages.out" 2>&1 <<'EOF'
import json, sys, urllib.request
u, ids, cur, pages = sys.argv[1], [], None, 0
while True:
    q = "/v1/entities?limit=4" + (f"&cursor={cur}" if cur else "")
    d = json.load(urllib.request.urlopen(u + q))
    assert len(d["entities"]) <= 4 and d["count"] == len(d["entities"]), d
    ids += [e["id"] for e in d["entities"]]
    pages += 1
    cur = d["next_cursor"]
    if not cur:
        break
assert pages >= 4 and ids == sorted(ids) and len(ids) == len(set(ids)) == 13, (pages, ids)
print("ok")
EOF
grep -qx ok "$TMP/pages.out" && pass search_cursor_pages || fail search_cursor_pages "$(tail -3 "$TMP/pages.out")"
st=$(req o "$U/v1/entities?type=LOC&limit=500")
expect search_type 200 "$st" o 'len(d["entities"]) == 6 and all(e["type"] == "LOC" for e in d["entities"]) and d["next_cursor"] is None'
st=$(req o "$U/v1/entities?q=hom")
expect search_prefix_name 200 "$st" o '[e["id"] for e in d["entities"]] == ["loc/homs"]'
st=$(req o "$U/v1/entities?q=weapon/")
expect search_prefix_id 200 "$st" o 'len(d["entities"]) == 2 and all(e["id"].startswith("weapon/") for e in d["entities"])'
for bad in limit=0 limit=501 limit=ten "limit="; do
    st=$(req o "$U/v1/entities?$bad")
    expect "search_bad_${bad//=/_}" 422 "$st" o 'd["error"]["code"] == "invalid_limit"'
done
st=$(req o "$U/v1/entities?type=CITY")
expect search_bad_type 422 "$st" o 'd["error"]["code"] == "invalid_type"'
st=$(req o "$U/v1/entities?color=red")
expect search_unknown_param 422 "$st" o 'd["error"]["code"] == "unknown_parameter"'

# ---- auth: 401 without or with a wrong token, 403 with none configured -------------
ENT='{"type":"ORG","name":"Quokka Legion"}'
st=$(req o -X PUT "${JSN[@]}" --data-binary "$ENT" "$U/v1/entities/org/quokka-legion")
expect put_no_token_401 401 "$st" o 'd["error"]["code"] == "unauthorized"'
grep -qi '^www-authenticate: Bearer' "$TMP/o.h" && pass put_no_token_www_authenticate ||
    fail put_no_token_www_authenticate "no WWW-Authenticate: Bearer header"
st=$(req o -X PUT "${JSN[@]}" -H "Authorization: Bearer ${TOKEN}x" --data-binary "$ENT" "$U/v1/entities/org/quokka-legion")
expect put_wrong_token_401 401 "$st" o 'd["error"]["code"] == "unauthorized"'
st=$(req o -X PUT "${JSN[@]}" -H "Authorization: Basic $TOKEN" --data-binary "$ENT" "$U/v1/entities/org/quokka-legion")
expect put_basic_auth_401 401 "$st" o 'd["error"]["code"] == "unauthorized"'
st=$(req o -X DELETE -H "Authorization: Bearer wrong" "$U/v1/entities/loc/homs")
expect delete_wrong_token_401 401 "$st" o 'd["error"]["code"] == "unauthorized"'
printf '{"id":"org/quokka-legion","type":"ORG","name":"Quokka Legion"}\n' >"$TMP/one.ndjson"
st=$(req o -X POST "${NDJ[@]}" --data-binary @"$TMP/one.ndjson" "$U/v1/entities")
expect bulk_no_token_401 401 "$st" o 'd["error"]["code"] == "unauthorized"'
st=$(req o "$U/v1/entities/org/quokka-legion")
v=$(version)
[ "$st" = 404 ] && [ "$v" = "$V0" ] && pass unauthorized_changes_nothing ||
    fail unauthorized_changes_nothing "GET $st, version $v (was $V0)"

cp -r "$DB" "$TMP/db-ro"
if start notoken --db "$TMP/db-ro"; then
    UN="http://127.0.0.1:$PORT_notoken"
    st=$(req o -X PUT "${JSN[@]}" -H "Authorization: Bearer $TOKEN" --data-binary "$ENT" "$UN/v1/entities/org/quokka-legion")
    expect no_token_configured_403 403 "$st" o 'd["error"]["code"] == "writes_disabled"'
    st=$(req o -X DELETE "$UN/v1/entities/loc/homs")
    expect no_token_configured_delete_403 403 "$st" o 'd["error"]["code"] == "writes_disabled"'
    st=$(req o "$UN/v1/entities/loc/homs")
    expect no_token_configured_reads_work 200 "$st" o 'd["id"] == "loc/homs"'
    st=$(req o "$UN/v1/info")
    expect no_token_info 200 "$st" o 'd["reloads"]["writes"]["enabled"] is False and d["dictionary"]["version"] == int(env["V0"])' 
    stop "$PID_notoken"
else
    fail no_token_configured_403 "the daemon without a token did not start"
fi

# a daemon started without a dictionary creates it on the first write
if NEWSTAG_ADMIN_TOKEN=$TOKEN start fresh --db "$TMP/fresh-db"; then
    UF="http://127.0.0.1:$PORT_fresh"
    st=$(req o -X PUT "${AUTH[@]}" "${JSN[@]}" --data-binary '{"type":"ORG","name":"Wombat Front"}' "$UF/v1/entities/org/wombat-front")
    expect write_creates_dictionary 201 "$st" o 'd["status"] == "created" and d["version"] == 1'
    got=$(U=$UF tagged 'The Wombat Front said so.')
    [ "$got" = org/wombat-front ] && [ -f "$TMP/fresh-db/data.mdb" ] && pass created_dictionary_tags ||
        fail created_dictionary_tags "tagged: $got"
    stop "$PID_fresh"
else
    fail write_creates_dictionary "the daemon without a dictionary did not start"
fi

# ---- validation: 422 with the field, nothing written --------------------------------
put_bad() { # NAME CODE ID BODY
    local st
    st=$(req o -X PUT "${AUTH[@]}" "${JSN[@]}" --data-binary "$4" "$U/v1/entities/$3")
    expect "$1" "$5" "$st" o "d[\"error\"][\"code\"] == \"$2\""
}
put_bad put_unknown_type invalid_type org/x1 '{"type":"ARMY","name":"X"}' 422
put_bad put_empty_alias invalid_aliases org/x1 '{"type":"ORG","name":"X","aliases":[""]}' 422
put_bad put_empty_alias_obj invalid_aliases org/x1 '{"type":"ORG","name":"X","aliases":[{"text":""}]}' 422
put_bad put_bad_case_mode invalid_aliases org/x1 '{"type":"ORG","name":"X","aliases":[{"text":"X1","case":"upper"}]}' 422
put_bad put_id_mismatch id_mismatch org/x1 '{"id":"org/x2","type":"ORG","name":"X"}' 422
put_bad put_id_prefix_vs_type invalid_id org/x1 '{"type":"LOC","name":"X"}' 422
put_bad put_bad_id_chars invalid_id 'org/X%20Y' '{"type":"ORG","name":"X"}' 422
put_bad put_no_name invalid_name org/x1 '{"type":"ORG"}' 422
put_bad put_unknown_field invalid_entry org/x1 '{"type":"ORG","name":"X","colour":"red"}' 422
put_bad put_invalid_json invalid_json org/x1 '{"type":"ORG",' 400
put_bad put_empty_body empty_body org/x1 '' 400
st=$(req o -X PUT "${AUTH[@]}" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$ENT" "$U/v1/entities/org/x1")
expect put_form_415 415 "$st" o 'd["error"]["code"] == "unsupported_media_type"'
v=$(version)
[ "$v" = "$V0" ] && pass invalid_changes_nothing || fail invalid_changes_nothing "version $v (was $V0)"

# ---- live: PUT then tag within 1 s under concurrent tagging; DELETE likewise ---------
if out=$(python3 "$HERE/check_entities_live.py" "$PORT_ent" "$TOKEN" 2>&1); then
    pass "live_put_delete_under_load $(echo "$out" | head -1)"
else
    fail live_put_delete_under_load "$out"
fi

# ---- PUT create / replace, GET, info ------------------------------------------------
V1=$(version)
export V1
st=$(req o -X PUT "${AUTH[@]}" "${JSN[@]}" --data-binary '{"id":"org/zebra-brigade","type":"ORG","subtype":"armed_group","name":"Zebra Brigade","aliases":["Zebras",{"text":"ZB","case":"exact"}],"attributes":{"country":"SY"}}' "$U/v1/entities/org%2Fzebra-brigade")
expect put_create_201 201 "$st" o 'd["status"] == "created" and d["version"] == int(env["V1"]) + 1 and d["entity"]["id"] == "org/zebra-brigade" and d["entity"]["origin"] == "api"'
grep -qi '^location: /v1/entities/org/zebra-brigade' "$TMP/o.h" && pass put_create_location || fail put_create_location "$(grep -i '^location' "$TMP/o.h")"
got=$(tagged 'ZB fighters and the Zebras entered Homs.')
[ "$got" = "loc/homs org/zebra-brigade" ] && pass put_tagged_at_once || fail put_tagged_at_once "tagged: $got"
st=$(req o -X PUT "${AUTH[@]}" "${JSN[@]}" --data-binary '{"type":"LOC","subtype":"city","name":"Homs City","aliases":["Hamsville"]}' "$U/v1/entities/loc/homs")
expect put_replace_200 200 "$st" o 'd["status"] == "updated" and d["version"] == int(env["V1"]) + 2'
got=$(tagged 'Shelling in Hamsville.')
[ "$got" = "loc/homs" ] && pass put_replace_new_alias_tagged || fail put_replace_new_alias_tagged "tagged: $got"
got=$(tagged 'Shelling in Hims.')
[ -z "$got" ] && pass put_replace_old_alias_gone || fail put_replace_old_alias_gone "tagged: $got"
st=$(req o "$U/v1/entities/loc/homs")
expect get_after_replace 200 "$st" o 'd["name"] == "Homs City" and d["origin"] == "api" and d["aliases"] == [{"text": "Hamsville"}]'
st=$(req o -X DELETE "${AUTH[@]}" "$U/v1/entities/loc/zurich")
[ "$st" = 204 ] && grep -qi '^x-dictionary-version:' "$TMP/o.h" && pass delete_import_entry_204 || fail delete_import_entry_204 "status $st"
st=$(req o -X DELETE "${AUTH[@]}" "$U/v1/entities/loc/zurich")
expect delete_again_404 404 "$st" o 'd["error"]["code"] == "not_found"'
got=$(tagged 'Talks in Zürich.')
[ -z "$got" ] && pass delete_untagged_at_once || fail delete_untagged_at_once "tagged: $got"
V2=$(version)
export V2
st=$(req o -X PUT "${AUTH[@]}" "${JSN[@]}" --data-binary '{"type":"LOC","subtype":"city","name":"Homs City","aliases":["Hamsville"]}' "$U/v1/entities/loc/homs")
expect put_same_again_no_new_version 200 "$st" o 'd["status"] == "updated" and d["version"] == int(env["V2"])' 

# ---- bulk NDJSON: one transaction, one result per line ------------------------------
cat >"$TMP/mixed.ndjson" <<'EOF'
{"id":"org/bulk-a","type":"ORG","name":"Alpha Relief Fund"}
{"id":"org/bulk-b","type":"ARMY","name":"Bad Type"}

{"id":"org/bulk-c","type":"ORG","name":"Charlie Aid","aliases":[{"text":"CAID","case":"exact"}]}
{"id":"org/bulk-d","type":"ORG",
{"type":"ORG","name":"No Id"}
{"id":"org/zebra-brigade","type":"ORG","name":"Zebra Brigade","aliases":["Zebras","Zebra Force"]}
{"id":"loc/bulk-e","type":"ORG","name":"Prefix Wrong"}
EOF
st=$(req o -X POST "${AUTH[@]}" "${NDJ[@]}" --data-binary @"$TMP/mixed.ndjson" "$U/v1/entities")
expect bulk_mixed 200 "$st" o '(
[(x["line"], x["id"], x["status"]) for x in lines] == [(1, "org/bulk-a", "created"), (2, "org/bulk-b", "error"), (4, "org/bulk-c", "created"), (5, None, "error"), (6, None, "error"), (7, "org/zebra-brigade", "updated"), (8, "loc/bulk-e", "error")]
and lines[1]["error"]["code"] == "invalid_type" and lines[1]["error"]["status"] == 422
and lines[3]["error"]["code"] == "invalid_json" and lines[3]["error"]["status"] == 400
and lines[4]["error"]["code"] == "invalid_id" and lines[6]["error"]["code"] == "invalid_id"
and all(x["version"] == int(env["V2"]) + 1 for x in lines if x["status"] != "error"))'
grep -qi '^content-type: application/x-ndjson' "$TMP/o.h" && pass bulk_content_type || fail bulk_content_type "$(grep -i '^content-type' "$TMP/o.h")"
v=$(version)
[ "$v" = $((V2 + 1)) ] && pass bulk_one_version || fail bulk_one_version "version $v, want $((V2 + 1))"
got=$(tagged 'Alpha Relief Fund and CAID helped; the Zebra Force left.')
[ "$got" = "org/bulk-a org/bulk-c org/zebra-brigade" ] && pass bulk_tagged_at_once || fail bulk_tagged_at_once "tagged: $got"
st=$(req o -X POST "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary @"$TMP/mixed.ndjson" "$U/v1/entities")
expect bulk_json_415 415 "$st" o 'd["error"]["code"] == "unsupported_media_type"'

st=$(req o "$U/v1/info")
expect info_reloads_and_writes 200 "$st" o 'd["dictionary"]["version"] == int(env["V2"]) + 1 and d["reloads"]["loads"] >= 1 and d["reloads"]["last_ms"] > 0 and d["reloads"]["writes"]["enabled"] and d["reloads"]["writes"]["committed"] >= 6 and d["reloads"]["writes"]["overlays"] >= 6'
curl -s "$U/metrics" >"$TMP/metrics.txt"
python3 - "$TMP/metrics.txt" >"$TMP/metrics.out" 2>&1 <<'EOF'
import sys
g = {}
for line in open(sys.argv[1]):
    if line.strip() and not line.startswith("#"):
        k, v = line.rsplit(" ", 1)
        g[k] = float(v)
assert g["newstag_dictionary_writes_total"] >= 6, g.get("newstag_dictionary_writes_total")
assert g["newstag_dictionary_overlays_total"] >= 6
assert g["newstag_dictionary_write_failures_total"] == 0
assert "newstag_dictionary_pending_edits" in g and "newstag_last_overlay_duration_seconds" in g
assert any(k.startswith('newstag_http_requests_total{route="/v1/entities/*"') for k in g), "no route label"
print("ok")
EOF
grep -qx ok "$TMP/metrics.out" && pass metrics_dictionary_writes || fail metrics_dictionary_writes "$(tail -2 "$TMP/metrics.out")"
# the background rebuild folds the overlay into a full snapshot (1 s after the last write)
for i in $(seq 1 200); do
    curl -s "$U/v1/info" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["reloads"]["writes"]["pending_edits"] == 0 and d["reloads"]["writes"]["base_version"] == d["dictionary"]["version"] else 1)' && break
    sleep 0.1
done
st=$(req o "$U/v1/info")
expect rebuild_folds_overlay 200 "$st" o 'd["reloads"]["writes"]["pending_edits"] == 0 and d["reloads"]["writes"]["base_version"] == d["dictionary"]["version"] and d["reloads"]["loads"] >= 2'
got=$(tagged 'Alpha Relief Fund in Hamsville, not Zürich.')
[ "$got" = "loc/homs org/bulk-a" ] && pass tagged_after_rebuild || fail tagged_after_rebuild "tagged: $got"

# ---- persistence: restart; re-import keeps API entries and deletions ------------------
stop "$PID_ent"
NEWSTAG_ADMIN_TOKEN=$TOKEN start ent --db "$DB" || fail restart "did not start"
U="http://127.0.0.1:$PORT_ent"
got=$(tagged 'The Zebra Force and Alpha Relief Fund in Hamsville, not Zürich or Hims.')
[ "$got" = "loc/homs org/bulk-a org/zebra-brigade" ] && pass restart_keeps_writes || fail restart_keeps_writes "tagged: $got"
"$CLI" import --db "$DB" "$HERE"/fixtures/*.tsv >"$TMP/reimport.log" 2>&1 || fail reimport "$(cat "$TMP/reimport.log")"
grep -q "kept from the API" "$TMP/reimport.log" && pass reimport_reports_kept || fail reimport_reports_kept "$(cat "$TMP/reimport.log")"
"$CLI" export --db "$DB" --ndjson >"$TMP/export.ndjson"
python3 - "$TMP/export.ndjson" >"$TMP/reimport.out" 2>&1 <<'EOF'
import json, sys
d = {e["id"]: e for e in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
assert d["loc/homs"]["name"] == "Homs City" and d["loc/homs"]["origin"] == "api", d["loc/homs"]
assert "loc/zurich" not in d, "the deleted entry came back"
assert d["org/zebra-brigade"]["origin"] == "api" and d["org/bulk-a"]["origin"] == "api"
assert d["loc/syria"]["origin"] == "import"
print("ok")
EOF
grep -qx ok "$TMP/reimport.out" && pass reimport_keeps_api_entries_and_deletions || fail reimport_keeps_api_entries_and_deletions "$(tail -2 "$TMP/reimport.out")"
kill -HUP "$PID_ent"
sleep 0.5
for i in $(seq 1 100); do
    curl -s "$U/v1/info" | python3 -c 'import json,sys; sys.exit(0 if not json.load(sys.stdin)["reloads"]["running"] else 1)' && break
    sleep 0.1
done
got=$(tagged 'The Zebra Force and Alpha Relief Fund in Hamsville, not Zürich or Hims.')
[ "$got" = "loc/homs org/bulk-a org/zebra-brigade" ] && pass reimport_then_sighup_tags_same || fail reimport_then_sighup_tags_same "tagged: $got"

# ---- kill -9 during a 20,000-line bulk upsert: before or after, never between ---------
python3 -c '
import json, sys
for i in range(20000):
    print(json.dumps({"id": "org/%s-%05d" % (sys.argv[1], i), "type": "ORG", "name": "Bulk Org %s %05d" % (sys.argv[1], i),
                      "aliases": [{"text": "BK%05d" % i, "case": "exact"}], "attributes": {"country": "GB"}}))' kill1 >"$TMP/big1.ndjson"
sed 's/kill1/kill2/g; s/BK/BQ/g' "$TMP/big1.ndjson" >"$TMP/big2.ndjson"
# kill_during NAME FILE PREFIX WAIT-FOR : starts the bulk upsert, waits until the log
# says WAIT-FOR (a write started / committed), kills the daemon with SIGKILL, and checks
# the stored dictionary: version and entry count both before or both after.
kill_during() {
    local name=$1 file=$2 prefix=$3 waitfor=$4 before after n0 i lines
    before=$(db_state "$DB" "org/$prefix-")
    lines=$(grep -c "$waitfor" "$TMP/ent.log")
    curl -s --max-time 60 -o /dev/null -X POST "${AUTH[@]}" "${NDJ[@]}" --data-binary @"$file" "$U/v1/entities" &
    local cpid=$!
    for i in $(seq 1 6000); do
        [ "$(grep -c "$waitfor" "$TMP/ent.log")" -gt "$lines" ] && break
        sleep 0.005
    done
    kill -9 "$PID_ent"
    wait "$PID_ent" 2>/dev/null
    wait "$cpid" 2>/dev/null
    after=$(db_state "$DB" "org/$prefix-")
    set -- $before
    n0=$1
    case "$after" in
        "$before") pass "$name (version $n0, 0 entries: before)" ;;
        "$((n0 + 1)) 20000") pass "$name (version $((n0 + 1)), 20000 entries: after)" ;;
        *) fail "$name" "before: $before, after kill: $after (version count)" ;;
    esac
    NEWSTAG_ADMIN_TOKEN=$TOKEN start ent --db "$DB" || fail "$name" "did not restart after kill -9"
    U="http://127.0.0.1:$PORT_ent"
}
kill_during kill9_mid_transaction "$TMP/big1.ndjson" kill1 "write started"
kill_during kill9_after_commit "$TMP/big2.ndjson" kill2 "write committed"
st=$(req o -X POST "${AUTH[@]}" "${NDJ[@]}" --data-binary @"$TMP/big1.ndjson" "$U/v1/entities")
expect bulk_20k_after_restart 200 "$st" o 'len(lines) == 20000 and all(x["status"] in ("created", "updated") for x in lines) and len({x["version"] for x in lines}) == 1'
got=$(tagged 'BK00042 and BK19999 met the Zebra Force in Hamsville.')
[ "$got" = "loc/homs org/kill1-00042 org/kill1-19999 org/zebra-brigade" ] && pass bulk_20k_tagged ||
    fail bulk_20k_tagged "tagged: $got"

stop "$PID_ent"
echo "entities: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
