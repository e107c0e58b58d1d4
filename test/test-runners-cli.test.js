'use strict';
// `asyncrace run` alone instruments jest and vitest projects that do not wire asyncrace themselves:
// the runner's CLI gets a config that adds asyncrace to the project's own (whose settings still
// apply: the jest fixture's own test environment and transformer, the vitest fixture's `define`).
const assert = require('node:assert/strict');
const path = require('node:path');
const { test } = require('node:test');
const { attributed, plain, jestRaceSummary, JEST_RACE_SUMMARY } = require('./helpers/runners');
const { asyncrace, cleanEnv, tempDir, REPO } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');

// The race of `bank > credits twice` is in credit(), that of the concurrent `racy other` in
// deposit(): both while `slow safe` (the last test started) was running too.
const EXPECTED = [
  { write: 'account.js:11:5', test: { file: 'bank.test.js', name: 'bank > credits twice' } },
  { write: 'account.js:17:5', test: { file: 'bank.test.js', name: 'concurrent > racy other' } },
];

const JEST_PROJECT = path.join(REPO, 'fixtures', 'jest-cli');
const JEST = path.join(REPO, 'node_modules', '.bin', 'jest');

test('jest through asyncrace run, no asyncrace in its config: each race names its test (concurrent ones too), in every worker, in the project\'s own environment and transformer; the result unchanged', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  // Two test files and two workers; a fresh cache, or jest runs fast files in band after the first run.
  const args = ['--ci', '--maxWorkers=2', '--cacheDirectory', tempDir()];
  const result = asyncrace(['run', '--log', log, '--', JEST, ...args], { cwd: JEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /Tests:\s+6 passed, 6 total/);
  // Sites are in account.js as written, though the project's transformer moved every line down one.
  const savings = { write: 'account.js:11:5', test: { file: 'savings.test.js', name: 'savings > credits twice' } };
  assert.deepEqual(attributed(log), [EXPECTED[0], savings, EXPECTED[1]]);
  // Each file ran in a worker process of its own, each instrumented, each writing its counts line.
  const lines = readReportLines(log);
  assert.equal(new Set(lines.filter((line) => line.race).map((line) => line.pid)).size, 2, 'races from both workers');
  assert.equal(lines.filter((line) => line.counts).length, 2);
  assert.match(jestRaceSummary(result.stderr), /^ {2}savings > credits twice \(savings\.test\.js\)$/m);
  assert.deepEqual(result.stderr.match(/^asyncrace:.*/gm), ['asyncrace: 2 races reported during this run'], 'nothing else from asyncrace: all was wired');
});

test('jest with --fail-on-race, its own --config and --reporters: the racy tests fail in jest\'s output; the safe ones pass; the run exits 66', () => {
  const log = path.join(tempDir(), 'r.ndjson');
  // --reporters replaces the config's reporters: asyncrace's is added back.
  const args = ['--ci', 'bank.test.js', '--config', 'jest.config.js', '--reporters', 'default'];
  const result = asyncrace(['run', '--fail-on-race', '--log', log, '--', JEST, ...args], { cwd: JEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 66, 'the run failed only because of races');
  assert.match(result.stderr, /Tests:\s+2 failed, 3 passed, 5 total/);
  assert.match(result.stderr, /● bank › credits twice\n\n\s+asyncrace: this test raced: lost-update on this\.balance at account\.js:11:5/);
  assert.match(result.stderr, /● concurrent › racy other\n\n\s+asyncrace: this test raced: lost-update on this\.balance at account\.js:17:5/);
  assert.match(result.stderr, /✓ safe credit/);
  assert.match(result.stderr, /✓ slow safe/);
  assert.equal(jestRaceSummary(result.stderr), JEST_RACE_SUMMARY(log));
});

test('asyncrace run -- npm test, the script running jest: the same', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', 'npm', 'test', '--', 'bank.test.js'], { cwd: JEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /Tests:\s+5 passed, 5 total/);
  assert.deepEqual(attributed(log), EXPECTED);
  assert.equal(jestRaceSummary(result.stderr), JEST_RACE_SUMMARY(log));
});

const VITEST_PROJECT = path.join(REPO, 'fixtures', 'vitest-cli');
const VITEST = path.join(REPO, 'node_modules', '.bin', 'vitest');

test('vitest through asyncrace run, no asyncrace in its config: each race names its test (concurrent ones too), with the project\'s own config; the result unchanged', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  const result = asyncrace(['run', '--log', log, '--', VITEST, 'run'], { cwd: VITEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(plain(result.stdout), /Tests\s+5 passed \(5\)/);
  assert.doesNotMatch(result.stderr, /asyncrace:/);
  assert.deepEqual(attributed(log), EXPECTED);
});

test('vitest with --fail-on-race and its own -c: the racy tests fail in vitest\'s output; the safe ones pass; the run exits 66', () => {
  const result = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', VITEST, 'run', '-c', 'vitest.config.mjs'], { cwd: VITEST_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 66, 'the run failed only because of races');
  const out = plain(result.stdout + result.stderr);
  assert.match(out, /Tests\s+2 failed \| 3 passed \(5\)/);
  assert.match(out, /FAIL\s+bank\.test\.js > bank > credits twice\nError: asyncrace: this test raced: lost-update on this\.balance at account\.js:11:5/);
  assert.match(out, /FAIL\s+bank\.test\.js > concurrent > racy other\nError: asyncrace: this test raced: lost-update on this\.balance at account\.js:17:5/);
  assert.match(out, /✓ safe credit/);
  assert.match(out, /✓ slow safe/);
});

// mocha loads files through Node's hooks: `asyncrace run` only adds its root hooks (asyncrace/mocha)
// to mocha's CLI, which name the running test. `--no-config` leaves out the fixture's own .mocharc.
const MOCHA_PROJECT = path.join(REPO, 'fixtures', 'mocha');
const MOCHA = path.join(REPO, 'node_modules', '.bin', 'mocha');

test('mocha through asyncrace run, no asyncrace in its config, in parallel mode: the racy test is named; with --fail-on-race it fails once and the run exits 66', () => {
  const log = path.join(tempDir(), 'races.ndjson');
  // --parallel: the file runs in one of mocha's worker processes, which gets the root hooks too.
  const result = asyncrace(['run', '--log', log, '--', MOCHA, '--no-config', '--parallel', 'bank.spec.js'], { cwd: MOCHA_PROJECT, env: cleanEnv() });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual(attributed(log), [{ write: 'account.js:11:5', test: { file: 'bank.spec.js', name: 'bank > credits twice' } }]);
  // The fixture's .mocharc requires asyncrace/mocha too: the run adds it again, and it acts once.
  const failing = asyncrace(['run', '--fail-on-race', '--log', path.join(tempDir(), 'r.ndjson'), '--', MOCHA], { cwd: MOCHA_PROJECT, env: cleanEnv() });
  assert.equal(failing.status, 66, failing.stdout);
  assert.match(failing.stdout, /^ {2}1 failing$/m);
  assert.equal(failing.stdout.match(/Error: asyncrace: this test raced/g).length, 1);
});
