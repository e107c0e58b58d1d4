'use strict';
// Races found while a test runner runs a test name that test (`race.test`): node:test, mocha, jest and vitest,
// through the CLI and through their own wiring, concurrent tests included.
const assert = require('node:assert/strict');
const path = require('node:path');
const { test } = require('node:test');
const { attributed, plain, jestRaceSummary, JEST_RACE_SUMMARY } = require('./helpers/runners');
const { asyncrace, cleanEnv, run, tempDir, REPO } = require('./helpers/run');
const { readReportLines, parseReportLines } = require('./helpers/report');

const NODE_TEST = path.join(REPO, 'fixtures', 'node-test');
// The race of `bank > credits twice` is in credit(), that of the concurrent `racy other` in
// deposit(): both started while `slow safe` (the last test started) was running too.
// `credits twice again` makes the same race as `credits twice`: reported in full for each test.
const EXPECTED = [
  { write: 'account.js:11:5', test: { file: 'bank.test.js', name: 'bank > credits twice' } },
  { write: 'account.js:11:5', test: { file: 'bank.test.js', name: 'bank > credits twice again' } },
  { write: 'account.js:17:5', test: { file: 'bank.test.js', name: 'concurrent > racy other' } },
];

test('node:test through asyncrace run: each race names the test that made it', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', process.execPath, '--test', '--test-reporter=tap', 'bank.test.js'], { cwd: NODE_TEST, env: cleanEnv() });
  assert.equal(result.status, 0, result.stdout);
  assert.match(result.stdout, /^# pass 5$/m);
  assert.deepEqual(attributed(log), EXPECTED);
});

test('node:test wired natively (--import asyncrace/register, ASYNCRACE_LOG): the same', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const env = cleanEnv({ ASYNCRACE_LOG: log });
  const result = run(process.execPath, ['--test', '--test-reporter=tap', '--import', 'asyncrace/register', 'bank.test.js'], { cwd: NODE_TEST, env });
  assert.equal(result.status, 0, result.stdout);
  assert.deepEqual(attributed(log), EXPECTED);
});

test('node:test with --fail-on-race: the racy tests fail in node:test\'s output, naming their races; the run exits 66', () => {
  const result = asyncrace(['run', '--fail-on-race', '--', process.execPath, '--test', '--test-reporter=tap', 'bank.test.js'], { cwd: NODE_TEST, env: cleanEnv() });
  assert.equal(result.status, 66, result.stdout);
  assert.match(result.stdout, /^# pass 2$/m);
  assert.match(result.stdout, /^# fail 3$/m);
  for (const name of ['credits twice', 'credits twice again', 'racy other']) {
    assert.match(result.stdout, new RegExp(`^\\s*not ok \\d+ - ${name}\\n(.*\\n)*?\\s+error: 'asyncrace: this test raced: lost-update on this\\.balance at account\\.js:1[17]:5 \\(race \\w+\\); see the asyncrace reports \\(on stderr\\)'`, 'm'));
  }
  assert.match(result.stdout, /^\s*ok \d+ - safe credit$/m);
  assert.match(result.stdout, /^\s*ok \d+ - slow safe$/m);
  // The per-file processes' reports reach asyncrace's stderr whole, not node:test's output as `# {...}`.
  assert.equal(parseReportLines(result.stderr).filter((line) => line.race).length, 3, 'the reports on stderr');
  assert.doesNotMatch(result.stdout, /"level":40/);
});

test('node:test with --fail-on-race and a test failing on its own: the run keeps node:test\'s own status', () => {
  const result = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', process.execPath, '--test', '--test-reporter=tap', 'bank.test.js'], { cwd: NODE_TEST, env: cleanEnv({ BANK_BROKEN: '1' }) });
  assert.equal(result.status, 1, result.stdout);
  assert.match(result.stdout, /^# fail 4$/m);
});

const MOCHA_PROJECT = path.join(REPO, 'fixtures', 'mocha');
const MOCHA = path.join(REPO, 'node_modules', '.bin', 'mocha');
const MOCHA_RACE = [{ write: 'account.js:11:5', test: { file: 'bank.spec.js', name: 'bank > credits twice' } }];

test('mocha through asyncrace run (.mocharc requires the integration): the racy test is named, the result unchanged', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', MOCHA], { cwd: MOCHA_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stdout);
  assert.match(result.stdout, /2 passing/);
  assert.deepEqual(attributed(log), MOCHA_RACE);
});

test('mocha wired natively (--require asyncrace/register, ASYNCRACE_LOG): the same', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const env = cleanEnv({ ASYNCRACE_LOG: log });
  const result = run(MOCHA, ['--require', path.join(REPO, 'dist', 'src', 'hooks', 'register.js')], { cwd: MOCHA_PROJECT, env });
  assert.equal(result.status, 0, result.stdout);
  assert.deepEqual(attributed(log), MOCHA_RACE);
});

test('mocha with --fail-on-race: the racy test fails in mocha\'s own output, naming the race; the safe one passes; the run exits 66', () => {
  const result = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', MOCHA], { cwd: MOCHA_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 66, 'the run failed only because of races');
  assert.match(result.stdout, /1 failing/);
  assert.match(result.stdout, /1\) bank\n\s+credits twice:\n\s+Error: asyncrace: this test raced: lost-update on this\.balance at account\.js:11:5/);
});

test('mocha with --fail-on-race and a test failing on its own: the run keeps mocha\'s own status', () => {
  const result = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', MOCHA], { cwd: MOCHA_PROJECT, env: cleanEnv({ BANK_BROKEN: '1' }) });
  assert.equal(result.status, 2, result.stdout); // mocha's status: its number of failures
  assert.match(result.stdout, /2 failing/);
});

// jest: `preset: 'asyncrace/jest'` instruments through jest's transform and shares one runtime per
// worker; the CLI only adds NODE_OPTIONS (which jest's module registry ignores).
const JEST_PROJECT = path.join(REPO, 'fixtures', 'jest');
const JEST = path.join(REPO, 'node_modules', '.bin', 'jest');
const JEST_RACES = [
  { write: 'account.js:11:5', test: { file: 'bank.test.js', name: 'bank > credits twice' } },
  { write: 'account.js:17:5', test: { file: 'bank.test.js', name: 'concurrent > racy other' } },
];

test('jest through asyncrace run (preset asyncrace/jest): each race names its test, concurrent ones included; the result unchanged', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', JEST, '--ci'], { cwd: JEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /Tests:\s+4 passed, 4 total/);
  assert.deepEqual(attributed(log), JEST_RACES);
  // One runtime per worker, not one per test file: its counts line is written at the worker's exit.
  assert.equal(readReportLines(log).filter((line) => line.counts).length, 1);
  assert.equal(jestRaceSummary(result.stderr), JEST_RACE_SUMMARY(log));
});

test('jest wired natively (the preset, ASYNCRACE_LOG): the same', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const env = cleanEnv({ ASYNCRACE_LOG: log });
  const result = run(JEST, ['--ci'], { cwd: JEST_PROJECT, env });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(attributed(log), JEST_RACES);
  assert.equal(jestRaceSummary(result.stderr), JEST_RACE_SUMMARY(log));
});

test('jest with --fail-on-race: the racy tests fail in jest\'s own output, naming their races; the safe ones pass; the run exits 66', () => {
  const log = path.join(tempDir(), 'r.ndjson');
  const result = asyncrace(['run', '--fail-on-race', '--log', log, '--', JEST, '--ci'], { cwd: JEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 66, 'the run failed only because of races');
  assert.match(result.stderr, /Tests:\s+2 failed, 2 passed, 4 total/);
  assert.match(result.stderr, /● bank › credits twice\n\n\s+asyncrace: this test raced: lost-update on this\.balance at account\.js:11:5/);
  assert.match(result.stderr, /● concurrent › racy other\n\n\s+asyncrace: this test raced: lost-update on this\.balance at account\.js:17:5/);
  assert.match(result.stderr, /✓ safe credit/);
  assert.match(result.stderr, /✓ slow safe/);
  const at = (text) => result.stderr.indexOf(text);
  assert.ok(at('● concurrent › racy other') < at('asyncrace: 2 races') && at('asyncrace: 2 races') < at('Test Suites:'), 'the summary comes after the failures, before jest\'s own');
  assert.equal(jestRaceSummary(result.stderr), JEST_RACE_SUMMARY(log));
});

// vitest: `plugins: [asyncrace()]` (asyncrace/vitest) instruments through Vite (vitest's module runner
// never goes through Node's loader hooks) and runs tests through asyncrace's runner, which names the
// running test, `test.concurrent` ones included. The fixture runs on the threads pool (the fastest here).
const VITEST_PROJECT = path.join(REPO, 'fixtures', 'vitest');
const VITEST = path.join(REPO, 'node_modules', '.bin', 'vitest');
const VITEST_RACES = JEST_RACES;
test('vitest through asyncrace run (plugins: [asyncrace()]): each race names its test, concurrent ones included; the result unchanged', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', VITEST, 'run'], { cwd: VITEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(plain(result.stdout), /Tests\s+4 passed \(4\)/);
  assert.deepEqual(attributed(log), VITEST_RACES);
  // vitest runs Vite's output of the test file: its frames are traced back through Vite's inline map.
  const callers = readReportLines(log).filter((line) => line.race).map((line) => line.race.write.stack[1]);
  assert.deepEqual(callers.map((frame) => /\(bank\.test\.js:(\d+):\d+\)$/.exec(frame)?.[1]).sort(), ['11', '27'], callers.join('\n'));
  // vitest ends its workers with no `exit` event: the runner writes the counts line after the files ran.
  const counts = readReportLines(log).filter((line) => line.counts);
  assert.ok(counts.length >= 1, 'a counts line');
  assert.deepEqual(Object.values(counts.at(-1).counts.races), [1, 1]);
});

test('vitest wired natively (the plugin, ASYNCRACE_LOG): the same', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const env = cleanEnv({ ASYNCRACE_LOG: log });
  const result = run(VITEST, ['run'], { cwd: VITEST_PROJECT, env });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual(attributed(log), VITEST_RACES);
});

test('vitest with --fail-on-race: the racy tests fail in vitest\'s own output, naming their races; the safe ones pass; the run exits 66', () => {
  const result = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', VITEST, 'run'], { cwd: VITEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 66, 'the run failed only because of races');
  const out = plain(result.stdout + result.stderr); // the failures go to stderr, the summary to stdout
  assert.match(out, /Tests\s+2 failed \| 2 passed \(4\)/);
  assert.match(out, /FAIL\s+bank\.test\.js > bank > credits twice\nError: asyncrace: this test raced: lost-update on this\.balance at account\.js:11:5/);
  assert.match(out, /FAIL\s+bank\.test\.js > concurrent > racy other\nError: asyncrace: this test raced: lost-update on this\.balance at account\.js:17:5/);
  assert.match(out, /✓ safe credit/);
  assert.match(out, /✓ slow safe/);
});
