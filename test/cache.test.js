'use strict';
// The transform cache: a second start is served from node_modules/.cache/asyncrace (the entry on
// disk is what runs), a changed source gets a new entry, a corrupt entry is rewritten, parallel
// processes on a fresh cache all run correctly, and ASYNCRACE_CACHE=0 writes nothing.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test } = require('node:test');
const { run, tempDir, REPO } = require('./helpers/run');
const { readReportLines, summarize } = require('./helpers/report');

const REGISTER = path.join(REPO, 'dist', 'src', 'hooks', 'register.js');
const CREDIT = fs.readFileSync(path.join(REPO, 'fixtures', 'credit-2', 'app.js'), 'utf8');
const CREDIT_RACE = { kind: 'lost-update', target: 'balance', read: 7, write: 9, file: 'app.js' };

/** A project with a package.json (where the cache goes) and the given files. */
function project(files) {
  const dir = tempDir('asyncrace-cache-');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "cached", "private": true }\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function environment(dir, extra = {}) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.ASYNCRACE_CACHE;
  return { ...env, ASYNCRACE_LOG: path.join(dir, 'races.ndjson'), ...extra };
}

/** `node --require register <entry>` in `dir`, with its races. */
function instrumented(dir, entry = 'app.js', extra = {}) {
  fs.rmSync(path.join(dir, 'races.ndjson'), { force: true });
  const result = run(process.execPath, ['--require', REGISTER, entry], { cwd: dir, env: environment(dir, extra) });
  return { ...result, races: summarize(readReportLines(path.join(dir, 'races.ndjson'))) };
}

const cacheDir = (dir) => path.join(dir, 'node_modules', '.cache', 'asyncrace');
const entries = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('transform cache', () => {
  test('the second start runs the entry the first one wrote', () => {
    const dir = project({ 'app.js': CREDIT });
    const first = instrumented(dir);
    assert.equal(first.stdout, 'balance: 1 (expected 2)\n', first.stderr);
    assert.deepEqual(first.races, [CREDIT_RACE]);
    const written = entries(cacheDir(dir));
    assert.equal(written.length, 1, 'one entry, for app.js');
    assert.match(written[0], /^[0-9a-f]{64}\.json$/);

    const second = instrumented(dir);
    assert.equal(second.stdout, first.stdout);
    assert.deepEqual(second.races, [CREDIT_RACE]);
    assert.deepEqual(entries(cacheDir(dir)), written, 'nothing new written');

    // Poison the entry under its own key: what runs now is the cache's code, not a new transform.
    const file = path.join(cacheDir(dir), written[0]);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    entry.value.code = `console.log('served from the cache');${entry.value.code}`;
    fs.writeFileSync(file, JSON.stringify(entry));
    const poisoned = instrumented(dir);
    assert.equal(poisoned.stdout, 'served from the cache\nbalance: 1 (expected 2)\n');
    assert.deepEqual(poisoned.races, [CREDIT_RACE], 'the poisoned code is still the instrumented one');
  });

  test('a changed source gets a new key, and runs its own code', () => {
    const dir = project({ 'app.js': CREDIT });
    instrumented(dir);
    const before = entries(cacheDir(dir));
    fs.writeFileSync(path.join(dir, 'app.js'), CREDIT.replace('(expected 2)', '(expected two)'));
    const changed = instrumented(dir);
    assert.equal(changed.stdout, 'balance: 1 (expected two)\n');
    assert.deepEqual(changed.races, [CREDIT_RACE]);
    const after = entries(cacheDir(dir));
    assert.equal(after.length, 2);
    assert.ok(before.every((name) => after.includes(name)));
  });

  test('a corrupt entry is ignored and rewritten', () => {
    const dir = project({ 'app.js': CREDIT });
    instrumented(dir);
    const [name] = entries(cacheDir(dir));
    const file = path.join(cacheDir(dir), name);
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.slice(0, good.length >> 1)); // a torn write, as a crash could leave
    const result = instrumented(dir);
    assert.equal(result.stdout, 'balance: 1 (expected 2)\n', result.stderr);
    assert.deepEqual(result.races, [CREDIT_RACE]);
    assert.equal(fs.readFileSync(file, 'utf8'), good, 'rewritten whole');
  });

  test('four processes starting at once on a fresh cache all run correctly', async () => {
    // Forty modules, each racing on its own counter: many entries written concurrently.
    const files = { 'app.js': '' };
    const modules = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const name of modules) {
      files[`${name}.js`] = [
        'let count = 0;',
        'const tick = () => new Promise((resolve) => setImmediate(resolve));',
        'async function bump() {',
        '  const seen = count;',
        '  await tick();',
        '  count = seen + 1;',
        '}',
        'module.exports = async () => { await Promise.all([bump(), bump()]); return count; };',
        '',
      ].join('\n');
    }
    files['app.js'] = [
      `const modules = [${modules.map((name) => `require('./${name}')`).join(', ')}];`,
      'Promise.all(modules.map((bumpTwice) => bumpTwice())).then((counts) => console.log(counts.join(",")));',
      '',
    ].join('\n');
    const dir = project(files);
    const start = (i) =>
      new Promise((resolve, reject) => {
        const log = path.join(dir, `races-${i}.ndjson`);
        const child = spawn(process.execPath, ['--require', REGISTER, 'app.js'], { cwd: dir, env: environment(dir, { ASYNCRACE_LOG: log }) });
        let stdout = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, races: summarize(readReportLines(log)) }));
      });
    const results = await Promise.all([0, 1, 2, 3].map(start));
    for (const result of results) {
      assert.equal(result.status, 0);
      assert.equal(result.stdout, `${modules.map(() => 1).join(',')}\n`);
      assert.equal(result.races.length, modules.length, 'one lost update per module');
    }
    const written = entries(cacheDir(dir));
    assert.equal(written.length, modules.length + 1, 'one entry per module, no temporary file left');
    for (const name of written) JSON.parse(fs.readFileSync(path.join(cacheDir(dir), name), 'utf8'));
  });

  test('ASYNCRACE_CACHE=0 writes nothing', () => {
    const dir = project({ 'app.js': CREDIT });
    const result = instrumented(dir, 'app.js', { ASYNCRACE_CACHE: '0' });
    assert.equal(result.stdout, 'balance: 1 (expected 2)\n', result.stderr);
    assert.deepEqual(result.races, [CREDIT_RACE]);
    assert.equal(fs.existsSync(path.join(dir, 'node_modules')), false);
  });

  test("the system's temporary directory serves when the project's node_modules cannot hold the cache", () => {
    const dir = project({ 'app.js': CREDIT, node_modules: 'a file, not a directory' });
    const tmp = tempDir('asyncrace-tmpdir-');
    const result = instrumented(dir, 'app.js', { TMPDIR: tmp });
    assert.equal(result.stdout, 'balance: 1 (expected 2)\n', result.stderr);
    assert.equal(entries(path.join(tmp, 'asyncrace-cache')).length, 1);
  });

  test('a TypeScript module loaded by import and handed to the require hook is transformed once', () => {
    // Its format is known only once transformed (no package.json type, no module syntax: CommonJS):
    // the ES module loader's entry is the one the require hook then reads.
    const dir = project({ 'app.ts': "const answer: number = 42;\nconsole.log(`answer: ${answer}`);\n" });
    const result = run(process.execPath, ['--import', REGISTER, 'app.ts'], { cwd: dir, env: environment(dir) });
    assert.equal(result.stdout, 'answer: 42\n', result.stderr);
    const [name, ...others] = entries(cacheDir(dir));
    assert.deepEqual(others, []);
    assert.equal(JSON.parse(fs.readFileSync(path.join(cacheDir(dir), name), 'utf8')).value.format, 'commonjs');
  });
});
