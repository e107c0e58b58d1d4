'use strict';
// Stacks in reports: the write's always, innermost frame at the write's site; with --stacks also the
// read's and the intervening write's, each followed by where its task was started; for compiled
// code, frames in the original sources.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { asyncrace, run, tempDir, REPO } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');

function raceOf(fixture, entry, flags = [], cwd = path.join(REPO, 'fixtures', fixture)) {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, ...flags, '--', process.execPath, entry], { cwd });
  assert.equal(result.status, 0, result.stderr);
  return readReportLines(log).find((line) => line.race).race;
}

test("by default only the write carries a stack, its innermost frame at the write's site", () => {
  const race = raceOf('credit-2', 'app.js');
  assert.deepEqual(race.write.stack, ['credit (app.js:9:3)', 'async main (app.js:13:20)']);
  assert.equal(race.read.stack, undefined);
  assert.equal(race.intervening.stack, undefined);
});

test('--stacks: the read and the intervening write too, and where each task was started', () => {
  const race = raceOf('credit-2', 'app.js', ['--stacks']);
  assert.equal(race.read.stack[0], 'credit (app.js:7:19)');
  assert.equal(race.intervening.stack[0], 'credit (app.js:9:3)');
  assert.equal(race.write.stack[0], 'credit (app.js:9:3)');
  for (const access of [race.read, race.intervening, race.write]) {
    // Both credit() tasks were started by main(), on line 13; neither stack shows asyncrace's own frames.
    assert.ok(access.stack.some((frame) => /^task started at main \(app\.js:13:\d+\)$/.test(frame)), access.stack.join('\n'));
    assert.ok(access.stack.every((frame) => /^.+ \([^()]+:\d+:\d+\)$/.test(frame) && !frame.includes('asyncrace') && !frame.includes('pirates')));
  }
});

test('compiled with a source map: every frame is in the .ts sources', () => {
  // A copy: the fixtures test builds the fixture itself, perhaps at the same time.
  const cwd = tempDir();
  fs.cpSync(path.join(REPO, 'fixtures', 'tsc-project'), cwd, { recursive: true, filter: (file) => !file.includes(`${path.sep}out`) });
  assert.equal(run(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', cwd], { cwd }).status, 0);
  const race = raceOf('tsc-project', 'out/app.js', ['--stacks'], cwd);
  assert.equal(race.write.stack[0], 'Bank.debit (src/bank.ts:26:5)');
  for (const access of [race.read, race.intervening, race.write]) {
    assert.ok(access.stack.every((frame) => /\(src\/(bank|app)\.ts:\d+:\d+\)$/.test(frame)), access.stack.join('\n'));
  }
});
