'use strict';
// What Function.prototype.toString() shows of an instrumented file's functions. Frameworks read it
// (dependency injection by parameter names, plugin loaders naming a plugin from its first lines), so
// functions the plugin left alone must show exactly the text written, and instrumented ones at least
// their signature, name and length. README "Limitations" lists what still differs.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { runPlainAndInstrumented, tempDir } = require('./helpers/run');

// Line 3 is where the runtime is loaded (the first statement after the comments), so nothing to
// compare sits there. The functions meant to stay untouched read only their parameters: the plugin
// may instrument a function that reads shared variables or properties.
const LIB = `'use strict';
// Functions whose own source text a framework may read.
let total = 0;

function  odd ( a,b ){ return a+  b ;   }   // odd spacing

const arrow = (x) =>   x * 2;

/** A leading comment: not part of toString(). */
function commented(x /* inline */) {
  // a comment inside
  return x
}

class Plain {
  constructor( n ) { if (n<0) throw new RangeError('n') }
  get label() { return 'plain' }
  static make(){ return new Plain(1) }
}

class Account {
  async deposit(n) {
    const t = total;
    await null;
    total = t + n;
  }
  plain(  ) { return 'plain' }
}

async function add(a, b) {
  const t = total;
  await null;
  total = t + a + b;
  return total;
}

module.exports = { odd, arrow, commented, Plain, Account, add };
`;

const SHOW = `'use strict';
const { odd, arrow, commented, Plain, Account, add } = require('./lib.js');
const text = (f) => ({ source: f.toString(), name: f.name, length: f.length });
console.log(JSON.stringify({
  odd: text(odd), arrow: text(arrow), commented: text(commented), Plain: text(Plain),
  getter: text(Object.getOwnPropertyDescriptor(Plain.prototype, 'label').get), make: text(Plain.make),
  plainMethod: text(Account.prototype.plain), deposit: text(Account.prototype.deposit), add: text(add),
}));
`;

test('Function.prototype.toString(): untouched functions as written, instrumented ones keep their signature', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'lib.js'), LIB);
  fs.writeFileSync(path.join(dir, 'show.js'), SHOW);
  const { plain: plainRun, instrumented: instrumentedRun } = runPlainAndInstrumented(dir, 'show.js');
  assert.equal(plainRun.status, 0, plainRun.stderr);
  assert.equal(instrumentedRun.status, 0, instrumentedRun.stderr);
  const plain = JSON.parse(plainRun.stdout);
  const instrumented = JSON.parse(instrumentedRun.stdout);

  for (const name of ['odd', 'arrow', 'commented', 'Plain', 'getter', 'make', 'plainMethod']) {
    assert.deepEqual(instrumented[name], plain[name], `${name} is byte-identical`);
  }

  for (const name of ['deposit', 'add']) {
    const before = plain[name];
    const after = instrumented[name];
    assert.notEqual(after.source, before.source, `${name} was instrumented`);
    assert.equal(after.name, before.name);
    assert.equal(after.length, before.length);
    const [beforeLines, afterLines] = [before.source.split('\n'), after.source.split('\n')];
    // The signature line starts as written (the runtime's prologue follows the `{`), every line
    // stays a line, and the closing line is unchanged.
    assert.ok(afterLines[0].startsWith(beforeLines[0]), `${name}: ${afterLines[0]}`);
    assert.equal(afterLines.length, beforeLines.length);
    assert.equal(afterLines.at(-1), beforeLines.at(-1));
  }
  assert.match(instrumented.add.source, /^async function add\(a, b\) \{/);
});
