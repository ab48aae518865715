#!/usr/bin/env bash
# bench/corpus.sh OUT - writes the benchmark corpus to OUT (documents separated by
# "\n\x1e\n") and prints its description. With EVAL_DIR (default ../shared/eval) present:
# the CoNLL-2003 dev texts and the seed article (Reuters and UK news); otherwise the
# articles in examples/. Shared by bench/run.sh and bench/instructions.sh.
set -eu
cd "$(dirname "$0")/.."
EVAL_DIR=${EVAL_DIR:-../shared/eval}
out=$1
if [ -f "$EVAL_DIR/conll2003-dev.jsonl" ]; then
  python3 -c 'import json,sys
docs=[json.loads(l)["text"] for l in open(sys.argv[1])]
docs.append(open(sys.argv[2]).read())
sys.stdout.write("\n\x1e\n".join(docs))' "$EVAL_DIR/conll2003-dev.jsonl" "$EVAL_DIR/seed/article.txt" > "$out"
  echo "CoNLL-2003 dev texts + seed article"
else
  python3 -c 'import sys; sys.stdout.write("\n\x1e\n".join(open(p).read() for p in sys.argv[1:]))' examples/*.txt > "$out"
  echo "examples/*.txt"
fi
