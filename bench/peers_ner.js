// peers_ner.js - CoNLL-style predictions from the JS peers, to score them beside newstag
// with the same scorer (tools/eval.sh). Usage: node peers_ner.js compromise|wink IN.jsonl
'use strict';
const fs = require('fs');
const which = process.argv[2];
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean);

// code point offsets (the scorer's unit) from UTF-16 offsets
function cp(text, u16) { return Array.from(text.slice(0, u16)).length; }

let tag;
if (which === 'compromise') {
  const nlp = require('compromise');
  tag = (text) => {
    const out = [];
    const doc = nlp(text);
    for (const [type, view] of [['PER', doc.people()], ['LOC', doc.places()], ['ORG', doc.organizations()]]) {
      for (const m of view.json({ offset: true })) {
        const o = m.offset; if (!o) continue;
        // compromise's offsets include trailing punctuation and spaces ("Tony Adams,"):
        // trim them, and a possessive, so spans follow the CoNLL convention
        let a = o.start, b = o.start + o.length;
        while (b > a && /[\s,.;:)('"!?-]/.test(text[b - 1])) b--;
        if (text.slice(b - 2, b) === "'s") b -= 2;
        while (a < b && /[\s("'-]/.test(text[a])) a++;
        if (b > a) out.push({ start: cp(text, a), end: cp(text, b), type });
      }
    }
    return out;
  };
} else {
  const winkNLP = require('wink-nlp');
  const model = require('wink-eng-lite-web-model');
  const nlp = winkNLP(model);
  const its = nlp.its;
  tag = (text) => {
    // wink's lite model has no PERSON/ORG/LOC entity types: report what it has, typed as
    // the scorer ignores unknown types, so its PER/ORG/LOC score is 0 by construction
    const doc = nlp.readDoc(text);
    return doc.entities().out(its.detail).map((e) => ({ type: e.type, text: e.value }));
  };
}
for (const l of lines) {
  const d = JSON.parse(l);
  console.log(JSON.stringify({ id: d.id, entities: tag(d.text).filter((e) => e.start !== undefined) }));
}
