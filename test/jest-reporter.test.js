'use strict';
// asyncrace's jest reporter on its own, fed as jest feeds it, for what the jest runs of
// test-runners*.test.js do not show: a run with no race prints nothing, lines from before the run
// are not this run's, reports relayed or written straight to stderr, its own trouble; and how the
// preset and `asyncrace run`'s generated config add it to a project's reporters.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { tempDir, REPO } = require('./helpers/run');
const Reporter = require('../dist/src/runners/jest-reporter').default;
const { asyncraceJestConfig } = require('../dist/src/runners/jest-config');
const preset = require('../dist/src/runners/jest-preset');

const REPORTER = require.resolve('../dist/src/runners/jest-reporter');
const JEST_BIN = path.join(REPO, 'node_modules', 'jest', 'bin', 'jest.js');

/** A race report line as CONTRACT.md fixes it. */
function raceLine(id, write, test) {
  const race = {
    id,
    kind: 'lost-update',
    target: { name: 'this.balance', type: 'property' },
    read: { site: 'account.js:9:21', version: 0, task: 3 },
    await: { site: 'account.js:10:5' },
    intervening: { site: write, version: 1, task: 2 },
    write: { site: write, version: 2, task: 3 },
    ...(test && { test }),
  };
  return JSON.stringify({ level: 40, time: Date.now(), pid: 7, hostname: 'h', name: 'asyncrace', msg: 'lost update', race });
}
const countsLine = (races) => JSON.stringify({ level: 30, time: Date.now(), pid: 7, hostname: 'h', name: 'asyncrace', msg: 'asyncrace counts', counts: { races, suppressed: 0 } });

const CREDITS = { file: 'bank.test.js', name: 'bank > credits twice' };
const OTHER = { file: 'bank.test.js', name: 'concurrent > racy other' };
const FAILED_FOR_RACING = { numFailingTests: 1, testResults: [{ failureMessages: ['Error: asyncrace: this test raced: lost-update on this.balance at account.js:11:5 (race 3eada0403694)'] }] };
const PASSED = { numFailingTests: 0, testResults: [{ failureMessages: [] }] };

/**
 * A jest run as the reporter sees it: constructed with ASYNCRACE_LOG = `log` (and
 * ASYNCRACE_LOG_SHOWN_AS = `shownAs`), `before` already in the log file, `onRunStart`, the workers
 * appending `during`, `onRunComplete` with `results`. Resolves to what the reporter wrote to stderr.
 */
async function report({ log, shownAs, before = [], during = [], results = { testResults: [PASSED] }, globalConfig = { verbose: true } }) {
  const file = log === undefined || log === 'stdout' || log === 'stderr' ? undefined : log;
  const append = (lines) => file && lines.length > 0 && fs.appendFileSync(file, lines.map((line) => `${line}\n`).join(''));
  const env = { ASYNCRACE_LOG: log, ASYNCRACE_LOG_SHOWN_AS: shownAs };
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const set = (values) => Object.entries(values).forEach(([name, value]) => (value === undefined ? delete process.env[name] : (process.env[name] = value)));
  const write = process.stderr.write;
  let stderr = '';
  try {
    set(env);
    append(before);
    const reporter = new Reporter(globalConfig, {}, {});
    reporter.onRunStart(results, {});
    append(during);
    process.stderr.write = (chunk) => ((stderr += chunk), true);
    await reporter.onRunComplete(new Set(), results);
  } finally {
    process.stderr.write = write;
    set(saved);
  }
  return stderr;
}

const logFile = () => path.join(tempDir(), 'races.ndjson');

test('the races of this run, under each test that made them, then the log file; what the log held before is another run\'s', async () => {
  const log = logFile();
  const stderr = await report({
    log,
    before: [raceLine('0123456789ab', 'old.js:1:1', { file: 'old.test.js', name: 'an earlier run' })],
    during: [
      'a line of the app\'s own',
      raceLine('fc39723d7552', 'account.js:17:5', OTHER),
      raceLine('3eada0403694', 'account.js:11:5', CREDITS),
      raceLine('3eada0403694', 'account.js:11:5', { ...CREDITS, name: 'bank > credits twice again' }),
      raceLine('5b5b5b5b5b5b', 'setup.js:3:1'),
      countsLine({ '3eada0403694': 2, fc39723d7552: 1, '5b5b5b5b5b5b': 1 }),
    ],
  });
  assert.equal(
    stderr,
    [
      'asyncrace: 3 races reported during this run',
      '  bank > credits twice (bank.test.js)',
      '    lost-update on this.balance at account.js:11:5 (race 3eada0403694)',
      '  bank > credits twice again (bank.test.js)',
      '    lost-update on this.balance at account.js:11:5 (race 3eada0403694)',
      '  concurrent > racy other (bank.test.js)',
      '    lost-update on this.balance at account.js:17:5 (race fc39723d7552)',
      '  outside any test',
      '    lost-update on this.balance at setup.js:3:1 (race 5b5b5b5b5b5b)',
      `  full reports: ${log} (asyncrace report ${log} groups them)`,
      '',
      '', // a blank line before jest's summary, as after its verbose output
    ].join('\n'),
  );
});

test('no race during the run: nothing, whatever the log held before (or with no log file at all)', async () => {
  const log = logFile();
  const before = [raceLine('3eada0403694', 'account.js:11:5', CREDITS)];
  assert.equal(await report({ log, before, during: ['not JSON', countsLine({ '3eada0403694': 1 })] }), '');
  assert.equal(await report({ log: path.join(tempDir(), 'never-written.ndjson') }), '');
});

test('a log asyncrace run relays to stderr: the summary says the reports are there; set off as jest\'s summary expects after a passing non-verbose run', async () => {
  const stderr = await report({
    log: logFile(),
    shownAs: 'stderr',
    during: [raceLine('3eada0403694', 'account.js:11:5', CREDITS)],
    globalConfig: { verbose: false },
  });
  assert.equal(
    stderr,
    ['', 'asyncrace: 1 race reported during this run', '  bank > credits twice (bank.test.js)', '    lost-update on this.balance at account.js:11:5 (race 3eada0403694)', '  full reports: on stderr', ''].join('\n'),
  );
});

test('reports written straight to stderr: one line when --fail-on-race failed tests for racing, else nothing', async () => {
  const results = { testResults: [FAILED_FOR_RACING, PASSED, FAILED_FOR_RACING] };
  assert.equal(await report({ results }), 'asyncrace: 2 tests raced; the reports were written to stderr (with ASYNCRACE_LOG naming a file, they are summarised here)\n\n');
  assert.equal(await report({ log: 'stdout', results: { testResults: [FAILED_FOR_RACING] } }), 'asyncrace: 1 test raced; the reports were written to stdout (with ASYNCRACE_LOG naming a file, they are summarised here)\n\n');
  assert.equal(await report({ results: { testResults: [PASSED, { numFailingTests: 1, testResults: [{ failureMessages: ['expected 3'] }] }] } }), '');
});

test('a log it cannot read: one asyncrace line, and jest goes on', async () => {
  const stderr = await report({ log: tempDir() });
  assert.match(stderr, /^asyncrace: no race summary for this jest run \(.*EISDIR.*\)\n$/);
});

// How the reporter gets into a run: the preset lists it; `asyncrace run -- jest`'s generated config
// adds it to whatever reporters the project ends up with (jest takes a project's own over its preset's).
/** The reporters of the config `asyncrace run -- jest` would run a project with, whose jest.config.js exports `options`. */
async function generatedReporters(options) {
  const config = path.join(tempDir(), 'jest.config.js');
  fs.writeFileSync(config, `module.exports = ${JSON.stringify(options)};`);
  return (await asyncraceJestConfig({ bin: JEST_BIN, config })).reporters;
}

test('the preset and the generated config add the reporter after jest\'s default or the project\'s own reporters, once', async () => {
  assert.deepEqual(preset.reporters, ['default', REPORTER]);
  assert.deepEqual(await generatedReporters({}), ['default', REPORTER]);
  assert.deepEqual(await generatedReporters({ reporters: [['default', { summaryThreshold: 1 }], 'summary'] }), [['default', { summaryThreshold: 1 }], 'summary', REPORTER]);
  assert.deepEqual(await generatedReporters({ preset: 'asyncrace/jest', reporters: ['summary'] }), ['summary', REPORTER]);
  assert.deepEqual(await generatedReporters({ reporters: ['default', 'asyncrace/jest/reporter'] }), ['default', 'asyncrace/jest/reporter']);
});
