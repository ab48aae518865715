#!/usr/bin/env bash
# eval.sh - measure newstag on the evaluation sets (they live outside the repo):
#   make eval EVAL_DIR=../shared/eval
# CoNLL-2003 dev (NER, exact spans; NORP→MISC), M2E2 dev (events), the seed article.
set -u
EVAL_DIR=${1:-../shared/eval}
BUILD=${BUILD:-build}
DB=${NEWSTAG_DB:-data/newstag.mdb}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$0")/.."
if [ -f "$EVAL_DIR/conll2003-dev.jsonl" ]; then
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l); print(json.dumps({"id":d["id"],"text":d["text"],"options":{"events":False}}))' \
    "$EVAL_DIR/conll2003-dev.jsonl" > "$tmp/conll-in.jsonl"
  "$BUILD"/newstag tag --db "$DB" --ndjson < "$tmp/conll-in.jsonl" | python3 -c '
import json,sys
for l in sys.stdin:
    d=json.loads(l); ents=[]
    for e in d.get("entities",[]):
        for m in e["mentions"]:
            ents.append({"start":m["start"],"end":m["end"],"type":e["type"]})
    print(json.dumps({"id":d.get("id"),"entities":ents}))' > "$tmp/conll-pred.jsonl"
  echo "== CoNLL-2003 dev"
  python3 "$EVAL_DIR/score_ner.py" "$EVAL_DIR/conll2003-dev.jsonl" "$tmp/conll-pred.jsonl" --map NORP=MISC --by-line
  if command -v node >/dev/null && { [ -d bench/node_modules/compromise ] || (cd bench && timeout 180 npm install --no-audit --no-fund >/dev/null 2>&1); }; then
    echo "== CoNLL-2003 dev, peer: compromise (same scorer; wink-nlp's model has no PER/ORG/LOC types)"
    node bench/peers_ner.js compromise "$tmp/conll-in.jsonl" > "$tmp/compromise.jsonl" &&
      python3 "$EVAL_DIR/score_ner.py" "$EVAL_DIR/conll2003-dev.jsonl" "$tmp/compromise.jsonl" | sed -n 3,9p
  fi
fi
if [ -f "$EVAL_DIR/m2e2-dev.jsonl" ]; then
  python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l); print(json.dumps({"id":d["id"],"text":d["text"]}))' "$EVAL_DIR/m2e2-dev.jsonl" > "$tmp/m2e2-in.jsonl"
  "$BUILD"/newstag tag --db "$DB" --ndjson < "$tmp/m2e2-in.jsonl" > "$tmp/m2e2-pred.jsonl"
  echo "== M2E2 dev"
  python3 "$EVAL_DIR/score_events.py" "$EVAL_DIR/m2e2-dev.jsonl" "$tmp/m2e2-pred.jsonl"
fi
