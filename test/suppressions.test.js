'use strict';
// Suppressions: inline `asyncrace-ignore` comments, and target/file/function patterns from
// ASYNCRACE_SUPPRESS, `asyncrace run --suppress` and package.json. A suppressed race is not logged,
// not listed by races(), does not fail --fail-on-race, and is counted in counts.suppressed.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test } = require('node:test');
const { transformSync } = require('@babel/core');
const plugin = require('../dist/babel-plugin');
const { parseSuppressions } = require('../dist/src/config');
const { asyncrace, run, tempDir, REPO } = require('./helpers/run');
const { readReportLines } = require('./helpers/report');

const REGISTER = path.join(REPO, 'dist', 'src', 'hooks', 'register.js');

describe('inline comments in the plugin output', () => {
  /** The arguments of the module registration call, as source text. */
  const registration = (code) => {
    const output = transformSync(code, { filename: '/project/file.js', babelrc: false, configFile: false, plugins: [plugin] }).code;
    return output.match(/_asyncrace\.m\("\/project\/file\.js", \[[^\]]*\](.*)\);/)[1];
  };
  const racy = (line4, line5 = '') =>
    `let n = 0;\nasync function f() {\n  const c = n; await g();\n${line4}\n${line5}\n}`;

  test('asyncrace-ignore-next-line, with a reason after -- or :, names the next line', () => {
    assert.equal(registration(racy('  // asyncrace-ignore-next-line -- accepted: approximate', '  n = c + 1;')), ', [5]');
    assert.equal(registration(racy('  // asyncrace-ignore-next-line: approximate', '  n = c + 1;')), ', [5]');
    assert.equal(registration(racy('  /* asyncrace-ignore-next-line */', '  n = c + 1;')), ', [5]');
  });

  test('asyncrace-ignore-line names its own line', () => {
    assert.equal(registration(racy('  n = c + 1; // asyncrace-ignore-line')), ', [4]');
    assert.equal(registration(racy('  /* asyncrace-ignore-line -- why */ n = c + 1;')), ', [4]');
  });

  test('without a directive the call keeps its two arguments', () => {
    assert.equal(registration(racy('  n = c + 1;')), '');
    assert.equal(registration(racy('  // asyncrace-ignore-next-lines', '  n = c + 1;')), '');
    assert.equal(registration(racy('  // see asyncrace-ignore-line', '  n = c + 1;')), '');
  });
});

test('ASYNCRACE_SUPPRESS syntax: kind:glob entries, commas inside braces kept', () => {
  assert.deepEqual(parseSuppressions(' target:balance, file:src/{a,b}/**,function:refresh*,'), {
    patterns: [
      { kind: 'target', glob: 'balance' },
      { kind: 'file', glob: 'src/{a,b}/**' },
      { kind: 'function', glob: 'refresh*' },
    ],
    invalid: [],
  });
  assert.deepEqual(parseSuppressions('balance,fn:x,target:').invalid, ['balance', 'fn:x', 'target:']);
});

// Four lost updates, one occurrence each: on `hits` (in hit), on `entries` (in Cache.refresh), on
// `visits` (in lib/legacy.js) and on `jobs` (in enqueue). With API set, prints what the API tells.
const APP = `
const legacy = require('./lib/legacy');
let hits = 0;
let entries = 0;
let jobs = 0;
const io = () => new Promise((resolve) => setImmediate(resolve));
async function hit() { const seen = hits; await io(); hits = seen + 1; }
class Cache { async refresh() { const before = entries; await io(); entries = before + 1; } }
async function enqueue() { const queued = jobs; await io(); jobs = queued + 1; }
Promise.all([hit(), hit(), new Cache().refresh(), new Cache().refresh(), legacy.visit(), legacy.visit(), enqueue(), enqueue()]).then(() => {
  const api = process.env.API && require(process.env.API);
  if (api) console.log(JSON.stringify({ races: api.races().map((race) => race.target.name), suppressed: api.suppressed() }));
});
`;
const LEGACY = `
let visits = 0;
const io = () => new Promise((resolve) => setImmediate(resolve));
async function visit() { const before = visits; await io(); visits = before + 1; }
module.exports = { visit };
`;
const ALL = ['entries', 'hits', 'jobs', 'visits'];

/** A project holding the program, with `asyncrace` as the key of its own package.json. */
function project(asyncraceConfig) {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  fs.writeFileSync(path.join(dir, 'lib', 'legacy.js'), LEGACY);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', private: true, asyncrace: asyncraceConfig }));
  return dir;
}

/** What a log shows: the targets reported in full, and the one counts line's races and suppressed. */
function outcome(log) {
  const lines = readReportLines(log);
  const counts = lines.filter((l) => l.counts);
  assert.equal(counts.length, 1, 'one counts line');
  return {
    reported: lines.filter((l) => l.race).map((l) => l.race.target.name).sort(),
    counted: Object.keys(counts[0].counts.races).length,
    suppressed: counts[0].counts.suppressed,
  };
}

function runCli(dir, options, env = {}) {
  const log = path.join(dir, 'races.ndjson');
  const result = asyncrace(['run', '--log', log, ...options, '--', process.execPath, 'app.js'], { cwd: dir, env: { ...process.env, ...env } });
  return { ...result, log };
}

describe('configured patterns', { concurrency: 4 }, () => {
  test('none: all four races are reported', () => {
    const result = runCli(project(), []);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(result.log), { reported: ALL, counted: 4, suppressed: 0 });
  });

  test('--suppress by target, by function (method name) and by file, repeatable', () => {
    const result = runCli(project(), ['--suppress', 'target:hits', '--suppress', 'function:refresh', '--suppress', 'file:lib/**']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(result.log), { reported: ['jobs'], counted: 1, suppressed: 3 });
  });

  test('ASYNCRACE_SUPPRESS under the register hook alone; Class.method and glob names', () => {
    const dir = project();
    const log = path.join(dir, 'races.ndjson');
    const env = { ...process.env, ASYNCRACE_LOG: log, ASYNCRACE_SUPPRESS: 'function:Cache.refresh,target:{hits,jobs}' };
    const result = run(process.execPath, ['--require', REGISTER, 'app.js'], { cwd: dir, env });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(log), { reported: ['visits'], counted: 1, suppressed: 3 });
  });

  test('package.json, ASYNCRACE_SUPPRESS and --suppress add up', () => {
    const result = runCli(project({ suppress: ['file:legacy.js'] }), ['--suppress', 'target:jobs'], { ASYNCRACE_SUPPRESS: 'function:hit' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(result.log), { reported: ['entries'], counted: 1, suppressed: 3 });
  });

  test('--fail-on-race: suppressed races do not fail the run; the counts line is still written', () => {
    const dir = project({ suppress: 'target:hits,target:entries,target:visits' });
    assert.equal(runCli(dir, ['--fail-on-race']).status, 66, 'jobs is not suppressed');
    const result = runCli(dir, ['--fail-on-race', '--suppress', 'target:jobs']);
    assert.equal(result.status, 0, result.stderr);
    const lines = readReportLines(result.log).filter((l) => l.counts);
    // The log file is appended to: the second run's counts line is the last.
    assert.deepEqual(lines.at(-1).counts, { races: {}, suppressed: 4 });
    assert.equal(lines.at(-1).msg, 'asyncrace counts: 0 races, 0 occurrences');
    assert.equal(lines.at(-1).counts.suppressed, 4);
  });

  test('races() does not list suppressed races; suppressed() counts them', () => {
    const result = runCli(project(), ['--suppress', 'target:hits'], { API: path.join(REPO, 'dist', 'src', 'index.js') });
    assert.equal(result.status, 0, result.stderr);
    const { races, suppressed } = JSON.parse(result.stdout);
    assert.deepEqual({ races: races.sort(), suppressed }, { races: ['entries', 'jobs', 'visits'], suppressed: 1 });
  });

  test('a bad --suppress is one line and exit 2', () => {
    const result = asyncrace(['run', '--suppress', 'hits', '--', process.execPath, '-e', '0']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, "asyncrace: bad --suppress 'hits': expected target:<glob>, file:<glob> or function:<glob>\n");
  });

  test('a bad entry in package.json is said on stderr and skipped; the others apply', () => {
    const result = runCli(project({ suppress: ['hits', 'target:jobs'] }), []);
    assert.equal(result.status, 0);
    assert.match(result.stderr, /^asyncrace: ignoring .*package\.json: 'hits' is not a suppression/m);
    assert.deepEqual(outcome(result.log), { reported: ['entries', 'hits', 'visits'], counted: 3, suppressed: 1 });
  });
});
