'use strict';
// The acceptance path of a user: `npm pack`, install the tarball into an empty project (offline,
// from the npm cache `npm ci` filled), and run the detector there with `npx asyncrace`.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { before, describe, test } = require('node:test');
const { run, tempDir, REPO } = require('./helpers/run');
const { readReportLines, summarize } = require('./helpers/report');

const CREDIT = fs.readFileSync(path.join(REPO, 'fixtures', 'credit-2', 'app.js'), 'utf8');
// The example as DEVELOPERS.md writes it, with top-level await: Node runs it as an ES module.
const CREDIT_TLA = fs.readFileSync(path.join(REPO, 'fixtures', 'esm-top-level-await', 'app.js'), 'utf8');
// TypeScript, run as it is written (`node app.ts`): a CommonJS app, and a "type": "module" project
// importing './helper.js' that is helper.ts.
const fixture = (name, file) => fs.readFileSync(path.join(REPO, 'fixtures', name, file), 'utf8');
// The same program with the read moved after the await: correct, so silent.
const CREDIT_FIXED = CREDIT.replace('  const current = balance;\n  await io();\n', '  await io();\n  const current = balance;\n');

describe('installed from the packed tarball', () => {
  const project = tempDir('asyncrace-project-');
  const npx = (args) => run('npx', ['--no', ...args], { cwd: project });

  before(() => {
    const packed = run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: REPO });
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = path.join(project, packed.stdout.trim().split('\n').at(-1));
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "user-project", "private": true }\n');
    const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project });
    assert.equal(installed.status, 0, installed.stderr);
    fs.writeFileSync(path.join(project, 'app.js'), CREDIT);
    fs.writeFileSync(path.join(project, 'fixed.js'), CREDIT_FIXED);
    fs.writeFileSync(path.join(project, 'top-level-await.js'), CREDIT_TLA);
    fs.writeFileSync(path.join(project, 'credit.mjs'), CREDIT_TLA);
    fs.writeFileSync(path.join(project, 'app.ts'), fixture('ts-app', 'app.ts'));
    fs.mkdirSync(path.join(project, 'nodenext'));
    for (const file of ['package.json', 'app.ts', 'helper.ts']) fs.writeFileSync(path.join(project, 'nodenext', file), fixture('ts-nodenext', file));
  });

  test('reports exactly one lost update on balance, on stderr', () => {
    const result = npx(['asyncrace', 'run', '--', 'node', 'app.js']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'balance: 1 (expected 2)\n');
    const log = path.join(project, 'stderr.ndjson');
    fs.writeFileSync(log, result.stderr);
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'balance', read: 7, write: 9, file: 'app.js' }]);
  });

  test('the example with top-level await (an ES module) reports the same race', () => {
    const log = path.join(project, 'tla.ndjson');
    const result = npx(['asyncrace', 'run', '--fail-on-race', '--log', log, '--', 'node', 'top-level-await.js']);
    assert.equal(result.status, 66);
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'balance', read: 8, write: 10, file: 'top-level-await.js' }]);
  });

  test('a TypeScript app run with `node app.ts` reports the lines of the .ts source', () => {
    const result = npx(['asyncrace', 'run', '--', 'node', 'app.ts']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'total: 2 (expected 3), balance: 3, first: a\n');
    const log = path.join(project, 'ts.ndjson');
    fs.writeFileSync(log, result.stderr);
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'total', read: 14, write: 16, file: 'app.ts' }]);
  });

  test("a TypeScript ES module project importing './helper.js' (helper.ts) reports the helper's lines", () => {
    const log = path.join(project, 'nodenext.ndjson');
    const result = npx(['asyncrace', 'run', '--log', log, '--', 'node', 'nodenext/app.ts']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'requests: 10 (expected 11), low is Low\n');
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'this.hits', read: 15, write: 17, file: 'nodenext/helper.ts' }]);
  });

  test('an .mjs app reports its lines', () => {
    const log = path.join(project, 'mjs.ndjson');
    const result = npx(['asyncrace', 'run', '--log', log, '--', 'node', 'credit.mjs']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'balance', read: 8, write: 10, file: 'credit.mjs' }]);
  });

  test('a project built by tsc with source maps, run from its output, reports the lines of its .ts sources', () => {
    const dir = path.join(project, 'tsc-project');
    fs.cpSync(path.join(REPO, 'fixtures', 'tsc-project'), dir, { recursive: true, filter: (file) => !file.includes(`${path.sep}out`) });
    assert.equal(run(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', dir]).status, 0);
    const log = path.join(project, 'tsc.ndjson');
    const result = npx(['asyncrace', 'run', '--log', log, '--', 'node', 'tsc-project/out/app.js']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'balance: 18\n');
    assert.deepEqual(summarize(readReportLines(log)), [{ kind: 'lost-update', target: 'this.ledger.balance', read: 24, write: 26, file: 'tsc-project/src/bank.ts' }]);
  });

  test('asyncrace report groups what asyncrace run logged, in every format', () => {
    const log = path.join(project, 'tla.ndjson'); // written by the top-level await test above
    const json = npx(['asyncrace', 'report', '--format', 'json', log]);
    assert.equal(json.status, 0, json.stderr);
    const { races, skipped } = JSON.parse(json.stdout);
    assert.deepEqual(races.map((race) => [race.target.name, race.count, race.write.site]), [['balance', 1, 'top-level-await.js:10:3']]);
    assert.equal(skipped, 0);
    for (const format of ['text', 'sarif', 'html']) {
      const out = path.join(project, `report.${format}`);
      const result = npx(['asyncrace', 'report', '--format', format, '--out', out, log]);
      assert.equal(result.status, 0, `${format}: ${result.stderr}`);
      assert.match(fs.readFileSync(out, 'utf8'), new RegExp(races[0].id), format);
    }
  });

  test('--fail-on-race exits 66', () => {
    assert.equal(npx(['asyncrace', 'run', '--fail-on-race', '--', 'node', 'app.js']).status, 66);
  });

  test('the fixed program reports nothing and exits 0', () => {
    assert.notEqual(CREDIT_FIXED, CREDIT);
    const result = npx(['asyncrace', 'run', '--fail-on-race', '--', 'node', 'fixed.js']);
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'balance: 2 (expected 2)\n');
  });

  test('node --require asyncrace/register works with ASYNCRACE_LOG', () => {
    const log = path.join(project, 'races.ndjson');
    const result = run('node', ['--require', 'asyncrace/register', 'app.js'], { cwd: project, env: { ...process.env, ASYNCRACE_LOG: log } });
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    assert.equal(summarize(readReportLines(log)).length, 1);
  });

  test('the programmatic API and the Babel plugin load from the package', () => {
    const script = [
      "const api = require('asyncrace');",
      "const plugin = require('asyncrace/babel-plugin');",
      "if (typeof api.races !== 'function' || typeof api.start !== 'function' || typeof api.stop !== 'function') process.exit(1);",
      "if (typeof plugin !== 'function') process.exit(2);",
    ].join('\n');
    assert.equal(run('node', ['-e', script], { cwd: project }).status, 0);
  });
});
