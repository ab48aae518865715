// peers.js - tag the same corpus with the JS peers (compromise, wink-nlp) and print
// "name MB/s docs/s" lines; one core (Node is single-threaded). Used by bench/run.sh.
'use strict';
const fs = require('fs');
const docs = fs.readFileSync(process.argv[2], 'utf8').split('\n\x1e\n').filter((d) => d.length);
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
const seconds = Number(process.argv[3] || 3);

function measure(name, fn) {
  let n = 0, b = 0, ents = 0;
  const t0 = process.hrtime.bigint();
  let t = 0;
  do {
    for (const d of docs) { ents += fn(d); n++; }
    b += bytes;
    t = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (t < seconds);
  console.log(`${name} ${(b / 1e6 / t).toFixed(3)} ${(n / t).toFixed(1)} ${ents}`);
}

const nlp = require('compromise');
measure('compromise', (d) => {
  const doc = nlp(d);
  return doc.people().length + doc.places().length + doc.organizations().length;
});

const winkNLP = require('wink-nlp');
const model = require('wink-eng-lite-web-model');
const wink = winkNLP(model);
measure('wink-nlp', (d) => wink.readDoc(d).entities().length());
