'use strict';
// Stack traces of instrumented code point at the lines the user wrote (retainLines), and at the
// columns too wherever instrumentation inserted nothing before them on the line (preserveFormat). The same program
// runs plainly and under `asyncrace run`; errors are thrown after an await, in a method and in a
// callback of instrumented async functions.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { instrumentSource } = require('../dist/src/hooks/transform');
const { runPlainAndInstrumented, tempDir } = require('./helpers/run');

const APP = `'use strict';
let balance = 0;
const frames = (e) => e.stack.split('\\n').filter((l) => l.includes(__filename)).map((l) => l.trim());

async function afterAwait(n) {
  const b = balance;
  await null;
  balance = b + n; throw new Error('after await');
}

class Account {
  async deposit(n) {
    const b = balance; await null;
    balance = b + n;
    throw new Error('in method');
  }
}

async function inCallback(list) {
  const b = balance;
  await null;
  balance = b + 1;
  return list.map((x) => {
    if (x) throw new Error('in callback');
    return x;
  });
}

async function main() {
  const thrown = [];
  for (const f of [() => afterAwait(1), () => new Account().deposit(1), () => inCallback([0, 1])]) {
    try { await f(); } catch (e) { thrown.push(frames(e)); }
  }
  console.log(JSON.stringify(thrown));
}
main();
`;

/** `at name (file:line:column)` or `at file:line:column`, taken apart. */
function parseFrame(frame) {
  const match = /^at (?:(.*) \()?(.*):(\d+):(\d+)\)?$/.exec(frame);
  assert.ok(match, frame);
  return { name: match[1], file: match[2], line: Number(match[3]), column: Number(match[4]) };
}

test('stack traces keep file and line everywhere, and the column wherever nothing was inserted before it', () => {
  const dir = tempDir();
  const file = path.join(dir, 'app.js');
  fs.writeFileSync(file, APP);
  const { plain: plainRun, instrumented: instrumentedRun } = runPlainAndInstrumented(dir, 'app.js');
  assert.equal(plainRun.status, 0, plainRun.stderr);
  assert.equal(instrumentedRun.status, 0, instrumentedRun.stderr);
  const plain = JSON.parse(plainRun.stdout);
  const instrumented = JSON.parse(instrumentedRun.stdout);

  // Where instrumentation inserted nothing before a frame's position on its line, the column must
  // match too (the hook applies this same function). The method's and the callback's throws are such
  // places; the first error's line holds an instrumented write before its throw.
  const originalLines = APP.split('\n');
  const outputLines = instrumentSource(APP, file).split('\n');
  const keptUpTo = ({ line, column }) => outputLines[line - 1].startsWith(originalLines[line - 1].slice(0, column));
  const throwSites = plain.map((frames) => parseFrame(frames[0]));
  assert.ok(!keptUpTo(throwSites[0]), 'the write before the first throw is instrumented');
  assert.ok(keptUpTo(throwSites[1]) && keptUpTo(throwSites[2]), 'the method and the callback throw from places kept as written');

  assert.equal(instrumented.length, 3);
  let columnsCompared = 0;
  instrumented.forEach((frames, i) => {
    assert.equal(frames.length, plain[i].length, `error ${i}: same frames in app.js`);
    frames.forEach((frame, j) => {
      const [got, want] = [parseFrame(frame), parseFrame(plain[i][j])];
      assert.deepEqual({ ...got, column: 0 }, { ...want, column: 0 }, `error ${i}, frame ${j}: ${frame} vs ${plain[i][j]}`);
      if (keptUpTo(want)) {
        assert.equal(got.column, want.column, `error ${i}, frame ${j}: column where nothing was inserted before it`);
        columnsCompared++;
      }
    });
  });
  assert.ok(columnsCompared >= 2, `columns compared: ${columnsCompared}`);
});
